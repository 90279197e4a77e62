package core

// ViewKernels holds the kernels that the transforms of the view ops need
// beyond copies.
type ViewKernels interface {
	// ScatterAdd sets out (row-major, freshly allocated) to zeros and then,
	// for each i, adds every element of srcs[i] (of out's element type) to
	// the element of out at position offsets[i] + Σ index[k]·strides[i][k]
	// of out's elements in row-major order, where index is the element's
	// index in srcs[i] and strides[i] has one entry per dimension of
	// srcs[i]. Positions reached more than once receive the sum. Every
	// position must lie within out.
	ScatterAdd(srcs []View, strides [][]int, offsets []int, out View) error
}
