package mx

import (
	binenc "encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The unary rows of the op table are made from specs: an op, a float64
// reference, and the input types it accepts. Each spec gives rows for
// every accepted type, plus rows for a strided input, an empty array and a
// 0-d array.

type unaryFn = func(a *Array, opts ...Option) *Array

var (
	nan    = math.NaN()
	inf    = math.Inf(1)
	negInf = math.Inf(-1)
	negZ   = math.Copysign(0, -1)
)

// unaryInputs are the values every spec is tried on (after rounding to the
// input type), besides its own.
var unaryInputs = []float64{-3.5, -2, -1, -0.5, negZ, 0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3.5, 10, nan, inf, negInf}

// intInputs are the values of integer inputs.
var intInputs = []float64{-5, -1, 0, 1, 2, 7, 100}

// toleranceOf is the tolerance of the table for results of type dt
// computed by a reference rounded once: one unit in the last place.
func toleranceOf(dt Dtype) float64 {
	switch dt {
	case Float16:
		return 1e-3
	case Bfloat16:
		return 8e-3
	case Float32:
		return 2.4e-7
	case Complex64:
		return 1e-6
	}
	return 1e-15
}

// storeAs returns v as stored in an array of type dt.
func storeAs(v float64, dt Dtype) float64 {
	switch dt {
	case Float16:
		return float64(core.F16FromFloat64(v).Float32())
	case Bfloat16:
		return float64(core.BF16FromFloat64(v).Float32())
	case Float32, Complex64:
		return float64(float32(v))
	case Bool:
		if v != 0 {
			return 1
		}
		return 0
	}
	if dt.IsInteger() {
		return float64(int64(v))
	}
	return v
}

// typedArray makes an array of type dt holding vals (rounded to dt; bools
// are vals != 0), of the given shape (one axis by default).
func typedArray(vals []float64, dt Dtype, shape ...int) *Array {
	if shape == nil {
		shape = []int{len(vals)}
	}
	switch dt {
	case Bool:
		return NewArray(mapSlice(vals, func(v float64) bool { return v != 0 }), shape...)
	case Uint8:
		return NewArray(mapSlice(vals, func(v float64) uint8 { return uint8(int64(v)) }), shape...)
	case Uint16:
		return NewArray(mapSlice(vals, func(v float64) uint16 { return uint16(int64(v)) }), shape...)
	case Uint32:
		return NewArray(mapSlice(vals, func(v float64) uint32 { return uint32(int64(v)) }), shape...)
	case Uint64:
		return NewArray(mapSlice(vals, func(v float64) uint64 { return uint64(int64(v)) }), shape...)
	case Int8:
		return NewArray(mapSlice(vals, func(v float64) int8 { return int8(v) }), shape...)
	case Int16:
		return NewArray(mapSlice(vals, func(v float64) int16 { return int16(v) }), shape...)
	case Int32:
		return NewArray(mapSlice(vals, func(v float64) int32 { return int32(v) }), shape...)
	case Int64:
		return NewArray(mapSlice(vals, func(v float64) int64 { return int64(v) }), shape...)
	case Float16:
		return NewArray(mapSlice(vals, core.F16FromFloat64), shape...)
	case Bfloat16:
		return NewArray(mapSlice(vals, core.BF16FromFloat64), shape...)
	case Float32:
		return NewArray(mapSlice(vals, func(v float64) float32 { return float32(v) }), shape...)
	case Complex64:
		return NewArray(mapSlice(vals, func(v float64) complex64 { return complex(float32(v), 0) }), shape...)
	}
	return NewArray(slices.Clone(vals), shape...)
}

func mapSlice[S, D any](s []S, f func(S) D) []D {
	out := make([]D, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// transposed returns the values of a 3x4 row-major grid of vals (12 or
// more; the first 12 are used) read as its 4x3 transpose, as an array that
// is a strided view, and the values in the view's row-major order.
func transposed(vals []float64, dt Dtype) (*Array, []float64) {
	base := typedArray(vals[:12], dt, 3, 4)
	v := stridedView(base, []int{4, 3}, []int{1, 4}, 0)
	var order []float64
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			order = append(order, vals[j*4+i])
		}
	}
	return v, order
}

// realSpec is an op on real numbers with a float64 reference.
type realSpec struct {
	name  string
	f     unaryFn
	ref   func(float64) float64
	extra []float64 // inputs of its own
	// out is the result type for input type dt: nil means the type
	// mathematical functions compute in (atLeastFloat).
	out func(dt Dtype) Dtype
	// types are the input types to try; nil means every floating-point
	// type, int32, uint8 and bool.
	types []Dtype
}

func sameType(dt Dtype) Dtype { return dt }

// rows makes the table rows of s.
func (s realSpec) rows() []opCase {
	types := s.types
	if types == nil {
		types = append(slices.Clone(floatTypes), Int32, Uint8, Bool)
	}
	outOf := s.out
	if outOf == nil {
		outOf = atLeastFloat
	}
	op := func(in []*Array, o ...Option) *Array { return s.f(in[0], o...) }
	var cs []opCase
	for _, dt := range types {
		vals := append(slices.Clone(unaryInputs), s.extra...)
		if !dt.IsFloating() {
			vals = intInputs
			if dt == Uint8 {
				vals = []float64{0, 1, 2, 7, 100, 255}
			}
			if dt == Bool {
				vals = []float64{0, 1, 1, 0}
			}
		}
		od := outOf(dt)
		want := func(vals []float64, shape ...int) *Array {
			out := make([]float64, len(vals))
			for i, v := range vals {
				out[i] = s.ref(storeAs(v, dt))
			}
			return typedArray(out, od, shape...)
		}
		tol := toleranceOf(od)
		if !od.IsInexact() {
			tol = 0
		}
		cs = append(cs, opCase{
			name: fmt.Sprintf("%s/%v", s.name, dt),
			in:   []*Array{typedArray(vals, dt)},
			op:   op, want: want(vals), tol: tol,
		})
		if dt != Float32 && dt != Int32 {
			continue
		}
		// Strided, empty and 0-d inputs.
		for len(vals) < 12 {
			vals = append(vals, vals...)
		}
		tv, order := transposed(vals, dt)
		cs = append(cs,
			opCase{name: fmt.Sprintf("%s/%v/strided", s.name, dt), in: []*Array{tv}, op: op, want: want(order, 4, 3), tol: tol},
			opCase{name: fmt.Sprintf("%s/%v/empty", s.name, dt), in: []*Array{typedArray(nil, dt, 0, 3)}, op: op,
				want: want(nil, 0, 3)},
			opCase{name: fmt.Sprintf("%s/%v/0-d", s.name, dt), in: []*Array{typedArray(vals[1:2], dt, []int{}...)},
				op: op, want: want(vals[1:2], []int{}...), tol: tol},
		)
	}
	return cs
}

func sigmoidRef(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func signRef(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	case x == 0:
		return 0
	}
	return nan
}

var unarySpecs = []realSpec{
	{name: "sqrt", f: Sqrt, ref: math.Sqrt, extra: []float64{1e-40, 1e30, 2e-300}},
	{name: "rsqrt", f: Rsqrt, ref: func(x float64) float64 { return 1 / math.Sqrt(x) }, extra: []float64{1e-30, 1e30}},
	{name: "reciprocal", f: Reciprocal, ref: func(x float64) float64 { return 1 / x }, extra: []float64{3, 1e-40, 7e38}},
	{name: "exp", f: Exp, ref: math.Exp, extra: []float64{80, 88.7, 89, -87, -104, -110, 1e-6, -1e-9}},
	{name: "expm1", f: Expm1, ref: math.Expm1, extra: []float64{1e-6, -1e-6, 1e-10, 50, -30}},
	{name: "log", f: Log, ref: math.Log, extra: []float64{1e-30, 1e30, 1e-40, 1 + 1e-6}},
	{name: "log2", f: Log2, ref: math.Log2, extra: []float64{1e-30, 1024, 1e-40, 3}},
	{name: "log10", f: Log10, ref: math.Log10, extra: []float64{1e-30, 1000, 1e-40}},
	{name: "log1p", f: Log1p, ref: math.Log1p, extra: []float64{-0.999, 1e-6, -1e-8, 1e-30, 1e30}},
	{name: "sin", f: Sin, ref: math.Sin, extra: []float64{1e5, -1e5, 1e7, 3.14159265, 1e-20}},
	{name: "cos", f: Cos, ref: math.Cos, extra: []float64{1e5, -1e5, 1e7, 1.5707963, 1e-20}},
	{name: "tan", f: Tan, ref: math.Tan, extra: []float64{1.5, -1.4}},
	{name: "arcsin", f: Arcsin, ref: math.Asin, extra: []float64{0.9, -0.99}},
	{name: "arccos", f: Arccos, ref: math.Acos, extra: []float64{0.9, -0.99}},
	{name: "arctan", f: Arctan, ref: math.Atan, extra: []float64{1e10, -1e-10}},
	{name: "sinh", f: Sinh, ref: math.Sinh, extra: []float64{1e-5, 80, -95}},
	{name: "cosh", f: Cosh, ref: math.Cosh, extra: []float64{1e-5, 80, -95}},
	{name: "tanh", f: Tanh, ref: math.Tanh, extra: []float64{1e-5, -1e-30, 8, 9.1, 20, 1e10}},
	{name: "arcsinh", f: Arcsinh, ref: math.Asinh, extra: []float64{1e-5, 1e10}},
	{name: "arccosh", f: Arccosh, ref: math.Acosh, extra: []float64{1.0001, 1e10}},
	{name: "arctanh", f: Arctanh, ref: math.Atanh, extra: []float64{0.9, -0.999, 1e-6}},
	{name: "sigmoid", f: Sigmoid, ref: sigmoidRef, extra: []float64{-20, -100, -104, 17, 100}},
	{name: "erf", f: Erf, ref: math.Erf, extra: []float64{0.1, -0.3, 3, 3.9, 4.5, 1e-30}},
	{name: "erfinv", f: Erfinv, ref: math.Erfinv, extra: []float64{0.9, -0.99, 0.999, 1e-6}},
	{name: "degrees", f: Degrees, ref: func(x float64) float64 { return x * (180 / math.Pi) }, extra: []float64{math.Pi}},
	{name: "radians", f: Radians, ref: func(x float64) float64 { return x * (math.Pi / 180) }, extra: []float64{180}},

	// Ops that keep the input type; their integer rows are written out below.
	{name: "abs", f: Abs, ref: math.Abs, out: sameType, types: floatTypes},
	{name: "negative", f: Negative, ref: func(x float64) float64 { return -x }, out: sameType, types: floatTypes},
	{name: "sign", f: Sign, ref: signRef, out: sameType, types: floatTypes},
	{name: "square", f: Square, ref: func(x float64) float64 { return x * x }, out: sameType, types: floatTypes,
		extra: []float64{1e20, 300, 1e-30}},
	{name: "floor", f: Floor, ref: math.Floor, out: sameType, types: floatTypes, extra: []float64{-2.5, 1e10 + 0.5, 1e30}},
	{name: "ceil", f: Ceil, ref: math.Ceil, out: sameType, types: floatTypes, extra: []float64{-2.5, 1e10 + 0.5, 1e30}},
	{name: "trunc", f: Trunc, ref: math.Trunc, out: sameType, types: floatTypes, extra: []float64{-2.5, 1e10 + 0.5, 1e30}},
	{name: "round", f: func(a *Array, o ...Option) *Array { return Round(a, o...) }, ref: math.RoundToEven, out: sameType,
		types: floatTypes, extra: []float64{2.5, -2.5, 0.49999997, 4.5, 1e10 + 0.5, 1e30}},
	{name: "nan_to_num", f: func(a *Array, o ...Option) *Array { return NanToNum(a, o...) }, out: sameType, types: floatTypes},

	// Integer and bool inputs too; these give bool results.
	{name: "isnan", f: IsNaN, ref: func(x float64) float64 { return b2f(math.IsNaN(x)) }, out: toBool},
	{name: "isinf", f: IsInf, ref: func(x float64) float64 { return b2f(math.IsInf(x, 0)) }, out: toBool},
	{name: "isfinite", f: IsFinite, ref: func(x float64) float64 { return b2f(!math.IsInf(x, 0) && !math.IsNaN(x)) },
		out: toBool},
	{name: "isposinf", f: IsPosInf, ref: func(x float64) float64 { return b2f(math.IsInf(x, 1)) }, out: toBool},
	{name: "isneginf", f: IsNegInf, ref: func(x float64) float64 { return b2f(math.IsInf(x, -1)) }, out: toBool},
	{name: "logical_not", f: LogicalNot, ref: func(x float64) float64 { return b2f(x == 0) }, out: toBool},

	// Identities and their relatives on real types.
	{name: "real", f: Real, ref: func(x float64) float64 { return x }, out: sameType},
	{name: "imag", f: Imag, ref: func(x float64) float64 { return 0 }, out: sameType},
	{name: "conjugate", f: Conjugate, ref: func(x float64) float64 { return x }, out: sameType},
	{name: "conj", f: Conj, ref: func(x float64) float64 { return x }, out: sameType},
	{name: "stop_gradient", f: StopGradient, ref: func(x float64) float64 { return x }, out: sameType},
	{name: "positive", f: Positive, ref: func(x float64) float64 { return x }, out: sameType},
}

// nanToNumRef is NanToNum's default for type dt.
func nanToNumRef(dt Dtype) func(float64) float64 {
	return func(x float64) float64 {
		switch {
		case math.IsNaN(x):
			return 0
		case math.IsInf(x, 1):
			return maxFiniteRef(dt)
		case math.IsInf(x, -1):
			return -maxFiniteRef(dt)
		}
		return x
	}
}

// maxFiniteRef is the largest finite value of dt, from its bit layout.
func maxFiniteRef(dt Dtype) float64 {
	switch dt {
	case Float16:
		return (2 - math.Ldexp(1, -10)) * math.Ldexp(1, 15)
	case Bfloat16:
		return (2 - math.Ldexp(1, -7)) * math.Ldexp(1, 127)
	case Float64:
		return math.MaxFloat64
	}
	return (2 - math.Ldexp(1, -23)) * math.Ldexp(1, 127)
}

func init() {
	for _, s := range unarySpecs {
		if s.name == "nan_to_num" {
			// The default replacements depend on the type.
			for _, dt := range floatTypes {
				s := s
				s.ref, s.types = nanToNumRef(dt), []Dtype{dt}
				addCases(s.rows()...)
			}
			continue
		}
		addCases(s.rows()...)
	}
}

// intRow is a row on integer or bool arrays, whose wants are written out.
func intRow(name string, f unaryFn, in, want *Array) opCase {
	return opCase{name: name, in: []*Array{in}, op: func(in []*Array, o ...Option) *Array { return f(in[0], o...) }, want: want}
}

func init() {
	i32 := func(v ...int32) *Array { return NewArray(v) }
	u8 := func(v ...uint8) *Array { return NewArray(v) }
	i8 := func(v ...int8) *Array { return NewArray(v) }
	i64 := func(v ...int64) *Array { return NewArray(v) }
	u64 := func(v ...uint64) *Array { return NewArray(v) }
	bools := func(v ...bool) *Array { return NewArray(v) }
	round := func(d int) unaryFn {
		return func(a *Array, o ...Option) *Array { return Round(a, append(o, Decimals(d))...) }
	}
	addCases(
		intRow("abs/int32", Abs, i32(-5, 0, 7, math.MinInt32), i32(5, 0, 7, math.MinInt32)),
		intRow("abs/int8", Abs, i8(-128, -1, 3), i8(-128, 1, 3)),
		intRow("abs/int64", Abs, i64(-1<<40, 2), i64(1<<40, 2)),
		intRow("abs/uint8", Abs, u8(0, 200), u8(0, 200)),
		intRow("abs/bool", Abs, bools(true, false), bools(true, false)),
		intRow("negative/int32", Negative, i32(1, -2, 0, math.MinInt32), i32(-1, 2, 0, math.MinInt32)),
		intRow("negative/uint8", Negative, u8(1, 0, 255), u8(255, 0, 1)),
		intRow("negative/uint64", Negative, u64(1), u64(math.MaxUint64)),
		intRow("sign/int32", Sign, i32(-5, 0, 3), i32(-1, 0, 1)),
		intRow("sign/int8", Sign, i8(-128, 127), i8(-1, 1)),
		intRow("sign/uint8", Sign, u8(0, 3, 255), u8(0, 1, 1)),
		intRow("sign/bool", Sign, bools(true, false), bools(true, false)),
		intRow("square/int32", Square, i32(3, -4, 46341), i32(9, 16, -2147479015)),
		intRow("square/uint8", Square, u8(15, 16), u8(225, 0)),
		intRow("square/int64", Square, i64(-3_000_000_000), i64(9_000_000_000_000_000_000)),
		intRow("square/bool", Square, bools(true, false), bools(true, false)),
		intRow("bitwise_invert/int32", BitwiseInvert, i32(0, -1, 5), i32(-1, 0, -6)),
		intRow("bitwise_invert/uint8", BitwiseInvert, u8(0, 255, 15), u8(255, 0, 240)),
		intRow("bitwise_invert/int64", BitwiseInvert, i64(1<<40), i64(^(1<<40))),
		intRow("bitwise_invert/bool", BitwiseInvert, bools(true, false), bools(false, true)),
		intRow("floor/int32", Floor, i32(-3, 4), i32(-3, 4)),
		intRow("ceil/uint8", Ceil, u8(3, 250), u8(3, 250)),
		intRow("trunc/int64", Trunc, i64(-3, 4), i64(-3, 4)),
		intRow("round/int32", Round, i32(-3, 4), i32(-3, 4)),
		intRow("round/int32/decimals=2", round(2), i32(-35, 45), i32(-35, 45)),
		intRow("round/int32/decimals=-1", round(-1), i32(-35, 45, 44, 46, 5, 15, -5), i32(-40, 40, 40, 50, 0, 20, 0)),
		intRow("round/int8/decimals=-2", round(-2), i8(-128, 50, 127, 49), i8(-100, 0, 100, 0)),
		intRow("round/uint8/decimals=-3", round(-3), u8(255, 0), u8(0, 0)),
		intRow("round/int64/decimals=-20", round(-20), i64(math.MaxInt64, math.MinInt64), i64(0, 0)),
		intRow("round/int64/decimals=-18", round(-18), i64(4_500_000_000_000_000_000, -5_500_000_000_000_000_000),
			i64(4_000_000_000_000_000_000, -6_000_000_000_000_000_000)),
		intRow("round/bool", round(-1), bools(true, false), bools(true, false)),
		intRow("nan_to_num/int32", func(a *Array, o ...Option) *Array { return NanToNum(a, o...) }, i32(1, -2), i32(1, -2)),
		intRow("logical_not/int8", LogicalNot, i8(0, -1, 5), bools(true, false, false)),
		intRow("imag/int32", Imag, i32(3, -4), i32(0, 0)),
	)
}

// Float rows that the specs do not cover: options, signed zeros, and the
// exact results of the rounding ops.
func init() {
	f32 := func(v ...float32) *Array { return NewArray(v) }
	f64 := func(v ...float64) *Array { return NewArray(v) }
	op := func(f unaryFn, opts ...Option) func(in []*Array, o ...Option) *Array {
		return func(in []*Array, o ...Option) *Array { return f(in[0], append(o, opts...)...) }
	}
	roundWith := func(a *Array, o ...Option) *Array { return Round(a, o...) }
	nanToNum := func(a *Array, o ...Option) *Array { return NanToNum(a, o...) }
	f16 := func(v ...float64) *Array { return typedArray(v, Float16) }
	addCases(
		opCase{name: "round/float32/decimals=2", in: []*Array{f32(1.005, -2.675, 0.125, 1e30, 3)},
			op: op(roundWith, Decimals(2)), want: f32(1, -2.68, 0.12, 1e30, 3), tol: 1e-7},
		opCase{name: "round/float64/decimals=-1", in: []*Array{f64(15, 25, -35, 4.9, nan, inf)},
			op: op(roundWith, Decimals(-1)), want: f64(20, 20, -40, 0, nan, inf)},
		opCase{name: "round/float16/decimals=1", in: []*Array{f16(0.25, 1.5, 2.75, -0.35)}, // -0.35 is -0.3501 in float16
			op: op(roundWith, Decimals(1)), want: f16(0.2, 1.5, 2.8, -0.4), tol: 1e-3},
		opCase{name: "round/complex64/decimals=1", in: []*Array{NewArray([]complex64{complex(0.25, -1.35), complex(float32(nan), 2.5)})},
			op: op(roundWith, Decimals(1)), want: NewArray([]complex64{complex(0.2, -1.4), complex(float32(nan), 2.5)}), tol: 1e-7},
		opCase{name: "nan_to_num/float32/values", in: []*Array{f32(float32(nan), float32(inf), float32(negInf), 1.5)},
			op: op(nanToNum, NanValue(-1), PosInfValue(100), NegInfValue(-100)), want: f32(-1, 100, -100, 1.5)},
		opCase{name: "nan_to_num/float32/posinf only", in: []*Array{f32(float32(nan), float32(inf), float32(negInf))},
			op: op(nanToNum, PosInfValue(7)), want: f32(0, 7, -math.MaxFloat32)},
		opCase{name: "nan_to_num/float16/out of range", in: []*Array{f16(nan, inf, negInf)},
			op: op(nanToNum, NanValue(0.1), PosInfValue(1e6), NegInfValue(-70000)), want: f16(0.1, inf, negInf), tol: 1e-3},
		opCase{name: "nan_to_num/bfloat16", in: []*Array{typedArray([]float64{nan, inf, negInf}, Bfloat16)},
			op: op(nanToNum), want: typedArray([]float64{0, maxFiniteRef(Bfloat16), -maxFiniteRef(Bfloat16)}, Bfloat16)},
		opCase{name: "nan_to_num/complex64", in: []*Array{NewArray([]complex64{complex(float32(nan), float32(inf)), complex(1, float32(negInf))})},
			op: op(nanToNum, NanValue(2)), want: NewArray([]complex64{complex(2, math.MaxFloat32), complex(1, -math.MaxFloat32)})},
	)
}

// signbitCase checks that an op keeps (or sets) the sign of zero, which
// the table's comparison does not see.
func TestUnarySignedZeros(t *testing.T) {
	z := NewArray([]float32{negZ32(), 0})
	for _, c := range []struct {
		name string
		got  *Array
		neg  []bool
	}{
		{"negative", Negative(z), []bool{false, true}},
		{"abs", Abs(z), []bool{false, false}},
		{"sqrt", Sqrt(z), []bool{true, false}},
		{"sin", Sin(z), []bool{true, false}},
		{"tanh", Tanh(z), []bool{true, false}},
		{"erf", Erf(z), []bool{true, false}},
		{"expm1", Expm1(z), []bool{true, false}},
		{"log1p", Log1p(z), []bool{true, false}},
		{"floor", Floor(z), []bool{true, false}},
		{"round", Round(NewArray([]float32{-0.4, 0.4})), []bool{true, false}},
		{"round decimals", Round(NewArray([]float32{-0.004, 0.004}), Decimals(2)), []bool{true, false}},
		{"trunc", Trunc(NewArray([]float64{-0.5, 0.5})), []bool{true, false}},
		{"ceil", Ceil(NewArray([]float64{-0.5, 0})), []bool{true, false}},
		{"negative float16", Negative(AsType(z, Float16)), []bool{false, true}},
	} {
		got := ToSlice[float64](c.got)
		for i, v := range got {
			if v != 0 || math.Signbit(v) != c.neg[i] {
				t.Errorf("%s: element %d is %v (sign bit %v), want a zero with sign bit %v", c.name, i, v, math.Signbit(v), c.neg[i])
			}
		}
	}
}

func negZ32() float32 { return float32(negZ) }

// Complex rows: references in complex128 from math/cmplx, or written out.
func init() {
	zs := []complex128{1 + 2i, -1.5 + 0.5i, 0, 3 - 4i, -2, 0.5i, complex(nan, 1), complex(inf, 0), complex(negInf, 0)}
	in := NewArray(zs)
	cop := func(f unaryFn) func(in []*Array, o ...Option) *Array {
		return func(in []*Array, o ...Option) *Array { return f(in[0], o...) }
	}
	c64 := func(z complex128) complex128 { return complex128(complex64(z)) }
	type cspec struct {
		name string
		f    unaryFn
		ref  func(complex128) complex128
		out  Dtype
	}
	specs := []cspec{
		{"exp", Exp, cmplx.Exp, Complex64},
		{"log", Log, cmplx.Log, Complex64},
		{"log2", Log2, func(z complex128) complex128 { return cmplx.Log(z) / math.Ln2 }, Complex64},
		{"log10", Log10, cmplx.Log10, Complex64},
		{"log1p", Log1p, func(z complex128) complex128 { return cmplx.Log(1 + z) }, Complex64},
		{"sqrt", Sqrt, cmplx.Sqrt, Complex64},
		{"rsqrt", Rsqrt, func(z complex128) complex128 { return 1 / cmplx.Sqrt(z) }, Complex64},
		{"reciprocal", Reciprocal, func(z complex128) complex128 { return 1 / z }, Complex64},
		{"sin", Sin, cmplx.Sin, Complex64},
		{"cos", Cos, cmplx.Cos, Complex64},
		{"tan", Tan, cmplx.Tan, Complex64},
		{"arcsin", Arcsin, cmplx.Asin, Complex64},
		{"arccos", Arccos, cmplx.Acos, Complex64},
		{"arctan", Arctan, cmplx.Atan, Complex64},
		{"sinh", Sinh, cmplx.Sinh, Complex64},
		{"cosh", Cosh, cmplx.Cosh, Complex64},
		{"tanh", Tanh, cmplx.Tanh, Complex64},
		{"arcsinh", Arcsinh, cmplx.Asinh, Complex64},
		{"arccosh", Arccosh, cmplx.Acosh, Complex64},
		{"arctanh", Arctanh, cmplx.Atanh, Complex64},
		{"degrees", Degrees, func(z complex128) complex128 { return z * (180 / math.Pi) }, Complex64},
		{"radians", Radians, func(z complex128) complex128 { return z * (math.Pi / 180) }, Complex64},
		{"negative", Negative, func(z complex128) complex128 { return -z }, Complex64},
		{"square", Square, func(z complex128) complex128 { return z * z }, Complex64},
		{"sign", Sign, func(z complex128) complex128 {
			if z == 0 {
				return 0
			}
			return z / complex(cmplx.Abs(z), 0)
		}, Complex64},
		{"conjugate", Conjugate, cmplx.Conj, Complex64},
		{"conj", Conj, cmplx.Conj, Complex64},
		{"round", func(a *Array, o ...Option) *Array { return Round(a, o...) }, func(z complex128) complex128 {
			return complex(math.RoundToEven(real(z)), math.RoundToEven(imag(z)))
		}, Complex64},
		{"stop_gradient", StopGradient, func(z complex128) complex128 { return z }, Complex64},
		{"abs", Abs, func(z complex128) complex128 { return complex(cmplx.Abs(z), 0) }, Float32},
		{"real", Real, func(z complex128) complex128 { return complex(real(z), 0) }, Float32},
		{"imag", Imag, func(z complex128) complex128 { return complex(imag(z), 0) }, Float32},
		{"isnan", IsNaN, func(z complex128) complex128 { return complex(b2f(cmplx.IsNaN(z) || z != z), 0) }, Bool},
		{"isinf", IsInf, func(z complex128) complex128 {
			return complex(b2f(math.IsInf(real(z), 0) || math.IsInf(imag(z), 0)), 0)
		}, Bool},
		{"isfinite", IsFinite, func(z complex128) complex128 {
			f := func(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }
			return complex(b2f(f(real(z)) && f(imag(z))), 0)
		}, Bool},
		{"isposinf", IsPosInf, func(z complex128) complex128 { return complex(b2f(z == complex(inf, 0)), 0) }, Bool},
		{"isneginf", IsNegInf, func(z complex128) complex128 { return complex(b2f(z == complex(negInf, 0)), 0) }, Bool},
		{"logical_not", LogicalNot, func(z complex128) complex128 { return complex(b2f(z == 0), 0) }, Bool},
	}
	for _, s := range specs {
		want := make([]complex128, len(zs))
		for i, z := range zs {
			want[i] = c64(s.ref(c64(z)))
		}
		var w *Array
		switch s.out {
		case Complex64:
			w = NewArray(want)
		case Float32:
			w = NewArray(mapSlice(want, func(z complex128) float32 { return float32(real(z)) }))
		default:
			w = NewArray(mapSlice(want, func(z complex128) bool { return real(z) != 0 }))
		}
		tol := toleranceOf(s.out)
		if s.out == Bool {
			tol = 0
		}
		addCases(opCase{name: s.name + "/complex64", in: []*Array{in}, op: cop(s.f), want: w, tol: tol})
	}
}

// Large inputs: they are split over the cores, and strided rows longer
// than the kernels' gather buffer are taken in chunks.
func init() {
	const n = 100_003
	xs := make([]float64, n)
	seed := uint64(12345)
	for i := range xs {
		seed = seed*6364136223846793005 + 1442695040888963407
		xs[i] = float64(int64(seed>>11)%4_000_000)/100_000 - 20 // [-20, 20)
	}
	xs[7], xs[99], xs[5000] = nan, inf, negInf
	big := typedArray(xs, Float32)
	reversed := stridedView(big, []int{n}, []int{-1}, n-1)
	everyOther := stridedView(big, []int{n / 2}, []int{2}, 1)
	pick := func(order func(i int) int, m int) []float64 {
		out := make([]float64, m)
		for i := range out {
			out[i] = float64(float32(xs[order(i)]))
		}
		return out
	}
	type bigInput struct {
		name string
		a    *Array
		vals []float64
		dt   Dtype
	}
	inputs := []bigInput{
		{"contiguous", big, pick(func(i int) int { return i }, n), Float32},
		{"reversed", reversed, pick(func(i int) int { return n - 1 - i }, n), Float32},
		{"every other", everyOther, pick(func(i int) int { return 1 + 2*i }, n/2), Float32},
	}
	h := typedArray(xs, Float16)
	inputs = append(inputs, bigInput{"float16", h, mapSlice(xs, func(v float64) float64 { return storeAs(v, Float16) }), Float16})
	for _, s := range unarySpecs {
		switch s.name {
		case "exp", "log", "tanh", "sigmoid", "sin", "erf", "abs", "isnan", "sqrt":
		default:
			continue
		}
		for _, in := range inputs {
			if in.dt == Float16 && s.name != "exp" && s.name != "tanh" {
				continue
			}
			od := in.dt
			if s.out != nil {
				od = s.out(in.dt)
			}
			want := typedArray(mapSlice(in.vals, s.ref), od)
			tol := toleranceOf(od)
			if od == Bool {
				tol = 0
			}
			f := s.f
			addCases(opCase{name: fmt.Sprintf("%s/large/%s", s.name, in.name), in: []*Array{in.a},
				op: func(in []*Array, o ...Option) *Array { return f(in[0], o...) }, want: want, tol: tol})
		}
	}
}

func TestUnaryDtypes(t *testing.T) {
	i32 := NewArray([]int32{1, 2})
	f32 := NewArray([]float32{1, 2})
	c64 := NewArray([]complex64{1, 2i})
	u8 := NewArray([]uint8{1, 2})
	for _, c := range []struct {
		name string
		got  *Array
		want Dtype
	}{
		{"exp int32", Exp(i32), Float32},
		{"exp uint8", Exp(u8), Float32},
		{"exp uint64", Exp(NewArray([]uint64{1})), Float32},
		{"exp int64", Exp(NewArray([]int64{1})), Float32},
		{"sqrt bool", Sqrt(NewArray([]bool{true})), Float32},
		{"exp float16", Exp(AsType(f32, Float16)), Float16},
		{"exp bfloat16", Exp(AsType(f32, Bfloat16)), Bfloat16},
		{"exp float64", Exp(AsType(f32, Float64)), Float64},
		{"exp complex64", Exp(c64), Complex64},
		{"abs complex64", Abs(c64), Float32},
		{"abs int32", Abs(i32), Int32},
		{"square uint8", Square(u8), Uint8},
		{"negative int32", Negative(i32), Int32},
		{"sign int32", Sign(i32), Int32},
		{"real complex64", Real(c64), Float32},
		{"imag complex64", Imag(c64), Float32},
		{"imag int32", Imag(i32), Int32},
		{"isnan int32", IsNaN(i32), Bool},
		{"isinf complex64", IsInf(c64), Bool},
		{"logical_not float32", LogicalNot(f32), Bool},
		{"degrees int32", Degrees(i32), Float32},
		{"reciprocal int32", Reciprocal(i32), Float32},
		{"round int32 decimals -1", Round(i32, Decimals(-1)), Int32},
		{"stop_gradient int32", StopGradient(i32), Int32},
	} {
		if c.got.Dtype() != c.want {
			t.Errorf("%s: dtype %v, want %v", c.name, c.got.Dtype(), c.want)
		}
	}
	// Ops that are the identity for a type return their input.
	for _, c := range []struct {
		name string
		got  *Array
		in   *Array
	}{
		{"abs uint8", Abs(u8), u8},
		{"floor int32", Floor(i32), i32},
		{"ceil int32", Ceil(i32), i32},
		{"trunc int32", Trunc(i32), i32},
		{"round int32", Round(i32), i32},
		{"round int32 decimals 3", Round(i32, Decimals(3)), i32},
		{"real float32", Real(f32), f32},
		{"conjugate float32", Conjugate(f32), f32},
		{"conj int32", Conj(i32), i32},
		{"nan_to_num int32", NanToNum(i32), i32},
		{"positive", Positive(f32), f32},
		{"view same type", View(f32, Float32), f32},
	} {
		if c.got != c.in {
			t.Errorf("%s: returned a new array, want its input", c.name)
		}
	}
}

func TestUnaryErrors(t *testing.T) {
	c64 := NewArray([]complex64{1})
	f32 := NewArray([]float32{1, 2, 3})
	for _, c := range []struct {
		op   string
		f    func()
		says string
	}{
		{"expm1", func() { Expm1(c64) }, "complex64"},
		{"sigmoid", func() { Sigmoid(c64) }, "complex64"},
		{"erf", func() { Erf(c64) }, "complex64"},
		{"erfinv", func() { Erfinv(c64) }, "complex64"},
		{"floor", func() { Floor(c64) }, "complex64"},
		{"ceil", func() { Ceil(c64) }, "complex64"},
		{"trunc", func() { Trunc(c64) }, "complex64"},
		{"negative", func() { Negative(NewArray([]bool{true})) }, "bool"},
		{"bitwise_invert", func() { BitwiseInvert(f32) }, "float32"},
		{"bitwise_invert", func() { BitwiseInvert(c64) }, "complex64"},
		{"exp", func() { Exp(nil) }, "nil"},
		{"abs", func() { Abs(nil) }, "nil"},
		{"view", func() { View(nil, Int32) }, "nil"},
		{"exp", func() { Exp(f32, Decimals(2)) }, "decimals"},
		{"round", func() { Round(f32, Axis(0)) }, "axis"},
		{"nan_to_num", func() { NanToNum(f32, Decimals(1)) }, "decimals"},
		{"view", func() { View(Scalar(1.5), Float64) }, "0-d"},
		{"view", func() { View(NewArray([]uint8{1, 2, 3}), Float32) }, "(3,)"},
		{"view", func() { View(NewArray([]int16{1, 2, 3, 4, 5, 6}, 3, 2), Int64) }, "(3, 2)"},
		{"view", func() { View(f32, Dtype(200)) }, "invalid dtype"},
		{"to_fp8", func() { ToFP8(NewArray([]int32{1})) }, "int32"},
		{"to_fp8", func() { ToFP8(c64) }, "complex64"},
		{"from_fp8", func() { FromFP8(f32) }, "float32"},
		{"from_fp8", func() { FromFP8(NewArray([]uint8{1}), Int32) }, "int32"},
	} {
		err := Catch(c.f)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want an *Error", c.op, err)
			continue
		}
		if e.Op != c.op || !strings.Contains(e.Msg, c.says) {
			t.Errorf("got %q, want an error of %s saying %q", e.Error(), c.op, c.says)
		}
	}
}

