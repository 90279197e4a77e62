package mx

import (
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Shape ops that are views. Each of these ops records a node whose
// evaluation copies no data when it can: the result shares its input's
// buffer, with strides and an offset worked out from the strides the input
// actually has once it is evaluated (the input may itself be a view).
// Arrays are immutable, so sharing is seen only in memory use: a view keeps
// the whole buffer of its input alive, as in NumPy and MLX. Reshape of a
// view whose layout does not allow it, and AsStrided of a strided input,
// copy once into a fresh buffer.

// StartAxis sets the first axis that Flatten merges (default 0; negative
// counts from the end).
func StartAxis(axis int) Option { return intOption{optStartAxis, axis} }

// EndAxis sets the last axis that Flatten merges (default -1, the last).
func EndAxis(axis int) Option { return intOption{optEndAxis, axis} }

// intOption is an Option holding one integer, kept in options.ints.
type intOption struct {
	kind optionKind
	v    int
}

func (i intOption) apply(o *options) {
	o.set |= i.kind
	if o.ints == nil {
		o.ints = map[optionKind]int{}
	}
	o.ints[i.kind] = i.v
}

// intOr returns the value of integer option kind, or def when it was not given.
func (o *options) intOr(kind optionKind, def int) int {
	if v, ok := o.ints[kind]; ok && o.set&kind != 0 {
		return v
	}
	return def
}

// Reshape returns a with the given shape, which must hold as many elements
// as a; one dimension may be -1, inferred from the others. The result is a
// view of a when a's layout allows it (as NumPy's reshape without copying),
// and a copy otherwise, for example when a is a transposed matrix. It panics
// with *Error when the shape does not fit a's size or has a negative
// dimension other than one -1.
func Reshape(a *Array, shape []int, opts ...Option) *Array {
	o := parseOptions("reshape", optStream, opts)
	checkArray("reshape", a)
	shape = reshapeShape("reshape", a.shape, shape)
	return reshape(a, shape, o.stream)
}

// reshape records a reshape to a checked shape.
func reshape(a *Array, shape []int, s Stream) *Array {
	if slices.Equal(shape, a.shape) {
		return a
	}
	return newArray(reshapePrim{shape: shape}, s, []*Array{a}, shape, a.dtype)
}

// reshapeShape resolves a -1 in shape for an array of shape from, and
// panics with *Error naming op when shape cannot hold it.
func reshapeShape(op string, from, shape []int) []int {
	shape = slices.Clone(shape)
	checkInferShape(op, shape)
	n := shapeSize(from)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d == -1:
			panic(newError(op, "can only infer one dimension of shape %s", shapeString(shape)))
		case d < 0:
			panic(newError(op, "negative dimension in shape %s", shapeString(shape)))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(newError(op, "cannot reshape an array of shape %s into shape %s", shapeString(from), shapeString(shape)))
		}
		shape[infer] = n / known
		known = n
	}
	if known != n {
		panic(newError(op, "cannot reshape an array of shape %s into shape %s", shapeString(from), shapeString(shape)))
	}
	return shape
}

// reshapePrim gives its input a new shape of the same size.
type reshapePrim struct{ shape []int }

func (reshapePrim) Name() string { return "Reshape" }

func (p reshapePrim) Eval(s Stream, in, out []*Array) error {
	x, o := in[0], out[0]
	if st, ok := reshapeStrides(x.shape, x.strides, o.shape); ok {
		o.shareView(x, st, x.offset)
		return nil
	}
	return copyReshaped("reshape", s, x, o)
}

// copyReshaped copies x's elements in row-major order into a fresh
// row-major buffer for o, which has x's size but its own shape.
func copyReshaped(op string, s Stream, x, o *Array) error {
	k, err := kernelsFor[core.CopyKernels](op, s)
	if err != nil {
		return err
	}
	if err := o.alloc(s); err != nil {
		return err
	}
	dst := o.view()
	dst.Shape, dst.Strides = x.shape, core.RowMajorStrides(x.shape)
	return k.Copy(x.view(), dst)
}

