// Package cuda is mlxgo's NVIDIA GPU backend. It opens the CUDA driver
// (libcuda), NVRTC and cuBLASLt at run time through purego, so that one
// binary, built without a CUDA toolkit, runs with or without a GPU.
//
// Kernels are CUDA C++ source embedded from kernels/, compiled by NVRTC for
// the device's architecture the first time a module is needed, and cached
// on disk (see CacheDir). Each mx stream on a GPU is one CUDA stream, driven
// by one goroutine locked to its OS thread; work on different streams is
// ordered through events. Buffers keep their device copy in memory from
// plain device allocations, cached by size (see Allocator).
package cuda
