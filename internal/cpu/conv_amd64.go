//go:build !purego

package cpu

// The kernels of the direct convolution (conv_amd64.s), for AVX-512 and
// for AVX2 with FMA, chosen at start-up by the processor's features.

//go:noescape
func sconvAVX512(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)

//go:noescape
func sconv6AVX512(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)

//go:noescape
func sconvWeightsAVX512(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)

//go:noescape
func sconvWeights6AVX512(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)

//go:noescape
func sconv6AVX2(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)

//go:noescape
func sconvWeights6AVX2(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)

// convTileAsm wraps an assembly tile kernel of mr×nr with the checks of
// its operands' lengths.
func convTileAsm(mr, nr int, f func(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)) convTileKernel {
	return convTileKernel{mr: mr, nr: nr, fn: func(kpos, cg int, tab []uintptr, b, c []float32, ldc int, acc bool) {
		_, _, _ = tab[mr*kpos-1], b[nr*kpos*cg-1], c[(mr-1)*ldc+nr-1]
		f(kpos, cg, &tab[0], &b[0], &c[0], ldc, acc)
	}}
}

// convWeightsAsm wraps an assembly kernel of the weight's cotangent.
func convWeightsAsm(mr, nr int, f func(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)) convWeightsKernel {
	return convWeightsKernel{mr: mr, nr: nr, fn: func(k int, tab []uintptr, off int, g []float32, ldg int, c []float32, ldc, skip int) {
		_, _, _ = tab[k-1], g[(k-1)*ldg+mr-1], c[(mr-1)*ldc+nr-1]
		f(k, &tab[0], off, &g[0], ldg, &c[0], ldc, min(max(skip, 0), mr-1))
	}}
}

var (
	convAVX512 = convKernelSet{name: "avx512",
		tiles:   []convTileKernel{convTileAsm(6, 64, sconv6AVX512), convTileAsm(12, 32, sconvAVX512)},
		weights: []convWeightsKernel{convWeightsAsm(6, 64, sconvWeights6AVX512), convWeightsAsm(8, 32, sconvWeightsAVX512)}}
	convAVX2 = convKernelSet{name: "avx2",
		tiles:   []convTileKernel{convTileAsm(6, 16, sconv6AVX2)},
		weights: []convWeightsKernel{convWeightsAsm(6, 16, sconvWeights6AVX2)}}
)

func init() {
	if haveAVX2 {
		convKernels = &convAVX2
		convKernelSets = append(convKernelSets, &convAVX2)
	}
	if haveAVX512 {
		convKernels = &convAVX512
		convKernelSets = append(convKernelSets, &convAVX512)
	}
}
