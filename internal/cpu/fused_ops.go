package cpu

import (
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The operations of fused programs on one chunk of registers. Each is a
// function on raw pointers to n elements, made once per instruction from
// the typed loops of the unary, binary, ternary and copy kernels, so that
// a fused chunk runs the same loops (and the same vector code) as the
// kernels it replaces, with results equal to theirs.

// kern1 computes dst[i] = f(src[i]) for n elements.
type kern1 func(dst, src unsafe.Pointer, n int)

// kern2 computes z[i] = f(x[i], y[i]) for n elements.
type kern2 func(z, x, y unsafe.Pointer, n int)

// computeType is the type a value of type dt is held in: float16 and
// bfloat16 compute through float32 (rounded back after each operation),
// the others as themselves.
func computeType(dt core.Dtype) core.Dtype {
	if dt == core.Float16 || dt == core.Bfloat16 {
		return core.Float32
	}
	return dt
}

func slice[T any](p unsafe.Pointer, n int) []T { return unsafe.Slice((*T)(p), n) }

// k1 wraps a typed slice function as a kern1 (nil for nil).
func k1[S, D any](f func(dst []D, src []S)) kern1 {
	if f == nil {
		return nil
	}
	return func(dst, src unsafe.Pointer, n int) { f(slice[D](dst, n), slice[S](src, n)) }
}

// k2 wraps the block op O as a kern2.
func k2[T, Q any, O blockOp[T, Q]]() kern2 {
	return func(z, x, y unsafe.Pointer, n int) {
		var o O
		o.apply(slice[T](x, n), slice[T](y, n), slice[Q](z, n))
	}
}

// fusedUnary returns the unary op on a value of type in giving type out,
// or nil when there is none.
func fusedUnary(op core.UnaryOp, p core.UnaryParams, in, out core.Dtype) kern1 {
	if op == core.ToFP8 || op == core.FromFP8 {
		return nil
	}
	ci := computeType(in)
	if out == core.Bool && in != core.Bool {
		switch ci {
		case core.Float32:
			return k1(predFloat[float32](op))
		case core.Float64:
			return k1(predFloat[float64](op))
		}
		return intUnaryPred(op, ci)
	}
	if computeType(out) != ci {
		return nil
	}
	switch ci {
	case core.Float32:
		f, _ := fast32(op)
		if f == nil {
			f, _ = floatFunc[float32](op, p)
		}
		return k1(f)
	case core.Float64:
		f, _ := floatFunc[float64](op, p)
		return k1(f)
	case core.Bool:
		return boolUnary(op)
	case core.Uint8:
		return k1(intUnary[uint8](op, p))
	case core.Uint16:
		return k1(intUnary[uint16](op, p))
	case core.Uint32:
		return k1(intUnary[uint32](op, p))
	case core.Uint64:
		return k1(intUnary[uint64](op, p))
	case core.Int8:
		return k1(intUnary[int8](op, p))
	case core.Int16:
		return k1(intUnary[int16](op, p))
	case core.Int32:
		return k1(intUnary[int32](op, p))
	case core.Int64:
		return k1(intUnary[int64](op, p))
	}
	return nil
}

// intUnaryPred is a predicate or LogicalNot of an integer type.
func intUnaryPred(op core.UnaryOp, dt core.Dtype) kern1 {
	switch dt {
	case core.Uint8:
		return k1(intPredNot[uint8](op))
	case core.Uint16:
		return k1(intPredNot[uint16](op))
	case core.Uint32:
		return k1(intPredNot[uint32](op))
	case core.Uint64:
		return k1(intPredNot[uint64](op))
	case core.Int8:
		return k1(intPredNot[int8](op))
	case core.Int16:
		return k1(intPredNot[int16](op))
	case core.Int32:
		return k1(intPredNot[int32](op))
	case core.Int64:
		return k1(intPredNot[int64](op))
	}
	return nil
}

func intPredNot[T integer](op core.UnaryOp) func(dst []bool, src []T) {
	if op == core.LogicalNot {
		return notNum[T]
	}
	return intPred[T](op)
}

// intUnary is unaryInt's choice of function.
func intUnary[T integer](op core.UnaryOp, p core.UnaryParams) func(dst, src []T) {
	switch op {
	case core.Abs:
		return absInt[T]
	case core.Negative:
		return negInt[T]
	case core.Sign:
		return signInt[T]
	case core.Square:
		return square[T]
	case core.BitwiseInvert:
		return invertInt[T]
	case core.Floor, core.Ceil, core.Trunc, core.NanToNum, core.Real, core.Conjugate:
		return copyF[T]
	case core.Round:
		if p.Decimals < 0 {
			return roundInt[T](-p.Decimals)
		}
		return copyF[T]
	case core.Imag:
		return zeroF[T]
	}
	return nil
}

// boolUnary is unaryBool's choice of function.
func boolUnary(op core.UnaryOp) kern1 {
	switch op {
	case core.LogicalNot, core.BitwiseInvert:
		return k1(func(dst, src []bool) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = !x
			}
		})
	case core.Abs, core.Sign, core.Square, core.Floor, core.Ceil, core.Trunc, core.Round,
		core.NanToNum, core.Real, core.Conjugate:
		return k1(copyF[bool])
	case core.Imag:
		return k1(zeroF[bool])
	}
	return k1(intPred[bool](op))
}

