package random

import (
	"math"
	"slices"
	"testing"

	"github.com/mlxgo/mlxgo/mx"
)

func floats(a *mx.Array) []float64 { return mx.ToSlice[float64](a) }

// moments returns the mean and variance of xs.
func moments(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs))
}

func checkShapeDtype(t *testing.T, name string, a *mx.Array, shape []int, dt mx.Dtype) {
	t.Helper()
	if !slices.Equal(a.Shape(), shape) || a.Dtype() != dt {
		t.Errorf("%s: shape %v dtype %v, want %v %v", name, a.Shape(), a.Dtype(), shape, dt)
	}
}

// MLX's published values: a uniform sample is its bits over 2^32 in float32.
func TestUniformMLX(t *testing.T) {
	toFloat := func(n uint32) float32 { return float32(n) / float32(math.MaxUint32) }
	cases := []struct {
		key   *mx.Array
		shape []int
		bits  []uint32
	}{
		{Key(0), nil, []uint32{1797259609}},
		{Key(1), nil, []uint32{507451445}},
		{Key(0), []int{3, 1}, []uint32{4146024105, 1351547692, 2718843009}},
	}
	for _, c := range cases {
		got := mx.ToSlice[float32](Uniform(0, 1, c.shape, mx.WithKey(c.key)))
		for i, b := range c.bits {
			if got[i] != toFloat(b) {
				t.Errorf("uniform of bits %d = %v, want %v", b, got[i], toFloat(b))
			}
		}
	}
	a := Uniform(0, 1, nil, mx.WithKey(Key(0)))
	checkShapeDtype(t, "uniform()", a, []int{}, mx.Float32)
}

func TestUniform(t *testing.T) {
	key := Key(128291)
	xs := floats(Uniform(-1, 1, []int{100}, mx.WithKey(key)))
	for _, x := range xs {
		if x < -1 || x >= 1 {
			t.Fatalf("sample %v outside [-1, 1)", x)
		}
	}
	for _, dt := range []mx.Dtype{mx.Float16, mx.Bfloat16, mx.Float32, mx.Float64} {
		a := Uniform(0, 1, []int{1000}, mx.WithKey(key), dt)
		checkShapeDtype(t, "uniform "+dt.String(), a, []int{1000}, dt)
		for _, x := range floats(a) {
			if x < 0 || x >= 1 {
				t.Fatalf("%v sample %v outside [0, 1)", dt, x)
			}
		}
	}
	// Broadcast bounds: rows [0, 1), [10, 12), [-5, -4).
	lo := mx.NewArray([]float32{0, 10, -5}, 3, 1)
	hi := mx.NewArray([]float32{1, 12, -4}, 3, 1)
	b := floats(Uniform(lo, hi, []int{3, 50}, mx.WithKey(key)))
	for i, x := range b {
		l, h := []float64{0, 10, -5}[i/50], []float64{1, 12, -4}[i/50]
		if x < l || x >= h {
			t.Fatalf("row %d: sample %v outside [%v, %v)", i/50, x, l, h)
		}
	}
	// Moments of U(2, 5): mean 3.5, variance 0.75.
	m, v := moments(floats(Uniform(2, 5, []int{200000}, mx.WithKey(Key(3)))))
	if math.Abs(m-3.5) > 0.01 || math.Abs(v-0.75) > 0.01 {
		t.Errorf("U(2, 5): mean %v variance %v", m, v)
	}
	if got := Uniform(0, 1, []int{0}); got.Size() != 0 {
		t.Errorf("empty uniform has %d elements", got.Size())
	}
	// The same key gives the same samples; the global key does not.
	x1 := floats(Uniform(0, 1, []int{4}, mx.WithKey(key)))
	x2 := floats(Uniform(0, 1, []int{4}, mx.WithKey(key)))
	if !slices.Equal(x1, x2) {
		t.Error("the same key gave different samples")
	}
	Seed(3)
	a1, b1 := floats(Uniform(0, 1, nil)), floats(Uniform(0, 1, nil))
	Seed(3)
	a2, b2 := floats(Uniform(0, 1, nil)), floats(Uniform(0, 1, nil))
	if a1[0] != a2[0] || b1[0] != b2[0] || a1[0] == b1[0] {
		t.Errorf("seeded draws %v %v, then %v %v", a1, b1, a2, b2)
	}
}

