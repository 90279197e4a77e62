package mx

import "slices"

// Transform rules of matmulPrim: out = alpha*(a @ b) (+ beta*c for Addmm),
// with a 1-D a read as a row vector (vecA) and a 1-D b as a column vector
// (vecB). The composites of the family (Inner, Outer, Tensordot, Kron,
// Vecdot) are built from primitives with rules and need none of their own.
//
// Complex arrays follow the conjugate convention of the unary and reduction
// rules: the cotangent of an input is the cotangent of the output times the
// conjugate of the derivative, so d a = g @ conj(b)ᵀ and d b = conj(a)ᵀ @ g.

// asMatrices returns the shapes of a and b as stacks of matrices: a vector
// operand gains its dimension of size one.
func (p matmulPrim) asMatrices(a, b []int) (ea, eb []int) {
	ea, eb = a, b
	if p.vecA {
		ea = append(slices.Clone(a[:len(a)-1]), 1, a[len(a)-1])
	}
	if p.vecB {
		eb = append(slices.Clone(b), 1)
	}
	return ea, eb
}

// apply records p on a, b and (for Addmm) c, which have one type; the
// shape follows from the flags of p, with the batch dimensions broadcast.
func (p matmulPrim) apply(s Stream, a, b, c *Array) *Array {
	ea, eb := p.asMatrices(a.shape, b.shape)
	na, nb := len(ea), len(eb)
	shape, ok := broadcastBatch(ea[:na-2], eb[:nb-2])
	if !ok || ea[na-1] != eb[nb-2] {
		panic(newError("matmul", "cannot multiply shapes %s and %s", shapeString(a.shape), shapeString(b.shape)))
	}
	if !p.vecA {
		shape = append(shape, ea[na-2])
	}
	if !p.vecB {
		shape = append(shape, eb[nb-1])
	}
	inputs := []*Array{a, b}
	if p.addmm {
		if !broadcastsTo(c.shape, shape) {
			panic(newError("addmm", "c of shape %s does not broadcast to the product's shape %s",
				shapeString(c.shape), shapeString(shape)))
		}
		inputs = append(inputs, c)
	}
	return newArray(p, s, inputs, shape, a.dtype)
}

// scaled returns x times f, or x itself when f is one.
func scaled(x *Array, f float64, s Stream) *Array {
	if f == 1 {
		return x
	}
	return Multiply(x, f, s)
}

// VJP: with a and b as stacks of matrices A and B and the cotangent G in
// the product's matrix shape, d a = alpha G Bᴴ and d b = alpha Aᴴ G, each
// summed over the batch dimensions its input was broadcast along; d c is
// beta g summed back to c's shape.
func (p matmulPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	a, b, o := in[0], in[1], out[0]
	ea, eb := p.asMatrices(a.shape, b.shape)
	batch := o.shape[:o.Ndim()-boolInt(!p.vecA)-boolInt(!p.vecB)]
	m, k, n := ea[len(ea)-2], ea[len(ea)-1], eb[len(eb)-1]
	g := Reshape(cot[0], append(slices.Clone(batch), m, n), s)
	res := make([]*Array, len(argnums))
	for j, arg := range argnums {
		switch arg {
		case 0:
			bt := SwapAxes(conjIf(Reshape(b, eb, s), s), -1, -2, s)
			d := unbroadcast(Matmul(g, bt, s), ea, s)
			res[j] = Reshape(scaled(d, p.alpha, s), a.shape, s)
		case 1:
			am := conjIf(Reshape(a, ea, s), s)
			var d *Array
			if len(eb) == 2 && len(batch) > 0 && slices.Equal(ea[:len(ea)-2], batch) {
				// b is one matrix shared by the whole batch: its gradient
				// sums over the batch, which one product over the
				// flattened batch does without a stack of partial products.
				rows := shapeSize(batch) * m
				d = Matmul(SwapAxes(Reshape(am, []int{rows, k}, s), 0, 1, s), Reshape(g, []int{rows, n}, s), s)
			} else {
				d = unbroadcast(Matmul(SwapAxes(am, -1, -2, s), g, s), eb, s)
			}
			res[j] = Reshape(scaled(d, p.alpha, s), b.shape, s)
		case 2:
			res[j] = scaled(unbroadcast(cot[0], in[2].shape, s), p.beta, s)
		}
	}
	return res
}