// fusedBinary returns the binary op on two values of type in, or nil.
func fusedBinary(op core.BinaryOp, in core.Dtype) kern2 {
	if f := fusedVecBinary(op, in); f != nil {
		return f
	}
	switch computeType(in) {
	case core.Float32:
		return floatBinary[float32](op)
	case core.Float64:
		return floatBinary[float64](op)
	case core.Bool:
		return boolBinary(op)
	case core.Uint8:
		return intBinary[uint8](op)
	case core.Uint16:
		return intBinary[uint16](op)
	case core.Uint32:
		return intBinary[uint32](op)
	case core.Uint64:
		return intBinary[uint64](op)
	case core.Int8:
		return intBinary[int8](op)
	case core.Int16:
		return intBinary[int16](op)
	case core.Int32:
		return intBinary[int32](op)
	case core.Int64:
		return intBinary[int64](op)
	}
	return nil
}

// floatBinary mirrors floatKernel.
func floatBinary[T float](op core.BinaryOp) kern2 {
	switch op {
	case core.Add:
		return k2[T, T, addOp[T]]()
	case core.Subtract:
		return k2[T, T, subOp[T]]()
	case core.Multiply:
		return k2[T, T, mulOp[T]]()
	case core.Divide:
		return k2[T, T, divOp[T]]()
	case core.FloorDivide:
		return k2[T, T, floorDivFloat[T]]()
	case core.Remainder:
		return k2[T, T, remFloat[T]]()
	case core.Power:
		return k2[T, T, powFloat[T]]()
	case core.Maximum:
		return k2[T, T, maxOp[T]]()
	case core.Minimum:
		return k2[T, T, minOp[T]]()
	case core.ArcTan2:
		return k2[T, T, atan2Op[T]]()
	case core.LogAddExp:
		return k2[T, T, logAddExpOp[T]]()
	}
	return compareBinary[T](op)
}

// compareBinary mirrors orderedCompare.
func compareBinary[T integer | float](op core.BinaryOp) kern2 {
	switch op {
	case core.Equal:
		return k2[T, bool, eqOp[T]]()
	case core.NotEqual:
		return k2[T, bool, neOp[T]]()
	case core.Less:
		return k2[T, bool, ltOp[T]]()
	case core.LessEqual:
		return k2[T, bool, leOp[T]]()
	case core.Greater:
		return k2[T, bool, gtOp[T]]()
	case core.GreaterEqual:
		return k2[T, bool, geOp[T]]()
	}
	return nil
}

// intBinary mirrors intKernel.
func intBinary[T integer](op core.BinaryOp) kern2 {
	switch op {
	case core.Add:
		return k2[T, T, addOp[T]]()
	case core.Subtract:
		return k2[T, T, subOp[T]]()
	case core.Multiply:
		return k2[T, T, mulOp[T]]()
	case core.FloorDivide:
		return k2[T, T, floorDivInt[T]]()
	case core.Remainder:
		return k2[T, T, remInt[T]]()
	case core.Power:
		return k2[T, T, powInt[T]]()
	case core.Maximum:
		return k2[T, T, maxOp[T]]()
	case core.Minimum:
		return k2[T, T, minOp[T]]()
	case core.BitwiseAnd:
		return k2[T, T, bitAndOp[T]]()
	case core.BitwiseOr:
		return k2[T, T, bitOrOp[T]]()
	case core.BitwiseXor:
		return k2[T, T, bitXorOp[T]]()
	case core.LeftShift:
		return k2[T, T, shlOp[T]]()
	case core.RightShift:
		return k2[T, T, shrOp[T]]()
	}
	return compareBinary[T](op)
}

