package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Transform rules of the view primitives. Views are linear, so the JVP of
// each applies the same view to the tangent, and each VJP applies the
// transposed map to the cotangent: the inverse reshape or permutation, a
// sum over broadcast axes, or a scatter (scatterPrim) of the cotangent into
// zeros of the input's shape at the positions the view reads. The vmap
// rules move the batch axis to the front and shift the view's axes past it.

// again records prim p once more, on input x, with outputs shaped as outs.
func again(p Primitive, s Stream, x *Array, outs []*Array) []*Array {
	shapes := make([][]int, len(outs))
	dtypes := make([]Dtype, len(outs))
	for i, o := range outs {
		shapes[i], dtypes[i] = o.shape, o.dtype
	}
	return newNode(p, s, []*Array{x}, shapes, dtypes)
}

// unbatched returns the outputs of p on an input with no batch axis: the
// primitive applied as it is, with no batch axis in the results.
func unbatched(p Primitive, s Stream, x *Array, outs []*Array) ([]*Array, []int) {
	res := again(p, s, x, outs)
	axes := make([]int, len(res))
	for i := range axes {
		axes[i] = -1
	}
	return res, axes
}

// batchFirst moves the batch axis ax of x to the front.
func batchFirst(x *Array, ax int, s Stream) *Array { return MoveAxis(x, ax, 0, s) }

// batchedShape is shape with a batch dimension b in front.
func batchedShape(b int, shape []int) []int { return append([]int{b}, shape...) }

// shifted returns the axes moved one place along, past a batch axis in front.
func shifted(axes []int) []int {
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = a + 1
	}
	return out
}

func (p reshapePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{reshape(cot[0], in[0].shape, s)}
}

func (p reshapePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p reshapePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	x := batchFirst(in[0], axes[0], s)
	return []*Array{reshape(x, batchedShape(x.shape[0], out[0].shape), s)}, []int{0}
}

func (p squeezePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{expandDims(cot[0], p.axes, s)}
}

func (p squeezePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p squeezePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	return []*Array{squeeze(batchFirst(in[0], axes[0], s), shifted(p.axes), s)}, []int{0}
}

func (p expandDimsPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{squeeze(cot[0], p.axes, s)}
}

func (p expandDimsPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p expandDimsPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	return []*Array{expandDims(batchFirst(in[0], axes[0], s), shifted(p.axes), s)}, []int{0}
}

func (p transposePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	inv := make([]int, len(p.perm))
	for i, ax := range p.perm {
		inv[ax] = i
	}
	return []*Array{permute(cot[0], inv, s)}
}

func (p transposePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p transposePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	perm := append([]int{0}, shifted(p.perm)...)
	return []*Array{permute(batchFirst(in[0], axes[0], s), perm, s)}, []int{0}
}

// The cotangent of a broadcast is summed over the axes that the broadcast
// added or repeated.
func (p broadcastPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{AsType(unbroadcast(cot[0], in[0].shape, s), in[0].dtype, s)}
}

func (p broadcastPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p broadcastPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	x := batchFirst(in[0], axes[0], s)
	// Line the input's axes up with the end of the target shape, after the
	// batch axis, then broadcast.
	b := x.shape[0]
	shape := batchedShape(b, slices.Repeat([]int{1}, len(p.shape)-(x.Ndim()-1)))
	x = reshape(x, append(shape, x.shape[1:]...), s)
	return []*Array{BroadcastTo(x, batchedShape(b, p.shape), s)}, []int{0}
}

func (p asStridedPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{scatterViews(s, in[0].shape, cot, []viewPlace{{p.strides, p.offset}})}
}

