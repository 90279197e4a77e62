package cpu

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// ulps returns the distance between two float32 values in units in the
// last place of want.
func ulps(got, want float32) float64 {
	if got == want {
		return 0
	}
	spacing := math.Nextafter32(want, float32(math.Inf(1))) - want
	return math.Abs(float64(got-want)) / float64(spacing)
}

// bothPaths runs f with the Go loops and with each set of vector kernels
// the machine has.
func bothPaths(t *testing.T, f func(t *testing.T)) {
	saved, saved512 := haveAVX2, haveAVX512
	defer func() { haveAVX2, haveAVX512 = saved, saved512 }()
	t.Run("go", func(t *testing.T) { haveAVX2, haveAVX512 = false, false; f(t) })
	if saved {
		t.Run("avx2", func(t *testing.T) { haveAVX2 = true; f(t) })
	}
	if saved512 {
		t.Run("avx512", func(t *testing.T) { haveAVX512 = true; f(t) })
	}
}

func TestExp32(t *testing.T)      { bothPaths(t, testExp32) }
func TestMaxF32(t *testing.T)     { bothPaths(t, testMaxF32) }
func TestSumKernels(t *testing.T) { bothPaths(t, testSumKernels) }

func testExp32(t *testing.T) {
	check := func(name string, x, got float32) {
		t.Helper()
		if e := ulpError(got, math.Exp(float64(x))); e > 1 {
			t.Errorf("%s(%v) = %v, want %v (%.1f ulp)", name, x, got, math.Exp(float64(x)), e)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	xs := []float32{0, -0, 1, -1, 88, 88.5, -87.3, -87.4, -88, -100, -1e30,
		float32(math.Inf(-1)), float32(math.NaN()), 0.34657359, -0.34657359}
	for i := 0; i < 100000; i++ {
		xs = append(xs, r.Float32()*176-88)
	}
	for _, x := range xs {
		check("fastExp32", x, fastExp32(x))
	}
	// The vector and Go loops over x - m with m = 0: arguments at most 0.
	var neg []float32
	for _, x := range xs {
		if !(x > 0) {
			neg = append(neg, x)
		}
	}
	neg = append(neg, 0, 0, 0) // a tail for the Go loop
	y := make([]float32, len(neg))
	sum := expSub32(neg, y, 0)
	var want float64
	for i, x := range neg {
		check("expSub32", x, y[i])
		if y[i] == y[i] {
			want += float64(y[i])
		}
	}
	if sum == sum {
		t.Errorf("expSub32 sum %v, want NaN (the input holds NaN)", sum)
	}
	clean := neg[:0:0]
	for _, x := range neg {
		if x == x {
			clean = append(clean, x)
		}
	}
	y = make([]float32, len(clean))
	s1, s2 := expSub32(clean, y, 0), sumSub32(clean, 0)
	want = 0
	for _, v := range y {
		want += float64(v)
	}
	if math.Abs(float64(s1)-want) > 1e-5*want || s1 != s2 {
		t.Errorf("sums %v and %v, want %v", s1, s2, want)
	}
}

func testMaxF32(t *testing.T) {
	for n := 1; n < 70; n++ {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(i % 7)
		}
		if got := maxF32(x); got != float32(min(n-1, 6)) {
			t.Fatalf("n=%d: %v", n, got)
		}
		for _, at := range []int{0, n / 2, n - 1} {
			x[at] = float32(math.NaN())
			if got := maxF32(x); got == got {
				t.Fatalf("n=%d NaN at %d: %v", n, at, got)
			}
			x[at] = 0
		}
		x[n-1] = 100
		if got := maxF32(x); got != 100 {
			t.Fatalf("n=%d: %v", n, got)
		}
	}
}

func testSumKernels(t *testing.T) {
	for n := 0; n < 100; n++ {
		x := make([]float32, n)
		want := 0.0
		for i := range x {
			x[i] = float32(i) * 0.25
			want += float64(x[i])
		}
		if got := (sumReducer[float32, float64, float32]{}).row(1, x, 0, 1, n); got != want+1 {
			t.Fatalf("row n=%d: %v, want %v", n, got, want+1)
		}
		acc := make([]float64, n)
		for i := range acc {
			acc[i] = 1
		}
		(sumReducer[float32, float64, float32]{}).col(acc, x, 0, 1)
		for i := range acc {
			if acc[i] != 1+float64(x[i]) {
				t.Fatalf("col n=%d: %v", n, acc)
			}
		}
		y := make([]float32, n)
		copy(y, x)
		scaleF32(y, 2)
		for i := range y {
			if y[i] != 2*x[i] {
				t.Fatalf("scale n=%d", n)
			}
		}
	}
}

func TestMedian(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	inputs := [][]float64{{}, {1}, {2, 1}, {3, 3, 3, 3}, {-0.0, 0, 1}}
	for n := 1; n < 300; n += 7 {
		sorted, rev, dup, rnd := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range sorted {
			sorted[i], rev[i], dup[i], rnd[i] = float64(i), float64(n-i), float64(i%3), r.NormFloat64()
		}
		inputs = append(inputs, sorted, rev, dup, rnd)
	}
	for _, v := range inputs {
		s := slices.Clone(v)
		slices.Sort(s)
		want := math.NaN()
		if n := len(s); n > 0 {
			want = (s[(n-1)/2] + s[n/2]) / 2
		}
		got := median(slices.Clone(v))
		if got != want && !(got != got && want != want) {
			t.Fatalf("median(%v) = %v, want %v", v, got, want)
		}
	}
	if got := median([]float64{1, math.NaN(), 2}); got == got {
		t.Fatalf("median with NaN = %v", got)
	}
}

func TestColKernels(t *testing.T) { bothPaths(t, testColKernels) }

func testColKernels(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for n := 0; n < 40; n++ {
		m, x := make([]float32, n), make([]float32, n)
		for j := range m {
			m[j], x[j] = float32(j%5), float32(j%7)-1
		}
		if n > 3 {
			m[1], x[2], x[3] = nan, nan, -inf
		}
		want := make([]float32, n)
		for j := range want {
			want[j] = max(m[j], x[j])
		}
		colMax(m, x)
		for j := range m {
			if m[j] != want[j] && !(m[j] != m[j] && want[j] != want[j]) {
				t.Fatalf("colMax n=%d j=%d: %v, want %v", n, j, m[j], want[j])
			}
		}
		y, s := make([]float32, n), make([]float32, n)
		for j := range s {
			s[j] = 1
		}
		colExpSub(x, m, y, s)
		for j := range y {
			e := fastExp32(x[j] - m[j])
			if (y[j] == y[j]) != (e == e) || y[j] == y[j] && ulps(y[j], e) > 1 || s[j] != 1+y[j] && s[j] == s[j] {
				t.Fatalf("colExpSub n=%d j=%d: %v (sum %v), want %v", n, j, y[j], s[j], e)
			}
		}
	}
}
