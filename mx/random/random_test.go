package random

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/mlxgo/mlxgo/mx"
)

func words(a *mx.Array) []uint32 { return mx.ToSlice[uint32](a) }

func TestKey(t *testing.T) {
	if got := words(Key(0)); !slices.Equal(got, []uint32{0, 0}) {
		t.Errorf("Key(0) = %v", got)
	}
	if got := words(Key(1<<32 | 5)); !slices.Equal(got, []uint32{1, 5}) {
		t.Errorf("Key(1<<32|5) = %v", got)
	}
	k := Key(7)
	if k.Dtype() != mx.Uint32 || !slices.Equal(k.Shape(), []int{2}) {
		t.Errorf("key has dtype %v and shape %v", k.Dtype(), k.Shape())
	}
}

// MLX's published values for splitting key(0).
func TestSplitMLX(t *testing.T) {
	keys := Split(Key(0), 2)
	if !slices.Equal(keys.Shape(), []int{2, 2}) {
		t.Fatalf("shape %v", keys.Shape())
	}
	want := []uint32{4146024105, 967050713, 2718843009, 1272950319}
	if got := words(keys); !slices.Equal(got, want) {
		t.Errorf("split(key(0)) = %v, want %v", got, want)
	}
	want = []uint32{2467461003, 428148500, 3186719485, 3840466878, 2562233961, 1946702221}
	if got := words(Split(Key(0), 3)); !slices.Equal(got, want) {
		t.Errorf("split(key(0), 3) = %v, want %v", got, want)
	}
	if got := Split(Key(0), 0); !slices.Equal(got.Shape(), []int{0, 2}) {
		t.Errorf("split in 0 has shape %v", got.Shape())
	}
}

// The global key follows MLX's key sequence: each use splits it in two,
// keeps the first half and uses the second.
func TestGlobalKeySequence(t *testing.T) {
	Seed(42)
	first, second := words(nextKey()), words(nextKey())
	s := words(Split(Key(42), 2))
	if !slices.Equal(first, s[2:]) {
		t.Errorf("first key %v, want %v", first, s[2:])
	}
	s2 := words(Split(mx.NewArray(s[:2]), 2))
	if !slices.Equal(second, s2[2:]) {
		t.Errorf("second key %v, want %v", second, s2[2:])
	}
	Seed(42)
	a := words(Bits([]int{5}, 4))
	b := words(Bits([]int{5}, 4))
	Seed(42)
	if x := words(Bits([]int{5}, 4)); !slices.Equal(a, x) {
		t.Errorf("after the same seed: %v, then %v", a, x)
	}
	if slices.Equal(a, b) {
		t.Error("two draws from the global key are equal")
	}
}

func TestBits(t *testing.T) {
	k := Key(0)
	if got := words(Bits([]int{3, 1}, 4, mx.WithKey(k))); !slices.Equal(got, []uint32{4146024105, 1351547692, 2718843009}) {
		t.Errorf("bits((3, 1), key(0)) = %v", got)
	}
	if got := mx.ToSlice[uint16](Bits([]int{5}, 2, mx.WithKey(k))); !slices.Equal(got, []uint16{20137, 63263, 64300, 20622, 16513}) {
		t.Errorf("bits((5,), 2, key(0)) = %v", got)
	}
	if got := Bits(nil, 1, mx.WithKey(k)); got.Dtype() != mx.Uint8 || got.Ndim() != 0 || mx.Item[uint8](got) != 89 {
		t.Errorf("bits((), 1, key(0)) = %v of shape %v", mx.Item[uint8](got), got.Shape())
	}
}

func TestGlobalKeyConcurrent(t *testing.T) {
	Seed(1)
	var wg sync.WaitGroup
	seen := make([][]uint32, 8)
	for g := range seen {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen[g] = words(Bits([]int{4}, 4))
		}()
	}
	wg.Wait()
	for i := range seen {
		for j := range i {
			if slices.Equal(seen[i], seen[j]) {
				t.Errorf("goroutines %d and %d drew the same bits", i, j)
			}
		}
	}
}

// expectError checks that f panics with an *mx.Error naming op.
func expectError(t *testing.T, op string, f func()) {
	t.Helper()
	err := mx.Catch(f)
	var e *mx.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: got %v, want an *mx.Error", op, err)
		return
	}
	if e.Op != op {
		t.Errorf("error %q names %q, want %q", err, e.Op, op)
	}
}

func TestKeyErrors(t *testing.T) {
	expectError(t, "split", func() { Split(Key(0), -1) })
	expectError(t, "split", func() { Split(Key(0), 2, mx.Float32) })
	expectError(t, "split", func() { Split(mx.NewArray([]int32{0, 0}), 2) })
	expectError(t, "bits", func() { Bits([]int{2}, 3) })
	expectError(t, "bits", func() { Bits([]int{-2}, 4) })
	expectError(t, "bits", func() { Bits([]int{2}, 4, mx.WithKey(mx.NewArray([]uint32{0, 0, 0}))) })
	expectError(t, "bits", func() { Bits([]int{2}, 4, mx.Axis(0)) })
	expectError(t, "bits", func() { Bits([]int{2}, 4, mx.KeepDims) })
}
