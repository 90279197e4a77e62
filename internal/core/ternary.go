package core

// TernaryKernels computes elementwise operations of three operands.
type TernaryKernels interface {
	// Select writes a where cond is true and b where it is false. cond is
	// a bool view; a, b and out share one element type; all three inputs
	// are already broadcast to out's shape, and out is row-major.
	Select(cond, a, b, out View) error
}
