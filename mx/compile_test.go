package mx

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func gelu(x *Array) *Array {
	return Multiply(Multiply(x, 0.5), Add(1, Erf(Divide(x, math.Sqrt2))))
}

func oneOut(f func(*Array) *Array) func([]*Array) []*Array {
	return func(in []*Array) []*Array { return []*Array{f(in[0])} }
}

// tapes returns the traces a compiled function holds.
func (c *compiledFunc) tapes() []*tape {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ts []*tape
	for e := c.lru.Front(); e != nil; e = e.Next() {
		ts = append(ts, e.Value.(*tape))
	}
	return ts
}

func assertClose(t *testing.T, what string, got, want *Array, rtol float64) {
	t.Helper()
	if !slices.Equal(got.Shape(), want.Shape()) || got.Dtype() != want.Dtype() {
		t.Fatalf("%s: got %v %v, want %v %v", what, got.Shape(), got.Dtype(), want.Shape(), want.Dtype())
	}
	var ok bool
	if got.Dtype().IsInexact() {
		ok = Item[bool](AllClose(got, want, Rtol(rtol), Atol(rtol), EqualNaN))
	} else {
		ok = Item[bool](ArrayEqual(got, want))
	}
	if !ok {
		t.Fatalf("%s: got\n%v\nwant\n%v", what, got, want)
	}
}

func TestCompileGelu(t *testing.T) {
	x := NewArray([]float32{-2, -1, -0.5, 0, 0.5, 1, 2, 3}, 2, 4)
	c := newCompiled(oneOut(gelu), nil)
	got := c.call([]*Array{x})[0]
	assertClose(t, "gelu", got, gelu(x), 0)
	tp := c.tapes()[0]
	if len(tp.nodes) != 1 || tp.countPrims("Compiled") != 1 {
		t.Fatalf("gelu should be one fused node, got\n%s", tp)
	}
	// Large enough to be split over the cores, with a strided input. A GPU
	// computes fused float32 erf in float (within 2 ulp), not in double.
	tol := 0.0
	if DefaultDevice().Type == GPUType {
		tol = 1e-6
	}
	big := Transpose(reshape(Arange(0, 3*5000, 1, Float32), []int{3, 5000}, DefaultStream()))
	big = Divide(big, 1000)
	assertClose(t, "gelu strided", c.call([]*Array{big})[0], gelu(big), tol)
}

// randomGraph builds a random chain of fusable ops on inputs of type dt.
func randomGraph(r *rand.Rand, dt Dtype, ins []*Array, steps int) *Array {
	pool := append([]*Array{}, ins...)
	pick := func() *Array { return pool[r.IntN(len(pool))] }
	for range steps {
		a, b := pick(), pick()
		var out *Array
		switch {
		case dt == Bool:
			switch r.IntN(5) {
			case 0:
				out = LogicalAnd(a, b)
			case 1:
				out = LogicalOr(a, b)
			case 2:
				out = LogicalNot(a)
			case 3:
				out = Equal(a, b)
			default:
				out = Where(a, b, LogicalNot(b))
			}
		case dt.IsInteger():
			switch r.IntN(9) {
			case 0:
				out = Add(a, b)
			case 1:
				out = Subtract(a, 3)
			case 2:
				out = Multiply(a, b)
			case 3:
				out = Maximum(a, b)
			case 4:
				out = Negative(a)
			case 5:
				out = Where(Less(a, b), a, 7)
			case 6:
				out = FloorDivide(a, b)
			case 7:
				out = AsType(Greater(a, 0), dt)
			default:
				out = Abs(a)
			}
		default:
			switch r.IntN(14) {
			case 0:
				out = Add(a, b)
			case 1:
				out = Subtract(a, b)
			case 2:
				out = Multiply(a, 0.5)
			case 3:
				out = Divide(a, Add(Abs(b), 1))
			case 4:
				out = Maximum(a, b)
			case 5:
				out = Exp(Negative(Abs(a)))
			case 6:
				out = Sin(a)
			case 7:
				out = Tanh(a)
			case 8:
				out = Sigmoid(a)
			case 9:
				out = Erf(a)
			case 10:
				out = Sqrt(Abs(a))
			case 11:
				out = Where(Greater(a, b), a, Square(b))
			case 12:
				out = AsType(AsType(a, Float32), dt)
			default:
				out = Log1p(Abs(a))
			}
		}
		pool = append(pool, out)
	}
	// Combine the last few so that the output depends on much of the pool.
	res := pool[len(pool)-1]
	if dt != Bool {
		res = Add(res, pool[len(pool)-2])
	}
	return res
}

