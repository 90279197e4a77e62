package cpu

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The direct convolution: an implicit GEMM whose micro-kernel reads the
// patch matrix where it lies in the input, for float32 inputs whose
// channels are contiguous, on machines with a kernel for it (AVX-512).
//
// A row of the patch matrix (one output position) is, for each kernel
// position, a run of the group's input channels lying contiguous in the
// input, or zeros where the kernel meets padding. So instead of gathering
// rows into packed panels, the driver gives the micro-kernel, for each
// kernel position, the addresses of the runs its tile's rows meet (a run
// of zeros for padding), and the micro-kernel broadcasts the patch values
// from there. The weights are packed once into B panels as for the GEMM
// path. The weight's cotangent works the same way round: its micro-kernel
// reads the cotangent's rows and the input's runs in place, one address a
// step.

// The tile shapes: convTile computes convMR output positions by convNR
// output channels; convWeightsTile convWMR output channels by convWNR
// input channels of the weight's cotangent.
const (
	convMR, convNR   = 12, 32
	convWMR, convWNR = 8, 32
)

var (
	// convTile computes a convMR×convNR tile of the output: for i < convMR
	// and j < convNR,
	//
	//	c[i*ldc+j] (+)= Σ_kp Σ_{t<cg} x(tab[kp*convMR+i] - 4*(cg-t)) * b[(kp*cg+t)*convNR+j]
	//
	// where x(a) is the float32 at address a: tab holds for each kernel
	// position the end addresses of the tile's rows' runs of cg values.
	// With acc the products are added to c, else c is only written. Nil
	// where the machine has no such kernel.
	convTile func(kpos, cg int, tab []uintptr, b, c []float32, ldc int, acc bool)
	// convWeightsTile adds to a convWMR×convWNR tile of c, for i <
	// convWMR and j < convWNR,
	//
	//	c[i*ldc+j] += Σ_{p<k} g[p*ldg+i] * x(tab[p] + off + 4*j).
	//
	// Nil where the machine has no such kernel.
	convWeightsTile func(k int, tab []uintptr, off int, g []float32, ldg int, c []float32, ldc int)
)

// convDirectOK reports whether the direct convolution computes g's output
// from an input of n elements.
func convDirectOK(g *convGeom, n int) bool {
	return convTile != nil && n > 0 && g.inStr[g.nd+1] == 1 && g.cg >= 8 && g.kred > 0
}

// convWeightsDirectOK reports whether the direct kernels compute g's
// weight cotangent from an input of n elements.
func convWeightsDirectOK(g *convGeom, n int) bool {
	return convWeightsTile != nil && n > 0 && g.inStr[g.nd+1] == 1 &&
		g.cg%convWNR == 0 && g.og%convWMR == 0 && g.kred > 0
}

