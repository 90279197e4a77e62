package random

import (
	"math"

	"github.com/mlxgo/mlxgo/mx"
)

// Permutation returns a random permutation of 0, 1, ..., n-1 as a uint32
// array of shape (n), drawn as MLX draws it, bit for bit: the positions
// that sort n random uint32 values (Bits with width 4) made from the key
// (mx.WithKey, or the next global key). The sort is stable, so equal
// random values keep their order and the result depends on the key alone.
//
// MLX's permutation also takes an array, which it shuffles along an axis;
// that form needs mx.Take, and is not available yet: shuffle an array x
// by taking its elements at Permutation(x.Shape()[axis]). It panics with
// *mx.Error for a negative n or one beyond uint32, or a key that is not a
// uint32 array of shape (2).
func Permutation(n int, opts ...mx.Option) *mx.Array {
	o := parse("permutation", opts, 0)
	if n < 0 || n > math.MaxUint32 {
		panic(errorf("permutation", "n must be in [0, 2^32), got %d", n))
	}
	bits := mx.RandomBits(keyOf("permutation", o), []int{n}, 4, o.Stream)
	return mx.Argsort(bits, o.Stream)
}
