package mx

import (
	"sync"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cuda"
)

// Memory is counted in bytes of array data, rounded up to the allocator's
// size classes. A buffer is active while an array holds it; it returns to
// the cache when the last array holding it has been found unreachable by
// Go's garbage collector. Evaluation drops the graph above the arrays it
// computes, so intermediate arrays nobody holds become unreachable; the
// allocator starts a collection after every 64 MiB it hands out, which
// bounds how much unreachable memory can wait to be returned. The limits
// apply to the CPU's memory; GPU devices keep their own.

// memoryStats sums the statistics of the host's allocator and those of
// the GPUs in use.
func memoryStats() (active, peak, cached int64) {
	active, peak, cached = core.Host.Stats()
	for _, d := range cuda.Loaded() {
		a, p, c := d.Allocator().Stats()
		active, peak, cached = active+a, peak+p, cached+c
	}
	return
}

// GetActiveMemory returns the bytes held by live arrays, on the host and
// on the GPUs in use.
func GetActiveMemory() int64 { a, _, _ := memoryStats(); return a }

// GetPeakMemory returns the most bytes active at once since the start or
// the last ResetPeakMemory: the sum of each allocator's peak (host, each
// GPU).
func GetPeakMemory() int64 { _, p, _ := memoryStats(); return p }

// ResetPeakMemory sets the peak to the bytes active now.
func ResetPeakMemory() {
	core.Host.ResetPeak()
	for _, d := range cuda.Loaded() {
		d.Allocator().ResetPeak()
	}
}

// GetCacheMemory returns the bytes kept in the caches for reuse.
func GetCacheMemory() int64 { _, _, c := memoryStats(); return c }

// SetMemoryLimit sets the most bytes that may be active at once (0: no
// limit) and returns the previous limit. An evaluation that would pass it
// first frees the cache and unreachable arrays, then fails with an error.
// With no limit, or a larger one, the machine's memory and swap are the
// limit: an array larger than the machine fails to evaluate with an error.
func SetMemoryLimit(limit int64) int64 {
	memLimits.Lock()
	defer memLimits.Unlock()
	memLimits.limit = limit
	for _, d := range cuda.Loaded() {
		d.Allocator().SetLimit(limit)
	}
	return core.Host.SetLimit(limit)
}

// memLimits are the limits set, which GPUs put to use later take too.
var memLimits = struct {
	sync.Mutex
	limit, cache int64
}{cache: -1}

// setupGPUMemory gives a GPU's allocator the limits set so far, and makes
// every limit cover the host and the GPUs together.
func setupGPUMemory(d *cuda.Device) {
	memLimits.Lock()
	defer memLimits.Unlock()
	a := d.Allocator()
	a.SetLimit(memLimits.limit)
	a.SetCacheLimit(memLimits.cache)
	a.SetElsewhere(func() int64 { return core.Host.Active() + gpuActive(d) })
	core.Host.SetElsewhere(func() int64 { return gpuActive(nil) })
}

// gpuActive sums the active bytes of the GPUs in use but skip.
func gpuActive(skip *cuda.Device) int64 {
	var n int64
	for _, d := range cuda.Loaded() {
		if d != skip {
			n += d.Allocator().Active()
		}
	}
	return n
}

// SetCacheLimit sets the most bytes the cache keeps (negative: no limit;
// 0 disables the cache) and returns the previous limit.
func SetCacheLimit(limit int64) int64 {
	memLimits.Lock()
	defer memLimits.Unlock()
	memLimits.cache = limit
	for _, d := range cuda.Loaded() {
		d.Allocator().SetCacheLimit(limit)
	}
	return core.Host.SetCacheLimit(limit)
}

// ClearCache frees the memory held in the caches, the GPUs' included.
func ClearCache() {
	core.Host.ClearCache()
	for _, d := range cuda.Loaded() {
		d.Allocator().ClearCache()
	}
}
