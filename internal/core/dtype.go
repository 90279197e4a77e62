// Package core holds what the array front end and the backends share:
// element types as backends see them, buffers and their allocator, and the
// strided views that kernels read and write.
package core

// Dtype is an element type as the backends see it. Its values match mx.Dtype.
type Dtype uint8

// The element types, in the order mx.Dtype numbers them.
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
	NumDtypes
)

var dtypeSizes = [NumDtypes]int{1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 2, 4, 8, 8}

// Size is the number of bytes one element takes.
func (d Dtype) Size() int { return dtypeSizes[d] }

// F16 is an IEEE 754 half-precision number, stored as its bits.
type F16 uint16

// BF16 is a bfloat16 number (the top half of a float32), stored as its bits.
type BF16 uint16
