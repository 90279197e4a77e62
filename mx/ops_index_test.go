package mx

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// Rows of take, take_along_axis, put_along_axis, gather, scatter, index
// with arrays, at and masked_scatter. Expected values come from the view
// references of ops_view_test.go (positions of arange arrays) or are
// written out by hand.

func i32(v ...int32) *Array { return NewArray(v) }

// indexRow adds rows name/<dtype> applying op to an array holding in's
// values, expecting want's, for each dtype (float32 when none).
func indexRow(name string, in ref, want ref, op func(a *Array, o ...Option) *Array, dtypes ...Dtype) {
	viewRow(name, in, want, op, dtypes...)
}

// handRow adds one row with float64 values written out.
func handRow(name string, in []*Array, op func(in []*Array, o ...Option) *Array, want []float64, shape ...int) {
	addCases(opCase{name: name, in: in, op: op, want: NewArray(conv(want, func(v float64) float32 { return float32(v) }), shape...)})
}

func init() {
	x := viewSeq(5, 3)
	indexRow("take/axis0", x, x.take(0, 4, 0, 4, 2),
		func(a *Array, o ...Option) *Array { return Take(a, i32(4, 0, -1, 2), append(o, Axis(0))...) }, testDtypes...)
	y := viewSeq(2, 5)
	indexRow("take/axis1-2d-indices", y, y.take(1, 1, 3, 0, 3).reshape(2, 2, 2),
		func(a *Array, o ...Option) *Array {
			return Take(a, NewArray([]int64{1, 3, 0, -2}, 2, 2), append(o, Axis(-1))...)
		}, testDtypes...)
	indexRow("take/axis1-of-3d", viewSeq(2, 3, 2), viewSeq(2, 3, 2).take(1, 2, 2).reshape(2, 2, 2),
		func(a *Array, o ...Option) *Array {
			return Take(a, NewArray([]uint8{2, 2}), append(o, Axis(1))...)
		})
	z := viewSeq(3, 4)
	indexRow("take/flat", z, z.reshape(12).take(0, 11, 0, 0),
		func(a *Array, o ...Option) *Array { return Take(a, NewArray([]int16{11, 0, -12}), o...) }, Float32, Int8)
	indexRow("take/scalar-index", z, z.take(1, 2).reshape(3),
		func(a *Array, o ...Option) *Array { return Take(a, 2, append(o, Axis(1))...) })
	indexRow("take/empty-indices", x, x.take(0),
		func(a *Array, o ...Option) *Array { return Take(a, NewArray([]int32{}), append(o, Axis(0))...) })
	indexRow("take/transposed", x, x.perm(1, 0).take(1, 3, 1),
		func(a *Array, o ...Option) *Array { return Take(Transpose(a, o...), i32(3, 1), append(o, Axis(1))...) })
	indexRow("take/broadcast-input", viewSeq(3), viewSeq(3).bcast(4, 3).take(0, 1, 3),
		func(a *Array, o ...Option) *Array {
			return Take(BroadcastTo(a, []int{4, 3}, o...), i32(1, 3), append(o, Axis(0))...)
		})

	handRow("take_along_axis/axis1", []*Array{Reshape(Arange(12, Float32), []int{3, 4}), NewArray([]int32{0, 3, 1, 1, 2, -4}, 3, 2)},
		func(in []*Array, o ...Option) *Array { return TakeAlongAxis(in[0], in[1], append(o, Axis(1))...) },
		[]float64{0, 3, 5, 5, 10, 8}, 3, 2)
	handRow("take_along_axis/axis0-broadcast", []*Array{Reshape(Arange(12, Float32), []int{3, 4}), NewArray([]int32{2, 0, 1, 2}, 1, 4)},
		func(in []*Array, o ...Option) *Array { return TakeAlongAxis(in[0], in[1], append(o, Axis(0))...) },
		[]float64{8, 1, 6, 11}, 1, 4)
	handRow("take_along_axis/flat", []*Array{Reshape(Arange(6, Float32), []int{2, 3}), NewArray([]int32{5, 0})},
		func(in []*Array, o ...Option) *Array { return TakeAlongAxis(in[0], in[1], o...) },
		[]float64{5, 0}, 2)
	handRow("put_along_axis/axis1", []*Array{Reshape(Arange(6, Float32), []int{2, 3}), NewArray([]int32{2, 0}, 2, 1)},
		func(in []*Array, o ...Option) *Array { return PutAlongAxis(in[0], in[1], -1, append(o, Axis(1))...) },
		[]float64{0, 1, -1, -1, 4, 5}, 2, 3)
	handRow("put_along_axis/values", []*Array{Reshape(Arange(6, Float32), []int{2, 3}), NewArray([]int32{1, 0, 1}, 1, 3)},
		func(in []*Array, o ...Option) *Array {
			return PutAlongAxis(in[0], in[1], NewArray([]float32{7, 8, 9}, 1, 3), append(o, Axis(0))...)
		},
		[]float64{0, 8, 2, 7, 4, 9}, 2, 3)
	handRow("put_along_axis/flat", []*Array{Reshape(Arange(6, Float32), []int{2, 3}), NewArray([]int32{4, -6})},
		func(in []*Array, o ...Option) *Array { return PutAlongAxis(in[0], in[1], 9, o...) },
		[]float64{9, 1, 2, 3, 9, 5}, 2, 3)

	handRow("gather/blocks", []*Array{Reshape(Arange(20, Float32), []int{4, 5}), i32(0, 2), i32(1, 3)},
		func(in []*Array, o ...Option) *Array { return Gather(in[0], in[1:], []int{0, 1}, []int{2, 2}, o...) },
		[]float64{1, 2, 6, 7, 13, 14, 18, 19}, 2, 2, 2)
	handRow("gather/one-axis-broadcast", []*Array{Reshape(Arange(20, Float32), []int{4, 5}), NewArray([]int32{3, 0}, 2, 1), i32(-1)},
		func(in []*Array, o ...Option) *Array { return Gather(in[0], in[1:], []int{0, 1}, []int{1, 1}, o...) },
		[]float64{19, 4}, 2, 1, 1, 1)
	handRow("gather/no-indices", []*Array{Reshape(Arange(6, Float32), []int{2, 3})},
		func(in []*Array, o ...Option) *Array { return Gather(in[0], nil, nil, []int{2, 2}, o...) },
		[]float64{0, 1, 3, 4}, 2, 2)

	base := func() *Array { return NewArray([]float32{1, 2, 3, 4, 5}) }
	sidx := NewArray([]int32{1, 3, 1, -1})
	upd := NewArray([]float32{10, 20, 30, 40}, 4, 1)
	sc := func(f func(*Array, []*Array, *Array, []int, ...Option) *Array) func(in []*Array, o ...Option) *Array {
		return func(in []*Array, o ...Option) *Array { return f(in[0], in[1:2], in[2], []int{0}, o...) }
	}
	handRow("scatter/none-last-wins", []*Array{base(), sidx, upd}, sc(Scatter), []float64{1, 30, 3, 20, 40}, 5)
	handRow("scatter_add/repeated", []*Array{base(), sidx, upd}, sc(ScatterAdd), []float64{1, 42, 3, 24, 45}, 5)
	handRow("scatter_prod/repeated", []*Array{base(), sidx, upd}, sc(ScatterProd), []float64{1, 600, 3, 80, 200}, 5)
	handRow("scatter_max/repeated", []*Array{base(), sidx, NewArray([]float32{-1, 20, 0.5, float32(math.NaN())}, 4, 1)},
		sc(ScatterMax), []float64{1, 2, 3, 20, math.NaN()}, 5)
	handRow("scatter_min/repeated", []*Array{base(), sidx, NewArray([]float32{-1, 20, 0.5, 9}, 4, 1)},
		sc(ScatterMin), []float64{1, -1, 3, 4, 5}, 5)
	handRow("scatter/blocks-2d", []*Array{Zeros([]int{3, 4}), i32(1), i32(2)},
		func(in []*Array, o ...Option) *Array {
			return Scatter(in[0], in[1:3], NewArray([]float32{1, 2, 3, 4}, 1, 2, 2), []int{0, 1}, o...)
		}, []float64{0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4}, 3, 4)
	handRow("scatter_add/broadcast-updates", []*Array{Zeros([]int{2, 3}), i32(0, 0, 1)},
		func(in []*Array, o ...Option) *Array {
			return ScatterAdd(in[0], in[1:2], NewArray([]float32{1, 2, 3}, 1, 1, 3), []int{0}, o...)
		}, []float64{2, 4, 6, 1, 2, 3}, 2, 3)
	for _, dt := range []Dtype{Int32, Uint8, Float16, Bfloat16, Float64, Int64, Complex64} {
		addCases(opCase{
			name: "scatter_add/" + dt.String(),
			in:   []*Array{AsType(base(), dt), sidx, AsType(upd, dt)},
			op:   sc(ScatterAdd),
			want: AsType(NewArray([]float64{1, 42, 3, 24, 45}), dt),
		})
	}
	addCases(opCase{
		name: "scatter_add/bool",
		in:   []*Array{NewArray([]bool{false, false, true}), i32(0, 0), NewArray([]bool{false, true}, 2, 1)},
		op:   sc(ScatterAdd),
		want: NewArray([]bool{true, false, true}),
	})
	addCases(opCase{
		name: "scatter_max/int8",
		in:   []*Array{NewArray([]int8{5, -5}), i32(1, 1, 0), NewArray([]int8{-7, 3, 4}, 3, 1)},
		op:   sc(ScatterMax),
		want: NewArray([]int8{5, 3}),
	})

	a := viewSeq(4, 5)
	indexRow("index/array", a, a.take(0, 3, 0, 3),
		func(x *Array, o ...Option) *Array { return idx(x, o, i32(3, 0, -1)) }, testDtypes...)
	indexRow("index/array-then-slice", a, a.take(0, 1, 2).take(1, 4, 3, 2, 1, 0),
		func(x *Array, o ...Option) *Array { return idx(x, o, i32(1, 2), Colon.Step(-1)) }, Float32, Int8)
	handRow("index/two-arrays-broadcast", []*Array{Reshape(Arange(20, Float32), []int{4, 5})},
		func(in []*Array, o ...Option) *Array {
			return idx(in[0], o, NewArray([]int32{0, 3}, 2, 1), i32(1, 2, -1))
		}, []float64{1, 2, 4, 16, 17, 19}, 2, 3)
	handRow("index/int-and-array-adjacent", []*Array{Reshape(Arange(24, Float32), []int{2, 3, 4})},
		func(in []*Array, o ...Option) *Array { return idx(in[0], o, Colon, 1, i32(0, 3)) },
		[]float64{4, 7, 16, 19}, 2, 2)
	handRow("index/separated-go-front", []*Array{Reshape(Arange(24, Float32), []int{2, 3, 4})},
		func(in []*Array, o ...Option) *Array { return idx(in[0], o, i32(1, 0), S(0, 2), 3) },
		[]float64{15, 19, 3, 7}, 2, 2)
	handRow("index/bool-mask", []*Array{Reshape(Arange(6, Float32), []int{2, 3})},
		func(in []*Array, o ...Option) *Array { return idx(in[0], o, NewArray([]bool{false, true})) },
		[]float64{3, 4, 5}, 1, 3)
	handRow("index/bool-mask-2d", []*Array{Reshape(Arange(6, Float32), []int{2, 3})},
		func(in []*Array, o ...Option) *Array {
			return idx(in[0], o, NewArray([]bool{true, false, true, false, false, true}, 2, 3))
		}, []float64{0, 2, 5}, 3)
	handRow("index/newaxis-and-array", []*Array{Reshape(Arange(6, Float32), []int{2, 3})},
		func(in []*Array, o ...Option) *Array { return idx(in[0], o, NewAxis, Colon, i32(2)) },
		[]float64{2, 5}, 1, 2, 1)
	handRow("index/empty-array", []*Array{Reshape(Arange(6, Float32), []int{2, 3})},
		func(in []*Array, o ...Option) *Array { return idx(in[0], o, i32()) },
		[]float64{}, 0, 3)

	handRow("at/set-slice", []*Array{Reshape(Arange(6, Float32), []int{2, 3})},
		func(in []*Array, o ...Option) *Array {
			return At(in[0], append([]any{Colon, From(1)}, optsAny(o)...)...).Set(-1)
		},
		[]float64{0, -1, -1, 3, -1, -1}, 2, 3)
	handRow("at/set-negative-step", []*Array{Arange(6, Float32)},
		func(in []*Array, o ...Option) *Array {
			return At(in[0], append([]any{Colon.Step(-2)}, optsAny(o)...)...).Set(NewArray([]float32{10, 20, 30}))
		},
		[]float64{0, 30, 2, 20, 4, 10}, 6)
	handRow("at/add-repeated", []*Array{Arange(4, Float32)},
		func(in []*Array, o ...Option) *Array {
			return At(in[0], append([]any{i32(0, 0, 2, 0)}, optsAny(o)...)...).Add(1)
		}, []float64{3, 1, 3, 3}, 4)
	handRow("at/subtract", []*Array{Arange(4, Float32)},
		func(in []*Array, o ...Option) *Array {
			return At(in[0], append([]any{i32(1, 1)}, optsAny(o)...)...).Subtract(NewArray([]float32{1, 2}))
		}, []float64{0, -2, 2, 3}, 4)
	handRow("at/multiply-divide", []*Array{Arange(4, Float32)},
		func(in []*Array, o ...Option) *Array {
			b := At(in[0], append([]any{i32(3, 3)}, optsAny(o)...)...).Multiply(2)
			return At(b, append([]any{1}, optsAny(o)...)...).Divide(4)
		}, []float64{0, 0.25, 2, 12}, 4)
	handRow("at/maximum-minimum", []*Array{Arange(4, Float32)},
		func(in []*Array, o ...Option) *Array {
			b := At(in[0], append([]any{i32(0, 1)}, optsAny(o)...)...).Maximum(NewArray([]float32{5, 0}))
			return At(b, append([]any{i32(3, 2)}, optsAny(o)...)...).Minimum(1)
		}, []float64{5, 1, 1, 1}, 4)
	handRow("at/separated-advanced", []*Array{Zeros([]int{2, 3, 4})},
		func(in []*Array, o ...Option) *Array {
			// The indexed shape is (2, 3): the advanced axes first.
			v := NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
			return At(in[0], append([]any{i32(0, 1), Colon, i32(3, 0)}, optsAny(o)...)...).Set(v)
		}, []float64{
			0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
			4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0}, 2, 3, 4)
	handRow("at/mask", []*Array{Arange(5, Float32)},
		func(in []*Array, o ...Option) *Array {
			return At(in[0], append([]any{NewArray([]bool{true, false, false, true, false})}, optsAny(o)...)...).Set(9)
		}, []float64{9, 1, 2, 9, 4}, 5)
	handRow("at/newaxis-ellipsis", []*Array{Zeros([]int{2, 2})},
		func(in []*Array, o ...Option) *Array {
			return At(in[0], append([]any{Ellipsis, NewAxis, 1}, optsAny(o)...)...).Add(NewArray([]float32{1, 2}, 2, 1))
		}, []float64{0, 1, 0, 2}, 2, 2)

	handRow("masked_scatter/basic", []*Array{Arange(6, Float32), NewArray([]bool{false, true, false, true, true, false})},
		func(in []*Array, o ...Option) *Array {
			return MaskedScatter(in[0], in[1], NewArray([]float32{10, 20, 30, 40}), o...)
		},
		[]float64{0, 10, 2, 20, 30, 5}, 6)
	handRow("masked_scatter/broadcast-mask", []*Array{Reshape(Arange(6, Float32), []int{2, 3}), NewArray([]bool{true, false, true})},
		func(in []*Array, o ...Option) *Array {
			return MaskedScatter(in[0], in[1], NewArray([]float32{10, 20, 30, 40}, 2, 2), o...)
		}, []float64{10, 1, 20, 30, 4, 40}, 2, 3)
	handRow("masked_scatter/empty-src", []*Array{Arange(3, Float32), NewArray([]bool{false, false, false})},
		func(in []*Array, o ...Option) *Array { return MaskedScatter(in[0], in[1], NewArray([]float32{}), o...) },
		[]float64{0, 1, 2}, 3)
}

