package mx

import (
	"math"
	"math/rand/v2"
	"testing"
)

func init() {
	r := rand.New(rand.NewPCG(7, 8))
	type binOp struct {
		name   string
		f      func(a, b any, opts ...Option) *Array
		lo, hi float64 // input range
		noGrad bool
	}
	ops := []binOp{
		{"add", Add, -2, 2, false},
		{"subtract", Subtract, -2, 2, false},
		{"multiply", Multiply, -2, 2, false},
		{"divide", Divide, 0.5, 2, false},
		{"power", Power, 0.5, 2, false},
		{"maximum", Maximum, -2, 2, false},
		{"minimum", Minimum, -2, 2, false},
		{"arctan2", Arctan2, 0.5, 2, false},
		{"logaddexp", Logaddexp, -2, 2, false},
		{"remainder", Remainder, 0.6, 2, false},
		{"floor_divide", FloorDivide, 0.6, 2, false},
		{"greater", Greater, -2, 2, true},
		{"equal", Equal, -2, 2, true},
	}
	shapes := [][2][]int{
		{{3}, {3}},
		{{2, 3}, {3}},    // b broadcast
		{{2, 1}, {1, 3}}, // both broadcast
		{{}, {2, 2}},     // 0-d against a matrix
	}
	for _, op := range ops {
		for k, sh := range shapes {
			a := randArray(r, op.lo, op.hi, sh[0]...)
			b := randArray(r, op.lo, op.hi, sh[1]...)
			f := op.f
			c := gradCase{
				name:   op.name + "/" + shapeString(sh[0]) + shapeString(sh[1]),
				f:      func(in []*Array) *Array { return f(in[0], in[1]) },
				in:     []*Array{a, b},
				noGrad: op.noGrad,
			}
			switch k {
			case 1:
				c.inAxes = []int{-1, NoAxis}
			case 2:
				c.inAxes = []int{1, 0}
			}
			addGradCases(c)
		}
	}
	// A weak scalar operand and Where, Divmod and Clip.
	x := randArray(r, -2, 2, 2, 3)
	y := randArray(r, -2, 2, 3)
	cond := NewArray([]bool{true, false, true})
	addGradCases(
		gradCase{name: "multiply/scalar", f: func(in []*Array) *Array { return Multiply(in[0], 2.5) }, in: []*Array{x}},
		gradCase{name: "where", f: func(in []*Array) *Array { return Where(cond, in[0], in[1]) }, in: []*Array{x, y}, inAxes: []int{1, NoAxis}},
		gradCase{name: "divmod/remainder", f: func(in []*Array) *Array {
			_, rem := Divmod(in[0], in[1])
			return rem
		}, in: []*Array{randArray(r, 0.6, 2, 2, 3), randArray(r, 0.6, 2, 3)}},
		gradCase{name: "clip", f: func(in []*Array) *Array { return Clip(in[0], -1, 1) }, in: []*Array{x}},
	)
}

func TestBinaryComplexGrad(t *testing.T) {
	// f(a, b) = real(sum(conj(c) * a * b)) has gradient conj(c * b) with
	// respect to a in the conjugate convention: check it against finite
	// differences of the real and imaginary parts.
	a := NewArray([]complex64{1 + 2i, -0.5 + 1i})
	b := NewArray([]complex64{0.3 - 1i, 2 + 0.5i})
	c := NewArray([]complex64{1 - 1i, 0.5 + 2i})
	f := func(x *Array) *Array { return Real(Sum(Multiply(Multiply(Conjugate(c), x), b))) }
	g := ToSlice[complex64](Grad(f)(a))
	av := ToSlice[complex64](a)
	const h = 1e-3
	for i := range av {
		at := func(d complex64) float32 {
			v := append([]complex64(nil), av...)
			v[i] += d
			return Item[float32](f(NewArray(v)))
		}
		re := (at(h) - at(-h)) / (2 * h)
		im := (at(h*1i) - at(-h*1i)) / (2 * h)
		if math.Abs(float64(real(g[i])-re)) > 1e-2 || math.Abs(float64(imag(g[i])-im)) > 1e-2 {
			t.Errorf("element %d: grad %v, finite differences %v%+vi", i, g[i], re, im)
		}
	}
}

func TestCloseHasZeroGradient(t *testing.T) {
	x := NewArray([]float64{1, 2})
	f := func(in []*Array) []*Array { return []*Array{IsClose(in[0], 1.0), AllClose(in[0], 1.0)} }
	_, g := VJP(f, []*Array{x}, []*Array{NewArray([]bool{true, true}), Scalar(true)})
	if got := ToSlice[float64](g[0]); got[0] != 0 || got[1] != 0 {
		t.Errorf("vjp %v, want zeros", got)
	}
	_, tg := JVP(f, []*Array{x}, []*Array{NewArray([]float64{1, 1})})
	if Item[bool](Any(tg[0])) || Item[bool](tg[1]) {
		t.Errorf("jvp not false")
	}
}
