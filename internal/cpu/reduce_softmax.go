package cpu

import (
	"math"
	"runtime"

	"github.com/mlxgo/mlxgo/internal/core"
)

// fastExp32 returns e**x in float32 by the steps of expGo (unary_math.go),
// within one unit in the last place.
func fastExp32(x float32) float32 {
	return float32(expClamped(clamp(float64(x), -expMax, expMax)))
}

// expSub32Go writes exp(x[i] - m) into y[i] and returns their sum. m must
// be the maximum of x (or NaN, or an infinity): every x[i] - m is then at
// most zero or NaN.
func expSub32Go(x, y []float32, m float32) float32 {
	y = y[:len(x)]
	var s float32
	for i, v := range x {
		t, r := expReduce(max(float64(v-m), -expMax))
		e := float32(pow2(t) * (1 + expPoly(r)))
		y[i] = e
		s += e
	}
	return s
}

// sumSub32Go returns the sum of exp(x[i] - m), with m as for expSub32Go.
func sumSub32Go(x []float32, m float32) float32 {
	var s float32
	for _, v := range x {
		t, r := expReduce(max(float64(v-m), -expMax))
		s += float32(pow2(t) * (1 + expPoly(r)))
	}
	return s
}

// sumExp returns the sum of exp(x - m) over n elements from x[off] by s;
// m is their maximum.
func sumExp[T float32 | float64](x []T, off, s, n int, m T) float64 {
	switch xs := any(x).(type) {
	case []float32:
		if s == 1 {
			return float64(sumSub32(xs[off:off+n], float32(m)))
		}
		var sum float32
		for i := 0; i < n; i++ {
			sum += fastExp32(xs[off] - float32(m))
			off += s
		}
		return float64(sum)
	case []float64:
		var sum float64
		for i := 0; i < n; i++ {
			sum += math.Exp(xs[off] - float64(m))
			off += s
		}
		return sum
	}
	return 0
}

// softmaxRow32 writes the softmax of x into y (which may be x). NaN or
// infinite maxima need no special case: x - m is then NaN for some element,
// and the whole row becomes NaN, as in NumPy.
func softmaxRow32(x, y []float32) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	scaleF32(y, 1/expSub32(x, y, maxF32(x)))
}

// softmaxRow64 writes the softmax of x into y (which may be x).
func softmaxRow64(x, y []float64) {
	y = y[:len(x)]
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for i, v := range x {
		e := math.Exp(v - m)
		y[i] = e
		s += e
	}
	inv := 1 / s
	for i := range y {
		y[i] *= inv
	}
}

// Softmax implements core.ReduceKernels.
func (*backend) Softmax(axes []int, in, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	if isHalf(in.Dtype) {
		f, err := toFloat32(in)
		if err != nil {
			return err
		}
		defer f.Buf.Release()
		in = f
	}
	work := out
	if isHalf(out.Dtype) {
		f, err := newFloat32(out.Shape)
		if err != nil {
			return err
		}
		defer f.Buf.Release()
		work = f
	}
	isRed := make([]bool, len(in.Shape))
	for _, ax := range axes {
		isRed[ax] = true
	}
	var kShape, kIn, kOut, rShape, rIn, rOut []int
	for d, n := range in.Shape {
		if isRed[d] {
			rShape, rIn, rOut = append(rShape, n), append(rIn, in.Strides[d]), append(rOut, work.Strides[d])
		} else {
			kShape, kIn, kOut = append(kShape, n), append(kIn, in.Strides[d]), append(kOut, work.Strides[d])
		}
	}
	kept := newLayout(kShape, []int{in.Offset, work.Offset}, kIn, kOut)
	red := newLayout(rShape, []int{0, 0}, rIn, rOut)
	switch {
	case in.Dtype == core.Float32 && work.Dtype == core.Float32:
		softmaxRun(kept, red, core.All[float32](in), core.All[float32](work), softmaxRow32)
	case in.Dtype == core.Float64 && work.Dtype == core.Float64:
		softmaxRun(kept, red, core.All[float64](in), core.All[float64](work), softmaxRow64)
	default:
		return errNotImplemented("softmax", in.Dtype)
	}
	if work.Buf != out.Buf {
		convert(newLayout(out.Shape, []int{0, out.Offset}, work.Strides, out.Strides), work, out)
	}
	return nil
}

// softmaxRun applies rowFn to every group of elements that the reduced
// layout red spans, one group per element of kept. Packed groups are done
// in place; groups across packed columns in column order; others are
// gathered into a buffer and scattered back.
func softmaxRun[T float32 | float64](kept, red layout, x, y []T, rowFn func(x, y []T)) {
	g := red.size()
	kn, kst := kept.inner()
	_, rst := red.inner()
	packed := len(red.shape) == 1 && rst[0] == 1 && rst[1] == 1
	if !packed && g > 1 && kn >= 8 && kst[0] == 1 && kst[1] == 1 {
		softmaxCols(kept, red, x, y)
		return
	}
	parallelFor(kept.size(), 8*g, func(lo, hi int) {
		var buf []T
		if !packed {
			buf = make([]T, g)
		}
		kept.rows(lo, hi, func(off []int, cnt int) {
			bi, bo := off[0], off[1]
			for j := 0; j < cnt; j++ {
				if packed {
					rowFn(x[bi:bi+g], y[bo:bo+g])
				} else {
					i := 0
					red.rows(0, g, func(ro []int, n int) {
						p := bi + ro[0]
						for t := 0; t < n; t++ {
							buf[i] = x[p]
							i++
							p += rst[0]
						}
					})
					rowFn(buf, buf)
					i = 0
					red.rows(0, g, func(ro []int, n int) {
						p := bo + ro[1]
						for t := 0; t < n; t++ {
							y[p] = buf[i]
							i++
							p += rst[1]
						}
					})
				}
				bi += kst[0]
				bo += kst[1]
			}
		})
	})
}

