package mx

import (
	"math"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Sorting and selection work along one axis, the last one unless mx.Axis
// says otherwise:
//
//	mx.Sort(a)                      // each row of a matrix sorted
//	mx.Sort(a, mx.Axis(0))          // each column
//	mx.Sort(mx.Flatten(a))          // the flattened array (MLX's axis=None)
//	mx.Topk(a, 3)                   // the 3 largest of each row
//
// The order is NumPy's: ascending; -0 and +0 equal; NaN after every number;
// complex numbers by real part, then imaginary part. Index results are
// uint32, as in MLX, and stable: equal elements keep the order of their
// positions, so results are the same on every run.

var sortNames = [...][2]string{
	core.SortValues:    {"sort", "Sort"},
	core.SortIndices:   {"argsort", "ArgSort"},
	core.PartitionVals: {"partition", "Partition"},
	core.PartitionIdx:  {"argpartition", "ArgPartition"},
}

// sortPrim sorts or partitions its input along axis; kth is the position
// that a partition puts in place.
type sortPrim struct {
	op        core.SortOp
	axis, kth int
}

func (p sortPrim) Name() string { return sortNames[p.op][1] }

func (p sortPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.SortKernels](sortNames[p.op][0], s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Sort(p.op, p.axis, p.kth, in[0].view(), out[0].view())
}

// indices reports whether p's output holds positions rather than elements.
func (p sortPrim) indices() bool { return p.op == core.SortIndices || p.op == core.PartitionIdx }

// sortAxis parses the options of a sort-like op and returns them with its
// axis, normalised (the last one by default).
func sortAxis(op string, a *Array, opts []Option) (options, int) {
	checkArray(op, a)
	o := parseOptions(op, optStream|optAxes, opts)
	if a.Ndim() == 0 {
		panic(newError(op, "needs an array with at least one dimension, got a 0-d array; reshape it first"))
	}
	return o, normAxis(op, singleAxis(op, o, -1), a.Ndim())
}

// sortOp records sort-like op of a.
func sortOp(op core.SortOp, a *Array, kth int, opts []Option) *Array {
	name := sortNames[op][0]
	o, ax := sortAxis(name, a, opts)
	if op == core.PartitionVals || op == core.PartitionIdx {
		n := a.shape[ax]
		k := kth
		if k < 0 {
			k += n
		}
		if k < 0 || k >= n {
			panic(newError(name, "kth %d is out of range for axis %d of length %d of an array of shape %s",
				kth, ax, n, shapeString(a.shape)))
		}
		kth = k
	}
	p := sortPrim{op: op, axis: ax, kth: kth}
	dt := a.dtype
	if p.indices() {
		if a.shape[ax] > math.MaxUint32 {
			panic(newError(name, "axis %d of length %d has positions beyond uint32", ax, a.shape[ax]))
		}
		dt = Uint32
	}
	return newArray(p, o.stream, []*Array{a}, a.shape, dt)
}

// Sort returns a copy of a sorted along the axis of mx.Axis (default -1,
// the last), of a's shape and type. To sort the flattened array (MLX's
// axis=None), flatten it first: mx.Sort(mx.Flatten(a)). Every type is
// accepted; see the package's order above. It panics with *Error for a
// 0-d array, an axis out of range, or more than one axis.
func Sort(a *Array, opts ...Option) *Array { return sortOp(core.SortValues, a, 0, opts) }

// Argsort returns the positions, as uint32, that sort a along the axis of
// mx.Axis (default -1): taking a's elements at them along that axis gives
// Sort(a). The sort is stable: equal elements keep the order of their
// positions. It panics as Sort does.
func Argsort(a *Array, opts ...Option) *Array { return sortOp(core.SortIndices, a, 0, opts) }

// Partition returns a copy of a in which, along the axis of mx.Axis
// (default -1), the element at position kth is the one a sort would put
// there, those before it are not larger and those after it not smaller
// (their order otherwise unspecified). A negative kth counts from the end.
// It panics with *Error for kth out of range for the axis, and as Sort
// does.
func Partition(a *Array, kth int, opts ...Option) *Array {
	return sortOp(core.PartitionVals, a, kth, opts)
}

// Argpartition returns the positions, as uint32, that partition a around
// kth along the axis of mx.Axis (default -1), as Partition does. It panics
// as Partition does.
func Argpartition(a *Array, kth int, opts ...Option) *Array {
	return sortOp(core.PartitionIdx, a, kth, opts)
}

// Topk returns the k largest elements of a along the axis of mx.Axis
// (default -1), of a's type, with that axis of length k. As in MLX, their
// order is not specified (this implementation gives them in ascending
// order). k may be 0 (an empty result) up to the length of the axis. It
// panics with *Error for k out of range, and as Sort does.
func Topk(a *Array, k int, opts ...Option) *Array {
	o, ax := sortAxis("topk", a, opts)
	n := a.shape[ax]
	if k < 0 || k > n {
		panic(newError("topk", "k=%d is out of range for axis %d of length %d of an array of shape %s",
			k, ax, n, shapeString(a.shape)))
	}
	if k == n {
		return a
	}
	if k == 0 {
		return sliceAxis(a, ax, S(n, n), o.stream)
	}
	return sliceAxis(Partition(a, n-k, Axis(ax), o.stream), ax, S(n-k, n), o.stream)
}

// sideOption is Searchsorted's side: right or left.
type sideOption bool

func (r sideOption) apply(o *options) {
	o.set |= optSide
	if r {
		o.set |= optSide
		if o.ints == nil {
			o.ints = map[optionKind]int{}
		}
		o.ints[optSide] = 1
	} else if o.ints != nil {
		delete(o.ints, optSide)
	}
}

// SideLeft asks Searchsorted for the first suitable position: before any
// elements equal to the value (NumPy's side="left", the default).
var SideLeft Option = sideOption(false)

// SideRight asks Searchsorted for the last suitable position: after any
// elements equal to the value (NumPy's side="right").
var SideRight Option = sideOption(true)

// searchPrim finds the positions of its second input in its first.
type searchPrim struct{ right bool }

func (searchPrim) Name() string { return "SearchSorted" }

func (p searchPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.SortKernels]("searchsorted", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Searchsorted(p.right, in[0].view(), in[1].view(), out[0].view())
}

// Searchsorted returns, for every element of v, the position in the sorted
// one-dimensional a at which inserting it keeps a sorted: before equal
// elements, or after them with mx.SideRight (NumPy's searchsorted), as a
// uint32 array of v's shape. a and v (an *Array, a Go number or a Go slice)
// are compared in the type they promote to, in the order of Sort (NaN
// last); a must be sorted in that order, else the positions are
// unspecified. It panics with *Error when a is not one-dimensional or its
// length does not fit uint32.
func Searchsorted(a, v any, opts ...Option) *Array {
	const op = "searchsorted"
	o := parseOptions(op, optStream|optSide, opts)
	xs, dt := asArrays(op, a, v)
	seq, vals := xs[0], xs[1]
	if seq.Ndim() != 1 {
		panic(newError(op, "the sorted sequence must be one-dimensional, got shape %s", shapeString(seq.shape)))
	}
	if seq.shape[0] > math.MaxUint32 {
		panic(newError(op, "the sorted sequence has %d elements, more than uint32 positions", seq.shape[0]))
	}
	seq, vals = AsType(seq, dt, o.stream), AsType(vals, dt, o.stream)
	right := o.intOr(optSide, 0) == 1
	return newArray(searchPrim{right: right}, o.stream, []*Array{seq, vals}, vals.shape, Uint32)
}

// alongPrim moves elements along axis by the uint32 positions of its
// second input: a gather (out[i] = x[idx[i]]) or, with scatter, the sum of
// the updates at each position (out[idx[i]] += upd[i], over an axis of
// length n). The two are each other's transpose: the gradients of the sort
// family and of the scans' max and min are made of them.
type alongPrim struct {
	axis    int
	scatter bool
	n       int
}

func (p alongPrim) Name() string {
	if p.scatter {
		return "ScatterAddAxis"
	}
	return "TakeAlongAxis"
}

func (p alongPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.SortKernels](p.Name(), s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	if p.scatter {
		return k.ScatterAddAlong(p.axis, in[0].view(), in[1].view(), out[0].view())
	}
	return k.TakeAlong(p.axis, in[0].view(), in[1].view(), out[0].view())
}

// takeAlong returns x gathered along axis at the positions idx (uint32, of
// x's shape but along axis).
func takeAlong(x, idx *Array, axis int, s Stream) *Array {
	return newArray(alongPrim{axis: axis}, s, []*Array{x, idx}, idx.shape, x.dtype)
}

// scatterAddAlong returns zeros of upd's shape but of length n along axis,
// with upd added at the positions idx (uint32, of upd's shape).
func scatterAddAlong(upd, idx *Array, axis, n int, s Stream) *Array {
	shape := append([]int(nil), upd.shape...)
	shape[axis] = n
	return newArray(alongPrim{axis: axis, scatter: true, n: n}, s, []*Array{upd, idx}, shape, upd.dtype)
}