// reshapeStrides returns strides that view elements laid out with shape
// and strides as the shape to, in the same row-major order, or false when
// no such strides exist and the elements must be copied. Dimensions of size
// one are ignored; the others are matched in groups of equal size, and each
// group of the input must be one run of memory with a single stride
// (possibly zero, for broadcast dimensions, or negative).
func reshapeStrides(shape, strides, to []int) ([]int, bool) {
	out := make([]int, len(to))
	if shapeSize(shape) == 0 {
		return core.RowMajorStrides(to), true
	}
	var od, os []int
	for i, d := range shape {
		if d != 1 {
			od = append(od, d)
			os = append(os, strides[i])
		}
	}
	var nd []int // positions in to of dimensions other than one
	for j, d := range to {
		if d != 1 {
			nd = append(nd, j)
		}
	}
	for i, j := 0, 0; i < len(od) && j < len(nd); {
		ie, je := i, j
		po, pn := od[i], to[nd[j]]
		for po != pn {
			if po < pn {
				ie++
				po *= od[ie]
			} else {
				je++
				pn *= to[nd[je]]
			}
		}
		for k := i; k < ie; k++ {
			if os[k] != os[k+1]*od[k+1] {
				return nil, false
			}
		}
		st := os[ie]
		for k := je; k >= j; k-- {
			out[nd[k]] = st
			st *= to[nd[k]]
		}
		i, j = ie+1, je+1
	}
	// Dimensions of size one take the stride row-major order would give them.
	next := 1
	for j := len(to) - 1; j >= 0; j-- {
		if to[j] == 1 {
			out[j] = next
		} else {
			next = out[j] * to[j]
		}
	}
	return out, true
}

// Flatten merges the axes of a from StartAxis (default 0) to EndAxis
// (default -1), both included, into one. As in MLX, axes below the first
// or past the last are clamped to them; a 0-d array becomes shape (1,).
// It panics with *Error when the start axis comes after the end axis or
// either lies wholly outside a's axes.
func Flatten(a *Array, opts ...Option) *Array {
	o := parseOptions("flatten", optStream|optStartAxis|optEndAxis, opts)
	checkArray("flatten", a)
	nd := a.Ndim()
	if nd == 0 {
		return reshape(a, []int{1}, o.stream)
	}
	start0, end0 := o.intOr(optStartAxis, 0), o.intOr(optEndAxis, -1)
	start, end := start0, end0
	if start < 0 {
		start += nd
	}
	if end < 0 {
		end += nd
	}
	start, end = max(start, 0), min(end, nd-1)
	switch {
	case start >= nd:
		panic(newError("flatten", "start axis %d is out of bounds for an array of dimension %d", start0, nd))
	case end < 0:
		panic(newError("flatten", "end axis %d is out of bounds for an array of dimension %d", end0, nd))
	case end < start:
		panic(newError("flatten", "start axis %d comes after end axis %d for an array of dimension %d", start0, end0, nd))
	}
	shape := slices.Clone(a.shape[:start])
	shape = append(shape, shapeSize(a.shape[start:end+1]))
	shape = append(shape, a.shape[end+1:]...)
	return reshape(a, shape, o.stream)
}

// Unflatten splits axis of a into the given shape, whose size must be that
// axis's size; one dimension may be -1, inferred from the others. It panics
// with *Error for a bad axis, an empty shape, or a shape that does not hold
// the axis.
func Unflatten(a *Array, axis int, shape []int, opts ...Option) *Array {
	o := parseOptions("unflatten", optStream, opts)
	checkArray("unflatten", a)
	ax := normAxis("unflatten", axis, a.Ndim())
	if len(shape) == 0 {
		panic(newError("unflatten", "the shape to unflatten into cannot be empty"))
	}
	sub := reshapeShape("unflatten", a.shape[ax:ax+1], shape)
	out := slices.Clone(a.shape[:ax])
	out = append(out, sub...)
	out = append(out, a.shape[ax+1:]...)
	return reshape(a, out, o.stream)
}

