// Types, conversions and indexing shared by every mlxgo kernel. Compiled by
// NVRTC without system headers: everything used is defined here.

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char i8;
typedef short i16;
typedef int i32;
typedef long long i64;

// float16 and bfloat16 as their bits; arithmetic goes through float.
struct f16 { u16 bits; };
struct bf16 { u16 bits; };
struct c64 { float re, im; };

__device__ __forceinline__ float f16_to_float(f16 h) {
  float f;
  asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h.bits));
  return f;
}
__device__ __forceinline__ f16 float_to_f16(float f) {
  f16 h;
  asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h.bits) : "f"(f));
  return h;
}
__device__ __forceinline__ f16 double_to_f16(double d) {
  f16 h;
  asm("cvt.rn.f16.f64 %0, %1;" : "=h"(h.bits) : "d"(d));
  return h;
}
__device__ __forceinline__ float bf16_to_float(bf16 b) { return __uint_as_float(((u32)b.bits) << 16); }
__device__ __forceinline__ bf16 float_to_bf16(float f) {
  u32 u = __float_as_uint(f);
  bf16 b;
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    b.bits = (u16)((u >> 16) | 0x40);  // quiet NaN, sign kept
  } else {
    u += 0x7fffu + ((u >> 16) & 1);  // round to nearest even
    b.bits = (u16)(u >> 16);
  }
  return b;
}
__device__ __forceinline__ bf16 double_to_bf16(double d) {
  // Round once: float rounding of d can move a tie; go through the exact
  // float nearest below/above when it matters.
  float f = (float)d;
  if (f == f && (double)f != d) {
    // Make the float's last bit sticky so the bf16 rounding sees it.
    u32 u = __float_as_uint(f);
    if ((u & 0xffffu) == 0x8000u) {
      double lo = (double)f;
      if ((d > lo) == (f > 0)) u += 1; else u -= 1;
      f = __uint_as_float(u);
    }
  }
  return float_to_bf16(f);
}

template <class T> struct is_complex { static const bool value = false; };
template <> struct is_complex<c64> { static const bool value = true; };
template <class T> struct is_half { static const bool value = false; };
template <> struct is_half<f16> { static const bool value = true; };
template <> struct is_half<bf16> { static const bool value = true; };
template <class T> struct is_float { static const bool value = false; };
template <> struct is_float<f16> { static const bool value = true; };
template <> struct is_float<bf16> { static const bool value = true; };
template <> struct is_float<float> { static const bool value = true; };
template <> struct is_float<double> { static const bool value = true; };
template <class T> struct is_signed_int { static const bool value = false; };
template <> struct is_signed_int<i8> { static const bool value = true; };
template <> struct is_signed_int<i16> { static const bool value = true; };
template <> struct is_signed_int<i32> { static const bool value = true; };
template <> struct is_signed_int<i64> { static const bool value = true; };
template <class T> struct is_unsigned_int { static const bool value = false; };
template <> struct is_unsigned_int<u8> { static const bool value = true; };
template <> struct is_unsigned_int<u16> { static const bool value = true; };
template <> struct is_unsigned_int<u32> { static const bool value = true; };
template <> struct is_unsigned_int<u64> { static const bool value = true; };
template <class T> struct is_int { static const bool value = is_signed_int<T>::value || is_unsigned_int<T>::value; };
template <class A, class B> struct same { static const bool value = false; };
template <class A> struct same<A, A> { static const bool value = true; };

// acc<T>: the type arithmetic on T is done in (float for the half types).
template <class T> struct acc_t { typedef T type; };
template <> struct acc_t<f16> { typedef float type; };
template <> struct acc_t<bf16> { typedef float type; };

// widen/narrow between a stored type and its arithmetic type.
template <class T> __device__ __forceinline__ typename acc_t<T>::type widen(T x) { return x; }
template <> __device__ __forceinline__ float widen<f16>(f16 x) { return f16_to_float(x); }
template <> __device__ __forceinline__ float widen<bf16>(bf16 x) { return bf16_to_float(x); }
template <class T> __device__ __forceinline__ T narrow(typename acc_t<T>::type x) { return x; }
template <> __device__ __forceinline__ f16 narrow<f16>(float x) { return float_to_f16(x); }
template <> __device__ __forceinline__ bf16 narrow<bf16>(float x) { return float_to_bf16(x); }

