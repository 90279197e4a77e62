package cpu

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Convolution as an implicit GEMM. With channels last, the output is the
// matrix product of the patch matrix P, one row per output position
// (batch and out spatial) holding the input values under the kernel there
// (kernel positions times the group's input channels, zeros where the
// kernel lies on padding or between dilated input elements), and the
// weight read as a matrix W of kernel positions times input channels by
// output channels: out[group g] = P[g] · W[g].
//
// P is never formed whole. The weights are packed once into the GEMM's B
// panels; then each worker takes blocks of output rows, and for each block
// of the inner dimension gathers that block of P into a small buffer that
// stays in cache (im2col of a few hundred rows), packs it as an A block and
// runs the GEMM's macro-kernel straight into the output rows. The cost over
// a plain GEMM of the same shape is the gather, one read of each input
// element per kernel position that covers it.

// Conv implements core.ConvKernels for float32, float64, float16 and
// bfloat16 (computed in float32 and rounded once).
func (be *backend) Conv(in, w, out core.View, p core.ConvParams) error {
	g, err := newConvGeom(in, w, out, p)
	if err != nil {
		return err
	}
	if out.Size() == 0 {
		return nil
	}
	// Scratch: the packed weights (in float32 or float64), and a run of
	// zeros as long as a group's channels.
	packed, ok := mulChecked(g.groups*g.kpos, g.cg, roundUp(g.og, 32))
	if !ok {
		packed = math.MaxInt
	}
	if err := checkScratch(max(packed, g.cg), 8); err != nil {
		return err
	}
	switch out.Dtype {
	case core.Float32:
		if x := core.All[float32](in); convDirectOK(g, len(x)) {
			convDirect(g, x, core.All[float32](w), core.All[float32](out)[out.Offset:])
			break
		}
		convRun(&sgemm, g, core.All[float32](in), core.All[float32](w), core.All[float32](out)[out.Offset:])
	case core.Float64:
		convRun(&dgemm, g, core.All[float64](in), core.All[float64](w), core.All[float64](out)[out.Offset:])
	case core.Float16, core.Bfloat16:
		buf, err := core.Host.Alloc(out.Size() * 4)
		if err != nil {
			return err
		}
		defer buf.Release()
		c := core.Data[float32](core.View{Buf: buf, Dtype: core.Float32})[:out.Size()]
		if out.Dtype == core.Float16 {
			convRun(&sgemm, g, core.All[core.F16](in), core.All[core.F16](w), c)
			roundHalf(c, core.All[core.F16](out)[out.Offset:], core.F16FromFloat32)
		} else {
			convRun(&sgemm, g, core.All[core.BF16](in), core.All[core.BF16](w), c)
			roundHalf(c, core.All[core.BF16](out)[out.Offset:], core.BF16FromFloat32)
		}
	default:
		return fmt.Errorf("conv: dtype %d not implemented on cpu", out.Dtype)
	}
	return nil
}

// mulChecked returns a*b*c, or false when it overflows an int.
func mulChecked(a, b, c int) (int, bool) {
	if a < 0 || b < 0 || c < 0 {
		return 0, false
	}
	p := a
	for _, x := range []int{b, c} {
		if x != 0 && p > math.MaxInt/x {
			return 0, false
		}
		p *= x
	}
	return p, true
}

// convGeom is a convolution's shape, read from its views and parameters.
type convGeom struct {
	nd                        int // spatial dimensions
	batch, cout               int
	groups, cg, og            int // groups, input and output channels per group
	inSp, kSp, outSp          []int
	stride, padLo, kdil, idil []int
	inOff, wOff               int
	inStr, wStr               []int // batch, spatial..., channels
	rows, kpos, kred          int   // output positions, kernel positions, kpos*cg
	// kcoord[kp*nd+j] is where kernel position kp (in the weight's order)
	// lands in dimension j of the dilated, padded input, relative to the
	// window's start (flipped when the convolution flips); wkoff[kp] is
	// its offset in the weight.
	kcoord, wkoff []int
	// kspan[j] is the kernel's extent in dimension j of the dilated input;
	// kdelta[kp] is the offset in the input of kernel position kp from
	// the window's start, where the input is not dilated.
	kspan, kdelta []int
}

