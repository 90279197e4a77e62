package cpu

import (
	"fmt"
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

func errNotImplemented(op string, d core.Dtype) error {
	return fmt.Errorf("%s of dtype %d not implemented on cpu", op, d)
}

// ArgReduce implements core.ReduceKernels.
func (*backend) ArgReduce(op core.ReduceOp, axis int, in, out core.View) error {
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
	var kShape, kStrides []int
	for d, n := range in.Shape {
		if d != axis {
			kShape, kStrides = append(kShape, n), append(kStrides, in.Strides[d])
		}
	}
	kept := newLayout(kShape, []int{in.Offset}, kStrides)
	n, s := in.Shape[axis], in.Strides[axis]
	o := outSlice[uint32](out)
	isMax := op == core.ReduceArgMax
	switch in.Dtype {
	case core.Bool, core.Uint8:
		argReduce(isMax, kept, n, s, core.All[uint8](in), o)
	case core.Uint16:
		argReduce(isMax, kept, n, s, core.All[uint16](in), o)
	case core.Uint32:
		argReduce(isMax, kept, n, s, core.All[uint32](in), o)
	case core.Uint64:
		argReduce(isMax, kept, n, s, core.All[uint64](in), o)
	case core.Int8:
		argReduce(isMax, kept, n, s, core.All[int8](in), o)
	case core.Int16:
		argReduce(isMax, kept, n, s, core.All[int16](in), o)
	case core.Int32:
		argReduce(isMax, kept, n, s, core.All[int32](in), o)
	case core.Int64:
		argReduce(isMax, kept, n, s, core.All[int64](in), o)
	case core.Float32:
		argReduce(isMax, kept, n, s, core.All[float32](in), o)
	case core.Float64:
		argReduce(isMax, kept, n, s, core.All[float64](in), o)
	default:
		return errNotImplemented("argreduce", in.Dtype)
	}
	return nil
}

// better reports whether v should replace the best value b so far: it is
// strictly larger (smaller), or the first NaN.
func better[T realNum](isMax bool, v, b T) bool {
	if b != b {
		return false
	}
	if isMax {
		return v > b || v != v
	}
	return v < b || v != v
}

// argScan returns the best of the elements lo..hi-1 (hi > lo) of the run
// from x[off] by s, and its index.
func argScan[T realNum](isMax bool, x []T, off, s, lo, hi int) (T, int) {
	off += lo * s
	b, bi := x[off], lo
	for i := lo + 1; i < hi && b == b; i++ {
		off += s
		if v := x[off]; better(isMax, v, b) {
			b, bi = v, i
		}
	}
	return b, bi
}

// argReduce writes for every element of kept the index of the best of the n
// elements from it by stride s.
func argReduce[T realNum](isMax bool, kept layout, n, s int, x []T, out []uint32) {
	nOut := kept.size()
	kn, kst := kept.inner()
	ks := kst[0]
	if kn >= 8 && abs(ks) < abs(s) {
		// Column order: a tile of outputs compares row after row.
		last := len(kept.shape) - 1
		outer := layout{shape: kept.shape[:last], strides: [][]int{kept.strides[0][:last]}, offsets: kept.offsets}
		nt := (kn + colTile - 1) / colTile
		parallelFor(nOut/kn*nt, colTile*n, func(lo, hi int) {
			best := make([]T, colTile)
			for it := lo; it < hi; it++ {
				o, t := it/nt, it%nt
				j0 := t * colTile
				w := min(colTile, kn-j0)
				base := offsetOf(&outer, 0, o) + j0*ks
				idx := out[o*kn+j0 : o*kn+j0+w]
				bw := best[:w]
				for j := range bw {
					bw[j], idx[j] = x[base+j*ks], 0
				}
				for i := 1; i < n; i++ {
					p := base + i*s
					for j := range bw {
						if v := x[p]; better(isMax, v, bw[j]) {
							bw[j], idx[j] = v, uint32(i)
						}
						p += ks
					}
				}
			}
		})
		return
	}
	parts := splitParts(nOut, n)
	if parts == 1 {
		parallelFor(nOut, n, func(lo, hi int) {
			i := lo
			kept.rows(lo, hi, func(off []int, cnt int) {
				b := off[0]
				for j := 0; j < cnt; j++ {
					_, bi := argScan(isMax, x, b, s, 0, n)
					out[i] = uint32(bi)
					i++
					b += ks
				}
			})
		})
		return
	}
	vals, idxs := make([]T, nOut*parts), make([]int, nOut*parts)
	parallelFor(nOut*parts, n/parts, func(lo, hi int) {
		for it := lo; it < hi; it++ {
			o, k := it/parts, it%parts
			vals[it], idxs[it] = argScan(isMax, x, offsetOf(&kept, 0, o), s, n*k/parts, n*(k+1)/parts)
		}
	})
	for o := 0; o < nOut; o++ {
		b, bi := vals[o*parts], idxs[o*parts]
		for k := 1; k < parts; k++ {
			if v := vals[o*parts+k]; better(isMax, v, b) {
				b, bi = v, idxs[o*parts+k]
			}
		}
		out[o] = uint32(bi)
	}
}

func reduceMedian(p *reducePlan, in, out core.View) bool {
	switch out.Dtype {
	case core.Float32:
		return medianFrom(p, in, outSlice[float32](out))
	case core.Float64:
		return medianFrom(p, in, outSlice[float64](out))
	}
	return false
}

func medianFrom[R float32 | float64](p *reducePlan, in core.View, out []R) bool {
	switch in.Dtype {
	case core.Bool, core.Uint8:
		medianRun(p, core.All[uint8](in), out)
	case core.Uint16:
		medianRun(p, core.All[uint16](in), out)
	case core.Uint32:
		medianRun(p, core.All[uint32](in), out)
	case core.Uint64:
		medianRun(p, core.All[uint64](in), out)
	case core.Int8:
		medianRun(p, core.All[int8](in), out)
	case core.Int16:
		medianRun(p, core.All[int16](in), out)
	case core.Int32:
		medianRun(p, core.All[int32](in), out)
	case core.Int64:
		medianRun(p, core.All[int64](in), out)
	case core.Float32:
		medianRun(p, core.All[float32](in), out)
	case core.Float64:
		medianRun(p, core.All[float64](in), out)
	default:
		return false
	}
	return true
}

// medianRun gathers the reduced elements of each output into a float64
// buffer (exact for every input type but the largest 64-bit integers) and
// selects the middle.
func medianRun[T realNum, R float32 | float64](p *reducePlan, x []T, out []R) {
	if p.nOut == 0 {
		return
	}
	parallelFor(p.nOut, 4*p.nRed, func(lo, hi int) {
		buf := make([]float64, p.nRed)
		i := lo
		p.kept.rows(lo, hi, func(off []int, cnt int) {
			b := off[0]
			for j := 0; j < cnt; j++ {
				k := 0
				p.red.rows(0, p.nRed, func(ro []int, n int) {
					q := b + ro[0]
					for t := 0; t < n; t++ {
						buf[k] = float64(x[q])
						k++
						q += p.rs
					}
				})
				out[i] = R(median(buf))
				i++
				b += p.ks
			}
		})
	})
}

// median returns the median of v (NaN if v is empty or holds a NaN),
// reordering v.
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	for _, x := range v {
		if x != x {
			return x
		}
	}
	k := len(v) / 2
	selectK(v, k)
	hi := v[k]
	if len(v)%2 == 1 {
		return hi
	}
	lo := slices.Max(v[:k])
	m := (lo + hi) / 2
	if math.IsInf(m, 0) && !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
		m = lo/2 + hi/2
	}
	return m
}

// selectK reorders v (free of NaN) so that v[k] is the element a sort would
// put there, with no larger element before it and no smaller one after.
func selectK(v []float64, k int) {
	lo, hi := 0, len(v)-1
	for iter := 0; lo < hi; iter++ {
		if iter > 64 { // a pathological input: sort what is left
			slices.Sort(v[lo : hi+1])
			return
		}
		a, b, c := v[lo], v[lo+(hi-lo)/2], v[hi]
		pivot := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}