// optsAny returns options as index entries.
func optsAny(o []Option) []any {
	out := make([]any, len(o))
	for i, v := range o {
		out[i] = v
	}
	return out
}

func init() {
	r := rand.New(rand.NewPCG(11, 12))
	tbl := randArray(r, -1, 1, 5, 3)
	addGradCases(gradCase{
		name: "take/axis0",
		f:    func(in []*Array) *Array { return Take(in[0], in[1], Axis(0)) },
		in:   []*Array{tbl, i32(4, 0, -1, 4)},
	}, gradCase{
		name:   "take/axis1-unbatched-indices",
		f:      func(in []*Array) *Array { return Take(in[0], in[1], Axis(1)) },
		in:     []*Array{tbl, NewArray([]int32{2, 0, 2, 1}, 2, 2)},
		inAxes: []int{1, NoAxis},
	}, gradCase{
		name:   "take/batched-indices-only",
		f:      func(in []*Array) *Array { return Take(in[0], in[1], Axis(0)) },
		in:     []*Array{tbl, i32(1, 1, 3)},
		inAxes: []int{NoAxis, 0},
	}, gradCase{
		name: "take_along_axis/grad",
		f:    func(in []*Array) *Array { return TakeAlongAxis(in[0], in[1], Axis(1)) },
		in:   []*Array{tbl, NewArray([]int32{0, 0, 2, 1, 1, 1, 2, 0, 0, 1}, 5, 2)},
	}, gradCase{
		name: "put_along_axis/grad",
		f:    func(in []*Array) *Array { return PutAlongAxis(in[0], in[1], in[2], Axis(1)) },
		in:   []*Array{tbl, NewArray([]int32{2, 0, 1, 1, 0}, 5, 1), randArray(r, -1, 1, 5, 1)},
	}, gradCase{
		name: "gather/blocks",
		f:    func(in []*Array) *Array { return Gather(in[0], in[1:], []int{0, 1}, []int{2, 2}) },
		in:   []*Array{randArray(r, -1, 1, 4, 3), i32(0, 2, 0), i32(1, 0, 1)},
	}, gradCase{
		name: "index/advanced-mixed",
		f:    func(in []*Array) *Array { return Index(in[0], in[1], Colon.Step(-1), 1) },
		in:   []*Array{randArray(r, -1, 1, 3, 4, 2), i32(2, 0, 2)},
	}, gradCase{
		name: "index/bool-mask-constant",
		f:    func(in []*Array) *Array { return Index(in[0], NewArray([]bool{true, false, true})) },
		in:   []*Array{randArray(r, -1, 1, 3, 2)},
	})
	for _, c := range []struct {
		name string
		f    func(*Array, []*Array, *Array, []int, ...Option) *Array
		lo   float64
	}{{"scatter/grad", Scatter, -1}, {"scatter_add/grad", ScatterAdd, -1},
		{"scatter_prod/grad", ScatterProd, 0.5}, {"scatter_max/grad", ScatterMax, -1},
		{"scatter_min/grad", ScatterMin, -1}} {
		f := c.f
		addGradCases(gradCase{
			name: c.name,
			f:    func(in []*Array) *Array { return f(in[0], in[1:2], in[2], []int{0}) },
			in:   []*Array{randArray(r, c.lo, 2, 4, 2), i32(3, 0, 3), randArray(r, c.lo, 2, 3, 1, 2)},
		}, gradCase{
			name:   c.name + "-unbatched-indices",
			f:      func(in []*Array) *Array { return f(in[0], in[1:2], in[2], []int{1}) },
			in:     []*Array{randArray(r, c.lo, 2, 2, 4), i32(1, 2), randArray(r, c.lo, 2, 2, 2, 1)},
			inAxes: []int{0, NoAxis, 1},
		}, gradCase{
			name:   c.name + "-unbatched-array",
			f:      func(in []*Array) *Array { return f(in[0], in[1:2], in[2], []int{0}) },
			in:     []*Array{randArray(r, c.lo, 2, 3), i32(2, 1), randArray(r, c.lo, 2, 2, 1)},
			inAxes: []int{NoAxis, 0, 0},
		})
	}
	addGradCases(gradCase{
		name: "at/set",
		f:    func(in []*Array) *Array { return At(in[0], Colon, in[1]).Set(in[2]) },
		in:   []*Array{randArray(r, -1, 1, 2, 4), i32(3, 0), randArray(r, -1, 1, 2)},
	}, gradCase{
		name: "at/add-repeated",
		f:    func(in []*Array) *Array { return At(in[0], in[1]).Add(in[2]) },
		in:   []*Array{randArray(r, -1, 1, 4), i32(1, 1, 2), randArray(r, -1, 1, 3)},
	}, gradCase{
		name:   "masked_scatter/grad",
		f:      func(in []*Array) *Array { return MaskedScatter(in[0], in[1], in[2]) },
		in:     []*Array{randArray(r, -1, 1, 2, 3), NewArray([]bool{true, false, true, false, false, true}, 2, 3), randArray(r, -1, 1, 4)},
		inAxes: []int{0, NoAxis, 0},
	}, gradCase{
		name:   "masked_scatter/batched-mask",
		f:      func(in []*Array) *Array { return MaskedScatter(in[0], in[1], in[2]) },
		in:     []*Array{randArray(r, -1, 1, 4), NewArray([]bool{false, true, true, false}), randArray(r, -1, 1, 2)},
		noGrad: true,
	})
}

