package mx

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// ref is a reference array for the view ops: a shape and a function from an
// index to the value there. Its methods build the expected results by index
// arithmetic alone, without strides.
type ref struct {
	shape []int
	at    func(idx []int) float64
}

// seq is the reference of an array of shape holding 0, 1, 2, ... in
// row-major order.
func viewSeq(shape ...int) ref {
	return ref{shape: shape, at: func(idx []int) float64 { return float64(viewRavel(idx, shape)) }}
}

func viewRavel(idx, shape []int) int {
	f := 0
	for i, d := range shape {
		f = f*d + idx[i]
	}
	return f
}

func viewUnravel(f int, shape []int) []int {
	idx := make([]int, len(shape))
	for i := len(shape) - 1; i >= 0; i-- {
		idx[i] = f % shape[i]
		f /= shape[i]
	}
	return idx
}

// values lists r's values in row-major order.
func (r ref) values() []float64 {
	n := shapeSize(r.shape)
	out := make([]float64, n)
	for f := range n {
		out[f] = r.at(viewUnravel(f, r.shape))
	}
	return out
}

// perm: axis i of the result is axis p[i] of r.
func (r ref) perm(p ...int) ref {
	shape := make([]int, len(p))
	for i, ax := range p {
		shape[i] = r.shape[ax]
	}
	return ref{shape, func(idx []int) float64 {
		src := make([]int, len(p))
		for i, ax := range p {
			src[ax] = idx[i]
		}
		return r.at(src)
	}}
}

// take keeps the given positions along axis.
func (r ref) take(axis int, pos ...int) ref {
	shape := slices.Clone(r.shape)
	shape[axis] = len(pos)
	return ref{shape, func(idx []int) float64 {
		src := slices.Clone(idx)
		src[axis] = pos[idx[axis]]
		return r.at(src)
	}}
}

// rng lists start, start+step, ... before stop, as Python's range.
func rng(start, stop, step int) []int {
	var out []int
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		out = append(out, i)
	}
	return out
}

// reshape reads r in row-major order with a new shape.
func (r ref) reshape(shape ...int) ref {
	return ref{shape, func(idx []int) float64 { return r.at(viewUnravel(viewRavel(idx, shape), r.shape)) }}
}

// bcast broadcasts r to shape.
func (r ref) bcast(shape ...int) ref {
	off := len(shape) - len(r.shape)
	return ref{shape, func(idx []int) float64 {
		src := make([]int, len(r.shape))
		for i, d := range r.shape {
			if d != 1 {
				src[i] = idx[off+i]
			}
		}
		return r.at(src)
	}}
}

// testDtypes are the element types the view rows run over: every element
// size, and the types that compare through another path.
var testDtypes = []Dtype{Float32, Bool, Int8, Float16, Bfloat16, Int64, Uint64, Complex64}

// typed makes an array of dtype dt from float values: bools are odd
// values, complex numbers v-vi.
func viewTyped(vals []float64, shape []int, dt Dtype) *Array {
	shape = append([]int{}, shape...) // never nil: no dimensions is a 0-d array
	switch dt {
	case Bool:
		return NewArray(conv(vals, func(v float64) bool { return int(v)%2 == 1 }), shape...)
	case Int8:
		return NewArray(conv(vals, func(v float64) int8 { return int8(v) }), shape...)
	case Int64:
		return NewArray(conv(vals, func(v float64) int64 { return int64(v) }), shape...)
	case Int32:
		return NewArray(conv(vals, func(v float64) int32 { return int32(v) }), shape...)
	case Uint8:
		return NewArray(conv(vals, func(v float64) uint8 { return uint8(int64(v)) }), shape...)
	case Uint64:
		return NewArray(conv(vals, func(v float64) uint64 { return uint64(v) }), shape...)
	case Float16:
		return NewArray(conv(vals, core.F16FromFloat64), shape...)
	case Bfloat16:
		return NewArray(conv(vals, core.BF16FromFloat64), shape...)
	case Complex64:
		return NewArray(conv(vals, func(v float64) complex64 { return complex(float32(v), float32(-v)) }), shape...)
	case Float64:
		return NewArray(vals, shape...)
	}
	return NewArray(conv(vals, func(v float64) float32 { return float32(v) }), shape...)
}

func conv[T any](vals []float64, f func(float64) T) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = f(v)
	}
	return out
}

// viewRow adds table rows named name/<dtype> that apply op to an array
// holding in's values and expect want's.
func viewRow(name string, in, want ref, op func(x *Array, o ...Option) *Array, dtypes ...Dtype) {
	if dtypes == nil {
		dtypes = []Dtype{Float32}
	}
	for _, dt := range dtypes {
		addCases(opCase{
			name: fmt.Sprintf("%s/%v", name, dt),
			in:   []*Array{viewTyped(in.values(), in.shape, dt)},
			op:   func(in []*Array, o ...Option) *Array { return op(in[0], o...) },
			want: viewTyped(want.values(), want.shape, dt),
		})
	}
}

