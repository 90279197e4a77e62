// Reductions, arg reductions, median and softmax, with the semantics of the
// CPU kernels (internal/cpu/reduce*.go).
//
// A reduction is an op functor over an input type T and a result type R:
//   A init()                      the accumulator of no elements
//   A fold(A a, T x, i64 i)       a with element x (at index i of its row)
//   A merge(A a, A b)             two partial results, a's elements first
//   R finish(A a, i64 count)      the result of count elements
// Every merge used here is order-independent up to rounding (the arg
// reductions compare indices), so partial results may combine in any tree.

// ---------------------------------------------------------------- helpers

template <class T, int N> struct alignas(sizeof(T) * N) RVec { T v[N]; };

// Double-precision complex, the accumulator of complex64 sums and products.
struct dc { double re, im; };

// pick<B, X, Y>::type is X when B holds, else Y.
template <bool B, class X, class Y> struct pick { typedef X type; };
template <class X, class Y> struct pick<false, X, Y> { typedef Y type; };

// exp_ in the argument's precision.
__device__ __forceinline__ float exp_(float x) { return expf(x); }
__device__ __forceinline__ double exp_(double x) { return exp(x); }

// shfl_down_any shuffles a value of any trivially copyable type, word by word.
template <class A> __device__ __forceinline__ A shfl_down_any(A v, int delta) {
  constexpr int W = (sizeof(A) + 3) / 4;
  union U { A a; u32 w[W]; };
  U u;
#pragma unroll
  for (int i = 0; i < W; i++) u.w[i] = 0;
  u.a = v;
#pragma unroll
  for (int i = 0; i < W; i++) u.w[i] = __shfl_down_sync(0xffffffffu, u.w[i], delta);
  return u.a;
}

// warp_merge combines the values of a warp's lanes into lane 0.
template <class Op, class A> __device__ __forceinline__ A warp_merge(const Op& op, A a) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) a = op.merge(a, shfl_down_any(a, o));
  return a;
}

// block_merge combines the values of a block's threads (blockDim.x a
// multiple of 32, at most 1024, blockDim.y == 1) into thread 0. sm holds 32
// values; the caller syncs before reusing it.
template <class Op, class A> __device__ __forceinline__ A block_merge(const Op& op, A a, A* sm) {
  int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
  a = warp_merge(op, a);
  if (lane == 0) sm[w] = a;
  __syncthreads();
  if (w == 0) {
    a = lane < nw ? sm[lane] : op.init();
    a = warp_merge(op, a);
  }
  return a;
}

// loff returns the element offset of row-major index i in a one-operand
// layout, dividing in 32 bits when the numbers allow.
__device__ __forceinline__ i64 loff(const Layout<1>& l, i64 i) {
  if (l.ndim == 0) return 0;
  if (l.ndim == 1) return i * l.strides[0][0];
  i64 off = 0;
  for (int d = l.ndim - 1; d >= 0; d--) {
    i64 s = l.shape[d], q, r;
    if ((u64)i <= 0xffffffffull && (u64)s <= 0xffffffffull) {
      u32 qq = (u32)i / (u32)s;
      q = qq;
      r = i - q * s;
    } else {
      q = i / s;
      r = i - q * s;
    }
    off += r * l.strides[0][d];
    i = q;
  }
  return off;
}

// loff2 is loff for the two operands of a Layout<2>.
__device__ __forceinline__ void loff2(const Layout<2>& l, i64 i, i64& a, i64& b) {
  a = 0;
  b = 0;
  for (int d = l.ndim - 1; d >= 0; d--) {
    i64 s = l.shape[d];
    i64 q = i / s;
    i64 r = i - q * s;
    a += r * l.strides[0][d];
    b += r * l.strides[1][d];
    i = q;
  }
}

// to_double reads a real element as a double.
template <class T> __device__ __forceinline__ double to_double(T x) {
  if constexpr (same<T, bool>::value) return x ? 1.0 : 0.0;
  else return (double)widen(x);
}

// store converts a double result to R as the CPU does: half types through
// float32.
template <class R> __device__ __forceinline__ R store(double d) {
  if constexpr (is_half<R>::value) return narrow<R>((float)d);
  else if constexpr (same<R, c64>::value) return c64{(float)d, 0.0f};
  else return (R)d;
}

// nonzero reports whether x is not zero (NaN is nonzero).
template <class T> __device__ __forceinline__ bool nonzero(T x) {
  if constexpr (is_complex<T>::value) return x.re != 0 || x.im != 0;
  else if constexpr (same<T, bool>::value) return x;
  else return widen(x) != 0;
}

// Unsigned twin of an integer type, for arithmetic that wraps.
template <class T> struct unsigned_of { typedef T type; };
template <> struct unsigned_of<i8> { typedef u8 type; };
template <> struct unsigned_of<i16> { typedef u16 type; };
template <> struct unsigned_of<i32> { typedef u32 type; };
template <> struct unsigned_of<i64> { typedef u64 type; };

// sum_acc is the accumulator of sums and products with result R: the result
// type for integers (wrapping), double for floats, dc for complex64.
template <class R> struct sum_acc { typedef R type; };
template <> struct sum_acc<f16> { typedef double type; };
template <> struct sum_acc<bf16> { typedef double type; };
template <> struct sum_acc<float> { typedef double type; };
template <> struct sum_acc<c64> { typedef dc type; };

template <class A, class T> __device__ __forceinline__ A to_acc(T x) {
  if constexpr (same<A, dc>::value) {
    if constexpr (is_complex<T>::value) return dc{(double)x.re, (double)x.im};
    else return dc{to_double(x), 0.0};
  } else if constexpr (same<A, double>::value) {
    return to_double(x);
  } else if constexpr (same<T, bool>::value) {
    return (A)(x ? 1 : 0);
  } else {
    return (A)x;  // integers: a conversion that wraps, as Go's
  }
}

