// Elementwise operations of one operand, with the semantics of the CPU
// kernels (internal/cpu/unary.go, unary_math.go, unary_half.go). The op
// codes OP_* are generated from core.UnaryOp ahead of this file. float and
// double compute their functions in double and round once (as the CPU);
// float16 and bfloat16 compute in float and round once more.

// UParams are the op parameters, computed by the host: pow10 = 10^|decimals|
// (Round of floating types), ipow10 = 10^-decimals for decimals < 0 (Round
// of integers; 0 when it exceeds 64 bits), scale the factor of Degrees and
// Radians, nan/pos/neg NanToNum's replacements.
struct UParams {
  double nan, pos, neg, pow10, scale;
  u64 ipow10;
  i64 decimals;
};

// Whether float32 input computes exp, log, tanh, sigmoid and erf with the
// float functions (within 2 ulp, faster where double is slow) instead of
// the double ones (within half an ulp after rounding, as the CPU).
#define F32_HOT_IN_FLOAT 0

template <int OP> struct is_hot { static const bool value = OP == OP_EXP || OP == OP_LOG || OP == OP_TANH || OP == OP_SIGMOID || OP == OP_ERF; };

// math_d: the functions of real numbers in double precision.
template <int OP> __device__ __forceinline__ double math_d(double x) {
  if constexpr (OP == OP_EXP) return exp(x);
  else if constexpr (OP == OP_EXPM1) return expm1(x);
  else if constexpr (OP == OP_LOG) return log(x);
  else if constexpr (OP == OP_LOG2) return log2(x);
  else if constexpr (OP == OP_LOG10) return log10(x);
  else if constexpr (OP == OP_LOG1P) return log1p(x);
  else if constexpr (OP == OP_SIN) return sin(x);
  else if constexpr (OP == OP_COS) return cos(x);
  else if constexpr (OP == OP_TAN) return tan(x);
  else if constexpr (OP == OP_ARCSIN) return asin(x);
  else if constexpr (OP == OP_ARCCOS) return acos(x);
  else if constexpr (OP == OP_ARCTAN) return atan(x);
  else if constexpr (OP == OP_SINH) return sinh(x);
  else if constexpr (OP == OP_COSH) return cosh(x);
  else if constexpr (OP == OP_TANH) return tanh(x);
  else if constexpr (OP == OP_ARCSINH) return asinh(x);
  else if constexpr (OP == OP_ARCCOSH) return acosh(x);
  else if constexpr (OP == OP_ARCTANH) return atanh(x);
  else if constexpr (OP == OP_SIGMOID) {
    if (x >= 0) return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
  } else if constexpr (OP == OP_ERF) return erf(x);
  else if constexpr (OP == OP_ERFINV) return erfinv(x);
  else return x;
}

// math_f: the same in single precision.
template <int OP> __device__ __forceinline__ float math_f(float x) {
  if constexpr (OP == OP_EXP) return expf(x);
  else if constexpr (OP == OP_EXPM1) return expm1f(x);
  else if constexpr (OP == OP_LOG) return logf(x);
  else if constexpr (OP == OP_LOG2) return log2f(x);
  else if constexpr (OP == OP_LOG10) return log10f(x);
  else if constexpr (OP == OP_LOG1P) return log1pf(x);
  else if constexpr (OP == OP_SIN) return sinf(x);
  else if constexpr (OP == OP_COS) return cosf(x);
  else if constexpr (OP == OP_TAN) return tanf(x);
  else if constexpr (OP == OP_ARCSIN) return asinf(x);
  else if constexpr (OP == OP_ARCCOS) return acosf(x);
  else if constexpr (OP == OP_ARCTAN) return atanf(x);
  else if constexpr (OP == OP_SINH) return sinhf(x);
  else if constexpr (OP == OP_COSH) return coshf(x);
  else if constexpr (OP == OP_TANH) return tanhf(x);
  else if constexpr (OP == OP_ARCSINH) return asinhf(x);
  else if constexpr (OP == OP_ARCCOSH) return acoshf(x);
  else if constexpr (OP == OP_ARCTANH) return atanhf(x);
  else if constexpr (OP == OP_SIGMOID) {
    if (x >= 0) return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
  } else if constexpr (OP == OP_ERF) return erff(x);
  else if constexpr (OP == OP_ERFINV) return erfinvf(x);
  else return x;
}

