//go:build !amd64 || purego

package cpu

// Without the assembly kernels (another architecture, or the purego build
// tag) haveAVX2 and haveAVX512 are false and these are never called.

func sumF32AVX2([]float32) float64                      { panic("unreachable") }
func colSumF32AVX2([]float64, []float32)                { panic("unreachable") }
func maxF32AVX2([]float32) (float32, bool)              { panic("unreachable") }
func scaleF32AVX2([]float32, float32)                   { panic("unreachable") }
func expSubF32AVX2(_, _ []float32, _ float32) float32   { panic("unreachable") }
func sumExpSubF32AVX2([]float32, float32) float32       { panic("unreachable") }
func colMaxF32AVX2(_, _ []float32)                      { panic("unreachable") }
func colExpSubF32AVX2(_, _, _, _ []float32)             { panic("unreachable") }
func expSubF32AVX512(_, _ []float32, _ float32) float32 { panic("unreachable") }
func sumExpSubF32AVX512([]float32, float32) float32     { panic("unreachable") }
func colExpSubF32AVX512(_, _, _, _ []float32)           { panic("unreachable") }
