//go:build !purego

package cpu

import "golang.org/x/sys/cpu"

// Assembly micro-kernels (gemm_amd64.s), chosen at start-up by CPU feature:
// AVX-512 where the processor and the operating system support it, else
// AVX2 with FMA, else the pure-Go kernels stay. Building with the purego
// tag leaves the assembly out.

//go:noescape
func sgemmAVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sgemmAVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sdotAVX2(x, y *float32, n int) float32

//go:noescape
func ddotAVX2(x, y *float64, n int) float64

//go:noescape
func saxpyAVX2(s float32, x, y *float32, n int)

//go:noescape
func daxpyAVX2(s float64, x, y *float64, n int)

// The vector kernels for both AVX2 and AVX-512 machines (matrix-vector
// products are bound by memory, not by the width of the vectors).
func sdotAsm(x, y []float32) float32 {
	n := len(x)
	if n == 0 {
		return 0
	}
	y = y[:n]
	s := sdotAVX2(&x[0], &y[0], n)
	for i := n &^ 7; i < n; i++ {
		s += x[i] * y[i]
	}
	return s
}

func ddotAsm(x, y []float64) float64 {
	n := len(x)
	if n == 0 {
		return 0
	}
	y = y[:n]
	s := ddotAVX2(&x[0], &y[0], n)
	for i := n &^ 3; i < n; i++ {
		s += x[i] * y[i]
	}
	return s
}

func saxpyAsm(s float32, x, y []float32) {
	n := len(x)
	if n == 0 {
		return
	}
	y = y[:n]
	saxpyAVX2(s, &x[0], &y[0], n)
	for i := n &^ 7; i < n; i++ {
		y[i] += s * x[i]
	}
}

func daxpyAsm(s float64, x, y []float64) {
	n := len(x)
	if n == 0 {
		return
	}
	y = y[:n]
	daxpyAVX2(s, &x[0], &y[0], n)
	for i := n &^ 3; i < n; i++ {
		y[i] += s * x[i]
	}
}

var (
	sgemmAVX512Config = gemmConfig[float32]{name: "avx512-12x32", mr: 12, nr: 32, mc: 192, kc: 256, nc: 4096,
		kernel: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
			_, _, _ = a[12*k-1], b[32*k-1], c[11*ldc+31]
			sgemmAVX512(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}, dot: sdotAsm, axpy: saxpyAsm}
	dgemmAVX512Config = gemmConfig[float64]{name: "avx512-12x16", mr: 12, nr: 16, mc: 192, kc: 256, nc: 2048,
		kernel: func(k int, a, b, c []float64, ldc int, alpha, beta float64) {
			_, _, _ = a[12*k-1], b[16*k-1], c[11*ldc+15]
			dgemmAVX512(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}, dot: ddotAsm, axpy: daxpyAsm}
	sgemmAVX2Config = gemmConfig[float32]{name: "avx2-6x16", mr: 6, nr: 16, mc: 144, kc: 256, nc: 4096,
		kernel: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
			_, _, _ = a[6*k-1], b[16*k-1], c[5*ldc+15]
			sgemmAVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}, dot: sdotAsm, axpy: saxpyAsm}
	dgemmAVX2Config = gemmConfig[float64]{name: "avx2-6x8", mr: 6, nr: 8, mc: 96, kc: 256, nc: 2048,
		kernel: func(k int, a, b, c []float64, ldc int, alpha, beta float64) {
			_, _, _ = a[6*k-1], b[8*k-1], c[5*ldc+7]
			dgemmAVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}, dot: ddotAsm, axpy: daxpyAsm}
)

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sgemm, dgemm = sgemmAVX2Config, dgemmAVX2Config
		sgemmAll = append(sgemmAll, &sgemmAVX2Config)
		dgemmAll = append(dgemmAll, &dgemmAVX2Config)
	}
	if cpu.X86.HasAVX512F {
		sgemm, dgemm = sgemmAVX512Config, dgemmAVX512Config
		sgemmAll = append(sgemmAll, &sgemmAVX512Config)
		dgemmAll = append(dgemmAll, &dgemmAVX512Config)
	}
}