// ---------------------------------------------------------------- ops

// RSum sums (or, with MEAN, averages) T into R.
template <class T, class R, bool MEAN> struct RSum {
  typedef typename sum_acc<R>::type A;
  i64 param;
  __device__ A init() const {
    if constexpr (same<A, dc>::value) return dc{0.0, 0.0};
    else return (A)0;
  }
  __device__ A fold(A a, T x, i64) const { return merge(a, to_acc<A>(x)); }
  __device__ A merge(A a, A b) const {
    if constexpr (same<A, dc>::value) return dc{a.re + b.re, a.im + b.im};
    else if constexpr (is_int<A>::value) {
      typedef typename unsigned_of<A>::type U;
      return (A)(U)((U)a + (U)b);
    } else return a + b;
  }
  __device__ R finish(A a, i64 count) const {
    if constexpr (same<A, dc>::value) {
      if (MEAN) {
        // Go's complex128 division by complex(count, 0).
        double c = (double)count;
        double e = (a.re + a.im * 0.0) / c, f = (a.im - a.re * 0.0) / c;
        return c64{(float)e, (float)f};
      }
      return c64{(float)a.re, (float)a.im};
    } else if constexpr (MEAN) {
      return store<R>((double)a / (double)count);
    } else if constexpr (is_int<A>::value) {
      return (R)a;
    } else {
      return store<R>(a);
    }
  }
};

// RProd multiplies T into R.
template <class T, class R> struct RProd {
  typedef typename sum_acc<R>::type A;
  i64 param;
  __device__ A init() const {
    if constexpr (same<A, dc>::value) return dc{1.0, 0.0};
    else return (A)1;
  }
  __device__ A fold(A a, T x, i64) const { return merge(a, to_acc<A>(x)); }
  __device__ A merge(A a, A b) const {
    if constexpr (same<A, dc>::value) return dc{a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    else if constexpr (is_int<A>::value) {
      typedef typename unsigned_of<A>::type U;
      return (A)(U)((U)a * (U)b);
    } else return a * b;
  }
  __device__ R finish(A a, i64) const {
    if constexpr (same<A, dc>::value) return c64{(float)a.re, (float)a.im};
    else if constexpr (is_int<A>::value) return (R)a;
    else return store<R>(a);
  }
};

// The accumulator of max and min: float for the half types, u8 for bool.
template <class T> struct mm_acc { typedef typename acc_t<T>::type type; };
template <> struct mm_acc<bool> { typedef u8 type; };

template <class A> __device__ __forceinline__ A lowest_of() {
  if constexpr (is_float<A>::value) return -inf_of<A>();
  else if constexpr (is_unsigned_int<A>::value) return (A)0;
  else return (A)((typename unsigned_of<A>::type)1 << (sizeof(A) * 8 - 1));
}
template <class A> __device__ __forceinline__ A highest_of() {
  if constexpr (is_float<A>::value) return inf_of<A>();
  else if constexpr (is_unsigned_int<A>::value) return (A)~(A)0;
  else return (A)~((typename unsigned_of<A>::type)1 << (sizeof(A) * 8 - 1));
}

template <class A> __device__ __forceinline__ bool neg_bit(A x) {
  if constexpr (same<A, float>::value) return __float_as_uint(x) >> 31;
  else return __double_as_longlong(x) < 0;
}

// max_go and min_go are Go's max and min: NaN when either is NaN, and
// -0 below +0.
template <class A> __device__ __forceinline__ A max_go(A a, A b) {
  if constexpr (is_float<A>::value) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return neg_bit(a) ? b : a;
  }
  return a > b ? a : b;
}
template <class A> __device__ __forceinline__ A min_go(A a, A b) {
  if constexpr (is_float<A>::value) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return neg_bit(a) ? a : b;
  }
  return a < b ? a : b;
}

template <class T> __device__ __forceinline__ typename mm_acc<T>::type mm_widen(T x) {
  if constexpr (same<T, bool>::value) return x ? 1 : 0;
  else return widen(x);
}

// RMax and RMin find the largest and smallest element.
template <class T, bool MAX> struct RMaxMin {
  typedef typename mm_acc<T>::type A;
  i64 param;
  __device__ A init() const { return MAX ? lowest_of<A>() : highest_of<A>(); }
  __device__ A fold(A a, T x, i64) const { return merge(a, mm_widen(x)); }
  __device__ A merge(A a, A b) const { return MAX ? max_go(a, b) : min_go(a, b); }
  __device__ T finish(A a, i64) const {
    if constexpr (same<T, bool>::value) return a != 0;
    else return narrow<T>(a);
  }
};

// RAll, RAny: whether every (some) element is nonzero. RCount counts them.
template <class T, bool ALL> struct RAllAny {
  typedef bool A;
  i64 param;
  __device__ A init() const { return ALL; }
  __device__ A fold(A a, T x, i64) const { return ALL ? (a && nonzero(x)) : (a || nonzero(x)); }
  __device__ A merge(A a, A b) const { return ALL ? (a && b) : (a || b); }
  __device__ bool finish(A a, i64) const { return a; }
};

template <class T> struct RCount {
  typedef i64 A;
  i64 param;
  __device__ A init() const { return 0; }
  __device__ A fold(A a, T x, i64) const { return a + (nonzero(x) ? 1 : 0); }
  __device__ A merge(A a, A b) const { return a + b; }
  __device__ i32 finish(A a, i64) const { return (i32)a; }
};

