package cuda

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Indexing with arrays of integers (core.GatherKernels). Gather and Scatter
// first work out, for each index position, the element offset of its
// block's corner (index_offsets in kernels/gather.cuh, one launch per eight
// index arrays, reading any integer type through any strides and checking
// every value), into scratch memory released once the launches that read
// it are queued. Gathers then copy rows: the contiguous runs of each block
// in units of up to 16 bytes where every address allows, else element by
// element; elements are moved as bits, so one module serves every type.
// Scatters combine their updates with atomic operations; the plain scatter
// makes "the last update in row-major order wins" deterministic with a
// stamp pass that keeps, for each cell of the indexed axes (or each element
// where blocks may partly overlap), the largest position that writes it.

// maxIdx is MAXIDX of gather.cuh: the index arrays one launch reads.
const maxIdx = 8

// indexArgs mirrors IndexArgs of kernels/gather.cuh.
type indexArgs struct {
	shape   [maxDims]int64
	strides [maxIdx][maxDims]int64
	ptr     [maxIdx]uintptr
	size    [maxIdx]int64
	top     [maxIdx]int64
	step    [maxIdx]int64
	cstep   [maxIdx]int64
	block   [maxIdx]int64
	kind    [maxIdx]int32
	axis    [maxIdx]int32
	ndim    int32
	k       int32
}

// The reductions' names in kernel names, by core.ScatterReduce.
var scatterTag = [...]string{"none", "sum", "prod", "max", "min"}

// gatherSource is the module of index offsets, gathers, scatter stamps and
// mask counts.
func gatherSource() string {
	var e entryList
	e.add(`extern "C" __global__ void index_offsets(IndexArgs a, i64* offs, i64* cells, i64 n, i64 base, i32 first, IndexRecord* rec, u32 code) { index_offsets_impl(a, offs, cells, n, base, first, rec, code); }`)
	for _, u := range []string{"u8", "u16", "u32", "u64", "v16"} {
		e.add(`extern "C" __global__ void gather_rows_%s(const char* src, %s* out, const i64* offs, i64 rows, i64 nruns, i64 units, i64 esize, i32 tpr_log2, Layout<1> outer) { gather_rows<%s>(src, out, offs, rows, nruns, units, esize, tpr_log2, outer); }`,
			u, u, u)
	}
	for _, t := range []string{"u8", "u16", "u32", "u64"} {
		e.add(`extern "C" __global__ void gather_elems_%s(const %s* src, %s* out, const i64* offs, i64 rows, i64 blockn, i32 tpr_log2, Layout<1> blk) { gather_elems<%s>(src, out, offs, rows, blockn, tpr_log2, blk); }`,
			t, t, t, t)
	}
	e.add(`extern "C" __global__ void scatter_stamp_cells(const i64* offs, const i64* cells, u32* stamp, i64 n) { scatter_stamp_cells_impl(offs, cells, stamp, n); }`)
	e.add(`extern "C" __global__ void scatter_stamp_elems(const i64* offs, u32* stamp, i64 rows, i64 blockn, i64 obase, i32 tpr_log2, Layout<1> blk) { scatter_stamp_elems_impl(offs, stamp, rows, blockn, obase, tpr_log2, blk); }`)
	e.add(`extern "C" __global__ void __launch_bounds__(256) mask_count_w(const u8* mask, i32* out, i64 rows, i64 inner, i32 contig, Layout<1> l) { mask_count<32>(mask, out, rows, inner, contig, l); }`)
	e.add(`extern "C" __global__ void __launch_bounds__(1024) mask_count_b(const u8* mask, i32* out, i64 rows, i64 inner, i32 contig, Layout<1> l) { mask_count<1024>(mask, out, rows, inner, contig, l); }`)
	return source(e.String(), "gather.cuh")()
}

