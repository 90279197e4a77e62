package cpu

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The blocked matrix product (GEMM) follows BLIS: C is computed in blocks
// of nc columns; for each block of kc steps of the inner dimension a
// kc×nc block of B is packed into contiguous panels of nr columns, then for
// each block of mc rows an mc×kc block of A is packed into panels of mr
// rows, and a register-blocked micro-kernel multiplies one A panel by one B
// panel into an mr×nr tile of C. Packing reads any strides (transposed or
// broadcast operands need no copy beforehand) and converts half-precision
// inputs to float32. The micro-kernel is the only part that wants to be
// written per instruction set; gemm_kernels.go holds the pure-Go ones and
// the variables an assembly kernel would replace.

// gemmFloat is an element type the blocked GEMM computes in.
type gemmFloat interface{ ~float32 | ~float64 }

// microKernel computes one mr×nr tile of C from a packed A panel (a[p*mr+i])
// and a packed B panel (b[p*nr+j]), k ≥ 1 steps long:
//
//	c[i*ldc+j] = alpha*Σ_p a[p*mr+i]*b[p*nr+j] + beta*c[i*ldc+j]
//
// for i < mr and j < nr. With beta zero, c is only written (it may hold
// garbage or NaN before).
type microKernel[T gemmFloat] func(k int, a, b, c []T, ldc int, alpha, beta T)

// gemmConfig is a micro-kernel with its tile shape and its cache blocking
// (an mc×kc block of A stays in the L2 cache, a kc×nr panel of B in L1, and
// a kc×nc block of B in L3), and the vector kernels of matrix-vector
// products for the same instruction set: dot returns Σ x[i]*y[i] over
// len(x) elements, axpy adds s*x to y (y at least as long as x).
type gemmConfig[T gemmFloat] struct {
	name       string
	mr, nr     int
	mc, kc, nc int // mc a multiple of mr, nc a multiple of nr
	kernel     microKernel[T]
	dot        func(x, y []T) T
	axpy       func(s T, x, y []T)
}

// matrix is a strided matrix: element (i, j) is data[off+i*rs+j*cs].
type matrix[S any] struct {
	data        []S
	off, rs, cs int
}

// at returns the matrix starting at row i and column j of m.
func (m matrix[S]) at(i, j int) matrix[S] {
	m.off += i*m.rs + j*m.cs
	return m
}

// t returns the transpose of m.
func (m matrix[S]) t() matrix[S] {
	m.rs, m.cs = m.cs, m.rs
	return m
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

// gemmTeam is what the workers computing one GEMM together share: two
// buffers for packed kc×nc blocks of B (one is packed while the other may
// still be read), a barrier, and for each block of B a counter (three,
// used in turn) through which the workers claim blocks of rowBlock rows of
// C, each packing its own blocks of A. Claiming rather than a fixed split keeps both cores busy
// when one of them is slowed by other work.
type gemmTeam[T gemmFloat] struct {
	workers  int
	bp       [2][]T
	bar      barrier
	rowBlock int
	claims   [3]atomic.Int32 // per step of the (jc, pc) loops, in turn
}

func newGemmTeam[T gemmFloat](cfg *gemmConfig[T], m, n, k, workers int) *gemmTeam[T] {
	size := roundUp(min(cfg.nc, n), cfg.nr) * min(cfg.kc, k)
	t := &gemmTeam[T]{workers: workers, bar: barrier{n: workers}}
	t.bp[0] = getGemmBuf[T](size)
	if workers > 1 {
		t.bp[1] = getGemmBuf[T](size)
	} else {
		t.bp[1] = t.bp[0] // nobody else reads it
	}
	// About four blocks of rows per worker, each at most mc rows.
	t.rowBlock = cfg.mc
	if workers > 1 {
		t.rowBlock = min(cfg.mc, max(cfg.mr, roundUp((m+4*workers-1)/(4*workers), cfg.mr)))
	}
	return t
}

// reset readies the team for the next matrix; no worker may be running.
func (t *gemmTeam[T]) reset() {
	for i := range t.claims {
		t.claims[i].Store(0)
	}
}

func (t *gemmTeam[T]) release() {
	putGemmBuf(t.bp[0])
	if t.workers > 1 {
		putGemmBuf(t.bp[1])
	}
}

// gemmWorker holds one worker's buffers: a packed block of A and a tile.
type gemmWorker[T gemmFloat] struct {
	ap, tile []T
}

func newGemmWorker[T gemmFloat](cfg *gemmConfig[T], m, k int) *gemmWorker[T] {
	return &gemmWorker[T]{
		ap:   getGemmBuf[T](roundUp(min(cfg.mc, m), cfg.mr) * min(cfg.kc, k)),
		tile: make([]T, cfg.mr*cfg.nr),
	}
}

func (w *gemmWorker[T]) release() {
	if w != nil {
		putGemmBuf(w.ap)
	}
}

// gemmPools keep packing buffers from one GEMM to the next, per element type.
var gemmPools [2]sync.Pool

func gemmPool[T gemmFloat]() *sync.Pool {
	var z T
	if _, ok := any(z).(float32); ok {
		return &gemmPools[0]
	}
	return &gemmPools[1]
}

// getGemmBuf returns a buffer of n elements with undefined contents.
func getGemmBuf[T gemmFloat](n int) []T {
	if b, _ := gemmPool[T]().Get().(*[]T); b != nil && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]T, n)
}

