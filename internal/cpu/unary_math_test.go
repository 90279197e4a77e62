package cpu

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
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
type fastMathCase struct {
	name   string
	fn     f32Fn
	f      func(dst, src []float32)
	ref    func(float64) float64
	lo, hi float64
}

var fastMathCases = []fastMathCase{
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
// by one ulp at most and rarely (erf's vector loop rounds each step to
// float32, which moves about one result in 300 by one ulp).
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

// erfUlpBound is the largest error of the float32 erf, in ulp, that the
// tests accept; every float32 was checked once with MLXGO_EXHAUSTIVE=1.
const erfUlpBound = 0.75

// TestErfSpecial checks erf's exact results on every path: signed zeros,
// infinities, NaN, and the values that round to ±1.
func TestErfSpecial(t *testing.T) {
	names, fs := fastMathPaths(slices.IndexFunc(fastMathCases, func(c fastMathCase) bool { return c.name == "erf" }))
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	cases := []struct{ x, want float32 }{
		{0, 0}, {negZero, negZero}, {inf, 1}, {-inf, -1},
		{math.MaxFloat32, 1}, {-math.MaxFloat32, -1}, {4, 1}, {-4, -1}, {erfMax, 1}, {3.92, 1}, {-3.92, -1},
		{0x1p-149, 0x1p-149}, {-0x1p-149, -0x1p-149}, // 1.128 * 2^-149 rounds to 2^-149
		{0x1p-140, float32(2 / math.SqrtPi * 0x1p-140)},
		{float32(math.NaN()), float32(math.NaN())},
	}
	// The cases twice, padded to a whole vector, so that the vector loops
	// take the first copy and the Go loop the second.
	var xs, wants []float32
	for range 2 {
		for _, c := range cases {
			xs, wants = append(xs, c.x), append(wants, c.want)
		}
		for len(xs)%16 != 0 {
			xs, wants = append(xs, 1), append(wants, float32(math.Erf(1)))
		}
	}
	xs, wants = xs[:len(xs)-1], wants[:len(xs)-1]
	for k, f := range fs {
		got := make([]float32, len(xs))
		f(got, xs)
		for j, x := range xs {
			if w := wants[j]; math.Float32bits(got[j]) != math.Float32bits(w) && (w == w || got[j] == got[j]) {
				t.Errorf("%s: erf(%g) = %g, want %g", names[k], x, got[j], w)
			}
		}
	}
}

// TestErfAllFloat32 checks erf on every path against math.Erf over the
// positive float32s (erf is odd and takes its sign from the input's bit):
// every 257th bit pattern, or all of them with MLXGO_EXHAUSTIVE=1 (about a
// minute on two cores).
func TestErfAllFloat32(t *testing.T) {
	names, fs := fastMathPaths(slices.IndexFunc(fastMathCases, func(c fastMathCase) bool { return c.name == "erf" }))
	stride := uint32(257)
	if os.Getenv("MLXGO_EXHAUSTIVE") == "1" {
		stride = 1
	}
	const chunk = 1 << 16
	const end = 0x7f800000 // +Inf
	type worst struct {
		e  float64
		at float32
	}
	var mu sync.Mutex
	worsts := make([]worst, len(fs))
	var wg sync.WaitGroup
	workers := 1
	if stride == 1 {
		workers = 2
	}
	for w := range workers {
		wg.Go(func() {
			xs, want := make([]float32, chunk), make([]float64, chunk)
			got := make([]float32, chunk)
			mine := make([]worst, len(fs))
			for start := uint64(w) * chunk * uint64(stride); start < end; start += uint64(workers) * chunk * uint64(stride) {
				n := 0
				for b := start; b < end && n < chunk; b += uint64(stride) {
					xs[n] = math.Float32frombits(uint32(b))
					if xs[n] < 4 {
						want[n] = math.Erf(float64(xs[n]))
					} else {
						want[n] = 1 // erfc(4) < 2^-25: float32's erf is 1 from 4 on
					}
					n++
				}
				for k, f := range fs {
					f(got[:n], xs[:n])
					for j := range n {
						if e := ulpError(got[j], want[j]); e > mine[k].e {
							mine[k] = worst{e, xs[j]}
						}
					}
				}
			}
			mu.Lock()
			for k := range worsts {
				if mine[k].e > worsts[k].e {
					worsts[k] = mine[k]
				}
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	for k, w := range worsts {
		t.Logf("%s: max error %.3f ulp at %g (one float32 in %d)", names[k], w.e, w.at, stride)
		if w.e > erfUlpBound {
			t.Errorf("%s: erf(%g) is %.3f ulp off, more than %g", names[k], w.at, w.e, erfUlpBound)
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
