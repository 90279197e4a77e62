package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

func randomSource() string {
	return source(`extern "C" __global__ void random_bits_k(const u32* keys, Layout<1> l, u8* out, i64 nkeys, i64 share, i32 aligned) { random_bits(keys, l, out, nkeys, share, aligned); }`,
		"random.cuh")()
}

// RandomBits implements core.RandomKernels.
func (s *Stream) RandomBits(keys, out core.View) error {
	if keys.Dtype != core.Uint32 || len(keys.Shape) == 0 || keys.Shape[len(keys.Shape)-1] != 2 {
		return fmt.Errorf("random bits: keys must be uint32 of shape (..., 2), got shape %v", keys.Shape)
	}
	if !out.IsContiguous() {
		return fmt.Errorf("random bits: the output must be row-major")
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
	ptrs, err := s.operands(keys, out)
	if err != nil {
		return err
	}
	l, err := makeLayout1("random bits", keys.Shape, keys.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"random", 0, 0, 0, 0}, "random", randomSource, "random_bits_k")
	if err != nil {
		return err
	}
	words := (share + 3) / 4
	hashes := nkeys * (words/2 + words%2)
	var p Params
	p.Ptr(ptrs[0]).Ref(unsafe.Pointer(l)).Ptr(ptrs[1]).Int(nkeys).Int(share).Int32(b2i(share%4 == 0 && aligned(4, ptrs[1])))
	return s.Launch(f, s.stridedGrid(hashes), block256, 0, &p)
}

func init() { registerModule("random", randomSource) }
