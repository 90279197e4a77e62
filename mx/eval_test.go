package mx

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

func TestAddLazy(t *testing.T) {
	a := NewArray([]int32{1, 2, 3, 4})
	b := NewArray([]float32{1, 2, 3, 4})
	c := Add(a, b)
	if c.Dtype() != Float32 || !slices.Equal(c.Shape(), []int{4}) {
		t.Fatalf("got %v %v", c.Dtype(), c.Shape())
	}
	if c.IsAvailable() {
		t.Fatal("computed before Eval")
	}
	if err := Eval(c); err != nil {
		t.Fatal(err)
	}
	if got := ToSlice[float32](c); !slices.Equal(got, []float32{2, 4, 6, 8}) {
		t.Fatalf("got %v", got)
	}
}

func TestLongChain(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	x := Scalar(0, Int32)
	for i := 0; i < 1_000_000; i++ {
		x = Add(x, 1)
	}
	if got := Item[int32](x); got != 1_000_000 {
		t.Fatalf("got %d", got)
	}
}

func TestStreamsConcurrent(t *testing.T) {
	s1, s2 := NewStream(CPU), NewStream(CPU)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				a := NewArray([]float32{1, 2, 3})
				b := NewArray([]float32{4, 5, 6})
				c := Add(a, b, s1)
				d := Add(a, c, s2)
				if got := ToSlice[float32](d); !slices.Equal(got, []float32{6, 9, 12}) {
					t.Errorf("got %v", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// countPrim adds one to its input and counts how often its kernel runs.
type countPrim struct{ runs *int64 }

func (countPrim) Name() string { return "Count" }

func (p countPrim) Eval(s Stream, in, out []*Array) error {
	atomic.AddInt64(p.runs, 1)
	return binaryPrim{core.Add, "add"}.Eval(s, []*Array{in[0], Scalar(1, in[0].dtype)}, out)
}

func TestEvalTwiceDoesNoWork(t *testing.T) {
	var runs int64
	x := NewArray([]float32{1, 2})
	y := newArray(countPrim{&runs}, DefaultStream(), []*Array{x}, x.shape, x.dtype)
	z := Add(y, y)
	for i := 0; i < 3; i++ {
		if err := Eval(z, y); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Fatalf("kernel ran %d times", runs)
	}
	if got := ToSlice[float32](z); !slices.Equal(got, []float32{4, 6}) {
		t.Fatalf("got %v", got)
	}
}

func TestEvalFailurePropagates(t *testing.T) {
	bad := newArray(placeholderPrim{}, DefaultStream(), nil, []int{2}, Float32)
	y := Add(bad, 1)
	good := Add(NewArray([]float32{1}), 1)
	err := Eval(y, good)
	if err == nil {
		t.Fatal("no error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not *Error", err)
	}
	if !good.IsAvailable() {
		t.Fatal("the array that could be computed was not")
	}
	// Reading a failed array panics with the same *Error.
	if err := Catch(func() { ToSlice[float32](y) }); err == nil {
		t.Fatal("reading a failed array did not fail")
	}
}

func TestGPUUnavailable(t *testing.T) {
	if IsAvailable(GPU) {
		t.Skip("a GPU is available")
	}
	err := Catch(func() { Add(NewArray([]float32{1}), 1, GPU) })
	if err == nil || !strings.Contains(err.Error(), "gpu") {
		t.Fatalf("got %v", err)
	}
}

func TestCatchPassesOtherPanics(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("got %v", r)
		}
	}()
	Catch(func() { panic("boom") })
}

func TestShapeErrorAtCall(t *testing.T) {
	err := Catch(func() { Add(NewArray([]float32{1, 2, 3}), NewArray([]float32{1, 2})) })
	if err == nil || !strings.Contains(err.Error(), "add") || !strings.Contains(err.Error(), "(3,)") {
		t.Fatalf("got %v", err)
	}
}

func TestWithStream(t *testing.T) {
	s := NewStream(CPU)
	before := DefaultStream()
	WithStream(s, func() {
		if DefaultStream() != s {
			t.Error("default stream not set inside WithStream")
		}
		if got := Item[float32](Add(Scalar(1.0), 2)); got != 3 {
			t.Errorf("got %v", got)
		}
	})
	if DefaultStream() != before {
		t.Error("default stream not restored")
	}
}

func TestAsyncEvalThenRead(t *testing.T) {
	x := Add(NewArray([]float32{1, 2, 3}), 1)
	AsyncEval(x)
	Synchronize()
	if !x.IsAvailable() {
		t.Fatal("not available after Synchronize")
	}
	if got := ToSlice[float32](x); !slices.Equal(got, []float32{2, 3, 4}) {
		t.Fatalf("got %v", got)
	}
}

func TestEvalShallowestFirst(t *testing.T) {
	// A chain c1 -> c2 -> c3 with a tap on each link: whatever the order
	// given, each tap runs as soon as its link exists, so that no link
	// waits for its tap.
	var log []string
	op := func(name string, x *Array) *Array {
		return newArray(orderPrim{name, &log}, DefaultStream(), []*Array{x}, x.shape, x.dtype)
	}
	for _, deepFirst := range []bool{false, true} {
		log = nil
		x := NewArray([]float32{1, 2})
		c1 := op("c1", x)
		c2 := op("c2", c1)
		c3 := op("c3", c2)
		t1, t2, t3 := op("t1", c1), op("t2", c2), op("t3", c3)
		u, w := op("u", x), op("w", x)
		roots := []*Array{w, t1, t2, t3, u}
		if deepFirst {
			roots = []*Array{t3, t2, w, t1, u}
		}
		if err := Eval(roots...); err != nil {
			t.Fatal(err)
		}
		// w and u are as shallow as c1 and keep their order.
		want := []string{"w", "u", "c1", "t1", "c2", "t2", "c3", "t3"}
		if !slices.Equal(log, want) {
			t.Errorf("deep first %v: ran %v, want %v", deepFirst, log, want)
		}
	}
}
