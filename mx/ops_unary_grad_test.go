package mx

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// Gradient and vmap rows of the unary family, and tests of its rules on
// complex numbers, of ops without gradient and of higher derivatives.

// unaryGradSpec is a differentiable unary op with the interval its inputs
// are drawn from; signed draws |x| from it with either sign.
type unaryGradSpec struct {
	name   string
	f      func(*Array) *Array
	lo, hi float64
	signed bool
}

func fnOf(f unaryFn, opts ...Option) func(*Array) *Array {
	return func(a *Array) *Array { return f(a, opts...) }
}

var unaryGradSpecs = []unaryGradSpec{
	{name: "abs", f: fnOf(Abs), lo: 0.2, hi: 2, signed: true},
	{name: "negative", f: fnOf(Negative), lo: -2, hi: 2},
	{name: "sign", f: fnOf(Sign), lo: 0.2, hi: 2, signed: true},
	{name: "square", f: fnOf(Square), lo: -2, hi: 2},
	{name: "sqrt", f: fnOf(Sqrt), lo: 0.3, hi: 3},
	{name: "rsqrt", f: fnOf(Rsqrt), lo: 0.3, hi: 3},
	{name: "reciprocal", f: fnOf(Reciprocal), lo: 0.4, hi: 2, signed: true},
	{name: "exp", f: fnOf(Exp), lo: -2, hi: 2},
	{name: "expm1", f: fnOf(Expm1), lo: -2, hi: 2},
	{name: "log", f: fnOf(Log), lo: 0.3, hi: 3},
	{name: "log2", f: fnOf(Log2), lo: 0.3, hi: 3},
	{name: "log10", f: fnOf(Log10), lo: 0.3, hi: 3},
	{name: "log1p", f: fnOf(Log1p), lo: -0.6, hi: 2},
	{name: "sin", f: fnOf(Sin), lo: -3, hi: 3},
	{name: "cos", f: fnOf(Cos), lo: -3, hi: 3},
	{name: "tan", f: fnOf(Tan), lo: -1.2, hi: 1.2},
	{name: "arcsin", f: fnOf(Arcsin), lo: -0.9, hi: 0.9},
	{name: "arccos", f: fnOf(Arccos), lo: -0.9, hi: 0.9},
	{name: "arctan", f: fnOf(Arctan), lo: -3, hi: 3},
	{name: "sinh", f: fnOf(Sinh), lo: -2, hi: 2},
	{name: "cosh", f: fnOf(Cosh), lo: -2, hi: 2},
	{name: "tanh", f: fnOf(Tanh), lo: -2, hi: 2},
	{name: "arcsinh", f: fnOf(Arcsinh), lo: -3, hi: 3},
	{name: "arccosh", f: fnOf(Arccosh), lo: 1.2, hi: 3},
	{name: "arctanh", f: fnOf(Arctanh), lo: -0.9, hi: 0.9},
	{name: "sigmoid", f: fnOf(Sigmoid), lo: -4, hi: 4},
	{name: "erf", f: fnOf(Erf), lo: -2, hi: 2},
	{name: "erfinv", f: fnOf(Erfinv), lo: -0.9, hi: 0.9},
	{name: "degrees", f: fnOf(Degrees), lo: -3, hi: 3},
	{name: "radians", f: fnOf(Radians), lo: -100, hi: 100},
	// Piecewise constant: the draws stay away from the steps (the finite
	// differences use steps of 1e-6).
	{name: "floor", f: fnOf(Floor), lo: -3, hi: 3},
	{name: "ceil", f: fnOf(Ceil), lo: -3, hi: 3},
	{name: "trunc", f: fnOf(Trunc), lo: -3, hi: 3},
	{name: "round", f: fnOf(Round), lo: -3, hi: 3},
	{name: "round/decimals 1", f: fnOf(Round, Decimals(1)), lo: -3, hi: 3},
	// The imaginary part of a real array is zero.
	{name: "imag/real input", f: fnOf(Imag), lo: -2, hi: 2},
	// Real and Conjugate of real arrays return them: the identity.
	{name: "real/real input", f: fnOf(Real), lo: -2, hi: 2},
	{name: "conjugate/real input", f: fnOf(Conjugate), lo: -2, hi: 2},
}

// draw returns an array of shape with values from the spec's interval.
func (sp unaryGradSpec) draw(r *rand.Rand, shape ...int) *Array {
	a := randArray(r, sp.lo, sp.hi, shape...)
	if !sp.signed {
		return a
	}
	v := ToSlice[float64](a)
	for i := range v {
		if r.IntN(2) == 0 {
			v[i] = -v[i]
		}
	}
	return NewArray(v, shape...)
}

