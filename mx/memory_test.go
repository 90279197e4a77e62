package mx

import (
	"runtime"
	"testing"
	"time"
)

// settledActive runs the garbage collector until the buffers of unreachable
// arrays have been returned, and reports the active memory then.
func settledActive() int64 {
	last := int64(-1)
	for i := 0; i < 50; i++ {
		runtime.GC()
		time.Sleep(2 * time.Millisecond)
		a := GetActiveMemory()
		if a == last {
			return a
		}
		last = a
	}
	return last
}

func TestMemoryFlatTrainingLoop(t *testing.T) {
	const n = 1 << 14 // 64 KiB of float32 per array
	w := Full([]int{n}, 0.5)
	x := Full([]int{n}, 2)
	if err := Eval(w, x); err != nil {
		t.Fatal(err)
	}
	base := settledActive()
	peak := int64(0)
	for step := 0; step < 10_000; step++ {
		y := Multiply(w, x)
		g := Subtract(y, 1)
		w = Subtract(w, Multiply(g, 1e-4))
		if err := Eval(w); err != nil {
			t.Fatal(err)
		}
		peak = max(peak, GetActiveMemory())
	}
	end := settledActive()
	// w is replaced each step: once garbage is collected, the same arrays
	// (w and x) hold the same memory as before the loop.
	if end > base {
		t.Errorf("active memory grew from %d to %d bytes over 10000 steps", base, end)
	}
	// Between collections unreachable arrays wait for the collector, so the
	// active memory rises above the base, but it must stay bounded.
	if limit := base + 256<<20; peak > limit {
		t.Errorf("active memory reached %d bytes (base %d)", peak, base)
	}
	t.Logf("base %d, peak %d, end %d bytes", base, peak, end)
}

func TestDetachFreesIntermediates(t *testing.T) {
	const n = 1 << 18 // 1 MiB of float32
	x := Full([]int{n}, 1)
	Eval(x)
	base := settledActive()
	y := x
	for i := 0; i < 20; i++ {
		y = Add(y, 1)
	}
	if err := Eval(y); err != nil {
		t.Fatal(err)
	}
	// Only y's buffer (and its scalar constants' tiny ones) remain: the 19
	// intermediate arrays are unreachable once the graph is detached.
	if got := settledActive() - base; got > 2*n*4 {
		t.Errorf("%d bytes active after eval, want about %d", got, n*4)
	}
	runtime.KeepAlive(y)
}

func TestMemoryLimit(t *testing.T) {
	old := SetMemoryLimit(settledActive() + 1<<20)
	defer SetMemoryLimit(old)
	big := Add(Full([]int{1 << 22}, 1), 1) // 16 MiB: over the limit
	err := Eval(big)
	if err == nil {
		t.Fatal("want an out-of-memory error")
	}
	t.Log(err)
	// The process stays usable.
	SetMemoryLimit(old)
	small := Add(NewArray([]float32{1}), 1)
	if Item[float32](small) != 2 {
		t.Fatal("wrong result after a failed evaluation")
	}
}

func TestCacheAPI(t *testing.T) {
	x := Add(Full([]int{1 << 16}, 1), 1)
	Eval(x)
	x = nil
	settledActive()
	if GetCacheMemory() == 0 {
		t.Error("freed buffer did not reach the cache")
	}
	ClearCache()
	if c := GetCacheMemory(); c != 0 {
		t.Errorf("cache holds %d bytes after ClearCache", c)
	}
	old := SetCacheLimit(0)
	defer SetCacheLimit(old)
	y := Add(Full([]int{1 << 16}, 1), 1)
	Eval(y)
	y = nil
	settledActive()
	if c := GetCacheMemory(); c != 0 {
		t.Errorf("cache holds %d bytes with a zero cache limit", c)
	}
	ResetPeakMemory()
	if GetPeakMemory() != GetActiveMemory() {
		t.Error("peak not reset to active")
	}
}
