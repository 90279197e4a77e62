// Elementwise operations of two operands, with the semantics of the CPU
// kernels (internal/cpu/binary_ops.go). Each op is a functor on the
// arithmetic type: float for the half types, int8 for bool.

template <> struct acc_t<bool> { typedef i8 type; };
template <> __device__ __forceinline__ i8 widen<bool>(bool x) { return x ? 1 : 0; }
template <> __device__ __forceinline__ bool narrow<bool>(i8 x) { return x != 0; }

__device__ __forceinline__ bool c_nan(c64 a) { return a.re != a.re || a.im != a.im; }
__device__ __forceinline__ bool c_less(c64 a, c64 b) { return a.re < b.re || (a.re == b.re && a.im < b.im); }
__device__ __forceinline__ bool c_eq(c64 a, c64 b) { return a.re == b.re && a.im == b.im; }

struct OpAdd { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return cadd(a, b); else return (C)(a + b); } };
struct OpSubtract { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return csub(a, b); else return (C)(a - b); } };
struct OpMultiply { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return cmul(a, b); else return (C)(a * b); } };
struct OpDivide { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return cdiv(a, b); else return a / b; } };

template <class C> __device__ __forceinline__ void divmod_float(C a, C b, C& div, C& mod) {
  double da = a, db = b;
  double m = fmod(da, db);
  mod = (C)m;
  if (b == 0) { div = a / b; return; }
  C q = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) { mod += b; q -= 1; }
  } else {
    mod = (C)copysign(0.0, db);
  }
  if (q != 0) {
    div = (C)floor((double)q);
    if (q - div > (C)0.5) div += 1;
  } else {
    div = (C)copysign(0.0, (double)(a / b));
  }
}

template <class C> __device__ __forceinline__ void divmod_int(C a, C b, C& div, C& mod) {
  if (b == 0) { div = 0; mod = 0; return; }
  if constexpr (is_signed_int<C>::value) {
    if (b == (C)-1) { div = (C)(0 - (u64)a); mod = 0; return; }
  }
  C q = a / b, r = a % b;
  if constexpr (is_signed_int<C>::value) {
    if (r != 0 && ((r < 0) != (b < 0))) { q -= 1; r += b; }
  }
  div = q; mod = r;
}

struct OpFloorDivide { template <class C> __device__ C operator()(C a, C b) const {
  C d, m;
  if constexpr (is_float<C>::value) divmod_float(a, b, d, m); else divmod_int(a, b, d, m);
  return d; } };
struct OpRemainder { template <class C> __device__ C operator()(C a, C b) const {
  C d, m;
  if constexpr (is_float<C>::value) divmod_float(a, b, d, m); else divmod_int(a, b, d, m);
  return m; } };

__device__ __forceinline__ c64 cpow_(c64 a, c64 b) {
  if (a.re == 0 && a.im == 0) {
    if (b.re == 0 && b.im == 0) return c64{1.0f, 0.0f};
    if (b.re < 0) return b.im == 0 ? c64{inf_f(), 0.0f} : c64{inf_f(), inf_f()};
    if (b.re > 0) return c64{0.0f, 0.0f};
  }
  double lr = log(hypot((double)a.re, (double)a.im)), li = atan2((double)a.im, (double)a.re);
  double er = lr * b.re - li * b.im, ei = lr * b.im + li * b.re;
  double m = exp(er);
  return c64{(float)(m * cos(ei)), (float)(m * sin(ei))};
}

struct OpPower { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) {
    return cpow_(a, b);
  } else if constexpr (is_float<C>::value) {
    return (C)pow((double)a, (double)b);
  } else {
    if (b < 0) return 0;
    C r = 1;
    u64 e = (u64)b;
    while (e != 0) {
      if (e & 1) r = (C)(r * a);
      e >>= 1;
      a = (C)(a * a);
    }
    return r;
  } } };

struct OpMaximum { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) {
    if (c_nan(a)) return a;
    if (c_nan(b)) return b;
    return c_less(a, b) ? b : a;
  } else { return (a > b || a != a) ? a : b; } } };
struct OpMinimum { template <class C> __device__ C operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) {
    if (c_nan(a)) return a;
    if (c_nan(b)) return b;
    return c_less(a, b) ? a : b;
  } else { return (a < b || a != a) ? a : b; } } };
struct OpArcTan2 { template <class C> __device__ C operator()(C a, C b) const {
  return (C)atan2((double)a, (double)b); } };
struct OpLogAddExp { template <class C> __device__ C operator()(C x, C y) const {
  double a = x, b = y;
  double hi = a > b ? a : b, lo = a > b ? b : a;
  if (a != a || b != b) return (C)(a + b);
  if (lo == -inf_d() || hi == inf_d()) return (C)hi;
  return (C)(hi + log1p(exp(lo - hi))); } };

struct OpEqual { template <class C> __device__ bool operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return c_eq(a, b); else return a == b; } };
struct OpNotEqual { template <class C> __device__ bool operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return !c_eq(a, b); else return a != b; } };
struct OpLess { template <class C> __device__ bool operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return c_less(a, b); else return a < b; } };
struct OpLessEqual { template <class C> __device__ bool operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return c_less(a, b) || c_eq(a, b); else return a <= b; } };
struct OpGreater { template <class C> __device__ bool operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return c_less(b, a); else return a > b; } };
struct OpGreaterEqual { template <class C> __device__ bool operator()(C a, C b) const {
  if constexpr (is_complex<C>::value) return c_less(b, a) || c_eq(a, b); else return a >= b; } };
