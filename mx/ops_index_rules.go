package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Transform rules of gather, scatter and the mask count. Only the indexed
// array and the updates carry derivatives (index arrays are integers).
// A gather's VJP adds the cotangent back at the positions it read (a
// scatter-add into zeros); the scatters' follow MLX. Batching puts the
// batch axis first everywhere and either treats it as one more whole axis
// of the blocks (indices not batched) or indexes it with a range of its
// own (indices batched).

// vmapIndices returns index arrays with the batch axis in front, each of
// rank 1 + rank (size one in front where not batched), and the batch size.
func vmapIndices(idx []*Array, axes []int, rank int, s Stream) ([]*Array, int, bool) {
	out := make([]*Array, len(idx))
	b, batched := 0, false
	for i, x := range idx {
		if axes[i] >= 0 {
			x = batchFirst(x, axes[i], s)
			b, batched = x.shape[0], true
			out[i] = reshape(x, append(append([]int{x.shape[0]}, slices.Repeat([]int{1}, rank-(x.Ndim()-1))...), x.shape[1:]...), s)
			continue
		}
		out[i] = reshape(x, append(slices.Repeat([]int{1}, rank+1-x.Ndim()), x.shape...), s)
	}
	return out, b, batched
}

// batchRange returns 0..b-1 shaped (b, 1, ..., 1) with rank ones.
func batchRange(b, rank int, s Stream) *Array {
	return reshape(indexRange(0, b, 1, s), append([]int{b}, slices.Repeat([]int{1}, rank)...), s)
}

// withBatch returns x (batch axis ax, or -1: none) with a batch axis of
// size b in front, broadcasting x when it has none.
func withBatch(x *Array, ax, b int, s Stream) *Array {
	if ax >= 0 {
		return batchFirst(x, ax, s)
	}
	return BroadcastTo(x, batchedShape(b, x.shape), s)
}

func (p gatherPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	a := in[0]
	g := scatter(p.op, core.ScatterSum, zerosLike(a, s), in[1:], cot[0], p.axes, s)
	return []*Array{g}
}

func (p gatherPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	args := append([]*Array{tan[0]}, in[1:]...)
	return []*Array{newArray(p, s, args, out[0].shape, tan[0].dtype)}
}

func (p gatherPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	a := in[0]
	rank := out[0].Ndim() - len(p.sliceSizes)
	idx, b, batched := vmapIndices(in[1:], axes[1:], rank, s)
	if !batched {
		if axes[0] < 0 {
			return unbatchedWith(p, s, in, out)
		}
		x := batchFirst(a, axes[0], s)
		q := gatherPrim{p.op, shifted(p.axes), batchedShape(x.shape[0], p.sliceSizes)}
		shape := append(slices.Clone(out[0].shape[:rank]), q.sliceSizes...)
		return []*Array{newArray(q, s, append([]*Array{x}, in[1:]...), shape, a.dtype)}, []int{rank}
	}
	if axes[0] < 0 {
		res := gather(p.op, a, idx, p.axes, p.sliceSizes, s)
		return []*Array{res}, []int{0}
	}
	x := batchFirst(a, axes[0], s)
	idx = append([]*Array{batchRange(b, rank, s)}, idx...)
	res := gather(p.op, x, idx, append([]int{0}, shifted(p.axes)...), batchedShape(1, p.sliceSizes), s)
	return []*Array{reshape(res, batchedShape(b, out[0].shape), s)}, []int{0}
}

// unbatchedWith records p again on inputs none of which is batched.
func unbatchedWith(p Primitive, s Stream, in, out []*Array) ([]*Array, []int) {
	return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
}

// block returns the block shape of a scatter's updates.
func (p scatterIndexPrim) block(in []*Array) []int {
	upd := in[len(in)-1]
	return upd.shape[upd.Ndim()-in[0].Ndim():]
}