func newConvGeom(in, w, out core.View, p core.ConvParams) (*convGeom, error) {
	nd := len(in.Shape) - 2
	if nd < 1 || len(w.Shape) != nd+2 || len(out.Shape) != nd+2 || len(p.Stride) != nd ||
		len(p.PadLo) != nd || len(p.PadHi) != nd || len(p.KernelDilation) != nd || len(p.InputDilation) != nd {
		return nil, fmt.Errorf("conv: inconsistent operands of shapes %v, %v and %v", in.Shape, w.Shape, out.Shape)
	}
	g := &convGeom{
		nd: nd, batch: in.Shape[0], cout: out.Shape[nd+1], groups: max(p.Groups, 1),
		inSp: in.Shape[1 : nd+1], kSp: w.Shape[1 : nd+1], outSp: out.Shape[1 : nd+1],
		stride: p.Stride, padLo: p.PadLo, kdil: p.KernelDilation, idil: p.InputDilation,
		inOff: in.Offset, wOff: w.Offset, inStr: in.Strides, wStr: w.Strides,
	}
	cin := in.Shape[nd+1]
	g.cg, g.og = cin/g.groups, g.cout/g.groups
	if g.cg*g.groups != cin || g.og*g.groups != g.cout || w.Shape[0] != g.cout || w.Shape[nd+1] != g.cg {
		return nil, fmt.Errorf("conv: channels of shapes %v, %v and %v do not match %d groups", in.Shape, w.Shape, out.Shape, g.groups)
	}
	g.rows, g.kpos = g.batch, 1
	for j := 0; j < nd; j++ {
		g.rows *= g.outSp[j]
		g.kpos *= g.kSp[j]
	}
	g.kred = g.kpos * g.cg
	g.kcoord = make([]int, g.kpos*nd)
	g.wkoff = make([]int, g.kpos)
	g.kdelta = make([]int, g.kpos)
	g.kspan = make([]int, nd)
	for j := 0; j < nd; j++ {
		g.kspan[j] = (g.kSp[j]-1)*g.kdil[j] + 1
	}
	k := make([]int, nd)
	for kp := 0; kp < g.kpos; kp++ {
		for j := 0; j < nd; j++ {
			e := k[j]
			if p.Flip {
				e = g.kSp[j] - 1 - e
			}
			g.kcoord[kp*nd+j] = e * g.kdil[j]
			g.kdelta[kp] += e * g.kdil[j] * in.Strides[j+1]
			g.wkoff[kp] += k[j] * w.Strides[j+1]
		}
		for j := nd - 1; j >= 0; j-- {
			if k[j]++; k[j] < g.kSp[j] {
				break
			}
			k[j] = 0
		}
	}
	return g, nil
}

// im2col writes rows [r0, r0+mb) and columns [c0, c0+kb) of group grp's
// patch matrix to dst, row-major with row stride kb.
func im2col[S any](g *convGeom, src, dst []S, r0, mb, c0, kb, grp int) {
	nd := g.nd
	var base [8]int
	bs := base[:0]
	if nd > len(base) {
		bs = make([]int, 0, nd)
	}
	bs = bs[:nd]
	cstr := g.inStr[nd+1]
	for i := 0; i < mb; i++ {
		// The row's batch index and the start of its window in each
		// spatial dimension of the dilated, padded input.
		r := r0 + i
		for j := nd - 1; j >= 0; j-- {
			o := r % g.outSp[j]
			r /= g.outSp[j]
			bs[j] = o*g.stride[j] - g.padLo[j]
		}
		rowOff := g.inOff + r*g.inStr[0] + grp*g.cg*cstr
		row := dst[i*kb : (i+1)*kb]
		for c := c0; c < c0+kb; {
			kp, ci := c/g.cg, c%g.cg
			run := min(g.cg-ci, c0+kb-c)
			d := row[c-c0 : c-c0+run]
			c += run
			off, ok := rowOff+ci*cstr, true
			kc := g.kcoord[kp*nd : kp*nd+nd]
			for j := 0; j < nd; j++ {
				x := bs[j] + kc[j]
				if x < 0 {
					ok = false
					break
				}
				if id := g.idil[j]; id != 1 {
					if x%id != 0 {
						ok = false
						break
					}
					x /= id
				}
				if x >= g.inSp[j] {
					ok = false
					break
				}
				off += x * g.inStr[j+1]
			}
			switch {
			case !ok:
				clear(d)
			case cstr == 1:
				copy(d, src[off:off+run])
			default:
				for t := range d {
					d[t] = src[off]
					off += cstr
				}
			}
		}
	}
}