template <int OP> struct is_math { static const bool value = (OP >= OP_EXP && OP <= OP_ERFINV); };

// round_real rounds to p.decimals digits, ties to even, in C's arithmetic
// (the CPU's roundF).
template <class C> __device__ __forceinline__ C round_real(C x, const UParams& p) {
  const double maxd = 1.7976931348623157e308;
  if (p.decimals == 0) return (C)rint((double)x);
  C f = (C)p.pow10;
  if (!(fabs((double)x) <= maxd)) return x;
  if (p.decimals > 0) {
    C y = x * f;
    if (fabs((double)y) <= maxd) x = (C)rint((double)y) / f;
    return x;
  }
  if (fabs((double)f) <= maxd) return (C)rint((double)(x / f)) * f;
  return (C)copysign(0.0, (double)x);
}

// real_fn computes op on a real value x in its arithmetic type C (float or
// double); HALF says x came from float16 or bfloat16.
template <int OP, class C, bool HALF> __device__ __forceinline__ C real_fn(C x, const UParams& p) {
  if constexpr (OP == OP_SIGN) {
    if (x > 0) return (C)1;
    if (x < 0) return (C)-1;
    if (x == 0) return (C)0;
    return x;
  } else if constexpr (OP == OP_SQRT) {
    if constexpr (same<C, float>::value) return sqrtf(x); else return sqrt(x);
  }
  else if constexpr (OP == OP_RSQRT) return (C)(1.0 / sqrt((double)x));
  else if constexpr (OP == OP_SQUARE) return x * x;
  else if constexpr (OP == OP_RECIPROCAL) return (C)1 / x;
  else if constexpr (OP == OP_FLOOR) return (C)floor((double)x);
  else if constexpr (OP == OP_CEIL) return (C)ceil((double)x);
  else if constexpr (OP == OP_TRUNC) return (C)trunc((double)x);
  else if constexpr (OP == OP_ROUND) return round_real<C>(x, p);
  else if constexpr (OP == OP_DEGREES || OP == OP_RADIANS) return (C)__dmul_rn((double)x, p.scale);
  else if constexpr (is_math<OP>::value) {
    if constexpr (same<C, double>::value) return math_d<OP>(x);
    else if constexpr (HALF || (F32_HOT_IN_FLOAT && is_hot<OP>::value)) return math_f<OP>(x);
    else return (float)math_d<OP>((double)x);
  } else {
    return x;
  }
}

// param_as converts a NanToNum replacement to T (beyond T's range: ±Inf).
template <class T> __device__ __forceinline__ T param_as(double d) {
  if constexpr (same<T, f16>::value) return double_to_f16(d);
  else if constexpr (same<T, bf16>::value) return double_to_bf16(d);
  else return (T)d;
}

template <class T> __device__ __forceinline__ T half_bits(u16 b) { T h; h.bits = b; return h; }

template <int OP, class T, class Out> __device__ __forceinline__ Out unary_real(T x, const UParams& p) {
  typedef typename acc_t<T>::type C;
  const double maxd = 1.7976931348623157e308;
  if constexpr (same<Out, bool>::value) {
    double v = (double)widen(x);
    if constexpr (OP == OP_ISNAN) return v != v;
    else if constexpr (OP == OP_ISINF) return fabs(v) > maxd;
    else if constexpr (OP == OP_ISFINITE) return fabs(v) <= maxd;
    else if constexpr (OP == OP_ISPOSINF) return v > maxd;
    else if constexpr (OP == OP_ISNEGINF) return v < -maxd;
    else return v == 0;  // OP_LOGICAL_NOT
  } else if constexpr (OP == OP_ABS) {
    if constexpr (is_half<T>::value) return half_bits<T>(x.bits & 0x7fff);
    else if constexpr (same<T, float>::value) return fabsf(x);
    else return fabs(x);
  } else if constexpr (OP == OP_NEGATIVE) {
    if constexpr (is_half<T>::value) return half_bits<T>(x.bits ^ 0x8000);
    else return -x;
  } else if constexpr (OP == OP_NAN_TO_NUM) {
    double v = (double)widen(x);
    if (v != v) return param_as<T>(p.nan);
    if (v > maxd) return param_as<T>(p.pos);
    if (v < -maxd) return param_as<T>(p.neg);
    return x;
  } else if constexpr (OP == OP_REAL || OP == OP_CONJUGATE) {
    return x;
  } else if constexpr (OP == OP_IMAG) {
    return narrow<T>((C)0);
  } else {
    return narrow<T>(real_fn<OP, C, is_half<T>::value>(widen(x), p));
  }
}

