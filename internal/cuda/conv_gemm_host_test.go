package cuda

import (
	"fmt"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// hostConvGemm runs conv_gemm of kernels/conv_gemm.cuh on the host, block
// by block and thread by thread with the kernel's cursors, tiles and
// output mapping, so that its indexing is checked without a GPU. in, w and
// out are whole buffers; inOff and wOff the operands' first elements.
func hostConvGemm(g convGeomDev, a convGemmArgsDev, bk int, in []float64, inOff int, w []float64, wOff int, out []float64) {
	const bm, bn, threads = 128, 64, 128
	nd := int(g.nd)
	cg, kpos := int(g.cg), int(g.kpos)
	kred := int64(kpos) * int64(cg)
	fast := cg%bk == 0
	type cursor struct {
		ci, kp int
		k      [3]int
	}
	advance := func(c *cursor, by int) {
		c.ci += by
		for c.ci >= cg {
			c.ci -= cg
			c.kp++
			for j := nd - 1; j >= 0; j-- {
				c.k[j]++
				if c.k[j] < int(g.kSp[j]) || j == 0 {
					break
				}
				c.k[j] = 0
			}
		}
	}
	runs, ncur := bk/4, bk/4
	if fast {
		ncur = 1
	}
	mTiles, nTiles := (int(g.rows)+bm-1)/bm, (int(a.og)+bn-1)/bn
	for grp := 0; grp < int(g.groups); grp++ {
		for by := 0; by < nTiles; by++ {
			for bx := 0; bx < mTiles; bx++ {
				m0, n0 := int64(bx*bm), by*bn
				var acc [bm][bn]float64
				type thread struct {
					rowOK  bool
					base   [3]int
					rowOff int64
					cur    []cursor
				}
				ts := make([]thread, threads)
				for tid := range ts {
					th := &ts[tid]
					r := m0 + int64(tid)
					th.rowOK = r < g.rows
					t := int64(0)
					if th.rowOK {
						t = r
					}
					for j := nd - 1; j >= 0; j-- {
						o := t % g.outSp[j]
						t /= g.outSp[j]
						th.base[j] = int(o*g.stride[j] - g.padLo[j])
						th.rowOff += int64(th.base[j]) * g.inStr[j]
					}
					th.rowOff += t*g.inBatch + int64(grp)*g.cg
					th.cur = make([]cursor, ncur)
					for c := 1; c < ncur; c++ {
						advance(&th.cur[c], 4*c)
					}
				}
				tiles := (kred + int64(bk) - 1) / int64(bk)
				for tt := int64(0); tt < tiles; tt++ {
					k0 := tt * int64(bk)
					as := make([][bm]float64, bk)
					bs := make([][bn]float64, bk)
					for tid := range ts {
						th := &ts[tid]
						if tt > 0 {
							for c := range th.cur {
								advance(&th.cur[c], bk)
							}
						}
						for c := 0; c < runs; c++ {
							cu := th.cur[0]
							ci := cu.ci + 4*c
							if !fast {
								cu = th.cur[c]
								ci = cu.ci
							}
							ok := th.rowOK && cu.kp < kpos
							off := th.rowOff + int64(ci)
							for j := 0; j < nd; j++ {
								ks := int(g.kSp[j])
								k := cu.k[j]
								if g.flip != 0 {
									k = ks - 1 - k
								}
								kk := k * int(g.kdil[j])
								x := th.base[j] + kk
								ok = ok && x >= 0 && x < int(g.inSp[j])
								off += int64(kk) * g.inStr[j]
							}
							for e := 0; e < 4; e++ {
								v := 0.0
								if ok {
									if ci+e >= cg {
										panic("a run crosses kernel positions")
									}
									v = in[int64(inOff)+off+int64(e)]
								}
								as[4*c+e][tid] = v
							}
						}
						bnn, bpart := tid%bn, tid/bn
						for c := 0; c < bk/8; c++ {
							k := k0 + int64(bpart*(bk/2)+4*c)
							for e := 0; e < 4; e++ {
								v := 0.0
								if n0+bnn < int(a.og) && k < kred {
									v = w[int64(wOff)+(int64(grp)*a.og+int64(n0+bnn))*a.ldw+k+int64(e)]
								}
								bs[bpart*(bk/2)+4*c+e][bnn] = v
							}
						}
					}
					for kk := 0; kk < bk; kk++ {
						for i := 0; i < bm; i++ {
							for j := 0; j < bn; j++ {
								acc[i][j] += as[kk][i] * bs[kk][j]
							}
						}
					}
				}
				for tid := 0; tid < threads; tid++ {
					tx, ty := tid%8, tid/8
					for i := 0; i < 8; i++ {
						lr := (i/4)*64 + ty*4 + i%4
						row := m0 + int64(lr)
						if row >= g.rows {
							continue
						}
						for h := 0; h < 2; h++ {
							for e := 0; e < 4; e++ {
								col := h*32 + tx*4 + e
								if n0+col < int(a.og) {
									out[row*a.cout+int64(grp)*a.og+int64(n0+col)] = acc[lr][col]
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestConvGemmOnHost(t *testing.T) {
	dt := core.Float64
	ran := 0
	for ci, cc := range convCases() {
		if cc.large {
			continue
		}
		for _, tile := range convTiles {
			p := cc.params()
			oshape := cc.outShape(p)
			in := stored(t, dt, cc.in, noise(max(1, prod(cc.in)), uint32(ci)), cc.transIn)
			w := stored(t, dt, cc.w, noise(max(1, prod(cc.w)), uint32(ci+100)), cc.transW)
			want := newHost(t, dt, oshape)
			c, err := newConvShape("conv", in, w, want, p)
			if err != nil {
				t.Fatal(err)
			}
			fits := c.convGemmShapeFits(in, p) && c.kred > 0 && prod(oshape) > 0
			if cc.implicit && !fits {
				t.Errorf("%s: the implicit GEMM does not take it", cc.name)
			}
			if !fits {
				continue
			}
			ran++
			t.Run(fmt.Sprintf("%s/bk%d_mb%d", cc.name, tile.bk, tile.minBlocks), func(t *testing.T) {
				mustCPU(t, cpu.Backend.Conv(in, w, want, p))
				cp := newHost(t, dt, w.Shape)
				mustCPU(t, cpu.Backend.Copy(w, cp))
				got := newHost(t, dt, oshape)
				g := c.dev
				g.rows = int64(c.rows)
				a := convGemmArgsDev{og: int64(c.og), cout: int64(c.cout), ldw: int64(c.kred)}
				hostConvGemm(g, a, tile.bk, f64s(in), in.Offset, f64s(cp), 0, f64s(got))
				compareRows(t, "conv", got, want, 1e-12)
			})
		}
	}
	if ran == 0 {
		t.Fatal("no case takes the implicit GEMM")
	}
}

// hostConvWgrad runs conv_wgrad and conv_wsum of kernels/conv_gemm.cuh on
// the host with the kernels' cursors and tiles: the weight's cotangent
// into out, from in and the row-major cotangent cot.
func hostConvWgrad(g convGeomDev, a convGemmArgsDev, rowsPer int64, in []float64, inOff int, cot []float64, out []float64) {
	const bm, bn, bk, threads = 128, 64, 16, 128
	nd := int(g.nd)
	cg, kpos, og := g.cg, g.kpos, a.og
	kred := kpos * cg
	splits := (g.rows + rowsPer - 1) / rowsPer
	n := g.groups * og * kred
	part := make([]float64, splits*n)
	type rowCursor struct {
		r int64
		o [3]int64
		n int64
	}
	advance := func(c *rowCursor, by int64) {
		c.r += by
		c.o[nd-1] += by
		for j := nd - 1; j >= 0; j-- {
			for c.o[j] >= g.outSp[j] {
				c.o[j] -= g.outSp[j]
				if j > 0 {
					c.o[j-1]++
				} else {
					c.n++
				}
			}
		}
	}
	for z := int64(0); z < g.groups*splits; z++ {
		grp, split := z%g.groups, z/g.groups
		rBegin := split * rowsPer
		rEnd := min(g.rows, rBegin+rowsPer)
		for by := int64(0); by < (og+bn-1)/bn; by++ {
			for bx := int64(0); bx < (kred+bm-1)/bm; bx++ {
				k0, n0 := bx*bm, by*bn
				var acc [bm][bn]float64
				type thread struct {
					runOK bool
					kk    [3]int64
					koff  int64
					rc    [4]rowCursor
				}
				ts := make([]thread, threads)
				for tid := range ts {
					th := &ts[tid]
					k := k0 + int64(4*(tid%32))
					th.runOK = k < kred
					kc := int64(0)
					if th.runOK {
						kc = k
					}
					kp := kc / cg
					th.koff = kc - kp*cg + grp*cg
					for j := nd - 1; j >= 0; j-- {
						ks := g.kSp[j]
						kj := kp % ks
						kp /= ks
						if g.flip != 0 {
							kj = ks - 1 - kj
						}
						th.kk[j] = kj * g.kdil[j]
						th.koff += th.kk[j] * g.inStr[j]
					}
					for i := 0; i < 4; i++ {
						r := rBegin + int64(tid/32+4*i)
						th.rc[i].r = r
						t := int64(0)
						if r < g.rows {
							t = r
						}
						for j := nd - 1; j >= 0; j-- {
							th.rc[i].o[j] = t % g.outSp[j]
							t /= g.outSp[j]
						}
						th.rc[i].n = t
					}
				}
				steps := int64(0)
				if rEnd > rBegin {
					steps = (rEnd - rBegin + bk - 1) / bk
				}
				for st := int64(0); st < steps; st++ {
					r0 := rBegin + st*bk
					var as [bk][bm]float64
					var bs [bk][bn]float64
					for tid := range ts {
						th := &ts[tid]
						for i := 0; i < 4; i++ {
							if st > 0 {
								advance(&th.rc[i], bk)
							}
							ok := th.runOK && th.rc[i].r < rEnd
							off := th.rc[i].n*g.inBatch + th.koff
							for j := 0; j < nd; j++ {
								x := th.rc[i].o[j]*g.stride[j] - g.padLo[j] + th.kk[j]
								ok = ok && x >= 0 && x < g.inSp[j]
								off += (x - th.kk[j]) * g.inStr[j]
							}
							if ok && th.rc[i].r != r0+int64(tid/32+4*i) {
								panic("a position cursor is off")
							}
							for e := 0; e < 4; e++ {
								v := 0.0
								if ok {
									v = in[int64(inOff)+off+int64(e)]
								}
								as[tid/32+4*i][4*(tid%32)+e] = v
							}
						}
						gc, gr := int64(4*(tid%16)), int64(tid/16)
						for i := int64(0); i < 2; i++ {
							r := r0 + gr + 8*i
							for e := int64(0); e < 4; e++ {
								v := 0.0
								if n0+gc < og && r < rEnd {
									v = cot[r*a.cout+grp*og+n0+gc+e]
								}
								bs[gr+8*i][gc+e] = v
							}
						}
					}
					for q := 0; q < bk; q++ {
						for i := 0; i < bm; i++ {
							for j := 0; j < bn; j++ {
								acc[i][j] += as[q][i] * bs[q][j]
							}
						}
					}
				}
				pbase := split*n + grp*og*kred
				for tid := 0; tid < threads; tid++ {
					tx, ty := tid%8, tid/8
					for j := 0; j < 8; j++ {
						co := n0 + int64((j/4)*32+tx*4+j%4)
						if co >= og {
							continue
						}
						for h := 0; h < 2; h++ {
							kc := k0 + int64(h*64+ty*4)
							if kc >= kred {
								continue
							}
							for e := 0; e < 4; e++ {
								part[pbase+co*kred+kc+int64(e)] = acc[h*64+ty*4+e][co-n0]
							}
						}
					}
				}
			}
		}
	}
	for i := int64(0); i < n; i++ {
		s := 0.0
		for q := int64(0); q < splits; q++ {
			s += part[q*n+i]
		}
		out[i] = s
	}
}

func TestConvWeightsGemmOnHost(t *testing.T) {
	dt := core.Float64
	ran := 0
	for ci, cc := range convCases() {
		if cc.large {
			continue
		}
		p := cc.params()
		oshape := cc.outShape(p)
		in := stored(t, dt, cc.in, noise(max(1, prod(cc.in)), uint32(ci)), cc.transIn)
		cot := hostView(t, dt, oshape, noise(max(1, prod(oshape)), uint32(ci+200)))
		want := newHost(t, dt, cc.w)
		c, err := newConvShape("conv weights", in, want, cot, p)
		if err != nil {
			t.Fatal(err)
		}
		if !c.convGemmShapeFits(in, p) || c.og%4 != 0 || c.cout%4 != 0 || c.kred == 0 || c.rows == 0 {
			continue
		}
		ran++
		mustCPU(t, cpu.Backend.ConvWeights(in, cot, want, p))
		for _, rowsPer := range []int{16, 48, c.rows} {
			t.Run(fmt.Sprintf("%s/%d", cc.name, rowsPer), func(t *testing.T) {
				rowsPer = (rowsPer + 15) / 16 * 16
				got := newHost(t, dt, cc.w)
				g := c.dev
				g.rows = int64(c.rows)
				a := convGemmArgsDev{og: int64(c.og), cout: int64(c.cout)}
				hostConvWgrad(g, a, int64(rowsPer), f64s(in), in.Offset, f64s(cot), f64s(got))
				compareRows(t, "conv weights", got, want, 1e-12)
			})
		}
	}
	if ran == 0 {
		t.Fatal("no case takes the implicit GEMM")
	}
}
