package mx

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlxgo/mlxgo/internal/cuda"
)

// schedMu makes the scheduling of one Eval atomic: the nodes it claims are
// queued before any other Eval can see them as scheduled, so every node
// waits only on nodes queued before it and no stream can deadlock.
var (
	schedMu    sync.Mutex
	schedEpoch uint64
	// Scratch of AsyncEval, reused while schedMu is held; emptied after
	// each use so that it holds no node.
	schedOrder []*node
	schedStack []topoFrame
	schedRoots []*Array
)

// schedKeep is the largest scratch (in entries) kept between Evals.
const schedKeep = 1 << 16

// Eval computes arrays and everything they depend on that is not yet
// computed. It returns the first runtime failure (out of memory, an index
// out of range, ...) met by any of them; the others are still computed.
// Evaluating an array that is already computed costs nothing.
func Eval(arrays ...*Array) error {
	AsyncEval(arrays...)
	var errs []error
	for _, a := range arrays {
		if a == nil {
			continue
		}
		a.watch()
		if err := a.wait(); err != nil {
			errs = append(errs, err)
		} else if err := a.waitDevice(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}

// AsyncEval schedules arrays for evaluation and returns at once. Reading an
// array (Item, ToSlice, Eval) waits for it.
func AsyncEval(arrays ...*Array) {
	for _, a := range arrays {
		if a != nil {
			checkArray("eval", a)
			if err := a.traceError("eval"); err != nil {
				panic(err)
			}
		}
	}
	schedMu.Lock()
	defer schedMu.Unlock()
	order := scheduleOrder(schedOrder[:0], arrays)
	if len(order) == 0 {
		return
	}
	// Mark, then queue per stream, keeping the topological order: each
	// run of nodes on one stream goes as one batch.
	start := 0
	for i, n := range order {
		for _, o := range n.outputs {
			o.status.Store(statusScheduled)
		}
		if s := order[start].stream; n.stream != s {
			s.state().enqueue(order[start:i])
			start = i
		}
	}
	order[start].stream.state().enqueue(order[start:])
	clear(order)
	if cap(order) <= schedKeep {
		schedOrder = order[:0]
	} else {
		schedOrder = nil
	}
}

// scheduleOrder appends to order the pending nodes that arrays depend on,
// in the order they are to run: a depth-first order from the arrays, taken
// shallowest first. It must be called with schedMu held.
//
// Why shallowest first. The arrays asked for are kept until Eval returns
// whatever the order, but the intermediates they share are not. Several
// arrays often tap one long chain: the gradients of a layered model (the
// gradient of layer i needs the cotangent of layer i, which the chain of
// cotangents passes on to layer i-1), the steps of an unrolled loop, an
// optimizer's updates. Starting from the deepest of them computes the
// whole chain first, and every tap along it is then kept until the array
// that uses it gets its turn; starting from the shallowest computes each
// array as soon as its part of the chain exists, so each tap dies before
// the chain goes on. (The gradients of a 20-layer MLP, passed first layer
// first as ValueAndGrad returns them, need 42 MiB instead of 61, or 22
// instead of 61 with checkpointed layers: see TestCheckpointMemory.) The
// depth of a node is the length of the longest path of pending nodes
// ending in it. Arrays of equal depth keep the order given. It is a rule
// of thumb, not an optimum: arrays that share nothing cost about the same
// in any order, and the inputs of each node are still visited in their
// order. Any order it gives is topological, which is all that the
// scheduling above relies on.
//
// The first depth-first walk finds the depths when several arrays are
// pending; a second one follows only when they are not already in order
// of depth.
func scheduleOrder(order []*node, arrays []*Array) []*node {
	pending := 0
	for _, a := range arrays {
		if a != nil && a.status.Load() == statusPending {
			pending++
		}
	}
	schedEpoch++
	start := len(order)
	order = topoOrderTo(order, arrays, schedEpoch, pending > 1)
	depth := func(a *Array) int {
		if a == nil || a.status.Load() != statusPending {
			return 0
		}
		return a.n.depth
	}
	byDepth := func(a, b *Array) int { return cmp.Compare(depth(a), depth(b)) }
	if pending < 2 || slices.IsSortedFunc(arrays, byDepth) {
		return order
	}
	roots := append(schedRoots[:0], arrays...)
	slices.SortStableFunc(roots, byDepth)
	clear(order[start:])
	schedEpoch++
	order = topoOrderTo(order[:start], roots, schedEpoch, false)
	clear(roots)
	if cap(roots) <= schedKeep {
		schedRoots = roots[:0]
	} else {
		schedRoots = nil
	}
	return order
}

// topoFrame is a node being visited by topoOrder.
type topoFrame struct {
	n    *node
	next int // next input to visit
}

// topoOrder returns the pending nodes that arrays depend on, inputs before
// their users, without recursion (graphs may be a million nodes deep). It
// must be called with schedMu held.
func topoOrder(arrays []*Array, epoch uint64) []*node {
	return topoOrderTo(nil, arrays, epoch, false)
}

// topoOrderTo is topoOrder appending to order. With depths it also sets
// the depth of each node it appends (see scheduleOrder).
func topoOrderTo(order []*node, arrays []*Array, epoch uint64, depths bool) []*node {
	stack := schedStack[:0]
	depth := 0 // the deepest the stack went
	push := func(a *Array) {
		if a == nil || a.status.Load() != statusPending {
			return
		}
		n := a.n
		if n.mark == epoch {
			return
		}
		n.mark = epoch
		stack = append(stack, topoFrame{n: n})
		depth = max(depth, len(stack))
	}
	for _, a := range arrays {
		push(a)
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < len(top.n.inputs) {
				in := top.n.inputs[top.next]
				top.next++
				push(in)
				continue
			}
			if depths {
				d := 0
				for _, in := range top.n.inputs {
					// A pending input was appended before its user.
					if in.status.Load() == statusPending {
						d = max(d, in.n.depth)
					}
				}
				top.n.depth = d + 1
			}
			order = append(order, top.n)
			stack = stack[:len(stack)-1]
		}
	}
	clear(stack[:depth])
	if cap(stack) <= schedKeep {
		schedStack = stack
	} else {
		schedStack = nil
	}
	return order
}

// wait blocks until a is evaluated and returns why it failed, if it did.
// a must be scheduled or done; it schedules a when it is pending.
func (a *Array) wait() error {
	switch a.status.Load() {
	case statusAvailable:
		return nil
	case statusPending:
		AsyncEval(a)
	case statusUnmade:
		// Nothing would ever make it: fail rather than wait forever.
		return newError("eval", "the zero Array holds nothing: make arrays with NewArray or an op")
	}
	a.waitDone()
	if a.status.Load() == statusFailed {
		return a.err
	}
	return nil
}

// gpuInUse is set once a GPU stream exists: waits then poll first.
var gpuInUse atomic.Bool

// watch waits a while for a, scheduled, to be run, without sleeping, when a
// GPU is in use: GPU work is usually quick to queue, and waking from sleep
// costs more than a kernel often takes (see pollTime). It yields while it
// waits, so that a worker just woken can run.
func (a *Array) watch() {
	if !gpuInUse.Load() {
		return
	}
	for start := time.Now(); a.status.Load() == statusScheduled && time.Since(start) < pollTime; {
		runtime.Gosched()
	}
}

// closedDone is the done channel of every evaluated array.
var closedDone = func() *chan struct{} {
	c := make(chan struct{})
	close(c)
	return &c
}()

// waitDone blocks until a, scheduled, has been run. The channel it waits
// on is made by the first waiter, so that arrays nobody waits for cost
// none: a.done is nil until then, and closedDone once a has been run (see
// node.run, which closes a channel a waiter put there).
func (a *Array) waitDone() {
	p := a.done.Load()
	if p == nil {
		c := make(chan struct{})
		if a.done.CompareAndSwap(nil, &c) {
			p = &c
		} else {
			p = a.done.Load() // another waiter's, or closedDone
		}
	}
	<-*p
}

// eval evaluates a for an implicit read and panics with *Error if that fails.
func (a *Array) eval(op string) {
	if err := Eval(a); err != nil {
		var e *Error
		if errors.As(err, &e) {
			panic(e)
		}
		panic(&Error{Op: op, Msg: err.Error(), Err: err})
	}
}

// run evaluates n on stream s: it waits for inputs from other streams, runs
// the kernel, then drops the graph above n (detach) so that memory no longer
// needed can be freed.
func (n *node) run(s Stream) {
	var err error
	for _, in := range n.inputs {
		if e := in.wait(); e != nil && err == nil {
			err = e
		}
	}
	if err == nil {
		err = n.call(s)
	}
	for _, o := range n.outputs {
		o.n = nil
		if err != nil {
			o.err = err
			o.status.Store(statusFailed)
		} else {
			o.status.Store(statusAvailable)
		}
	}
	outputs := n.outputs
	clear(n.inputs) // the storage of a smallNode lives on with its output
	n.prim, n.inputs, n.outputs = nil, nil, nil
	for _, o := range outputs {
		if p := o.done.Swap(closedDone); p != nil {
			close(*p)
		}
	}
}

// call runs the primitive, turning a panic in a kernel into an error so that
// a bug in one op cannot bring the process down.
func (n *node) call(s Stream) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*Error); ok {
				err = e
				return
			}
			err = &Error{Op: n.prim.Name(), Msg: fmt.Sprintf("internal error: %v\n%s", r, debug.Stack())}
		}
	}()
	err = n.prim.Eval(s, n.inputs, n.outputs)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			err = &Error{Op: n.prim.Name(), Msg: err.Error(), Err: err}
		}
	}
	return err
}

// waitDevice waits until the GPU work that computes a, evaluated, has
// finished, so that Eval returns once results exist, as on the CPU.
func (a *Array) waitDevice() error {
	if a.buf == nil || a.buf.HostValid() {
		return nil
	}
	if dc := a.buf.Device(); dc != nil {
		if err := cuda.Wait(dc); err != nil {
			return deviceFailure(err)
		}
	}
	return nil
}

// deviceFailure turns an error met while waiting for the GPU into an
// *Error: an index error names the op whose kernel met it.
func deviceFailure(err error) *Error {
	var ie *cuda.IndexError
	if errors.As(err, &ie) && ie.Op != "" {
		return &Error{Op: ie.Op, Msg: ie.IndexError.Error(), Err: err}
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Op: "eval", Msg: err.Error(), Err: err}
}
