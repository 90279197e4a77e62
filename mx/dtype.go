package mx

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Dtype is the element type of an array. The zero value is Bool. A Dtype is
// also an Option: creation ops take it to choose the type of their result.
type Dtype uint8

// The 14 element types of MLX.
const (
	Bool Dtype = iota
	Uint8
	Uint16
	Uint32
	Uint64
	Int8
	Int16
	Int32
	Int64
	Float16
	Bfloat16
	Float32
	Float64
	Complex64
	numDtypes
)

// DtypeKind groups element types: the categories of IsSubDtype.
type DtypeKind uint8

// The categories of element types, from the most general (Generic) down to
// the concrete kinds. IsSubDtype(Float32, Floating) is true, for example.
const (
	Generic DtypeKind = iota
	Number
	Inexact
	Integer
	SignedInteger
	UnsignedInteger
	Floating
	ComplexFloating
	BoolKind
)

var dtypeNames = [numDtypes]string{"bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64", "complex64"}

// String returns MLX's name for d, such as "float32".
func (d Dtype) String() string {
	if d < numDtypes {
		return dtypeNames[d]
	}
	return fmt.Sprintf("Dtype(%d)", uint8(d))
}

// Size returns the number of bytes of one element of type d. It panics with
// *Error for a value that is not one of the dtypes.
func (d Dtype) Size() int {
	if !d.valid() {
		panic(newError("size", "invalid dtype %v", d))
	}
	return core.Dtype(d).Size()
}

func (d Dtype) core() core.Dtype { return core.Dtype(d) }

func (d Dtype) valid() bool { return d < numDtypes }

// kind returns the concrete category of d.
func (d Dtype) kind() DtypeKind {
	switch {
	case d == Bool:
		return BoolKind
	case d <= Uint64:
		return UnsignedInteger
	case d <= Int64:
		return SignedInteger
	case d <= Float64:
		return Floating
	}
	return ComplexFloating
}

// IsFloating reports whether d is a real floating-point type.
func (d Dtype) IsFloating() bool { return d.kind() == Floating }

// IsInteger reports whether d is a signed or unsigned integer type.
func (d Dtype) IsInteger() bool { k := d.kind(); return k == SignedInteger || k == UnsignedInteger }

// IsComplex reports whether d is complex64.
func (d Dtype) IsComplex() bool { return d == Complex64 }

// IsInexact reports whether d is a floating-point or complex type.
func (d Dtype) IsInexact() bool { k := d.kind(); return k == Floating || k == ComplexFloating }

// IsSubDtype reports whether d belongs to category k, as numpy.issubdtype does:
// every type is Generic; every type but Bool is a Number; Integer takes both
// signednesses; Inexact takes Floating and ComplexFloating.
func IsSubDtype(d Dtype, k DtypeKind) bool {
	c := d.kind()
	switch k {
	case Generic:
		return true
	case Number:
		return c != BoolKind
	case Inexact:
		return c == Floating || c == ComplexFloating
	case Integer:
		return c == SignedInteger || c == UnsignedInteger
	}
	return c == k
}

// promotion is MLX's table: the type two arrays are promoted to.
var promotion [numDtypes][numDtypes]Dtype

func init() {
	const (
		b, u8, u16, u32, u64 = Bool, Uint8, Uint16, Uint32, Uint64
		i8, i16, i32, i64    = Int8, Int16, Int32, Int64
		f16, bf, f32, f64    = Float16, Bfloat16, Float32, Float64
		c64                  = Complex64
	)
	// Rows and columns in the order of the constants above.
	rows := [numDtypes][numDtypes]Dtype{
		/* bool */ {b, u8, u16, u32, u64, i8, i16, i32, i64, f16, bf, f32, f64, c64},
		/* u8   */ {u8, u8, u16, u32, u64, i16, i16, i32, i64, f16, bf, f32, f64, c64},
		/* u16  */ {u16, u16, u16, u32, u64, i32, i32, i32, i64, f16, bf, f32, f64, c64},
		/* u32  */ {u32, u32, u32, u32, u64, i64, i64, i64, i64, f16, bf, f32, f64, c64},
		/* u64  */ {u64, u64, u64, u64, u64, f32, f32, f32, f32, f16, bf, f32, f64, c64},
		/* i8   */ {i8, i16, i32, i64, f32, i8, i16, i32, i64, f16, bf, f32, f64, c64},
		/* i16  */ {i16, i16, i32, i64, f32, i16, i16, i32, i64, f16, bf, f32, f64, c64},
		/* i32  */ {i32, i32, i32, i64, f32, i32, i32, i32, i64, f16, bf, f32, f64, c64},
		/* i64  */ {i64, i64, i64, i64, f32, i64, i64, i64, i64, f16, bf, f32, f64, c64},
		/* f16  */ {f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f32, f32, f64, c64},
		/* bf16 */ {bf, bf, bf, bf, bf, bf, bf, bf, bf, f32, bf, f32, f64, c64},
		/* f32  */ {f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f64, c64},
		/* f64  */ {f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, c64},
		/* c64  */ {c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64},
	}
	promotion = rows
}

// PromoteTypes returns the type that arrays of types a and b are promoted to
// by binary operations, following MLX's table.
func PromoteTypes(a, b Dtype) Dtype {
	if !a.valid() || !b.valid() {
		panic(newError("promote_types", "invalid dtypes %v and %v", a, b))
	}
	return promotion[a][b]
}

// CanCast reports whether a value of type from converts to type to without
// loss under MLX's promotion rules (to is what from and to promote to).
func CanCast(from, to Dtype) bool {
	if !from.valid() || !to.valid() {
		panic(newError("can_cast", "invalid dtypes %v and %v", from, to))
	}
	return promotion[from][to] == to
}
