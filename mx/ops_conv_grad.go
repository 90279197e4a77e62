package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Transform rules of convPrim. A convolution is linear in each input, and
// both cotangents are convolutions again (with the same primitive, so
// higher derivatives and vmap of gradients come for free). Along each
// spatial dimension, with D = (L-1)*idil + 1 the dilated input size,
// Gd = (O-1)*stride + 1 the dilated output size and Kd = (K-1)*kdil + 1
// the dilated kernel size:
//
//   - the input's cotangent convolves the cotangent g with the weight,
//     channels swapped within each group and flipped (unflipped for a
//     flipped convolution), g dilated by the stride, padded by Kd-1-lo
//     before and D-Gd+lo after, and read every idil elements;
//   - the weight's cotangent convolves the input (batch and channels
//     swapped, groups kept apart) with g (batch and channels swapped) as
//     the kernel, dilated by the stride and read every kdil elements; a
//     flipped convolution reverses the result.

// groupSwapWeight turns a weight [G*Og, K..., Cg] into [G*Cg, K..., Og]:
// the weight of the transposed convolution, group by group.
func groupSwapWeight(w *Array, groups int, s Stream) *Array {
	if groups == 1 {
		return SwapAxes(w, 0, -1, s)
	}
	shape := append([]int{groups, w.shape[0] / groups}, w.shape[1:]...)
	x := SwapAxes(Reshape(w, shape, s), 1, -1, s)
	return Flatten(x, StartAxis(0), EndAxis(1), s)
}

// groupSwapInput turns an input [N, S..., G*Cg] into [Cg, S..., G*N]: the
// channels of a group become the batch, and the batch the group's channels.
func groupSwapInput(x *Array, groups int, s Stream) *Array {
	if groups == 1 {
		return SwapAxes(x, 0, -1, s)
	}
	nd := x.Ndim()
	shape := append(slices.Clone(x.shape[:nd-1]), groups, x.shape[nd-1]/groups)
	y := SwapAxes(Reshape(x, shape, s), 0, -1, s)
	return Flatten(y, StartAxis(-2), EndAxis(-1), s)
}

func (c convPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	x, w, g := in[0], in[1], cot[0]
	res := make([]*Array, len(argnums))
	for i, arg := range argnums {
		if arg == 0 {
			res[i] = convInputCotangent(c.p, x.shape, w, g, s)
		} else {
			res[i] = convWeights(c.p, x, g, w.shape, s)
		}
	}
	return res
}

// convInputCotangent returns the cotangent of the input (of shape xShape)
// of a convolution with settings p and weight w, given the output's
// cotangent g.
func convInputCotangent(p core.ConvParams, xShape []int, w, g *Array, s Stream) *Array {
	nd := len(xShape) - 2
	if shapeSize(xShape) == 0 || slices.Contains(xShape[1:nd+1], 0) {
		return Zeros(xShape, g.dtype, s)
	}
	q := core.ConvParams{
		Stride: p.InputDilation, InputDilation: p.Stride, KernelDilation: p.KernelDilation,
		PadLo: make([]int, nd), PadHi: make([]int, nd), Groups: p.Groups, Flip: !p.Flip,
	}
	for j := range nd {
		d := dilateSize(xShape[j+1], p.InputDilation[j])
		gd := dilateSize(g.shape[j+1], p.Stride[j])
		kd := dilateSize(w.shape[j+1], p.KernelDilation[j])
		q.PadLo[j] = kd - 1 - p.PadLo[j]
		q.PadHi[j] = d - gd + p.PadLo[j]
	}
	return convNode("conv", g, groupSwapWeight(w, p.Groups, s), q, s)
}

// convWeightsByConv is the weight's cotangent written as a convolution of
// the input (batch and channels swapped) with g as the kernel; the
// primitive convWeightsPrim computes the same without the swapped copy.
// It serves as the reference of the tests.
func convWeightsByConv(p core.ConvParams, x, g *Array, wShape []int, s Stream) *Array {
	nd := x.Ndim() - 2
	q := core.ConvParams{
		Stride: p.KernelDilation, KernelDilation: p.Stride, InputDilation: p.InputDilation,
		PadLo: slices.Clone(p.PadLo), PadHi: make([]int, nd), Groups: p.Groups,
	}
	for j := range nd {
		d := dilateSize(x.shape[j+1], p.InputDilation[j])
		gd := dilateSize(g.shape[j+1], p.Stride[j])
		kd := dilateSize(wShape[j+1], p.KernelDilation[j])
		q.PadHi[j] = kd - 1 + gd - d - p.PadLo[j]
	}
	r := convNode("conv", groupSwapInput(x, p.Groups, s), SwapAxes(g, 0, -1, s), q, s)
	if p.Flip {
		axes := make([]int, nd)
		for j := range axes {
			axes[j] = j + 1
		}
		r = Flip(r, Axes(axes...), s)
	}
	return SwapAxes(r, 0, -1, s)
}

// convWeights records the weight's cotangent of a convolution with
// settings p of x, given the output's cotangent g.
func convWeights(p core.ConvParams, x, g *Array, wShape []int, s Stream) *Array {
	return newArray(convWeightsPrim{p: p, wShape: slices.Clone(wShape)}, s,
		[]*Array{x, Contiguous(g, s)}, slices.Clone(wShape), x.dtype)
}