func (p asStridedPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

// Each element of the batch is a block of the flat sequence of elements
// that AsStrided reads, one input's size apart.
func (p asStridedPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	x := batchFirst(in[0], axes[0], s)
	b := x.shape[0]
	q := asStridedPrim{
		shape:   batchedShape(b, p.shape),
		strides: batchedShape(shapeSize(x.shape[1:]), p.strides),
		offset:  p.offset,
	}
	return []*Array{newArray(q, s, []*Array{x}, q.shape, x.dtype)}, []int{0}
}

func (p diagonalViewPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	st, off := p.place(core.RowMajorStrides(in[0].shape), out[0].Size() == 0)
	return []*Array{scatterViews(s, in[0].shape, cot, []viewPlace{{st, off}})}
}

func (p diagonalViewPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

// The batch axis stays in front: the diagonal removes two later axes and
// appends its own at the end.
func (p diagonalViewPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	x := batchFirst(in[0], axes[0], s)
	q := diagonalViewPrim{offset: p.offset, axis1: p.axis1 + 1, axis2: p.axis2 + 1}
	return []*Array{newArray(q, s, []*Array{x}, batchedShape(x.shape[0], out[0].shape), x.dtype)}, []int{0}
}

// The cotangents of the parts are placed side by side into one array of
// the input's shape.
func (p splitPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	rs := core.RowMajorStrides(in[0].shape)
	places := make([]viewPlace, len(out))
	for i, o := range out {
		places[i].strides, places[i].offset = p.place(i, rs, o.Size() == 0)
	}
	return []*Array{scatterViews(s, in[0].shape, cot, places)}
}

func (p splitPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p splitPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	x := batchFirst(in[0], axes[0], s)
	q := splitPrim{axis: p.axis + 1, starts: p.starts}
	shapes := make([][]int, len(out))
	dtypes := make([]Dtype, len(out))
	outAxes := make([]int, len(out))
	for i, o := range out {
		shapes[i], dtypes[i] = batchedShape(x.shape[0], o.shape), o.dtype
	}
	return newNode(q, s, []*Array{x}, shapes, dtypes), outAxes
}

func (p slicePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	st, off := p.place(core.RowMajorStrides(in[0].shape), out[0].Size() == 0)
	return []*Array{scatterViews(s, in[0].shape, cot, []viewPlace{{st, off}})}
}

func (p slicePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return again(p, s, tan[0], out)
}

func (p slicePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatched(p, s, in[0], out)
	}
	x := batchFirst(in[0], axes[0], s)
	b := x.shape[0]
	q := slicePrim{start: batchedShape(0, p.start), stop: batchedShape(b, p.stop), step: batchedShape(1, p.step)}
	return []*Array{newArray(q, s, []*Array{x}, batchedShape(b, out[0].shape), x.dtype)}, []int{0}
}

// viewPlace is where a view lies among the elements of an array in
// row-major order: its strides and the offset of its first element.
type viewPlace struct {
	strides []int
	offset  int
}

// scatterViews records the scatter of arrays into zeros of shape: arrays[i]
// is added at the positions of the view places[i] of the result's row-major
// elements. The arrays share a dtype, which the result takes.
func scatterViews(s Stream, shape []int, arrays []*Array, places []viewPlace) *Array {
	p := scatterPrim{shape: slices.Clone(shape), places: places}
	return newArray(p, s, arrays, p.shape, arrays[0].dtype)
}

// scatterPrim is the transpose of a view: it adds each input into zeros of
// its shape at the positions of a view of the result's row-major elements
// (places[i] for input i, whose shape is the view's). Positions that views
// share, or that one view reaches more than once, receive the sum.
type scatterPrim struct {
	shape  []int
	places []viewPlace
}

func (scatterPrim) Name() string { return "ScatterViews" }

func (p scatterPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ViewKernels]("scatter_views", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	srcs := make([]core.View, len(in))
	strides := make([][]int, len(in))
	offsets := make([]int, len(in))
	for i, x := range in {
		srcs[i], strides[i], offsets[i] = x.view(), p.places[i].strides, p.places[i].offset
	}
	return k.ScatterAdd(srcs, strides, offsets, out[0].view())
}

// The transpose of a scatter reads each view back: AsStrided of the
// cotangent.
func (p scatterPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		q := asStridedPrim{shape: in[i].shape, strides: p.places[i].strides, offset: p.places[i].offset}
		res[j] = newArray(q, s, []*Array{cot[0]}, q.shape, cot[0].dtype)
	}
	return res
}

// Inputs without a tangent contribute nothing to the output's tangent.
func (p scatterPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	places := make([]viewPlace, len(argnums))
	for j, i := range argnums {
		places[j] = p.places[i]
	}
	return []*Array{scatterViews(s, p.shape, tan, places)}
}

// Each element of the batch is a block of the result, one result's size
// apart; inputs without a batch axis are repeated over the batch.
func (p scatterPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	b := -1
	for i, ax := range axes {
		if ax >= 0 {
			b = in[i].shape[ax]
		}
	}
	if b < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	xs := make([]*Array, len(in))
	places := make([]viewPlace, len(in))
	n := shapeSize(p.shape)
	for i, x := range in {
		if axes[i] < 0 {
			xs[i] = BroadcastTo(x, batchedShape(b, x.shape), s)
		} else {
			xs[i] = batchFirst(x, axes[i], s)
		}
		places[i] = viewPlace{batchedShape(n, p.places[i].strides), p.places[i].offset}
	}
	return []*Array{scatterViews(s, batchedShape(b, p.shape), xs, places)}, []int{0}
}
