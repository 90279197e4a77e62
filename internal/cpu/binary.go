package cpu

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Binary implements core.BinaryKernels.
func (*backend) Binary(op core.BinaryOp, a, b, out core.View) error {
	l := newLayout(out.Shape, []int{a.Offset, b.Offset, out.Offset}, a.Strides, b.Strides, out.Strides)
	switch op {
	case core.Add:
		switch a.Dtype {
		case core.Float32:
			binaryLoop(l, a, b, out, func(x, y float32) float32 { return x + y })
			return nil
		case core.Float64:
			binaryLoop(l, a, b, out, func(x, y float64) float64 { return x + y })
			return nil
		case core.Int32:
			binaryLoop(l, a, b, out, func(x, y int32) int32 { return x + y })
			return nil
		}
	}
	return fmt.Errorf("binary op %d not implemented for %d on cpu", op, a.Dtype)
}

// binaryLoop applies f elementwise over layout l.
func binaryLoop[T, R any](l layout, a, b, out core.View, f func(x, y T) R) {
	x, y, z := core.All[T](a), core.All[T](b), core.All[R](out)
	_, st := l.inner()
	sx, sy, sz := st[0], st[1], st[2]
	l.forEach(1, func(off []int, n int) {
		i, j, k := off[0], off[1], off[2]
		switch {
		case sx == 1 && sy == 1 && sz == 1:
			xs, ys, zs := x[i:i+n], y[j:j+n], z[k:k+n]
			for t := range zs {
				zs[t] = f(xs[t], ys[t])
			}
		case sx == 0 && sy == 1 && sz == 1:
			xv, ys, zs := x[i], y[j:j+n], z[k:k+n]
			for t := range zs {
				zs[t] = f(xv, ys[t])
			}
		case sx == 1 && sy == 0 && sz == 1:
			xs, yv, zs := x[i:i+n], y[j], z[k:k+n]
			for t := range zs {
				zs[t] = f(xs[t], yv)
			}
		default:
			for t := 0; t < n; t++ {
				z[k] = f(x[i], y[j])
				i += sx
				j += sy
				k += sz
			}
		}
	})
}