// im2colPacked gathers rows [r0, r0+mb) and columns [c0, c0+kb) of group
// grp's patch matrix straight into the GEMM's packed A panels (panel q
// holds rows q*mr... as dst[q*kb*mr+p*mr+i]), rows past mb being zeros:
// im2col and packing in one pass, for inputs of the GEMM's own type.
func im2colPacked[T gemmFloat](g *convGeom, src, dst []T, r0, mb, c0, kb, grp, mr int) {
	nd := g.nd
	cstr := g.inStr[nd+1]
	// Per row of the panel: the batch offset and the window's start in
	// each spatial dimension.
	rowOff := make([]int, mr)
	bs := make([]int, mr*nd)
	offs := make([]int, mr)
	zeros := make([]T, g.cg)
	for q := 0; q*mr < mb; q++ {
		pan := dst[q*kb*mr : (q+1)*kb*mr]
		rows := min(mr, mb-q*mr)
		for i := 0; i < rows; i++ {
			r := r0 + q*mr + i
			for j := nd - 1; j >= 0; j-- {
				o := r % g.outSp[j]
				r /= g.outSp[j]
				bs[i*nd+j] = o*g.stride[j] - g.padLo[j]
			}
			rowOff[i] = g.inOff + r*g.inStr[0] + grp*g.cg*cstr
		}
		for c := c0; c < c0+kb; {
			kp, ci := c/g.cg, c%g.cg
			run := min(g.cg-ci, c0+kb-c)
			d := pan[(c-c0)*mr : (c-c0+run)*mr]
			c += run
			kc := g.kcoord[kp*nd : kp*nd+nd]
			for i := 0; i < mr; i++ {
				offs[i] = -1
				if i >= rows {
					continue
				}
				off := rowOff[i] + ci*cstr
				for j := 0; j < nd; j++ {
					x := bs[i*nd+j] + kc[j]
					if x < 0 {
						off = -1
						break
					}
					if id := g.idil[j]; id != 1 {
						if x%id != 0 {
							off = -1
							break
						}
						x /= id
					}
					if x >= g.inSp[j] {
						off = -1
						break
					}
					off += x * g.inStr[j+1]
				}
				offs[i] = off
			}
			if cstr == 1 && mr == 12 {
				gather12(d, src, offs, zeros[:run], run)
				continue
			}
			for i, off := range offs {
				switch {
				case off < 0:
					for t := i; t < len(d); t += mr {
						d[t] = 0
					}
				case cstr == 1:
					t := i
					for _, v := range src[off : off+run] {
						d[t] = v
						t += mr
					}
				default:
					for t := i; t < len(d); t += mr {
						d[t] = src[off]
						off += cstr
					}
				}
			}
		}
	}
}

