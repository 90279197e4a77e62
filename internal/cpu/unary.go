package cpu

import (
	"fmt"
	"math"
	"math/cmplx"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The unary kernels are functions on slices, func(dst, src []T), chosen
// once per call by op and element type; a driver runs them over the rows
// of the layout, gathering strided rows into a small buffer first. So the
// per-element work is a tight loop with no indirect call, except for the
// functions of the math package that have no faster version here.

// Unary implements core.UnaryKernels.
func (*backend) Unary(op core.UnaryOp, p core.UnaryParams, in, out core.View) error {
	l := newLayout(out.Shape, []int{in.Offset, out.Offset}, in.Strides, out.Strides)
	var ok bool
	switch {
	case op == core.ToFP8 || op == core.FromFP8:
		ok = unaryFP8(op, l, in, out)
	case in.Dtype == core.Float32:
		ok = unaryFloat[float32](op, p, l, in, out)
	case in.Dtype == core.Float64:
		ok = unaryFloat[float64](op, p, l, in, out)
	case in.Dtype == core.Float16:
		ok = unaryHalf(op, p, l, in, out, f16Format)
	case in.Dtype == core.Bfloat16:
		ok = unaryHalf(op, p, l, in, out, bf16Format)
	case in.Dtype == core.Complex64:
		ok = unaryComplex(op, p, l, in, out)
	case in.Dtype == core.Bool:
		ok = unaryBool(op, l, in, out)
	case in.Dtype == core.Uint8:
		ok = unaryInt[uint8](op, p, l, in, out)
	case in.Dtype == core.Uint16:
		ok = unaryInt[uint16](op, p, l, in, out)
	case in.Dtype == core.Uint32:
		ok = unaryInt[uint32](op, p, l, in, out)
	case in.Dtype == core.Uint64:
		ok = unaryInt[uint64](op, p, l, in, out)
	case in.Dtype == core.Int8:
		ok = unaryInt[int8](op, p, l, in, out)
	case in.Dtype == core.Int16:
		ok = unaryInt[int16](op, p, l, in, out)
	case in.Dtype == core.Int32:
		ok = unaryInt[int32](op, p, l, in, out)
	case in.Dtype == core.Int64:
		ok = unaryInt[int64](op, p, l, in, out)
	}
	if !ok {
		return fmt.Errorf("%v: not implemented on cpu for input type %d and output type %d", op, in.Dtype, out.Dtype)
	}
	return nil
}

// gatherChunk is the number of elements a strided row is gathered in at a time.
const gatherChunk = 512

// unaryRun applies f to the elements of in, writing out, over layout l
// split over the cores; cost is the rough work per element.
func unaryRun[S, D any](l layout, in, out core.View, cost int, f func(dst []D, src []S)) {
	src, dst := core.All[S](in), core.All[D](out)
	_, st := l.inner()
	si, so := st[0], st[1]
	parallelFor(l.size(), cost, func(lo, hi int) {
		var xs []S
		var ys []D
		l.rows(lo, hi, func(off []int, n int) {
			a, b := off[0], off[1]
			if si == 1 && so == 1 {
				f(dst[b:b+n], src[a:a+n])
				return
			}
			if xs == nil {
				k := min(gatherChunk, hi-lo)
				xs, ys = make([]S, k), make([]D, k)
			}
			for n > 0 {
				m := min(n, len(xs))
				for t := range xs[:m] {
					xs[t] = src[a]
					a += si
				}
				if so == 1 {
					f(dst[b:b+m], xs[:m])
					b += m
				} else {
					f(ys[:m], xs[:m])
					for _, y := range ys[:m] {
						dst[b] = y
						b += so
					}
				}
				n -= m
			}
		})
	})
}

// unaryFloat runs op on float32 or float64 input.
func unaryFloat[T float](op core.UnaryOp, p core.UnaryParams, l layout, in, out core.View) bool {
	if out.Dtype == core.Bool {
		f := predFloat[T](op)
		if f == nil {
			return false
		}
		unaryRun(l, in, out, 1, f)
		return true
	}
	if f, cost := fast32(op); f != nil && in.Dtype == core.Float32 {
		unaryRun(l, in, out, cost, any(f).(func(dst, src []T)))
		return true
	}
	f, cost := floatFunc[T](op, p)
	if f == nil {
		return false
	}
	unaryRun(l, in, out, cost, f)
	return true
}

// fast32 returns the float32 version of op of unary_math.go, or nil, and
// its rough cost per element: a vector loop costs about two adds, a Go loop
// about eight.
func fast32(op core.UnaryOp) (func(dst, src []float32), int) {
	var fn f32Fn
	switch op {
	case core.Exp:
		fn = fnExp
	case core.Expm1:
		fn = fnExpm1
	case core.Log:
		fn = fnLog
	case core.Log2:
		fn = fnLog2
	case core.Log10:
		fn = fnLog10
	case core.Log1p:
		fn = fnLog1p
	case core.Tanh:
		fn = fnTanh
	case core.Sigmoid:
		fn = fnSigmoid
	case core.Erf:
		fn = fnErf
	case core.Sin:
		return sin32, 8
	case core.Cos:
		return cos32, 8
	default:
		return nil, 0
	}
	if f32Vec.fn[fn] != nil && f32Vec != &f32Go {
		return f32Funcs[fn], 2
	}
	return f32Funcs[fn], 8
}

// floatFunc returns op on real floating-point slices and its rough cost
// per element, or nil. Results are computed in float64 and rounded once.
func floatFunc[T float](op core.UnaryOp, p core.UnaryParams) (func(dst, src []T), int) {
	switch op {
	case core.Abs:
		return absF[T], 1
	case core.Negative:
		return negF[T], 1
	case core.Sign:
		return signF[T], 1
	case core.Square:
		return square[T], 1
	case core.Sqrt:
		return sqrtF[T], 2
	case core.Rsqrt:
		return rsqrtF[T], 2
	case core.Reciprocal:
		return recipF[T], 2
	case core.Floor:
		return floorF[T], 1
	case core.Ceil:
		return ceilF[T], 1
	case core.Trunc:
		return truncF[T], 1
	case core.Round:
		return roundF[T](p.Decimals), 2
	case core.Degrees:
		return scaleF[T](180 / math.Pi), 1
	case core.Radians:
		return scaleF[T](math.Pi / 180), 1
	case core.NanToNum:
		return nanToNumF[T](p), 1
	case core.Real, core.Conjugate:
		return copyF[T], 1
	case core.Imag:
		return zeroF[T], 1
	}
	if f := mathFunc(op); f != nil {
		return mathMap[T](f), 16
	}
	return nil, 0
}

// mathFunc returns op as a float64 function of the math package, or nil.
func mathFunc(op core.UnaryOp) func(float64) float64 {
	switch op {
	case core.Exp:
		return math.Exp
	case core.Expm1:
		return math.Expm1
	case core.Log:
		return math.Log
	case core.Log2:
		return math.Log2
	case core.Log10:
		return math.Log10
	case core.Log1p:
		return math.Log1p
	case core.Sin:
		return math.Sin
	case core.Cos:
		return math.Cos
	case core.Tan:
		return math.Tan
	case core.Arcsin:
		return math.Asin
	case core.Arccos:
		return math.Acos
	case core.Arctan:
		return math.Atan
	case core.Sinh:
		return math.Sinh
	case core.Cosh:
		return math.Cosh
	case core.Tanh:
		return math.Tanh
	case core.Arcsinh:
		return math.Asinh
	case core.Arccosh:
		return math.Acosh
	case core.Arctanh:
		return math.Atanh
	case core.Sigmoid:
		return sigmoid64
	case core.Erf:
		return math.Erf
	case core.Erfinv:
		return math.Erfinv
	}
	return nil
}

// sigmoid64 is 1/(1 + e^-x), written so that neither branch overflows.
func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// mathMap lifts a float64 function to slices of T, rounding once.
func mathMap[T float](f func(float64) float64) func(dst, src []T) {
	return func(dst, src []T) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = T(f(float64(x)))
		}
	}
}