// colWidth is the number of columns a tile of the column-order softmax and
// logsumexp holds, for g reduced elements over kn columns: about 4 MiB of
// float32 input, so that the three passes over a tile find it in cache,
// but at least 128 columns (rows of a tile a power of two apart fall in the
// same cache sets, so narrow tiles thrash), few enough for every core to
// get a tile, and whole vectors.
func colWidth(g, kn int) int {
	w := min(max((1<<20)/max(g, 1), 128), 4096)
	if workers := runtime.GOMAXPROCS(0); (kn+w-1)/w < workers {
		w = (kn + workers - 1) / workers
	}
	return max((w+7)&^7, 8)
}

// colTiles calls fn for the tiles of columns of work items [lo, hi) of a
// kept layout whose innermost dimension holds the columns: the column
// offsets for each operand of kept and the tile's width.
func colTiles(kept *layout, w, lo, hi int, fn func(base []int, j0, ww int)) {
	last := len(kept.shape) - 1
	kn := kept.shape[last]
	outer := layout{shape: kept.shape[:last], strides: make([][]int, len(kept.strides)), offsets: kept.offsets}
	for k := range kept.strides {
		outer.strides[k] = kept.strides[k][:last]
	}
	nt := (kn + w - 1) / w
	base := make([]int, len(kept.offsets))
	for it := lo; it < hi; it++ {
		o, t := it/nt, it%nt
		j0 := t * w
		for k := range base {
			base[k] = offsetOf(&outer, k, o) + j0
		}
		fn(base, o*kn+j0, min(w, kn-j0))
	}
}

// colItems is the number of tiles of width w of a kept layout.
func colItems(kept *layout, w int) int {
	kn := kept.shape[len(kept.shape)-1]
	return kept.size() / kn * ((kn + w - 1) / w)
}

// softmaxCols is softmax in column order, for a kept layout whose innermost
// dimension is packed in both the input and the output: for each tile of
// columns, the maxima over the reduced rows, then the exponentials and
// their sums, then the scaling.
func softmaxCols[T float32 | float64](kept, red layout, x, y []T) {
	g := red.size()
	w := colWidth(g, kept.shape[len(kept.shape)-1])
	_, rst := red.inner()
	parallelFor(colItems(&kept, w), w*g*8, func(lo, hi int) {
		m, s := make([]T, w), make([]T, w)
		colTiles(&kept, w, lo, hi, func(base []int, _, ww int) {
			mm, ss := m[:ww], s[:ww]
			for j := range mm {
				mm[j], ss[j] = T(math.Inf(-1)), 0
			}
			red.rows(0, g, func(ro []int, n int) {
				p := base[0] + ro[0]
				for i := 0; i < n; i++ {
					colMax(mm, x[p:p+ww])
					p += rst[0]
				}
			})
			red.rows(0, g, func(ro []int, n int) {
				p, q := base[0]+ro[0], base[1]+ro[1]
				for i := 0; i < n; i++ {
					colExpSub(x[p:p+ww], mm, y[q:q+ww], ss)
					p += rst[0]
					q += rst[1]
				}
			})
			for j := range ss {
				ss[j] = 1 / ss[j]
			}
			red.rows(0, g, func(ro []int, n int) {
				q := base[1] + ro[1]
				for i := 0; i < n; i++ {
					yq := y[q : q+ww]
					for j := range yq {
						yq[j] *= ss[j]
					}
					q += rst[1]
				}
			})
		})
	})
}

// lseCols is logsumexp in column order for a plan whose innermost kept
// dimension is packed, as softmaxCols computes its maxima and sums.
func lseCols[T float32 | float64](p *reducePlan, x, out []T) {
	w := colWidth(p.nRed, p.kn)
	parallelFor(colItems(&p.kept, w), w*p.nRed*8, func(lo, hi int) {
		m, s, y := make([]T, w), make([]T, w), make([]T, w)
		colTiles(&p.kept, w, lo, hi, func(base []int, first, ww int) {
			mm, ss := m[:ww], s[:ww]
			for j := range mm {
				mm[j], ss[j] = T(math.Inf(-1)), 0
			}
			p.red.rows(0, p.nRed, func(ro []int, n int) {
				q := base[0] + ro[0]
				for i := 0; i < n; i++ {
					colMax(mm, x[q:q+ww])
					q += p.rs
				}
			})
			p.red.rows(0, p.nRed, func(ro []int, n int) {
				q := base[0] + ro[0]
				for i := 0; i < n; i++ {
					colExpSub(x[q:q+ww], mm, y[:ww], ss)
					q += p.rs
				}
			})
			o := out[first : first+ww]
			for j, mj := range mm {
				if mj != mj || math.IsInf(float64(mj), 0) {
					o[j] = mj
				} else {
					o[j] = mj + T(math.Log(float64(ss[j])))
				}
			}
		})
	})
}