// cast converts as Go does: numbers as conversions, to bool as x != 0,
// from complex by dropping the imaginary part.
template <class To, class From> __device__ __forceinline__ To cast(From x) {
  if constexpr (same<To, From>::value) {
    return x;
  } else if constexpr (is_complex<From>::value) {
    if constexpr (same<To, bool>::value) return x.re != 0 || x.im != 0;
    else return cast<To, float>(x.re);
  } else if constexpr (same<To, bool>::value) {
    return widen(x) != 0;
  } else if constexpr (is_complex<To>::value) {
    return c64{cast<float, From>(x), 0.0f};
  } else if constexpr (same<To, f16>::value) {
    if constexpr (same<From, double>::value) return double_to_f16(x);
    else if constexpr (same<From, bf16>::value) return float_to_f16(bf16_to_float(x));
    else if constexpr (is_int<From>::value && sizeof(From) >= 4) return double_to_f16((double)x);
    else return float_to_f16((float)widen(x));
  } else if constexpr (same<To, bf16>::value) {
    if constexpr (same<From, double>::value) return double_to_bf16(x);
    else if constexpr (same<From, f16>::value) return float_to_bf16(f16_to_float(x));
    else if constexpr (is_int<From>::value && sizeof(From) >= 4) return double_to_bf16((double)x);
    else return float_to_bf16((float)widen(x));
  } else if constexpr (is_half<From>::value) {
    return (To)widen(x);
  } else if constexpr (is_int<To>::value && is_float<From>::value) {
    // Go's conversion on amd64 for values in range; out of range is
    // undefined there too.
    if constexpr (is_unsigned_int<To>::value && sizeof(To) == 8) {
      double d = (double)x;
      return d >= 9223372036854775808.0 ? (To)(u64)(d - 9223372036854775808.0) + (To)0x8000000000000000ull
                                        : (To)(i64)d;
    } else if constexpr (is_unsigned_int<To>::value) {
      return (To)(i64)x;
    } else {
      return (To)(i64)x;
    }
  } else {
    return (To)x;
  }
}

// The largest number of dimensions a strided operand may have after its
// dimensions are merged.
#define MAXDIMS 10

// Shape and strides of up to N operands over one index space; strides are
// in elements and may be zero or negative.
template <int N> struct Layout {
  i64 shape[MAXDIMS];
  i64 strides[N][MAXDIMS];
  i32 ndim;
};

// offsets writes the element offset of row-major index i in each operand.
template <int N> __device__ __forceinline__ void offsets(const Layout<N>& l, i64 i, i64 (&off)[N]) {
  for (int k = 0; k < N; k++) off[k] = 0;
  for (int d = l.ndim - 1; d >= 0; d--) {
    i64 s = l.shape[d];
    i64 q = i / s;
    i64 r = i - q * s;
    for (int k = 0; k < N; k++) off[k] += r * l.strides[k][d];
    i = q;
  }
}

