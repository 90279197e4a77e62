#define __host__ __attribute__((host))
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define CUDA_VERSION 12000
typedef unsigned long size_t;
#define INT_MAX 2147483647
#define INT_MIN (-INT_MAX-1)
#define HUGE_VAL __builtin_huge_val()
#define HUGE_VALF __builtin_huge_valf()
#include <__clang_cuda_builtin_vars.h>
#include <__clang_cuda_libdevice_declares.h>
#undef __DEVICE__
#include <__clang_cuda_device_functions.h>
#undef __DEVICE__
#include <__clang_cuda_math.h>
#undef __DEVICE__

// Declarations of the CUDA built-ins that clang's headers leave to CUDA's
// own: enough to check kernel source, not to build it.
__device__ float atomicAdd(float*, float);
__device__ double atomicAdd(double*, double);
__device__ int atomicAdd(int*, int);
__device__ unsigned atomicAdd(unsigned*, unsigned);
__device__ unsigned long long atomicAdd(unsigned long long*, unsigned long long);
__device__ int atomicMax(int*, int);
__device__ unsigned atomicMax(unsigned*, unsigned);
__device__ unsigned long long atomicMax(unsigned long long*, unsigned long long);
__device__ long long atomicMax(long long*, long long);
__device__ int atomicMin(int*, int);
__device__ unsigned atomicMin(unsigned*, unsigned);
__device__ unsigned long long atomicMin(unsigned long long*, unsigned long long);
__device__ long long atomicMin(long long*, long long);
__device__ int atomicCAS(int*, int, int);
__device__ unsigned atomicCAS(unsigned*, unsigned, unsigned);
__device__ unsigned long long atomicCAS(unsigned long long*, unsigned long long, unsigned long long);
__device__ unsigned short atomicCAS(unsigned short*, unsigned short, unsigned short);
__device__ int atomicExch(int*, int);
__device__ unsigned atomicExch(unsigned*, unsigned);
__device__ unsigned atomicOr(unsigned*, unsigned);
__device__ int atomicOr(int*, int);
__device__ unsigned atomicAnd(unsigned*, unsigned);
#define SHFL(T) \
  __device__ T __shfl_xor_sync(unsigned, T, int, int = 32); \
  __device__ T __shfl_down_sync(unsigned, T, unsigned, int = 32); \
  __device__ T __shfl_up_sync(unsigned, T, unsigned, int = 32); \
  __device__ T __shfl_sync(unsigned, T, int, int = 32);
SHFL(int) SHFL(unsigned) SHFL(float) SHFL(double) SHFL(long long) SHFL(unsigned long long)
#undef SHFL
__device__ unsigned __ballot_sync(unsigned, int);
__device__ int __all_sync(unsigned, int);
__device__ int __any_sync(unsigned, int);
__device__ void __syncwarp(unsigned = 0xffffffff);
__device__ unsigned __match_any_sync(unsigned, unsigned);
__device__ unsigned __match_any_sync(unsigned, unsigned long long);
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#define __cluster_dims__(...)