func TestBernoulli(t *testing.T) {
	a := Bernoulli(0.5, nil)
	checkShapeDtype(t, "bernoulli", a, []int{}, mx.Bool)
	if got := mx.ToSlice[bool](Bernoulli(mx.NewArray([]float32{2, -2}), nil)); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("bernoulli([2, -2]) = %v", got)
	}
	checkShapeDtype(t, "bernoulli broadcast", Bernoulli(mx.NewArray([]float32{0.1, 0.2, 0.3}, 1, 3), []int{4, 3}), []int{4, 3}, mx.Bool)
	xs := floats(Bernoulli(0.3, []int{100000}, mx.WithKey(Key(5))))
	if m, _ := moments(xs); math.Abs(m-0.3) > 0.01 {
		t.Errorf("bernoulli(0.3) mean %v", m)
	}
	if got := Bernoulli(mx.NewArray([]float32{}), nil); got.Size() != 0 {
		t.Errorf("bernoulli of no p has %d elements", got.Size())
	}
}

func TestDistributionErrors(t *testing.T) {
	z33 := mx.Zeros([]int{3, 3})
	expectError(t, "uniform", func() { Uniform(0, 1, nil, mx.Int32) })
	expectError(t, "uniform", func() { Uniform(z33, 1.0, []int{1, 3}) })
	expectError(t, "uniform", func() { Uniform(z33, 1.0, []int{2, 3}) })
	expectError(t, "uniform", func() { Uniform(mx.Zeros([]int{3, 1}), mx.Ones([]int{1, 3}), []int{1, 3}) })
	expectError(t, "uniform", func() { Uniform(0, 1, []int{2, -3}) })
	expectError(t, "uniform", func() { Uniform(mx.Zeros([]int{2}), mx.Ones([]int{3}), []int{3}) })
	expectError(t, "uniform", func() { Uniform("0", 1, nil) })
	expectError(t, "uniform", func() { Uniform(0, 1, nil, mx.Axis(0)) })
	expectError(t, "uniform", func() { Uniform(0, 1, nil, mx.WithKey(mx.NewArray([]int32{0, 0}))) })
	expectError(t, "bernoulli", func() { Bernoulli(0, []int{2}) })
	expectError(t, "bernoulli", func() { Bernoulli(mx.NewArray([]float32{0.1, 0.2, 0.3}), []int{2}) })
	expectError(t, "bernoulli", func() { Bernoulli(0.5, nil, mx.Float32) })
}

func TestNormal(t *testing.T) {
	key := Key(128291)
	a := Normal(0, 1, nil, mx.WithKey(key))
	checkShapeDtype(t, "normal()", a, []int{}, mx.Float32)
	m, v := moments(floats(Normal(0, 1, []int{200000}, mx.WithKey(key))))
	if math.Abs(m) > 0.01 || math.Abs(v-1) > 0.02 {
		t.Errorf("N(0, 1): mean %v variance %v", m, v)
	}
	// loc and scale shift and stretch the same draws.
	std := floats(Normal(0, 1, []int{3, 2}, mx.WithKey(key)))
	got := floats(Normal(1.0, 2.0, []int{3, 2}, mx.WithKey(key)))
	for i := range std {
		if math.Abs(got[i]-(2*std[i]+1)) > 1e-5 {
			t.Errorf("loc/scale: %v, want %v", got[i], 2*std[i]+1)
		}
	}
	// Array parameters broadcast.
	loc := mx.NewArray([]float32{-100, 100})
	b := floats(Normal(loc, 0.5, []int{50, 2}, mx.WithKey(key)))
	for i, x := range b {
		if want := []float64{-100, 100}[i%2]; math.Abs(x-want) > 5 {
			t.Fatalf("sample %d: %v far from %v", i, x, want)
		}
	}
	for _, dt := range []mx.Dtype{mx.Float16, mx.Bfloat16, mx.Float64} {
		a := Normal(0, 1, []int{10000}, mx.WithKey(key), dt)
		checkShapeDtype(t, "normal "+dt.String(), a, []int{10000}, dt)
		for _, x := range floats(a) {
			if math.IsInf(x, 0) || math.IsNaN(x) {
				t.Fatalf("%v: sample %v", dt, x)
			}
		}
	}
	c := Normal(0, 1, []int{100000}, mx.WithKey(key), mx.Complex64)
	checkShapeDtype(t, "complex normal", c, []int{100000}, mx.Complex64)
	var re, im, abs2 float64
	for _, z := range mx.ToSlice[complex128](c) {
		re += real(z)
		im += imag(z)
		abs2 += real(z)*real(z) + imag(z)*imag(z)
	}
	n := 100000.0
	if math.Abs(re/n) > 0.01 || math.Abs(im/n) > 0.01 || math.Abs(abs2/n-1) > 0.02 {
		t.Errorf("complex normal: mean %v%+vi, E|z|² %v", re/n, im/n, abs2/n)
	}
	cz := Normal(complex(3, 1), 2.0, []int{4}, mx.WithKey(key), mx.Complex64)
	checkShapeDtype(t, "complex normal with loc", cz, []int{4}, mx.Complex64)
}

