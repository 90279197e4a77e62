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
	// Scratch that grows with the inner dimension: the vector of a
	// half-precision matrix-vector product and a row of its matrix, in
	// float32; the complex product's copies of A and B, as float32 pairs.
	m, n, k := out.Shape[nd-2], out.Shape[nd-1], a.Shape[nd-1]
	switch out.Dtype {
	case core.Float16, core.Bfloat16:
		if err := checkScratch(k, 8); err != nil {
			return err
		}
	case core.Complex64:
		if err := checkScratch(k, 16*n+8*m); err != nil {
			return err
		}
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
		if nd := len(out.Shape); out.Shape[nd-2]*out.Shape[nd-1]*a.Shape[nd-1] < complexGemmMin {
			naiveMatmul(a, b, out, core.All[complex64](a), core.All[complex64](b), core.All[complex64](out),
				complex(float32(alpha), 0), complex(float32(beta), 0))
			return nil
		}
		matmulComplex(a, b, out, float32(alpha), float32(beta))
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

// complexGemmMin is the size (multiply-adds of one matrix) from which a
// complex64 product runs as a real GEMM.
const complexGemmMin = 1 << 15

// matmulComplex computes a complex64 product as a real float32 GEMM twice
// as wide and deep. With A' the m×2k real matrix holding each element of A
// as its real and imaginary parts side by side (A's own memory when its
// rows are contiguous), and B' the 2k×2n matrix holding each element
// br+bi·i of B as the block [br bi; -bi br], A'·B' is C with its real and
// imaginary parts side by side: out's own memory.
func matmulComplex(a, b, out core.View, alpha, beta float32) {
	nd := len(out.Shape)
	m, n, k := out.Shape[nd-2], out.Shape[nd-1], a.Shape[nd-1]
	batch := out.Shape[:nd-2]
	aOffs := batchOffsets(batch, a.Strides[:nd-2], a.Offset)
	bOffs := batchOffsets(batch, b.Strides[:nd-2], b.Offset)
	ad, bd := core.All[complex64](a), core.All[complex64](b)
	af, cf := core.All[float32](a), core.All[float32](out)[2*out.Offset:]
	ars, acs, brs, bcs := a.Strides[nd-2], a.Strides[nd-1], b.Strides[nd-2], b.Strides[nd-1]
	bp := getGemmBuf[float32](4 * k * n)
	defer putGemmBuf(bp)
	var ap []float32 // A' when A's rows are not contiguous
	if acs != 1 && k > 1 {
		ap = getGemmBuf[float32](2 * m * k)
		defer putGemmBuf(ap)
	}
	for t := range aOffs {
		am := matrix[float32]{data: af, off: 2 * aOffs[t], rs: 2 * ars, cs: 1}
		if ap != nil {
			parallelFor(m, 2*k, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					for p := 0; p < k; p++ {
						v := ad[aOffs[t]+i*ars+p*acs]
						ap[2*(i*k+p)], ap[2*(i*k+p)+1] = real(v), imag(v)
					}
				}
			})
			am = matrix[float32]{data: ap, rs: 2 * k, cs: 1}
		}
		parallelFor(k, 4*n, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				r0, r1 := bp[2*p*2*n:(2*p+1)*2*n], bp[(2*p+1)*2*n:(2*p+2)*2*n]
				for j := 0; j < n; j++ {
					v := bd[bOffs[t]+p*brs+j*bcs]
					r0[2*j], r0[2*j+1] = real(v), imag(v)
					r1[2*j], r1[2*j+1] = -imag(v), real(v)
				}
			}
		})
		job := &gemmJob[float32, float32]{
			cfg: &sgemm, m: m, n: 2 * n, k: 2 * k, alpha: alpha, beta: beta,
			a: matrix[float32]{data: am.data, rs: am.rs, cs: 1}, b: matrix[float32]{data: bp, rs: 2 * n, cs: 1},
			aOffs: []int{am.off}, bOffs: []int{0}, c: cf[2*t*m*n:],
		}
		job.run()
	}
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