func putGemmBuf[T gemmFloat](b []T) { gemmPool[T]().Put(&b) }

// split returns the part [lo, hi) of units that worker w of n takes.
func split(units, w, n int) (lo, hi int) { return w * units / n, (w + 1) * units / n }

// gemmBlocked computes worker w's part of C = alpha*A*B + beta*C for A m×k,
// B k×n and C m×n row-major with row stride ldc from c[coff]; every worker
// of the team must call it. S is T, or core.F16 or core.BF16 when T is
// float32. k must be at least one.
func gemmBlocked[S any, T gemmFloat](cfg *gemmConfig[T], m, n, k int, alpha T, a, b matrix[S], beta T, c []T, coff, ldc int, team *gemmTeam[T], w int, wk *gemmWorker[T]) {
	mr, nr := cfg.mr, cfg.nr
	blocks := (m + team.rowBlock - 1) / team.rowBlock
	step := 0
	for jc := 0; jc < n; jc += cfg.nc {
		nb := min(cfg.nc, n-jc)
		q0, q1 := split((nb+nr-1)/nr, w, team.workers) // the B panels it packs
		for pc := 0; pc < k; pc += cfg.kc {
			kb := min(cfg.kc, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			bp, claims := team.bp[step%2], &team.claims[step%3]
			if w == 0 {
				// The counter of the next step was last used two steps
				// ago: every worker has passed the barrier since, and
				// none uses it again before the next barrier.
				team.claims[(step+1)%3].Store(0)
			}
			step++
			if q1 > q0 {
				packPanels(bp[q0*nr*kb:], b.at(pc, jc+q0*nr).t(), min(q1*nr, nb)-q0*nr, kb, nr)
			}
			team.bar.wait() // the whole block of B is packed
			for {
				blk := int(claims.Add(1)) - 1
				if blk >= blocks {
					break
				}
				ic := blk * team.rowBlock
				mb := min(team.rowBlock, m-ic)
				packPanels(wk.ap, a.at(ic, pc), mb, kb, mr)
				macroKernel(cfg, mb, nb, kb, alpha, wk.ap, bp, bet, c, coff+ic*ldc+jc, ldc, wk.tile)
			}
		}
	}
}

// barrier makes n goroutines wait for each other, any number of times.
type barrier struct {
	n     int
	mu    sync.Mutex
	cond  sync.Cond
	count int
	gen   int
}

func (b *barrier) wait() {
	if b.n <= 1 {
		return
	}
	b.mu.Lock()
	if b.cond.L == nil {
		b.cond.L = &b.mu
	}
	gen := b.gen
	b.count++
	if b.count == b.n {
		b.count = 0
		b.gen++
		b.cond.Broadcast()
	} else {
		for gen == b.gen {
			b.cond.Wait()
		}
	}
	b.mu.Unlock()
}

// macroKernel multiplies a packed mb×kb block of A by a packed kb×nb block
// of B into C, one micro-kernel tile at a time. Tiles cut by the block's
// edge are computed into tile and copied.
func macroKernel[T gemmFloat](cfg *gemmConfig[T], mb, nb, kb int, alpha T, ap, bp []T, beta T, c []T, coff, ldc int, tile []T) {
	mr, nr, kern := cfg.mr, cfg.nr, cfg.kernel
	for jr := 0; jr < nb; jr += nr {
		nn := min(nr, nb-jr)
		bpan := bp[jr*kb : (jr+nr)*kb]
		for ir := 0; ir < mb; ir += mr {
			mm := min(mr, mb-ir)
			apan := ap[ir*kb : (ir+mr)*kb]
			o := coff + ir*ldc + jr
			if mm == mr && nn == nr {
				kern(kb, apan, bpan, c[o:o+(mr-1)*ldc+nr], ldc, alpha, beta)
				continue
			}
			kern(kb, apan, bpan, tile, nr, alpha, 0)
			for i := 0; i < mm; i++ {
				row := c[o+i*ldc : o+i*ldc+nn]
				t := tile[i*nr : i*nr+nn]
				if beta == 0 {
					copy(row, t)
					continue
				}
				for j := range row {
					row[j] = t[j] + beta*row[j]
				}
			}
		}
	}
}

// packPanels packs the rows×cols matrix x into dst as ceil(rows/r) panels
// of cols×r elements, panel q holding dst[q*cols*r+p*r+i] = x[q*r+i, p];
// rows past the end are zeros. A block of A is packed as it is (r = mr), a
// block of B as its transpose (r = nr).
func packPanels[S any, T gemmFloat](dst []T, x matrix[S], rows, cols, r int) {
	switch s := any(x.data).(type) {
	case []T:
		packSame(dst, matrix[T]{s, x.off, x.rs, x.cs}, rows, cols, r)
	case []core.F16:
		packHalf(any(dst).([]float32), matrix[core.F16]{s, x.off, x.rs, x.cs}, rows, cols, r, f16Table())
	case []core.BF16:
		packHalf(any(dst).([]float32), matrix[core.BF16]{s, x.off, x.rs, x.cs}, rows, cols, r, bf16Table())
	default:
		panic("cpu: gemm packing from an unexpected element type")
	}
}

func packSame[T gemmFloat](dst []T, x matrix[T], rows, cols, r int) {
	for q := 0; q*r < rows; q++ {
		pan := dst[q*cols*r : (q+1)*cols*r]
		rr := min(r, rows-q*r)
		base := x.off + q*r*x.rs
		switch {
		case x.rs == 1 && rr == r:
			// Each step p is r consecutive elements.
			for p := 0; p < cols; p++ {
				o := base + p*x.cs
				copy(pan[p*r:p*r+r], x.data[o:o+r])
			}
		case x.cs == 1:
			// Rows are consecutive: read four at a time in order, and
			// write four consecutive elements per step.
			i := 0
			for ; i+4 <= rr; i += 4 {
				o := base + i*x.rs
				r0 := x.data[o : o+cols]
				r1 := x.data[o+x.rs : o+x.rs+cols]
				r2 := x.data[o+2*x.rs : o+2*x.rs+cols]
				r3 := x.data[o+3*x.rs : o+3*x.rs+cols]
				for p := range r0 {
					d := (*[4]T)(pan[p*r+i : p*r+i+4])
					d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
				}
			}
			for ; i < rr; i++ {
				o := base + i*x.rs
				for p, v := range x.data[o : o+cols] {
					pan[p*r+i] = v
				}
			}
		default:
			for p := 0; p < cols; p++ {
				o := base + p*x.cs
				d := pan[p*r : p*r+rr]
				for i := range d {
					d[i] = x.data[o]
					o += x.rs
				}
			}
		}
		if rr < r {
			for p := 0; p < cols; p++ {
				clear(pan[p*r+rr : p*r+r])
			}
		}
	}
}

// packHalf packs half-precision values as packSame does, converting them
// to float32 through tab, the float32 value of every 16-bit pattern.
func packHalf[H ~uint16](dst []float32, x matrix[H], rows, cols, r int, tab *[1 << 16]float32) {
	for q := 0; q*r < rows; q++ {
		pan := dst[q*cols*r : (q+1)*cols*r]
		rr := min(r, rows-q*r)
		base := x.off + q*r*x.rs
		switch {
		case x.rs == 1 && rr == r:
			for p := 0; p < cols; p++ {
				o := base + p*x.cs
				d := pan[p*r : p*r+r]
				for i, v := range x.data[o : o+r] {
					d[i] = tab[v]
				}
			}
		case x.cs == 1:
			i := 0
			for ; i+4 <= rr; i += 4 {
				o := base + i*x.rs
				r0 := x.data[o : o+cols]
				r1 := x.data[o+x.rs : o+x.rs+cols]
				r2 := x.data[o+2*x.rs : o+2*x.rs+cols]
				r3 := x.data[o+3*x.rs : o+3*x.rs+cols]
				for p := range r0 {
					d := (*[4]float32)(pan[p*r+i : p*r+i+4])
					d[0], d[1], d[2], d[3] = tab[r0[p]], tab[r1[p]], tab[r2[p]], tab[r3[p]]
				}
			}
			for ; i < rr; i++ {
				o := base + i*x.rs
				for p, v := range x.data[o : o+cols] {
					pan[p*r+i] = tab[v]
				}
			}
		default:
			for p := 0; p < cols; p++ {
				o := base + p*x.cs
				d := pan[p*r : p*r+rr]
				for i := range d {
					d[i] = tab[x.data[o]]
					o += x.rs
				}
			}
		}
		if rr < r {
			for p := 0; p < cols; p++ {
				clear(pan[p*r+rr : p*r+r])
			}
		}
	}
}

// f16Table and bf16Table return the float32 value of every float16 or
// bfloat16 bit pattern (256 KiB each, made on first use).
var f16Table = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for i := range t {
		t[i] = core.F16(i).Float32()
	}
	return t
})

