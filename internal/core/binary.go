package core

// BinaryOp names an elementwise operation of two operands.
type BinaryOp uint8

// The binary operations.
const (
	Add BinaryOp = iota
)

// BinaryKernels computes elementwise operations of two operands. a and b
// are already broadcast to out's shape (zero strides) and of the operation's
// input type; out is row-major.
type BinaryKernels interface {
	Binary(op BinaryOp, a, b, out View) error
}
