package mx

import (
	"slices"
	"sync"
	"testing"
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