func absF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(math.Abs(float64(x)))
	}
}

func negF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = -x
	}
}

// signF gives -1, 0 or 1, and NaN for NaN (as NumPy).
func signF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		switch {
		case x > 0:
			dst[i] = 1
		case x < 0:
			dst[i] = -1
		case x == 0:
			dst[i] = 0
		default:
			dst[i] = x
		}
	}
}

func square[T integer | float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = x * x
	}
}

func sqrtF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(math.Sqrt(float64(x)))
	}
}

func rsqrtF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(1 / math.Sqrt(float64(x)))
	}
}

func recipF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = 1 / x
	}
}

func floorF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(math.Floor(float64(x)))
	}
}

func ceilF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(math.Ceil(float64(x)))
	}
}

func truncF[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(math.Trunc(float64(x)))
	}
}

func copyF[T any](dst, src []T) { copy(dst, src) }

func zeroF[T any](dst, _ []T) { clear(dst) }

// scaleF multiplies by a constant, rounding once.
func scaleF[T float](c float64) func(dst, src []T) {
	return func(dst, src []T) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = T(float64(x) * c)
		}
	}
}

// roundF rounds to the given number of decimals, ties to even, as NumPy
// does: x*10^d rounded to an integer, divided by 10^d, in T's arithmetic
// (for d < 0, x/10^-d rounded, times 10^-d). Where NumPy's steps overflow
// and make NaN, x is returned unchanged (d > 0: it has no digits to drop)
// or as ±0 (d < 0: it is far below the unit).
func roundF[T float](d int) func(dst, src []T) {
	if d == 0 {
		return func(dst, src []T) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = T(math.RoundToEven(float64(x)))
			}
		}
	}
	f := T(math.Pow(10, math.Abs(float64(d))))
	finite := func(x T) bool { return math.Abs(float64(x)) <= math.MaxFloat64 }
	return func(dst, src []T) {
		dst = dst[:len(src)]
		for i, x := range src {
			switch {
			case !finite(x):
			case d > 0:
				if y := x * f; finite(y) {
					x = T(math.RoundToEven(float64(y))) / f
				}
			case finite(f):
				x = T(math.RoundToEven(float64(x/f))) * f
			default:
				x = T(math.Copysign(0, float64(x)))
			}
			dst[i] = x
		}
	}
}

