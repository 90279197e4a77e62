package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

func shapeSource() string {
	var e entryList
	for _, dt := range []core.Dtype{core.Uint8, core.Uint16, core.Uint32, core.Uint64} {
		t := ctype[dt]
		e.add(`extern "C" __global__ void triangle_%s(const %s* in, %s* out, i64 n, Layout<1> l, i64 nr, i64 nc, i64 k, i32 upper) { triangle<%s>(in, out, n, l, nr, nc, k, upper); }`,
			t, t, t, t)
	}
	return source(e.String(), "shape.cuh")()
}

// Triangle implements core.ShapeKernels.
func (s *Stream) Triangle(in, out core.View, k int, upper bool) error {
	nd := len(out.Shape)
	if nd < 2 || len(in.Shape) != nd {
		return fmt.Errorf("triangle of a %d-d array", nd)
	}
	if in.Dtype.Size() != out.Dtype.Size() {
		return fmt.Errorf("triangle of %s into %s: not implemented on cuda", ctype[in.Dtype], ctype[out.Dtype])
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	nr, nc := out.Shape[nd-2], out.Shape[nd-1]
	k = max(min(k, nc+1), -nr-1) // past these every row is all kept or all zero
	ptrs, err := s.operands(in, out)
	if err != nil {
		return err
	}
	l, err := makeLayout1("triangle", out.Shape, in.Strides)
	if err != nil {
		return err
	}
	dt := bitsType(out.Dtype)
	f, err := s.kernel(fnKey{"triangle", 0, dt, 0, 0}, "shape", shapeSource, "triangle_"+ctype[dt])
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(ptrs[0]).Ptr(ptrs[1]).Int(n).Ref(unsafe.Pointer(l)).Int(nr).Int(nc).Int(k).Int32(b2i(upper))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &p)
}

func init() { registerModule("shape", shapeSource) }
