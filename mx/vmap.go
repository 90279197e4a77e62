package mx

import "math"

// NoAxis marks an input or output of Vmap that is not mapped over: the
// same array is used for every element of the batch.
const NoAxis = math.MinInt32

// Vmap returns a function that applies f to each element of a batch along
// the given axes of its inputs, in one vectorised computation. inAxes has
// one axis per input (negative counts from the end; NoAxis: not mapped);
// outAxes has one per output (where the batch axis goes). nil inAxes or
// outAxes mean axis 0 for all. Mapped inputs must agree on the batch size.
// It panics with *Error for a nil f; the function it returns panics with
// *Error for nil inputs or outputs, axes out of range, batch sizes that
// differ, or no mapped input.
func Vmap(f func([]*Array) []*Array, inAxes, outAxes []int) func([]*Array) []*Array {
	if f == nil {
		panic(newError("vmap", "nil function"))
	}
	return func(inputs []*Array) []*Array {
		checkEach("vmap", "input", inputs)
		axes := make([]int, len(inputs))
		batch := -1
		for i, in := range inputs {
			ax := 0
			if inAxes != nil {
				if len(inAxes) != len(inputs) {
					panic(newError("vmap", "%d in_axes for %d inputs", len(inAxes), len(inputs)))
				}
				ax = inAxes[i]
			}
			if ax == NoAxis {
				axes[i] = -1
				continue
			}
			ax = normAxis("vmap", ax, in.Ndim())
			axes[i] = ax
			switch b := in.shape[ax]; {
			case batch < 0:
				batch = b
			case b != batch:
				panic(newError("vmap", "inconsistent batch sizes %d and %d", batch, b))
			}
		}
		if batch < 0 {
			panic(newError("vmap", "at least one input must be mapped"))
		}
		sc := newScope("vmap", inputs)
		var outs []*Array
		var holders []*Array
		mapped := map[*Array]batched{}
		func() {
			defer sc.end()
			args := make([]*Array, len(inputs))
			for i, in := range inputs {
				if axes[i] < 0 {
					args[i] = in
					continue
				}
				shape := append(append([]int{}, in.shape[:axes[i]]...), in.shape[axes[i]+1:]...)
				p := newArray(placeholderPrim{}, DefaultStream(), nil, shape, in.dtype)
				p.trace = sc
				args[i] = p
				holders = append(holders, p)
				mapped[p] = batched{in, axes[i]}
			}
			outs = f(args)
		}()
		checkEach("vmap", "output", outs)
		g := traceGraph(holders, outs)
		for _, n := range g.order {
			if !g.depends[n.outputs[0]] || len(n.inputs) == 0 {
				continue
			}
			ins := make([]*Array, len(n.inputs))
			inAx := make([]int, len(n.inputs))
			for i, in := range n.inputs {
				if b, ok := mapped[in]; ok {
					ins[i], inAx[i] = b.a, b.axis
				} else {
					ins[i], inAx[i] = in, -1
				}
			}
			rule, ok := n.prim.(VmapRule)
			if !ok {
				panic(newError("vmap", "%s has no vmap rule", n.prim.Name()))
			}
			res, resAx := rule.Vmap(n.stream, ins, n.outputs, inAx)
			for i, o := range n.outputs {
				mapped[o] = batched{res[i], resAx[i]}
			}
		}
		results := make([]*Array, len(outs))
		for i, o := range outs {
			to := 0
			if outAxes != nil {
				if len(outAxes) != len(outs) {
					panic(newError("vmap", "%d out_axes for %d outputs", len(outAxes), len(outs)))
				}
				to = outAxes[i]
			}
			b, ok := mapped[o]
			if !ok || b.axis < 0 {
				if !ok {
					b.a = o
				}
				if to == NoAxis {
					results[i] = b.a
					continue
				}
				// Not batched: every element of the batch gets the same value.
				e := ExpandDims(b.a, normAxis("vmap", to, b.a.Ndim()+1))
				shape := append([]int{}, e.shape...)
				shape[normAxis("vmap", to, e.Ndim())] = batch
				results[i] = BroadcastTo(e, shape)
				continue
			}
			if to == NoAxis {
				panic(newError("vmap", "output %d is batched but out_axes says NoAxis", i))
			}
			results[i] = MoveAxis(b.a, b.axis, normAxis("vmap", to, b.a.Ndim()))
		}
		return results
	}
}

// batched is an array with its batch axis (-1: none).
type batched struct {
	a    *Array
	axis int
}
