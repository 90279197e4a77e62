package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// copySource is the module of every copy from element type src: to each
// destination type, a vector kernel of the widest 16-byte step, one of
// step 1 and a strided one.
func buildCopySource(src core.Dtype) func() string {
	var e entryList
	f := ctype[src]
	for dst := core.Dtype(0); dst < core.NumDtypes; dst++ {
		t, tag := ctype[dst], dtypeTag[dst]
		for _, w := range []int{copyWidth(src, dst), 1} {
			e.add(`extern "C" __global__ void copy_v%d_%s(const %s* in, %s* out, i64 n, i32 s) { copy_vec<%s, %s, %d>(in, out, n, s); }`,
				w, tag, f, t, f, t, w)
		}
		e.add(`extern "C" __global__ void copy_g_%s(const %s* in, %s* out, i64 n, Layout<2> l) { copy_strided<%s, %s>(in, out, n, l); }`,
			tag, f, t, f, t)
	}
	return source(e.String(), "copy.cuh")
}

// copyWidth is the number of elements a thread of the vector copy moves:
// 16 bytes of the wider of the two types.
func copyWidth(src, dst core.Dtype) int { return max(1, 16/max(src.Size(), dst.Size())) }

func copyModule(dt core.Dtype) string { return "copy_" + dtypeTag[dt] }

// bitsType is the unsigned type of dt's size: copies within one type move
// bits.
func bitsType(dt core.Dtype) core.Dtype {
	switch dt.Size() {
	case 1:
		return core.Uint8
	case 2:
		return core.Uint16
	case 4:
		return core.Uint32
	}
	return core.Uint64
}

// Copy implements core.CopyKernels.
func (s *Stream) Copy(in, out core.View) error {
	n := out.Size()
	if n == 0 {
		return nil
	}
	if len(in.Shape) != len(out.Shape) {
		return fmt.Errorf("copy: input of %d dimensions for an output of %d", len(in.Shape), len(out.Shape))
	}
	pi, err := s.operand(in)
	if err != nil {
		return err
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	src, dst := in.Dtype, out.Dtype
	inVec, outVec := in.IsContiguous(), out.IsContiguous()
	if src == dst {
		if inVec && outVec {
			return s.CopyDevice(po, pi, n*src.Size())
		}
		src, dst = bitsType(src), bitsType(dst)
	}
	if outVec && (inVec || in.IsScalarBroadcast()) {
		w := copyWidth(src, dst)
		if !aligned(16, po) || (inVec && !aligned(16, pi)) {
			w = 1
		}
		variant := 1
		if w > 1 {
			variant = 2
		}
		f, err := s.kernel(fnKey{"copy", 0, src, dst, variant}, copyModule(src), copySource(src),
			fmt.Sprintf("copy_v%d_%s", w, dtypeTag[dst]))
		if err != nil {
			return err
		}
		var p Params
		p.Ptr(pi).Ptr(po).Int(n).Int32(b2i(inVec))
		return s.Launch(f, gridFor((n+w-1)/w), block256, 0, &p)
	}
	l, err := makeLayout2("copy", out.Shape, in.Strides, out.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"copy", 0, src, dst, 0}, copyModule(src), copySource(src), "copy_g_"+dtypeTag[dst])
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(pi).Ptr(po).Int(n).Ref(unsafe.Pointer(l))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &p)
}

func init() {
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		registerModule(copyModule(dt), copySource(dt))
	}
}

// copySource returns the module's source, built only when it is called: the
// kernels look their module up on every launch, and the text is needed
// only to compile it once.
func copySource(src core.Dtype) func() string {
	return func() string { return buildCopySource(src)() }
}