// gather12 interleaves twelve runs of n elements, src[offs[i]:] (zeros
// where offs[i] is negative), into d: d[t*12+i] is element t of run i.
func gather12[T gemmFloat](d, src []T, offs []int, zeros []T, n int) {
	var rs [12][]T
	for i := range rs {
		if offs[i] < 0 {
			rs[i] = zeros[:n]
		} else {
			rs[i] = src[offs[i] : offs[i]+n]
		}
	}
	s0, s1, s2, s3, s4, s5 := rs[0][:n], rs[1][:n], rs[2][:n], rs[3][:n], rs[4][:n], rs[5][:n]
	s6, s7, s8, s9, s10, s11 := rs[6][:n], rs[7][:n], rs[8][:n], rs[9][:n], rs[10][:n], rs[11][:n]
	d = d[:n*12]
	for t := 0; t < n; t++ {
		o := (*[12]T)(d[t*12 : t*12+12])
		o[0], o[1], o[2], o[3] = s0[t], s1[t], s2[t], s3[t]
		o[4], o[5], o[6], o[7] = s4[t], s5[t], s6[t], s7[t]
		o[8], o[9], o[10], o[11] = s8[t], s9[t], s10[t], s11[t]
	}
}

// convBlock returns the size of the blocks of the inner dimension: at most
// kc, and as even as the blocks can be.
func convBlock(kred, kc int) int {
	nb := (kred + kc - 1) / kc
	return (kred + nb - 1) / nb
}

// packConvWeights packs every group's weight matrix (kred × og) into B
// panels: the block of rows from pc (kk = min(kb, kred-pc) rows) starts at
// pc*ogPad, its panel q at q*kk*nr, element (p, j) of the panel at p*nr+j.
// Columns past og are zeros.
func packConvWeights[S any, T gemmFloat](g *convGeom, w []S, bp []T, kb, nr, ogPad int) {
	nd := g.nd
	cs, ws0 := g.wStr[nd+1], g.wStr[0]
	var tab *[1 << 16]float32
	switch any(w).(type) {
	case []core.F16:
		tab = f16Table()
	case []core.BF16:
		tab = bf16Table()
	}
	if x, ok := any(w).([]T); ok && cs == 1 && ws0 >= g.cg {
		packConvWeightsRows(g, x, bp, kb, nr, ogPad)
		return
	}
	parallelFor(g.groups*g.kred, ogPad, func(lo, hi int) {
		for rc := lo; rc < hi; rc++ {
			grp, c := rc/g.kred, rc%g.kred
			kp, ci := c/g.cg, c%g.cg
			src := g.wOff + g.wkoff[kp] + ci*cs + grp*g.og*ws0
			pc := c / kb * kb
			kk, p := min(kb, g.kred-pc), c-pc
			blk := bp[grp*g.kred*ogPad+pc*ogPad:]
			for q := 0; q*nr < ogPad; q++ {
				d := blk[q*kk*nr+p*nr : q*kk*nr+p*nr+nr]
				n := min(nr, g.og-q*nr)
				if n < nr {
					clear(d[max(n, 0):])
				}
				o := src + q*nr*ws0
				switch x := any(w).(type) {
				case []T:
					for j := 0; j < n; j++ {
						d[j] = x[o]
						o += ws0
					}
				case []core.F16:
					for j := 0; j < n; j++ {
						d[j] = T(tab[x[o]])
						o += ws0
					}
				case []core.BF16:
					for j := 0; j < n; j++ {
						d[j] = T(tab[x[o]])
						o += ws0
					}
				}
			}
		}
	})
}

// packConvWeightsRows is packConvWeights for weights of the GEMM's type
// whose input channels are contiguous. It fills one panel at a time, in
// the order the panel lies in memory, reading each of the panel's output
// channels sixteen input channels (a cache line) at a time: going down the
// output channels one element at a time instead would read a cache line,
// and often a page, for each element.
func packConvWeightsRows[T gemmFloat](g *convGeom, w, bp []T, kb, nr, ogPad int) {
	const span = 16
	ws0 := g.wStr[0]
	panels := ogPad / nr
	parallelFor(g.groups*panels, g.kred*nr, func(lo, hi int) {
		for gq := lo; gq < hi; gq++ {
			grp, q := gq/panels, gq%panels
			n := min(nr, g.og-q*nr) // the panel's output channels; the rest are zeros
			for c0 := 0; c0 < g.kred; {
				// A run of at most span rows, within one kernel position
				// and one block of the inner dimension.
				kp, ci := c0/g.cg, c0%g.cg
				pc := c0 / kb * kb
				kk := min(kb, g.kred-pc)
				cn := min(span, g.cg-ci, pc+kk-c0)
				d := bp[grp*g.kred*ogPad+pc*ogPad+q*kk*nr+(c0-pc)*nr:]
				d = d[:cn*nr]
				src := g.wOff + g.wkoff[kp] + ci + (grp*g.og+q*nr)*ws0
				for j := 0; j < n; j++ {
					row := w[src+j*ws0 : src+j*ws0+cn]
					for t, v := range row {
						d[t*nr+j] = v
					}
				}
				if n < nr {
					for t := 0; t < cn; t++ {
						clear(d[t*nr+max(n, 0) : t*nr+nr])
					}
				}
				c0 += cn
			}
		}
	})
}