func randomInput(r *rand.Rand, dt Dtype, shape []int) *Array {
	n := shapeSize(shape)
	v := make([]float64, n)
	for i := range v {
		v[i] = r.Float64()*6 - 3
	}
	a := AsType(NewArray(v, shape...), dt)
	if dt == Bool || dt.IsInteger() {
		w := make([]int32, n)
		for i := range w {
			w[i] = int32(r.IntN(9) - 4)
		}
		a = AsType(NewArray(w, shape...), dt)
	}
	return a
}

// TestCompileProperty checks that compiled random graphs of fusable ops
// give what the uncompiled ones give, over random shapes (broadcasting
// included) and dtypes.
func TestCompileProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dtypes := []Dtype{Float32, Float64, Float16, Bfloat16, Int32, Bool, Int8, Uint8}
	fused := 0
	for trial := range 150 {
		dt := dtypes[trial%len(dtypes)]
		nd := r.IntN(4)
		base := make([]int, nd)
		for i := range base {
			base[i] = 1 + r.IntN(5)
		}
		if trial%10 == 0 && nd > 0 {
			base[0] = 3000 // large enough to use several chunks and cores
		}
		nIn := 1 + r.IntN(3)
		ins := make([]*Array, nIn)
		for i := range ins {
			shape := slices.Clone(base[r.IntN(nd+1):])
			for k := range shape {
				if r.IntN(3) == 0 {
					shape[k] = 1
				}
			}
			ins[i] = randomInput(r, dt, shape)
			if i == 0 {
				ins[i] = randomInput(r, dt, base)
			}
		}
		seed := r.Uint64()
		f := func(in []*Array) []*Array {
			return []*Array{randomGraph(rand.New(rand.NewPCG(seed, 7)), dt, in, 2+int(seed%8))}
		}
		want := f(ins)[0]
		c := newCompiled(f, nil)
		got := c.call(ins)[0]
		tol := 1e-6
		if dt == Float16 || dt == Bfloat16 {
			tol = 1e-2
		}
		assertClose(t, dt.String()+" "+shapeString(base), got, want, tol)
		if c.tapes()[0].countPrims("Compiled") > 0 {
			fused++
		}
		// A second call reuses the trace.
		assertClose(t, "again", c.call(ins)[0], want, tol)
		if n := c.traces.Load(); n != 1 {
			t.Fatalf("traced %d times", n)
		}
	}
	t.Logf("%d of 150 graphs fused", fused)
	if fused < 100 {
		t.Fatalf("only %d of 150 graphs were fused", fused)
	}
}