func TestRandint(t *testing.T) {
	key := Key(0)
	a := Randint(0, 1, nil)
	checkShapeDtype(t, "randint", a, []int{}, mx.Int32)
	xs := mx.ToSlice[int64](Randint(-5, 5, []int{20000}, mx.WithKey(key)))
	seen := map[int64]bool{}
	for _, x := range xs {
		if x < -5 || x >= 5 {
			t.Fatalf("randint(-5, 5) gave %d", x)
		}
		seen[x] = true
	}
	if len(seen) != 10 {
		t.Errorf("randint(-5, 5) reached %d values, want all 10", len(seen))
	}
	for _, x := range mx.ToSlice[int64](Randint(10, -10, []int{100}, mx.WithKey(key))) {
		if x != 10 {
			t.Fatalf("randint(10, -10) gave %d, want 10", x)
		}
	}
	for _, c := range []struct {
		dt       mx.Dtype
		low, hig int64
	}{{mx.Int32, 1 << 24, 1<<24 + 2}, {mx.Uint32, 1 << 24, 1<<24 + 2}, {mx.Int64, 1 << 40, 1<<40 + 1024}} {
		a := Randint(c.low, c.hig, []int{10000}, c.dt, mx.WithKey(key))
		checkShapeDtype(t, "randint "+c.dt.String(), a, []int{10000}, c.dt)
		for _, x := range mx.ToSlice[int64](a) {
			if x < c.low || x >= c.hig {
				t.Fatalf("%v: %d outside [%d, %d)", c.dt, x, c.low, c.hig)
			}
		}
	}
	bs := mx.ToSlice[bool](Randint(0, 2, []int{1000}, mx.Bool, mx.WithKey(key)))
	if !slices.Contains(bs, true) || !slices.Contains(bs, false) {
		t.Error("boolean randint(0, 2) does not give both values")
	}
	low := mx.NewArray([]int32{0, 0, 0}, 3, 1)
	high := mx.NewArray([]int32{12, 13, 14, 15}, 1, 4)
	checkShapeDtype(t, "randint broadcast", Randint(low, high, []int{3, 4}), []int{3, 4}, mx.Int32)
	m, _ := moments(floats(Randint(0, 100, []int{100000}, mx.WithKey(key))))
	if math.Abs(m-49.5) > 0.5 {
		t.Errorf("randint(0, 100) mean %v", m)
	}
}

func TestTruncatedNormal(t *testing.T) {
	a := TruncatedNormal(-2.0, 2.0, nil)
	checkShapeDtype(t, "truncated_normal", a, []int{}, mx.Float32)
	lower := mx.NewArray([]float32{-2, 0}, 1, 2)
	upper := mx.NewArray([]float32{0, 1, 2}, 3, 1)
	b := TruncatedNormal(lower, upper, nil, mx.WithKey(Key(1)))
	checkShapeDtype(t, "truncated_normal broadcast", b, []int{3, 2}, mx.Float32)
	for i, x := range floats(b) {
		l, u := []float64{-2, 0}[i%2], []float64{0, 1, 2}[i/2]
		if x < l || x > u && u >= l {
			t.Errorf("sample %d: %v outside [%v, %v]", i, x, l, u)
		}
	}
	for _, x := range floats(TruncatedNormal(2.0, -2.0, []int{5})) {
		if x != 2 {
			t.Errorf("truncated_normal(2, -2) gave %v, want 2", x)
		}
	}
	xs := floats(TruncatedNormal(-1, 1, []int{100000}, mx.WithKey(Key(2))))
	m, v := moments(xs)
	// The variance of N(0, 1) cut to [-1, 1] is 1 - 2φ(1)/(2Φ(1)-1).
	phi := math.Exp(-0.5) / math.Sqrt(2*math.Pi)
	want := 1 - 2*phi/math.Erf(1/math.Sqrt2)
	if math.Abs(m) > 0.01 || math.Abs(v-want) > 0.01 {
		t.Errorf("truncated N(0, 1) on [-1, 1]: mean %v variance %v, want 0 and %v", m, v, want)
	}
}

func TestGumbel(t *testing.T) {
	a := Gumbel([]int{100, 100}, mx.WithKey(Key(4)))
	checkShapeDtype(t, "gumbel", a, []int{100, 100}, mx.Float32)
	m, v := moments(floats(a))
	// Mean: Euler's constant; variance: π²/6.
	if math.Abs(m-0.5772) > 0.05 || math.Abs(v-math.Pi*math.Pi/6) > 0.1 {
		t.Errorf("gumbel: mean %v variance %v", m, v)
	}
}

