package cpu

import (
	"fmt"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
)

// alongLines walks the lines along axis of three operands of one shape but
// for the length of that axis: a source, the uint32 positions and a
// destination.
type alongLines struct {
	rows       layout // over the other dimensions: a, idx, out
	count      int
	n          int // length along axis of the positions
	sa, si, so int // strides along axis
	bad        atomic.Int64
	badSet     atomic.Bool
	limit      int // positions must be below it
}

func newAlongLines(axis int, a, idx, out core.View, limit int) *alongLines {
	var shape, s0, s1, s2 []int
	for d, m := range idx.Shape {
		if d != axis {
			shape = append(shape, m)
			s0, s1, s2 = append(s0, a.Strides[d]), append(s1, idx.Strides[d]), append(s2, out.Strides[d])
		}
	}
	l := &alongLines{n: idx.Shape[axis], sa: a.Strides[axis], si: idx.Strides[axis], so: out.Strides[axis], limit: limit}
	l.rows = newLayout(shape, []int{a.Offset, idx.Offset, out.Offset}, s0, s1, s2)
	l.count = l.rows.size()
	return l
}

// each calls fn for every line with the offsets of its three operands.
func (l *alongLines) each(fn func(a, i, o int)) {
	rows := l.rows
	parallelFor(l.count, l.n+1, func(lo, hi int) {
		rows.rows(lo, hi, func(off []int, cnt int) {
			a, i, o := off[0], off[1], off[2]
			for j := 0; j < cnt; j++ {
				fn(a, i, o)
				a += rows.in[0]
				i += rows.in[1]
				o += rows.in[2]
			}
		})
	})
}

// fail records position p as out of range.
func (l *alongLines) fail(p uint32) {
	if l.badSet.CompareAndSwap(false, true) {
		l.bad.Store(int64(p))
	}
}

func (l *alongLines) err(op string) error {
	if l.badSet.Load() {
		return fmt.Errorf("%s: position %d is out of range for an axis of length %d", op, l.bad.Load(), l.limit)
	}
	return nil
}

// TakeAlong implements core.SortKernels.
func (*backend) TakeAlong(axis int, in, idx, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	l := newAlongLines(axis, in, idx, out, in.Shape[axis])
	switch in.Dtype.Size() {
	case 1:
		takeAlong[uint8](l, in, idx, out)
	case 2:
		takeAlong[uint16](l, in, idx, out)
	case 4:
		takeAlong[uint32](l, in, idx, out)
	case 8:
		takeAlong[uint64](l, in, idx, out)
	default:
		return errNotImplemented("take_along", in.Dtype)
	}
	return l.err("take_along")
}

func takeAlong[T any](l *alongLines, in, idx, out core.View) {
	x, ix, o := core.All[T](in), core.All[uint32](idx), core.All[T](out)
	lim := uint32(l.limit)
	l.each(func(a, i, q int) {
		for j := 0; j < l.n; j++ {
			p := ix[i+j*l.si]
			if p >= lim {
				l.fail(p)
				return
			}
			o[q+j*l.so] = x[a+int(p)*l.sa]
		}
	})
}

// ScatterAddAlong implements core.SortKernels.
func (*backend) ScatterAddAlong(axis int, upd, idx, out core.View) error {
	clear(core.All[byte](out)[out.Offset*out.Dtype.Size() : (out.Offset+out.Size())*out.Dtype.Size()])
	if upd.Size() == 0 {
		return nil
	}
	l := newAlongLines(axis, upd, idx, out, out.Shape[axis])
	switch out.Dtype {
	case core.Bool: // a sum of bools is true when one is
		scatterAddAlong(l, upd, idx, out, func(a, b uint8) uint8 { return a | b })
	case core.Uint8:
		scatterAddAlong(l, upd, idx, out, func(a, b uint8) uint8 { return a + b })
	case core.Int8:
		scatterAddAlong(l, upd, idx, out, func(a, b int8) int8 { return a + b })
	case core.Uint16:
		scatterAddAlong(l, upd, idx, out, func(a, b uint16) uint16 { return a + b })
	case core.Int16:
		scatterAddAlong(l, upd, idx, out, func(a, b int16) int16 { return a + b })
	case core.Uint32:
		scatterAddAlong(l, upd, idx, out, func(a, b uint32) uint32 { return a + b })
	case core.Int32:
		scatterAddAlong(l, upd, idx, out, func(a, b int32) int32 { return a + b })
	case core.Uint64:
		scatterAddAlong(l, upd, idx, out, func(a, b uint64) uint64 { return a + b })
	case core.Int64:
		scatterAddAlong(l, upd, idx, out, func(a, b int64) int64 { return a + b })
	case core.Float32:
		scatterAddAlong(l, upd, idx, out, func(a, b float32) float32 { return a + b })
	case core.Float64:
		scatterAddAlong(l, upd, idx, out, func(a, b float64) float64 { return a + b })
	case core.Complex64:
		scatterAddAlong(l, upd, idx, out, func(a, b complex64) complex64 { return a + b })
	case core.Float16:
		scatterAddAlong(l, upd, idx, out, func(a, b core.F16) core.F16 { return core.F16FromFloat32(a.Float32() + b.Float32()) })
	case core.Bfloat16:
		scatterAddAlong(l, upd, idx, out, func(a, b core.BF16) core.BF16 { return core.BF16FromFloat32(a.Float32() + b.Float32()) })
	default:
		return errNotImplemented("scatter_add_along", out.Dtype)
	}
	return l.err("scatter_add_along")
}

func scatterAddAlong[T any](l *alongLines, upd, idx, out core.View, add func(a, b T) T) {
	u, ix, o := core.All[T](upd), core.All[uint32](idx), core.All[T](out)
	lim := uint32(l.limit)
	l.each(func(a, i, q int) {
		for j := 0; j < l.n; j++ {
			p := ix[i+j*l.si]
			if p >= lim {
				l.fail(p)
				return
			}
			d := q + int(p)*l.so
			o[d] = add(o[d], u[a+j*l.sa])
		}
	})
}
