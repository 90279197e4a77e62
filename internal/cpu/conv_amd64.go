//go:build !purego

package cpu

// The AVX-512 kernels of the direct convolution (conv_amd64.s), installed
// at start-up where the processor has AVX-512.

//go:noescape
func sconvAVX512(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)

//go:noescape
func sconvWeightsAVX512(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc int)

//go:noescape
func sconvWeights6AVX512(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)

//go:noescape
func sconv6AVX512(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)

func init() {
	if !haveAVX512 {
		return
	}
	convTile = func(kpos, cg int, tab []uintptr, b, c []float32, ldc int, acc bool) {
		_, _, _ = tab[convMR*kpos-1], b[convNR*kpos*cg-1], c[(convMR-1)*ldc+convNR-1]
		sconvAVX512(kpos, cg, &tab[0], &b[0], &c[0], ldc, acc)
	}
	convTile6 = func(kpos, cg int, tab []uintptr, b, c []float32, ldc int, acc bool) {
		_, _, _ = tab[conv6MR*kpos-1], b[conv6NR*kpos*cg-1], c[(conv6MR-1)*ldc+conv6NR-1]
		sconv6AVX512(kpos, cg, &tab[0], &b[0], &c[0], ldc, acc)
	}
	convWeightsTile = func(k int, tab []uintptr, off int, g []float32, ldg int, c []float32, ldc int) {
		_, _, _ = tab[k-1], g[(k-1)*ldg+convWMR-1], c[(convWMR-1)*ldc+convWNR-1]
		sconvWeightsAVX512(k, &tab[0], off, &g[0], ldg, &c[0], ldc)
	}
	convWeightsTile6 = func(k int, tab []uintptr, off int, g []float32, ldg int, c []float32, ldc, skip int) {
		_, _, _ = tab[k-1], g[(k-1)*ldg+conv6MR-1], c[(conv6MR-1)*ldc+conv6NR-1]
		sconvWeights6AVX512(k, &tab[0], off, &g[0], ldg, &c[0], ldc, min(max(skip, 0), conv6MR-1))
	}
}
