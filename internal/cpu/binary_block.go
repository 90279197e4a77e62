package cpu

import (
	"sync/atomic"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The elementwise kernels of several operands work block by block: each
// operation is a type whose apply method holds its own loop over one block
// of contiguous elements, so that the operation is inlined into that loop
// (a function value, or a method called through a type parameter, would
// cost a call per element). The runner below turns any layout into such
// blocks: contiguous runs are passed through as they are, broadcast
// operands are repeated once into a buffer, strided ones gathered, and
// types that compute through another (float16 through float32, bool through
// int8) converted on the way in and out.

// blockLen is the number of elements of one block.
const blockLen = 1024

// Element-type sets of the generic kernels.
type (
	signed interface {
		~int8 | ~int16 | ~int32 | ~int64
	}
	unsigned interface {
		~uint8 | ~uint16 | ~uint32 | ~uint64
	}
	integer interface{ signed | unsigned }
	float   interface{ ~float32 | ~float64 }
	number  interface{ integer | float | ~complex64 }
)

// blockOp computes z[i] = f(x[i], y[i]) over one block; the three slices
// have one length.
type blockOp[T, Q any] interface {
	apply(x, y []T, z []Q)
}

// sameType reports whether S and T are one type.
func sameType[S, T any]() bool {
	_, ok := any((*S)(nil)).(*T)
	return ok
}

// cast views a slice of S as a slice of T; both must have one size.
func cast[S, T any](s []S) []T {
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// source reads one operand block by block as the compute type T, from its
// storage type S.
type source[S, T any] struct {
	data   []S
	stride int
	conv   bool // S is not T
	raw    []S  // gathered elements
	cvt    []T  // converted elements
	fill   int  // for stride 0: the offset whose value the buffer repeats, or -1
}

func (s *source[S, T]) init(data []S, stride int) {
	*s = source[S, T]{data: data, stride: stride, conv: !sameType[S, T](), fill: -1}
}

// block returns the m elements at off, off+stride, ... as a []T.
func (s *source[S, T]) block(off, m int) []T {
	if s.stride == 0 && m > 1 {
		if s.fill != off {
			s.repeat(off)
		}
		if s.conv {
			return s.cvt[:m]
		}
		return cast[S, T](s.raw[:m])
	}
	var raw []S
	if s.stride == 1 || m == 1 {
		raw = s.data[off : off+m]
	} else {
		if s.raw == nil {
			s.raw = make([]S, blockLen)
		}
		raw = s.raw[:m]
		for i := range raw {
			raw[i] = s.data[off]
			off += s.stride
		}
	}
	if !s.conv {
		return cast[S, T](raw)
	}
	if s.cvt == nil {
		s.cvt = make([]T, blockLen)
	}
	convertBlock(raw, s.cvt[:m])
	return s.cvt[:m]
}

// repeat fills a whole block with the element at off.
func (s *source[S, T]) repeat(off int) {
	s.fill = off
	if s.conv {
		if s.cvt == nil {
			s.cvt = make([]T, blockLen)
		}
		convertBlock(s.data[off:off+1], s.cvt[:1])
		fillSlice(s.cvt, s.cvt[0])
		return
	}
	if s.raw == nil {
		s.raw = make([]S, blockLen)
	}
	fillSlice(s.raw, s.data[off])
}

func fillSlice[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// sink writes the results of an op, of compute type Q, into the output of
// storage type R.
type sink[Q, R any] struct {
	data   []R
	stride int
	conv   bool // Q is not R
	q      []Q  // results that cannot be written in place
	r      []R  // converted results of a strided output
}

func (s *sink[Q, R]) init(data []R, stride int) {
	*s = sink[Q, R]{data: data, stride: stride, conv: !sameType[Q, R]()}
}

// target returns where the op writes the m results for offset off.
func (s *sink[Q, R]) target(off, m int) []Q {
	if !s.conv && (s.stride == 1 || m == 1) {
		return cast[R, Q](s.data[off : off+m])
	}
	if s.q == nil {
		s.q = make([]Q, blockLen)
	}
	return s.q[:m]
}

// commit stores the results that target handed out, if they are not in
// place already.
func (s *sink[Q, R]) commit(off, m int) {
	direct := s.stride == 1 || m == 1
	switch {
	case direct && !s.conv:
		return
	case direct:
		convertBlock(s.q[:m], s.data[off:off+m])
		return
	}
	var r []R
	if s.conv {
		if s.r == nil {
			s.r = make([]R, blockLen)
		}
		r = s.r[:m]
		convertBlock(s.q[:m], r)
	} else {
		r = cast[Q, R](s.q[:m])
	}
	for _, v := range r {
		s.data[off] = v
		off += s.stride
	}
}

// runBinary applies op o over layout l (operands a, b, out): inputs stored
// as S are computed as T, results computed as Q are stored as R. cost is
// the rough work per element, which decides how many cores take part.
func runBinary[S, T, Q, R any, O blockOp[T, Q]](o O, cost int, l layout, a, b, out core.View) {
	xd, yd, zd := core.All[S](a), core.All[S](b), core.All[R](out)
	_, st := l.inner()
	n := l.size()
	if n*cost <= grain {
		binaryRange[S, T, Q, R](o, l, xd, yd, zd, st, 0, n)
		return
	}
	pl := l // only this copy is captured, so that small jobs allocate less
	parallelFor(n, cost, func(lo, hi int) {
		binaryRange[S, T, Q, R](o, pl, xd, yd, zd, st, lo, hi)
	})
}

// binaryRange is runBinary's work on the row-major elements [lo, hi).
func binaryRange[S, T, Q, R any, O blockOp[T, Q]](o O, l layout, xd, yd []S, zd []R, st []int, lo, hi int) {
	sx, sy, sz := st[0], st[1], st[2]
	var x, y source[S, T]
	var z sink[Q, R]
	x.init(xd, sx)
	y.init(yd, sy)
	z.init(zd, sz)
	l.rows(lo, hi, func(off []int, n int) {
		for s := 0; s < n; s += blockLen {
			m := min(blockLen, n-s)
			zo := off[2] + s*sz
			o.apply(x.block(off[0]+s*sx, m), y.block(off[1]+s*sy, m), z.target(zo, m))
			z.commit(zo, m)
		}
	})
}

// runAll reports whether the bool op o holds for every pair of elements
// of a and b over layout l (true when there are none).
func runAll[S, T any, O blockOp[T, bool]](o O, cost int, l layout, a, b core.View) bool {
	xd, yd := core.All[S](a), core.All[S](b)
	_, st := l.inner()
	sx, sy := st[0], st[1]
	var failed atomic.Bool
	parallelFor(l.size(), cost, func(lo, hi int) {
		var x, y source[S, T]
		x.init(xd, sx)
		y.init(yd, sy)
		z := make([]bool, blockLen)
		l.rows(lo, hi, func(off []int, n int) {
			for s := 0; s < n && !failed.Load(); s += blockLen {
				m := min(blockLen, n-s)
				o.apply(x.block(off[0]+s*sx, m), y.block(off[1]+s*sy, m), z[:m])
				for _, v := range z[:m] {
					if !v {
						failed.Store(true)
						return
					}
				}
			}
		})
	})
	return !failed.Load()
}

// convertBlock converts src to dst (one length) between a storage type and
// the type it computes through: float16 and bfloat16 to and from float32,
// bool to and from int8 or uint8 (nonzero is true).
func convertBlock[S, D any](src []S, dst []D) {
	var s S
	var d D
	switch any(s).(type) {
	case core.F16:
		in, out := cast[S, core.F16](src), cast[D, float32](dst)
		out = out[:len(in)]
		for i, v := range in {
			out[i] = v.Float32()
		}
		return
	case core.BF16:
		in, out := cast[S, core.BF16](src), cast[D, float32](dst)
		out = out[:len(in)]
		for i, v := range in {
			out[i] = v.Float32()
		}
		return
	case bool:
		// bool bytes are 0 or 1: as int8 or uint8 they are those numbers.
		copy(cast[D, uint8](dst), cast[S, uint8](src))
		return
	case float32:
		in := cast[S, float32](src)
		switch any(d).(type) {
		case core.F16:
			out := cast[D, core.F16](dst)
			out = out[:len(in)]
			for i, v := range in {
				out[i] = core.F16FromFloat32(v)
			}
			return
		case core.BF16:
			out := cast[D, core.BF16](dst)
			out = out[:len(in)]
			for i, v := range in {
				out[i] = core.BF16FromFloat32(v)
			}
			return
		}
	case int8, uint8:
		if _, ok := any(d).(bool); ok {
			in, out := cast[S, uint8](src), cast[D, bool](dst)
			out = out[:len(in)]
			for i, v := range in {
				out[i] = v != 0
			}
			return
		}
	}
	panic("cpu: no block conversion between these types")
}