// Squeeze removes axes of size one from a: the axes given with Axis or
// Axes, or every axis of size one when none is given. It panics with
// *Error when a given axis is out of range, repeated, or not of size one.
func Squeeze(a *Array, opts ...Option) *Array {
	o := parseOptions("squeeze", optStream|optAxes, opts)
	checkArray("squeeze", a)
	var axes []int
	if o.set&optAxes != 0 {
		axes = normAxes("squeeze", o.axes, a.Ndim())
		for _, ax := range axes {
			if a.shape[ax] != 1 {
				panic(newError("squeeze", "cannot squeeze axis %d of size %d in an array of shape %s", ax, a.shape[ax], shapeString(a.shape)))
			}
		}
	} else {
		for i, d := range a.shape {
			if d == 1 {
				axes = append(axes, i)
			}
		}
	}
	return squeeze(a, axes, o.stream)
}

// squeeze records the removal of checked, sorted axes of size one.
func squeeze(a *Array, axes []int, s Stream) *Array {
	if len(axes) == 0 {
		return a
	}
	shape := make([]int, 0, a.Ndim()-len(axes))
	for i, d := range a.shape {
		if !slices.Contains(axes, i) {
			shape = append(shape, d)
		}
	}
	return newArray(squeezePrim{axes: axes}, s, []*Array{a}, shape, a.dtype)
}

// squeezePrim removes axes of size one (sorted, non-negative).
type squeezePrim struct{ axes []int }

func (squeezePrim) Name() string { return "Squeeze" }

func (p squeezePrim) Eval(s Stream, in, out []*Array) error {
	x := in[0]
	st := make([]int, 0, len(out[0].shape))
	for i, v := range x.strides {
		if !slices.Contains(p.axes, i) {
			st = append(st, v)
		}
	}
	out[0].shareView(x, st, x.offset)
	return nil
}

// ExpandDims inserts axes of size one into a. axes is one axis (an int) or
// several (a []int); they are positions in the result, negative ones
// counting from its end, as in mx.ExpandDims(a, 0) or
// mx.ExpandDims(a, []int{0, -1}). It panics with *Error when an axis is out
// of range for the result or repeated.
func ExpandDims(a *Array, axes any, opts ...Option) *Array {
	o := parseOptions("expand_dims", optStream, opts)
	checkArray("expand_dims", a)
	ax, _ := intsArg("expand_dims", "axes", axes)
	if len(ax) == 0 {
		return a
	}
	nd := a.Ndim() + len(ax)
	return expandDims(a, normAxes("expand_dims", ax, nd), o.stream)
}

// expandDims records the insertion of axes (checked positions in the
// result, sorted).
func expandDims(a *Array, axes []int, s Stream) *Array {
	shape := make([]int, a.Ndim()+len(axes))
	for i, j := 0, 0; i < len(shape); i++ {
		if slices.Contains(axes, i) {
			shape[i] = 1
		} else {
			shape[i] = a.shape[j]
			j++
		}
	}
	return newArray(expandDimsPrim{axes: axes}, s, []*Array{a}, shape, a.dtype)
}

// expandDimsPrim inserts axes of size one at the given output positions.
type expandDimsPrim struct{ axes []int }

func (expandDimsPrim) Name() string { return "ExpandDims" }

func (p expandDimsPrim) Eval(s Stream, in, out []*Array) error {
	x, o := in[0], out[0]
	st := make([]int, len(o.shape))
	for i, j := 0, 0; i < len(st); i++ {
		if !slices.Contains(p.axes, i) {
			st[i] = x.strides[j]
			j++
		}
	}
	// The new axes take the stride row-major order would give them.
	next := 1
	for i := len(st) - 1; i >= 0; i-- {
		if slices.Contains(p.axes, i) {
			st[i] = next
		} else {
			next = st[i] * o.shape[i]
		}
	}
	o.shareView(x, st, x.offset)
	return nil
}

// intsArg reads an argument that is one integer (any Go integer type) or a
// []int, as ExpandDims's axes and Split's parts; list reports a []int.
func intsArg(op, what string, v any) (vals []int, list bool) {
	switch x := v.(type) {
	case []int:
		return slices.Clone(x), true
	case int:
		return []int{x}, false
	case int8, int16, int32, int64, uint8, uint16, uint32, uint, uint64:
		if i, ok := goInt(x); ok {
			return []int{i}, false
		}
		panic(newError(op, "%s %v is out of range", what, x))
	}
	panic(newError(op, "%s must be an int or a []int, not %T", what, v))
}

