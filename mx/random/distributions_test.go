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
	expectError(t, "random_bits", func() { Uniform(0, 1, nil, mx.WithKey(mx.NewArray([]int32{0, 0}))) })
	expectError(t, "bernoulli", func() { Bernoulli(0, []int{2}) })
	expectError(t, "bernoulli", func() { Bernoulli(mx.NewArray([]float32{0.1, 0.2, 0.3}), []int{2}) })
	expectError(t, "bernoulli", func() { Bernoulli(0.5, nil, mx.Float32) })
}