// scatterSource is the module of the scatters of element type dt, one
// kernel per reduction it supports.
func scatterSource(dt core.Dtype) func() string {
	return func() string {
		var e entryList
		t := ctype[dt]
		for r := core.ScatterNone; r <= core.ScatterMin; r++ {
			if !scatterSupports(r, dt) {
				continue
			}
			e.add(`extern "C" __global__ void scatter_%s(const %s* upd, %s* out, const i64* offs, i64 rows, i64 blockn, i32 tpr_log2, Layout<1> ul, Layout<2> bl, const u32* stamp, const i64* cells, i32 stamp_elems, i64 obase) { scatter_rows<%s, %d>(upd, out, offs, rows, blockn, tpr_log2, ul, bl, stamp, cells, stamp_elems, obase); }`,
				scatterTag[r], t, t, t, int(r))
		}
		return source(e.String(), "views.cuh", "gather.cuh", "scatter.cuh")()
	}
}

func scatterModule(dt core.Dtype) string { return "scatter_" + dtypeTag[dt] }

// scatterSupports reports whether reduce is defined on dt, as on the CPU:
// complex numbers have no maximum or minimum.
func scatterSupports(reduce core.ScatterReduce, dt core.Dtype) bool {
	if reduce > core.ScatterMin {
		return false
	}
	return dt != core.Complex64 || reduce < core.ScatterMax
}

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// rowsTPR returns log2 of the threads that take each row of work items
// (per thread items each, at most 256 threads), and the grid of blocks of
// 256 threads for rows such rows.
func (s *Stream) rowsTPR(rows, work, perThread int) (int32, [3]int) {
	lg := 0
	for lg < 8 && 1<<lg*perThread < work {
		lg++
	}
	rpb := 256 >> lg
	return int32(lg), [3]int{max(1, min((rows+rpb-1)/rpb, s.dev.info.Multiprocessors*32)), 1, 1}
}

// scratch returns a device buffer of n bytes for work on s and its address.
func (s *Stream) scratch(n int) (*core.Buffer, uintptr, error) {
	buf, err := s.Alloc(n, core.Host)
	if err != nil {
		return nil, 0, err
	}
	p, err := s.Ptr(buf)
	if err != nil {
		buf.Release()
		return nil, 0, err
	}
	return buf, p, nil
}

// indexOffsets queues the kernels that work out, for each position of
// idxShape in row-major order, the offset base + Σ_k idx[k][p]·strides[axes[k]]
// (-1 where a value is out of range: reported to s's error record as op),
// and with cells the number of the cell of the indexed axes it lies in.
// It returns their device addresses and a function that releases them once
// the work that reads them is queued.
func (s *Stream) indexOffsets(op string, idx []core.View, idxShape, axes, shape, strides []int, base int,
	block []int, cells bool) (offs, cellp uintptr, release func(), err error) {
	if len(idx) != len(axes) {
		return 0, 0, nil, fmt.Errorf("%s: %d index arrays for %d axes", op, len(idx), len(axes))
	}
	n := shapeSize(idxShape)
	words := n
	if cells {
		words *= 2
	}
	buf, p, err := s.scratch(8 * words)
	if err != nil {
		return 0, 0, nil, err
	}
	offs = p
	if cells {
		cellp = p + uintptr(8*n)
	}
	fail := func(err error) (uintptr, uintptr, func(), error) {
		buf.Release()
		return 0, 0, nil, err
	}
	rec, err := s.ErrorRecord()
	if err != nil {
		return fail(err)
	}
	code := indexOpCode(op)
	f, err := s.kernel(fnKey{"index_offsets", 0, 0, 0, 0}, "gather", gatherSource, "index_offsets")
	if err != nil {
		return fail(err)
	}
	// The cell numbering: row-major over the indexed axes' sizes.
	cstep := make([]int, len(axes))
	c := 1
	for k := len(axes) - 1; k >= 0; k-- {
		cstep[k] = c
		c *= shape[axes[k]]
	}
	for lo := 0; lo == 0 || lo < len(idx); lo += maxIdx {
		hi := min(lo+maxIdx, len(idx))
		a := &indexArgs{k: int32(hi - lo)}
		st := make([][]int, hi-lo)
		for k := lo; k < hi; k++ {
			v := idx[k]
			if v.Dtype < core.Uint8 || v.Dtype > core.Int64 {
				return fail(fmt.Errorf("%s: indices of type %s are not integers", op, ctype[v.Dtype]))
			}
			if len(v.Shape) != len(idxShape) || len(v.Strides) != len(idxShape) {
				return fail(fmt.Errorf("%s: an index view of shape %v for the index shape %v", op, v.Shape, idxShape))
			}
			ax := axes[k]
			if ax < 0 || ax >= len(shape) {
				return fail(fmt.Errorf("%s: axis %d of an array of %d dimensions", op, ax, len(shape)))
			}
			pv, err := s.operand(v)
			if err != nil {
				return fail(err)
			}
			j := k - lo
			st[j] = v.Strides
			a.ptr[j] = pv
			a.size[j] = int64(shape[ax])
			a.top[j] = int64(shape[ax] - block[ax])
			a.step[j] = int64(strides[ax])
			a.cstep[j] = int64(cstep[k])
			a.block[j] = int64(block[ax])
			a.kind[j] = int32(v.Dtype - core.Uint8)
			a.axis[j] = int32(ax)
		}
		sh, mst := mergeDims(idxShape, st...)
		if len(sh) > maxDims {
			return fail(errTooManyDims(op, len(sh)))
		}
		a.ndim = int32(len(sh))
		for d, m := range sh {
			a.shape[d] = int64(m)
			for k := range mst {
				a.strides[k][d] = int64(mst[k][d])
			}
		}
		var prm Params
		prm.Ref(unsafe.Pointer(a)).Ptr(offs).Ptr(cellp).Int(n).Int(base).Int32(b2i(lo == 0)).Ptr(rec).Int32(code)
		if err := s.Launch(f, s.stridedGrid(n), block256, 0, &prm); err != nil {
			return fail(err)
		}
	}
	return offs, cellp, buf.Release, nil
}