func init() {
	all := testDtypes
	x := viewSeq(2, 3, 4)

	// reshape
	viewRow("reshape/(2,3,4)->(6,4)", x, x.reshape(6, 4),
		func(a *Array, o ...Option) *Array { return Reshape(a, []int{6, 4}, o...) }, all...)
	viewRow("reshape/infer", x, x.reshape(4, 6),
		func(a *Array, o ...Option) *Array { return Reshape(a, []int{4, -1}, o...) })
	viewRow("reshape/same", x, x,
		func(a *Array, o ...Option) *Array { return Reshape(a, []int{2, 3, 4}, o...) })
	viewRow("reshape/0-d", viewSeq(1, 1), viewSeq(),
		func(a *Array, o ...Option) *Array { return Reshape(a, []int{}, o...) })
	viewRow("reshape/from-0-d", viewSeq(), viewSeq(1, 1, 1),
		func(a *Array, o ...Option) *Array { return Reshape(a, []int{1, 1, 1}, o...) })
	viewRow("reshape/empty", viewSeq(0, 3), viewSeq(3, 0, 2),
		func(a *Array, o ...Option) *Array { return Reshape(a, []int{3, 0, 2}, o...) })
	viewRow("reshape/transposed-copy", x, x.perm(2, 1, 0).reshape(24),
		func(a *Array, o ...Option) *Array { return Reshape(Transpose(a, o...), []int{-1}, o...) }, all...)
	viewRow("reshape/transposed-copy-2d", x, x.perm(0, 2, 1).reshape(2, 2, 6),
		func(a *Array, o ...Option) *Array {
			return Reshape(SwapAxes(a, 1, 2, o...), []int{2, 2, 6}, o...)
		})
	viewRow("reshape/transposed-view", x, x.perm(2, 0, 1).reshape(4, 6),
		func(a *Array, o ...Option) *Array {
			return Reshape(Transpose(a, opt(o, Axes(2, 0, 1))...), []int{4, 6}, o...)
		})
	viewRow("reshape/flipped", x, x.take(2, 3, 2, 1, 0).reshape(3, 2, 2, 2),
		func(a *Array, o ...Option) *Array {
			return Reshape(Flip(a, opt(o, Axis(-1))...), []int{3, 2, 2, 2}, o...)
		})
	viewRow("reshape/broadcast-view", viewSeq(4), viewSeq(4).bcast(3, 4).reshape(3, 2, 2),
		func(a *Array, o ...Option) *Array {
			return Reshape(BroadcastTo(a, []int{3, 4}, o...), []int{3, 2, 2}, o...)
		})
	viewRow("reshape/broadcast-copy", viewSeq(3, 1), viewSeq(3, 1).bcast(3, 4).reshape(2, 6),
		func(a *Array, o ...Option) *Array {
			return Reshape(BroadcastTo(a, []int{3, 4}, o...), []int{2, 6}, o...)
		}, all...)
	viewRow("reshape/sliced-copy", x, x.take(2, 1, 2).reshape(12),
		func(a *Array, o ...Option) *Array { return Reshape(idx(a, o, Ellipsis, S(1, 3)), []int{12}, o...) })

	// flatten, unflatten
	viewRow("flatten/all", x, x.reshape(24),
		func(a *Array, o ...Option) *Array { return Flatten(a, o...) }, all...)
	viewRow("flatten/start", x, x.reshape(2, 12),
		func(a *Array, o ...Option) *Array { return Flatten(a, opt(o, StartAxis(1))...) })
	viewRow("flatten/end-negative", x, x.reshape(6, 4),
		func(a *Array, o ...Option) *Array { return Flatten(a, opt(o, EndAxis(-2))...) })
	viewRow("flatten/clamped", x, x.reshape(24),
		func(a *Array, o ...Option) *Array { return Flatten(a, opt(o, StartAxis(-9), EndAxis(7))...) })
	viewRow("flatten/0-d", viewSeq(), viewSeq(1),
		func(a *Array, o ...Option) *Array { return Flatten(a, o...) })
	viewRow("flatten/transposed", x, x.perm(1, 0, 2).reshape(6, 4),
		func(a *Array, o ...Option) *Array { return Flatten(SwapAxes(a, 0, 1, o...), opt(o, EndAxis(1))...) })
	viewRow("unflatten/basic", viewSeq(6, 4), x.reshape(6, 2, 2),
		func(a *Array, o ...Option) *Array { return Unflatten(a, -1, []int{2, -1}, o...) })
	viewRow("unflatten/axis0", viewSeq(6, 4), x,
		func(a *Array, o ...Option) *Array { return Unflatten(a, 0, []int{2, 3}, o...) }, all...)
	viewRow("unflatten/empty", viewSeq(0, 4), viewSeq(2, 0, 4),
		func(a *Array, o ...Option) *Array { return Unflatten(a, 0, []int{2, 0}, o...) })

	// squeeze, expand_dims
	y := viewSeq(1, 3, 1, 2)
	viewRow("squeeze/all", y, y.reshape(3, 2),
		func(a *Array, o ...Option) *Array { return Squeeze(a, o...) }, all...)
	viewRow("squeeze/axis", y, y.reshape(1, 3, 2),
		func(a *Array, o ...Option) *Array { return Squeeze(a, opt(o, Axis(-2))...) })
	viewRow("squeeze/axes", y, y.reshape(3, 2),
		func(a *Array, o ...Option) *Array { return Squeeze(a, opt(o, Axes(2, 0))...) })
	viewRow("squeeze/0-d", viewSeq(), viewSeq(),
		func(a *Array, o ...Option) *Array { return Squeeze(a, o...) })
	viewRow("squeeze/to-0-d", viewSeq(1, 1), viewSeq(),
		func(a *Array, o ...Option) *Array { return Squeeze(a, o...) })
	viewRow("squeeze/empty", viewSeq(0, 1), viewSeq(0),
		func(a *Array, o ...Option) *Array { return Squeeze(a, o...) })
	viewRow("expand_dims/int", viewSeq(3, 2), viewSeq(3, 1, 2),
		func(a *Array, o ...Option) *Array { return ExpandDims(a, 1, o...) }, all...)
	viewRow("expand_dims/negative", viewSeq(3, 2), viewSeq(3, 2, 1),
		func(a *Array, o ...Option) *Array { return ExpandDims(a, -1, o...) })
	viewRow("expand_dims/list", viewSeq(3, 2), viewSeq(1, 3, 1, 2, 1),
		func(a *Array, o ...Option) *Array { return ExpandDims(a, []int{-1, 0, 2}, o...) })
	viewRow("expand_dims/0-d", viewSeq(), viewSeq(1),
		func(a *Array, o ...Option) *Array { return ExpandDims(a, int64(0), o...) })
	viewRow("expand_dims/transposed", viewSeq(3, 2), viewSeq(3, 2).perm(1, 0).reshape(2, 1, 3),
		func(a *Array, o ...Option) *Array { return ExpandDims(Transpose(a, o...), 1, o...) })

	// transpose, permute_dims, swapaxes, moveaxis
	viewRow("transpose/default", x, x.perm(2, 1, 0),
		func(a *Array, o ...Option) *Array { return Transpose(a, o...) }, all...)
	viewRow("transpose/axes", x, x.perm(1, 2, 0),
		func(a *Array, o ...Option) *Array { return Transpose(a, opt(o, Axes(1, -1, 0))...) })
	viewRow("transpose/0-d", viewSeq(), viewSeq(),
		func(a *Array, o ...Option) *Array { return Transpose(a, o...) })
	viewRow("transpose/empty", viewSeq(0, 2), viewSeq(2, 0),
		func(a *Array, o ...Option) *Array { return Transpose(a, o...) })
	viewRow("transpose/twice", x, x.perm(1, 0, 2),
		func(a *Array, o ...Option) *Array {
			return Transpose(Transpose(a, opt(o, Axes(2, 0, 1))...), opt(o, Axes(2, 1, 0))...)
		})
	viewRow("permute_dims/axes", x, x.perm(2, 0, 1),
		func(a *Array, o ...Option) *Array { return PermuteDims(a, opt(o, Axes(2, 0, 1))...) })
	viewRow("swapaxes/basic", x, x.perm(2, 1, 0),
		func(a *Array, o ...Option) *Array { return SwapAxes(a, 0, -1, o...) }, all...)
	viewRow("swapaxes/same", x, x,
		func(a *Array, o ...Option) *Array { return SwapAxes(a, 1, 1, o...) })
	viewRow("moveaxis/forward", x, x.perm(1, 2, 0),
		func(a *Array, o ...Option) *Array { return MoveAxis(a, 0, -1, o...) }, all...)
	viewRow("moveaxis/backward", x, x.perm(2, 0, 1),
		func(a *Array, o ...Option) *Array { return MoveAxis(a, -1, 0, o...) })
	viewRow("moveaxis/middle", viewSeq(2, 3, 4, 5), viewSeq(2, 3, 4, 5).perm(0, 3, 1, 2),
		func(a *Array, o ...Option) *Array { return MoveAxis(a, 3, 1, o...) })

	// broadcast_to, broadcast_arrays
	viewRow("broadcast_to/row", viewSeq(3), viewSeq(3).bcast(2, 3),
		func(a *Array, o ...Option) *Array { return BroadcastTo(a, []int{2, 3}, o...) }, all...)
	viewRow("broadcast_to/column", viewSeq(3, 1), viewSeq(3, 1).bcast(2, 3, 4),
		func(a *Array, o ...Option) *Array { return BroadcastTo(a, []int{2, 3, 4}, o...) }, all...)
	viewRow("broadcast_to/0-d", viewSeq(), viewSeq().bcast(2, 2),
		func(a *Array, o ...Option) *Array { return BroadcastTo(a, []int{2, 2}, o...) })
	viewRow("broadcast_to/empty", viewSeq(1), viewSeq(1).bcast(2, 0),
		func(a *Array, o ...Option) *Array { return BroadcastTo(a, []int{2, 0}, o...) })
	viewRow("broadcast_to/transposed", viewSeq(1, 3), viewSeq(1, 3).perm(1, 0).bcast(2, 3, 5),
		func(a *Array, o ...Option) *Array { return BroadcastTo(Transpose(a, o...), []int{2, 3, 5}, o...) })
	addCases(opCase{
		name: "broadcast_to/go-number",
		op:   func(_ []*Array, o ...Option) *Array { return BroadcastTo(2.5, []int{2, 2}, o...) },
		want: NewArray([]float32{2.5, 2.5, 2.5, 2.5}, 2, 2),
	})
	for i, w := range []ref{viewSeq(3, 1).bcast(2, 3, 4), viewSeq(4).bcast(2, 3, 4), viewSeq(2, 1, 1).bcast(2, 3, 4)} {
		addCases(opCase{
			name: fmt.Sprintf("broadcast_arrays/%d", i),
			in:   []*Array{viewTyped(viewSeq(3, 1).values(), []int{3, 1}, Int8), viewTyped(viewSeq(4).values(), []int{4}, Int8), viewTyped(viewSeq(2, 1, 1).values(), []int{2, 1, 1}, Int8)},
			op: func(in []*Array, o ...Option) *Array {
				return BroadcastArrays(in, o...)[i]
			},
			want: viewTyped(w.values(), w.shape, Int8),
		})
	}

	// as_strided
	windows := ref{[]int{4, 3}, func(idx []int) float64 { return float64(idx[0] + idx[1]) }}
	viewRow("as_strided/windows", viewSeq(6), windows,
		func(a *Array, o ...Option) *Array { return AsStrided(a, []int{4, 3}, []int{1, 1}, 0, o...) }, all...)
	viewRow("as_strided/offset", viewSeq(3, 4), ref{[]int{2, 2}, func(idx []int) float64 { return float64(5 + 4*idx[0] + 2*idx[1]) }},
		func(a *Array, o ...Option) *Array { return AsStrided(a, []int{2, 2}, []int{4, 2}, 5, o...) })
	viewRow("as_strided/transposed", viewSeq(3, 4), ref{[]int{3, 2}, func(idx []int) float64 {
		t := viewSeq(3, 4).perm(1, 0).values()
		return t[2*idx[0]+idx[1]]
	}}, func(a *Array, o ...Option) *Array {
		return AsStrided(Transpose(a, o...), []int{3, 2}, []int{2, 1}, 0, o...)
	}, all...)
	viewRow("as_strided/negative-stride", viewSeq(5), viewSeq(5).take(0, 4, 3, 2, 1, 0),
		func(a *Array, o ...Option) *Array { return AsStrided(a, []int{5}, []int{-1}, 4, o...) })
	viewRow("as_strided/zero-stride", viewSeq(5), viewSeq(1).bcast(3, 2),
		func(a *Array, o ...Option) *Array { return AsStrided(a, []int{3, 2}, []int{0, 0}, 0, o...) })
	viewRow("as_strided/defaults", viewSeq(2, 3), viewSeq(2, 3),
		func(a *Array, o ...Option) *Array { return AsStrided(a, nil, nil, 0, o...) })
	viewRow("as_strided/sliced", viewSeq(10), viewSeq(10).take(0, 3, 5, 7),
		func(a *Array, o ...Option) *Array {
			return AsStrided(idx(a, o, From(2)), []int{3}, []int{2}, 1, o...)
		})

	// diagonal
	sq := viewSeq(4, 4)
	viewRow("diagonal/main", sq, diag(sq, 0, 0, 1),
		func(a *Array, o ...Option) *Array { return Diagonal(a, 0, o...) }, all...)
	viewRow("diagonal/above", viewSeq(3, 5), diag(viewSeq(3, 5), 2, 0, 1),
		func(a *Array, o ...Option) *Array { return Diagonal(a, 2, o...) })
	viewRow("diagonal/below", viewSeq(5, 3), diag(viewSeq(5, 3), -3, 0, 1),
		func(a *Array, o ...Option) *Array { return Diagonal(a, -3, o...) })
	viewRow("diagonal/outside", viewSeq(3, 3), viewSeq(0),
		func(a *Array, o ...Option) *Array { return Diagonal(a, 3, o...) })
	viewRow("diagonal/outside-below", viewSeq(3, 3), viewSeq(0),
		func(a *Array, o ...Option) *Array { return Diagonal(a, -5, o...) })
	viewRow("diagonal/3d-last", x, diag(x, 1, 1, 2),
		func(a *Array, o ...Option) *Array { return Diagonal(a, 1, opt(o, Axes(-2, -1))...) }, all...)
	viewRow("diagonal/3d-reversed", x, diag(x, 1, 2, 0),
		func(a *Array, o ...Option) *Array { return Diagonal(a, 1, opt(o, Axes(2, 0))...) })
	viewRow("diagonal/empty", viewSeq(0, 3), viewSeq(0),
		func(a *Array, o ...Option) *Array { return Diagonal(a, 0, o...) })
	viewRow("diagonal/transposed", viewSeq(3, 4), diag(viewSeq(3, 4).perm(1, 0), -1, 0, 1),
		func(a *Array, o ...Option) *Array { return Diagonal(Transpose(a, o...), -1, o...) })

	// split, unstack: one row per part
	splits := []struct {
		name  string
		in    ref
		parts []ref
		op    func(a *Array, o ...Option) []*Array
	}{
		{"split/count", viewSeq(6, 2), []ref{viewSeq(6, 2).take(0, 0, 1), viewSeq(6, 2).take(0, 2, 3), viewSeq(6, 2).take(0, 4, 5)},
			func(a *Array, o ...Option) []*Array { return Split(a, 3, o...) }},
		{"split/count-axis", viewSeq(2, 4), []ref{viewSeq(2, 4).take(1, 0, 1), viewSeq(2, 4).take(1, 2, 3)},
			func(a *Array, o ...Option) []*Array { return Split(a, 2, opt(o, Axis(-1))...) }},
		{"split/indices", viewSeq(7), []ref{viewSeq(7).take(0, 0, 1), viewSeq(7).take(0, 2, 3, 4), viewSeq(7).take(0, 5, 6)},
			func(a *Array, o ...Option) []*Array { return Split(a, []int{2, 5}, o...) }},
		{"split/unsorted", viewSeq(7), []ref{viewSeq(7).take(0, rng(0, 5, 1)...), viewSeq(7).take(0), viewSeq(7).take(0, rng(1, 7, 1)...)},
			func(a *Array, o ...Option) []*Array { return Split(a, []int{5, 1}, o...) }},
		{"split/negative-clamped", viewSeq(7), []ref{viewSeq(7).take(0, rng(0, 5, 1)...), viewSeq(7).take(0, 5, 6), viewSeq(7).take(0)},
			func(a *Array, o ...Option) []*Array { return Split(a, []int{-2, 10}, o...) }},
		{"split/transposed", viewSeq(2, 4), []ref{viewSeq(2, 4).perm(1, 0).take(0, 0), viewSeq(2, 4).perm(1, 0).take(0, 1, 2, 3)},
			func(a *Array, o ...Option) []*Array { return Split(Transpose(a, o...), []int{1}, o...) }},
		{"split/empty", viewSeq(0, 2), []ref{viewSeq(0, 2), viewSeq(0, 2)},
			func(a *Array, o ...Option) []*Array { return Split(a, 2, o...) }},
		{"unstack/axis0", viewSeq(3, 2), []ref{viewSeq(3, 2).take(0, 0).reshape(2), viewSeq(3, 2).take(0, 1).reshape(2), viewSeq(3, 2).take(0, 2).reshape(2)},
			func(a *Array, o ...Option) []*Array { return Unstack(a, o...) }},
		{"unstack/axis-1", viewSeq(3, 2), []ref{viewSeq(3, 2).take(1, 0).reshape(3), viewSeq(3, 2).take(1, 1).reshape(3)},
			func(a *Array, o ...Option) []*Array { return Unstack(a, opt(o, Axis(-1))...) }},
	}
	for _, c := range splits {
		for i, p := range c.parts {
			viewRow(fmt.Sprintf("%s/%d", c.name, i), c.in, p,
				func(a *Array, o ...Option) *Array {
					parts := c.op(a, o...)
					if len(parts) != len(c.parts) {
						panic(fmt.Sprintf("%d parts, want %d", len(parts), len(c.parts)))
					}
					return parts[i]
				}, Float32, Int8)
		}
	}

	// atleast_1d/2d/3d
	for _, c := range []struct {
		in   ref
		want [3][]int
	}{
		{viewSeq(), [3][]int{{1}, {1, 1}, {1, 1, 1}}},
		{viewSeq(3), [3][]int{{3}, {1, 3}, {1, 3, 1}}},
		{viewSeq(2, 3), [3][]int{{2, 3}, {2, 3}, {2, 3, 1}}},
		{viewSeq(2, 0, 1), [3][]int{{2, 0, 1}, {2, 0, 1}, {2, 0, 1}}},
	} {
		fs := []func(*Array, ...Option) *Array{Atleast1d, Atleast2d, Atleast3d}
		for k, f := range fs {
			viewRow(fmt.Sprintf("atleast_%dd/%s", k+1, shapeString(c.in.shape)), c.in, c.in.reshape(c.want[k]...), f)
		}
	}

	// flip
	viewRow("flip/all", x, x.take(0, 1, 0).take(1, 2, 1, 0).take(2, 3, 2, 1, 0),
		func(a *Array, o ...Option) *Array { return Flip(a, o...) }, all...)
	viewRow("flip/axis", x, x.take(1, 2, 1, 0),
		func(a *Array, o ...Option) *Array { return Flip(a, opt(o, Axis(-2))...) })
	viewRow("flip/axes", x, x.take(0, 1, 0).take(2, 3, 2, 1, 0),
		func(a *Array, o ...Option) *Array { return Flip(a, opt(o, Axes(0, 2))...) })
	viewRow("flip/twice", x, x,
		func(a *Array, o ...Option) *Array { return Flip(Flip(a, o...), o...) })
	viewRow("flip/0-d", viewSeq(), viewSeq(),
		func(a *Array, o ...Option) *Array { return Flip(a, o...) })
	viewRow("flip/empty", viewSeq(2, 0), viewSeq(2, 0),
		func(a *Array, o ...Option) *Array { return Flip(a, o...) })

	// views of views, every kind in one chain
	b := viewSeq(4).bcast(3, 4)
	viewRow("chain/transpose-slice-broadcast", viewSeq(4), b.take(1, 1, 3).perm(1, 0),
		func(a *Array, o ...Option) *Array {
			return Transpose(idx(BroadcastTo(a, []int{3, 4}, o...), o, Colon, S(1, 4).Step(2)), o...)
		}, all...)
	viewRow("chain/flip-diagonal-transpose", viewSeq(3, 4), diag(viewSeq(3, 4).perm(1, 0), 0, 0, 1).take(0, 2, 1, 0),
		func(a *Array, o ...Option) *Array { return Flip(Diagonal(Transpose(a, o...), 0, o...), o...) })
	viewRow("chain/split-squeeze-expand", x, x.take(0, 1).take(2, 3, 2, 1, 0).perm(0, 2, 1),
		func(a *Array, o ...Option) *Array {
			p := Split(a, 2, o...)[1]
			return SwapAxes(Flip(p, opt(o, Axis(2))...), 1, 2, o...)
		}, all...)
	viewRow("chain/reshape-of-flipped-slice", viewSeq(6, 4), viewSeq(6, 4).take(0, 5, 3, 1).take(1, 1, 2).reshape(6),
		func(a *Array, o ...Option) *Array {
			return Flatten(idx(a, o, Colon.Step(-2), S(1, 3)), o...)
		}, all...)
	viewRow("chain/as_strided-of-broadcast", viewSeq(3), viewSeq(3).bcast(2, 3).reshape(6).take(0, 1, 2, 3, 4),
		func(a *Array, o ...Option) *Array {
			return AsStrided(BroadcastTo(a, []int{2, 3}, o...), []int{4}, []int{1}, 1, o...)
		})
}

