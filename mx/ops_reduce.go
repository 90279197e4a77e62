package mx

import (
	"math"
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
	checkArray(name, a)
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
	checkArray("softmax", a)
	noComplex("softmax", a)
	o, axes := reduceAxes("softmax", a, optStream|optAxes, opts)
	a = AsType(a, atLeastFloat(a.dtype), o.stream)
	return newArray(softmaxPrim{axes: axes}, o.stream, []*Array{a}, a.shape, a.dtype)
}

// dtypeOf returns a's dtype, or panics with *Error naming op for a nil array.
func dtypeOf(op string, a *Array) Dtype {
	checkArray(op, a)
	return a.dtype
}

// Transform rules of the reductions.
//
// Each differentiable reduction is written as a weighted sum: the tangent of
// its output is the sum over the reduced axes of w times the input's
// tangent, with a weight w of the input's shape (or one that broadcasts to
// it) that depends on the op, and its cotangent is the output's cotangent,
// with the reduced axes restored, times conj(w). The weights:
//
//	Sum          1
//	Mean         1/N
//	Prod         the product of the other elements (exact when some are zero)
//	Max, Min     1/k on the k elements equal to the result, 0 elsewhere (ties share)
//	Median       1/k on the k elements equal to the result; for an even
//	             count, half of that for each of the two middle values
//	Var          2 conj(x - mean) / max(N - ddof, 0)
//	Std          conj(x - mean) / (max(N - ddof, 0) std)
//	Logsumexp    softmax over the reduced axes
//
// N is the number of elements reduced. Max, Min and Median split the
// cotangent evenly between tied elements, as MLX does for Max and Min (MLX
// and JAX give a median's cotangent to the tied element that sorting puts
// in the middle); their JVPs are the matching weighted sums (MLX's JVP of
// Max and Min takes the first maximum instead); where their result is NaN,
// so are their weights, as in MLX. For complex input the output of Var and
// Std is real: its tangent is the real part of the weighted sum, and the
// cotangent that goes back is the one MLX's composite Var gives. All, Any, CountNonzero, Argmax and
// Argmin have integer or boolean results, whose tangents and the cotangents
// they pass back are zero.
//
// The vmap rules apply the same primitive to the batched input, with the
// reduced axes shifted past the batch axis; the batch axis stays in place,
// moved down by the reduced axes before it unless they are kept.

// keepsDims reports whether out, reduced from in, keeps the reduced axes.
func keepsDims(in, out *Array) bool { return out.Ndim() == in.Ndim() }

// kept returns c, of the shape of p's output for input in, with the reduced
// axes restored with size one.
func (p reducePrim) kept(c, in *Array, s Stream) *Array {
	if c.Ndim() == in.Ndim() {
		return c
	}
	return ExpandDims(c, p.axes, s)
}

// reducedCount returns the number of elements of shape over axes.
func reducedCount(shape, axes []int) int {
	n := 1
	for _, ax := range axes {
		n *= shape[ax]
	}
	return n
}

// conjIf returns the complex conjugate of a for complex a, else a.
func conjIf(a *Array, s Stream) *Array {
	if a.dtype.IsComplex() {
		return Conjugate(a, s)
	}
	return a
}

// equalMask returns 1 where x equals v (broadcast) and 0 elsewhere, divided
// by the number of ones over axes: weights that share one unit between ties.
func equalMask(x, v *Array, axes []int, s Stream) *Array {
	m := AsType(Equal(x, v, s), x.dtype, s)
	return Divide(m, Sum(m, Axes(axes...), KeepDims, s), s)
}

// weights returns p's weights for input x and output out (see above); nil
// stands for weights that are all one.
func (p reducePrim) weights(s Stream, x, out *Array) *Array {
	switch p.op {
	case core.ReduceSum:
		return nil
	case core.ReduceMean:
		return weakScalar("mean", 1/float64(reducedCount(x.shape, p.axes))).array(x.dtype)
	case core.ReduceProd:
		return exclusiveProd(x, p.axes, s)
	case core.ReduceMax, core.ReduceMin:
		return equalMask(x, p.kept(out, x, s), p.axes, s)
	case core.ReduceMedian:
		if len(p.axes) == 0 || x.Size() == 0 {
			return nil // no middle values to pick (Max would refuse an empty axis)
		}
		// The middle values: the largest element not above the median and
		// the smallest not below it (the same one for an odd count).
		m := p.kept(out, x, s)
		ax := Axes(p.axes...)
		lo := Max(Where(LessEqual(x, m, s), x, math.Inf(-1), s), ax, KeepDims, s)
		hi := Min(Where(GreaterEqual(x, m, s), x, math.Inf(1), s), ax, KeepDims, s)
		return Multiply(Add(equalMask(x, lo, p.axes, s), equalMask(x, hi, p.axes, s), s), 0.5, s)
	case core.ReduceVar, core.ReduceStd:
		d := conjIf(Subtract(x, Mean(x, Axes(p.axes...), KeepDims, s), s), s)
		div := float64(max(reducedCount(x.shape, p.axes)-p.ddof, 0))
		if p.op == core.ReduceVar {
			return Multiply(d, 2/div, s)
		}
		return Divide(d, Multiply(p.kept(out, x, s), div, s), s)
	case core.ReduceLogSumExp:
		if len(p.axes) == 0 {
			return nil
		}
		return Softmax(x, Axes(p.axes...), s)
	}
	return nil
}

