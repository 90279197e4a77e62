package mx

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
)

// The references below compute each op by index arithmetic on float64
// values in row-major order: element idx of the output is looked up in the
// input through the op's index map.

// shapeDtypes are the element types every shape op moves.
var shapeDtypes = []Dtype{Bool, Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64,
	Float16, Bfloat16, Float32, Float64, Complex64}

// seq returns n distinct small values (exact in every type but bool).
func seqData(shape ...int) []float64 {
	d := make([]float64, shapeSize(shape))
	for i := range d {
		d[i] = float64((i*7+3)%101 + 1)
	}
	return d
}

func idxUnravel(shape []int, f int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = f % shape[d]
		f /= shape[d]
	}
	return idx
}

func idxRavel(shape, idx []int) int {
	f := 0
	for d := range shape {
		f = f*shape[d] + idx[d]
	}
	return f
}

// refMap returns the array of shape whose element at idx is f(idx).
func refMap(shape []int, dt Dtype, f func(idx []int) float64) *Array {
	out := make([]float64, shapeSize(shape))
	for i := range out {
		out[i] = f(idxUnravel(shape, i))
	}
	return typedOf(out, shape, dt)
}

// typed returns data of shape as an evaluated array of type dt.
func typedOf(data []float64, shape []int, dt Dtype) *Array {
	a := AsType(NewArray(data, append([]int{}, shape...)...), dt)
	if err := Eval(a); err != nil {
		panic(err)
	}
	return a
}

// viewOf returns an evaluated array that views a's buffer with the given
// shape, strides and offset, as the views family makes them.
func viewOf(a *Array, shape, strides []int, offset int) *Array {
	if err := Eval(a); err != nil {
		panic(err)
	}
	out := &Array{shape: shape, dtype: a.dtype}
	out.shareView(a, strides, offset)
	out.status.Store(statusAvailable)
	return out
}

// transposedOf returns data of shape as an array whose axes are stored in
// reverse order (a transposed view).
func transposedOf(data []float64, shape []int, dt Dtype) *Array {
	nd := len(shape)
	rev := make([]int, nd)
	for d := range rev {
		rev[d] = shape[nd-1-d]
	}
	stored := make([]float64, len(data))
	for i := range stored {
		idx := idxUnravel(rev, i)
		slices.Reverse(idx)
		stored[i] = data[idxRavel(shape, idx)]
	}
	st := rowMajor(rev)
	slices.Reverse(st)
	return viewOf(typedOf(stored, rev, dt), slicesClone(shape), st, 0)
}

// flippedOf returns data of shape as an array stored with its last axis
// reversed and read through a negative stride, past a few unused elements.
func flippedOf(data []float64, shape []int, dt Dtype) *Array {
	const pad = 3
	n := shape[len(shape)-1]
	stored := make([]float64, pad+len(data))
	for i := range data {
		idx := idxUnravel(shape, i)
		idx[len(idx)-1] = n - 1 - idx[len(idx)-1]
		stored[pad+idxRavel(shape, idx)] = data[i]
	}
	st := rowMajor(shape)
	st[len(st)-1] = -1
	return viewOf(typedOf(stored, []int{len(stored)}, dt), slicesClone(shape), st, pad+n-1)
}

// slicedOf returns data of shape as a view that Index makes: every other
// row of a larger array, with the last axis (of two or more) reversed.
func slicedOf(data []float64, shape []int, dt Dtype) *Array {
	nd := len(shape)
	big := slicesClone(shape)
	big[0] = 2*shape[0] + 1
	stored := make([]float64, shapeSize(big))
	for i := range stored {
		stored[i] = -99
	}
	for i := range data {
		idx := idxUnravel(shape, i)
		idx[0] = 2*idx[0] + 1
		if nd > 1 {
			idx[nd-1] = shape[nd-1] - 1 - idx[nd-1]
		}
		stored[idxRavel(big, idx)] = data[i]
	}
	ix := []any{S(1, big[0]).Step(2)}
	if nd > 1 {
		ix = append(ix, Ellipsis, Colon.Step(-1))
	}
	v := Index(typedOf(stored, big, dt), ix...)
	if err := Eval(v); err != nil {
		panic(err)
	}
	return v
}

// layouts builds an input in the ways the tests try: packed, transposed,
// flipped and sliced (all but the first only for at least one element and
// axis).
var layouts = []struct {
	name string
	make func(data []float64, shape []int, dt Dtype) *Array
}{
	{"", typedOf},
	{"transposed", transposedOf},
	{"flipped", flippedOf},
	{"sliced", slicedOf},
}

func layoutApplies(name string, shape []int) bool {
	return name == "" || len(shape) > 0 && shapeSize(shape) > 0
}

type shapeIn struct {
	data  []float64
	shape []int
}

func seqIn(shape ...int) shapeIn { return shapeIn{seqData(shape...), shape} }

func (s shapeIn) at(idx []int) float64 { return s.data[idxRavel(s.shape, idx)] }

// concatRef joins ins along axis ax (or, stack, along a new axis ax).
func concatRef(ins []shapeIn, ax int, stack bool, dt Dtype) *Array {
	shape := slicesClone(ins[0].shape)
	if stack {
		shape = slices.Insert(shape, ax, len(ins))
	} else {
		shape[ax] = 0
		for _, x := range ins {
			shape[ax] += x.shape[ax]
		}
	}
	return refMap(shape, dt, func(idx []int) float64 {
		i := idx[ax]
		for _, x := range ins {
			n := 1
			if !stack {
				n = x.shape[ax]
			}
			if i < n {
				j := slicesClone(idx)
				if stack {
					j = slices.Delete(j, ax, ax+1)
				} else {
					j[ax] = i
				}
				return x.at(j)
			}
			i -= n
		}
		panic("unreachable")
	})
}

