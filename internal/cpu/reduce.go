package cpu

import (
	"fmt"
	"runtime"
	"sort"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Reductions walk their input in one of two orders, chosen from the strides:
//
//   - row order, when a reduced dimension is the most tightly packed: each
//     output folds runs along the innermost reduced dimension;
//   - column order, when a kept dimension is: a tile of outputs along the
//     innermost kept dimension is folded row after row, each row of the
//     reduced space adding one element to every output of the tile.
//
// Work is split over the cores by outputs (or tiles); when there are fewer
// outputs than cores, the reduced space of each output is split too, and the
// partial results merged in order.

// reducePlan is a reduction of one strided input, its dimensions split into
// kept and reduced ones and merged where the strides allow.
type reducePlan struct {
	kept   layout // kept dimensions in order; offset: the input's offset
	red    layout // reduced dimensions, by decreasing stride; offset 0
	nOut   int    // number of outputs (elements of the kept space)
	nRed   int    // elements reduced into each output
	kn, ks int    // length and stride of the innermost kept dimension
	rn, rs int    // length and stride of the innermost reduced dimension
	single bool   // the reduced space is one run of rn elements
	col    bool   // reduce in column order
}

// newReducePlan plans the reduction of in over axes. Reduced dimensions of
// negative stride are flipped: every reduction but the arg ones is
// insensitive to order (up to rounding).
func newReducePlan(in core.View, axes []int) *reducePlan {
	isRed := make([]bool, len(in.Shape))
	for _, ax := range axes {
		isRed[ax] = true
	}
	offset := in.Offset
	var kShape, kStrides []int
	type dim struct{ n, s int }
	var rdims []dim
	for d, n := range in.Shape {
		s := in.Strides[d]
		if !isRed[d] {
			kShape, kStrides = append(kShape, n), append(kStrides, s)
			continue
		}
		if s < 0 && n > 0 {
			offset += (n - 1) * s
			s = -s
		}
		rdims = append(rdims, dim{n, s})
	}
	sort.SliceStable(rdims, func(i, j int) bool { return rdims[i].s > rdims[j].s })
	rShape, rStrides := make([]int, len(rdims)), make([]int, len(rdims))
	for i, d := range rdims {
		rShape[i], rStrides[i] = d.n, d.s
	}
	p := &reducePlan{
		kept: newLayout(kShape, []int{offset}, kStrides),
		red:  newLayout(rShape, []int{0}, rStrides),
	}
	p.nOut, p.nRed = p.kept.size(), p.red.size()
	p.kn, p.ks = p.kept.shape[len(p.kept.shape)-1], p.kept.strides[0][len(p.kept.shape)-1]
	p.rn, p.rs = p.red.shape[len(p.red.shape)-1], p.red.strides[0][len(p.red.shape)-1]
	p.single = len(p.red.shape) == 1
	// Column order pays when a kept dimension is packed tighter than every
	// reduced one, or when the reduced space is so small that a call per
	// output would cost more than the work.
	p.col = p.nRed > 1 && p.kn >= 8 && (abs(p.ks) < p.rs || p.nRed <= 16)
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// offsetOf returns operand k's element offset of the i-th element (in
// row-major order) of l.
func offsetOf(l *layout, k, i int) int {
	off := l.offsets[k]
	for d := len(l.shape) - 1; d >= 0; d-- {
		n := l.shape[d]
		off += (i % n) * l.strides[k][d]
		i /= n
	}
	return off
}

// reducer folds elements of type T into accumulators of type A and writes
// results of type R. Its methods work on whole runs, so that the cost of
// calling them through the interface is paid per run, not per element.
type reducer[T, A, R any] interface {
	// init returns the accumulator of no elements.
	init() A
	// row folds x[off], x[off+s], ... (n elements) into acc.
	row(acc A, x []T, off, s, n int) A
	// col folds x[off+j*s] into acc[j] for every j.
	col(acc []A, x []T, off, s int)
	// merge combines the accumulators of two parts, a before b.
	merge(a, b A) A
	// finish writes the results of accumulators of count elements each.
	finish(acc []A, count int, out []R)
}

// runReduce computes the reduction planned by p of x into out (row-major
// over the kept dimensions).
func runReduce[T, A, R any](op reducer[T, A, R], p *reducePlan, x []T, out []R) {
	if p.nOut == 0 {
		return
	}
	if p.col {
		colReduce(op, p, x, out)
	} else {
		rowReduce(op, p, x, out)
	}
}

// foldRange folds the elements [r0, r1) of the reduced space of the output
// at base into acc.
func foldRange[T, A, R any](op reducer[T, A, R], p *reducePlan, x []T, base int, acc A, r0, r1 int) A {
	if p.single {
		return op.row(acc, x, base+r0*p.rs, p.rs, r1-r0)
	}
	p.red.rows(r0, r1, func(off []int, n int) { acc = op.row(acc, x, base+off[0], p.rs, n) })
	return acc
}

// splitParts returns how many parts to split the reduced space of each of
// items work items into, so that all cores get work.
func splitParts(items, nRed int) int {
	w := runtime.GOMAXPROCS(0)
	if items >= w || items*nRed < 2*grain || nRed < 2*w {
		return 1
	}
	return w
}

func rowReduce[T, A, R any](op reducer[T, A, R], p *reducePlan, x []T, out []R) {
	if p.nRed == 0 {
		acc := make([]A, p.nOut)
		for i := range acc {
			acc[i] = op.init()
		}
		op.finish(acc, 0, out)
		return
	}
	parts := splitParts(p.nOut, p.nRed)
	if parts == 1 {
		parallelFor(p.nOut, p.nRed, func(lo, hi int) {
			acc := make([]A, hi-lo)
			i := 0
			p.kept.rows(lo, hi, func(off []int, n int) {
				b := off[0]
				for j := 0; j < n; j++ {
					acc[i] = foldRange(op, p, x, b, op.init(), 0, p.nRed)
					i++
					b += p.ks
				}
			})
			op.finish(acc, p.nRed, out[lo:hi])
		})
		return
	}
	partial := make([]A, p.nOut*parts)
	parallelFor(len(partial), p.nRed/parts, func(lo, hi int) {
		for it := lo; it < hi; it++ {
			o, k := it/parts, it%parts
			r0, r1 := p.nRed*k/parts, p.nRed*(k+1)/parts
			partial[it] = foldRange(op, p, x, offsetOf(&p.kept, 0, o), op.init(), r0, r1)
		}
	})
	acc := make([]A, p.nOut)
	for o := range acc {
		a := partial[o*parts]
		for k := 1; k < parts; k++ {
			a = op.merge(a, partial[o*parts+k])
		}
		acc[o] = a
	}
	op.finish(acc, p.nRed, out)
}

// colTile is the number of outputs folded together in column order.
const colTile = 1024

func colReduce[T, A, R any](op reducer[T, A, R], p *reducePlan, x []T, out []R) {
	m := p.kn
	last := len(p.kept.shape) - 1
	outer := layout{shape: p.kept.shape[:last], strides: [][]int{p.kept.strides[0][:last]}, offsets: p.kept.offsets}
	nt := (m + colTile - 1) / colTile
	items := p.nOut / m * nt
	// fold folds the rows [r0, r1) of the reduced space into the tile of
	// work item it, returning the tile's place in out.
	fold := func(it int, acc []A, r0, r1 int) (lo, hi int) {
		o, t := it/nt, it%nt
		j0 := t * colTile
		w := min(colTile, m-j0)
		acc = acc[:w]
		for j := range acc {
			acc[j] = op.init()
		}
		base := offsetOf(&outer, 0, o) + j0*p.ks
		p.red.rows(r0, r1, func(off []int, n int) {
			b := base + off[0]
			for i := 0; i < n; i++ {
				op.col(acc, x, b, p.ks)
				b += p.rs
			}
		})
		return o*m + j0, o*m + j0 + w
	}
	parts := splitParts(items, p.nRed)
	if parts == 1 {
		parallelFor(items, colTile*p.nRed, func(lo, hi int) {
			acc := make([]A, colTile)
			for it := lo; it < hi; it++ {
				a, b := fold(it, acc, 0, p.nRed)
				op.finish(acc[:b-a], p.nRed, out[a:b])
			}
		})
		return
	}
	partial := make([]A, items*parts*colTile)
	parallelFor(items*parts, colTile*p.nRed/parts, func(lo, hi int) {
		for ip := lo; ip < hi; ip++ {
			it, k := ip/parts, ip%parts
			fold(it, partial[ip*colTile:(ip+1)*colTile], p.nRed*k/parts, p.nRed*(k+1)/parts)
		}
	})
	for it := 0; it < items; it++ {
		acc := partial[it*parts*colTile : (it*parts+1)*colTile]
		t := it % nt
		w := min(colTile, m-t*colTile)
		for k := 1; k < parts; k++ {
			pk := partial[(it*parts+k)*colTile:]
			for j := 0; j < w; j++ {
				acc[j] = op.merge(acc[j], pk[j])
			}
		}
		a := it/nt*m + t*colTile
		op.finish(acc[:w], p.nRed, out[a:a+w])
	}
}

// Reduce implements core.ReduceKernels.
func (*backend) Reduce(op core.ReduceOp, axes []int, ddof int, in, out core.View) (err error) {
	if out.Size() == 0 {
		return nil
	}
	if isHalf(in.Dtype) {
		f, err := toFloat32(in)
		if err != nil {
			return err
		}
		defer f.Buf.Release()
		in = f
	}
	if isHalf(out.Dtype) {
		f, err := newFloat32(out.Shape)
		if err != nil {
			return err
		}
		defer f.Buf.Release()
		if err := reduceTyped(op, axes, ddof, in, f); err != nil {
			return err
		}
		convert(newLayout(out.Shape, []int{0, out.Offset}, f.Strides, out.Strides), f, out)
		return nil
	}
	return reduceTyped(op, axes, ddof, in, out)
}

func isHalf(d core.Dtype) bool { return d == core.Float16 || d == core.Bfloat16 }

// newFloat32 returns a packed float32 view of shape on a new buffer.
func newFloat32(shape []int) (core.View, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	buf, err := core.Host.Alloc(4 * n)
	if err != nil {
		return core.View{}, err
	}
	return core.View{Buf: buf, Dtype: core.Float32, Shape: shape, Strides: core.RowMajorStrides(shape)}, nil
}

// toFloat32 returns in converted to a packed float32 view on a new buffer,
// which the caller releases.
func toFloat32(in core.View) (core.View, error) {
	f, err := newFloat32(in.Shape)
	if err != nil {
		return f, err
	}
	convert(newLayout(in.Shape, []int{in.Offset, 0}, in.Strides, f.Strides), in, f)
	return f, nil
}

// outSlice returns the elements of a row-major output view.
func outSlice[R any](out core.View) []R {
	return core.All[R](out)[out.Offset : out.Offset+out.Size()]
}

// reduceTyped runs op for in's type (not a half type) into out (float32
// where the result is of a half type).
func reduceTyped(op core.ReduceOp, axes []int, ddof int, in, out core.View) error {
	p := newReducePlan(in, axes)
	switch op {
	case core.ReduceSum, core.ReduceProd, core.ReduceMean:
		if reduceSumProd(op, p, in, out) {
			return nil
		}
	case core.ReduceMax, core.ReduceMin:
		if reduceMaxMin(op == core.ReduceMax, p, in, out) {
			return nil
		}
	case core.ReduceAll, core.ReduceAny, core.ReduceCountNonzero:
		if reduceLogical(op, p, in, out) {
			return nil
		}
	case core.ReduceVar, core.ReduceStd:
		if reduceVar(op == core.ReduceStd, ddof, p, in, out) {
			return nil
		}
	case core.ReduceLogSumExp:
		colOrder := p.col && p.ks == 1 && p.nOut > 0
		switch {
		case colOrder && in.Dtype == core.Float32 && out.Dtype == core.Float32:
			lseCols(p, core.All[float32](in), outSlice[float32](out))
			return nil
		case colOrder && in.Dtype == core.Float64 && out.Dtype == core.Float64:
			lseCols(p, core.All[float64](in), outSlice[float64](out))
			return nil
		case in.Dtype == core.Float32 && out.Dtype == core.Float32:
			runReduce[float32, lseAcc, float32](lseReducer[float32]{}, p, core.All[float32](in), outSlice[float32](out))
			return nil
		case in.Dtype == core.Float64 && out.Dtype == core.Float64:
			runReduce[float64, lseAcc, float64](lseReducer[float64]{}, p, core.All[float64](in), outSlice[float64](out))
			return nil
		}
	case core.ReduceMedian:
		// Each worker gathers one output's reduced elements as float64.
		if err := checkScratch(p.nRed, 8*runtime.GOMAXPROCS(0)); err != nil {
			return err
		}
		if reduceMedian(p, in, out) {
			return nil
		}
	}
	return fmt.Errorf("reduction %d from %d to %d not implemented on cpu", op, in.Dtype, out.Dtype)
}

// sumProd runs a sum, mean or product from T to R, accumulating in A.
func sumProd[T, A, R realNum](op core.ReduceOp, p *reducePlan, x []T, out []R) {
	if op == core.ReduceProd {
		runReduce[T, A, R](prodReducer[T, A, R]{}, p, x, out)
		return
	}
	runReduce[T, A, R](sumReducer[T, A, R]{mean: op == core.ReduceMean}, p, x, out)
}

// sumProdFrom runs a sum, mean or product from T to out's type: integers
// accumulate in the output type (wrapping as MLX does), floats in float64.
func sumProdFrom[T realNum](op core.ReduceOp, p *reducePlan, x []T, out core.View) bool {
	switch out.Dtype {
	case core.Int32:
		sumProd[T, int32, int32](op, p, x, outSlice[int32](out))
	case core.Int64:
		sumProd[T, int64, int64](op, p, x, outSlice[int64](out))
	case core.Uint32:
		sumProd[T, uint32, uint32](op, p, x, outSlice[uint32](out))
	case core.Uint64:
		sumProd[T, uint64, uint64](op, p, x, outSlice[uint64](out))
	case core.Float32:
		sumProd[T, float64, float32](op, p, x, outSlice[float32](out))
	case core.Float64:
		sumProd[T, float64, float64](op, p, x, outSlice[float64](out))
	default:
		return false
	}
	return true
}

func reduceSumProd(op core.ReduceOp, p *reducePlan, in, out core.View) bool {
	switch in.Dtype {
	case core.Bool, core.Uint8:
		return sumProdFrom(op, p, core.All[uint8](in), out)
	case core.Uint16:
		return sumProdFrom(op, p, core.All[uint16](in), out)
	case core.Uint32:
		return sumProdFrom(op, p, core.All[uint32](in), out)
	case core.Uint64:
		return sumProdFrom(op, p, core.All[uint64](in), out)
	case core.Int8:
		return sumProdFrom(op, p, core.All[int8](in), out)
	case core.Int16:
		return sumProdFrom(op, p, core.All[int16](in), out)
	case core.Int32:
		return sumProdFrom(op, p, core.All[int32](in), out)
	case core.Int64:
		return sumProdFrom(op, p, core.All[int64](in), out)
	case core.Float32:
		return sumProdFrom(op, p, core.All[float32](in), out)
	case core.Float64:
		return sumProdFrom(op, p, core.All[float64](in), out)
	case core.Complex64:
		if out.Dtype != core.Complex64 {
			return false
		}
		x, o := core.All[complex64](in), outSlice[complex64](out)
		if op == core.ReduceProd {
			runReduce[complex64, complex128, complex64](cprodReducer{}, p, x, o)
		} else {
			runReduce[complex64, complex128, complex64](csumReducer{mean: op == core.ReduceMean}, p, x, o)
		}
		return true
	}
	return false
}

func maxMin[T realNum](isMax bool, p *reducePlan, x []T, out []T) {
	if isMax {
		runReduce[T, T, T](maxReducer[T]{}, p, x, out)
	} else {
		runReduce[T, T, T](minReducer[T]{}, p, x, out)
	}
}

func reduceMaxMin(isMax bool, p *reducePlan, in, out core.View) bool {
	if in.Dtype != out.Dtype {
		return false
	}
	switch in.Dtype {
	case core.Bool, core.Uint8:
		maxMin(isMax, p, core.All[uint8](in), outSlice[uint8](out))
	case core.Uint16:
		maxMin(isMax, p, core.All[uint16](in), outSlice[uint16](out))
	case core.Uint32:
		maxMin(isMax, p, core.All[uint32](in), outSlice[uint32](out))
	case core.Uint64:
		maxMin(isMax, p, core.All[uint64](in), outSlice[uint64](out))
	case core.Int8:
		maxMin(isMax, p, core.All[int8](in), outSlice[int8](out))
	case core.Int16:
		maxMin(isMax, p, core.All[int16](in), outSlice[int16](out))
	case core.Int32:
		maxMin(isMax, p, core.All[int32](in), outSlice[int32](out))
	case core.Int64:
		maxMin(isMax, p, core.All[int64](in), outSlice[int64](out))
	case core.Float32:
		maxMin(isMax, p, core.All[float32](in), outSlice[float32](out))
	case core.Float64:
		maxMin(isMax, p, core.All[float64](in), outSlice[float64](out))
	default:
		return false
	}
	return true
}

func logical[T number](op core.ReduceOp, p *reducePlan, x []T, out core.View) bool {
	switch {
	case op == core.ReduceAll && out.Dtype == core.Bool:
		runReduce[T, bool, bool](allReducer[T]{}, p, x, outSlice[bool](out))
	case op == core.ReduceAny && out.Dtype == core.Bool:
		runReduce[T, bool, bool](anyReducer[T]{}, p, x, outSlice[bool](out))
	case op == core.ReduceCountNonzero && out.Dtype == core.Int32:
		runReduce[T, int64, int32](countReducer[T]{}, p, x, outSlice[int32](out))
	default:
		return false
	}
	return true
}

func reduceLogical(op core.ReduceOp, p *reducePlan, in, out core.View) bool {
	switch in.Dtype {
	case core.Bool, core.Uint8:
		return logical(op, p, core.All[uint8](in), out)
	case core.Uint16:
		return logical(op, p, core.All[uint16](in), out)
	case core.Uint32:
		return logical(op, p, core.All[uint32](in), out)
	case core.Uint64:
		return logical(op, p, core.All[uint64](in), out)
	case core.Int8:
		return logical(op, p, core.All[int8](in), out)
	case core.Int16:
		return logical(op, p, core.All[int16](in), out)
	case core.Int32:
		return logical(op, p, core.All[int32](in), out)
	case core.Int64:
		return logical(op, p, core.All[int64](in), out)
	case core.Float32:
		return logical(op, p, core.All[float32](in), out)
	case core.Float64:
		return logical(op, p, core.All[float64](in), out)
	case core.Complex64:
		return logical(op, p, core.All[complex64](in), out)
	}
	return false
}

func varFrom[T realNum](std bool, ddof int, p *reducePlan, x []T, out core.View) bool {
	switch out.Dtype {
	case core.Float32:
		runReduce[T, varAcc, float32](varReducer[T, float32]{ddof: ddof, std: std}, p, x, outSlice[float32](out))
	case core.Float64:
		runReduce[T, varAcc, float64](varReducer[T, float64]{ddof: ddof, std: std}, p, x, outSlice[float64](out))
	default:
		return false
	}
	return true
}

func reduceVar(std bool, ddof int, p *reducePlan, in, out core.View) bool {
	switch in.Dtype {
	case core.Bool, core.Uint8:
		return varFrom(std, ddof, p, core.All[uint8](in), out)
	case core.Uint16:
		return varFrom(std, ddof, p, core.All[uint16](in), out)
	case core.Uint32:
		return varFrom(std, ddof, p, core.All[uint32](in), out)
	case core.Uint64:
		return varFrom(std, ddof, p, core.All[uint64](in), out)
	case core.Int8:
		return varFrom(std, ddof, p, core.All[int8](in), out)
	case core.Int16:
		return varFrom(std, ddof, p, core.All[int16](in), out)
	case core.Int32:
		return varFrom(std, ddof, p, core.All[int32](in), out)
	case core.Int64:
		return varFrom(std, ddof, p, core.All[int64](in), out)
	case core.Float32:
		return varFrom(std, ddof, p, core.All[float32](in), out)
	case core.Float64:
		return varFrom(std, ddof, p, core.All[float64](in), out)
	case core.Complex64:
		if out.Dtype != core.Float32 {
			return false
		}
		runReduce[complex64, cvarAcc, float32](cvarReducer{ddof: ddof, std: std}, p, core.All[complex64](in), outSlice[float32](out))
		return true
	}
	return false
}