// TestCompileRecompile counts traces: a compiled function traces again
// exactly when the shapes, the dtypes or the number of its inputs change.
func TestCompileRecompile(t *testing.T) {
	calls := 0
	f := func(in []*Array) []*Array {
		calls++
		s := in[0]
		for _, x := range in[1:] {
			s = Add(s, x)
		}
		return []*Array{Exp(Multiply(s, 2))}
	}
	g := Compile(f)
	x := NewArray([]float32{1, 2, 3})
	check := func(what string, want int, in ...*Array) {
		t.Helper()
		got := g(in)[0]
		if calls != want {
			t.Fatalf("%s: %d traces, want %d", what, calls, want)
		}
		calls = 0
		wantOut := f(in)[0]
		calls = 0
		assertClose(t, what, got, wantOut, 1e-6)
	}
	check("first", 1, x)
	check("same signature", 0, x)
	check("new values", 0, NewArray([]float32{4, 5, 6}))
	check("view of same shape", 0, Transpose(NewArray([]float32{4, 5, 6}, 3)))
	check("shape", 1, NewArray([]float32{1, 2, 3, 4}))
	check("dtype", 1, NewArray([]float64{1, 2, 3}))
	check("number of inputs", 1, x, x)
	check("back to the first", 0, x)
	check("back to two", 0, x, NewArray([]float32{0, 0, 1}))

	calls = 0
	h := Compile(f, Shapeless)
	check2 := func(what string, want int, in ...*Array) {
		t.Helper()
		got := h(in)[0]
		if calls != want {
			t.Fatalf("shapeless %s: %d traces, want %d", what, calls, want)
		}
		calls = 0
		wantOut := f(in)[0]
		calls = 0
		assertClose(t, what, got, wantOut, 1e-6)
	}
	check2("first", 1, x)
	check2("shape", 0, NewArray([]float32{1, 2, 3, 4, 5}))
	check2("broadcast shapes", 1, x, NewArray([]float32{1, 2}, 2, 1))
	check2("other broadcast shapes", 0, NewArray([]float32{1, 2, 3, 4}), NewArray([]float32{1, 2, 3}, 3, 1))
	check2("ndim", 1, NewArray([]float32{1, 2, 3, 4}, 2, 2))
	check2("dtype", 1, NewArray([]float64{1, 2, 3, 4}, 2, 2))
}

func TestCompileShapelessRefuses(t *testing.T) {
	g := Compile(func(in []*Array) []*Array {
		return []*Array{Reshape(Exp(in[0]), []int{-1, 2})}
	}, Shapeless)
	err := Catch(func() { g([]*Array{NewArray([]float32{1, 2, 3, 4})}) })
	if err == nil || !strings.Contains(err.Error(), "Reshape") || !strings.Contains(err.Error(), "shapeless") {
		t.Fatalf("got %v", err)
	}
	// Sum and Matmul infer their shapes.
	h := Compile(func(in []*Array) []*Array {
		return []*Array{Sum(Matmul(in[0], in[1]), Axis(-1), KeepDims)}
	}, Shapeless)
	for _, n := range []int{2, 3} {
		a := Reshape(Arange(0, float64(n*4), 1, Float32), []int{n, 4})
		b := Reshape(Arange(0, 12, 1, Float32), []int{4, 3})
		assertClose(t, "matmul", h([]*Array{a, b})[0], Sum(Matmul(a, b), Axis(-1), KeepDims), 1e-6)
	}
}

