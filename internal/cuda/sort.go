package cuda

import (
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Sorting (kernels/sort.cuh): lines of up to sortBlockMax elements are
// sorted one block per line (several short lines per block) in shared
// memory by a bitonic network over (key, position) pairs, which writes the
// sorted positions or the elements at them (not decoded keys, so that NaN
// payloads survive). Longer lines go through a device-wide radix sort, 8
// bits per pass, of keys alone for values sorts (keys that decode to the
// elements' exact bits) or of (key, position) pairs for argsorts and
// complex numbers. Both are stable. A partition is a sort.

// sortBlockMax is the longest line sorted in shared memory: 4096 pairs of
// a 64-bit key and a position fill the 48 KiB a block may use.
const sortBlockMax = 4096

// sortBlockPairs is the number of padded elements a block takes when its
// lines are shorter than that.
const sortBlockPairs = 2048

// lineGeom describes the lines along one axis of an input and a row-major
// output of its shape: their length, their number, the offsets of their
// first elements (over the other dimensions, row-major: in's, then out's)
// and the strides along the axis.
type lineGeom struct {
	n, lines int
	rows     *layout2
	is, os   int
}

func newLineGeom(op string, axis int, in, out core.View) (lineGeom, error) {
	var shape, si, so []int
	for d, m := range in.Shape {
		if d != axis {
			shape, si, so = append(shape, m), append(si, in.Strides[d]), append(so, out.Strides[d])
		}
	}
	g := lineGeom{n: in.Shape[axis], is: in.Strides[axis], os: out.Strides[axis]}
	g.lines = 1
	for _, m := range shape {
		g.lines *= m
	}
	var err error
	g.rows, err = makeLayout2(op, shape, si, so)
	return g, err
}

// sortKeySize is the size of the keys of dt as the kernels hold them.
func sortKeySize(dt core.Dtype) int {
	if dt.Size() > 4 {
		return 8
	}
	return 4
}

func sortModule(dt core.Dtype) string { return "sort_" + dtypeTag[dt] }

// sortSource is the module of the sort family's kernels of one type.
func sortSource(dt core.Dtype) func() string {
	var e entryList
	t := ctype[dt]
	k := "u32"
	if sortKeySize(dt) == 8 {
		k = "u64"
	}
	e.add(`extern "C" __global__ void sort_block_k(const %s* in, void* out, i64 n, i64 lines, Layout<2> rows, i64 is, i64 os, i32 p, i32 lpb, i32 indices, i32 zero) { sort_block<%s>(in, out, n, lines, rows, is, os, p, lpb, indices, zero); }`, t, t)
	for _, pairs := range []string{"keys", "pairs"} {
		p := "true"
		if pairs == "keys" {
			if dt == core.Complex64 {
				continue // complex keys are not one to one: their values sorts go by pairs
			}
			p = "false"
		}
		e.add(`extern "C" __global__ void __launch_bounds__(256, 2) radix_sweep_%s_k(const %s* in, const %s* kin, const u32* iin, %s* kout, u32* iout, void* out, i64 n, i64 tpl, i64 line0, Layout<2> rows, i64 is, i64 os, u32 pass, i32 flags, const u32* counts, u32* next, u64* status) { radix_sweep<%s, %s>(in, kin, iin, kout, iout, out, n, tpl, line0, rows, is, os, pass, flags, counts, next, status); }`, pairs, t, k, k, t, p)
	}
	e.add(`extern "C" __global__ void __launch_bounds__(256) radix_counts_k(const %s* in, i64 n, i64 cpl, i64 line0, Layout<2> rows, i64 is, i32 flags, u32* counts) { radix_counts<%s>(in, n, cpl, line0, rows, is, flags, counts); }`, t, t)
	e.add(`extern "C" __global__ void searchsorted_k(const %s* a, i64 na, i64 as, const %s* v, u32* out, i64 m, Layout<1> l, i32 right) { searchsorted<%s>(a, na, as, v, out, m, l, right); }`, t, t, t)
	e.add(`extern "C" __global__ void take_along_k(const %s* in, const u32* idx, %s* out, i64 m, Layout<3> l, i64 sa, i64 limit, i32 axis, IndexRecord* rec, u32 code) { take_along<%s>(in, idx, out, m, l, sa, limit, axis, rec, code); }`, t, t, t)
	e.add(`extern "C" __global__ void scatter_add_along_k(const %s* upd, const u32* idx, %s* out, i64 m, Layout<3> l, i64 so, i64 limit, i32 axis, IndexRecord* rec, u32 code) { scatter_add_along<%s>(upd, idx, out, m, l, so, limit, axis, rec, code); }`, t, t, t)
	return source(e.String(), "views.cuh", "sort.cuh")
}

// sortKernel returns kernel name of dt's sort module.
func (s *Stream) sortKernel(dt core.Dtype, variant int, name string) (uintptr, error) {
	return s.kernel(fnKey{"sort", 0, dt, 0, variant}, sortModule(dt), sortSource(dt), name)
}

// Sort implements core.SortKernels.
func (s *Stream) Sort(op core.SortOp, axis, kth int, in, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	if axis < 0 || axis >= len(in.Shape) || len(out.Shape) != len(in.Shape) {
		return fmt.Errorf("sort: axis %d of an input of %d dimensions and an output of %d", axis, len(in.Shape), len(out.Shape))
	}
	indices := op == core.SortIndices || op == core.PartitionIdx
	n := in.Shape[axis]
	if n > math.MaxUint32 {
		return fmt.Errorf("sort: lines of %d elements do not fit uint32 positions on cuda", n)
	}
	g, err := newLineGeom("sort", axis, in, out)
	if err != nil {
		return err
	}
	pin, err := s.operand(in)
	if err != nil {
		return err
	}
	pout, err := s.operand(out)
	if err != nil {
		return err
	}
	// Values sorts keep -0 before +0 as the CPU's do; position sorts (and
	// complex numbers, compared as numbers there) hold them equal.
	zero := indices || in.Dtype == core.Complex64
	// A partition is a sort: a sorted line has every element in its place.
	if n <= sortBlockMax {
		return s.sortBlocks(in.Dtype, pin, pout, g, indices, zero)
	}
	return s.sortRadix(in.Dtype, pin, pout, g, indices, zero)
}

// sortBlocks sorts lines of up to sortBlockMax elements in shared memory.
func (s *Stream) sortBlocks(dt core.Dtype, pin, pout uintptr, g lineGeom, indices, zero bool) error {
	p := 1
	if g.n > 1 {
		p = 1 << bits.Len(uint(g.n-1))
	}
	lpb := max(1, sortBlockPairs/p)
	lpb = min(lpb, g.lines)
	e := p * lpb
	threads := min(1024, max(32, (e/2+31)/32*32))
	shared := e * (sortKeySize(dt) + 4)
	f, err := s.sortKernel(dt, 0, "sort_block_k")
	if err != nil {
		return err
	}
	var pr Params
	pr.Ptr(pin).Ptr(pout).Int(g.n).Int(g.lines).Ref(unsafe.Pointer(g.rows)).Int(g.is).Int(g.os).
		Int32(int32(p)).Int32(int32(lpb)).Int32(b2i(indices)).Int32(b2i(zero))
	return s.Launch(f, [3]int{(g.lines + lpb - 1) / lpb, 1, 1}, [3]int{threads, 1, 1}, shared, &pr)
}

// radixTile is the number of elements of one tile of the radix sort for
// keys of ks bytes, alone or with positions (radix_tile in sort.cuh).
func radixTile(ks int, pairs bool) int {
	if ks == 4 && !pairs {
		return 8192
	}
	return 4096
}

// radixGroup is the number of elements the radix sort takes at once (more
// when one line is longer): the lines of a group share its launches.
const radixGroup = 1 << 28

// radixChunk is the number of elements of a line radix_counts counts per
// block (RADIX_CHUNK in sort.cuh).
const radixChunk = 32768

// The flags of a radix pass (RADIX_* in sort.cuh).
const (
	radixExact   = 1
	radixZero    = 2
	radixLast    = 4
	radixIndices = 8
)

// radixSort is the state of one radix sort of long lines: its scratch
// memory and kernels.
type radixSort struct {
	s                  *Stream
	pin, pout          uintptr
	g                  lineGeom
	pairs              bool
	flags              int32
	tpl, group, passes int
	// Scratch: the keys (and positions) between passes; the digit counts
	// of every pass of every line, then one tile counter per pass and the
	// words the tiles publish (256 per tile), all zeroed before a group.
	keys, idx       [2]uintptr
	state           uintptr
	countsN, stateN int
	bufs            []*core.Buffer
	countsK, sweepK uintptr
}

// newRadixSort prepares the radix sort of the lines of g.
func (s *Stream) newRadixSort(dt core.Dtype, pin, pout uintptr, g lineGeom, indices, zero bool) (*radixSort, error) {
	ks := sortKeySize(dt)
	// Values sorts sort the keys alone (radix_exact_key), except those of
	// complex numbers, whose keys are not one to one.
	r := &radixSort{s: s, pin: pin, pout: pout, g: g, pairs: indices || dt == core.Complex64, flags: radixExact}
	variant, kind := 1, "keys"
	if r.pairs {
		variant, kind, r.flags = 2, "pairs", 0
		if zero {
			r.flags |= radixZero
		}
		if indices {
			r.flags |= radixIndices
		}
	}
	tile := radixTile(ks, r.pairs)
	r.tpl = (g.n + tile - 1) / tile
	r.group = max(1, min(g.lines, radixGroup/g.n))
	r.passes = dt.Size() // complex numbers: 8 bytes of key
	scratch := func(size int) (uintptr, error) {
		b, err := s.Alloc(size, core.Host)
		if err != nil {
			return 0, err
		}
		r.bufs = append(r.bufs, b)
		return s.Ptr(b)
	}
	var err error
	for i := range min(2, r.passes-1) {
		if r.keys[i], err = scratch(r.group * g.n * ks); err != nil {
			r.release()
			return nil, err
		}
		if r.pairs {
			if r.idx[i], err = scratch(r.group * g.n * 4); err != nil {
				r.release()
				return nil, err
			}
		}
	}
	r.countsN = r.group * r.passes * 256 * 4
	r.stateN = 256 + r.group*r.tpl*256*8
	if r.state, err = scratch(r.countsN + r.stateN); err != nil {
		r.release()
		return nil, err
	}
	if r.countsK, err = s.sortKernel(dt, 10, "radix_counts_k"); err == nil {
		r.sweepK, err = s.sortKernel(dt, 20+variant, "radix_sweep_"+kind+"_k")
	}
	if err != nil {
		r.release()
		return nil, err
	}
	return r, nil
}

// release gives the scratch memory back. The work queued on the stream
// that uses it runs before later users of the memory.
func (r *radixSort) release() {
	for _, b := range r.bufs {
		b.Release()
	}
	r.bufs = nil
}

// reset zeroes the tile counters and published words, and with counts the
// digit counts too.
func (r *radixSort) reset(counts bool) error {
	if counts {
		return r.s.Memset(r.state, 0, r.countsN+r.stateN)
	}
	return r.s.Memset(r.state+uintptr(r.countsN), 0, r.stateN)
}

// count counts the digits of every pass of cnt lines from line0.
func (r *radixSort) count(line0, cnt int) error {
	cpl := (r.g.n + radixChunk - 1) / radixChunk
	var pr Params
	pr.Ptr(r.pin).Int(r.g.n).Int(cpl).Int(line0).Ref(unsafe.Pointer(r.g.rows)).Int(r.g.is).Int32(r.flags).Ptr(r.state)
	return r.s.Launch(r.countsK, [3]int{cnt * cpl, 1, 1}, block256, 0, &pr)
}

// sweep runs pass of cnt lines from line0. Pass p reads keys[(p-1)%2] (the
// input first) and writes keys[p%2] (the output last).
func (r *radixSort) sweep(line0, cnt, pass int) error {
	var kin, iin, kout, iout uintptr
	if pass > 0 {
		kin, iin = r.keys[(pass-1)%2], r.idx[(pass-1)%2]
	}
	f := r.flags
	if pass < r.passes-1 {
		kout, iout = r.keys[pass%2], r.idx[pass%2]
	} else {
		f |= radixLast
	}
	next := r.state + uintptr(r.countsN)
	var pr Params
	pr.Ptr(r.pin).Ptr(kin).Ptr(iin).Ptr(kout).Ptr(iout).Ptr(r.pout).Int(r.g.n).Int(r.tpl).Int(line0).Ref(unsafe.Pointer(r.g.rows)).
		Int(r.g.is).Int(r.g.os).Int32(int32(pass)).Int32(f).Ptr(r.state).Ptr(next).Ptr(next + 256)
	return r.s.Launch(r.sweepK, [3]int{cnt * r.tpl, 1, 1}, block256, 0, &pr)
}

// sortRadix sorts long lines with the radix sort, one pass per byte of
// the keys, in groups of lines.
func (s *Stream) sortRadix(dt core.Dtype, pin, pout uintptr, g lineGeom, indices, zero bool) error {
	r, err := s.newRadixSort(dt, pin, pout, g, indices, zero)
	if err != nil {
		return err
	}
	defer r.release()
	for line0 := 0; line0 < g.lines; line0 += r.group {
		cnt := min(r.group, g.lines-line0)
		if err := r.reset(true); err != nil {
			return err
		}
		if err := r.count(line0, cnt); err != nil {
			return err
		}
		for pass := range r.passes {
			if err := r.sweep(line0, cnt, pass); err != nil {
				return err
			}
		}
	}
	return nil
}

// Searchsorted implements core.SortKernels.
func (s *Stream) Searchsorted(right bool, a, v, out core.View) error {
	m := out.Size()
	if m == 0 {
		return nil
	}
	if len(a.Shape) != 1 || a.Dtype != v.Dtype {
		return fmt.Errorf("searchsorted: a sequence of shape %v and type %s with values of type %s", a.Shape, ctype[a.Dtype], ctype[v.Dtype])
	}
	ptrs, err := s.operands(a, v, out)
	if err != nil {
		return err
	}
	l, err := makeLayout1("searchsorted", v.Shape, v.Strides)
	if err != nil {
		return err
	}
	f, err := s.sortKernel(a.Dtype, 3, "searchsorted_k")
	if err != nil {
		return err
	}
	var pr Params
	pr.Ptr(ptrs[0]).Int(a.Shape[0]).Int(a.Strides[0]).Ptr(ptrs[1]).Ptr(ptrs[2]).Int(m).Ref(unsafe.Pointer(l)).Int32(b2i(right))
	return s.Launch(f, s.stridedGrid(m), block256, 0, &pr)
}

// alongLayout describes src, idx and dst over idx's shape for TakeAlong
// and ScatterAddAlong: the operand indexed by position (indexed: 0 or 2)
// gets a zero stride along axis, its stride there being returned apart.
func alongLayout(op string, axis int, src, idx, dst core.View, indexed int) (*layout3, int, error) {
	if len(src.Shape) != len(idx.Shape) || len(dst.Shape) != len(idx.Shape) || axis < 0 || axis >= len(idx.Shape) {
		return nil, 0, fmt.Errorf("%s: operands of %d, %d and %d dimensions along axis %d", op, len(src.Shape), len(idx.Shape), len(dst.Shape), axis)
	}
	ss := append([]int(nil), src.Strides...)
	ds := append([]int(nil), dst.Strides...)
	var along int
	if indexed == 0 {
		along, ss[axis] = ss[axis], 0
	} else {
		along, ds[axis] = ds[axis], 0
	}
	l, err := makeLayout3(op, idx.Shape, ss, idx.Strides, ds)
	return l, along, err
}

// TakeAlong implements core.SortKernels. A position out of range is
// skipped and comes back as an *IndexError from Synchronize.
func (s *Stream) TakeAlong(axis int, in, idx, out core.View) error {
	m := out.Size()
	if m == 0 {
		return nil
	}
	l, sa, err := alongLayout("take_along", axis, in, idx, out, 0)
	if err != nil {
		return err
	}
	ptrs, err := s.operands(in, idx, out)
	if err != nil {
		return err
	}
	rec, err := s.ErrorRecord()
	if err != nil {
		return err
	}
	f, err := s.sortKernel(in.Dtype, 4, "take_along_k")
	if err != nil {
		return err
	}
	var pr Params
	pr.Ptr(ptrs[0]).Ptr(ptrs[1]).Ptr(ptrs[2]).Int(m).Ref(unsafe.Pointer(l)).Int(sa).Int(in.Shape[axis]).
		Int32(int32(axis)).Ptr(rec).Int32(indexOpCode("take_along"))
	return s.Launch(f, s.stridedGrid(m), block256, 0, &pr)
}

// ScatterAddAlong implements core.SortKernels. A position out of range is
// skipped and comes back as an *IndexError from Synchronize.
func (s *Stream) ScatterAddAlong(axis int, upd, idx, out core.View) error {
	n := out.Size()
	if n == 0 {
		return nil
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	if err := s.Memset(po, 0, n*out.Dtype.Size()); err != nil {
		return err
	}
	m := upd.Size()
	if m == 0 {
		return nil
	}
	if upd.Dtype != out.Dtype {
		return fmt.Errorf("scatter_add_along of %s into %s: not implemented on cuda", ctype[upd.Dtype], ctype[out.Dtype])
	}
	l, so, err := alongLayout("scatter_add_along", axis, upd, idx, out, 2)
	if err != nil {
		return err
	}
	ptrs, err := s.operands(upd, idx)
	if err != nil {
		return err
	}
	rec, err := s.ErrorRecord()
	if err != nil {
		return err
	}
	f, err := s.sortKernel(out.Dtype, 5, "scatter_add_along_k")
	if err != nil {
		return err
	}
	var pr Params
	pr.Ptr(ptrs[0]).Ptr(ptrs[1]).Ptr(po).Int(m).Ref(unsafe.Pointer(l)).Int(so).Int(out.Shape[axis]).
		Int32(int32(axis)).Ptr(rec).Int32(indexOpCode("scatter_add_along"))
	return s.Launch(f, s.stridedGrid(m), block256, 0, &pr)
}

var _ core.SortKernels = (*Stream)(nil)

func init() {
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		registerModule(sortModule(dt), sortSource(dt))
	}
}
