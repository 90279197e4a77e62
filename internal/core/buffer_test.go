package core

import (
	"errors"
	"testing"
)

func TestAllocLimitCoversCachedBlocks(t *testing.T) {
	a := NewAllocator()
	const n = 1 << 20
	x, _ := a.Alloc(n)
	y, _ := a.Alloc(n)
	z, _ := a.Alloc(n)
	z.Release() // to the cache
	if active, _, cached := a.Stats(); active != 2*n || cached != n {
		t.Fatalf("active %d cached %d", active, cached)
	}
	a.SetLimit(2 * n)
	// A cached block is there, but taking it would pass the limit.
	_, err := a.Alloc(n)
	var oom *OutOfMemoryError
	if !errors.As(err, &oom) {
		t.Fatalf("got %v, want out of memory", err)
	}
	y.Release()
	if _, err := a.Alloc(n); err != nil {
		t.Fatal(err)
	}
	x.Release()
}
