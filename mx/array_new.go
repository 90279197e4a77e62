package mx

import (
	"math"
	"reflect"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Float16Value is a half-precision number as Go holds it (its bits); use it
// to build float16 arrays from Go slices or read them back exactly.
type Float16Value = core.F16

// Bfloat16Value is a bfloat16 number as Go holds it (its bits).
type Bfloat16Value = core.BF16

// Element is a Go type that NewArray takes slices of. Go's int and uint
// become int32/int64 and uint64 (see NewArray); complex128 becomes complex64.
type Element interface {
	~bool | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~int8 | ~int16 | ~int32 | ~int64 | ~int |
		~float32 | ~float64 | ~complex64 | ~complex128
}

// dtypeOfGo returns the dtype that holds Go values of T exactly, by T's
// underlying kind (so named types work too). Go's int, uint and complex128
// have no dtype of their own and report false.
func dtypeOfGo[T any]() (Dtype, bool) {
	var z T
	switch any(z).(type) {
	case core.F16:
		return Float16, true
	case core.BF16:
		return Bfloat16, true
	}
	switch reflect.TypeFor[T]().Kind() {
	case reflect.Bool:
		return Bool, true
	case reflect.Uint8:
		return Uint8, true
	case reflect.Uint16:
		return Uint16, true
	case reflect.Uint32:
		return Uint32, true
	case reflect.Uint64, reflect.Uint:
		return Uint64, true
	case reflect.Int8:
		return Int8, true
	case reflect.Int16:
		return Int16, true
	case reflect.Int32:
		return Int32, true
	case reflect.Int64:
		return Int64, true
	case reflect.Float32:
		return Float32, true
	case reflect.Float64:
		return Float64, true
	case reflect.Complex64:
		return Complex64, true
	}
	return 0, false
}

// NewArray returns an evaluated array holding a copy of data, with the given
// shape (one dimension of len(data) when none is given; -1 infers one
// dimension). The dtype follows the Go type: []float32 gives float32,
// []float64 float64, []bool bool, []Float16Value float16, and so on; []int
// gives int32 as MLX does for Python integers, or int64 when a value does not
// fit in int32; []uint gives uint64 and []complex128 complex64. It panics
// with *Error when the shape does not hold len(data) elements.
func NewArray[T Element](data []T, shape ...int) *Array {
	if shape == nil {
		shape = []int{len(data)}
	}
	shape = inferShape("array", slicesClone(shape), len(data))
	switch reflect.TypeFor[T]().Kind() {
	case reflect.Int:
		return newIntArray(unsafe.Slice((*int)(unsafe.Pointer(unsafe.SliceData(data))), len(data)), shape)
	case reflect.Complex128:
		c := make([]complex64, len(data))
		for i, v := range unsafe.Slice((*complex128)(unsafe.Pointer(unsafe.SliceData(data))), len(data)) {
			c[i] = complex64(v)
		}
		return fromSlice(c, shape, Complex64)
	}
	dt, _ := dtypeOfGo[T]()
	return fromSlice(data, shape, dt)
}

func slicesClone(s []int) []int { return append([]int(nil), s...) }

func newIntArray(d []int, shape []int) *Array {
	fits := true
	for _, v := range d {
		if v < math.MinInt32 || v > math.MaxInt32 {
			fits = false
			break
		}
	}
	if !fits {
		return fromSlice(d, shape, Int64)
	}
	c := make([]int32, len(d))
	for i, v := range d {
		c[i] = int32(v)
	}
	return fromSlice(c, shape, Int32)
}

// fromSlice copies the bytes of data into a new evaluated array of dtype dt,
// whose element size must match T's.
func fromSlice[T any](data []T, shape []int, dt Dtype) *Array {
	n := len(data) * int(unsafe.Sizeof(*new(T)))
	buf, err := core.Host.Alloc(n)
	if err != nil {
		panic(&Error{Op: "array", Msg: err.Error(), Err: err})
	}
	if n > 0 {
		copy(buf.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(data))), n))
	}
	return newLeaf(shape, dt, buf)
}

// inferShape replaces one -1 in shape so that it holds n elements, and
// panics with *Error if it cannot.
func inferShape(op string, shape []int, n int) []int {
	checkInferShape(op, shape)
	infer := -1
	known := 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d == -1:
			panic(newError(op, "can only infer one dimension of %s", shapeString(shape)))
		case d < 0:
			panic(newError(op, "negative dimension in shape %s", shapeString(shape)))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(newError(op, "cannot infer a dimension of %s for %d elements", shapeString(shape), n))
		}
		shape[infer] = n / known
		known = n
	}
	if known != n {
		panic(newError(op, "cannot hold %d elements in shape %s", n, shapeString(shape)))
	}
	return shape
}

