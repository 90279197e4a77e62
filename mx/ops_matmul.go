package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Matmul returns the matrix product of a and b, as numpy.matmul does.
//
// Arrays of two or more dimensions are stacks of matrices in their last two
// dimensions: a of shape [..., M, K] times b of shape [..., K, N] gives
// [..., M, N], the leading (batch) dimensions broadcast against each
// other. A 1-D a is a row vector: [K] times [..., K, N] gives [..., N]. A 1-D
// b is a column vector: [..., M, K] times [K] gives [..., M]. Two 1-D arrays
// give their dot product as a 0-d array. K may be zero (the product is then
// zeros).
//
// The inputs are promoted to one type (PromoteTypes), which must be a
// floating-point or complex type, as in MLX. Matmul panics with *Error for a
// 0-d input, inner dimensions that differ, batch dimensions that do not
// broadcast, or integer or boolean inputs.
func Matmul(a, b *Array, opts ...Option) *Array {
	o := parseOptions("matmul", optStream, opts)
	return matmul("matmul", nil, a, b, 1, 0, o.stream)
}

// Addmm returns alpha*(a @ b) + beta*c: a and b are multiplied as by Matmul
// and c broadcasts to the shape of their product. alpha and beta are 1
// unless set by the Alpha and Beta options:
//
//	d := mx.Addmm(c, a, b)                              // a@b + c
//	d := mx.Addmm(c, a, b, mx.Alpha(0.5), mx.Beta(2))   // 0.5*(a@b) + 2*c
//
// With beta zero, c is not read (its NaNs do not reach the result). The
// three inputs are promoted to one floating-point or complex type. Addmm
// panics with *Error where Matmul would, and when c does not broadcast to
// the product's shape.
func Addmm(c, a, b *Array, opts ...Option) *Array {
	o := parseOptions("addmm", optStream|optAlpha|optBeta, opts)
	alpha, beta := o.floatOr(optAlpha, 1), o.floatOr(optBeta, 1)
	checkArray("addmm", c)
	return matmul("addmm", c, a, b, alpha, beta, o.stream)
}

// Alpha sets the factor of the product in Addmm's alpha*(a @ b) + beta*c
// (1 when not given).
func Alpha(alpha float64) Option { return floatOption{optAlpha, alpha} }

// Beta sets the factor of c in Addmm's alpha*(a @ b) + beta*c (1 when not
// given).
func Beta(beta float64) Option { return floatOption{optBeta, beta} }

// matmul checks the operands of Matmul or Addmm (c nil for Matmul), works
// out the result's shape and type, and records the node.
func matmul(op string, c, a, b *Array, alpha, beta float64, s Stream) *Array {
	checkArray(op, a)
	checkArray(op, b)
	if a.Ndim() == 0 || b.Ndim() == 0 {
		panic(newError(op, "inputs must have at least one dimension, got shapes %s and %s",
			shapeString(a.shape), shapeString(b.shape)))
	}
	vecA, vecB := a.Ndim() == 1, b.Ndim() == 1
	ea, eb := a.shape, b.shape // as matrices
	if vecA {
		ea = []int{1, a.shape[0]}
	}
	if vecB {
		eb = []int{b.shape[0], 1}
	}
	na, nb := len(ea), len(eb)
	if ea[na-1] != eb[nb-2] {
		which := "second-to-last"
		if vecB {
			which = "only"
		}
		panic(newError(op, "the last dimension of the first input, of shape %s, differs from the %s dimension of the second input, of shape %s",
			shapeString(a.shape), which, shapeString(b.shape)))
	}
	batch, ok := broadcastBatch(ea[:na-2], eb[:nb-2])
	if !ok {
		panic(newError(op, "the batch dimensions of shapes %s and %s cannot be broadcast",
			shapeString(a.shape), shapeString(b.shape)))
	}
	shape := batch
	if !vecA {
		shape = append(shape, ea[na-2])
	}
	if !vecB {
		shape = append(shape, eb[nb-1])
	}
	checkShape(op, shape)
	dt := PromoteTypes(a.dtype, b.dtype)
	if c != nil {
		dt = PromoteTypes(dt, c.dtype)
	}
	if !dt.IsInexact() {
		if c != nil {
			panic(newError(op, "only floating-point and complex types are supported, got %v, %v and %v",
				c.dtype, a.dtype, b.dtype))
		}
		panic(newError(op, "only floating-point and complex types are supported, got %v and %v", a.dtype, b.dtype))
	}
	inputs := []*Array{AsType(a, dt, s), AsType(b, dt, s)}
	if c != nil {
		if bs, ok := broadcastBatch(c.shape, shape); !ok || !slices.Equal(bs, shape) {
			panic(newError(op, "c of shape %s does not broadcast to the product's shape %s",
				shapeString(c.shape), shapeString(shape)))
		}
		inputs = append(inputs, AsType(c, dt, s))
	}
	return newArray(matmulPrim{vecA: vecA, vecB: vecB, addmm: c != nil, alpha: alpha, beta: beta}, s, inputs, shape, dt)
}

