package random

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/mx"
)

// The robustness sweep of package random (see mx's robust_test.go): every
// sampler called with hostile arguments must succeed (its result then
// evaluates, or fails with an error from Eval) or panic with an *mx.Error
// naming an op; never another panic or a hang.

type robustProber struct {
	t     *testing.T
	calls int
	fails map[string]int
	seen  map[string]bool
}

func newRobustProber(t *testing.T) *robustProber {
	old := mx.SetMemoryLimit(256 << 20)
	t.Cleanup(func() { mx.SetMemoryLimit(old) })
	return &robustProber{t: t, fails: map[string]int{}, seen: map[string]bool{}}
}

func (p *robustProber) probe(op, args string, f func() *mx.Array) {
	p.t.Helper()
	p.calls++
	done := make(chan string, 1)
	go func() { done <- robustCall(robustOpNames[op], f) }()
	select {
	case why := <-done:
		if why == "" {
			return
		}
		p.fails[op]++
		if key := op + "\x00" + why; !p.seen[key] {
			p.seen[key] = true
			p.t.Errorf("%s(%s): %s", op, args, why)
		}
	case <-time.After(time.Minute):
		p.t.Fatalf("%s(%s): hang", op, args)
	}
}

func (p *robustProber) report() {
	p.t.Helper()
	for op, n := range p.fails {
		p.t.Errorf("%s: %d failing calls", op, n)
	}
	p.t.Logf("%d calls", p.calls)
}

// robustOpNames are the op names that the samplers' errors give.
var robustOpNames = map[string]string{
	"Uniform": "uniform", "Normal": "normal", "Laplace": "laplace", "Randint": "randint",
	"TruncatedNormal": "truncated_normal", "Bernoulli": "bernoulli", "Gumbel": "gumbel",
	"Categorical": "categorical", "CategoricalSamples": "categorical", "Bits": "bits", "Split": "split",
}

// robustCall runs f and says what went wrong, or "". An argument error must
// name op; errors of evaluation may name any op.
func robustCall(op string, f func() *mx.Array) (why string) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if err, ok := r.(error); ok {
			var e *mx.Error
			if errors.As(err, &e) {
				why = checkError(e)
				var oom *core.OutOfMemoryError
				if why == "" && e.Op != op && !errors.As(e, &oom) {
					why = fmt.Sprintf("error names %q, not %q: %v", e.Op, op, e)
				}
				return
			}
		}
		why = fmt.Sprintf("panic %T: %v\n%s", r, r, mxFrames(string(debug.Stack())))
	}()
	a := f()
	if a == nil {
		return "nil result"
	}
	n := big.NewInt(1)
	for _, d := range a.Shape() {
		if d < 0 {
			return fmt.Sprintf("result of shape %v", a.Shape())
		}
		if d > 0 {
			n.Mul(n, big.NewInt(int64(d)))
		}
	}
	if n.Cmp(big.NewInt(math.MaxInt)) > 0 {
		return fmt.Sprintf("result of shape %v has %v elements", a.Shape(), n)
	}
	if err := mx.Eval(a); err != nil {
		var e *mx.Error
		if !errors.As(err, &e) {
			return fmt.Sprintf("eval failed with %T, not *mx.Error: %v", err, err)
		}
		return checkError(e)
	}
	return ""
}

func checkError(e *mx.Error) string {
	switch {
	case e.Op == "":
		return "error names no op: " + e.Error()
	case strings.Contains(e.Msg, "internal error"):
		msg, _, _ := strings.Cut(e.Error(), "\n")
		return msg + "\n" + mxFrames(e.Msg)
	}
	return ""
}

// mxFrames returns the function names of a stack trace inside mlxgo.
func mxFrames(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "mlxgo/") && !strings.HasPrefix(l, "\t") && !strings.Contains(l, "robust_test") {
			if j := strings.LastIndex(l, "("); j > 0 {
				l = l[:j]
			}
			keep = append(keep, "    "+l)
		}
	}
	return strings.Join(keep[:min(len(keep), 4)], "\n")
}