// unaryShapes are the shapes each op is checked on, with the batch axis of
// its vmap check.
var unaryShapes = []struct {
	shape []int
	axis  int
}{{nil, 0}, {[]int{4}, -1}, {[]int{2, 3}, 1}}

func init() {
	r := rand.New(rand.NewPCG(7, 8))
	for _, sp := range unaryGradSpecs {
		for _, sh := range unaryShapes {
			f := sp.f
			addGradCases(gradCase{
				name:   fmt.Sprintf("%s/shape %v batch axis %d", sp.name, sh.shape, sh.axis),
				f:      func(in []*Array) *Array { return f(in[0]) },
				in:     []*Array{sp.draw(r, sh.shape...)},
				inAxes: []int{sh.axis},
			})
		}
	}
	// Inputs that are not all finite: only the finite elements carry a
	// gradient. The replacements are small, so that finite differences
	// stay accurate.
	special := NewArray([]float64{1.5, nan, -0.5, inf, negInf, 2}, 2, 3)
	addGradCases(gradCase{
		name: "nan_to_num/shape [2 3] batch axis 0",
		f: func(in []*Array) *Array {
			return NanToNum(in[0], NanValue(-1), PosInfValue(5), NegInfValue(-5))
		},
		in: []*Array{special},
	}, gradCase{
		name:   "nan_to_num/shape [6] batch axis 1",
		f:      func(in []*Array) *Array { return NanToNum(in[0], PosInfValue(3), NegInfValue(-3)) },
		in:     []*Array{Reshape(special, []int{6})},
		inAxes: []int{1},
	}, gradCase{
		name:   "nan_to_num/finite 0-d",
		f:      func(in []*Array) *Array { return NanToNum(in[0]) },
		in:     []*Array{Scalar(0.75, Float64)},
		inAxes: []int{-1},
	}, gradCase{
		// Composition: the rules of each op meet the others'.
		name:   "sin/of exp of tanh",
		f:      func(in []*Array) *Array { return Sin(Exp(Tanh(in[0]))) },
		in:     []*Array{randArray(r, -1, 1, 3, 2)},
		inAxes: []int{-1},
	})

	// Vmap rows of the ops without derivative.
	vals := NewArray([]float64{1.5, nan, 0, inf, negInf, -2}, 2, 3)
	noGrad := func(name string, f func(*Array) *Array, in *Array, axis int) gradCase {
		return gradCase{name: name, f: func(in []*Array) *Array { return f(in[0]) },
			in: []*Array{in}, inAxes: []int{axis}, noGrad: true}
	}
	codes := NewArray([]uint8{0x00, 0x38, 0xb8, 0x30, 0x7e, 0xfe, 0x7f, 0x01}, 2, 4)
	addGradCases(
		noGrad("isnan/batch axis 1", fnOf(IsNaN), vals, 1),
		noGrad("isinf/batch axis -1", fnOf(IsInf), vals, -1),
		noGrad("isfinite/batch axis 0", fnOf(IsFinite), vals, 0),
		noGrad("isposinf/batch axis 2", fnOf(IsPosInf), vals, 2),
		noGrad("isneginf/batch axis 0", fnOf(IsNegInf), vals, 0),
		noGrad("logical_not/batch axis 1", fnOf(LogicalNot), vals, 1),
		noGrad("logical_not/bool", fnOf(LogicalNot), NewArray([]bool{true, false, false}), 0),
		noGrad("bitwise_invert/int32 batch axis -1", fnOf(BitwiseInvert), NewArray([]int32{0, -1, 7, 1 << 30}, 2, 2), -1),
		noGrad("to_fp8/batch axis 1", fnOf(ToFP8), randArray(r, -300, 300, 2, 3), 1),
		noGrad("from_fp8/float32 batch axis -1", fnOf(FromFP8, Float32), codes, -1),
		noGrad("from_fp8/float64 batch axis 0", fnOf(FromFP8, Float64), codes, 0),
		noGrad("stop_gradient/batch axis 1", fnOf(StopGradient), randArray(r, -1, 1, 2, 3), 1),
		noGrad("stop_gradient/0-d", fnOf(StopGradient), Scalar(0.5, Float64), 0),
	)

	// View: the last axis scales when the element sizes differ, so the
	// batch axis is tried last, first and in the middle.
	x := randArray(r, -2, 2, 2, 3)
	view := func(dt Dtype) func(*Array) *Array {
		return func(a *Array) *Array { return View(a, dt) }
	}
	bytes := NewArray([]uint8{1, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 2, 0, 0, 0, 0, 0, 0xc0}, 2, 8)
	addGradCases(
		noGrad("view/float64 as uint8 batch axis -1", view(Uint8), x, -1),
		noGrad("view/float64 as uint8 batch axis 0", view(Uint8), x, 0),
		noGrad("view/float64 as float32 batch axis 2", view(Float32), x, 2),
		noGrad("view/float64 as int32 batch axis 1", view(Int32), x, 1),
		noGrad("view/float64 as uint16 1-d batch axis -1", view(Uint16), Reshape(x, []int{6}), -1),
		noGrad("view/float64 as complex64 0-d batch axis 0", view(Complex64), Scalar(1.25, Float64), 0),
		noGrad("view/uint8 as float64 batch axis -1", view(Float64), bytes, -1),
		noGrad("view/uint8 as float32 batch axis 1", view(Float32), bytes, 1),
		noGrad("view/uint8 as bool batch axis -1", view(Bool), bytes, -1),
		noGrad("view/float64 as complex64 batch axis -1", view(Complex64), x, -1),
	)
}