// Var accumulators: count, mean and sum of squared deviations (Welford,
// merged with Chan et al.'s formula); complex deviations count by their
// squared magnitude.
struct VarAcc { double n, mean, m2; };
struct CVarAcc { double n, mr, mi, m2; };

// RVar computes the variance (the standard deviation with STD) with divisor
// count - ddof (param), clamped at zero.
template <class T, class R, bool STD> struct RVar {
  typedef typename pick<is_complex<T>::value, CVarAcc, VarAcc>::type A;
  i64 param;
  __device__ A init() const {
    A a;
    if constexpr (is_complex<T>::value) a = CVarAcc{0.0, 0.0, 0.0, 0.0};
    else a = VarAcc{0.0, 0.0, 0.0};
    return a;
  }
  __device__ A fold(A a, T x, i64) const {
    double n = a.n + 1;
    if constexpr (is_complex<T>::value) {
      double dr = (double)x.re - a.mr, di = (double)x.im - a.mi;
      a.mr += dr / n;
      a.mi += di / n;
      a.m2 += (dr * dr + di * di) * ((n - 1) / n);
    } else {
      double v = to_double(x);
      double d = v - a.mean;
      a.mean += d / n;
      a.m2 += d * (v - a.mean);
    }
    a.n = n;
    return a;
  }
  __device__ A merge(A a, A b) const {
    if (b.n == 0) return a;
    if (a.n == 0) return b;
    double n = a.n + b.n;
    if constexpr (is_complex<T>::value) {
      double dr = b.mr - a.mr, di = b.mi - a.mi;
      return CVarAcc{n, a.mr + dr * (b.n / n), a.mi + di * (b.n / n), a.m2 + b.m2 + (dr * dr + di * di) * (a.n * b.n / n)};
    } else {
      double d = b.mean - a.mean;
      return VarAcc{n, a.mean + d * (b.n / n), a.m2 + b.m2 + d * d * (a.n * b.n / n)};
    }
  }
  __device__ R finish(A a, i64 count) const {
    double div = (double)(count - param);
    if (div < 0) div = 0;
    double v = a.m2 / div;
    if (STD) v = sqrt(v);
    return store<R>(v);
  }
};

// RLse computes log(sum(exp(x))) as a running maximum m and the sum s of
// exp(x - m); m is NaN or infinite when the result is that value.
template <class C> struct LseAcc { C m, s; };

template <class T> struct RLse {
  typedef typename acc_t<T>::type C;
  typedef LseAcc<C> A;
  i64 param;
  __device__ A init() const { return A{-inf_of<C>(), (C)0}; }
  __device__ A fold(A a, T x, i64) const {
    C v = widen(x);
    return merge(a, A{v, v == -inf_of<C>() ? (C)0 : (C)1});
  }
  __device__ A merge(A a, A b) const {
    if (b.m > a.m) {
      A t = a;
      a = b;
      b = t;
    }
    if (a.m != a.m || b.m != b.m) return A{nan_of<C>(), (C)0};
    if (b.s == 0 || a.m == inf_of<C>()) return a;
    return A{a.m, a.s + b.s * exp_(b.m - a.m)};
  }
  __device__ T finish(A a, i64) const {
    double m = (double)a.m;
    if (m != m || m == inf_d() || m == -inf_d()) return store<T>(m);
    return store<T>(m + log((double)a.s));
  }
};

// RArg finds the index of the first largest (smallest) element, or of the
// first NaN.
template <class C> struct ArgAcc { C v; i64 i; };

template <class T, bool MAX> struct RArg {
  typedef typename mm_acc<T>::type C;
  typedef ArgAcc<C> A;
  i64 param;
  __device__ A init() const { return A{(C)0, -1}; }
  __device__ A fold(A a, T x, i64 i) const { return merge(a, A{mm_widen(x), i}); }
  __device__ A merge(A a, A b) const {
    if (a.i < 0) return b;
    if (b.i < 0) return a;
    bool an = a.v != a.v, bn = b.v != b.v;
    if (an || bn) {
      if (an && bn) return a.i < b.i ? a : b;
      return an ? a : b;
    }
    if (MAX ? b.v > a.v : b.v < a.v) return b;
    if (MAX ? a.v > b.v : a.v < b.v) return a;
    return a.i < b.i ? a : b;
  }
  __device__ u32 finish(A a, i64) const { return (u32)a.i; }
};

// ---------------------------------------------------------------- kernels

// fold_run folds the n elements p[0..n) (indices idx0 + j) handled by thread
// t of nt: a scalar head up to a 16-byte boundary, 16-byte vectors, a
// scalar tail.
template <class Op, class T, class A>
__device__ __forceinline__ A fold_run(const Op& op, A acc, const T* p, i64 n, i64 idx0, i64 t, i64 nt) {
  constexpr int V = 16 / sizeof(T) > 0 ? 16 / sizeof(T) : 1;
  i64 head = (i64)(((16 - ((u64)p & 15)) & 15) / sizeof(T));
  if (head > n) head = n;
  for (i64 j = t; j < head; j += nt) acc = op.fold(acc, p[j], idx0 + j);
  i64 nv = (n - head) / V;
  const RVec<T, V>* vp = (const RVec<T, V>*)(p + head);
  i64 i = t;
  for (; i + 3 * nt < nv; i += 4 * nt) {
    RVec<T, V> v0 = vp[i], v1 = vp[i + nt], v2 = vp[i + 2 * nt], v3 = vp[i + 3 * nt];
    i64 b = idx0 + head + i * V;
#pragma unroll
    for (int k = 0; k < V; k++) acc = op.fold(acc, v0.v[k], b + k);
#pragma unroll
    for (int k = 0; k < V; k++) acc = op.fold(acc, v1.v[k], b + nt * V + k);
#pragma unroll
    for (int k = 0; k < V; k++) acc = op.fold(acc, v2.v[k], b + 2 * nt * V + k);
#pragma unroll
    for (int k = 0; k < V; k++) acc = op.fold(acc, v3.v[k], b + 3 * nt * V + k);
  }
  for (; i < nv; i += nt) {
    RVec<T, V> v0 = vp[i];
    i64 b = idx0 + head + i * V;
#pragma unroll
    for (int k = 0; k < V; k++) acc = op.fold(acc, v0.v[k], b + k);
  }
  for (i64 j = head + nv * V + t; j < n; j += nt) acc = op.fold(acc, p[j], idx0 + j);
  return acc;
}

