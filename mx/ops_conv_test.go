package mx

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// forIndex calls fn with every multi-index of shape in row-major order.
func forIndex(shape []int, fn func(idx []int)) {
	if shapeSize(shape) == 0 {
		return
	}
	idx := make([]int, len(shape))
	for {
		fn(idx)
		d := len(shape) - 1
		for ; d >= 0; d-- {
			if idx[d]++; idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// convFlat returns the row-major position of idx in shape.
func convFlat(shape, idx []int) int {
	f := 0
	for d := range shape {
		f = f*shape[d] + idx[d]
	}
	return f
}

// refConv is the general convolution computed directly in float64 from its
// definition: output (n, o..., co) sums, over kernel positions k and the
// group's channels ci, the dilated, padded input at o*stride + k'*kdil
// (k' = K-1-k when flipped) times the weight at (co, k..., ci).
func refConv(x, w *Array, p core.ConvParams) *Array {
	xs, ws := x.Shape(), w.Shape()
	xv, wv := ToSlice[float64](x), ToSlice[float64](w)
	nd := len(xs) - 2
	out := []int{xs[0]}
	for j := 0; j < nd; j++ {
		span := dilateSize(xs[j+1], p.InputDilation[j]) + p.PadLo[j] + p.PadHi[j] - dilateSize(ws[j+1], p.KernelDilation[j])
		out = append(out, span/p.Stride[j]+1)
	}
	out = append(out, ws[0])
	g := p.Groups
	cg, og := xs[nd+1]/g, ws[0]/g
	res := make([]float64, shapeSize(out))
	kshape := append(append([]int{}, ws[1:nd+1]...), cg)
	xi := make([]int, nd+2)
	wi := make([]int, nd+2)
	forIndex(out, func(o []int) {
		co := o[nd+1]
		grp := co / og
		sum := 0.0
		forIndex(kshape, func(k []int) {
			xi[0] = o[0]
			for j := 0; j < nd; j++ {
				e := k[j]
				if p.Flip {
					e = ws[j+1] - 1 - e
				}
				pos := o[j+1]*p.Stride[j] + e*p.KernelDilation[j] - p.PadLo[j]
				if pos < 0 || pos%p.InputDilation[j] != 0 || pos/p.InputDilation[j] >= xs[j+1] {
					return
				}
				xi[j+1] = pos / p.InputDilation[j]
			}
			xi[nd+1] = grp*cg + k[nd]
			wi[0] = co
			copy(wi[1:], k)
			sum += xv[convFlat(xs, xi)] * wv[convFlat(ws, wi)]
		})
		res[convFlat(out, o)] = sum
	})
	return Reshape(NewArray(res), out)
}

// convParams fills in a core.ConvParams for nd spatial dimensions: nil
// slices become the defaults.
func convParams(nd int, stride, lo, hi, kdil, idil []int, groups int, flip bool) core.ConvParams {
	def := func(v []int, d int) []int {
		if v != nil {
			return v
		}
		out := make([]int, nd)
		for i := range out {
			out[i] = d
		}
		return out
	}
	return core.ConvParams{Stride: def(stride, 1), PadLo: def(lo, 0), PadHi: def(hi, 0),
		KernelDilation: def(kdil, 1), InputDilation: def(idil, 1), Groups: groups, Flip: flip}
}

// refConvTranspose is the transposed convolution by its definition: each
// input element (n, i..., ci) spreads input*weight to output position
// i*stride + k*dil - padding, for output channel co of its group; the
// weight is [C_out, K..., C_in/groups] as MLX has it.
func refConvTranspose(x, w *Array, stride, pad, dil, outPad []int, groups int) *Array {
	xs, ws := x.Shape(), w.Shape()
	xv, wv := ToSlice[float64](x), ToSlice[float64](w)
	nd := len(xs) - 2
	out := []int{xs[0]}
	for j := 0; j < nd; j++ {
		out = append(out, (xs[j+1]-1)*stride[j]-2*pad[j]+dil[j]*(ws[j+1]-1)+outPad[j]+1)
	}
	out = append(out, ws[0])
	cg, og := xs[nd+1]/groups, ws[0]/groups
	res := make([]float64, shapeSize(out))
	oi := make([]int, nd+2)
	wi := make([]int, nd+2)
	forIndex(xs, func(i []int) {
		grp := i[nd+1] / cg
		forIndex(append([]int{og}, ws[1:nd+1]...), func(k []int) {
			oi[0] = i[0]
			for j := 0; j < nd; j++ {
				pos := i[j+1]*stride[j] + k[j+1]*dil[j] - pad[j]
				if pos < 0 || pos >= out[j+1] {
					return
				}
				oi[j+1] = pos
			}
			co := grp*og + k[0]
			oi[nd+1] = co
			wi[0] = co
			copy(wi[1:], k[1:])
			wi[nd+1] = i[nd+1] - grp*cg
			res[convFlat(out, oi)] += xv[convFlat(xs, i)] * wv[convFlat(ws, wi)]
		})
	})
	return Reshape(NewArray(res), out)
}

// refConvolve is numpy.convolve's full mode, cut to the mode's length.
func refConvolve(a, v []float64, mode string) []float64 {
	if len(a) < len(v) {
		a, v = v, a
	}
	full := make([]float64, len(a)+len(v)-1)
	for i := range a {
		for j := range v {
			full[i+j] += a[i] * v[j]
		}
	}
	switch mode {
	case "same":
		start := (len(v) - 1) / 2
		return full[start : start+len(a)]
	case "valid":
		return full[len(v)-1 : len(a)]
	}
	return full
}

// convTol is the tolerance of the op table's conv rows in dtype dt.
func convTol(dt Dtype) float64 {
	switch dt {
	case Float16:
		return 1e-2
	case Bfloat16:
		return 6e-2
	case Float32:
		return 1e-5
	}
	return 1e-12
}

func init() {
	r := rand.New(rand.NewPCG(11, 12))
	type row struct {
		name  string
		x, w  []int
		opts  []Option
		p     core.ConvParams
		op    func(x, w *Array, opts ...Option) *Array
		xview func(*Array) *Array // a strided view of the input, or nil
	}
	p1 := func(stride, lo, hi, kdil, idil []int, g int, flip bool) core.ConvParams {
		return convParams(1, stride, lo, hi, kdil, idil, g, flip)
	}
	p2 := func(stride, lo, hi, kdil, idil []int, g int, flip bool) core.ConvParams {
		return convParams(2, stride, lo, hi, kdil, idil, g, flip)
	}
	p3 := func(stride, lo, hi, kdil, idil []int, g int, flip bool) core.ConvParams {
		return convParams(3, stride, lo, hi, kdil, idil, g, flip)
	}
	rows := []row{
		{name: "conv1d/plain", x: []int{2, 9, 3}, w: []int{4, 3, 3}, op: Conv1d, p: p1(nil, nil, nil, nil, nil, 1, false)},
		{name: "conv1d/stride_pad_dilation", x: []int{2, 11, 3}, w: []int{2, 3, 3}, op: Conv1d,
			opts: []Option{Stride(2), Padding(2), Dilation(2)}, p: p1([]int{2}, []int{2}, []int{2}, []int{2}, nil, 1, false)},
		{name: "conv1d/groups", x: []int{2, 7, 6}, w: []int{6, 3, 2}, op: Conv1d,
			opts: []Option{Groups(3), Padding(1)}, p: p1(nil, []int{1}, []int{1}, nil, nil, 3, false)},
		{name: "conv1d/depthwise", x: []int{1, 8, 4}, w: []int{4, 5, 1}, op: Conv1d,
			opts: []Option{Groups(4), Padding(2)}, p: p1(nil, []int{2}, []int{2}, nil, nil, 4, false)},
		{name: "conv1d/empty_batch", x: []int{0, 6, 2}, w: []int{3, 2, 2}, op: Conv1d, p: p1(nil, nil, nil, nil, nil, 1, false)},
		{name: "conv2d/plain", x: []int{2, 6, 5, 3}, w: []int{4, 3, 3, 3}, op: Conv2d, p: p2(nil, nil, nil, nil, nil, 1, false)},
		{name: "conv2d/resnet_like", x: []int{2, 8, 8, 16}, w: []int{24, 3, 3, 16}, op: Conv2d,
			opts: []Option{Padding(1)}, p: p2(nil, []int{1, 1}, []int{1, 1}, nil, nil, 1, false)},
		{name: "conv2d/per_dim", x: []int{1, 9, 8, 2}, w: []int{3, 3, 2, 2}, op: Conv2d,
			opts: []Option{Stride(2, 1), Padding(1, 0), Dilation(1, 2)}, p: p2([]int{2, 1}, []int{1, 0}, []int{1, 0}, []int{1, 2}, nil, 1, false)},
		{name: "conv2d/groups", x: []int{2, 5, 5, 4}, w: []int{6, 2, 2, 2}, op: Conv2d,
			opts: []Option{Groups(2), Stride(2), Padding(1)}, p: p2([]int{2, 2}, []int{1, 1}, []int{1, 1}, nil, nil, 2, false)},
		{name: "conv2d/1x1", x: []int{2, 4, 3, 5}, w: []int{7, 1, 1, 5}, op: Conv2d, p: p2(nil, nil, nil, nil, nil, 1, false)},
		{name: "conv2d/many_channels", x: []int{1, 5, 5, 70}, w: []int{40, 3, 3, 70}, op: Conv2d,
			opts: []Option{Padding(1)}, p: p2(nil, []int{1, 1}, []int{1, 1}, nil, nil, 1, false)},
		{name: "conv2d/strided_input", x: []int{2, 5, 6, 3}, w: []int{2, 3, 2, 3}, op: Conv2d,
			p:     p2(nil, nil, nil, nil, nil, 1, false),
			xview: func(a *Array) *Array { return Contiguous(a) }},
		{name: "conv3d/plain", x: []int{1, 4, 5, 4, 2}, w: []int{3, 2, 3, 2, 2}, op: Conv3d, p: p3(nil, nil, nil, nil, nil, 1, false)},
		{name: "conv3d/stride_pad_dilation_groups", x: []int{2, 5, 4, 6, 4}, w: []int{4, 2, 2, 3, 2}, op: Conv3d,
			opts: []Option{Stride(1, 2, 1), Padding(1, 0, 2), Dilation(2, 1, 1), Groups(2)},
			p:    p3([]int{1, 2, 1}, []int{1, 0, 2}, []int{1, 0, 2}, []int{2, 1, 1}, nil, 2, false)},
		{name: "conv_general/input_dilation_flip", x: []int{2, 4, 3}, w: []int{2, 3, 3}, op: ConvGeneral,
			opts: []Option{InputDilation(2), FlipKernel, Padding(1)}, p: p1(nil, []int{1}, []int{1}, nil, []int{2}, 1, true)},
		{name: "conv_general/asymmetric_padding", x: []int{1, 5, 4, 2}, w: []int{3, 2, 3, 2}, op: ConvGeneral,
			opts: []Option{PaddingLoHi([]int{0, 2}, []int{1, 0}), Stride(2, 1)}, p: p2([]int{2, 1}, []int{0, 2}, []int{1, 0}, nil, nil, 1, false)},
		{name: "conv_general/negative_padding", x: []int{1, 9, 2}, w: []int{2, 2, 2}, op: ConvGeneral,
			opts: []Option{PaddingLoHi([]int{-2}, []int{-1}), InputDilation(2)}, p: p1(nil, []int{-2}, []int{-1}, nil, []int{2}, 1, false)},
		{name: "conv_general/everything", x: []int{2, 4, 5, 4}, w: []int{4, 2, 3, 2}, op: ConvGeneral,
			opts: []Option{Stride(2, 1), PaddingLoHi([]int{1, 2}, []int{2, 0}), Dilation(2, 1), InputDilation(1, 2), Groups(2), FlipKernel},
			p:    p2([]int{2, 1}, []int{1, 2}, []int{2, 0}, []int{2, 1}, []int{1, 2}, 2, true)},
		{name: "conv_general/4d", x: []int{1, 3, 3, 2, 3, 2}, w: []int{2, 2, 1, 2, 2, 2}, op: ConvGeneral,
			opts: []Option{Padding(1)}, p: convParams(4, nil, []int{1, 1, 1, 1}, []int{1, 1, 1, 1}, nil, nil, 1, false)},
	}
	for _, rw := range rows {
		x, w := randArray(r, -1, 1, rw.x...), randArray(r, -1, 1, rw.w...)
		want := refConv(x, w, rw.p)
		for _, dt := range []Dtype{Float32, Float64, Float16, Bfloat16} {
			xin, win := AsType(x, dt), AsType(w, dt)
			if rw.xview != nil {
				// A transposed copy, read back through a transpose: the
				// input the op sees is a strided view.
				perm := []int{0, 2, 1, 3}
				xin = Transpose(rw.xview(Transpose(xin, Axes(perm...))), Axes(perm...))
				win = Transpose(rw.xview(Transpose(win, Axes(perm...))), Axes(perm...))
			}
			opts, op := rw.opts, rw.op
			addCases(opCase{
				name: rw.name + "/" + dt.String(),
				in:   []*Array{xin, win},
				op: func(in []*Array, o ...Option) *Array {
					return op(in[0], in[1], append(append([]Option{}, opts...), o...)...)
				},
				want: AsType(want, dt),
				tol:  convTol(dt),
			})
		}
	}

	// Transposed convolutions.
	type trow struct {
		name                  string
		x, w                  []int
		stride, pad, dil, out []int
		groups                int
		op                    func(x, w *Array, opts ...Option) *Array
	}
	trows := []trow{
		{name: "conv_transpose1d/plain", x: []int{2, 5, 3}, w: []int{2, 3, 3}, stride: []int{1}, pad: []int{0}, dil: []int{1}, out: []int{0}, groups: 1, op: ConvTranspose1d},
		{name: "conv_transpose1d/stride_pad_outpad", x: []int{2, 5, 3}, w: []int{4, 3, 3}, stride: []int{3}, pad: []int{1}, dil: []int{1}, out: []int{2}, groups: 1, op: ConvTranspose1d},
		{name: "conv_transpose1d/dilation_groups", x: []int{1, 4, 4}, w: []int{6, 3, 2}, stride: []int{2}, pad: []int{2}, dil: []int{2}, out: []int{1}, groups: 2, op: ConvTranspose1d},
		{name: "conv_transpose2d/stride2", x: []int{2, 3, 4, 3}, w: []int{2, 3, 3, 3}, stride: []int{2, 2}, pad: []int{1, 1}, dil: []int{1, 1}, out: []int{1, 1}, groups: 1, op: ConvTranspose2d},
		{name: "conv_transpose2d/per_dim", x: []int{1, 3, 3, 2}, w: []int{3, 2, 3, 2}, stride: []int{1, 2}, pad: []int{0, 1}, dil: []int{2, 1}, out: []int{0, 1}, groups: 1, op: ConvTranspose2d},
		{name: "conv_transpose3d/stride_groups", x: []int{1, 2, 3, 2, 4}, w: []int{4, 2, 2, 3, 2}, stride: []int{2, 1, 2}, pad: []int{0, 1, 1}, dil: []int{1, 1, 1}, out: []int{1, 0, 0}, groups: 2, op: ConvTranspose3d},
	}
	for _, rw := range trows {
		x, w := randArray(r, -1, 1, rw.x...), randArray(r, -1, 1, rw.w...)
		want := refConvTranspose(x, w, rw.stride, rw.pad, rw.dil, rw.out, rw.groups)
		opts := []Option{Stride(rw.stride...), Padding(rw.pad...), Dilation(rw.dil...), OutputPadding(rw.out...), Groups(rw.groups)}
		op := rw.op
		for _, dt := range []Dtype{Float32, Float64} {
			addCases(opCase{
				name: rw.name + "/" + dt.String(),
				in:   []*Array{AsType(x, dt), AsType(w, dt)},
				op: func(in []*Array, o ...Option) *Array {
					return op(in[0], in[1], append(append([]Option{}, opts...), o...)...)
				},
				want: AsType(want, dt),
				tol:  convTol(dt),
			})
		}
	}

	// Convolve in its three modes, with both orders of lengths.
	for _, mode := range []string{"full", "same", "valid"} {
		for _, lens := range [][2]int{{7, 3}, {6, 4}, {2, 5}, {1, 1}} {
			a, v := randArray(r, -1, 1, lens[0]), randArray(r, -1, 1, lens[1])
			want := NewArray(refConvolve(ToSlice[float64](a), ToSlice[float64](v), mode))
			m := mode
			addCases(opCase{
				name: "convolve/" + mode + "/" + shapeString([]int{lens[0], lens[1]}),
				in:   []*Array{a, v},
				op: func(in []*Array, o ...Option) *Array {
					return Convolve(in[0], in[1], append([]Option{ConvolveMode(m)}, o...)...)
				},
				want: want,
				tol:  1e-12,
			})
		}
	}
	addCases(opCase{
		name: "convolve/int_and_float32",
		in:   []*Array{NewArray([]int32{1, 2, 3}), NewArray([]float32{0, 1, 0.5})},
		op:   func(in []*Array, o ...Option) *Array { return Convolve(in[0], in[1], o...) },
		want: NewArray([]float32{0, 1, 2.5, 4, 1.5}),
	})

	// Gradients and vmap, on small shapes.
	g := func(name string, xs, ws []int, p core.ConvParams, inAxes []int) gradCase {
		return gradCase{
			name:   "conv/" + name,
			f:      func(in []*Array) *Array { return convNode("conv", in[0], in[1], p, DefaultStream()) },
			in:     []*Array{randArray(r, -1, 1, xs...), randArray(r, -1, 1, ws...)},
			inAxes: inAxes,
		}
	}
	addGradCases(
		g("1d", []int{2, 5, 2}, []int{3, 3, 2}, p1(nil, []int{1}, []int{1}, nil, nil, 1, false), nil),
		g("1d_stride_dilation", []int{1, 7, 2}, []int{2, 2, 2}, p1([]int{2}, []int{1}, []int{0}, []int{2}, nil, 1, false), nil),
		g("1d_input_dilation_flip", []int{1, 3, 2}, []int{2, 3, 2}, p1([]int{2}, []int{2}, []int{1}, nil, []int{2}, 1, true), nil),
		g("1d_negative_padding", []int{1, 6, 1}, []int{2, 2, 1}, p1(nil, []int{-1}, []int{-2}, nil, []int{2}, 1, false), nil),
		g("1d_groups", []int{1, 4, 4}, []int{4, 2, 2}, p1(nil, []int{1}, []int{1}, nil, nil, 2, false), nil),
		g("1d_groups_vmap_weight", []int{1, 4, 4}, []int{4, 2, 2}, p1(nil, []int{1}, []int{1}, nil, nil, 2, false), []int{NoAxis, 1}),
		g("1d_vmap_input", []int{2, 4, 2}, []int{2, 2, 2}, p1([]int{2}, []int{1}, []int{1}, nil, nil, 1, false), []int{2, NoAxis}),
		g("1d_vmap_weight", []int{1, 4, 2}, []int{2, 2, 2}, p1(nil, nil, nil, nil, nil, 1, true), []int{NoAxis, 2}),
		g("2d", []int{1, 3, 4, 2}, []int{2, 2, 2, 2}, p2([]int{2, 1}, []int{1, 0}, []int{0, 1}, []int{1, 2}, nil, 1, false), nil),
		g("2d_everything", []int{1, 3, 3, 2}, []int{2, 2, 2, 1}, p2([]int{1, 2}, []int{1, 0}, []int{0, 1}, []int{2, 1}, []int{1, 2}, 2, true), []int{1, 0}),
		g("3d", []int{1, 2, 3, 2, 1}, []int{2, 2, 2, 1, 1}, p3(nil, []int{1, 0, 0}, []int{0, 0, 1}, nil, nil, 1, false), nil),
	)
	addGradCases(gradCase{
		name: "conv/transpose2d",
		f: func(in []*Array) *Array {
			return ConvTranspose2d(in[0], in[1], Stride(2), Padding(1), OutputPadding(1))
		},
		in: []*Array{randArray(r, -1, 1, 1, 2, 2, 2), randArray(r, -1, 1, 2, 3, 3, 2)},
	}, gradCase{
		name: "conv/convolve",
		f:    func(in []*Array) *Array { return Convolve(in[0], in[1], ConvolveMode("same")) },
		in:   []*Array{randArray(r, -1, 1, 6), randArray(r, -1, 1, 3)},
	})
}

func TestConvGradOfGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	x, w := randArray(r, -1, 1, 1, 4, 2), randArray(r, -1, 1, 2, 2, 2)
	// d/dw of sum(conv(x, w)^2) is linear in... its own derivative along
	// x is checked by finite differences of the first gradient.
	f := func(x, w *Array) *Array { return Sum(Square(Conv1d(x, w, Padding(1)))) }
	gw := func(in []*Array) *Array { return Grad(f, 1)(in[0], in[1]) }
	const h = 1e-6
	cot := randArray(r, -1, 1, 2, 2, 2)
	_, vjps := VJP(func(in []*Array) []*Array { return []*Array{gw(in)} }, []*Array{x, w}, []*Array{cot})
	got := ToSlice[float64](vjps[0])
	for j := range got {
		want := (dot(gw([]*Array{perturbed(x, j, h), w}), cot) - dot(gw([]*Array{perturbed(x, j, -h), w}), cot)) / (2 * h)
		if !closeReal(got[j], want, 1e-5) {
			t.Fatalf("element %d: got %v, finite differences %v", j, got[j], want)
		}
	}
}

func TestConvErrors(t *testing.T) {
	x, w := Zeros([]int{1, 5, 4}), Zeros([]int{2, 3, 4})
	cases := map[string]func(){
		"rank":           func() { Conv2d(x, w) },
		"weight rank":    func() { Conv1d(x, Zeros([]int{2, 3})) },
		"channels":       func() { Conv1d(x, Zeros([]int{2, 3, 3})) },
		"groups":         func() { Conv1d(x, Zeros([]int{3, 3, 2}), Groups(2)) },
		"groups zero":    func() { Conv1d(x, w, Groups(0)) },
		"integer":        func() { Conv1d(Zeros([]int{1, 5, 4}, Int32), Zeros([]int{2, 3, 4}, Int32)) },
		"complex":        func() { Conv1d(AsType(x, Complex64), w) },
		"too small":      func() { Conv1d(x, Zeros([]int{2, 7, 4})) },
		"stride zero":    func() { Conv1d(x, w, Stride(0)) },
		"padding count":  func() { Conv2d(Zeros([]int{1, 5, 5, 4}), Zeros([]int{2, 3, 3, 4}), Padding(1, 2, 3)) },
		"negative pad":   func() { Conv1d(x, w, Padding(-1)) },
		"flip on conv1d": func() { Conv1d(x, w, FlipKernel) },
		"both paddings":  func() { ConvGeneral(x, w, Padding(1), PaddingLoHi([]int{1}, []int{1})) },
		"conv option":    func() { Sum(x, Stride(2)) },
		"convolve 2d":    func() { Convolve(Zeros([]int{2, 2}), Zeros([]int{2})) },
		"convolve empty": func() { Convolve(Zeros([]int{0}), Zeros([]int{2})) },
		"convolve mode":  func() { Convolve(Zeros([]int{3}), Zeros([]int{2}), ConvolveMode("middle")) },
		"conv_general 0": func() { ConvGeneral(Zeros([]int{4, 4}), Zeros([]int{4, 4})) },
	}
	for name, f := range cases {
		err := Catch(f)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", name, err)
		}
	}
}

// BenchmarkConv2dResNet times a ResNet 3x3 convolution: batch 32, 64 to 64
// channels, 56x56, stride 1, padding 1, float32 (7.4 GFLOP forward; the
// backward pass computes the input's and the weight's cotangents, twice
// that).
func BenchmarkConv2dResNet(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := AsType(randArray(r, -1, 1, 32, 56, 56, 64), Float32)
	w := AsType(randArray(r, -0.1, 0.1, 64, 3, 3, 64), Float32)
	Eval(x, w)
	const flops = 2.0 * 32 * 56 * 56 * 64 * 64 * 9
	b.Run("forward", func(b *testing.B) {
		for b.Loop() {
			Eval(Conv2d(x, w, Padding(1)))
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("backward", func(b *testing.B) {
		g := AsType(randArray(r, -1, 1, 32, 56, 56, 64), Float32)
		Eval(g)
		f := func(in []*Array) []*Array { return []*Array{Conv2d(in[0], in[1], Padding(1))} }
		for b.Loop() {
			_, vjps := VJP(f, []*Array{x, w}, []*Array{g})
			Eval(vjps...)
		}
		b.ReportMetric(2*flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// TestConvGolden checks convolutions against PyTorch and einsums against
// NumPy (testdata/conv.json, written by scripts/golden/conv.py).
func TestConvGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/conv.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Op         string
		XShape     []int `json:"x_shape"`
		WShape     []int `json:"w_shape"`
		X, W       []float64
		Args       map[string]json.RawMessage
		Subscripts string
		Shapes     [][]int
		Operands   [][]float64
		Path       [][]int
		OutShape   []int `json:"out_shape"`
		Out        []float64
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	ints := func(args map[string]json.RawMessage, name string) []int {
		var v []int
		if a, ok := args[name]; ok {
			if err := json.Unmarshal(a, &v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		return v
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d/%s", i, c.Op), func(t *testing.T) {
			want := Reshape(NewArray(c.Out), c.OutShape)
			if c.Op == "einsum" {
				var ops []*Array
				for k, sh := range c.Shapes {
					ops = append(ops, Reshape(NewArray(c.Operands[k]), sh))
				}
				if msg := compareArrays(Einsum(c.Subscripts, ops...), want, 1e-12); msg != "" {
					t.Fatalf("%s: %s", c.Subscripts, msg)
				}
				if path, _ := EinsumPath(c.Subscripts, ops...); len(ops) > 1 && fmt.Sprint(path) != fmt.Sprint(c.Path) {
					t.Errorf("%s: path %v, NumPy's %v", c.Subscripts, path, c.Path)
				}
				return
			}
			x, w := Reshape(NewArray(c.X), c.XShape), Reshape(NewArray(c.W), c.WShape)
			var opts []Option
			if v := ints(c.Args, "stride"); v != nil {
				opts = append(opts, Stride(v...))
			}
			if v := ints(c.Args, "padding"); v != nil {
				opts = append(opts, Padding(v...))
			}
			if v := ints(c.Args, "dilation"); v != nil {
				opts = append(opts, Dilation(v...))
			}
			if v := ints(c.Args, "output_padding"); v != nil {
				opts = append(opts, OutputPadding(v...))
			}
			if v := ints(c.Args, "input_dilation"); v != nil {
				opts = append(opts, InputDilation(v...))
			}
			if lo := ints(c.Args, "lo"); lo != nil {
				opts = append(opts, PaddingLoHi(lo, ints(c.Args, "hi")))
			}
			if g, ok := c.Args["groups"]; ok {
				var n int
				if err := json.Unmarshal(g, &n); err != nil {
					t.Fatal(err)
				}
				opts = append(opts, Groups(n))
			}
			if string(c.Args["flip"]) == "true" {
				opts = append(opts, FlipKernel)
			}
			nd := len(c.XShape) - 2
			var got *Array
			switch c.Op {
			case "conv":
				got = []func(x, w *Array, opts ...Option) *Array{Conv1d, Conv2d, Conv3d}[nd-1](x, w, opts...)
			case "conv_transpose":
				got = []func(x, w *Array, opts ...Option) *Array{ConvTranspose1d, ConvTranspose2d, ConvTranspose3d}[nd-1](x, w, opts...)
			default:
				got = ConvGeneral(x, w, opts...)
			}
			for _, dt := range []Dtype{Float64, Float32} {
				if msg := compareArrays(AsType(got, dt), AsType(want, dt), 1e-6); msg != "" {
					t.Fatalf("%v: %s", dt, msg)
				}
			}
			if c.Op == "conv" {
				// ConvGeneral takes the same options.
				if msg := compareArrays(ConvGeneral(x, w, opts...), want, 1e-12); msg != "" {
					t.Fatalf("as conv_general: %s", msg)
				}
			}
		})
	}
}

func init() {
	r := rand.New(rand.NewPCG(51, 52))
	// The weight cotangent's own primitive against its formula as a
	// convolution, and its rules.
	type wrow struct {
		name   string
		x, w   []int
		p      core.ConvParams
		inAxes []int
	}
	rows := []wrow{
		{"1d", []int{2, 7, 2}, []int{3, 3, 2}, convParams(1, []int{2}, []int{1}, []int{2}, nil, nil, 1, false), nil},
		{"1d_flip_dilations", []int{1, 5, 2}, []int{2, 2, 2}, convParams(1, nil, []int{1}, []int{0}, []int{2}, []int{2}, 1, true), []int{0, NoAxis}},
		{"2d_groups", []int{2, 4, 3, 4}, []int{4, 2, 2, 2}, convParams(2, []int{1, 2}, []int{1, 0}, []int{0, 1}, nil, nil, 2, false), []int{NoAxis, 1}},
		{"3d", []int{1, 3, 3, 2, 2}, []int{2, 2, 1, 2, 2}, convParams(3, nil, []int{1, 0, 0}, []int{0, 1, 0}, nil, nil, 1, false), nil},
	}
	for _, rw := range rows {
		x, w := randArray(r, -1, 1, rw.x...), randArray(r, -1, 1, rw.w...)
		y := refConv(x, w, rw.p)
		g := randArray(r, -1, 1, y.Shape()...)
		p, ws := rw.p, rw.w
		want := convWeightsByConv(p, x, g, ws, DefaultStream())
		for _, dt := range []Dtype{Float64, Float32, Float16} {
			addCases(opCase{
				name: "conv_weights/" + rw.name + "/" + dt.String(),
				in:   []*Array{AsType(x, dt), AsType(g, dt)},
				op: func(in []*Array, o ...Option) *Array {
					return convWeights(p, in[0], in[1], ws, parseOptions("conv", optStream, o).stream)
				},
				want: AsType(want, dt),
				tol:  convTol(dt) * 4,
			})
		}
		addGradCases(gradCase{
			name:   "conv/weights_" + rw.name,
			f:      func(in []*Array) *Array { return convWeights(p, in[0], in[1], ws, DefaultStream()) },
			in:     []*Array{x, g},
			inAxes: rw.inAxes,
		})
	}
	// Channels in the numbers the CPU's direct kernels take (64 input
	// channels; output channels past a whole number of tiles), with
	// padding on every side: values only, the rules being checked above.
	x, ws := randArray(r, -1, 1, 2, 4, 5, 64), []int{7, 3, 3, 64}
	p := convParams(2, nil, []int{1, 1}, []int{1, 1}, nil, nil, 1, false)
	g := randArray(r, -1, 1, 2, 4, 5, 7)
	want := convWeightsByConv(p, x, g, ws, DefaultStream())
	for _, dt := range []Dtype{Float64, Float32} {
		addCases(opCase{
			name: "conv_weights/2d_wide_channels/" + dt.String(),
			in:   []*Array{AsType(x, dt), AsType(g, dt)},
			op: func(in []*Array, o ...Option) *Array {
				return convWeights(p, in[0], in[1], ws, parseOptions("conv", optStream, o).stream)
			},
			want: AsType(want, dt),
			tol:  convTol(dt) * 4,
		})
	}
}

func TestConvHugeBroadcastWeight(t *testing.T) {
	// A weight broadcast to more elements than memory holds: Eval
	// returns an error instead of crashing on its packing scratch.
	x := Zeros([]int{1, 3, 1 << 20})
	w := BroadcastTo(Zeros([]int{1, 1, 1}), []int{1 << 22, 1, 1 << 20})
	if err := Eval(Conv1d(x, w)); err == nil {
		t.Fatal("no error")
	}
}