// convWeightsPrim is the cotangent of a convolution's weight, of shape
// wShape, from the convolution's input and its output's cotangent
// (inputs 0 and 1). It is bilinear: <H, dW(x, g)> = <g, conv(x, H)>.
type convWeightsPrim struct {
	p      core.ConvParams
	wShape []int
}

func (convWeightsPrim) Name() string { return "ConvolutionWeights" }

func (c convWeightsPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ConvKernels]("conv", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.ConvWeights(in[0].view(), in[1].view(), out[0].view(), c.p)
}

func (c convWeightsPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	x, g, h := in[0], in[1], cot[0]
	res := make([]*Array, len(argnums))
	for i, arg := range argnums {
		if arg == 0 {
			res[i] = convInputCotangent(c.p, x.shape, h, g, s)
		} else {
			res[i] = convNode("conv", x, h, c.p, s)
		}
	}
	return res
}

func (c convWeightsPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	var acc *Array
	for i, arg := range argnums {
		var t *Array
		if arg == 0 {
			t = convWeights(c.p, tan[i], in[1], c.wShape, s)
		} else {
			t = convWeights(c.p, in[0], tan[i], c.wShape, s)
		}
		if acc == nil {
			acc = t
		} else {
			acc = Add(acc, t, s)
		}
	}
	return []*Array{acc}
}

// Vmap: each example becomes a group of its own: the examples' channels
// side by side, groups times the batch size.
func (c convWeightsPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, g := in[0], in[1]
	v := 0
	if axes[0] >= 0 {
		x, v = MoveAxis(x, axes[0], 0, s), x.shape[axes[0]]
	}
	if axes[1] >= 0 {
		g, v = MoveAxis(g, axes[1], 0, s), g.shape[axes[1]]
	}
	if axes[0] < 0 {
		x = BroadcastTo(ExpandDims(x, 0, s), append([]int{v}, x.shape...), s)
	}
	if axes[1] < 0 {
		g = BroadcastTo(ExpandDims(g, 0, s), append([]int{v}, g.shape...), s)
	}
	fold := func(a *Array) *Array {
		return Flatten(MoveAxis(a, 0, -2, s), StartAxis(-2), EndAxis(-1), s)
	}
	q := c.p
	q.Groups *= v
	ws := slices.Clone(c.wShape)
	ws[0] *= v
	r := convWeights(q, fold(x), fold(g), ws, s)
	return []*Array{Unflatten(r, 0, []int{v, c.wShape[0]}, s)}, []int{0}
}

// JVP: the tangent is conv(tx, w) + conv(x, tw).
func (c convPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	var acc *Array
	for i, arg := range argnums {
		var t *Array
		if arg == 0 {
			t = convNode("conv", tan[i], in[1], c.p, s)
		} else {
			t = convNode("conv", in[0], tan[i], c.p, s)
		}
		if acc == nil {
			acc = t
		} else {
			acc = Add(acc, t, s)
		}
	}
	return []*Array{acc}
}

// Vmap: a batched input folds into the convolution's batch; a batched
// weight into its output channels; both batched, into groups (each example
// a group of its own channels).
func (c convPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, w := in[0], in[1]
	xb, wb := axes[0] >= 0, axes[1] >= 0
	switch {
	case xb && !wb:
		x = MoveAxis(x, axes[0], 0, s)
		r := convNode("conv", Flatten(x, StartAxis(0), EndAxis(1), s), w, c.p, s)
		return []*Array{Unflatten(r, 0, x.shape[:2], s)}, []int{0}
	case !xb && wb:
		w = MoveAxis(w, axes[1], 0, s)
		if g := c.p.Groups; g > 1 {
			// The output channels of a group must stay together: the
			// weights' channels are ordered [G, B, Og], and the result's
			// channels brought back to [B, G*Og].
			b, og := w.shape[0], w.shape[1]/g
			wg := Reshape(w, append([]int{b, g, og}, w.shape[2:]...), s)
			wg = Flatten(SwapAxes(wg, 0, 1, s), StartAxis(0), EndAxis(2), s)
			r := Unflatten(convNode("conv", x, wg, c.p, s), -1, []int{g, b, og}, s)
			r = Flatten(SwapAxes(r, -3, -2, s), StartAxis(-2), EndAxis(-1), s)
			return []*Array{r}, []int{r.Ndim() - 2}
		}
		r := convNode("conv", x, Flatten(w, StartAxis(0), EndAxis(1), s), c.p, s)
		r = Unflatten(r, -1, w.shape[:2], s)
		return []*Array{r}, []int{r.Ndim() - 2}
	case xb && wb:
		b := x.shape[axes[0]]
		x = Flatten(MoveAxis(x, axes[0], -2, s), StartAxis(-2), EndAxis(-1), s)
		w = MoveAxis(w, axes[1], 0, s)
		cout := w.shape[1]
		w = Flatten(w, StartAxis(0), EndAxis(1), s)
		q := c.p
		q.Groups *= b
		r := convNode("conv", x, w, q, s)
		return []*Array{Unflatten(r, -1, []int{b, cout}, s)}, []int{r.Ndim() - 1}
	}
	return []*Array{convNode("conv", x, w, c.p, s)}, []int{-1}
}
