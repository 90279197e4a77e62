package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Reductions take their axes as options, the same way for every one of
// them:
//
//	mx.Sum(a)                             // over every axis: a 0-d array
//	mx.Sum(a, mx.Axis(-1))                // over the last axis
//	mx.Sum(a, mx.Axes(0, 2), mx.KeepDims) // over two axes, kept with size one
//	mx.Sum(a, mx.Axes())                  // over no axis: a, in the result type
//
// Negative axes count from the end. An axis out of range or given twice
// panics with *Error.

// reduceNames holds each reduction's op name (as in error messages) and
// primitive name, indexed by core.ReduceOp.
var reduceNames = [...][2]string{
	core.ReduceSum:          {"sum", "Sum"},
	core.ReduceProd:         {"prod", "Prod"},
	core.ReduceMax:          {"max", "Max"},
	core.ReduceMin:          {"min", "Min"},
	core.ReduceAll:          {"all", "All"},
	core.ReduceAny:          {"any", "Any"},
	core.ReduceCountNonzero: {"count_nonzero", "CountNonzero"},
	core.ReduceMean:         {"mean", "Mean"},
	core.ReduceVar:          {"var", "Var"},
	core.ReduceStd:          {"std", "Std"},
	core.ReduceLogSumExp:    {"logsumexp", "LogSumExp"},
	core.ReduceMedian:       {"median", "Median"},
	core.ReduceArgMax:       {"argmax", "ArgMax"},
	core.ReduceArgMin:       {"argmin", "ArgMin"},
}

// reducePrim reduces its input over axes (sorted, distinct) with op.
type reducePrim struct {
	op   core.ReduceOp
	axes []int
	ddof int
}

func (p reducePrim) Name() string { return reduceNames[p.op][1] }

func (p reducePrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ReduceKernels](reduceNames[p.op][0], s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Reduce(p.op, p.axes, p.ddof, in[0].view(), keepView(out[0], in[0].shape, p.axes))
}

// argPrim finds the index of the largest or smallest element along axis,
// of the flattened input when flat is set.
type argPrim struct {
	op   core.ReduceOp
	axis int
	flat bool
}

func (p argPrim) Name() string { return reduceNames[p.op][1] }

func (p argPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ReduceKernels](reduceNames[p.op][0], s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	v := in[0].view()
	if p.flat { // the input is packed (Contiguous): view it as one dimension
		v.Shape, v.Strides = []int{in[0].Size()}, []int{1}
	}
	return k.ArgReduce(p.op, p.axis, v, keepView(out[0], v.Shape, []int{p.axis}))
}

// softmaxPrim computes softmax over axes (sorted, distinct).
type softmaxPrim struct{ axes []int }

func (softmaxPrim) Name() string { return "Softmax" }

func (p softmaxPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ReduceKernels]("softmax", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Softmax(p.axes, in[0].view(), out[0].view())
}

// keepView returns out's view with the shape of in with axes of size one.
func keepView(out *Array, in []int, axes []int) core.View {
	v := out.view()
	v.Shape = keptShape(in, axes, true)
	v.Strides = core.RowMajorStrides(v.Shape)
	return v
}

// keptShape returns shape without axes (sorted), or with them of size one
// when keep is set.
func keptShape(shape, axes []int, keep bool) []int {
	out := make([]int, 0, len(shape))
	for d, n := range shape {
		switch {
		case !slices.Contains(axes, d):
			out = append(out, n)
		case keep:
			out = append(out, 1)
		}
	}
	return out
}

// reduceAxes parses a reduction's options and returns them with its axes:
// every axis when none were given, else the given ones normalised and sorted.
func reduceAxes(name string, a *Array, allowed optionKind, opts []Option) (options, []int) {
	o := parseOptions(name, allowed, opts)
	if o.set&optAxes == 0 {
		axes := make([]int, a.Ndim())
		for i := range axes {
			axes[i] = i
		}
		return o, axes
	}
	return o, normAxes(name, o.axes, a.Ndim())
}