// round_uint rounds x to a multiple of f, ties to even, wrapping (f = 0:
// the multiple exceeds 64 bits and the result is 0).
__device__ __forceinline__ u64 round_uint(u64 x, u64 f) {
  if (f == 0) return 0;
  u64 q = x / f, r = x % f;
  if (r > f - r || (r == f - r && (q & 1))) q++;
  return q * f;
}

template <int OP, class T, class Out> __device__ __forceinline__ Out unary_int(T x, const UParams& p) {
  if constexpr (same<Out, bool>::value) {
    if constexpr (OP == OP_ISFINITE) return true;
    else if constexpr (OP == OP_LOGICAL_NOT) return x == 0;
    else return false;
  } else if constexpr (OP == OP_ABS) {
    if constexpr (is_signed_int<T>::value) return x < 0 ? (T)(0 - (u64)x) : x;
    else return x;
  } else if constexpr (OP == OP_NEGATIVE) {
    return (T)(0 - (u64)x);
  } else if constexpr (OP == OP_SIGN) {
    if (x > 0) return (T)1;
    if constexpr (is_signed_int<T>::value) if (x < 0) return (T)-1;
    return (T)0;
  } else if constexpr (OP == OP_SQUARE) {
    return (T)((u64)x * (u64)x);
  } else if constexpr (OP == OP_BITWISE_INVERT) {
    return (T)~x;
  } else if constexpr (OP == OP_ROUND) {
    if (p.decimals >= 0) return x;
    if constexpr (is_signed_int<T>::value) {
      u64 mag = x < 0 ? 0 - (u64)x : (u64)x;
      u64 m = round_uint(mag, p.ipow10);
      return x < 0 ? (T)(0 - m) : (T)m;
    } else {
      return (T)round_uint((u64)x, p.ipow10);
    }
  } else if constexpr (OP == OP_IMAG) {
    return (T)0;
  } else {
    return x;  // floor, ceil, trunc, nan_to_num, real, conjugate
  }
}

template <int OP> __device__ __forceinline__ bool unary_bool(bool x) {
  if constexpr (OP == OP_LOGICAL_NOT || OP == OP_BITWISE_INVERT) return !x;
  else if constexpr (OP == OP_IMAG || OP == OP_ISNAN || OP == OP_ISINF || OP == OP_ISPOSINF || OP == OP_ISNEGINF) return false;
  else if constexpr (OP == OP_ISFINITE) return true;
  else return x;
}

#ifdef UNARY_COMPLEX
__device__ __forceinline__ c64 z_to_c64(z128 z) { return c64{(float)z.re, (float)z.im}; }

// float_parts applies a real op to both parts in float arithmetic (the
// CPU's onParts), for Round and NanToNum.
template <int OP> __device__ __forceinline__ c64 float_parts(c64 x, const UParams& p) {
  return c64{unary_real<OP, float, float>(x.re, p), unary_real<OP, float, float>(x.im, p)};
}

