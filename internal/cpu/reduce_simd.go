package cpu

import (
	"math"
	"unsafe"
)

// Wrappers of the vector kernels (reduce_amd64.s): each runs the kernel on
// the longest prefix it handles when the machine has AVX2 and FMA (or
// AVX-512, for the exponentials), and Go code on the rest.

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
	switch {
	case haveAVX512:
		if n = len(x) &^ 15; n > 0 {
			s = expSubF32AVX512(x[:n], y[:n], m)
		}
	case haveAVX2:
		if n = len(x) &^ 7; n > 0 {
			s = expSubF32AVX2(x[:n], y[:n], m)
		}
	}
	return s + expSub32Go(x[n:], y[n:], m)
}

// sumSub32 returns the sum of exp(x[i] - m), with m as for expSub32.
func sumSub32(x []float32, m float32) float32 {
	n := 0
	var s float32
	switch {
	case haveAVX512:
		if n = len(x) &^ 15; n > 0 {
			s = sumExpSubF32AVX512(x[:n], m)
		}
	case haveAVX2:
		if n = len(x) &^ 7; n > 0 {
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
		switch {
		case haveAVX512:
			if n = len(x) &^ 15; n > 0 {
				colExpSubF32AVX512(x[:n], m[:n], y[:n], s[:n])
			}
		case haveAVX2:
			if n = len(x) &^ 7; n > 0 {
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