// TestStopGradient checks that no gradient flows through StopGradient.
func TestStopGradient(t *testing.T) {
	x := NewArray([]float64{-1.5, 0.5, 2}, 3)
	sq := func(in []*Array) []*Array { return []*Array{StopGradient(Square(in[0]))} }
	_, vjps := VJP(sq, []*Array{x}, []*Array{NewArray([]float64{1, 2, 3})})
	if msg := compareArrays(vjps[0], zerosLike(x, DefaultStream()), 0); msg != "" {
		t.Errorf("vjp: %s", msg)
	}
	_, jvps := JVP(sq, []*Array{x}, []*Array{NewArray([]float64{1, 2, 3})})
	if msg := compareArrays(jvps[0], zerosLike(x, DefaultStream()), 0); msg != "" {
		t.Errorf("jvp: %s", msg)
	}
	if !hasBinaryRules() {
		t.Skip("the binary ops have no transform rules yet")
	}
	f := func(x *Array) *Array { return Add(StopGradient(Square(x)), x) }
	for _, v := range []float64{-2, 0.5, 3} {
		g := Grad(f)(Scalar(v, Float64))
		if got := Item[float64](g); got != 1 {
			t.Errorf("grad of StopGradient(x^2) + x at %v: got %v, want 1", v, got)
		}
	}
	_, jvps = JVP(func(in []*Array) []*Array { return []*Array{f(in[0])} },
		[]*Array{x}, []*Array{NewArray([]float64{1, 2, 3})})
	if msg := compareArrays(jvps[0], NewArray([]float64{1, 2, 3}), 0); msg != "" {
		t.Errorf("jvp of StopGradient(x^2) + x: %s", msg)
	}
}

// hasBinaryRules reports whether the binary ops, which the unary rules are
// made of, can themselves be differentiated and batched: higher
// derivatives need them.
func hasBinaryRules() bool {
	p := any(binaryPrim{})
	_, vjp := p.(VJPRule)
	_, jvp := p.(JVPRule)
	_, vmap := p.(VmapRule)
	return vjp && jvp && vmap
}

// TestUnaryNoGradient checks that the ops without derivative, when the
// engine asks for their rules (a float input whose result is an output of
// the function), give zeros of the input's type and of the output's.
func TestUnaryNoGradient(t *testing.T) {
	x := NewArray([]float64{1.5, nan, inf, -2}, 2, 2)
	ops := map[string]func(*Array) *Array{
		"isnan": fnOf(IsNaN), "isinf": fnOf(IsInf), "isfinite": fnOf(IsFinite),
		"isposinf": fnOf(IsPosInf), "isneginf": fnOf(IsNegInf), "logical_not": fnOf(LogicalNot),
		"to_fp8": fnOf(ToFP8), "view int32": func(a *Array) *Array { return View(a, Int32) },
		"view float64 as uint64": func(a *Array) *Array { return View(a, Uint64) },
		"stop_gradient":          fnOf(StopGradient),
		"sign":                   fnOf(Sign), "floor": fnOf(Floor),
	}
	for name, op := range ops {
		f := func(in []*Array) []*Array { return []*Array{op(in[0])} }
		out := op(x)
		cot := AsType(NewArray([]float64{1, 2, 3, 4, 5, 6, 7, 8}[:out.Size()], out.shape...), out.dtype)
		_, vjps := VJP(f, []*Array{x}, []*Array{cot})
		if msg := compareArrays(vjps[0], zerosLike(x, DefaultStream()), 0); msg != "" {
			t.Errorf("%s: vjp: %s", name, msg)
		}
		_, jvps := JVP(f, []*Array{x}, []*Array{NewArray([]float64{1, 1, 1, 1}, 2, 2)})
		if msg := compareArrays(jvps[0], zerosLike(out, DefaultStream()), 0); msg != "" {
			t.Errorf("%s: jvp: %s", name, msg)
		}
	}
}