// broadcastBatch returns the broadcast of two shapes, or false when they
// do not broadcast.
func broadcastBatch(x, y []int) ([]int, bool) {
	n := max(len(x), len(y))
	out := make([]int, n)
	for i := range out {
		dx, dy := 1, 1
		if j := i - (n - len(x)); j >= 0 {
			dx = x[j]
		}
		if j := i - (n - len(y)); j >= 0 {
			dy = y[j]
		}
		switch {
		case dx == dy || dy == 1:
			out[i] = dx
		case dx == 1:
			out[i] = dy
		default:
			return nil, false
		}
	}
	return out, true
}

// matmulPrim multiplies stacks of matrices: out = alpha*(a @ b), plus
// beta*c for Addmm (a third input). Batch dimensions broadcast through zero
// strides. With vecA, a's last dimension is a row vector (a of shape
// [..., K] is read as [..., 1, K]); with vecB, b's is a column vector
// ([..., K] read as [..., K, 1]); the output leaves out these dimensions of
// size one. With both, it computes dot products along the last axis.
type matmulPrim struct {
	vecA, vecB  bool
	addmm       bool
	alpha, beta float64
}

func (p matmulPrim) Name() string {
	if p.addmm {
		return "AddMM"
	}
	return "Matmul"
}

func (p matmulPrim) Eval(s Stream, in, out []*Array) error {
	op := "matmul"
	if p.addmm {
		op = "addmm"
	}
	k, err := kernelsFor[core.MatmulKernels](op, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	a, b := in[0].view(), in[1].view()
	if p.vecA {
		a = insertUnitDim(a, len(a.Shape)-1)
	}
	if p.vecB {
		b = insertUnitDim(b, len(b.Shape))
	}
	// The output as a stack of matrices: batch..., M, N.
	logical := out[0].shape
	batch := logical[:len(logical)-boolInt(!p.vecA)-boolInt(!p.vecB)]
	m, n, kk := a.Shape[len(a.Shape)-2], b.Shape[len(b.Shape)-1], a.Shape[len(a.Shape)-1]
	full := append(slices.Clip(batch), m, n)
	a = stretchView(a, append(slices.Clip(batch), m, kk))
	b = stretchView(b, append(slices.Clip(batch), kk, n))
	o := out[0].view()
	o.Shape, o.Strides = full, core.RowMajorStrides(full)
	var cv *core.View
	if p.addmm {
		c := stretchView(in[2].view(), logical)
		if p.vecA {
			c = insertUnitDim(c, len(batch))
		}
		if p.vecB {
			c = insertUnitDim(c, len(c.Shape))
		}
		cv = &c
	}
	return k.Matmul(a, b, o, cv, p.alpha, p.beta)
}

// insertUnitDim returns v with a dimension of size one inserted before
// dimension d.
func insertUnitDim(v core.View, d int) core.View {
	v.Shape = slices.Insert(slices.Clone(v.Shape), d, 1)
	v.Strides = slices.Insert(slices.Clone(v.Strides), d, 0)
	return v
}

// stretchView returns v viewed with the larger shape to, which v's shape
// broadcasts to.
func stretchView(v core.View, to []int) core.View {
	v.Strides = broadcastStrides(v.Shape, v.Strides, to)
	v.Shape = to
	return v
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Outer returns the outer product of a and b: both are flattened, and
// element (i, j) of the result, of shape [a.Size(), b.Size()], is
// a[i]*b[j]. The type is that of Multiply; any types are accepted.
func Outer(a, b *Array, opts ...Option) *Array {
	o := parseOptions("outer", optStream, opts)
	checkArray("outer", a)
	checkArray("outer", b)
	checkShape("outer", []int{a.Size(), b.Size()})
	return Multiply(Reshape(a, []int{a.Size(), 1}, o.stream), Flatten(b, o.stream), o.stream)
}

// Inner returns the inner product of a and b over their last axes: for a
// of shape [..., K] and b of shape [..., K] the result has a's leading
// dimensions followed by b's, each element the sum over the K products.
// A 0-d operand multiplies the other elementwise. As in MLX, the inputs
// must promote to a floating-point or complex type unless one is 0-d.
// Inner panics with *Error when the last dimensions differ.
func Inner(a, b *Array, opts ...Option) *Array {
	o := parseOptions("inner", optStream, opts)
	checkArray("inner", a)
	checkArray("inner", b)
	if a.Ndim() == 0 || b.Ndim() == 0 {
		return Multiply(a, b, o.stream)
	}
	if a.shape[a.Ndim()-1] != b.shape[b.Ndim()-1] {
		panic(newError("inner", "the last dimensions of shapes %s and %s differ",
			shapeString(a.shape), shapeString(b.shape)))
	}
	return tensordot("inner", a, b, []int{-1}, []int{-1}, o.stream)
}

// Tensordot returns the sum of the products of a and b over the axes it
// contracts, given by axes:
//
//   - an int n: the last n axes of a with the first n axes of b, as in
//     mx.Tensordot(a, b, 2) (MLX's default);
//   - two lists of axes, as a [2][]int or a [][]int of length two:
//     mx.Tensordot(a, b, [2][]int{{1, 0}, {0, 1}}) contracts axis 1 of a
//     with axis 0 of b, and axis 0 of a with axis 1 of b. Negative axes
//     count from the end.
//
// The result has the remaining axes of a followed by those of b. The
// inputs must promote to a floating-point or complex type, as for Matmul.
// Tensordot panics with *Error for axes out of range, repeated or of
// different counts, contracted dimensions that differ, or integer inputs.
func Tensordot(a, b *Array, axes any, opts ...Option) *Array {
	o := parseOptions("tensordot", optStream, opts)
	checkArray("tensordot", a)
	checkArray("tensordot", b)
	var axA, axB []int
	switch x := axes.(type) {
	case [2][]int:
		axA, axB = x[0], x[1]
	case [][]int:
		if len(x) != 2 {
			panic(newError("tensordot", "axes must hold two lists, not %d", len(x)))
		}
		axA, axB = x[0], x[1]
	default:
		n, ok := goInt(axes)
		if !ok {
			panic(newError("tensordot", "axes must be an int, a [2][]int or a [][]int, not %T", axes))
		}
		if n < 0 || n > min(a.Ndim(), b.Ndim()) {
			panic(newError("tensordot", "cannot contract %d axes of shapes %s and %s",
				n, shapeString(a.shape), shapeString(b.shape)))
		}
		for i := 0; i < n; i++ {
			axA = append(axA, a.Ndim()-n+i)
			axB = append(axB, i)
		}
	}
	return tensordot("tensordot", a, b, axA, axB, o.stream)
}

// tensordot contracts axes axA of a with axes axB of b: both are
// transposed and reshaped into matrices, multiplied, and the product
// reshaped to the free axes of a followed by those of b.
func tensordot(op string, a, b *Array, axA, axB []int, s Stream) *Array {
	if len(axA) != len(axB) {
		panic(newError(op, "axes %v and %v differ in length", axA, axB))
	}
	contracted := func(x *Array, axes []int) (perm []int, free []int, csize int) {
		seen := make([]bool, x.Ndim())
		csize = 1
		for _, ax := range axes {
			d := normAxis(op, ax, x.Ndim())
			if seen[d] {
				panic(newError(op, "repeated axis %d in %v", d, axes))
			}
			seen[d] = true
			perm = append(perm, d)
			csize *= x.shape[d]
		}
		for d := range seen {
			if !seen[d] {
				free = append(free, d)
			}
		}
		return perm, free, csize
	}
	ca, freeA, csize := contracted(a, axA)
	cb, freeB, _ := contracted(b, axB)
	for i := range ca {
		if a.shape[ca[i]] != b.shape[cb[i]] {
			panic(newError(op, "shapes %s and %s differ on the contracted axes %v and %v",
				shapeString(a.shape), shapeString(b.shape), axA, axB))
		}
	}
	if dt := PromoteTypes(a.dtype, b.dtype); !dt.IsInexact() {
		panic(newError(op, "only floating-point and complex types are supported, got %v and %v", a.dtype, b.dtype))
	}
	var shape []int
	sizeA, sizeB := 1, 1
	for _, d := range freeA {
		shape = append(shape, a.shape[d])
		sizeA *= a.shape[d]
	}
	for _, d := range freeB {
		shape = append(shape, b.shape[d])
		sizeB *= b.shape[d]
	}
	checkShape(op, shape)
	x := Reshape(Transpose(a, Axes(append(freeA, ca...)...), s), []int{sizeA, csize}, s)
	y := Reshape(Transpose(b, Axes(append(cb, freeB...)...), s), []int{csize, sizeB}, s)
	if shape == nil {
		shape = []int{}
	}
	return Reshape(Matmul(x, y, s), shape, s)
}

// Kron returns the Kronecker product of a and b: with both brought to the
// same number of dimensions by leading ones, dimension i of the result is
// a's times b's, and each element of a scales a copy of b. The type is
// that of Multiply; any types are accepted. As in MLX, Kron panics with
// *Error when either input is empty.
func Kron(a, b *Array, opts ...Option) *Array {
	o := parseOptions("kron", optStream, opts)
	checkArray("kron", a)
	checkArray("kron", b)
	if a.Size() == 0 || b.Size() == 0 {
		panic(newError("kron", "the inputs cannot be empty, got shapes %s and %s",
			shapeString(a.shape), shapeString(b.shape)))
	}
	nd := max(a.Ndim(), b.Ndim())
	sa, sb, out := make([]int, 2*nd), make([]int, 2*nd), make([]int, nd)
	for i := range sa {
		sa[i], sb[i] = 1, 1
	}
	for i := range out {
		da, db := 1, 1
		if j := i - (nd - a.Ndim()); j >= 0 {
			da = a.shape[j]
		}
		if j := i - (nd - b.Ndim()); j >= 0 {
			db = b.shape[j]
		}
		sa[2*i], sb[2*i+1], out[i] = da, db, mulSize("kron", da, db)
	}
	checkShape("kron", out)
	return Reshape(Multiply(Reshape(a, sa, o.stream), Reshape(b, sb, o.stream), o.stream), out, o.stream)
}

// Vecdot returns the dot products of a and b along an axis (the last one
// unless mx.Axis(i) says otherwise), the elements of a conjugated: the sum
// over the axis of Conjugate(a)*b. The axis is counted in each operand
// (negative from its end), the two must have the same size along it, and
// the other dimensions broadcast, as numpy.vecdot does (MLX asks the same
// axis index of both). The products have the type of Multiply and are
// summed in the type of Sum: integers of up to 32 bits in int32 or uint32,
// wider ones in int64 or uint64, bool in int32. Vecdot panics with *Error
// for 0-d inputs, an axis out of range, sizes that differ along it, or
// other dimensions that do not broadcast.
func Vecdot(a, b *Array, opts ...Option) *Array {
	o := parseOptions("vecdot", optStream|optAxes, opts)
	checkArray("vecdot", a)
	checkArray("vecdot", b)
	axis := -1
	if o.set&optAxes != 0 {
		if len(o.axes) != 1 {
			panic(newError("vecdot", "takes one axis, not %v", o.axes))
		}
		axis = o.axes[0]
	}
	if a.Ndim() == 0 || b.Ndim() == 0 {
		panic(newError("vecdot", "inputs must have at least one dimension, got shapes %s and %s",
			shapeString(a.shape), shapeString(b.shape)))
	}
	axA, axB := normAxis("vecdot", axis, a.Ndim()), normAxis("vecdot", axis, b.Ndim())
	if a.shape[axA] != b.shape[axB] {
		panic(newError("vecdot", "shapes %s and %s differ in size along axis %d",
			shapeString(a.shape), shapeString(b.shape), axis))
	}
	s := o.stream
	x, y := MoveAxis(Conjugate(a, s), axA, -1, s), MoveAxis(b, axB, -1, s)
	batch, ok := broadcastBatch(x.shape[:x.Ndim()-1], y.shape[:y.Ndim()-1])
	if !ok {
		panic(newError("vecdot", "shapes %s and %s cannot be broadcast", shapeString(a.shape), shapeString(b.shape)))
	}
	dt := PromoteTypes(a.dtype, b.dtype)
	if !dt.IsInexact() {
		// Products in the promoted type, summed in the wider one.
		return Sum(Multiply(x, y, s), Axis(-1), s)
	}
	x, y = AsType(x, dt, s), AsType(y, dt, s)
	return newArray(matmulPrim{vecA: true, vecB: true, alpha: 1}, s, []*Array{x, y}, batch, dt)
}