// convRun computes the convolution g of in by w into c, the row-major
// output (rows × cout) in the GEMM's element type.
func convRun[S any, T gemmFloat](cfg *gemmConfig[T], g *convGeom, in, w []S, c []T) {
	c = c[:g.rows*g.cout]
	if g.kred == 0 {
		clear(c)
		return
	}
	if same, ok := any(in).([]T); ok && g.cg == 1 && g.groups > 1 {
		convDepthwise(g, same, any(w).([]T), c)
		return
	}
	mr, nr := cfg.mr, cfg.nr
	kb := convBlock(g.kred, cfg.kc)
	ogPad := roundUp(g.og, nr)
	bp := getGemmBuf[T](g.groups * g.kred * ogPad)
	defer putGemmBuf(bp)
	packConvWeights(g, w, bp, kb, nr, ogPad)

	workers := runtime.GOMAXPROCS(0)
	if g.rows*g.cout*g.kred < gemmParallelMin {
		workers = 1
	}
	// Blocks of rows: at most mc, and about four per worker.
	rowBlock := cfg.mc
	if workers > 1 {
		perGroup := (4*workers + g.groups - 1) / g.groups
		rowBlock = min(cfg.mc, max(mr, roundUp((g.rows+perGroup-1)/perGroup, mr)))
	}
	blocks := (g.rows + rowBlock - 1) / rowBlock
	units := blocks * g.groups
	workers = min(workers, units)
	var next atomic.Int32
	runParts(workers, func(int) {
		var tmp []S
		if _, ok := any(in).([]T); !ok {
			tmp = make([]S, rowBlock*kb)
		}
		ap := getGemmBuf[T](roundUp(rowBlock, mr) * kb)
		defer putGemmBuf(ap)
		tile := make([]T, mr*nr)
		for {
			u := int(next.Add(1)) - 1
			if u >= units {
				return
			}
			grp, r0 := u%g.groups, u/g.groups*rowBlock
			mb := min(rowBlock, g.rows-r0)
			for pc := 0; pc < g.kred; pc += kb {
				kk := min(kb, g.kred-pc)
				if same, ok := any(in).([]T); ok {
					im2colPacked(g, same, ap, r0, mb, pc, kk, grp, mr)
				} else {
					im2col(g, in, tmp, r0, mb, pc, kk, grp)
					packPanels(ap, matrix[S]{data: tmp, rs: kk, cs: 1}, mb, kk, mr)
				}
				var beta T
				if pc > 0 {
					beta = 1
				}
				macroKernel(cfg, mb, g.og, kk, 1, ap, bp[grp*g.kred*ogPad+pc*ogPad:], beta, c, r0*g.cout+grp*g.og, g.cout, tile)
			}
		}
	})
}

