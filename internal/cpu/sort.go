package cpu

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Sorting works on keys: every element type is read as the unsigned
// integer of its width and mapped to a key whose unsigned order is NumPy's
// order of the elements. Unsigned integers and bool are their own keys;
// signed integers flip the sign bit; floats flip the sign bit of positive
// numbers and every bit of negative ones, and every NaN becomes the
// largest key. The keys are then sorted by a least-significant-digit radix
// sort, one byte per pass, which is stable, so that the positions carried
// along with the keys give a stable argsort. Complex numbers are sorted by
// comparison.

// keyT is a key: the unsigned integer of an element's width.
type keyT interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

// keyMode is how the elements of one type map to keys.
type keyMode uint8

const (
	keyUnsigned keyMode = iota
	keySigned
	keyFloat
)

// keyCodec maps the elements of one type, read as K, to keys and back.
type keyCodec[K keyT] struct {
	mode keyMode
	sign K // the sign bit
	inf  K // the bits of +Inf: larger magnitudes are NaN
	// zero maps -0 to +0's key (for orders that must keep -0 and +0
	// equal); a values sort leaves it unset so that keys decode exactly.
	zero bool
}

func newCodec[K keyT](d core.Dtype, zero bool) keyCodec[K] {
	var c keyCodec[K]
	c.sign = ^(^K(0) >> 1)
	c.zero = zero
	var inf uint64
	switch d {
	case core.Int8, core.Int16, core.Int32, core.Int64:
		c.mode = keySigned
	case core.Float16:
		c.mode, inf = keyFloat, 0x7c00
	case core.Bfloat16:
		c.mode, inf = keyFloat, 0x7f80
	case core.Float32:
		c.mode, inf = keyFloat, 0x7f800000
	case core.Float64:
		c.mode, inf = keyFloat, 0x7ff0000000000000
	}
	c.inf = K(inf)
	return c
}

// key returns the key of the element with bits u.
func (c *keyCodec[K]) key(u K) K {
	switch c.mode {
	case keySigned:
		return u ^ c.sign
	case keyFloat:
		if u&^c.sign > c.inf {
			return ^K(0)
		}
		if u&c.sign != 0 {
			if c.zero && u == c.sign {
				return c.sign
			}
			return ^u
		}
		return u | c.sign
	}
	return u
}

// encode writes the keys of the n elements of x from off by stride s.
func (c *keyCodec[K]) encode(dst, x []K, off, s int) {
	switch c.mode {
	case keyUnsigned:
		if s == 1 {
			copy(dst, x[off:off+len(dst)])
			return
		}
		for i := range dst {
			dst[i] = x[off]
			off += s
		}
	case keySigned:
		for i := range dst {
			dst[i] = x[off] ^ c.sign
			off += s
		}
	default:
		for i := range dst {
			dst[i] = c.key(x[off])
			off += s
		}
	}
}

// decode writes the elements of keys to out from off by stride s.
func (c *keyCodec[K]) decode(out []K, off, s int, keys []K) {
	switch c.mode {
	case keyUnsigned:
		if s == 1 {
			copy(out[off:off+len(keys)], keys)
			return
		}
		for _, k := range keys {
			out[off] = k
			off += s
		}
	case keySigned:
		for _, k := range keys {
			out[off] = k ^ c.sign
			off += s
		}
	default:
		for _, k := range keys {
			if k&c.sign != 0 {
				out[off] = k ^ c.sign
			} else {
				out[off] = ^k
			}
			off += s
		}
	}
}

// smallSort is the line length up to which an insertion sort beats the
// radix sort.
const smallSort = 48

// parallelSort is the line length from which one line is sorted by all the
// cores together.
const parallelSort = 1 << 17

// insertionSort sorts keys (and idx with them, when not nil), stably.
func insertionSort[K keyT](keys []K, idx []uint32) {
	for i := 1; i < len(keys); i++ {
		k := keys[i]
		j := i
		if idx == nil {
			for ; j > 0 && keys[j-1] > k; j-- {
				keys[j] = keys[j-1]
			}
			keys[j] = k
			continue
		}
		p := idx[i]
		for ; j > 0 && keys[j-1] > k; j-- {
			keys[j], idx[j] = keys[j-1], idx[j-1]
		}
		keys[j], idx[j] = k, p
	}
}