// fold_segments folds, for thread t of nt, the part [s0, s1) x [e0, e1) of
// a row made of segments (offsets from seg, each a contiguous run of rn
// elements) starting at x.
template <class Op, class T, class A>
__device__ __forceinline__ A fold_segments(const Op& op, A acc, const T* x, const Layout<1>& seg, i64 rn,
                                           i64 s0, i64 s1, i64 e0, i64 e1, i64 t, i64 nt) {
  for (i64 s = s0; s < s1; s++) {
    acc = fold_run(op, acc, x + loff(seg, s) + e0, e1 - e0, s * rn + e0, t, nt);
  }
  return acc;
}

// reduce_rows_block: one block per (output, part); the rows are nseg
// segments of rn contiguous elements. With parts > 1 each block writes its
// accumulator to partial[o * parts + k], else the result to out[o].
template <class Op, class T, class R>
__device__ void reduce_rows_block(const T* x, R* out, typename Op::A* partial, i64 nOut, Layout<1> kept,
                                  Layout<1> seg, i64 nseg, i64 rn, i64 parts, i64 param) {
  typedef typename Op::A A;
  __shared__ A sm[32];
  Op op{param};
  i64 b = blockIdx.x;
  i64 o = b / parts, k = b - o * parts;
  if (o >= nOut) return;
  i64 s0 = 0, s1 = nseg, e0 = 0, e1 = rn;
  if (parts > 1) {
    if (nseg == 1) {
      i64 chunk = (rn + parts - 1) / parts;
      chunk = (chunk + 15) & ~(i64)15;
      e0 = k * chunk < rn ? k * chunk : rn;
      e1 = e0 + chunk < rn ? e0 + chunk : rn;
    } else {
      s0 = nseg * k / parts;
      s1 = nseg * (k + 1) / parts;
    }
  }
  A acc = fold_segments(op, op.init(), x + loff(kept, o), seg, rn, s0, s1, e0, e1, threadIdx.x, blockDim.x);
  acc = block_merge(op, acc, sm);
  if (threadIdx.x == 0) {
    if (parts > 1) partial[b] = acc;
    else out[o] = op.finish(acc, nseg * rn);
  }
}

