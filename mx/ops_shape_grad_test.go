package mx

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Gradient and vmap rows of the shape family, and tests of its rules that
// the tables do not cover: exact cotangents of the pad modes, composed
// transforms.

// missingRules lists the primitives among prims that lack a VJP, JVP or
// vmap rule.
func missingRules(prims ...Primitive) []string {
	var names []string
	for _, p := range prims {
		_, vjp := p.(VJPRule)
		_, jvp := p.(JVPRule)
		_, vmap := p.(VmapRule)
		if !vjp || !jvp || !vmap {
			names = append(names, p.Name())
		}
	}
	return names
}

// shapeComposites are the rows of the ops built from other families' ops,
// with the primitives they are made of: they enter the table once those
// have rules.
var shapeComposites []struct {
	row   gradCase
	prims []Primitive
}

func addShapeComposite(row gradCase, prims ...Primitive) {
	shapeComposites = append(shapeComposites, struct {
		row   gradCase
		prims []Primitive
	}{row, prims})
	if len(missingRules(prims...)) == 0 {
		addGradCases(row)
	}
}

func init() {
	r := rand.New(rand.NewPCG(11, 12))
	rnd := func(shape ...int) *Array { return randArray(r, -1, 1, shape...) }
	row := func(name string, f func(in []*Array) *Array, in []*Array, axes ...int) gradCase {
		c := gradCase{name: name, f: f, in: in}
		if len(axes) > 0 {
			c.inAxes = axes
		}
		return c
	}

	// Concatenate.
	addGradCases(
		row("concatenate/two axis 0", func(in []*Array) *Array { return Concatenate(in) },
			[]*Array{rnd(2, 3), rnd(1, 3)}),
		row("concatenate/three axis -1 one unmapped", func(in []*Array) *Array {
			return Concatenate(in, Axis(-1))
		}, []*Array{rnd(2, 1), rnd(2, 3), rnd(2, 2)}, 1, NoAxis, -1),
		row("concatenate/same array twice axis 1", func(in []*Array) *Array {
			return Concatenate([]*Array{in[0], in[0]}, Axis(1))
		}, []*Array{rnd(2, 2)}, -1),
		row("concatenate/with int32 axis 0", func(in []*Array) *Array {
			return Concatenate(in)
		}, []*Array{rnd(2, 2), NewArray([]int32{4, -5}, 1, 2)}, 1, 0),
		row("concatenate/empty part 3-d axis 1", func(in []*Array) *Array {
			return Concatenate(in, Axis(1))
		}, []*Array{rnd(2, 0, 2), rnd(2, 2, 2)}, 2, NoAxis),
	)

	// Pad, every mode; reflect and symmetric with widths beyond the axis,
	// including axes of length one and two.
	padRow := func(name string, shape []int, widths any, mode Option, axis int) gradCase {
		return row("pad/"+name, func(in []*Array) *Array { return Pad(in[0], widths, mode) },
			[]*Array{rnd(shape...)}, axis)
	}
	wide := [][2]int{{7, 5}, {4, 9}}
	addGradCases(
		padRow("constant zeros", []int{2, 3}, [][2]int{{1, 2}, {0, 3}}, PadConstant(0), 1),
		padRow("constant 1-d", []int{3}, [2]int{2, 0}, PadConstant(2.5), -1),
		padRow("edge", []int{2, 3}, [][2]int{{2, 1}, {3, 0}}, PadEdge, 0),
		padRow("edge wide one element", []int{1, 2}, 4, PadEdge, 2),
		padRow("reflect", []int{3, 4}, [][2]int{{2, 1}, {3, 2}}, PadReflect, 1),
		padRow("reflect wide", []int{3, 2}, wide, PadReflect, -1),
		padRow("reflect wide axis of one", []int{1, 4}, wide, PadReflect, 0),
		padRow("reflect wide 1-d", []int{4}, [2]int{11, 8}, PadReflect, 0),
		padRow("symmetric", []int{3, 4}, [][2]int{{2, 1}, {3, 4}}, PadSymmetric, 2),
		padRow("symmetric wide", []int{3, 2}, wide, PadSymmetric, 1),
		padRow("symmetric wide axis of one", []int{1, 3}, wide, PadSymmetric, -1),
		padRow("symmetric 3-d one axis", []int{2, 2, 2}, [][2]int{{0, 0}, {5, 0}, {0, 0}}, PadSymmetric, 3),
	)
	// Pad's constant as a traced array, mapped or not.
	padValue := func(in []*Array) *Array { return Pad(in[0], [][2]int{{1, 0}, {2, 1}}, PadConstant(in[1])) }
	addGradCases(
		row("pad/constant traced value", padValue, []*Array{rnd(2, 2), Scalar(0.5, Float64)}, 0, NoAxis),
		row("pad/constant traced value mapped", padValue, []*Array{rnd(2, 2), NewArray([]float64{-1.5}, 1, 1)}, -1, 1),
		row("pad/constant traced value only mapped", padValue, []*Array{rnd(2, 3), Scalar(0.25, Float64)}, NoAxis, 0),
	)

	// Roll.
	addGradCases(
		row("roll/axis 1", func(in []*Array) *Array { return Roll(in[0], 2, Axis(1)) }, []*Array{rnd(2, 3)}),
		row("roll/axes -1 0 negative shifts", func(in []*Array) *Array {
			return Roll(in[0], []int{-1, 3}, Axes(-1, 0))
		}, []*Array{rnd(2, 3)}, 2),
		row("roll/flat", func(in []*Array) *Array { return Roll(in[0], 4) }, []*Array{rnd(2, 3)}, 1),
		row("roll/flat 1-d", func(in []*Array) *Array { return Roll(in[0], -2) }, []*Array{rnd(5)}, -1),
	)

	// Diag of a vector.
	for _, k := range []int{0, 2, -1} {
		k := k
		addGradCases(row(fmt.Sprintf("diag/vector k %d", k), func(in []*Array) *Array { return Diag(in[0], k) },
			[]*Array{rnd(3)}, []int{0, -1, 1}[(k%3+3)%3]))
	}

	// Tril and Triu, on matrices and stacks of them.
	for _, tc := range []struct {
		name  string
		f     func(*Array, int, ...Option) *Array
		k     int
		shape []int
		axis  int
	}{
		{"tril/k 0", Tril, 0, []int{3, 4}, 0},
		{"tril/k -1 batch axis last", Tril, -1, []int{3, 3}, -1},
		{"tril/k 2 3-d", Tril, 2, []int{2, 3, 4}, 1},
		{"triu/k 0", Triu, 0, []int{4, 3}, 1},
		{"triu/k 1 3-d batch axis 0", Triu, 1, []int{2, 3, 3}, 0},
		{"triu/k -2 batch axis 2", Triu, -2, []int{3, 4}, 2},
	} {
		tc := tc
		addGradCases(row(tc.name, func(in []*Array) *Array { return tc.f(in[0], tc.k) },
			[]*Array{rnd(tc.shape...)}, tc.axis))
	}

	// The composites: Stack, Tile, Repeat and Trace, and Diag of a matrix,
	// are made of view and reduction primitives.
	addShapeComposite(row("stack/axis 1", func(in []*Array) *Array { return Stack(in, Axis(1)) },
		[]*Array{rnd(2, 3), rnd(2, 3)}, 0, NoAxis), expandDimsPrim{}, concatenatePrim{})
	addShapeComposite(row("stack/axis -1", func(in []*Array) *Array { return Stack(in, Axis(-1)) },
		[]*Array{rnd(3), rnd(3), rnd(3)}, 0, 1, -1), expandDimsPrim{}, concatenatePrim{})
	addShapeComposite(row("tile/reps 2 3", func(in []*Array) *Array { return Tile(in[0], []int{2, 3}) },
		[]*Array{rnd(2, 2)}, 1), reshapePrim{}, broadcastPrim{})
	addShapeComposite(row("tile/longer reps", func(in []*Array) *Array { return Tile(in[0], []int{2, 1, 2}) },
		[]*Array{rnd(3)}, -1), reshapePrim{}, broadcastPrim{})
	addShapeComposite(row("repeat/axis -1", func(in []*Array) *Array { return Repeat(in[0], 3, Axis(-1)) },
		[]*Array{rnd(2, 2)}, 0), reshapePrim{}, broadcastPrim{}, expandDimsPrim{})
	addShapeComposite(row("repeat/flat", func(in []*Array) *Array { return Repeat(in[0], 2) },
		[]*Array{rnd(2, 3)}, 2), reshapePrim{}, broadcastPrim{}, expandDimsPrim{})
	addShapeComposite(row("trace/offset 1", func(in []*Array) *Array { return Trace(in[0], 1) },
		[]*Array{rnd(3, 4)}, 1), diagonalViewPrim{}, reducePrim{})
	addShapeComposite(row("trace/axes -1 0 offset -1", func(in []*Array) *Array {
		return Trace(in[0], -1, Axes(-1, 0))
	}, []*Array{rnd(3, 2, 3)}, 2), diagonalViewPrim{}, reducePrim{})
	addShapeComposite(row("diag/matrix k 1", func(in []*Array) *Array { return Diag(in[0], 1) },
		[]*Array{rnd(3, 4)}, -1), diagonalViewPrim{}, contiguousPrim{})

	// Second order: the gradient of sum(f(x)^2) is 2 f^T f x, made of the
	// rules of f; its derivatives and vmap use the rules of those rules.
	sq := func(f func(*Array) *Array) func(in []*Array) *Array {
		return func(in []*Array) *Array {
			return Grad(func(x *Array) *Array { return Sum(Square(f(x))) })(in[0])
		}
	}
	outer := []Primitive{unaryPrim{}, reducePrim{}, binaryPrim{}, broadcastPrim{}, reshapePrim{},
		slicePrim{}, transposePrim{}, expandDimsPrim{}, splitPrim{}, diagonalViewPrim{}}
	for _, c := range []struct {
		name string
		f    func(*Array) *Array
		x    *Array
		axis int
	}{
		{"concatenate/second order", func(a *Array) *Array { return Concatenate([]*Array{a, Sin(a)}, Axis(-1)) }, rnd(2, 2), -1},
		{"pad/second order constant", func(a *Array) *Array { return Pad(a, [2]int{1, 2}) }, rnd(2, 2), 1},
		{"pad/second order edge", func(a *Array) *Array { return Pad(a, 2, PadEdge) }, rnd(2, 3), 0},
		{"pad/second order reflect", func(a *Array) *Array { return Pad(a, [2]int{5, 3}, PadReflect) }, rnd(3, 2), 2},
		{"pad/second order symmetric", func(a *Array) *Array { return Pad(a, [2]int{1, 4}, PadSymmetric) }, rnd(2, 3), -1},
		{"roll/second order flat", func(a *Array) *Array { return Roll(a, 4) }, rnd(2, 3), 1},
		{"tril/second order", func(a *Array) *Array { return Tril(Exp(a), -1) }, rnd(3, 3), 0},
		{"diag/second order", func(a *Array) *Array { return Diag(a, 1) }, rnd(3), 1},
	} {
		addShapeComposite(row(c.name, sq(c.f), []*Array{c.x}, c.axis), outer...)
	}
}

