package cuda

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// uparams is UParams of kernels/unary.cuh.
type uparams struct {
	nan, pos, neg, pow10, scale float64
	ipow10                      uint64
	decimals                    int64
}

func isRealFloat(dt core.Dtype) bool {
	return dt == core.Float16 || dt == core.Bfloat16 || dt == core.Float32 || dt == core.Float64
}

func isInteger(dt core.Dtype) bool { return dt >= core.Uint8 && dt <= core.Int64 }

// unaryOutputs returns the output types of op on input type dt, as on the
// CPU (internal/cpu/unary.go), or nil where op is not defined on dt.
func unaryOutputs(op core.UnaryOp, dt core.Dtype) []core.Dtype {
	one := func(t core.Dtype) []core.Dtype { return []core.Dtype{t} }
	pred := op >= core.IsNaN && op <= core.IsNegInf || op == core.LogicalNot
	switch op {
	case core.ToFP8:
		if isRealFloat(dt) {
			return one(core.Uint8)
		}
		return nil
	case core.FromFP8:
		if dt == core.Uint8 {
			return []core.Dtype{core.Float32, core.Float64, core.Float16, core.Bfloat16}
		}
		return nil
	}
	if op >= core.NumUnaryOps {
		return nil
	}
	switch {
	case dt == core.Bool:
		switch op {
		case core.LogicalNot, core.BitwiseInvert, core.Abs, core.Sign, core.Square, core.Floor,
			core.Ceil, core.Trunc, core.Round, core.NanToNum, core.Real, core.Conjugate, core.Imag:
			return one(core.Bool)
		}
		if pred {
			return one(core.Bool)
		}
	case isInteger(dt):
		if pred {
			return one(core.Bool)
		}
		switch op {
		case core.Abs, core.Negative, core.Sign, core.Square, core.BitwiseInvert, core.Floor,
			core.Ceil, core.Trunc, core.NanToNum, core.Real, core.Conjugate, core.Round, core.Imag:
			return one(dt)
		}
	case dt == core.Complex64:
		if pred {
			return one(core.Bool)
		}
		switch op {
		case core.Abs, core.Real, core.Imag:
			return one(core.Float32)
		case core.Expm1, core.Sigmoid, core.Erf, core.Erfinv, core.Floor, core.Ceil, core.Trunc,
			core.BitwiseInvert:
			return nil
		}
		return one(core.Complex64)
	default: // real floating-point types
		if pred {
			return one(core.Bool)
		}
		if op != core.BitwiseInvert {
			return one(dt)
		}
	}
	return nil
}

// unaryOpDefs are the OP_* codes of kernels/unary.cuh, from core.UnaryOp.
func unaryOpDefs() string {
	var b strings.Builder
	for op := core.UnaryOp(0); op < core.NumUnaryOps; op++ {
		fmt.Fprintf(&b, "#define OP_%s %d\n", strings.ToUpper(op.String()), op)
	}
	return b.String()
}

// unaryKernelName is the kernel of op with output type out and width w
// (0: the strided kernel).
func unaryKernelName(op core.UnaryOp, out core.Dtype, w int) string {
	if w == 0 {
		return fmt.Sprintf("%s_%s_g", op, dtypeTag[out])
	}
	return fmt.Sprintf("%s_%s_v%d", op, dtypeTag[out], w)
}

// unarySource is the module of every unary kernel of input type dt.
func buildUnarySource(dt core.Dtype) func() string {
	var e entryList
	t := ctype[dt]
	for op := core.UnaryOp(0); op < core.NumUnaryOps; op++ {
		for _, out := range unaryOutputs(op, dt) {
			r := ctype[out]
			for _, w := range []int{copyWidth(dt, out), 1} {
				e.add(`extern "C" __global__ void %s(const %s* in, %s* out, i64 n, i32 s, UParams p) { unary_vec<OP_%s, %s, %s, %d>(in, out, n, s, p); }`,
					unaryKernelName(op, out, w), t, r, strings.ToUpper(op.String()), t, r, w)
			}
			e.add(`extern "C" __global__ void %s(const %s* in, %s* out, i64 n, Layout<2> l, UParams p) { unary_strided<OP_%s, %s, %s>(in, out, n, l, p); }`,
				unaryKernelName(op, out, 0), t, r, strings.ToUpper(op.String()), t, r)
		}
	}
	files := []string{"common.cuh"}
	if dt == core.Complex64 {
		files = append(files, "unary_complex.cuh")
	}
	return func() string {
		return kernelSource(files...) + unaryOpDefs() + kernelSource("unary.cuh") + "\n" + e.String()
	}
}

func unaryModule(dt core.Dtype) string { return "unary_" + dtypeTag[dt] }

// pow10u returns 10^k, or 0 when it exceeds 64 bits.
func pow10u(k int) uint64 {
	f := uint64(1)
	for range k {
		if f > math.MaxUint64/10 {
			return 0
		}
		f *= 10
	}
	return f
}

// unaryParams computes the kernels' parameters of op.
func unaryParams(op core.UnaryOp, p core.UnaryParams) *uparams {
	up := &uparams{nan: p.Nan, pos: p.PosInf, neg: p.NegInf, decimals: int64(p.Decimals),
		pow10: math.Pow(10, math.Abs(float64(p.Decimals)))}
	if p.Decimals < 0 {
		up.ipow10 = pow10u(-p.Decimals)
	}
	switch op {
	case core.Degrees:
		up.scale = 180 / math.Pi
	case core.Radians:
		up.scale = math.Pi / 180
	}
	return up
}

// Unary implements core.UnaryKernels.
func (s *Stream) Unary(op core.UnaryOp, p core.UnaryParams, in, out core.View) error {
	dt, odt := in.Dtype, out.Dtype
	ok := false
	for _, t := range unaryOutputs(op, dt) {
		ok = ok || t == odt
	}
	if !ok {
		return fmt.Errorf("%v of %s: not implemented on cuda", op, ctype[dt])
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	pi, err := s.operand(in)
	if err != nil {
		return err
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	up := unaryParams(op, p)
	key := fnKey{"unary", int(op), dt, odt, 0}
	inVec := in.IsContiguous()
	if out.IsContiguous() && (inVec || in.IsScalarBroadcast()) {
		w := copyWidth(dt, odt)
		if !aligned(16, po) || (inVec && !aligned(16, pi)) {
			w = 1
		}
		key.variant = 1
		if w > 1 {
			key.variant = 2
		}
		f, err := s.kernel(key, unaryModule(dt), unarySource(dt), unaryKernelName(op, odt, w))
		if err != nil {
			return err
		}
		var pr Params
		pr.Ptr(pi).Ptr(po).Int(n).Int32(b2i(inVec)).Ref(unsafe.Pointer(up))
		return s.Launch(f, gridFor((n+w-1)/w), block256, 0, &pr)
	}
	l, err := makeLayout2(op.String(), out.Shape, in.Strides, out.Strides)
	if err != nil {
		return err
	}
	f, err := s.kernel(key, unaryModule(dt), unarySource(dt), unaryKernelName(op, odt, 0))
	if err != nil {
		return err
	}
	var pr Params
	pr.Ptr(pi).Ptr(po).Int(n).Ref(unsafe.Pointer(l)).Ref(unsafe.Pointer(up))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &pr)
}

func init() {
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		registerModule(unaryModule(dt), unarySource(dt))
	}
}

// unarySource returns the module's source, built only when it is called: the
// kernels look their module up on every launch, and the text is needed
// only to compile it once.
func unarySource(dt core.Dtype) func() string {
	return func() string { return buildUnarySource(dt)() }
}
