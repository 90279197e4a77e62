package cuda

import (
	"fmt"
	"strings"
)

// The CUDA driver API functions used, found in libcuda at load time.
var drv struct {
	lib                                                       *library
	cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet uintptr
	cuDeviceGetName, cuDeviceTotalMem, cuDeviceGetAttribute   uintptr
	cuDevicePrimaryCtxRetain, cuCtxSetCurrent                 uintptr
	cuCtxSynchronize, cuMemGetInfo                            uintptr
	cuStreamCreate, cuStreamSynchronize, cuStreamWaitEvent    uintptr
	cuStreamQuery                                             uintptr
	cuEventCreate, cuEventRecord, cuEventSynchronize          uintptr
	cuEventDestroy, cuEventQuery                              uintptr
	cuMemAlloc, cuMemFree, cuMemHostAlloc, cuMemFreeHost      uintptr
	cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync   uintptr
	cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyPeerAsync             uintptr
	cuMemsetD8Async, cuMemsetD32Async                         uintptr
	cuModuleLoadData, cuModuleGetFunction, cuLaunchKernel     uintptr
	cuModuleUnload                                            uintptr
	cuFuncSetAttribute, cuGetErrorName, cuGetErrorString      uintptr
	cuDeviceGetPCIBusId                                       uintptr
}

// CUresult codes that the backend reacts to.
const (
	cudaSuccess           = 0
	cudaErrOutOfMemory    = 2
	cudaErrNotReady       = 600
	cudaErrNoDevice       = 100
	cudaErrInvalidValue   = 1
	cudaErrInvalidContext = 201
)

func loadDriver() error {
	lib, err := openLibrary("the CUDA driver (libcuda)", []string{"libcuda.so.1", "libcuda.so"}, driverDirs())
	if err != nil {
		return err
	}
	drv.lib = lib
	var missing []string
	s := func(name string) uintptr { return lib.sym(name, &missing) }
	drv.cuInit = s("cuInit")
	drv.cuDriverGetVersion = s("cuDriverGetVersion")
	drv.cuDeviceGetCount = s("cuDeviceGetCount")
	drv.cuDeviceGet = s("cuDeviceGet")
	drv.cuDeviceGetName = s("cuDeviceGetName")
	drv.cuDeviceTotalMem = s("cuDeviceTotalMem_v2")
	drv.cuDeviceGetAttribute = s("cuDeviceGetAttribute")
	drv.cuDeviceGetPCIBusId = s("cuDeviceGetPCIBusId")
	drv.cuDevicePrimaryCtxRetain = s("cuDevicePrimaryCtxRetain")
	drv.cuCtxSetCurrent = s("cuCtxSetCurrent")
	drv.cuCtxSynchronize = s("cuCtxSynchronize")
	drv.cuMemGetInfo = s("cuMemGetInfo_v2")
	drv.cuStreamCreate = s("cuStreamCreate")
	drv.cuStreamSynchronize = s("cuStreamSynchronize")
	drv.cuStreamWaitEvent = s("cuStreamWaitEvent")
	drv.cuStreamQuery = s("cuStreamQuery")
	drv.cuEventCreate = s("cuEventCreate")
	drv.cuEventRecord = s("cuEventRecord")
	drv.cuEventSynchronize = s("cuEventSynchronize")
	drv.cuEventDestroy = s("cuEventDestroy_v2")
	drv.cuEventQuery = s("cuEventQuery")
	drv.cuMemAlloc = s("cuMemAlloc_v2")
	drv.cuMemFree = s("cuMemFree_v2")
	drv.cuMemHostAlloc = s("cuMemHostAlloc")
	drv.cuMemFreeHost = s("cuMemFreeHost")
	drv.cuMemcpyHtoDAsync = s("cuMemcpyHtoDAsync_v2")
	drv.cuMemcpyDtoHAsync = s("cuMemcpyDtoHAsync_v2")
	drv.cuMemcpyDtoDAsync = s("cuMemcpyDtoDAsync_v2")
	drv.cuMemcpyPeerAsync = s("cuMemcpyPeerAsync")
	drv.cuMemcpyHtoD = s("cuMemcpyHtoD_v2")
	drv.cuMemcpyDtoH = s("cuMemcpyDtoH_v2")
	drv.cuMemsetD8Async = s("cuMemsetD8Async")
	drv.cuMemsetD32Async = s("cuMemsetD32Async")
	drv.cuModuleLoadData = s("cuModuleLoadData")
	drv.cuModuleUnload = s("cuModuleUnload")
	drv.cuModuleGetFunction = s("cuModuleGetFunction")
	drv.cuLaunchKernel = s("cuLaunchKernel")
	drv.cuFuncSetAttribute = s("cuFuncSetAttribute")
	drv.cuGetErrorName = s("cuGetErrorName")
	drv.cuGetErrorString = s("cuGetErrorString")
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s (driver too old?)", lib.path, strings.Join(missing, ", "))
	}
	if r := call(drv.cuInit, 0); r != cudaSuccess {
		return cuErr("cuInit", r)
	}
	return nil
}

// CUDAError is a failed CUDA driver call.
type CUDAError struct {
	Call string
	Code int
	Name string
	Msg  string
}

func (e *CUDAError) Error() string {
	return fmt.Sprintf("cuda: %s: %s (%d): %s", e.Call, e.Name, e.Code, e.Msg)
}

// IsOutOfMemory reports whether err is the device running out of memory.
func (e *CUDAError) IsOutOfMemory() bool { return e.Code == cudaErrOutOfMemory }

// cuErr describes a failed call, or returns nil for success.
func cuErr(what string, r int) error {
	if r == cudaSuccess {
		return nil
	}
	e := &CUDAError{Call: what, Code: r, Name: "CUDA_ERROR", Msg: "unknown error"}
	if drv.cuGetErrorName != 0 {
		var p *byte
		if call(drv.cuGetErrorName, uintptr(r), ptr(&p)) == cudaSuccess {
			e.Name = goString(p)
		}
		if call(drv.cuGetErrorString, uintptr(r), ptr(&p)) == cudaSuccess {
			e.Msg = goString(p)
		}
	}
	return e
}

// check calls fn and turns its CUresult into an error naming what. A call
// made on an OS thread with no current context (a goroutine that did not
// bind one, which mx's workers always do) is retried once with the context
// of the only GPU, when there is one.
func check(what string, fn uintptr, args ...uintptr) error {
	r := call(fn, args...)
	if r == cudaErrInvalidContext && len(devices) == 1 {
		if devices[0].makeCurrent() == nil {
			r = call(fn, args...)
		}
	}
	return cuErr(what, r)
}
