package cpu

import (
	"math"
	"os"
	"testing"
)

// TestDivConstExact checks that divConstF32 (float64 product with the
// reciprocal, rounded to float32) equals float32 division for one float32
// bit pattern in 4099, specials and all (every pattern with
// MLXGO_EXHAUSTIVE=1), for divisors of every kind.
func TestDivConstExact(t *testing.T) {
	step := uint64(4099)
	if os.Getenv("MLXGO_EXHAUSTIVE") != "" {
		step = 1
	}
	divisors := []float32{float32(math.Sqrt2), 3, 0.1, -7.3, 1e-40, 3e38, -0.0, float32(math.Inf(1)),
		float32(math.NaN()), 1.0000001, 0.99999994, 6.02e23, 1 << 20}
	const n = 4096
	x, z, g := make([]float32, n), make([]float32, n), make([]float32, n)
	for _, c := range divisors {
		r := 1 / float64(c)
		check := func(m int) {
			divConstF32(z[:m], x[:m], r)
			divConstGo(g[:m], x[:m], r)
			for k, v := range x[:m] {
				want := v / c
				for _, got := range []float32{z[k], g[k]} {
					if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
						t.Fatalf("%g / %g = %g (%#x), want %g (%#x)", v, c, got, math.Float32bits(got), want, math.Float32bits(want))
					}
				}
			}
		}
		m := 0
		for u := uint64(0); u < 1<<32; u += step {
			x[m] = math.Float32frombits(uint32(u))
			if m++; m == n {
				check(m)
				m = 0
			}
		}
		for _, v := range []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
			float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1} {
			x[m] = v
			m++
		}
		check(m)
	}
}