// reduce_rows_warp: one warp per output.
template <class Op, class T, class R>
__device__ void reduce_rows_warp(const T* x, R* out, i64 nOut, Layout<1> kept, Layout<1> seg, i64 nseg, i64 rn,
                                 i64 param) {
  Op op{param};
  i64 o = ((i64)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
  if (o >= nOut) return;  // whole warps leave together
  int lane = threadIdx.x & 31;
  auto acc = fold_segments(op, op.init(), x + loff(kept, o), seg, rn, 0, nseg, 0, rn, lane, 32);
  acc = warp_merge(op, acc);
  if (lane == 0) out[o] = op.finish(acc, nseg * rn);
}

// reduce_cols: threads over outputs (blockDim.x) and over the reduced
// elements (blockDim.y); blockIdx.y picks a part of the reduced elements.
// Each element is found through the layouts, so this also serves any
// strides. With gridDim.y > 1 the accumulators go to partial[k * nOut + o].
template <class Op, class T, class R>
__device__ void reduce_cols(const T* x, R* out, typename Op::A* partial, i64 nOut, Layout<1> kept, Layout<1> red,
                            i64 nRed, i64 param) {
  typedef typename Op::A A;
  __shared__ A sm[256];
  Op op{param};
  i64 o = (i64)blockIdx.x * blockDim.x + threadIdx.x;
  i64 parts = gridDim.y, k = blockIdx.y;
  i64 r0 = nRed / parts * k + (k < nRed % parts ? k : nRed % parts);
  i64 r1 = r0 + nRed / parts + (k < nRed % parts ? 1 : 0);
  A acc = op.init();
  if (o < nOut) {
    const T* p = x + loff(kept, o);
    if (red.ndim <= 1) {
      i64 s = red.ndim == 1 ? red.strides[0][0] : 0;
      for (i64 r = r0 + threadIdx.y; r < r1; r += blockDim.y) acc = op.fold(acc, p[r * s], r);
    } else {
      for (i64 r = r0 + threadIdx.y; r < r1; r += blockDim.y) acc = op.fold(acc, p[loff(red, r)], r);
    }
  }
  if (blockDim.y > 1) {
    sm[threadIdx.y * blockDim.x + threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y != 0) return;
    for (int y = 1; y < (int)blockDim.y; y++) acc = op.merge(acc, sm[y * blockDim.x + threadIdx.x]);
  }
  if (o >= nOut) return;
  if (parts > 1) partial[k * nOut + o] = acc;
  else out[o] = op.finish(acc, nRed);
}

// reduce_finish_rows: one block per output merges partial[o * parts + k].
template <class Op, class R>
__device__ void reduce_finish_rows(const typename Op::A* partial, R* out, i64 parts, i64 count, i64 param) {
  typedef typename Op::A A;
  __shared__ A sm[32];
  Op op{param};
  i64 o = blockIdx.x;
  A acc = op.init();
  for (i64 k = threadIdx.x; k < parts; k += blockDim.x) acc = op.merge(acc, partial[o * parts + k]);
  acc = block_merge(op, acc, sm);
  if (threadIdx.x == 0) out[o] = op.finish(acc, count);
}

// reduce_finish_cols: one thread per output merges partial[k * nOut + o].
template <class Op, class R>
__device__ void reduce_finish_cols(const typename Op::A* partial, R* out, i64 nOut, i64 parts, i64 count, i64 param) {
  Op op{param};
  for (i64 o = global_index(); o < nOut; o += global_stride()) {
    auto acc = partial[o];
    for (i64 k = 1; k < parts; k++) acc = op.merge(acc, partial[k * nOut + o]);
    out[o] = op.finish(acc, count);
  }
}

// ---------------------------------------------------------------- median

// median_key maps a double to an unsigned key of the same order.
__device__ __forceinline__ u64 median_key(double d) {
  u64 u = (u64)__double_as_longlong(d);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}
__device__ __forceinline__ double median_unkey(u64 k) {
  u64 u = (k >> 63) ? (k & 0x7fffffffffffffffull) : ~k;
  return __longlong_as_double((long long)u);
}

// median_rows: one block per output; the k-th smallest elements are found
// by radix selection on their keys, eight bits a pass, reading the row
// through the layouts each pass.
template <class T, class R>
__device__ void median_rows(const T* x, R* out, i64 nOut, Layout<1> kept, Layout<1> red, i64 nRed) {
  __shared__ unsigned long long hist[256];
  __shared__ u64 s_prefix;
  __shared__ i64 s_k;
  __shared__ int s_nan;
  i64 o = blockIdx.x;
  if (o >= nOut) return;
  const T* p = x + loff(kept, o);
  if (threadIdx.x == 0) s_nan = 0;
  __syncthreads();
  int nan = 0;
  for (i64 r = threadIdx.x; r < nRed; r += blockDim.x) {
    double v = to_double(p[loff(red, r)]);
    if (v != v) nan = 1;
  }
  if (nan) s_nan = 1;
  __syncthreads();
  if (nRed == 0 || s_nan) {
    if (threadIdx.x == 0) out[o] = store<R>(nan_d());
    return;
  }
  double sel[2];
  i64 half = nRed / 2;
  int nsel = (nRed % 2 == 1) ? 1 : 2;
  for (int q = 0; q < nsel; q++) {
    i64 target = q == 0 ? half : half - 1;
    u64 prefix = 0, mask = 0;
    for (int shift = 56; shift >= 0; shift -= 8) {
      for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0;
      __syncthreads();
      for (i64 r = threadIdx.x; r < nRed; r += blockDim.x) {
        u64 key = median_key(to_double(p[loff(red, r)]));
        if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 255], 1ull);
      }
      __syncthreads();
      if (threadIdx.x == 0) {
        i64 k = target;
        int b = 0;
        for (; b < 255; b++) {
          if (k < (i64)hist[b]) break;
          k -= (i64)hist[b];
        }
        target = k;
        s_k = k;
        s_prefix = prefix | ((u64)b << shift);
      }
      __syncthreads();
      prefix = s_prefix;
      target = s_k;
      mask |= (u64)255 << shift;
      __syncthreads();
    }
    sel[q] = median_unkey(prefix);
  }
  if (threadIdx.x != 0) return;
  double m = sel[0];
  if (nsel == 2) {
    double hi = sel[0], lo = sel[1];
    m = (lo + hi) / 2;
    bool minf = m == inf_d() || m == -inf_d();
    bool loinf = lo == inf_d() || lo == -inf_d();
    bool hiinf = hi == inf_d() || hi == -inf_d();
    if (minf && !loinf && !hiinf) m = lo / 2 + hi / 2;
  }
  out[o] = store<R>(m);
}

// ---------------------------------------------------------------- softmax

// Online softmax statistics: the running maximum and the sum of exp(x - m).
template <class C> struct SmAcc { C m, s; };

template <class C> struct SmOp {
  __device__ SmAcc<C> init() const { return SmAcc<C>{-inf_of<C>(), (C)0}; }
  __device__ SmAcc<C> merge(SmAcc<C> a, SmAcc<C> b) const {
    C m = a.m > b.m ? a.m : b.m;
    if (a.m != a.m || b.m != b.m) m = nan_of<C>();
    C sa = a.m == -inf_of<C>() ? (C)0 : a.s * exp_(a.m - m);
    C sb = b.m == -inf_of<C>() ? (C)0 : b.s * exp_(b.m - m);
    return SmAcc<C>{m, sa + sb};
  }
};

template <class C> __device__ __forceinline__ void sm_fold(SmAcc<C>& a, C x) {
  if (x > a.m) {
    a.s = a.s * exp_(a.m - x) + (C)1;  // exp(-inf) is 0 for the first element
    a.m = x;
  } else if (x != x) {
    a.m = x;  // a NaN makes the whole row NaN
    a.s = x;
  } else if (x != -inf_of<C>()) {
    a.s += exp_(x - a.m);
  }
}

// sm_scale returns 1/sum, NaN when the maximum is NaN or +Inf: the whole
// row is NaN then, as on the CPU.
template <class C> __device__ __forceinline__ C sm_scale(SmAcc<C> a) {
  if (!(a.m < inf_of<C>())) return nan_of<C>();
  return (C)1 / a.s;
}

