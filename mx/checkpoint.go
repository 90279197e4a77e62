package mx

// Checkpoint returns a function that computes f's result, but whose
// gradient recomputes f in the backward pass instead of keeping the arrays
// f computes inside: gradient checkpointing, as MLX's mx.checkpoint. It
// trades compute (f's forward runs twice) for memory: the backward pass of
// a chain of checkpointed blocks keeps only the inputs of each block alive,
// not every intermediate of every block.
//
// Only the inputs of the returned function get gradients: arrays f
// captures are constants, so pass the weights of a block as inputs:
//
//	layer := mx.Checkpoint(func(in []*mx.Array) []*mx.Array {
//		x, w, b := in[0], in[1], in[2]
//		return []*mx.Array{mx.Tanh(mx.Add(mx.Multiply(x, w), b))}
//	})
//	y := layer([]*mx.Array{x, w, b})[0]
//
// The recomputation waits for the cotangents of f's outputs, so it runs
// when the backward pass reaches the block, not during the forward pass.
// The scheduler orders a graph depth first from the arrays passed to Eval,
// in their order: pass the gradients of the last blocks first (the order
// the backward pass makes them), or the cotangents of every block are
// computed before any block's weight gradients and kept until then. Its
// JVP and vmap are those of f.
func Checkpoint(f func([]*Array) []*Array) func([]*Array) []*Array {
	if f == nil {
		panic(newError("checkpoint", "the function is nil"))
	}
	cf := NewCustomFunction(f).WithVJP(func(primals, cotangents, outputs []*Array) []*Array {
		_, vjps := VJP(f, depends(primals, cotangents), cotangents)
		return vjps
	})
	cf.name = "Checkpoint"
	return cf.Call
}

// depends returns views of inputs that are computed only after deps: the
// scheduler runs whatever uses them after deps are available. Their
// gradients pass through to inputs; deps get none.
func depends(inputs, deps []*Array) []*Array {
	shapes := make([][]int, len(inputs))
	dtypes := make([]Dtype, len(inputs))
	for i, in := range inputs {
		shapes[i], dtypes[i] = in.shape, in.dtype
	}
	all := append(append([]*Array{}, inputs...), deps...)
	return newNode(dependsPrim{n: len(inputs)}, DefaultStream(), all, shapes, dtypes)
}

// dependsPrim gives views of its first n inputs once all its inputs,
// the later ones included, are available.
type dependsPrim struct{ n int }

func (dependsPrim) Name() string { return "Depends" }

func (p dependsPrim) Eval(s Stream, in, out []*Array) error {
	for i, o := range out {
		o.shareView(in[i], in[i].strides, in[i].offset)
	}
	return nil
}

func (p dependsPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		if i < p.n {
			res[j] = cot[i]
		}
	}
	return res
}

func (p dependsPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	res := make([]*Array, p.n)
	for j, i := range argnums {
		if i < p.n {
			res[i] = tan[j]
		}
	}
	return res
}

func (p dependsPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	shapes := make([][]int, p.n)
	dtypes := make([]Dtype, p.n)
	for i := range shapes {
		shapes[i], dtypes[i] = in[i].shape, in[i].dtype
	}
	return newNode(p, s, in, shapes, dtypes), append([]int{}, axes[:p.n]...)
}
