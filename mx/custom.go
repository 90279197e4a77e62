package mx

// Custom functions: a function with rules of its own for the transforms.
//
// How a call is recorded. Calling a custom function runs its function f at
// once, as any Go function of arrays does, on aliases of the inputs: views
// made by an opaque node (customInputPrim). f's graph is then an ordinary
// graph, evaluated by the scheduler like any other. A second node
// (customPrim) takes the inputs and f's outputs and gives views of f's
// outputs: these views are what the caller gets. Evaluating them never
// evaluates another graph from inside a stream worker (which could wait on
// its own stream); the custom node only shares its inputs' buffers.
//
// How the transforms see it. The transforms do not trace through an opaque
// node (traceGraph stops there), so f's own graph is invisible to them: its
// ops need no rules of their own, and the custom node alone stands for f.
// Its rules call the user's rules, or, where one is missing, transform f
// itself: VJP(f), JVP(f) or Vmap(f) on the primals. The fallbacks re-trace
// f, so its forward computation runs again where their results are
// evaluated (as in MLX). Under vmap the result is itself a custom function
// of the batched inputs, whose VJP and JVP rules are the user's rules
// vmapped, so that a custom gradient survives vectorisation.
//
// As in MLX, a custom function is pure: arrays that f captures instead of
// taking as inputs are constants to the transforms, and get no gradient.

import "slices"

// VJPFunc is a custom reverse-mode rule: given the primal inputs, the
// cotangents of the outputs (one per output) and the outputs, it returns
// one cotangent per primal, of the primal's shape (nil: zero).
type VJPFunc func(primals, cotangents, outputs []*Array) []*Array

// JVPFunc is a custom forward-mode rule: given the primal inputs and one
// tangent per primal (zeros for those not being differentiated), it
// returns one tangent per output, of the output's shape.
type JVPFunc func(primals, tangents []*Array) []*Array

// VmapFunc is a custom batching rule: inputs carry a batch axis at axes[i]
// (NoAxis: input i is not batched); it returns the batched outputs and
// the axis of each that holds the batch (NoAxis: not batched).
type VmapFunc func(inputs []*Array, axes []int) (outputs []*Array, outAxes []int)

// CustomFunction is a function of arrays with its own VJP, JVP and vmap
// rules, as MLX's mx.custom_function. Calling it gives f's result; the
// transforms (Grad, VJP, JVP, Vmap) use the rules given instead of
// transforming f, and transform f itself for the rules not given:
//
//	clipped := mx.NewCustomFunction(f).WithVJP(func(primals, cots, outs []*mx.Array) []*mx.Array {
//		return []*mx.Array{mx.Clip(cots[0], -1, 1)}
//	})
//	y := clipped.Call([]*mx.Array{x})
//
// f must compute its outputs from its inputs with mx ops. Arrays that f
// captures are constants to the transforms: pass arrays that need
// gradients (weights, for instance) as inputs. A CustomFunction is
// immutable; the With methods return new ones, and it may be called from
// many goroutines.
type CustomFunction struct {
	name string
	f    func([]*Array) []*Array
	vjp  VJPFunc
	jvp  JVPFunc
	vmap VmapFunc
}

// NewCustomFunction returns f as a CustomFunction with no rules of its own.
// It panics with *Error if f is nil.
func NewCustomFunction(f func([]*Array) []*Array) *CustomFunction {
	if f == nil {
		panic(newError("custom_function", "the function is nil"))
	}
	return &CustomFunction{name: "CustomTransforms", f: f}
}

// check panics with *Error unless c was made by NewCustomFunction.
func (c *CustomFunction) check() {
	if c == nil || c.f == nil {
		panic(newError("custom_function", "a CustomFunction must be made by NewCustomFunction"))
	}
}

// WithVJP returns a copy of c whose reverse-mode rule is vjp (nil: VJP of f).
func (c *CustomFunction) WithVJP(vjp VJPFunc) *CustomFunction {
	c.check()
	d := *c
	d.vjp = vjp
	return &d
}

// WithJVP returns a copy of c whose forward-mode rule is jvp (nil: JVP of f).
func (c *CustomFunction) WithJVP(jvp JVPFunc) *CustomFunction {
	c.check()
	d := *c
	d.jvp = jvp
	return &d
}

// WithVmap returns a copy of c whose batching rule is vmap (nil: Vmap of f).
func (c *CustomFunction) WithVmap(vmap VmapFunc) *CustomFunction {
	c.check()
	d := *c
	d.vmap = vmap
	return &d
}

