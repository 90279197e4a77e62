package random

import (
	"math"

	"github.com/mlxgo/mlxgo/mx"
)

// Permutation returns a random permutation, as MLX's permutation does:
//
//	random.Permutation(10)                // 0, ..., 9 in a random order, uint32
//	random.Permutation(x)                 // x with its rows (axis 0) shuffled
//	random.Permutation(x, mx.Axis(-1))    // x shuffled along its last axis
//
// The order is drawn as MLX draws it, bit for bit: the positions that sort
// n random uint32 values (Bits with width 4) made from the key (mx.WithKey,
// or the next global key), n being the number asked for or the size of x
// along the axis. The sort is stable, so equal random values keep their
// order and the result depends on the key alone. x is an *mx.Array, or a
// Go integer for the first form, which takes no axis. It panics with
// *mx.Error for a negative n or one beyond uint32, an axis out of range, a
// 0-d array, or a key that is not a uint32 array of shape (2).
func Permutation(x any, opts ...mx.Option) *mx.Array {
	o := parse("permutation", opts, allowAxis)
	a, isArray := x.(*mx.Array)
	switch {
	case isArray:
		if a == nil || a.Ndim() == 0 {
			panic(errorf("permutation", "needs an array of at least one dimension"))
		}
		axis := 0
		if o.HasAxes {
			axis = o.Axes[0]
		}
		if axis < -a.Ndim() || axis >= a.Ndim() {
			panic(errorf("permutation", "axis %d is out of range for an array of %d dimensions", axis, a.Ndim()))
		}
		if axis < 0 {
			axis += a.Ndim()
		}
		perm := positions(a.Shape()[axis], o)
		return mx.Take(a, perm, mx.Axis(axis), o.Stream)
	case o.HasAxes:
		panic(errorf("permutation", "takes an axis only with an array"))
	default:
		n, ok := toInt(x)
		if !ok || n < 0 || n > math.MaxUint32 {
			panic(errorf("permutation", "n must be an integer in [0, 2^32), got %v", x))
		}
		return positions(n, o)
	}
}

// positions returns the positions that sort n random uint32 values.
func positions(n int, o mx.Options) *mx.Array {
	bits := mx.RandomBits(keyOf("permutation", o), []int{n}, 4, o.Stream)
	return mx.Argsort(bits, o.Stream)
}

// toInt converts a Go integer of any type to int.
func toInt(x any) (int, bool) {
	switch v := x.(type) {
	case int:
		return v, true
	case int8:
		return int(v), true
	case int16:
		return int(v), true
	case int32:
		return int(v), true
	case int64:
		return int(v), v == int64(int(v))
	case uint:
		return int(v), uint64(v) <= math.MaxInt64
	case uint8:
		return int(v), true
	case uint16:
		return int(v), true
	case uint32:
		return int(v), true
	case uint64:
		return int(v), v <= math.MaxInt64
	}
	return 0, false
}
