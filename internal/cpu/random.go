package cpu

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/mlxgo/mlxgo/internal/core"
)

// threefry2x32 is the Threefry-2x32 block cipher with 20 rounds, as
// Random123 defines it, applied to the counter (c0, c1) with key (k0, k1).
func threefry2x32(k0, k1, c0, c1 uint32) (uint32, uint32) {
	ks := [3]uint32{k0, k1, k0 ^ k1 ^ 0x1BD11BDA}
	x0, x1 := c0+k0, c1+k1
	rot := [2][4]int{{13, 15, 26, 6}, {17, 29, 16, 24}}
	for i := range 5 {
		for _, r := range rot[i%2] {
			x0 += x1
			x1 = bits.RotateLeft32(x1, r)
			x1 ^= x0
		}
		x0 += ks[(i+1)%3]
		x1 += ks[(i+2)%3] + uint32(i) + 1
	}
	return x0, x1
}

// RandomBits implements core.RandomKernels.
func (*backend) RandomBits(keys, out core.View) error {
	if keys.Dtype != core.Uint32 || len(keys.Shape) == 0 || keys.Shape[len(keys.Shape)-1] != 2 {
		return fmt.Errorf("random bits: keys must be uint32 of shape (..., 2), got shape %v", keys.Shape)
	}
	nkeys := keys.Size() / 2
	total := out.Size() * out.Dtype.Size()
	if total == 0 {
		return nil
	}
	if nkeys == 0 || total%nkeys != 0 {
		return fmt.Errorf("random bits: %d bytes do not split over %d keys", total, nkeys)
	}
	share := total / nkeys
	dst := out.Buf.Bytes()[out.Offset*out.Dtype.Size():][:total]

	// The keys, read through their strides.
	kdata := core.All[uint32](keys)
	key := func(i int) (uint32, uint32) {
		rem := 2 * i
		off := keys.Offset
		for d := len(keys.Shape) - 1; d >= 0; d-- {
			off += rem % keys.Shape[d] * keys.Strides[d]
			rem /= keys.Shape[d]
		}
		return kdata[off], kdata[off+keys.Strides[len(keys.Strides)-1]]
	}

	words := (share + 3) / 4
	half := words / 2
	odd := words % 2
	perKey := half + odd // hashes per key
	put := func(b []byte, w int, v uint32) {
		if 4*w+4 <= len(b) {
			binary.LittleEndian.PutUint32(b[4*w:], v)
			return
		}
		var tmp [4]byte
		binary.LittleEndian.PutUint32(tmp[:], v)
		copy(b[4*w:], tmp[:len(b)-4*w])
	}
	parallelFor(nkeys*perKey, 16, func(lo, hi int) {
		i := lo / perKey
		k0, k1 := key(i)
		for t := lo; t < hi; t++ {
			if t/perKey != i {
				i = t / perKey
				k0, k1 = key(i)
			}
			b := dst[i*share : (i+1)*share]
			j := t - i*perKey
			if j < half {
				x, y := threefry2x32(k0, k1, uint32(j), uint32(j+half+odd))
				put(b, j, x)
				put(b, j+half+odd, y)
			} else {
				x, _ := threefry2x32(k0, k1, uint32(half), 0)
				put(b, half, x)
			}
		}
	})
	return nil
}