// goInt converts any Go integer value to int, reporting whether it fits.
func goInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int8:
		return int(x), true
	case int16:
		return int(x), true
	case int32:
		return int(x), true
	case int64:
		return int(x), int64(int(x)) == x
	case uint8:
		return int(x), true
	case uint16:
		return int(x), true
	case uint32:
		return int(x), uint64(x) <= uint64(math.MaxInt)
	case uint:
		return int(x), uint64(x) <= uint64(math.MaxInt)
	case uint64:
		return int(x), x <= uint64(math.MaxInt)
	}
	return 0, false
}

// Transpose permutes the axes of a: axis i of the result is axis perm[i]
// of a, for the permutation given with mx.Axes(perm...) (negative axes
// count from the end); without one the axes are reversed. It panics with
// *Error when the axes are not a permutation of a's axes.
func Transpose(a *Array, opts ...Option) *Array {
	return transpose("transpose", a, opts)
}

// PermuteDims is Transpose under the name of the Python array API.
func PermuteDims(a *Array, opts ...Option) *Array {
	return transpose("permute_dims", a, opts)
}

func transpose(op string, a *Array, opts []Option) *Array {
	o := parseOptions(op, optStream|optAxes, opts)
	checkArray(op, a)
	nd := a.Ndim()
	perm := make([]int, nd)
	if o.set&optAxes != 0 {
		if len(o.axes) != nd {
			panic(newError(op, "axes %v do not match an array of shape %s", o.axes, shapeString(a.shape)))
		}
		seen := make([]bool, nd)
		for i, ax := range o.axes {
			perm[i] = normAxis(op, ax, nd)
			if seen[perm[i]] {
				panic(newError(op, "repeated axis %d in %v", perm[i], o.axes))
			}
			seen[perm[i]] = true
		}
	} else {
		for i := range perm {
			perm[i] = nd - 1 - i
		}
	}
	return permute(a, perm, o.stream)
}

// permute records a transposition by a checked permutation.
func permute(a *Array, perm []int, s Stream) *Array {
	shape := make([]int, len(perm))
	for i, p := range perm {
		shape[i] = a.shape[p]
	}
	return newArray(transposePrim{perm: perm}, s, []*Array{a}, shape, a.dtype)
}

// transposePrim permutes the axes: output axis i is input axis perm[i].
type transposePrim struct{ perm []int }

func (transposePrim) Name() string { return "Transpose" }

func (p transposePrim) Eval(s Stream, in, out []*Array) error {
	x := in[0]
	st := make([]int, len(p.perm))
	for i, ax := range p.perm {
		st[i] = x.strides[ax]
	}
	out[0].shareView(x, st, x.offset)
	return nil
}

// SwapAxes exchanges two axes of a (negative axes count from the end). It
// panics with *Error when an axis is out of range.
func SwapAxes(a *Array, axis1, axis2 int, opts ...Option) *Array {
	o := parseOptions("swapaxes", optStream, opts)
	checkArray("swapaxes", a)
	nd := a.Ndim()
	i, j := normAxis("swapaxes", axis1, nd), normAxis("swapaxes", axis2, nd)
	perm := make([]int, nd)
	for k := range perm {
		perm[k] = k
	}
	perm[i], perm[j] = j, i
	return permute(a, perm, o.stream)
}

// MoveAxis moves axis source of a to position destination, keeping the
// order of the other axes (negative axes count from the end). It panics
// with *Error when an axis is out of range.
func MoveAxis(a *Array, source, destination int, opts ...Option) *Array {
	o := parseOptions("moveaxis", optStream, opts)
	checkArray("moveaxis", a)
	nd := a.Ndim()
	src, dst := normAxis("moveaxis", source, nd), normAxis("moveaxis", destination, nd)
	if src == dst {
		return a
	}
	perm := make([]int, 0, nd)
	for k := 0; k < nd; k++ {
		if k != src {
			perm = append(perm, k)
		}
	}
	perm = slices.Insert(perm, dst, src)
	return permute(a, perm, o.stream)
}

