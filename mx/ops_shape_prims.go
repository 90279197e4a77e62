package mx

import "github.com/mlxgo/mlxgo/internal/core"

// The primitives of the shape ops in ops_shape.go. Their kernels copy
// between sub-views: a sub-view is a box of a view (a start index and a
// shape) with the view's strides.

// subView returns the box of v starting at index start with the given shape.
func subView(v core.View, start, shape []int) core.View {
	off := v.Offset
	for d, i := range start {
		off += i * v.Strides[d]
	}
	v.Shape, v.Offset = shape, off
	return v
}

// concatenatePrim joins its inputs along axis, converting them to the
// output's type as it copies: each input is copied into its box of the
// output.
type concatenatePrim struct{ axis int }

func (concatenatePrim) Name() string { return "Concatenate" }

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
		if err := k.Copy(a.view(), subView(dst, start, a.shape)); err != nil {
			return err
		}
		start[p.axis] += a.shape[p.axis]
	}
	return nil
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
// second input is a zero of the output's type. Leading axes of the input
// (from a vmap) are batch axes: each row along the last axis gives one
// matrix of the output.
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
	nd := len(dst.Shape)
	zero := in[1].view()
	zero.Shape, zero.Strides = dst.Shape, make([]int, nd)
	if err := k.Copy(zero, dst); err != nil {
		return err
	}
	n := dst.Shape[nd-1]
	if p.k >= 0 {
		dst.Offset += p.k
	} else {
		dst.Offset += -p.k * n
	}
	strides := slicesClone(dst.Strides[:nd-1])
	strides[nd-2] = n + 1
	dst.Shape, dst.Strides = in[0].shape, strides
	return k.Copy(in[0].view(), dst)
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

// Transform rules. The ops of this family are linear: a JVP applies the
// op to the tangents, a VJP applies its transpose to the cotangent (which
// gathers the elements of the output back to the input elements they were
// copied from, adding those copied more than once), and a Vmap applies the
// op with the batch axis kept out of the way.

// batchSize returns the size of the batch axis of the batched inputs.
func batchSize(in []*Array, axes []int) int {
	for i, ax := range axes {
		if ax >= 0 {
			return in[i].shape[ax]
		}
	}
	return 1
}

// batchFront returns x with its batch axis ax moved to the front, or,
// when x is not batched (ax < 0), broadcast along a new front axis of
// size b.
func batchFront(s Stream, x *Array, ax, b int) *Array {
	switch {
	case ax < 0:
		return BroadcastTo(ExpandDims(x, 0, s), append([]int{b}, x.shape...), s)
	case ax > 0:
		return MoveAxis(x, ax, 0, s)
	}
	return x
}

// insertAt returns a copy of xs with v inserted at position i.
func insertAt(xs []int, i, v int) []int {
	out := make([]int, 0, len(xs)+1)
	out = append(out, xs[:i]...)
	out = append(out, v)
	return append(out, xs[i:]...)
}

// VJP splits the cotangent into the inputs' parts.
func (p concatenatePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	starts := make([]int, 0, len(in)-1)
	at := 0
	for _, a := range in[:len(in)-1] {
		at += a.shape[p.axis]
		starts = append(starts, at)
	}
	parts := Split(cot[0], starts, Axis(p.axis), s)
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		res[j] = AsType(parts[i], in[i].dtype, s)
	}
	return res
}

// JVP joins the tangents, with zeros for the inputs that have none.
func (p concatenatePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	ts := make([]*Array, len(in))
	for i, a := range in {
		ts[i] = zerosLike(a, s)
	}
	for j, i := range argnums {
		ts[i] = tan[j]
	}
	return []*Array{newArray(p, s, ts, out[0].shape, out[0].dtype)}
}

// Vmap joins the inputs with their batch axes in front, those that are not
// batched broadcast along it.
func (p concatenatePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	b := batchSize(in, axes)
	xs := make([]*Array, len(in))
	for i, x := range in {
		xs[i] = batchFront(s, x, axes[i], b)
	}
	q := concatenatePrim{axis: p.axis + 1}
	return []*Array{newArray(q, s, xs, insertAt(out[0].shape, 0, b), out[0].dtype)}, []int{0}
}

// VJP gives the input the cotangent of the elements copied from it (and
// the constant, in the constant mode, that of the border).
func (p padPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		if i == 0 {
			res[j] = AsType(p.inputCotangent(s, cot[0], in[0].shape), in[0].dtype, s)
		} else {
			res[j] = p.valueCotangent(s, cot[0], in[0].shape, in[1])
		}
	}
	return res
}

