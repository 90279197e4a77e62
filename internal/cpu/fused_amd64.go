//go:build !purego

package cpu

import (
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

//go:noescape
func addF32AVX512(z, x, y []float32)

//go:noescape
func subF32AVX512(z, x, y []float32)

//go:noescape
func mulF32AVX512(z, x, y []float32)

//go:noescape
func divF32AVX512(z, x, y []float32)

//go:noescape
func addF64AVX512(z, x, y []float64)

//go:noescape
func subF64AVX512(z, x, y []float64)

//go:noescape
func mulF64AVX512(z, x, y []float64)

//go:noescape
func divF64AVX512(z, x, y []float64)

// fusedVecBinary returns the AVX-512 loop of op on values of type dt
// for the fused kernels, or nil: Add, Subtract, Multiply and Divide of
// float32 (half types included) and float64.
func fusedVecBinary(op core.BinaryOp, dt core.Dtype) kern2 {
	if !haveAVX512 {
		return nil
	}
	switch computeType(dt) {
	case core.Float32:
		return vecLoop(pick(op, addF32AVX512, subF32AVX512, mulF32AVX512, divF32AVX512), floatBinary[float32](op), 16)
	case core.Float64:
		return vecLoop(pick(op, addF64AVX512, subF64AVX512, mulF64AVX512, divF64AVX512), floatBinary[float64](op), 8)
	}
	return nil
}

func pick[F any](op core.BinaryOp, add, sub, mul, div F) *F {
	switch op {
	case core.Add:
		return &add
	case core.Subtract:
		return &sub
	case core.Multiply:
		return &mul
	case core.Divide:
		return &div
	}
	return nil
}

// vecLoop runs the vector loop f on the whole vectors of a chunk and the
// Go loop tail on the rest (lanes elements a vector).
func vecLoop[T float](f *func(z, x, y []T), tail kern2, lanes int) kern2 {
	if f == nil {
		return nil
	}
	loop := *f
	size := int(unsafe.Sizeof(T(0)))
	return func(z, x, y unsafe.Pointer, n int) {
		m := n &^ (lanes - 1)
		if m > 0 {
			loop(slice[T](z, m), slice[T](x, m), slice[T](y, m))
		}
		if m < n {
			off := uintptr(m * size)
			tail(unsafe.Add(z, off), unsafe.Add(x, off), unsafe.Add(y, off), n-m)
		}
	}
}
