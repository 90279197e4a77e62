package cpu

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Matmul implements core.MatmulKernels. float32 and float64 run the blocked
// GEMM; float16 and bfloat16 run it in float32 (packing converts them) into
// a float32 result that is rounded once at the end; integers and complex64
// use a plain row-by-row kernel.
func (be *backend) Matmul(a, b, out core.View, c *core.View, alpha, beta float64) error {
	nd := len(out.Shape)
	if nd < 2 || len(a.Shape) != nd || len(b.Shape) != nd {
		return fmt.Errorf("matmul: operands of %d, %d and %d dimensions", len(a.Shape), len(b.Shape), nd)
	}
	if out.Size() == 0 {
		return nil
	}
	if c == nil || beta == 0 {
		beta = 0
	} else if err := be.Copy(*c, out); err != nil {
		return err
	}
	switch out.Dtype {
	case core.Float32:
		newGemmJob(&sgemm, a, b, out, core.All[float32](a), core.All[float32](b), core.All[float32](out)[out.Offset:], float32(alpha), float32(beta)).run()
	case core.Float64:
		newGemmJob(&dgemm, a, b, out, core.All[float64](a), core.All[float64](b), core.All[float64](out)[out.Offset:], alpha, beta).run()
	case core.Float16, core.Bfloat16:
		return be.matmulHalf(a, b, out, alpha, beta)
	case core.Uint8:
		naiveMatmul(a, b, out, core.All[uint8](a), core.All[uint8](b), core.All[uint8](out), uint8(alpha), uint8(beta))
	case core.Uint16:
		naiveMatmul(a, b, out, core.All[uint16](a), core.All[uint16](b), core.All[uint16](out), uint16(alpha), uint16(beta))
	case core.Uint32:
		naiveMatmul(a, b, out, core.All[uint32](a), core.All[uint32](b), core.All[uint32](out), uint32(alpha), uint32(beta))
	case core.Uint64:
		naiveMatmul(a, b, out, core.All[uint64](a), core.All[uint64](b), core.All[uint64](out), uint64(alpha), uint64(beta))
	case core.Int8:
		naiveMatmul(a, b, out, core.All[int8](a), core.All[int8](b), core.All[int8](out), int8(alpha), int8(beta))
	case core.Int16:
		naiveMatmul(a, b, out, core.All[int16](a), core.All[int16](b), core.All[int16](out), int16(alpha), int16(beta))
	case core.Int32:
		naiveMatmul(a, b, out, core.All[int32](a), core.All[int32](b), core.All[int32](out), int32(alpha), int32(beta))
	case core.Int64:
		naiveMatmul(a, b, out, core.All[int64](a), core.All[int64](b), core.All[int64](out), int64(alpha), int64(beta))
	case core.Complex64:
		naiveMatmul(a, b, out, core.All[complex64](a), core.All[complex64](b), core.All[complex64](out),
			complex(float32(alpha), 0), complex(float32(beta), 0))
	default:
		return fmt.Errorf("matmul: dtype %d not implemented on cpu", out.Dtype)
	}
	return nil
}

// matmulHalf computes a float16 or bfloat16 product in float32: into a
// float32 copy of out (holding c when beta is not zero), then rounded into out.
func (be *backend) matmulHalf(a, b, out core.View, alpha, beta float64) error {
	buf, err := core.Host.Alloc(out.Size() * 4)
	if err != nil {
		return err
	}
	defer buf.Release()
	tmp := core.View{Buf: buf, Dtype: core.Float32, Shape: out.Shape, Strides: core.RowMajorStrides(out.Shape)}
	if beta != 0 {
		if err := be.Copy(out, tmp); err != nil {
			return err
		}
	}
	c := core.All[float32](tmp)[:out.Size()]
	if out.Dtype == core.Float16 {
		newGemmJob(&sgemm, a, b, out, core.All[core.F16](a), core.All[core.F16](b), c, float32(alpha), float32(beta)).run()
		roundHalf(c, core.All[core.F16](out)[out.Offset:], core.F16FromFloat32)
	} else {
		newGemmJob(&sgemm, a, b, out, core.All[core.BF16](a), core.All[core.BF16](b), c, float32(alpha), float32(beta)).run()
		roundHalf(c, core.All[core.BF16](out)[out.Offset:], core.BF16FromFloat32)
	}
	return nil
}

// roundHalf rounds src into dst (at least as long), split over the cores.
func roundHalf[H any](src []float32, dst []H, round func(float32) H) {
	parallelFor(len(src), 4, func(lo, hi int) {
		d := dst[lo:hi]
		for i, v := range src[lo:hi] {
			d[i] = round(v)
		}
	})
}