// nanToNumF replaces NaN and infinities by p's values, converted to T.
func nanToNumF[T float](p core.UnaryParams) func(dst, src []T) {
	nan, pos, neg := T(p.Nan), T(p.PosInf), T(p.NegInf)
	return func(dst, src []T) {
		dst = dst[:len(src)]
		for i, x := range src {
			switch {
			case x != x:
				x = nan
			case float64(x) > math.MaxFloat64:
				x = pos
			case float64(x) < -math.MaxFloat64:
				x = neg
			}
			dst[i] = x
		}
	}
}

// predFloat returns the predicate op (IsNaN, IsInf, ...) or LogicalNot on
// real floating-point slices, or nil.
func predFloat[T float](op core.UnaryOp) func(dst []bool, src []T) {
	switch op {
	case core.IsNaN:
		return func(dst []bool, src []T) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = x != x
			}
		}
	case core.IsInf:
		return func(dst []bool, src []T) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = math.Abs(float64(x)) > math.MaxFloat64
			}
		}
	case core.IsFinite:
		return func(dst []bool, src []T) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = math.Abs(float64(x)) <= math.MaxFloat64
			}
		}
	case core.IsPosInf:
		return func(dst []bool, src []T) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = float64(x) > math.MaxFloat64
			}
		}
	case core.IsNegInf:
		return func(dst []bool, src []T) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = float64(x) < -math.MaxFloat64
			}
		}
	case core.LogicalNot:
		return notNum[T]
	}
	return nil
}

// notNum is LogicalNot of numbers: x == 0 (NaN is true, so gives false).
func notNum[T comparable](dst []bool, src []T) {
	var zero T
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = x == zero
	}
}

// constBool fills with v: the predicates of integer and bool inputs.
func constBool[S any](v bool) func(dst []bool, _ []S) {
	return func(dst []bool, _ []S) {
		for i := range dst {
			dst[i] = v
		}
	}
}

// intPred returns the predicates of integer and bool inputs, whose values
// are never NaN or infinite, or nil.
func intPred[S any](op core.UnaryOp) func(dst []bool, src []S) {
	switch op {
	case core.IsNaN, core.IsInf, core.IsPosInf, core.IsNegInf:
		return constBool[S](false)
	case core.IsFinite:
		return constBool[S](true)
	}
	return nil
}