// BroadcastTo returns a viewed with the given shape under NumPy's
// broadcasting rules: a's dimensions are matched from the end, and those
// of size one (or missing) repeat. a may be a Go number, which becomes an
// array of its default type. It panics with *Error when a's shape does not
// broadcast to shape or shape has a negative dimension.
func BroadcastTo(a any, shape []int, opts ...Option) *Array {
	o := parseOptions("broadcast_to", optStream, opts)
	x := asArray("broadcast_to", a)
	checkShape("broadcast_to", shape)
	if slices.Equal(x.shape, shape) {
		return x
	}
	if !broadcastsTo(x.shape, shape) {
		panic(newError("broadcast_to", "cannot broadcast an array of shape %s to shape %s", shapeString(x.shape), shapeString(shape)))
	}
	shape = slices.Clone(shape)
	return newArray(broadcastPrim{shape: shape}, o.stream, []*Array{x}, shape, x.dtype)
}

// broadcastsTo reports whether shape from broadcasts to shape to.
func broadcastsTo(from, to []int) bool {
	off := len(to) - len(from)
	if off < 0 {
		return false
	}
	for i, d := range from {
		if d != 1 && d != to[off+i] {
			return false
		}
	}
	return true
}

// BroadcastArrays broadcasts arrays against one another: each result is a
// view of one input with the shape they all broadcast to. It panics with
// *Error when the shapes do not broadcast together or an array is nil.
func BroadcastArrays(arrays []*Array, opts ...Option) []*Array {
	o := parseOptions("broadcast_arrays", optStream, opts)
	shapes := make([][]int, len(arrays))
	for i, a := range arrays {
		checkArray("broadcast_arrays", a)
		shapes[i] = a.shape
	}
	shape := broadcastShapes("broadcast_arrays", shapes...)
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		if slices.Equal(a.shape, shape) {
			out[i] = a
			continue
		}
		out[i] = newArray(broadcastPrim{shape: shape}, o.stream, []*Array{a}, shape, a.dtype)
	}
	return out
}

// broadcastPrim views its input with a larger shape, with zero strides on
// the broadcast dimensions.
type broadcastPrim struct{ shape []int }

func (broadcastPrim) Name() string { return "Broadcast" }

func (p broadcastPrim) Eval(s Stream, in, out []*Array) error {
	x := in[0]
	out[0].shareView(x, broadcastStrides(x.shape, x.strides, p.shape), x.offset)
	return nil
}

// AsStrided returns a view of a's elements, taken in row-major order as a
// flat sequence, with the given shape and strides and starting at element
// offset of that sequence (strides and offset count elements, not bytes).
// A nil shape means a's shape and nil strides the row-major strides of
// shape. a is copied first when it is not contiguous. It panics with
// *Error when shape and strides differ in length, a dimension or the
// offset is negative, or the view would reach outside a's elements.
func AsStrided(a *Array, shape, strides []int, offset int, opts ...Option) *Array {
	o := parseOptions("as_strided", optStream, opts)
	checkArray("as_strided", a)
	if shape == nil {
		shape = a.shape
	}
	checkShape("as_strided", shape)
	shape = slices.Clone(shape)
	if strides == nil {
		strides = core.RowMajorStrides(shape)
	}
	strides = slices.Clone(strides)
	if len(strides) != len(shape) {
		panic(newError("as_strided", "%d strides for shape %s", len(strides), shapeString(shape)))
	}
	if offset < 0 {
		panic(newError("as_strided", "negative offset %d", offset))
	}
	if n := a.Size(); shapeSize(shape) > 0 {
		lo, hi := offset, offset
		ok := offset < n
		for i, d := range shape {
			st := strides[i]
			if d == 1 || st == 0 {
				continue
			}
			// Dividing first keeps (d-1)*|st| from overflowing.
			ast := max(st, -st)
			if st == -st || ast >= n || d-1 > (n-1)/ast {
				ok = false
				break
			}
			if st > 0 {
				hi += (d - 1) * ast
			} else {
				lo -= (d - 1) * ast
			}
			if lo < 0 || hi >= n {
				ok = false
				break
			}
		}
		if !ok {
			panic(newError("as_strided", "shape %s, strides %v and offset %d reach outside the %d elements of an array of shape %s",
				shapeString(shape), strides, offset, n, shapeString(a.shape)))
		}
	}
	return newArray(asStridedPrim{shape: shape, strides: strides, offset: offset}, o.stream, []*Array{a}, shape, a.dtype)
}

