package core

// SortOp names what a sort kernel writes.
type SortOp uint8

// The sort kernels' outputs.
const (
	SortValues    SortOp = iota // the elements, in ascending order
	SortIndices                 // the positions (uint32) of the ascending elements, stable
	PartitionVals               // a partition: the element that ranks kth at kth, smaller ones before it, larger after
	PartitionIdx                // the positions (uint32) of such a partition
)

// SortKernels sorts, partitions and searches along one axis, and moves
// elements along an axis by uint32 positions.
//
// The order is NumPy's: ascending, -0 equal to +0, NaN after every number
// (NaNs equal among themselves); complex numbers compare by real part, then
// imaginary part. Index outputs of sorts are stable: equal elements keep
// the order of their positions.
type SortKernels interface {
	// Sort writes, for every line of in along axis, that line sorted (or
	// partitioned around kth, for the partition ops) into out, which has
	// in's shape, is row-major, and is of in's type (values) or uint32
	// (indices).
	Sort(op SortOp, axis, kth int, in, out View) error

	// Searchsorted writes for every element of v the position in the
	// sorted one-dimensional a where it would be inserted to keep a
	// sorted: before equal elements (right false) or after them (right
	// true). a and v have one type; out is uint32, row-major, of v's shape.
	Searchsorted(right bool, a, v, out View) error

	// TakeAlong writes out[..., i, ...] = in[..., idx[..., i, ...], ...]
	// along axis. idx (uint32) has out's shape, which is in's except along
	// axis; out is row-major. A position out of range is an error.
	TakeAlong(axis int, in, idx, out View) error

	// ScatterAddAlong writes zero to out and then adds upd[..., i, ...] to
	// out[..., idx[..., i, ...], ...] along axis. idx (uint32) has upd's
	// shape, which is out's except along axis; out is row-major. A
	// position out of range is an error.
	ScatterAddAlong(axis int, upd, idx, out View) error
}