// TestCompileSimplify inspects simplified graphs.
func TestCompileSimplify(t *testing.T) {
	x := NewArray([]float32{1, 2, 3})
	trace := func(f func([]*Array) []*Array, in ...*Array) *tape {
		c := newCompiled(f, nil)
		c.cfg.noFuse = true
		c.call(in)
		return c.tapes()[0]
	}
	// Common subexpressions, with equal scalar constants made separately.
	tp := trace(func(in []*Array) []*Array {
		a := Multiply(Exp(in[0]), 2)
		b := Multiply(Exp(in[0]), 2)
		return []*Array{Add(a, b)}
	}, x)
	if tp.countPrims("exp") != 1 || tp.countPrims("Multiply") != 1 || len(tp.nodes) != 3 {
		t.Fatalf("CSE left\n%s", tp)
	}
	// Different constants and different casts are not merged.
	tp = trace(func(in []*Array) []*Array {
		return []*Array{Add(Multiply(in[0], 2), Multiply(in[0], 3)),
			Add(AsType(in[0], Float64), AsType(AsType(in[0], Int32), Float64))}
	}, x)
	if tp.countPrims("Multiply") != 2 || tp.countPrims("AsType") != 3 {
		t.Fatalf("over-merged\n%s", tp)
	}
	// StopGradient and identity copies go outside autodiff.
	tp = trace(func(in []*Array) []*Array {
		return []*Array{Add(StopGradient(in[0]), 1)}
	}, x)
	if tp.countPrims("StopGradient") != 0 || len(tp.nodes) != 1 {
		t.Fatalf("no-ops left\n%s", tp)
	}
	tp = trace(func(in []*Array) []*Array {
		return []*Array{Grad(func(a *Array) *Array { return Sum(Square(a)) })(in[0])}
	}, x)
	if tp.countPrims("Copy") != 0 {
		t.Fatalf("identity copies left\n%s", tp)
	}
	// Under a transform StopGradient stays, so gradients stop.
	g := Grad(func(a *Array) *Array {
		return Sum(Compile(func(in []*Array) []*Array {
			return []*Array{Multiply(StopGradient(in[0]), in[0])}
		})([]*Array{a})[0])
	})(x)
	assertClose(t, "stop gradient", g, x, 0)
	// The fused graph of gelu twice over one input is one kernel.
	c := newCompiled(func(in []*Array) []*Array {
		return []*Array{Add(gelu(in[0]), gelu(in[0]))}
	}, nil)
	c.call([]*Array{x})
	if tp := c.tapes()[0]; len(tp.nodes) != 1 || len(tp.nodes[0].prim.(*fusedPrim).prog.Instrs) != 10 {
		t.Fatalf("fused gelu+gelu:\n%s\n%s", tp, tp.nodes[0].prim.(*fusedPrim).prog)
	}
}

func TestCompileReadInside(t *testing.T) {
	x := NewArray([]float32{1, 2, 3})
	for name, read := range map[string]func(a *Array){
		"item":     func(a *Array) { Item[float32](Sum(a)) },
		"to_slice": func(a *Array) { ToSlice[float32](a) },
		"eval":     func(a *Array) { Eval(a) },
	} {
		g := Compile(func(in []*Array) []*Array {
			y := Exp(in[0])
			read(y)
			return []*Array{y}
		})
		err := Catch(func() { g([]*Array{x}) })
		if err == nil || !strings.Contains(err.Error(), name+": cannot read a value inside mx.Compile: the function is being traced") {
			t.Fatalf("%s: got %v", name, err)
		}
	}
	// Printing does not panic.
	var s string
	Compile(func(in []*Array) []*Array { s = in[0].String(); return in })([]*Array{x})
	if !strings.Contains(s, "compile") {
		t.Fatalf("printed %q", s)
	}
	// Captured arrays may be read.
	w := NewArray([]float32{2})
	y := Compile(func(in []*Array) []*Array {
		return []*Array{Multiply(in[0], Item[float32](w))}
	})([]*Array{x})[0]
	assertClose(t, "captured", y, Multiply(x, 2), 0)
}