// diag is the reference of Diagonal: the diagonal of axes ax1, ax2 at
// offset k, appended as the last axis.
func diag(r ref, k, ax1, ax2 int) ref {
	var rest []int
	var shape []int
	for i, d := range r.shape {
		if i != ax1 && i != ax2 {
			rest = append(rest, i)
			shape = append(shape, d)
		}
	}
	n := 0
	for i := 0; ; i++ {
		r0, c0 := i+max(-k, 0), i+max(k, 0)
		if r0 >= r.shape[ax1] || c0 >= r.shape[ax2] {
			break
		}
		n++
	}
	shape = append(shape, n)
	return ref{shape, func(idx []int) float64 {
		src := make([]int, len(r.shape))
		for j, ax := range rest {
			src[ax] = idx[j]
		}
		i := idx[len(idx)-1]
		src[ax1], src[ax2] = i+max(-k, 0), i+max(k, 0)
		return r.at(src)
	}}
}

// sameBuffer evaluates v and reports whether it holds x's buffer.
func sameBuffer(t *testing.T, x, v *Array) bool {
	t.Helper()
	if err := Eval(x, v); err != nil {
		t.Fatal(err)
	}
	return v.buf == x.buf
}

func TestViewsShareMemory(t *testing.T) {
	x := Reshape(NewArray(make([]float32, 1<<20)), []int{1 << 10, 1 << 10})
	if err := Eval(x); err != nil {
		t.Fatal(err)
	}
	views := map[string]*Array{
		"reshape":          Reshape(x, []int{1 << 9, -1}),
		"flatten":          Flatten(x),
		"unflatten":        Unflatten(x, 0, []int{2, -1}),
		"squeeze":          Squeeze(ExpandDims(x, 0)),
		"expand_dims":      ExpandDims(x, []int{0, 2}),
		"transpose":        Transpose(x),
		"swapaxes":         SwapAxes(x, 0, 1),
		"moveaxis":         MoveAxis(ExpandDims(x, 0), 0, 2),
		"broadcast_to":     BroadcastTo(x, []int{3, 1 << 10, 1 << 10}),
		"broadcast_arrays": BroadcastArrays([]*Array{x, NewArray(make([]float32, 3), 3, 1, 1)})[0],
		"as_strided":       AsStrided(x, []int{10, 10}, []int{3, 7}, 100),
		"diagonal":         Diagonal(x, -3),
		"split":            Split(x, 4, Axis(1))[2],
		"unstack":          Unstack(x)[7],
		"atleast_3d":       Atleast3d(x),
		"flip":             Flip(x),
		"index":            Index(x, 5, S(10, 1000).Step(3)),
		"index-newaxis":    Index(x, NewAxis, Ellipsis, To(9), NewAxis),
		"transposed-reshape-view": Reshape(Transpose(Reshape(x, []int{32, 32, 1 << 10}), Axes(2, 0, 1)),
			[]int{1 << 10, 1 << 10}),
		"chain": Transpose(Index(BroadcastTo(Index(x, 3), []int{5, 1 << 10}), Colon, S(1, 100))),
	}
	before := GetActiveMemory()
	for name, v := range views {
		if !sameBuffer(t, x, v) {
			t.Errorf("%s: does not share its input's buffer", name)
		}
	}
	if after := GetActiveMemory(); after-before >= int64(x.Nbytes())/2 {
		t.Errorf("active memory grew by %d bytes for views of a %d-byte array", after-before, x.Nbytes())
	}

	// A reshape that the layout does not allow copies.
	c := Reshape(Transpose(x), []int{-1})
	if sameBuffer(t, x, c) {
		t.Error("reshape of a transposed array shares its buffer")
	}
	if !c.view().IsContiguous() {
		t.Error("copied reshape is not contiguous")
	}
	// A view of a view still shares the first buffer, and reading it
	// gives the right values.
	y := NewArray([]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)
	v := Index(Transpose(Index(y, Colon.Step(-1))), S(1, 3), 1)
	if !sameBuffer(t, y, v) {
		t.Error("index of a transposed flip does not share its buffer")
	}
	if got := ToSlice[int32](v); !slices.Equal(got, []int32{5, 6}) {
		t.Errorf("got %v, want [5 6]", got)
	}
}

