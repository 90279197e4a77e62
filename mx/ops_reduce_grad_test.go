package mx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Gradient and vmap rows of the reductions. Inputs are random (so distinct:
// Max, Min and Median have no ties), of several shapes, reduced over every
// axis, one axis (negative too) or two, with and without KeepDims.

// reduceGradAxes lists axis choices for an input of ndim dimensions.
func reduceGradAxes(ndim int) (labels []string, opts [][]Option) {
	labels = append(labels, "all")
	opts = append(opts, nil)
	if ndim >= 1 {
		labels = append(labels, "axis0", "axis-1")
		opts = append(opts, []Option{Axis(0)}, []Option{Axis(-1)})
	}
	if ndim >= 3 {
		labels = append(labels, "axes0,2", "axes-1,0,1")
		opts = append(opts, []Option{Axes(0, 2)}, []Option{Axes(-1, 0, 1)})
	}
	return labels, opts
}

type gradReduction struct {
	name string
	f    func(*Array, ...Option) *Array
}

func gradReductions() []gradReduction {
	return []gradReduction{
		{"sum", Sum},
		{"prod", Prod},
		{"max", Max},
		{"min", Min},
		{"mean", Mean},
		{"var", Var},
		{"var_ddof1", func(a *Array, o ...Option) *Array { return Var(a, append(o, Ddof(1))...) }},
		{"std", Std},
		{"std_ddof1", func(a *Array, o ...Option) *Array { return Std(a, append(o, Ddof(1))...) }},
		{"logsumexp", Logsumexp},
		{"median", Median},
		{"softmax", Softmax},
	}
}

func init() {
	r := rand.New(rand.NewPCG(11, 12))
	shapes := [][]int{{}, {5}, {2, 3}, {3, 2, 4}}
	for _, red := range gradReductions() {
		for _, shape := range shapes {
			labels, axOpts := reduceGradAxes(len(shape))
			for i, label := range labels {
				for _, keep := range []bool{false, true} {
					if red.name == "softmax" && keep {
						continue
					}
					opts := append([]Option(nil), axOpts[i]...)
					name := fmt.Sprintf("%s/%v/%s", red.name, shape, label)
					if keep {
						opts = append(opts, KeepDims)
						name += "/keepdims"
					}
					f := red.f
					c := gradCase{
						name: name,
						f:    func(in []*Array) *Array { return f(in[0], opts...) },
						in:   []*Array{randArray(r, -1, 1, shape...)},
					}
					if red.name == "std" || red.name == "std_ddof1" || red.name == "prod" {
						c.tol = 1e-5
					}
					// The standard deviation of one element is 0, where sqrt
					// has no derivative: the gradient is NaN, as in MLX.
					if strings.HasPrefix(red.name, "std") && len(shape) == 0 {
						c.noGrad = true
					}
					// Batch along the last axis of some rows.
					if len(shape) > 0 && i%2 == 1 {
						c.inAxes = []int{-1}
					}
					if len(shape) == 3 && i == 2 {
						c.inAxes = []int{1}
					}
					addGradCases(c)
				}
			}
		}
	}
	// Prod with zeros: the product of the others at a single zero, and zero
	// everywhere with two zeros in a group.
	addGradCases(
		gradCase{
			name: "prod/zeros/one",
			f:    func(in []*Array) *Array { return Prod(in[0], Axis(1)) },
			in:   []*Array{NewArray([]float64{0, 2, 3, 1.5, 0.5, 2, -1, 0, 0.75}, 3, 3)},
		},
		gradCase{
			name: "prod/zeros/two",
			f:    func(in []*Array) *Array { return Prod(in[0], Axis(0), KeepDims) },
			in:   []*Array{NewArray([]float64{0, 2, 3, 0, 0.5, 2, -1, 0, 0.75}, 3, 3)},
		},
		gradCase{
			name: "prod/zeros/all",
			f:    func(in []*Array) *Array { return Prod(in[0]) },
			in:   []*Array{NewArray([]float64{1.5, 2, 0, -0.5}, 2, 2)},
		},
		// Median of an even count: half to each of the two middle values.
		gradCase{
			name: "median/even",
			f:    func(in []*Array) *Array { return Median(in[0], Axis(-1)) },
			in:   []*Array{NewArray([]float64{0.3, -1, 2, 0.9, 5, 4, -2, 1}, 2, 4)},
		},
	)
}

// The subgradients at ties split the cotangent evenly, as MLX does for Max
// and Min.
func TestReduceGradTies(t *testing.T) {
	x := NewArray([]float64{1, 3, 3, 0, 2, 2, 2, -1}, 2, 4)
	cases := []struct {
		name string
		f    func(*Array, ...Option) *Array
		want []float64
	}{
		{"max", Max, []float64{0, 0.5, 0.5, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0}},
		{"min", Min, []float64{0, 0, 0, 1, 0, 0, 0, 1}},
		// Rows sorted: 0 1 3 3 -> (1+3)/2, middle values 1 and the tied 3s;
		// -1 2 2 2 -> 2, every middle value is a tied 2.
		{"median", Median, []float64{0.5, 0.25, 0.25, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0}},
	}
	for _, c := range cases {
		g := Grad(func(a *Array) *Array { return Sum(c.f(a, Axis(1))) })(x)
		if msg := compareArrays(g, NewArray(c.want, 2, 4), 1e-12); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
		// The JVP is the matching linear map: along e_j it gives w_j.
		for j := range c.want {
			e := make([]float64, 8)
			e[j] = 1
			_, tans := JVP(func(in []*Array) []*Array { return []*Array{Sum(c.f(in[0], Axis(1)))} },
				[]*Array{x}, []*Array{NewArray(e, 2, 4)})
			if got := Item[float64](tans[0]); math.Abs(got-c.want[j]) > 1e-12 {
				t.Errorf("%s: jvp along %d: got %v, want %v", c.name, j, got, c.want[j])
			}
		}
	}
}

// Var and Std of complex input: real results, whose cotangent goes back as
// MLX's composite gives it (2 (x - mean) / N times the cotangent for Var).
func TestReduceGradComplexVar(t *testing.T) {
	z := []complex64{1 + 2i, -1 + 0.5i, 3 - 1i}
	x := NewArray(z, 3)
	var mean complex128
	for _, v := range z {
		mean += complex128(v) / 3
	}
	_, vjps := VJP(func(in []*Array) []*Array { return []*Array{Var(in[0])} },
		[]*Array{x}, []*Array{Scalar(float32(1))})
	got := ToSlice[complex64](vjps[0])
	for i, v := range z {
		want := 2 * (complex128(v) - mean) / 3
		if !closeEnough(complex128(got[i]), want, 1e-5) {
			t.Errorf("var: element %d: got %v, want %v", i, got[i], want)
		}
	}
	// JVP: the real part of sum(2 conj(x - mean) t) / N.
	tan := []complex64{0.5 - 1i, 2i, 1}
	_, jvps := JVP(func(in []*Array) []*Array { return []*Array{Var(in[0])} },
		[]*Array{x}, []*Array{NewArray(tan, 3)})
	var want float64
	for i, v := range z {
		d := complex128(v) - mean
		want += real(2 * complex(real(d), -imag(d)) * complex128(tan[i]) / 3)
	}
	if jvps[0].Dtype() != Float32 {
		t.Fatalf("var: jvp dtype %v, want float32", jvps[0].Dtype())
	}
	if g := float64(Item[float32](jvps[0])); math.Abs(g-want) > 1e-5 {
		t.Errorf("var: jvp got %v, want %v", g, want)
	}
}

// Reductions with integer or boolean results: vmap against a loop over
// examples that differ, in various batch axes.
func TestReduceVmapIntegerResults(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	ops := []struct {
		name string
		f    func(*Array, ...Option) *Array
	}{
		{"argmax", Argmax}, {"argmin", Argmin}, {"all", All}, {"any", Any}, {"count_nonzero", CountNonzero},
	}
	shape := []int{3, 2, 4}
	for _, op := range ops {
		var choices [][]Option
		var labels []string
		if strings.HasPrefix(op.name, "arg") {
			choices = [][]Option{nil, {KeepDims}, {Axis(0)}, {Axis(-1), KeepDims}, {Axis(1)}}
			labels = []string{"flat", "flat/keepdims", "axis0", "axis-1/keepdims", "axis1"}
		} else {
			choices = [][]Option{nil, {Axis(0)}, {Axes(0, 2), KeepDims}, {Axis(-1)}}
			labels = []string{"all", "axis0", "axes0,2/keepdims", "axis-1"}
		}
		for i, opts := range choices {
			for _, bax := range []int{0, 1, -1, 3} {
				t.Run(fmt.Sprintf("%s/%s/batch%d", op.name, labels[i], bax), func(t *testing.T) {
					var examples, want []*Array
					for b := 0; b < 3; b++ {
						v := make([]float64, 24)
						for j := range v {
							// Small integers: zeros and ties occur.
							v[j] = float64(r.IntN(4) - 1)
						}
						e := NewArray(v, shape...)
						examples = append(examples, e)
						want = append(want, op.f(e, opts...))
					}
					f := func(in []*Array) []*Array { return []*Array{op.f(in[0], opts...)} }
					got := Vmap(f, []int{bax}, nil)([]*Array{stackHost(examples, bax)})[0]
					if msg := compareArrays(got, stackHost(want, 0), 0); msg != "" {
						t.Fatal(msg)
					}
				})
			}
		}
	}
}

// Reductions with integer or boolean results pass no cotangent back, and
// their tangents are zero.
func TestReduceGradIntegerResults(t *testing.T) {
	x := NewArray([]float64{0.5, -2, 3, 1}, 2, 2)
	f := func(in []*Array) []*Array {
		a := in[0]
		return []*Array{Sum(a, Axis(0)), Argmax(a, Axis(1)), Argmin(a), CountNonzero(a), All(a, Axis(1)), Any(a, KeepDims)}
	}
	outs := f([]*Array{x})
	cots := []*Array{NewArray([]float64{1, 2}, 2)}
	for _, o := range outs[1:] {
		cots = append(cots, AsType(BroadcastTo(Scalar(int32(1)), o.Shape()), o.Dtype()))
	}
	_, vjps := VJP(f, []*Array{x}, cots)
	if msg := compareArrays(vjps[0], NewArray([]float64{1, 2, 1, 2}, 2, 2), 0); msg != "" {
		t.Error("vjp:", msg)
	}
	_, jvps := JVP(f, []*Array{x}, []*Array{NewArray([]float64{1, 1, 1, 1}, 2, 2)})
	for i, j := range jvps[1:] {
		o := outs[i+1]
		if msg := compareArrays(j, AsType(BroadcastTo(Scalar(int32(0)), o.Shape()), o.Dtype()), 0); msg != "" {
			t.Errorf("jvp of output %d: %s", i+1, msg)
		}
	}
}

// Second derivatives of Logsumexp and Softmax, against finite differences
// of their first derivatives. The rules are written with other families'
// ops, whose rules the test needs.
func TestReduceGradOfGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	x := randArray(r, -1, 1, 2, 3)
	w := randArray(r, -1, 1, 2, 3)
	fs := map[string]func(*Array) *Array{
		"logsumexp": func(a *Array) *Array { return Sum(Logsumexp(a, Axis(-1))) },
		"softmax":   func(a *Array) *Array { return Sum(Multiply(Softmax(a, Axis(0)), w)) },
		"prod":      func(a *Array) *Array { return Sum(Prod(a, Axis(1), KeepDims)) },
		"std":       func(a *Array) *Array { return Std(a, Axes(0, 1), Ddof(1)) },
		"max":       func(a *Array) *Array { return Sum(Multiply(Max(a, Axis(0)), Max(a, Axis(0)))) },
		"min":       func(a *Array) *Array { return Sum(Multiply(Min(a, Axis(1)), Sum(a))) },
		"median":    func(a *Array) *Array { return Sum(Multiply(Median(a, Axis(0)), Median(a, Axis(0)))) },
		"var":       func(a *Array) *Array { return Sum(Var(a, Axis(1), KeepDims)) },
		"mean":      func(a *Array) *Array { return Sum(Multiply(Mean(a, Axis(0)), Mean(a, Axis(0)))) },
		"sum":       func(a *Array) *Array { return Sum(Multiply(Sum(a, Axis(-1)), Sum(a, Axis(-1)))) },
	}
	// Prod at points with one and with two zeros in a group.
	zero1 := NewArray([]float64{0.5, 0, -1.5, 2, 0.75, -1}, 2, 3)
	zero2 := NewArray([]float64{0, 1.5, 0, 2, 0, 0}, 2, 3)
	at := map[string]*Array{}
	for name, z := range map[string]*Array{"prod_zero1": zero1, "prod_zero2": zero2} {
		fs[name+"_axis1"] = func(a *Array) *Array { return Sum(Multiply(Prod(a, Axis(1)), Sum(a, Axis(1)))) }
		fs[name+"_all"] = func(a *Array) *Array { return Prod(a) }
		at[name+"_axis1"], at[name+"_all"] = z, z
	}
	for name, f := range fs {
		x := x
		if z, ok := at[name]; ok {
			x = z
		}
		t.Run(name, func(t *testing.T) {
			g := Grad(f)
			var gg *Array
			if err := Catch(func() {
				gg = Grad(func(a *Array) *Array { return Sum(Multiply(g(a), w)) })(x)
				Eval(gg)
			}); err != nil {
				if strings.Contains(err.Error(), "has no VJP rule") {
					t.Skipf("rules of other families missing: %v", err)
				}
				t.Fatal(err)
			}
			const h = 1e-6
			got := ToSlice[float64](gg)
			for j := range got {
				plus := Sum(Multiply(g(perturbed(x, j, h)), w))
				minus := Sum(Multiply(g(perturbed(x, j, -h)), w))
				want := (Item[float64](plus) - Item[float64](minus)) / (2 * h)
				if !closeReal(got[j], want, 1e-5) {
					t.Fatalf("element %d: got %v, finite differences %v", j, got[j], want)
				}
			}
		})
	}
}