func TestCompileTransforms(t *testing.T) {
	w := NewArray([]float64{0.5, -1, 2, 0.25, 3, -0.75}, 2, 3)
	x := NewArray([]float64{1, -2, 0.5, 3, -1.5, 0.1}, 2, 3)
	f := func(a, b *Array) *Array { return Sum(Multiply(gelu(Multiply(a, b)), Tanh(a))) }
	inner := func(in []*Array) []*Array { return []*Array{Multiply(gelu(Multiply(in[0], in[1])), Tanh(in[0]))} }
	cf := Compile(inner)
	fc := func(a, b *Array) *Array { return Sum(cf([]*Array{a, b})[0]) }

	// grad(compile(f))
	_, want := ValueAndGrad(f, 0, 1)(w, x)
	_, got := ValueAndGrad(fc, 0, 1)(w, x)
	for i := range want {
		assertClose(t, "grad(compile)", got[i], want[i], 1e-12)
	}
	// grad of grad through the fused node
	gg := Grad(func(a *Array) *Array { return Sum(Grad(fc)(a, x)) })(w)
	ggWant := Grad(func(a *Array) *Array { return Sum(Grad(f)(a, x)) })(w)
	assertClose(t, "grad(grad(compile))", gg, ggWant, 1e-10)

	// compile(grad(f))
	cg := Compile(func(in []*Array) []*Array {
		l, g := ValueAndGrad(f, 0, 1)(in[0], in[1])
		return append([]*Array{l}, g...)
	})
	res := cg([]*Array{w, x})
	for i := range want {
		assertClose(t, "compile(grad)", res[1+i], want[i], 1e-12)
	}
	res = cg([]*Array{x, w})
	_, want2 := ValueAndGrad(f, 0, 1)(x, w)
	assertClose(t, "compile(grad) again", res[1], want2[0], 1e-12)

	// jvp(compile(f))
	_, jt := JVP(cf, []*Array{w, x}, []*Array{x, w})
	_, jw := JVP(inner, []*Array{w, x}, []*Array{x, w})
	assertClose(t, "jvp(compile)", jt[0], jw[0], 1e-12)

	// vmap(compile(f)), batch along axis 0 of the first input only.
	vm := Vmap(cf, []int{0, NoAxis}, nil)([]*Array{w, x.rowOf(0)})
	vw := Vmap(inner, []int{0, NoAxis}, nil)([]*Array{w, x.rowOf(0)})
	assertClose(t, "vmap(compile)", vm[0], vw[0], 1e-12)
}

// rowOf returns row i of a 2-d array.
func (a *Array) rowOf(i int) *Array {
	return Squeeze(sliceAxis(a, 0, S(i, i+1), DefaultStream()), Axis(0))
}

// TestCompileState runs a compiled training step that reads and updates a
// model through CompileInputs and CompileOutputs.
func TestCompileState(t *testing.T) {
	type model struct {
		W, B *Array
	}
	m := &model{W: NewArray([]float32{1, -1, 0.5}), B: NewArray([]float32{0})}
	ref := &model{W: m.W, B: m.B}
	x := NewArray([]float32{1, 2, 3, 0.5, -1, 2}, 2, 3)
	y := NewArray([]float32{1, -1})
	loss := func(w, b, x, y *Array) *Array {
		p := Add(Sum(Multiply(x, w), Axis(-1)), b)
		return Mean(Square(Subtract(p, y)))
	}
	step := func(mm *model, in []*Array) *Array {
		l, g := ValueAndGrad(func(args ...*Array) *Array { return loss(args[0], args[1], args[2], args[3]) }, 0, 1)(mm.W, mm.B, in[0], in[1])
		mm.W = Subtract(mm.W, Multiply(g[0], 0.1))
		mm.B = Subtract(mm.B, Multiply(g[1], 0.1))
		return l
	}
	traces := 0
	cstep := Compile(func(in []*Array) []*Array {
		traces++
		return []*Array{step(m, in)}
	}, CompileInputs(m), CompileOutputs(m))
	for i := range 5 {
		l := cstep([]*Array{x, y})[0]
		lw := step(ref, []*Array{x, y})
		assertClose(t, "loss", l, lw, 1e-6)
		assertClose(t, "W", m.W, ref.W, 1e-6)
		assertClose(t, "B", m.B, ref.B, 1e-6)
		if m.W.trace != nil && m.W.trace.active.Load() {
			t.Fatalf("step %d left a traced array in the model", i)
		}
	}
	if traces != 1 {
		t.Fatalf("%d traces", traces)
	}
	// A random key as state: each call draws new numbers.
	type rng struct{ Key *Array }
	st := &rng{Key: NewArray([]uint32{0, 42})}
	draw := Compile(func(in []*Array) []*Array {
		k := st.Key
		st.Key = Add(k, NewArray([]uint32{0, 1}))
		return []*Array{Add(in[0], AsType(k, Float32))}
	}, CompileInputs(st), CompileOutputs(st))
	a := draw([]*Array{NewArray([]float32{0, 0})})[0]
	b := draw([]*Array{NewArray([]float32{0, 0})})[0]
	if Item[bool](ArrayEqual(a, b)) || !Item[bool](ArrayEqual(st.Key, NewArray([]uint32{0, 44}))) {
		t.Fatalf("state not threaded: %v %v %v", a, b, st.Key)
	}
}