// blockLayout merges a block's dimensions with the strides of each
// operand, as a layout of at most maxDims dimensions.
func blockLayout(op string, block []int, strides ...[]int) ([]int, [][]int, error) {
	sh, st := mergeDims(block, strides...)
	if len(sh) > maxDims {
		return nil, nil, errTooManyDims(op, len(sh))
	}
	return sh, st, nil
}

// Gather implements core.GatherKernels.
func (s *Stream) Gather(src core.View, idx []core.View, axes []int, sliceSizes []int, out core.View) error {
	nd := len(src.Shape)
	if len(sliceSizes) != nd || len(out.Shape) < nd {
		return fmt.Errorf("gather: %d slice sizes and an output of %d dimensions for a source of %d", len(sliceSizes), len(out.Shape), nd)
	}
	if !out.IsContiguous() {
		return fmt.Errorf("gather: the output must be row-major")
	}
	idxShape := out.Shape[:len(out.Shape)-nd]
	nIdx, blockN := shapeSize(idxShape), shapeSize(sliceSizes)
	if nIdx == 0 || blockN == 0 {
		return nil
	}
	sh, st, err := blockLayout("gather", sliceSizes, src.Strides)
	if err != nil {
		return err
	}
	offs, _, release, err := s.indexOffsets("gather", idx, idxShape, axes, src.Shape, src.Strides, src.Offset, sliceSizes, false)
	if err != nil {
		return err
	}
	defer release()
	if src.Size() == 0 {
		return nil // every index is out of range, and reported
	}
	psrc, err := s.Ptr(src.Buf)
	if err != nil {
		return err
	}
	pout, err := s.operand(out)
	if err != nil {
		return err
	}
	size := src.Dtype.Size()
	last := len(sh) - 1
	if last < 0 || st[0][last] == 1 {
		// Each block is runs of n consecutive elements: copy them as rows.
		n, outer, ostr := 1, []int(nil), []int(nil)
		if last >= 0 {
			n, outer, ostr = sh[last], sh[:last], st[0][:last]
		}
		nruns := shapeSize(outer)
		// The widest unit of at most 16 bytes that divides every address.
		bits := uint64(psrc) | uint64(src.Offset*size) | uint64(n*size) | uint64(pout)
		for _, ax := range axes {
			bits |= uint64(src.Strides[ax] * size)
		}
		for _, s := range ostr {
			bits |= uint64(s * size)
		}
		unit := 16
		for unit > size && bits%uint64(unit) != 0 {
			unit /= 2
		}
		names := map[int]string{1: "u8", 2: "u16", 4: "u32", 8: "u64", 16: "v16"}
		f, err := s.kernel(fnKey{"gather_rows", unit, 0, 0, 0}, "gather", gatherSource, "gather_rows_"+names[unit])
		if err != nil {
			return err
		}
		l := &layout1{ndim: int32(len(outer))}
		fillLayout(outer, [][]int{ostr}, &l.shape, l.strides[:])
		rows, units := nIdx*nruns, n*size/unit
		lg, grid := s.rowsTPR(rows, units, 4)
		var p Params
		p.Ptr(psrc).Ptr(pout).Ptr(offs).Int(rows).Int(nruns).Int(units).Int(size).Int32(lg).Ref(unsafe.Pointer(l))
		return s.Launch(f, grid, block256, 0, &p)
	}
	tag := ctype[bitsType(src.Dtype)]
	f, err := s.kernel(fnKey{"gather_elems", 0, bitsType(src.Dtype), 0, 0}, "gather", gatherSource, "gather_elems_"+tag)
	if err != nil {
		return err
	}
	l := &layout1{ndim: int32(len(sh))}
	fillLayout(sh, st, &l.shape, l.strides[:])
	lg, grid := s.rowsTPR(nIdx, blockN, 1)
	var p Params
	p.Ptr(psrc).Ptr(pout).Ptr(offs).Int(nIdx).Int(blockN).Int32(lg).Ref(unsafe.Pointer(l))
	return s.Launch(f, grid, block256, 0, &p)
}

