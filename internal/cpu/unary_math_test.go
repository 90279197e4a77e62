package cpu

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// ulpError returns how far got is from the exact value want, in units of
// float32's spacing at want; it is +Inf when got is not the right NaN,
// infinity or finite number.
func ulpError(got float32, want float64) float64 {
	w32 := float32(want)
	switch {
	case math.IsNaN(want):
		if got != got {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(float64(w32), 0) || math.IsInf(float64(got), 0):
		// The correctly rounded result overflows, or got does: only a
		// result one ulp below the largest finite float32 may differ.
		if got == w32 {
			return 0
		}
		if math.Abs(want) >= math.MaxFloat32 && math.Abs(float64(got)) == math.MaxFloat32 {
			return 1
		}
		return math.Inf(1)
	}
	a := math.Abs(want)
	ulp := 0x1p-149 // spacing of subnormals
	if a >= 0x1p-126 {
		_, e := math.Frexp(a) // a = f * 2^e, f in [0.5, 1)
		ulp = math.Ldexp(1, e-24)
	}
	return math.Abs(float64(got)-want) / ulp
}

// sweepInputs returns float32 values over the whole range of bit patterns
// (subnormals, huge values, ±0, ±Inf, NaN) plus dense random values in
// [lo, hi].
func sweepInputs(lo, hi float64) []float32 {
	// The special values come first, where the vector loops take them,
	// and last, where the Go loops do.
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32,
		-math.SmallestNonzeroFloat32, 0x1p-126, -1, 1, 88.72284, 88.72285, -103.97208, -103.97209}
	xs := slices.Clone(special)
	for b := uint64(0); b < 1<<32; b += 4099 {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300000 {
		xs = append(xs, float32(lo+(hi-lo)*r.Float64()))
	}
	return append(xs, special...)
}

// fastMathCases are the functions of unary_math.go with their exact
// versions in float64 and the range of their dense random inputs; fn names
// those that have vector loops (unary_vec.go), f the others.
var fastMathCases = []struct {
	name   string
	fn     f32Fn
	f      func(dst, src []float32)
	ref    func(float64) float64
	lo, hi float64
}{
	{"exp", fnExp, nil, math.Exp, -105, 90},
	{"expm1", fnExpm1, nil, math.Expm1, -20, 90},
	{"log", fnLog, nil, math.Log, 0, 10},
	{"log2", fnLog2, nil, math.Log2, 0, 10},
	{"log10", fnLog10, nil, math.Log10, 0, 10},
	{"log1p", fnLog1p, nil, math.Log1p, -1, 2},
	{"tanh", fnTanh, nil, math.Tanh, -10, 10},
	{"sigmoid", fnSigmoid, nil, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -110, 30},
	{"sin", -1, sin32, math.Sin, -10, 10},
	{"cos", -1, cos32, math.Cos, -10, 10},
	{"erf", fnErf, nil, math.Erf, -5, 5},
}

// fastMathPaths returns the ways to run case c: each set of loops of this
// machine (f32All) that has one for it, or its Go function.
func fastMathPaths(c int) (names []string, fs []func(dst, src []float32)) {
	fc := fastMathCases[c]
	if fc.fn < 0 {
		return []string{"go"}, []func(dst, src []float32){fc.f}
	}
	for _, l := range f32All {
		if l.fn[fc.fn] != nil {
			names = append(names, l.name)
			fs = append(fs, func(dst, src []float32) { l.run(fc.fn, dst, src) })
		}
	}
	return names, fs
}

// TestFastMathUlp checks every function, on every path, against its exact
// value: within one ulp (about half an ulp in practice, as the log shows).
func TestFastMathUlp(t *testing.T) {
	for i, c := range fastMathCases {
		xs := sweepInputs(c.lo, c.hi)
		names, fs := fastMathPaths(i)
		for k, f := range fs {
			t.Run(c.name+"/"+names[k], func(t *testing.T) {
				got := make([]float32, len(xs))
				f(got, xs)
				worst, at := 0.0, float32(0)
				for i, x := range xs {
					if e := ulpError(got[i], c.ref(float64(x))); e > worst {
						worst, at = e, x
					}
				}
				t.Logf("%s: max error %.3f ulp at %g", c.name, worst, at)
				if worst > 1 {
					t.Errorf("%s(%g) = %g, want %g: %.3g ulp", c.name, at, got[indexOf(xs, at)],
						c.ref(float64(at)), worst)
				}
			})
		}
	}
}

// TestFastMathVectorLoops compares the vector loops with the Go loops over
// slices of every length up to 70 at every alignment (the vector part and
// the Go tail), and over the sweep: the results may differ only by the
// rounding of a fused multiply-add in float64, which moves a float32 result
// by one ulp at most and rarely.
func TestFastMathVectorLoops(t *testing.T) {
	for i, c := range fastMathCases {
		names, fs := fastMathPaths(i)
		if len(fs) < 2 || names[0] != "go" {
			continue
		}
		xs := sweepInputs(c.lo, c.hi)
		want := make([]float32, len(xs))
		fs[0](want, xs)
		for k := 1; k < len(fs); k++ {
			t.Run(c.name+"/"+names[k], func(t *testing.T) {
				got := make([]float32, len(xs))
				fs[k](got, xs)
				differ := 0
				for j := range xs {
					g, w := got[j], want[j]
					if g == w || g != g && w != w {
						continue
					}
					differ++
					if g != g || w != w || math.Nextafter32(w, g) != g {
						t.Fatalf("%s(%g): %g, Go loop %g", c.name, xs[j], g, w)
					}
				}
				t.Logf("%s: %d of %d results one ulp from the Go loop's", c.name, differ, len(xs))
				for off := range 17 {
					for n := 0; n+off <= 70; n++ {
						src := xs[300000+off : 300000+off+n]
						dst := make([]float32, n+1)
						dst[n] = 42
						fs[k](dst[:n], src)
						for j := range src {
							if dst[j] != want[300000+off+j] && math.Nextafter32(want[300000+off+j], dst[j]) != dst[j] {
								t.Fatalf("%s: length %d at %d: element %d is %g, want %g", c.name, n, off, j, dst[j], want[300000+off+j])
							}
						}
						if dst[n] != 42 {
							t.Fatalf("%s: length %d wrote past its end", c.name, n)
						}
					}
				}
			})
		}
	}
}

func indexOf(xs []float32, x float32) int {
	for i, v := range xs {
		if v == x || v != v && x != x {
			return i
		}
	}
	return 0
}

// BenchmarkFastMath compares the float32 functions, on each path, with
// calling the math package per element.
func BenchmarkFastMath(b *testing.B) {
	src := make([]float32, 1<<16)
	for i := range src {
		src[i] = float32(i%2000)/100 - 10
	}
	dst := make([]float32, len(src))
	for i, c := range fastMathCases {
		names, fs := fastMathPaths(i)
		for k, f := range fs {
			b.Run(c.name+"/"+names[k], func(b *testing.B) {
				b.SetBytes(int64(4 * len(src)))
				for b.Loop() {
					f(dst, src)
				}
			})
		}
		b.Run(c.name+"/math", func(b *testing.B) {
			b.SetBytes(int64(4 * len(src)))
			for b.Loop() {
				for i, x := range src {
					dst[i] = float32(c.ref(float64(x)))
				}
			}
		})
	}
}
