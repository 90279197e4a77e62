package mx

// Basic indexing: NumPy's a[...] with integers, slices, None and an
// ellipsis, written as a call:
//
//	a[1, 1:3, None, ...]  mx.Index(a, 1, mx.S(1, 3), mx.NewAxis, mx.Ellipsis)
//	a[2:]                 mx.Index(a, mx.From(2))
//	a[:3]                 mx.Index(a, mx.To(3))
//	a[1:8:2]              mx.Index(a, mx.S(1, 8).Step(2))
//	a[::-1]               mx.Index(a, mx.Colon.Step(-1))
//	a[:, None]            mx.Index(a, mx.Colon, mx.NewAxis)
//	a[..., -1]            mx.Index(a, mx.Ellipsis, -1)
//
// The result is a view of a: no data is copied. Indexing with arrays of
// integers or booleans (NumPy's advanced indexing, which copies) and
// updates through an index (At) are in index_adv.go, on the gather and
// scatter primitives of ops_index.go.
//
// On names: MLX's mx.slice(a, start_indices, axes, slice_size), a slice
// whose start is held in an array, and mx.slice_update are to be Slice and
// SliceUpdate in Go, so the slice of one axis here is not called a Slice:
// it is a Span, made with S, From, To or Colon and given a step with its
// Step method.

import (
	"fmt"
	"math"
	"slices"
)

// Span is a slice start:stop:step of one axis, as NumPy writes
// a[start:stop:step]; start, stop and step may each be left out. Make one
// with S, From, To or Colon (the zero Span is Colon). Bounds follow NumPy:
// negative ones count from the end of the axis, and those out of range are
// clamped to it; a negative step walks backwards, with an omitted start then
// meaning the last element and an omitted stop the position before the
// first.
type Span struct {
	start, stop, step          int
	hasStart, hasStop, hasStep bool
}

// S returns the span start:stop.
func S(start, stop int) Span { return Span{start: start, stop: stop, hasStart: true, hasStop: true} }

// From returns the span start:, from start to the end of the axis.
func From(start int) Span { return Span{start: start, hasStart: true} }

// To returns the span :stop, from the start of the axis up to stop.
func To(stop int) Span { return Span{stop: stop, hasStop: true} }

// Colon is the span ":", the whole axis.
var Colon = Span{}

// Step returns s with the given step, as in mx.S(1, 8).Step(2) for 1:8:2 or
// mx.Colon.Step(-1) for ::-1. Index panics with *Error for a zero step.
func (s Span) Step(step int) Span {
	s.step, s.hasStep = step, true
	return s
}

// String formats s as NumPy writes it, such as "1:8:2" or "::-1".
func (s Span) String() string {
	str := ""
	if s.hasStart {
		str = fmt.Sprint(s.start)
	}
	str += ":"
	if s.hasStop {
		str += fmt.Sprint(s.stop)
	}
	if s.hasStep {
		str += ":" + fmt.Sprint(s.step)
	}
	return str
}

// bounds resolves s over an axis of size d as NumPy does: the first index,
// the stop (exclusive; -1 for a backward span that runs to the start), the
// step and the number of elements.
func (s Span) bounds(d int) (start, stop, step, n int) {
	step = 1
	if s.hasStep {
		step = max(s.step, -math.MaxInt) // so that -step cannot overflow
	}
	if step == 0 {
		panic(newError("index", "slice %v has a zero step", s))
	}
	back := step < 0
	resolve := func(i int, given bool, def int) int {
		switch {
		case !given:
			return def
		case i < 0:
			i += d
			if i < 0 {
				if back {
					return -1
				}
				return 0
			}
		case i >= d:
			if back {
				return d - 1
			}
			return d
		}
		return i
	}
	if back {
		start = resolve(s.start, s.hasStart, d-1)
		stop = resolve(s.stop, s.hasStop, -1)
		if stop < start {
			n = (start-stop-1)/(-step) + 1
		}
	} else {
		start = resolve(s.start, s.hasStart, 0)
		stop = resolve(s.stop, s.hasStop, d)
		if start < stop {
			n = (stop-start-1)/step + 1
		}
	}
	return start, stop, step, n
}

// IndexMarker is an entry of Index that is neither a number nor a span:
// NewAxis or Ellipsis.
type IndexMarker uint8

const (
	// NewAxis inserts an axis of size one, as NumPy's None or np.newaxis.
	NewAxis IndexMarker = iota + 1
	// Ellipsis stands for as many whole axes (":") as the other indices
	// leave, as NumPy's "...". An index may hold one.
	Ellipsis
)

func (m IndexMarker) String() string {
	switch m {
	case NewAxis:
		return "NewAxis"
	case Ellipsis:
		return "Ellipsis"
	}
	return fmt.Sprintf("IndexMarker(%d)", uint8(m))
}