// TestRoundGolden checks Round against NumPy (scripts/golden/unary.py).
// Where NumPy's steps overflow (10^|decimals| or x*10^decimals beyond the
// type's range), its results are artifacts of the overflow (Inf or NaN);
// Round keeps x for decimals > 0 and gives ±0 for decimals < 0 instead,
// and keeps infinities.
func TestRoundGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/unary.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Round []struct {
			Dtype    string
			Decimals int
			In, Want []json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	num := func(r json.RawMessage) float64 {
		s := string(r)
		if u, err := strconv.Unquote(s); err == nil {
			s = u
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range golden.Round {
		dt := map[string]Dtype{"float32": Float32, "float64": Float64, "int32": Int32, "int64": Int64, "uint8": Uint8}[c.Dtype]
		in, want := mapSlice(c.In, num), mapSlice(c.Want, num)
		got := ToSlice[float64](Round(typedArray(in, dt), Decimals(c.Decimals)))
		for i := range got {
			w := want[i]
			x := in[i]
			overflow := !isFinite(w) && isFinite(x) || math.IsInf(x, 0)
			if overflow && (c.Decimals >= 40 || c.Decimals <= -40) {
				w = x
				if c.Decimals < 0 && isFinite(x) {
					w = math.Copysign(0, x)
				}
			}
			if got[i] != w && !(math.IsNaN(got[i]) && math.IsNaN(w)) || math.Signbit(got[i]) != math.Signbit(w) {
				t.Errorf("round(%s %v, decimals=%d) = %v, want %v", c.Dtype, in[i], c.Decimals, got[i], w)
			}
		}
	}
}

func isFinite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

func TestView(t *testing.T) {
	f32 := NewArray([]float32{1, -2})
	if got := ToSlice[uint32](View(f32, Uint32)); !slices.Equal(got, []uint32{0x3f800000, 0xc0000000}) {
		t.Errorf("float32 as uint32: %x", got)
	}
	bytes := View(f32, Uint8)
	if !slices.Equal(bytes.Shape(), []int{8}) {
		t.Errorf("float32 (2,) as uint8: shape %v", bytes.Shape())
	}
	if got := ToSlice[uint8](bytes); !slices.Equal(got, []uint8{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}) {
		t.Errorf("float32 as uint8: %x", got)
	}
	back := View(View(f32, Uint8), Float32)
	if got := ToSlice[float32](back); !slices.Equal(got, []float32{1, -2}) {
		t.Errorf("float32 as uint8 as float32: %v", got)
	}
	// uint8 (2, 8) as float64 (2, 1).
	raw := make([]uint8, 16)
	binenc.LittleEndian.PutUint64(raw, math.Float64bits(1.5))
	binenc.LittleEndian.PutUint64(raw[8:], math.Float64bits(-3))
	f64 := View(NewArray(raw, 2, 8), Float64)
	if !slices.Equal(f64.Shape(), []int{2, 1}) || !slices.Equal(ToSlice[float64](f64), []float64{1.5, -3}) {
		t.Errorf("uint8 (2, 8) as float64: %v %v", f64.Shape(), ToSlice[float64](f64))
	}
	// A NaN's payload survives.
	nanBits := uint32(0x7fc01234)
	if got := ToSlice[uint32](View(View(NewArray([]uint32{nanBits}), Float32), Uint32)); got[0] != nanBits {
		t.Errorf("NaN payload: %x, want %x", got[0], nanBits)
	}
	// A 0-d array keeps its shape when the sizes match.
	if v := View(Scalar(1.5), Int32); v.Ndim() != 0 || Item[int32](v) != int32(math.Float32bits(1.5)) {
		t.Errorf("0-d float32 as int32: %v", v.Shape())
	}
	// Empty arrays.
	if v := View(NewArray([]float32{}), Uint8); !slices.Equal(v.Shape(), []int{0}) || v.Size() != 0 {
		t.Errorf("empty: %v", v.Shape())
	}
	// Bools: any nonzero byte is true.
	if got := ToSlice[bool](View(NewArray([]uint8{0, 2, 1, 255}), Bool)); !slices.Equal(got, []bool{false, true, true, true}) {
		t.Errorf("uint8 as bool: %v", got)
	}
	if got := ToSlice[bool](View(NewArray([]int16{256, 0}), Bool)); !slices.Equal(got, []bool{false, true, false, false}) {
		t.Errorf("int16 as bool: %v", got)
	}
	if got := ToSlice[uint8](View(NewArray([]bool{true, false}), Uint8)); !slices.Equal(got, []uint8{1, 0}) {
		t.Errorf("bool as uint8: %v", got)
	}
	if got := ToSlice[int8](View(NewArray([]bool{true, false}), Int8)); !slices.Equal(got, []int8{1, 0}) {
		t.Errorf("bool as int8: %v", got)
	}
}

// TestViewStrided checks View of strided inputs: those whose layout allows
// it share the buffer, the others are copied.
func TestViewStrided(t *testing.T) {
	vals := []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	base := NewArray(vals, 3, 4)
	bitsOf := func(fs []float32) []uint32 { return mapSlice(fs, math.Float32bits) }
	halves := func(fs []float32) []uint16 {
		var out []uint16
		for _, f := range fs {
			b := math.Float32bits(f)
			out = append(out, uint16(b), uint16(b>>16))
		}
		return out
	}
	tr := stridedView(base, []int{4, 3}, []int{1, 4}, 0) // the transpose
	trVals := []float32{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}
	rows := stridedView(base, []int{2, 4}, []int{4, 1}, 4) // rows 1 and 2
	rowVals := vals[4:]
	odd := stridedView(base, []int{3, 2}, []int{4, 2}, 1) // every other column from 1
	oddVals := []float32{1, 3, 5, 7, 9, 11}
	bcast := stridedView(base, []int{2, 4}, []int{0, 1}, 0) // row 0 twice
	bcastVals := []float32{0, 1, 2, 3, 0, 1, 2, 3}
	for _, c := range []struct {
		name  string
		a     *Array
		vals  []float32
		share bool // whether a uint16 view shares the buffer
	}{
		{"transposed", tr, trVals, false},
		{"rows", rows, rowVals, true},
		{"odd columns", odd, oddVals, false},
		{"broadcast", bcast, bcastVals, true},
	} {
		u32 := View(c.a, Uint32)
		if got := ToSlice[uint32](u32); !slices.Equal(got, bitsOf(c.vals)) {
			t.Errorf("%s as uint32: %v", c.name, got)
		}
		if !slices.Equal(u32.Shape(), c.a.Shape()) || u32.buf != c.a.buf {
			t.Errorf("%s as uint32: shape %v, shares buffer %v", c.name, u32.Shape(), u32.buf == c.a.buf)
		}
		u16 := View(c.a, Uint16)
		if got := ToSlice[uint16](u16); !slices.Equal(got, halves(c.vals)) {
			t.Errorf("%s as uint16: %v, want %v", c.name, got, halves(c.vals))
		}
		shape := slices.Clone(c.a.Shape())
		shape[len(shape)-1] *= 2
		if !slices.Equal(u16.Shape(), shape) || (u16.buf == c.a.buf) != c.share {
			t.Errorf("%s as uint16: shape %v, shares buffer %v", c.name, u16.Shape(), u16.buf == c.a.buf)
		}
	}
	// Viewing as a larger type needs the offset to fall on its boundary.
	off := stridedView(base, []int{2, 2}, []int{4, 1}, 1) // [[1 2] [5 6]]
	f64 := View(off, Float64)
	want := []float64{
		math.Float64frombits(uint64(math.Float32bits(1)) | uint64(math.Float32bits(2))<<32),
		math.Float64frombits(uint64(math.Float32bits(5)) | uint64(math.Float32bits(6))<<32),
	}
	if got := ToSlice[float64](f64); !slices.Equal(mapSlice(got, math.Float64bits), mapSlice(want, math.Float64bits)) {
		t.Errorf("odd offset as float64: %v", got)
	}
	if !slices.Equal(f64.Shape(), []int{2, 1}) {
		t.Errorf("odd offset as float64: shape %v", f64.Shape())
	}
}

// BenchmarkExp measures Exp of 16M float32 elements.
func BenchmarkExp(b *testing.B) {
	benchUnary(b, Exp, 1<<24)
}

// BenchmarkUnary measures a few ops on 1M float32 elements.
func BenchmarkUnary(b *testing.B) {
	for _, c := range []struct {
		name string
		f    unaryFn
	}{
		{"log", Log}, {"tanh", Tanh}, {"sigmoid", Sigmoid}, {"sin", Sin}, {"erf", Erf}, {"abs", Abs}, {"sqrt", Sqrt},
	} {
		b.Run(c.name, func(b *testing.B) { benchUnary(b, c.f, 1<<20) })
	}
}

func benchUnary(b *testing.B, f unaryFn, n int) {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(i%2000)/100 - 10
	}
	a := NewArray(xs)
	b.SetBytes(int64(8 * n))
	for b.Loop() {
		if err := Eval(f(a)); err != nil {
			b.Fatal(err)
		}
	}
}

// fp8 rows: codes written out from the format (sign, 4 exponent bits with
// bias 7, 3 mantissa bits).
func init() {
	vals := []float64{0, 1, -1, 0.5, 1.125, 448, -448, 500, 464, 456, 0x1p-9, 0x1p-10, 3 * 0x1p-10, 0.3, inf, negInf, nan}
	codes := []uint8{0x00, 0x38, 0xb8, 0x30, 0x39, 0x7e, 0xfe, 0x7e, 0x7e, 0x7e, 0x01, 0x00, 0x02, 0x2a, 0x7e, 0xfe, 0x7f}
	for _, dt := range floatTypes {
		addCases(opCase{name: fmt.Sprintf("to_fp8/%v", dt), in: []*Array{typedArray(vals, dt)},
			op: func(in []*Array, o ...Option) *Array { return ToFP8(in[0], o...) }, want: NewArray(codes)})
	}
	back := []float64{0, 1, -1, 0.5, 1.125, 448, -448, 448, 448, 448, 0x1p-9, 0, 2 * 0x1p-9, 0.3125, 448, -448, nan}
	for _, dt := range floatTypes {
		dt := dt
		addCases(opCase{name: fmt.Sprintf("from_fp8/%v", dt), in: []*Array{NewArray(codes)},
			op: func(in []*Array, o ...Option) *Array { return FromFP8(in[0], append(o, dt)...) }, want: typedArray(back, dt)})
	}
	addCases(opCase{name: "from_fp8/default bfloat16", in: []*Array{NewArray([]uint8{0x38, 0xff, 0x01})},
		op: func(in []*Array, o ...Option) *Array { return FromFP8(in[0], o...) }, want: typedArray([]float64{1, nan, 0x1p-9}, Bfloat16)})
}

// A broadcast input (stride 0) and a 0-d input broadcast to a row.
func init() {
	base := typedArray([]float64{0.5, -1, 2, nan}, Float32, 1, 4)
	bc := stridedView(base, []int{3, 4}, []int{0, 1}, 0)
	one := stridedView(typedArray([]float64{0.25}, Float32, 1), []int{600}, []int{0}, 0)
	rep := func(vals []float64, n int) []float64 {
		var out []float64
		for range n {
			out = append(out, vals...)
		}
		return out
	}
	addCases(
		opCase{name: "exp/float32/broadcast", in: []*Array{bc}, op: func(in []*Array, o ...Option) *Array { return Exp(in[0], o...) },
			want: typedArray(mapSlice(rep([]float64{0.5, -1, 2, nan}, 3), math.Exp), Float32, 3, 4), tol: toleranceOf(Float32)},
		opCase{name: "sqrt/float32/broadcast scalar", in: []*Array{one}, op: func(in []*Array, o ...Option) *Array { return Sqrt(in[0], o...) },
			want: typedArray(rep([]float64{0.5}, 600), Float32), tol: toleranceOf(Float32)},
		opCase{name: "tanh/float16/broadcast", in: []*Array{AsType(bc, Float16)},
			op:   func(in []*Array, o ...Option) *Array { return Tanh(in[0], o...) },
			want: typedArray(mapSlice(rep([]float64{0.5, -1, 2, nan}, 3), math.Tanh), Float16, 3, 4), tol: toleranceOf(Float16)},
	)
}
