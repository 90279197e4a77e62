package cpu

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// naiveOffsets returns, for each row-major element of shape, each operand's
// element offset.
func naiveOffsets(shape, offsets []int, strides [][]int) [][]int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	out := make([][]int, n)
	for i := range out {
		off := slices.Clone(offsets)
		rem := i
		for d := len(shape) - 1; d >= 0; d-- {
			for j := range off {
				off[j] += rem % shape[d] * strides[j][d]
			}
			rem /= shape[d]
		}
		out[i] = off
	}
	return out
}

// walked returns the offsets that rows visits over [lo, hi), per element.
func walked(l *layout, lo, hi int) [][]int {
	_, st := l.inner()
	var out [][]int
	l.rows(lo, hi, func(off []int, n int) {
		for t := 0; t < n; t++ {
			e := make([]int, len(off))
			for j := range off {
				e[j] = off[j] + t*st[j]
			}
			out = append(out, e)
		}
	})
	return out
}

func randomLayoutCase(r *rand.Rand) (shape, offsets []int, strides [][]int) {
	nd := r.IntN(9) // past maxInlineDims too
	k := 1 + r.IntN(6)
	shape = make([]int, nd)
	for d := range shape {
		shape[d] = 1 + r.IntN(4)
	}
	for j := 0; j < k; j++ {
		st := make([]int, nd)
		switch r.IntN(3) {
		case 0: // row-major
			s := 1
			for d := nd - 1; d >= 0; d-- {
				st[d] = s
				s *= shape[d]
			}
		case 1: // random, broadcast and negative included
			for d := range st {
				st[d] = r.IntN(11) - 3
			}
		default: // transposed row-major
			s := 1
			for d := 0; d < nd; d++ {
				st[d] = s
				s *= shape[d]
			}
		}
		strides = append(strides, st)
		offsets = append(offsets, r.IntN(100))
	}
	return
}

func TestLayoutRowsMatchNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		shape, offsets, strides := randomLayoutCase(r)
		want := naiveOffsets(shape, offsets, strides)
		l := newLayout(shape, offsets, strides...)
		if l.size() != len(want) {
			t.Fatalf("%v: size %d, want %d", shape, l.size(), len(want))
		}
		lo := r.IntN(len(want) + 1)
		hi := lo + r.IntN(len(want)-lo+1)
		got := walked(&l, lo, hi)
		if !slices.EqualFunc(got, want[lo:hi], slices.Equal) {
			t.Fatalf("shape %v strides %v offsets %v [%d,%d): got %v, want %v",
				shape, strides, offsets, lo, hi, got, want[lo:hi])
		}
	}
}

func TestLayoutKeepsNoArguments(t *testing.T) {
	shape, offsets := []int{2, 3}, []int{5, 7}
	a, b := []int{3, 1}, []int{1, 2}
	l := newLayout(shape, offsets, a, b)
	shape[0], offsets[0], a[1], b[0] = 9, 9, 9, 9
	want := naiveOffsets([]int{2, 3}, []int{5, 7}, [][]int{{3, 1}, {1, 2}})
	if got := walked(&l, 0, 6); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestLayoutRowsConcurrent(t *testing.T) {
	shape := []int{64, 3, 5}
	strides := [][]int{{1, 64 * 5, 64}, {15, 5, 1}, {0, 1, 3}}
	offsets := []int{0, 1, 2}
	want := naiveOffsets(shape, offsets, strides)
	l := newLayout(shape, offsets, strides...)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				lo := (g*37 + i) % len(want)
				if got := walked(&l, lo, len(want)); !slices.EqualFunc(got, want[lo:], slices.Equal) {
					t.Errorf("from %d: got other offsets", lo)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestLayoutForEachCoversAll(t *testing.T) {
	for _, n := range []int{0, 1, 7, 3 * grain} {
		l := newLayout([]int{n}, []int{0}, []int{1})
		seen := make([]int32, n)
		var mu sync.Mutex
		l.forEach(1, func(off []int, m int) {
			mu.Lock()
			for i := off[0]; i < off[0]+m; i++ {
				seen[i]++
			}
			mu.Unlock()
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: element %d visited %d times", n, i, c)
			}
		}
	}
}

func TestLayoutAllocations(t *testing.T) {
	shape, st := []int{4, 5}, []int{5, 1}
	var l layout
	if a := testing.AllocsPerRun(100, func() {
		l = newLayout(shape, []int{0, 0, 0}, st, st, st)
	}); a > 1 {
		t.Errorf("newLayout: %v allocations, want at most 1", a)
	}
	sum := 0
	if a := testing.AllocsPerRun(100, func() {
		_, s := l.inner()
		l.rows(0, l.size(), func(off []int, n int) { sum += off[0] + n*s[0] })
	}); a != 0 {
		t.Errorf("inner and rows: %v allocations, want 0", a)
	}
}

func BenchmarkLayoutSmall(b *testing.B) {
	shape, st := []int{1}, []int{1}
	b.ReportAllocs()
	sum := 0
	for b.Loop() {
		l := newLayout(shape, []int{0, 0, 0}, st, st, st)
		_, s := l.inner()
		l.rows(0, l.size(), func(off []int, n int) { sum += off[2] + n*s[2] })
	}
}

func TestLayoutByHand(t *testing.T) {
	l := layout{shape: []int{2, 3}, strides: [][]int{{3, 1}, {1, 2}}, offsets: []int{1, 0}}
	if n, st := l.inner(); n != 3 || !slices.Equal(st, []int{1, 2}) {
		t.Fatalf("inner: %d %v", n, st)
	}
	want := naiveOffsets([]int{2, 3}, []int{1, 0}, [][]int{{3, 1}, {1, 2}})
	if got := walked(&l, 0, 6); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