// sm_fold_vec folds N elements at once: one rescale for their maximum,
// then N independent exponentials.
template <class C, int N> __device__ __forceinline__ void sm_fold_vec(SmAcc<C>& a, const C (&x)[N]) {
  C mx = x[0];
  bool nan = x[0] != x[0];
#pragma unroll
  for (int k = 1; k < N; k++) {
    mx = x[k] > mx ? x[k] : mx;
    nan = nan || x[k] != x[k];
  }
  if (nan) {
    a.m = nan_of<C>();  // a NaN makes the whole row NaN
    a.s = a.m;
    return;
  }
  if (mx > a.m) {
    a.s = a.s * exp_(a.m - mx);  // exp(-inf) is 0 for the first elements
    a.m = mx;
  }
  if (a.m == -inf_of<C>()) return;  // only -inf so far: nothing to add
  C t = 0;
#pragma unroll
  for (int k = 0; k < N; k++) t += exp_(x[k] - a.m);
  a.s += t;
}

template <class T, int V, class C> __device__ __forceinline__ void sm_widen(const RVec<T, V>& v, C (&c)[V]) {
#pragma unroll
  for (int k = 0; k < V; k++) c[k] = widen(v.v[k]);
}

template <class T, int V, class C> __device__ __forceinline__ RVec<T, V> sm_out(const RVec<T, V>& v, C m, C inv) {
  RVec<T, V> w;
#pragma unroll
  for (int k = 0; k < V; k++) w.v[k] = narrow<T>(exp_(widen(v.v[k]) - m) * inv);
  return w;
}

