package random

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/mx"
)

// Samplers under mx.Vmap with a mapped key: each element of the batch gets
// what its key gives in a loop, as in MLX.

// loop applies f to each key of keys (shape (n, 2)) and stacks the results.
func loop(keys *mx.Array, f func(key *mx.Array) *mx.Array) *mx.Array {
	var parts []*mx.Array
	for i := range keys.Shape()[0] {
		parts = append(parts, f(mx.Index(keys, i)))
	}
	return mx.Stack(parts)
}

// vmapKeys vmaps f over the rows of keys.
func vmapKeys(keys *mx.Array, f func(key *mx.Array) *mx.Array) *mx.Array {
	g := func(in []*mx.Array) []*mx.Array { return []*mx.Array{f(in[0])} }
	return mx.Vmap(g, nil, nil)([]*mx.Array{keys})[0]
}

// withRules runs f, and skips the test if f needs the vmap rule of a
// primitive that has none yet (one of those that a sampler is made of).
func withRules(t *testing.T, f func()) {
	t.Helper()
	err := mx.Catch(f)
	var e *mx.Error
	if errors.As(err, &e) && e.Op == "vmap" && strings.HasSuffix(e.Msg, "has no vmap rule") {
		t.Skip(e.Msg)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func sameArrays(t *testing.T, name string, got, want *mx.Array) {
	t.Helper()
	if !slices.Equal(got.Shape(), want.Shape()) || got.Dtype() != want.Dtype() {
		t.Fatalf("%s: shape %v dtype %v, want %v %v", name, got.Shape(), got.Dtype(), want.Shape(), want.Dtype())
	}
	g, w := mx.ToSlice[float64](got), mx.ToSlice[float64](want)
	if !slices.Equal(g, w) {
		t.Fatalf("%s: got %v, want %v", name, g, w)
	}
}

func TestVmapBitsAndSplit(t *testing.T) {
	keys := Split(Key(3), 4)
	for _, width := range []int{1, 2, 4} {
		f := func(k *mx.Array) *mx.Array { return Bits([]int{3, 5}, width, mx.WithKey(k)) }
		sameArrays(t, "bits", vmapKeys(keys, f), loop(keys, f))
	}
	split := func(k *mx.Array) *mx.Array { return Split(k, 3) }
	sameArrays(t, "split", vmapKeys(keys, split), loop(keys, split))
}

func TestVmapUniform(t *testing.T) {
	keys := Split(Key(0), 5)
	f := func(k *mx.Array) *mx.Array { return Uniform(-1, 2, []int{3, 2}, mx.WithKey(k)) }
	withRules(t, func() { sameArrays(t, "uniform", vmapKeys(keys, f), loop(keys, f)) })
}

func TestVmapSamplers(t *testing.T) {
	keys := Split(Key(5), 3)
	samplers := map[string]func(k *mx.Array) *mx.Array{
		"normal":    func(k *mx.Array) *mx.Array { return Normal(0, 1, []int{4}, mx.WithKey(k)) },
		"randint":   func(k *mx.Array) *mx.Array { return Randint(0, 10, []int{4}, mx.WithKey(k)) },
		"bernoulli": func(k *mx.Array) *mx.Array { return Bernoulli(0.3, []int{4}, mx.WithKey(k)) },
		// A key split inside the mapped function.
		"split_then_sample": func(k *mx.Array) *mx.Array {
			return Uniform(0, 1, []int{2}, mx.WithKey(mx.Index(Split(k, 2), 1)))
		},
	}
	for name, f := range samplers {
		t.Run(name, func(t *testing.T) {
			withRules(t, func() { sameArrays(t, name, vmapKeys(keys, f), loop(keys, f)) })
		})
	}
}