func TestLaplace(t *testing.T) {
	a := Laplace(0, 1, nil, mx.WithKey(Key(0)))
	checkShapeDtype(t, "laplace", a, []int{}, mx.Float32)
	xs := floats(Laplace(0, 1, []int{200000}, mx.WithKey(Key(128291))))
	m, v := moments(xs)
	if math.Abs(m) > 0.02 || math.Abs(v-2) > 0.05 {
		t.Errorf("laplace: mean %v variance %v, want 0 and 2", m, v)
	}
	std := floats(Laplace(0, 1, []int{3, 2}, mx.WithKey(Key(9))))
	got := floats(Laplace(1.0, 2.0, []int{3, 2}, mx.WithKey(Key(9))))
	for i := range std {
		if math.Abs(got[i]-(2*std[i]+1)) > 1e-5 {
			t.Errorf("loc/scale: %v, want %v", got[i], 2*std[i]+1)
		}
	}
	for _, dt := range []mx.Dtype{mx.Float16, mx.Bfloat16} {
		for _, x := range floats(Laplace(0, 1, []int{10000}, dt, mx.WithKey(Key(1)))) {
			if math.IsInf(x, 0) || math.IsNaN(x) {
				t.Fatalf("%v: sample %v", dt, x)
			}
		}
	}
}

func TestMoreDistributionErrors(t *testing.T) {
	expectError(t, "normal", func() { Normal(0, 1, nil, mx.Int32) })
	expectError(t, "normal", func() { Normal(mx.Zeros([]int{10}), 1, []int{2, 10, 2}) })
	expectError(t, "randint", func() { Randint(3, 5, []int{1}, mx.Float32) })
	expectError(t, "truncated_normal", func() { TruncatedNormal(mx.NewArray([]float32{-2, -1}), mx.NewArray([]float32{1, 2, 3}), nil) })
	expectError(t, "truncated_normal", func() { TruncatedNormal(0, 1, nil, mx.Int8) })
	expectError(t, "gumbel", func() { Gumbel(nil, mx.Uint8) })
	expectError(t, "laplace", func() { Laplace(0, 1, nil, mx.Complex64) })
}
func TestCategorical(t *testing.T) {
	logits := mx.Zeros([]int{10, 20})
	checkShapeDtype(t, "axis -1", Categorical(logits, nil), []int{10}, mx.Uint32)
	checkShapeDtype(t, "axis 0", Categorical(logits, nil, mx.Axis(0)), []int{20}, mx.Uint32)
	out := Categorical(logits, []int{5, 20}, mx.Axis(0))
	checkShapeDtype(t, "shape", out, []int{5, 20}, mx.Uint32)
	for _, x := range mx.ToSlice[int64](out) {
		if x < 0 || x >= 10 {
			t.Fatalf("category %d out of range", x)
		}
	}
	checkShapeDtype(t, "samples", CategoricalSamples(logits, 7, mx.Axis(1)), []int{10, 7}, mx.Uint32)
	checkShapeDtype(t, "samples axis 0", CategoricalSamples(logits, 7, mx.Axis(0)), []int{20, 7}, mx.Uint32)
	one := mx.Zeros([]int{20})
	checkShapeDtype(t, "1-d samples", CategoricalSamples(one, 7), []int{7}, mx.Uint32)
	checkShapeDtype(t, "1-d zero samples", CategoricalSamples(one, 0), []int{0}, mx.Uint32)
	checkShapeDtype(t, "1-d shape", Categorical(one, []int{5, 3}), []int{5, 3}, mx.Uint32)
	// Frequencies follow the probabilities.
	p := []float64{0.2, 0.3, 0.5}
	lp := mx.NewArray([]float32{float32(math.Log(p[0])), float32(math.Log(p[1])), float32(math.Log(p[2]))})
	counts := make([]float64, 3)
	n := 60000
	for _, x := range mx.ToSlice[int64](CategoricalSamples(lp, n, mx.WithKey(Key(11)))) {
		counts[x]++
	}
	for i := range p {
		if math.Abs(counts[i]/float64(n)-p[i]) > 0.01 {
			t.Errorf("category %d drawn %.3f of the time, want %v", i, counts[i]/float64(n), p[i])
		}
	}
}

func TestCategoricalErrors(t *testing.T) {
	z33 := mx.Zeros([]int{3, 3})
	expectError(t, "categorical", func() { Categorical(z33, nil, mx.Axis(2)) })
	expectError(t, "categorical", func() { Categorical(z33, []int{3, 5}) })
	expectError(t, "categorical", func() { CategoricalSamples(z33, -1) })
	expectError(t, "categorical", func() { Categorical(nil, nil) })
	expectError(t, "categorical", func() { Categorical(z33, nil, mx.Axes(0, 1)) })
	expectError(t, "categorical", func() { Categorical(z33, nil, mx.Float32) })
}
