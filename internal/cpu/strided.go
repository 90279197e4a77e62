package cpu

import "sync/atomic"

// layout describes k operands over one shape, with the dimensions merged
// where every operand allows it, so that the innermost rows are as long as
// possible. It is the one memory-layout classification the kernels share.
// A layout may be copied; the copies share their storage, which must not be
// changed. Layouts come from newLayout; one put together by hand (from the
// slices of another) works too, without the inline storage.
type layout struct {
	shape   []int
	strides [][]int // per operand, per merged dimension
	offsets []int   // per operand: the element offset of index zero
	in      []int   // per operand: the stride along the rows (inner)
	store   *layoutStore
}

// Layouts of at most maxInlineDims dimensions and maxInlineOps operands,
// nearly all of them, keep everything in one layoutStore: one allocation,
// and none in rows. Larger ones allocate their slices one by one.
const (
	maxInlineDims = 6
	maxInlineOps  = 4
)

// layoutStore is the storage of a small layout, allocated at once.
type layoutStore struct {
	strides    [maxInlineOps][]int
	shape      [maxInlineDims]int
	strideData [maxInlineOps][maxInlineDims]int
	offsets    [maxInlineOps]int
	in         [maxInlineOps]int
	// off is the offsets handed to rows' callback, for one rows call at a
	// time: the one that sets busy.
	off  [maxInlineOps]int
	busy atomic.Bool
}

// newLayout merges the dimensions of shape for operands with the given
// strides and offsets. Dimensions of size one are dropped. It keeps no
// reference to its arguments.
func newLayout(shape []int, offsets []int, strides ...[]int) layout {
	k := len(strides)
	var l layout
	if len(shape) <= maxInlineDims && k <= maxInlineOps {
		s := new(layoutStore)
		l.store = s
		l.shape = s.shape[:0]
		l.strides = s.strides[:k:k]
		for j := range k {
			l.strides[j] = s.strideData[j][:0]
		}
		l.offsets, l.in = s.offsets[:k:k], s.in[:k:k]
	} else {
		l.strides = make([][]int, k)
		l.offsets, l.in = make([]int, k), make([]int, k)
	}
	copy(l.offsets, offsets)
	for d := range shape {
		if shape[d] == 1 {
			continue
		}
		last := len(l.shape) - 1
		if last >= 0 {
			merge := true
			for j := 0; j < k; j++ {
				if l.strides[j][last] != strides[j][d]*shape[d] {
					merge = false
					break
				}
			}
			if merge {
				l.shape[last] *= shape[d]
				for j := 0; j < k; j++ {
					l.strides[j][last] = strides[j][d]
				}
				continue
			}
		}
		l.shape = append(l.shape, shape[d])
		for j := 0; j < k; j++ {
			l.strides[j] = append(l.strides[j], strides[j][d])
		}
	}
	if len(l.shape) == 0 { // a scalar: one row of one element
		l.shape = append(l.shape, 1)
		for j := 0; j < k; j++ {
			l.strides[j] = append(l.strides[j], 0)
		}
	}
	last := len(l.shape) - 1
	for j := range k {
		l.in[j] = l.strides[j][last]
	}
	return l
}

// size is the number of elements.
func (l *layout) size() int {
	n := 1
	for _, d := range l.shape {
		n *= d
	}
	return n
}

// inner returns the length of a row and each operand's stride along it.
// The strides must not be changed.
func (l *layout) inner() (n int, strides []int) {
	last := len(l.shape) - 1
	if l.in == nil { // a layout put together by hand, not by newLayout
		strides = make([]int, len(l.strides))
		for j := range l.strides {
			strides[j] = l.strides[j][last]
		}
		return l.shape[last], strides
	}
	return l.shape[last], l.in
}

// rows calls fn for each run of consecutive elements along the innermost
// dimension within the row-major element range [lo, hi): off holds each
// operand's element offset of the run's first element, n its length. The
// operands' strides along the run are those of inner(). off is reused
// between calls and must not be kept after fn returns.
func (l *layout) rows(lo, hi int, fn func(off []int, n int)) {
	if lo >= hi {
		return
	}
	nd := len(l.shape)
	k := len(l.strides)
	var idxBuf [maxInlineDims]int
	idx := idxBuf[:]
	if nd > maxInlineDims {
		idx = make([]int, nd)
	}
	var off []int
	if s := l.store; s != nil && s.busy.CompareAndSwap(false, true) {
		off = s.off[:k:k]
		defer s.busy.Store(false)
	} else {
		off = make([]int, k)
	}
	copy(off, l.offsets)
	rem := lo
	for d := nd - 1; d >= 0; d-- {
		idx[d] = rem % l.shape[d]
		rem /= l.shape[d]
		for j := 0; j < k; j++ {
			off[j] += idx[d] * l.strides[j][d]
		}
	}
	last := nd - 1
	for pos := lo; pos < hi; {
		n := min(l.shape[last]-idx[last], hi-pos)
		fn(off, n)
		pos += n
		// Advance the index by n along the last dimension, carrying.
		idx[last] += n
		for j := 0; j < k; j++ {
			off[j] += n * l.strides[j][last]
		}
		for d := last; d > 0 && idx[d] == l.shape[d]; d-- {
			idx[d] = 0
			idx[d-1]++
			for j := 0; j < k; j++ {
				off[j] += l.strides[j][d-1] - l.shape[d]*l.strides[j][d]
			}
		}
	}
}

// forEach runs fn over the rows of l, split over the cores; cost is the
// rough work per element. Small jobs run on the calling goroutine. fn may
// run on other goroutines, so a closure passed here is allocated on the
// heap; a kernel called very often on small arrays can call rows itself
// for them, as runBinary does.
func (l *layout) forEach(cost int, fn func(off []int, n int)) {
	n := l.size()
	if n == 0 {
		return
	}
	if n*max(cost, 1) < 2*grain { // what parallelFor would run on one goroutine
		l.rows(0, n, fn)
		return
	}
	pl := *l // only this copy is captured, so that l itself stays where it is
	parallelFor(n, cost, func(lo, hi int) { pl.rows(lo, hi, fn) })
}