// TestUnaryComplexGrad checks the rules on complex64 inputs against finite
// differences, in the conjugate convention: for a real loss L whose
// cotangent at the output is c, the cotangent of z = x+iy is dL/dx +
// i dL/dy, where L = Re(sum(conj(c) f(z))).
func TestUnaryComplexGrad(t *testing.T) {
	z := NewArray([]complex64{complex(0.7, 0.4), complex(-0.6, 1.2), complex(1.3, -0.3)})
	ops := []struct {
		name string
		f    func(*Array) *Array
	}{
		{"abs", fnOf(Abs)}, {"real", fnOf(Real)}, {"imag", fnOf(Imag)},
		{"conjugate", fnOf(Conjugate)}, {"negative", fnOf(Negative)},
		{"square", fnOf(Square)}, {"sqrt", fnOf(Sqrt)}, {"rsqrt", fnOf(Rsqrt)},
		{"reciprocal", fnOf(Reciprocal)}, {"exp", fnOf(Exp)}, {"log", fnOf(Log)},
		{"log2", fnOf(Log2)}, {"log10", fnOf(Log10)}, {"log1p", fnOf(Log1p)},
		{"sin", fnOf(Sin)}, {"cos", fnOf(Cos)}, {"tan", fnOf(Tan)},
		{"arcsin", fnOf(Arcsin)}, {"arccos", fnOf(Arccos)}, {"arctan", fnOf(Arctan)},
		{"sinh", fnOf(Sinh)}, {"cosh", fnOf(Cosh)}, {"tanh", fnOf(Tanh)},
		{"arcsinh", fnOf(Arcsinh)}, {"arccosh", fnOf(Arccosh)}, {"arctanh", fnOf(Arctanh)},
		{"degrees", fnOf(Degrees)}, {"radians", fnOf(Radians)},
		{"nan_to_num", fnOf(NanToNum)}, {"round", fnOf(Round)},
	}
	const h = 1e-2
	zv := ToSlice[complex128](z)
	shifted := func(k int, d complex128) *Array {
		v := make([]complex64, len(zv))
		for i := range zv {
			v[i] = complex64(zv[i])
		}
		v[k] += complex64(d)
		return NewArray(v)
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			out := op.f(z)
			cv := []complex128{complex(0.3, -0.8), complex(-1, 0.5), complex(0.6, 0.2)}
			if out.Dtype() != Complex64 {
				cv = []complex128{0.3, -1, 0.6}
			}
			cot := AsType(NewArray(cv), out.Dtype())
			loss := func(a *Array) float64 {
				w := ToSlice[complex128](op.f(a))
				s := 0.0
				for i := range w {
					s += real(cmplx.Conj(cv[i]) * w[i])
				}
				return s
			}
			f := func(in []*Array) []*Array { return []*Array{op.f(in[0])} }
			_, vjps := VJP(f, []*Array{z}, []*Array{cot})
			if vjps[0].Dtype() != Complex64 {
				t.Fatalf("vjp has type %v, want complex64", vjps[0].Dtype())
			}
			got := ToSlice[complex128](vjps[0])
			for k := range zv {
				dx := (loss(shifted(k, h)) - loss(shifted(k, -h))) / (2 * h)
				dy := (loss(shifted(k, 1i*h)) - loss(shifted(k, -1i*h))) / (2 * h)
				if !closeEnough(got[k], complex(dx, dy), 2e-3) {
					t.Errorf("vjp element %d: got %v, finite differences %v", k, got[k], complex(dx, dy))
				}
			}
			tv := []complex128{complex(1, 0.5), complex(-0.3, 1), complex(0.2, -0.7)}
			_, jvps := JVP(f, []*Array{z}, []*Array{NewArray(tv)})
			if jvps[0].Dtype() != out.Dtype() {
				t.Fatalf("jvp has type %v, want %v", jvps[0].Dtype(), out.Dtype())
			}
			plus, minus := make([]complex64, len(zv)), make([]complex64, len(zv))
			for i := range zv {
				plus[i], minus[i] = complex64(zv[i]+h*tv[i]), complex64(zv[i]-h*tv[i])
			}
			fp, fm := ToSlice[complex128](op.f(NewArray(plus))), ToSlice[complex128](op.f(NewArray(minus)))
			gotJ := ToSlice[complex128](jvps[0])
			for k := range fp {
				want := (fp[k] - fm[k]) / (2 * h)
				if !closeEnough(gotJ[k], want, 2e-3) {
					t.Errorf("jvp element %d: got %v, finite differences %v", k, gotJ[k], want)
				}
			}
		})
	}
}