func TestIndexEvalErrors(t *testing.T) {
	a := Reshape(Arange(15, Float32), []int{5, 3})
	for _, c := range []struct {
		name string
		f    func() *Array
		want string
	}{
		{"take", func() *Array { return Take(a, i32(1, 7), Axis(0)) }, "mx: take: index 7 is out of range for axis 0 of size 5"},
		{"take-negative", func() *Array { return Take(a, i32(-6), Axis(0)) }, "mx: take: index -6 is out of range for axis 0 of size 5"},
		{"take-uint", func() *Array { return Take(a, NewArray([]uint64{math.MaxUint64}), Axis(1)) }, "out of range for axis 1 of size 3"},
		{"index", func() *Array { return Index(a, Colon, i32(3)) }, "mx: index: index 3 is out of range for axis 1"},
		{"take_along_axis", func() *Array { return TakeAlongAxis(a, NewArray([]int32{0, 5}, 1, 2), Axis(1)) }, "mx: take_along_axis: index 5"},
		{"gather-block", func() *Array { return Gather(a, []*Array{i32(4)}, []int{0}, []int{2, 3}) }, "index 4 with a block of 2 elements is out of range for axis 0 of size 5"},
		{"scatter_add", func() *Array { return ScatterAdd(a, []*Array{i32(5)}, Ones([]int{1, 1, 3}), []int{0}) }, "mx: scatter_add: index 5"},
		{"at", func() *Array { return At(a, i32(9)).Set(0) }, "mx: at.set: index 9"},
		{"masked_scatter", func() *Array { return MaskedScatter(Zeros([]int{3}), NewArray([]bool{true, true, false}), i32(1)) }, "mx: masked_scatter: "},
		{"masked_scatter-empty", func() *Array { return MaskedScatter(Zeros([]int{3}), NewArray([]bool{true, false, false}), i32()) }, "mx: masked_scatter: "},
		{"grad", func() *Array {
			return Grad(func(x *Array) *Array { return Sum(Take(x, i32(0, 9), Axis(0))) })(a)
		}, "index 9 is out of range"},
	} {
		err := Eval(c.f())
		var e *Error
		if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an *Error containing %q", c.name, err, c.want)
		}
	}
}