// boolBinary mirrors boolKernel: arithmetic on the values 0 and 1 as
// int8, nonzero results stored as true.
func boolBinary(op core.BinaryOp) kern2 {
	var f kern2
	switch op {
	case core.LogicalAnd:
		return k2[bool, bool, andOp]()
	case core.LogicalOr:
		return k2[bool, bool, orOp]()
	case core.Equal:
		return k2[bool, bool, eqOp[bool]]()
	case core.NotEqual:
		return k2[bool, bool, neOp[bool]]()
	case core.Add:
		f = k2[int8, int8, addOp[int8]]()
	case core.Subtract:
		f = k2[int8, int8, subOp[int8]]()
	case core.Multiply:
		f = k2[int8, int8, mulOp[int8]]()
	case core.FloorDivide:
		f = k2[int8, int8, floorDivInt[int8]]()
	case core.Remainder:
		f = k2[int8, int8, remInt[int8]]()
	case core.Power:
		f = k2[int8, int8, powInt[int8]]()
	case core.Maximum:
		f = k2[int8, int8, maxOp[int8]]()
	case core.Minimum:
		f = k2[int8, int8, minOp[int8]]()
	case core.BitwiseAnd:
		f = k2[int8, int8, bitAndOp[int8]]()
	case core.BitwiseOr:
		f = k2[int8, int8, bitOrOp[int8]]()
	case core.BitwiseXor:
		f = k2[int8, int8, bitXorOp[int8]]()
	default:
		return compareBinary[int8](op)
	}
	return func(z, x, y unsafe.Pointer, n int) {
		f(z, x, y, n)
		b := slice[uint8](z, n)
		for i, v := range b {
			if v != 0 {
				b[i] = 1
			}
		}
	}
}

// fusedWhere picks by a bool condition among values of type dt.
func fusedWhere(dt core.Dtype) func(z, c, x, y unsafe.Pointer, n int) {
	switch computeType(dt).Size() {
	case 1:
		return whereLoop[uint8]
	case 2:
		return whereLoop[uint16]
	case 4:
		return whereLoop[uint32]
	case 8:
		return whereLoop[uint64]
	}
	return nil
}

func whereLoop[T any](z, c, x, y unsafe.Pointer, n int) {
	zs, cs, xs, ys := slice[T](z, n), slice[bool](c, n), slice[T](x, n), slice[T](y, n)
	for i := range zs {
		if cs[i] {
			zs[i] = xs[i]
		} else {
			zs[i] = ys[i]
		}
	}
}

// fusedCast converts values of type from to type to as the copy kernel
// does; a half-precision result is rounded from the source directly.
func fusedCast(from, to core.Dtype) kern1 {
	switch computeType(from) {
	case core.Bool, core.Uint8: // bools are the bytes 0 and 1
		return castFrom[uint8](to)
	case core.Uint16:
		return castFrom[uint16](to)
	case core.Uint32:
		return castFrom[uint32](to)
	case core.Uint64:
		return castFrom[uint64](to)
	case core.Int8:
		return castFrom[int8](to)
	case core.Int16:
		return castFrom[int16](to)
	case core.Int32:
		return castFrom[int32](to)
	case core.Int64:
		return castFrom[int64](to)
	case core.Float32:
		return castFrom[float32](to)
	case core.Float64:
		return castFrom[float64](to)
	}
	return nil
}

func castFrom[S realNum](to core.Dtype) kern1 {
	switch to {
	case core.Bool:
		return k1(func(dst []bool, src []S) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = x != 0
			}
		})
	case core.Uint8:
		return k1(castInt[S, uint8])
	case core.Uint16:
		return k1(castInt[S, uint16])
	case core.Uint32:
		return k1(castInt[S, uint32])
	case core.Uint64:
		return k1(castInt[S, uint64])
	case core.Int8:
		return k1(castInt[S, int8])
	case core.Int16:
		return k1(castInt[S, int16])
	case core.Int32:
		return k1(castInt[S, int32])
	case core.Int64:
		return k1(castInt[S, int64])
	case core.Float32:
		return k1(castFloat[S, float32])
	case core.Float64:
		return k1(castFloat[S, float64])
	case core.Float16:
		return k1(func(dst []float32, src []S) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = core.F16FromFloat64(float64(x)).Float32()
			}
		})
	case core.Bfloat16:
		return k1(func(dst []float32, src []S) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = core.BF16FromFloat64(float64(x)).Float32()
			}
		})
	}
	return nil
}

func castInt[S realNum, D integer](dst []D, src []S) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = toInt[D](x)
	}
}

func castFloat[S realNum, D float](dst []D, src []S) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = D(x)
	}
}

// roundHalfInPlace rounds float32 values to float16 or bfloat16 in place.
func roundHalfInPlace(dt core.Dtype, p unsafe.Pointer, n int) {
	xs := slice[float32](p, n)
	if dt == core.Float16 {
		for i, x := range xs {
			xs[i] = f16ToFloat32(f16FromFloat32(x))
		}
		return
	}
	for i, x := range xs {
		xs[i] = core.BF16FromFloat32(x).Float32()
	}
}