template <int OP, class Out> __device__ __forceinline__ Out unary_cplx(c64 x, const UParams& p) {
  const float maxf = 3.40282346638528859811704183484516925440e+38f;
  if constexpr (same<Out, bool>::value) {
    if constexpr (OP == OP_ISNAN) return x.re != x.re || x.im != x.im;
    else if constexpr (OP == OP_ISINF) return fabsf(x.re) > maxf || fabsf(x.im) > maxf;
    else if constexpr (OP == OP_ISFINITE) return fabsf(x.re) <= maxf && fabsf(x.im) <= maxf;
    else if constexpr (OP == OP_ISPOSINF) return x.re > maxf && x.im == 0;
    else if constexpr (OP == OP_ISNEGINF) return x.re < -maxf && x.im == 0;
    else return x.re == 0 && x.im == 0;  // OP_LOGICAL_NOT
  } else if constexpr (same<Out, float>::value) {
    if constexpr (OP == OP_ABS) return (float)hypot((double)x.re, (double)x.im);
    else if constexpr (OP == OP_REAL) return x.re;
    else return x.im;  // OP_IMAG
  } else if constexpr (OP == OP_ROUND || OP == OP_NAN_TO_NUM) {
    return float_parts<OP>(x, p);
  } else if constexpr (OP == OP_CONJUGATE) {
    return c64{x.re, -x.im};
  } else if constexpr (OP == OP_NEGATIVE) {
    return c64{-x.re, -x.im};
  } else {
    z128 z = zc(x.re, x.im), r;
    if constexpr (OP == OP_SIGN) {
      if (z.re == 0 && z.im == 0) r = zc(0, 0);
      else r = z_div(z, zc(z_abs(z), 0));
    } else if constexpr (OP == OP_SQUARE) r = z_mul(z, z);
    else if constexpr (OP == OP_SQRT) r = z_sqrt(z);
    else if constexpr (OP == OP_RSQRT) r = z_div(zc(1, 0), z_sqrt(z));
    else if constexpr (OP == OP_RECIPROCAL) r = z_div(zc(1, 0), z);
    else if constexpr (OP == OP_EXP) r = z_exp(z);
    else if constexpr (OP == OP_LOG) r = z_log(z);
    else if constexpr (OP == OP_LOG2) r = z_div(z_log(z), zc(0.6931471805599453, 0));
    else if constexpr (OP == OP_LOG10) {
      z128 l = z_log(z);
      r = zc(0.4342944819032518 * l.re, 0.4342944819032518 * l.im);
    } else if constexpr (OP == OP_LOG1P) r = z_log(zc(1 + z.re, __dadd_rn(z.im, 0.0)));  // 1 + z: -0 becomes +0
    else if constexpr (OP == OP_SIN) r = z_sin(z);
    else if constexpr (OP == OP_COS) r = z_cos(z);
    else if constexpr (OP == OP_TAN) r = z_tan(z);
    else if constexpr (OP == OP_ARCSIN) r = z_asin(z);
    else if constexpr (OP == OP_ARCCOS) r = z_acos(z);
    else if constexpr (OP == OP_ARCTAN) r = z_atan(z);
    else if constexpr (OP == OP_SINH) r = z_sinh(z);
    else if constexpr (OP == OP_COSH) r = z_cosh(z);
    else if constexpr (OP == OP_TANH) r = z_tanh(z);
    else if constexpr (OP == OP_ARCSINH) r = z_asinh(z);
    else if constexpr (OP == OP_ARCCOSH) r = z_acosh(z);
    else if constexpr (OP == OP_ARCTANH) r = z_atanh(z);
    else if constexpr (OP == OP_DEGREES || OP == OP_RADIANS) r = z_mul(z, zc(p.scale, 0));
    else r = z;
    return z_to_c64(r);
  }
}
#endif

// fp8 (e4m3, "fn"): to_fp8 rounds a float to the nearest code, ties to
// even, saturating at ±448 from 464 on (infinities included); NaN gives
// S.1111.111.
__device__ __forceinline__ u8 to_fp8(float x) {
  u32 b = __float_as_uint(x);
  u8 sign = (u8)((b >> 24) & 0x80);
  u32 a = b & 0x7fffffffu;
  if (a > 0x7f800000u) return sign | 0x7f;
  if (a >= 0x43e80000u) return sign | 0x7e;
  if (a < 0x3c800000u) {
    // Adding 2^14 leaves the value's bits at the fp8 subnormal unit, 2^-9.
    float f = __fadd_rn(__uint_as_float(a), 16384.0f);
    return sign | (u8)(__float_as_uint(f) - 0x46800000u);
  }
  a += 0xc407ffffu + ((a >> 20) & 1);
  return sign | (u8)(a >> 20);
}

