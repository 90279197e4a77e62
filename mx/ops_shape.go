package mx

import (
	"math"
	"slices"
)

// The shape ops that copy: joining (Concatenate, Stack), repeating (Tile,
// Repeat), padding (Pad), rolling (Roll) and diagonals and triangles (Diag,
// Tril, Triu, Trace). Their kernels are copies between strided sub-views of
// the input and the output (core.CopyKernels), except Tril and Triu, which
// have a masked copy of their own (core.ShapeKernels). Stack, Tile, Repeat
// and Trace are composed of other ops.

// Concatenate joins arrays along an existing axis, by default axis 0; pass
// mx.Axis(i) to choose another (negative counts from the end). The arrays
// must have the same number of dimensions and the same sizes on every axis
// but the joined one; the result's type is the one all their types promote
// to (see PromoteTypes). To join the flattened arrays, as MLX does with
// axis None, flatten them first. It panics with *Error when no array is
// given, when the shapes do not match, or when the axis is out of range
// (a 0-d array has none).
func Concatenate(arrays []*Array, opts ...Option) *Array {
	const op = "concatenate"
	o := parseOptions(op, optStream|optAxes, opts)
	axis := singleAxis(op, o, 0)
	checkArrays(op, arrays)
	first := arrays[0]
	ax := normAxis(op, axis, first.Ndim())
	shape := slicesClone(first.shape)
	shape[ax] = 0
	dt := first.dtype
	for _, a := range arrays {
		if a.Ndim() != first.Ndim() {
			panic(newError(op, "all arrays must have the same number of dimensions, got shapes %s", shapesString(arrays)))
		}
		for d := range a.shape {
			if d != ax && a.shape[d] != first.shape[d] {
				panic(newError(op, "all arrays must have the same shape except on axis %d, got shapes %s", axis, shapesString(arrays)))
			}
		}
		shape[ax] = addSize(op, shape[ax], a.shape[ax])
		dt = PromoteTypes(dt, a.dtype)
	}
	if len(arrays) == 1 {
		return first
	}
	checkShape(op, shape)
	return newArray(concatenatePrim{axis: ax}, o.stream, slicesCloneArrays(arrays), shape, dt)
}

// Stack joins arrays of one shape along a new axis, by default axis 0 of
// the result; pass mx.Axis(i) to choose another (-1 is the new last axis).
// The result's type is the one all their types promote to. It panics with
// *Error when no array is given, when the shapes differ, or when the axis
// is out of range for the result.
func Stack(arrays []*Array, opts ...Option) *Array {
	const op = "stack"
	o := parseOptions(op, optStream|optAxes, opts)
	axis := singleAxis(op, o, 0)
	checkArrays(op, arrays)
	first := arrays[0]
	ax := normAxis(op, axis, first.Ndim()+1)
	for _, a := range arrays {
		if !slices.Equal(a.shape, first.shape) {
			panic(newError(op, "all arrays must have the same shape, got shapes %s", shapesString(arrays)))
		}
	}
	checkShape(op, append([]int{len(arrays)}, first.shape...))
	expanded := make([]*Array, len(arrays))
	for i, a := range arrays {
		expanded[i] = expandDims(a, []int{ax}, o.stream)
	}
	return Concatenate(expanded, Axis(ax), o.stream)
}

// Tile repeats the whole of a reps[i] times along axis i. When reps is
// shorter than a's dimensions it is extended with leading ones; when it is
// longer, a's shape is extended with leading ones, as in NumPy. A zero in
// reps gives an empty axis. It panics with *Error on a negative repetition.
func Tile(a *Array, reps []int, opts ...Option) *Array {
	const op = "tile"
	o := parseOptions(op, optStream, opts)
	checkArray(op, a)
	for _, r := range reps {
		if r < 0 {
			panic(newError(op, "negative repetition in %v", reps))
		}
	}
	// a, with leading axes of size one, is viewed with an axis of size one
	// before each repeated axis, broadcast to the repetitions along those,
	// and reshaped to merge each pair: one copy.
	nd := max(len(reps), a.Ndim())
	var expand, broad, final []int
	for d := range nd {
		n, r := 1, 1
		if i := d - (nd - a.Ndim()); i >= 0 {
			n = a.shape[i]
		}
		if i := d - (nd - len(reps)); i >= 0 {
			r = reps[i]
		}
		if r != 1 {
			expand = append(expand, 1)
			broad = append(broad, r)
		}
		expand = append(expand, n)
		broad = append(broad, n)
		final = append(final, mulSize(op, n, r))
	}
	checkShape(op, final)
	checkShape(op, broad) // larger than final when a is empty
	x := reshape(a, expand, o.stream)
	x = BroadcastTo(x, broad, o.stream)
	return reshape(x, final, o.stream)
}