func tileRef(x shapeIn, reps []int, dt Dtype) *Array {
	nd := max(len(reps), len(x.shape))
	shape := make([]int, nd)
	for d := range nd {
		n, r := 1, 1
		if i := d - (nd - len(x.shape)); i >= 0 {
			n = x.shape[i]
		}
		if i := d - (nd - len(reps)); i >= 0 {
			r = reps[i]
		}
		shape[d] = n * r
	}
	return refMap(shape, dt, func(idx []int) float64 {
		j := make([]int, len(x.shape))
		for i := range j {
			j[i] = idx[i+nd-len(x.shape)] % x.shape[i]
		}
		return x.at(j)
	})
}

func repeatRef(x shapeIn, r, ax int, flat bool, dt Dtype) *Array {
	if flat {
		return refMap([]int{len(x.data) * r}, dt, func(idx []int) float64 { return x.data[idx[0]/r] })
	}
	shape := slicesClone(x.shape)
	shape[ax] *= r
	return refMap(shape, dt, func(idx []int) float64 {
		j := slicesClone(idx)
		j[ax] /= r
		return x.at(j)
	})
}

// padIndex maps position i of a padded axis of length n (before pad lo)
// to the input position, or -1 for the constant.
func padIndex(mode string, i, lo, n int) int {
	j := i - lo
	if j >= 0 && j < n {
		return j
	}
	switch mode {
	case "edge":
		return min(max(j, 0), n-1)
	case "reflect":
		if n == 1 {
			return 0
		}
		p := 2 * (n - 1)
		m := ((j % p) + p) % p
		if m >= n {
			m = p - m
		}
		return m
	case "symmetric":
		p := 2 * n
		m := ((j % p) + p) % p
		if m >= n {
			m = p - 1 - m
		}
		return m
	}
	return -1
}

func padRef(x shapeIn, w [][2]int, mode string, value float64, dt Dtype) *Array {
	shape := slicesClone(x.shape)
	for d := range shape {
		shape[d] += w[d][0] + w[d][1]
	}
	return refMap(shape, dt, func(idx []int) float64 {
		j := make([]int, len(idx))
		for d := range idx {
			if j[d] = padIndex(mode, idx[d], w[d][0], x.shape[d]); j[d] < 0 {
				return value
			}
		}
		return x.at(j)
	})
}

func rollRef(x shapeIn, shifts []int, dt Dtype) *Array { // shifts per axis
	return refMap(x.shape, dt, func(idx []int) float64 {
		j := make([]int, len(idx))
		for d := range idx {
			n := x.shape[d]
			j[d] = ((idx[d]-shifts[d])%n + n) % n
		}
		return x.at(j)
	})
}

func rollFlatRef(x shapeIn, shift int, dt Dtype) *Array {
	n := len(x.data)
	return refMap(x.shape, dt, func(idx []int) float64 {
		f := idxRavel(x.shape, idx)
		return x.data[((f-shift)%n+n)%n]
	})
}

func triRef(x shapeIn, k int, upper bool, dt Dtype) *Array {
	nd := len(x.shape)
	return refMap(x.shape, dt, func(idx []int) float64 {
		i, j := idx[nd-2], idx[nd-1]
		if upper && j-i >= k || !upper && j-i <= k {
			return x.at(idx)
		}
		return 0
	})
}

func diagRef(x shapeIn, k int, dt Dtype) *Array {
	if len(x.shape) == 1 {
		n := x.shape[0] + max(k, -k)
		return refMap([]int{n, n}, dt, func(idx []int) float64 {
			i, j := idx[0], idx[1]
			if j-i != k {
				return 0
			}
			return x.data[min(i, j)]
		})
	}
	r, c := x.shape[0], x.shape[1]
	var out []float64
	for i := range r {
		if j := i + k; j >= 0 && j < c {
			out = append(out, x.at([]int{i, j}))
		}
	}
	return typedOf(out, []int{len(out)}, dt)
}

// traceRef sums the k-th diagonal of the matrices over axes a1, a2 of x.
func traceRef(x shapeIn, k, a1, a2 int, dt Dtype) *Array {
	var shape []int
	for d, n := range x.shape {
		if d != a1 && d != a2 {
			shape = append(shape, n)
		}
	}
	return refMap(shape, dt, func(idx []int) float64 {
		sum := 0.0
		for i := range x.shape[a1] {
			j := i + k
			if j < 0 || j >= x.shape[a2] {
				continue
			}
			full := make([]int, 0, len(x.shape))
			for d, rest := 0, idx; d < len(x.shape); d++ {
				switch d {
				case a1:
					full = append(full, i)
				case a2:
					full = append(full, j)
				default:
					full, rest = append(full, rest[0]), rest[1:]
				}
			}
			sum += x.at(full)
		}
		return sum
	})
}

func unaryOp(f func(a *Array, o ...Option) *Array) func(in []*Array, o ...Option) *Array {
	return func(in []*Array, o ...Option) *Array { return f(in[0], o...) }
}