// TestShapeCompositeRows reports the composite rows left out of the
// gradient table because a primitive they are made of has no rules yet.
func TestShapeCompositeRows(t *testing.T) {
	var left []string
	for _, c := range shapeComposites {
		if m := missingRules(c.prims...); len(m) > 0 {
			left = append(left, fmt.Sprintf("%s (%s)", c.row.name, strings.Join(m, ", ")))
		}
	}
	if len(left) > 0 {
		t.Skipf("rows left out until their primitives have rules: %s", strings.Join(left, "; "))
	}
}

// TestPadVJPExact checks the cotangents of Pad against the fold of the
// cotangent computed on the host through padIndex, for many lengths and
// widths (integer-valued cotangents, so the sums are exact), in float64,
// float32 and complex64.
func TestPadVJPExact(t *testing.T) {
	widths := []int{0, 1, 2, 3, 5, 8, 13}
	for _, mode := range []string{"constant", "edge", "reflect", "symmetric"} {
		opt := map[string]Option{"constant": PadConstant(0), "edge": PadEdge,
			"reflect": PadReflect, "symmetric": PadSymmetric}[mode]
		for n := 1; n <= 5; n++ {
			for _, lo := range widths {
				for _, hi := range widths {
					dt := []Dtype{Float64, Float32, Complex64}[(n+lo+hi)%3]
					// Axis 0 is padded, axis 1 (of length 2) is not.
					x := AsType(NewArray(make([]float64, 2*n), n, 2), dt)
					w := [][2]int{{lo, hi}, {0, 0}}
					m := lo + n + hi
					c := make([]float64, 2*m)
					want := make([]float64, 2*n)
					for i := range m {
						for j := range 2 {
							c[2*i+j] = float64((i*5+j*3)%7 - 3)
							if src := padIndex(mode, i, lo, n); src >= 0 {
								want[2*src+j] += c[2*i+j]
							}
						}
					}
					f := func(in []*Array) []*Array { return []*Array{Pad(in[0], w, opt)} }
					_, vjps := VJP(f, []*Array{x}, []*Array{AsType(NewArray(c, m, 2), dt)})
					name := fmt.Sprintf("%s n %d widths (%d, %d) %v", mode, n, lo, hi, dt)
					if vjps[0].Dtype() != dt {
						t.Errorf("%s: cotangent of type %v", name, vjps[0].Dtype())
					}
					if msg := compareArrays(AsType(vjps[0], Float64), NewArray(want, n, 2), 0); msg != "" {
						t.Errorf("%s: %s", name, msg)
					}
				}
			}
		}
	}
	// The constant's cotangent is the sum of the border.
	x := NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	f := func(in []*Array) []*Array {
		return []*Array{Pad(in[0], [][2]int{{1, 2}, {0, 1}}, PadConstant(in[1]))}
	}
	c := make([]float64, 5*4)
	border := 0.0
	for i := range c {
		c[i] = float64(i%9 - 4)
		if r, col := i/4, i%4; r < 1 || r >= 3 || col >= 3 {
			border += c[i]
		}
	}
	value := NewArray([]float32{7}, 1, 1)
	_, vjps := VJP(f, []*Array{x, value}, []*Array{NewArray(c, 5, 4)})
	if msg := compareArrays(vjps[1], NewArray([]float32{float32(border)}, 1, 1), 0); msg != "" {
		t.Errorf("cotangent of the constant: %s", msg)
	}
}

