package mx

import (
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The binary ops: elementwise operations of two operands, with NumPy's
// broadcasting. Each operand is an *Array, a Go slice (made an array as
// NewArray makes it) or a Go number. A Go number is a weak scalar, as a
// Python scalar is in MLX: it takes the type of the array it meets, so that
// Add(float16 array, 1.5) is float16 and Add(int8 array, 1) is int8, except
// that a float meeting an integer or bool array gives float32 and an
// integer meeting a bool array gives int32. Arrays of different types are
// promoted with PromoteTypes. Shapes that do not broadcast panic with *Error
// naming the op and both shapes. float16 and bfloat16 compute through
// float32. Bools in arithmetic ops compute as the integers 0 and 1 and give
// bools again, nonzero being true, as in MLX: Add of bools is logical or,
// Subtract exclusive or, Multiply and FloorDivide logical and.

// typeRule says how a binary op types its operands and its result from the
// type its operands promote to.
type typeRule uint8

const (
	ruleSame    typeRule = iota // operands and result of the promoted type
	ruleFloat                   // as ruleSame, integers and bools made float32
	ruleCompare                 // operands of the promoted type, bool result
	ruleLogical                 // operands made bool, bool result
	ruleBitwise                 // integers and bools only
	ruleShift                   // integers only; bools become uint8
)

// binarySpec describes one binary op.
type binarySpec struct {
	name      string // the op as MLX spells it, for errors: "floor_divide"
	op        core.BinaryOp
	rule      typeRule
	noComplex bool      // complex64 operands panic
	prim      Primitive // binaryPrim{op, name}, or nil (made per call)
}

// binaryPrim is an elementwise operation of two arrays.
type binaryPrim struct {
	op   core.BinaryOp
	name string
}

func (p binaryPrim) Name() string { return p.op.String() }

func (p binaryPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.BinaryKernels](p.name, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	a, b := broadcastViews(in[0], in[1], out[0].shape)
	return k.Binary(p.op, a, b, out[0].view())
}

// broadcastViews returns the views of a and b as arrays of shape (zero
// strides on broadcast dimensions).
func broadcastViews(a, b *Array, shape []int) (core.View, core.View) {
	return broadcastView(a, shape), broadcastView(b, shape)
}

func broadcastView(a *Array, shape []int) core.View {
	v := a.view()
	if slices.Equal(v.Shape, shape) {
		return v
	}
	v.Strides = broadcastStrides(v.Shape, v.Strides, shape)
	v.Shape = shape
	return v
}

// atLeastFloat returns dt, or float32 for integer and bool types.
func atLeastFloat(dt Dtype) Dtype {
	if dt.IsInexact() {
		return dt
	}
	return Float32
}

// binaryTypes returns the type the operands x and y (promoted to dt) are
// converted to and the type of the result, or panics with *Error.
func binaryTypes(sp binarySpec, errName string, x, y *Array, dt Dtype) (in, out Dtype) {
	if dt == Complex64 && sp.noComplex {
		panic(newError(errName, "complex64 is not supported"))
	}
	switch sp.rule {
	case ruleFloat:
		dt = atLeastFloat(dt)
	case ruleCompare:
		return dt, Bool
	case ruleLogical:
		return Bool, Bool
	case ruleBitwise, ruleShift:
		if !dt.IsInteger() && dt != Bool {
			panic(newError(errName, "only integer and bool types are allowed, not %v and %v", x.dtype, y.dtype))
		}
		if sp.rule == ruleShift && dt == Bool {
			dt = Uint8
		}
	}
	return dt, dt
}

// binary builds the op sp of two operands; errName names the op in errors.
func binary(sp binarySpec, errName string, a, b any, opts []Option) *Array {
	o := parseOptions(errName, optStream, opts)
	xs, dt := asArrays(errName, a, b)
	x, y := xs[0], xs[1]
	shape := broadcastPair(errName, x.shape, y.shape)
	in, out := binaryTypes(sp, errName, x, y, dt)
	x, y = asType(x, in, o.stream), asType(y, in, o.stream)
	prim := sp.prim
	if prim == nil {
		prim = binaryPrim{sp.op, sp.name}
	}
	return newArray(prim, o.stream, []*Array{x, y}, shape, out)
}

// broadcastPair returns the shape a and b broadcast to: one of them when
// the other broadcasts to it (broadcastsTo, ops_view.go), else a new one
// (see broadcastShapes).
func broadcastPair(op string, a, b []int) []int {
	switch {
	case broadcastsTo(b, a):
		return a
	case broadcastsTo(a, b):
		return b
	}
	return broadcastShapes(op, a, b)
}

// asType is AsType on stream s, with no options to parse.
func asType(a *Array, dt Dtype, s Stream) *Array {
	if a.dtype == dt {
		return a
	}
	return newArray(copyPrim{}, s, []*Array{a}, a.shape, dt)
}

// The primitives of the specs, made once: a binaryPrim does not fit in an
// interface without an allocation.
func init() {
	for _, sp := range []*binarySpec{&specAdd, &specSubtract, &specMultiply, &specDivide,
		&specFloorDivide, &specRemainder, &specPower, &specMaximum, &specMinimum,
		&specArctan2, &specLogaddexp, &specEqual, &specNotEqual, &specLess,
		&specLessEqual, &specGreater, &specGreaterEqual, &specLogicalAnd,
		&specLogicalOr, &specLogicalXor, &specBitwiseAnd, &specBitwiseOr,
		&specBitwiseXor, &specLeftShift, &specRightShift} {
		sp.prim = binaryPrim{sp.op, sp.name}
	}
}

var (
	specAdd          = binarySpec{name: "add", op: core.Add}
	specSubtract     = binarySpec{name: "subtract", op: core.Subtract}
	specMultiply     = binarySpec{name: "multiply", op: core.Multiply}
	specDivide       = binarySpec{name: "divide", op: core.Divide, rule: ruleFloat}
	specFloorDivide  = binarySpec{name: "floor_divide", op: core.FloorDivide, noComplex: true}
	specRemainder    = binarySpec{name: "remainder", op: core.Remainder, noComplex: true}
	specPower        = binarySpec{name: "power", op: core.Power}
	specMaximum      = binarySpec{name: "maximum", op: core.Maximum}
	specMinimum      = binarySpec{name: "minimum", op: core.Minimum}
	specArctan2      = binarySpec{name: "arctan2", op: core.ArcTan2, rule: ruleFloat, noComplex: true}
	specLogaddexp    = binarySpec{name: "logaddexp", op: core.LogAddExp, rule: ruleFloat, noComplex: true}
	specEqual        = binarySpec{name: "equal", op: core.Equal, rule: ruleCompare}
	specNotEqual     = binarySpec{name: "not_equal", op: core.NotEqual, rule: ruleCompare}
	specLess         = binarySpec{name: "less", op: core.Less, rule: ruleCompare}
	specLessEqual    = binarySpec{name: "less_equal", op: core.LessEqual, rule: ruleCompare}
	specGreater      = binarySpec{name: "greater", op: core.Greater, rule: ruleCompare}
	specGreaterEqual = binarySpec{name: "greater_equal", op: core.GreaterEqual, rule: ruleCompare}
	specLogicalAnd   = binarySpec{name: "logical_and", op: core.LogicalAnd, rule: ruleLogical}
	specLogicalOr    = binarySpec{name: "logical_or", op: core.LogicalOr, rule: ruleLogical}
	specLogicalXor   = binarySpec{name: "logical_xor", op: core.NotEqual, rule: ruleLogical}
	specBitwiseAnd   = binarySpec{name: "bitwise_and", op: core.BitwiseAnd, rule: ruleBitwise}
	specBitwiseOr    = binarySpec{name: "bitwise_or", op: core.BitwiseOr, rule: ruleBitwise}
	specBitwiseXor   = binarySpec{name: "bitwise_xor", op: core.BitwiseXor, rule: ruleBitwise}
	specLeftShift    = binarySpec{name: "left_shift", op: core.LeftShift, rule: ruleShift}
	specRightShift   = binarySpec{name: "right_shift", op: core.RightShift, rule: ruleShift}
)

// Add returns a + b elementwise. It takes every dtype; bools add as
// logical or.
func Add(a, b any, opts ...Option) *Array { return binary(specAdd, "add", a, b, opts) }

// Subtract returns a - b elementwise. It takes every dtype; bools subtract
// as exclusive or.
func Subtract(a, b any, opts ...Option) *Array {
	return binary(specSubtract, "subtract", a, b, opts)
}

// Multiply returns a * b elementwise. It takes every dtype; bools multiply
// as logical and.
func Multiply(a, b any, opts ...Option) *Array {
	return binary(specMultiply, "multiply", a, b, opts)
}

// Divide returns a / b elementwise. Integer and bool operands divide as
// float32 (true division), floats and complex64 in their own type; division
// by zero gives ±Inf or NaN.
func Divide(a, b any, opts ...Option) *Array { return binary(specDivide, "divide", a, b, opts) }

// FloorDivide returns a / b rounded toward negative infinity, in the
// promoted type, as NumPy's floor_divide: FloorDivide(-7, 2) is -4. Integer
// division by zero gives 0, as in NumPy (which also warns); float division
// by zero gives ±Inf or NaN. It panics with *Error on complex64.
func FloorDivide(a, b any, opts ...Option) *Array {
	return binary(specFloorDivide, "floor_divide", a, b, opts)
}

// Remainder returns the remainder of a / b, with the sign of b as in
// Python and NumPy: Remainder(-7, 2) is 1 and Remainder(7, -2) is -1, so
// that a == b*FloorDivide(a, b) + Remainder(a, b). Integer remainders by
// zero give 0, float ones NaN. It panics with *Error on complex64.
func Remainder(a, b any, opts ...Option) *Array {
	return binary(specRemainder, "remainder", a, b, opts)
}

// Power returns a raised to the power b elementwise, in the promoted type.
// Integers raise by repeated multiplication and wrap on overflow; an
// integer raised to a negative integer power gives 0, as in MLX (NumPy
// rejects it). Floats follow math.Pow, complex64 cmplx.Pow.
func Power(a, b any, opts ...Option) *Array { return binary(specPower, "power", a, b, opts) }

// Maximum returns the larger of a and b elementwise; NaN in either gives
// NaN. Complex numbers compare by real part, then imaginary part.
func Maximum(a, b any, opts ...Option) *Array {
	return binary(specMaximum, "maximum", a, b, opts)
}

// Minimum returns the smaller of a and b elementwise; NaN in either gives
// NaN. Complex numbers compare by real part, then imaginary part.
func Minimum(a, b any, opts ...Option) *Array {
	return binary(specMinimum, "minimum", a, b, opts)
}

// Arctan2 returns the angle of the point (b, a), the arc tangent of a/b in
// the right quadrant, in radians in [-π, π]. Integer and bool operands give
// float32. It panics with *Error on complex64.
func Arctan2(a, b any, opts ...Option) *Array {
	return binary(specArctan2, "arctan2", a, b, opts)
}

// Logaddexp returns log(exp(a) + exp(b)) elementwise, computed without
// overflow; Logaddexp(-Inf, x) is x. Integer and bool operands give
// float32. It panics with *Error on complex64.
func Logaddexp(a, b any, opts ...Option) *Array {
	return binary(specLogaddexp, "logaddexp", a, b, opts)
}

// Equal returns a == b elementwise as a bool array; NaN equals nothing.
func Equal(a, b any, opts ...Option) *Array { return binary(specEqual, "equal", a, b, opts) }

// NotEqual returns a != b elementwise as a bool array.
func NotEqual(a, b any, opts ...Option) *Array {
	return binary(specNotEqual, "not_equal", a, b, opts)
}

// Less returns a < b elementwise as a bool array. Complex numbers compare
// by real part, then imaginary part.
func Less(a, b any, opts ...Option) *Array { return binary(specLess, "less", a, b, opts) }

// LessEqual returns a <= b elementwise as a bool array.
func LessEqual(a, b any, opts ...Option) *Array {
	return binary(specLessEqual, "less_equal", a, b, opts)
}

// Greater returns a > b elementwise as a bool array.
func Greater(a, b any, opts ...Option) *Array {
	return binary(specGreater, "greater", a, b, opts)
}

// GreaterEqual returns a >= b elementwise as a bool array.
func GreaterEqual(a, b any, opts ...Option) *Array {
	return binary(specGreaterEqual, "greater_equal", a, b, opts)
}

// LogicalAnd returns a && b elementwise as a bool array; operands of other
// types count as true where they are nonzero.
func LogicalAnd(a, b any, opts ...Option) *Array {
	return binary(specLogicalAnd, "logical_and", a, b, opts)
}

// LogicalOr returns a || b elementwise as a bool array; operands of other
// types count as true where they are nonzero.
func LogicalOr(a, b any, opts ...Option) *Array {
	return binary(specLogicalOr, "logical_or", a, b, opts)
}

// LogicalXor returns whether exactly one of a and b is true, elementwise,
// as a bool array; operands of other types count as true where they are
// nonzero.
func LogicalXor(a, b any, opts ...Option) *Array {
	return binary(specLogicalXor, "logical_xor", a, b, opts)
}

// BitwiseAnd returns a & b elementwise. It takes integers and bools, and
// panics with *Error on floating-point and complex operands.
func BitwiseAnd(a, b any, opts ...Option) *Array {
	return binary(specBitwiseAnd, "bitwise_and", a, b, opts)
}

// BitwiseOr returns a | b elementwise. It takes integers and bools, and
// panics with *Error on floating-point and complex operands.
func BitwiseOr(a, b any, opts ...Option) *Array {
	return binary(specBitwiseOr, "bitwise_or", a, b, opts)
}

// BitwiseXor returns a ^ b elementwise. It takes integers and bools, and
// panics with *Error on floating-point and complex operands.
func BitwiseXor(a, b any, opts ...Option) *Array {
	return binary(specBitwiseXor, "bitwise_xor", a, b, opts)
}

// LeftShift returns a << b elementwise. It takes integers (bools shift as
// uint8) and panics with *Error on floating-point and complex operands.
// Counts at or past the width of the type, and negative counts, give 0, as
// in NumPy.
func LeftShift(a, b any, opts ...Option) *Array {
	return binary(specLeftShift, "left_shift", a, b, opts)
}

// RightShift returns a >> b elementwise, arithmetic (sign-filling) for
// signed types. It takes integers (bools shift as uint8) and panics with
// *Error on floating-point and complex operands. Counts at or past the
// width of the type, and negative counts, give 0, or -1 for negative
// numbers, as in NumPy.
func RightShift(a, b any, opts ...Option) *Array {
	return binary(specRightShift, "right_shift", a, b, opts)
}

// divmodPrim computes the floored quotient and the remainder at once.
type divmodPrim struct{}

func (divmodPrim) Name() string { return "DivMod" }

func (divmodPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.BinaryKernels]("divmod", s)
	if err != nil {
		return err
	}
	for _, o := range out {
		if err := o.alloc(s); err != nil {
			return err
		}
	}
	a, b := broadcastViews(in[0], in[1], out[0].shape)
	return k.DivMod(a, b, out[0].view(), out[1].view())
}

