package mx

import (
	"runtime"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Array is an immutable, lazily computed n-dimensional array. An op returns
// a new *Array at once, with its shape and dtype known, and records how to
// compute it; the values are computed by Eval, or implicitly when they are
// read (Item, ToSlice, printing). Arrays may be shared between goroutines.
// Arrays are made by NewArray, Scalar and the ops; the zero Array holds
// nothing, and ops and methods given it (or a nil *Array) panic with *Error.
type Array struct {
	shape []int
	dtype Dtype

	status atomic.Int32
	n      *node       // how to compute it; nil when it has data
	err    error       // why evaluation failed (status failed)
	trace  *traceScope // the transform tracing a, if any

	// done is made when someone waits for a, and closed once a is
	// evaluated (see waitDone).
	done atomic.Pointer[chan struct{}]

	// Data, valid once status is available.
	buf     *core.Buffer
	strides []int
	offset  int
}

// Evaluation states of an Array. The zero Array (new(mx.Array)) is unmade:
// ops refuse it.
const (
	statusUnmade    int32 = iota // not made by an op
	statusPending                // has a node, not scheduled
	statusScheduled              // queued on a stream
	statusAvailable              // has data
	statusFailed                 // evaluation failed: err says why
)

// node is one application of a primitive: its inputs, the stream it runs
// on, and its outputs (one, or several siblings).
type node struct {
	prim    Primitive
	inputs  []*Array
	outputs []*Array
	stream  Stream
	mark    uint64 // scheduling epoch, guarded by schedMu
	depth   int    // longest path of pending nodes to it (scheduleOrder), guarded by schedMu
}

// Shape returns the dimensions of a. The slice must not be changed.
func (a *Array) Shape() []int { checkArray("shape", a); return a.shape }

// Dim returns the size of axis i (negative counts from the end). It panics
// with *Error when i is out of range.
func (a *Array) Dim(i int) int {
	checkArray("dim", a)
	return a.shape[normAxis("dim", i, len(a.shape))]
}

// Ndim returns the number of dimensions of a.
func (a *Array) Ndim() int { checkArray("ndim", a); return len(a.shape) }

// Size returns the number of elements of a.
func (a *Array) Size() int { checkArray("size", a); return shapeSize(a.shape) }

// Dtype returns the element type of a.
func (a *Array) Dtype() Dtype { checkArray("dtype", a); return a.dtype }

// Nbytes returns the number of bytes of a's elements (Size times the dtype's size).
func (a *Array) Nbytes() int { checkArray("nbytes", a); return a.Size() * a.dtype.Size() }

// IsAvailable reports whether a has been evaluated.
func (a *Array) IsAvailable() bool {
	checkArray("is_available", a)
	return a.status.Load() == statusAvailable
}

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// newLeaf returns an evaluated array holding buf (its reference is taken over).
func newLeaf(shape []int, dt Dtype, buf *core.Buffer) *Array {
	a := &Array{shape: shape, dtype: dt}
	a.setData(buf, core.RowMajorStrides(shape), 0)
	a.status.Store(statusAvailable)
	return a
}

// setData gives a its data; a takes over one reference to buf, returned to
// the allocator when a is garbage collected.
func (a *Array) setData(buf *core.Buffer, strides []int, offset int) {
	a.buf, a.strides, a.offset = buf, strides, offset
	runtime.AddCleanup(a, func(b *core.Buffer) { b.Release() }, buf)
}

// view returns how kernels see a's data. a must be available.
func (a *Array) view() core.View {
	return core.View{Buf: a.buf, Dtype: a.dtype.core(), Shape: a.shape, Strides: a.strides, Offset: a.offset}
}

// smallNode is a node of one output and at most three inputs with its
// output and slices, allocated at once. The output keeps it all alive, but
// run clears everything in it but the output once the node has run.
type smallNode struct {
	out  Array
	n    node
	ins  [smallNodeInputs]*Array
	outs [1]*Array
}

const smallNodeInputs = 3

// newNode records prim applied to inputs on stream s, with one output per
// shape/dtype pair, and returns the outputs. It copies inputs.
func newNode(prim Primitive, s Stream, inputs []*Array, shapes [][]int, dtypes []Dtype) []*Array {
	var trace *traceScope
	for _, in := range inputs {
		trace = innerScope(trace, in.trace)
	}
	var n *node
	if len(shapes) == 1 && len(inputs) <= smallNodeInputs {
		sn := &smallNode{}
		n = &sn.n
		n.inputs = sn.ins[:len(inputs):len(inputs)]
		sn.outs[0] = &sn.out
		n.outputs = sn.outs[:]
	} else {
		n = &node{inputs: make([]*Array, len(inputs))}
		n.outputs = make([]*Array, len(shapes))
		for i := range shapes {
			n.outputs[i] = &Array{}
		}
	}
	n.prim, n.stream = prim, s
	copy(n.inputs, inputs)
	for i, o := range n.outputs {
		o.shape, o.dtype, o.n, o.trace = shapes[i], dtypes[i], n, trace
		o.status.Store(statusPending)
	}
	return n.outputs
}

// newArray records prim applied to inputs on stream s, with one output.
func newArray(prim Primitive, s Stream, inputs []*Array, shape []int, dt Dtype) *Array {
	return newNode(prim, s, inputs, [][]int{shape}, []Dtype{dt})[0]
}
