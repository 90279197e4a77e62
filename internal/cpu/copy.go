package cpu

import (
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// real numbers that Go converts between directly.
type realNum interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64 | ~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

// Copy implements core.CopyKernels.
func (*backend) Copy(in, out core.View) error {
	l := newLayout(out.Shape, []int{in.Offset, out.Offset}, in.Strides, out.Strides)
	if in.Dtype == out.Dtype {
		copySame(l, in, out)
		return nil
	}
	convert(l, in, out)
	return nil
}

// copySame copies elements of one size, whatever their type.
func copySame(l layout, in, out core.View) {
	switch in.Dtype.Size() {
	case 1:
		copyLoop(l, core.All[uint8](in), core.All[uint8](out))
	case 2:
		copyLoop(l, core.All[uint16](in), core.All[uint16](out))
	case 4:
		copyLoop(l, core.All[uint32](in), core.All[uint32](out))
	case 8:
		copyLoop(l, core.All[uint64](in), core.All[uint64](out))
	}
}

func copyLoop[T any](l layout, src, dst []T) {
	_, st := l.inner()
	si, so := st[0], st[1]
	l.forEach(1, func(off []int, n int) {
		a, b := off[0], off[1]
		if si == 1 && so == 1 {
			copy(dst[b:b+n], src[a:a+n])
			return
		}
		for i := 0; i < n; i++ {
			dst[b] = src[a]
			a += si
			b += so
		}
	})
}

// mapLoop applies f elementwise from src to dst over layout l.
func mapLoop[S, D any](l layout, src []S, dst []D, f func(S) D) {
	_, st := l.inner()
	si, so := st[0], st[1]
	l.forEach(2, func(off []int, n int) {
		a, b := off[0], off[1]
		if si == 1 && so == 1 {
			s, d := src[a:a+n], dst[b:b+n]
			for i := range s {
				d[i] = f(s[i])
			}
			return
		}
		for i := 0; i < n; i++ {
			dst[b] = f(src[a])
			a += si
			b += so
		}
	})
}

// convert copies between element types. Every type goes through one of
// three routes: real numbers convert directly, half types through float32,
// bool and complex through their own rules.
func convert(l layout, in, out core.View) {
	switch in.Dtype {
	case core.Bool:
		convertFrom(l, core.All[bool](in), out, func(b bool) float64 {
			if b {
				return 1
			}
			return 0
		})
	case core.Uint8:
		convertReal(l, core.All[uint8](in), out)
	case core.Uint16:
		convertReal(l, core.All[uint16](in), out)
	case core.Uint32:
		convertReal(l, core.All[uint32](in), out)
	case core.Uint64:
		convertReal(l, core.All[uint64](in), out)
	case core.Int8:
		convertReal(l, core.All[int8](in), out)
	case core.Int16:
		convertReal(l, core.All[int16](in), out)
	case core.Int32:
		convertReal(l, core.All[int32](in), out)
	case core.Int64:
		convertReal(l, core.All[int64](in), out)
	case core.Float16:
		convertFrom(l, core.All[core.F16](in), out, core.F16.Float32)
	case core.Bfloat16:
		convertFrom(l, core.All[core.BF16](in), out, core.BF16.Float32)
	case core.Float32:
		convertReal(l, core.All[float32](in), out)
	case core.Float64:
		convertReal(l, core.All[float64](in), out)
	case core.Complex64:
		src := core.All[complex64](in)
		switch out.Dtype {
		case core.Bool:
			mapLoop(l, src, core.All[bool](out), func(c complex64) bool { return c != 0 })
		default:
			re := func(c complex64) float32 { return real(c) }
			convertFrom(l, src, out, re)
		}
	}
}

// convertReal converts from a real Go number type to out's type.
func convertReal[S realNum](l layout, src []S, out core.View) {
	convertFrom(l, src, out, func(s S) S { return s })
}

// convertFrom converts src to out's type, through f, which maps each source
// element to a real number type M.
func convertFrom[S any, M realNum](l layout, src []S, out core.View, f func(S) M) {
	switch out.Dtype {
	case core.Bool:
		mapLoop(l, src, core.All[bool](out), func(s S) bool { return f(s) != 0 })
	case core.Uint8:
		mapLoop(l, src, core.All[uint8](out), func(s S) uint8 { return toInt[uint8](f(s)) })
	case core.Uint16:
		mapLoop(l, src, core.All[uint16](out), func(s S) uint16 { return toInt[uint16](f(s)) })
	case core.Uint32:
		mapLoop(l, src, core.All[uint32](out), func(s S) uint32 { return toInt[uint32](f(s)) })
	case core.Uint64:
		mapLoop(l, src, core.All[uint64](out), func(s S) uint64 { return toInt[uint64](f(s)) })
	case core.Int8:
		mapLoop(l, src, core.All[int8](out), func(s S) int8 { return toInt[int8](f(s)) })
	case core.Int16:
		mapLoop(l, src, core.All[int16](out), func(s S) int16 { return toInt[int16](f(s)) })
	case core.Int32:
		mapLoop(l, src, core.All[int32](out), func(s S) int32 { return toInt[int32](f(s)) })
	case core.Int64:
		mapLoop(l, src, core.All[int64](out), func(s S) int64 { return toInt[int64](f(s)) })
	case core.Float16:
		mapLoop(l, src, core.All[core.F16](out), func(s S) core.F16 { return core.F16FromFloat64(float64(f(s))) })
	case core.Bfloat16:
		mapLoop(l, src, core.All[core.BF16](out), func(s S) core.BF16 { return core.BF16FromFloat64(float64(f(s))) })
	case core.Float32:
		mapLoop(l, src, core.All[float32](out), func(s S) float32 { return float32(f(s)) })
	case core.Float64:
		mapLoop(l, src, core.All[float64](out), func(s S) float64 { return float64(f(s)) })
	case core.Complex64:
		mapLoop(l, src, core.All[complex64](out), func(s S) complex64 { return complex(float32(f(s)), 0) })
	}
}

// toInt converts a real number to an integer type. Integers wrap as Go
// conversions do; floats truncate toward zero, with NaN giving 0 and values
// out of range saturating, so that the result never depends on the machine.
func toInt[D realNum, M realNum](m M) D {
	var zm M
	switch any(zm).(type) {
	case float32, float64:
		f := float64(m)
		if f != f {
			return 0
		}
		var zd D
		lo, hi := intRange(zd)
		if f <= lo {
			return D(lo)
		}
		if f >= hi {
			return maxOf(zd)
		}
	}
	return D(m)
}

// intRange returns the smallest value of D and the first float past its largest.
func intRange[D realNum](d D) (lo, hi float64) {
	size := unsafe.Sizeof(d)
	bits := float64(uint64(1) << (8*size - 1))
	if D(0)-1 > 0 { // unsigned
		return 0, 2 * bits
	}
	return -bits, bits
}

func maxOf[D realNum](d D) D {
	size := unsafe.Sizeof(d)
	if D(0)-1 > 0 {
		return D(^uint64(0) >> (64 - 8*size))
	}
	return D(uint64(1)<<(8*size-1) - 1)
}
