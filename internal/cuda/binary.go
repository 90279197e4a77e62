package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// binaryFunctor names each op's functor in kernels/binary.cuh.
var binaryFunctor = [core.NumBinaryOps]string{
	"OpAdd", "OpSubtract", "OpMultiply", "OpDivide", "OpFloorDivide", "OpRemainder", "OpPower",
	"OpMaximum", "OpMinimum", "OpArcTan2", "OpLogAddExp", "OpEqual", "OpNotEqual", "OpLess",
	"OpLessEqual", "OpGreater", "OpGreaterEqual", "OpLogicalAnd", "OpLogicalOr", "OpBitwiseAnd",
	"OpBitwiseOr", "OpBitwiseXor", "OpLeftShift", "OpRightShift",
}

// binarySupports reports whether op is defined on dt, as on the CPU.
func binarySupports(op core.BinaryOp, dt core.Dtype) bool {
	isFloat := dt == core.Float16 || dt == core.Bfloat16 || dt == core.Float32 || dt == core.Float64
	switch {
	case dt == core.Complex64:
		switch op {
		case core.Add, core.Subtract, core.Multiply, core.Divide, core.Power, core.Maximum, core.Minimum:
			return true
		}
		return op >= core.Equal && op <= core.GreaterEqual
	case isFloat:
		return op <= core.GreaterEqual
	case dt == core.Bool:
		switch op {
		case core.Divide, core.ArcTan2, core.LogAddExp, core.LeftShift, core.RightShift:
			return false
		}
		return true
	default: // integers
		switch op {
		case core.Divide, core.ArcTan2, core.LogAddExp, core.LogicalAnd, core.LogicalOr:
			return false
		}
		return true
	}
}

// binarySource is the module of every binary kernel of one element type.
func buildBinarySource(dt core.Dtype) func() string {
	var e entryList
	t := ctype[dt]
	n := vecWidth(dt)
	for op := core.BinaryOp(0); op < core.NumBinaryOps; op++ {
		if !binarySupports(op, dt) {
			continue
		}
		r := t
		if op.IsComparison() {
			r = "bool"
		}
		f := binaryFunctor[op]
		for _, w := range []int{n, 1} {
			e.add(`extern "C" __global__ void %s_v%d(const %s* a, const %s* b, %s* out, i64 n, i32 as, i32 bs) { binary_vec<%s, %s, %s, %d>(a, b, out, n, as, bs); }`,
				f, w, t, t, r, t, r, f, w)
		}
		e.add(`extern "C" __global__ void %s_g(const %s* a, const %s* b, %s* out, i64 n, Layout<2> l) { binary_strided<%s, %s, %s>(a, b, out, n, l); }`,
			f, t, t, r, t, r, f)
	}
	if dt != core.Complex64 && dt != core.Bool {
		e.add(`extern "C" __global__ void divmod_g(const %s* a, const %s* b, %s* q, %s* r, i64 n, Layout<2> l) { divmod_strided<%s>(a, b, q, r, n, l); }`, t, t, t, t, t)
	}
	e.add(`extern "C" __global__ void isclose_g(const %s* a, const %s* b, bool* out, i64 n, Layout<2> l, double rtol, double atol, i32 en, i32 all) { isclose_strided<%s>(a, b, out, n, l, rtol, atol, en, all); }`, t, t, t)
	return source(e.String(), "binary.cuh")
}

func binaryModule(dt core.Dtype) string { return "binary_" + dtypeTag[dt] }

