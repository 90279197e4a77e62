package random

import (
	"slices"
	"testing"

	"github.com/mlxgo/mlxgo/mx"
)

func TestPermutation(t *testing.T) {
	key := Key(3)
	p := mx.ToSlice[uint32](Permutation(100, mx.WithKey(key)))
	seen := make([]bool, 100)
	for _, v := range p {
		if v >= 100 || seen[v] {
			t.Fatalf("not a permutation: %v", p)
		}
		seen[v] = true
	}
	// The positions that sort the key's bits.
	bits := mx.ToSlice[uint32](Bits([]int{100}, 4, mx.WithKey(key)))
	for i := 1; i < len(p); i++ {
		a, b := bits[p[i-1]], bits[p[i]]
		if a > b || a == b && p[i-1] > p[i] {
			t.Fatalf("position %d: bits %d then %d", i, a, b)
		}
	}
	if q := mx.ToSlice[uint32](Permutation(100, mx.WithKey(key))); !slices.Equal(p, q) {
		t.Fatal("one key gave two permutations")
	}
	if got := Permutation(0, mx.WithKey(key)).Shape(); !slices.Equal(got, []int{0}) {
		t.Fatalf("shape %v", got)
	}
	if err := mx.Catch(func() { Permutation(-1) }); err == nil {
		t.Fatal("no error for n = -1")
	}
	if err := mx.Catch(func() { Permutation(3, mx.Axis(0)) }); err == nil {
		t.Fatal("no error for an axis with n")
	}
	if err := mx.Catch(func() { Permutation(1.5) }); err == nil {
		t.Fatal("no error for n = 1.5")
	}
}

// TestPermutationOfArray shuffles an array along an axis: the result is x
// taken at the permutation that the same key gives for that axis's size.
func TestPermutationOfArray(t *testing.T) {
	key := Key(5)
	x := mx.Reshape(mx.Arange(24, mx.Float32), []int{2, 3, 4})
	for _, axis := range []int{0, 1, 2, -1} {
		n := x.Shape()[(axis+3)%3]
		got := Permutation(x, mx.Axis(axis), mx.WithKey(key))
		want := mx.Take(x, Permutation(n, mx.WithKey(key)), mx.Axis(axis))
		if !mx.ArrayEqual(got, want).Item().(bool) {
			t.Fatalf("axis %d: %v, want %v", axis, got, want)
		}
		sorted := mx.Sort(got, mx.Axis(axis))
		if !mx.ArrayEqual(sorted, x).Item().(bool) {
			t.Fatalf("axis %d: not a shuffle of x: %v", axis, got)
		}
	}
	if got := Permutation(x, mx.WithKey(key)); !slices.Equal(got.Shape(), x.Shape()) {
		t.Fatalf("shape %v", got.Shape())
	}
	for _, bad := range []func(){
		func() { Permutation(x, mx.Axis(3)) },
		func() { Permutation(mx.Scalar(1.0)) },
	} {
		if err := mx.Catch(bad); err == nil {
			t.Fatal("no error")
		}
	}
}