// Repeat repeats each element of a repeats times along an axis given with
// mx.Axis, or, without one, along the flattened array (the result is then
// 1-D), as in MLX and NumPy: Repeat([1 2], 2) is [1 1 2 2]. It panics with
// *Error on a negative count or an axis out of range.
func Repeat(a *Array, repeats int, opts ...Option) *Array {
	const op = "repeat"
	o := parseOptions(op, optStream|optAxes, opts)
	checkArray(op, a)
	if repeats < 0 {
		panic(newError(op, "negative number of repeats %d", repeats))
	}
	// a is given an axis of size one after the repeated axis (the last one
	// when flattening), broadcast to repeats along it, and reshaped to
	// merge the two: one copy, a strided input included.
	if o.set&optAxes == 0 {
		final := []int{mulSize(op, a.Size(), repeats)}
		broad := append(slicesClone(a.shape), repeats)
		checkShape(op, broad) // larger than final when a is empty
		x := expandDims(a, []int{a.Ndim()}, o.stream)
		x = BroadcastTo(x, broad, o.stream)
		return reshape(x, final, o.stream)
	}
	ax := normAxis(op, singleAxis(op, o, 0), a.Ndim())
	if repeats == 1 {
		return a
	}
	final := slicesClone(a.shape)
	final[ax] = mulSize(op, final[ax], repeats)
	broad := slices.Insert(slicesClone(a.shape), ax+1, repeats)
	checkShape(op, broad) // larger than final when a is empty
	x := expandDims(a, []int{ax + 1}, o.stream)
	x = BroadcastTo(x, broad, o.stream)
	return reshape(x, final, o.stream)
}

// padMode is how Pad fills the new elements.
type padMode uint8

const (
	padConstant padMode = iota
	padEdge
	padReflect
	padSymmetric
)

var padModeNames = [...]string{"constant", "edge", "reflect", "symmetric"}

// padOption is a pad mode with, for the constant mode, its value (nil: 0).
type padOption struct {
	mode  padMode
	value any
}

func (p padOption) apply(o *options) { o.set |= optPad; o.pad = p }

// PadConstant asks Pad to fill the new elements with value: a Go number,
// converted to the array's type, or a one-element array. Pad fills with
// zeros when given no mode.
func PadConstant(value any) Option { return padOption{padConstant, value} }

// The pad modes other than constant, as NumPy names them. PadEdge repeats
// the edge values; PadReflect mirrors the array about its edges without
// repeating them ([1 2 3] padded by 2: [3 2 1 2 3 2 1]); PadSymmetric
// mirrors it repeating them ([2 1 1 2 3 3 2]). Widths larger than the axis
// continue the pattern.
var (
	PadEdge      Option = padOption{mode: padEdge}
	PadReflect   Option = padOption{mode: padReflect}
	PadSymmetric Option = padOption{mode: padSymmetric}
)

// Pad returns a with widths[i][0] elements added before and widths[i][1]
// after it on each axis i. widths is an int (that many on both sides of
// every axis), a [2]int (one before/after pair for every axis) or a
// [][2]int (one pair per axis, or a single pair for all):
//
//	mx.Pad(a, 2)                                         // zeros, 2 on every side
//	mx.Pad(a, [][2]int{{1, 2}, {0, 1}}, mx.PadConstant(-1))
//	mx.Pad(a, [2]int{0, 3}, mx.PadReflect)
//
// The new elements are zeros unless a mode option says otherwise:
// PadConstant, PadEdge, PadReflect or PadSymmetric, with NumPy's meanings.
// It panics with *Error on a negative width, on widths of the wrong kind or
// number, on a constant that is not a number or one-element array, and on
// padding an empty axis in a mode other than constant.
func Pad(a *Array, widths any, opts ...Option) *Array {
	const op = "pad"
	o := parseOptions(op, optStream|optPad, opts)
	checkArray(op, a)
	lo, hi := padWidths(op, a, widths)
	mode := o.pad.mode
	shape := slicesClone(a.shape)
	padded := false
	for d := range shape {
		if lo[d] < 0 || hi[d] < 0 {
			panic(newError(op, "negative pad width (%d, %d) on axis %d", lo[d], hi[d], d))
		}
		if lo[d]+hi[d] == 0 {
			continue
		}
		padded = true
		if shape[d] == 0 && mode != padConstant {
			panic(newError(op, "cannot pad the empty axis %d of shape %s in mode %s", d, shapeString(a.shape), padModeNames[mode]))
		}
		shape[d] = addSize(op, addSize(op, shape[d], lo[d]), hi[d])
	}
	inputs := []*Array{a}
	if mode == padConstant {
		inputs = append(inputs, padValue(op, o.pad.value, a.dtype))
	}
	if !padded {
		return a
	}
	checkShape(op, shape)
	return newArray(padPrim{lo: lo, hi: hi, mode: mode}, o.stream, inputs, shape, a.dtype)
}

