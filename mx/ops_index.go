package mx

import (
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Indexing with arrays of integers: gather (read blocks at positions held
// in index arrays) and scatter (write or combine blocks there), the two
// primitives behind Take, TakeAlongAxis, PutAlongAxis, Index with arrays
// and At. Index values are checked when the kernels run: a value outside
// its axis makes Eval return an *Error naming the op, such as
// "mx: take: index 7 is out of range for axis 0 of size 5". Negative
// values count from the end of the axis, as in NumPy and MLX.

// gatherPrim reads, for each position of the index arrays (inputs 1...,
// broadcast together to the index shape), the block of sizes sliceSizes of
// input 0 whose corner is at the index values along axes. The output's
// shape is the index shape followed by sliceSizes.
type gatherPrim struct {
	op         string // the public op, for errors
	axes       []int
	sliceSizes []int
}

func (gatherPrim) Name() string { return "Gather" }

func (p gatherPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.GatherKernels](p.op, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	idxShape := out[0].shape[:out[0].Ndim()-len(p.sliceSizes)]
	if err := k.Gather(in[0].view(), indexViews(in[1:], idxShape), p.axes, p.sliceSizes, out[0].view()); err != nil {
		return &Error{Op: p.op, Msg: err.Error(), Err: err}
	}
	return nil
}

// indexViews returns the views of index arrays broadcast to shape.
func indexViews(idx []*Array, shape []int) []core.View {
	vs := make([]core.View, len(idx))
	for i, x := range idx {
		vs[i] = broadcastView(x, shape)
	}
	return vs
}

// scatterIndexPrim combines, for each position of the index arrays
// (inputs 1 to n-2), the block of the updates (the last input; its shape
// is the index shape followed by one block dimension per axis of input 0)
// into input 0 at the index values along axes.
type scatterIndexPrim struct {
	op     string
	axes   []int
	reduce core.ScatterReduce
}

func (scatterIndexPrim) Name() string { return "Scatter" }

func (p scatterIndexPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.GatherKernels](p.op, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	upd := in[len(in)-1]
	idxShape := upd.shape[:upd.Ndim()-in[0].Ndim()]
	err = k.Scatter(p.reduce, in[0].view(), indexViews(in[1:len(in)-1], idxShape), upd.view(), p.axes, out[0].view())
	if err != nil {
		return &Error{Op: p.op, Msg: err.Error(), Err: err}
	}
	return nil
}

// checkIndices panics unless every index array has an integer type, and
// returns the shape they broadcast to.
func checkIndices(op string, idx []*Array) []int {
	shapes := make([][]int, len(idx))
	for i, x := range idx {
		checkArray(op, x)
		if !x.dtype.IsInteger() {
			panic(newError(op, "indices must be integers, not %v", x.dtype))
		}
		shapes[i] = x.shape
	}
	return broadcastShapes(op, shapes...)
}

// gather records a gather; the arguments are checked.
func gather(op string, a *Array, idx []*Array, axes, sliceSizes []int, s Stream) *Array {
	idxShape := checkIndices(op, idx)
	shape := append(slices.Clone(idxShape), sliceSizes...)
	checkShape(op, shape)
	in := append([]*Array{a}, idx...)
	return newArray(gatherPrim{op, axes, sliceSizes}, s, in, shape, a.dtype)
}

// scatter records a scatter of updates, which have the shape of the
// indices followed by a block shape of a's rank; the arguments are checked.
func scatter(op string, reduce core.ScatterReduce, a *Array, idx []*Array, upd *Array, axes []int, s Stream) *Array {
	in := append(append([]*Array{a}, idx...), asType(upd, a.dtype, s))
	return newArray(scatterIndexPrim{op, axes, reduce}, s, in, a.shape, a.dtype)
}

// indexAxes normalizes the axes of general gathers and scatters.
func indexAxes(op string, axes []int, nIdx, nd int) []int {
	if len(axes) != nIdx {
		panic(newError(op, "%d index arrays for %d axes", nIdx, len(axes)))
	}
	normAxes(op, axes, nd) // for its checks
	out := make([]int, len(axes))
	for i, ax := range axes {
		out[i] = normAxis(op, ax, nd)
	}
	return out
}

// Gather returns the blocks of a of shape sliceSizes (one size per axis of
// a) whose corners lie at indices[k] along axes[k] and at zero along the
// other axes, as MLX's gather: the result's shape is the shape the indices
// broadcast to followed by sliceSizes. Indices are integer arrays, one per
// axis in axes; negative values count from the end of the axis. An index
// whose block does not fit within its axis makes Eval return an *Error. It
// panics with *Error when the number of index arrays and axes differ, an
// axis is out of range or repeated, the indices are not integers or do not
// broadcast, or sliceSizes does not have one size within [0, size] per axis.
func Gather(a *Array, indices []*Array, axes []int, sliceSizes []int, opts ...Option) *Array {
	o := parseOptions("gather", optStream, opts)
	checkArray("gather", a)
	axes = indexAxes("gather", axes, len(indices), a.Ndim())
	if len(sliceSizes) != a.Ndim() {
		panic(newError("gather", "%d slice sizes for an array of shape %s", len(sliceSizes), shapeString(a.shape)))
	}
	for i, n := range sliceSizes {
		if n < 0 || n > a.shape[i] {
			panic(newError("gather", "slice sizes %v do not fit an array of shape %s", sliceSizes, shapeString(a.shape)))
		}
	}
	return gather("gather", a, slices.Clone(indices), axes, slices.Clone(sliceSizes), o.stream)
}

// Scatter returns a copy of a with blocks of updates written at the
// positions held in indices, as MLX's scatter: indices[k] holds positions
// along axes[k] (an integer array; negative values count from the end),
// the indices broadcast together to an index shape, and updates has that
// index shape followed by one block dimension per axis of a (each at most
// a's size there): the block updates[p, ...] goes to the place of a whose
// corner is at the index values of position p along axes and at zero along
// the other axes. updates is converted to a's dtype. When positions repeat,
// the last update in row-major order of the index shape wins (ScatterAdd
// and the others combine every update instead). An index whose block does
// not fit within its axis makes Eval return an *Error. It panics with
// *Error when the numbers of index arrays and axes differ, an axis is out
// of range or repeated, the indices are not integers or do not broadcast,
// or updates does not have that shape.
func Scatter(a *Array, indices []*Array, updates *Array, axes []int, opts ...Option) *Array {
	return scatterOp("scatter", core.ScatterNone, a, indices, updates, axes, opts)
}

// ScatterAdd is Scatter that adds the updates to a's elements; repeated
// positions receive the sum of their updates.
func ScatterAdd(a *Array, indices []*Array, updates *Array, axes []int, opts ...Option) *Array {
	return scatterOp("scatter_add", core.ScatterSum, a, indices, updates, axes, opts)
}

// ScatterProd is Scatter that multiplies a's elements by the updates;
// repeated positions receive the product of their updates.
func ScatterProd(a *Array, indices []*Array, updates *Array, axes []int, opts ...Option) *Array {
	return scatterOp("scatter_prod", core.ScatterProd, a, indices, updates, axes, opts)
}

// ScatterMax is Scatter that keeps the larger of a's element and each
// update (NaN wins, as in Maximum). It panics with *Error for complex64.
func ScatterMax(a *Array, indices []*Array, updates *Array, axes []int, opts ...Option) *Array {
	return scatterOp("scatter_max", core.ScatterMax, a, indices, updates, axes, opts)
}

// ScatterMin is Scatter that keeps the smaller of a's element and each
// update (NaN wins, as in Minimum). It panics with *Error for complex64.
func ScatterMin(a *Array, indices []*Array, updates *Array, axes []int, opts ...Option) *Array {
	return scatterOp("scatter_min", core.ScatterMin, a, indices, updates, axes, opts)
}

func scatterOp(op string, reduce core.ScatterReduce, a *Array, indices []*Array, updates *Array,
	axes []int, opts []Option) *Array {
	o := parseOptions(op, optStream, opts)
	checkArray(op, a)
	checkArray(op, updates)
	checkScatterType(op, reduce, a.dtype)
	axes = indexAxes(op, axes, len(indices), a.Ndim())
	idxShape := checkIndices(op, indices)
	nd := a.Ndim()
	if updates.Ndim() != len(idxShape)+nd {
		panic(newError(op, "updates of shape %s for indices of shape %s into an array of shape %s: "+
			"updates must have the indices' shape followed by %d block dimensions",
			shapeString(updates.shape), shapeString(idxShape), shapeString(a.shape), nd))
	}
	block := updates.shape[len(idxShape):]
	for i, n := range block {
		if n > a.shape[i] {
			panic(newError(op, "update blocks of shape %s do not fit an array of shape %s",
				shapeString(block), shapeString(a.shape)))
		}
	}
	full := append(slices.Clone(idxShape), block...)
	if !slices.Equal(full, updates.shape) {
		if !broadcastsTo(updates.shape, full) {
			panic(newError(op, "updates of shape %s do not broadcast to the indices' shape %s",
				shapeString(updates.shape), shapeString(idxShape)))
		}
		updates = BroadcastTo(updates, full, o.stream)
	}
	return scatter(op, reduce, a, slices.Clone(indices), updates, axes, o.stream)
}

func checkScatterType(op string, reduce core.ScatterReduce, dt Dtype) {
	if dt == Complex64 && (reduce == core.ScatterMax || reduce == core.ScatterMin) {
		panic(newError(op, "complex64 is not supported"))
	}
}

// indexArray converts an index argument: an *Array, a Go integer or a Go
// slice of integers. It panics unless the result has an integer type.
func indexArray(op string, v any) *Array {
	x := asArray(op, v)
	if !x.dtype.IsInteger() {
		panic(newError(op, "indices must be integers, not %v", x.dtype))
	}
	return x
}

// Take returns the elements of a at the given indices, as NumPy's take:
// with Axis(ax), the result has a's shape with axis ax replaced by the
// indices' shape, result[..., i, j, ...] = a[..., indices[i, j], ...];
// without an axis, a is flattened first and the result has the indices'
// shape. indices is an integer array, a Go integer (the axis is removed)
// or a Go slice of integers; negative values count from the end of the
// axis. An index out of range makes Eval return an *Error naming take. It
// panics with *Error for non-integer indices, a bad axis, and a non-empty
// take from an empty axis.
func Take(a *Array, indices any, opts ...Option) *Array {
	o := parseOptions("take", optStream|optAxes, opts)
	checkArray("take", a)
	idx := indexArray("take", indices)
	return take("take", a, idx, o, o.stream)
}

func take(op string, a, idx *Array, o options, s Stream) *Array {
	ax := 0
	if o.set&optAxes == 0 {
		a = reshape(a, []int{a.Size()}, s)
	} else {
		if len(o.axes) != 1 {
			panic(newError(op, "takes one axis, not %d", len(o.axes)))
		}
		ax = normAxis(op, o.axes[0], a.Ndim())
	}
	if a.shape[ax] == 0 && idx.Size() > 0 {
		panic(newError(op, "cannot take %d elements from axis %d of size 0", idx.Size(), ax))
	}
	sizes := slices.Clone(a.shape)
	sizes[ax] = 1
	g := gather(op, a, []*Array{idx}, []int{ax}, sizes, s)
	ni := idx.Ndim()
	// The gathered shape is the indices' shape then a's without axis ax;
	// the indices' axes move to where ax was.
	shape := append(slices.Clone(idx.shape), a.shape[:ax]...)
	shape = append(shape, a.shape[ax+1:]...)
	g = reshape(g, shape, s)
	if ax == 0 || ni == 0 {
		return g
	}
	perm := make([]int, 0, len(shape))
	for i := range ax {
		perm = append(perm, ni+i)
	}
	for i := range ni {
		perm = append(perm, i)
	}
	for i := ni + ax; i < len(shape); i++ {
		perm = append(perm, i)
	}
	return permute(g, perm, s)
}

// alongAxis returns the index arrays that select, for take_along_axis and
// put_along_axis, the element idx[..] along axis ax and the same position
// along every other axis of a: aranges shaped to broadcast against idx.
func alongAxis(op string, a, idx *Array, ax int, s Stream) ([]*Array, []int) {
	nd := a.Ndim()
	if idx.Ndim() != nd {
		panic(newError(op, "indices of shape %s must have as many dimensions as the array of shape %s",
			shapeString(idx.shape), shapeString(a.shape)))
	}
	idxs := make([]*Array, nd)
	axes := make([]int, nd)
	for i := range nd {
		axes[i] = i
		if i == ax {
			idxs[i] = idx
			continue
		}
		shape := slices.Repeat([]int{1}, nd)
		shape[i] = a.shape[i]
		idxs[i] = reshape(indexRange(0, a.shape[i], 1, s), shape, s)
	}
	others := slices.Clone(a.shape)
	others[ax] = 1
	tmp := slices.Clone(idx.shape)
	tmp[ax] = 1
	broadcastShapes(op, others, tmp)
	return idxs, axes
}

// indexRange returns start, start+step, ... (n elements) as int32, or as
// int64 where int32 cannot hold them.
func indexRange(start, n, step int, s Stream) *Array {
	dt := Int32
	if end := start + (n-1)*step; max(start, end) > math.MaxInt32 || min(start, end) < math.MinInt32 {
		dt = Int64
	}
	return arange(float64(start), float64(start+n*step), float64(step), dt, s)
}

// alongAxisArgs resolves the axis of TakeAlongAxis and PutAlongAxis: with
// none, a and the indices are flattened.
func alongAxisArgs(op string, a, idx *Array, o options) (*Array, *Array, int) {
	if o.set&optAxes == 0 {
		return reshape(a, []int{a.Size()}, o.stream), reshape(idx, []int{idx.Size()}, o.stream), 0
	}
	if len(o.axes) != 1 {
		panic(newError(op, "takes one axis, not %d", len(o.axes)))
	}
	return a, idx, normAxis(op, o.axes[0], a.Ndim())
}

// TakeAlongAxis returns the elements of a at indices along Axis(ax), as
// NumPy's take_along_axis: indices has as many dimensions as a, and along
// the other axes the two broadcast against each other; the result has
// their broadcast shape with the indices' size along ax, and
// result[..., i, ...] = a[..., indices[..., i, ...], ...]. Without an axis,
// both are flattened first. Negative indices count from the end; one out
// of range makes Eval return an *Error. It panics with *Error for
// non-integer indices, indices of another rank, a bad axis and shapes that
// do not broadcast.
func TakeAlongAxis(a *Array, indices *Array, opts ...Option) *Array {
	o := parseOptions("take_along_axis", optStream|optAxes, opts)
	checkArray("take_along_axis", a)
	idx := indexArray("take_along_axis", indices)
	a, idx, ax := alongAxisArgs("take_along_axis", a, idx, o)
	idxs, axes := alongAxis("take_along_axis", a, idx, ax, o.stream)
	g := gather("take_along_axis", a, idxs, axes, slices.Repeat([]int{1}, a.Ndim()), o.stream)
	return reshape(g, g.shape[:a.Ndim()], o.stream)
}

// PutAlongAxis returns a copy of a with values written at indices along
// Axis(ax), as NumPy's put_along_axis: the element at position p of the
// indices (broadcast against a along the other axes, as in
// TakeAlongAxis) is replaced by values broadcast to that shape, converted
// to a's dtype. Without an axis, both are flattened first (the result then
// has a's shape). Where positions repeat, one of the values wins. It panics
// as TakeAlongAxis does, and when values do not broadcast.
func PutAlongAxis(a *Array, indices *Array, values any, opts ...Option) *Array {
	o := parseOptions("put_along_axis", optStream|optAxes, opts)
	checkArray("put_along_axis", a)
	idx := indexArray("put_along_axis", indices)
	shape := a.shape
	a, idx, ax := alongAxisArgs("put_along_axis", a, idx, o)
	idxs, axes := alongAxis("put_along_axis", a, idx, ax, o.stream)
	shapes := make([][]int, len(idxs))
	for i, x := range idxs {
		shapes[i] = x.shape
	}
	ishape := broadcastShapes("put_along_axis", shapes...)
	v := asArray("put_along_axis", values)
	if !broadcastsTo(v.shape, ishape) {
		panic(newError("put_along_axis", "values of shape %s do not broadcast to the indices' shape %s",
			shapeString(v.shape), shapeString(ishape)))
	}
	v = BroadcastTo(asType(v, a.dtype, o.stream), ishape, o.stream)
	v = reshape(v, append(slices.Clone(ishape), slices.Repeat([]int{1}, a.Ndim())...), o.stream)
	return reshape(scatter("put_along_axis", core.ScatterNone, a, idxs, v, axes, o.stream), shape, o.stream)
}

// maskCountPrim counts, at each element of a bool mask, the true elements
// before it within its row of inner elements (row-major order).
type maskCountPrim struct{ inner int }

func (maskCountPrim) Name() string { return "MaskCount" }

func (p maskCountPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.GatherKernels]("masked_scatter", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.MaskCount(in[0].view(), p.inner, out[0].view())
}

// MaskedScatter returns a copy of a with the elements where mask is true
// replaced, in row-major order, by consecutive elements of src (flattened,
// converted to a's dtype), as MLX's masked_scatter: the i-th true element
// of mask gets src's i-th element. mask is a bool array that broadcasts to
// a's shape. src must have at least as many elements as mask has true
// elements; otherwise Eval returns an *Error. It panics with *Error when
// mask is not bool or does not broadcast to a.
func MaskedScatter(a *Array, mask *Array, src any, opts ...Option) *Array {
	const op = "masked_scatter"
	o := parseOptions(op, optStream, opts)
	checkArray(op, a)
	checkArray(op, mask)
	if mask.dtype != Bool {
		panic(newError(op, "mask must be bool, not %v", mask.dtype))
	}
	if !broadcastsTo(mask.shape, a.shape) {
		panic(newError(op, "mask of shape %s does not broadcast to the array's shape %s",
			shapeString(mask.shape), shapeString(a.shape)))
	}
	s := o.stream
	x := asType(asArray(op, src), a.dtype, s)
	m := BroadcastTo(mask, a.shape, s)
	rank := newArray(maskCountPrim{inner: max(a.Size(), 1)}, s, []*Array{m}, a.shape, Int32)
	flat := reshape(x, []int{x.Size()}, s)
	pos := Where(m, rank, 0, s)
	if x.Size() == 0 {
		// Nothing to read: any true element is an error, which a gather
		// from one element at position one reports.
		flat = Zeros([]int{1}, a.dtype, s)
		pos = Where(m, 1, 0, s)
	}
	g := gather(op, flat, []*Array{pos}, []int{0}, []int{1}, s)
	return Where(m, reshape(g, a.shape, s), a, s)
}