// Divmod returns FloorDivide(a, b) and Remainder(a, b), computed together.
// It panics with *Error on complex64 and on shapes that do not broadcast.
func Divmod(a, b any, opts ...Option) (quotient, remainder *Array) {
	o := parseOptions("divmod", optStream, opts)
	xs, dt := asArrays("divmod", a, b)
	x, y := xs[0], xs[1]
	shape := broadcastPair("divmod", x.shape, y.shape)
	in, _ := binaryTypes(specFloorDivide, "divmod", x, y, dt)
	x, y = asType(x, in, o.stream), asType(y, in, o.stream)
	outs := newNode(divmodPrim{}, o.stream, []*Array{x, y}, [][]int{shape, shape}, []Dtype{in, in})
	return outs[0], outs[1]
}

// selectPrim picks from its second or third input by its first (bool).
type selectPrim struct{}

func (selectPrim) Name() string { return "Select" }

func (selectPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.TernaryKernels]("where", s)
	if err != nil {
		return err
	}
	o := out[0]
	if err := o.alloc(s); err != nil {
		return err
	}
	return k.Select(broadcastView(in[0], o.shape), broadcastView(in[1], o.shape),
		broadcastView(in[2], o.shape), o.view())
}

// Where returns x where cond is true and y where it is false, elementwise,
// with cond, x and y broadcast together. cond is made bool (nonzero is
// true); x and y are promoted to one type, Go numbers among them being weak
// scalars. It panics with *Error when the shapes do not broadcast.
func Where(cond, x, y any, opts ...Option) *Array {
	o := parseOptions("where", optStream, opts)
	c := asArray("where", cond)
	xs, dt := asArrays("where", x, y)
	shape := broadcastShapes("where", c.shape, xs[0].shape, xs[1].shape)
	in := []*Array{asType(c, Bool, o.stream), asType(xs[0], dt, o.stream), asType(xs[1], dt, o.stream)}
	return newArray(selectPrim{}, o.stream, in, shape, dt)
}

