package cuda

import (
	"fmt"
	"sort"
	"sync"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Reductions (kernels/reduce.cuh) run in one of three ways, chosen from the
// strides once the reduced dimensions are moved innermost and the
// dimensions merged:
//
//   - rows: the innermost reduced dimension is contiguous. Short rows get a
//     warp each, long ones a block each, with 16-byte loads; when there are
//     too few outputs to fill the device (a whole-array sum), each row is
//     split over several blocks whose partial results a second kernel
//     merges.
//   - columns: any other layout. Threads run over the outputs (coalesced
//     when the innermost kept dimension is contiguous: a sum over a leading
//     axis) and over the reduced elements, with the reduced space split
//     over blocks when there are few outputs.
//   - median: one block per output, selecting the middle elements by radix
//     selection.
//
// Softmax over contiguous rows (the last axis) gives each row a warp (short
// rows) or a block: a first pass finds the maximum and the sum of
// exponentials online, a second reads the row again (from L2) and writes.
// Other layouts take a thread per group when neighbouring groups are
// neighbours in memory, else a block per group.

// reduceTag names each op in kernel names.
var reduceTag = [...]string{
	core.ReduceSum: "sum", core.ReduceProd: "prod", core.ReduceMax: "max", core.ReduceMin: "min",
	core.ReduceAll: "all", core.ReduceAny: "any", core.ReduceCountNonzero: "count", core.ReduceMean: "mean",
	core.ReduceVar: "var", core.ReduceStd: "std", core.ReduceLogSumExp: "lse", core.ReduceMedian: "median",
	core.ReduceArgMax: "argmax", core.ReduceArgMin: "argmin",
}

// reduceGroup is the module an op's kernels live in, per input type.
func reduceGroup(op core.ReduceOp) string {
	switch op {
	case core.ReduceSum, core.ReduceProd, core.ReduceMean:
		return "sum"
	case core.ReduceMax, core.ReduceMin, core.ReduceArgMax, core.ReduceArgMin:
		return "minmax"
	case core.ReduceAll, core.ReduceAny, core.ReduceCountNonzero:
		return "logic"
	case core.ReduceVar, core.ReduceStd:
		return "var"
	case core.ReduceLogSumExp:
		return "lse"
	}
	return "median"
}

var reduceGroups = []string{"sum", "minmax", "logic", "var", "lse", "median"}

func isFloatType(dt core.Dtype) bool {
	return dt == core.Float16 || dt == core.Bfloat16 || dt == core.Float32 || dt == core.Float64
}

// reduceOut returns the result type of op on dt, as mx chooses it, or false
// when cuda has no kernel for it.
func reduceOut(op core.ReduceOp, dt core.Dtype) (core.Dtype, bool) {
	atLeastFloat := func() core.Dtype {
		if isFloatType(dt) || dt == core.Complex64 {
			return dt
		}
		return core.Float32
	}
	switch op {
	case core.ReduceSum, core.ReduceProd:
		switch dt {
		case core.Bool, core.Int8, core.Int16, core.Int32:
			return core.Int32, true
		case core.Uint8, core.Uint16, core.Uint32:
			return core.Uint32, true
		}
		return dt, true
	case core.ReduceMean:
		return atLeastFloat(), true
	case core.ReduceMax, core.ReduceMin:
		return dt, dt != core.Complex64
	case core.ReduceAll, core.ReduceAny:
		return core.Bool, true
	case core.ReduceCountNonzero:
		return core.Int32, true
	case core.ReduceVar, core.ReduceStd:
		if dt == core.Complex64 {
			return core.Float32, true
		}
		return atLeastFloat(), true
	case core.ReduceLogSumExp:
		return dt, isFloatType(dt)
	case core.ReduceMedian:
		return atLeastFloat(), dt != core.Complex64
	case core.ReduceArgMax, core.ReduceArgMin:
		return core.Uint32, dt != core.Complex64
	}
	return 0, false
}

// reduceFunctor is the CUDA type of op from in to out.
func reduceFunctor(op core.ReduceOp, in, out core.Dtype) string {
	t, r := ctype[in], ctype[out]
	switch op {
	case core.ReduceSum:
		return fmt.Sprintf("RSum<%s, %s, false>", t, r)
	case core.ReduceMean:
		return fmt.Sprintf("RSum<%s, %s, true>", t, r)
	case core.ReduceProd:
		return fmt.Sprintf("RProd<%s, %s>", t, r)
	case core.ReduceMax:
		return fmt.Sprintf("RMaxMin<%s, true>", t)
	case core.ReduceMin:
		return fmt.Sprintf("RMaxMin<%s, false>", t)
	case core.ReduceAll:
		return fmt.Sprintf("RAllAny<%s, true>", t)
	case core.ReduceAny:
		return fmt.Sprintf("RAllAny<%s, false>", t)
	case core.ReduceCountNonzero:
		return fmt.Sprintf("RCount<%s>", t)
	case core.ReduceVar:
		return fmt.Sprintf("RVar<%s, %s, false>", t, r)
	case core.ReduceStd:
		return fmt.Sprintf("RVar<%s, %s, true>", t, r)
	case core.ReduceLogSumExp:
		return fmt.Sprintf("RLse<%s>", t)
	case core.ReduceArgMax:
		return fmt.Sprintf("RArg<%s, true>", t)
	case core.ReduceArgMin:
		return fmt.Sprintf("RArg<%s, false>", t)
	}
	return ""
}

// reduceAccBytes bounds the size of every accumulator (CVarAcc is the
// largest), for the scratch memory of partial results.
const reduceAccBytes = 32

func reduceModule(group string, dt core.Dtype) string { return "reduce_" + group + "_" + dtypeTag[dt] }

// reduceSource is the module of the ops of group on input type dt, built
// when first compiled (a reduction calls this each time).
func reduceSource(group string, dt core.Dtype) func() string {
	return func() string { return reduceEntries(group, dt)() }
}

func reduceEntries(group string, dt core.Dtype) func() string {
	var e entryList
	t := ctype[dt]
	for op := core.ReduceSum; op <= core.ReduceArgMin; op++ {
		od, ok := reduceOut(op, dt)
		if !ok || reduceGroup(op) != group {
			continue
		}
		r := ctype[od]
		name := reduceTag[op]
		if op == core.ReduceMedian {
			e.add(`extern "C" __global__ void median_rows(const %s* x, %s* out, i64 nOut, Layout<1> kept, Layout<1> red, i64 nRed) { median_rows<%s, %s>(x, out, nOut, kept, red, nRed); }`,
				t, r, t, r)
			continue
		}
		f := "F_" + name
		e.add("typedef %s %s;", reduceFunctor(op, dt, od), f)
		e.add(`extern "C" __global__ void %s_rb(const %s* x, %s* out, void* partial, i64 nOut, Layout<1> kept, Layout<1> seg, i64 nseg, i64 rn, i64 parts, i64 param) { reduce_rows_block<%s, %s, %s>(x, out, (%s::A*)partial, nOut, kept, seg, nseg, rn, parts, param); }`,
			name, t, r, f, t, r, f)
		e.add(`extern "C" __global__ void %s_rw(const %s* x, %s* out, i64 nOut, Layout<1> kept, Layout<1> seg, i64 nseg, i64 rn, i64 param) { reduce_rows_warp<%s, %s, %s>(x, out, nOut, kept, seg, nseg, rn, param); }`,
			name, t, r, f, t, r)
		e.add(`extern "C" __global__ void %s_c(const %s* x, %s* out, void* partial, i64 nOut, Layout<1> kept, Layout<1> red, i64 nRed, i64 param) { reduce_cols<%s, %s, %s>(x, out, (%s::A*)partial, nOut, kept, red, nRed, param); }`,
			name, t, r, f, t, r, f)
		e.add(`extern "C" __global__ void %s_fr(const void* partial, %s* out, i64 parts, i64 count, i64 param) { reduce_finish_rows<%s, %s>((const %s::A*)partial, out, parts, count, param); }`,
			name, r, f, r, f)
		e.add(`extern "C" __global__ void %s_fc(const void* partial, %s* out, i64 nOut, i64 parts, i64 count, i64 param) { reduce_finish_cols<%s, %s>((const %s::A*)partial, out, nOut, parts, count, param); }`,
			name, r, f, r, f)
	}
	return source(e.String(), "reduce.cuh")
}

// reducePlan is a reduction with its dimensions split into kept ones (in
// order, merged) and reduced ones (merged; for the order-insensitive ops
// flipped to positive strides and sorted by decreasing stride).
type reducePlan struct {
	offset     int // the input's offset after flips
	kShape     []int
	kStrides   []int
	rShape     []int
	rStrides   []int
	nOut, nRed int
}

func newReducePlan(in core.View, isRed []bool, flip bool) *reducePlan {
	p := &reducePlan{offset: in.Offset, nOut: 1, nRed: 1}
	type dim struct{ n, s int }
	var kShape, kStrides []int
	var rdims []dim
	for d, n := range in.Shape {
		s := in.Strides[d]
		if !isRed[d] {
			kShape, kStrides = append(kShape, n), append(kStrides, s)
			p.nOut *= n
			continue
		}
		p.nRed *= n
		if flip && s < 0 && n > 0 {
			p.offset += (n - 1) * s
			s = -s
		}
		rdims = append(rdims, dim{n, s})
	}
	if flip {
		sort.SliceStable(rdims, func(i, j int) bool { return abs(rdims[i].s) > abs(rdims[j].s) })
	}
	var rShape, rStrides []int
	for _, d := range rdims {
		rShape, rStrides = append(rShape, d.n), append(rStrides, d.s)
	}
	var st [][]int
	p.kShape, st = mergeDims(kShape, kStrides)
	p.kStrides = st[0]
	p.rShape, st = mergeDims(rShape, rStrides)
	p.rStrides = st[0]
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// layoutOf fills a Layout<1> from merged dimensions.
func layoutOf(op string, shape, strides []int) (layout1, error) {
	var l layout1
	if len(shape) > maxDims {
		return l, errTooManyDims(op, len(shape))
	}
	l.ndim = int32(len(shape))
	fillLayout(shape, [][]int{strides}, &l.shape, l.strides[:])
	return l, nil
}

// targetBlocks is about how many blocks of 256 threads a reduction with
// few outputs is split into: several waves of blocks, so that the last one
// leaves little of the device idle.
func (s *Stream) targetBlocks() int { return max(1, s.dev.info.Multiprocessors*8) }

// Reduce implements core.ReduceKernels.
func (s *Stream) Reduce(op core.ReduceOp, axes []int, ddof int, in, out core.View) error {
	if op == core.ReduceArgMax || op == core.ReduceArgMin || int(op) >= len(reduceTag) {
		return fmt.Errorf("reduce: op %d is not a reduction over axes", op)
	}
	want, ok := reduceOut(op, in.Dtype)
	if !ok || want != out.Dtype {
		return fmt.Errorf("%s of %s to %s: not implemented on cuda", reduceTag[op], ctype[in.Dtype], ctype[out.Dtype])
	}
	if out.Size() == 0 {
		return nil
	}
	isRed := make([]bool, len(in.Shape))
	for _, ax := range axes {
		isRed[ax] = true
	}
	return s.reduce(op, ddof, in, out, newReducePlan(in, isRed, true))
}

// ArgReduce implements core.ReduceKernels.
func (s *Stream) ArgReduce(op core.ReduceOp, axis int, in, out core.View) error {
	if op != core.ReduceArgMax && op != core.ReduceArgMin {
		return fmt.Errorf("argreduce: op %d is not an arg reduction", op)
	}
	if _, ok := reduceOut(op, in.Dtype); !ok {
		return fmt.Errorf("%s of %s: not implemented on cuda", reduceTag[op], ctype[in.Dtype])
	}
	if out.Size() == 0 {
		return nil
	}
	isRed := make([]bool, len(in.Shape))
	isRed[axis] = true
	return s.reduce(op, 0, in, out, newReducePlan(in, isRed, false))
}

// maxGrid is the most blocks a grid's x dimension holds.
const maxGrid = 1<<31 - 1

func (s *Stream) reduce(op core.ReduceOp, param int, in, out core.View, p *reducePlan) error {
	name := reduceTag[op]
	if p.nOut > maxGrid {
		return fmt.Errorf("%s: %d outputs are more than cuda handles (%d)", name, p.nOut, maxGrid)
	}
	group := reduceGroup(op)
	dt := in.Dtype
	mod, src := reduceModule(group, dt), reduceSource(group, dt)
	fn := func(variant int, kname string) (uintptr, error) {
		return s.kernel(fnKey{"reduce", int(op), dt, 0, variant}, mod, src, kname)
	}
	iv := in
	iv.Offset = p.offset
	px, err := s.operand(iv)
	if err != nil {
		return err
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	kept, err := layoutOf(name, p.kShape, p.kStrides)
	if err != nil {
		return err
	}
	if op == core.ReduceMedian {
		red, err := layoutOf(name, p.rShape, p.rStrides)
		if err != nil {
			return err
		}
		f, err := fn(9, "median_rows")
		if err != nil {
			return err
		}
		var a Params
		a.Ptr(px).Ptr(po).Int(p.nOut).Ref(unsafe.Pointer(&kept)).Ref(unsafe.Pointer(&red)).Int(p.nRed)
		return s.Launch(f, [3]int{p.nOut, 1, 1}, block256, 0, &a)
	}
	nr := len(p.rShape)
	if p.nRed > 0 && nr > 0 && p.rStrides[nr-1] == 1 && p.rShape[nr-1] >= 16 {
		return s.reduceRows(op, param, px, po, kept, p, fn)
	}
	return s.reduceCols(op, param, px, po, kept, p, fn)
}

type kernelFn func(variant int, name string) (uintptr, error)

// reduceRows runs a reduction whose innermost reduced dimension is
// contiguous: segments of rn elements, nseg of them per output.
func (s *Stream) reduceRows(op core.ReduceOp, param int, px, po uintptr, kept layout1, p *reducePlan, fn kernelFn) error {
	name := reduceTag[op]
	nr := len(p.rShape)
	rn := p.rShape[nr-1]
	nseg := p.nRed / rn
	seg, err := layoutOf(name, p.rShape[:nr-1], p.rStrides[:nr-1])
	if err != nil {
		return err
	}
	if p.nRed <= 2048 {
		f, err := fn(1, name+"_rw")
		if err != nil {
			return err
		}
		var a Params
		a.Ptr(px).Ptr(po).Int(p.nOut).Ref(unsafe.Pointer(&kept)).Ref(unsafe.Pointer(&seg)).Int(nseg).Int(rn).Int(param)
		return s.Launch(f, [3]int{(p.nOut + 7) / 8, 1, 1}, block256, 0, &a)
	}
	parts := 1
	if target := s.targetBlocks(); p.nOut < target {
		most := nseg
		if nseg == 1 {
			most = rn / 8192
		}
		parts = max(1, min((target+p.nOut-1)/p.nOut, most))
	}
	f, err := fn(2, name+"_rb")
	if err != nil {
		return err
	}
	var scratch *block
	var ps uintptr
	if parts > 1 {
		if scratch, err = s.dev.alloc.get(s, p.nOut*parts*reduceAccBytes); err != nil {
			return err
		}
		defer s.dev.alloc.put(scratch)
		ps = scratch.ptr
	}
	var a Params
	a.Ptr(px).Ptr(po).Ptr(ps).Int(p.nOut).Ref(unsafe.Pointer(&kept)).Ref(unsafe.Pointer(&seg)).Int(nseg).Int(rn).Int(parts).Int(param)
	if err := s.Launch(f, [3]int{p.nOut * parts, 1, 1}, block256, 0, &a); err != nil {
		return err
	}
	if parts == 1 {
		return nil
	}
	g, err := fn(3, name+"_fr")
	if err != nil {
		return err
	}
	a.Reset()
	a.Ptr(ps).Ptr(po).Int(parts).Int(p.nRed).Int(param)
	return s.Launch(g, [3]int{p.nOut, 1, 1}, block256, 0, &a)
}

// reduceCols runs a reduction of any layout with threads over the outputs.
func (s *Stream) reduceCols(op core.ReduceOp, param int, px, po uintptr, kept layout1, p *reducePlan, fn kernelFn) error {
	name := reduceTag[op]
	red, err := layoutOf(name, p.rShape, p.rStrides)
	if err != nil {
		return err
	}
	bx, by := 256, 1
	if p.nRed >= 64 {
		bx, by = 32, 8
	}
	blocks := (p.nOut + bx - 1) / bx
	parts := 1
	if target := s.targetBlocks(); blocks < target && p.nRed >= 1024 {
		parts = max(1, min((target+blocks-1)/blocks, p.nRed/256, 65535))
	}
	f, err := fn(4, name+"_c")
	if err != nil {
		return err
	}
	var scratch *block
	var ps uintptr
	if parts > 1 {
		if scratch, err = s.dev.alloc.get(s, p.nOut*parts*reduceAccBytes); err != nil {
			return err
		}
		defer s.dev.alloc.put(scratch)
		ps = scratch.ptr
	}
	var a Params
	a.Ptr(px).Ptr(po).Ptr(ps).Int(p.nOut).Ref(unsafe.Pointer(&kept)).Ref(unsafe.Pointer(&red)).Int(p.nRed).Int(param)
	if err := s.Launch(f, [3]int{blocks, parts, 1}, [3]int{bx, by, 1}, 0, &a); err != nil {
		return err
	}
	if parts == 1 {
		return nil
	}
	g, err := fn(5, name+"_fc")
	if err != nil {
		return err
	}
	a.Reset()
	a.Ptr(ps).Ptr(po).Int(p.nOut).Int(parts).Int(p.nRed).Int(param)
	return s.Launch(g, s.stridedGrid(p.nOut), block256, 0, &a)
}

// ---------------------------------------------------------------- softmax

func softmaxModule(dt core.Dtype) string { return "softmax_" + dtypeTag[dt] }

func softmaxSource(dt core.Dtype) func() string {
	return func() string { return softmaxEntries(dt)() }
}

func softmaxEntries(dt core.Dtype) func() string {
	var e entryList
	t := ctype[dt]
	e.add(`extern "C" __global__ void __launch_bounds__(256) softmax_rw(const %s* x, %s* y, i64 nRows, i64 L, Layout<2> kept) { softmax_rows<%s, true>(x, y, nRows, L, kept); }`, t, t, t)
	e.add(`extern "C" __global__ void __launch_bounds__(1024) softmax_rb(const %s* x, %s* y, i64 nRows, i64 L, Layout<2> kept) { softmax_rows<%s, false>(x, y, nRows, L, kept); }`, t, t, t)
	if dt.Size() <= 4 {
		for k := 2; k <= softmaxClusterMax; k++ {
			e.add(`extern "C" __global__ void __cluster_dims__(%d, 1, 1) __launch_bounds__(256, 6) softmax_k%d(const %s* x, %s* y, i64 L, Layout<2> kept) { softmax_cluster<%s, %d>(x, y, L, kept); }`, k, k, t, t, t, k)
		}
	}
	e.add(`extern "C" __global__ void softmax_g(const %s* x, %s* y, i64 nGroups, i64 G, Layout<2> kept, Layout<2> red) { softmax_groups<%s>(x, y, nGroups, G, kept, red); }`, t, t, t)
	e.add(`extern "C" __global__ void softmax_c(const %s* x, %s* y, i64 nGroups, i64 G, Layout<2> kept, Layout<2> red) { softmax_cols<%s>(x, y, nGroups, G, kept, red); }`, t, t, t)
	return source(e.String(), "reduce.cuh")
}

// bandwidths caches each device's memory bandwidth in bytes per second.
var bandwidths sync.Map // *Device -> float64

// memoryBandwidth returns the device's peak memory bandwidth from its
// memory clock and bus width (0 when the driver does not say).
func (s *Stream) memoryBandwidth() float64 {
	if v, ok := bandwidths.Load(s.dev); ok {
		return v.(float64)
	}
	var clock, width int32
	call(drv.cuDeviceGetAttribute, ptr(&clock), 36 /* MEMORY_CLOCK_RATE, kHz */, uintptr(s.dev.handle))
	call(drv.cuDeviceGetAttribute, ptr(&width), 37 /* GLOBAL_MEMORY_BUS_WIDTH, bits */, uintptr(s.dev.handle))
	bw := 2 * float64(clock) * 1e3 * float64(width) / 8
	bandwidths.Store(s.dev, bw)
	return bw
}

// softmaxChunk is the number of elements of a row that one block of a
// cluster softmax holds (SOFTMAX_CHUNK in reduce.cuh); softmaxClusterMax
// is the most blocks in a cluster.
const (
	softmaxChunk      = 8192
	softmaxClusterMax = 8
)

// softmaxCluster returns the number of blocks of the cluster that each
// contiguous row of G elements gets, or 0 where the cluster kernel does not
// apply: it needs compute capability 9.0, a float type of at most 4 bytes,
// rows longer than one block's chunk and at most softmaxClusterMax chunks,
// and rows that start on 16 bytes in x and y.
func (s *Stream) softmaxCluster(dt core.Dtype, G int, px, py uintptr, kept *layout2) int {
	if softmaxNoCluster || s.dev.info.ComputeMajor < 9 || dt.Size() > 4 || G <= softmaxChunk || G > softmaxClusterMax*softmaxChunk {
		return 0
	}
	if (G*dt.Size())%16 != 0 || px%16 != 0 || py%16 != 0 {
		return 0
	}
	for d := 0; d < int(kept.ndim); d++ {
		if kept.strides[0][d]*int64(dt.Size())%16 != 0 || kept.strides[1][d]*int64(dt.Size())%16 != 0 {
			return 0
		}
	}
	return (G + softmaxChunk - 1) / softmaxChunk
}

// softmaxNoCluster turns the cluster kernel off, for benchmarks.
var softmaxNoCluster bool

// softmaxThreads (0: by size) sets the block size of the row kernel, for
// benchmarks.
var softmaxThreads int

// Softmax implements core.ReduceKernels.
func (s *Stream) Softmax(axes []int, in, out core.View) error {
	dt := in.Dtype
	if !isFloatType(dt) || out.Dtype != dt {
		return fmt.Errorf("softmax of %s: not implemented on cuda", ctype[dt])
	}
	if out.Size() == 0 {
		return nil
	}
	isRed := make([]bool, len(in.Shape))
	for _, ax := range axes {
		isRed[ax] = true
	}
	var kShape, kIn, kOut, rShape, rIn, rOut []int
	for d, n := range in.Shape {
		if isRed[d] {
			rShape, rIn, rOut = append(rShape, n), append(rIn, in.Strides[d]), append(rOut, out.Strides[d])
		} else {
			kShape, kIn, kOut = append(kShape, n), append(kIn, in.Strides[d]), append(kOut, out.Strides[d])
		}
	}
	kept, err := makeLayout2("softmax", kShape, kIn, kOut)
	if err != nil {
		return err
	}
	red, err := makeLayout2("softmax", rShape, rIn, rOut)
	if err != nil {
		return err
	}
	G := 1
	for _, n := range rShape {
		G *= n
	}
	nGroups := out.Size() / G
	if nGroups > maxGrid {
		return fmt.Errorf("softmax: %d groups are more than cuda handles (%d)", nGroups, maxGrid)
	}
	px, err := s.operand(in)
	if err != nil {
		return err
	}
	py, err := s.operand(out)
	if err != nil {
		return err
	}
	mod, src := softmaxModule(dt), softmaxSource(dt)
	fn := func(variant int, name string) (uintptr, error) {
		return s.kernel(fnKey{"softmax", 0, dt, 0, variant}, mod, src, name)
	}
	var a Params
	if red.ndim <= 1 && red.strides[0][0] == 1 && red.strides[1][0] == 1 || G == 1 {
		if k := s.softmaxCluster(dt, G, px, py, kept); k > 0 {
			f, err := fn(8+k, fmt.Sprintf("softmax_k%d", k))
			if err != nil {
				return err
			}
			a.Ptr(px).Ptr(py).Int(G).Ref(unsafe.Pointer(kept))
			return s.Launch(f, [3]int{nGroups * k, 1, 1}, block256, 0, &a)
		}
		a.Ptr(px).Ptr(py).Int(nGroups).Int(G).Ref(unsafe.Pointer(kept))
		if G <= 1024 {
			f, err := fn(0, "softmax_rw")
			if err != nil {
				return err
			}
			return s.Launch(f, [3]int{(nGroups + 7) / 8, 1, 1}, block256, 0, &a)
		}
		// Measured on [4096, 32768] float32: 1024 threads a row best on
		// an H100 (3.35 TB/s), 512 on an H200 (4.8 TB/s), whose faster
		// memory wants two rows in flight per multiprocessor.
		threads := 256
		switch {
		case G >= 16384 && s.memoryBandwidth() < 4e12:
			threads = 1024
		case G >= 4096:
			threads = 512
		}
		if softmaxThreads > 0 {
			threads = softmaxThreads
		}
		f, err := fn(1, "softmax_rb")
		if err != nil {
			return err
		}
		return s.Launch(f, [3]int{nGroups, 1, 1}, [3]int{threads, 1, 1}, 0, &a)
	}
	a.Ptr(px).Ptr(py).Int(nGroups).Int(G).Ref(unsafe.Pointer(kept)).Ref(unsafe.Pointer(red))
	if kept.ndim > 0 && kept.strides[0][kept.ndim-1] == 1 && kept.strides[1][kept.ndim-1] == 1 && nGroups >= 1024 {
		f, err := fn(3, "softmax_c")
		if err != nil {
			return err
		}
		return s.Launch(f, gridFor(nGroups), block256, 0, &a)
	}
	f, err := fn(4, "softmax_g")
	if err != nil {
		return err
	}
	return s.Launch(f, [3]int{nGroups, 1, 1}, block256, 0, &a)
}

func init() {
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		for _, g := range reduceGroups {
			has := false
			for op := core.ReduceSum; op <= core.ReduceArgMin; op++ {
				if _, ok := reduceOut(op, dt); ok && reduceGroup(op) == g {
					has = true
				}
			}
			if has {
				registerModule(reduceModule(g, dt), reduceSource(g, dt))
			}
		}
		if isFloatType(dt) {
			registerModule(softmaxModule(dt), softmaxSource(dt))
		}
	}
}