var bf16Table = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for i := range t {
		t[i] = core.BF16(i).Float32()
	}
	return t
})

// gemmJob is a stack of GEMMs of one shape: C[t] = alpha*A[t]*B[t] +
// beta*C[t] for each batch t, A[t] and B[t] starting at aOffs[t] and
// bOffs[t] (their row and column strides from a and b), C[t] row-major
// at t*m*n in c.
type gemmJob[S any, T gemmFloat] struct {
	cfg          *gemmConfig[T]
	m, n, k      int
	alpha, beta  T
	a, b         matrix[S]
	aOffs, bOffs []int
	c            []T
}

// gemmParallelMin is the smallest number of multiply-adds worth splitting
// over several goroutines.
const gemmParallelMin = 1 << 18

// run computes the job, split over the cores: whole matrices go to
// different workers when there are enough of them; otherwise each matrix
// is split by rows or columns.
func (j *gemmJob[S, T]) run() {
	nb := len(j.aOffs)
	if nb == 0 || j.m == 0 || j.n == 0 {
		return
	}
	if j.k == 0 {
		scaleSlice(j.c[:nb*j.m*j.n], j.beta)
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if nb*j.m*j.n*j.k < gemmParallelMin {
		workers = 1
	}
	// part computes the columns [j0, j1) of matrix t, as worker w of team.
	part := func(t, j0, j1 int, team *gemmTeam[T], w int, wk *gemmWorker[T]) {
		a, b := j.a, j.b
		a.off, b.off = j.aOffs[t], j.bOffs[t]+j0*j.b.cs
		coff, n := t*j.m*j.n+j0, j1-j0
		if j.m == 1 || n == 1 {
			if n == 1 { // C = A·b: rows of A dotted with b's column
				lo, hi := split(j.m, w, team.workers)
				gemv(j.cfg, hi-lo, j.k, j.alpha, a.at(lo, 0), b, b.rs, j.beta, j.c, coff+lo*j.n, j.n)
			} else { // C = a·B: rows of Bᵀ dotted with a's row
				lo, hi := split(n, w, team.workers)
				gemv(j.cfg, hi-lo, j.k, j.alpha, b.at(0, lo).t(), a, a.cs, j.beta, j.c, coff+lo, 1)
			}
			return
		}
		if ad, ok := any(a.data).([]T); ok && j.m*n*j.k <= gemmSmallMax && team.workers == 1 {
			gemmSmall(j.m, n, j.k, j.alpha, matrix[T]{ad, a.off, a.rs, a.cs},
				matrix[T]{any(b.data).([]T), b.off, b.rs, b.cs}, j.beta, j.c, coff, j.n)
			return
		}
		if team.workers == 1 {
			team.reset()
		}
		gemmBlocked(j.cfg, j.m, n, j.k, j.alpha, a, b, j.beta, j.c, coff, j.n, team, w, wk)
	}
	if workers == 1 || nb >= 4*workers || nb%workers == 0 {
		// Whole matrices to each worker.
		parts := min(workers, nb)
		runParts(parts, func(p int) {
			team, wk := newGemmTeam(j.cfg, j.m, j.n, j.k, 1), newGemmWorker(j.cfg, j.m, j.k)
			lo, hi := split(nb, p, parts)
			for t := lo; t < hi; t++ {
				part(t, 0, j.n, team, 0, wk)
			}
			team.release()
			wk.release()
		})
		return
	}
	wks := make([]*gemmWorker[T], workers)
	defer func() {
		for _, wk := range wks {
			wk.release()
		}
	}()
	rowUnits, colUnits := (j.m+j.cfg.mr-1)/j.cfg.mr, (j.n+j.cfg.nr-1)/j.cfg.nr
	if rowUnits >= 4*workers || rowUnits >= colUnits {
		// Each matrix by all workers together, split by rows.
		team := newGemmTeam(j.cfg, j.m, j.n, j.k, workers)
		defer team.release()
		for t := 0; t < nb; t++ {
			team.reset()
			runParts(workers, func(w int) {
				if wks[w] == nil {
					wks[w] = newGemmWorker(j.cfg, j.m, j.k)
				}
				part(t, 0, j.n, team, w, wks[w])
			})
		}
		return
	}
	// Few rows: each worker computes a slab of columns alone.
	teams := make([]*gemmTeam[T], workers)
	defer func() {
		for _, t := range teams {
			if t != nil {
				t.release()
			}
		}
	}()
	for t := 0; t < nb; t++ {
		runParts(workers, func(w int) {
			lo, hi := split(colUnits, w, workers)
			j0, j1 := lo*j.cfg.nr, min(hi*j.cfg.nr, j.n)
			if j0 >= j1 {
				return
			}
			if wks[w] == nil {
				teams[w], wks[w] = newGemmTeam(j.cfg, j.m, j1-j0, j.k, 1), newGemmWorker(j.cfg, j.m, j.k)
			}
			part(t, j0, j1, teams[w], 0, wks[w])
		})
	}
}

// runParts calls fn(0) ... fn(parts-1) concurrently, fn(0) on the calling
// goroutine, and returns when all are done.
func runParts(parts int, fn func(p int)) {
	if parts <= 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(p)
		}()
	}
	fn(0)
	wg.Wait()
}