// padWidths reads Pad's widths argument as per-axis widths.
func padWidths(op string, a *Array, widths any) (lo, hi []int) {
	nd := a.Ndim()
	lo, hi = make([]int, nd), make([]int, nd)
	set := func(d int, w [2]int) { lo[d], hi[d] = w[0], w[1] }
	if w, ok := goInt(widths); ok {
		widths = [2]int{w, w}
	}
	switch w := widths.(type) {
	case [2]int:
		for d := range nd {
			set(d, w)
		}
	case [][2]int:
		switch len(w) {
		case 1:
			for d := range nd {
				set(d, w[0])
			}
		case nd:
			for d := range nd {
				set(d, w[d])
			}
		default:
			panic(newError(op, "%d pad widths for an array of shape %s", len(w), shapeString(a.shape)))
		}
	default:
		panic(newError(op, "pad widths must be an int, a [2]int or a [][2]int, not %T", widths))
	}
	return lo, hi
}

// padValue returns Pad's constant as a one-element array.
func padValue(op string, v any, dt Dtype) *Array {
	switch x := v.(type) {
	case nil:
		return weakScalar(op, 0).array(dt)
	case *Array:
		checkArray(op, x)
		if x.Size() != 1 {
			panic(newError(op, "the constant must be a number or a one-element array"))
		}
		return x
	}
	if !isWeak(v) {
		panic(newError(op, "the constant must be a number or a one-element array, not %T", v))
	}
	return weakScalar(op, v).array(dt)
}

// Roll shifts the elements of a along the axes given with mx.Axis or
// mx.Axes, those pushed past the end coming back at the start; without
// axes it shifts the flattened array and keeps a's shape. shift is an int,
// or a []int of one shift per axis; as in NumPy, a single shift applies to
// every axis and shifts for a single axis add up, and an axis named twice
// is shifted twice. Negative shifts move toward the start. It panics with
// *Error on shifts that do not match the axes or an axis out of range.
func Roll(a *Array, shift any, opts ...Option) *Array {
	const op = "roll"
	o := parseOptions(op, optStream|optAxes, opts)
	checkArray(op, a)
	shifts, _ := intsArg(op, "shift", shift)
	if len(shifts) == 0 {
		panic(newError(op, "no shift given"))
	}
	if o.set&optAxes == 0 {
		n := a.Size()
		total := 0
		for _, s := range shifts {
			total += reduceShift(s, n)
		}
		if total = reduceShift(total, n); total == 0 {
			return a
		}
		return newArray(rollPrim{flat: total}, o.stream, []*Array{a}, a.shape, a.dtype)
	}
	axes := o.axes
	if len(axes) == 0 {
		return a
	}
	if len(shifts) != len(axes) && len(shifts) != 1 && len(axes) != 1 {
		panic(newError(op, "%d shifts do not match %d axes", len(shifts), len(axes)))
	}
	per := make([]int, a.Ndim())
	for i := range max(len(shifts), len(axes)) {
		ax := normAxis(op, axes[min(i, len(axes)-1)], a.Ndim())
		n := a.shape[ax]
		per[ax] = reduceShift(per[ax]+reduceShift(shifts[min(i, len(shifts)-1)], n), n)
	}
	if !slices.ContainsFunc(per, func(s int) bool { return s != 0 }) {
		return a
	}
	return newArray(rollPrim{shifts: per, flat: -1}, o.stream, []*Array{a}, a.shape, a.dtype)
}

// reduceShift returns s modulo n in [0, n) (0 when n is 0).
func reduceShift(s, n int) int {
	if n == 0 {
		return 0
	}
	s %= n
	if s < 0 {
		s += n
	}
	return s
}

