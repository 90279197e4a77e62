package cpu

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// binaryFn runs one operation on one element type over a layout of the
// operands a, b and out; cost is its rough work per element.
type binaryFn func(cost int, l layout, a, b, out core.View)

// Rough work per element, for the split over the cores.
const (
	costCheap = 1
	costDiv   = 4  // integer or float division with fix-ups
	costMath  = 16 // pow, atan2, log/exp
)

// binaryTable holds the kernel and cost of every operation and element type
// (nil where there is none).
var binaryTable [core.NumBinaryOps][core.NumDtypes]struct {
	fn   binaryFn
	cost int
}

func init() {
	for op := range core.NumBinaryOps {
		for dt := range core.NumDtypes {
			k := &binaryTable[op][dt]
			k.fn, k.cost = binaryKernel(op, dt)
		}
	}
}

// Binary implements core.BinaryKernels.
func (*backend) Binary(op core.BinaryOp, a, b, out core.View) error {
	if op >= core.NumBinaryOps || a.Dtype >= core.NumDtypes {
		return fmt.Errorf("binary op %d is not implemented for element type %d on cpu", op, a.Dtype)
	}
	f, cost := binaryTable[op][a.Dtype].fn, binaryTable[op][a.Dtype].cost
	if f == nil {
		return fmt.Errorf("%v is not implemented for element type %d on cpu", op, a.Dtype)
	}
	f(cost, newLayout(out.Shape, []int{a.Offset, b.Offset, out.Offset}, a.Strides, b.Strides, out.Strides), a, b, out)
	return nil
}

// DivMod implements core.BinaryKernels: two passes, one per output.
func (be *backend) DivMod(a, b, quo, rem core.View) error {
	if err := be.Binary(core.FloorDivide, a, b, quo); err != nil {
		return err
	}
	return be.Binary(core.Remainder, a, b, rem)
}

// IsClose implements core.BinaryKernels.
func (*backend) IsClose(a, b, out core.View, tol core.Tolerance) error {
	l := newLayout(out.Shape, []int{a.Offset, b.Offset, out.Offset}, a.Strides, b.Strides, out.Strides)
	_, err := closeKernel(a.Dtype, tol, l, a, b, &out)
	return err
}

// AllClose implements core.BinaryKernels.
func (*backend) AllClose(a, b, out core.View, tol core.Tolerance) error {
	l := newLayout(a.Shape, []int{a.Offset, b.Offset}, a.Strides, b.Strides)
	all, err := closeKernel(a.Dtype, tol, l, a, b, nil)
	if err == nil {
		core.Data[bool](out)[0] = all
	}
	return err
}

// arith runs op O with inputs and result stored as S and computed as T.
func arith[S, T any, O blockOp[T, T]](cost int, l layout, a, b, out core.View) {
	var o O
	runBinary[S, T, T, S, O](o, cost, l, a, b, out)
}

// compare runs the bool-valued op O with inputs stored as S and computed as T.
func compare[S, T any, O blockOp[T, bool]](cost int, l layout, a, b, out core.View) {
	var o O
	runBinary[S, T, bool, bool, O](o, cost, l, a, b, out)
}

// binaryKernel returns the kernel of op for element type dt and its cost,
// or nil.
func binaryKernel(op core.BinaryOp, dt core.Dtype) (binaryFn, int) {
	switch dt {
	case core.Bool:
		return boolKernel(op)
	case core.Uint8:
		return intKernel[uint8](op)
	case core.Uint16:
		return intKernel[uint16](op)
	case core.Uint32:
		return intKernel[uint32](op)
	case core.Uint64:
		return intKernel[uint64](op)
	case core.Int8:
		return intKernel[int8](op)
	case core.Int16:
		return intKernel[int16](op)
	case core.Int32:
		return intKernel[int32](op)
	case core.Int64:
		return intKernel[int64](op)
	case core.Float16:
		return floatKernel[core.F16, float32](op)
	case core.Bfloat16:
		return floatKernel[core.BF16, float32](op)
	case core.Float32:
		return floatKernel[float32, float32](op)
	case core.Float64:
		return floatKernel[float64, float64](op)
	case core.Complex64:
		return complexKernel(op)
	}
	return nil, 0
}