func TestRobustSamplers(t *testing.T) {
	p := newRobustProber(t)
	f32 := mx.NewArray([]float32{0.1, 0.5, 0.9, -1, 2, 0}, 2, 3)
	failed := mx.Divide(mx.Zeros([]int{1 << 20, 1 << 20}), 2) // fails: too large
	key := Key(7)
	arrays := []struct {
		name string
		v    *mx.Array
	}{
		{"nil", nil}, {"f32(2,3)", f32}, {"f32()", mx.Scalar(0.5)}, {"f32(0)", mx.Zeros([]int{0})},
		{"f32(2,0,3)", mx.Zeros([]int{2, 0, 3})}, {"i32(3)", mx.Arange(3)}, {"bool(2)", mx.NewArray([]bool{true, false})},
		{"c64()", mx.Scalar(complex(1, 1))}, {"key", key}, {"keys(3,2)", Split(key, 3)},
		{"u32(3)", mx.NewArray([]uint32{1, 2, 3})}, {"u64(2)", mx.NewArray([]uint64{1, 2})},
		{"f32[nan,inf]", mx.NewArray([]float32{float32(math.NaN()), float32(math.Inf(1))})},
		{"failed", failed},
	}
	values := []struct {
		name string
		v    any
	}{
		{"nil", nil}, {"0", 0}, {"1", 1}, {"-1", -1}, {"0.5", 0.5}, {"NaN", math.NaN()}, {"Inf", math.Inf(1)},
		{"-Inf", math.Inf(-1)}, {"1e300", 1e300}, {"MaxUint64", uint64(math.MaxUint64)},
		{"MinInt64", int64(math.MinInt64)}, {"true", true}, {"1+1i", complex(1, 1)}, {"string", "x"},
		{"[]float32", []float32{1}}, {"nil *Array", (*mx.Array)(nil)},
	}
	for _, a := range arrays {
		values = append(values, struct {
			name string
			v    any
		}{a.name, a.v})
	}
	shapes := []struct {
		name string
		v    []int
	}{
		{"nil", nil}, {"()", []int{}}, {"(0,)", []int{0}}, {"(3,)", []int{3}}, {"(2,3)", []int{2, 3}},
		{"(-1,)", []int{-1}}, {"(MinInt,)", []int{math.MinInt}}, {"(1<<31,1<<31)", []int{1 << 31, 1 << 31}},
		{"(1<<40,1<<40)", []int{1 << 40, 1 << 40}}, {"(MaxInt,2)", []int{math.MaxInt, 2}},
		{"(0,MaxInt,MaxInt)", []int{0, math.MaxInt, math.MaxInt}}, {"(1<<20,1<<20)", []int{1 << 20, 1 << 20}},
		{"(3,0x5555555555555556)", []int{3, 0x5555555555555556}}, {"(1<<32,1<<32,0)", []int{1 << 32, 1 << 32, 0}},
	}
	options := []struct {
		name string
		v    []mx.Option
	}{
		{"", nil}, {"nil option", []mx.Option{nil}}, {"Float64", []mx.Option{mx.Float64}},
		{"Float16", []mx.Option{mx.Float16}}, {"Int32", []mx.Option{mx.Int32}}, {"Bool", []mx.Option{mx.Bool}},
		{"Uint64", []mx.Option{mx.Uint64}}, {"Complex64", []mx.Option{mx.Complex64}},
		{"Dtype(200)", []mx.Option{mx.Dtype(200)}}, {"Axis(0)", []mx.Option{mx.Axis(0)}},
		{"Axis(5)", []mx.Option{mx.Axis(5)}}, {"Axes(0,1)", []mx.Option{mx.Axes(0, 1)}},
		{"KeepDims", []mx.Option{mx.KeepDims}}, {"Ddof(1)", []mx.Option{mx.Ddof(1)}},
		{"Stream(1<<30)", []mx.Option{mx.Stream{Index: 1 << 30}}}, {"GPU", []mx.Option{mx.GPU}},
		{"EqualNaN", []mx.Option{mx.EqualNaN}},
	}
	for _, a := range arrays {
		options = append(options, struct {
			name string
			v    []mx.Option
		}{"WithKey(" + a.name + ")", []mx.Option{mx.WithKey(a.v)}})
	}
	for _, s := range shapes {
		for _, o := range options {
			args := s.name + ", " + o.name
			p.probe("Uniform", "0, 1, "+args, func() *mx.Array { return Uniform(0, 1, s.v, o.v...) })
			p.probe("Normal", "0, 1, "+args, func() *mx.Array { return Normal(0, 1, s.v, o.v...) })
			p.probe("Normal", "1, 2, "+args, func() *mx.Array { return Normal(1, 2, s.v, o.v...) })
			p.probe("Laplace", "1, 2, "+args, func() *mx.Array { return Laplace(1, 2, s.v, o.v...) })
			p.probe("Randint", "0, 10, "+args, func() *mx.Array { return Randint(0, 10, s.v, o.v...) })
			p.probe("TruncatedNormal", "-1, 1, "+args, func() *mx.Array { return TruncatedNormal(-1, 1, s.v, o.v...) })
			p.probe("Bernoulli", "0.5, "+args, func() *mx.Array { return Bernoulli(0.5, s.v, o.v...) })
			p.probe("Gumbel", args, func() *mx.Array { return Gumbel(s.v, o.v...) })
			p.probe("Categorical", "f32(2,3), "+args, func() *mx.Array { return Categorical(f32, s.v, o.v...) })
			for _, w := range []int{-1, 0, 1, 2, 3, 4, 8, math.MaxInt} {
				p.probe("Bits", fmt.Sprintf("%s, %d, %s", s.name, w, o.name), func() *mx.Array { return Bits(s.v, w, o.v...) })
			}
		}
	}
	for _, v := range values {
		for _, w := range values {
			args := v.name + ", " + w.name + ", (2,3)"
			p.probe("Uniform", args, func() *mx.Array { return Uniform(v.v, w.v, []int{2, 3}) })
			p.probe("Normal", args, func() *mx.Array { return Normal(v.v, w.v, []int{2, 3}) })
			p.probe("Normal", args+", Complex64", func() *mx.Array { return Normal(v.v, w.v, []int{2, 3}, mx.Complex64) })
			p.probe("Laplace", args, func() *mx.Array { return Laplace(v.v, w.v, []int{2, 3}) })
			p.probe("Randint", args, func() *mx.Array { return Randint(v.v, w.v, []int{2, 3}) })
			p.probe("Randint", args+", Uint8", func() *mx.Array { return Randint(v.v, w.v, []int{2, 3}, mx.Uint8) })
			p.probe("TruncatedNormal", args, func() *mx.Array { return TruncatedNormal(v.v, w.v, []int{2, 3}) })
			p.probe("TruncatedNormal", v.name+", "+w.name+", nil", func() *mx.Array { return TruncatedNormal(v.v, w.v, nil) })
		}
		p.probe("Bernoulli", v.name+", nil", func() *mx.Array { return Bernoulli(v.v, nil) })
		p.probe("Bernoulli", v.name+", (2,3)", func() *mx.Array { return Bernoulli(v.v, []int{2, 3}) })
	}
	for _, a := range arrays {
		for _, n := range []int{-1, 0, 1, 3, 1 << 40, math.MaxInt} {
			args := fmt.Sprintf("%s, %d", a.name, n)
			p.probe("Split", args, func() *mx.Array { return Split(a.v, n) })
			p.probe("CategoricalSamples", args, func() *mx.Array { return CategoricalSamples(a.v, n) })
			p.probe("CategoricalSamples", args+", Axis(0)", func() *mx.Array { return CategoricalSamples(a.v, n, mx.Axis(0)) })
		}
		for _, s := range shapes {
			p.probe("Categorical", a.name+", "+s.name, func() *mx.Array { return Categorical(a.v, s.v) })
		}
		for _, o := range options {
			p.probe("Split", a.name+", 2, "+o.name, func() *mx.Array { return Split(a.v, 2, o.v...) })
			p.probe("Categorical", a.name+", nil, "+o.name, func() *mx.Array { return Categorical(a.v, nil, o.v...) })
			p.probe("CategoricalSamples", a.name+", 2, "+o.name, func() *mx.Array { return CategoricalSamples(a.v, 2, o.v...) })
		}
	}
	p.report()
}

func TestUnusableOptionRefused(t *testing.T) {
	err := mx.Catch(func() { Uniform(0, 1, []int{2}, mx.Rtol(1e-3)) })
	var e *mx.Error
	if !errors.As(err, &e) {
		t.Fatalf("Uniform with an Rtol option: got %v, want *mx.Error", err)
	}
}