__device__ __forceinline__ i64 global_index() { return (i64)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ i64 global_stride() { return (i64)gridDim.x * blockDim.x; }

// Numeric helpers with NumPy's semantics.
template <class T> __device__ __forceinline__ bool isnan_(T x) { return x != x; }
__device__ __forceinline__ float inf_f() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ double inf_d() { return __longlong_as_double(0x7ff0000000000000ll); }
__device__ __forceinline__ float nan_f() { return __int_as_float(0x7fc00000); }
__device__ __forceinline__ double nan_d() { return __longlong_as_double(0x7ff8000000000000ll); }
template <class T> __device__ __forceinline__ T nan_of() { return (T)nan_d(); }
template <class T> __device__ __forceinline__ T inf_of() { return (T)inf_d(); }

// Complex arithmetic on c64.
__device__ __forceinline__ c64 cadd(c64 a, c64 b) { return c64{a.re + b.re, a.im + b.im}; }
__device__ __forceinline__ c64 csub(c64 a, c64 b) { return c64{a.re - b.re, a.im - b.im}; }
__device__ __forceinline__ c64 cmul(c64 a, c64 b) {
  return c64{a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}
// cdiv divides as Go's runtime does (complex64 through complex128):
// Smith's algorithm, then C99's recovery of infinities and zeros when both
// parts come out NaN.
__device__ __forceinline__ c64 cdiv(c64 x, c64 y) {
  double a = x.re, b = x.im, c = y.re, d = y.im, e, f;
  if (fabs(c) >= fabs(d)) {
    double ratio = d / c, denom = c + ratio * d;
    e = (a + b * ratio) / denom;
    f = (b - a * ratio) / denom;
  } else {
    double ratio = c / d, denom = d + ratio * c;
    e = (a * ratio + b) / denom;
    f = (b * ratio - a) / denom;
  }
  if (e != e && f != f) {
    const double inf = inf_d();
    auto isinf_ = [](double v) { return fabs(v) == inf_d(); };
    auto finite = [](double v) { return v == v && fabs(v) != inf_d(); };
    auto inf2one = [](double v) { return copysign(fabs(v) == inf_d() ? 1.0 : 0.0, v); };
    if (c == 0 && d == 0 && (a == a || b == b)) {
      e = copysign(inf, c) * a;
      f = copysign(inf, c) * b;
    } else if ((isinf_(a) || isinf_(b)) && finite(c) && finite(d)) {
      a = inf2one(a);
      b = inf2one(b);
      e = inf * (a * c + b * d);
      f = inf * (b * c - a * d);
    } else if ((isinf_(c) || isinf_(d)) && finite(a) && finite(b)) {
      c = inf2one(c);
      d = inf2one(d);
      e = 0 * (a * c + b * d);
      f = 0 * (b * c - a * d);
    }
  }
  return c64{(float)e, (float)f};
}
__device__ __forceinline__ float cabs_(c64 a) { return (float)hypot((double)a.re, (double)a.im); }
__device__ __forceinline__ c64 cexp_(c64 a) {
  double e = exp((double)a.re);
  return c64{(float)(e * cos((double)a.im)), (float)(e * sin((double)a.im))};
}
__device__ __forceinline__ c64 clog_(c64 a) {
  return c64{(float)log(hypot((double)a.re, (double)a.im)), (float)atan2((double)a.im, (double)a.re)};
}
__device__ __forceinline__ c64 csqrt_(c64 a) {
  double x = a.re, y = a.im;
  if (x == 0 && y == 0) return c64{0.0f, a.im};
  double r = hypot(x, y);
  double t = sqrt(0.5 * (r + fabs(x)));
  if (x >= 0) return c64{(float)t, (float)(y / (2 * t))};
  return c64{(float)(fabs(y) / (2 * t)), (float)(y >= 0 ? t : -t)};
}

// The index error record of a stream (see IndexError in stream.go; the
// layouts must match): the first kernel to meet a bad index writes its op
// code, the index as given (flags bit 0: an unsigned value), the axis, its
// size and the block's size along it; kernels skip such an element instead
// of touching memory.
struct IndexRecord {
  u32 code;
  i32 axis;
  i64 index;
  i64 size;
  i64 block;
  u32 flags;
  u32 pad;
};
__device__ __forceinline__ void report_index(IndexRecord* rec, u32 code, i64 index, i64 size, i32 axis,
                                             i64 block = 1, bool is_unsigned = false) {
  if (atomicCAS(&rec->code, 0u, 0xffffffffu) == 0u) {
    rec->axis = axis;
    rec->index = index;
    rec->size = size;
    rec->block = block;
    rec->flags = is_unsigned ? 1u : 0u;
    __threadfence_system();
    atomicExch(&rec->code, code);
  }
}

// float_to_int converts a float value to the integer type D as the CPU's
// copies do: truncation toward zero, NaN giving 0, values out of range
// saturating to D's smallest or largest value.
template <class D> __device__ __forceinline__ D float_to_int(double f) {
  const double b = (double)(1ull << (8 * sizeof(D) - 1));
  const double lo = is_unsigned_int<D>::value ? 0.0 : -b;
  const double hi = is_unsigned_int<D>::value ? 2.0 * b : b;
  if (f != f) return (D)0;
  if (f <= lo) return is_unsigned_int<D>::value ? (D)0 : (D)(1ull << (8 * sizeof(D) - 1));
  if (f >= hi) return is_unsigned_int<D>::value ? (D)~0ull : (D)((1ull << (8 * sizeof(D) - 1)) - 1);
  return (D)f;
}

// convert<To, From> converts one element as the CPU's Copy does
// (internal/cpu/copy.go): as cast, except that floating-point values going
// to an integer type go through float_to_int, bool converts as 0 or 1, and
// the half types and complex (its real part) go through float.
template <class To, class From> __device__ __forceinline__ To convert(From x) {
  if constexpr (same<To, From>::value) {
    return x;
  } else if constexpr (same<From, bool>::value) {
    return convert<To, double>(x ? 1.0 : 0.0);
  } else if constexpr (is_complex<From>::value) {
    if constexpr (same<To, bool>::value) return x.re != 0 || x.im != 0;
    else return convert<To, float>(x.re);
  } else if constexpr (is_half<From>::value) {
    return convert<To, float>(widen(x));
  } else if constexpr (is_int<To>::value && is_float<From>::value) {
    return float_to_int<To>((double)x);
  } else {
    return cast<To, From>(x);
  }
}

// uint_of<N>::type is the unsigned integer type of N bytes.
template <int N> struct uint_of;
template <> struct uint_of<1> { typedef u8 type; };
template <> struct uint_of<2> { typedef u16 type; };
template <> struct uint_of<4> { typedef u32 type; };
template <> struct uint_of<8> { typedef u64 type; };
