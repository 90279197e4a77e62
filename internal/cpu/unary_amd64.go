//go:build !purego

package cpu

import "math"

// Assembly loops of the float32 elementwise functions (unary_amd64.s):
// AVX-512 loops take 16 elements at a time, AVX2 loops 8. Each converts
// its input to float64 and follows the Go loop of unary_math.go step by
// step, so it keeps the Go loop's accuracy; erf instead evaluates erfGo's
// polynomial in float32 registers and has only an AVX-512 loop (it looks
// its coefficients up in erf32Tab with VPERMPS, one 16-entry row per
// coefficient). Every loop takes len(src) a multiple of its step and
// len(dst) >= len(src).

//go:noescape
func expF32AVX512(dst, src []float32)

//go:noescape
func expm1F32AVX512(dst, src []float32)

//go:noescape
func sigmoidF32AVX512(dst, src []float32)

//go:noescape
func tanhF32AVX512(dst, src []float32)

//go:noescape
func logF32AVX512(dst, src []float32, add, tiny, ck, cp float64)

//go:noescape
func erfF32AVX512(dst, src []float32, tab *[erf32Rows][16]float32)

//go:noescape
func expF32AVX2(dst, src []float32)

//go:noescape
func expm1F32AVX2(dst, src []float32)

//go:noescape
func sigmoidF32AVX2(dst, src []float32)

//go:noescape
func tanhF32AVX2(dst, src []float32)

//go:noescape
func logF32AVX2(dst, src []float32, add, tiny, ck, cp float64)

// mathVec holds the constants of the loops (exp_amd64.h names the rows),
// each repeated over a 512-bit vector.
var mathVec = func() (v [30][8]uint64) {
	f := math.Float64bits
	rows := [...]uint64{
		f(log2e), f(shifter), f(ln2),
		f(expC5), f(expC4), f(expC3), f(expC2), f(expC1), f(expC0),
		f(1), f(2), f(-expMax), f(expMax), f(20),
		1 << 63, 1<<63 - 1, // sign and magnitude
		sqrtHalfBits, 1 << 63, f(0x1p52), f(0x1p52 + 2048),
		f(1.0 / 9), f(1.0 / 7), f(1.0 / 5), f(1.0 / 3),
		f(math.Inf(1)), f(math.Inf(-1)), f(math.NaN()), 0,
		f(0x1p-1022), f(math.MaxFloat64),
	}
	for i, r := range rows {
		for j := range v[i] {
			v[i][j] = r
		}
	}
	return v
}()

func init() {
	if haveAVX2 {
		l := &f32Loops{name: "avx2", step: 8}
		l.fn[fnExp], l.fn[fnExpm1], l.fn[fnSigmoid], l.fn[fnTanh] = expF32AVX2, expm1F32AVX2, sigmoidF32AVX2, tanhF32AVX2
		l.fn[fnLog], l.fn[fnLog2], l.fn[fnLog10], l.fn[fnLog1p] = logLoops(logF32AVX2)
		f32All = append(f32All, l)
		f32Vec = l
	}
	if haveAVX512 {
		l := &f32Loops{name: "avx512", step: 16}
		l.fn[fnExp], l.fn[fnExpm1], l.fn[fnSigmoid], l.fn[fnTanh] = expF32AVX512, expm1F32AVX512, sigmoidF32AVX512, tanhF32AVX512
		l.fn[fnLog], l.fn[fnLog2], l.fn[fnLog10], l.fn[fnLog1p] = logLoops(logF32AVX512)
		l.fn[fnErf] = func(dst, src []float32) { erfF32AVX512(dst, src, &erf32Tab) }
		f32All = append(f32All, l)
		f32Vec = l
	}
}
