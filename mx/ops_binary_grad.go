package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Transform rules of the binary family (binaryPrim, divmodPrim, selectPrim,
// closePrim). Elementwise rules broadcast: a cotangent of the output's shape
// is summed back to each input's shape (unbroadcast), and vmap lines the
// batch axes of the operands up at the front.

// unbroadcast sums g, of a shape that shape broadcasts to, back down to
// shape: over the leading axes broadcasting added and the axes of size one
// it repeated.
func unbroadcast(g *Array, shape []int, s Stream) *Array {
	lead := g.Ndim() - len(shape)
	var axes []int
	for i := range g.Ndim() {
		if i < lead || shape[i-lead] == 1 && g.shape[i] != 1 {
			axes = append(axes, i)
		}
	}
	if len(axes) > 0 {
		g = Sum(g, Axes(axes...), KeepDims, s)
	}
	if slices.Equal(g.shape, shape) {
		return g
	}
	return Reshape(g, shape, s)
}

// vmapAlign moves the batch axis of every batched input to the front and
// pads it with size-one axes so that all batched inputs have the rank of
// the widest input plus one; unbatched inputs are left alone and broadcast
// against the trailing axes. The batched result's batch axis is 0.
func vmapAlign(s Stream, in []*Array, axes []int) []*Array {
	rank := 0
	for i, x := range in {
		r := x.Ndim()
		if axes[i] >= 0 {
			r--
		}
		rank = max(rank, r)
	}
	out := make([]*Array, len(in))
	for i, x := range in {
		if axes[i] < 0 {
			out[i] = x
			continue
		}
		y := MoveAxis(x, axes[i], 0, s)
		if pad := rank - (x.Ndim() - 1); pad > 0 {
			shape := append([]int{y.shape[0]}, make([]int, pad)...)
			for j := 1; j <= pad; j++ {
				shape[j] = 1
			}
			y = Reshape(y, append(shape, y.shape[1:]...), s)
		}
		out[i] = y
	}
	return out
}

func (p binaryPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x := vmapAlign(s, in, axes)
	shape := broadcastShapes(p.name, x[0].shape, x[1].shape)
	return []*Array{newArray(p, s, x, shape, out[0].dtype)}, []int{0}
}

// unitPartial marks a derivative of 1 (Add) or -1 (Subtract's second operand):
// the rules pass the cotangent or tangent on instead of multiplying by it.
var unitPartial = &Array{}

// sign returns x, or -x for Subtract's second operand.
func (p binaryPrim) sign(x *Array, arg int, s Stream) *Array {
	if p.op == core.Subtract && arg == 1 {
		return Negative(x, s)
	}
	return x
}

// partials returns the derivative of the output with respect to each input
// listed in argnums, as arrays that broadcast against the output; nil means
// the derivative is zero, unitPartial that it is 1 (or -1, see sign).
func (p binaryPrim) partials(s Stream, in, out []*Array, argnums []int) []*Array {
	a, b, z := in[0], in[1], out[0]
	d := make([]*Array, len(argnums))
	for j, arg := range argnums {
		switch p.op {
		case core.Add, core.Subtract:
			d[j] = unitPartial // handled without a product by VJP and JVP
		case core.Multiply:
			d[j] = in[1-arg]
		case core.Divide:
			if arg == 0 {
				d[j] = Reciprocal(b, s)
			} else {
				d[j] = Negative(Divide(z, b, s), s)
			}
		case core.Power:
			if arg == 0 {
				// b * a^(b-1), written so that a = 0 with b = 1 gives 1.
				d[j] = Multiply(b, Power(a, Subtract(b, 1, s), s), s)
			} else {
				// log(a) * a^b, zero where a^b is zero (0^b for b > 0).
				d[j] = Where(Equal(z, 0, s), 0, Multiply(Log(a, s), z, s), s)
			}
		case core.Maximum:
			if arg == 0 {
				d[j] = AsType(GreaterEqual(a, b, s), z.dtype, s)
			} else {
				d[j] = AsType(Less(a, b, s), z.dtype, s)
			}
		case core.Minimum:
			if arg == 0 {
				d[j] = AsType(LessEqual(a, b, s), z.dtype, s)
			} else {
				d[j] = AsType(Greater(a, b, s), z.dtype, s)
			}
		case core.ArcTan2:
			den := Add(Square(a, s), Square(b, s), s)
			if arg == 0 {
				d[j] = Divide(b, den, s)
			} else {
				d[j] = Negative(Divide(a, den, s), s)
			}
		case core.LogAddExp:
			d[j] = Exp(Subtract(in[arg], z, s), s)
		case core.Remainder:
			if arg == 0 {
				d[j] = Scalar(1, z.dtype)
			} else {
				d[j] = Negative(FloorDivide(a, b, s), s)
			}
		default:
			// FloorDivide is piecewise constant; comparisons, logical and
			// bitwise ops have no derivative.
			d[j] = nil
		}
	}
	return d
}

func (p binaryPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	d := p.partials(s, in, out, argnums)
	g := make([]*Array, len(argnums))
	for j, arg := range argnums {
		x := in[arg]
		if d[j] == nil || !out[0].dtype.IsInexact() {
			g[j] = zerosLike(x, s)
			continue
		}
		if d[j] == unitPartial {
			g[j] = AsType(unbroadcast(p.sign(cot[0], arg, s), x.shape, s), x.dtype, s)
			continue
		}
		// Complex gradients are conjugated, as the other families' are
		// (the convention of PyTorch): g = cot * conj(d out / d x).
		if d[j].dtype.IsComplex() {
			d[j] = Conjugate(d[j], s)
		}
		g[j] = AsType(unbroadcast(Multiply(cot[0], d[j], s), x.shape, s), x.dtype, s)
	}
	return g
}

func (p binaryPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	d := p.partials(s, in, out, argnums)
	var sum *Array
	for j, arg := range argnums {
		switch d[j] {
		case nil:
		case unitPartial:
			sum = accumulate(sum, p.sign(tan[j], arg, s))
		default:
			sum = accumulate(sum, Multiply(tan[j], d[j], s))
		}
	}
	if sum == nil || !out[0].dtype.IsInexact() {
		return []*Array{zerosLike(out[0], s)}
	}
	return []*Array{BroadcastTo(AsType(sum, out[0].dtype, s), out[0].shape, s)}
}

func (divmodPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x := vmapAlign(s, in, axes)
	q, r := Divmod(x[0], x[1], s)
	return []*Array{q, r}, []int{0, 0}
}

// The quotient is piecewise constant; the remainder a - b*q moves with a
// and against b times q.
func (divmodPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	g := make([]*Array, len(argnums))
	for j, arg := range argnums {
		if arg == 0 {
			g[j] = unbroadcast(cot[1], in[0].shape, s)
		} else {
			g[j] = unbroadcast(Negative(Multiply(cot[1], out[0], s), s), in[1].shape, s)
		}
	}
	return g
}

func (divmodPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	var dr *Array
	for j, arg := range argnums {
		t := tan[j]
		if arg == 1 {
			t = Negative(Multiply(t, out[0], s), s)
		}
		dr = accumulate(dr, t)
	}
	return []*Array{zerosLike(out[0], s), BroadcastTo(dr, out[1].shape, s)}
}

func (selectPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x := vmapAlign(s, in, axes)
	return []*Array{Where(x[0], x[1], x[2], s)}, []int{0}
}

// The condition has no gradient; each branch gets the cotangent where it
// was chosen.
func (selectPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	g := make([]*Array, len(argnums))
	zero := zerosLike(cot[0], s)
	for j, arg := range argnums {
		switch arg {
		case 0:
			g[j] = zerosLike(in[0], s)
		case 1:
			g[j] = unbroadcast(Where(in[0], cot[0], zero, s), in[1].shape, s)
		case 2:
			g[j] = unbroadcast(Where(in[0], zero, cot[0], s), in[2].shape, s)
		}
	}
	return g
}

func (selectPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	t := [3]*Array{nil, zerosLike(in[1], s), zerosLike(in[2], s)}
	for j, arg := range argnums {
		t[arg] = tan[j]
	}
	return []*Array{BroadcastTo(Where(in[0], t[1], t[2], s), out[0].shape, s)}
}

func (p closePrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	x := vmapAlign(s, in, axes)
	if !p.all {
		shape := broadcastShapes(p.name, x[0].shape, x[1].shape)
		return []*Array{newArray(p, s, x, shape, Bool)}, []int{0}
	}
	// All-close over each example: compare elementwise, then reduce all
	// but the batch axis.
	ew := closePrim{tol: p.tol, name: p.name}
	shape := broadcastShapes(p.name, x[0].shape, x[1].shape)
	c := newArray(ew, s, x, shape, Bool)
	if len(shape) == 1 {
		return []*Array{c}, []int{0}
	}
	rest := make([]int, len(shape)-1)
	for i := range rest {
		rest[i] = i + 1
	}
	return []*Array{All(c, Axes(rest...), s)}, []int{0}
}

// IsClose and AllClose have a bool result, which carries no gradient: their
// inputs get zeros, as the comparisons' do.
func (closePrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	g := make([]*Array, len(argnums))
	for j, arg := range argnums {
		g[j] = zerosLike(in[arg], s)
	}
	return g
}

func (closePrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{zerosLike(out[0], s)}
}
