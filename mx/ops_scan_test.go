package mx

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func init() {
	addCases(
		opCase{
			name: "cumsum/float16",
			in:   []*Array{AsType(NewArray([]float32{1, 2.5, -0.5, 4}), Float16)},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], o...) },
			want: AsType(NewArray([]float32{1, 3.5, 3, 7}), Float16),
		},
		opCase{
			name: "cumprod/bfloat16/reverse",
			in:   []*Array{AsType(NewArray([]float32{2, -1, 0.5, 4}), Bfloat16)},
			op:   func(in []*Array, o ...Option) *Array { return Cumprod(in[0], append(o, Reverse)...) },
			want: AsType(NewArray([]float32{-4, -2, 2, 4}), Bfloat16),
		},
		opCase{
			name: "cumsum/complex64/exclusive",
			in:   []*Array{NewArray([]complex64{1 + 1i, 2, -1i})},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], append(o, Exclusive)...) },
			want: NewArray([]complex64{0, 1 + 1i, 3 + 1i}),
		},
		opCase{
			name: "cumprod/complex64",
			in:   []*Array{NewArray([]complex64{1i, 1i, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Cumprod(in[0], o...) },
			want: NewArray([]complex64{1i, -1, -2}),
		},
		opCase{
			name: "cumsum/transposed/axis0",
			in:   []*Array{Transpose(NewArray([]int64{1, 2, 3, 4, 5, 6}, 2, 3))},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], append(o, Axis(0))...) },
			want: NewArray([]int64{1, 4, 3, 9, 6, 15}, 3, 2),
		},
		opCase{
			name: "cumsum/broadcast/negative axis",
			in:   []*Array{BroadcastTo(NewArray([]uint64{1 << 62, 1 << 62, 1 << 63}), []int{2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], append(o, Axis(-1))...) },
			want: NewArray([]uint64{1 << 62, 1 << 63, 0, 1 << 62, 1 << 63, 0}, 2, 3),
		},
		opCase{
			name: "cumsum/dtype option",
			in:   []*Array{NewArray([]int8{100, 100, 100})},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], append(o, Int32)...) },
			want: NewArray([]int32{100, 200, 300}),
		},
		opCase{
			name: "cumsum/0-d flattens",
			in:   []*Array{Scalar(float32(2))},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], o...) },
			want: NewArray([]float32{2}),
		},
		opCase{
			name: "cumsum/empty",
			in:   []*Array{Zeros([]int{2, 0}, Float64)},
			op:   func(in []*Array, o ...Option) *Array { return Cumsum(in[0], append(o, Axis(1), Reverse, Exclusive)...) },
			want: Zeros([]int{2, 0}, Float64),
		},
		opCase{
			name: "cummax/bool",
			in:   []*Array{NewArray([]bool{false, true, false})},
			op:   func(in []*Array, o ...Option) *Array { return Cummax(in[0], o...) },
			want: NewArray([]bool{false, true, true}),
		},
		opCase{
			name: "cummin/uint16/exclusive reverse",
			in:   []*Array{NewArray([]uint16{5, 3, 9, 7})},
			op:   func(in []*Array, o ...Option) *Array { return Cummin(in[0], append(o, Exclusive, Reverse)...) },
			want: NewArray([]uint16{3, 7, 7, math.MaxUint16}),
		},
		opCase{
			name: "cummax/float64/nan sticks",
			in:   []*Array{NewArray([]float64{1, math.NaN(), 5, math.Inf(1)})},
			op:   func(in []*Array, o ...Option) *Array { return Cummax(in[0], o...) },
			want: NewArray([]float64{1, math.NaN(), math.NaN(), math.NaN()}),
		},
		opCase{
			name: "logcumsumexp/int32 to float32",
			in:   []*Array{NewArray([]int32{0, 0, 1000})},
			op:   func(in []*Array, o ...Option) *Array { return Logcumsumexp(in[0], o...) },
			want: NewArray([]float32{0, float32(math.Ln2), 1000}),
			tol:  1e-6,
		},
		opCase{
			name: "logcumsumexp/float64/-inf",
			in:   []*Array{NewArray([]float64{math.Inf(-1), math.Inf(-1), -1000, -1000})},
			op:   func(in []*Array, o ...Option) *Array { return Logcumsumexp(in[0], o...) },
			want: NewArray([]float64{math.Inf(-1), math.Inf(-1), -1000, -1000 + math.Ln2}),
			tol:  1e-12,
		},
	)

	r := rand.New(rand.NewPCG(21, 22))
	zeros := NewArray([]float64{0.5, -1.5, 0, 2, 0, 1.25, -0.75}, 7)
	// An exclusive scan's identity (-Inf for max and log-sum-exp) is cut
	// off, which finite differences cannot handle.
	cut := func(y *Array, opts []Option, axis int) *Array {
		ex, rev := false, false
		for _, o := range opts {
			ex, rev = ex || o == Exclusive, rev || o == Reverse
		}
		if !ex {
			return y
		}
		axis = normAxis("cut", axis, y.Ndim())
		n := y.Shape()[axis]
		if rev {
			return sliceAxis(y, axis, S(0, n-1), DefaultStream())
		}
		return sliceAxis(y, axis, S(1, n), DefaultStream())
	}
	for _, v := range []struct {
		tag  string
		opts []Option
	}{
		{"", nil}, {"/reverse", []Option{Reverse}}, {"/exclusive", []Option{Exclusive}},
		{"/reverse/exclusive", []Option{Reverse, Exclusive}},
	} {
		opts := v.opts
		ax := func(a int) []Option { return append([]Option{Axis(a)}, opts...) }
		addGradCases(
			gradCase{name: "cumsum" + v.tag, f: func(in []*Array) *Array { return Cumsum(in[0], ax(1)...) },
				in: []*Array{randArray(r, -1, 1, 2, 4)}, inAxes: []int{1}},
			gradCase{name: "cumprod" + v.tag, f: func(in []*Array) *Array { return Cumprod(in[0], ax(0)...) },
				in: []*Array{randArray(r, 0.5, 1.5, 4, 2)}},
			gradCase{name: "cumprod/zeros" + v.tag, f: func(in []*Array) *Array { return Cumprod(in[0], ax(0)...) },
				in: []*Array{zeros}},
			gradCase{name: "cumprod/zeros/second" + v.tag, f: func(in []*Array) *Array {
				return Grad(func(x *Array) *Array { return Sum(Multiply(Cumprod(x, ax(0)...), Arange(7.0))) })(in[0])
			}, in: []*Array{zeros}},
			gradCase{name: "cummax" + v.tag, f: func(in []*Array) *Array { return cut(Cummax(in[0], ax(-1)...), opts, -1) },
				in: []*Array{randArray(r, -1, 1, 3, 5)}},
			gradCase{name: "cummin" + v.tag, f: func(in []*Array) *Array { return cut(Cummin(in[0], ax(0)...), opts, 0) },
				in: []*Array{randArray(r, -1, 1, 5, 2)}, inAxes: []int{1}},
			gradCase{name: "logcumsumexp" + v.tag, f: func(in []*Array) *Array { return cut(Logcumsumexp(in[0], ax(1)...), opts, 1) },
				in: []*Array{randArray(r, -3, 3, 2, 5)}},
		)
	}
	addGradCases(
		gradCase{name: "cumsum/flat", f: func(in []*Array) *Array { return Cumsum(in[0]) }, in: []*Array{randArray(r, -1, 1, 2, 3)}},
		gradCase{name: "cummax/ties", f: func(in []*Array) *Array { return Cummax(Multiply(in[0], in[1])) },
			in: []*Array{NewArray([]float64{1, 3, 0.5, 3, 2}), NewArray([]float64{1, 1, 1, 1, 1})}, inAxes: []int{NoAxis, 0},
			noGrad: true}, // a kink at ties: TestCummaxTiesGoToLatest checks the rule
		gradCase{name: "logcumsumexp/large", f: func(in []*Array) *Array { return Logcumsumexp(in[0]) },
			in: []*Array{NewArray([]float64{-800, 0, 800, 799})}, tol: 1e-4},
	)
}