// ConvWeights implements core.ConvKernels: the weight's cotangent as the
// GEMM dW[g] = Gᵀ[g] · P[g], G the cotangent read as a matrix of output
// positions by output channels and P the patch matrix. The inner dimension
// is the output positions; each block of P's rows is gathered straight
// into B panels (runs of the input's channels, copied as they lie), so the
// input needs no transposed copy. Workers split the columns of dW.
func (be *backend) ConvWeights(in, cot, out core.View, p core.ConvParams) error {
	g, err := newConvGeom(in, out, cot, p)
	if err != nil {
		return err
	}
	if out.Size() == 0 {
		return nil
	}
	if !cot.IsContiguous() {
		return fmt.Errorf("conv weights: the cotangent must be row-major")
	}
	switch out.Dtype {
	case core.Float32:
		if x := core.All[float32](in); convWeightsDirectOK(g, len(x)) {
			convWeightsDirect(g, x, core.Data[float32](cot), core.All[float32](out)[out.Offset:])
			break
		}
		convWeightsRun(&sgemm, g, core.All[float32](in), core.Data[float32](cot), core.All[float32](out)[out.Offset:])
	case core.Float64:
		convWeightsRun(&dgemm, g, core.All[float64](in), core.Data[float64](cot), core.All[float64](out)[out.Offset:])
	case core.Float16, core.Bfloat16:
		buf, err := core.Host.Alloc(out.Size() * 4)
		if err != nil {
			return err
		}
		defer buf.Release()
		c := core.Data[float32](core.View{Buf: buf, Dtype: core.Float32})[:out.Size()]
		if out.Dtype == core.Float16 {
			convWeightsRun(&sgemm, g, core.All[core.F16](in), core.Data[core.F16](cot), c)
			roundHalf(c, core.All[core.F16](out)[out.Offset:], core.F16FromFloat32)
		} else {
			convWeightsRun(&sgemm, g, core.All[core.BF16](in), core.Data[core.BF16](cot), c)
			roundHalf(c, core.All[core.BF16](out)[out.Offset:], core.BF16FromFloat32)
		}
	default:
		return fmt.Errorf("conv weights: dtype %d not implemented on cpu", out.Dtype)
	}
	return nil
}

// convWeightsRun computes the weight cotangent of convolution g (built
// with the weight's shape) from the input in and the cotangent cot into c,
// row-major [cout, kred].
func convWeightsRun[S any, T gemmFloat](cfg *gemmConfig[T], g *convGeom, in, cot []S, c []T) {
	c = c[:g.cout*g.kred]
	if g.rows == 0 {
		clear(c)
		return
	}
	mr, nr := cfg.mr, cfg.nr
	panels := (g.kred + nr - 1) / nr
	workers := runtime.GOMAXPROCS(0)
	if g.rows*g.cout*g.kred < gemmParallelMin {
		workers = 1
	}
	workers = min(workers, panels*g.groups)
	units := g.groups * workers // each worker a slab of columns of every group
	if g.groups >= workers {
		units = g.groups
	}
	perUnit := (panels*g.groups + units - 1) / units
	kc := cfg.kc
	var next atomic.Int32
	runParts(workers, func(int) {
		var tmp []S
		if _, ok := any(in).([]T); !ok {
			tmp = make([]S, nr)
		}
		nbMax := min(cfg.nc, perUnit*nr)
		bp := getGemmBuf[T](kc * nbMax)
		defer putGemmBuf(bp)
		ap := getGemmBuf[T](roundUp(min(cfg.mc, g.og), mr) * kc)
		defer putGemmBuf(ap)
		tile := make([]T, mr*nr)
		for {
			u := int(next.Add(1)) - 1
			if u >= units {
				return
			}
			grp := u % g.groups
			q0, q1 := 0, panels
			if units > g.groups {
				w, n := u/g.groups, units/g.groups
				q0, q1 = split(panels, w, n)
			}
			for j0 := q0 * nr; j0 < min(q1*nr, g.kred); j0 += nbMax {
				nb := min(nbMax, min(q1*nr, g.kred)-j0)
				for pc := 0; pc < g.rows; pc += kc {
					kk := min(kc, g.rows-pc)
					packPatchRows(g, in, bp, tmp, pc, kk, j0, nb, grp, nr)
					var beta T
					if pc > 0 {
						beta = 1
					}
					for ic := 0; ic < g.og; ic += cfg.mc {
						mb := min(cfg.mc, g.og-ic)
						a := matrix[S]{data: cot, off: pc*g.cout + grp*g.og + ic, rs: 1, cs: g.cout}
						packPanels(ap, a, mb, kk, mr)
						macroKernel(cfg, mb, nb, kk, 1, ap, bp, beta, c, (grp*g.og+ic)*g.kred+j0, g.kred, tile)
					}
				}
			}
		}
	})
}

