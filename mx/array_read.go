package mx

import (
	"reflect"
	"unsafe"
)

// ToSlice evaluates a and returns a copy of its elements in row-major order
// as a []T, converting them as AsType does (int and uint read through
// int64 and uint64, complex128 through complex64). It panics with *Error if
// the evaluation fails.
func ToSlice[T Element](a *Array) []T {
	checkArray("to_slice", a)
	if err := a.traceError("to_slice"); err != nil {
		panic(err)
	}
	dt, ok := dtypeOfGo[T]()
	if !ok {
		switch reflect.TypeFor[T]().Kind() {
		case reflect.Int:
			dt = Int64
		case reflect.Complex128:
			dt = Complex64
		}
	}
	src := a
	if a.dtype != dt {
		src = AsType(a, dt, CPU)
	}
	src = Contiguous(src, CPU)
	src.eval("to_slice")
	n := a.Size()
	out := make([]T, n)
	if n == 0 {
		return out
	}
	if reflect.TypeFor[T]().Kind() == reflect.Complex128 {
		c := unsafe.Slice((*complex64)(src.dataPtr()), n)
		for i := range out {
			*(*complex128)(unsafe.Pointer(&out[i])) = complex128(c[i])
		}
		return out
	}
	nb := n * int(unsafe.Sizeof(out[0]))
	copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), nb),
		unsafe.Slice((*byte)(src.dataPtr()), nb))
	return out
}

// dataPtr returns the address of a's first element; a must be available.
// Making the host copy of an array computed on a GPU can fail (out of
// memory, an index error the GPU met): that panics with *Error.
func (a *Array) dataPtr() unsafe.Pointer {
	h, err := a.buf.Host()
	if err != nil {
		panic(deviceFailure(err))
	}
	if cap(h) == 0 {
		return nil
	}
	return unsafe.Add(unsafe.Pointer(unsafe.SliceData(h)), a.offset*a.dtype.Size())
}

// Item evaluates a one-element array and returns its value converted to T,
// as in mx.Item[float32](a). It panics with *Error if a does not have
// exactly one element or evaluation fails.
func Item[T Element](a *Array) T {
	checkArray("item", a)
	if err := a.traceError("item"); err != nil {
		panic(err)
	}
	if a.Size() != 1 {
		panic(newError("item", "can only read one element, not an array of shape %s", shapeString(a.shape)))
	}
	return ToSlice[T](a)[0]
}

// Item evaluates a one-element array and returns its value as the Go type
// of its dtype: bool, uint8 ... int64, float32, float64, complex64,
// Float16Value or Bfloat16Value. It panics with *Error if a does not have
// exactly one element or evaluation fails.
func (a *Array) Item() any {
	checkArray("item", a)
	switch a.dtype {
	case Bool:
		return Item[bool](a)
	case Uint8:
		return Item[uint8](a)
	case Uint16:
		return Item[uint16](a)
	case Uint32:
		return Item[uint32](a)
	case Uint64:
		return Item[uint64](a)
	case Int8:
		return Item[int8](a)
	case Int16:
		return Item[int16](a)
	case Int32:
		return Item[int32](a)
	case Int64:
		return Item[int64](a)
	case Float16:
		return Item[Float16Value](a)
	case Bfloat16:
		return Item[Bfloat16Value](a)
	case Float32:
		return Item[float32](a)
	case Float64:
		return Item[float64](a)
	}
	return Item[complex64](a)
}
