package cpu

import (
	"math"
	"unsafe"
)

// Wrappers of the vector kernels (reduce_amd64.s): each runs the kernel on
// the longest prefix it handles when the machine has AVX2 and FMA, and Go
// code on the rest.

// expConstVec and expPolyVec hold fastExp32's constants for the vector kernels:
// log2(e), 1.5*2**23, the two parts of ln(2), 1, expLo, and the bits of
// 1.5*2**23 less the exponent bias; then the polynomial's coefficients,
// each repeated over a vector.
var (
	expConstVec [8]uint32
	expPolyVec  [6][8]float32
)

func init() {
	for i, c := range []float32{1.442695, 12582912, 0.693359375, 2.12194440e-4, 1, expLo} {
		expConstVec[i] = math.Float32bits(c)
	}
	expConstVec[6] = 0x4b400000 - 127
	for i, c := range []float32{1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1} {
		for j := range expPolyVec[i] {
			expPolyVec[i][j] = c
		}
	}
}

// asF32 reinterprets a []T as []float32; T must be float32.
func asF32[T any](x []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// asF64 reinterprets a []T as []float64; T must be float64.
func asF64[T any](x []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// isF32F64 reports whether T is float32 and A float64: the sum kernels'
// types.
func isF32F64[T, A any]() bool {
	var t T
	var a A
	_, ok1 := any(t).(float32)
	_, ok2 := any(a).(float64)
	return ok1 && ok2
}

// isF32 reports whether T is float32.
func isF32[T any]() bool {
	var t T
	_, ok := any(t).(float32)
	return ok
}

// maxF32 returns the largest element of x (not empty), NaN if there is one.
func maxF32(x []float32) float32 {
	m := x[0]
	n := 0
	if haveAVX2 && len(x) >= 16 {
		n = len(x) &^ 15
		var nan bool
		m, nan = maxF32AVX2(x[:n])
		if nan {
			return float32(math.NaN())
		}
	}
	for _, v := range x[n:] {
		m = max(m, v)
	}
	return m
}

// expSub32 writes exp(x[i] - m) into y[i] and returns their sum; m is the
// maximum of x (or NaN, or infinite).
func expSub32(x, y []float32, m float32) float32 {
	y = y[:len(x)]
	n := 0
	var s float32
	if haveAVX2 {
		n = len(x) &^ 7
		if n > 0 {
			s = expSubF32AVX2(x[:n], y[:n], m)
		}
	}
	return s + expSub32Go(x[n:], y[n:], m)
}

// sumSub32 returns the sum of exp(x[i] - m), with m as for expSub32.
func sumSub32(x []float32, m float32) float32 {
	n := 0
	var s float32
	if haveAVX2 {
		n = len(x) &^ 7
		if n > 0 {
			s = sumExpSubF32AVX2(x[:n], m)
		}
	}
	return s + sumSub32Go(x[n:], m)
}

// scaleF32 multiplies every element of y by s.
func scaleF32(y []float32, s float32) {
	n := 0
	if haveAVX2 {
		n = len(y) &^ 7
		if n > 0 {
			scaleF32AVX2(y[:n], s)
		}
	}
	for i := n; i < len(y); i++ {
		y[i] *= s
	}
}

// colMax sets m[j] = max(m[j], x[j]) for every j of m, NaN once either is.
func colMax[T float32 | float64](m, x []T) {
	x = x[:len(m)]
	n := 0
	if haveAVX2 && isF32[T]() {
		n = len(m) &^ 7
		if n > 0 {
			colMaxF32AVX2(asF32(m[:n]), asF32(x[:n]))
		}
	}
	for j := n; j < len(m); j++ {
		m[j] = max(m[j], x[j])
	}
}

// colExpSub sets y[j] = exp(x[j] - m[j]) and adds it to s[j], for every j
// of x; m[j] is the maximum of its column (or NaN, or infinite).
func colExpSub[T float32 | float64](x, m, y, s []T) {
	if isF32[T]() {
		x, m, y, s := asF32(x), asF32(m), asF32(y), asF32(s)
		n := 0
		if haveAVX2 {
			n = len(x) &^ 7
			if n > 0 {
				colExpSubF32AVX2(x[:n], m[:n], y[:n], s[:n])
			}
		}
		for j := n; j < len(x); j++ {
			e := fastExp32(x[j] - m[j])
			y[j] = e
			s[j] += e
		}
		return
	}
	x64, m64, y64, s64 := asF64(x), asF64(m), asF64(y), asF64(s)
	for j := range x64 {
		e := math.Exp(x64[j] - m64[j])
		y64[j] = e
		s64[j] += e
	}
}
