package cpu

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Select implements core.TernaryKernels. It moves elements by their size,
// whatever their type.
func (*backend) Select(cond, a, b, out core.View) error {
	l := newLayout(out.Shape, []int{cond.Offset, a.Offset, b.Offset, out.Offset},
		cond.Strides, a.Strides, b.Strides, out.Strides)
	switch out.Dtype.Size() {
	case 1:
		selectLoop[uint8](l, cond, a, b, out)
	case 2:
		selectLoop[uint16](l, cond, a, b, out)
	case 4:
		selectLoop[uint32](l, cond, a, b, out)
	case 8:
		selectLoop[uint64](l, cond, a, b, out)
	default:
		return fmt.Errorf("Select is not implemented for element type %d on cpu", out.Dtype)
	}
	return nil
}

func selectLoop[T any](l layout, cond, a, b, out core.View) {
	cd, xd, yd, zd := core.All[bool](cond), core.All[T](a), core.All[T](b), core.All[T](out)
	_, st := l.inner()
	parallelFor(l.size(), costCheap, func(lo, hi int) {
		var c source[bool, bool]
		var x, y source[T, T]
		var z sink[T, T]
		c.init(cd, st[0])
		x.init(xd, st[1])
		y.init(yd, st[2])
		z.init(zd, st[3])
		l.rows(lo, hi, func(off []int, n int) {
			for s := 0; s < n; s += blockLen {
				m := min(blockLen, n-s)
				zo := off[3] + s*st[3]
				zs := z.target(zo, m)
				cs, xs, ys := c.block(off[0]+s*st[0], m), x.block(off[1]+s*st[1], m), y.block(off[2]+s*st[2], m)
				cs, xs, ys = cs[:len(zs)], xs[:len(zs)], ys[:len(zs)]
				for i := range zs {
					if cs[i] {
						zs[i] = xs[i]
					} else {
						zs[i] = ys[i]
					}
				}
				z.commit(zo, m)
			}
		})
	})
}
