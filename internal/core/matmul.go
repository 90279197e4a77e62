package core

// MatmulKernels multiplies stacks of matrices.
type MatmulKernels interface {
	// Matmul computes out = alpha*(a @ b) + beta*c for every matrix of a
	// stack. out is row-major with shape [batch..., M, N]; a has shape
	// [batch..., M, K] and b [batch..., K, N], with any strides: zero on
	// broadcast batch dimensions, swapped for transposed matrices, or
	// negative. c is nil, or a view of out's shape with any strides (zero
	// where it is broadcast). a, b, c and out share one element type. With c
	// nil or beta zero, c is not read and out = alpha*(a @ b); with K zero,
	// out = beta*c (zeros without c).
	Matmul(a, b, out View, c *View, alpha, beta float64) error
}
