package cpu

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

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
	parallelFor(nkeys*perKey, 16, func(lo, hi int) {
		for t := lo; t < hi; {
			i := t / perKey
			k0, k1 := key(i)
			j0 := t - i*perKey
			j1 := min(perKey, j0+hi-t)
			randomShare(dst[i*share:(i+1)*share], k0, k1, half, odd, j0, j1)
			t += j1 - j0
		}
	})
	return nil
}

// randomShare computes hashes [j0, j1) of one key's share b of the output:
// hash j < half fills words j and j+half+odd, hash half (when odd) fills
// word half.
func randomShare(b []byte, k0, k1 uint32, half, odd, j0, j1 int) {
	full := len(b) / 4 // whole words
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%4 == 0 && full > 0 {
		w := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b))), full)
		// Hashes whose both words are whole.
		last := min(j1, half, full-half-odd)
		for j := j0; j < last; j++ {
			w[j], w[j+half+odd] = core.Threefry2x32(k0, k1, uint32(j), uint32(j+half+odd))
		}
		j0 = max(j0, last)
	}
	for j := j0; j < j1; j++ {
		if j < half {
			x, y := core.Threefry2x32(k0, k1, uint32(j), uint32(j+half+odd))
			putWord(b, j, x)
			putWord(b, j+half+odd, y)
		} else {
			x, _ := core.Threefry2x32(k0, k1, uint32(half), 0)
			putWord(b, half, x)
		}
	}
}

// littleEndian reports whether the machine stores words little-endian, so
// that they can be written to the output as they are.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// putWord writes v little-endian as word w of b, cut to b's end.
func putWord(b []byte, w int, v uint32) {
	if 4*w+4 <= len(b) {
		binary.LittleEndian.PutUint32(b[4*w:], v)
		return
	}
	var tmp [4]byte
	binary.LittleEndian.PutUint32(tmp[:], v)
	copy(b[4*w:], tmp[:len(b)-4*w])
}