// newGemmJob describes the product of the stacks a and b into c, the
// row-major data of out (from its first element). When b is the same
// matrix for every batch and a's batch dimensions fold into its rows (a
// stack of matrices stored one after another), the stack is one tall GEMM.
func newGemmJob[S any, T gemmFloat](cfg *gemmConfig[T], a, b, out core.View, ad, bd []S, c []T, alpha, beta T) *gemmJob[S, T] {
	nd := len(out.Shape)
	m, n, k := out.Shape[nd-2], out.Shape[nd-1], a.Shape[nd-1]
	j := &gemmJob[S, T]{
		cfg: cfg, m: m, n: n, k: k, alpha: alpha, beta: beta, c: c,
		a: matrix[S]{data: ad, rs: a.Strides[nd-2], cs: a.Strides[nd-1]},
		b: matrix[S]{data: bd, rs: b.Strides[nd-2], cs: b.Strides[nd-1]},
	}
	batch := out.Shape[:nd-2]
	if rows, rs, ok := foldRows(a.Shape[:nd-1], a.Strides[:nd-1]); ok && isBroadcast(batch, b.Strides[:nd-2]) {
		j.m, j.a.rs = rows, rs
		j.aOffs, j.bOffs = []int{a.Offset}, []int{b.Offset}
		return j
	}
	j.aOffs = batchOffsets(batch, a.Strides[:nd-2], a.Offset)
	j.bOffs = batchOffsets(batch, b.Strides[:nd-2], b.Offset)
	return j
}

// foldRows reports whether the dimensions shape (with strides) can be read
// as one dimension, and if so its size and stride.
func foldRows(shape, strides []int) (size, stride int, ok bool) {
	size, last := 1, -1
	for d := range shape {
		if shape[d] == 1 {
			continue
		}
		if last >= 0 && strides[last] != shape[d]*strides[d] {
			return 0, 0, false
		}
		size *= shape[d]
		last = d
	}
	if last >= 0 {
		stride = strides[last]
	}
	return size, stride, true
}

// isBroadcast reports whether every dimension of shape has stride zero or size one.
func isBroadcast(shape, strides []int) bool {
	for d := range shape {
		if shape[d] != 1 && strides[d] != 0 {
			return false
		}
	}
	return true
}

// batchOffsets returns the element offset of each matrix of a stack with
// batch dimensions shape (and strides), in row-major order of the batch index.
func batchOffsets(shape, strides []int, base int) []int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	offs := make([]int, n)
	idx := make([]int, len(shape))
	off := base
	for t := range offs {
		offs[t] = off
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			off += strides[d]
			if idx[d] < shape[d] {
				break
			}
			off -= shape[d] * strides[d]
			idx[d] = 0
		}
	}
	return offs
}

// naiveNum is an element type of the plain matrix-product kernel.
type naiveNum interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64 | ~int8 | ~int16 | ~int32 | ~int64 | ~complex64
}

// naiveMatmul computes out = alpha*(a @ b) + beta*out row by row (beta zero:
// out is not read), the rows of all matrices split over the cores. Integers
// wrap around on overflow as Go's arithmetic does.
func naiveMatmul[T naiveNum](a, b, out core.View, ad, bd, cd []T, alpha, beta T) {
	nd := len(out.Shape)
	m, n, k := out.Shape[nd-2], out.Shape[nd-1], a.Shape[nd-1]
	batch := out.Shape[:nd-2]
	aOffs := batchOffsets(batch, a.Strides[:nd-2], a.Offset)
	bOffs := batchOffsets(batch, b.Strides[:nd-2], b.Offset)
	ars, acs := a.Strides[nd-2], a.Strides[nd-1]
	brs, bcs := b.Strides[nd-2], b.Strides[nd-1]
	parallelFor(len(aOffs)*m, n*k+n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			t, i := r/m, r%m
			row := cd[out.Offset+r*n : out.Offset+(r+1)*n]
			var zero T
			if beta == zero {
				clear(row)
			} else {
				for j := range row {
					row[j] *= beta
				}
			}
			ao := aOffs[t] + i*ars
			for p := 0; p < k; p++ {
				s := alpha * ad[ao+p*acs]
				bo := bOffs[t] + p*brs
				if bcs == 1 {
					for j, v := range bd[bo : bo+n] {
						row[j] += s * v
					}
					continue
				}
				for j := range row {
					row[j] += s * bd[bo+j*bcs]
				}
			}
		}
	})
}