// convAddrs sets tab[kp*step] for each kernel position kp to base plus
// four times the offset in the input of the first channel that output row
// r meets at kp, or to zero where it meets padding. bs is scratch of nd
// elements.
func convAddrs(g *convGeom, r int, base, zero uintptr, tab []uintptr, step int, bs []int) {
	nd := g.nd
	for j := nd - 1; j >= 0; j-- {
		o := r % g.outSp[j]
		r /= g.outSp[j]
		bs[j] = o*g.stride[j] - g.padLo[j]
	}
	rowOff := g.inOff + r*g.inStr[0]
	for kp := 0; kp < g.kpos; kp++ {
		off := rowOff
		kc := g.kcoord[kp*nd : kp*nd+nd]
		for j := 0; j < nd; j++ {
			x := bs[j] + kc[j]
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
		a := zero
		if off >= 0 {
			a = base + uintptr(off)*4
		}
		tab[kp*step] = a
	}
}

// heapZeros returns n zeros on the heap (never on a goroutine's stack,
// which may move while the kernels hold its address as an integer).
func heapZeros(n int) []float32 {
	z := getGemmBuf[float32](n)
	clear(z)
	return z
}

// convDirect computes the convolution g of in by w into c, the row-major
// output (rows × cout); convDirectOK(g, len(in)) must hold.
func convDirect(g *convGeom, in, w, c []float32) {
	const mr, nr = convMR, convNR
	c = c[:g.rows*g.cout]
	ogPad := roundUp(g.og, nr)
	kred := g.kred
	bp := getGemmBuf[float32](g.groups * kred * ogPad)
	defer putGemmBuf(bp)
	packConvWeights(g, w, bp, kred, nr, ogPad) // one block of the whole inner dimension

	workers := runtime.GOMAXPROCS(0)
	if g.rows*g.cout*g.kred < gemmParallelMin {
		workers = 1
	}
	rowBlock := 8 * mr
	if workers > 1 {
		perGroup := (4*workers + g.groups - 1) / g.groups
		rowBlock = min(rowBlock, max(mr, roundUp((g.rows+perGroup-1)/perGroup, mr)))
	}
	blocks := (g.rows + rowBlock - 1) / rowBlock
	units := blocks * g.groups
	workers = min(workers, units)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(in)))
	var next atomic.Int32
	runParts(workers, func(int) {
		tab := make([]uintptr, g.kpos*mr)
		zeros := heapZeros(g.cg)
		defer putGemmBuf(zeros)
		zero := uintptr(unsafe.Pointer(unsafe.SliceData(zeros))) + uintptr(g.cg)*4
		bs := make([]int, g.nd)
		tile := make([]float32, mr*nr)
		for {
			u := int(next.Add(1)) - 1
			if u >= units {
				break
			}
			grp, r0 := u%g.groups, u/g.groups*rowBlock
			end := min(r0+rowBlock, g.rows)
			// The runs of group grp end (grp+1)*cg elements past their
			// positions' first channel.
			gbase := base + uintptr((grp+1)*g.cg)*4
			for t0 := r0; t0 < end; t0 += mr {
				rows := min(mr, end-t0)
				for i := 0; i < mr; i++ {
					if i < rows {
						convAddrs(g, t0+i, gbase, zero, tab[i:], mr, bs)
						continue
					}
					for kp := 0; kp < g.kpos; kp++ {
						tab[kp*mr+i] = zero
					}
				}
				for q := 0; q*nr < g.og; q++ {
					n := min(nr, g.og-q*nr)
					b := bp[grp*kred*ogPad+q*kred*nr:]
					o := t0*g.cout + grp*g.og + q*nr
					if rows == mr && n == nr {
						convTile(g.kpos, g.cg, tab, b, c[o:], g.cout, false)
						continue
					}
					convTile(g.kpos, g.cg, tab, b, tile, nr, false)
					for i := 0; i < rows; i++ {
						copy(c[o+i*g.cout:o+i*g.cout+n], tile[i*nr:i*nr+n])
					}
				}
			}
		}
		runtime.KeepAlive(zeros)
	})
	runtime.KeepAlive(in)
}

// convWeightsDirect computes the weight cotangent of convolution g (built
// with the weight's shape) from the input in and the row-major cotangent
// cot into c, row-major [cout, kred]; convWeightsDirectOK(g, len(in))
// must hold. The output positions are split into chunks that the workers
// claim; each worker adds its chunks' products into its own copy of the
// result, and the copies are summed at the end.
func convWeightsDirect(g *convGeom, in, cot, c []float32) {
	const chunk = 64
	const mr, nr = convWMR, convWNR
	c = c[:g.cout*g.kred]
	clear(c)
	chunks := (g.rows + chunk - 1) / chunk
	workers := runtime.GOMAXPROCS(0)
	if g.rows*g.cout*g.kred < gemmParallelMin {
		workers = 1
	}
	workers = min(workers, chunks)
	parts := make([][]float32, workers)
	parts[0] = c
	for w := 1; w < workers; w++ {
		parts[w] = getGemmBuf[float32](len(c))
		clear(parts[w])
	}
	cin := g.cg * g.groups
	base := uintptr(unsafe.Pointer(unsafe.SliceData(in)))
	var next atomic.Int32
	runParts(workers, func(w int) {
		dst := parts[w]
		tab := make([]uintptr, g.kpos*chunk)
		zeros := heapZeros(cin)
		defer putGemmBuf(zeros)
		zero := uintptr(unsafe.Pointer(unsafe.SliceData(zeros)))
		bs := make([]int, g.nd)
		for {
			u := int(next.Add(1)) - 1
			if u >= chunks {
				break
			}
			r0 := u * chunk
			k := min(chunk, g.rows-r0)
			for p := 0; p < k; p++ {
				convAddrs(g, r0+p, base, zero, tab[p:], chunk, bs)
			}
			for kp := 0; kp < g.kpos; kp++ {
				t := tab[kp*chunk : kp*chunk+k]
				for grp := 0; grp < g.groups; grp++ {
					for co := 0; co < g.og; co += mr {
						gr := cot[r0*g.cout+grp*g.og+co:]
						for ci := 0; ci < g.cg; ci += nr {
							o := (grp*g.og+co)*g.kred + kp*g.cg + ci
							convWeightsTile(k, t, (grp*g.cg+ci)*4, gr, g.cout, dst[o:], g.kred)
						}
					}
				}
			}
		}
		runtime.KeepAlive(zeros)
	})
	runtime.KeepAlive(in)
	for w := 1; w < workers; w++ {
		p := parts[w]
		parallelFor(len(c), 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				c[i] += p[i]
			}
		})
		putGemmBuf(p)
	}
}