// Call applies c to inputs and returns f's outputs. It panics with *Error if
// c was not made by NewCustomFunction, an input is nil, or f returns no
// outputs or a nil one. Its method
// value c.Call is a func([]*Array) []*Array, the form VJP, JVP and Vmap take.
func (c *CustomFunction) Call(inputs []*Array) []*Array {
	c.check()
	checkEach("custom_function", "input", inputs)
	if c.vjp == nil && c.jvp == nil && c.vmap == nil {
		return checkCustomOutputs(c.f(inputs))
	}
	s := DefaultStream()
	aliases := make([]*Array, len(inputs))
	for i, in := range inputs {
		aliases[i] = newArray(customInputPrim{}, s, []*Array{in}, in.shape, in.dtype)
	}
	outs := checkCustomOutputs(c.f(aliases))
	shapes := make([][]int, len(outs))
	dtypes := make([]Dtype, len(outs))
	for i, o := range outs {
		shapes[i], dtypes[i] = o.shape, o.dtype
	}
	nodeIn := append(append([]*Array{}, inputs...), outs...)
	return newNode(&customPrim{c: c, nIn: len(inputs)}, s, nodeIn, shapes, dtypes)
}

// checkCustomOutputs returns outs, the outputs of a custom function's f,
// and panics with *Error if there are none or one is nil or the zero Array.
func checkCustomOutputs(outs []*Array) []*Array {
	if len(outs) == 0 {
		panic(newError("custom_function", "the function returned no outputs"))
	}
	checkEach("custom_function", "output", outs)
	return outs
}

// customInputPrim gives a custom function's own graph its inputs: a view
// of its input, opaque to the transforms (see traceGraph).
type customInputPrim struct{}

func (customInputPrim) Name() string { return "CustomInput" }

func (customInputPrim) Eval(s Stream, in, out []*Array) error {
	out[0].shareView(in[0], in[0].strides, in[0].offset)
	return nil
}

// opaque reports whether the transforms stop tracing at a node of prim.
func opaque(prim Primitive) bool {
	_, ok := prim.(customInputPrim)
	return ok
}

// The transforms never trace through a CustomInput node; its rules are
// those of the identity for a graph that reaches one by other means.

func (customInputPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{cot[0]}
}

func (customInputPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{tan[0]}
}

func (customInputPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	return []*Array{newArray(customInputPrim{}, s, in, in[0].shape, in[0].dtype)}, axes
}

// customPrim is a call of a custom function. Its inputs are the nIn primal
// inputs followed by the outputs of the function's own graph; its outputs
// are views of the latter.
type customPrim struct {
	c   *CustomFunction
	nIn int
}

func (p *customPrim) Name() string { return p.c.name }

func (p *customPrim) Eval(s Stream, in, out []*Array) error {
	for i, o := range out {
		src := in[p.nIn+i]
		o.shareView(src, src.strides, src.offset)
	}
	return nil
}

// VJP gives the primals the cotangents of the user's rule, or of VJP(f).
// The outputs of f's own graph get none: only a captured array reaches
// them, and captured arrays are constants.
func (p *customPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	primals := in[:p.nIn]
	var all []*Array
	if p.c.vjp != nil {
		all = p.c.callVJP(primals, cot, out)
	} else {
		_, all = VJP(p.c.f, primals, cot)
	}
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		if i < p.nIn {
			res[j] = all[i]
		}
	}
	return res
}

// JVP gives the outputs the tangents of the user's rule, or of JVP(f),
// with zero tangents for the primals not in argnums.
func (p *customPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	primals := in[:p.nIn]
	tangents := make([]*Array, p.nIn)
	for j, i := range argnums {
		if i < p.nIn {
			tangents[i] = tan[j]
		}
	}
	for i, t := range tangents {
		if t == nil {
			tangents[i] = zerosLike(primals[i], s)
		}
	}
	if p.c.jvp != nil {
		return p.c.callJVP(primals, tangents, out)
	}
	_, res := JVP(p.c.f, primals, tangents)
	return res
}

// Vmap applies the user's batching rule, or Vmap(f), to the batched
// primals, as a custom function again: its VJP and JVP rules are the user's
// rules vmapped (when given), so that Grad of Vmap still uses them.
func (p *customPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	for k := p.nIn; k < len(in); k++ {
		if axes[k] >= 0 {
			panic(newError("custom_function", "the function captures an array that vmap maps over; "+
				"pass it as an input instead"))
		}
	}
	c := p.c
	primals, inAx := in[:p.nIn], axes[:p.nIn]
	var outAx []int
	forward := func(x []*Array) []*Array {
		if c.vmap != nil {
			var res []*Array
			res, outAx = c.callVmap(x, inAx, out)
			return res
		}
		res := Vmap(c.f, publicAxes(inAx), nil)(x)
		outAx = make([]int, len(res))
		return res
	}
	b := &CustomFunction{name: c.name, f: forward}
	if c.vjp != nil {
		b.vjp = batchedVJP(c, inAx, &outAx)
	}
	if c.jvp != nil {
		b.jvp = batchedJVP(c, inAx, &outAx, out)
	}
	res := b.Call(primals)
	return res, outAx
}

// publicAxes turns the rules' -1 (not batched) into NoAxis.
func publicAxes(axes []int) []int {
	pub := make([]int, len(axes))
	for i, a := range axes {
		pub[i] = a
		if a < 0 {
			pub[i] = NoAxis
		}
	}
	return pub
}