// TestShapeRulesCompose checks transforms of the rules' results: the VJP
// of each op, as a function of the cotangent, is vectorised (against a
// loop) and differentiated (it is linear: its JVP along d is itself at d).
// The rules are made of the primitives listed; rows whose primitives lack
// rules are skipped.
func TestShapeRulesCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	view := []Primitive{slicePrim{}, reshapePrim{}}
	fold := append([]Primitive{reducePrim{}, binaryPrim{}, transposePrim{}}, view...)
	cases := []struct {
		name  string
		f     func(*Array) *Array
		x     *Array
		prims []Primitive
	}{
		{"roll/axes", func(a *Array) *Array { return Roll(a, []int{1, -1}, Axes(0, 1)) }, randArray(r, -1, 1, 2, 3), nil},
		{"roll/flat", func(a *Array) *Array { return Roll(a, 2) }, randArray(r, -1, 1, 2, 3), []Primitive{reshapePrim{}, transposePrim{}}},
		{"tril", func(a *Array) *Array { return Tril(a, 0) }, randArray(r, -1, 1, 3, 3), []Primitive{transposePrim{}}},
		{"triu", func(a *Array) *Array { return Triu(a, 1) }, randArray(r, -1, 1, 2, 3, 3), nil},
		{"diag", func(a *Array) *Array { return Diag(a, -1) }, randArray(r, -1, 1, 3), []Primitive{diagonalViewPrim{}}},
		{"concatenate", func(a *Array) *Array { return Concatenate([]*Array{a, a}, Axis(1)) }, randArray(r, -1, 1, 2, 2),
			[]Primitive{splitPrim{}, binaryPrim{}}},
		{"pad/constant", func(a *Array) *Array { return Pad(a, 1) }, randArray(r, -1, 1, 2, 2), view},
		{"pad/edge", func(a *Array) *Array { return Pad(a, 2, PadEdge) }, randArray(r, -1, 1, 2, 3), fold},
		{"pad/reflect", func(a *Array) *Array { return Pad(a, 5, PadReflect) }, randArray(r, -1, 1, 3, 2), fold},
		{"pad/symmetric", func(a *Array) *Array { return Pad(a, [2]int{4, 1}, PadSymmetric) }, randArray(r, -1, 1, 2, 3), fold},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m := missingRules(c.prims...); len(m) > 0 {
				t.Skipf("the rules are made of %s, which have no rules yet", strings.Join(m, ", "))
			}
			out := c.f(c.x)
			g := func(in []*Array) []*Array {
				_, v := VJP(func(p []*Array) []*Array { return []*Array{c.f(p[0])} }, []*Array{c.x}, in)
				return v
			}
			var cots []*Array
			var want []*Array
			for range 3 {
				ct := randArray(r, -1, 1, out.shape...)
				cots = append(cots, ct)
				want = append(want, g([]*Array{ct})[0])
			}
			got := Vmap(g, []int{-1}, nil)([]*Array{stackHost(cots, -1)})[0]
			if msg := compareArrays(got, stackHost(want, 0), 1e-12); msg != "" {
				t.Errorf("vmap of vjp: %s", msg)
			}
			_, jvps := JVP(g, cots[:1], cots[1:2])
			if msg := compareArrays(jvps[0], want[1], 1e-12); msg != "" {
				t.Errorf("jvp of vjp: %s", msg)
			}
		})
	}
}