// asStridedPrim views the row-major elements of its input with arbitrary
// strides and offset.
type asStridedPrim struct {
	shape, strides []int
	offset         int
}

func (asStridedPrim) Name() string { return "AsStrided" }

func (p asStridedPrim) Eval(s Stream, in, out []*Array) error {
	x := in[0]
	if !x.view().IsContiguous() {
		flat := &Array{shape: []int{x.Size()}, dtype: x.dtype}
		if err := copyReshaped("as_strided", s, x, flat); err != nil {
			return err
		}
		x = flat
	}
	off := x.offset + p.offset
	if shapeSize(p.shape) == 0 {
		off = x.offset
	}
	out[0].shareView(x, slices.Clone(p.strides), off)
	return nil
}

// Diagonal returns the diagonals of a at the given offset (0 the main
// diagonal, k > 0 the k-th above it, k < 0 the k-th below it) of the 2-D
// planes of the two axes given with mx.Axes(axis1, axis2) (default the
// first two): elements [i, i+offset] of each plane, as a view. The result
// has a's shape with both axes removed and the diagonal appended as the
// last axis, of length zero when the offset lies outside the plane. It
// panics with *Error when a has fewer than two dimensions, or the axes are
// not two different axes of a.
func Diagonal(a *Array, offset int, opts ...Option) *Array {
	o := parseOptions("diagonal", optStream|optAxes, opts)
	checkArray("diagonal", a)
	nd := a.Ndim()
	if nd < 2 {
		panic(newError("diagonal", "needs an array of at least two dimensions, not shape %s", shapeString(a.shape)))
	}
	ax1, ax2 := 0, 1
	if o.set&optAxes != 0 {
		if len(o.axes) != 2 {
			panic(newError("diagonal", "takes two axes, not %v", o.axes))
		}
		ax1, ax2 = normAxis("diagonal", o.axes[0], nd), normAxis("diagonal", o.axes[1], nd)
		if ax1 == ax2 {
			panic(newError("diagonal", "axis1 and axis2 cannot be the same axis %d", ax1))
		}
	}
	// Past these bounds the diagonal is empty; clamping also keeps -k
	// from overflowing.
	k := max(min(offset, a.shape[ax2]), -a.shape[ax1])
	r0, c0 := max(-k, 0), max(k, 0)
	var n int
	if r0 < a.shape[ax1] && c0 < a.shape[ax2] {
		n = min(a.shape[ax1]-r0, a.shape[ax2]-c0)
	}
	shape := make([]int, 0, nd-1)
	for i, d := range a.shape {
		if i != ax1 && i != ax2 {
			shape = append(shape, d)
		}
	}
	shape = append(shape, n)
	return newArray(diagonalViewPrim{offset: k, axis1: ax1, axis2: ax2}, o.stream, []*Array{a}, shape, a.dtype)
}

// diagonalViewPrim views a diagonal of the planes of two axes.
type diagonalViewPrim struct{ offset, axis1, axis2 int }

func (diagonalViewPrim) Name() string { return "Diagonal" }

func (p diagonalViewPrim) Eval(s Stream, in, out []*Array) error {
	x, o := in[0], out[0]
	st, off := p.place(x.strides, o.Size() == 0)
	o.shareView(x, st, x.offset+off)
	return nil
}

// place returns the strides and offset of the diagonal within an array of
// the given strides (zero offset for an empty diagonal).
func (p diagonalViewPrim) place(strides []int, empty bool) ([]int, int) {
	st := make([]int, 0, len(strides)-1)
	for i, v := range strides {
		if i != p.axis1 && i != p.axis2 {
			st = append(st, v)
		}
	}
	s1, s2 := strides[p.axis1], strides[p.axis2]
	st = append(st, s1+s2)
	if empty {
		return st, 0
	}
	return st, max(-p.offset, 0)*s1 + max(p.offset, 0)*s2
}

