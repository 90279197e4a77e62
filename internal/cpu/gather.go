package cpu

import (
	"fmt"
	"sync"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Gather implements core.GatherKernels. It works in two passes: the
// element offset in src of each block's corner, from the index views
// (checking each value), then the copies of the blocks, split over the
// cores by index position. A block is copied as runs of its innermost
// merged dimension, with copy() where src is packed along it.
func (*backend) Gather(src core.View, idx []core.View, axes []int, sliceSizes []int, out core.View) error {
	nd := len(src.Shape)
	idxShape := out.Shape[:len(out.Shape)-nd]
	nIdx, sliceN := shapeProd(idxShape), shapeProd(sliceSizes)
	if nIdx == 0 || sliceN == 0 {
		return nil
	}
	bases, err := indexOffsets(idx, idxShape, axes, src.Shape, src.Strides, src.Offset, sliceSizes)
	if err != nil {
		return err
	}
	runs, n, si := blockRuns(sliceSizes, src.Strides)
	switch src.Dtype.Size() {
	case 1:
		gatherBlocks(core.All[uint8](src), core.All[uint8](out), out.Offset, bases, runs, n, si)
	case 2:
		gatherBlocks(core.All[uint16](src), core.All[uint16](out), out.Offset, bases, runs, n, si)
	case 4:
		gatherBlocks(core.All[uint32](src), core.All[uint32](out), out.Offset, bases, runs, n, si)
	case 8:
		gatherBlocks(core.All[uint64](src), core.All[uint64](out), out.Offset, bases, runs, n, si)
	default:
		return fmt.Errorf("gather of element type %d is not implemented on cpu", src.Dtype)
	}
	return nil
}

// gatherBlocks copies, for each base, the runs of a block starting there
// into consecutive places of dst from off on.
func gatherBlocks[T any](src, dst []T, off int, bases, runs []int, n, si int) {
	block := len(runs) * n
	parallelFor(len(bases), block, func(lo, hi int) {
		o := off + lo*block
		for _, b := range bases[lo:hi] {
			for _, r := range runs {
				s := b + r
				if si == 1 {
					copy(dst[o:o+n], src[s:s+n])
				} else {
					d := dst[o : o+n]
					for i := range d {
						d[i] = src[s]
						s += si
					}
				}
				o += n
			}
		}
	})
}

// blockRuns splits a block of shape (one entry per dimension of the
// array, with its strides) into runs along its innermost merged dimension:
// it returns the offset of each run's first element relative to the
// block's corner, in row-major order, the run length and the stride along
// a run.
func blockRuns(shape, strides []int) (runs []int, n, stride int) {
	l := newLayout(shape, []int{0}, strides)
	n, st := l.inner()
	stride = st[0]
	runs = make([]int, 0, l.size()/n)
	l.rows(0, l.size(), func(off []int, _ int) { runs = append(runs, off[0]) })
	return runs, n, stride
}

func shapeProd(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// indexOffsets returns, for each position of idxShape in row-major order,
// base + Σ_k idx[k][p]·strides[axes[k]], with the index values checked
// against shape[axes[k]] and negative ones wrapped; a block of block[ax]
// elements from each must fit within the axis.
func indexOffsets(idx []core.View, idxShape, axes, shape, strides []int, base int, block []int) ([]int, error) {
	n := shapeProd(idxShape)
	offs := make([]int, n)
	for i := range offs {
		offs[i] = base
	}
	rowMajor := core.RowMajorStrides(idxShape)
	for k, v := range idx {
		ax := axes[k]
		l := newLayout(idxShape, []int{v.Offset, 0}, v.Strides, rowMajor)
		ie := &indexErr{axis: ax, size: shape[ax], block: block[ax]}
		switch v.Dtype {
		case core.Int8:
			addIndices(l, core.All[int8](v), offs, strides[ax], ie)
		case core.Int16:
			addIndices(l, core.All[int16](v), offs, strides[ax], ie)
		case core.Int32:
			addIndices(l, core.All[int32](v), offs, strides[ax], ie)
		case core.Int64:
			addIndices(l, core.All[int64](v), offs, strides[ax], ie)
		case core.Uint8:
			addIndices(l, core.All[uint8](v), offs, strides[ax], ie)
		case core.Uint16:
			addIndices(l, core.All[uint16](v), offs, strides[ax], ie)
		case core.Uint32:
			addIndices(l, core.All[uint32](v), offs, strides[ax], ie)
		case core.Uint64:
			addIndices(l, core.All[uint64](v), offs, strides[ax], ie)
		default:
			return nil, fmt.Errorf("indices of element type %d are not integers", v.Dtype)
		}
		if ie.err != nil {
			return nil, ie.err
		}
	}
	return offs, nil
}

type indexInt interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// indexErr collects the first bad index value that the goroutines of
// addIndices meet.
type indexErr struct {
	axis, size, block int
	mu                sync.Mutex
	err               *core.IndexError
}

func (e *indexErr) report(v any) {
	e.mu.Lock()
	if e.err == nil {
		e.err = &core.IndexError{Index: fmt.Sprint(v), Axis: e.axis, Size: e.size, Block: e.block}
	}
	e.mu.Unlock()
}

// addIndices adds vals (operand 0 of l) times stride into offs (operand 1).
func addIndices[T indexInt](l layout, vals []T, offs []int, stride int, ie *indexErr) {
	var zero T
	unsigned := ^zero > 0
	size := ie.size
	top := size - ie.block // the largest corner whose block fits
	_, st := l.inner()
	sv, so := st[0], st[1]
	l.forEach(2, func(off []int, n int) {
		a, b := off[0], off[1]
		for range n {
			v := vals[a]
			i := int(v)
			if unsigned && uint64(v) > uint64(top) || !unsigned && (i >= size || i < -size) {
				ie.report(v)
				return
			}
			if i < 0 {
				i += size
			}
			if i > top {
				ie.report(v)
				return
			}
			offs[b] += i * stride
			a += sv
			b += so
		}
	})
}

// MaskCount implements core.GatherKernels.
func (*backend) MaskCount(mask core.View, inner int, out core.View) error {
	n := mask.Size()
	if n == 0 {
		return nil
	}
	m := make([]bool, n)
	l := newLayout(mask.Shape, []int{mask.Offset, 0}, mask.Strides, core.RowMajorStrides(mask.Shape))
	copyLoop(l, core.All[bool](mask), m)
	dst := core.All[int32](out)[out.Offset : out.Offset+n]
	rows := n / inner
	parallelFor(rows, inner, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			c := int32(0)
			for i := r * inner; i < (r+1)*inner; i++ {
				dst[i] = c
				if m[i] {
					c++
				}
			}
		}
	})
	return nil
}
