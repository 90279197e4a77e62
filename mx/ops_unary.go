package mx

import (
	"math"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Elementwise operations of one array. The result has the input's shape.
// Mathematical functions (Exp, Sin, Sqrt, ...) give a floating-point
// result: integer and bool inputs are converted to float32 first, as in
// MLX. Those that are defined for complex numbers accept complex64. Every
// op takes an optional Stream or Device.

// unaryPrim is an elementwise operation of one array.
type unaryPrim struct {
	op     core.UnaryOp
	name   string
	params core.UnaryParams // Round's decimals, NanToNum's values
}

func (p unaryPrim) Name() string { return p.name }

func (p unaryPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.UnaryKernels](p.name, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Unary(p.op, p.params, in[0].view(), out[0].view())
}

// unaryNode records op on x with a result of type dt.
func unaryNode(name string, op core.UnaryOp, x *Array, dt Dtype, s Stream, p core.UnaryParams) *Array {
	return newArray(unaryPrim{op: op, name: name, params: p}, s, []*Array{x}, x.shape, dt)
}

// mathUnary records a mathematical function: integer and bool inputs are
// converted to float32; complex64 panics unless complexOK.
func mathUnary(name string, op core.UnaryOp, a *Array, opts []Option, complexOK bool) *Array {
	checkArray(name, a)
	o := parseOptions(name, optStream, opts)
	dt := atLeastFloat(a.dtype)
	if dt == Complex64 && !complexOK {
		panic(newError(name, "not supported for complex64"))
	}
	return unaryNode(name, op, AsType(a, dt, o.stream), dt, o.stream, core.UnaryParams{})
}

// Abs returns the absolute value of each element, of a's type, except that
// complex64 gives float32 (the modulus). Unsigned and bool arrays are
// returned as they are; the most negative integer stays negative, as it
// wraps.
func Abs(a *Array, opts ...Option) *Array {
	checkArray("abs", a)
	o := parseOptions("abs", optStream, opts)
	switch {
	case a.dtype == Complex64:
		return unaryNode("abs", core.Abs, a, Float32, o.stream, core.UnaryParams{})
	case a.dtype == Bool || a.dtype.kind() == UnsignedInteger:
		return a
	}
	return unaryNode("abs", core.Abs, a, a.dtype, o.stream, core.UnaryParams{})
}

// Positive returns a itself (+a).
func Positive(a *Array, opts ...Option) *Array {
	checkArray("positive", a)
	parseOptions("positive", optStream, opts)
	return a
}

// Negative returns -a elementwise, of a's type; unsigned integers wrap.
// It panics with *Error for bool arrays (use LogicalNot).
func Negative(a *Array, opts ...Option) *Array {
	checkArray("negative", a)
	o := parseOptions("negative", optStream, opts)
	if a.dtype == Bool {
		panic(newError("negative", "not supported for bool; use LogicalNot"))
	}
	return unaryNode("negative", core.Negative, a, a.dtype, o.stream, core.UnaryParams{})
}

// Sign returns -1, 0 or 1 by the sign of each element, of a's type: NaN
// gives NaN, unsigned integers 0 or 1, bool arrays are returned as they
// are, and a nonzero complex number z gives z/|z|.
func Sign(a *Array, opts ...Option) *Array {
	checkArray("sign", a)
	o := parseOptions("sign", optStream, opts)
	if a.dtype == Bool {
		return a
	}
	return unaryNode("sign", core.Sign, a, a.dtype, o.stream, core.UnaryParams{})
}

// Square returns a*a elementwise, of a's type (integers wrap).
func Square(a *Array, opts ...Option) *Array {
	checkArray("square", a)
	o := parseOptions("square", optStream, opts)
	return unaryNode("square", core.Square, a, a.dtype, o.stream, core.UnaryParams{})
}

// Sqrt returns the square root of each element (NaN for negative reals;
// complex64 takes the principal root).
func Sqrt(a *Array, opts ...Option) *Array { return mathUnary("sqrt", core.Sqrt, a, opts, true) }

// Rsqrt returns 1/sqrt(a) elementwise.
func Rsqrt(a *Array, opts ...Option) *Array { return mathUnary("rsqrt", core.Rsqrt, a, opts, true) }

// Reciprocal returns 1/a elementwise.
func Reciprocal(a *Array, opts ...Option) *Array {
	return mathUnary("reciprocal", core.Reciprocal, a, opts, true)
}

// Exp returns e^a elementwise.
func Exp(a *Array, opts ...Option) *Array { return mathUnary("exp", core.Exp, a, opts, true) }

// Expm1 returns e^a - 1 elementwise, accurate for small a. It panics with
// *Error for complex64.
func Expm1(a *Array, opts ...Option) *Array { return mathUnary("expm1", core.Expm1, a, opts, false) }

// Log returns the natural logarithm of each element: -Inf for 0, NaN for
// negative reals; complex64 takes the principal branch.
func Log(a *Array, opts ...Option) *Array { return mathUnary("log", core.Log, a, opts, true) }

// Log2 returns the base-2 logarithm of each element.
func Log2(a *Array, opts ...Option) *Array { return mathUnary("log2", core.Log2, a, opts, true) }

// Log10 returns the base-10 logarithm of each element.
func Log10(a *Array, opts ...Option) *Array { return mathUnary("log10", core.Log10, a, opts, true) }

// Log1p returns log(1 + a) elementwise, accurate for small a.
func Log1p(a *Array, opts ...Option) *Array { return mathUnary("log1p", core.Log1p, a, opts, true) }

// Sin returns the sine of each element (in radians).
func Sin(a *Array, opts ...Option) *Array { return mathUnary("sin", core.Sin, a, opts, true) }

// Cos returns the cosine of each element (in radians).
func Cos(a *Array, opts ...Option) *Array { return mathUnary("cos", core.Cos, a, opts, true) }

// Tan returns the tangent of each element (in radians).
func Tan(a *Array, opts ...Option) *Array { return mathUnary("tan", core.Tan, a, opts, true) }

// Arcsin returns the inverse sine of each element (NaN outside [-1, 1]
// for reals).
func Arcsin(a *Array, opts ...Option) *Array { return mathUnary("arcsin", core.Arcsin, a, opts, true) }

// Arccos returns the inverse cosine of each element (NaN outside [-1, 1]
// for reals).
func Arccos(a *Array, opts ...Option) *Array { return mathUnary("arccos", core.Arccos, a, opts, true) }

// Arctan returns the inverse tangent of each element.
func Arctan(a *Array, opts ...Option) *Array { return mathUnary("arctan", core.Arctan, a, opts, true) }

// Sinh returns the hyperbolic sine of each element.
func Sinh(a *Array, opts ...Option) *Array { return mathUnary("sinh", core.Sinh, a, opts, true) }

// Cosh returns the hyperbolic cosine of each element.
func Cosh(a *Array, opts ...Option) *Array { return mathUnary("cosh", core.Cosh, a, opts, true) }

// Tanh returns the hyperbolic tangent of each element.
func Tanh(a *Array, opts ...Option) *Array { return mathUnary("tanh", core.Tanh, a, opts, true) }

// Arcsinh returns the inverse hyperbolic sine of each element.
func Arcsinh(a *Array, opts ...Option) *Array {
	return mathUnary("arcsinh", core.Arcsinh, a, opts, true)
}

// Arccosh returns the inverse hyperbolic cosine of each element (NaN below
// 1 for reals).
func Arccosh(a *Array, opts ...Option) *Array {
	return mathUnary("arccosh", core.Arccosh, a, opts, true)
}

// Arctanh returns the inverse hyperbolic tangent of each element (±Inf at
// ±1, NaN beyond for reals).
func Arctanh(a *Array, opts ...Option) *Array {
	return mathUnary("arctanh", core.Arctanh, a, opts, true)
}

// Sigmoid returns 1/(1 + e^-a) elementwise. It panics with *Error for
// complex64.
func Sigmoid(a *Array, opts ...Option) *Array {
	return mathUnary("sigmoid", core.Sigmoid, a, opts, false)
}

// Erf returns the error function of each element. It panics with *Error
// for complex64.
func Erf(a *Array, opts ...Option) *Array { return mathUnary("erf", core.Erf, a, opts, false) }

// Erfinv returns the inverse error function of each element (±Inf at ±1,
// NaN beyond). It panics with *Error for complex64.
func Erfinv(a *Array, opts ...Option) *Array { return mathUnary("erfinv", core.Erfinv, a, opts, false) }

// Degrees converts each element from radians to degrees.
func Degrees(a *Array, opts ...Option) *Array {
	return mathUnary("degrees", core.Degrees, a, opts, true)
}

// Radians converts each element from degrees to radians.
func Radians(a *Array, opts ...Option) *Array {
	return mathUnary("radians", core.Radians, a, opts, true)
}

// roundingOp records Floor, Ceil or Trunc: integer and bool arrays are
// returned as they are, complex64 panics.
func roundingOp(name string, op core.UnaryOp, a *Array, opts []Option) *Array {
	checkArray(name, a)
	o := parseOptions(name, optStream, opts)
	switch {
	case a.dtype == Complex64:
		panic(newError(name, "not supported for complex64"))
	case !a.dtype.IsFloating():
		return a
	}
	return unaryNode(name, op, a, a.dtype, o.stream, core.UnaryParams{})
}

// Floor returns the largest integer not above each element, of a's type.
// Integer and bool arrays are returned as they are; complex64 panics with
// *Error.
func Floor(a *Array, opts ...Option) *Array { return roundingOp("floor", core.Floor, a, opts) }

// Ceil returns the smallest integer not below each element, of a's type.
// Integer and bool arrays are returned as they are; complex64 panics with
// *Error.
func Ceil(a *Array, opts ...Option) *Array { return roundingOp("ceil", core.Ceil, a, opts) }

// Trunc returns each element rounded toward zero, of a's type. Integer and
// bool arrays are returned as they are; complex64 panics with *Error.
func Trunc(a *Array, opts ...Option) *Array { return roundingOp("trunc", core.Trunc, a, opts) }

// Decimals sets the number of decimal digits Round keeps; a negative
// number rounds to tens (-1), hundreds (-2), and so on.
func Decimals(n int) Option { return intOption{optDecimals, n} }

// Round rounds each element to the nearest integer, or with Decimals(n)
// to n decimal digits, ties to even as in NumPy: x*10^n is rounded to an
// integer and divided by 10^n in a's type. The result has a's type: bool
// arrays, and integer arrays unless n is negative, are returned as they
// are; integers round exactly. complex64 rounds both parts.
func Round(a *Array, opts ...Option) *Array {
	checkArray("round", a)
	o := parseOptions("round", optStream|optDecimals, opts)
	d := o.intOr(optDecimals, 0)
	if a.dtype == Bool || a.dtype.IsInteger() && d >= 0 {
		return a
	}
	return unaryNode("round", core.Round, a, a.dtype, o.stream, core.UnaryParams{Decimals: d})
}

// floatOption is an Option holding one float64, kept in options.floats.
type floatOption struct {
	kind optionKind
	v    float64
}

func (f floatOption) apply(o *options) {
	o.set |= f.kind
	if o.floats == nil {
		o.floats = map[optionKind]float64{}
	}
	o.floats[f.kind] = f.v
}

// floatOr returns the value of float option kind, or def when it was not given.
func (o *options) floatOr(kind optionKind, def float64) float64 {
	if v, ok := o.floats[kind]; ok && o.set&kind != 0 {
		return v
	}
	return def
}

// NanValue sets the value NanToNum puts in place of NaN (0 by default).
func NanValue(v float64) Option { return floatOption{optNanValue, v} }

// PosInfValue sets the value NanToNum puts in place of +Inf (by default
// the largest finite value of the array's type).
func PosInfValue(v float64) Option { return floatOption{optPosInfValue, v} }

// NegInfValue sets the value NanToNum puts in place of -Inf (by default
// the most negative finite value of the array's type).
func NegInfValue(v float64) Option { return floatOption{optNegInfValue, v} }

// maxFinite is the largest finite value of a floating-point or complex type.
func maxFinite(dt Dtype) float64 {
	switch dt {
	case Float16:
		return 65504
	case Bfloat16:
		return float64(core.BF16(0x7f7f).Float32())
	case Float64:
		return math.MaxFloat64
	}
	return math.MaxFloat32
}

// NanToNum replaces NaN by 0, +Inf by the largest finite value of a's type
// and -Inf by the most negative one, or by the values of the options
// NanValue, PosInfValue and NegInfValue (converted to a's type, so a value
// beyond its range becomes ±Inf). complex64 arrays have both parts
// replaced; arrays of other than floating-point or complex type are
// returned as they are.
func NanToNum(a *Array, opts ...Option) *Array {
	checkArray("nan_to_num", a)
	o := parseOptions("nan_to_num", optStream|optNanValue|optPosInfValue|optNegInfValue, opts)
	if !a.dtype.IsInexact() {
		return a
	}
	p := core.UnaryParams{
		Nan:    o.floatOr(optNanValue, 0),
		PosInf: o.floatOr(optPosInfValue, maxFinite(a.dtype)),
		NegInf: o.floatOr(optNegInfValue, -maxFinite(a.dtype)),
	}
	return unaryNode("nan_to_num", core.NanToNum, a, a.dtype, o.stream, p)
}

// predicate records an Is* op: a bool result of a's shape.
func predicate(name string, op core.UnaryOp, a *Array, opts []Option) *Array {
	checkArray(name, a)
	o := parseOptions(name, optStream, opts)
	return unaryNode(name, op, a, Bool, o.stream, core.UnaryParams{})
}

// IsNaN reports elementwise whether a is NaN (for complex64: either part).
// The result is bool; integer and bool arrays give false.
func IsNaN(a *Array, opts ...Option) *Array { return predicate("isnan", core.IsNaN, a, opts) }

// IsInf reports elementwise whether a is +Inf or -Inf (for complex64:
// either part). The result is bool.
func IsInf(a *Array, opts ...Option) *Array { return predicate("isinf", core.IsInf, a, opts) }

// IsFinite reports elementwise whether a is neither infinite nor NaN. The
// result is bool; integer and bool arrays give true.
func IsFinite(a *Array, opts ...Option) *Array {
	return predicate("isfinite", core.IsFinite, a, opts)
}

// IsPosInf reports elementwise whether a is +Inf (for complex64, as in
// MLX: equal to +Inf + 0i). The result is bool.
func IsPosInf(a *Array, opts ...Option) *Array {
	return predicate("isposinf", core.IsPosInf, a, opts)
}

// IsNegInf reports elementwise whether a is -Inf (for complex64, as in
// MLX: equal to -Inf + 0i). The result is bool.
func IsNegInf(a *Array, opts ...Option) *Array {
	return predicate("isneginf", core.IsNegInf, a, opts)
}

// LogicalNot returns the bool array that is true where a is zero (false),
// for a of any type.
func LogicalNot(a *Array, opts ...Option) *Array {
	return predicate("logical_not", core.LogicalNot, a, opts)
}

// BitwiseInvert returns ^a elementwise for integer arrays, and LogicalNot
// for bool arrays. It panics with *Error for floating-point and complex
// arrays.
func BitwiseInvert(a *Array, opts ...Option) *Array {
	checkArray("bitwise_invert", a)
	o := parseOptions("bitwise_invert", optStream, opts)
	switch {
	case a.dtype == Bool:
		return LogicalNot(a, o.stream)
	case a.dtype.IsInexact():
		panic(newError("bitwise_invert", "only integer and bool types are allowed, not %v", a.dtype))
	}
	return unaryNode("bitwise_invert", core.BitwiseInvert, a, a.dtype, o.stream, core.UnaryParams{})
}

// Real returns the real part of a complex64 array as float32; arrays of
// other types are returned as they are.
func Real(a *Array, opts ...Option) *Array {
	checkArray("real", a)
	o := parseOptions("real", optStream, opts)
	if a.dtype != Complex64 {
		return a
	}
	return unaryNode("real", core.Real, a, Float32, o.stream, core.UnaryParams{})
}

// Imag returns the imaginary part of a complex64 array as float32; for
// arrays of other types it returns zeros of a's type and shape.
func Imag(a *Array, opts ...Option) *Array {
	checkArray("imag", a)
	o := parseOptions("imag", optStream, opts)
	dt := a.dtype
	if dt == Complex64 {
		dt = Float32
	}
	return unaryNode("imag", core.Imag, a, dt, o.stream, core.UnaryParams{})
}

// Conjugate returns the complex conjugate of each element of a complex64
// array; arrays of other types are returned as they are.
func Conjugate(a *Array, opts ...Option) *Array {
	checkArray("conjugate", a)
	o := parseOptions("conjugate", optStream, opts)
	if a.dtype != Complex64 {
		return a
	}
	return unaryNode("conjugate", core.Conjugate, a, a.dtype, o.stream, core.UnaryParams{})
}

// Conj is Conjugate.
func Conj(a *Array, opts ...Option) *Array { return Conjugate(a, opts...) }

// stopGradientPrim passes its input through; gradients do not flow back
// through it.
type stopGradientPrim struct{}

func (stopGradientPrim) Name() string { return "StopGradient" }

func (stopGradientPrim) Eval(s Stream, in, out []*Array) error {
	out[0].shareView(in[0], in[0].strides, in[0].offset)
	return nil
}

// StopGradient returns a's values unchanged, as an array through which
// gradients do not flow: transforms treat it as a constant.
func StopGradient(a *Array, opts ...Option) *Array {
	checkArray("stop_gradient", a)
	o := parseOptions("stop_gradient", optStream, opts)
	return newArray(stopGradientPrim{}, o.stream, []*Array{a}, a.shape, a.dtype)
}

// viewPrim reinterprets the bytes of its input as another type.
type viewPrim struct{ dtype Dtype }

func (viewPrim) Name() string { return "View" }

func (p viewPrim) Eval(s Stream, in, out []*Array) error {
	x, o := in[0], out[0]
	if o.dtype != Bool || x.dtype == Bool {
		if strides, offset, ok := viewStrides(x, o); ok {
			o.shareView(x, strides, offset)
			return nil
		}
	}
	// Pack the bytes in row-major order, then read them as the new type.
	k, err := kernelsFor[core.CopyKernels]("view", s)
	if err != nil {
		return err
	}
	if err := o.alloc(s); err != nil {
		return err
	}
	packed := core.View{Buf: o.buf, Dtype: x.dtype.core(), Shape: x.shape,
		Strides: core.RowMajorStrides(x.shape), Offset: 0}
	if err := k.Copy(x.view(), packed); err != nil {
		return err
	}
	if o.dtype == Bool && x.dtype != Bool {
		// A Go bool must be 0 or 1: convert the bytes in place, any
		// nonzero byte becoming true.
		n := []int{o.Nbytes()}
		bytes := core.View{Buf: o.buf, Dtype: core.Uint8, Shape: n, Strides: []int{1}}
		bools := bytes
		bools.Dtype = core.Bool
		return k.Copy(bytes, bools)
	}
	return nil
}

// viewStrides returns the strides and offset, in o's elements, that let o
// share x's buffer, or false when x's layout does not allow it.
func viewStrides(x, o *Array) ([]int, int, bool) {
	is, os := x.dtype.Size(), o.dtype.Size()
	if is == os {
		return x.strides, x.offset, true
	}
	if x.Size() == 0 {
		return core.RowMajorStrides(o.shape), 0, true
	}
	last := len(x.shape) - 1
	if x.strides[last] != 1 && x.shape[last] != 1 {
		return nil, 0, false
	}
	strides := make([]int, len(x.strides))
	for i, st := range x.strides[:last] {
		if st*is%os != 0 {
			return nil, 0, false
		}
		strides[i] = st * is / os
	}
	strides[last] = 1
	if x.offset*is%os != 0 {
		return nil, 0, false
	}
	return strides, x.offset * is / os, true
}

// View returns a with its bytes reinterpreted as elements of type dt (no
// conversion: View(float32 array, Uint32) gives the bits). When the element
// sizes differ, the last axis scales: viewing float32 as uint8 makes it 4
// times longer, viewing uint8 as float32 4 times shorter. Viewing as bool
// makes any nonzero byte true. It panics with *Error when a is 0-d and the
// sizes differ, or when the last axis does not hold a whole number of
// the larger elements. Viewing as a's own type returns a.
func View(a *Array, dt Dtype, opts ...Option) *Array {
	checkArray("view", a)
	o := parseOptions("view", optStream, opts)
	if !dt.valid() {
		panic(newError("view", "invalid dtype %v", dt))
	}
	if a.dtype == dt {
		return a
	}
	is, os := a.dtype.Size(), dt.Size()
	shape := slicesClone(a.shape)
	if is != os {
		if len(shape) == 0 {
			panic(newError("view", "cannot view a 0-d %v array as %v: the element sizes differ", a.dtype, dt))
		}
		last := len(shape) - 1
		if is < os {
			if shape[last]*is%os != 0 {
				panic(newError("view", "cannot view an array of shape %s and type %v as %v: "+
					"the last axis holds %d bytes, not a multiple of %d", shapeString(a.shape), a.dtype, dt,
					shape[last]*is, os))
			}
			shape[last] = shape[last] * is / os
		} else {
			shape[last] *= is / os
		}
	}
	return newArray(viewPrim{dt}, o.stream, []*Array{a}, shape, dt)
}

// ToFP8 converts a real floating-point array to 8-bit floats (fp8 e4m3:
// 4 exponent bits, 3 mantissa bits, no infinities), returned as their
// uint8 codes. Values round to nearest, ties to even; magnitudes beyond
// the largest, 448, saturate to ±448 (infinities too, as in MLX); NaN
// gives the NaN code 0x7f (or 0xff). It panics with *Error for other
// types.
func ToFP8(a *Array, opts ...Option) *Array {
	checkArray("to_fp8", a)
	o := parseOptions("to_fp8", optStream, opts)
	if !a.dtype.IsFloating() {
		panic(newError("to_fp8", "only real floating-point types are supported, not %v", a.dtype))
	}
	return unaryNode("to_fp8", core.ToFP8, a, Uint8, o.stream, core.UnaryParams{})
}

// FromFP8 converts uint8 codes of 8-bit floats (fp8 e4m3, as ToFP8 makes
// them) to the floating-point type given as an option, bfloat16 by
// default; every fp8 value is exact in each of them. The codes 0x7f and
// 0xff are NaN. It panics with *Error unless a is uint8 and the type is a
// real floating-point type.
func FromFP8(a *Array, opts ...Option) *Array {
	checkArray("from_fp8", a)
	o := parseOptions("from_fp8", optStream|optDtype, opts)
	dt := Bfloat16
	if o.set&optDtype != 0 {
		dt = o.dtype
	}
	if a.dtype != Uint8 {
		panic(newError("from_fp8", "the input must be uint8, not %v", a.dtype))
	}
	if !dt.valid() || !dt.IsFloating() {
		panic(newError("from_fp8", "only real floating-point types are supported, not %v", dt))
	}
	return unaryNode("from_fp8", core.FromFP8, a, dt, o.stream, core.UnaryParams{})
}

// Transform rules of the unary family. For an op f with derivative f', the
// JVP is t*f'(x) and the VJP is c*conj(f'(x)): complex gradients follow the
// conjugate convention of MLX and PyTorch (a no-op for real types). The
// rounding ops and Sign have zero derivative, as in MLX; the ops whose
// result is bool or integer (the Is* predicates, LogicalNot, BitwiseInvert,
// ToFP8, FromFP8) carry no gradient, and their rules give zeros.

// slope returns the derivative of p at x, whose result is y, as the array
// the input's tangent is multiplied by, or when div is true divided by (a
// quotient is more accurate than a multiplication by its reciprocal). It
// returns nil when the derivative is zero or the op is not differentiable.
func (p unaryPrim) slope(s Stream, x, y *Array) (d *Array, div bool) {
	switch p.op {
	case core.Abs:
		return Sign(x, s), false
	case core.Square:
		return Multiply(x, 2, s), false
	case core.Sqrt:
		return Multiply(y, 2, s), true
	case core.Rsqrt:
		return Multiply(Divide(y, x, s), -0.5, s), false
	case core.Reciprocal:
		return Negative(Square(y, s), s), false
	case core.Exp:
		return y, false
	case core.Expm1:
		return Add(y, 1, s), false
	case core.Log:
		return x, true
	case core.Log2:
		return Multiply(x, math.Ln2, s), true
	case core.Log10:
		return Multiply(x, math.Ln10, s), true
	case core.Log1p:
		return Add(x, 1, s), true
	case core.Sin:
		return Cos(x, s), false
	case core.Cos:
		return Negative(Sin(x, s), s), false
	case core.Tan:
		return Square(Cos(x, s), s), true
	case core.Arcsin:
		return Rsqrt(Subtract(1, Square(x, s), s), s), false
	case core.Arccos:
		return Negative(Rsqrt(Subtract(1, Square(x, s), s), s), s), false
	case core.Arctan:
		return Add(Square(x, s), 1, s), true
	case core.Sinh:
		return Cosh(x, s), false
	case core.Cosh:
		return Sinh(x, s), false
	case core.Tanh:
		return Square(Cosh(x, s), s), true
	case core.Arcsinh:
		return Rsqrt(Add(Square(x, s), 1, s), s), false
	case core.Arccosh:
		// 1/sqrt(x^2-1) as 1/(sqrt(x-1) sqrt(x+1)): the same for reals,
		// and the derivative of the principal branch for complex numbers
		// too (where the two square roots of x^2-1 differ in sign).
		return Multiply(Rsqrt(Subtract(x, 1, s), s), Rsqrt(Add(x, 1, s), s), s), false
	case core.Arctanh:
		return Subtract(1, Square(x, s), s), true
	case core.Sigmoid:
		return Multiply(y, Subtract(1, y, s), s), false
	case core.Erf:
		return Multiply(Exp(Negative(Square(x, s), s), s), 2/math.Sqrt(math.Pi), s), false
	case core.Erfinv:
		return Multiply(Exp(Square(y, s), s), math.Sqrt(math.Pi)/2, s), false
	case core.Degrees:
		return weakScalar("degrees", 180/math.Pi).array(x.dtype), false
	case core.Radians:
		return weakScalar("radians", math.Pi/180).array(x.dtype), false
	}
	// Sign, Floor, Ceil, Trunc, Round, and the ops without gradient.
	return nil, false
}

func (p unaryPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	x, y, t := in[0], out[0], tan[0]
	switch p.op {
	case core.Negative:
		return []*Array{Negative(t, s)}
	case core.Abs:
		if x.dtype == Complex64 {
			// |z| is real: its derivative along t is Re(conj(z/|z|) t).
			return []*Array{Real(Multiply(t, Conjugate(Sign(x, s), s), s), s)}
		}
	case core.Real:
		return []*Array{Real(t, s)}
	case core.Imag:
		if x.dtype == Complex64 {
			return []*Array{Imag(t, s)}
		}
	case core.Conjugate:
		return []*Array{Conjugate(t, s)}
	case core.NanToNum:
		// The finite elements pass through; the others are replaced by
		// constants.
		return []*Array{Where(IsFinite(x, s), t, 0, s)}
	}
	d, div := p.slope(s, x, y)
	switch {
	case d == nil:
		return []*Array{zerosLike(y, s)}
	case div:
		return []*Array{Divide(t, d, s)}
	}
	return []*Array{Multiply(t, d, s)}
}

func (p unaryPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	x, y, c := in[0], out[0], cot[0]
	switch p.op {
	case core.Negative:
		return []*Array{Negative(c, s)}
	case core.Abs:
		if x.dtype == Complex64 {
			// The gradient of |z| is z/|z|.
			return []*Array{Multiply(c, Sign(x, s), s)}
		}
	case core.Real:
		return []*Array{AsType(c, x.dtype, s)}
	case core.Imag:
		if x.dtype == Complex64 {
			return []*Array{Multiply(AsType(c, Complex64, s), complex(0, 1), s)}
		}
	case core.Conjugate:
		return []*Array{Conjugate(c, s)}
	case core.NanToNum:
		return []*Array{Where(IsFinite(x, s), c, 0, s)}
	}
	d, div := p.slope(s, x, y)
	if d == nil {
		return []*Array{zerosLike(x, s)}
	}
	d = Conjugate(d, s)
	if div {
		return []*Array{Divide(c, d, s)}
	}
	return []*Array{Multiply(c, d, s)}
}

// Vmap applies the op to the batched input: elementwise, the batch axis
// stays where it is.
func (p unaryPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x := in[0]
	return []*Array{newArray(p, s, []*Array{x}, x.shape, out[0].dtype)}, axes
}

// StopGradient's rules give zero tangents and cotangents: the transforms
// treat its result as a constant.

func (stopGradientPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(in[0], s)}
}

func (stopGradientPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(out[0], s)}
}

func (stopGradientPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	return []*Array{StopGradient(in[0], s)}, axes
}

// A view as another type reinterprets bits: it has no derivative, and its
// rules give zeros.

func (viewPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(in[0], s)}
}

func (viewPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(out[0], s)}
}

// Vmap views the batched input as the new type. When the element sizes
// differ the last axis scales, so a batch axis that is last is moved to
// the front first.
func (p viewPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, ax := in[0], axes[0]
	if ax >= 0 && ax == x.Ndim()-1 && x.dtype.Size() != p.dtype.Size() {
		x, ax = MoveAxis(x, ax, 0, s), 0
	}
	return []*Array{View(x, p.dtype, s)}, []int{ax}
}
