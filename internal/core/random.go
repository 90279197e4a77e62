package core

import "math/bits"

// Threefry2x32 is the Threefry-2x32 block cipher with 20 rounds, as
// Random123 defines it, applied to the counter (c0, c1) with the key
// (k0, k1). It is the reference that every backend's kernel matches.
func Threefry2x32(k0, k1, c0, c1 uint32) (uint32, uint32) {
	k2 := k0 ^ k1 ^ 0x1BD11BDA
	x0, x1 := c0+k0, c1+k1
	// Five groups of four rounds, each followed by a key injection; the
	// groups alternate between two sets of rotations.
	ks := [3]uint32{k0, k1, k2}
	for g := 1; g <= 5; g++ {
		for _, r := range threefryRotations[(g-1)%2] {
			x0 += x1
			x1 = bits.RotateLeft32(x1, r) ^ x0
		}
		x0 += ks[g%3]
		x1 += ks[(g+1)%3] + uint32(g)
	}
	return x0, x1
}

// threefryRotations are the rotation counts of Threefry-2x32's rounds.
var threefryRotations = [2][4]int{{13, 15, 26, 6}, {17, 29, 16, 24}}

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
