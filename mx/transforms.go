package mx

// Transform rules. A differentiable primitive implements VJPRule and
// JVPRule; every primitive implements VmapRule. The rules build their
// results with mx ops on stream s, so that transforms compose: the result
// of a rule can itself be differentiated or vectorised.

// VJPRule is the reverse-mode rule of a primitive.
type VJPRule interface {
	// VJP returns, for each input index in argnums, the cotangent of that
	// input, given the primal inputs and outputs and the cotangents of the
	// outputs (one per output; zeros where an output has none). A nil
	// result means that input gets no cotangent (zero).
	VJP(s Stream, inputs, outputs, cotangents []*Array, argnums []int) []*Array
}

// JVPRule is the forward-mode rule of a primitive.
type JVPRule interface {
	// JVP returns the tangents of the outputs given the primal inputs and
	// the tangents of the inputs listed in argnums (tangents[i] belongs to
	// inputs[argnums[i]]). A nil result is a zero tangent.
	JVP(s Stream, inputs, outputs, tangents []*Array, argnums []int) []*Array
}

// VmapRule is the batching rule of a primitive.
type VmapRule interface {
	// Vmap applies the primitive to inputs that carry an extra batch axis:
	// axes[i] is that axis for inputs[i], or -1 when inputs[i] is not
	// batched. outputs are the unbatched outputs that were traced (for
	// their shapes and dtypes). It returns the batched outputs and their
	// batch axes (-1: none).
	Vmap(s Stream, inputs, outputs []*Array, axes []int) (batched []*Array, outAxes []int)
}

// tracedGraph is the part of a graph between a transform's traced inputs
// and its outputs, in topological order.
type tracedGraph struct {
	order []*node
	// depends holds the arrays that depend on a traced input.
	depends map[*Array]bool
}

// traceGraph collects the pending nodes below outputs and marks those that
// depend on one of inputs. Dependence does not pass through an opaque node
// (the inputs of a custom function's own graph, see custom.go): the
// transforms leave what lies beyond it to the custom function's rules.
func traceGraph(inputs, outputs []*Array) tracedGraph {
	schedMu.Lock()
	schedEpoch++
	order := topoOrder(outputs, schedEpoch)
	schedMu.Unlock()
	g := tracedGraph{order: order, depends: map[*Array]bool{}}
	for _, in := range inputs {
		g.depends[in] = true
	}
	for _, n := range order {
		dep := false
		for _, in := range n.inputs {
			if g.depends[in] {
				dep = true
				break
			}
		}
		if dep && !opaque(n.prim) {
			for _, o := range n.outputs {
				g.depends[o] = true
			}
		}
	}
	return g
}

// tracedCopies returns copies of arrays that a transform traces: identity
// nodes in scope sc, so that nested transforms see through them.
func tracedCopies(sc *traceScope, arrays []*Array) []*Array {
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		s := DefaultStream()
		out[i] = newArray(identityPrim{}, s, []*Array{a}, a.shape, a.dtype)
		out[i].trace = sc
	}
	return out
}

// VJP computes the vector-Jacobian product of f at primals: it returns f's
// outputs and, for each primal, the sum over outputs of the cotangent
// times the derivative of that output (one cotangent per output, of the
// output's shape). Inputs that no output depends on get zeros. It panics
// with *Error for a nil f, a nil array among primals or f's outputs, and
// cotangents that do not match the outputs.
func VJP(f func([]*Array) []*Array, primals, cotangents []*Array) (outputs, vjps []*Array) {
	if f == nil {
		panic(newError("vjp", "nil function"))
	}
	return vjpWith(f, primals, func([]*Array) []*Array { return cotangents })
}

