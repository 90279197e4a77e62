package core

// BinaryOp names an elementwise operation of two operands.
type BinaryOp uint8

// The binary operations. Integer division by zero gives 0 (FloorDivide and
// Remainder), as NumPy does; the semantics of each are those of the mx op of
// the same name.
const (
	Add BinaryOp = iota
	Subtract
	Multiply
	Divide
	FloorDivide // rounds toward -Inf (NumPy's floor_divide)
	Remainder   // takes the sign of the divisor (NumPy's remainder)
	Power
	Maximum // NaN wins
	Minimum // NaN wins
	ArcTan2
	LogAddExp
	Equal
	NotEqual
	Less
	LessEqual
	Greater
	GreaterEqual
	LogicalAnd // bool operands only
	LogicalOr  // bool operands only
	BitwiseAnd
	BitwiseOr
	BitwiseXor
	LeftShift  // counts at or past the width, or negative, give 0
	RightShift // counts at or past the width, or negative, give 0 or -1
	NumBinaryOps
)

var binaryNames = [NumBinaryOps]string{
	"Add", "Subtract", "Multiply", "Divide", "FloorDivide", "Remainder", "Power",
	"Maximum", "Minimum", "ArcTan2", "LogAddExp", "Equal", "NotEqual", "Less",
	"LessEqual", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "BitwiseAnd",
	"BitwiseOr", "BitwiseXor", "LeftShift", "RightShift",
}

// String returns the operation's name, such as "FloorDivide".
func (op BinaryOp) String() string {
	if op < NumBinaryOps {
		return binaryNames[op]
	}
	return "BinaryOp(?)"
}

// IsComparison reports whether op gives bool results from operands of
// another type (Equal ... GreaterEqual, LogicalAnd, LogicalOr).
func (op BinaryOp) IsComparison() bool { return op >= Equal && op <= LogicalOr }

// Tolerance is the parameter of the closeness test of IsClose:
// x and y are close when x == y, or when both are finite and
// |x - y| <= Atol + Rtol*|y|, or when both are NaN and EqualNaN is set.
// With both tolerances zero it is exact equality.
type Tolerance struct {
	Rtol, Atol float64
	EqualNaN   bool
}

// BinaryKernels computes elementwise operations of two operands. a and b
// are already broadcast to out's shape (zero strides) and are of the
// operation's input type; out is row-major, of the same type as the inputs,
// or bool for comparisons and closeness tests.
type BinaryKernels interface {
	Binary(op BinaryOp, a, b, out View) error
	// DivMod writes FloorDivide(a, b) to quo and Remainder(a, b) to rem.
	DivMod(a, b, quo, rem View) error
	// IsClose writes the closeness test of each pair of elements to the
	// bool view out.
	IsClose(a, b, out View, tol Tolerance) error
	// AllClose writes to the 0-d bool view out whether every pair of
	// elements is close (true when there are none).
	AllClose(a, b, out View, tol Tolerance) error
}