// inputCotangent returns the cotangent of the padded array: its part of
// c in the constant mode; in the others, every element of c added to the
// input element it copies, one axis at a time (the modes pad each axis in
// turn, so their transposes fold each axis in turn).
func (p padPrim) inputCotangent(s Stream, c *Array, shape []int) *Array {
	if p.mode == padConstant {
		idx := make([]any, 0, len(shape)+1)
		for d, n := range shape {
			idx = append(idx, S(p.lo[d], p.lo[d]+n))
		}
		return Index(c, append(idx, s)...)
	}
	for d, n := range shape {
		c = p.foldAxis(s, c, d, n)
	}
	return c
}

// foldAxis folds the pads along axis d of c, of length lo+n+hi along it,
// back onto the n elements they copy.
func (p padPrim) foldAxis(s Stream, c *Array, d, n int) *Array {
	lo, hi := p.lo[d], p.hi[d]
	if lo+hi == 0 {
		return c
	}
	mode := p.mode
	if mode == padReflect && n == 1 {
		mode = padEdge
	}
	if mode == padEdge {
		// The pads repeat the first and the last element.
		g := axisRange(c, d, lo, lo+n, s)
		if lo > 0 {
			e := Sum(axisRange(c, d, 0, lo, s), Axis(d), KeepDims, s)
			g = Add(g, padAxis(e, d, 0, n-1, s), s)
		}
		if hi > 0 {
			e := Sum(axisRange(c, d, lo+n, lo+n+hi, s), Axis(d), KeepDims, s)
			g = Add(g, padAxis(e, d, n-1, 0, s), s)
		}
		return g
	}
	// Reflect and symmetric pads are periodic: position p (counted from
	// the first input element) copies element m = p mod period when
	// m < n, else the mirror image of m. c is extended with zeros to
	// whole periods on both sides of the input, and the periods summed;
	// then the second half of the period is folded onto the first.
	period := 2 * (n - 1)
	if mode == padSymmetric {
		period = 2 * n
	}
	before := (lo + period - 1) / period * period
	after := (n + hi + period - 1) / period * period
	c = padAxis(c, d, before-lo, after-n-hi, s)
	if k := (before + after) / period; k > 1 {
		shape := slicesClone(c.shape)
		shape = append(append(shape[:d:d], k, period), c.shape[d+1:]...)
		c = Sum(Reshape(c, shape, s), Axis(d), s)
	}
	head := axisRange(c, d, 0, n, s)
	if period == n {
		return head // reflect with n = 2: no element is mirrored twice
	}
	tail := Flip(axisRange(c, d, n, period, s), Axis(d), s)
	if mode == padReflect {
		// Positions n ... 2n-3 mirror to n-2 ... 1.
		tail = padAxis(tail, d, 1, 1, s)
	}
	return Add(head, tail, s)
}

// axisRange returns the elements [start, stop) of a along axis d.
func axisRange(a *Array, d, start, stop int, s Stream) *Array {
	idx := make([]any, d, d+3)
	for i := range idx {
		idx[i] = Colon
	}
	return Index(a, append(idx, S(start, stop), Ellipsis, s)...)
}

// padAxis pads a with zeros along axis d.
func padAxis(a *Array, d, lo, hi int, s Stream) *Array {
	w := make([][2]int, a.Ndim())
	w[d] = [2]int{lo, hi}
	return Pad(a, w, s)
}

// valueCotangent returns the cotangent of Pad's constant: the sum of c
// over the border, taken as 2*ndim disjoint boxes (those of Eval).
func (p padPrim) valueCotangent(s Stream, c *Array, shape []int, value *Array) *Array {
	nd := len(shape)
	var sum *Array
	for d := range nd {
		for _, r := range [][2]int{{0, p.lo[d]}, {p.lo[d] + shape[d], c.shape[d]}} {
			if r[0] == r[1] {
				continue
			}
			idx := make([]any, 0, nd+1)
			for e := range nd {
				switch {
				case e < d:
					idx = append(idx, S(p.lo[e], p.lo[e]+shape[e]))
				case e == d:
					idx = append(idx, S(r[0], r[1]))
				default:
					idx = append(idx, Colon)
				}
			}
			box := Sum(Index(c, append(idx, s)...), s)
			if sum == nil {
				sum = box
			} else {
				sum = Add(sum, box, s)
			}
		}
	}
	if sum == nil {
		return zerosLike(value, s)
	}
	return AsType(Reshape(sum, value.shape, s), value.dtype, s)
}

// JVP pads the tangent of the array with the tangent of the constant.
func (p padPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	ts := []*Array{zerosLike(in[0], s)}
	if len(in) > 1 {
		ts = append(ts, weakScalar("pad", 0).array(in[0].dtype))
	}
	for j, i := range argnums {
		ts[i] = tan[j]
	}
	return []*Array{newArray(p, s, ts, out[0].shape, out[0].dtype)}
}

