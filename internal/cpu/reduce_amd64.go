//go:build !purego

package cpu

// The AVX2 and FMA kernels of reduce_amd64.s, used where haveAVX2 is set
// (cpufeat.go).

//go:noescape
func sumF32AVX2(x []float32) float64

//go:noescape
func colSumF32AVX2(acc []float64, x []float32)

//go:noescape
func maxF32AVX2(x []float32) (m float32, nan bool)

//go:noescape
func scaleF32AVX2(y []float32, s float32)

//go:noescape
func expSubF32AVX2(x, y []float32, m float32) float32

//go:noescape
func sumExpSubF32AVX2(x []float32, m float32) float32

//go:noescape
func colMaxF32AVX2(m, x []float32)

//go:noescape
func colExpSubF32AVX2(x, m, y, s []float32)

//go:noescape
func expSubF32AVX512(x, y []float32, m float32) float32

//go:noescape
func sumExpSubF32AVX512(x []float32, m float32) float32

//go:noescape
func colExpSubF32AVX512(x, m, y, s []float32)