struct OpLogicalAnd { template <class C> __device__ C operator()(C a, C b) const { return (a != 0 && b != 0) ? 1 : 0; } };
struct OpLogicalOr { template <class C> __device__ C operator()(C a, C b) const { return (a != 0 || b != 0) ? 1 : 0; } };
struct OpBitwiseAnd { template <class C> __device__ C operator()(C a, C b) const { return a & b; } };
struct OpBitwiseOr { template <class C> __device__ C operator()(C a, C b) const { return a | b; } };
struct OpBitwiseXor { template <class C> __device__ C operator()(C a, C b) const { return a ^ b; } };
struct OpLeftShift { template <class C> __device__ C operator()(C a, C b) const {
  u64 n = (u64)(i64)b;
  if constexpr (is_unsigned_int<C>::value) n = (u64)b;
  return n >= sizeof(C) * 8 ? (C)0 : (C)(a << n); } };
struct OpRightShift { template <class C> __device__ C operator()(C a, C b) const {
  u64 n = (u64)(i64)b;
  if constexpr (is_unsigned_int<C>::value) n = (u64)b;
  if (n >= sizeof(C) * 8) {
    if constexpr (is_signed_int<C>::value) return a < 0 ? (C)-1 : (C)0;
    else return (C)0;
  }
  return (C)(a >> n); } };

// apply runs op on stored values and gives the stored result.
template <class T, class R, class Op> __device__ __forceinline__ R apply2(T a, T b) {
  typedef typename acc_t<T>::type C;
  Op op;
  if constexpr (same<R, bool>::value && !same<T, bool>::value) {
    return op(widen(a), widen(b));
  } else if constexpr (same<R, bool>::value) {
    auto r = op(widen(a), widen(b));
    if constexpr (same<decltype(r), bool>::value) return r; else return r != 0;
  } else {
    return narrow<R>((C)op(widen(a), widen(b)));
  }
}

template <class T, int N> struct alignas(sizeof(T) * N) Vec { T v[N]; };

// binary_vec: contiguous operands; a and b are vectors (step 1) or scalars
// (step 0). Each thread handles N consecutive elements, loaded at once when
// N > 1 (the caller checks alignment).
template <class T, class R, class Op, int N>
__device__ void binary_vec(const T* a, const T* b, R* out, i64 n, i32 as, i32 bs) {
  i64 i = global_index() * N;
  if (i >= n) return;
  if (N > 1 && i + N <= n) {
    Vec<T, N> va, vb;
    if (as) va = *(const Vec<T, N>*)(a + i); else for (int k = 0; k < N; k++) va.v[k] = a[0];
    if (bs) vb = *(const Vec<T, N>*)(b + i); else for (int k = 0; k < N; k++) vb.v[k] = b[0];
    Vec<R, N> vo;
#pragma unroll
    for (int k = 0; k < N; k++) vo.v[k] = apply2<T, R, Op>(va.v[k], vb.v[k]);
    *(Vec<R, N>*)(out + i) = vo;
  } else {
    for (i64 j = i; j < n && j < i + N; j++) out[j] = apply2<T, R, Op>(a[as ? j : 0], b[bs ? j : 0]);
  }
}

// binary_strided: operands of any strides over out's row-major index space.
template <class T, class R, class Op>
__device__ void binary_strided(const T* a, const T* b, R* out, i64 n, const Layout<2>& l) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 off[2];
    offsets<2>(l, i, off);
    out[i] = apply2<T, R, Op>(a[off[0]], b[off[1]]);
  }
}

template <class T>
__device__ void divmod_strided(const T* a, const T* b, T* q, T* r, i64 n, const Layout<2>& l) {
  typedef typename acc_t<T>::type C;
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 off[2];
    offsets<2>(l, i, off);
    C d, m;
    if constexpr (is_float<T>::value) divmod_float<C>(widen(a[off[0]]), widen(b[off[1]]), d, m);
    else divmod_int<C>(widen(a[off[0]]), widen(b[off[1]]), d, m);
    q[i] = narrow<T>(d);
    r[i] = narrow<T>(m);
  }
}

template <class T> __device__ __forceinline__ bool is_close(T x, T y, double rtol, double atol, int equal_nan) {
  if constexpr (is_complex<T>::value) {
    if (c_eq(x, y)) return true;
    if (c_nan(x) || c_nan(y)) return equal_nan && c_nan(x) && c_nan(y);
    if (fabsf(x.re) == inf_f() || fabsf(x.im) == inf_f() || fabsf(y.re) == inf_f() || fabsf(y.im) == inf_f()) return false;
    double dr = (double)x.re - y.re, di = (double)x.im - y.im;
    return hypot(dr, di) <= atol + rtol * hypot((double)y.re, (double)y.im);
  } else if constexpr (is_float<T>::value) {
    auto a = widen(x);
    auto b = widen(y);
    if (a == b) return true;
    if (a != a || b != b) return equal_nan && a != a && b != b;
    double fa = a, fb = b;
    if (fabs(fa) == inf_d() || fabs(fb) == inf_d()) return false;
    return fabs(fa - fb) <= atol + rtol * fabs(fb);
  } else {
    typedef typename acc_t<T>::type C;
    C a = widen(x), b = widen(y);
    if (a == b) return true;
    u64 d = a > b ? (u64)(i64)a - (u64)(i64)b : (u64)(i64)b - (u64)(i64)a;
    return (double)d <= atol + rtol * fabs((double)b);
  }
}

template <class T>
__device__ void isclose_strided(const T* a, const T* b, bool* out, i64 n, const Layout<2>& l,
                                double rtol, double atol, i32 equal_nan, i32 all) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 off[2];
    offsets<2>(l, i, off);
    bool c = is_close<T>(a[off[0]], b[off[1]], rtol, atol, equal_nan);
    if (all) {
      if (!c) out[0] = false;
    } else {
      out[i] = c;
    }
  }
}
