package mx

import "slices"

// Shapeless compilation replays a tape on inputs whose shapes differ from
// the traced ones, so each primitive of the tape must work out its output
// shapes from its inputs' shapes. Primitives that can implement
// shapeRule; one that holds shapes as constants (Reshape, Broadcast,
// Slice, ...) cannot, and makes Shapeless compilation fail at the trace.

// shapeRule gives the output shapes of a primitive for inputs of new
// shapes; traced are the output shapes of the trace. It panics with
// *Error when the shapes do not fit the primitive.
type shapeRule interface {
	outputShapes(in []*Array, traced [][]int) [][]int
}

// checkShapeless panics with *Error if a node of t cannot infer its shapes.
func (t *tape) checkShapeless() {
	for _, nd := range t.nodes {
		if _, ok := nd.prim.(shapeRule); !ok {
			panic(newError("compile", "%s depends on the shapes of its inputs and cannot be compiled "+
				"shapeless; compile without Shapeless", nd.prim.Name()))
		}
	}
}

// inferShapes returns the output shapes of nd for inputs ins.
func inferShapes(nd *tapeNode, ins []*Array) [][]int {
	r, ok := nd.prim.(shapeRule)
	if !ok {
		panic(newError("compile", "%s cannot be compiled shapeless", nd.prim.Name()))
	}
	return r.outputShapes(ins, nd.shapes)
}

// elementwiseShapes broadcasts the shapes of in.
func elementwiseShapes(op string, in []*Array) [][]int {
	shapes := make([][]int, len(in))
	for i, a := range in {
		shapes[i] = a.shape
	}
	return [][]int{broadcastShapes(op, shapes...)}
}

func (p unaryPrim) outputShapes(in []*Array, _ [][]int) [][]int { return [][]int{in[0].shape} }

func (p binaryPrim) outputShapes(in []*Array, _ [][]int) [][]int {
	return elementwiseShapes(p.name, in)
}

func (selectPrim) outputShapes(in []*Array, _ [][]int) [][]int { return elementwiseShapes("where", in) }

func (copyPrim) outputShapes(in []*Array, _ [][]int) [][]int { return [][]int{in[0].shape} }

func (contiguousPrim) outputShapes(in []*Array, _ [][]int) [][]int { return [][]int{in[0].shape} }

func (stopGradientPrim) outputShapes(in []*Array, _ [][]int) [][]int { return [][]int{in[0].shape} }

func (identityPrim) outputShapes(in []*Array, _ [][]int) [][]int { return [][]int{in[0].shape} }

func (p *fusedPrim) outputShapes(in []*Array, traced [][]int) [][]int {
	s := elementwiseShapes("compiled", in)[0]
	out := make([][]int, len(traced))
	for i := range out {
		out[i] = s
	}
	return out
}

// A reduction drops its axes, or keeps them with size one when its traced
// output kept the input's number of dimensions.
func (p reducePrim) outputShapes(in []*Array, traced [][]int) [][]int {
	shape := in[0].shape
	keep := len(traced[0]) == len(shape)
	var out []int
	for i, d := range shape {
		switch {
		case !slices.Contains(p.axes, i):
			out = append(out, d)
		case keep:
			out = append(out, 1)
		}
	}
	if out == nil {
		out = []int{}
	}
	return [][]int{out}
}

// A matrix product broadcasts the batch dimensions and keeps M (unless a
// is a vector) and N (unless b is).
func (p matmulPrim) outputShapes(in []*Array, _ [][]int) [][]int {
	a, b := in[0].shape, in[1].shape
	ab, bb := a[:len(a)-1], b[:len(b)-1]
	if !p.vecA {
		ab = a[:len(a)-2]
	}
	if !p.vecB {
		bb = b[:len(b)-2]
	}
	out := slices.Clone(broadcastShapes("matmul", ab, bb))
	if !p.vecA {
		out = append(out, a[len(a)-2])
	}
	if !p.vecB {
		out = append(out, b[len(b)-1])
	}
	if len(a) > 0 && len(b) > 1 && !p.vecB && !p.vecA && a[len(a)-1] != b[len(b)-2] {
		panic(newError("matmul", "shapes %s and %s do not fit", shapeString(a), shapeString(b)))
	}
	return [][]int{out}
}