// Clip returns a with its values limited to [min, max], as
// Minimum(Maximum(a, min), max), broadcast together. Either bound may be
// nil (or a nil *Array) for none; the bounds are arrays, slices or Go
// numbers (weak scalars, so Clip(int8 array, 0, 100) stays int8). NaN in a
// or a bound gives NaN. It panics with *Error when both bounds are nil or
// the shapes do not broadcast.
func Clip(a *Array, min, max any, opts ...Option) *Array {
	checkArray("clip", a)
	noMin, noMax := isNilBound(min), isNilBound(max)
	if noMin && noMax {
		panic(newError("clip", "min and max cannot both be nil"))
	}
	out := a
	if !noMin {
		out = binary(specMaximum, "clip", out, min, opts)
	}
	if !noMax {
		out = binary(specMinimum, "clip", out, max, opts)
	}
	return out
}

func isNilBound(v any) bool {
	if v == nil {
		return true
	}
	p, ok := v.(*Array)
	return ok && p == nil
}

// tolerance holds the options of IsClose, AllClose and ArrayEqual.
type tolerance struct {
	rtol, atol       float64
	hasRtol, hasAtol bool
	equalNaN         bool
}

type rtolOption float64

func (r rtolOption) apply(o *options) {
	o.set |= optTolerance
	o.tol.rtol, o.tol.hasRtol = float64(r), true
}

