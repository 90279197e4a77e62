package mx

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cuda"
)

// DeviceType is the kind of a device: CPU or GPU.
type DeviceType uint8

// The device types.
const (
	CPUType DeviceType = iota
	GPUType
)

// Device is a processor that runs ops: the CPU, or a GPU by index. A Device
// is also an Option: passing it to an op runs the op on the device's default
// stream.
type Device struct {
	Type  DeviceType
	Index int
}

// The CPU, and the first GPU.
var (
	CPU = Device{CPUType, 0}
	GPU = Device{GPUType, 0}
)

func (d Device) String() string {
	if d.Type == CPUType {
		return fmt.Sprintf("Device(cpu, %d)", d.Index)
	}
	return fmt.Sprintf("Device(gpu, %d)", d.Index)
}

// IsAvailable reports whether ops can run on d on this machine.
func IsAvailable(d Device) bool { return deviceError(d) == nil }

// deviceError says why d cannot be used, or nil.
func deviceError(d Device) error {
	switch {
	case d.Type == CPUType && d.Index == 0:
		return nil
	case d.Type == CPUType:
		return fmt.Errorf("there is one CPU device (index 0), not %d", d.Index)
	case d.Type == GPUType:
		if _, err := cuda.DeviceAt(d.Index); err != nil {
			return fmt.Errorf("%v is not available: %w", d, err)
		}
		return nil
	}
	return fmt.Errorf("unknown device type %d", d.Type)
}

var (
	defaultMu     sync.RWMutex
	defaultDevice = CPU
	// defaultStreams maps each device used so far to its default stream.
	defaultStreams = map[Device]Stream{}
	// defaultCur is defaultStreams[defaultDevice], or nil while that
	// stream is not made yet: DefaultStream's lock-free path. It changes
	// only with defaultMu held (see setDefaultCur).
	defaultCur atomic.Pointer[Stream]
)

// setDefaultCur brings defaultCur up to date; defaultMu must be held.
func setDefaultCur() {
	if s, ok := defaultStreams[defaultDevice]; ok {
		defaultCur.Store(&s)
	} else {
		defaultCur.Store(nil)
	}
}

// DefaultDevice returns the device ops run on when given no stream or device.
func DefaultDevice() Device {
	defaultMu.RLock()
	defer defaultMu.RUnlock()
	return defaultDevice
}

// SetDefaultDevice makes d the default device. It panics with *Error if d is
// not available.
func SetDefaultDevice(d Device) {
	if err := deviceError(d); err != nil {
		panic(&Error{Op: "set_default_device", Msg: err.Error(), Err: err})
	}
	defaultMu.Lock()
	defaultDevice = d
	setDefaultCur()
	defaultMu.Unlock()
}

// DefaultStream returns the stream ops run on when given no stream or device:
// the default stream of the default device.
func DefaultStream() Stream {
	if s := defaultCur.Load(); s != nil {
		return *s
	}
	return DefaultStreamFor(DefaultDevice())
}

// DefaultStreamFor returns the default stream of device d, making it on
// first use. It panics with *Error if d is not available.
func DefaultStreamFor(d Device) Stream {
	defaultMu.RLock()
	s, ok := defaultStreams[d]
	defaultMu.RUnlock()
	if ok {
		return s
	}
	if err := deviceError(d); err != nil {
		panic(&Error{Op: "default_stream", Msg: err.Error(), Err: err})
	}
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if s, ok := defaultStreams[d]; ok {
		return s
	}
	s = newStream(d)
	defaultStreams[d] = s
	setDefaultCur()
	return s
}

// SetDefaultStream makes s the default stream of its device, and its device
// the default device. It panics with *Error if s was never made.
func SetDefaultStream(s Stream) {
	s.stateFor("set_default_stream") // panics on a stream that was never made
	defaultMu.Lock()
	defaultStreams[s.Device] = s
	defaultDevice = s.Device
	setDefaultCur()
	defaultMu.Unlock()
}

