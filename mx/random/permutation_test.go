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
		t.Fatal("no error for an axis")
	}
}