type atolOption float64

func (a atolOption) apply(o *options) {
	o.set |= optTolerance
	o.tol.atol, o.tol.hasAtol = float64(a), true
}

type equalNaNOption struct{}

func (equalNaNOption) apply(o *options) { o.set |= optTolerance; o.tol.equalNaN = true }

// Rtol sets the relative tolerance of IsClose and AllClose (1e-5 when not
// given).
func Rtol(rtol float64) Option { return rtolOption(rtol) }

// Atol sets the absolute tolerance of IsClose and AllClose (1e-8 when not
// given).
func Atol(atol float64) Option { return atolOption(atol) }

// EqualNaN makes IsClose, AllClose and ArrayEqual count two NaNs as equal.
var EqualNaN Option = equalNaNOption{}

// closeTolerance returns the tolerance of the parsed options, with MLX's
// defaults, or panics with *Error on a negative or NaN tolerance.
func closeTolerance(op string, o options) core.Tolerance {
	t := core.Tolerance{Rtol: 1e-5, Atol: 1e-8, EqualNaN: o.tol.equalNaN}
	if o.tol.hasRtol {
		t.Rtol = o.tol.rtol
	}
	if o.tol.hasAtol {
		t.Atol = o.tol.atol
	}
	if !(t.Rtol >= 0) || !(t.Atol >= 0) || math.IsInf(t.Rtol, 0) || math.IsInf(t.Atol, 0) {
		panic(newError(op, "tolerances must be finite and non-negative, not rtol=%g and atol=%g", t.Rtol, t.Atol))
	}
	return t
}