// reduce records reduction op of a over the axes of opts, with result type dt.
func reduce(op core.ReduceOp, a *Array, opts []Option, dt Dtype, allowed optionKind) *Array {
	name := reduceNames[op][0]
	dtypeOf(name, a)
	o, axes := reduceAxes(name, a, allowed, opts)
	switch op {
	case core.ReduceMax, core.ReduceMin:
		for _, ax := range axes {
			if a.shape[ax] == 0 {
				panic(newError(name, "cannot reduce over axis %d of size 0 of an array of shape %s", ax, shapeString(a.shape)))
			}
		}
	}
	if len(axes) == 0 {
		switch op {
		case core.ReduceSum, core.ReduceProd, core.ReduceMax, core.ReduceMin,
			core.ReduceAll, core.ReduceAny, core.ReduceMean:
			return AsType(a, dt, o.stream)
		}
	}
	return newArray(reducePrim{op: op, axes: axes, ddof: o.ddof}, o.stream, []*Array{a},
		keptShape(a.shape, axes, o.keepDims), dt)
}

const reduceOpts = optStream | optAxes | optKeepDims

// noComplex panics with *Error naming op when a is complex.
func noComplex(op string, a *Array) {
	if a != nil && a.dtype == Complex64 {
		panic(newError(op, "does not support %v", a.dtype))
	}
}

// sumType is the result type of Sum and Prod: MLX's, which widens small
// integers (and bool) to 32 bits and keeps the signedness.
func sumType(d Dtype) Dtype {
	switch d {
	case Bool, Int8, Int16, Int32:
		return Int32
	case Uint8, Uint16, Uint32:
		return Uint32
	}
	return d
}

// Sum returns the sum of a's elements over the axes of opts (mx.Axis,
// mx.Axes; all of them when none is given), removing those axes unless
// mx.KeepDims is given. Bool, int8, int16 and int32 sum to int32, uint8,
// uint16 and uint32 to uint32 (wrapping on overflow as MLX does); 64-bit
// integers, floats and complex64 keep their type. Floats add in float64,
// complex64 in complex128. A sum over no elements is 0. It panics with
// *Error for an axis out of range or given twice.
func Sum(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceSum, a, opts, sumType(dtypeOf("sum", a)), reduceOpts)
}

// Prod returns the product of a's elements over the axes of opts, with the
// result types of Sum. A product over no elements is 1. It panics with
// *Error for an axis out of range or given twice.
func Prod(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceProd, a, opts, sumType(dtypeOf("prod", a)), reduceOpts)
}

// Max returns the largest of a's elements over the axes of opts, of a's
// type; NaN when one of them is NaN (NumPy's max, not nanmax). It panics
// with *Error when a reduced axis is empty, for an axis out of range or
// given twice, and for complex64.
func Max(a *Array, opts ...Option) *Array {
	noComplex("max", a)
	return reduce(core.ReduceMax, a, opts, dtypeOf("max", a), reduceOpts)
}

// Min returns the smallest of a's elements over the axes of opts, as Max
// does the largest.
func Min(a *Array, opts ...Option) *Array {
	noComplex("min", a)
	return reduce(core.ReduceMin, a, opts, dtypeOf("min", a), reduceOpts)
}

// Mean returns the arithmetic mean of a's elements over the axes of opts.
// Integers and bool give float32; floating and complex types keep their
// type (accumulating in float64, or complex128). The mean of no elements is
// NaN. It panics with *Error for an axis out of range or given twice.
func Mean(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceMean, a, opts, atLeastFloat(dtypeOf("mean", a)), reduceOpts)
}

// Var returns the variance of a's elements over the axes of opts: the sum
// of squared deviations from their mean divided by N - ddof, where ddof is
// set by mx.Ddof (default 0) and N is the number of elements reduced. The
// divisor is clamped at zero, so that ddof >= N gives +Inf (or NaN when
// every deviation is zero); the variance of no elements is NaN. Integers
// and bool give float32; floats keep their type and are computed in
// float64; complex64 gives float32, the deviations counting by their
// squared magnitude. It panics with *Error for an axis out of range or
// given twice.
func Var(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceVar, a, opts, varType(dtypeOf("var", a)), reduceOpts|optDdof)
}

// Std returns the standard deviation: the square root of Var, with the same
// options and types.
func Std(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceStd, a, opts, varType(dtypeOf("std", a)), reduceOpts|optDdof)
}

// varType is the result type of Var and Std.
func varType(d Dtype) Dtype {
	if d == Complex64 {
		return Float32
	}
	return atLeastFloat(d)
}

// All reports, as a bool array, whether every element of a over the axes of
// opts is nonzero (NaN is nonzero); true over no elements. It panics with
// *Error for an axis out of range or given twice.
func All(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceAll, a, opts, Bool, reduceOpts)
}

// Any reports, as a bool array, whether some element of a over the axes of
// opts is nonzero; false over no elements. It panics with *Error for an
// axis out of range or given twice.
func Any(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceAny, a, opts, Bool, reduceOpts)
}

