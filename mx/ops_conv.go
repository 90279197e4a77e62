package mx

import (
	"fmt"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Convolutions follow MLX: channels last. An input of d spatial dimensions
// has shape [N, spatial..., C_in]; a weight has shape
// [C_out, kernel spatial..., C_in/groups]; the result has shape
// [N, out spatial..., C_out]. Their optional settings are Options:
//
//	mx.Conv2d(x, w)                                   // stride 1, no padding
//	mx.Conv2d(x, w, mx.Stride(2), mx.Padding(1))      // the same for every dimension
//	mx.Conv2d(x, w, mx.Padding(1, 0), mx.Dilation(2)) // or one value per dimension
//	mx.Conv1d(x, w, mx.Groups(4))
//	mx.ConvTranspose2d(x, w, mx.Stride(2), mx.OutputPadding(1))
//	mx.ConvGeneral(x, w, mx.PaddingLoHi([]int{0, 1}, []int{1, 0}), mx.InputDilation(2), mx.FlipKernel)

// convOptKind names one setting of a convolution.
type convOptKind uint16

const (
	convStride convOptKind = 1 << iota
	convPadding
	convPadLoHi
	convDilation
	convInputDilation
	convGroups
	convFlip
	convOutputPadding
	convMode
)

var convOptNames = map[convOptKind]string{
	convStride: "stride", convPadding: "padding", convPadLoHi: "asymmetric padding",
	convDilation: "dilation", convInputDilation: "input dilation", convGroups: "groups",
	convFlip: "flip", convOutputPadding: "output padding", convMode: "convolve mode",
}

// optConv marks any convolution setting in options.set, so that an op
// that takes none refuses it.
const optConv optionKind = 1 << 31

func init() { optionNames[optConv] = "convolution" }

// convOption is an Option holding one convolution setting.
type convOption struct {
	kind   convOptKind
	ints   []int
	hi     []int // PaddingLoHi's high side
	mode   string
	groups int
}

func (c convOption) apply(o *options) { o.set |= optConv }

// Stride sets the step of a convolution's window: one value for every
// spatial dimension, or one per dimension. The default is 1.
func Stride(stride ...int) Option { return convOption{kind: convStride, ints: stride} }

// Padding sets the zeros added on both sides of each spatial dimension of a
// convolution's input (one value for all, or one per dimension; default
// 0). For the transposed convolutions it is the padding of the convolution
// they transpose, which the result loses on each side.
func Padding(padding ...int) Option { return convOption{kind: convPadding, ints: padding} }

// PaddingLoHi sets ConvGeneral's padding before (lo) and after (hi) each
// spatial dimension, one value per dimension (or one for all). A negative
// padding crops the (dilated) input instead.
func PaddingLoHi(lo, hi []int) Option { return convOption{kind: convPadLoHi, ints: lo, hi: hi} }

// Dilation sets the spacing between a convolution's kernel elements (one
// value for all spatial dimensions, or one per dimension; default 1): MLX's
// dilation, or kernel_dilation in conv_general.
func Dilation(dilation ...int) Option { return convOption{kind: convDilation, ints: dilation} }

// InputDilation sets ConvGeneral's spacing between the input's elements,
// zeros filling the gaps (one value for all spatial dimensions, or one per
// dimension; default 1).
func InputDilation(dilation ...int) Option {
	return convOption{kind: convInputDilation, ints: dilation}
}

// Groups splits a convolution's channels into groups (default 1): output
// channel group g sees input channel group g only. Both channel counts
// must be multiples of it.
func Groups(groups int) Option { return convOption{kind: convGroups, groups: groups} }

// FlipKernel makes ConvGeneral flip the kernel along its spatial
// dimensions: a convolution in the mathematical sense rather than a
// cross-correlation.
var FlipKernel Option = convOption{kind: convFlip}

// OutputPadding adds to one side of each spatial dimension of a transposed
// convolution's result (one value for all, or one per dimension; default
// 0), to pick among the output sizes that a strided convolution maps to
// the same size.
func OutputPadding(padding ...int) Option {
	return convOption{kind: convOutputPadding, ints: padding}
}

// ConvolveMode sets Convolve's mode: "full" (the default), "same" or "valid".
func ConvolveMode(mode string) Option { return convOption{kind: convMode, mode: mode} }

// convSettings are the parsed convolution Options.
type convSettings struct {
	set                                   convOptKind
	stride, padLo, padHi, kdil, idil, out []int
	groups                                int
	flip                                  bool
	mode                                  string
	stream                                Stream
}

// parseConvOptions parses opts for op, which takes the convolution settings
// in allowed and a stream.
func parseConvOptions(op string, allowed convOptKind, opts []Option) convSettings {
	var c convSettings
	var rest []Option
	for _, opt := range opts {
		v, ok := opt.(convOption)
		if !ok {
			rest = append(rest, opt)
			continue
		}
		if v.kind&allowed == 0 {
			panic(newError(op, "does not take a %s option", convOptNames[v.kind]))
		}
		if (v.kind|c.set)&(convPadding|convPadLoHi) == convPadding|convPadLoHi {
			panic(newError(op, "takes Padding or PaddingLoHi, not both"))
		}
		c.set |= v.kind
		switch v.kind {
		case convStride:
			c.stride = v.ints
		case convPadding:
			c.padLo, c.padHi = v.ints, v.ints
		case convPadLoHi:
			c.padLo, c.padHi = v.ints, v.hi
		case convDilation:
			c.kdil = v.ints
		case convInputDilation:
			c.idil = v.ints
		case convGroups:
			c.groups = v.groups
		case convFlip:
			c.flip = true
		case convOutputPadding:
			c.out = v.ints
		case convMode:
			c.mode = v.mode
		}
	}
	c.stream = parseOptions(op, optStream, rest).stream
	if c.set&convGroups == 0 {
		c.groups = 1
	}
	return c
}

// perDim returns v spread over nd spatial dimensions: def when v is
// empty, v's one value nd times, or v itself when it has nd values. It
// panics with *Error otherwise, or when a value is below least.
func perDim(op, name string, v []int, nd, def, least int) []int {
	out := make([]int, nd)
	switch len(v) {
	case 0:
		for i := range out {
			out[i] = def
		}
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	case nd:
		copy(out, v)
	default:
		panic(newError(op, "%s %v must have one value or %d, one per spatial dimension", name, v, nd))
	}
	for _, x := range out {
		if x < least {
			panic(newError(op, "%s %v must be at least %d", name, v, least))
		}
	}
	return out
}

// Conv1d returns the 1-D convolution (cross-correlation, as in deep
// learning) of in, of shape [N, L, C_in], with weight, of shape
// [C_out, K, C_in/groups]: the result has shape [N, L_out, C_out] with
// L_out = (L + 2*padding - dilation*(K-1) - 1)/stride + 1. It takes the
// Stride, Padding, Dilation and Groups options. The inputs are promoted to
// one real floating-point type. It panics with *Error for inputs of the
// wrong rank, channels that do not match, integer, boolean or complex
// types, or settings that leave no output.
func Conv1d(in, weight *Array, opts ...Option) *Array {
	return convN("conv1d", 1, in, weight, opts)
}

// Conv2d returns the 2-D convolution of in, of shape [N, H, W, C_in], with
// weight, of shape [C_out, KH, KW, C_in/groups]: the result has shape
// [N, H_out, W_out, C_out], sized as in Conv1d per dimension. It takes the
// Stride, Padding, Dilation and Groups options (one value or two) and
// panics as Conv1d does.
func Conv2d(in, weight *Array, opts ...Option) *Array {
	return convN("conv2d", 2, in, weight, opts)
}

// Conv3d returns the 3-D convolution of in, of shape [N, D, H, W, C_in],
// with weight, of shape [C_out, KD, KH, KW, C_in/groups]: the result has
// shape [N, D_out, H_out, W_out, C_out]. It takes the Stride, Padding,
// Dilation and Groups options (one value or three) and panics as Conv1d
// does.
func Conv3d(in, weight *Array, opts ...Option) *Array {
	return convN("conv3d", 3, in, weight, opts)
}

func convN(op string, nd int, in, w *Array, opts []Option) *Array {
	c := parseConvOptions(op, convStride|convPadding|convDilation|convGroups, opts)
	checkArray(op, in)
	checkArray(op, w)
	checkConvRank(op, nd, in, w)
	p := core.ConvParams{
		Stride:         perDim(op, "stride", c.stride, nd, 1, 1),
		PadLo:          perDim(op, "padding", c.padLo, nd, 0, 0),
		KernelDilation: perDim(op, "dilation", c.kdil, nd, 1, 1),
		InputDilation:  perDim(op, "input dilation", nil, nd, 1, 1),
		Groups:         c.groups,
	}
	p.PadHi = p.PadLo
	return convPromoted(op, in, w, p, c.stream)
}

// ConvTranspose1d returns the transposed 1-D convolution of in, of shape
// [N, L, C_in], with weight, of shape [C_out, K, C_in/groups] (the layout
// MLX uses): the gradient of Conv1d with respect to its input, as a
// convolution of its own. The result has shape [N, L_out, C_out] with
// L_out = (L-1)*stride - 2*padding + dilation*(K-1) + output_padding + 1.
// It takes the Stride, Padding, Dilation, OutputPadding and Groups options
// and panics as Conv1d does.
func ConvTranspose1d(in, weight *Array, opts ...Option) *Array {
	return convTransposeN("conv_transpose1d", 1, in, weight, opts)
}

// ConvTranspose2d returns the transposed 2-D convolution of in, of shape
// [N, H, W, C_in], with weight, of shape [C_out, KH, KW, C_in/groups],
// sized per dimension as in ConvTranspose1d. It takes the Stride, Padding,
// Dilation, OutputPadding and Groups options and panics as Conv1d does.
func ConvTranspose2d(in, weight *Array, opts ...Option) *Array {
	return convTransposeN("conv_transpose2d", 2, in, weight, opts)
}

// ConvTranspose3d returns the transposed 3-D convolution of in, of shape
// [N, D, H, W, C_in], with weight, of shape
// [C_out, KD, KH, KW, C_in/groups], sized per dimension as in
// ConvTranspose1d. It takes the Stride, Padding, Dilation, OutputPadding
// and Groups options and panics as Conv1d does.
func ConvTranspose3d(in, weight *Array, opts ...Option) *Array {
	return convTransposeN("conv_transpose3d", 3, in, weight, opts)
}

// convTransposeN is the convolution of in dilated by the stride with the
// flipped kernel, padded so that each output element gathers what the
// forward convolution spread from it.
func convTransposeN(op string, nd int, in, w *Array, opts []Option) *Array {
	c := parseConvOptions(op, convStride|convPadding|convDilation|convGroups|convOutputPadding, opts)
	checkArray(op, in)
	checkArray(op, w)
	checkConvRank(op, nd, in, w)
	stride := perDim(op, "stride", c.stride, nd, 1, 1)
	pad := perDim(op, "padding", c.padLo, nd, 0, 0)
	dil := perDim(op, "dilation", c.kdil, nd, 1, 1)
	outPad := perDim(op, "output padding", c.out, nd, 0, 0)
	p := core.ConvParams{
		Stride: perDim(op, "stride", nil, nd, 1, 1), PadLo: make([]int, nd), PadHi: make([]int, nd),
		KernelDilation: dil, InputDilation: stride, Groups: c.groups, Flip: true,
	}
	for j := range nd {
		kd := dilateSize(w.shape[j+1], dil[j])
		p.PadLo[j] = kd - 1 - pad[j]
		p.PadHi[j] = kd - 1 - pad[j] + outPad[j]
	}
	return convPromoted(op, in, w, p, c.stream)
}

// ConvGeneral returns the general convolution of in, of shape
// [N, spatial..., C_in] with one or more spatial dimensions, with weight,
// of shape [C_out, kernel spatial..., C_in/groups]. It takes the options
// Stride, Padding or PaddingLoHi (padding, which may be negative to crop),
// Dilation (of the kernel), InputDilation, Groups and FlipKernel. Along
// each spatial dimension the input is dilated to (L-1)*input_dilation + 1
// elements, padded, and read by the kernel, dilated to
// (K-1)*dilation + 1, every stride elements. It panics with *Error for
// weights of another rank, channels that do not match, integer, boolean or
// complex types, or settings that leave no output.
func ConvGeneral(in, weight *Array, opts ...Option) *Array {
	const op = "conv_general"
	c := parseConvOptions(op, convStride|convPadding|convPadLoHi|convDilation|convInputDilation|convGroups|convFlip, opts)
	checkArray(op, in)
	checkArray(op, weight)
	nd := in.Ndim() - 2
	if nd < 1 {
		panic(newError(op, "the input must have shape [N, spatial..., C_in] with at least one spatial dimension, got %s",
			shapeString(in.shape)))
	}
	checkConvRank(op, nd, in, weight)
	p := core.ConvParams{
		Stride:         perDim(op, "stride", c.stride, nd, 1, 1),
		PadLo:          perDim(op, "padding", c.padLo, nd, 0, -1<<40),
		PadHi:          perDim(op, "padding", c.padHi, nd, 0, -1<<40),
		KernelDilation: perDim(op, "dilation", c.kdil, nd, 1, 1),
		InputDilation:  perDim(op, "input dilation", c.idil, nd, 1, 1),
		Groups:         c.groups,
		Flip:           c.flip,
	}
	return convPromoted(op, in, weight, p, c.stream)
}

// Convolve returns the discrete convolution of the 1-D arrays a and v, as
// numpy.convolve: v (or a, when it is the longer) is flipped and slid over
// the other. ConvolveMode picks the length of the result: "full" (the
// default) gives every overlap, M+N-1 elements; "same" gives max(M, N),
// centred; "valid" gives only full overlaps, max(M, N) - min(M, N) + 1.
// The inputs are promoted to one real floating-point type. It panics with
// *Error for inputs that are not 1-D or are empty, or an unknown mode.
func Convolve(a, v *Array, opts ...Option) *Array {
	const op = "convolve"
	c := parseConvOptions(op, convMode, opts)
	checkArray(op, a)
	checkArray(op, v)
	if a.Ndim() != 1 || v.Ndim() != 1 {
		panic(newError(op, "the inputs must be 1-D, got shapes %s and %s", shapeString(a.shape), shapeString(v.shape)))
	}
	if a.Size() == 0 || v.Size() == 0 {
		panic(newError(op, "the inputs cannot be empty, got shapes %s and %s", shapeString(a.shape), shapeString(v.shape)))
	}
	x, k := a, v
	if a.Size() < v.Size() {
		x, k = v, a
	}
	n := k.Size()
	lo, hi := 0, 0
	switch c.mode {
	case "", "full":
		lo, hi = n-1, n-1
	case "same":
		lo = n / 2
		hi = n - 1 - lo
	case "valid":
	default:
		panic(newError(op, "mode must be \"full\", \"same\" or \"valid\", not %q", c.mode))
	}
	p := core.ConvParams{Stride: []int{1}, PadLo: []int{lo}, PadHi: []int{hi},
		KernelDilation: []int{1}, InputDilation: []int{1}, Groups: 1, Flip: true}
	s := c.stream
	out := convPromoted(op, Reshape(x, []int{1, -1, 1}, s), Reshape(k, []int{1, -1, 1}, s), p, s)
	return Reshape(out, []int{-1}, s)
}

// checkConvRank panics unless in and w have nd spatial dimensions.
func checkConvRank(op string, nd int, in, w *Array) {
	if in.Ndim() != nd+2 {
		panic(newError(op, "the input must have shape [N, spatial..., C_in] with %d spatial dimensions, got %s",
			nd, shapeString(in.shape)))
	}
	if w.Ndim() != nd+2 {
		panic(newError(op, "the weight must have shape [C_out, kernel..., C_in/groups] with %d spatial dimensions, got %s",
			nd, shapeString(w.shape)))
	}
}

// dilateSize is the size of n elements spread d apart: (n-1)*d + 1, or 0.
func dilateSize(n, d int) int {
	if n == 0 {
		return 0
	}
	return (n-1)*d + 1
}

// convPromoted promotes in and w to one real floating-point type and
// records the convolution.
func convPromoted(op string, in, w *Array, p core.ConvParams, s Stream) *Array {
	dt := PromoteTypes(in.dtype, w.dtype)
	if !dt.IsFloating() {
		panic(newError(op, "only real floating-point types are supported, got %v and %v", in.dtype, w.dtype))
	}
	return convNode(op, AsType(in, dt, s), AsType(w, dt, s), p, s)
}

// convNode checks the shapes of a convolution of in by w, which share a
// floating-point type, and records its node.
func convNode(op string, in, w *Array, p core.ConvParams, s Stream) *Array {
	nd := in.Ndim() - 2
	g := p.Groups
	cin, cout := in.shape[nd+1], w.shape[0]
	if g < 1 {
		panic(newError(op, "groups must be positive, got %d", g))
	}
	if cin%g != 0 || cout%g != 0 {
		panic(newError(op, "the input channels (%d) and output channels (%d) must be multiples of the %d groups; input %s, weight %s",
			cin, cout, g, shapeString(in.shape), shapeString(w.shape)))
	}
	if w.shape[nd+1]*g != cin {
		panic(newError(op, "the input of shape %s has %d channels, but the weight of shape %s with %d groups expects %d",
			shapeString(in.shape), cin, shapeString(w.shape), g, w.shape[nd+1]*g))
	}
	shape := make([]int, nd+2)
	shape[0], shape[nd+1] = in.shape[0], cout
	for j := 0; j < nd; j++ {
		if w.shape[j+1] == 0 {
			panic(newError(op, "the weight of shape %s has an empty spatial dimension", shapeString(w.shape)))
		}
		span := dilateSize(in.shape[j+1], p.InputDilation[j]) + p.PadLo[j] + p.PadHi[j] -
			dilateSize(w.shape[j+1], p.KernelDilation[j])
		if span < 0 {
			panic(newError(op, "the padded input of shape %s (padding %v before, %v after, input dilation %v) is smaller than the kernel of shape %s (dilation %v) along spatial dimension %d",
				shapeString(in.shape), p.PadLo, p.PadHi, p.InputDilation, shapeString(w.shape), p.KernelDilation, j))
		}
		shape[j+1] = span/p.Stride[j] + 1
	}
	checkShape(op, shape)
	p = core.ConvParams{
		Stride: slices.Clone(p.Stride), PadLo: slices.Clone(p.PadLo), PadHi: slices.Clone(p.PadHi),
		KernelDilation: slices.Clone(p.KernelDilation), InputDilation: slices.Clone(p.InputDilation),
		Groups: g, Flip: p.Flip,
	}
	return newArray(convPrim{p}, s, []*Array{in, w}, shape, in.dtype)
}

// convPrim is a general convolution of its input by its weight (inputs 0
// and 1, of one floating-point type), with the settings of p.
type convPrim struct{ p core.ConvParams }

func (convPrim) Name() string { return "Convolution" }

func (c convPrim) String() string {
	p := c.p
	return fmt.Sprintf("Convolution(stride=%v, padding=%v|%v, dilation=%v, input_dilation=%v, groups=%d, flip=%v)",
		p.Stride, p.PadLo, p.PadHi, p.KernelDilation, p.InputDilation, p.Groups, p.Flip)
}

func (c convPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ConvKernels]("conv", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Conv(in[0].view(), in[1].view(), out[0].view(), c.p)
}