// Split splits a along the axis given with mx.Axis (default 0). parts is
// either a number n of equal parts, which must divide the axis, or a []int
// of the indices at which the parts begin: []int{2, 5} gives a[:2], a[2:5]
// and a[5:] along the axis, with indices clamped and negative ones counted
// from the end as in slices. The parts are views of a. It panics with
// *Error when n is not positive, does not divide the axis or is more than
// a million, or the axis is out of range.
func Split(a *Array, parts any, opts ...Option) []*Array {
	o := parseOptions("split", optStream|optAxes, opts)
	checkArray("split", a)
	axis := 0
	if o.set&optAxes != 0 {
		if len(o.axes) != 1 {
			panic(newError("split", "takes one axis, not %v", o.axes))
		}
		axis = o.axes[0]
	}
	ax := normAxis("split", axis, a.Ndim())
	d := a.shape[ax]
	vals, list := intsArg("split", "parts", parts)
	var indices []int
	if list {
		indices = vals
	} else {
		n := vals[0]
		if n <= 0 {
			panic(newError("split", "the number of parts must be positive, not %d", n))
		}
		if d%n != 0 {
			panic(newError("split", "%d parts do not divide axis %d of size %d (shape %s)", n, axis, d, shapeString(a.shape)))
		}
		checkOutputs("split", n)
		for i := 1; i < n; i++ {
			indices = append(indices, i*(d/n))
		}
	}
	return split(a, ax, indices, o.stream)
}

// split records the parts of a along axis ax that begin at indices (as
// slice bounds: clamped, negative ones from the end).
func split(a *Array, ax int, indices []int, s Stream) []*Array {
	if len(indices) == 0 {
		return []*Array{a}
	}
	d := a.shape[ax]
	clamp := func(i int) int {
		if i < 0 {
			i += d
		}
		return min(max(i, 0), d)
	}
	n := len(indices) + 1
	p := splitPrim{axis: ax, starts: make([]int, n)}
	shapes := make([][]int, n)
	dtypes := make([]Dtype, n)
	start := 0
	for i := range n {
		stop := d
		if i < len(indices) {
			stop = clamp(indices[i])
		}
		stop = max(stop, start)
		p.starts[i] = start
		shapes[i] = slices.Clone(a.shape)
		shapes[i][ax] = stop - start
		dtypes[i] = a.dtype
		if i < len(indices) {
			start = clamp(indices[i])
		}
	}
	// A copy: the node's own list of outputs must not be changed by callers.
	return slices.Clone(newNode(p, s, []*Array{a}, shapes, dtypes))
}

// splitPrim views consecutive parts of its input along an axis; output i
// begins at starts[i] and has its own length along the axis.
type splitPrim struct {
	axis   int
	starts []int
}

func (splitPrim) Name() string { return "Split" }

func (p splitPrim) Eval(s Stream, in, out []*Array) error {
	x := in[0]
	for i, o := range out {
		st, off := p.place(i, x.strides, o.Size() == 0)
		o.shareView(x, st, x.offset+off)
	}
	return nil
}

// place returns the strides and offset of part i within an array of the
// given strides (zero offset for an empty part).
func (p splitPrim) place(i int, strides []int, empty bool) ([]int, int) {
	if empty {
		return slices.Clone(strides), 0
	}
	return slices.Clone(strides), p.starts[i] * strides[p.axis]
}

// Unstack splits a along the axis given with mx.Axis (default 0) into the
// a.Dim(axis) arrays that mx.Index would give for each index along it,
// views of a with that axis removed. It panics with *Error when the axis is
// out of range or longer than a million.
func Unstack(a *Array, opts ...Option) []*Array {
	o := parseOptions("unstack", optStream|optAxes, opts)
	checkArray("unstack", a)
	axis := 0
	if o.set&optAxes != 0 {
		if len(o.axes) != 1 {
			panic(newError("unstack", "takes one axis, not %v", o.axes))
		}
		axis = o.axes[0]
	}
	ax := normAxis("unstack", axis, a.Ndim())
	n := a.shape[ax]
	if n == 0 {
		return []*Array{}
	}
	checkOutputs("unstack", n)
	indices := make([]int, n-1)
	for i := range indices {
		indices[i] = i + 1
	}
	parts := split(a, ax, indices, o.stream)
	for i, p := range parts {
		parts[i] = squeeze(p, []int{ax}, o.stream)
	}
	return parts
}