// radixSort sorts keys (and idx with them, when not nil) stably, using tmp
// and itmp (of the same lengths) as scratch, with up to workers goroutines.
// It returns the slices that hold the result: the inputs or the scratch.
func radixSort[K keyT](keys, tmp []K, idx, itmp []uint32, workers int) ([]K, []uint32) {
	n := len(keys)
	if n <= smallSort {
		insertionSort(keys, idx)
		return keys, idx
	}
	nb := int(unsafe.Sizeof(keys[0]))
	if workers > 1 && n >= parallelSort {
		return radixParallel(keys, tmp, idx, itmp, workers)
	}
	// One read counts every byte's digits.
	var hist [8][256]int
	for _, k := range keys {
		for b := 0; b < nb; b++ {
			hist[b][uint8(k>>(8*b))]++
		}
	}
	for b := 0; b < nb; b++ {
		h := &hist[b]
		if h[uint8(keys[0]>>(8*b))] == n {
			continue // every key has this digit: the pass would change nothing
		}
		sum := 0
		for d := range h {
			h[d], sum = sum, sum+h[d]
		}
		shift := 8 * b
		if idx == nil {
			for _, k := range keys {
				d := uint8(k >> shift)
				tmp[h[d]] = k
				h[d]++
			}
		} else {
			for i, k := range keys {
				d := uint8(k >> shift)
				p := h[d]
				tmp[p], itmp[p] = k, idx[i]
				h[d] = p + 1
			}
			idx, itmp = itmp, idx
		}
		keys, tmp = tmp, keys
	}
	return keys, idx
}

// radixParallel is radixSort for one long line: each pass, every worker
// counts the digits of its part, and then moves its part to the places the
// counts give it, in order, so that the sort stays stable.
func radixParallel[K keyT](keys, tmp []K, idx, itmp []uint32, workers int) ([]K, []uint32) {
	n := len(keys)
	nb := int(unsafe.Sizeof(keys[0]))
	hist := make([][256]int, workers)
	part := func(w int) (int, int) { return n * w / workers, n * (w + 1) / workers }
	for b := 0; b < nb; b++ {
		shift := 8 * b
		parallelFor(workers, grain, func(lo, hi int) {
			for w := lo; w < hi; w++ {
				h := &hist[w]
				*h = [256]int{}
				p0, p1 := part(w)
				for _, k := range keys[p0:p1] {
					h[uint8(k>>shift)]++
				}
			}
		})
		if total := func() int {
			t := 0
			for w := range hist {
				t += hist[w][uint8(keys[0]>>shift)]
			}
			return t
		}(); total == n {
			continue
		}
		sum := 0
		for d := 0; d < 256; d++ {
			for w := range hist {
				hist[w][d], sum = sum, sum+hist[w][d]
			}
		}
		parallelFor(workers, grain, func(lo, hi int) {
			for w := lo; w < hi; w++ {
				h := &hist[w]
				p0, p1 := part(w)
				if idx == nil {
					for _, k := range keys[p0:p1] {
						d := uint8(k >> shift)
						tmp[h[d]] = k
						h[d]++
					}
					continue
				}
				for i := p0; i < p1; i++ {
					k := keys[i]
					d := uint8(k >> shift)
					p := h[d]
					tmp[p], itmp[p] = k, idx[i]
					h[d] = p + 1
				}
			}
		})
		keys, tmp = tmp, keys
		if idx != nil {
			idx, itmp = itmp, idx
		}
	}
	return keys, idx
}

// lines describes the lines of in along axis and where each goes in out.
type lines struct {
	n, inStride, outStride int
	rows                   layout // over the other dimensions: in's offsets, then out's
	count                  int    // number of lines
}

func newLines(axis int, in, out core.View) lines {
	var shape, si, so []int
	for d, m := range in.Shape {
		if d != axis {
			shape, si, so = append(shape, m), append(si, in.Strides[d]), append(so, out.Strides[d])
		}
	}
	l := lines{n: in.Shape[axis], inStride: in.Strides[axis], outStride: out.Strides[axis]}
	l.rows = newLayout(shape, []int{in.Offset, out.Offset}, si, so)
	l.count = l.rows.size()
	return l
}

