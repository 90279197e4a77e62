package mx

import (
	"bytes"
	"math"
	"slices"
	"sync"
	"testing"
	"unsafe"
)

// The fast paths of the op front end and the scheduler must give what the
// plain paths give.

func TestWeakScalarDirectMatchesConvert(t *testing.T) {
	values := []any{
		false, true,
		0, 1, -1, 127, 128, 255, 256, -129, 40000, -40000, math.MaxInt32, math.MinInt32,
		int64(1) << 40, int64(math.MaxInt64), int64(math.MinInt64), int8(-5), uint8(200),
		uint(7), uint64(1)<<63 + 5, uint64(math.MaxUint64),
		0.0, 0.5, -1.5, 1e10, -1e10, 65504.5, 1e-8, 3.5e38, math.NaN(), math.Inf(1), math.Inf(-1),
		float32(0.1), complex(1, 2), complex64(-3 + 0.5i),
	}
	direct := 0
	for _, v := range values {
		w := weakScalar("test", v)
		for _, dt := range allDtypes {
			d := w.arrayDirect(dt)
			if d == nil {
				continue
			}
			direct++
			c := w.arrayConvert(dt)
			if d.dtype != dt || len(d.shape) != 0 || !d.IsAvailable() {
				t.Fatalf("%T %v as %v: got dtype %v shape %v", v, v, dt, d.dtype, d.shape)
			}
			n := dt.Size()
			if got, want := d.buf.Bytes()[:n], c.buf.Bytes()[:n]; !bytes.Equal(got, want) {
				t.Errorf("%T %v as %v: direct bytes %x, converted %x", v, v, dt, got, want)
			}
		}
	}
	if direct < len(values)*len(allDtypes)/2 {
		t.Errorf("only %d of %d scalars made directly", direct, len(values)*len(allDtypes))
	}
}

func TestBroadcastPair(t *testing.T) {
	cases := []struct{ a, b, want []int }{
		{[]int{2, 3}, []int{2, 3}, []int{2, 3}},
		{[]int{2, 3}, []int{}, []int{2, 3}},
		{[]int{}, []int{4}, []int{4}},
		{[]int{2, 1}, []int{3}, []int{2, 3}},
		{[]int{1, 3}, []int{2, 1}, []int{2, 3}},
		{[]int{0, 1}, []int{1, 5}, []int{0, 5}},
		{[]int{1}, []int{0}, []int{0}},
	}
	for _, c := range cases {
		if got := broadcastPair("test", c.a, c.b); !slices.Equal(got, c.want) {
			t.Errorf("%v and %v: got %v, want %v", c.a, c.b, got, c.want)
		}
		if got := broadcastPair("test", c.b, c.a); !slices.Equal(got, c.want) {
			t.Errorf("%v and %v: got %v, want %v", c.b, c.a, got, c.want)
		}
	}
	if err := Catch(func() { broadcastPair("add", []int{2}, []int{3}) }); err == nil {
		t.Error("no error for shapes that do not broadcast")
	}
}

func TestDefaultStreamFollowsChanges(t *testing.T) {
	before := DefaultStream()
	s1, s2 := NewStream(CPU), NewStream(CPU)
	WithStream(s1, func() {
		if got := DefaultStream(); got != s1 {
			t.Errorf("inside WithStream(s1): %v", got)
		}
		WithStream(s2, func() {
			if got := DefaultStream(); got != s2 {
				t.Errorf("inside WithStream(s2): %v", got)
			}
		})
		if got := DefaultStream(); got != s1 {
			t.Errorf("back in WithStream(s1): %v", got)
		}
		if got := Add(NewArray([]float32{1}), 1); got.n.stream != s1 {
			t.Errorf("op ran on %v, not %v", got.n.stream, s1)
		}
	})
	if got := DefaultStream(); got != before {
		t.Errorf("after WithStream: %v, want %v", got, before)
	}
	if got := DefaultStreamFor(before.Device); got != before {
		t.Errorf("DefaultStreamFor(%v) = %v, want %v", before.Device, got, before)
	}
}

// Many goroutines wait for the same arrays while they are computed on two
// streams; each must see the result once it is there.
func TestConcurrentWaiters(t *testing.T) {
	s1, s2 := NewStream(CPU), NewStream(CPU)
	for round := 0; round < 50; round++ {
		x := NewArray([]float32{1, 2})
		for i := 0; i < 20; i++ {
			if i%2 == 0 {
				x = Add(x, 1, s1)
			} else {
				x = Add(x, 1, s2)
			}
		}
		mid := x
		y := Multiply(x, 2, s2)
		var wg sync.WaitGroup
		for g := 0; g < 6; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := y
				want := []float32{42, 44}
				if g%2 == 1 {
					a, want = mid, []float32{21, 22}
				}
				if got := ToSlice[float32](a); !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			}()
		}
		wg.Wait()
	}
}

// Once a node has run, its output holds on to nothing of the graph above.
func TestRunDropsInputs(t *testing.T) {
	a, b := NewArray([]float32{1}), NewArray([]float32{2})
	c := Add(a, b)
	sn := c.n
	if err := Eval(c); err != nil {
		t.Fatal(err)
	}
	if c.n != nil || sn.prim != nil || sn.inputs != nil || sn.outputs != nil {
		t.Fatal("node not detached")
	}
	for _, p := range smallNodeOf(c).ins {
		if p != nil {
			t.Fatal("input still held")
		}
	}
}

// smallNodeOf returns the smallNode that a single-output array lives in
// (its first field).
func smallNodeOf(a *Array) *smallNode {
	return (*smallNode)(unsafe.Pointer(a))
}

// Recording a binary op of two arrays allocates its node and no more.
func TestSmallOpAllocations(t *testing.T) {
	a, b := NewArray([]float32{1}), NewArray([]float32{2})
	var c *Array
	if n := testing.AllocsPerRun(100, func() { c = Add(a, b) }); n > 1 {
		t.Errorf("Add of two arrays: %v allocations, want 1", n)
	}
	_ = c
}