// unaryInt runs op on an integer input.
func unaryInt[T integer](op core.UnaryOp, p core.UnaryParams, l layout, in, out core.View) bool {
	if out.Dtype == core.Bool {
		f := intPred[T](op)
		if op == core.LogicalNot {
			f = notNum[T]
		}
		if f == nil {
			return false
		}
		unaryRun(l, in, out, 1, f)
		return true
	}
	var f func(dst, src []T)
	switch op {
	case core.Abs:
		f = absInt[T]
	case core.Negative:
		f = negInt[T]
	case core.Sign:
		f = signInt[T]
	case core.Square:
		f = square[T]
	case core.BitwiseInvert:
		f = invertInt[T]
	case core.Floor, core.Ceil, core.Trunc, core.NanToNum, core.Real, core.Conjugate:
		f = copyF[T]
	case core.Round:
		f = copyF[T]
		if p.Decimals < 0 {
			f = roundInt[T](-p.Decimals)
		}
	case core.Imag:
		f = zeroF[T]
	default:
		return false
	}
	unaryRun(l, in, out, 1, f)
	return true
}

func absInt[T integer](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		if x < 0 {
			x = -x
		}
		dst[i] = x
	}
}

func negInt[T integer](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = -x
	}
}

func signInt[T integer](dst, src []T) {
	var zero, one T = 0, 1
	dst = dst[:len(src)]
	for i, x := range src {
		switch {
		case x > 0:
			dst[i] = one
		case x < 0:
			dst[i] = zero - one
		default:
			dst[i] = zero
		}
	}
}

func invertInt[T integer](dst, src []T) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = ^x
	}
}

// roundInt rounds integers to a multiple of 10^k, ties to even, exactly.
// Results beyond T's range wrap.
func roundInt[T integer](k int) func(dst, src []T) {
	var zero T
	signed := zero-1 < 0
	return func(dst, src []T) {
		dst = dst[:len(src)]
		for i, x := range src {
			if signed {
				dst[i] = T(roundSigned(int64(x), k))
			} else {
				dst[i] = T(roundUnsigned(uint64(x), k))
			}
		}
	}
}

// pow10u returns 10^k, or false when it exceeds uint64.
func pow10u(k int) (uint64, bool) {
	f := uint64(1)
	for range k {
		if f > math.MaxUint64/10 {
			return 0, false
		}
		f *= 10
	}
	return f, true
}

func roundUnsigned(x uint64, k int) uint64 {
	f, ok := pow10u(k)
	if !ok {
		return 0
	}
	q, r := x/f, x%f
	if r > f-r || r == f-r && q&1 == 1 {
		q++
	}
	return q * f
}

func roundSigned(x int64, k int) int64 {
	mag := uint64(x)
	if x < 0 {
		mag = -mag
	}
	m := roundUnsigned(mag, k)
	if x < 0 {
		return -int64(m)
	}
	return int64(m)
}

// unaryBool runs op on a bool input.
func unaryBool(op core.UnaryOp, l layout, in, out core.View) bool {
	switch op {
	case core.LogicalNot, core.BitwiseInvert:
		unaryRun(l, in, out, 1, func(dst, src []bool) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = !x
			}
		})
	case core.Abs, core.Sign, core.Square, core.Floor, core.Ceil, core.Trunc, core.Round,
		core.NanToNum, core.Real, core.Conjugate:
		unaryRun(l, in, out, 1, copyF[bool])
	case core.Imag:
		unaryRun(l, in, out, 1, zeroF[bool])
	default:
		f := intPred[bool](op)
		if f == nil {
			return false
		}
		unaryRun(l, in, out, 1, f)
	}
	return true
}

