package cpu

import (
	"math"
	"math/bits"

	"github.com/mlxgo/mlxgo/internal/core"
)

// checkScratch returns an out-of-memory error when n elements of elem bytes
// of scratch, which a kernel makes for itself, cannot be held: scratch that
// grows with a dimension of an input can be far larger than the input's
// data when that input is a broadcast view.
func checkScratch(n, elem int) error {
	hi, lo := bits.Mul64(uint64(max(n, 0)), uint64(elem))
	limit := core.Host.Limit()
	if hi != 0 || lo > math.MaxInt64 || int64(lo) > limit {
		active, _, _ := core.Host.Stats()
		req := int64(math.MaxInt64)
		if hi == 0 && lo <= math.MaxInt64 {
			req = int64(lo)
		}
		return &core.OutOfMemoryError{Requested: req, Active: active, Limit: limit}
	}
	return nil
}