// CountNonzero returns the number of nonzero elements of a over the axes
// of opts, as int32. It panics with *Error for an axis out of range or
// given twice.
func CountNonzero(a *Array, opts ...Option) *Array {
	return reduce(core.ReduceCountNonzero, a, opts, Int32, reduceOpts)
}

// Logsumexp returns log(sum(exp(a))) over the axes of opts, computed
// without overflow (the maximum is taken out first). Integers and bool are
// converted to float32 first; floats keep their type. The result is -Inf
// over no elements, and the maximum itself when that is NaN or infinite.
// It panics with *Error for an axis out of range or given twice, and for
// complex64.
func Logsumexp(a *Array, opts ...Option) *Array {
	dt := atLeastFloat(dtypeOf("logsumexp", a))
	noComplex("logsumexp", a)
	o := parseOptions("logsumexp", reduceOpts, opts)
	return reduce(core.ReduceLogSumExp, AsType(a, dt, o.stream), opts, dt, reduceOpts)
}

// Median returns the middle value of a's elements over the axes of opts
// (the mean of the two middle values for an even count), NaN when one of
// them is NaN or there are none. Integers and bool give float32; floats
// keep their type. It panics with *Error for an axis out of range or given
// twice, and for complex64.
func Median(a *Array, opts ...Option) *Array {
	noComplex("median", a)
	return reduce(core.ReduceMedian, a, opts, atLeastFloat(dtypeOf("median", a)), reduceOpts)
}

// Argmax returns the index of the largest element along the one axis given
// by mx.Axis, or of the flattened array when no axis is given, as uint32;
// the first one when several are equal, and the first NaN when there is
// one. The axis is removed unless mx.KeepDims is given (for the flattened
// array KeepDims gives a's number of dimensions, each of size one). It
// panics with *Error when the axis (or a, flattened) is empty, for an axis
// out of range, for more than one axis, and for complex64.
func Argmax(a *Array, opts ...Option) *Array { return argReduce(core.ReduceArgMax, a, opts) }

// Argmin returns the index of the smallest element, as Argmax does the
// largest.
func Argmin(a *Array, opts ...Option) *Array { return argReduce(core.ReduceArgMin, a, opts) }

func argReduce(op core.ReduceOp, a *Array, opts []Option) *Array {
	name := reduceNames[op][0]
	if a == nil {
		panic(newError(name, "nil array"))
	}
	noComplex(name, a)
	o := parseOptions(name, reduceOpts, opts)
	if o.set&optAxes == 0 {
		if a.Size() == 0 {
			panic(newError(name, "cannot reduce an empty array of shape %s", shapeString(a.shape)))
		}
		shape := []int{}
		if o.keepDims {
			shape = keptShape(a.shape, nil, false)
			for i := range shape {
				shape[i] = 1
			}
		}
		return newArray(argPrim{op: op, flat: true}, o.stream, []*Array{Contiguous(a, o.stream)}, shape, Uint32)
	}
	if len(o.axes) != 1 {
		panic(newError(name, "takes one axis, not %v", o.axes))
	}
	ax := normAxis(name, o.axes[0], a.Ndim())
	if a.shape[ax] == 0 {
		panic(newError(name, "cannot reduce over axis %d of size 0 of an array of shape %s", ax, shapeString(a.shape)))
	}
	return newArray(argPrim{op: op, axis: ax}, o.stream, []*Array{a}, keptShape(a.shape, []int{ax}, o.keepDims), Uint32)
}

// Softmax returns exp(a - max) / sum(exp(a - max)) over the axes of opts
// (all of them when none is given), with a's shape. Integers and bool are
// converted to float32 first; floats keep their type (half types compute in
// float32). A row holding NaN or +Inf becomes NaN. It panics with *Error for
// an axis out of range or given twice, and for complex64.
func Softmax(a *Array, opts ...Option) *Array {
	if a == nil {
		panic(newError("softmax", "nil array"))
	}
	noComplex("softmax", a)
	o, axes := reduceAxes("softmax", a, optStream|optAxes, opts)
	a = AsType(a, atLeastFloat(a.dtype), o.stream)
	return newArray(softmaxPrim{axes: axes}, o.stream, []*Array{a}, a.shape, a.dtype)
}

// dtypeOf returns a's dtype, or panics with *Error naming op for a nil array.
func dtypeOf(op string, a *Array) Dtype {
	if a == nil {
		panic(newError(op, "nil array"))
	}
	return a.dtype
}
