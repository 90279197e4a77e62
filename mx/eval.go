package mx

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
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
		if err := a.wait(); err != nil {
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
	schedEpoch++
	order := topoOrderTo(schedOrder[:0], arrays, schedEpoch)
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

// topoFrame is a node being visited by topoOrder.
type topoFrame struct {
	n    *node
	next int // next input to visit
}

// topoOrder returns the pending nodes that arrays depend on, inputs before
// their users, without recursion (graphs may be a million nodes deep). It
// must be called with schedMu held.
func topoOrder(arrays []*Array, epoch uint64) []*node {
	return topoOrderTo(nil, arrays, epoch)
}

// topoOrderTo is topoOrder appending to order.
func topoOrderTo(order []*node, arrays []*Array, epoch uint64) []*node {
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