// Binary implements core.BinaryKernels.
func (s *Stream) Binary(op core.BinaryOp, a, b, out core.View) error {
	dt := a.Dtype
	if !binarySupports(op, dt) {
		return fmt.Errorf("%v of %s: not implemented on cuda", op, ctype[dt])
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	pa, err := s.operand(a)
	if err != nil {
		return err
	}
	pb, err := s.operand(b)
	if err != nil {
		return err
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	name := binaryFunctor[op]
	aVec, bVec := a.IsContiguous(), b.IsContiguous()
	if (aVec || a.IsScalarBroadcast()) && (bVec || b.IsScalarBroadcast()) {
		w := vecWidth(dt)
		if !aligned(16, po) || (aVec && !aligned(16, pa)) || (bVec && !aligned(16, pb)) {
			w = 1
		}
		variant := 1
		if w > 1 {
			variant = 2
		}
		f, err := s.kernel(fnKey{"binary", int(op), dt, 0, variant}, binaryModule(dt), binarySource(dt), fmt.Sprintf("%s_v%d", name, w))
		if err != nil {
			return err
		}
		var p Params
		p.Ptr(pa).Ptr(pb).Ptr(po).Int(n).Int32(b2i(aVec)).Int32(b2i(bVec))
		return s.Launch(f, gridFor((n+w-1)/w), block256, 0, &p)
	}
	l, err := makeLayout2(op.String(), out.Shape, a.Strides, b.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"binary", int(op), dt, 0, 0}, binaryModule(dt), binarySource(dt), name+"_g")
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(pa).Ptr(pb).Ptr(po).Int(n).Ref(unsafe.Pointer(l))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &p)
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// DivMod implements core.BinaryKernels.
func (s *Stream) DivMod(a, b, quo, rem core.View) error {
	dt := a.Dtype
	if dt == core.Complex64 || dt == core.Bool {
		return fmt.Errorf("divmod of %s: not implemented on cuda", ctype[dt])
	}
	n := quo.Size()
	if n == 0 {
		return nil
	}
	ptrs, err := s.operands(a, b, quo, rem)
	if err != nil {
		return err
	}
	l, err := makeLayout2("divmod", quo.Shape, a.Strides, b.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"divmod", 0, dt, 0, 0}, binaryModule(dt), binarySource(dt), "divmod_g")
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(ptrs[0]).Ptr(ptrs[1]).Ptr(ptrs[2]).Ptr(ptrs[3]).Int(n).Ref(unsafe.Pointer(l))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &p)
}

// IsClose implements core.BinaryKernels.
func (s *Stream) IsClose(a, b, out core.View, tol core.Tolerance) error {
	return s.isClose(a, b, out, tol, false)
}

// AllClose implements core.BinaryKernels.
func (s *Stream) AllClose(a, b, out core.View, tol core.Tolerance) error {
	return s.isClose(a, b, out, tol, true)
}

func (s *Stream) isClose(a, b, out core.View, tol core.Tolerance, all bool) error {
	dt := a.Dtype
	ptrs, err := s.operands(a, b, out)
	if err != nil {
		return err
	}
	shape := a.Shape
	n := a.Size()
	if all {
		if err := s.Memset(ptrs[2], 1, 1); err != nil {
			return err
		}
	}
	if n == 0 {
		return nil
	}
	l, err := makeLayout2("isclose", shape, a.Strides, b.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"isclose", 0, dt, 0, 0}, binaryModule(dt), binarySource(dt), "isclose_g")
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(ptrs[0]).Ptr(ptrs[1]).Ptr(ptrs[2]).Int(n).Ref(unsafe.Pointer(l)).
		Float64(tol.Rtol).Float64(tol.Atol).Int32(b2i(tol.EqualNaN)).Int32(b2i(all))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &p)
}

// operands returns the device addresses of views.
func (s *Stream) operands(vs ...core.View) ([]uintptr, error) {
	ps := make([]uintptr, len(vs))
	for i, v := range vs {
		p, err := s.operand(v)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

func init() {
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		registerModule(binaryModule(dt), binarySource(dt))
	}
}

// binarySource returns the module's source, built only when it is called: the
// kernels look their module up on every launch, and the text is needed
// only to compile it once.
func binarySource(dt core.Dtype) func() string {
	return func() string { return buildBinarySource(dt)() }
}
