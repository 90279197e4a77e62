package core

// ReduceOp names a reduction: an operation that combines the elements of an
// array along some of its axes.
type ReduceOp uint8

// The reductions. The front end chooses the output type; the kernel reads
// the input type and writes the output's.
const (
	ReduceSum          ReduceOp = iota // sum (0 for none)
	ReduceProd                         // product (1 for none)
	ReduceMax                          // largest element; NaN wins
	ReduceMin                          // smallest element; NaN wins
	ReduceAll                          // true when every element is nonzero
	ReduceAny                          // true when some element is nonzero
	ReduceCountNonzero                 // number of nonzero elements
	ReduceMean                         // arithmetic mean (NaN for none)
	ReduceVar                          // variance, divided by N - ddof
	ReduceStd                          // square root of the variance
	ReduceLogSumExp                    // log(sum(exp(x))), -Inf for none
	ReduceMedian                       // middle value; NaN when one is NaN
	ReduceArgMax                       // index of the first largest (or NaN) element
	ReduceArgMin                       // index of the first smallest (or NaN) element
)

// ReduceKernels computes reductions and softmax.
type ReduceKernels interface {
	// Reduce combines in's elements over axes (sorted, distinct, possibly
	// none) with op (any op but ReduceArgMax and ReduceArgMin). out has in's
	// shape with those axes of size one, is row-major and of the op's
	// output type. ddof is used by ReduceVar and ReduceStd. Ops without an
	// identity (max, min, median) need every reduced axis non-empty.
	Reduce(op ReduceOp, axes []int, ddof int, in, out View) error

	// ArgReduce writes, for ReduceArgMax or ReduceArgMin, the position along
	// axis of the first largest or smallest element (the first NaN if there
	// is one) as uint32. out has in's shape with axis of size one, is
	// row-major, and axis is non-empty.
	ArgReduce(op ReduceOp, axis int, in, out View) error

	// Softmax writes exp(x - max) / sum(exp(x - max)) over axes (sorted,
	// distinct) into out, which has in's shape and type (a floating type),
	// row-major.
	Softmax(axes []int, in, out View) error
}