func TestIndexCallErrors(t *testing.T) {
	a := Reshape(Arange(6, Float32), []int{2, 3})
	for _, c := range []struct {
		op string
		f  func()
	}{
		{"take", func() { Take(a, NewArray([]float32{1}), Axis(0)) }},
		{"take", func() { Take(a, i32(0), Axis(2)) }},
		{"take", func() { Take(Zeros([]int{0, 2}), i32(0), Axis(0)) }},
		{"take_along_axis", func() { TakeAlongAxis(a, i32(0, 1), Axis(0)) }},
		{"take_along_axis", func() { TakeAlongAxis(a, NewArray([]int32{0, 1, 0, 1}, 2, 2), Axis(0)) }},
		{"put_along_axis", func() { PutAlongAxis(a, NewArray([]int32{0}, 1, 1), i32(1, 2), Axis(0)) }},
		{"gather", func() { Gather(a, []*Array{i32(0)}, []int{0, 1}, []int{1, 1}) }},
		{"gather", func() { Gather(a, []*Array{i32(0)}, []int{0}, []int{1, 4}) }},
		{"gather", func() { Gather(a, []*Array{i32(0), i32(0)}, []int{0, -2}, []int{1, 1}) }},
		{"gather", func() { Gather(a, []*Array{i32(0, 1), i32(0, 1, 2)}, []int{0, 1}, []int{1, 1}) }},
		{"scatter", func() { Scatter(a, []*Array{i32(0)}, Ones([]int{1, 3}), []int{0}) }},
		{"scatter", func() { Scatter(a, []*Array{i32(0)}, Ones([]int{1, 3, 3}), []int{0}) }},
		{"scatter_max", func() { ScatterMax(AsType(a, Complex64), []*Array{i32(0)}, Ones([]int{1, 1, 3}), []int{0}) }},
		{"index", func() { Index(a, NewArray([]float32{0})) }},
		{"index", func() { Index(a, NewArray([]bool{true, false, true})) }},
		{"index", func() { Index(a, i32(0, 1), i32(0, 1, 2)) }},
		{"index", func() { Index(a, i32(0), i32(0), i32(0)) }},
		{"index", func() { Index(a, Scalar(true)) }},
		{"at", func() { At(a, 5) }},
		{"at.set", func() { At(a, i32(0, 1)).Set(Ones([]int{3, 3})) }},
		{"at.maximum", func() { At(AsType(a, Complex64), 0).Maximum(1) }},
		{"at.set", func() { AtIndex{}.Set(1) }},
		{"masked_scatter", func() { MaskedScatter(a, NewArray([]int32{1}), 1) }},
		{"masked_scatter", func() { MaskedScatter(a, NewArray([]bool{true, false}), 1) }},
		{"nonzero", func() { Nonzero(Scalar(1)) }},
		{"boolean_mask", func() { BooleanMask(a, i32(1, 0)) }},
		{"nonzero", func() {
			Grad(func(x *Array) *Array { return Sum(Nonzero(x)[0]) })(Arange(3, Float32))
		}},
		{"boolean_mask", func() {
			Vmap(func(in []*Array) []*Array { return []*Array{BooleanMask(in[0], in[1])} }, nil, nil)(
				[]*Array{a, NewArray([]bool{true, false, true, true, false, true}, 2, 3)})
		}},
	} {
		err := Catch(c.f)
		var e *Error
		if err == nil || !errors.As(err, &e) || e.Op != c.op {
			t.Errorf("%s: got %v, want an *Error of op %s", c.op, err, c.op)
		}
	}
}