// Scalar returns a 0-d array holding v. Go numbers follow MLX's defaults
// for Python scalars: floats give float32, integers int32, complex numbers
// complex64, bools bool; pass a Dtype to choose another type, as in
// mx.Scalar(x, mx.Float64).
func Scalar(v any, opts ...Option) *Array {
	o := parseOptions("scalar", optDtype|optStream, opts)
	w := weakScalar("scalar", v)
	dt := w.dtype()
	if o.set&optDtype != 0 {
		dt = o.dtype
	}
	return w.array(dt)
}

// weak is a Go scalar as an op argument: like a Python scalar in MLX it
// takes the type of the array it meets (a float scalar makes integer
// arrays floating).
type weak struct {
	kind  DtypeKind // BoolKind, SignedInteger, Floating or ComplexFloating
	i     int64
	u     uint64
	isU   bool
	f     float64
	c     complex128
	value any
}

// weakScalar converts a Go scalar, or panics with *Error naming op.
func weakScalar(op string, v any) weak {
	switch x := v.(type) {
	case bool:
		return weak{kind: BoolKind, i: b2i(x), f: float64(b2i(x)), c: complex(float64(b2i(x)), 0), value: v}
	case int:
		return intWeak(int64(x), v)
	case int8:
		return intWeak(int64(x), v)
	case int16:
		return intWeak(int64(x), v)
	case int32:
		return intWeak(int64(x), v)
	case int64:
		return intWeak(x, v)
	case uint8:
		return intWeak(int64(x), v)
	case uint16:
		return intWeak(int64(x), v)
	case uint32:
		return intWeak(int64(x), v)
	case uint:
		return uintWeak(uint64(x), v)
	case uint64:
		return uintWeak(x, v)
	case float32:
		return weak{kind: Floating, f: float64(x), c: complex(float64(x), 0), value: v}
	case float64:
		return weak{kind: Floating, f: x, c: complex(x, 0), value: v}
	case complex64:
		return weak{kind: ComplexFloating, c: complex128(x), f: real(complex128(x)), value: v}
	case complex128:
		return weak{kind: ComplexFloating, c: x, f: real(x), value: v}
	}
	panic(newError(op, "cannot use %T as an array or scalar", v))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func intWeak(i int64, v any) weak {
	return weak{kind: SignedInteger, i: i, u: uint64(i), f: float64(i), c: complex(float64(i), 0), value: v}
}

func uintWeak(u uint64, v any) weak {
	return weak{kind: SignedInteger, i: int64(u), u: u, isU: true, f: float64(u), c: complex(float64(u), 0), value: v}
}

// dtype is the type the scalar has on its own (MLX's defaults).
func (w weak) dtype() Dtype {
	switch w.kind {
	case BoolKind:
		return Bool
	case SignedInteger:
		if w.isU && w.u > math.MaxInt32 || !w.isU && (w.i > math.MaxInt32 || w.i < math.MinInt32) {
			return Int64
		}
		return Int32
	case Floating:
		return Float32
	}
	return Complex64
}

// with returns the type of the scalar meeting an array of type dt.
func (w weak) with(dt Dtype) Dtype {
	switch w.kind {
	case BoolKind:
		return dt
	case SignedInteger:
		if dt == Bool {
			return Int32
		}
		return dt
	case Floating:
		if dt.IsInexact() {
			return dt
		}
		return Float32
	}
	return Complex64
}

// array returns the scalar as a 0-d array of type dt.
func (w weak) array(dt Dtype) *Array {
	if a := w.arrayDirect(dt); a != nil {
		return a
	}
	return w.arrayConvert(dt)
}

// arrayDirect makes the scalar an array of type dt at once, as
// arrayConvert would, for the usual pairs of kind and dtype; it returns
// nil for the others.
func (w weak) arrayDirect(dt Dtype) *Array {
	isInt := w.kind == SignedInteger || w.kind == BoolKind
	switch {
	case dt == Bool:
		return scalarOf(w.c != 0, dt)
	case dt == Uint64 && w.kind == SignedInteger:
		return scalarOf(w.u, dt)
	case dt == Float64:
		return scalarOf(w.f, dt)
	case dt == Complex64:
		return scalarOf(complex64(w.c), dt)
	case dt == Float32 && isInt:
		return scalarOf(float32(w.i), dt)
	case dt == Float32:
		return scalarOf(float32(w.f), dt)
	case dt == Float16:
		return scalarOf(core.F16FromFloat64(w.real()), dt)
	case dt == Bfloat16:
		return scalarOf(core.BF16FromFloat64(w.real()), dt)
	case !isInt:
		return nil // float to integer: saturating, left to the kernel
	case dt == Int64:
		return scalarOf(w.i, dt)
	case dt == Int32:
		return scalarOf(int32(w.i), dt)
	case dt == Int16:
		return scalarOf(int16(w.i), dt)
	case dt == Int8:
		return scalarOf(int8(w.i), dt)
	case dt == Uint32:
		return scalarOf(uint32(w.i), dt)
	case dt == Uint16:
		return scalarOf(uint16(w.i), dt)
	case dt == Uint8:
		return scalarOf(uint8(w.i), dt)
	}
	return nil
}

// real is the scalar as arrayConvert converts it to floating types.
func (w weak) real() float64 {
	if w.kind == SignedInteger || w.kind == BoolKind {
		return float64(w.i)
	}
	return w.f
}

// scalarOf returns an evaluated 0-d array of type dt holding v, whose Go
// type must have dt's size.
func scalarOf[T any](v T, dt Dtype) *Array {
	buf, err := core.Host.Alloc(int(unsafe.Sizeof(v)))
	if err != nil {
		panic(&Error{Op: "array", Msg: err.Error(), Err: err})
	}
	*(*T)(unsafe.Pointer(unsafe.SliceData(buf.Bytes()))) = v
	return newLeaf([]int{}, dt, buf)
}

// arrayConvert returns the scalar as a 0-d array of type dt, made in a wide
// type and converted by the copy kernel.
func (w weak) arrayConvert(dt Dtype) *Array {
	var a *Array
	switch dt {
	case Bool:
		a = fromSlice([]bool{w.c != 0}, []int{}, Bool)
	case Uint64:
		if w.kind == SignedInteger {
			a = fromSlice([]uint64{w.u}, []int{}, Uint64)
		} else {
			a = fromSlice([]float64{w.f}, []int{}, Float64)
		}
	case Float64:
		a = fromSlice([]float64{w.f}, []int{}, Float64)
	case Complex64:
		a = fromSlice([]complex64{complex64(w.c)}, []int{}, Complex64)
	default:
		if w.kind == SignedInteger || w.kind == BoolKind {
			a = fromSlice([]int64{w.i}, []int{}, Int64)
		} else {
			a = fromSlice([]float64{w.f}, []int{}, Float64)
		}
	}
	if a.dtype == dt {
		return a
	}
	return convertNow(a, dt)
}

// asArray converts an op argument to an array: an *Array is returned as it
// is; a Go scalar becomes a weak scalar of a type chosen by the other
// operands (see weak.with); a Go slice becomes an array as NewArray makes it.
func asArray(op string, v any) *Array {
	switch x := v.(type) {
	case *Array:
		checkArray(op, x)
		return x
	case []float32:
		return NewArray(x)
	case []float64:
		return NewArray(x)
	case []int:
		return NewArray(x)
	case []int32:
		return NewArray(x)
	case []int64:
		return NewArray(x)
	case []bool:
		return NewArray(x)
	case nil:
		panic(newError(op, "nil argument"))
	}
	return weakScalar(op, v).array(weakScalar(op, v).dtype())
}

// isWeak reports whether v is a Go scalar (not an array or slice).
func isWeak(v any) bool {
	switch v.(type) {
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, complex64, complex128:
		return true
	}
	return false
}

// asArrays converts op arguments, giving Go scalars the type they take
// against the arrays among the arguments (MLX's weak-scalar promotion), and
// returns them with the type they all promote to.
func asArrays(op string, vs ...any) ([]*Array, Dtype) {
	// A wrapper small enough to inline, so that out and vs can stay on
	// the caller's stack.
	out := make([]*Array, len(vs))
	return out, asArraysTo(op, out, vs)
}

func asArraysTo(op string, out []*Array, vs []any) Dtype {
	haveArray := false
	var dt Dtype
	for i, v := range vs {
		if isWeak(v) {
			continue
		}
		out[i] = asArray(op, v)
		if !haveArray {
			dt, haveArray = out[i].dtype, true
		} else {
			dt = PromoteTypes(dt, out[i].dtype)
		}
	}
	for i, v := range vs {
		if !isWeak(v) {
			continue
		}
		w := weakScalar(op, v)
		if !haveArray {
			dt, haveArray = w.dtype(), true
		} else {
			dt = w.with(dt)
		}
		_ = i
	}
	for i, v := range vs {
		if isWeak(v) {
			out[i] = weakScalar(op, v).array(dt)
		}
	}
	return dt
}
