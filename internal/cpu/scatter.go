package cpu

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Scatter implements core.GatherKernels. After copying src into out and
// working out the corner of each update block in out (indexOffsets), it
// walks the blocks' elements. When the index axes have blocks of size one,
// two different elements of a block never meet, so the elements are split
// over the cores, each goroutine taking every index position in order for
// its share; otherwise one goroutine does all in order.
func (b *backend) Scatter(reduce core.ScatterReduce, src core.View, idx []core.View, upd core.View, axes []int, out core.View) error {
	if err := b.Copy(src, out); err != nil {
		return err
	}
	nd := len(out.Shape)
	idxShape, block := upd.Shape[:len(upd.Shape)-nd], upd.Shape[len(upd.Shape)-nd:]
	nIdx, blockN := shapeProd(idxShape), shapeProd(block)
	if nIdx == 0 || blockN == 0 {
		return nil
	}
	bases, err := indexOffsets(idx, idxShape, axes, out.Shape, out.Strides, out.Offset, block)
	if err != nil {
		return err
	}
	ubases := make([]int, nIdx)
	ul := newLayout(idxShape, []int{upd.Offset}, upd.Strides[:len(idxShape)])
	i := 0
	ul.rows(0, nIdx, func(off []int, n int) {
		_, st := ul.inner()
		for j := range n {
			ubases[i] = off[0] + j*st[0]
			i++
		}
	})
	bl := newLayout(block, []int{0, 0}, out.Strides, upd.Strides[len(idxShape):])
	n, st := bl.inner()
	w := scatterWork{bases: bases, ubases: ubases, n: n, so: st[0], su: st[1], serial: false}
	bl.rows(0, bl.size(), func(off []int, _ int) {
		w.oruns = append(w.oruns, off[0])
		w.uruns = append(w.uruns, off[1])
	})
	for _, ax := range axes {
		if block[ax] != 1 {
			w.serial = true
		}
	}
	switch out.Dtype {
	case core.Bool:
		return scatterAs(w, reduce, out, upd, func(a, b bool) bool { return a || b },
			func(a, b bool) bool { return a && b },
			func(a, b bool) bool { return !a && b }, func(a, b bool) bool { return a && !b })
	case core.Uint8:
		return scatterReal[uint8](w, reduce, out, upd)
	case core.Uint16:
		return scatterReal[uint16](w, reduce, out, upd)
	case core.Uint32:
		return scatterReal[uint32](w, reduce, out, upd)
	case core.Uint64:
		return scatterReal[uint64](w, reduce, out, upd)
	case core.Int8:
		return scatterReal[int8](w, reduce, out, upd)
	case core.Int16:
		return scatterReal[int16](w, reduce, out, upd)
	case core.Int32:
		return scatterReal[int32](w, reduce, out, upd)
	case core.Int64:
		return scatterReal[int64](w, reduce, out, upd)
	case core.Float32:
		return scatterReal[float32](w, reduce, out, upd)
	case core.Float64:
		return scatterReal[float64](w, reduce, out, upd)
	case core.Float16:
		return scatterHalf(w, reduce, out, upd, core.F16.Float32, core.F16FromFloat32)
	case core.Bfloat16:
		return scatterHalf(w, reduce, out, upd, core.BF16.Float32, core.BF16FromFloat32)
	case core.Complex64:
		if reduce == core.ScatterMax || reduce == core.ScatterMin {
			return fmt.Errorf("scatter %v of complex64 is not supported", reduce)
		}
		return scatterAs(w, reduce, out, upd, plus[complex64],
			func(a, b complex64) complex64 { return a * b }, nil, nil)
	}
	return fmt.Errorf("scatter of element type %d is not implemented on cpu", out.Dtype)
}

// scatterWork is where a scatter's updates go: the corner of each block in
// out and in upd, and the runs of a block (their offsets from the corner
// in out and upd, their length and strides).
type scatterWork struct {
	bases, ubases []int
	oruns, uruns  []int
	n, so, su     int
	serial        bool
}

// each runs fn(dst, src offsets, length) over every run of every block:
// all index positions in order for each share of the block's elements.
func (w scatterWork) each(fn func(o, u, n int)) {
	blockN := len(w.oruns) * w.n
	body := func(lo, hi int) {
		for p, b := range w.bases {
			ub := w.ubases[p]
			for e := lo; e < hi; {
				r, j := e/w.n, e%w.n
				m := min(w.n-j, hi-e)
				fn(b+w.oruns[r]+j*w.so, ub+w.uruns[r]+j*w.su, m)
				e += m
			}
		}
	}
	if w.serial {
		body(0, blockN)
		return
	}
	parallelFor(blockN, len(w.bases), body)
}

func scatterReal[T realNum](w scatterWork, reduce core.ScatterReduce, out, upd core.View) error {
	return scatterAs(w, reduce, out, upd, plus[T], func(a, b T) T { return a * b },
		func(a, b T) bool { return b > a || b != b }, func(a, b T) bool { return b < a || b != b })
}

// scatterAs scatters with the combining functions of one type: add, mul,
// and maxWins(a, b) and minWins(a, b), true when the update b replaces the
// element a as the maximum or minimum (a NaN update does, as NumPy's
// maximum.at propagates NaN).
func scatterAs[T any](w scatterWork, reduce core.ScatterReduce, out, upd core.View,
	add, mul func(a, b T) T, maxWins, minWins func(a, b T) bool) error {
	dst, src := core.All[T](out), core.All[T](upd)
	so, su := w.so, w.su
	var f func(o, u, n int)
	switch reduce {
	case core.ScatterNone:
		f = func(o, u, n int) {
			for range n {
				dst[o] = src[u]
				o += so
				u += su
			}
		}
	case core.ScatterSum, core.ScatterProd:
		op := add
		if reduce == core.ScatterProd {
			op = mul
		}
		f = func(o, u, n int) {
			for range n {
				dst[o] = op(dst[o], src[u])
				o += so
				u += su
			}
		}
	case core.ScatterMax, core.ScatterMin:
		wins := maxWins
		if reduce == core.ScatterMin {
			wins = minWins
		}
		if wins == nil {
			return fmt.Errorf("scatter %v is not supported for this type", reduce)
		}
		f = func(o, u, n int) {
			for range n {
				if wins(dst[o], src[u]) {
					dst[o] = src[u]
				}
				o += so
				u += su
			}
		}
	default:
		return fmt.Errorf("unknown scatter reduction %v", reduce)
	}
	w.each(f)
	return nil
}

// scatterHalf scatters float16 or bfloat16 through float32.
func scatterHalf[H any](w scatterWork, reduce core.ScatterReduce, out, upd core.View,
	toF func(H) float32, fromF func(float32) H) error {
	return scatterAs(w, reduce, out, upd,
		func(a, b H) H { return fromF(toF(a) + toF(b)) },
		func(a, b H) H { return fromF(toF(a) * toF(b)) },
		func(a, b H) bool { x, y := toF(a), toF(b); return y > x || y != y },
		func(a, b H) bool { x, y := toF(a), toF(b); return y < x || y != y })
}