func TestReshapeStrides(t *testing.T) {
	for _, c := range []struct {
		shape, strides, to, want []int // want nil: needs a copy
	}{
		{[]int{2, 3}, []int{3, 1}, []int{6}, []int{1}},
		{[]int{2, 3}, []int{1, 2}, []int{6}, nil},
		{[]int{2, 3}, []int{1, 2}, []int{2, 1, 3}, []int{1, 6, 2}},
		{[]int{4, 6}, []int{1, 4}, []int{2, 2, 6}, []int{2, 1, 4}},
		{[]int{4, 6}, []int{1, 4}, []int{4, 2, 3}, []int{1, 12, 4}},
		{[]int{4, 6}, []int{1, 4}, []int{24}, nil},
		{[]int{3, 4}, []int{0, 1}, []int{3, 2, 2}, []int{0, 2, 1}},
		{[]int{3, 4}, []int{1, 0}, []int{12}, nil},
		{[]int{2, 3}, []int{-3, -1}, []int{6}, []int{-1}},
		{[]int{1, 5, 1}, []int{99, 2, 7}, []int{5}, []int{2}},
		{[]int{0, 3}, []int{5, 5}, []int{3, 0}, []int{0, 1}},
		{[]int{}, []int{}, []int{1, 1}, []int{1, 1}},
	} {
		got, ok := reshapeStrides(c.shape, c.strides, c.to)
		if c.want == nil {
			if ok {
				t.Errorf("%v strides %v -> %v: got view %v, want copy", c.shape, c.strides, c.to, got)
			}
			continue
		}
		if !ok || !slices.Equal(got, c.want) {
			t.Errorf("%v strides %v -> %v: got %v %v, want %v", c.shape, c.strides, c.to, got, ok, c.want)
		}
	}
}

