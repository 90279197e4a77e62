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

//go:noescape
func divConstF32AVX512(z, x []float32, r float64)

// divConstF32 sets z[k] = x[k] / c given r = 1/float64(c): float32(x[k] *
// r) computed in float64 is x[k] / c correctly rounded, for every float32
// x and c. r is within 2^-53 of 1/c, so the product is within about
// 2^-52 of x/c (relatively); and x/c is never a float32 rounding boundary,
// nor within 2^-48 of one unless on it: x - c·m, for m halfway between two
// floats, is a nonzero multiple of about 2^-47 x (c·m has an odd significand
// of 25 bits or more, which x cannot equal). So both round alike. Infinite,
// NaN and zero operands, and results that overflow or are subnormal in
// float32, come out as from the division too (TestDivConstExact checks
// them).
func divConstF32(z, x []float32, r float64) {
	m := 0
	if haveAVX512 {
		m = len(x) &^ 7
		if m > 0 {
			divConstF32AVX512(z[:m], x[:m], r)
		}
	}
	divConstGo(z[m:], x[m:], r)
}
