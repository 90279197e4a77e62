package cpu

import "golang.org/x/sys/cpu"

// Assembly micro-kernels (gemm_amd64.s), chosen at start-up by CPU feature:
// AVX-512 where the processor and the operating system support it, else
// AVX2 with FMA, else the pure-Go kernels stay.

//go:noescape
func sgemmAVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sgemmAVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)

var (
	sgemmAVX512Config = gemmConfig[float32]{name: "avx512-12x32", mr: 12, nr: 32, mc: 192, kc: 256, nc: 4096,
		kernel: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
			_, _, _ = a[12*k-1], b[32*k-1], c[11*ldc+31]
			sgemmAVX512(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}}
	dgemmAVX512Config = gemmConfig[float64]{name: "avx512-12x16", mr: 12, nr: 16, mc: 192, kc: 256, nc: 2048,
		kernel: func(k int, a, b, c []float64, ldc int, alpha, beta float64) {
			_, _, _ = a[12*k-1], b[16*k-1], c[11*ldc+15]
			dgemmAVX512(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}}
	sgemmAVX2Config = gemmConfig[float32]{name: "avx2-6x16", mr: 6, nr: 16, mc: 144, kc: 256, nc: 4096,
		kernel: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
			_, _, _ = a[6*k-1], b[16*k-1], c[5*ldc+15]
			sgemmAVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}}
	dgemmAVX2Config = gemmConfig[float64]{name: "avx2-6x8", mr: 6, nr: 8, mc: 96, kc: 256, nc: 2048,
		kernel: func(k int, a, b, c []float64, ldc int, alpha, beta float64) {
			_, _, _ = a[6*k-1], b[8*k-1], c[5*ldc+7]
			dgemmAVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}}
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