// each calls fn for every line with its offsets in in and out, the lines
// split over the cores; cost is the rough work of one line.
func (l *lines) each(cost int, fn func(inOff, outOff int)) {
	rows := l.rows
	parallelFor(l.count, cost, func(lo, hi int) {
		rows.rows(lo, hi, func(off []int, cnt int) {
			io, oo := off[0], off[1]
			ni, no := rows.in[0], rows.in[1]
			for j := 0; j < cnt; j++ {
				fn(io, oo)
				io += ni
				oo += no
			}
		})
	})
}

// Sort implements core.SortKernels.
func (*backend) Sort(op core.SortOp, axis, kth int, in, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	indices := op == core.SortIndices || op == core.PartitionIdx
	if indices && in.Shape[axis] > math.MaxUint32 {
		return fmt.Errorf("sort: %d positions do not fit uint32", in.Shape[axis])
	}
	if err := checkScratch(in.Shape[axis], 2*in.Dtype.Size()+8); err != nil {
		return err
	}
	// A partition is a sort: a sorted line has every element in its place.
	switch in.Dtype.Size() {
	case 1:
		sortLines[uint8](indices, axis, in, out)
	case 2:
		sortLines[uint16](indices, axis, in, out)
	case 4:
		sortLines[uint32](indices, axis, in, out)
	case 8:
		if in.Dtype == core.Complex64 {
			sortComplex(indices, axis, in, out)
		} else {
			sortLines[uint64](indices, axis, in, out)
		}
	default:
		return errNotImplemented("sort", in.Dtype)
	}
	return nil
}

// sortLines sorts every line of in (read as K) along axis into out.
func sortLines[K keyT](indices bool, axis int, in, out core.View) {
	l := newLines(axis, in, out)
	c := newCodec[K](in.Dtype, indices)
	x := core.All[K](in)
	n := l.n
	workers := 1
	if l.count < runtime.GOMAXPROCS(0) {
		workers = runtime.GOMAXPROCS(0)
	}
	cost := n * 8
	if workers > 1 {
		cost = 1 // the lines run one after the other, each on every core
	}
	var ov []K
	var oi []uint32
	if indices {
		oi = core.All[uint32](out)
	} else {
		ov = core.All[K](out)
	}
	// Scratch per goroutine: taken from a channel, which holds as many
	// sets as there may be goroutines.
	type scratch struct {
		keys, tmp []K
		idx, itmp []uint32
	}
	pool := make(chan *scratch, runtime.GOMAXPROCS(0)+1)
	get := func() *scratch {
		select {
		case s := <-pool:
			return s
		default:
		}
		s := &scratch{keys: make([]K, n), tmp: make([]K, n)}
		if indices {
			s.idx, s.itmp = make([]uint32, n), make([]uint32, n)
		}
		return s
	}
	l.each(cost, func(inOff, outOff int) {
		s := get()
		defer func() { pool <- s }()
		c.encode(s.keys, x, inOff, l.inStride)
		idx := s.idx
		for i := range idx {
			idx[i] = uint32(i)
		}
		keys, idx := radixSort(s.keys, s.tmp, idx, s.itmp, workers)
		if !indices {
			c.decode(ov, outOff, l.outStride, keys)
			return
		}
		if l.outStride == 1 {
			copy(oi[outOff:outOff+n], idx)
			return
		}
		for i, p := range idx {
			oi[outOff+i*l.outStride] = p
		}
	})
}

// sortLessComplex orders complex numbers as NumPy does: by real part, then
// imaginary part; those with a NaN part come after all others, first those
// whose imaginary part only is NaN (by real part), then those whose real
// part only is NaN (by imaginary part), then those with both.
func sortLessComplex(a, b complex64) bool {
	ca, cb := complexNaNClass(a), complexNaNClass(b)
	if ca != cb {
		return ca < cb
	}
	switch ca {
	case 0:
		return real(a) < real(b) || real(a) == real(b) && imag(a) < imag(b)
	case 1:
		return real(a) < real(b)
	case 2:
		return imag(a) < imag(b)
	}
	return false
}