// wantError checks that f panics with an *Error naming op.
func wantError(t *testing.T, op string, f func()) {
	t.Helper()
	err := Catch(f)
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: got %v, want an *Error", op, err)
		return
	}
	if e.Op != op {
		t.Errorf("got error %q from op %q, want op %q", e.Msg, e.Op, op)
	}
}

func TestViewErrors(t *testing.T) {
	x := NewArray(make([]float32, 24), 2, 3, 4)
	s := Scalar(1)
	cases := []struct {
		op string
		f  func()
	}{
		{"reshape", func() { Reshape(x, []int{5, 5}) }},
		{"reshape", func() { Reshape(x, []int{-1, -1}) }},
		{"reshape", func() { Reshape(x, []int{-2, 12}) }},
		{"reshape", func() { Reshape(x, []int{0, -1}) }},
		{"reshape", func() { Reshape(nil, []int{1}) }},
		{"reshape", func() { Reshape(x, []int{24}, Axis(0)) }},
		{"flatten", func() { Flatten(x, StartAxis(2), EndAxis(1)) }},
		{"flatten", func() { Flatten(x, StartAxis(3)) }},
		{"flatten", func() { Flatten(x, EndAxis(-4)) }},
		{"flatten", func() { Flatten(x, KeepDims) }},
		{"unflatten", func() { Unflatten(x, 3, []int{1}) }},
		{"unflatten", func() { Unflatten(x, 1, []int{}) }},
		{"unflatten", func() { Unflatten(x, 1, []int{2, 2}) }},
		{"squeeze", func() { Squeeze(x, Axis(0)) }},
		{"squeeze", func() { Squeeze(ExpandDims(x, 0), Axes(0, -4)) }},
		{"squeeze", func() { Squeeze(x, Axis(3)) }},
		{"expand_dims", func() { ExpandDims(x, 4) }},
		{"expand_dims", func() { ExpandDims(x, []int{0, 0}) }},
		{"expand_dims", func() { ExpandDims(x, 1.5) }},
		{"transpose", func() { Transpose(x, Axes(0, 1)) }},
		{"transpose", func() { Transpose(x, Axes(0, 1, 1)) }},
		{"transpose", func() { Transpose(x, Axes(0, 1, 3)) }},
		{"permute_dims", func() { PermuteDims(x, Axes(0)) }},
		{"swapaxes", func() { SwapAxes(x, 0, 3) }},
		{"moveaxis", func() { MoveAxis(x, -4, 0) }},
		{"broadcast_to", func() { BroadcastTo(x, []int{3, 4}) }},
		{"broadcast_to", func() { BroadcastTo(x, []int{3, 3, 4}) }},
		{"broadcast_to", func() { BroadcastTo(x, []int{2, -3, 4}) }},
		{"broadcast_to", func() { BroadcastTo("a", []int{2}) }},
		{"broadcast_arrays", func() { BroadcastArrays([]*Array{x, NewArray([]int32{1, 2})}) }},
		{"broadcast_arrays", func() { BroadcastArrays([]*Array{x, nil}) }},
		{"as_strided", func() { AsStrided(x, []int{2, 3}, []int{1}, 0) }},
		{"as_strided", func() { AsStrided(x, []int{5}, []int{6}, 0) }},
		{"as_strided", func() { AsStrided(x, []int{5}, []int{-1}, 3) }},
		{"as_strided", func() { AsStrided(x, []int{2}, []int{1}, 23) }},
		{"as_strided", func() { AsStrided(x, []int{2}, []int{1 << 62}, 0) }},
		{"as_strided", func() { AsStrided(x, []int{1 << 62}, []int{4}, 0) }},
		{"as_strided", func() { AsStrided(x, []int{1 << 62}, []int{-4}, 23) }},
		{"as_strided", func() { AsStrided(x, []int{3}, []int{math.MinInt}, 23) }},
		{"as_strided", func() { AsStrided(x, []int{2}, []int{1}, -1) }},
		{"as_strided", func() { AsStrided(x, []int{-2}, []int{1}, 0) }},
		{"diagonal", func() { Diagonal(NewArray([]float32{1, 2}), 0) }},
		{"diagonal", func() { Diagonal(x, 0, Axes(1, -2)) }},
		{"diagonal", func() { Diagonal(x, 0, Axes(0)) }},
		{"diagonal", func() { Diagonal(x, 0, Axes(0, 3)) }},
		{"split", func() { Split(x, 4) }},
		{"split", func() { Split(x, 0) }},
		{"split", func() { Split(x, 2, Axis(3)) }},
		{"split", func() { Split(s, 1) }},
		{"split", func() { Split(x, "2") }},
		{"split", func() { Split(x, 2, Axes(0, 1)) }},
		{"unstack", func() { Unstack(s) }},
		{"flip", func() { Flip(x, Axes(0, 0)) }},
		{"flip", func() { Flip(x, Axis(-4)) }},
		{"atleast_2d", func() { Atleast2d(nil) }},
	}
	for _, c := range cases {
		wantError(t, c.op, c.f)
	}
}

