package cuda

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// These tests check the host side of the convolutions without a GPU: the
// patch matrix's layout (hostIm2col follows conv_im2col of
// kernels/conv.cuh) and the cuBLASLt product descriptors, run by a plain
// column-major product, against the CPU backend.

// hostIm2col is conv_im2col on the host, one channel per step.
func hostIm2col(g convGeomDev, in []float64, inOff int, cols []float64) {
	cgv, kpos, groups := g.cg, g.kpos, g.groups
	total := g.rows * groups * kpos * cgv
	for i := int64(0); i < total; i++ {
		t := i
		civ := t % cgv
		t /= cgv
		kp := t % kpos
		t /= kpos
		grp := t % groups
		r := t/groups + g.row0
		off := int64(0)
		ok := true
		for j := int(g.nd) - 1; j >= 0; j-- {
			ks, os := g.kSp[j], g.outSp[j]
			k := kp % ks
			kp /= ks
			o := r % os
			r /= os
			if g.flip != 0 {
				k = ks - 1 - k
			}
			x := o*g.stride[j] - g.padLo[j] + k*g.kdil[j]
			id := g.idil[j]
			if x < 0 {
				ok = false
			}
			if id != 1 {
				if x%id != 0 {
					ok = false
				}
				x /= id
			}
			if x >= g.inSp[j] {
				ok = false
			}
			off += x * g.inStr[j]
		}
		if !ok {
			cols[i] = 0
			continue
		}
		cols[i] = in[int64(inOff)+r*g.inBatch+(grp*g.cg+civ)*g.inChan+off]
	}
}

// hostGemm runs d, whose addresses are byte offsets into A, B and D.
func hostGemm(d gemmDesc, A, B, D []float64, alpha, beta float64) {
	e := uintptr(8)
	for t := 0; t < d.batch; t++ {
		a, b, dd := int(d.a/e)+t*d.sa, int(d.b/e)+t*d.sb, int(d.d/e)+t*d.sd
		for i := 0; i < d.m; i++ {
			for j := 0; j < d.n; j++ {
				sum := 0.0
				for p := 0; p < d.k; p++ {
					var x, y float64
					if d.transA == opN {
						x = A[a+i+p*d.lda]
					} else {
						x = A[a+p+i*d.lda]
					}
					if d.transB == opN {
						y = B[b+p+j*d.ldb]
					} else {
						y = B[b+j+p*d.ldb]
					}
					sum += x * y
				}
				D[dd+i+j*d.ldd] = alpha*sum + beta*D[dd+i+j*d.ldd]
			}
		}
	}
}

func f64s(v core.View) []float64 {
	b := v.Buf.Bytes()
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
}

func TestConvDescriptorsOnHost(t *testing.T) {
	dt := core.Float64
	for ci, cc := range convCases() {
		if cc.large {
			continue
		}
		for _, chunkBytes := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s/%d", cc.name, chunkBytes), func(t *testing.T) {
				p := cc.params()
				oshape := cc.outShape(p)
				in := stored(t, dt, cc.in, noise(max(1, prod(cc.in)), uint32(ci)), cc.transIn)
				w := stored(t, dt, cc.w, noise(max(1, prod(cc.w)), uint32(ci+100)), cc.transW)
				want := newHost(t, dt, oshape)
				mustCPU(t, cpu.Backend.Conv(in, w, want, p))
				c, err := newConvShape("conv", in, w, want, p)
				if err != nil {
					t.Fatal(err)
				}
				old := convChunkBytes
				if chunkBytes > 0 {
					convChunkBytes = chunkBytes
				}
				defer func() { convChunkBytes = old }()
				got := newHost(t, dt, oshape)
				if c.kred > 0 && c.rows > 0 {
					wOff := w.Offset
					if !c.weightRowsPacked {
						cp := newHost(t, dt, w.Shape)
						mustCPU(t, cpu.Backend.Copy(w, cp))
						w, c.weightRowStride, wOff = cp, c.kred, 0
					}
					chunk := c.chunk()
					cols := make([]float64, chunk*c.perImage*c.groups*c.kred)
					for n0 := 0; n0 < c.batch; n0 += chunk {
						row0, rows := n0*c.perImage, min(chunk, c.batch-n0)*c.perImage
						g := c.dev
						g.row0, g.rows = int64(row0), int64(rows)
						hostIm2col(g, f64s(in), in.Offset, cols)
						hostGemm(c.convGemm(dt, uintptr(wOff*8), 0, 0, row0, rows), f64s(w), cols, f64s(got), 1, 0)
					}
				}
				compareRows(t, "conv", got, want, 1e-12)

				cot := hostView(t, dt, oshape, noise(max(1, prod(oshape)), uint32(ci+200)))
				wantW := newHost(t, dt, cc.w)
				mustCPU(t, cpu.Backend.ConvWeights(in, cot, wantW, p))
				c, err = newConvShape("conv weights", in, wantW, cot, p)
				if err != nil {
					t.Fatal(err)
				}
				gotW := newHost(t, dt, cc.w)
				if c.kred > 0 && c.rows > 0 {
					chunk := c.chunk()
					cols := make([]float64, chunk*c.perImage*c.groups*c.kred)
					for n0 := 0; n0 < c.batch; n0 += chunk {
						row0, rows := n0*c.perImage, min(chunk, c.batch-n0)*c.perImage
						g := c.dev
						g.row0, g.rows = int64(row0), int64(rows)
						hostIm2col(g, f64s(in), in.Offset, cols)
						beta := 0.0
						if n0 > 0 {
							beta = 1
						}
						hostGemm(c.weightsGemm(dt, 0, 0, 0, row0, rows), cols, f64s(cot), f64s(gotW), 1, beta)
					}
				}
				compareRows(t, "conv weights", gotW, wantW, 1e-12)
			})
		}
	}
}