// batchedVJP returns c's VJP rule for primals batched along inAx whose
// outputs are batched along *outAx (known once the forward has run). The
// cotangent of an unbatched primal is summed over the batch.
func batchedVJP(c *CustomFunction, inAx []int, outAx *[]int) VJPFunc {
	return func(primals, cots, outs []*Array) []*Array {
		n, m := len(primals), len(outs)
		oa := publicAxes(*outAx)
		axes := append(append(publicAxes(inAx), oa...), oa...)
		resAx := make([]int, n)
		for i, a := range inAx {
			resAx[i] = max(a, 0)
		}
		rule := func(x []*Array) []*Array {
			g := c.callVJP(x[:n], x[n:n+m], x[n+m:])
			for i := range g {
				if g[i] == nil {
					g[i] = zerosLike(x[i], DefaultStream())
				}
			}
			return g
		}
		args := append(append(append([]*Array{}, primals...), cots...), outs...)
		g := Vmap(rule, axes, resAx)(args)
		for i, a := range inAx {
			if a < 0 {
				g[i] = Sum(g[i], Axis(0))
			}
		}
		return g
	}
}

// batchedJVP returns c's JVP rule for primals batched along inAx whose
// outputs are batched along *outAx. A tangent has its primal's batch axis.
func batchedJVP(c *CustomFunction, inAx []int, outAx *[]int, unbatched []*Array) JVPFunc {
	return func(primals, tangents []*Array) []*Array {
		n := len(primals)
		axes := append(publicAxes(inAx), publicAxes(inAx)...)
		rule := func(x []*Array) []*Array { return c.callJVP(x[:n], x[n:], unbatched) }
		args := append(append([]*Array{}, primals...), tangents...)
		return Vmap(rule, axes, publicAxes(*outAx))(args)
	}
}

// callVJP runs the user's VJP rule and checks its result.
func (c *CustomFunction) callVJP(primals, cots, outs []*Array) []*Array {
	g := c.vjp(primals, cots, outs)
	if len(g) != len(primals) {
		panic(newError("custom_function", "the VJP rule returned %d cotangents for %d inputs", len(g), len(primals)))
	}
	res := make([]*Array, len(g))
	for i, x := range g {
		if x == nil {
			continue
		}
		if !slices.Equal(x.shape, primals[i].shape) {
			panic(newError("custom_function", "the VJP rule returned a cotangent of shape %s for input %d of shape %s",
				shapeString(x.shape), i, shapeString(primals[i].shape)))
		}
		res[i] = AsType(x, primals[i].dtype)
	}
	return res
}

// callJVP runs the user's JVP rule and checks its result against the
// outputs (of one batch element under vmap).
func (c *CustomFunction) callJVP(primals, tangents, outs []*Array) []*Array {
	t := c.jvp(primals, tangents)
	if len(t) != len(outs) {
		panic(newError("custom_function", "the JVP rule returned %d tangents for %d outputs", len(t), len(outs)))
	}
	res := make([]*Array, len(t))
	for i, x := range t {
		if x == nil {
			res[i] = zerosLike(outs[i], DefaultStream())
			continue
		}
		if !slices.Equal(x.shape, outs[i].shape) {
			panic(newError("custom_function", "the JVP rule returned a tangent of shape %s for output %d of shape %s",
				shapeString(x.shape), i, shapeString(outs[i].shape)))
		}
		res[i] = AsType(x, outs[i].dtype)
	}
	return res
}

// callVmap runs the user's batching rule on inputs batched along axes (-1:
// not batched) and checks its outputs against the unbatched ones; it
// returns the outputs and their batch axes (-1: none).
func (c *CustomFunction) callVmap(inputs []*Array, axes []int, unbatched []*Array) ([]*Array, []int) {
	res, resAx := c.vmap(inputs, publicAxes(axes))
	if len(res) != len(unbatched) || len(resAx) != len(unbatched) {
		panic(newError("custom_function", "the vmap rule returned %d outputs and %d axes for %d outputs",
			len(res), len(resAx), len(unbatched)))
	}
	batch := -1
	for i, a := range axes {
		if a >= 0 {
			batch = inputs[i].shape[a]
		}
	}
	outAx := make([]int, len(res))
	for i, r := range res {
		if r == nil {
			panic(newError("custom_function", "the vmap rule returned a nil output %d", i))
		}
		want := unbatched[i].shape
		ax := -1
		if resAx[i] != NoAxis {
			ax = normAxis("custom_function", resAx[i], r.Ndim())
			want = append(append(append([]int{}, want[:min(ax, len(want))]...), batch), want[min(ax, len(want)):]...)
		}
		if !slices.Equal(r.shape, want) {
			panic(newError("custom_function", "the vmap rule returned output %d of shape %s, which is not "+
				"the function's output shape %s with a batch axis of size %d", i, shapeString(r.shape), shapeString(unbatched[i].shape), batch))
		}
		outAx[i] = ax
	}
	return res, outAx
}
