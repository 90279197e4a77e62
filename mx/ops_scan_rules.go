package mx

import "github.com/mlxgo/mlxgo/internal/core"

// Transform rules of the scans.
//
// The rules are written for a forward inclusive scan; the other forms
// reduce to it. A reversed scan is the forward scan of the flipped line,
// flipped back. An exclusive scan is the inclusive one shifted by one
// place, its first output a constant: its tangent is the inclusive
// tangent shifted the same way (zero first), and its cotangent is the
// inclusive rule applied to the cotangent shifted back (zero last).
//
// For a forward inclusive scan y of x along the axis:
//
//	Cumsum        tangent cumsum(t); cotangent reverse cumsum(g)
//	Cumprod       before the line's first zero, y cumsum(t / x) and
//	              reverse cumsum(g y) / x; at the first zero, the same sums
//	              with the scan of x in which that zero is 1; after it,
//	              the tangent is t at the zero times that scan, and the
//	              cotangent 0 (every product there has the zero as factor)
//	Cummax/min    each output is owned by one input element, the latest
//	              one equal to it (as MLX): the tangent gathers t at the
//	              owners, the cotangent adds g at them
//	Logcumsumexp  the softmax of the prefix: tangent sum_j t_j exp(x_j - y_i),
//	              cotangent sum_i g_i exp(x_j - y_i), both computed as
//	              log-cum-sum-exps of log|t| or log|g| split by sign, so
//	              that nothing overflows
//
// The vmap rule scans the batched input along the axis moved past the
// batch axis, which stays where it is.

// along returns the options of p's axis on stream s.
func (p scanPrim) along(s Stream) []Option { return []Option{Axis(p.axis), s} }

// forward turns x into the line order of a forward scan.
func (p scanPrim) forward(x *Array, s Stream) *Array {
	if p.reverse {
		return Flip(x, Axis(p.axis), s)
	}
	return x
}

// shift moves x along the axis by one place: towards the end (right) with
// a zero first, or towards the start with a zero last.
func (p scanPrim) shift(x *Array, right bool, s Stream) *Array {
	n := x.shape[p.axis]
	if n == 0 {
		return x
	}
	zshape := append([]int(nil), x.shape...)
	zshape[p.axis] = 1
	z := Zeros(zshape, x.dtype, s)
	if right {
		return Concatenate([]*Array{z, sliceAxis(x, p.axis, S(0, n-1), s)}, Axis(p.axis), s)
	}
	return Concatenate([]*Array{sliceAxis(x, p.axis, S(1, n), s), z}, Axis(p.axis), s)
}

func (p scanPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	x, g := p.forward(in[0], s), p.forward(cot[0], s)
	if !p.inclusive {
		g = p.shift(g, false, s)
	}
	var y *Array
	if p.inclusive && !p.reverse {
		y = out[0]
	} else if p.op != core.ScanSum {
		y = newArray(scanPrim{op: p.op, axis: p.axis, inclusive: true}, s, []*Array{x}, x.shape, out[0].dtype)
	}
	r := p.vjpForward(x, y, g, s)
	return []*Array{p.forward(r, s)}
}

func (p scanPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	x, t := p.forward(in[0], s), p.forward(tan[0], s)
	var y *Array
	if p.inclusive && !p.reverse {
		y = out[0]
	} else if p.op != core.ScanSum {
		y = newArray(scanPrim{op: p.op, axis: p.axis, inclusive: true}, s, []*Array{x}, x.shape, out[0].dtype)
	}
	r := p.jvpForward(x, y, t, s)
	if !p.inclusive {
		r = p.shift(r, true, s)
	}
	if r.dtype != out[0].dtype {
		r = AsType(r, out[0].dtype, s)
	}
	return []*Array{p.forward(r, s)}
}

// prodParts returns, for a forward product scan of x: the mask of the
// elements before the first zero of their line, the mask of that first
// zero, and the scan of x with that zero replaced by one.
func (p scanPrim) prodParts(x *Array, s Stream) (before, first, withOne *Array) {
	zero := Equal(x, 0, s)
	count := Cumsum(AsType(zero, Int32, s), Axis(p.axis), s)
	before = Equal(count, 0, s)
	first = LogicalAnd(zero, Equal(count, 1, s), s)
	withOne = Cumprod(Where(first, 1, x, s), Axis(p.axis), s)
	return before, first, withOne
}

// prodVJP is the cotangent rule of the forward inclusive product scan y of
// x. After the first zero of a line the cotangent is 0, which deep writes
// as x at that zero times the cotangent of the scan with the zero made one
// (not deep: 0), so that its derivative with respect to that zero, which
// second derivatives need, is right.
func (p scanPrim) prodVJP(x, y, g *Array, deep bool, s Stream) *Array {
	rev := []Option{Axis(p.axis), Reverse, s}
	before, first, withOne := p.prodParts(x, s)
	safe := Where(before, x, 1, s)
	head := Divide(Cumsum(Multiply(g, conjIf(y, s), s), rev...), conjIf(safe, s), s)
	atZero := Cumsum(Multiply(g, conjIf(withOne, s), s), rev...)
	var after any = 0
	if deep {
		xz := Sum(Where(first, x, 0, s), Axis(p.axis), KeepDims, s)
		after = Multiply(conjIf(xz, s), p.prodVJP(Where(first, 1, x, s), withOne, g, false, s), s)
	}
	return Where(before, head, Where(first, atZero, after, s), s)
}

