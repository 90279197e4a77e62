package core

// ShapeKernels holds the kernels of the shape family that are more than a
// plain copy. Concatenation, padding, tiling, repetition and rolling are
// copies between strided sub-views and use CopyKernels.
type ShapeKernels interface {
	// Triangle copies in into out, both of the same shape with at least two
	// dimensions and the same element type, keeping the elements of each
	// matrix (the last two axes) on and below the k-th diagonal (upper
	// false) or on and above it (upper true), and writing zeros elsewhere.
	// The k-th diagonal holds the elements (i, i+k). in may have any
	// strides; out is row-major.
	Triangle(in, out View, k int, upper bool) error
}
