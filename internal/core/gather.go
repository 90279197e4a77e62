package core

import "fmt"

// ScatterReduce says how Scatter combines an update with the element it
// lands on.
type ScatterReduce uint8

// The ways of combining scatter updates.
const (
	ScatterNone ScatterReduce = iota // the update replaces the element
	ScatterSum                       // the update is added
	ScatterProd                      // the element is multiplied by the update
	ScatterMax                       // the larger of the two is kept
	ScatterMin                       // the smaller of the two is kept
)

func (r ScatterReduce) String() string {
	switch r {
	case ScatterNone:
		return "none"
	case ScatterSum:
		return "sum"
	case ScatterProd:
		return "prod"
	case ScatterMax:
		return "max"
	case ScatterMin:
		return "min"
	}
	return fmt.Sprintf("ScatterReduce(%d)", uint8(r))
}

// IndexError is the error of an index value outside the axis it indexes,
// once negative values have been wrapped by adding the axis's size.
// With a block of more than one element along the axis, the block must
// fit too.
type IndexError struct {
	Index string // the value as given, formatted
	Axis  int
	Size  int
	Block int // the block's size along the axis
}

func (e *IndexError) Error() string {
	if e.Block > 1 {
		return fmt.Sprintf("index %s with a block of %d elements is out of range for axis %d of size %d",
			e.Index, e.Block, e.Axis, e.Size)
	}
	return fmt.Sprintf("index %s is out of range for axis %d of size %d", e.Index, e.Axis, e.Size)
}

// GatherKernels holds the kernels of indexing with arrays of integers.
//
// Index views have integer element types (signed or unsigned) and all the
// same shape, the index shape, with any strides (zero for broadcast
// dimensions). An index value i along an axis of size d selects element i;
// negative values count from the end (i + d). A value outside [-d, d), or
// one whose block does not fit within the axis from there, makes the kernel
// return an *IndexError, leaving out's contents undefined.
type GatherKernels interface {
	// Gather fills out (row-major, freshly allocated) of shape index shape
	// + sliceSizes, where sliceSizes has one entry per axis of src: for
	// each position p of the index shape, the block of shape sliceSizes of
	// src whose corner lies at index idx[k][p] along axis axes[k] for each
	// k and at zero along the other axes. The block must fit within src.
	Gather(src View, idx []View, axes []int, sliceSizes []int, out View) error

	// Scatter fills out (row-major, freshly allocated, of src's shape)
	// with src, then, for each position p of the index shape in row-major
	// order, combines the block upd[p, ...] (upd's shape is the index shape
	// followed by a block shape of one entry per axis of src) into the
	// block of out whose corner lies at idx[k][p] along axis axes[k] and at
	// zero along the other axes, as reduce says. Elements reached more than
	// once receive every update: the sum, product, maximum or minimum of
	// all of them, or with ScatterNone the last in that order. upd has
	// src's element type.
	Scatter(reduce ScatterReduce, src View, idx []View, upd View, axes []int, out View) error

	// MaskCount fills out (row-major, int32, of mask's shape) from the bool
	// view mask, seen as rows of inner consecutive elements in row-major
	// order: each element of out is the number of true elements before it
	// in its row.
	MaskCount(mask View, inner int, out View) error
}