// vjpWith is VJP with the cotangents made from the outputs once they are known.
func vjpWith(f func([]*Array) []*Array, primals []*Array, makeCot func([]*Array) []*Array) (outputs, vjps []*Array) {
	checkEach("vjp", "primal", primals)
	sc := newScope("vjp", primals)
	defer sc.end()
	tr := tracedCopies(sc, primals)
	outputs = f(tr)
	checkEach("vjp", "output", outputs)
	cotangents := makeCot(outputs)
	if len(cotangents) != len(outputs) {
		panic(newError("vjp", "got %d cotangents for %d outputs", len(cotangents), len(outputs)))
	}
	for i, o := range outputs {
		if c := cotangents[i]; c == nil || shapeString(c.shape) != shapeString(o.shape) {
			panic(newError("vjp", "cotangent %d must have the shape %s of output %d", i, shapeString(o.shape), i))
		}
	}
	g := traceGraph(tr, outputs)
	cot := map[*Array]*Array{}
	for i, o := range outputs {
		if g.depends[o] {
			cot[o] = accumulate(cot[o], AsType(cotangents[i], o.dtype))
		}
	}
	for k := len(g.order) - 1; k >= 0; k-- {
		n := g.order[k]
		if !g.depends[n.outputs[0]] {
			continue
		}
		var cts []*Array
		some := false
		for _, o := range n.outputs {
			c := cot[o]
			some = some || c != nil
			cts = append(cts, c)
		}
		if !some {
			continue
		}
		for i, c := range cts {
			if c == nil {
				cts[i] = zerosLike(n.outputs[i], n.stream)
			}
		}
		var argnums []int
		for i, in := range n.inputs {
			if g.depends[in] && differentiable(in.dtype) {
				argnums = append(argnums, i)
			}
		}
		if len(argnums) == 0 {
			continue
		}
		rule, ok := n.prim.(VJPRule)
		if !ok {
			panic(newError("vjp", "%s has no VJP rule", n.prim.Name()))
		}
		grads := rule.VJP(n.stream, n.inputs, n.outputs, cts, argnums)
		for j, i := range argnums {
			if grads[j] != nil {
				in := n.inputs[i]
				cot[in] = accumulate(cot[in], grads[j])
			}
		}
	}
	vjps = make([]*Array, len(primals))
	for i, t := range tr {
		if c := cot[t]; c != nil {
			vjps[i] = c
		} else {
			vjps[i] = zerosLike(primals[i], DefaultStream())
		}
	}
	return outputs, vjps
}

// differentiable reports whether arrays of type dt carry gradients: integer
// and boolean arrays do not, as in MLX.
func differentiable(dt Dtype) bool { return dt.IsInexact() }

func accumulate(sum, c *Array) *Array {
	if sum == nil {
		return c
	}
	return Add(sum, c)
}

// zerosLike returns zeros of a's shape and type, as a broadcast scalar.
func zerosLike(a *Array, s Stream) *Array {
	return BroadcastTo(weakScalar("zeros_like", 0).array(a.dtype), a.shape, s)
}

// JVP computes the Jacobian-vector product of f at primals along tangents
// (one per primal, of its shape): it returns f's outputs and their tangents.
// It panics with *Error for a nil f, a nil array among primals or f's
// outputs, and tangents that do not match the primals.
func JVP(f func([]*Array) []*Array, primals, tangents []*Array) (outputs, jvps []*Array) {
	if f == nil {
		panic(newError("jvp", "nil function"))
	}
	checkEach("jvp", "primal", primals)
	if len(tangents) != len(primals) {
		panic(newError("jvp", "got %d tangents for %d primals", len(tangents), len(primals)))
	}
	for i, p := range primals {
		if t := tangents[i]; t == nil || shapeString(t.shape) != shapeString(p.shape) {
			panic(newError("jvp", "tangent %d must have the shape %s of primal %d", i, shapeString(p.shape), i))
		}
	}
	sc := newScope("jvp", primals)
	defer sc.end()
	tr := tracedCopies(sc, primals)
	outputs = f(tr)
	checkEach("jvp", "output", outputs)
	g := traceGraph(tr, outputs)
	tan := map[*Array]*Array{}
	for i, t := range tr {
		tan[t] = AsType(tangents[i], t.dtype)
	}
	for _, n := range g.order {
		if !g.depends[n.outputs[0]] || tan[n.outputs[0]] != nil {
			continue
		}
		var argnums []int
		var ts []*Array
		for i, in := range n.inputs {
			if t := tan[in]; t != nil && differentiable(in.dtype) {
				argnums = append(argnums, i)
				ts = append(ts, t)
			}
		}
		if len(argnums) == 0 {
			continue
		}
		rule, ok := n.prim.(JVPRule)
		if !ok {
			panic(newError("jvp", "%s has no JVP rule", n.prim.Name()))
		}
		outs := rule.JVP(n.stream, n.inputs, n.outputs, ts, argnums)
		for i, o := range n.outputs {
			tan[o] = outs[i]
		}
	}
	jvps = make([]*Array, len(outputs))
	for i, o := range outputs {
		if t := tan[o]; t != nil {
			jvps[i] = t
		} else {
			jvps[i] = zerosLike(o, DefaultStream())
		}
	}
	return outputs, jvps
}
