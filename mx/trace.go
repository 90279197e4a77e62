package mx

import (
	"fmt"
	"sync/atomic"
)

// traceScope is one running transform (vjp, jvp, vmap, compile). The arrays
// it traces, and every array computed from them while it runs, point to it;
// their values must not be read until it ends, since under vmap or compile
// they have none, and under vjp and jvp a function that branches on them
// would be differentiated along one branch only.
type traceScope struct {
	name   string
	depth  int
	active atomic.Bool
}

func newScope(name string, inputs []*Array) *traceScope {
	depth := 0
	for _, in := range inputs {
		if in.trace != nil && in.trace.active.Load() {
			depth = max(depth, in.trace.depth+1)
		}
	}
	sc := &traceScope{name: name, depth: depth}
	sc.active.Store(true)
	return sc
}

func (sc *traceScope) end() { sc.active.Store(false) }

// innerScope returns the more deeply nested active scope of a and b.
func innerScope(a, b *traceScope) *traceScope {
	if b == nil || !b.active.Load() {
		return a
	}
	if a == nil || !a.active.Load() || b.depth > a.depth {
		return b
	}
	return a
}

// traceError returns an error if a is traced by a running transform.
func (a *Array) traceError(op string) *Error {
	if a.trace == nil || !a.trace.active.Load() {
		return nil
	}
	if a.trace.name == "compile" {
		return newError(op, "cannot read a value inside mx.Compile: the function is being traced "+
			"on placeholder inputs that have no values; a compiled function must compute its result "+
			"with mx ops, without reading or printing values (call mx.DisableCompile to debug it uncompiled)")
	}
	return newError(op, "cannot read the value of an array while %s traces it: "+
		"a transformed function must compute its result with mx ops, without reading "+
		"or branching on the values of its traced inputs", a.trace.name)
}

// identityPrim passes its input through: transforms use it to make traced
// copies of their inputs, which the graph can then be searched for.
type identityPrim struct{}

func (identityPrim) Name() string { return "Copy" }

func (identityPrim) Eval(s Stream, in, out []*Array) error {
	out[0].shareView(in[0], in[0].strides, in[0].offset)
	return nil
}

// placeholderPrim stands for an input that has no value (vmap traces its
// function on placeholders of one example's shape).
type placeholderPrim struct{}

func (placeholderPrim) Name() string { return "Placeholder" }

func (placeholderPrim) Eval(s Stream, in, out []*Array) error {
	return fmt.Errorf("a placeholder has no value")
}

func (identityPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{cot[0]}
}

func (identityPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{tan[0]}
}

func (identityPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	return []*Array{in[0]}, axes
}