func (p scatterIndexPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	a, upd, c := in[0], in[len(in)-1], cot[0]
	idx := in[1 : len(in)-1]
	blk := p.block(in)
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		if i == 0 { // the array scattered into
			switch p.reduce {
			case core.ScatterNone:
				res[j] = scatter(p.op, core.ScatterNone, c, idx, zerosLike(upd, s), p.axes, s)
			case core.ScatterSum:
				res[j] = c
			case core.ScatterProd:
				res[j] = scatter(p.op, core.ScatterProd, c, idx, upd, p.axes, s)
			default:
				res[j] = Where(Equal(out[0], a, s), c, zerosLike(c, s), s)
			}
			continue
		}
		// The updates.
		switch p.reduce {
		case core.ScatterNone:
			// Only the update written last at an element reaches it.
			g := gather(p.op, c, idx, p.axes, blk, s)
			res[j] = Where(p.lastWritten(s, a, idx, upd), g, zerosLike(g, s), s)
		case core.ScatterSum:
			res[j] = gather(p.op, c, idx, p.axes, blk, s)
		case core.ScatterProd:
			g := gather(p.op, Multiply(c, out[0], s), idx, p.axes, blk, s)
			res[j] = Divide(g, upd, s)
		default:
			won := Equal(gather(p.op, out[0], idx, p.axes, blk, s), upd, s)
			g := gather(p.op, c, idx, p.axes, blk, s)
			res[j] = Where(won, g, zerosLike(g, s), s)
		}
	}
	return res
}

// lastWritten returns, of the shape of upd, whether each update is the one
// that a ScatterNone leaves in place: each position of the index shape
// writes its number, and reads it back.
func (p scatterIndexPrim) lastWritten(s Stream, a *Array, idx []*Array, upd *Array) *Array {
	rank := upd.Ndim() - a.Ndim()
	n := shapeSize(upd.shape[:rank])
	ids := reshape(indexRange(0, n, 1, s), append(slices.Clone(upd.shape[:rank]), slices.Repeat([]int{1}, a.Ndim())...), s)
	ids = BroadcastTo(ids, upd.shape, s)
	written := scatter(p.op, core.ScatterNone, BroadcastTo(Scalar(-1, ids.dtype), a.shape, s), idx, ids, p.axes, s)
	return Equal(gather(p.op, written, idx, p.axes, upd.shape[rank:], s), ids, s)
}

func (p scatterIndexPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	a, upd := in[0], in[len(in)-1]
	idx := in[1 : len(in)-1]
	var ta, tu *Array
	for j, i := range argnums {
		if i == 0 {
			ta = tan[j]
		} else {
			tu = tan[j]
		}
	}
	if ta == nil {
		ta = zerosLike(a, s)
	}
	if tu == nil {
		tu = zerosLike(upd, s)
	}
	var t *Array
	switch p.reduce {
	case core.ScatterNone, core.ScatterSum:
		t = scatter(p.op, p.reduce, ta, idx, tu, p.axes, s)
	case core.ScatterProd:
		t = scatter(p.op, core.ScatterProd, ta, idx, upd, p.axes, s)
		rel := scatter(p.op, core.ScatterSum, zerosLike(a, s), idx, Divide(tu, upd, s), p.axes, s)
		t = Add(t, Multiply(out[0], rel, s), s)
	default:
		t = Where(Equal(out[0], a, s), ta, zerosLike(ta, s), s)
		won := Equal(gather(p.op, out[0], idx, p.axes, p.block(in), s), upd, s)
		t = scatter(p.op, core.ScatterSum, t, idx, Where(won, tu, zerosLike(tu, s), s), p.axes, s)
	}
	return []*Array{t}
}

func (p scatterIndexPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	n := len(in)
	a, upd := in[0], in[n-1]
	rank := upd.Ndim() - a.Ndim() // of one example's updates and array
	if axes[n-1] >= 0 {
		rank--
	}
	if axes[0] >= 0 {
		rank++
	}
	idx, b, batched := vmapIndices(in[1:n-1], axes[1:n-1], rank, s)
	for i, ax := range axes {
		if ax >= 0 {
			b = in[i].shape[ax]
		}
	}
	if !batched && axes[0] < 0 && axes[n-1] < 0 {
		return unbatchedWith(p, s, in, out)
	}
	x := withBatch(a, axes[0], b, s)
	u := withBatch(upd, axes[n-1], b, s) // (b, index shape..., block...)
	if !batched {
		u = MoveAxis(u, 0, rank, s)
		res := scatter(p.op, p.reduce, x, in[1:n-1], u, shifted(p.axes), s)
		return []*Array{res}, []int{0}
	}
	idx = append([]*Array{batchRange(b, rank, s)}, idx...)
	shape := slices.Insert(slices.Clone(u.shape), 1+rank, 1)
	u = reshape(u, shape, s)
	res := scatter(p.op, p.reduce, x, idx, u, append([]int{0}, shifted(p.axes)...), s)
	return []*Array{res}, []int{0}
}

func (p maskCountPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 {
		return unbatchedWith(p, s, in, out)
	}
	m := batchFirst(in[0], axes[0], s)
	return []*Array{newArray(p, s, []*Array{m}, m.shape, Int32)}, []int{0}
}