// closePrim tests closeness elementwise, or everywhere when all is set.
type closePrim struct {
	tol  core.Tolerance
	all  bool
	name string
}

func (p closePrim) Name() string {
	if p.all {
		return "AllClose"
	}
	return "IsClose"
}

func (p closePrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.BinaryKernels](p.name, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	if !p.all {
		a, b := broadcastViews(in[0], in[1], out[0].shape)
		return k.IsClose(a, b, out[0].view(), p.tol)
	}
	shape := broadcastShapes(p.name, in[0].shape, in[1].shape)
	a, b := broadcastViews(in[0], in[1], shape)
	return k.AllClose(a, b, out[0].view(), p.tol)
}

// closeness builds IsClose (all false) or AllClose (all true).
func closeness(name string, a, b any, tol core.Tolerance, all bool, o options) *Array {
	xs, dt := asArrays(name, a, b)
	x, y := xs[0], xs[1]
	shape := broadcastShapes(name, x.shape, y.shape)
	x, y = asType(x, dt, o.stream), asType(y, dt, o.stream)
	if all {
		shape = []int{}
	}
	return newArray(closePrim{tol, all, name}, o.stream, []*Array{x, y}, shape, Bool)
}

// IsClose returns, elementwise as a bool array, whether a and b are equal
// within a tolerance: |a - b| <= atol + rtol*|b|, with rtol 1e-5 and atol
// 1e-8 unless the options Rtol and Atol say otherwise. Infinities are close
// only to themselves; NaN is close to nothing unless EqualNaN is given:
//
//	mx.IsClose(a, b, mx.Rtol(1e-3), mx.EqualNaN)
//
// Operands broadcast and promote as in Add. It panics with *Error on shapes
// that do not broadcast and on negative tolerances.
func IsClose(a, b any, opts ...Option) *Array {
	o := parseOptions("isclose", optStream|optTolerance, opts)
	return closeness("isclose", a, b, closeTolerance("isclose", o), false, o)
}

// AllClose returns a 0-d bool array that is true when IsClose(a, b, opts...)
// holds for every element (and for empty operands). It takes the options
// of IsClose and panics as it does.
func AllClose(a, b any, opts ...Option) *Array {
	o := parseOptions("allclose", optStream|optTolerance, opts)
	return closeness("allclose", a, b, closeTolerance("allclose", o), true, o)
}

// ArrayEqual returns a 0-d bool array that is true when a and b have the
// same shape and equal elements (compared in their promoted type). NaN
// equals nothing unless the option EqualNaN is given. Arrays of different
// shapes are not equal; no broadcasting takes place.
func ArrayEqual(a, b any, opts ...Option) *Array {
	o := parseOptions("array_equal", optStream|optTolerance, opts)
	if o.tol.hasAtol || o.tol.hasRtol {
		panic(newError("array_equal", "takes EqualNaN but no tolerance"))
	}
	xs, _ := asArrays("array_equal", a, b)
	if !slices.Equal(xs[0].shape, xs[1].shape) {
		return Scalar(false)
	}
	tol := core.Tolerance{EqualNaN: o.tol.equalNaN}
	return closeness("array_equal", xs[0], xs[1], tol, true, o)
}
