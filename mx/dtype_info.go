package mx

import (
	"fmt"
	"math"
)

// ResultType returns the type that an op promoting its operands to one
// type (as Add does) gives to args. Each argument is an *Array, a Dtype, a
// Go slice as NewArray takes it, or a Go number. Arrays, dtypes and slices
// are promoted with one another by PromoteTypes; Go numbers are weak
// scalars, as Python scalars are in MLX: they take the type of the others
// unless their kind is higher, so that an int32 array and 2.5 give float32,
// a float16 array and 2.5 float16, a uint8 array and 300 uint8, and a bool
// array and 1 int32. Go numbers alone give their own types: int32 (int64
// beyond its range) for integers, float32 for floats, complex64 for
// complex numbers, bool for bools. It panics with *Error when given no
// arguments, a nil array, an invalid Dtype or a value of another type.
func ResultType(args ...any) Dtype {
	const op = "result_type"
	if len(args) == 0 {
		panic(newError(op, "at least one array, dtype or scalar is required"))
	}
	var dt Dtype
	have := false
	for _, v := range args {
		if isWeak(v) {
			continue
		}
		var d Dtype
		if x, ok := v.(Dtype); ok {
			if !x.valid() {
				panic(newError(op, "invalid dtype %v", x))
			}
			d = x
		} else {
			d = asArray(op, v).dtype
		}
		if have {
			dt = PromoteTypes(dt, d)
		} else {
			dt, have = d, true
		}
	}
	for _, v := range args {
		if !isWeak(v) {
			continue
		}
		w := weakScalar(op, v)
		if have {
			dt = w.with(dt)
		} else {
			dt, have = w.dtype(), true
		}
	}
	return dt
}

// FloatInfo describes a floating-point type: what Finfo returns, as MLX's
// finfo does.
type FloatInfo struct {
	// Dtype is the type described; for complex64, that of its parts,
	// float32.
	Dtype Dtype
	// Bits is the number of bits of one value (of one part for complex64).
	Bits int
	// Min and Max are the lowest and highest finite values.
	Min, Max float64
	// Eps is the gap between 1 and the next larger value.
	Eps float64
	// SmallestNormal is the smallest positive normal value (NumPy's tiny).
	SmallestNormal float64
}

// String formats f as MLX does: finfo(min=-65504, max=65504, dtype=float16).
func (f FloatInfo) String() string {
	return fmt.Sprintf("finfo(min=%s, max=%s, dtype=%v)", formatG6(f.Min), formatG6(f.Max), f.Dtype)
}

// Finfo returns the limits of floating-point type dt: float16, bfloat16,
// float32, float64, or complex64 (described by its float32 parts). It
// panics with *Error for other types.
func Finfo(dt Dtype) FloatInfo {
	switch dt {
	case Float16:
		// 5 exponent bits, 10 fraction bits.
		return FloatInfo{Dtype: dt, Bits: 16, Min: -65504, Max: 65504,
			Eps: 0x1p-10, SmallestNormal: 0x1p-14}
	case Bfloat16:
		// 8 exponent bits, 7 fraction bits: float32's range.
		mx := (2 - 0x1p-7) * 0x1p127
		return FloatInfo{Dtype: dt, Bits: 16, Min: -mx, Max: mx,
			Eps: 0x1p-7, SmallestNormal: 0x1p-126}
	case Float32, Complex64:
		return FloatInfo{Dtype: Float32, Bits: 32, Min: -math.MaxFloat32, Max: math.MaxFloat32,
			Eps: 0x1p-23, SmallestNormal: 0x1p-126}
	case Float64:
		return FloatInfo{Dtype: dt, Bits: 64, Min: -math.MaxFloat64, Max: math.MaxFloat64,
			Eps: 0x1p-52, SmallestNormal: 0x1p-1022}
	}
	panic(newError("finfo", "dtype %v is not inexact", dt))
}

// IntInfo describes an integer type: what Iinfo returns, as MLX's iinfo
// does. Min is an int64 and Max a uint64, so that every integer type's
// limits fit.
type IntInfo struct {
	Dtype Dtype
	Min   int64
	Max   uint64
}

// String formats i as MLX does: iinfo(min=-128, max=127, dtype=int8).
func (i IntInfo) String() string {
	return fmt.Sprintf("iinfo(min=%d, max=%d, dtype=%v)", i.Min, i.Max, i.Dtype)
}

// Iinfo returns the limits of integer type dt (uint8 ... uint64, int8 ...
// int64). It panics with *Error for other types, bool included.
func Iinfo(dt Dtype) IntInfo {
	switch dt {
	case Uint8:
		return IntInfo{dt, 0, math.MaxUint8}
	case Uint16:
		return IntInfo{dt, 0, math.MaxUint16}
	case Uint32:
		return IntInfo{dt, 0, math.MaxUint32}
	case Uint64:
		return IntInfo{dt, 0, math.MaxUint64}
	case Int8:
		return IntInfo{dt, math.MinInt8, math.MaxInt8}
	case Int16:
		return IntInfo{dt, math.MinInt16, math.MaxInt16}
	case Int32:
		return IntInfo{dt, math.MinInt32, math.MaxInt32}
	case Int64:
		return IntInfo{dt, math.MinInt64, math.MaxInt64}
	}
	panic(newError("iinfo", "dtype %v is not an integer type", dt))
}