// floatKernel gives the kernels of floats stored as S and computed as T.
func floatKernel[S any, T float](op core.BinaryOp) (binaryFn, int) {
	switch op {
	case core.Add:
		return arith[S, T, addOp[T]], costCheap
	case core.Subtract:
		return arith[S, T, subOp[T]], costCheap
	case core.Multiply:
		return arith[S, T, mulOp[T]], costCheap
	case core.Divide:
		return arith[S, T, divOp[T]], costCheap
	case core.FloorDivide:
		return arith[S, T, floorDivFloat[T]], costDiv
	case core.Remainder:
		return arith[S, T, remFloat[T]], costDiv
	case core.Power:
		return arith[S, T, powFloat[T]], costMath
	case core.Maximum:
		return arith[S, T, maxOp[T]], costCheap
	case core.Minimum:
		return arith[S, T, minOp[T]], costCheap
	case core.ArcTan2:
		return arith[S, T, atan2Op[T]], costMath
	case core.LogAddExp:
		return arith[S, T, logAddExpOp[T]], costMath
	}
	return orderedCompare[S, T](op)
}

// orderedCompare gives the comparisons of real numbers stored as S and
// computed as T.
func orderedCompare[S any, T integer | float](op core.BinaryOp) (binaryFn, int) {
	switch op {
	case core.Equal:
		return compare[S, T, eqOp[T]], costCheap
	case core.NotEqual:
		return compare[S, T, neOp[T]], costCheap
	case core.Less:
		return compare[S, T, ltOp[T]], costCheap
	case core.LessEqual:
		return compare[S, T, leOp[T]], costCheap
	case core.Greater:
		return compare[S, T, gtOp[T]], costCheap
	case core.GreaterEqual:
		return compare[S, T, geOp[T]], costCheap
	}
	return nil, 0
}

// intKernel gives the kernels of integers (Divide is not among them: the
// front end divides integers as floats).
func intKernel[T integer](op core.BinaryOp) (binaryFn, int) {
	switch op {
	case core.Add:
		return arith[T, T, addOp[T]], costCheap
	case core.Subtract:
		return arith[T, T, subOp[T]], costCheap
	case core.Multiply:
		return arith[T, T, mulOp[T]], costCheap
	case core.FloorDivide:
		return arith[T, T, floorDivInt[T]], costDiv
	case core.Remainder:
		return arith[T, T, remInt[T]], costDiv
	case core.Power:
		return arith[T, T, powInt[T]], costDiv
	case core.Maximum:
		return arith[T, T, maxOp[T]], costCheap
	case core.Minimum:
		return arith[T, T, minOp[T]], costCheap
	case core.BitwiseAnd:
		return arith[T, T, bitAndOp[T]], costCheap
	case core.BitwiseOr:
		return arith[T, T, bitOrOp[T]], costCheap
	case core.BitwiseXor:
		return arith[T, T, bitXorOp[T]], costCheap
	case core.LeftShift:
		return arith[T, T, shlOp[T]], costCheap
	case core.RightShift:
		return arith[T, T, shrOp[T]], costCheap
	}
	return orderedCompare[T, T](op)
}

// boolKernel gives the kernels of bools. Arithmetic computes on the values
// 0 and 1 as int8 and stores nonzero results as true: Add is or, Subtract
// xor, Multiply and, Maximum or, Minimum and.
func boolKernel(op core.BinaryOp) (binaryFn, int) {
	switch op {
	case core.LogicalAnd:
		return arith[bool, bool, andOp], costCheap
	case core.LogicalOr:
		return arith[bool, bool, orOp], costCheap
	case core.Equal:
		return compare[bool, bool, eqOp[bool]], costCheap
	case core.NotEqual:
		return compare[bool, bool, neOp[bool]], costCheap
	case core.Add:
		return viaInt8[addOp[int8]], costCheap
	case core.Subtract:
		return viaInt8[subOp[int8]], costCheap
	case core.Multiply:
		return viaInt8[mulOp[int8]], costCheap
	case core.FloorDivide:
		return viaInt8[floorDivInt[int8]], costCheap
	case core.Remainder:
		return viaInt8[remInt[int8]], costCheap
	case core.Power:
		return viaInt8[powInt[int8]], costCheap
	case core.Maximum:
		return viaInt8[maxOp[int8]], costCheap
	case core.Minimum:
		return viaInt8[minOp[int8]], costCheap
	case core.BitwiseAnd:
		return viaInt8[bitAndOp[int8]], costCheap
	case core.BitwiseOr:
		return viaInt8[bitOrOp[int8]], costCheap
	case core.BitwiseXor:
		return viaInt8[bitXorOp[int8]], costCheap
	}
	return orderedCompare[bool, int8](op)
}