// scaleSlice multiplies x by s in place; s zero clears x (NaN included).
func scaleSlice[T gemmFloat](x []T, s T) {
	switch s {
	case 0:
		clear(x)
	case 1:
	default:
		for i := range x {
			x[i] *= s
		}
	}
}

// gemmSmallMax is the largest product (m·n·k multiply-adds) computed
// without packing: below it packing and the edges of the micro-kernel's
// tile cost more than they save.
const gemmSmallMax = 512

// gemmSmall computes C = alpha*A*B + beta*C for C m×n row-major with row
// stride ldc from c[coff], row by row, without packing.
func gemmSmall[T gemmFloat](m, n, k int, alpha T, a, b matrix[T], beta T, c []T, coff, ldc int) {
	for i := 0; i < m; i++ {
		row := c[coff+i*ldc : coff+i*ldc+n]
		scaleSlice(row, beta)
		for p := 0; p < k; p++ {
			s := alpha * a.data[a.off+i*a.rs+p*a.cs]
			bo := b.off + p*b.rs
			if b.cs == 1 {
				axpyGo(s, b.data[bo:bo+n], row)
				continue
			}
			for j := range row {
				row[j] += s * b.data[bo+j*b.cs]
			}
		}
	}
}

// gemv computes y = alpha*M*x + beta*y for an r×k matrix M, x with stride
// incx from x.data[x.off], and y with stride incy from y[yoff]; k ≥ 1. It is
// the product of a matrix and a vector (a 1-wide A or B), which packing
// would only slow down: rows of M that are contiguous are dotted with x,
// otherwise M's columns are added to y.
func gemv[S any, T gemmFloat](cfg *gemmConfig[T], r, k int, alpha T, mat, x matrix[S], incx int, beta T, y []T, yoff, incy int) {
	switch d := any(mat.data).(type) {
	case []T:
		xd := any(x.data).([]T)
		gemvSame(cfg, r, k, alpha, matrix[T]{d, mat.off, mat.rs, mat.cs}, matrix[T]{xd, x.off, x.rs, x.cs}, incx, beta, y, yoff, incy)
	case []core.F16:
		xd := any(x.data).([]core.F16)
		gemvHalf(any(cfg).(*gemmConfig[float32]), r, k, float32(alpha), matrix[core.F16]{d, mat.off, mat.rs, mat.cs},
			matrix[core.F16]{xd, x.off, x.rs, x.cs}, incx, float32(beta), any(y).([]float32), yoff, incy, f16Table())
	case []core.BF16:
		xd := any(x.data).([]core.BF16)
		gemvHalf(any(cfg).(*gemmConfig[float32]), r, k, float32(alpha), matrix[core.BF16]{d, mat.off, mat.rs, mat.cs},
			matrix[core.BF16]{xd, x.off, x.rs, x.cs}, incx, float32(beta), any(y).([]float32), yoff, incy, bf16Table())
	default:
		panic("cpu: gemv of an unexpected element type")
	}
}

