package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// ternarySource is the module of Select for elements of 1, 2, 4 and 8
// bytes.
func ternarySource() string {
	var e entryList
	for _, dt := range []core.Dtype{core.Uint8, core.Uint16, core.Uint32, core.Uint64} {
		t := ctype[dt]
		for _, w := range []int{vecWidth(dt), 1} {
			e.add(`extern "C" __global__ void select_v%d_%s(const bool* c, const %s* a, const %s* b, %s* out, i64 n, i32 cs, i32 as, i32 bs) { select_vec<%s, %d>(c, a, b, out, n, cs, as, bs); }`,
				w, t, t, t, t, t, w)
		}
		e.add(`extern "C" __global__ void select_g_%s(const bool* c, const %s* a, const %s* b, %s* out, i64 n, Layout<3> l) { select_strided<%s>(c, a, b, out, n, l); }`,
			t, t, t, t, t)
	}
	return source(e.String(), "ternary.cuh")()
}

// Select implements core.TernaryKernels.
func (s *Stream) Select(cond, a, b, out core.View) error {
	if cond.Dtype != core.Bool || a.Dtype != out.Dtype || b.Dtype != out.Dtype {
		return fmt.Errorf("select of %s and %s with a %s condition into %s: not implemented on cuda",
			ctype[a.Dtype], ctype[b.Dtype], ctype[cond.Dtype], ctype[out.Dtype])
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	ptrs, err := s.operands(cond, a, b, out)
	if err != nil {
		return err
	}
	dt := bitsType(out.Dtype)
	t := ctype[dt]
	vc, va, vb := cond.IsContiguous(), a.IsContiguous(), b.IsContiguous()
	if out.IsContiguous() && (vc || cond.IsScalarBroadcast()) && (va || a.IsScalarBroadcast()) && (vb || b.IsScalarBroadcast()) {
		w := vecWidth(dt)
		// The condition's vector is w bytes: its address must be a multiple of w.
		if !aligned(16, ptrs[3]) || (va && !aligned(16, ptrs[1])) || (vb && !aligned(16, ptrs[2])) || (vc && !aligned(uintptr(w), ptrs[0])) {
			w = 1
		}
		variant := 1
		if w > 1 {
			variant = 2
		}
		f, err := s.kernel(fnKey{"select", 0, dt, 0, variant}, "ternary", ternarySource, fmt.Sprintf("select_v%d_%s", w, t))
		if err != nil {
			return err
		}
		var p Params
		p.Ptr(ptrs[0]).Ptr(ptrs[1]).Ptr(ptrs[2]).Ptr(ptrs[3]).Int(n).Int32(b2i(vc)).Int32(b2i(va)).Int32(b2i(vb))
		return s.Launch(f, gridFor((n+w-1)/w), block256, 0, &p)
	}
	l, err := makeLayout3("select", out.Shape, cond.Strides, a.Strides, b.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"select", 0, dt, 0, 0}, "ternary", ternarySource, "select_g_"+t)
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(ptrs[0]).Ptr(ptrs[1]).Ptr(ptrs[2]).Ptr(ptrs[3]).Int(n).Ref(unsafe.Pointer(l))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &p)
}

func init() { registerModule("ternary", ternarySource) }
