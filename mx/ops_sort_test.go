package mx

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func init() {
	nan := math.NaN()
	one := func(f func(a *Array, o ...Option) *Array) func(in []*Array, o ...Option) *Array {
		return func(in []*Array, o ...Option) *Array { return f(in[0], o...) }
	}
	addCases(
		opCase{
			name: "sort/bfloat16",
			in:   []*Array{AsType(NewArray([]float32{2.5, -1, float32(nan), 0, -inf32(1), 8, 2.5}), Bfloat16)},
			op:   one(Sort),
			want: AsType(NewArray([]float32{-inf32(1), -1, 0, 2.5, 2.5, 8, float32(nan)}), Bfloat16),
		},
		opCase{
			name: "sort/transposed",
			in:   []*Array{Transpose(NewArray([]int32{5, 1, 4, 2, 6, 0}, 2, 3))},
			op:   one(Sort), // rows of the transpose: [5 2] [1 6] [4 0]
			want: NewArray([]int32{2, 5, 1, 6, 0, 4}, 3, 2),
		},
		opCase{
			name: "sort/broadcast/axis0",
			in:   []*Array{BroadcastTo(NewArray([]float64{3, 1, 2}), []int{2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Sort(in[0], append(o, Axis(0))...) },
			want: NewArray([]float64{3, 1, 2, 3, 1, 2}, 2, 3),
		},
		opCase{
			name: "sort/reversed/negative axis",
			in:   []*Array{Flip(NewArray([]uint64{1 << 63, 7, math.MaxUint64, 0}))},
			op:   func(in []*Array, o ...Option) *Array { return Sort(in[0], append(o, Axis(-1))...) },
			want: NewArray([]uint64{0, 7, 1 << 63, math.MaxUint64}),
		},
		opCase{
			name: "sort/empty",
			in:   []*Array{Zeros([]int{3, 0}, Float32)},
			op:   one(Sort),
			want: Zeros([]int{3, 0}, Float32),
		},
		opCase{
			name: "argsort/empty axis",
			in:   []*Array{Zeros([]int{0, 4}, Int8)},
			op:   func(in []*Array, o ...Option) *Array { return Argsort(in[0], append(o, Axis(0))...) },
			want: Zeros([]int{0, 4}, Uint32),
		},
		opCase{
			name: "argsort/float16 ties and signed zeros",
			in:   []*Array{AsType(NewArray([]float64{0, -1, math.Copysign(0, -1), -1, nan, 0}), Float16)},
			op:   one(Argsort),
			want: NewArray([]uint32{1, 3, 0, 2, 5, 4}),
		},
		opCase{
			name: "argsort/int64 strided",
			in:   []*Array{Index(NewArray([]int64{9, 0, -3, 0, math.MinInt64, 0, 4, 0}), Colon.Step(2))},
			op:   one(Argsort), // [9 -3 MinInt64 4]
			want: NewArray([]uint32{2, 1, 3, 0}),
		},
		opCase{
			name: "argsort/long rows",
			in:   []*Array{NewArray(longRows(3, 300), 3, 300)},
			op:   one(Argsort),
			want: NewArray(argsortRows(longRows(3, 300), 300), 3, 300),
		},
		opCase{
			name: "partition/int16/kth negative",
			in:   []*Array{NewArray([]int16{4, -2, 9, 0, 7})},
			op:   func(in []*Array, o ...Option) *Array { return Index(Partition(in[0], -2, o...), 3) },
			want: NewArray([]int16{7}).reshapeTo(),
		},
		opCase{
			name: "topk/k0",
			in:   []*Array{NewArray([]float32{1, 2, 3}, 1, 3)},
			op:   func(in []*Array, o ...Option) *Array { return Topk(in[0], 0, o...) },
			want: Zeros([]int{1, 0}, Float32),
		},
		opCase{
			name: "topk/all",
			in:   []*Array{NewArray([]int32{3, 1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Topk(in[0], 3, o...) },
			want: NewArray([]int32{3, 1, 2}),
		},
		opCase{
			name: "topk/uint8 axis0",
			in:   []*Array{NewArray([]uint8{1, 200, 3, 9, 0, 255}, 3, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Topk(in[0], 1, append(o, Axis(0))...) },
			want: NewArray([]uint8{3, 255}, 1, 2),
		},
		opCase{
			name: "searchsorted/weak scalar",
			in:   []*Array{NewArray([]float32{0.5, 1, 1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Searchsorted(in[0], 1, append(o, SideRight)...) },
			want: NewArray([]uint32{3}).reshapeTo(),
		},
		opCase{
			name: "searchsorted/promoted",
			in:   []*Array{NewArray([]int8{-3, 0, 5}), NewArray([]float32{-3.5, 0.5, 5, 6})},
			op:   func(in []*Array, o ...Option) *Array { return Searchsorted(in[0], in[1], o...) },
			want: NewArray([]uint32{0, 2, 2, 3}),
		},
		opCase{
			name: "searchsorted/empty sequence",
			in:   []*Array{Zeros([]int{0}, Float32), NewArray([]float32{1, 2}, 2, 1)},
			op:   func(in []*Array, o ...Option) *Array { return Searchsorted(in[0], in[1], o...) },
			want: NewArray([]uint32{0, 0}, 2, 1),
		},
	)
}

// reshapeTo returns a as a 0-d array (a has one element).
func (a *Array) reshapeTo() *Array { return Reshape(a, []int{}) }

// longRows returns rows of pseudo-random values with many ties, longer
// than the insertion sort's limit.
func longRows(rows, n int) []float32 {
	r := rand.New(rand.NewPCG(9, 9))
	v := make([]float32, rows*n)
	for i := range v {
		v[i] = float32(r.IntN(40) - 20)
	}
	v[7] = float32(math.NaN())
	return v
}

// argsortRows is a stable argsort of each row, NaN last.
func argsortRows(v []float32, n int) []uint32 {
	out := make([]uint32, len(v))
	for r := 0; r < len(v)/n; r++ {
		row := v[r*n : (r+1)*n]
		idx := out[r*n : (r+1)*n]
		for i := range idx {
			idx[i] = uint32(i)
		}
		slices.SortStableFunc(idx, func(a, b uint32) int {
			return cmpNaNLast(float64(row[a]), float64(row[b]))
		})
	}
	return out
}

func init() {
	r := rand.New(rand.NewPCG(11, 12))
	addGradCases(
		gradCase{name: "sort", f: func(in []*Array) *Array { return Sort(in[0]) }, in: []*Array{randArray(r, -1, 1, 3, 5)}},
		gradCase{name: "sort/axis0", f: func(in []*Array) *Array { return Sort(in[0], Axis(0)) },
			in: []*Array{randArray(r, -1, 1, 4, 3)}, inAxes: []int{1}},
		gradCase{name: "sort/square", f: func(in []*Array) *Array { return Square(Sort(in[0])) }, in: []*Array{randArray(r, -2, 2, 6)}},
		gradCase{name: "partition", f: func(in []*Array) *Array { return Partition(in[0], 2) }, in: []*Array{randArray(r, -1, 1, 2, 5)}},
		gradCase{name: "topk", f: func(in []*Array) *Array { return Topk(in[0], 2) }, in: []*Array{randArray(r, -1, 1, 3, 4)}},
		gradCase{name: "topk/axis0", f: func(in []*Array) *Array { return Topk(in[0], 2, Axis(0)) },
			in: []*Array{randArray(r, -1, 1, 4, 3)}, inAxes: []int{1}},
		gradCase{name: "argsort", f: func(in []*Array) *Array { return Argsort(in[0]) }, in: []*Array{randArray(r, -1, 1, 2, 5)}, noGrad: true},
		gradCase{name: "argpartition", f: func(in []*Array) *Array { return Argpartition(in[0], 1, Axis(0)) },
			in: []*Array{randArray(r, -1, 1, 4, 2)}, noGrad: true},
		gradCase{name: "searchsorted/values", f: func(in []*Array) *Array { return Searchsorted(in[0], in[1]) },
			in: []*Array{NewArray([]float64{-0.5, 0, 0.5}), randArray(r, -1, 1, 4)}, inAxes: []int{NoAxis, 0}, noGrad: true},
		gradCase{name: "searchsorted/sequence", f: func(in []*Array) *Array { return Searchsorted(in[0], in[1], SideRight) },
			in: []*Array{NewArray([]float64{-0.5, 0, 0.5}), randArray(r, -1, 1, 2, 2)}, inAxes: []int{0, 1}, noGrad: true},
		gradCase{name: "sort/take of sort", f: func(in []*Array) *Array {
			// the gather and the scatter of the rules, differentiated again
			return Multiply(Sort(in[0]), in[1])
		}, in: []*Array{randArray(r, -1, 1, 5), randArray(r, -1, 1, 5)}, inAxes: []int{0, NoAxis}},
	)
}

func TestSortGradOfGrad(t *testing.T) {
	// d/dx of sum(sort(x) * w) is w scattered back; the second derivative
	// of sum(sort(x)^2 w) is diagonal.
	x := NewArray([]float64{0.3, -1, 2, 0.5})
	w := NewArray([]float64{1, 2, 3, 4})
	f := func(x *Array) *Array { return Sum(Multiply(Square(Sort(x)), w)) }
	g := Grad(func(x *Array) *Array { return Sum(Grad(f)(x)) })(x)
	want := []float64{2 * 2, 2 * 1, 2 * 4, 2 * 3}
	if got := ToSlice[float64](g); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestSortErrors(t *testing.T) {
	a := NewArray([]float32{1, 2, 3, 4}, 2, 2)
	cases := []struct {
		op  string
		f   func()
		msg string
	}{
		{"sort", func() { Sort(Scalar(1.0)) }, "0-d"},
		{"sort", func() { Sort(a, Axis(2)) }, "out of bounds"},
		{"argsort", func() { Argsort(a, Axes(0, 1)) }, "one axis"},
		{"sort", func() { Sort(nil) }, ""},
		{"sort", func() { Sort(a, KeepDims) }, "keepdims"},
		{"partition", func() { Partition(a, 2) }, "kth 2"},
		{"argpartition", func() { Argpartition(a, -3) }, "kth -3"},
		{"topk", func() { Topk(a, 3) }, "k=3"},
		{"topk", func() { Topk(a, -1) }, "k=-1"},
		{"searchsorted", func() { Searchsorted(a, 1) }, "one-dimensional"},
		{"searchsorted", func() { Searchsorted(NewArray([]float32{1}), 1, Reverse) }, "reverse"},
		{"sort", func() { Sort(a, SideRight) }, "side"},
	}
	for _, c := range cases {
		err := Catch(c.f)
		var e *Error
		if !errors.As(err, &e) || e.Op != c.op || !strings.Contains(e.Error(), c.msg) {
			t.Errorf("%s: got %v, want an *Error of %s containing %q", c.op, err, c.op, c.msg)
		}
	}
}

func TestSortNaNPayloadsAndSignedZeros(t *testing.T) {
	neg := math.Float32frombits(0xffc00001) // a NaN with the sign bit set
	a := NewArray([]float32{neg, 1, float32(math.Copysign(0, -1)), 0, -2})
	got := ToSlice[float32](Sort(a))
	if got[0] != -2 || got[1] != 0 || got[2] != 0 || got[3] != 1 || !math.IsNaN(float64(got[4])) {
		t.Fatalf("got %v", got)
	}
	if math.Signbit(float64(got[1])) != true || math.Signbit(float64(got[2])) {
		t.Fatalf("the sort of values keeps -0 before +0: got %v", got)
	}
	idx := ToSlice[uint32](Argsort(a))
	if !slices.Equal(idx, []uint32{4, 2, 3, 1, 0}) {
		t.Fatalf("argsort %v", idx)
	}
}

func TestSortLongLines(t *testing.T) {
	// Lines long enough for the parallel radix sort, of several widths.
	const n = 1<<17 + 3
	r := rand.New(rand.NewPCG(1, 1))
	f := make([]float64, n)
	for i := range f {
		f[i] = float64(r.IntN(1000)) - 500
		if i%1001 == 0 {
			f[i] = math.NaN()
		}
	}
	for _, dt := range []Dtype{Float32, Float64, Int16, Float16} {
		a := AsType(NewArray(f), dt)
		f := ToSlice[float64](a)
		want := slices.Clone(f)
		slices.SortStableFunc(want, cmpNaNLast)
		got := ToSlice[float64](Sort(a))
		for i := range got {
			if cmpNaNLast(got[i], want[i]) != 0 {
				t.Fatalf("%v: element %d is %v, want %v", dt, i, got[i], want[i])
			}
		}
		idx := ToSlice[uint32](Argsort(a))
		for i := 1; i < n; i++ {
			c := cmpNaNLast(f[idx[i-1]], f[idx[i]])
			if c > 0 || c == 0 && idx[i-1] > idx[i] {
				t.Fatalf("%v: argsort not stable or not sorted at %d", dt, i)
			}
		}
	}
}

func BenchmarkSort16M(b *testing.B) {
	const n = 1 << 24
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	a := NewArray(v)
	Eval(a)
	b.SetBytes(4 * n)
	b.ResetTimer()
	for range b.N {
		s := Sort(a)
		if err := Eval(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArgsort16M(b *testing.B) {
	const n = 1 << 24
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	a := NewArray(v)
	Eval(a)
	b.SetBytes(4 * n)
	b.ResetTimer()
	for range b.N {
		if err := Eval(Argsort(a)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSortRows(b *testing.B) {
	// 4096 rows of 4096: the rows split over the cores.
	const n = 1 << 12
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, n*n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	a := NewArray(v, n, n)
	Eval(a)
	b.SetBytes(4 * n * n)
	b.ResetTimer()
	for range b.N {
		if err := Eval(Sort(a)); err != nil {
			b.Fatal(err)
		}
	}
}
