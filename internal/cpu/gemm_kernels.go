package cpu

import "unsafe"

// The GEMM micro-kernels and their blocking. sgemm and dgemm are the
// configurations in use for float32 (also float16 and bfloat16, which are
// computed in float32) and float64. They start as the pure-Go kernels below;
// an assembly kernel for the machine's instruction set (AVX2, AVX-512,
// NEON), chosen at start-up by CPU feature, replaces them with its own tile
// shape and blocking in an init function of its file (gemm_<arch>.go), which
// also adds it to sgemmAll or dgemmAll, the lists of kernels this machine
// can run (the tests check each of them).
var (
	sgemmGo = gemmConfig[float32]{name: "go-2x4", mr: 2, nr: 4, mc: 128, kc: 256, nc: 2048,
		kernel: kernel2x4[float32], dot: dotGo[float32], axpy: axpyGo[float32]}
	dgemmGo = gemmConfig[float64]{name: "go-2x4", mr: 2, nr: 4, mc: 96, kc: 256, nc: 1024,
		kernel: kernel2x4[float64], dot: dotGo[float64], axpy: axpyGo[float64]}

	sgemm, dgemm       = sgemmGo, dgemmGo
	sgemmAll, dgemmAll = []*gemmConfig[float32]{&sgemmGo}, []*gemmConfig[float64]{&dgemmGo}
)

// kernel2x4 is the pure-Go micro-kernel: a 2×4 tile of C in eight
// accumulators that stay in registers. Go compiles it to scalar SSE, one
// multiply and one add per multiply-add; the loop is kept to one basic block
// (no bounds checks inside) because the compiler
// then schedules each multiply next to its add, and so needs no more
// registers than there are.
func kernel2x4[T gemmFloat](k int, a, b, c []T, ldc int, alpha, beta T) {
	var c00, c01, c02, c03, c10, c11, c12, c13 T
	_ = a[2*k-1]
	_ = b[4*k-1]
	_ = c[ldc+3]
	pa := unsafe.Pointer(unsafe.SliceData(a))
	pb := unsafe.Pointer(unsafe.SliceData(b))
	var z T
	size := unsafe.Sizeof(z)
	if n := k / 2; n > 0 {
		for {
			av := (*[4]T)(pa)
			bv := (*[8]T)(pb)
			a0, a1 := av[0], av[1]
			c00 += a0 * bv[0]
			c01 += a0 * bv[1]
			c02 += a0 * bv[2]
			c03 += a0 * bv[3]
			c10 += a1 * bv[0]
			c11 += a1 * bv[1]
			c12 += a1 * bv[2]
			c13 += a1 * bv[3]
			a0, a1 = av[2], av[3]
			c00 += a0 * bv[4]
			c01 += a0 * bv[5]
			c02 += a0 * bv[6]
			c03 += a0 * bv[7]
			c10 += a1 * bv[4]
			c11 += a1 * bv[5]
			c12 += a1 * bv[6]
			c13 += a1 * bv[7]
			n--
			if n == 0 {
				break
			}
			// Advanced only while elements remain: a pointer past the end
			// of a slice is not allowed (checkptr reports it).
			pa = unsafe.Add(pa, 4*size)
			pb = unsafe.Add(pb, 8*size)
		}
	}
	if k%2 != 0 {
		if k > 1 {
			pa = unsafe.Add(pa, 4*size)
			pb = unsafe.Add(pb, 8*size)
		}
		av := (*[2]T)(pa)
		bv := (*[4]T)(pb)
		a0, a1 := av[0], av[1]
		c00 += a0 * bv[0]
		c01 += a0 * bv[1]
		c02 += a0 * bv[2]
		c03 += a0 * bv[3]
		c10 += a1 * bv[0]
		c11 += a1 * bv[1]
		c12 += a1 * bv[2]
		c13 += a1 * bv[3]
	}
	r0 := (*[4]T)(c[0:4])
	r1 := (*[4]T)(c[ldc : ldc+4])
	if beta == 0 {
		r0[0], r0[1], r0[2], r0[3] = alpha*c00, alpha*c01, alpha*c02, alpha*c03
		r1[0], r1[1], r1[2], r1[3] = alpha*c10, alpha*c11, alpha*c12, alpha*c13
		return
	}
	r0[0] = alpha*c00 + beta*r0[0]
	r0[1] = alpha*c01 + beta*r0[1]
	r0[2] = alpha*c02 + beta*r0[2]
	r0[3] = alpha*c03 + beta*r0[3]
	r1[0] = alpha*c10 + beta*r1[0]
	r1[1] = alpha*c11 + beta*r1[1]
	r1[2] = alpha*c12 + beta*r1[2]
	r1[3] = alpha*c13 + beta*r1[3]
}