// Index returns the part of a that NumPy's indexing a[indices...] selects.
// Each entry of indices is one of:
//
//   - an integer (any Go integer type): one position of the next axis,
//     which it removes; negative integers count from the end;
//   - a Span (S, From, To, Colon, with an optional Step): a range of
//     positions of the next axis, which it keeps;
//   - NewAxis: a new axis of size one at that place;
//   - Ellipsis: whole axes, as many as the other entries leave unindexed;
//   - an *Array of an integer type: positions along the next axis, as
//     NumPy's integer array indexing (negative values count from the end);
//   - an *Array of bool: a mask over as many axes as it has, whose shape
//     must equal theirs; it stands for the index arrays of its true
//     elements (see Nonzero), so it is read at once and may not be traced
//     by a transform.
//
// Without arrays the result is a view of a (basic indexing). With arrays
// it is a copy (advanced indexing, NumPy's rules): the arrays, and the
// integers among the entries, broadcast together, and their shape takes
// the place of the first of them in the result when they are adjacent
// entries, or comes first when other entries separate them. For example
// Index(a, idx) of a (5, 4) array with idx of shape (2, 3) has shape
// (2, 3, 4); Index(a, mx.Colon, idx) has shape (5, 2, 3); Index(b, i, mx.Colon, j)
// of a 3-d b has the broadcast shape of i and j first. An array value out
// of range makes Eval return an *Error naming index.
//
// Axes left over at the end are kept whole. For example
// mx.Index(a, 1, mx.S(1, 3), mx.NewAxis, mx.Ellipsis) is a[1, 1:3, None, ...]
// and mx.Index(a, mx.Colon, mx.Colon.Step(-1)) is a[:, ::-1]. Options (a Stream or Device)
// may follow the indices. Index panics with *Error for an integer out of
// range, a zero step, more indices than a has axes, two Ellipsis entries,
// arrays of other types or of shapes that do not broadcast, a boolean array
// whose shape does not match its axes or that a transform traces, and
// entries of other types.
func Index(a *Array, indices ...any) *Array {
	checkArray("index", a)
	var opts []Option
	items := make([]any, 0, len(indices))
	for _, ix := range indices {
		if opt, ok := ix.(Option); ok {
			opts = append(opts, opt)
			continue
		}
		items = append(items, ix)
	}
	o := parseOptions("index", optStream, opts)
	if hasArrayEntry(items) {
		return advancedIndex(a, items, o.stream)
	}

	nd := a.Ndim()
	consumed, ellipses := 0, 0
	for _, it := range items {
		switch x := it.(type) {
		case IndexMarker:
			switch x {
			case NewAxis:
			case Ellipsis:
				ellipses++
				if ellipses > 1 {
					panic(newError("index", "an index can only have a single Ellipsis"))
				}
			default:
				panic(newError("index", "invalid index entry %v", x))
			}
		case Span:
			consumed++
		case bool:
			panic(newError("index", "boolean index entries are not supported"))
		case nil:
			panic(newError("index", "nil index entry"))
		default:
			if !isGoInt(it) {
				panic(newError("index", "cannot index with a %T", it))
			}
			consumed++
		}
	}
	if consumed > nd {
		panic(newError("index", "too many indices for an array of shape %s: %d were given", shapeString(a.shape), consumed))
	}

	p := fullSlice(a.shape)
	mid := slices.Clone(a.shape) // the shape after slicing, before axes come and go
	sliced := false
	var shape []int
	axis := 0
	for _, it := range items {
		switch x := it.(type) {
		case IndexMarker:
			if x == NewAxis {
				shape = append(shape, 1)
				continue
			}
			for range nd - consumed {
				shape = append(shape, a.shape[axis])
				axis++
			}
		case Span:
			d := a.shape[axis]
			start, stop, step, n := x.bounds(d)
			p.start[axis], p.stop[axis], p.step[axis] = start, stop, step
			mid[axis] = n
			shape = append(shape, n)
			if start != 0 || step != 1 || n != d {
				sliced = true
			}
			axis++
		default:
			i, ok := goInt(it)
			d := a.shape[axis]
			if !ok || i < -d || i >= d {
				panic(newError("index", "index %v is out of bounds for axis %d with size %d", it, axis, d))
			}
			if i < 0 {
				i += d
			}
			p.start[axis], p.stop[axis], p.step[axis] = i, i+1, 1
			mid[axis] = 1
			if d != 1 {
				sliced = true
			}
			axis++
		}
	}
	shape = append(shape, a.shape[axis:]...)
	out := a
	if sliced {
		out = newArray(p, o.stream, []*Array{a}, mid, a.dtype)
	}
	return reshape(out, shape, o.stream)
}

// isGoInt reports whether v is of a Go integer type.
func isGoInt(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	}
	return false
}

// slicePrim views a strided part of its input: along axis i, the elements
// start[i], start[i]+step[i], ... up to stop[i] (exclusive; -1 for a
// backward slice that runs to the start). The bounds are resolved.
type slicePrim struct{ start, stop, step []int }

func (slicePrim) Name() string { return "Slice" }

// fullSlice returns the slice that takes every element of shape.
func fullSlice(shape []int) slicePrim {
	p := slicePrim{start: make([]int, len(shape)), stop: slices.Clone(shape), step: make([]int, len(shape))}
	for i := range p.step {
		p.step[i] = 1
	}
	return p
}

func (p slicePrim) Eval(s Stream, in, out []*Array) error {
	x, o := in[0], out[0]
	st, off := p.place(x.strides, o.Size() == 0)
	o.shareView(x, st, x.offset+off)
	return nil
}

// place returns the strides and offset of the slice within an array of the
// given strides (zero offset for an empty slice).
func (p slicePrim) place(strides []int, empty bool) ([]int, int) {
	st := make([]int, len(p.step))
	off := 0
	for i := range st {
		st[i] = strides[i] * p.step[i]
		off += p.start[i] * strides[i]
	}
	if empty {
		off = 0
	}
	return st, off
}
