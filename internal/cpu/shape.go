package cpu

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Triangle implements core.ShapeKernels. It moves bits, so one loop per
// element size serves every element type.
func (*backend) Triangle(in, out core.View, k int, upper bool) error {
	if len(out.Shape) < 2 {
		return fmt.Errorf("triangle of a %d-d array", len(out.Shape))
	}
	switch out.Dtype.Size() {
	case 1:
		triangle(core.All[uint8](in), core.All[uint8](out), in, out, k, upper)
	case 2:
		triangle(core.All[uint16](in), core.All[uint16](out), in, out, k, upper)
	case 4:
		triangle(core.All[uint32](in), core.All[uint32](out), in, out, k, upper)
	case 8:
		triangle(core.All[uint64](in), core.All[uint64](out), in, out, k, upper)
	default:
		return fmt.Errorf("triangle of elements of %d bytes", out.Dtype.Size())
	}
	return nil
}

// triangle copies each row of each matrix, the kept columns from src and
// zeros elsewhere; the rows are split over the cores.
func triangle[T any](src, dst []T, in, out core.View, k int, upper bool) {
	nd := len(out.Shape)
	nr, nc := out.Shape[nd-2], out.Shape[nd-1]
	if out.Size() == 0 {
		return
	}
	k = max(min(k, nc+1), -nr-1) // past these every row is all kept or all zero
	rows := out.Size() / nc
	sc := in.Strides[nd-1]
	parallelFor(rows, nc, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			off, rem := in.Offset, r
			for d := nd - 2; d >= 0; d-- {
				off += rem % in.Shape[d] * in.Strides[d]
				rem /= in.Shape[d]
			}
			i := r % nr
			a, b := 0, max(min(i+k+1, nc), 0) // kept columns [a, b)
			if upper {
				a, b = max(min(i+k, nc), 0), nc
			}
			o := out.Offset + r*nc
			row := dst[o : o+nc]
			clear(row[:a])
			clear(row[b:])
			if sc == 1 {
				copy(row[a:b], src[off+a:off+b])
				continue
			}
			for j := a; j < b; j++ {
				row[j] = src[off+j*sc]
			}
		}
	})
}