// complexNaNClass is 0 without NaN parts, 1 for a NaN imaginary part only,
// 2 for a NaN real part only and 3 for both.
func complexNaNClass(a complex64) int {
	c := 0
	if imag(a) != imag(a) {
		c |= 1
	}
	if real(a) != real(a) {
		c |= 2
	}
	if c == 3 {
		return 3
	}
	return c
}

func sortCmpComplex(a, b complex64) int {
	switch {
	case sortLessComplex(a, b):
		return -1
	case sortLessComplex(b, a):
		return 1
	}
	return 0
}

// sortComplex sorts complex64 lines by comparison, stably.
func sortComplex(indices bool, axis int, in, out core.View) {
	l := newLines(axis, in, out)
	x := core.All[complex64](in)
	n := l.n
	l.each(n*32, func(inOff, outOff int) {
		idx := make([]uint32, n)
		for i := range idx {
			idx[i] = uint32(i)
		}
		slices.SortStableFunc(idx, func(a, b uint32) int {
			return sortCmpComplex(x[inOff+int(a)*l.inStride], x[inOff+int(b)*l.inStride])
		})
		if indices {
			oi := core.All[uint32](out)
			for i, p := range idx {
				oi[outOff+i*l.outStride] = p
			}
			return
		}
		ov := core.All[complex64](out)
		for i, p := range idx {
			ov[outOff+i*l.outStride] = x[inOff+int(p)*l.inStride]
		}
	})
}

// Searchsorted implements core.SortKernels.
func (*backend) Searchsorted(right bool, a, v, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	switch a.Dtype.Size() {
	case 1:
		searchKeys[uint8](right, a, v, out)
	case 2:
		searchKeys[uint16](right, a, v, out)
	case 4:
		searchKeys[uint32](right, a, v, out)
	case 8:
		if a.Dtype == core.Complex64 {
			searchComplex(right, a, v, out)
		} else {
			searchKeys[uint64](right, a, v, out)
		}
	default:
		return errNotImplemented("searchsorted", a.Dtype)
	}
	return nil
}

// searchKeys binary-searches the keys of a for the keys of v's elements.
func searchKeys[K keyT](right bool, a, v, out core.View) {
	c := newCodec[K](a.Dtype, true)
	n := a.Shape[0]
	keys := make([]K, n)
	c.encode(keys, core.All[K](a), a.Offset, a.Strides[0])
	x := core.All[K](v)
	o := outSlice[uint32](out)
	l := newLayout(v.Shape, []int{v.Offset}, v.Strides)
	cost := 2 + bitsLen(n)
	parallelFor(len(o), cost, func(lo, hi int) {
		i := lo
		l.rows(lo, hi, func(off []int, cnt int) {
			p, s := off[0], l.in[0]
			for j := 0; j < cnt; j++ {
				k := c.key(x[p])
				var pos int
				if right {
					pos, _ = slices.BinarySearchFunc(keys, k, func(e, t K) int {
						if e <= t {
							return -1
						}
						return 1
					})
				} else {
					pos, _ = slices.BinarySearch(keys, k)
				}
				o[i] = uint32(pos)
				i++
				p += s
			}
		})
	})
}

func bitsLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

// searchComplex is searchKeys for complex64, by comparison.
func searchComplex(right bool, a, v, out core.View) {
	n := a.Shape[0]
	all := core.All[complex64](a)
	seq := make([]complex64, n)
	for i := range seq {
		seq[i] = all[a.Offset+i*a.Strides[0]]
	}
	x := core.All[complex64](v)
	o := outSlice[uint32](out)
	l := newLayout(v.Shape, []int{v.Offset}, v.Strides)
	i := 0
	l.rows(0, len(o), func(off []int, cnt int) {
		p, s := off[0], l.in[0]
		for j := 0; j < cnt; j++ {
			t := x[p]
			o[i] = uint32(sortSearch(n, func(e int) bool {
				if right {
					return sortLessComplex(t, seq[e])
				}
				return !sortLessComplex(seq[e], t)
			}))
			i++
			p += s
		}
	})
}

// sortSearch returns the first i in [0, n) for which f is true (n if none),
// f being false and then true.
func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