// packPatchRows packs rows [r0, r0+kk) and columns [j0, j0+nb) of group
// grp's patch matrix as B panels of nr columns (panel q at q*kk*nr, row p
// of it at p*nr), gathering each row's part of a panel with im2col.
func packPatchRows[S any, T gemmFloat](g *convGeom, in []S, bp []T, tmp []S, r0, kk, j0, nb, grp, nr int) {
	same, isSame := any(in).([]T)
	for q := 0; q*nr < nb; q++ {
		n := min(nr, nb-q*nr)
		pan := bp[q*kk*nr : (q+1)*kk*nr]
		for p := 0; p < kk; p++ {
			d := pan[p*nr : p*nr+nr]
			if isSame {
				im2col(g, same, d, r0+p, 1, j0+q*nr, n, grp)
			} else {
				im2col(g, in, tmp, r0+p, 1, j0+q*nr, n, grp)
				convertRow(d[:n], tmp[:n])
			}
			clear(d[n:])
		}
	}
}

// convertRow converts half-precision values to float32.
func convertRow[S any, T gemmFloat](dst []T, src []S) {
	switch x := any(src).(type) {
	case []core.F16:
		tab := f16Table()
		for i, v := range x {
			dst[i] = T(tab[v])
		}
	case []core.BF16:
		tab := bf16Table()
		for i, v := range x {
			dst[i] = T(tab[v])
		}
	}
}

// convDepthwise computes a convolution whose groups have one input channel
// each (depthwise, with og output channels per input channel) directly:
// output channel co of a position adds, for each kernel position, input
// channel co/og there times w[co, k]; with og one, a row of the output is
// a sum of input rows scaled channel by channel. A GEMM would use one
// column of each tile.
func convDepthwise[T gemmFloat](g *convGeom, in, w []T, c []T) {
	nd, cout, og := g.nd, g.cout, g.og
	cstr := g.inStr[nd+1]
	// wk[k*cout+co] = w[co, k, 0].
	wk := make([]T, g.kpos*cout)
	for k := 0; k < g.kpos; k++ {
		for co := 0; co < cout; co++ {
			wk[k*cout+co] = w[g.wOff+co*g.wStr[0]+g.wkoff[k]]
		}
	}
	parallelFor(g.rows, g.kpos*cout, func(lo, hi int) {
		bs := make([]int, nd)
		for row := lo; row < hi; row++ {
			r := row
			for j := nd - 1; j >= 0; j-- {
				o := r % g.outSp[j]
				r /= g.outSp[j]
				bs[j] = o*g.stride[j] - g.padLo[j]
			}
			orow := c[row*cout : (row+1)*cout]
			clear(orow)
			for k := 0; k < g.kpos; k++ {
				off := g.inOff + r*g.inStr[0]
				kc := g.kcoord[k*nd : k*nd+nd]
				ok := true
				for j := 0; j < nd && ok; j++ {
					x := bs[j] + kc[j]
					if id := g.idil[j]; x >= 0 && id != 1 {
						if x%id != 0 {
							ok = false
						}
						x /= id
					}
					if x < 0 || x >= g.inSp[j] {
						ok = false
					}
					off += x * g.inStr[j+1]
				}
				if !ok {
					continue
				}
				wr := wk[k*cout : (k+1)*cout]
				if og == 1 && cstr == 1 {
					xr := in[off : off+cout]
					for co, v := range xr {
						orow[co] += v * wr[co]
					}
					continue
				}
				for co := range orow {
					orow[co] += in[off+co/og*cstr] * wr[co]
				}
			}
		}
	})
}
