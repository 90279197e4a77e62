package mx

import (
	"math"
	"math/bits"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The shape ops that copy: joining (Concatenate, Stack), repeating (Tile,
// Repeat), padding (Pad), rolling (Roll) and diagonals and triangles (Diag,
// Tril, Triu, Trace). Their kernels are copies between strided sub-views of
// the input and the output (core.CopyKernels), except Tril and Triu, which
// have a masked copy of their own (core.ShapeKernels).

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
	checkSize(op, shape)
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
	dt := first.dtype
	for _, a := range arrays {
		if !sameShape(a.shape, first.shape) {
			panic(newError(op, "all arrays must have the same shape, got shapes %s", shapesString(arrays)))
		}
		dt = PromoteTypes(dt, a.dtype)
	}
	shape := make([]int, 0, first.Ndim()+1)
	shape = append(shape, first.shape[:ax]...)
	shape = append(shape, len(arrays))
	shape = append(shape, first.shape[ax:]...)
	checkSize(op, shape)
	return newArray(concatenatePrim{axis: ax, stack: true}, o.stream, slicesCloneArrays(arrays), shape, dt)
}

// Tile repeats the whole of a reps[i] times along axis i. When reps is
// shorter than a's dimensions it is extended with leading ones; when it is
// longer, a's shape is extended with leading ones, as in NumPy. A zero in
// reps gives an empty axis. It panics with *Error on a negative repetition.
func Tile(a *Array, reps []int, opts ...Option) *Array {
	const op = "tile"
	o := parseOptions(op, optStream, opts)
	for _, r := range reps {
		if r < 0 {
			panic(newError(op, "negative repetition in %v", reps))
		}
	}
	nd := max(len(reps), a.Ndim())
	full := make([]int, nd) // reps with leading ones
	shape := make([]int, nd)
	for d := range nd {
		full[d] = 1
		if i := d - (nd - len(reps)); i >= 0 {
			full[d] = reps[i]
		}
		n := 1
		if i := d - (nd - a.Ndim()); i >= 0 {
			n = a.shape[i]
		}
		shape[d] = mulSize(op, n, full[d])
	}
	checkSize(op, shape)
	return newArray(tilePrim{reps: full}, o.stream, []*Array{a}, shape, a.dtype)
}

// Repeat repeats each element of a repeats times along an axis given with
// mx.Axis, or, without one, along the flattened array (the result is then
// 1-D), as in MLX and NumPy: Repeat([1 2], 2) is [1 1 2 2]. It panics with
// *Error on a negative count or an axis out of range.
func Repeat(a *Array, repeats int, opts ...Option) *Array {
	const op = "repeat"
	o := parseOptions(op, optStream|optAxes, opts)
	if repeats < 0 {
		panic(newError(op, "negative number of repeats %d", repeats))
	}
	if o.set&optAxes == 0 {
		shape := []int{mulSize(op, a.Size(), repeats)}
		checkSize(op, shape)
		return newArray(repeatPrim{repeats: repeats, axis: -1}, o.stream, []*Array{a}, shape, a.dtype)
	}
	ax := normAxis(op, singleAxis(op, o, 0), a.Ndim())
	if repeats == 1 {
		return a
	}
	shape := slicesClone(a.shape)
	shape[ax] = mulSize(op, shape[ax], repeats)
	checkSize(op, shape)
	return newArray(repeatPrim{repeats: repeats, axis: ax}, o.stream, []*Array{a}, shape, a.dtype)
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
	checkSize(op, shape)
	return newArray(padPrim{lo: lo, hi: hi, mode: mode}, o.stream, inputs, shape, a.dtype)
}

// padWidths reads Pad's widths argument as per-axis widths.
func padWidths(op string, a *Array, widths any) (lo, hi []int) {
	nd := a.Ndim()
	lo, hi = make([]int, nd), make([]int, nd)
	set := func(d int, w [2]int) { lo[d], hi[d] = w[0], w[1] }
	switch w := widths.(type) {
	case int:
		for d := range nd {
			set(d, [2]int{w, w})
		}
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
		if x == nil || x.Size() != 1 {
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
	var shifts []int
	switch s := shift.(type) {
	case int:
		shifts = []int{s}
	case []int:
		shifts = s
	default:
		panic(newError(op, "shift must be an int or a []int, not %T", shift))
	}
	if len(shifts) == 0 {
		panic(newError(op, "no shift given"))
	}
	if o.set&optAxes == 0 {
		n := a.Size()
		total := 0
		for _, s := range shifts {
			total += reduceShift(s, n)
		}
		return newArray(rollPrim{flat: reduceShift(total, n)}, o.stream, []*Array{a}, a.shape, a.dtype)
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
	switch a.Ndim() {
	case 1:
		if k > math.MaxInt32 || k < -math.MaxInt32 {
			panic(newError(op, "diagonal %d is too far from the main one", k))
		}
		n := addSize(op, a.Size(), max(k, -k))
		shape := []int{n, n}
		checkSize(op, shape)
		zero := weakScalar(op, 0).array(a.dtype)
		return newArray(diagPrim{k: k}, o.stream, []*Array{a, zero}, shape, a.dtype)
	case 2:
		return diagonal(op, a, k, 0, 1, o.stream)
	}
	panic(newError(op, "the array must be 1-D or 2-D, not of shape %s", shapeString(a.shape)))
}

// diagonal returns a copy of the offset-th diagonal of the matrices of a
// over axes axis1 and axis2; the diagonal becomes the last axis of the
// result, the other axes keeping their order, as in MLX's diagonal.
func diagonal(op string, a *Array, offset, axis1, axis2 int, s Stream) *Array {
	if a.Ndim() < 2 {
		panic(newError(op, "the array must have at least 2 dimensions, not shape %s", shapeString(a.shape)))
	}
	ax1, ax2 := normAxis(op, axis1, a.Ndim()), normAxis(op, axis2, a.Ndim())
	if ax1 == ax2 {
		panic(newError(op, "the two axes must differ, got %d and %d", axis1, axis2))
	}
	n := diagonalLength(a.shape[ax1], a.shape[ax2], offset)
	shape := make([]int, 0, a.Ndim()-1)
	for d, sz := range a.shape {
		if d != ax1 && d != ax2 {
			shape = append(shape, sz)
		}
	}
	shape = append(shape, n)
	return newArray(diagonalPrim{offset: offset, axis1: ax1, axis2: ax2}, s, []*Array{a}, shape, a.dtype)
}

// diagonalLength is the number of elements (i, i+offset) of an r x c matrix.
func diagonalLength(r, c, offset int) int {
	if offset >= 0 {
		if offset >= c {
			return 0
		}
		return max(0, min(r, c-offset))
	}
	if offset <= -r {
		return 0
	}
	return max(0, min(r+offset, c))
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

func checkArrays(op string, arrays []*Array) {
	if len(arrays) == 0 {
		panic(newError(op, "no arrays given"))
	}
	for _, a := range arrays {
		if a == nil {
			panic(newError(op, "nil array"))
		}
	}
}

func slicesCloneArrays(a []*Array) []*Array { return append([]*Array(nil), a...) }

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

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

// addSize and mulSize compute dimensions, panicking with *Error on overflow.
func addSize(op string, a, b int) int {
	if a > math.MaxInt-b {
		panic(newError(op, "dimension %d + %d is too large", a, b))
	}
	return a + b
}

func mulSize(op string, a, b int) int {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		panic(newError(op, "dimension %d * %d is too large", a, b))
	}
	return int(lo)
}

// checkSize panics with *Error when shape has more bytes than an int counts.
func checkSize(op string, shape []int) {
	n := 16 // the largest element size, so byte counts fit too
	for _, d := range shape {
		if d == 0 {
			return
		}
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if hi != 0 || lo > math.MaxInt {
			panic(newError(op, "shape %s is too large", shapeString(shape)))
		}
		n = int(lo)
	}
}

// The primitives. Their kernels copy between sub-views: a sub-view is a
// box of a view (a start index and a shape) with the view's strides.

// subView returns the box of v starting at index start with the given shape.
func subView(v core.View, start, shape []int) core.View {
	off := v.Offset
	for d, i := range start {
		off += i * v.Strides[d]
	}
	v.Shape, v.Offset = shape, off
	return v
}

// concatenatePrim joins its inputs along axis (stack: along a new axis),
// converting them to the output's type as it copies.
type concatenatePrim struct {
	axis  int
	stack bool
}

func (p concatenatePrim) Name() string {
	if p.stack {
		return "Stack"
	}
	return "Concatenate"
}

func (p concatenatePrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("concatenate", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	dst := out[0].view()
	start := make([]int, len(dst.Shape))
	for _, a := range in {
		v := a.view()
		if p.stack { // a new axis of size one
			v.Shape = insertInt(v.Shape, p.axis, 1)
			v.Strides = insertInt(v.Strides, p.axis, 0)
		}
		if err := k.Copy(v, subView(dst, start, v.Shape)); err != nil {
			return err
		}
		start[p.axis] += v.Shape[p.axis]
	}
	return nil
}

func insertInt(s []int, i, v int) []int {
	out := make([]int, 0, len(s)+1)
	out = append(out, s[:i]...)
	out = append(out, v)
	return append(out, s[i:]...)
}

// tilePrim repeats its input reps[d] times along each axis d (reps has the
// output's length; the input is padded with leading axes of size one). The
// output, of shape (r0*n0, r1*n1, ...), is copied as the view (r0, n0, r1,
// n1, ...) from the input broadcast over the r axes: one copy.
type tilePrim struct{ reps []int }

func (tilePrim) Name() string { return "Tile" }

func (p tilePrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("tile", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	src, dst := in[0].view(), out[0].view()
	nd := len(dst.Shape)
	lead := nd - len(src.Shape)
	shape := make([]int, 0, 2*nd)
	ss := make([]int, 0, 2*nd)
	ds := make([]int, 0, 2*nd)
	for d := range nd {
		n, st := 1, 0
		if i := d - lead; i >= 0 {
			n, st = src.Shape[i], src.Strides[i]
		}
		shape = append(shape, p.reps[d], n)
		ss = append(ss, 0, st)
		ds = append(ds, n*dst.Strides[d], dst.Strides[d])
	}
	src.Shape, src.Strides = shape, ss
	dst.Shape, dst.Strides = shape, ds
	return k.Copy(src, dst)
}

// repeatPrim repeats each element of its input repeats times along axis,
// or along the flattened input when axis is -1. The output is copied as a
// view with an extra axis of length repeats after axis, over which the
// input is broadcast: one copy.
type repeatPrim struct{ repeats, axis int }

func (repeatPrim) Name() string { return "Repeat" }

func (p repeatPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("repeat", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	src, dst := in[0].view(), out[0].view()
	var shape, ss, ds []int
	if p.axis < 0 { // the flat output as (n0, n1, ..., repeats)
		shape = append(slicesClone(src.Shape), p.repeats)
		ss = append(slicesClone(src.Strides), 0)
		ds = core.RowMajorStrides(shape)
	} else { // axis of length n as (n, repeats)
		ax := p.axis
		shape = insertInt(src.Shape, ax+1, p.repeats)
		ss = insertInt(src.Strides, ax+1, 0)
		ds = insertInt(dst.Strides, ax+1, dst.Strides[ax])
		ds[ax] *= p.repeats
	}
	src.Shape, src.Strides = shape, ss
	dst.Shape, dst.Strides = shape, ds
	return k.Copy(src, dst)
}

// padPrim pads its input with lo[d] elements before and hi[d] after on
// each axis d. In the constant mode its second input is the one-element
// value.
type padPrim struct {
	lo, hi []int
	mode   padMode
}

func (padPrim) Name() string { return "Pad" }

func (p padPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("pad", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	src, dst := in[0].view(), out[0].view()
	nd := len(dst.Shape)
	if err := k.Copy(src, subView(dst, p.lo, src.Shape)); err != nil {
		return err
	}
	// The border, as 2*nd disjoint boxes: for axis d, the pads along d,
	// the interior along the axes before d and everything along those
	// after d (constant); the other way round for the modes that read the
	// output back, so that they read values already written.
	for d := range nd {
		start, shape := make([]int, nd), make([]int, nd)
		for e := range nd {
			inner := e < d
			if p.mode != padConstant {
				inner = e > d
			}
			if inner {
				start[e], shape[e] = p.lo[e], src.Shape[e]
			} else {
				start[e], shape[e] = 0, dst.Shape[e]
			}
		}
		if err := p.padAxis(k, in, dst, d, start, shape); err != nil {
			return err
		}
	}
	return nil
}

// padAxis fills the pads along axis d of the box (start, shape).
func (p padPrim) padAxis(k core.CopyKernels, in []*Array, dst core.View, d int, start, shape []int) error {
	lo, n := p.lo[d], in[0].shape[d]
	hi := p.hi[d]
	// fill copies src into the box's positions [at, at+cnt) along d.
	fill := func(src core.View, at, cnt int) error {
		if cnt == 0 {
			return nil
		}
		st, sh := slicesClone(start), slicesClone(shape)
		st[d], sh[d] = at, cnt
		src.Shape = sh
		return k.Copy(src, subView(dst, st, sh))
	}
	// from returns the box's positions [at, at+cnt) along d as a view,
	// reversed when rev is set, or position at broadcast over cnt.
	from := func(at, cnt int, rev, bcast bool) core.View {
		st := slicesClone(start)
		st[d] = at
		v := subView(dst, st, nil)
		v.Strides = slicesClone(v.Strides)
		switch {
		case bcast:
			v.Strides[d] = 0
		case rev:
			v.Offset += (cnt - 1) * v.Strides[d]
			v.Strides[d] = -v.Strides[d]
		}
		return v
	}
	mode := p.mode
	if mode == padReflect && n == 1 {
		mode = padEdge // nothing to mirror but the edge
	}
	switch mode {
	case padConstant:
		v := in[1].view()
		v.Strides = make([]int, len(dst.Shape))
		if err := fill(v, 0, lo); err != nil {
			return err
		}
		return fill(v, lo+n, hi)
	case padEdge:
		if err := fill(from(lo, lo, false, true), 0, lo); err != nil {
			return err
		}
		return fill(from(lo+n-1, hi, false, true), lo+n, hi)
	}
	// Reflect and symmetric: the pads continue the input's mirror images,
	// a pattern of period 2(n-1) or 2n that mirrors about each edge a of
	// the filled part when a is a multiple of the half period away from
	// the input. Each step mirrors as much as is filled, whole half
	// periods at a time, so the steps double in length.
	skip, half := 1, n-1 // reflect: the edge itself is not repeated
	if mode == padSymmetric {
		skip, half = 0, n
	}
	for a, end := lo, lo+n; a > 0; { // before: [a, end) is filled
		cnt := min(a, (end-a-skip)/half*half)
		if err := fill(from(a+skip, cnt, true, false), a-cnt, cnt); err != nil {
			return err
		}
		a -= cnt
	}
	for b, total := lo+n, lo+n+hi; b < total; { // after: [0, b) is filled
		cnt := min(total-b, (b-skip)/half*half)
		if err := fill(from(b-skip-cnt, cnt, true, false), b, cnt); err != nil {
			return err
		}
		b += cnt
	}
	return nil
}

// rollPrim rolls its input by shifts[d] (in [0, n)) along each axis d, or,
// when flat is not -1, its flattened input by flat.
type rollPrim struct {
	shifts []int
	flat   int
}

func (rollPrim) Name() string { return "Roll" }

func (p rollPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("roll", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	src, dst := in[0].view(), out[0].view()
	if p.flat >= 0 {
		return rollFlat(k, src, dst, p.flat)
	}
	// Each axis splits into two pieces, [0, n-s) going to [s, n) and
	// [n-s, n) to [0, s); every combination of pieces is one copy.
	nd := len(src.Shape)
	var rec func(d int, from, to, shape []int) error
	rec = func(d int, from, to, shape []int) error {
		if d == nd {
			return k.Copy(subView(src, from, shape), subView(dst, to, shape))
		}
		n, sh := src.Shape[d], p.shifts[d]
		pieces := [][3]int{{0, sh, n - sh}, {n - sh, 0, sh}}
		for _, pc := range pieces {
			if pc[2] == 0 {
				continue
			}
			from[d], to[d], shape[d] = pc[0], pc[1], pc[2]
			if err := rec(d+1, from, to, shape); err != nil {
				return err
			}
		}
		return nil
	}
	if src.Size() == 0 {
		return nil
	}
	return rec(0, make([]int, nd), make([]int, nd), make([]int, nd))
}

// rollFlat rolls src in row-major order by shift into dst (row-major, the
// same shape): the flat ranges [0, N-shift) and [N-shift, N) move by shift
// and shift-N, each copied as the boxes it is made of.
func rollFlat(k core.CopyKernels, src, dst core.View, shift int) error {
	total := src.Size()
	if total == 0 {
		return nil
	}
	var err error
	for _, r := range [][3]int{{0, total - shift, shift}, {total - shift, total, shift - total}} {
		flatBoxes(src.Shape, r[0], r[1], func(start, shape []int, flat int) {
			if err == nil {
				d := dst
				d.Shape, d.Offset = shape, dst.Offset+flat+r[2]
				err = k.Copy(subView(src, start, shape), d)
			}
		})
	}
	return err
}

// flatBoxes splits the row-major positions [lo, hi) of shape into boxes
// (at most two per axis), calling emit with each box's start index, shape
// and row-major position. A box fixes the leading axes, takes a range of
// one axis and all of the following ones, so its positions are contiguous.
func flatBoxes(shape []int, lo, hi int, emit func(start, shape []int, flat int)) {
	nd := len(shape)
	start := make([]int, nd)
	var rec func(d, base, lo, hi int)
	// rec splits [lo, hi) within the block of axes d... whose leading
	// indices are start[:d] and whose first position is base.
	rec = func(d, base, lo, hi int) {
		if lo >= hi {
			return
		}
		if d == nd { // one element
			ones := make([]int, nd)
			for e := range ones {
				ones[e] = 1
			}
			emit(slicesClone(start), ones, base)
			return
		}
		t := 1
		for _, n := range shape[d+1:] {
			t *= n
		}
		first, last := lo/t, (hi-1)/t
		if first == last { // within one slice of axis d
			start[d] = first
			rec(d+1, base+first*t, lo-first*t, hi-first*t)
			return
		}
		i0, i1 := (lo+t-1)/t, hi/t // the whole slices [i0, i1)
		if lo%t != 0 {
			start[d] = first
			rec(d+1, base+first*t, lo-first*t, t)
		}
		if i1 > i0 {
			st := slicesClone(start)
			st[d] = i0
			for e := d + 1; e < nd; e++ {
				st[e] = 0
			}
			sh := make([]int, nd)
			for e := range nd {
				switch {
				case e < d:
					sh[e] = 1
				case e == d:
					sh[e] = i1 - i0
				default:
					sh[e] = shape[e]
				}
			}
			emit(st, sh, base+i0*t)
		}
		if hi%t != 0 {
			start[d] = last
			for e := d + 1; e < nd; e++ {
				start[e] = 0
			}
			rec(d+1, base+last*t, 0, hi-last*t)
		}
	}
	rec(0, 0, lo, hi)
}

// diagPrim builds the matrix with its 1-D input on the k-th diagonal; its
// second input is a zero of the output's type.
type diagPrim struct{ k int }

func (diagPrim) Name() string { return "Diag" }

func (p diagPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("diag", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	dst := out[0].view()
	zero := in[1].view()
	zero.Shape, zero.Strides = dst.Shape, []int{0, 0}
	if err := k.Copy(zero, dst); err != nil {
		return err
	}
	n := dst.Shape[0]
	if p.k >= 0 {
		dst.Offset += p.k
	} else {
		dst.Offset += -p.k * n
	}
	dst.Shape, dst.Strides = in[0].shape, []int{n + 1}
	return k.Copy(in[0].view(), dst)
}

// diagonalPrim copies the offset-th diagonal of the matrices over axes
// axis1 and axis2 of its input to the last axis of its output: the
// diagonal is a strided view of the input (stride: the sum of the two
// axes' strides), so this is one copy.
type diagonalPrim struct{ offset, axis1, axis2 int }

func (diagonalPrim) Name() string { return "Diagonal" }

func (p diagonalPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("diagonal", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	src, dst := in[0].view(), out[0].view()
	st1, st2 := src.Strides[p.axis1], src.Strides[p.axis2]
	var strides []int
	for d, st := range src.Strides {
		if d != p.axis1 && d != p.axis2 {
			strides = append(strides, st)
		}
	}
	if dst.Shape[len(dst.Shape)-1] > 0 {
		src.Offset += max(-p.offset, 0)*st1 + max(p.offset, 0)*st2
	}
	src.Shape, src.Strides = dst.Shape, append(strides, st1+st2)
	return k.Copy(src, dst)
}

// trianglePrim keeps the lower (Tril) or upper (Triu) triangle from the
// k-th diagonal of the matrices of its input.
type trianglePrim struct {
	k     int
	upper bool
}

func (p trianglePrim) Name() string {
	if p.upper {
		return "Triu"
	}
	return "Tril"
}

func (p trianglePrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ShapeKernels](p.opName(), s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Triangle(in[0].view(), out[0].view(), p.k, p.upper)
}

func (p trianglePrim) opName() string {
	if p.upper {
		return "triu"
	}
	return "tril"
}