// TestCummaxTiesGoToLatest checks MLX's rule: the cotangent of a running
// maximum goes to the latest element equal to it.
func TestCummaxTiesGoToLatest(t *testing.T) {
	x := NewArray([]float64{1, 3, 2, 3, 0})
	g := Grad(func(x *Array) *Array { return Sum(Multiply(Cummax(x), Arange(1.0, 6.0))) })(x)
	want := []float64{1, 2 + 3, 0, 4 + 5, 0}
	got := ToSlice[float64](g)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestScanErrors(t *testing.T) {
	a := NewArray([]float32{1, 2, 3, 4}, 2, 2)
	cases := []struct {
		op  string
		f   func()
		msg string
	}{
		{"cumsum", func() { Cumsum(a, Axis(2)) }, "out of bounds"},
		{"cumsum", func() { Cumsum(Scalar(1.0), Axis(0)) }, "out of bounds"},
		{"cumprod", func() { Cumprod(a, Axes(0, 1)) }, "one axis"},
		{"cummax", func() { Cummax(NewArray([]complex64{1})) }, "complex64"},
		{"cummin", func() { Cummin(a, Int32) }, "dtype"},
		{"logcumsumexp", func() { Logcumsumexp(NewArray([]complex64{1})) }, "complex64"},
		{"cumsum", func() { Cumsum(a, KeepDims) }, "keepdims"},
		{"cumsum", func() { Cumsum(nil) }, ""},
	}
	for _, c := range cases {
		err := Catch(c.f)
		var e *Error
		if !errors.As(err, &e) || e.Op != c.op || !strings.Contains(e.Error(), c.msg) {
			t.Errorf("%s: got %v, want an *Error of %s containing %q", c.op, err, c.op, c.msg)
		}
	}
}

func BenchmarkCumsum16M(b *testing.B) {
	a := Arange(float32(1 << 24))
	Eval(a)
	b.SetBytes(4 << 24)
	for range b.N {
		if err := Eval(Cumsum(a)); err != nil {
			b.Fatal(err)
		}
	}
}