// Atleast1d returns a with at least one dimension: a 0-d array becomes
// shape (1,); others are returned as they are.
func Atleast1d(a *Array, opts ...Option) *Array {
	o := parseOptions("atleast_1d", optStream, opts)
	checkArray("atleast_1d", a)
	if a.Ndim() == 0 {
		return reshape(a, []int{1}, o.stream)
	}
	return a
}

// Atleast2d returns a with at least two dimensions: a 0-d array becomes
// shape (1, 1) and one of shape (n,) shape (1, n); others are returned as
// they are.
func Atleast2d(a *Array, opts ...Option) *Array {
	o := parseOptions("atleast_2d", optStream, opts)
	checkArray("atleast_2d", a)
	switch a.Ndim() {
	case 0:
		return reshape(a, []int{1, 1}, o.stream)
	case 1:
		return reshape(a, []int{1, a.shape[0]}, o.stream)
	}
	return a
}

// Atleast3d returns a with at least three dimensions: a 0-d array becomes
// shape (1, 1, 1), one of shape (n,) shape (1, n, 1) and one of shape
// (m, n) shape (m, n, 1); others are returned as they are.
func Atleast3d(a *Array, opts ...Option) *Array {
	o := parseOptions("atleast_3d", optStream, opts)
	checkArray("atleast_3d", a)
	switch a.Ndim() {
	case 0:
		return reshape(a, []int{1, 1, 1}, o.stream)
	case 1:
		return reshape(a, []int{1, a.shape[0], 1}, o.stream)
	case 2:
		return reshape(a, []int{a.shape[0], a.shape[1], 1}, o.stream)
	}
	return a
}

// Flip reverses the order of a's elements along the axes given with
// mx.Axis or mx.Axes (default all), as a view. It panics with *Error when
// an axis is out of range or repeated.
func Flip(a *Array, opts ...Option) *Array {
	o := parseOptions("flip", optStream|optAxes, opts)
	checkArray("flip", a)
	nd := a.Ndim()
	var axes []int
	if o.set&optAxes != 0 {
		axes = normAxes("flip", o.axes, nd)
	} else {
		for i := range nd {
			axes = append(axes, i)
		}
	}
	if len(axes) == 0 {
		return a
	}
	p := fullSlice(a.shape)
	for _, ax := range axes {
		p.start[ax], p.stop[ax], p.step[ax] = a.shape[ax]-1, -1, -1
	}
	return newArray(p, o.stream, []*Array{a}, slices.Clone(a.shape), a.dtype)
}

// Diff returns the n-th discrete difference of a along the axis given with
// mx.Axis (default -1): out[i] = a[i+1] - a[i] along it, applied n times,
// so that the axis shrinks by n (to no less than zero). n = 0 returns a.
// Types follow Subtract: bools give exclusive or, as NumPy's diff gives
// not-equal, and unsigned integers wrap. It panics with *Error when n is
// negative or the axis is out of range (a 0-d array has none).
func Diff(a *Array, n int, opts ...Option) *Array {
	o := parseOptions("diff", optStream|optAxes, opts)
	checkArray("diff", a)
	axis := -1
	if o.set&optAxes != 0 {
		if len(o.axes) != 1 {
			panic(newError("diff", "takes one axis, not %v", o.axes))
		}
		axis = o.axes[0]
	}
	ax := normAxis("diff", axis, a.Ndim())
	if n < 0 {
		panic(newError("diff", "the order n must be non-negative, not %d", n))
	}
	// Once the axis is empty, further differences change nothing (Subtract
	// keeps the type), so a large n costs no more than the axis length.
	for i := 0; i < n && a.shape[ax] > 0; i++ {
		a = Subtract(sliceAxis(a, ax, From(1), o.stream), sliceAxis(a, ax, To(-1), o.stream), o.stream)
	}
	return a
}

// sliceAxis records the slice sp of a along axis ax.
func sliceAxis(a *Array, ax int, sp Span, s Stream) *Array {
	p := fullSlice(a.shape)
	start, stop, step, n := sp.bounds(a.shape[ax])
	p.start[ax], p.stop[ax], p.step[ax] = start, stop, step
	shape := slices.Clone(a.shape)
	shape[ax] = n
	return newArray(p, s, []*Array{a}, shape, a.dtype)
}