func TestNonzero(t *testing.T) {
	a := NewArray([]float32{0, 1, 0, -2, float32(math.NaN()), 0}, 2, 3)
	nz := Nonzero(a)
	if len(nz) != 2 {
		t.Fatalf("got %d arrays", len(nz))
	}
	if got := ToSlice[int64](nz[0]); !equalInts(got, []int64{0, 1, 1}) {
		t.Errorf("rows %v", got)
	}
	if got := ToSlice[int64](nz[1]); !equalInts(got, []int64{1, 0, 1}) {
		t.Errorf("cols %v", got)
	}
	if nz := Nonzero(Zeros([]int{0, 4})); nz[0].Size() != 0 || nz[1].Dtype() != Int64 {
		t.Errorf("empty: %v", nz)
	}
	// BooleanMask under Grad: a traced array with a constant mask.
	g := Grad(func(x *Array) *Array { return Sum(Square(BooleanMask(x, NewArray([]bool{true, false, true})))) })(
		NewArray([]float32{1, 2, 3}))
	if got := ToSlice[float32](g); got[0] != 2 || got[1] != 0 || got[2] != 6 {
		t.Errorf("grad through BooleanMask: %v", got)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestIndexStridedIndices passes transposed and broadcast index arrays.
func TestIndexStridedIndices(t *testing.T) {
	a := Arange(10, Float32)
	got := Take(a, Transpose(NewArray([]int32{0, 1, 2, 3}, 2, 2)), Axis(0))
	if g := ToSlice[float32](got); g[0] != 0 || g[1] != 2 || g[2] != 1 || g[3] != 3 {
		t.Errorf("transposed indices: %v", g)
	}
	got = Take(a, BroadcastTo(i32(9, -1), []int{3, 2}), Axis(0))
	if g := ToSlice[float32](got); len(g) != 6 || g[4] != 9 || g[5] != 9 {
		t.Errorf("broadcast indices: %v", g)
	}
	got = At(a, Index(NewArray([]int64{5, 0, 7, 0, 9, 1}, 3, 2), Colon.Step(-1), 0)).Add(1)
	if g := ToSlice[float32](got); g[9] != 10 || g[7] != 8 || g[5] != 6 || g[0] != 0 {
		t.Errorf("reversed indices: %v", g)
	}
}

func BenchmarkGatherRows(b *testing.B) {
	const rows, cols, n = 50000, 1024, 1 << 20
	table := Contiguous(Add(Zeros([]int{rows, cols}), Reshape(AsType(Arange(rows), Float32), []int{rows, 1})))
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(r.IntN(rows))
	}
	ix := NewArray(idx)
	if err := Eval(table, ix); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n * cols * 4)
	b.ResetTimer()
	for range b.N {
		// Free the last result (4 GiB) first, so that the allocator's
		// cache serves this one as in a steady loop.
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		out := Take(table, ix, Axis(0))
		if err := Eval(out); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIndexRulesCompose checks vmap of grad and grad of grad through
// gathers and scatters.
func TestIndexRulesCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	idx := i32(2, 0, 2)
	loss := func(x *Array) *Array {
		g := Take(x, idx, Axis(0))
		return Sum(Square(ScatterProd(g, []*Array{i32(1)}, Ones([]int{1, 1, 2}, Float64), []int{0})))
	}
	xs := randArray(r, -1, 1, 3, 3, 2)
	got := Vmap(func(in []*Array) []*Array { return []*Array{Grad(loss)(in[0])} }, nil, nil)([]*Array{xs})[0]
	var parts []*Array
	for b := range 3 {
		parts = append(parts, Grad(loss)(Index(xs, b)))
	}
	if msg := compareArrays(got, stackHost(parts, 0), 1e-12); msg != "" {
		t.Errorf("vmap of grad: %s", msg)
	}
	// d/dx of sum(2·x·take-count) is 2·count for loss = sum(take(x)^2).
	sq := func(x *Array) *Array { return Sum(Square(Take(x, idx))) }
	gg := Grad(func(x *Array) *Array { return Sum(Grad(sq)(x)) })(NewArray([]float64{1, 2, 3}))
	if g := ToSlice[float64](gg); g[0] != 2 || g[1] != 0 || g[2] != 4 {
		t.Errorf("grad of grad: %v", g)
	}
}