// Vmap pads the batched array with no pad along the batch axis. A batched
// constant (one per element of the batch) is broadcast along each padded
// axis in turn and joined to the array.
func (p padPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, ax := in[0], axes[0]
	if len(in) == 1 || axes[1] < 0 {
		q := padPrim{lo: insertAt(p.lo, ax, 0), hi: insertAt(p.hi, ax, 0), mode: p.mode}
		shape := insertAt(out[0].shape, ax, x.shape[ax])
		return []*Array{newArray(q, s, append([]*Array{x}, in[1:]...), shape, out[0].dtype)}, []int{ax}
	}
	b := in[1].Size()
	cur := batchFront(s, x, ax, b)
	ones := make([]int, cur.Ndim())
	for i := range ones {
		ones[i] = 1
	}
	ones[0] = b
	v := Reshape(AsType(in[1], out[0].dtype, s), ones, s)
	for d := range p.lo {
		var parts []*Array
		for i, w := range []int{p.lo[d], -1, p.hi[d]} {
			switch {
			case i == 1:
				parts = append(parts, cur)
			case w > 0:
				sh := slicesClone(cur.shape)
				sh[d+1] = w
				parts = append(parts, BroadcastTo(v, sh, s))
			}
		}
		cur = Concatenate(parts, Axis(d+1), s)
	}
	return []*Array{cur}, []int{0}
}

// inverse returns the roll that undoes p on an array of shape.
func (p rollPrim) inverse(shape []int) rollPrim {
	if p.flat >= 0 {
		return rollPrim{flat: reduceShift(-p.flat, shapeSize(shape))}
	}
	q := rollPrim{shifts: make([]int, len(p.shifts)), flat: -1}
	for d, sh := range p.shifts {
		q.shifts[d] = reduceShift(-sh, shape[d])
	}
	return q
}

// VJP rolls the cotangent back.
func (p rollPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	c := cot[0]
	return []*Array{newArray(p.inverse(c.shape), s, []*Array{c}, c.shape, c.dtype)}
}

// JVP rolls the tangent.
func (p rollPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	t := tan[0]
	return []*Array{newArray(p, s, []*Array{t}, t.shape, t.dtype)}
}

// Vmap rolls the batched array by nothing along the batch axis; a roll of
// the flattened array rolls each flattened element of the batch.
func (p rollPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, ax := in[0], axes[0]
	if p.flat < 0 {
		q := rollPrim{shifts: insertAt(p.shifts, ax, 0), flat: -1}
		return []*Array{newArray(q, s, []*Array{x}, x.shape, x.dtype)}, axes
	}
	x = batchFront(s, x, ax, 0)
	flat := Reshape(x, []int{x.shape[0], out[0].Size()}, s)
	q := rollPrim{shifts: []int{0, p.flat}, flat: -1}
	rolled := newArray(q, s, []*Array{flat}, flat.shape, flat.dtype)
	return []*Array{Reshape(rolled, x.shape, s)}, []int{0}
}

// VJP takes the diagonal of the cotangent. The second input, a zero made
// by Diag, is a constant.
func (p diagPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		if i == 0 {
			res[j] = Diagonal(cot[0], p.k, Axes(-2, -1), s)
		} else {
			res[j] = zerosLike(in[i], s)
		}
	}
	return res
}

// JVP puts the tangent on the diagonal.
func (p diagPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	t := zerosLike(in[0], s)
	for j, i := range argnums {
		if i == 0 {
			t = tan[j]
		}
	}
	return []*Array{newArray(p, s, []*Array{t, in[1]}, out[0].shape, out[0].dtype)}
}

// Vmap builds one matrix per element of the batch, moved to the front.
func (p diagPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x := batchFront(s, in[0], axes[0], 0)
	m := out[0].shape[out[0].Ndim()-1]
	shape := append(slicesClone(x.shape[:x.Ndim()-1]), m, m)
	return []*Array{newArray(p, s, []*Array{x, in[1]}, shape, out[0].dtype)}, []int{0}
}

// VJP keeps the same triangle of the cotangent.
func (p trianglePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	c := cot[0]
	return []*Array{newArray(p, s, []*Array{c}, c.shape, c.dtype)}
}

// JVP keeps the same triangle of the tangent.
func (p trianglePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	t := tan[0]
	return []*Array{newArray(p, s, []*Array{t}, t.shape, t.dtype)}
}

// Vmap masks the matrices of the last two axes, with the batch axis moved
// to the front when it is one of them.
func (p trianglePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, ax := in[0], axes[0]
	if ax >= x.Ndim()-2 {
		x, ax = MoveAxis(x, ax, 0, s), 0
	}
	return []*Array{newArray(p, s, []*Array{x}, x.shape, x.dtype)}, []int{ax}
}
