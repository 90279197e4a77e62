package mx

import "github.com/mlxgo/mlxgo/internal/core"

// Transform rules of sorting and selection.
//
// Sort and Partition permute each line of their input: the permutation is
// their index twin (Argsort, Argpartition), which is constant where the
// input does not tie, so the tangent of the output is the input's tangent
// gathered at those positions, and the cotangent goes back by scattering
// it to them. Argsort, Argpartition and Searchsorted have uint32 results:
// tangents zero, and no cotangent flows back. Topk is a slice of
// Partition and needs no rule of its own.
//
// The vmap rules apply the same primitive with its axis moved past the
// batch axis, which stays where it is.

// perm returns the positions that p's values op takes from x.
func (p sortPrim) perm(x *Array, s Stream) *Array {
	q := p
	if p.op == core.SortValues {
		q.op = core.SortIndices
	} else {
		q.op = core.PartitionIdx
	}
	return newArray(q, s, []*Array{x}, x.shape, Uint32)
}

func (p sortPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	x := in[0]
	if p.indices() {
		return []*Array{zerosLike(x, s)}
	}
	return []*Array{scatterAddAlong(cot[0], p.perm(x, s), p.axis, x.shape[p.axis], s)}
}

func (p sortPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	if p.indices() {
		return []*Array{zerosLike(out[0], s)}
	}
	return []*Array{takeAlong(tan[0], p.perm(in[0], s), p.axis, s)}
}

func (p sortPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, b := in[0], axes[0]
	if b < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	q := p
	q.axis = shiftAxes([]int{p.axis}, b)[0]
	return []*Array{newArray(q, s, []*Array{x}, x.shape, out[0].dtype)}, []int{b}
}

func (p searchPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	g := make([]*Array, len(argnums))
	for i, a := range argnums {
		g[i] = zerosLike(in[a], s)
	}
	return g
}

func (p searchPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(out[0], s)}
}

// Vmap searches each batch element's values; a batched sequence is
// searched one batch element at a time.
func (p searchPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	a, v := in[0], in[1]
	if axes[0] < 0 {
		if axes[1] < 0 {
			return []*Array{newArray(p, s, in, out[0].shape, Uint32)}, []int{-1}
		}
		return []*Array{newArray(p, s, []*Array{a, v}, v.shape, Uint32)}, []int{axes[1]}
	}
	seqs := Unstack(MoveAxis(a, axes[0], 0, s), s)
	var vs []*Array
	if axes[1] >= 0 {
		vs = Unstack(MoveAxis(v, axes[1], 0, s), s)
	}
	res := make([]*Array, len(seqs))
	for i, q := range seqs {
		vi := v
		if vs != nil {
			vi = vs[i]
		}
		res[i] = newArray(p, s, []*Array{q, vi}, vi.shape, Uint32)
	}
	return []*Array{Stack(res, s)}, []int{0}
}

// The gather and the scatter are linear in their first input and each
// other's transpose; positions get no derivative.

func (p alongPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	g := make([]*Array, len(argnums))
	for i, a := range argnums {
		if a != 0 {
			g[i] = zerosLike(in[a], s)
			continue
		}
		if p.scatter {
			g[i] = takeAlong(cot[0], in[1], p.axis, s)
		} else {
			g[i] = scatterAddAlong(cot[0], in[1], p.axis, in[0].shape[p.axis], s)
		}
	}
	return g
}

func (p alongPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	for i, a := range argnums {
		if a == 0 {
			return []*Array{newArray(p, s, []*Array{tan[i], in[1]}, out[0].shape, out[0].dtype)}
		}
	}
	return []*Array{zerosLike(out[0], s)}
}

// Vmap moves both batch axes to the front, broadcasting an unbatched
// operand along it, and works along the axis after it.
func (p alongPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	if axes[0] < 0 && axes[1] < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	batch := 0
	for i, b := range axes {
		if b >= 0 {
			batch = in[i].shape[b]
		}
	}
	front := func(a *Array, b int) *Array {
		if b >= 0 {
			return MoveAxis(a, b, 0, s)
		}
		return BroadcastTo(ExpandDims(a, 0, s), append([]int{batch}, a.shape...), s)
	}
	x, idx := front(in[0], axes[0]), front(in[1], axes[1])
	q := p
	q.axis++
	shape := append([]int{batch}, out[0].shape...)
	return []*Array{newArray(q, s, []*Array{x, idx}, shape, out[0].dtype)}, []int{0}
}
