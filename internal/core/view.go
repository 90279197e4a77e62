package core

import "unsafe"

// View is how a kernel sees one operand: a buffer, an element type, a shape,
// and strides and an offset counted in elements (strides may be zero for
// broadcast dimensions, or negative for reversed ones).
type View struct {
	Buf     *Buffer
	Dtype   Dtype
	Shape   []int
	Strides []int
	Offset  int
}

// Size is the number of elements of the view.
func (v View) Size() int {
	n := 1
	for _, d := range v.Shape {
		n *= d
	}
	return n
}

// RowMajorStrides returns the strides of a packed row-major array of shape.
func RowMajorStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// IsContiguous reports whether the view is packed in row-major order
// (dimensions of size one may have any stride).
func (v View) IsContiguous() bool {
	s := 1
	for i := len(v.Shape) - 1; i >= 0; i-- {
		if v.Shape[i] != 1 && v.Strides[i] != s {
			return false
		}
		s *= v.Shape[i]
	}
	return true
}

// IsScalarBroadcast reports whether every element of the view is the same
// memory location (all strides zero or size-one dimensions).
func (v View) IsScalarBroadcast() bool {
	for i, st := range v.Strides {
		if st != 0 && v.Shape[i] != 1 {
			return false
		}
	}
	return true
}

// Data returns the view's buffer as a slice of T from the view's offset to
// the end of the buffer. T must match the view's element size.
func Data[T any](v View) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := v.Buf.Bytes()
	n := len(b) / size
	if n == 0 {
		return nil
	}
	all := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
	return all[v.Offset:]
}

// All returns the whole buffer of the view as a slice of T, ignoring the offset.
func All[T any](v View) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := v.Buf.Bytes()
	n := len(b) / size
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}