func optsWith(o []Option, extra ...Option) []Option { return append(slices.Clone(o), extra...) }

func init() {
	// Every type through every op, in every layout.
	for _, dt := range shapeDtypes {
		for _, l := range layouts {
			name := dt.String()
			if l.name != "" {
				name += "/" + l.name
			}
			mk := func(x shapeIn) *Array { return l.make(x.data, x.shape, dt) }
			a, b := seqIn(2, 3), shapeIn{seqData(2, 4)[1:], []int{2, 4}}
			b.data = append(b.data, 5)
			c := shapeIn{seqData(2, 3)[2:], []int{2, 3}}
			c.data = append(c.data, 9, 8)
			m := seqIn(3, 4)
			addCases(
				opCase{name: "concatenate/" + name,
					in: []*Array{mk(a), mk(b)},
					op: func(in []*Array, o ...Option) *Array {
						return Concatenate(in, optsWith(o, Axis(1))...)
					},
					want: concatRef([]shapeIn{a, b}, 1, false, dt)},
				opCase{name: "stack/" + name,
					in: []*Array{mk(a), mk(c)},
					op: func(in []*Array, o ...Option) *Array {
						return Stack(in, optsWith(o, Axis(-1))...)
					},
					want: concatRef([]shapeIn{a, c}, 2, true, dt)},
				opCase{name: "tile/" + name, in: []*Array{mk(a)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Tile(x, []int{2, 1, 3}, o...) }),
					want: tileRef(a, []int{2, 1, 3}, dt)},
				opCase{name: "repeat/" + name, in: []*Array{mk(a)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Repeat(x, 3, optsWith(o, Axis(-1))...) }),
					want: repeatRef(a, 3, 1, false, dt)},
				opCase{name: "repeat/flat/" + name, in: []*Array{mk(a)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Repeat(x, 2, o...) }),
					want: repeatRef(a, 2, 0, true, dt)},
				opCase{name: "roll/" + name, in: []*Array{mk(m)},
					op: unaryOp(func(x *Array, o ...Option) *Array {
						return Roll(x, []int{1, -5}, optsWith(o, Axes(0, 1))...)
					}),
					want: rollRef(m, []int{1, 3}, dt)},
				opCase{name: "roll/flat/" + name, in: []*Array{mk(m)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Roll(x, 5, o...) }),
					want: rollFlatRef(m, 5, dt)},
				opCase{name: "tril/" + name, in: []*Array{mk(m)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Tril(x, 0, o...) }),
					want: triRef(m, 0, false, dt)},
				opCase{name: "triu/" + name, in: []*Array{mk(m)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Triu(x, 1, o...) }),
					want: triRef(m, 1, true, dt)},
				opCase{name: "diag/" + name, in: []*Array{mk(m)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Diag(x, 1, o...) }),
					want: diagRef(m, 1, dt)},
				opCase{name: "diag/1d/" + name, in: []*Array{mk(seqIn(3))},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Diag(x, -1, o...) }),
					want: diagRef(seqIn(3), -1, dt)},
			)
			for _, mode := range []string{"constant", "edge", "reflect", "symmetric"} {
				w := [][2]int{{2, 1}, {0, 7}}
				opt := map[string]Option{"constant": PadConstant(3), "edge": PadEdge,
					"reflect": PadReflect, "symmetric": PadSymmetric}[mode]
				addCases(opCase{name: "pad/" + mode + "/" + name, in: []*Array{mk(a)},
					op:   unaryOp(func(x *Array, o ...Option) *Array { return Pad(x, w, optsWith(o, opt)...) }),
					want: padRef(a, w, mode, 3, dt)})
			}
		}
	}
	f32 := Float32
	x23, x34, x234 := seqIn(2, 3), seqIn(3, 4), seqIn(2, 3, 4)
	empty := shapeIn{nil, []int{0, 3}}
	scalar := shapeIn{[]float64{7}, []int{}}
	cat := func(axis int) func(in []*Array, o ...Option) *Array {
		return func(in []*Array, o ...Option) *Array { return Concatenate(in, optsWith(o, Axis(axis))...) }
	}
	stack := func(axis int) func(in []*Array, o ...Option) *Array {
		return func(in []*Array, o ...Option) *Array { return Stack(in, optsWith(o, Axis(axis))...) }
	}
	ins := func(xs ...shapeIn) []*Array {
		var out []*Array
		for _, x := range xs {
			out = append(out, typedOf(x.data, x.shape, f32))
		}
		return out
	}
	y := shapeIn{seqData(2, 3, 5)[3:], []int{2, 3, 2}}
	y.data = y.data[:12]
	z := shapeIn{[]float64{-1, 0, 1, 2}, []int{1, 4}}
	addCases(
		opCase{name: "concatenate/default-axis", in: ins(x34, x34, z),
			op:   func(in []*Array, o ...Option) *Array { return Concatenate(in, o...) },
			want: concatRef([]shapeIn{x34, x34, z}, 0, false, f32)},
		opCase{name: "concatenate/axis-2", in: ins(x234, y, x234), op: cat(-1),
			want: concatRef([]shapeIn{x234, y, x234}, 2, false, f32)},
		opCase{name: "concatenate/empty", in: ins(empty, x23, empty), op: cat(0),
			want: concatRef([]shapeIn{empty, x23, empty}, 0, false, f32)},
		opCase{name: "concatenate/all-empty", in: ins(empty, empty), op: cat(1),
			want: typedOf(nil, []int{0, 6}, f32)},
		opCase{name: "concatenate/one", in: ins(x23), op: cat(1), want: typedOf(x23.data, x23.shape, f32)},
		opCase{name: "concatenate/nan-inf",
			in:   []*Array{NewArray([]float32{float32(math.NaN()), 1}), NewArray([]float32{float32(math.Inf(-1))})},
			op:   cat(0),
			want: NewArray([]float32{float32(math.NaN()), 1, float32(math.Inf(-1))})},
		opCase{name: "concatenate/promote-int8-uint8",
			in:   []*Array{NewArray([]int8{-1, 2}), NewArray([]uint8{255})},
			op:   cat(0),
			want: NewArray([]int16{-1, 2, 255})},
		opCase{name: "concatenate/promote-bool-float16",
			in:   []*Array{NewArray([]bool{true, false}), typedOf([]float64{2.5}, []int{1}, Float16), NewArray([]int32{-3})},
			op:   cat(0),
			want: typedOf([]float64{1, 0, 2.5, -3}, []int{4}, Float16)},
		opCase{name: "stack/default-axis", in: ins(x23, x23, x23),
			op:   func(in []*Array, o ...Option) *Array { return Stack(in, o...) },
			want: concatRef([]shapeIn{x23, x23, x23}, 0, true, f32)},
		opCase{name: "stack/axis1", in: ins(x234, x234), op: stack(1),
			want: concatRef([]shapeIn{x234, x234}, 1, true, f32)},
		opCase{name: "stack/scalars", in: ins(scalar, scalar, scalar), op: stack(0),
			want: typedOf([]float64{7, 7, 7}, []int{3}, f32)},
		opCase{name: "stack/empty", in: ins(empty, empty), op: stack(-1),
			want: typedOf(nil, []int{0, 3, 2}, f32)},
		opCase{name: "stack/promote", in: []*Array{NewArray([]int32{1}), NewArray([]float32{2.5})}, op: stack(0),
			want: NewArray([]float32{1, 2.5}, 2, 1)},
	)
	tile := func(reps ...int) func(in []*Array, o ...Option) *Array {
		return unaryOp(func(x *Array, o ...Option) *Array { return Tile(x, reps, o...) })
	}
	addCases(
		opCase{name: "tile/shorter-reps", in: ins(x234), op: tile(2), want: tileRef(x234, []int{2}, f32)},
		opCase{name: "tile/longer-reps", in: ins(x23), op: tile(2, 1, 2, 3), want: tileRef(x23, []int{2, 1, 2, 3}, f32)},
		opCase{name: "tile/zero", in: ins(x23), op: tile(0, 2), want: typedOf(nil, []int{0, 6}, f32)},
		opCase{name: "tile/no-reps", in: ins(x23), op: tile(), want: typedOf(x23.data, x23.shape, f32)},
		opCase{name: "tile/scalar", in: ins(scalar), op: tile(3), want: typedOf([]float64{7, 7, 7}, []int{3}, f32)},
		opCase{name: "tile/scalar-no-reps", in: ins(scalar), op: tile(), want: typedOf([]float64{7}, []int{}, f32)},
		opCase{name: "tile/empty", in: ins(empty), op: tile(2, 2), want: typedOf(nil, []int{0, 6}, f32)},
	)
	rep := func(r int, axis ...int) func(in []*Array, o ...Option) *Array {
		return unaryOp(func(x *Array, o ...Option) *Array {
			if len(axis) > 0 {
				o = optsWith(o, Axis(axis[0]))
			}
			return Repeat(x, r, o...)
		})
	}
	addCases(
		opCase{name: "repeat/axis0", in: ins(x234), op: rep(2, 0), want: repeatRef(x234, 2, 0, false, f32)},
		opCase{name: "repeat/axis1", in: ins(x234), op: rep(3, -2), want: repeatRef(x234, 3, 1, false, f32)},
		opCase{name: "repeat/once", in: ins(x23), op: rep(1, 1), want: typedOf(x23.data, x23.shape, f32)},
		opCase{name: "repeat/zero", in: ins(x23), op: rep(0, 1), want: typedOf(nil, []int{2, 0}, f32)},
		opCase{name: "repeat/zero-flat", in: ins(x23), op: rep(0), want: typedOf(nil, []int{0}, f32)},
		opCase{name: "repeat/scalar", in: ins(scalar), op: rep(4), want: typedOf([]float64{7, 7, 7, 7}, []int{4}, f32)},
		opCase{name: "repeat/empty", in: ins(empty), op: rep(2, 1), want: typedOf(nil, []int{0, 6}, f32)},
	)
	pad := func(w any, opts ...Option) func(in []*Array, o ...Option) *Array {
		return unaryOp(func(x *Array, o ...Option) *Array { return Pad(x, w, optsWith(o, opts...)...) })
	}
	addCases(
		opCase{name: "pad/int", in: ins(x23), op: pad(2), want: padRef(x23, [][2]int{{2, 2}, {2, 2}}, "constant", 0, f32)},
		opCase{name: "pad/pair", in: ins(x234), op: pad([2]int{0, 1}, PadEdge),
			want: padRef(x234, [][2]int{{0, 1}, {0, 1}, {0, 1}}, "edge", 0, f32)},
		opCase{name: "pad/one-pair", in: ins(x23), op: pad([][2]int{{1, 3}}, PadReflect),
			want: padRef(x23, [][2]int{{1, 3}, {1, 3}}, "reflect", 0, f32)},
		opCase{name: "pad/zero-widths", in: ins(x23), op: pad(0, PadSymmetric), want: typedOf(x23.data, x23.shape, f32)},
		opCase{name: "pad/some-zero-widths", in: ins(x234), op: pad([][2]int{{0, 0}, {9, 10}, {0, 0}}, PadSymmetric),
			want: padRef(x234, [][2]int{{0, 0}, {9, 10}, {0, 0}}, "symmetric", 0, f32)},
		opCase{name: "pad/wide-reflect", in: ins(seqIn(2, 2)), op: pad([][2]int{{5, 6}, {7, 3}}, PadReflect),
			want: padRef(seqIn(2, 2), [][2]int{{5, 6}, {7, 3}}, "reflect", 0, f32)},
		opCase{name: "pad/empty-constant", in: ins(empty), op: pad(1, PadConstant(-2)),
			want: padRef(empty, [][2]int{{1, 1}, {1, 1}}, "constant", -2, f32)},
		opCase{name: "pad/empty-axis-unpadded", in: ins(empty), op: pad([][2]int{{0, 0}, {2, 1}}, PadEdge),
			want: typedOf(nil, []int{0, 6}, f32)},
		opCase{name: "pad/scalar", in: ins(scalar), op: pad(3), want: typedOf([]float64{7}, []int{}, f32)},
		opCase{name: "pad/nan-value", in: ins(seqIn(2)), op: pad(1, PadConstant(math.NaN())),
			want: typedOf([]float64{math.NaN(), seqData(2)[0], seqData(2)[1], math.NaN()}, []int{4}, f32)},
		opCase{name: "pad/array-value", in: []*Array{NewArray([]int32{1, 2})},
			op:   pad(1, PadConstant(NewArray([]float64{-2.7}, 1, 1))),
			want: NewArray([]int32{-2, 1, 2, -2})},
		opCase{name: "pad/float-value-int", in: []*Array{NewArray([]uint8{1})}, op: pad([2]int{1, 0}, PadConstant(2.9)),
			want: NewArray([]uint8{2, 1})},
	)
	roll := func(shift any, axes ...int) func(in []*Array, o ...Option) *Array {
		return unaryOp(func(x *Array, o ...Option) *Array {
			if axes != nil {
				o = optsWith(o, Axes(axes...))
			}
			return Roll(x, shift, o...)
		})
	}
	addCases(
		opCase{name: "roll/axis", in: ins(x234), op: roll(2, 1), want: rollRef(x234, []int{0, 2, 0}, f32)},
		opCase{name: "roll/negative-axis", in: ins(x234), op: roll(-1, -1), want: rollRef(x234, []int{0, 0, 3}, f32)},
		opCase{name: "roll/big-shift", in: ins(x234), op: roll(1<<40+1, 2), want: rollRef(x234, []int{0, 0, (1<<40 + 1) % 4}, f32)},
		opCase{name: "roll/one-shift-many-axes", in: ins(x234), op: roll(1, 0, 1, 2), want: rollRef(x234, []int{1, 1, 1}, f32)},
		opCase{name: "roll/many-shifts-one-axis", in: ins(x234), op: roll([]int{1, 1}, 2), want: rollRef(x234, []int{0, 0, 2}, f32)},
		opCase{name: "roll/repeated-axis", in: ins(x234), op: roll([]int{1, 2}, 2, 2), want: rollRef(x234, []int{0, 0, 3}, f32)},
		opCase{name: "roll/no-axes", in: ins(x23), op: roll(1, []int{}...), want: typedOf(x23.data, x23.shape, f32)},
		opCase{name: "roll/flat-shifts", in: ins(x234), op: roll([]int{3, 4}), want: rollFlatRef(x234, 7, f32)},
		opCase{name: "roll/flat-negative", in: ins(x234), op: roll(-25), want: rollFlatRef(x234, -25, f32)},
		opCase{name: "roll/empty", in: ins(empty), op: roll(2, 1), want: typedOf(nil, []int{0, 3}, f32)},
		opCase{name: "roll/empty-flat", in: ins(empty), op: roll(2), want: typedOf(nil, []int{0, 3}, f32)},
		opCase{name: "roll/scalar", in: ins(scalar), op: roll(2), want: typedOf([]float64{7}, []int{}, f32)},
	)
	for _, sh := range [][]int{{5}, {3, 4}, {2, 3, 4}, {3, 1, 5}} {
		x := seqIn(sh...)
		for _, l := range layouts[1:] {
			for _, s := range []int{1, 4, 11, 23} {
				addCases(opCase{name: fmt.Sprintf("roll/flat/%v/%s/%d", sh, l.name, s),
					in: []*Array{l.make(x.data, x.shape, f32)}, op: roll(s), want: rollFlatRef(x, s, f32)})
			}
		}
	}
	tri := func(f func(*Array, int, ...Option) *Array, k int) func(in []*Array, o ...Option) *Array {
		return unaryOp(func(x *Array, o ...Option) *Array { return f(x, k, o...) })
	}
	for _, k := range []int{-4, -1, 0, 2, 6, math.MaxInt, math.MinInt} {
		addCases(
			opCase{name: fmt.Sprintf("tril/k%d", k), in: ins(x234), op: tri(Tril, k), want: triRef(x234, k, false, f32)},
			opCase{name: fmt.Sprintf("triu/k%d", k), in: ins(x234), op: tri(Triu, k), want: triRef(x234, k, true, f32)},
		)
	}
	addCases(
		opCase{name: "tril/empty", in: ins(empty), op: tri(Tril, 0), want: typedOf(nil, []int{0, 3}, f32)},
		opCase{name: "triu/empty", in: ins(shapeIn{nil, []int{2, 0, 3}}), op: tri(Triu, 0), want: typedOf(nil, []int{2, 0, 3}, f32)},
		opCase{name: "tril/nan", in: []*Array{NewArray([]float64{math.NaN(), math.Inf(1), math.NaN(), 1}, 2, 2)},
			op: tri(Tril, 0), want: NewArray([]float64{math.NaN(), 0, math.NaN(), 1}, 2, 2)},
	)
	for _, k := range []int{-5, -2, 0, 1, 3, 4, math.MaxInt, math.MinInt} {
		addCases(opCase{name: fmt.Sprintf("diag/2d/k%d", k), in: ins(x34), op: tri(Diag, k), want: diagRef(x34, k, f32)})
		if k > -10 && k < 10 {
			addCases(opCase{name: fmt.Sprintf("diag/1d/k%d", k), in: ins(seqIn(4)), op: tri(Diag, k), want: diagRef(seqIn(4), k, f32)})
		}
	}
	addCases(
		opCase{name: "diag/1d-empty", in: ins(shapeIn{nil, []int{0}}), op: tri(Diag, 0), want: typedOf(nil, []int{0, 0}, f32)},
		opCase{name: "diag/1d-empty-k", in: ins(shapeIn{nil, []int{0}}), op: tri(Diag, 2), want: typedOf(make([]float64, 4), []int{2, 2}, f32)},
		opCase{name: "diag/2d-empty", in: ins(empty), op: tri(Diag, 0), want: typedOf(nil, []int{0}, f32)},
	)
	trace := func(k int, opts ...Option) func(in []*Array, o ...Option) *Array {
		return unaryOp(func(x *Array, o ...Option) *Array { return Trace(x, k, optsWith(o, opts...)...) })
	}
	sumTypes := map[Dtype]Dtype{Bool: Int32, Int8: Int32, Int16: Int32, Uint8: Uint32, Uint16: Uint32}
	small := shapeIn{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, []int{3, 4}}
	for _, dt := range shapeDtypes {
		want := dt
		if w, ok := sumTypes[dt]; ok {
			want = w
		}
		ref := traceRef(small, 1, 0, 1, Float64)
		if dt == Bool {
			ref = Scalar(3, Int32) // three true elements
		}
		for _, l := range layouts {
			if l.name == "sliced" { // values up to 12 fit every type
				addCases(opCase{name: "trace/" + dt.String() + "/" + l.name,
					in: []*Array{l.make(small.data, small.shape, dt)}, op: trace(1), want: AsType(ref, want)})
			}
		}
		addCases(opCase{name: "trace/" + dt.String(), in: []*Array{typedOf(small.data, small.shape, dt)},
			op: trace(1), want: AsType(ref, want)})
	}
	addCases(
		opCase{name: "trace/main", in: ins(x34), op: trace(0), want: traceRef(x34, 0, 0, 1, f32)},
		opCase{name: "trace/below", in: ins(x34), op: trace(-2), want: traceRef(x34, -2, 0, 1, f32)},
		opCase{name: "trace/past", in: ins(x34), op: trace(4), want: Scalar(0, f32)},
		opCase{name: "trace/far-past", in: ins(x34), op: trace(math.MinInt), want: Scalar(0, f32)},
		opCase{name: "trace/axes", in: ins(x234), op: trace(1, Axes(2, 0)), want: traceRef(x234, 1, 2, 0, f32)},
		opCase{name: "trace/negative-axes", in: ins(x234), op: trace(0, Axes(-2, -1)), want: traceRef(x234, 0, 1, 2, f32)},
		opCase{name: "trace/dtype", in: []*Array{NewArray([]int8{100, 1, 2, 100}, 2, 2)}, op: trace(0, Float64),
			want: Scalar(200, Float64)},
		opCase{name: "trace/int8-widens", in: []*Array{NewArray([]int8{100, 1, 2, 100}, 2, 2)}, op: trace(0),
			want: Scalar(200, Int32)},
		opCase{name: "trace/empty", in: ins(empty), op: trace(0), want: Scalar(0, f32)},
		opCase{name: "trace/nan", in: []*Array{NewArray([]float32{1, 2, 3, float32(math.NaN())}, 2, 2)}, op: trace(0),
			want: NewArray([]float32{float32(math.NaN())}, []int{}...)},
	)
	// A row broadcast to three rows (stride 0), as broadcast views are.
	row := seqIn(4)
	bc := shapeIn{slices.Concat(row.data, row.data, row.data), []int{3, 4}}
	bview := func() []*Array {
		return []*Array{viewOf(typedOf(row.data, row.shape, f32), []int{3, 4}, []int{0, 1}, 0)}
	}
	addCases(
		opCase{name: "concatenate/broadcast", in: append(bview(), ins(x34)...), op: cat(1),
			want: concatRef([]shapeIn{bc, x34}, 1, false, f32)},
		opCase{name: "pad/broadcast", in: bview(), op: pad(2, PadSymmetric),
			want: padRef(bc, [][2]int{{2, 2}, {2, 2}}, "symmetric", 0, f32)},
		opCase{name: "tril/broadcast", in: bview(), op: tri(Tril, -1), want: triRef(bc, -1, false, f32)},
		opCase{name: "roll/flat/broadcast", in: bview(), op: roll(5), want: rollFlatRef(bc, 5, f32)},
		opCase{name: "diag/broadcast", in: bview(), op: tri(Diag, 1), want: diagRef(bc, 1, f32)},
	)
}