// viaInt8 runs the int8 op O on bool operands and stores its results as
// bools (nonzero is true).
func viaInt8[O blockOp[int8, int8]](cost int, l layout, a, b, out core.View) {
	var o O
	runBinary[bool, int8, int8, bool, O](o, cost, l, a, b, out)
}

// complexKernel gives the kernels of complex64.
func complexKernel(op core.BinaryOp) (binaryFn, int) {
	type c = complex64
	switch op {
	case core.Add:
		return arith[c, c, addOp[c]], costCheap
	case core.Subtract:
		return arith[c, c, subOp[c]], costCheap
	case core.Multiply:
		return arith[c, c, mulOp[c]], costCheap
	case core.Divide:
		return arith[c, c, divOp[c]], costDiv
	case core.Power:
		return arith[c, c, powComplex], costMath
	case core.Equal:
		return compare[c, c, eqOp[c]], costCheap
	case core.NotEqual:
		return compare[c, c, neOp[c]], costCheap
	case core.Less, core.LessEqual, core.Greater, core.GreaterEqual:
		return func(cost int, l layout, a, b, out core.View) {
			runBinary[c, c, bool, bool](complexCmp{op}, cost, l, a, b, out)
		}, costCheap
	case core.Maximum, core.Minimum:
		return func(cost int, l layout, a, b, out core.View) {
			runBinary[c, c, c, c](complexMax{min: op == core.Minimum}, cost, l, a, b, out)
		}, costCheap
	}
	return nil, 0
}

// closeKernel runs the closeness test of tol on operands of type dt over
// layout l: elementwise into *out, or, when out is nil, reduced to whether
// it holds everywhere.
func closeKernel(dt core.Dtype, tol core.Tolerance, l layout, a, b core.View, out *core.View) (bool, error) {
	switch dt {
	case core.Bool:
		return closeWith[bool, uint8](closeInt[uint8]{tol}, l, a, b, out), nil
	case core.Uint8:
		return closeWith[uint8, uint8](closeInt[uint8]{tol}, l, a, b, out), nil
	case core.Uint16:
		return closeWith[uint16, uint16](closeInt[uint16]{tol}, l, a, b, out), nil
	case core.Uint32:
		return closeWith[uint32, uint32](closeInt[uint32]{tol}, l, a, b, out), nil
	case core.Uint64:
		return closeWith[uint64, uint64](closeInt[uint64]{tol}, l, a, b, out), nil
	case core.Int8:
		return closeWith[int8, int8](closeInt[int8]{tol}, l, a, b, out), nil
	case core.Int16:
		return closeWith[int16, int16](closeInt[int16]{tol}, l, a, b, out), nil
	case core.Int32:
		return closeWith[int32, int32](closeInt[int32]{tol}, l, a, b, out), nil
	case core.Int64:
		return closeWith[int64, int64](closeInt[int64]{tol}, l, a, b, out), nil
	case core.Float16:
		return closeWith[core.F16, float32](closeFloat[float32]{tol}, l, a, b, out), nil
	case core.Bfloat16:
		return closeWith[core.BF16, float32](closeFloat[float32]{tol}, l, a, b, out), nil
	case core.Float32:
		return closeWith[float32, float32](closeFloat[float32]{tol}, l, a, b, out), nil
	case core.Float64:
		return closeWith[float64, float64](closeFloat[float64]{tol}, l, a, b, out), nil
	case core.Complex64:
		return closeWith[complex64, complex64](closeComplex{tol}, l, a, b, out), nil
	}
	return false, fmt.Errorf("IsClose is not implemented for element type %d on cpu", dt)
}

func closeWith[S, T any, O blockOp[T, bool]](o O, l layout, a, b core.View, out *core.View) bool {
	if out == nil {
		return runAll[S, T](o, costDiv, l, a, b)
	}
	runBinary[S, T, bool, bool](o, costDiv, l, a, b, *out)
	return true
}