// Diag, for a 1-D array of n elements, returns the (n+|k|) x (n+|k|)
// matrix with a on its k-th diagonal (k > 0 above the main one, k < 0
// below) and zeros elsewhere; for a 2-D array, it returns a copy of the
// array's k-th diagonal, the elements (i, i+k), as a 1-D array (empty when
// k is past the matrix). It panics with *Error for arrays of other
// dimensions.
func Diag(a *Array, k int, opts ...Option) *Array {
	const op = "diag"
	o := parseOptions(op, optStream, opts)
	checkArray(op, a)
	switch a.Ndim() {
	case 1:
		if k > math.MaxInt32 || k < -math.MaxInt32 {
			panic(newError(op, "diagonal %d is too far from the main one", k))
		}
		n := addSize(op, a.Size(), max(k, -k))
		shape := []int{n, n}
		checkShape(op, shape)
		zero := weakScalar(op, 0).array(a.dtype)
		return newArray(diagPrim{k: k}, o.stream, []*Array{a, zero}, shape, a.dtype)
	case 2:
		k = max(min(k, a.shape[1]), -a.shape[0]) // past these the diagonal is empty
		return Contiguous(Diagonal(a, k, o.stream), o.stream)
	}
	panic(newError(op, "the array must be 1-D or 2-D, not of shape %s", shapeString(a.shape)))
}

// Trace returns the sums of the offset-th diagonals of a (0 the main one,
// offset > 0 above it, offset < 0 below it) over the planes of the two axes
// given with mx.Axes(axis1, axis2), by default the first two: the result
// has a's shape without those axes (0-d for a matrix). A Dtype option
// converts the diagonals to that type before they are summed; the result's
// type then follows Sum, as in MLX: bool and small integers sum to 32-bit
// integers. An empty diagonal sums to zero. It panics with *Error when a
// has fewer than two dimensions or the axes are not two different axes of
// a.
func Trace(a *Array, offset int, opts ...Option) *Array {
	const op = "trace"
	o := parseOptions(op, optStream|optAxes|optDtype, opts)
	checkArray(op, a)
	if a.Ndim() < 2 {
		panic(newError(op, "the array must have at least 2 dimensions, not shape %s", shapeString(a.shape)))
	}
	ax1, ax2 := 0, 1
	if o.set&optAxes != 0 {
		if len(o.axes) != 2 {
			panic(newError(op, "takes two axes, not %v", o.axes))
		}
		ax1, ax2 = normAxis(op, o.axes[0], a.Ndim()), normAxis(op, o.axes[1], a.Ndim())
		if ax1 == ax2 {
			panic(newError(op, "the two axes must differ, got %v", o.axes))
		}
	}
	if o.set&optDtype != 0 && !o.dtype.valid() {
		panic(newError(op, "invalid dtype %v", o.dtype))
	}
	offset = max(min(offset, a.shape[ax2]), -a.shape[ax1]) // past these the diagonal is empty
	d := Diagonal(a, offset, Axes(ax1, ax2), o.stream)
	if o.set&optDtype != 0 {
		d = AsType(d, o.dtype, o.stream)
	}
	return Sum(d, Axis(-1), o.stream)
}

// Tril returns a copy of a with the elements above the k-th diagonal of
// each matrix (the last two axes) set to zero: it keeps the elements
// (i, j) with j <= i+k. k = 0 is the main diagonal, k > 0 above it. It
// panics with *Error when a has fewer than 2 dimensions.
func Tril(a *Array, k int, opts ...Option) *Array { return triangle("tril", a, k, false, opts) }

// Triu returns a copy of a with the elements below the k-th diagonal of
// each matrix (the last two axes) set to zero: it keeps the elements
// (i, j) with j >= i+k. It panics with *Error when a has fewer than 2
// dimensions.
func Triu(a *Array, k int, opts ...Option) *Array { return triangle("triu", a, k, true, opts) }

func triangle(op string, a *Array, k int, upper bool, opts []Option) *Array {
	o := parseOptions(op, optStream, opts)
	checkArray(op, a)
	if a.Ndim() < 2 {
		panic(newError(op, "the array must have at least 2 dimensions, not shape %s", shapeString(a.shape)))
	}
	return newArray(trianglePrim{k: k, upper: upper}, o.stream, []*Array{a}, a.shape, a.dtype)
}

// singleAxis returns the one axis given with mx.Axis, or def when none was
// given, and panics with *Error when several were.
func singleAxis(op string, o options, def int) int {
	if o.set&optAxes == 0 {
		return def
	}
	if len(o.axes) != 1 {
		panic(newError(op, "takes one axis, got %v", o.axes))
	}
	return o.axes[0]
}

func slicesCloneArrays(a []*Array) []*Array { return append([]*Array(nil), a...) }

// shapesString lists the shapes of arrays: (2, 3), (2, 4).
func shapesString(arrays []*Array) string {
	s := ""
	for i, a := range arrays {
		if i > 0 {
			s += ", "
		}
		s += shapeString(a.shape)
	}
	return s
}