// st_stream stores 16 bytes marked as streaming (evict first), so that an
// output written once does not push out of L2 the input that is read again;
// ld_last loads 16 bytes for the last time.
template <class Vec> __device__ __forceinline__ void st_stream(Vec* p, const Vec& v) {
  const u32* w = (const u32*)&v;
  asm volatile("st.global.cs.v4.u32 [%0], {%1, %2, %3, %4};" ::"l"(p), "r"(w[0]), "r"(w[1]), "r"(w[2]), "r"(w[3])
               : "memory");
}
template <class Vec> __device__ __forceinline__ Vec ld_last(const Vec* p) {
  Vec v;
  u32* w = (u32*)&v;
  asm("ld.global.cs.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(w[0]), "=r"(w[1]), "=r"(w[2]), "=r"(w[3]) : "l"(p));
  return v;
}

// softmax_rows: the groups are rows of L contiguous elements in x and y.
// WARP: one warp per row; else one block per row. The second pass reads
// the row again, from L2 mostly: the output is stored as streaming so that
// it does not push the rows still to be read out of L2. (Keeping the row in
// shared memory instead was measured slower: a 128 KiB row leaves room for
// one block per multiprocessor.)
template <class T, bool WARP>
__device__ void softmax_rows(const T* x, T* y, i64 nRows, i64 L, Layout<2> kept) {
  typedef typename acc_t<T>::type C;
  constexpr int V = 16 / sizeof(T);
  typedef RVec<T, V> Vec;
  __shared__ SmAcc<C> sm[32];
  __shared__ SmAcc<C> total;
  i64 row, t, nt;
  if (WARP) {
    row = ((i64)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    t = threadIdx.x & 31;
    nt = 32;
    if (row >= nRows) return;
  } else {
    row = blockIdx.x;
    t = threadIdx.x;
    nt = blockDim.x;
  }
  i64 ox, oy;
  loff2(kept, row, ox, oy);
  const T* px = x + ox;
  T* py = y + oy;
  SmOp<C> op;
  SmAcc<C> acc = op.init();
  // Pass 1: statistics, four vectors in flight per thread.
  i64 head = (i64)(((16 - ((u64)px & 15)) & 15) / sizeof(T));
  if (head > L) head = L;
  for (i64 j = t; j < head; j += nt) {
    C c[1] = {widen(px[j])};
    sm_fold_vec<C, 1>(acc, c);
  }
  i64 nv = (L - head) / V;
  const Vec* vp = (const Vec*)(px + head);
  i64 i = t;
  for (; i + 3 * nt < nv; i += 4 * nt) {
    Vec v[4];
#pragma unroll
    for (int u = 0; u < 4; u++) v[u] = vp[i + u * nt];
#pragma unroll
    for (int u = 0; u < 4; u++) {
      C c[V];
      sm_widen(v[u], c);
      sm_fold_vec<C, V>(acc, c);
    }
  }
  for (; i < nv; i += nt) {
    C c[V];
    sm_widen(vp[i], c);
    sm_fold_vec<C, V>(acc, c);
  }
  for (i64 j = head + nv * V + t; j < L; j += nt) {
    C c[1] = {widen(px[j])};
    sm_fold_vec<C, 1>(acc, c);
  }
  if (WARP) {
    acc = warp_merge(op, acc);
    acc.m = __shfl_sync(0xffffffffu, acc.m, 0);
    acc.s = __shfl_sync(0xffffffffu, acc.s, 0);
  } else {
    acc = block_merge(op, acc, sm);
    if (threadIdx.x == 0) total = acc;
    __syncthreads();
    acc = total;
  }
  C m = acc.m, inv = sm_scale(acc);
  // Pass 2: y = exp(x - m) / sum.
  i64 yh = (i64)(((16 - ((u64)py & 15)) & 15) / sizeof(T));
  if (yh > L) yh = L;
  if (yh == head) {
    // x and y equally aligned: whole vectors both sides.
    Vec* wp = (Vec*)(py + head);
    for (i64 j = t; j < head; j += nt) py[j] = narrow<T>(exp_(widen(px[j]) - m) * inv);
    i = t;
    for (; i + 3 * nt < nv; i += 4 * nt) {
      Vec v[4];
#pragma unroll
      for (int u = 0; u < 4; u++) v[u] = ld_last(vp + i + u * nt);
#pragma unroll
      for (int u = 0; u < 4; u++) st_stream(wp + i + u * nt, sm_out(v[u], m, inv));
    }
    for (; i < nv; i += nt) st_stream(wp + i, sm_out(ld_last(vp + i), m, inv));
    for (i64 j = head + nv * V + t; j < L; j += nt) py[j] = narrow<T>(exp_(widen(px[j]) - m) * inv);
    return;
  }
  // Otherwise vectors on y's alignment, x read element by element.
  for (i64 j = t; j < yh; j += nt) py[j] = narrow<T>(exp_(widen(px[j]) - m) * inv);
  i64 nw = (L - yh) / V;
  Vec* wp = (Vec*)(py + yh);
  for (i64 i = t; i < nw; i += nt) {
    Vec w;
    i64 j0 = yh + i * V;
#pragma unroll
    for (int k = 0; k < V; k++) w.v[k] = narrow<T>(exp_(widen(px[j0 + k]) - m) * inv);
    wp[i] = w;
  }
  for (i64 j = yh + nw * V + t; j < L; j += nt) py[j] = narrow<T>(exp_(widen(px[j]) - m) * inv);
}

// Thread block clusters (compute capability 9.0): a cluster's blocks run
// at once and read each other's shared memory. Compiled for older devices,
// the cluster kernels are empty: the backend does not launch them there.
#if __CUDA_ARCH__ >= 900

// smem_addr is the shared-memory address of p, a pointer into shared memory.
__device__ __forceinline__ u32 smem_addr(const void* p) {
  u32 a;
  asm("{ .reg .u64 t; cvta.to.shared.u64 t, %1; cvt.u32.u64 %0, t; }" : "=r"(a) : "l"(p));
  return a;
}
// cluster_rank is the block's place in its cluster.
__device__ __forceinline__ u32 cluster_rank() {
  u32 r;
  asm volatile("mov.u32 %0, %%cluster_ctarank;" : "=r"(r));
  return r;
}
// cluster_arrive and cluster_wait split a barrier of the cluster's threads:
// writes to shared memory before the arrive are seen by reads after the
// wait, in every block of the cluster.
__device__ __forceinline__ void cluster_arrive() { asm volatile("barrier.cluster.arrive.release.aligned;" ::: "memory"); }
__device__ __forceinline__ void cluster_wait() { asm volatile("barrier.cluster.wait.acquire.aligned;" ::: "memory"); }

// F2 is a pair of floats, read from another block's shared memory at once.
struct alignas(8) F2 { float x, y; };

// cluster_load2 reads the pair at p in the shared memory of block rank of
// the cluster, where p is this block's address of the same variable.
__device__ __forceinline__ F2 cluster_load2(const F2* p, u32 rank) {
  u32 r;
  F2 v;
  asm("mapa.shared::cluster.u32 %0, %1, %2;" : "=r"(r) : "r"(smem_addr(p)), "r"(rank));
  asm volatile("ld.shared::cluster.v2.f32 {%0, %1}, [%2];" : "=f"(v.x), "=f"(v.y) : "r"(r));
  return v;
}

// copy16_async starts a copy of 16 bytes from global to shared memory;
// copy_wait waits for the thread's copies.
__device__ __forceinline__ void copy16_async(void* dst, const void* src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(smem_addr(dst)), "l"(src) : "memory");
}
__device__ __forceinline__ void copy_wait() { asm volatile("cp.async.wait_all;" ::: "memory"); }

// SOFTMAX_CHUNK is the number of elements of a row that one block of a
// cluster softmax holds in shared memory.
#define SOFTMAX_CHUNK 8192

// softmax_cluster: rows of L contiguous elements (L a multiple of the
// 16-byte vector, rows 16-byte aligned, SOFTMAX_CHUNK < L <= K *
// SOFTMAX_CHUNK), each split over a cluster of K blocks of 256 threads. A
// block copies its chunk of the row into shared memory asynchronously (so
// that registers do not limit the bytes in flight), finds the chunk's
// maximum m and sum s of exp(x - m), publishes (m, s), and from the
// cluster's pairs finds the row's maximum M and sum S; then y = exp(x - m)
// * exp(m - M) / S. The row is read from memory once and written once,
// where softmax_rows reads it twice (the second time from L2, when the rows
// in flight fit there). Float types of at most 4 bytes.
template <class T, int K>
__device__ void softmax_cluster(const T* x, T* y, i64 L, Layout<2> kept) {
  constexpr int V = 16 / sizeof(T), NT = 256, NV = SOFTMAX_CHUNK / V / NT;
  typedef RVec<T, V> Vec;
  __shared__ Vec buf[SOFTMAX_CHUNK / V];
  __shared__ float red[NT / 32];
  __shared__ F2 part;  // this block's m and s, read by the cluster
  __shared__ float scale;
  const u32 rank = cluster_rank();
  const int t = threadIdx.x, lane = t & 31, w = t >> 5;
  i64 ox, oy;
  loff2(kept, blockIdx.x / K, ox, oy);
  const i64 start = (i64)rank * SOFTMAX_CHUNK;
  i64 n = L - start;
  n = n < 0 ? 0 : n > SOFTMAX_CHUNK ? SOFTMAX_CHUNK : n;
  const Vec* vx = (const Vec*)(x + ox + start);
  Vec* vy = (Vec*)(y + oy + start);
  const int nv = (int)(n / V);
  // Each thread later reads only the vectors it copied.
#pragma unroll
  for (int k = 0; k < NV; k++) {
    const int i = t + k * NT;
    if (i < nv) copy16_async(buf + i, vx + i);
  }
  copy_wait();
  // The chunk's maximum; a NaN anywhere makes it NaN.
  float m = -inf_of<float>();
  bool nan = false;
#pragma unroll
  for (int k = 0; k < NV; k++) {
    const int i = t + k * NT;
    if (i < nv) {
      const Vec q = buf[i];
#pragma unroll
      for (int j = 0; j < V; j++) {
        const float f = (float)widen(q.v[j]);
        m = f > m ? f : m;
        nan = nan || f != f;
      }
    }
  }
  if (nan) m = nan_of<float>();
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    float u = __shfl_xor_sync(0xffffffffu, m, o);
    m = (u > m || u != u) ? u : m;
  }
  if (lane == 0) red[w] = m;
  __syncthreads();
  m = red[0];
#pragma unroll
  for (int k = 1; k < NT / 32; k++) m = (red[k] > m || red[k] != red[k]) ? red[k] : m;
  // The sum of exp(x - m); zero when m is -inf (nothing but -inf).
  const bool none = m == -inf_of<float>();
  float s = 0;
  if (!none) {
#pragma unroll
    for (int k = 0; k < NV; k++) {
      const int i = t + k * NT;
      if (i < nv) {
        const Vec q = buf[i];
#pragma unroll
        for (int j = 0; j < V; j++) s += exp_((float)widen(q.v[j]) - m);
      }
    }
  }
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
  __syncthreads();  // everyone has read red's maxima
  if (lane == 0) red[w] = s;
  __syncthreads();
  if (t == 0) {
    s = 0;
#pragma unroll
    for (int k = 0; k < NT / 32; k++) s += red[k];
    part = F2{m, s};
  }
  cluster_arrive();
  cluster_wait();
  if (w == 0) {
    // Lane r reads block r's pair.
    F2 p = lane < K ? cluster_load2(&part, lane) : F2{-inf_of<float>(), 0.0f};
    float M = p.x;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      float u = __shfl_xor_sync(0xffffffffu, M, o);
      M = (u > M || u != u) ? u : M;
    }
    float S = p.x == -inf_of<float>() ? 0.0f : p.y * exp_(p.x - M);
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) S += __shfl_xor_sync(0xffffffffu, S, o);
    // A row holding NaN or +Inf, or nothing but -inf, becomes NaN, as on
    // the CPU.
    float c = none ? 0.0f : exp_(m - M) / S;
    if (!(M < inf_of<float>()) || M == -inf_of<float>()) c = nan_of<float>();
    if (lane == 0) scale = c;
  }
  // Done reading the cluster's shared memory; the blocks may leave once
  // all have arrived.
  cluster_arrive();
  __syncthreads();
  const float c = scale;
