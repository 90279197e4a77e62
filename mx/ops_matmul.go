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
	if c == nil {
		panic(newError("addmm", "nil array"))
	}
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
	if a == nil || b == nil {
		panic(newError(op, "nil array"))
	}
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
// strides. With vecA, a is 1-D, a row vector; with vecB, b is 1-D, a column
// vector; the output leaves out their dimension of size one.
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
		a = insertUnitDim(a, 0)
	}
	if p.vecB {
		b = insertUnitDim(b, 1)
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