// TestUnaryHigherOrder checks derivatives of derivatives: the rules are
// made of ops that have rules themselves.
func TestUnaryHigherOrder(t *testing.T) {
	if !hasBinaryRules() {
		t.Skip("the binary ops have no transform rules yet")
	}
	xs := []float64{-2.5, -0.7, 0, 0.4, 1.3}
	check := func(name string, f func(*Array, ...Option) *Array, want func(float64) float64) {
		t.Helper()
		for _, x := range xs {
			got := Item[float64](f(Scalar(x, Float64)))
			if !closeReal(got, want(x), 1e-12) {
				t.Errorf("%s at %v: got %v, want %v", name, x, got, want(x))
			}
		}
	}
	check("grad grad sin", Grad(Grad(Sin)), func(x float64) float64 { return -math.Sin(x) })
	check("grad grad grad sin", Grad(Grad(Grad(Sin))), func(x float64) float64 { return -math.Cos(x) })
	check("grad grad exp", Grad(Grad(Exp)), math.Exp)
	check("grad grad tanh", Grad(Grad(Tanh)), func(x float64) float64 {
		th := math.Tanh(x)
		return -2 * th * (1 - th*th)
	})
	check("grad grad sigmoid", Grad(Grad(Sigmoid)), func(x float64) float64 {
		s := 1 / (1 + math.Exp(-x))
		return s * (1 - s) * (1 - 2*s)
	})
	check("grad grad log", Grad(Grad(Log)), func(x float64) float64 { return -1 / (x * x) })

	// jvp of grad: the second derivative along a tangent.
	gradSin := Grad(Sin)
	for _, v := range xs {
		_, jvps := JVP(func(in []*Array) []*Array { return []*Array{gradSin(in[0])} },
			[]*Array{Scalar(v, Float64)}, []*Array{Scalar(2.0, Float64)})
		if got, w := Item[float64](jvps[0]), -2*math.Sin(v); !closeReal(got, w, 1e-12) {
			t.Errorf("jvp of grad of sin at %v: got %v, want %v", v, got, w)
		}
	}

	// vmap of grad: the derivative at each element of a batch.
	x := NewArray(xs)
	got := Vmap(func(in []*Array) []*Array { return []*Array{gradSin(in[0])} }, nil, nil)([]*Array{x})[0]
	want := make([]float64, len(xs))
	for i, v := range xs {
		want[i] = math.Cos(v)
	}
	if msg := compareArrays(got, NewArray(want), 1e-12); msg != "" {
		t.Errorf("vmap of grad of sin: %s", msg)
	}
}

// TestUnarySecondDerivatives differentiates the gradient of every
// differentiable unary op again, and vectorises it, checking against
// finite differences of the gradient and against a loop.
func TestUnarySecondDerivatives(t *testing.T) {
	if !hasBinaryRules() {
		t.Skip("the binary ops have no transform rules yet")
	}
	r := rand.New(rand.NewPCG(9, 10))
	const h = 1e-5
	for _, sp := range unaryGradSpecs {
		t.Run(sp.name, func(t *testing.T) {
			g := Grad(sp.f)
			gg := Grad(g)
			xs := ToSlice[float64](sp.draw(r, 3))
			var grads []*Array
			for _, x := range xs {
				got := Item[float64](gg(Scalar(x, Float64)))
				want := (Item[float64](g(Scalar(x+h, Float64))) - Item[float64](g(Scalar(x-h, Float64)))) / (2 * h)
				if !closeReal(got, want, 1e-6) {
					t.Errorf("second derivative at %v: got %v, finite differences %v", x, got, want)
				}
				grads = append(grads, g(Scalar(x, Float64)))
			}
			batched := Vmap(func(in []*Array) []*Array { return []*Array{g(in[0])} }, nil, nil)([]*Array{NewArray(xs)})[0]
			if msg := compareArrays(batched, stackHost(grads, 0), 1e-12); msg != "" {
				t.Errorf("vmap of grad: %s", msg)
			}
		})
	}
}