// Scatter implements core.GatherKernels.
func (s *Stream) Scatter(reduce core.ScatterReduce, src core.View, idx []core.View, upd core.View, axes []int, out core.View) error {
	dt := out.Dtype
	if src.Dtype != dt || upd.Dtype != dt {
		return fmt.Errorf("scatter: updates of %s into %s from %s", ctype[upd.Dtype], ctype[dt], ctype[src.Dtype])
	}
	if !scatterSupports(reduce, dt) {
		return fmt.Errorf("scatter %v of %s: not implemented on cuda", reduce, ctype[dt])
	}
	nd := len(out.Shape)
	if len(upd.Shape) < nd || len(src.Shape) != nd || !out.IsContiguous() {
		return fmt.Errorf("scatter: updates of %d dimensions into a row-major array of %d", len(upd.Shape), nd)
	}
	if err := s.Copy(src, out); err != nil {
		return err
	}
	ni := len(upd.Shape) - nd
	idxShape, block := upd.Shape[:ni], upd.Shape[ni:]
	nIdx, blockN := shapeSize(idxShape), shapeSize(block)
	if nIdx == 0 || blockN == 0 {
		return nil
	}
	if reduce == core.ScatterNone && nIdx >= math.MaxUint32 {
		return fmt.Errorf("scatter: %d index positions (at most %d on cuda)", nIdx, math.MaxUint32-1)
	}
	ush, ust, err := blockLayout("scatter", idxShape, upd.Strides[:ni])
	if err != nil {
		return err
	}
	bsh, bst, err := blockLayout("scatter", block, out.Strides, upd.Strides[ni:])
	if err != nil {
		return err
	}
	// A plain scatter stamps cells of the indexed axes when blocks span
	// one element along each (two blocks then meet in all their elements
	// or in none), else out's elements.
	perElem := false
	seen := map[int]bool{}
	for _, ax := range axes {
		if ax < 0 || ax >= nd || block[ax] != 1 || seen[ax] {
			perElem = true
		}
		if ax >= 0 && ax < nd {
			seen[ax] = true
		}
	}
	useCells := reduce == core.ScatterNone && !perElem
	offs, cells, release, err := s.indexOffsets("scatter", idx, idxShape, axes, out.Shape, out.Strides, out.Offset, block, useCells)
	if err != nil {
		return err
	}
	defer release()
	if out.Size() == 0 {
		return nil // every index is out of range, and reported
	}
	pbuf, err := s.Ptr(out.Buf)
	if err != nil {
		return err
	}
	pu, err := s.operand(upd)
	if err != nil {
		return err
	}
	ul := &layout1{ndim: int32(len(ush))}
	fillLayout(ush, ust, &ul.shape, ul.strides[:])
	bl := &layout2{ndim: int32(len(bsh))}
	fillLayout(bsh, bst, &bl.shape, bl.strides[:])
	lg, grid := s.rowsTPR(nIdx, blockN, 1)
	var stamp uintptr
	if reduce == core.ScatterNone {
		nStamp := out.Size()
		if useCells {
			nStamp = 1
			for _, ax := range axes {
				nStamp *= out.Shape[ax]
			}
		}
		buf, p, err := s.scratch(4 * nStamp)
		if err != nil {
			return err
		}
		defer buf.Release()
		stamp = p
		if err := s.Memset(stamp, 0, 4*nStamp); err != nil {
			return err
		}
		var prm Params
		if useCells {
			f, err := s.kernel(fnKey{"scatter_stamp", 0, 0, 0, 0}, "gather", gatherSource, "scatter_stamp_cells")
			if err != nil {
				return err
			}
			prm.Ptr(offs).Ptr(cells).Ptr(stamp).Int(nIdx)
			err = s.Launch(f, s.stridedGrid(nIdx), block256, 0, &prm)
		} else {
			f, err := s.kernel(fnKey{"scatter_stamp", 1, 0, 0, 0}, "gather", gatherSource, "scatter_stamp_elems")
			if err != nil {
				return err
			}
			ol := &layout1{ndim: int32(len(bsh))}
			fillLayout(bsh, bst[:1], &ol.shape, ol.strides[:])
			prm.Ptr(offs).Ptr(stamp).Int(nIdx).Int(blockN).Int(out.Offset).Int32(lg).Ref(unsafe.Pointer(ol))
			err = s.Launch(f, grid, block256, 0, &prm)
		}
		if err != nil {
			return err
		}
	}
	f, err := s.kernel(fnKey{"scatter", int(reduce), dt, 0, 0}, scatterModule(dt), scatterSource(dt), "scatter_"+scatterTag[reduce])
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(pu).Ptr(pbuf).Ptr(offs).Int(nIdx).Int(blockN).Int32(lg).Ref(unsafe.Pointer(ul)).Ref(unsafe.Pointer(bl)).
		Ptr(stamp).Ptr(cells).Int32(b2i(!useCells)).Int(out.Offset)
	return s.Launch(f, grid, block256, 0, &p)
}