// round_to_odd rounds x to float making inexact results odd, so that a
// second rounding to a narrower format rounds x once.
__device__ __forceinline__ float round_to_odd(double x) {
  float f = (float)x;
  if ((double)f == x || x != x || fabs(x) == inf_d()) return f;
  u32 b = __float_as_uint(f);
  if ((b & 1) == 0) {
    if (fabs((double)f) < fabs(x)) b++; else b--;
  }
  return __uint_as_float(b);
}

template <class T> __device__ __forceinline__ u8 to_fp8_from(T x) {
  if constexpr (same<T, double>::value) return to_fp8(round_to_odd(x));
  else return to_fp8((float)widen(x));
}

// from_fp8 gives the value of code c in T (every one is exact in each).
template <class T> __device__ __forceinline__ T from_fp8(u8 c) {
  u32 e = (c >> 3) & 15, m = c & 7;
  bool neg = (c & 0x80) != 0;
  if (e == 15 && m == 7) {
    if constexpr (same<T, double>::value) return __longlong_as_double((long long)(((u64)neg << 63) | 0x7ff8000000000000ull));
    else if constexpr (same<T, float>::value) return __uint_as_float(((u32)neg << 31) | 0x7fc00000u);
    else if constexpr (same<T, f16>::value) return half_bits<f16>(neg ? 0xfe00 : 0x7e00);
    else return half_bits<bf16>(neg ? 0xffc0 : 0x7fc0);
  }
  float v = e == 0 ? ldexpf((float)m, -9) : ldexpf((float)(8 + m), (int)e - 10);
  if (neg) v = -v;
  if constexpr (same<T, double>::value) return (double)v;
  else if constexpr (same<T, float>::value) return v;
  else return narrow<T>(v);
}

template <int OP, class In, class Out> __device__ __forceinline__ Out unary_apply(In x, const UParams& p) {
  if constexpr (OP == OP_TO_FP8) return to_fp8_from<In>(x);
  else if constexpr (OP == OP_FROM_FP8) return from_fp8<Out>(x);
  else if constexpr (same<In, bool>::value) return unary_bool<OP>(x);
  else if constexpr (is_int<In>::value) return unary_int<OP, In, Out>(x, p);
#ifdef UNARY_COMPLEX
  else if constexpr (is_complex<In>::value) return unary_cplx<OP, Out>(x, p);
#endif
  else return unary_real<OP, In, Out>(x, p);
}

template <class T, int N> struct alignas(sizeof(T) * N) UVec { T v[N]; };

// unary_vec: contiguous in and out (in_step 1), or one scalar input
// broadcast over a contiguous out (in_step 0); N elements a thread, moved
// at once when N > 1 (the caller checks 16-byte alignment).
template <int OP, class In, class Out, int N>
__device__ void unary_vec(const In* in, Out* out, i64 n, i32 in_step, const UParams& p) {
  i64 i = global_index() * N;
  if (i >= n) return;
  if (N > 1 && i + N <= n) {
    UVec<In, N> a;
    if (in_step) a = *(const UVec<In, N>*)(in + i);
    else for (int k = 0; k < N; k++) a.v[k] = in[0];
    UVec<Out, N> b;
#pragma unroll
    for (int k = 0; k < N; k++) b.v[k] = unary_apply<OP, In, Out>(a.v[k], p);
    *(UVec<Out, N>*)(out + i) = b;
  } else {
    for (i64 j = i; j < n && j < i + N; j++) out[j] = unary_apply<OP, In, Out>(in[in_step ? j : 0], p);
  }
}

// unary_strided: in and out of any strides over one shape.
template <int OP, class In, class Out>
__device__ void unary_strided(const In* in, Out* out, i64 n, const Layout<2>& l, const UParams& p) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 off[2];
    offsets<2>(l, i, off);
    out[off[1]] = unary_apply<OP, In, Out>(in[off[0]], p);
  }
}
