package cpu

// layout describes k operands over one shape, with the dimensions merged
// where every operand allows it, so that the innermost rows are as long as
// possible. It is the one memory-layout classification the kernels share.
type layout struct {
	shape   []int
	strides [][]int // per operand, per merged dimension
	offsets []int   // per operand: the element offset of index zero
}

// newLayout merges the dimensions of shape for operands with the given
// strides and offsets. Dimensions of size one are dropped.
func newLayout(shape []int, offsets []int, strides ...[]int) layout {
	k := len(strides)
	l := layout{offsets: offsets, strides: make([][]int, k)}
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
		l.shape = []int{1}
		for j := 0; j < k; j++ {
			l.strides[j] = []int{0}
		}
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
func (l *layout) inner() (n int, strides []int) {
	last := len(l.shape) - 1
	strides = make([]int, len(l.strides))
	for j := range l.strides {
		strides[j] = l.strides[j][last]
	}
	return l.shape[last], strides
}

// rows calls fn for each run of consecutive elements along the innermost
// dimension within the row-major element range [lo, hi): off holds each
// operand's element offset of the run's first element, n its length. The
// operands' strides along the run are those of inner(). off is reused
// between calls.
func (l *layout) rows(lo, hi int, fn func(off []int, n int)) {
	if lo >= hi {
		return
	}
	nd := len(l.shape)
	k := len(l.strides)
	idx := make([]int, nd)
	off := make([]int, k)
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
// rough work per element.
func (l *layout) forEach(cost int, fn func(off []int, n int)) {
	if l.size() == 0 {
		return
	}
	parallelFor(l.size(), cost, func(lo, hi int) { l.rows(lo, hi, fn) })
}
