package mx

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// closeSlices reports whether got and want agree within tol (relative to
// max(1, |want|)).
func closeSlices(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			return false
		}
	}
	return true
}

func mapF(v []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

// sinFn is sin as a canonical function of one array.
func sinFn(in []*Array) []*Array { return []*Array{Sin(in[0])} }

// doubleCos is a VJP rule for sin that is deliberately wrong (twice the
// true gradient), so that a test can tell it was used.
func doubleCos(primals, cots, outs []*Array) []*Array {
	return []*Array{Multiply(Multiply(cots[0], Cos(primals[0])), 2)}
}

// tripleCos is a JVP rule for sin that is deliberately wrong.
func tripleCos(primals, tans []*Array) []*Array {
	return []*Array{Multiply(Multiply(tans[0], Cos(primals[0])), 3)}
}

// cosVmap is a vmap rule for sin that is deliberately wrong: it computes
// cos, on whichever axis the batch arrives.
func cosVmap(in []*Array, axes []int) ([]*Array, []int) {
	return []*Array{Cos(in[0])}, []int{axes[0]}
}

var xs5 = []float64{-1.5, -0.3, 0, 0.7, 2}

func TestCustomVJPUsedByGrad(t *testing.T) {
	cf := NewCustomFunction(sinFn).WithVJP(doubleCos)
	loss := func(x *Array) *Array { return Sum(cf.Call([]*Array{x})[0]) }
	x := NewArray(xs5)
	v, g := ValueAndGrad(loss)(x)
	want := mapF(xs5, func(x float64) float64 { return 2 * math.Cos(x) })
	if got := ToSlice[float64](g[0]); !closeSlices(got, want, 1e-12) {
		t.Fatalf("grad = %v, want %v (the custom rule)", got, want)
	}
	sum := 0.0
	for _, x := range xs5 {
		sum += math.Sin(x)
	}
	if got := Item[float64](v); math.Abs(got-sum) > 1e-12 {
		t.Fatalf("value = %v, want %v", got, sum)
	}
	// The value of a call, outside any transform, is f's.
	if got := ToSlice[float64](cf.Call([]*Array{x})[0]); !closeSlices(got, mapF(xs5, math.Sin), 1e-15) {
		t.Fatalf("call = %v", got)
	}
}

func TestCustomVJPTwoInputs(t *testing.T) {
	// f(x, y) = x*y with a rule that gives x the cotangent and y three
	// times it; integer inputs pass through without a gradient.
	cf := NewCustomFunction(func(in []*Array) []*Array {
		return []*Array{Add(Multiply(in[0], in[1]), AsType(in[2], Float64))}
	}).WithVJP(func(p, c, o []*Array) []*Array {
		return []*Array{c[0], Multiply(c[0], 3), nil}
	})
	f := func(x, y, k *Array) *Array { return Sum(cf.Call([]*Array{x, y, k})[0]) }
	x, y := NewArray([]float64{1, 2}), NewArray([]float64{3, 4})
	k := NewArray([]int32{5, 6})
	v, g := ValueAndGrad(f, 0, 1)(x, y, k)
	if got := Item[float64](v); got != 3+8+11 {
		t.Fatalf("value = %v", got)
	}
	if gx, gy := ToSlice[float64](g[0]), ToSlice[float64](g[1]); !slices.Equal(gx, []float64{1, 1}) || !slices.Equal(gy, []float64{3, 3}) {
		t.Fatalf("grads = %v %v", gx, gy)
	}
}

func TestCustomJVPUsedByJVP(t *testing.T) {
	cf := NewCustomFunction(sinFn).WithJVP(tripleCos)
	x, tan := NewArray(xs5), NewArray([]float64{1, 2, 3, 4, 5})
	outs, jvps := JVP(cf.Call, []*Array{x}, []*Array{tan})
	if got := ToSlice[float64](outs[0]); !closeSlices(got, mapF(xs5, math.Sin), 1e-12) {
		t.Fatalf("outputs = %v", got)
	}
	want := make([]float64, len(xs5))
	for i, x := range xs5 {
		want[i] = 3 * math.Cos(x) * float64(i+1)
	}
	if got := ToSlice[float64](jvps[0]); !closeSlices(got, want, 1e-12) {
		t.Fatalf("jvp = %v, want %v (the custom rule)", got, want)
	}
}

func TestCustomVmapUsedByVmap(t *testing.T) {
	var seen []int
	cf := NewCustomFunction(func(in []*Array) []*Array {
		return []*Array{Multiply(Sin(in[0]), in[1])}
	}).WithVmap(func(in []*Array, axes []int) ([]*Array, []int) {
		seen = append([]int{}, axes...)
		// cos instead of sin; the batch of x is on axis 1, y unbatched.
		return []*Array{Multiply(Cos(in[0]), ExpandDims(in[1], 1))}, []int{axes[0]}
	})
	x := Reshape(NewArray([]float64{0, 1, 2, 3, 4, 5}), []int{3, 2}) // batch on axis 1
	y := NewArray([]float64{1, 10, 100})
	got := Vmap(cf.Call, []int{1, NoAxis}, []int{0})([]*Array{x, y})[0]
	if !slices.Equal(seen, []int{1, NoAxis}) {
		t.Fatalf("the rule saw axes %v, want [1 NoAxis]", seen)
	}
	if !slices.Equal(got.Shape(), []int{2, 3}) {
		t.Fatalf("shape %v", got.Shape())
	}
	xv := []float64{0, 1, 2, 3, 4, 5}
	var want []float64
	for b := 0; b < 2; b++ {
		for i := 0; i < 3; i++ {
			want = append(want, math.Cos(xv[i*2+b])*ToSlice[float64](y)[i])
		}
	}
	if g := ToSlice[float64](got); !closeSlices(g, want, 1e-12) {
		t.Fatalf("vmap = %v, want %v (the custom rule)", g, want)
	}
}

func TestCustomFallbacks(t *testing.T) {
	x := NewArray(xs5)
	cosx := mapF(xs5, math.Cos)
	sinx := mapF(xs5, math.Sin)
	grad := func(cf *CustomFunction) []float64 {
		return ToSlice[float64](Grad(func(x *Array) *Array { return Sum(cf.Call([]*Array{x})[0]) })(x))
	}
	jvp := func(cf *CustomFunction) []float64 {
		_, j := JVP(cf.Call, []*Array{x}, []*Array{OnesLike(x)})
		return ToSlice[float64](j[0])
	}
	vmap := func(cf *CustomFunction) []float64 {
		return ToSlice[float64](Vmap(cf.Call, nil, nil)([]*Array{x})[0])
	}
	onlyVmap := NewCustomFunction(sinFn).WithVmap(cosVmap)
	onlyVJP := NewCustomFunction(sinFn).WithVJP(doubleCos)
	onlyJVP := NewCustomFunction(sinFn).WithJVP(tripleCos)
	for _, c := range []struct {
		name      string
		got, want []float64
	}{
		{"grad without vjp", grad(onlyVmap), cosx},
		{"grad without vjp, with jvp", grad(onlyJVP), cosx},
		{"jvp without jvp", jvp(onlyVmap), cosx},
		{"jvp without jvp, with vjp", jvp(onlyVJP), cosx},
		{"vmap without vmap", vmap(onlyVJP), sinx},
		{"vmap without vmap, with jvp", vmap(onlyJVP), sinx},
		{"vmap with vmap", vmap(onlyVmap), cosx},
		{"no rules", grad(NewCustomFunction(sinFn)), cosx},
	} {
		if !closeSlices(c.got, c.want, 1e-12) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestCustomHidesItsGraph calls a custom function whose graph holds an op
// with no transform rules at all: the custom rules stand in for it.
func TestCustomHidesItsGraph(t *testing.T) {
	var runs int64
	plusOne := func(in []*Array) []*Array {
		a := in[0]
		return []*Array{newArray(countPrim{&runs}, DefaultStream(), []*Array{a}, a.shape, a.dtype)}
	}
	cf := NewCustomFunction(plusOne).
		WithVJP(func(p, c, o []*Array) []*Array { return []*Array{c[0]} }).
		WithJVP(func(p, t []*Array) []*Array { return []*Array{t[0]} }).
		WithVmap(func(in []*Array, axes []int) ([]*Array, []int) { return plusOne(in), axes })
	x := NewArray([]float64{1, 2, 3})
	v, g := ValueAndGrad(func(x *Array) *Array { return Sum(Square(cf.Call([]*Array{x})[0])) })(x)
	if Item[float64](v) != 4+9+16 || !slices.Equal(ToSlice[float64](g[0]), []float64{4, 6, 8}) {
		t.Fatalf("value %v grad %v", Item[float64](v), ToSlice[float64](g[0]))
	}
	_, j := JVP(cf.Call, []*Array{x}, []*Array{NewArray([]float64{1, 0, 2})})
	if !slices.Equal(ToSlice[float64](j[0]), []float64{1, 0, 2}) {
		t.Fatalf("jvp %v", ToSlice[float64](j[0]))
	}
	b := Vmap(cf.Call, nil, nil)([]*Array{Reshape(Arange(6, Float64), []int{3, 2})})[0]
	if !slices.Equal(ToSlice[float64](b), []float64{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("vmap %v", ToSlice[float64](b))
	}
	// Without rules the transforms must trace into the graph, and report
	// the op that has none.
	err := Catch(func() { Grad(func(x *Array) *Array { return Sum(plusOne([]*Array{x})[0]) })(x) })
	if err == nil || !strings.Contains(err.Error(), "Count has no VJP rule") {
		t.Fatalf("got %v", err)
	}
}

func TestCustomMultipleOutputs(t *testing.T) {
	// f(x) = (sin x, x^2) with a rule that gives cot0*10 + cot1*100.
	cf := NewCustomFunction(func(in []*Array) []*Array {
		return []*Array{Sin(in[0]), Square(in[0])}
	}).WithVJP(func(p, c, o []*Array) []*Array {
		return []*Array{Add(Multiply(c[0], 10), Multiply(c[1], 100))}
	})
	x := NewArray([]float64{1, 2})
	g := Grad(func(x *Array) *Array { return Sum(cf.Call([]*Array{x})[1]) })(x)
	if got := ToSlice[float64](g); !slices.Equal(got, []float64{100, 100}) {
		t.Fatalf("grad through output 1 = %v", got)
	}
	g = Grad(func(x *Array) *Array {
		o := cf.Call([]*Array{x})
		return Add(Sum(o[0]), Multiply(Sum(o[1]), 2))
	})(x)
	if got := ToSlice[float64](g); !slices.Equal(got, []float64{210, 210}) {
		t.Fatalf("grad through both outputs = %v", got)
	}
	outs := cf.Call([]*Array{x})
	if !closeSlices(ToSlice[float64](outs[0]), []float64{math.Sin(1), math.Sin(2)}, 1e-15) ||
		!slices.Equal(ToSlice[float64](outs[1]), []float64{1, 4}) {
		t.Fatal("outputs")
	}
}

func TestCustomComposition(t *testing.T) {
	x := NewArray(xs5)
	twoCos := mapF(xs5, func(x float64) float64 { return 2 * math.Cos(x) })
	cf := NewCustomFunction(sinFn).WithVJP(doubleCos).WithJVP(tripleCos)

	// grad of vmap: the custom VJP survives vectorisation.
	xb := Reshape(x, []int{5, 1})
	g := Grad(func(x *Array) *Array { return Sum(Vmap(cf.Call, nil, nil)([]*Array{x})[0]) })(xb)
	if got := ToSlice[float64](g); !closeSlices(got, twoCos, 1e-12) {
		t.Fatalf("grad of vmap = %v, want %v", got, twoCos)
	}
	// grad of vmap with an unbatched input: its cotangent sums the batch.
	mul := NewCustomFunction(func(in []*Array) []*Array { return []*Array{Multiply(in[0], in[1])} }).
		WithVJP(func(p, c, o []*Array) []*Array {
			return []*Array{Multiply(c[0], p[1]), Multiply(Multiply(c[0], p[0]), 10)}
		})
	w := NewArray([]float64{1, 2})
	xs := Reshape(NewArray([]float64{1, 2, 3, 4, 5, 6}), []int{3, 2})
	_, gs := ValueAndGrad(func(x, w *Array) *Array {
		return Sum(Vmap(mul.Call, []int{0, NoAxis}, nil)([]*Array{x, w})[0])
	}, 0, 1)(xs, w)
	if got := ToSlice[float64](gs[0]); !slices.Equal(got, []float64{1, 2, 1, 2, 1, 2}) {
		t.Fatalf("grad of vmap, batched input: %v", got)
	}
	if got := ToSlice[float64](gs[1]); !slices.Equal(got, []float64{90, 120}) {
		t.Fatalf("grad of vmap, unbatched input: %v, want the summed custom rule [90 120]", got)
	}

	// vmap of grad.
	vg := Vmap(func(in []*Array) []*Array {
		return []*Array{Grad(func(x *Array) *Array { return Sum(cf.Call([]*Array{x})[0]) })(in[0])}
	}, nil, nil)([]*Array{xb})[0]
	if got := ToSlice[float64](vg); !closeSlices(got, twoCos, 1e-12) {
		t.Fatalf("vmap of grad = %v, want %v", got, twoCos)
	}

	// jvp of vmap keeps the custom JVP.
	_, j := JVP(Vmap(cf.Call, nil, nil), []*Array{xb}, []*Array{OnesLike(xb)})
	want := mapF(xs5, func(x float64) float64 { return 3 * math.Cos(x) })
	if got := ToSlice[float64](j[0]); !closeSlices(got, want, 1e-12) {
		t.Fatalf("jvp of vmap = %v, want %v", got, want)
	}

	// vmap of vmap falls back to vmapping the custom function again.
	xx := Reshape(Arange(6, Float64), []int{2, 3})
	vv := Vmap(Vmap(cf.Call, nil, nil), nil, nil)([]*Array{xx})[0]
	if got := ToSlice[float64](vv); !closeSlices(got, mapF([]float64{0, 1, 2, 3, 4, 5}, math.Sin), 1e-12) {
		t.Fatalf("vmap of vmap = %v", got)
	}
	// grad of vmap of vmap still uses the rule.
	gg := Grad(func(x *Array) *Array { return Sum(Vmap(Vmap(cf.Call, nil, nil), nil, nil)([]*Array{x})[0]) })(xx)
	want = mapF([]float64{0, 1, 2, 3, 4, 5}, func(x float64) float64 { return 2 * math.Cos(x) })
	if got := ToSlice[float64](gg); !closeSlices(got, want, 1e-12) {
		t.Fatalf("grad of vmap of vmap = %v, want %v", got, want)
	}

	// grad of grad differentiates the custom rule: d/dx 2cos(x) = -2sin(x).
	gg2 := Grad(func(x *Array) *Array {
		return Sum(Grad(func(x *Array) *Array { return Sum(cf.Call([]*Array{x})[0]) })(x))
	})(x)
	want = mapF(xs5, func(x float64) float64 { return -2 * math.Sin(x) })
	if got := ToSlice[float64](gg2); !closeSlices(got, want, 1e-12) {
		t.Fatalf("grad of grad = %v, want %v", got, want)
	}
}

func TestCustomCapturedArraysAreConstants(t *testing.T) {
	x, w := NewArray([]float64{1, 2}), NewArray([]float64{3, 4})
	_, g := ValueAndGrad(func(x, w *Array) *Array {
		cf := NewCustomFunction(func(in []*Array) []*Array { return []*Array{Multiply(in[0], w)} }).
			WithVJP(func(p, c, o []*Array) []*Array { return []*Array{Multiply(c[0], w)} })
		return Sum(cf.Call([]*Array{x})[0])
	}, 0, 1)(x, w)
	if gx, gw := ToSlice[float64](g[0]), ToSlice[float64](g[1]); !slices.Equal(gx, []float64{3, 4}) || !slices.Equal(gw, []float64{0, 0}) {
		t.Fatalf("grads %v %v, want [3 4] [0 0]", gx, gw)
	}
	// Under vmap a captured batched array cannot be honoured: a clear error.
	err := Catch(func() {
		Vmap(func(in []*Array) []*Array {
			cf := NewCustomFunction(func(a []*Array) []*Array { return []*Array{Multiply(a[0], in[1])} }).WithVJP(doubleCos)
			return cf.Call([]*Array{in[0]})
		}, nil, nil)([]*Array{Ones([]int{2, 3}), Ones([]int{2, 3})})
	})
	if err == nil || !strings.Contains(err.Error(), "custom_function: the function captures an array that vmap maps over") {
		t.Fatalf("got %v", err)
	}
}

func TestCustomErrors(t *testing.T) {
	x := NewArray([]float64{1, 2})
	sumOf := func(cf *CustomFunction) func(*Array) *Array {
		return func(x *Array) *Array { return Sum(cf.Call([]*Array{x})[0]) }
	}
	for _, c := range []struct {
		name, want string
		f          func()
	}{
		{"nil function", "custom_function: the function is nil", func() { NewCustomFunction(nil) }},
		{"nil input", "input 0 is a nil array", func() { NewCustomFunction(sinFn).WithVJP(doubleCos).Call([]*Array{nil}) }},
		{"no outputs", "returned no outputs", func() {
			NewCustomFunction(func([]*Array) []*Array { return nil }).WithVJP(doubleCos).Call([]*Array{x})
		}},
		{"vjp count", "the VJP rule returned 2 cotangents for 1 inputs", func() {
			Grad(sumOf(NewCustomFunction(sinFn).WithVJP(func(p, c, o []*Array) []*Array { return []*Array{c[0], c[0]} })))(x)
		}},
		{"vjp shape", "cotangent of shape (1,) for input 0 of shape (2,)", func() {
			Grad(sumOf(NewCustomFunction(sinFn).WithVJP(func(p, c, o []*Array) []*Array { return []*Array{Ones([]int{1})} })))(x)
		}},
		{"jvp shape", "tangent of shape (3,) for output 0 of shape (2,)", func() {
			JVP(NewCustomFunction(sinFn).WithJVP(func(p, t []*Array) []*Array { return []*Array{Ones([]int{3})} }).Call,
				[]*Array{x}, []*Array{x})
		}},
		{"vmap shape", "vmap rule returned output 0 of shape (3, 2), which is not the function's output shape (2,) with a batch axis of size 4", func() {
			Vmap(NewCustomFunction(sinFn).WithVmap(func(in []*Array, axes []int) ([]*Array, []int) {
				return []*Array{Ones([]int{3, 2})}, []int{0}
			}).Call, nil, nil)([]*Array{Ones([]int{4, 2})})
		}},
		{"checkpoint nil", "checkpoint: the function is nil", func() { Checkpoint(nil) }},
	} {
		err := Catch(c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// TestReadTracedValue reads a traced array inside each transform: the
// read panics at once with an *Error saying the array is being traced,
// rather than hanging or reading a value that is not there.
func TestReadTracedValue(t *testing.T) {
	x := NewArray([]float64{1, 2, 3})
	reads := map[string]func(a *Array){
		"item":     func(a *Array) { Item[float64](Sum(a)) },
		"to_slice": func(a *Array) { ToSlice[float64](a) },
		"to_slice as float32": func(a *Array) {
			ToSlice[float32](a)
		},
		"Item method": func(a *Array) { Sum(a).Item() },
		"eval": func(a *Array) {
			if err := Eval(Exp(a)); err != nil {
				panic(err)
			}
		},
		"eval, async": func(a *Array) { AsyncEval(a) },
	}
	for name, read := range reads {
		for _, tr := range []struct {
			transform string
			run       func()
		}{
			{"vjp", func() {
				Grad(func(a *Array) *Array { read(a); return Sum(a) })(x)
			}},
			{"jvp", func() {
				JVP(func(in []*Array) []*Array { read(in[0]); return in }, []*Array{x}, []*Array{x})
			}},
			{"vmap", func() {
				Vmap(func(in []*Array) []*Array { read(in[0]); return in }, nil, nil)([]*Array{x})
			}},
			{"vjp", func() { // inside a custom function's own graph
				cf := NewCustomFunction(func(in []*Array) []*Array { read(in[0]); return in }).WithVJP(doubleCos)
				Grad(func(a *Array) *Array { return Sum(cf.Call([]*Array{a})[0]) })(x)
			}},
			{"vjp", func() { // inside a custom VJP rule
				cf := NewCustomFunction(sinFn).WithVJP(func(p, c, o []*Array) []*Array { read(p[0]); return c })
				Grad(func(a *Array) *Array { return Sum(cf.Call([]*Array{a})[0]) })(x)
			}},
		} {
			err := Catch(tr.run)
			want := "while " + tr.transform + " traces it"
			op := strings.TrimSuffix(strings.Fields(name)[0], ",")
			if op == "Item" {
				op = "item"
			}
			if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "mx: "+op+": ") {
				t.Errorf("%s in %s: got %v, want an *Error containing %q", name, tr.transform, err, want)
			}
		}
	}
	// Once the transform is over, its results read normally.
	g := Grad(func(a *Array) *Array { return Sum(Square(a)) })(x)
	if got := ToSlice[float64](g); !slices.Equal(got, []float64{2, 4, 6}) {
		t.Fatalf("grad %v", got)
	}
}

func init() {
	r := rand.New(rand.NewPCG(7, 8))
	// Custom functions whose rules are the true derivatives: the table
	// checks them against finite differences and a loop.
	trueSin := NewCustomFunction(sinFn).
		WithVJP(func(p, c, o []*Array) []*Array { return []*Array{Multiply(c[0], Cos(p[0]))} }).
		WithJVP(func(p, t []*Array) []*Array { return []*Array{Multiply(t[0], Cos(p[0]))} }).
		WithVmap(func(in []*Array, axes []int) ([]*Array, []int) { return []*Array{Sin(in[0])}, axes })
	mulAdd := NewCustomFunction(func(in []*Array) []*Array {
		return []*Array{Add(Multiply(in[0], in[1]), in[2])}
	}).WithVJP(func(p, c, o []*Array) []*Array {
		cx := Sum(Multiply(c[0], p[1]), Axis(0))
		return []*Array{cx, Multiply(c[0], BroadcastTo(p[0], p[1].Shape())), c[0]}
	})
	block := Checkpoint(func(in []*Array) []*Array {
		return []*Array{Tanh(Add(Multiply(in[0], in[1]), in[2]))}
	})
	addGradCases(
		gradCase{name: "custom_function/sin", f: func(in []*Array) *Array { return trueSin.Call(in)[0] },
			in: []*Array{randArray(r, -2, 2, 2, 3)}, inAxes: []int{1}},
		gradCase{name: "custom_function/broadcast mul add", f: func(in []*Array) *Array { return mulAdd.Call(in)[0] },
			in:     []*Array{randArray(r, -2, 2, 3), randArray(r, -2, 2, 2, 3), randArray(r, -2, 2, 2, 3)},
			inAxes: []int{NoAxis, 1, 0}},
		gradCase{name: "checkpoint/tanh block", f: func(in []*Array) *Array { return block(in)[0] },
			in:     []*Array{randArray(r, -1, 1, 2, 3), randArray(r, -1, 1, 3), randArray(r, -1, 1, 3)},
			inAxes: []int{0, NoAxis, 0}},
	)
}
