package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

func viewsSource() string {
	var e entryList
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		t := ctype[dt]
		e.add(`extern "C" __global__ void scatter_add_%s(const %s* src, %s* out, i64 n, i64 m, Layout<2> l, i64 base) { scatter_add<%s>(src, out, n, m, l, base); }`,
			dtypeTag[dt], t, t, t)
	}
	return source(e.String(), "views.cuh")()
}

// ScatterAdd implements core.ViewKernels. Positions outside out are
// skipped.
func (s *Stream) ScatterAdd(srcs []core.View, strides [][]int, offsets []int, out core.View) error {
	if len(strides) != len(srcs) || len(offsets) != len(srcs) {
		return fmt.Errorf("scatter add: %d sources with %d strides and %d offsets", len(srcs), len(strides), len(offsets))
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	if err := s.Memset(po, 0, n*out.Dtype.Size()); err != nil {
		return err
	}
	dt := out.Dtype
	for i, src := range srcs {
		if src.Dtype != dt {
			return fmt.Errorf("scatter add of %s into %s: not implemented on cuda", ctype[src.Dtype], ctype[dt])
		}
		if len(strides[i]) != len(src.Shape) {
			return fmt.Errorf("scatter add: %d strides for a source of %d dimensions", len(strides[i]), len(src.Shape))
		}
		m := src.Size()
		if m == 0 {
			continue
		}
		ps, err := s.operand(src)
		if err != nil {
			return err
		}
		l, err := makeLayout2("scatter add", src.Shape, src.Strides, strides[i])
		if err != nil {
			return err
		}
		f, err := s.kernel(fnKey{"scatter_add", 0, dt, 0, 0}, "views", viewsSource, "scatter_add_"+dtypeTag[dt])
		if err != nil {
			return err
		}
		var p Params
		p.Ptr(ps).Ptr(po).Int(n).Int(m).Ref(unsafe.Pointer(l)).Int(offsets[i])
		if err := s.Launch(f, s.stridedGrid(m), block256, 0, &p); err != nil {
			return err
		}
	}
	return nil
}

func init() { registerModule("views", viewsSource) }
