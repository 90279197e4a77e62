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
)

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
			if err := a.traceError("eval"); err != nil {
				panic(err)
			}
		}
	}
	schedMu.Lock()
	defer schedMu.Unlock()
	schedEpoch++
	order := topoOrder(arrays, schedEpoch)
	if len(order) == 0 {
		return
	}
	// Mark, then queue per stream, keeping the topological order.
	var batch []*node
	var cur Stream
	var curSet bool
	flush := func() {
		if len(batch) > 0 {
			cur.state().enqueue(batch)
			batch = nil
		}
	}
	for _, n := range order {
		done := make(chan struct{})
		for _, o := range n.outputs {
			o.done = done
			o.status.Store(statusScheduled)
		}
		if !curSet || n.stream != cur {
			flush()
			cur, curSet = n.stream, true
		}
		batch = append(batch, n)
	}
	flush()
}

// topoOrder returns the pending nodes that arrays depend on, inputs before
// their users, without recursion (graphs may be a million nodes deep).
func topoOrder(arrays []*Array, epoch uint64) []*node {
	var order []*node
	type frame struct {
		n    *node
		next int // next input to visit
	}
	var stack []frame
	push := func(a *Array) {
		if a == nil || a.status.Load() != statusPending {
			return
		}
		n := a.n
		if n.mark == epoch {
			return
		}
		n.mark = epoch
		stack = append(stack, frame{n: n})
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
	}
	<-a.done
	if a.status.Load() == statusFailed {
		return a.err
	}
	return nil
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
	done := n.outputs[0].done
	n.prim, n.inputs, n.outputs = nil, nil, nil
	close(done)
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
