package cpu

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The direct convolution: an implicit GEMM whose micro-kernel reads the
// patch matrix where it lies in the input, for float32 inputs whose
// channels are contiguous, on machines with kernels for it (AVX-512, AVX2).
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

// convTileKernel computes an mr×nr tile of the output: for i < mr and
// j < nr,
//
//	c[i*ldc+j] (+)= Σ_kp Σ_{t<cg} x(tab[kp*mr+i] - 4*(cg-t)) * b[(kp*cg+t)*nr+j]
//
// over kpos kernel positions, where x(a) is the float32 at address a: tab
// holds for each kernel position the end addresses of the tile's rows'
// runs of cg values, and b is packed weights, nr values a step. With acc
// the products are added to c, else c is only written.
type convTileKernel struct {
	mr, nr int
	fn     func(kpos, cg int, tab []uintptr, b, c []float32, ldc int, acc bool)
}

// convWeightsKernel adds to an mr×nr tile of the weight's cotangent c
// (rows: output channels, columns: input channels), for skip ≤ i < mr and
// j < nr,
//
//	c[i*ldc+j] += Σ_{p<k} g[p*ldg+i] * x(tab[p] + off + 4*j),
//
// leaving the tile's first skip rows as they are.
type convWeightsKernel struct {
	mr, nr int
	fn     func(k int, tab []uintptr, off int, g []float32, ldg int, c []float32, ldc, skip int)
}

// convKernelSet is the direct convolution's kernels for one instruction
// set, each list best first.
type convKernelSet struct {
	name    string
	tiles   []convTileKernel    // the first whose nr divides the output channels, else the last
	weights []convWeightsKernel // the first whose nr divides the input channels
}

var (
	// convKernels is the set in use: nil where the machine has none, and
	// convKernelSets all the sets it can run (the tests check each). The
	// assembly files fill them in at start-up.
	convKernels    *convKernelSet
	convKernelSets []*convKernelSet
)

// tile returns the kernel for og output channels a group.
func (s *convKernelSet) tile(og int) convTileKernel {
	for _, k := range s.tiles {
		if og%k.nr == 0 {
			return k
		}
	}
	return s.tiles[len(s.tiles)-1]
}

// weightsTile returns the kernel for the weight's cotangent with cg input
// and og output channels a group: its columns must divide cg, while og
// need only be at least its rows (the last tile of rows overlaps the one
// before, its first rows skipped).
func (s *convKernelSet) weightsTile(cg, og int) (convWeightsKernel, bool) {
	for _, k := range s.weights {
		if cg%k.nr == 0 && og >= k.mr {
			return k, true
		}
	}
	return convWeightsKernel{}, false
}

// convDirectOK reports whether the direct convolution computes g's output
// from an input of n elements.
func convDirectOK(g *convGeom, n int) bool {
	return convKernels != nil && n > 0 && g.inStr[g.nd+1] == 1 && g.cg >= 8 && g.kred > 0
}

// convWeightsDirectOK reports whether the direct kernels compute g's
// weight cotangent from an input of n elements.
func convWeightsDirectOK(g *convGeom, n int) bool {
	if convKernels == nil || n == 0 || g.inStr[g.nd+1] != 1 || g.kred == 0 {
		return false
	}
	_, ok := convKernels.weightsTile(g.cg, g.og)
	return ok
}

// convAddrs sets tab[(kp*step)+p*pstep] for each kernel position kp and
// each of the n output rows r0+p to base plus four times the offset in the
// input of the first channel that the row meets at kp, or to zero where it
// meets padding. o (nd elements) is scratch.
func convAddrs(g *convGeom, r0, n int, base, zero uintptr, tab []uintptr, step, pstep int, o []int) {
	nd := g.nd
	r := r0
	for j := nd - 1; j >= 0; j-- {
		o[j] = r % g.outSp[j]
		r /= g.outSp[j]
	}
	idil := false
	for _, d := range g.idil {
		idil = idil || d != 1
	}
	// The kernel positions' offsets in bytes from the window's start.
	delta := make([]uintptr, g.kpos)
	for kp, d := range g.kdelta {
		delta[kp] = uintptr(d) * 4
	}
	stride, padLo, kspan, inSp, inStr := g.stride[:nd], g.padLo[:nd], g.kspan[:nd], g.inSp[:nd], g.inStr[1:nd+1]
	for p := 0; p < n; p++ {
		// The window's start in the dilated, padded input, and whether
		// every kernel position falls inside the input there.
		off, inside := g.inOff+r*g.inStr[0], !idil
		for j := range o {
			b := o[j]*stride[j] - padLo[j]
			off += b * inStr[j]
			inside = inside && b >= 0 && b+kspan[j] <= inSp[j]
		}
		t := tab[p*pstep : p*pstep+(g.kpos-1)*step+1]
		if inside {
			a := base + uintptr(off)*4
			for kp, d := range delta {
				t[kp*step] = a + d
			}
		} else {
			for kp := 0; kp < g.kpos; kp++ {
				t[kp*step] = convAddr(g, r, o, kp, base, zero)
			}
		}
		// The next row.
		for j := nd - 1; j >= 0; j-- {
			if o[j]++; o[j] < g.outSp[j] {
				break
			}
			o[j] = 0
			if j == 0 {
				r++
			}
		}
	}
}