// prodJVP is the tangent rule of the forward inclusive product scan y of
// x; deep adds, as prodVJP does, the term that is zero but whose
// derivative with respect to the line's first zero is not.
func (p scanPrim) prodJVP(x, y, t *Array, deep bool, s Stream) *Array {
	before, first, withOne := p.prodParts(x, s)
	head := Multiply(y, Cumsum(Divide(t, Where(Equal(x, 0, s), 1, x, s), s), Axis(p.axis), s), s)
	rest := Multiply(Sum(Where(first, t, 0, s), Axis(p.axis), KeepDims, s), withOne, s)
	if deep {
		xz := Sum(Where(first, x, 0, s), Axis(p.axis), KeepDims, s)
		inner := p.prodJVP(Where(first, 1, x, s), withOne, Where(first, 0, t, s), false, s)
		rest = Add(rest, Multiply(xz, inner, s), s)
	}
	return Where(before, head, rest, s)
}

// vjpForward is the cotangent rule of the forward inclusive scan y of x.
func (p scanPrim) vjpForward(x, y, g *Array, s Stream) *Array {
	ax := p.along(s)
	rev := append([]Option{Reverse}, ax...)
	switch p.op {
	case core.ScanSum:
		return Cumsum(g, rev...)
	case core.ScanProd:
		return p.prodVJP(x, y, g, true, s)
	case core.ScanMax, core.ScanMin:
		return scatterAddAlong(g, p.owners(x, y, s), p.axis, x.shape[p.axis], s)
	case core.ScanLogAddExp:
		return Subtract(p.lcseWeighted(x, y, g, true, true, s), p.lcseWeighted(x, y, g, false, true, s), s)
	}
	panic("unreachable")
}

// jvpForward is the tangent rule of the forward inclusive scan y of x.
func (p scanPrim) jvpForward(x, y, t *Array, s Stream) *Array {
	ax := p.along(s)
	switch p.op {
	case core.ScanSum:
		return Cumsum(t, ax...)
	case core.ScanProd:
		return p.prodJVP(x, y, t, true, s)
	case core.ScanMax, core.ScanMin:
		return takeAlong(t, p.owners(x, y, s), p.axis, s)
	case core.ScanLogAddExp:
		return Subtract(p.lcseWeighted(x, y, t, true, false, s), p.lcseWeighted(x, y, t, false, false, s), s)
	}
	panic("unreachable")
}

// owners returns, for the forward inclusive running maximum or minimum y
// of x, the position (uint32) of the element that gives each output: the
// latest one equal to it (or NaN, once a NaN is met).
func (p scanPrim) owners(x, y *Array, s Stream) *Array {
	n := x.shape[p.axis]
	shape := make([]int, x.Ndim())
	for i := range shape {
		shape[i] = 1
	}
	shape[p.axis] = n
	iota := Reshape(Arange(n, Int32, s), shape, s)
	hit := Equal(x, y, s)
	if x.dtype.IsInexact() {
		hit = LogicalOr(hit, IsNaN(x, s), s)
	}
	return AsType(Cummax(Where(hit, iota, -1, s), Axis(p.axis), s), Uint32, s)
}

// lcseWeighted returns, for the positive (or negative) part w of v, the
// cotangent sum_i w_i exp(x_j - y_i) over i >= j (cot) or the tangent
// sum_j w_j exp(x_j - y_i) over j <= i, through log-cum-sum-exps.
func (p scanPrim) lcseWeighted(x, y, v *Array, positive, cot bool, s Stream) *Array {
	ax := p.along(s)
	var mask *Array
	if positive {
		mask = Greater(v, 0, s)
	} else {
		mask = Less(v, 0, s)
	}
	low := Finfo(y.dtype).Min
	logw := Where(mask, Log(Where(mask, Abs(v, s), 1, s), s), low, s)
	if cot {
		rev := append([]Option{Reverse}, ax...)
		return Exp(Add(Logcumsumexp(Subtract(logw, y, s), rev...), x, s), s)
	}
	return Exp(Subtract(Logcumsumexp(Add(logw, x, s), ax...), y, s), s)
}

func (p scanPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x, b := in[0], axes[0]
	if b < 0 {
		return []*Array{newArray(p, s, in, out[0].shape, out[0].dtype)}, []int{-1}
	}
	q := p
	q.axis = shiftAxes([]int{p.axis}, b)[0]
	return []*Array{newArray(q, s, []*Array{x}, x.shape, out[0].dtype)}, []int{b}
}