// exclusiveProd returns, for each element of x, the product of the other
// elements of its group over axes, from the product P of the group's
// nonzero elements and its number of zeros: with none, P divided by the
// element; with one, P at the zero and 0 elsewhere; with more, 0 everywhere.
// The zeros enter the values that they make 0 as factors (through their
// sum, which is 0), so that the weights' own derivatives, and with them
// second derivatives of Prod, are right where elements are zero too.
func exclusiveProd(x *Array, axes []int, s Stream) *Array {
	ax := Axes(axes...)
	zero := Equal(x, 0, s)
	zeros := Sum(AsType(zero, x.dtype, s), ax, KeepDims, s)
	nonzero := Where(zero, 1, x, s)
	p := Prod(nonzero, ax, KeepDims, s)
	zsum := Sum(Where(zero, x, 0, s), ax, KeepDims, s)
	others := Divide(p, nonzero, s)
	one := Where(zero, p, Multiply(zsum, others, s), s)
	two := Where(LogicalAnd(zero, Equal(zeros, 2, s), s), Multiply(Subtract(zsum, x, s), p, s), 0, s)
	return Where(Equal(zeros, 0, s), others, Where(Equal(zeros, 1, s), one, two, s), s)
}

// integerResult reports whether p's output carries no derivative.
func (p reducePrim) integerResult() bool {
	switch p.op {
	case core.ReduceAll, core.ReduceAny, core.ReduceCountNonzero:
		return true
	}
	return false
}

func (p reducePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	x := in[0]
	if p.integerResult() {
		return []*Array{zerosLike(x, s)}
	}
	g := p.kept(cot[0], x, s)
	if w := p.weights(s, x, out[0]); w != nil {
		g = Multiply(g, conjIf(w, s), s)
	}
	if g.dtype != x.dtype {
		g = AsType(g, x.dtype, s)
	}
	if !slices.Equal(g.shape, x.shape) {
		g = BroadcastTo(g, x.shape, s)
	}
	return []*Array{g}
}

func (p reducePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	x, o := in[0], out[0]
	if p.integerResult() {
		return []*Array{zerosLike(o, s)}
	}
	opts := []Option{Axes(p.axes...), s}
	if keepsDims(x, o) {
		opts = append(opts, KeepDims)
	}
	var t *Array
	switch p.op {
	case core.ReduceSum:
		t = Sum(tan[0], opts...)
	case core.ReduceMean:
		t = Mean(tan[0], opts...)
	default:
		if w := p.weights(s, x, o); w != nil {
			t = Sum(Multiply(tan[0], w, s), opts...)
		} else {
			t = Sum(tan[0], opts...)
		}
	}
	if t.dtype.IsComplex() && !o.dtype.IsComplex() {
		t = Real(t, s)
	}
	if t.dtype != o.dtype {
		t = AsType(t, o.dtype, s)
	}
	return []*Array{t}
}

// shiftAxes returns axes of an input without a batch axis as axes of the
// input with its batch axis at b.
func shiftAxes(axes []int, b int) []int {
	out := make([]int, len(axes))
	for i, ax := range axes {
		if ax >= b {
			ax++
		}
		out[i] = ax
	}
	return out
}

// batchAxisAfter returns where batch axis b of the input ends up in the
// output of a reduction over axes (unbatched positions), keeping them or not.
func batchAxisAfter(b int, axes []int, keep bool) int {
	if keep {
		return b
	}
	n := b
	for _, ax := range axes {
		if ax < b {
			n--
		}
	}
	return n
}

func (p reducePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, b := in[0], axes[0]
	if b < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	keep := out[0].Ndim() == x.Ndim()-1
	q := p
	q.axes = shiftAxes(p.axes, b)
	r := newArray(q, s, []*Array{x}, keptShape(x.shape, q.axes, keep), out[0].dtype)
	return []*Array{r}, []int{batchAxisAfter(b, p.axes, keep)}
}

// Argmax and Argmin have uint32 results: their cotangent contributes
// nothing and their tangent is zero.

func (p argPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(in[0], s)}
}

func (p argPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(out[0], s)}
}

func (p argPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, b := in[0], axes[0]
	if b < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	if p.flat {
		// One flattened example per batch element: move the batch axis to
		// the front, flatten the rest and reduce along it.
		batch := x.shape[b]
		per := 1
		for d, n := range x.shape {
			if d != b {
				per *= n
			}
		}
		x2 := Reshape(MoveAxis(x, b, 0, s), []int{batch, per}, s)
		r := newArray(argPrim{op: p.op, axis: 1}, s, []*Array{x2}, []int{batch}, Uint32)
		if out[0].Ndim() > 0 {
			r = Reshape(r, append([]int{batch}, out[0].shape...), s)
		}
		return []*Array{r}, []int{0}
	}
	keep := out[0].Ndim() == x.Ndim()-1
	ax := shiftAxes([]int{p.axis}, b)
	r := newArray(argPrim{op: p.op, axis: ax[0]}, s, []*Array{x}, keptShape(x.shape, ax, keep), Uint32)
	return []*Array{r}, []int{batchAxisAfter(b, []int{p.axis}, keep)}
}

// Softmax: with s its output and g the cotangent, the input's cotangent is
// s (g - sum(g s)), the sums over the softmax axes; the tangent is the same
// expression of the input's tangent.

func (p softmaxPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{p.linear(s, out[0], cot[0])}
}

func (p softmaxPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{p.linear(s, out[0], tan[0])}
}

// linear returns y (v - sum(v y)) for softmax output y.
func (p softmaxPrim) linear(s Stream, y, v *Array) *Array {
	yv := Multiply(y, v, s)
	return Subtract(yv, Multiply(y, Sum(yv, Axes(p.axes...), KeepDims, s), s), s)
}

func (p softmaxPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, b := in[0], axes[0]
	if b < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	q := softmaxPrim{axes: shiftAxes(p.axes, b)}
	return []*Array{newArray(q, s, []*Array{x}, x.shape, x.dtype)}, []int{b}
}