// convAddr is the address that convAddrs gives kernel position kp of the
// output row at batch index n and output coordinates o.
func convAddr(g *convGeom, n int, o []int, kp int, base, zero uintptr) uintptr {
	nd := g.nd
	off := g.inOff + n*g.inStr[0]
	kc := g.kcoord[kp*nd : kp*nd+nd]
	for j := 0; j < nd; j++ {
		x := o[j]*g.stride[j] - g.padLo[j] + kc[j]
		if x < 0 {
			return zero
		}
		if id := g.idil[j]; id != 1 {
			if x%id != 0 {
				return zero
			}
			x /= id
		}
		if x >= g.inSp[j] {
			return zero
		}
		off += x * g.inStr[j+1]
	}
	return base + uintptr(off)*4
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
//
// Workers claim blocks of output rows. For a block, the addresses of every
// tile's rows are made first; then the inner dimension is taken in blocks
// of kernel positions whose packed weights stay in the L2 cache, each
// block through every tile of the block of rows, the tiles adding to the
// output. Tiles cut by the edges of the output are computed whole into a
// buffer and copied.
func convDirect(g *convGeom, in, w, c []float32) {
	tk := convKernels.tile(g.og)
	mr, nr, kern := tk.mr, tk.nr, tk.fn
	c = c[:g.rows*g.cout]
	ogPad := roundUp(g.og, nr)
	kred := g.kred
	bp := getGemmBuf[float32](g.groups * kred * ogPad)
	defer putGemmBuf(bp)
	packConvWeights(g, w, bp, kred, nr, ogPad) // one block of the whole inner dimension
	// Kernel positions per block of the inner dimension: a block of one
	// panel of weights within convKBytes.
	kpb := min(g.kpos, max(1, convKBytes/(g.cg*nr*4)))

	workers := runtime.GOMAXPROCS(0)
	if g.rows*g.cout*g.kred < gemmParallelMin {
		workers = 1
	}
	tiles := 96 / mr // tiles per block of rows
	if workers > 1 {
		perGroup := (4*workers + g.groups - 1) / g.groups
		tiles = min(tiles, max(1, (g.rows+perGroup*mr-1)/(perGroup*mr)))
	}
	rowBlock := tiles * mr
	blocks := (g.rows + rowBlock - 1) / rowBlock
	units := blocks * g.groups
	workers = min(workers, units)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(in)))
	var next atomic.Int32
	runParts(workers, func(int) {
		tt := g.kpos * mr // table entries a tile
		tab := make([]uintptr, tiles*tt)
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
			nt := (end - r0 + mr - 1) / mr
			for t := 0; t < nt; t++ {
				rows := min(mr, end-r0-t*mr)
				tb := tab[t*tt : (t+1)*tt]
				convAddrs(g, r0+t*mr, rows, gbase, zero, tb, mr, 1, bs)
				for i := rows; i < mr; i++ {
					for kp := 0; kp < g.kpos; kp++ {
						tb[kp*mr+i] = zero
					}
				}
			}
			full := (end - r0) / mr // whole tiles
			for q := 0; q*nr < g.og; q++ {
				n := min(nr, g.og-q*nr)
				b := bp[grp*kred*ogPad+q*kred*nr:]
				o := r0*g.cout + grp*g.og + q*nr
				if n == nr {
					for k0 := 0; k0 < g.kpos; k0 += kpb {
						kn := min(kpb, g.kpos-k0)
						for t := 0; t < full; t++ {
							kern(kn, g.cg, tab[t*tt+k0*mr:], b[k0*g.cg*nr:], c[o+t*mr*g.cout:], g.cout, k0 > 0)
						}
					}
				}
				for t := 0; t < nt; t++ {
					if t < full && n == nr {
						continue
					}
					rows := min(mr, end-r0-t*mr)
					kern(g.kpos, g.cg, tab[t*tt:], b, tile, nr, false)
					for i := 0; i < rows; i++ {
						d := o + (t*mr+i)*g.cout
						copy(c[d:d+n], tile[i*nr:i*nr+n])
					}
				}
			}
		}
	})
	runtime.KeepAlive(in)
}

// convKBytes bounds the bytes of packed weights that one call of a
// direct-convolution tile kernel reads, so that they stay in the L2 cache
// while the calls go through the tiles of a block of rows. (Blocks small
// enough for the L1 cache measured slower: adding each block's products
// to the output costs more than streaming the weights from L2.)
var convKBytes = 256 << 10

// convWeightsDirect computes the weight cotangent of convolution g (built
// with the weight's shape) from the input in and the row-major cotangent
// cot into c, row-major [cout, kred]; convWeightsDirectOK(g, len(in))
// must hold. The output positions are split into chunks that the workers
// claim; each worker adds its chunks' products into its own copy of the
// result, and the copies are summed at the end.
func convWeightsDirect(g *convGeom, in, cot, c []float32) {
	const chunk = convWChunk
	wk, _ := convKernels.weightsTile(g.cg, g.og)
	mr, nr, kern := wk.mr, wk.nr, wk.fn
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
			convAddrs(g, r0, k, base, zero, tab, chunk, 1, bs)
			for kp := 0; kp < g.kpos; kp++ {
				t := tab[kp*chunk : kp*chunk+k]
				for grp := 0; grp < g.groups; grp++ {
					for co := 0; co < g.og; co += mr {
						// The last tile of rows may start before co,
						// overlapping the one before: its rows before co
						// are left out.
						c0 := min(co, g.og-mr)
						gr := cot[r0*g.cout+grp*g.og+c0:]
						for ci := 0; ci < g.cg; ci += nr {
							o := (grp*g.og+c0)*g.kred + kp*g.cg + ci
							kern(k, t, (grp*g.cg+ci)*4, gr, g.cout, dst[o:], g.kred, co-c0)
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

// convWChunk is the number of output positions in a chunk of the weight's
// cotangent: their cotangent rows and input runs stay in the L1 cache
// while the chunk goes through the tiles.
const convWChunk = 64
