package core

// RandomKernels generate random bits with the counter-based Threefry-2x32
// generator (20 rounds), in the layout of MLX and JAX, so that one key gives
// the same bits on every backend.
type RandomKernels interface {
	// RandomBits fills the bytes of out (row-major, any dtype) from keys, a
	// uint32 view of shape (..., 2): each key fills an equal share of out's
	// bytes, key i the i-th share. For one share of b bytes, with
	// w = ceil(b/4) words and h = w/2, word j < h is the first half of
	// threefry(key, (j, j+h+w%2)), and word j+h+w%2 its second half; when w
	// is odd, word h is the first half of threefry(key, (h, 0)). Words are
	// little-endian and the last one is cut to the share.
	RandomBits(keys, out View) error
}