// Per-example gradients: vmap of the gradient of reductions, against a loop.
// Like the second derivatives, they need other families' rules.
func TestReduceVmapOfGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	fs := map[string]func(*Array) *Array{
		"logsumexp": func(a *Array) *Array { return Sum(Logsumexp(a, Axis(-1))) },
		"softmax":   func(a *Array) *Array { return Sum(Multiply(Softmax(a, Axis(0)), a)) },
		"prod":      func(a *Array) *Array { return Prod(a) },
		"max":       func(a *Array) *Array { return Sum(Max(a, Axis(1), KeepDims)) },
		"median":    func(a *Array) *Array { return Median(a) },
		"std":       func(a *Array) *Array { return Sum(Std(a, Axis(0), Ddof(1), KeepDims)) },
	}
	for name, f := range fs {
		for _, bax := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/batch%d", name, bax), func(t *testing.T) {
				var examples, want []*Array
				for b := 0; b < 3; b++ {
					examples = append(examples, randArray(r, -1, 1, 2, 3))
				}
				g := func(in []*Array) []*Array { return []*Array{Grad(f)(in[0])} }
				var got *Array
				if err := Catch(func() {
					for _, e := range examples {
						want = append(want, Grad(f)(e))
					}
					got = Vmap(g, []int{bax}, nil)([]*Array{stackHost(examples, bax)})[0]
					Eval(got)
				}); err != nil {
					if strings.Contains(err.Error(), "has no") {
						t.Skipf("rules of other families missing: %v", err)
					}
					t.Fatal(err)
				}
				if msg := compareArrays(got, stackHost(want, 0), 1e-12); msg != "" {
					t.Fatal(msg)
				}
			})
		}
	}
}