func TestCompileDisable(t *testing.T) {
	calls := 0
	g := Compile(func(in []*Array) []*Array { calls++; return []*Array{Exp(in[0])} })
	x := NewArray([]float32{1})
	DisableCompile()
	g([]*Array{x})
	g([]*Array{x})
	EnableCompile()
	g([]*Array{x})
	g([]*Array{x})
	if calls != 3 {
		t.Fatalf("%d calls, want 3", calls)
	}
}

// TestCompileCacheBound checks that a compiled function keeps a bounded
// number of traces, and that traces go with the functions that are
// dropped.
func TestCompileCacheBound(t *testing.T) {
	c := newCompiled(oneOut(func(a *Array) *Array { return Exp(a) }), nil)
	for n := 1; n <= 2*compileCacheSize; n++ {
		c.call([]*Array{Zeros([]int{n})})
	}
	if len(c.tapes()) != compileCacheSize || len(c.entries) != compileCacheSize {
		t.Fatalf("%d traces kept", len(c.tapes()))
	}
	c = nil
	before := liveTapes.Load()
	for range 200 {
		k := NewArray([]float32{2})
		g := Compile(func(in []*Array) []*Array { return []*Array{Multiply(Exp(in[0]), k)} })
		Eval(g([]*Array{Zeros([]int{3})})...)
	}
	deadline := time.Now().Add(10 * time.Second)
	for liveTapes.Load() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := liveTapes.Load(); n > before {
		t.Fatalf("%d traces still alive (%d before)", n, before)
	}
}

// TestCompileEdges covers empty and 0-d inputs, a function returning its
// input or a constant, and calls from several goroutines.
func TestCompileEdges(t *testing.T) {
	f := func(in []*Array) []*Array { return []*Array{Add(Exp(in[0]), Multiply(in[0], 2))} }
	g := Compile(f)
	for _, x := range []*Array{Zeros([]int{0, 3}), Scalar(float32(1.5)), NewArray([]float64{-1, 2}, 2, 1)} {
		assertClose(t, shapeString(x.Shape()), g([]*Array{x})[0], f([]*Array{x})[0], 1e-6)
	}
	k := NewArray([]float32{7})
	h := Compile(func(in []*Array) []*Array { return []*Array{in[0], k, Negative(in[0])} })
	out := h([]*Array{NewArray([]float32{1})})
	assertClose(t, "identity", out[0], NewArray([]float32{1}), 0)
	assertClose(t, "constant", out[1], k, 0)
	x := NewArray([]float32{1, 2, 3})
	want := f([]*Array{x})[0]
	done := make(chan *Array, 8)
	for range 8 {
		go func() { done <- g([]*Array{x})[0] }()
	}
	for range 8 {
		assertClose(t, "concurrent", <-done, want, 1e-6)
	}
}

// TestCompileLargeOutput runs a fused program over many chunks and cores,
// of a length that is not a whole number of vectors: compiled equals
// uncompiled, bit for bit on the CPU (the GPU's fused erf is computed in
// float, within 2 ulp).
func TestCompileLargeOutput(t *testing.T) {
	x := benchRandom(7, 3<<20+5)
	f := func(in []*Array) []*Array { return []*Array{gelu(in[0])} }
	got, want := Compile(f)([]*Array{x})[0], f([]*Array{x})[0]
	same := ArrayEqual(got, want)
	if DefaultDevice() != CPU {
		same = AllClose(got, want, Rtol(1e-6), Atol(1e-7))
	}
	if !Item[bool](same) {
		t.Fatal("compiled gelu differs from op-by-op gelu")
	}
}