// WithStream runs f with s as the default stream (and its device as the
// default device), then restores the previous defaults, like MLX's
// `with mx.stream(s):`. The defaults are process-wide: goroutines that run
// ops with no stream while f runs also use s. It panics with *Error if s
// was never made or f is nil.
func WithStream(s Stream, f func()) {
	if f == nil {
		panic(newError("with_stream", "nil function"))
	}
	s.stateFor("with_stream")
	defaultMu.Lock()
	oldDevice := defaultDevice
	oldStream, had := defaultStreams[s.Device]
	defaultStreams[s.Device] = s
	defaultDevice = s.Device
	setDefaultCur()
	defaultMu.Unlock()
	defer func() {
		defaultMu.Lock()
		defaultDevice = oldDevice
		if had {
			defaultStreams[s.Device] = oldStream
		} else {
			delete(defaultStreams, s.Device)
		}
		setDefaultCur()
		defaultMu.Unlock()
	}()
	f()
}

// WithDevice runs f with d as the default device, then restores the previous
// default; see WithStream. It panics with *Error if d is not available or f
// is nil.
func WithDevice(d Device, f func()) {
	if err := deviceError(d); err != nil {
		panic(&Error{Op: "with_device", Msg: err.Error(), Err: err})
	}
	if f == nil {
		panic(newError("with_device", "nil function"))
	}
	WithStream(DefaultStreamFor(d), f)
}

// newGPUStream makes the CUDA stream behind a new stream on GPU d.
func newGPUStream(d Device) (*cuda.Stream, error) {
	dev, err := cuda.DeviceAt(d.Index)
	if err != nil {
		return nil, err
	}
	setupGPUMemory(dev)
	gs, err := dev.NewStream()
	if err == nil {
		gpuInUse.Store(true)
	}
	return gs, err
}

// DeviceInfo describes a device.
type DeviceInfo struct {
	Device            Device
	Name              string // such as "NVIDIA H100 80GB HBM3"
	Memory            int64  // bytes
	ComputeCapability string // such as "9.0"; empty for the CPU
	Multiprocessors   int    // the GPU's streaming multiprocessors
	DriverVersion     string // the CUDA driver's, such as "13.0"
	NVRTCVersion      string // the runtime compiler's, such as "13.0"
	CublasLtVersion   string // cuBLASLt's once a matmul has loaded it
	Libraries         []string
}

// GetDeviceInfo describes device d, or says why it cannot be used.
func GetDeviceInfo(d Device) (DeviceInfo, error) {
	if err := deviceError(d); err != nil {
		return DeviceInfo{}, err
	}
	if d.Type == CPUType {
		return DeviceInfo{Device: d, Name: cpuName(), Memory: core.Host.Limit()}, nil
	}
	dev, _ := cuda.DeviceAt(d.Index)
	in := dev.Info()
	di := DeviceInfo{
		Device:            d,
		Name:              in.Name,
		Memory:            in.TotalMemory,
		ComputeCapability: fmt.Sprintf("%d.%d", in.ComputeMajor, in.ComputeMinor),
		Multiprocessors:   in.Multiprocessors,
		DriverVersion:     fmt.Sprintf("%d.%d", in.DriverVersion/1000, in.DriverVersion%1000/10),
		NVRTCVersion:      fmt.Sprintf("%d.%d", in.NVRTCVersion[0], in.NVRTCVersion[1]),
		Libraries:         []string{in.DriverPath, in.NVRTCPath},
	}
	if in.CublasLtVersion > 0 {
		v := in.CublasLtVersion
		di.CublasLtVersion = fmt.Sprintf("%d.%d.%d", v/10000, v/100%100, v%100)
	}
	return di, nil
}

// DeviceCount returns the number of devices of type t: 1 for the CPU, the
// number of usable GPUs for GPUType.
func DeviceCount(t DeviceType) int {
	if t == CPUType {
		return 1
	}
	return cuda.Count()
}
