package cpu

import (
	"runtime"
	"sync"
)

// grain is the smallest amount of work (elements) worth a goroutine of its own.
const grain = 1 << 15

// parallelFor splits [0, n) into contiguous chunks over the cores and calls
// fn on each; cost is the rough work per index in elements, so that small
// jobs stay on the calling goroutine.
func parallelFor(n, cost int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if cost < 1 {
		cost = 1
	}
	if w := n * cost / grain; w < workers {
		workers = w
	}
	if workers <= 1 || n < 2 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := chunk; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	fn(0, min(chunk, n))
	wg.Wait()
}
