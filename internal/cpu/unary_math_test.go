package cpu

import (
	"math"
	"math/rand/v2"
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
	var xs []float32
	for b := uint64(0); b < 1<<32; b += 4099 {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300000 {
		xs = append(xs, float32(lo+(hi-lo)*r.Float64()))
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32)
	return xs
}

func TestFastMathUlp(t *testing.T) {
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	cases := []struct {
		name   string
		f      func(dst, src []float32)
		ref    func(float64) float64
		lo, hi float64
		maxUlp float64
	}{
		{"exp", exp32, math.Exp, -105, 90, 1},
		{"expm1", expm1_32, math.Expm1, -20, 90, 1},
		{"log", log32, math.Log, 0, 10, 1},
		{"log2", log2_32, math.Log2, 0, 10, 1},
		{"log10", log10_32, math.Log10, 0, 10, 1},
		{"log1p", log1p32, math.Log1p, -1, 2, 1},
		{"tanh", tanh32, math.Tanh, -10, 10, 1},
		{"sigmoid", sigmoid32, sigmoid, -110, 30, 1},
		{"sin", sin32, math.Sin, -10, 10, 1},
		{"cos", cos32, math.Cos, -10, 10, 1},
		{"erf", erf32, math.Erf, -5, 5, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			xs := sweepInputs(c.lo, c.hi)
			got := make([]float32, len(xs))
			c.f(got, xs)
			worst, at := 0.0, float32(0)
			for i, x := range xs {
				if e := ulpError(got[i], c.ref(float64(x))); e > worst {
					worst, at = e, x
				}
			}
			t.Logf("%s: max error %.3f ulp at %g", c.name, worst, at)
			if worst > c.maxUlp {
				t.Errorf("%s(%g) = %g, want %g: %.3g ulp", c.name, at, got[indexOf(xs, at)],
					c.ref(float64(at)), worst)
			}
		})
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

// BenchmarkFastMath compares the float32 functions with calling the math
// package per element.
func BenchmarkFastMath(b *testing.B) {
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	for _, c := range []struct {
		name string
		fast func(dst, src []float32)
		ref  func(float64) float64
	}{
		{"exp", exp32, math.Exp}, {"log", log32, math.Log}, {"tanh", tanh32, math.Tanh},
		{"sigmoid", sigmoid32, sigmoid}, {"sin", sin32, math.Sin}, {"erf", erf32, math.Erf},
	} {
		src := make([]float32, 1<<16)
		for i := range src {
			src[i] = float32(i%2000)/100 - 10
		}
		dst := make([]float32, len(src))
		b.Run(c.name+"/fast", func(b *testing.B) {
			b.SetBytes(int64(4 * len(src)))
			for b.Loop() {
				c.fast(dst, src)
			}
		})
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