// MaskCount implements core.GatherKernels.
func (s *Stream) MaskCount(mask core.View, inner int, out core.View) error {
	n := mask.Size()
	if n == 0 {
		return nil
	}
	if mask.Dtype != core.Bool || out.Dtype != core.Int32 || !out.IsContiguous() || inner <= 0 || n%inner != 0 {
		return fmt.Errorf("mask count: a %s mask of %d elements in rows of %d into %s", ctype[mask.Dtype], n, inner, ctype[out.Dtype])
	}
	pm, err := s.operand(mask)
	if err != nil {
		return err
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	contig := mask.IsContiguous()
	l := &layout1{}
	if !contig {
		if l, err = makeLayout1("mask count", mask.Shape, mask.Strides); err != nil {
			return err
		}
	}
	rows := n / inner
	name, threads, rpb := "mask_count_w", 256, 8
	if inner >= 8192 {
		name, threads, rpb = "mask_count_b", 1024, 1
	}
	f, err := s.kernel(fnKey{"mask_count", threads, 0, 0, 0}, "gather", gatherSource, name)
	if err != nil {
		return err
	}
	grid := [3]int{max(1, min((rows+rpb-1)/rpb, s.dev.info.Multiprocessors*16)), 1, 1}
	var p Params
	p.Ptr(pm).Ptr(po).Int(rows).Int(inner).Int32(b2i(contig)).Ref(unsafe.Pointer(l))
	return s.Launch(f, grid, [3]int{threads, 1, 1}, 0, &p)
}

func init() {
	registerModule("gather", gatherSource)
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		registerModule(scatterModule(dt), scatterSource(dt))
	}
}

var _ core.GatherKernels = (*Stream)(nil)