// TestShapeGolden compares with NumPy's results in testdata/shape.json
// (made by scripts/golden/shape.py).
func TestShapeGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/shape.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Op       string
		Shape    []int
		Args     map[string]json.RawMessage
		OutShape []int `json:"out_shape"`
		Out      []float64
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	arg := func(args map[string]json.RawMessage, name string, v any) {
		if err := json.Unmarshal(args[name], v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	modes := map[string]Option{"constant": PadConstant(-1.5), "edge": PadEdge, "reflect": PadReflect, "symmetric": PadSymmetric}
	for i, c := range cases {
		data := make([]float64, shapeSize(c.Shape))
		for j := range data {
			data[j] = float64(j)
		}
		t.Run(fmt.Sprintf("%d/%s/%v", i, c.Op, c.Shape), func(t *testing.T) {
			for _, l := range layouts {
				if !layoutApplies(l.name, c.Shape) {
					continue
				}
				x := l.make(data, c.Shape, Float64)
				var got *Array
				switch c.Op {
				case "pad":
					var mode string
					var w [][2]int
					arg(c.Args, "mode", &mode)
					arg(c.Args, "widths", &w)
					got = Pad(x, w, modes[mode])
				case "roll":
					var shift, axes []int
					arg(c.Args, "shift", &shift)
					arg(c.Args, "axes", &axes)
					if axes == nil {
						got = Roll(x, shift)
					} else {
						got = Roll(x, shift, Axes(axes...))
					}
				case "tile":
					var reps []int
					arg(c.Args, "reps", &reps)
					got = Tile(x, reps)
				case "diag", "tril", "triu":
					var k int
					arg(c.Args, "k", &k)
					got = map[string]func(*Array, int, ...Option) *Array{"diag": Diag, "tril": Tril, "triu": Triu}[c.Op](x, k)
				case "trace":
					var offset int
					var axes []int
					arg(c.Args, "offset", &offset)
					arg(c.Args, "axes", &axes)
					got = Trace(x, offset, Axes(axes...))
				default:
					t.Fatalf("unknown op %q", c.Op)
				}
				want := NewArray(c.Out, append([]int{}, c.OutShape...)...)
				if msg := compareArrays(got, want, 0); msg != "" {
					t.Fatalf("%s: %s", l.name, msg)
				}
			}
		})
	}
}

func TestFlatBoxes(t *testing.T) {
	for _, shape := range [][]int{{7}, {3, 4}, {2, 3, 4}, {3, 1, 2, 5}, {1, 1}, {2, 2, 2, 2, 2}} {
		n := shapeSize(shape)
		for lo := 0; lo <= n; lo++ {
			for hi := lo; hi <= n; hi++ {
				next, count := lo, 0
				flatBoxes(shape, lo, hi, func(start, box []int, flat int) {
					count++
					if flat != next || idxRavel(shape, start) != flat {
						t.Fatalf("%v [%d, %d): box at %v (%d), want position %d", shape, lo, hi, start, flat, next)
					}
					// The box's positions, in row-major order, are contiguous.
					for i := range shapeSize(box) {
						idx := idxUnravel(box, i)
						for d := range idx {
							idx[d] += start[d]
						}
						if idxRavel(shape, idx) != next {
							t.Fatalf("%v [%d, %d): box %v at %v is not contiguous", shape, lo, hi, box, start)
						}
						next++
					}
				})
				if next != hi {
					t.Fatalf("%v [%d, %d): boxes end at %d", shape, lo, hi, next)
				}
				if count > 2*len(shape)+1 {
					t.Fatalf("%v [%d, %d): %d boxes", shape, lo, hi, count)
				}
			}
		}
	}
}

func TestShapeErrors(t *testing.T) {
	a := NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := NewArray([]float32{1, 2, 3, 4}, 2, 2)
	v := NewArray([]float32{1, 2, 3})
	s := Scalar(1.5)
	for _, c := range []struct {
		op string
		f  func()
	}{
		{"concatenate", func() { Concatenate(nil) }},
		{"concatenate", func() { Concatenate([]*Array{a, nil}) }},
		{"concatenate", func() { Concatenate([]*Array{a, b}) }},
		{"concatenate", func() { Concatenate([]*Array{a, v}) }},
		{"concatenate", func() { Concatenate([]*Array{a, a}, Axis(2)) }},
		{"concatenate", func() { Concatenate([]*Array{a, a}, Axis(-3)) }},
		{"concatenate", func() { Concatenate([]*Array{a, a}, Axes(0, 1)) }},
		{"concatenate", func() { Concatenate([]*Array{s, s}) }},
		{"concatenate", func() { Concatenate([]*Array{a}, KeepDims) }},
		{"stack", func() { Stack(nil) }},
		{"stack", func() { Stack([]*Array{a, b}) }},
		{"stack", func() { Stack([]*Array{a, a}, Axis(3)) }},
		{"stack", func() { Stack([]*Array{a, a}, Axis(-4)) }},
		{"tile", func() { Tile(a, []int{2, -1}) }},
		{"tile", func() { Tile(a, []int{math.MaxInt, 2}) }},
		{"repeat", func() { Repeat(a, -1) }},
		{"repeat", func() { Repeat(a, 2, Axis(2)) }},
		{"repeat", func() { Repeat(s, 2, Axis(0)) }},
		{"repeat", func() { Repeat(a, math.MaxInt) }},
		{"pad", func() { Pad(a, -1) }},
		{"pad", func() { Pad(a, [][2]int{{1, 1}, {0, -2}}) }},
		{"pad", func() { Pad(a, [][2]int{{1, 1}, {0, 0}, {1, 1}}) }},
		{"pad", func() { Pad(a, []int{1, 2}) }},
		{"pad", func() { Pad(a, 1, PadConstant("x")) }},
		{"pad", func() { Pad(a, 1, PadConstant(v)) }},
		{"pad", func() { Pad(a, 1, Axis(0)) }},
		{"pad", func() { Pad(NewArray([]float32{}, 0, 2), 1, PadEdge) }},
		{"pad", func() { Pad(NewArray([]float32{}, 0, 2), 1, PadReflect) }},
		{"pad", func() { Pad(v, math.MaxInt) }},
		{"add", func() { Add(a, a, PadEdge) }},
		{"roll", func() { Roll(a, 1.5) }},
		{"roll", func() { Roll(a, []int{}) }},
		{"roll", func() { Roll(a, 1, Axis(2)) }},
		{"roll", func() { Roll(a, []int{1, 2, 3}, Axes(0, 1)) }},
		{"diag", func() { Diag(s, 0) }},
		{"diag", func() { Diag(zeros3(), 0) }},
		{"diag", func() { Diag(v, math.MinInt) }},
		{"trace", func() { Trace(v, 0) }},
		{"trace", func() { Trace(a, 0, Axes(0)) }},
		{"trace", func() { Trace(a, 0, Axes(1, -1)) }},
		{"trace", func() { Trace(a, 0, Axes(0, 2)) }},
		{"trace", func() { Trace(a, 0, Dtype(99)) }},
		{"trace", func() { Trace(a, 0, KeepDims) }},
		{"tril", func() { Tril(v, 0) }},
		{"triu", func() { Triu(s, 0) }},
	} {
		err := Catch(c.f)
		e, ok := err.(*Error)
		if !ok || e.Op != c.op {
			t.Errorf("%s: got %v, want an *Error of %s", c.op, err, c.op)
			continue
		}
		t.Log(e)
	}
}

// zeros3 is a 3-D array for the error tests.
func zeros3() *Array { return NewArray(make([]float32, 8), 2, 2, 2) }

func TestShapeLazy(t *testing.T) {
	a := NewArray([]float32{1, 2})
	c := Concatenate([]*Array{a, a})
	if c.IsAvailable() || c.Dtype() != Float32 || !slices.Equal(c.Shape(), []int{4}) {
		t.Fatalf("got %v %v available %v", c.Dtype(), c.Shape(), c.IsAvailable())
	}
	// A chain of ops through every primitive.
	x := Tril(Pad(Roll(Repeat(Tile(Stack([]*Array{c, c}), []int{2, 1}), 2, Axis(1)), 3), 1, PadReflect), 1)
	if got := x.Shape(); !slices.Equal(got, []int{6, 10}) {
		t.Fatalf("shape %v", got)
	}
	if err := Eval(x); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkConcatenate(b *testing.B) {
	x := typedOf(seqData(512, 1024), []int{512, 1024}, Float32)
	for b.Loop() {
		if err := Eval(Concatenate([]*Array{x, x, x}, Axis(1))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPadReflect(b *testing.B) {
	x := typedOf(seqData(512, 1024), []int{512, 1024}, Float32)
	for b.Loop() {
		if err := Eval(Pad(x, 64, PadReflect)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTril(b *testing.B) {
	x := typedOf(seqData(1024, 1024), []int{1024, 1024}, Float32)
	for b.Loop() {
		if err := Eval(Tril(x, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDiagonalExtremeOffsets checks that offsets at the ends of int give
// empty diagonals (the row of -offset must not overflow).
func TestDiagonalExtremeOffsets(t *testing.T) {
	a := NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	for _, k := range []int{math.MinInt, math.MinInt + 1, -2, 3, math.MaxInt} {
		d := Diagonal(a, k)
		if d.Size() != 0 || !slices.Equal(d.Shape(), []int{0}) {
			t.Errorf("Diagonal(a, %d) has shape %v, want [0]", k, d.Shape())
		}
		if err := Eval(d); err != nil {
			t.Errorf("Diagonal(a, %d): %v", k, err)
		}
	}
	d := Diagonal(NewArray(make([]float32, 2*3*4), 2, 3, 4), math.MinInt, Axes(2, 0))
	if !slices.Equal(d.Shape(), []int{3, 0}) {
		t.Errorf("Diagonal of axes (2, 0) at MinInt has shape %v, want [3 0]", d.Shape())
	}
	if got := ToSlice[float32](Diagonal(a, -1)); !slices.Equal(got, []float32{4}) {
		t.Errorf("Diagonal(a, -1) = %v, want [4]", got)
	}
}