// JVP: by the product rule, the tangent is alpha (ta b + a tb) + beta tc,
// summed with Addmm nodes so that it costs one kernel call per product.
func (p matmulPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	var ta, tb, tc *Array
	for j, arg := range argnums {
		switch arg {
		case 0:
			ta = tan[j]
		case 1:
			tb = tan[j]
		case 2:
			tc = tan[j]
		}
	}
	o := out[0]
	var acc *Array
	coef := 1.0 // the factor of acc in the sum
	if tc != nil && p.beta != 0 {
		acc, coef = tc, p.beta
	}
	for _, xy := range [][2]*Array{{ta, in[1]}, {in[0], tb}} {
		if xy[0] == nil || xy[1] == nil {
			continue
		}
		q := matmulPrim{vecA: p.vecA, vecB: p.vecB, alpha: p.alpha}
		if acc != nil {
			q.addmm, q.beta = true, coef
		}
		acc, coef = q.apply(s, xy[0], xy[1], acc), 1
	}
	if acc == nil {
		return []*Array{zerosLike(o, s)}
	}
	return []*Array{BroadcastTo(AsType(scaled(acc, coef, s), o.dtype, s), o.shape, s)}
}

// Vmap lines the batch axes up in front of the batch dimensions of the
// product. A batched vector multiplied by an unbatched operand becomes a
// matrix instead, so that the batch of matrix-vector products is one
// matrix-matrix product.
func (p matmulPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	a, b := in[0], in[1]
	ax, bx := axes[0], axes[1]
	var c *Array
	cx := -1
	if p.addmm && p.beta != 0 {
		c, cx = in[2], axes[2]
	}
	q := p
	if c == nil {
		// With beta zero, c is not read.
		q.addmm, q.beta = false, 0
	}
	one := func(r *Array, axis int) ([]*Array, []int) { return []*Array{r}, []int{axis} }
	switch {
	case ax < 0 && bx < 0:
		if cx < 0 {
			return one(q.apply(s, a, b, c), -1)
		}
		// Only c is batched: add it to the product.
		prod := matmulPrim{vecA: p.vecA, vecB: p.vecB, alpha: p.alpha}
		r := prod.apply(s, a, b, nil)
		cb := padBatched(MoveAxis(c, cx, 0, s), r.Ndim()+1, s)
		return one(Add(r, scaled(cb, p.beta, s), s), 0)

	case p.vecB && bx >= 0 && b.Ndim() == 2 && ax < 0 && cx < 0:
		// A batch of column vectors times an unbatched a: the vectors are
		// the rows of a matrix, and out = rows @ aᵀ.
		rows := MoveAxis(b, bx, 0, s)
		f := matmulPrim{vecB: p.vecA, addmm: q.addmm, alpha: q.alpha, beta: q.beta}
		at, trailing := a, 0 // a row vector a is read as a column
		if !p.vecA {
			at, trailing = SwapAxes(a, -1, -2, s), 1
		}
		r := f.apply(s, rows, at, insertBatchDim(c, trailing, s))
		return one(r, r.Ndim()-1-trailing)

	case p.vecA && ax >= 0 && a.Ndim() == 2 && bx < 0 && cx < 0:
		// A batch of row vectors times an unbatched b: the rows of a matrix.
		rows := MoveAxis(a, ax, 0, s)
		f := matmulPrim{vecB: p.vecB, addmm: q.addmm, alpha: q.alpha, beta: q.beta}
		trailing := 1 - boolInt(p.vecB)
		r := f.apply(s, rows, b, insertBatchDim(c, trailing, s))
		return one(r, r.Ndim()-1-trailing)
	}
	// The general case: batch axes to the front, padded so that they lie
	// before the batch dimensions of the product.
	coreA, coreB := 2-boolInt(p.vecA), 2-boolInt(p.vecB)
	rank := max(a.Ndim()-coreA-boolInt(ax >= 0), b.Ndim()-coreB-boolInt(bx >= 0))
	if ax >= 0 {
		a = padBatched(MoveAxis(a, ax, 0, s), 1+rank+coreA, s)
	}
	if bx >= 0 {
		b = padBatched(MoveAxis(b, bx, 0, s), 1+rank+coreB, s)
	}
	if cx >= 0 {
		c = padBatched(MoveAxis(c, cx, 0, s), 1+out[0].Ndim(), s)
	}
	return one(q.apply(s, a, b, c), 0)
}

// padBatched reshapes x, whose batch axis is 0, to rank dimensions by
// inserting dimensions of size one after the batch axis.
func padBatched(x *Array, rank int, s Stream) *Array {
	pad := rank - x.Ndim()
	if pad <= 0 {
		return x
	}
	shape := append([]int{x.shape[0]}, make([]int, pad)...)
	for i := 1; i <= pad; i++ {
		shape[i] = 1
	}
	return Reshape(x, append(shape, x.shape[1:]...), s)
}

// insertBatchDim returns c (nil for none) with a dimension of size one
// where a batch axis enters the product, trailing dimensions before its
// end; a c too short to reach that place broadcasts as it is.
func insertBatchDim(c *Array, trailing int, s Stream) *Array {
	if c == nil || c.Ndim() <= trailing {
		return c
	}
	return ExpandDims(c, c.Ndim()-trailing, s)
}
