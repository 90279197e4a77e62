package cuda

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Device is one GPU with its primary context.
type Device struct {
	Index   int
	handle  int32
	ctx     uintptr
	info    Info
	alloc   *Allocator
	jit     *jitCache
	staging staging
	fns     fnCache

	mu      sync.Mutex
	streams []*Stream
}

// Info describes a device and the libraries that drive it.
type Info struct {
	Name                  string
	TotalMemory           int64 // bytes
	ComputeMajor          int
	ComputeMinor          int
	Multiprocessors       int
	PCIBusID              string
	DriverVersion         int // as cuDriverGetVersion gives it, e.g. 13000
	NVRTCVersion          [2]int
	CublasLtVersion       int // 0 until cuBLASLt is loaded
	DriverPath, NVRTCPath string
}

// Arch is the device's architecture as NVRTC names it, such as "sm_90".
func (i Info) Arch() string { return fmt.Sprintf("sm_%d%d", i.ComputeMajor, i.ComputeMinor) }

var (
	initErr error
	devices []*Device
	loaded  atomic.Bool
)

// Loaded returns the GPUs when the libraries were opened already, without
// opening them.
func Loaded() []*Device {
	if loaded.Load() {
		return devices
	}
	return nil
}

// Wait waits for the work that writes the device copy dc.
func Wait(dc core.DeviceCopy) error {
	if b, ok := dc.(*devBuf); ok {
		return b.writer.Synchronize()
	}
	return nil
}

// load opens the libraries and finds the devices, once.
func load() error {
	loadOnce.Do(func() {
		if initErr = loadDriver(); initErr != nil {
			return
		}
		if initErr = loadNVRTC(); initErr != nil {
			return
		}
		var n int32
		if r := call(drv.cuDeviceGetCount, ptr(&n)); r != cudaSuccess {
			initErr = cuErr("cuDeviceGetCount", r)
			return
		}
		var version int32
		call(drv.cuDriverGetVersion, ptr(&version))
		for i := 0; i < int(n); i++ {
			d, err := openDevice(i, int(version))
			if err != nil {
				initErr = err
				return
			}
			devices = append(devices, d)
		}
		loaded.Store(true)
	})
	return initErr
}

func openDevice(i, driverVersion int) (*Device, error) {
	d := &Device{Index: i}
	if err := check("cuDeviceGet", drv.cuDeviceGet, ptr(&d.handle), uintptr(i)); err != nil {
		return nil, err
	}
	if err := check("cuDevicePrimaryCtxRetain", drv.cuDevicePrimaryCtxRetain, ptr(&d.ctx), uintptr(d.handle)); err != nil {
		return nil, err
	}
	name := make([]byte, 256)
	call(drv.cuDeviceGetName, ptr(&name[0]), 256, uintptr(d.handle))
	var total uint64
	call(drv.cuDeviceTotalMem, ptr(&total), uintptr(d.handle))
	attr := func(a int) int {
		var v int32
		call(drv.cuDeviceGetAttribute, ptr(&v), uintptr(a), uintptr(d.handle))
		return int(v)
	}
	bus := make([]byte, 64)
	call(drv.cuDeviceGetPCIBusId, ptr(&bus[0]), 64, uintptr(d.handle))
	d.info = Info{
		Name:            goString(&name[0]),
		TotalMemory:     int64(total),
		ComputeMajor:    attr(75),
		ComputeMinor:    attr(76),
		Multiprocessors: attr(16),
		PCIBusID:        goString(&bus[0]),
		DriverVersion:   driverVersion,
		NVRTCVersion:    nvrtcVersion(),
		DriverPath:      drv.lib.path,
		NVRTCPath:       nvrtc.lib.path,
	}
	d.alloc = newAllocator(d)
	d.jit = newJITCache(d)
	return d, nil
}

// Load opens the CUDA libraries and reports why the GPU cannot be used, or
// nil when it can.
func Load() error { return load() }

// Count returns the number of GPUs, 0 when CUDA cannot be used.
func Count() int {
	if load() != nil {
		return 0
	}
	return len(devices)
}

// DeviceAt returns GPU i, or an error saying why it cannot be used.
func DeviceAt(i int) (*Device, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if i < 0 || i >= len(devices) {
		return nil, fmt.Errorf("cuda: no GPU %d: this machine has %d", i, len(devices))
	}
	return devices[i], nil
}

// Info returns the device's description.
func (d *Device) Info() Info {
	info := d.info
	if cublas.lib != nil {
		info.CublasLtVersion = cublas.version
	}
	return info
}

// Allocator returns the device's memory allocator.
func (d *Device) Allocator() *Allocator { return d.alloc }

// MemInfo returns the device's free and total memory as the driver sees them.
func (d *Device) MemInfo() (free, total int64, err error) {
	var f, t uint64
	err = onThread(d, func() error { return check("cuMemGetInfo", drv.cuMemGetInfo, ptr(&f), ptr(&t)) })
	return int64(f), int64(t), err
}

// makeCurrent makes d's context current on the calling OS thread.
func (d *Device) makeCurrent() error {
	return check("cuCtxSetCurrent", drv.cuCtxSetCurrent, d.ctx)
}

// BindThread makes d's context current on the calling goroutine's OS
// thread, which the caller must have locked (runtime.LockOSThread).
func (d *Device) BindThread() error { return d.makeCurrent() }

// Synchronize waits for all work on the device.
func (d *Device) Synchronize() error {
	return onThread(d, func() error { return check("cuCtxSynchronize", drv.cuCtxSynchronize) })
}
