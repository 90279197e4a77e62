package mx

import "github.com/mlxgo/mlxgo/internal/core"

// Memory is counted in bytes of array data, rounded up to the allocator's
// size classes. A buffer is active while an array holds it; it returns to
// the cache when the last array holding it has been found unreachable by
// Go's garbage collector. Evaluation drops the graph above the arrays it
// computes, so intermediate arrays nobody holds become unreachable; the
// allocator starts a collection after every 64 MiB it hands out, which
// bounds how much unreachable memory can wait to be returned. The limits
// apply to the CPU's memory; GPU devices keep their own.

// GetActiveMemory returns the bytes held by live arrays.
func GetActiveMemory() int64 { a, _, _ := core.Host.Stats(); return a }

// GetPeakMemory returns the most bytes active at once since the start or
// the last ResetPeakMemory.
func GetPeakMemory() int64 { _, p, _ := core.Host.Stats(); return p }

// ResetPeakMemory sets the peak to the bytes active now.
func ResetPeakMemory() { core.Host.ResetPeak() }

// GetCacheMemory returns the bytes kept in the cache for reuse.
func GetCacheMemory() int64 { _, _, c := core.Host.Stats(); return c }

// SetMemoryLimit sets the most bytes that may be active at once (0: no
// limit) and returns the previous limit. An evaluation that would pass it
// first frees the cache and unreachable arrays, then fails with an error.
// With no limit, or a larger one, the machine's memory and swap are the
// limit: an array larger than the machine fails to evaluate with an error.
func SetMemoryLimit(limit int64) int64 { return core.Host.SetLimit(limit) }

// SetCacheLimit sets the most bytes the cache keeps (negative: no limit;
// 0 disables the cache) and returns the previous limit.
func SetCacheLimit(limit int64) int64 { return core.Host.SetCacheLimit(limit) }

// ClearCache frees the memory held in the cache.
func ClearCache() { core.Host.ClearCache() }
