package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Advanced indexing: Index with arrays among its entries, At (updates
// through an index), Nonzero and BooleanMask.
//
// An index is resolved into a plan over the axes of the indexed array:
// the array entries and, when there are arrays, the integer entries too
// (NumPy's advanced indices) broadcast together to one shape; spans that
// take a whole axis keep it; other spans become ranges of positions with
// an axis of their own. Reading gathers with that plan (after slicing the
// spans as a view, so that every span takes a whole axis), writing
// scatters with it. Where the advanced indices land in the result follows
// NumPy: in place of the first of them when they are adjacent entries,
// in front otherwise.

// ixEntry is one entry of a resolved index: a span of one axis, an
// advanced index (an integer array, one axis), or a new axis.
type ixEntry struct {
	kind ixKind
	span Span
	arr  *Array
}

type ixKind uint8

const (
	ixSpan ixKind = iota
	ixAdv
	ixNew
)

// hasArrayEntry reports whether items holds an *Array.
func hasArrayEntry(items []any) bool {
	for _, it := range items {
		if _, ok := it.(*Array); ok {
			return true
		}
	}
	return false
}

// resolveIndex turns the entries of Index or At into one entry per axis
// of an array of shape (plus new axes): the Ellipsis expanded, whole spans
// for the axes left over, integers checked and made 0-d arrays when
// advanced is set, and boolean arrays replaced by the index arrays of
// their true elements (Nonzero), which reads them.
func resolveIndex(op string, shape []int, items []any, advanced bool) []ixEntry {
	nd := len(shape)
	consumed, ellipses := 0, 0
	for _, it := range items {
		switch x := it.(type) {
		case IndexMarker:
			switch x {
			case NewAxis:
			case Ellipsis:
				ellipses++
				if ellipses > 1 {
					panic(newError(op, "an index can only have a single Ellipsis"))
				}
			default:
				panic(newError(op, "invalid index entry %v", x))
			}
		case Span:
			consumed++
		case *Array:
			checkArray(op, x)
			switch {
			case x.dtype == Bool:
				if x.Ndim() == 0 {
					panic(newError(op, "0-d boolean index arrays are not supported"))
				}
				consumed += x.Ndim()
			case x.dtype.IsInteger():
				consumed++
			default:
				panic(newError(op, "arrays used as indices must be of integer or bool type, not %v", x.dtype))
			}
		case bool:
			panic(newError(op, "boolean index entries are not supported"))
		case nil:
			panic(newError(op, "nil index entry"))
		default:
			if !isGoInt(it) {
				panic(newError(op, "cannot index with a %T", it))
			}
			consumed++
		}
	}
	if consumed > nd {
		panic(newError(op, "too many indices for an array of shape %s: %d were given", shapeString(shape), consumed))
	}
	var out []ixEntry
	axis := 0
	for _, it := range items {
		switch x := it.(type) {
		case IndexMarker:
			if x == NewAxis {
				out = append(out, ixEntry{kind: ixNew})
				continue
			}
			for range nd - consumed {
				out = append(out, ixEntry{kind: ixSpan, span: Colon})
				axis++
			}
		case Span:
			x.bounds(shape[axis]) // checks the step
			out = append(out, ixEntry{kind: ixSpan, span: x})
			axis++
		case *Array:
			if x.dtype != Bool {
				out = append(out, ixEntry{kind: ixAdv, arr: x})
				axis++
				continue
			}
			k := x.Ndim()
			if !slices.Equal(x.shape, shape[axis:axis+k]) {
				panic(newError(op, "boolean index of shape %s does not match the indexed axes of shape %s",
					shapeString(x.shape), shapeString(shape[axis:axis+k])))
			}
			for _, c := range nonzero(op, x) {
				out = append(out, ixEntry{kind: ixAdv, arr: c})
			}
			axis += k
		default:
			i, ok := goInt(it)
			d := shape[axis]
			if !ok || i < -d || i >= d {
				panic(newError(op, "index %v is out of bounds for axis %d with size %d", it, axis, d))
			}
			if i < 0 {
				i += d
			}
			if advanced {
				out = append(out, ixEntry{kind: ixAdv, arr: newIntArray([]int{i}, []int{})})
			} else {
				out = append(out, ixEntry{kind: ixSpan, span: S(i, i+1)})
			}
			axis++
		}
	}
	for ; axis < nd; axis++ {
		out = append(out, ixEntry{kind: ixSpan, span: Colon})
	}
	return out
}

// indexPlan is an index resolved against a shape into the arguments of a
// gather or scatter and the arrangement of the result.
type indexPlan struct {
	idx      []*Array // index arrays, each shaped to broadcast to idxShape
	axes     []int    // the axis each of idx indexes
	block    []int    // per axis: its size if taken whole, else 1
	idxShape []int    // the advanced indices' shape, then one axis per partial span
	mid      []int    // idxShape then the whole axes' sizes
	perm     []int    // the axes of mid in the result's order
	shape    []int    // the result's shape, new axes included
}

func planIndex(op string, shape []int, entries []ixEntry, s Stream) indexPlan {
	type part struct{ axis, start, step, n int }
	var p indexPlan
	p.block = slices.Clone(shape)
	var adv []*Array
	var advAt []int // positions in entries
	var parts []part
	whole := map[int]bool{}
	axis := 0
	for i, e := range entries {
		switch e.kind {
		case ixAdv:
			adv = append(adv, e.arr)
			advAt = append(advAt, i)
			p.axes = append(p.axes, axis)
			p.block[axis] = 1
			axis++
		case ixSpan:
			start, _, step, n := e.span.bounds(shape[axis])
			if start == 0 && step == 1 && n == shape[axis] {
				whole[axis] = true
			} else {
				parts = append(parts, part{axis, start, step, n})
				p.block[axis] = 1
			}
			axis++
		}
	}
	b := checkIndices(op, adv)
	nb, np := len(b), len(parts)
	p.idxShape = slices.Clone(b)
	for _, x := range adv {
		sh := append(slices.Repeat([]int{1}, nb-x.Ndim()), x.shape...)
		p.idx = append(p.idx, reshape(x, append(sh, slices.Repeat([]int{1}, np)...), s))
	}
	for j, pt := range parts {
		sh := slices.Repeat([]int{1}, nb+np)
		sh[nb+j] = pt.n
		p.idx = append(p.idx, reshape(indexRange(pt.start, pt.n, pt.step, s), sh, s))
		p.axes = append(p.axes, pt.axis)
		p.idxShape = append(p.idxShape, pt.n)
	}
	p.mid = slices.Clone(p.idxShape)
	for ax, d := range shape {
		if whole[ax] {
			p.mid = append(p.mid, d)
		}
	}
	adjacent := len(advAt) > 0 && advAt[len(advAt)-1]-advAt[0] == len(advAt)-1
	var order []int // positions in mid, in the result's order; -1: a new axis
	if !adjacent {
		for k := range nb {
			order = append(order, k)
		}
	}
	pi, wi := 0, 0
	axis = 0
	for i, e := range entries {
		switch e.kind {
		case ixNew:
			order = append(order, -1)
		case ixAdv:
			if adjacent && i == advAt[0] {
				for k := range nb {
					order = append(order, k)
				}
			}
			axis++
		case ixSpan:
			if whole[axis] {
				order = append(order, nb+np+wi)
				wi++
			} else {
				order = append(order, nb+pi)
				pi++
			}
			axis++
		}
	}
	p.shape = []int{}
	for _, m := range order {
		if m < 0 {
			p.shape = append(p.shape, 1)
			continue
		}
		p.shape = append(p.shape, p.mid[m])
		p.perm = append(p.perm, m)
	}
	checkShape(op, p.shape)
	return p
}

// permuteIfNeeded permutes a unless perm is the identity.
func permuteIfNeeded(a *Array, perm []int, s Stream) *Array {
	for i, p := range perm {
		if i != p {
			return permute(a, perm, s)
		}
	}
	return a
}

// advancedIndex is Index with arrays among the entries.
func advancedIndex(a *Array, items []any, s Stream) *Array {
	entries := resolveIndex("index", a.shape, items, true)
	// Slice the spans first, as a view: every span then takes a whole axis.
	var basic []any
	for i, e := range entries {
		switch e.kind {
		case ixSpan:
			basic = append(basic, e.span)
			entries[i].span = Colon
		case ixAdv:
			basic = append(basic, Colon)
		}
	}
	b := Index(a, append(basic, s)...)
	p := planIndex("index", b.shape, entries, s)
	g := gather("index", b, p.idx, p.axes, p.block, s)
	g = reshape(g, p.mid, s)
	g = permuteIfNeeded(g, p.perm, s)
	return reshape(g, p.shape, s)
}

// AtIndex is a place in an array given by an index, as MLX's a.at[...]:
// its methods return a copy of the array with the elements there
// replaced or combined with values. Make one with At.
type AtIndex struct {
	a       *Array
	entries []ixEntry
	stream  Stream
}

// At returns the place in a that Index(a, indices...) reads, for updates
// that return new arrays (Arrays are immutable):
//
//	a[1:3] = v              mx.At(a, mx.S(1, 3)).Set(v)
//	a.at[idx].add(v)        mx.At(a, idx).Add(v)
//	a[mask] = 0             mx.At(a, mask).Set(0)
//
// The entries are those of Index (integers, spans, NewAxis, Ellipsis,
// integer and boolean arrays), and options (a Stream or Device) may
// follow them. The value of an update broadcasts to the shape that Index
// would return and is converted to a's dtype. Where the index reaches an
// element more than once, Add, Subtract, Multiply, Divide, Maximum and
// Minimum apply every update (as NumPy's ufunc.at, unlike NumPy's
// a[idx] += v), and Set keeps the last in the order of the index. Index
// values out of range make Eval return an *Error. At panics with *Error
// as Index does; a boolean array entry is read at once (see BooleanMask).
func At(a *Array, indices ...any) AtIndex {
	checkArray("at", a)
	var opts []Option
	var items []any
	for _, ix := range indices {
		if opt, ok := ix.(Option); ok {
			opts = append(opts, opt)
			continue
		}
		items = append(items, ix)
	}
	o := parseOptions("at", optStream, opts)
	return AtIndex{a: a, entries: resolveIndex("at", a.shape, items, true), stream: o.stream}
}

// update scatters v into the place with reduce.
func (x AtIndex) update(op string, reduce core.ScatterReduce, v any, f func(*Array) *Array) *Array {
	if x.a == nil {
		panic(newError(op, "the zero AtIndex: make one with At"))
	}
	s := x.stream
	a := x.a
	checkScatterType(op, reduce, a.dtype)
	p := planIndex(op, a.shape, x.entries, s)
	val := asArray(op, v)
	if !broadcastsTo(val.shape, p.shape) {
		panic(newError(op, "values of shape %s do not broadcast to the indexed shape %s",
			shapeString(val.shape), shapeString(p.shape)))
	}
	val = asType(val, a.dtype, s)
	if f != nil {
		val = f(val)
	}
	val = BroadcastTo(val, p.shape, s)
	// To the scatter's layout: mid's order, then ones for the indexed axes.
	arranged := make([]int, len(p.perm))
	for i, m := range p.perm {
		arranged[i] = p.mid[m]
	}
	val = reshape(val, arranged, s)
	inv := make([]int, len(p.perm))
	for i, m := range p.perm {
		inv[m] = i
	}
	val = permuteIfNeeded(val, inv, s)
	val = reshape(val, append(slices.Clone(p.idxShape), p.block...), s)
	return scatter(op, reduce, a, p.idx, val, p.axes, s)
}

// Set returns a copy of the array with the place's elements replaced by v.
func (x AtIndex) Set(v any) *Array { return x.update("at.set", core.ScatterNone, v, nil) }

// Add returns a copy of the array with v added at the place.
func (x AtIndex) Add(v any) *Array { return x.update("at.add", core.ScatterSum, v, nil) }

// Subtract returns a copy of the array with v subtracted at the place.
func (x AtIndex) Subtract(v any) *Array {
	return x.update("at.subtract", core.ScatterSum, v, func(v *Array) *Array { return Negative(v, x.stream) })
}

// Multiply returns a copy of the array with the place's elements
// multiplied by v.
func (x AtIndex) Multiply(v any) *Array { return x.update("at.multiply", core.ScatterProd, v, nil) }

// Divide returns a copy of the array with the place's elements divided by
// v (multiplied by its reciprocal, as MLX does; integer arrays take the
// reciprocal in their own type).
func (x AtIndex) Divide(v any) *Array {
	return x.update("at.divide", core.ScatterProd, v, func(v *Array) *Array {
		return asType(Divide(1, v, x.stream), v.dtype, x.stream)
	})
}

// Maximum returns a copy of the array with the place's elements replaced by
// their maximum with v. It panics with *Error for complex64.
func (x AtIndex) Maximum(v any) *Array { return x.update("at.maximum", core.ScatterMax, v, nil) }

// Minimum returns a copy of the array with the place's elements replaced by
// their minimum with v. It panics with *Error for complex64.
func (x AtIndex) Minimum(v any) *Array { return x.update("at.minimum", core.ScatterMin, v, nil) }

// Nonzero returns the indices of the nonzero elements of a, one int64
// array per axis of a, as NumPy's nonzero: element j of the arrays is the
// position of the j-th nonzero element in row-major order. The length of
// the arrays depends on a's values, so Nonzero evaluates a at once (it is
// not lazy), and it cannot be used on an array that a transform (Grad,
// Vmap, ...) is tracing: it panics with *Error there, as for a 0-d array
// or when evaluating a fails.
func Nonzero(a *Array, opts ...Option) []*Array {
	o := parseOptions("nonzero", optStream, opts)
	checkArray("nonzero", a)
	if a.Ndim() == 0 {
		panic(newError("nonzero", "a 0-d array has no axes to index; use Atleast1d"))
	}
	return nonzero("nonzero", NotEqual(a, 0, o.stream))
}

// nonzero returns the index arrays of the true elements of the bool array
// mask, reading it.
func nonzero(op string, mask *Array) []*Array {
	if err := mask.traceError(op); err != nil {
		panic(newError(op, "the positions of the true or nonzero elements decide the result's shape, "+
			"so they cannot be read while %s traces them", mask.trace.name))
	}
	if err := Eval(mask); err != nil {
		panic(&Error{Op: op, Msg: err.Error(), Err: err})
	}
	vals := ToSlice[bool](mask)
	nd := mask.Ndim()
	count := 0
	for _, v := range vals {
		if v {
			count++
		}
	}
	coords := make([][]int64, nd)
	for k := range coords {
		coords[k] = make([]int64, 0, count)
	}
	idx := make([]int, nd)
	for _, v := range vals {
		if v {
			for k := range nd {
				coords[k] = append(coords[k], int64(idx[k]))
			}
		}
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < mask.shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	out := make([]*Array, nd)
	for k := range out {
		out[k] = NewArray(coords[k], count)
	}
	return out
}

// BooleanMask returns the elements of a where mask is true, as NumPy's
// a[mask] (and Index(a, mask)): mask is a bool array whose shape equals
// the leading axes of a's shape, and the result has one axis of the
// number of true elements in place of those axes. The number depends on
// mask's values, so BooleanMask evaluates mask at once; a may be traced
// by a transform (the gradient flows to it), but mask may not: it panics
// with *Error there. It also panics when mask is not bool or its shape
// does not match.
func BooleanMask(a *Array, mask *Array, opts ...Option) *Array {
	o := parseOptions("boolean_mask", optStream, opts)
	checkArray("boolean_mask", a)
	checkArray("boolean_mask", mask)
	if mask.dtype != Bool {
		panic(newError("boolean_mask", "mask must be bool, not %v", mask.dtype))
	}
	if mask.traceError("boolean_mask") != nil {
		nonzero("boolean_mask", mask) // panics
	}
	return Index(a, mask, o.stream)
}