#pragma unroll
  for (int k = 0; k < NV; k++) {
    const int i = t + k * NT;
    if (i < nv) {
      const Vec q = buf[i];
      Vec o;
#pragma unroll
      for (int j = 0; j < V; j++) o.v[j] = narrow<T>((none ? 0.0f : exp_((float)widen(q.v[j]) - m)) * c);
      st_stream(vy + i, o);
    }
  }
  cluster_wait();
}
#else
template <class T, int K>
__device__ void softmax_cluster(const T* x, T* y, i64 L, Layout<2> kept) {}
#endif

// softmax_groups: any layout; one block per group of G elements, whose
// offsets come from red (x and y strides) after the group's from kept.
template <class T>
__device__ void softmax_groups(const T* x, T* y, i64 nGroups, i64 G, Layout<2> kept, Layout<2> red) {
  typedef typename acc_t<T>::type C;
  __shared__ SmAcc<C> sm[32];
  __shared__ SmAcc<C> total;
  i64 g = blockIdx.x;
  if (g >= nGroups) return;
  i64 ox, oy;
  loff2(kept, g, ox, oy);
  SmOp<C> op;
  SmAcc<C> acc = op.init();
  for (i64 j = threadIdx.x; j < G; j += blockDim.x) {
    i64 a, b;
    loff2(red, j, a, b);
    sm_fold<C>(acc, widen(x[ox + a]));
  }
  acc = block_merge(op, acc, sm);
  if (threadIdx.x == 0) total = acc;
  __syncthreads();
  acc = total;
  C m = acc.m, inv = sm_scale(acc);
  for (i64 j = threadIdx.x; j < G; j += blockDim.x) {
    i64 a, b;
    loff2(red, j, a, b);
    y[oy + b] = narrow<T>(exp_(widen(x[ox + a]) - m) * inv);
  }
}

// softmax_cols: one thread per group, for groups whose neighbours are
// neighbours in memory (softmax over a leading axis).
template <class T>
__device__ void softmax_cols(const T* x, T* y, i64 nGroups, i64 G, Layout<2> kept, Layout<2> red) {
  typedef typename acc_t<T>::type C;
  i64 g = global_index();
  if (g >= nGroups) return;
  i64 ox, oy;
  loff2(kept, g, ox, oy);
  SmAcc<C> acc{-inf_of<C>(), (C)0};
  if (red.ndim == 1) {
    i64 sx = red.strides[0][0], sy = red.strides[1][0];
    for (i64 j = 0; j < G; j++) sm_fold<C>(acc, widen(x[ox + j * sx]));
    C m = acc.m, inv = sm_scale(acc);
    for (i64 j = 0; j < G; j++) y[oy + j * sy] = narrow<T>(exp_(widen(x[ox + j * sx]) - m) * inv);
    return;
  }
  for (i64 j = 0; j < G; j++) {
    i64 a, b;
    loff2(red, j, a, b);
    sm_fold<C>(acc, widen(x[ox + a]));
  }
  C m = acc.m, inv = sm_scale(acc);
  for (i64 j = 0; j < G; j++) {
    i64 a, b;
    loff2(red, j, a, b);
    y[oy + b] = narrow<T>(exp_(widen(x[ox + a]) - m) * inv);
  }
}
