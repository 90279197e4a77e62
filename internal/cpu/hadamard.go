package cpu

import (
	"fmt"
	"math/bits"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Hadamard implements core.HadamardKernels: the fast Walsh-Hadamard
// transform of each row, log2(n) passes of butterflies, rows split over the
// cores. float16 and bfloat16 rows are computed in float32.
func (be *backend) Hadamard(in, out core.View, scale float64) error {
	if out.Size() == 0 {
		return nil
	}
	n := out.Shape[len(out.Shape)-1]
	if n&(n-1) != 0 || !in.IsContiguous() || !out.IsContiguous() {
		return fmt.Errorf("hadamard: rows of %d elements, or operands not row-major", n)
	}
	rows := out.Size() / n
	cost := n * max(bits.Len(uint(n)), 1)
	switch out.Dtype {
	case core.Float32:
		hadamardRows(core.Data[float32](in)[:rows*n], core.Data[float32](out)[:rows*n], n, cost, float32(scale))
	case core.Float64:
		hadamardRows(core.Data[float64](in)[:rows*n], core.Data[float64](out)[:rows*n], n, cost, scale)
	case core.Float16:
		hadamardHalf(core.Data[core.F16](in)[:rows*n], core.Data[core.F16](out)[:rows*n], n, cost, float32(scale), f16Table(), core.F16FromFloat32)
	case core.Bfloat16:
		hadamardHalf(core.Data[core.BF16](in)[:rows*n], core.Data[core.BF16](out)[:rows*n], n, cost, float32(scale), bf16Table(), core.BF16FromFloat32)
	default:
		return fmt.Errorf("hadamard: dtype %d not implemented on cpu", out.Dtype)
	}
	return nil
}

func hadamardRows[T gemmFloat](src, dst []T, n, cost int, scale T) {
	parallelFor(len(src)/n, cost, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := dst[r*n : (r+1)*n]
			copy(row, src[r*n:(r+1)*n])
			fwht(row, scale)
		}
	})
}

func hadamardHalf[H ~uint16](src, dst []H, n, cost int, scale float32, tab *[1 << 16]float32, round func(float32) H) {
	parallelFor(len(src)/n, cost, func(lo, hi int) {
		row := make([]float32, n)
		for r := lo; r < hi; r++ {
			for i, v := range src[r*n : (r+1)*n] {
				row[i] = tab[v]
			}
			fwht(row, scale)
			d := dst[r*n : (r+1)*n]
			for i, v := range row {
				d[i] = round(v)
			}
		}
	})
}

// fwht transforms x (a power of two long) in place and scales it.
func fwht[T gemmFloat](x []T, scale T) {
	n := len(x)
	for h := 1; h < n; h *= 2 {
		for i := 0; i < n; i += 2 * h {
			a, b := x[i:i+h], x[i+h:i+2*h]
			for j := range a {
				u, v := a[j], b[j]
				a[j], b[j] = u+v, u-v
			}
		}
	}
	if scale != 1 {
		for i := range x {
			x[i] *= scale
		}
	}
}
