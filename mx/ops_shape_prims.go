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