func gemvSame[T gemmFloat](cfg *gemmConfig[T], r, k int, alpha T, mat matrix[T], x matrix[T], incx int, beta T, y []T, yoff, incy int) {
	if mat.cs == 1 || mat.rs != 1 || incy != 1 {
		for i := 0; i < r; i++ {
			var s T
			if mat.cs == 1 && incx == 1 {
				s = cfg.dot(mat.data[mat.off+i*mat.rs:mat.off+i*mat.rs+k], x.data[x.off:x.off+k])
			} else {
				o, xo := mat.off+i*mat.rs, x.off
				for p := 0; p < k; p++ {
					s += mat.data[o] * x.data[xo]
					o += mat.cs
					xo += incx
				}
			}
			o := yoff + i*incy
			if beta == 0 {
				y[o] = alpha * s
			} else {
				y[o] = alpha*s + beta*y[o]
			}
		}
		return
	}
	// Columns of M are contiguous: y += (alpha*x[p]) * M[:, p].
	ys := y[yoff : yoff+r]
	scaleSlice(ys, beta)
	for p := 0; p < k; p++ {
		o := mat.off + p*mat.cs
		cfg.axpy(alpha*x.data[x.off+p*incx], mat.data[o:o+r], ys)
	}
}

// gemvHalf is gemv for half-precision operands: the vector is converted
// once, and each row (or column) of the matrix as it is used, through tab.
func gemvHalf[H ~uint16](cfg *gemmConfig[float32], r, k int, alpha float32, mat, x matrix[H], incx int, beta float32, y []float32, yoff, incy int, tab *[1 << 16]float32) {
	xv := make([]float32, k)
	for p := range xv {
		xv[p] = tab[x.data[x.off+p*incx]]
	}
	if mat.cs == 1 || mat.rs != 1 || incy != 1 {
		row := make([]float32, k)
		for i := 0; i < r; i++ {
			o := mat.off + i*mat.rs
			if mat.cs == 1 {
				for p, v := range mat.data[o : o+k] {
					row[p] = tab[v]
				}
			} else {
				for p := range row {
					row[p] = tab[mat.data[o]]
					o += mat.cs
				}
			}
			s := cfg.dot(row, xv)
			o = yoff + i*incy
			if beta == 0 {
				y[o] = alpha * s
			} else {
				y[o] = alpha*s + beta*y[o]
			}
		}
		return
	}
	// Columns of the matrix are contiguous.
	ys := y[yoff : yoff+r]
	scaleSlice(ys, beta)
	col := make([]float32, r)
	for p := 0; p < k; p++ {
		o := mat.off + p*mat.cs
		for i, v := range mat.data[o : o+r] {
			col[i] = tab[v]
		}
		cfg.axpy(alpha*xv[p], col, ys)
	}
}

// dotGo returns Σ x[i]*y[i] over len(x) elements (y at least as long).
func dotGo[T gemmFloat](x, y []T) T {
	var s0, s1, s2, s3 T
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xv, yv := (*[4]T)(x[i:i+4]), (*[4]T)(y[i:i+4])
		s0 += xv[0] * yv[0]
		s1 += xv[1] * yv[1]
		s2 += xv[2] * yv[2]
		s3 += xv[3] * yv[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyGo adds s*x to y (y at least as long as x).
func axpyGo[T gemmFloat](s T, x, y []T) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += s * v
	}
}
