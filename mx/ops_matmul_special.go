package mx

import (
	"fmt"
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The matrix-product variants of MLX: products with masked blocks, with
// gathered matrices and over segments of the inner dimension, and the
// Walsh-Hadamard transform. The first three are built from Matmul, Take
// and elementwise ops, so they have the transform rules of those.

// BlockMaskedMM returns the product of a and b, as Matmul, with blocks of
// blockSize×blockSize elements masked. a is [..., M, K] and b [..., K, N]
// (1-D operands as in Matmul). Each mask may be nil (no mask):
//
//   - maskOut, broadcast to [..., ceil(M/bs), ceil(N/bs)], masks blocks of
//     the result;
//   - maskLHS, [..., ceil(M/bs), ceil(K/bs)], blocks of a;
//   - maskRHS, [..., ceil(K/bs), ceil(N/bs)], blocks of b.
//
// A bool mask zeroes the blocks where it is false (their NaNs and
// infinities do not reach the result); a mask of another type scales each
// block by its value. With no mask at all it is Matmul. As in MLX,
// blockSize must be 32 or 64 and the inputs must promote to a real
// floating-point type; it panics with *Error otherwise, or for shapes that
// Matmul or the masks refuse.
func BlockMaskedMM(a, b *Array, blockSize int, maskOut, maskLHS, maskRHS *Array, opts ...Option) *Array {
	const op = "block_masked_mm"
	o := parseOptions(op, optStream, opts)
	s := o.stream
	checkArray(op, a)
	checkArray(op, b)
	if maskOut == nil && maskLHS == nil && maskRHS == nil {
		return Matmul(a, b, s)
	}
	if blockSize != 32 && blockSize != 64 {
		panic(newError(op, "the block size must be 32 or 64, got %d", blockSize))
	}
	a, b, vecA, vecB := matrixOperands(op, a, b, s)
	m, k, n := a.shape[a.Ndim()-2], a.shape[a.Ndim()-1], b.shape[b.Ndim()-1]
	blocks := func(d int) int { return (d + blockSize - 1) / blockSize }
	if maskLHS != nil {
		checkArray(op, maskLHS)
		if vecA {
			maskLHS = ExpandDims(maskLHS, -2, s)
		}
		a = applyBlockMask(op, a, maskLHS, blockSize, blocks(m), blocks(k), s)
	}
	if maskRHS != nil {
		checkArray(op, maskRHS)
		if vecB {
			maskRHS = ExpandDims(maskRHS, -1, s)
		}
		b = applyBlockMask(op, b, maskRHS, blockSize, blocks(k), blocks(n), s)
	}
	out := Matmul(a, b, s)
	if maskOut != nil {
		checkArray(op, maskOut)
		if vecA {
			maskOut = ExpandDims(maskOut, -2, s)
		}
		if vecB {
			maskOut = ExpandDims(maskOut, -1, s)
		}
		out = applyBlockMask(op, out, maskOut, blockSize, blocks(m), blocks(n), s)
	}
	var sq []int
	if vecA {
		sq = append(sq, out.Ndim()-2)
	}
	if vecB {
		sq = append(sq, out.Ndim()-1)
	}
	if len(sq) > 0 {
		out = Squeeze(out, Axes(sq...), s)
	}
	return out
}

// matrixOperands checks a and b as Matmul's operands, promotes them to a
// real floating-point type and makes 1-D ones matrices ([1, K] and [K, 1]).
func matrixOperands(op string, a, b *Array, s Stream) (x, y *Array, vecA, vecB bool) {
	if a.Ndim() == 0 || b.Ndim() == 0 {
		panic(newError(op, "inputs must have at least one dimension, got shapes %s and %s",
			shapeString(a.shape), shapeString(b.shape)))
	}
	dt := PromoteTypes(a.dtype, b.dtype)
	if !dt.IsFloating() {
		panic(newError(op, "only real floating-point types are supported, got %v and %v", a.dtype, b.dtype))
	}
	vecA, vecB = a.Ndim() == 1, b.Ndim() == 1
	x, y = AsType(a, dt, s), AsType(b, dt, s)
	if vecA {
		x = ExpandDims(x, 0, s)
	}
	if vecB {
		y = ExpandDims(y, 1, s)
	}
	if x.shape[x.Ndim()-1] != y.shape[y.Ndim()-2] {
		panic(newError(op, "the last dimension of the first input, of shape %s, differs from the second-to-last of the second, of shape %s",
			shapeString(a.shape), shapeString(b.shape)))
	}
	return x, y, vecA, vecB
}

// applyBlockMask masks x ([..., R, C]) by mask ([..., rb, cb], one value
// per block of bs×bs elements): a bool mask keeps x where it is true and
// gives zeros elsewhere, another type multiplies.
func applyBlockMask(op string, x, mask *Array, bs, rb, cb int, s Stream) *Array {
	if mask.Ndim() < 2 || mask.shape[mask.Ndim()-2] != rb || mask.shape[mask.Ndim()-1] != cb {
		panic(newError(op, "a mask of shape %s does not have %d×%d blocks for an operand of shape %s",
			shapeString(mask.shape), rb, cb, shapeString(x.shape)))
	}
	nd := x.Ndim()
	r, c := x.shape[nd-2], x.shape[nd-1]
	full := Repeat(Repeat(mask, bs, Axis(-2), s), bs, Axis(-1), s)
	full = axisRange(axisRange(full, full.Ndim()-2, 0, r, s), full.Ndim()-1, 0, c, s)
	broadcastShapes(op, full.shape, x.shape) // panics when they do not broadcast
	if mask.dtype == Bool {
		return Where(full, x, Scalar(0.0), s)
	}
	return Multiply(x, AsType(full, x.dtype, s), s)
}

// GatherMM returns Matmul of matrices gathered from a and b: a is a stack
// [..., M, K] and b [..., K, N] (1-D operands as in Matmul); lhsIndices
// picks matrices of a by their position in its flattened batch
// dimensions, rhsIndices those of b. The two index arrays broadcast
// against each other to a shape S and the result is [S..., M, N]: element
// i is a[lhs[i]] @ b[rhs[i]]. A nil index array stands for every matrix in
// order (arange over the batch, shaped as it). With both nil it is Matmul.
// Indices must be integers; as in Take, negative ones count from the end,
// and one outside the batch makes Eval return an error. The inputs must promote to a real floating-point type. GatherMM
// panics with *Error otherwise, or for shapes that do not fit.
func GatherMM(a, b, lhsIndices, rhsIndices *Array, opts ...Option) *Array {
	const op = "gather_mm"
	o := parseOptions(op, optStream, opts)
	s := o.stream
	checkArray(op, a)
	checkArray(op, b)
	if lhsIndices == nil && rhsIndices == nil {
		return Matmul(a, b, s)
	}
	x, y, vecA, vecB := matrixOperands(op, a, b, s)
	li := gatherIndices(op, lhsIndices, x, s)
	ri := gatherIndices(op, rhsIndices, y, s)
	shape := broadcastShapes(op, li.shape, ri.shape)
	li, ri = Flatten(BroadcastTo(li, shape, s), s), Flatten(BroadcastTo(ri, shape, s), s)
	m, k, n := x.shape[x.Ndim()-2], x.shape[x.Ndim()-1], y.shape[y.Ndim()-1]
	xs := Take(Reshape(x, []int{-1, m, k}, s), li, Axis(0), s)
	ys := Take(Reshape(y, []int{-1, k, n}, s), ri, Axis(0), s)
	out := Reshape(Matmul(xs, ys, s), append(slices.Clone(shape), m, n), s)
	var sq []int
	if vecA {
		sq = append(sq, out.Ndim()-2)
	}
	if vecB {
		sq = append(sq, out.Ndim()-1)
	}
	if len(sq) > 0 {
		out = Squeeze(out, Axes(sq...), s)
	}
	return out
}

// gatherIndices returns idx as int32, or when it is nil the position of
// every matrix of x in its batch, shaped as the batch.
func gatherIndices(op string, idx, x *Array, s Stream) *Array {
	if idx == nil {
		batch := x.shape[:x.Ndim()-2]
		return Reshape(Arange(shapeSize(batch), Int32, s), slices.Clone(batch), s)
	}
	checkArray(op, idx)
	if !idx.dtype.IsInteger() {
		panic(newError(op, "indices must be integers, got %v", idx.dtype))
	}
	return AsType(idx, Int32, s)
}

// SegmentedMM returns the products of a, [M, K], and b, [K, N], over
// segments of the inner dimension: segments has shape [..., 2], each pair
// [start, end) a range of K, and the result has shape [..., M, N], element
// i being a[:, start:end] @ b[start:end, :] (zeros for an empty range).
// Ranges are clipped to [0, K). The inputs must promote to a real
// floating-point type and segments must be integers; SegmentedMM panics
// with *Error otherwise or for other shapes.
func SegmentedMM(a, b, segments *Array, opts ...Option) *Array {
	const op = "segmented_mm"
	o := parseOptions(op, optStream, opts)
	s := o.stream
	checkArray(op, a)
	checkArray(op, b)
	checkArray(op, segments)
	if a.Ndim() != 2 || b.Ndim() != 2 {
		panic(newError(op, "a and b must be matrices, got shapes %s and %s", shapeString(a.shape), shapeString(b.shape)))
	}
	if segments.Ndim() < 1 || segments.shape[segments.Ndim()-1] != 2 {
		panic(newError(op, "segments must have shape [..., 2], got %s", shapeString(segments.shape)))
	}
	if !segments.dtype.IsInteger() {
		panic(newError(op, "segments must be integers, got %v", segments.dtype))
	}
	x, y, _, _ := matrixOperands(op, a, b, s)
	k := x.shape[1]
	// mask[..., p] is whether p lies in the segment.
	pos := Arange(k, Int32, s)
	seg := AsType(segments, Int32, s)
	start, end := axisRange(seg, seg.Ndim()-1, 0, 1, s), axisRange(seg, seg.Ndim()-1, 1, 2, s)
	mask := LogicalAnd(GreaterEqual(pos, start, s), Less(pos, end, s), s)
	masked := Where(ExpandDims(mask, -2, s), x, Scalar(0.0), s)
	return Matmul(masked, y, s)
}

// optScale is Scale's option kind.
const optScale optionKind = 1 << 30

func init() { optionNames[optScale] = "scale" }

// Scale sets the factor that HadamardTransform multiplies its result by.
func Scale(scale float64) Option { return floatOption{optScale, scale} }

// HadamardTransform returns the Walsh-Hadamard transform of a along its
// last axis, whose size n must be a power of two: each row x becomes
// scale * H_n x, H_n the Sylvester-Hadamard matrix (entries ±1). The scale
// is 1/sqrt(n) (an orthonormal transform) unless set with Scale. Floating-
// point inputs keep their type, others are converted to float32. A 0-d
// array is a row of one. It panics with *Error for an empty array, or a
// last axis that is not a power of two (MLX's sizes 12·2^k, 20·2^k and
// 28·2^k are not supported).
func HadamardTransform(a *Array, opts ...Option) *Array {
	const op = "hadamard_transform"
	o := parseOptions(op, optStream|optScale, opts)
	checkArray(op, a)
	s := o.stream
	if a.Size() == 0 {
		panic(newError(op, "the input cannot be empty, got shape %s", shapeString(a.shape)))
	}
	n := 1
	if a.Ndim() > 0 {
		n = a.shape[a.Ndim()-1]
	}
	if n&(n-1) != 0 {
		panic(newError(op, "the last axis of shape %s must have a power of two size", shapeString(a.shape)))
	}
	scale := o.floatOr(optScale, 1/math.Sqrt(float64(n)))
	dt := a.dtype
	if !dt.IsFloating() {
		dt = Float32
	}
	x := AsType(a, dt, s)
	if n == 1 {
		return scaled(x, scale, s)
	}
	return hadamard(x, scale, s)
}

// hadamard records the transform of x's rows (x floating, rows of a power
// of two) on a contiguous copy of x.
func hadamard(x *Array, scale float64, s Stream) *Array {
	return newArray(hadamardPrim{scale}, s, []*Array{Contiguous(x, s)}, slices.Clone(x.shape), x.dtype)
}

// hadamardPrim is the Walsh-Hadamard transform of the rows of a
// contiguous input, times scale.
type hadamardPrim struct{ scale float64 }

func (hadamardPrim) Name() string { return "Hadamard" }

func (p hadamardPrim) String() string { return fmt.Sprintf("Hadamard(scale=%g)", p.scale) }

func (p hadamardPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.HadamardKernels]("hadamard_transform", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Hadamard(in[0].view(), out[0].view(), p.scale)
}

// The transform is linear and H is symmetric: the cotangent and the
// tangent are transformed the same way.
func (p hadamardPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{hadamard(cot[0], p.scale, s)}
}

func (p hadamardPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{hadamard(tan[0], p.scale, s)}
}

func (p hadamardPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, ax := in[0], axes[0]
	if ax == x.Ndim()-1 {
		x, ax = MoveAxis(x, ax, 0, s), 0
	}
	return []*Array{hadamard(x, p.scale, s)}, []int{ax}
}
