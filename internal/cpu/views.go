package cpu

import (
	"fmt"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// ScatterAdd implements core.ViewKernels.
func (*backend) ScatterAdd(srcs []core.View, strides [][]int, offsets []int, out core.View) error {
	size := out.Dtype.Size()
	all := core.All[byte](out)
	clear(all[out.Offset*size : (out.Offset+out.Size())*size])
	for i, src := range srcs {
		if src.Dtype != out.Dtype {
			return fmt.Errorf("scatter add of element type %d into %d", src.Dtype, out.Dtype)
		}
		if err := scatterAdd(src, strides[i], out.Offset+offsets[i], out); err != nil {
			return err
		}
	}
	return nil
}

// scatterAdd adds src into out at offset + Σ index·strides.
func scatterAdd(src core.View, strides []int, offset int, out core.View) error {
	if src.Size() == 0 {
		return nil
	}
	l := newLayout(src.Shape, []int{src.Offset, offset}, src.Strides, strides)
	// Targets that no two elements share can be written in parallel;
	// otherwise the sums run on one goroutine.
	each := l.forEach
	if overlaps(src.Shape, strides) {
		each = func(_ int, fn func(off []int, n int)) { l.rows(0, l.size(), fn) }
	}
	switch src.Dtype {
	case core.Bool:
		addLoop(each, core.All[bool](src), core.All[bool](out), l, func(a, b bool) bool { return a || b })
	case core.Uint8:
		addLoop(each, core.All[uint8](src), core.All[uint8](out), l, plus)
	case core.Uint16:
		addLoop(each, core.All[uint16](src), core.All[uint16](out), l, plus)
	case core.Uint32:
		addLoop(each, core.All[uint32](src), core.All[uint32](out), l, plus)
	case core.Uint64:
		addLoop(each, core.All[uint64](src), core.All[uint64](out), l, plus)
	case core.Int8:
		addLoop(each, core.All[int8](src), core.All[int8](out), l, plus)
	case core.Int16:
		addLoop(each, core.All[int16](src), core.All[int16](out), l, plus)
	case core.Int32:
		addLoop(each, core.All[int32](src), core.All[int32](out), l, plus)
	case core.Int64:
		addLoop(each, core.All[int64](src), core.All[int64](out), l, plus)
	case core.Float16:
		addLoop(each, core.All[core.F16](src), core.All[core.F16](out), l, func(a, b core.F16) core.F16 {
			return core.F16FromFloat32(a.Float32() + b.Float32())
		})
	case core.Bfloat16:
		addLoop(each, core.All[core.BF16](src), core.All[core.BF16](out), l, func(a, b core.BF16) core.BF16 {
			return core.BF16FromFloat32(a.Float32() + b.Float32())
		})
	case core.Float32:
		addLoop(each, core.All[float32](src), core.All[float32](out), l, plus)
	case core.Float64:
		addLoop(each, core.All[float64](src), core.All[float64](out), l, plus)
	case core.Complex64:
		addLoop(each, core.All[complex64](src), core.All[complex64](out), l, plus)
	default:
		return fmt.Errorf("scatter add is not implemented for element type %d on cpu", src.Dtype)
	}
	return nil
}

func plus[T realNum | ~complex64](a, b T) T { return a + b }

// addLoop adds src into dst over layout l (src is operand 0, dst operand
// 1), running the rows with each.
func addLoop[T any](each func(int, func([]int, int)), src, dst []T, l layout, add func(T, T) T) {
	_, st := l.inner()
	si, so := st[0], st[1]
	each(1, func(off []int, n int) {
		a, b := off[0], off[1]
		for i := 0; i < n; i++ {
			dst[b] = add(dst[b], src[a])
			a += si
			b += so
		}
	})
}

// overlaps reports whether two different indices of shape may reach the
// same position through strides. It is false only when a sufficient
// condition for their absence holds: ordered by the size of their strides,
// the dimensions of more than one element each step over the whole extent
// of the ones before.
func overlaps(shape, strides []int) bool {
	type dim struct{ n, st int }
	var dims []dim
	for i, n := range shape {
		if n > 1 {
			dims = append(dims, dim{n, max(strides[i], -strides[i])})
		}
	}
	slices.SortFunc(dims, func(a, b dim) int { return a.st - b.st })
	extent := 0 // the largest distance between positions of the dimensions so far
	for _, d := range dims {
		if d.st <= extent {
			return true
		}
		extent += (d.n - 1) * d.st
	}
	return false
}