func TestSplitShapes(t *testing.T) {
	x := NewArray(make([]float32, 24), 2, 12)
	parts := Split(x, []int{3, 7, 7, 100}, Axis(1))
	var got [][]int
	for _, p := range parts {
		got = append(got, p.Shape())
	}
	want := [][]int{{2, 3}, {2, 4}, {2, 0}, {2, 5}, {2, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if err := Eval(parts...); err != nil {
		t.Fatal(err)
	}
	if ps := Split(x, []int{}); len(ps) != 1 || ps[0] != x {
		t.Errorf("split with no indices: got %v", ps)
	}
	if us := Unstack(NewArray(make([]float32, 0), 0, 3)); len(us) != 0 {
		t.Errorf("unstack of an empty axis gave %d arrays", len(us))
	}
}

// opt returns a row's options with more added.
func opt(o []Option, extra ...Option) []Option { return append(slices.Clone(o), extra...) }

// wavy is a reference of shape whose values are not in arithmetic
// progression along any axis: (f*f) % 11 of the row-major index f.
func wavy(shape ...int) ref {
	return ref{shape, func(idx []int) float64 { f := viewRavel(idx, shape); return float64(f * f % 11) }}
}

// diffRef is the reference of Diff: n differences along axis ax.
func diffRef(r ref, n, ax int) ref {
	for range n {
		prev := r
		shape := slices.Clone(prev.shape)
		shape[ax] = max(shape[ax]-1, 0)
		r = ref{shape, func(idx []int) float64 {
			up := slices.Clone(idx)
			up[ax]++
			return prev.at(up) - prev.at(idx)
		}}
	}
	return r
}

func init() {
	w := wavy(3, 5)
	num := []Dtype{Float32, Float64, Int32, Int8, Uint8, Float16, Complex64}
	viewRow("diff/last", w, diffRef(w, 1, 1),
		func(a *Array, o ...Option) *Array { return Diff(a, 1, o...) }, num...)
	viewRow("diff/n2-axis0", w, diffRef(w, 2, 0),
		func(a *Array, o ...Option) *Array { return Diff(a, 2, opt(o, Axis(0))...) }, num...)
	viewRow("diff/n3-negative-axis", w, diffRef(w, 3, 1),
		func(a *Array, o ...Option) *Array { return Diff(a, 3, opt(o, Axis(-1))...) })
	viewRow("diff/n0", w, w,
		func(a *Array, o ...Option) *Array { return Diff(a, 0, o...) })
	viewRow("diff/past-length", w, viewSeq(0, 5),
		func(a *Array, o ...Option) *Array { return Diff(a, 4, opt(o, Axis(0))...) })
	viewRow("diff/huge-n", w, viewSeq(3, 0),
		func(a *Array, o ...Option) *Array { return Diff(a, math.MaxInt, o...) }, Float32, Bool)
	viewRow("diff/empty", viewSeq(2, 0), viewSeq(2, 0),
		func(a *Array, o ...Option) *Array { return Diff(a, 1, o...) })
	viewRow("diff/transposed", w, diffRef(w.perm(1, 0), 1, 1),
		func(a *Array, o ...Option) *Array { return Diff(Transpose(a, o...), 1, o...) })
	addCases(opCase{
		name: "diff/bool",
		in:   []*Array{NewArray([]bool{true, true, false, true, false, false})},
		op:   func(in []*Array, o ...Option) *Array { return Diff(in[0], 1, o...) },
		want: NewArray([]bool{false, true, true, true, false}),
	}, opCase{
		name: "diff/uint8-wraps",
		in:   []*Array{NewArray([]uint8{5, 3, 250})},
		op:   func(in []*Array, o ...Option) *Array { return Diff(in[0], 1, o...) },
		want: NewArray([]uint8{254, 247}),
	}, opCase{
		name: "diff/float-inf-nan",
		in:   []*Array{NewArray([]float64{1, math.Inf(1), math.Inf(1), math.NaN(), 2})},
		op:   func(in []*Array, o ...Option) *Array { return Diff(in[0], 1, o...) },
		want: NewArray([]float64{math.Inf(1), math.NaN(), math.NaN(), math.NaN()}),
	})
}

func TestDiffErrors(t *testing.T) {
	x := NewArray(make([]float32, 6), 2, 3)
	wantError(t, "diff", func() { Diff(x, -1) })
	wantError(t, "diff", func() { Diff(x, 1, Axis(2)) })
	wantError(t, "diff", func() { Diff(Scalar(1), 1) })
	wantError(t, "diff", func() { Diff(x, 1, Axes(0, 1)) })
}