// unaryComplex runs op on a complex64 input, computing in complex128.
func unaryComplex(op core.UnaryOp, p core.UnaryParams, l layout, in, out core.View) bool {
	switch out.Dtype {
	case core.Bool:
		var pred func(complex64) bool
		switch op {
		case core.IsNaN:
			pred = func(z complex64) bool { return real(z) != real(z) || imag(z) != imag(z) }
		case core.IsInf:
			pred = func(z complex64) bool { return isInf32(real(z)) || isInf32(imag(z)) }
		case core.IsFinite:
			pred = func(z complex64) bool { return !isInf32(real(z)) && !isInf32(imag(z)) && z == z }
		case core.IsPosInf: // as MLX: equal to +Inf + 0i
			pred = func(z complex64) bool { return z == complex(float32(math.Inf(1)), 0) }
		case core.IsNegInf:
			pred = func(z complex64) bool { return z == complex(float32(math.Inf(-1)), 0) }
		case core.LogicalNot:
			unaryRun(l, in, out, 1, notNum[complex64])
			return true
		default:
			return false
		}
		unaryRun(l, in, out, 2, func(dst []bool, src []complex64) {
			dst = dst[:len(src)]
			for i, z := range src {
				dst[i] = pred(z)
			}
		})
		return true
	case core.Float32:
		var f func(complex64) float32
		switch op {
		case core.Abs:
			f = func(z complex64) float32 { return float32(math.Hypot(float64(real(z)), float64(imag(z)))) }
		case core.Real:
			f = func(z complex64) float32 { return real(z) }
		case core.Imag:
			f = func(z complex64) float32 { return imag(z) }
		default:
			return false
		}
		unaryRun(l, in, out, 4, func(dst []float32, src []complex64) {
			dst = dst[:len(src)]
			for i, z := range src {
				dst[i] = f(z)
			}
		})
		return true
	}
	switch op {
	case core.Round:
		unaryRun(l, in, out, 4, onParts(roundF[float32](p.Decimals)))
		return true
	case core.NanToNum:
		unaryRun(l, in, out, 2, onParts(nanToNumF[float32](p)))
		return true
	}
	f := complexFunc(op)
	if f == nil {
		return false
	}
	unaryRun(l, in, out, 32, func(dst, src []complex64) {
		dst = dst[:len(src)]
		for i, z := range src {
			dst[i] = complex64(f(complex128(z)))
		}
	})
	return true
}

func isInf32(x float32) bool { return x > math.MaxFloat32 || x < -math.MaxFloat32 }

// complexFunc returns op on complex numbers, or nil.
func complexFunc(op core.UnaryOp) func(complex128) complex128 {
	switch op {
	case core.Negative:
		return func(z complex128) complex128 { return -z }
	case core.Sign:
		return func(z complex128) complex128 {
			if z == 0 {
				return 0
			}
			return z / complex(cmplx.Abs(z), 0)
		}
	case core.Square:
		return func(z complex128) complex128 { return z * z }
	case core.Sqrt:
		return cmplx.Sqrt
	case core.Rsqrt:
		return func(z complex128) complex128 { return 1 / cmplx.Sqrt(z) }
	case core.Reciprocal:
		return func(z complex128) complex128 { return 1 / z }
	case core.Exp:
		return cmplx.Exp
	case core.Log:
		return cmplx.Log
	case core.Log2:
		return func(z complex128) complex128 { return cmplx.Log(z) / math.Ln2 }
	case core.Log10:
		return cmplx.Log10
	case core.Log1p:
		return func(z complex128) complex128 { return cmplx.Log(1 + z) }
	case core.Sin:
		return cmplx.Sin
	case core.Cos:
		return cmplx.Cos
	case core.Tan:
		return cmplx.Tan
	case core.Arcsin:
		return cmplx.Asin
	case core.Arccos:
		return cmplx.Acos
	case core.Arctan:
		return cmplx.Atan
	case core.Sinh:
		return cmplx.Sinh
	case core.Cosh:
		return cmplx.Cosh
	case core.Tanh:
		return cmplx.Tanh
	case core.Arcsinh:
		return cmplx.Asinh
	case core.Arccosh:
		return cmplx.Acosh
	case core.Arctanh:
		return cmplx.Atanh
	case core.Conjugate:
		return cmplx.Conj
	case core.Degrees:
		return func(z complex128) complex128 { return z * (180 / math.Pi) }
	case core.Radians:
		return func(z complex128) complex128 { return z * (math.Pi / 180) }
	}
	return nil
}

// onParts applies f, a function of real numbers, to the real and the
// imaginary parts of complex numbers.
func onParts(f func(dst, src []float32)) func(dst, src []complex64) {
	return func(dst, src []complex64) {
		dst = dst[:len(src)]
		f(unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(dst))), 2*len(dst)),
			unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(src))), 2*len(src)))
	}
}
