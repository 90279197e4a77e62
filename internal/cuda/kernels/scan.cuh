// Scans along one axis with the semantics of the CPU kernels
// (internal/cpu/scan.go). Each op combines a running value acc with the
// next element v: op(acc, v). Values are combined in the accumulator type
// scan_acc: float for the half types, double for log-add-exp, int32 for a
// sum of bools (uint8 for their other scans), the element type otherwise;
// integers wrap.

struct ScanSumOp {
  template <class C> __device__ __forceinline__ C operator()(C a, C b) const {
    if constexpr (is_complex<C>::value) return cadd(a, b);
    else if constexpr (is_int<C>::value) {
      typedef typename uint_of<(sizeof(C) < 4 ? 4 : sizeof(C))>::type U;
      return (C)((U)a + (U)b);
    } else return a + b;
  }
};
struct ScanProdOp {
  template <class C> __device__ __forceinline__ C operator()(C a, C b) const {
    if constexpr (is_complex<C>::value) return cmul(a, b);
    else if constexpr (is_int<C>::value) {
      typedef typename uint_of<(sizeof(C) < 4 ? 4 : sizeof(C))>::type U;
      return (C)((U)a * (U)b);
    } else return a * b;
  }
};
// Max and min: a NaN sticks (the latest NaN met is kept, as on the CPU).
struct ScanMaxOp {
  template <class C> __device__ __forceinline__ C operator()(C a, C b) const { return (b > a || b != b) ? b : a; }
};
struct ScanMinOp {
  template <class C> __device__ __forceinline__ C operator()(C a, C b) const { return (b < a || b != b) ? b : a; }
};
struct ScanLogAddExpOp {
  __device__ __forceinline__ double operator()(double a, double b) const {
    if (a != a || b != b) return nan_d();
    double hi = a < b ? b : a, lo = a < b ? a : b;
    if (lo == -inf_d() || hi == inf_d()) return hi;
    return hi + log1p(exp(lo - hi));
  }
};

template <class T, class Op> struct scan_acc { typedef typename acc_t<T>::type type; };
template <class Op> struct scan_acc<bool, Op> { typedef u8 type; };
template <> struct scan_acc<bool, ScanSumOp> { typedef i32 type; };
template <class T> struct scan_acc<T, ScanLogAddExpOp> { typedef double type; };
template <> struct scan_acc<bool, ScanLogAddExpOp> { typedef double type; };

// scan_identity is op's identity for elements of type T, in C.
template <class Op, class T, class C> __device__ __forceinline__ C scan_identity() {
  if constexpr (same<Op, ScanSumOp>::value) {
    if constexpr (is_complex<C>::value) return c64{0.0f, 0.0f};
    else return (C)0;
  } else if constexpr (same<Op, ScanProdOp>::value) {
    if constexpr (is_complex<C>::value) return c64{1.0f, 0.0f};
    else return (C)1;
  } else if constexpr (same<Op, ScanLogAddExpOp>::value) {
    return -inf_d();
  } else {
    const bool lowest = same<Op, ScanMaxOp>::value;
    if constexpr (same<T, bool>::value) {
      return lowest ? (C)0 : (C)1;
    } else if constexpr (is_float<T>::value) {
      return lowest ? (C)-inf_d() : (C)inf_d();
    } else if constexpr (is_signed_int<C>::value) {
      typedef typename uint_of<sizeof(C)>::type U;
      const C lo = (C)((U)1 << (8 * sizeof(C) - 1));
      return lowest ? lo : (C)~lo;
    } else {
      return lowest ? (C)0 : (C)~(C)0;
    }
  }
}

// scan_in converts an element to the accumulator type, scan_out back to
// the output type (double goes through float to the half types, as the
// CPU's float32 lines do).
template <class C, class T> __device__ __forceinline__ C scan_in(T x) {
  if constexpr (same<T, bool>::value) return (C)(x ? 1 : 0);
  else if constexpr (is_half<T>::value) return (C)widen(x);
  else return (C)x;
}
template <class O, class C> __device__ __forceinline__ O scan_out(C c) {
  if constexpr (same<O, C>::value) return c;
  else if constexpr (same<O, bool>::value) return c != 0;
  else if constexpr (is_half<O>::value) return narrow<O>((float)c);
  else return (O)c;
}

template <class C> __device__ __forceinline__ C shfl_up_(C v, unsigned d) {
  if constexpr (is_complex<C>::value) {
    return c64{__shfl_up_sync(0xffffffffu, v.re, d), __shfl_up_sync(0xffffffffu, v.im, d)};
  } else if constexpr (sizeof(C) < 4) {
    return (C)__shfl_up_sync(0xffffffffu, (int)v, d);
  } else {
    return __shfl_up_sync(0xffffffffu, v, d);
  }
}
template <class C> __device__ __forceinline__ C shfl_idx_(C v, int src) {
  if constexpr (is_complex<C>::value) {
    return c64{__shfl_sync(0xffffffffu, v.re, src), __shfl_sync(0xffffffffu, v.im, src)};
  } else if constexpr (sizeof(C) < 4) {
    return (C)__shfl_sync(0xffffffffu, (int)v, src);
  } else {
    return __shfl_sync(0xffffffffu, v, src);
  }
}

// warp_scan is the inclusive scan of x over the warp's lanes.
template <class C, class Op> __device__ __forceinline__ C warp_scan(C x) {
  Op op;
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    C y = shfl_up_(x, d);
    if (lane >= d) x = op(y, x);
  }
  return x;
}

// group_scan scans x over a group of G threads (a warp, or a block of 256
// threads, which all call it): the inclusive and exclusive values of this
// thread (ident for the first) and the group's total. sh holds 8 values.
template <class C, class Op, int G>
__device__ __forceinline__ void group_scan(C x, C ident, C& incl, C& excl, C& total, C* sh) {
  Op op;
  const int lane = threadIdx.x & 31;
  C w = warp_scan<C, Op>(x);
  C prev = shfl_up_(w, 1);
  if constexpr (G == 32) {
    incl = w;
    excl = lane == 0 ? ident : prev;
    total = shfl_idx_(w, 31);
  } else {
    const int wid = threadIdx.x >> 5;
    if (lane == 31) sh[wid] = w;
    __syncthreads();
    C pre = sh[0], tot = sh[0];
#pragma unroll
    for (int k = 1; k < G / 32; k++) {
      if (k < wid) pre = op(pre, sh[k]);
      tot = op(tot, sh[k]);
    }
    __syncthreads();
    if (wid == 0) {
      incl = w;
      excl = lane == 0 ? ident : prev;
    } else {
      incl = op(pre, w);
      excl = lane == 0 ? pre : op(pre, prev);
    }
    total = tot;
  }
}

// scan_rows scans lines whose elements a group of G threads takes G at a
// time, carrying the running value: one group per (line, chunk), chunk
// elements of the line each (counted in the scan's direction), groups
// numbered line * nchunks + chunk. With totals set it only writes each
// group's combined value there; with prefix set each group starts from
// prefix[group] (the chunks before it) instead of the identity.
template <class T, class O, class Op, int G>
__device__ void scan_rows(const T* in, O* out, i64 n, i64 lines, const Layout<2>& rows, i64 is, i64 os, i64 chunk,
                          i64 nchunks, i32 reverse, i32 inclusive, typename scan_acc<T, Op>::type* totals,
                          const typename scan_acc<T, Op>::type* prefix) {
  typedef typename scan_acc<T, Op>::type C;
  __shared__ C sh[8];
  Op op;
  const i64 group = (i64)blockIdx.x * (256 / G) + threadIdx.x / G;
  if (group >= lines * nchunks) return;  // whole groups leave together
  const i64 line = group / nchunks, ck = group - line * nchunks;
  i64 off[2];
  offsets<2>(rows, line, off);
  const i64 j0 = ck * chunk, j1 = j0 + chunk < n ? j0 + chunk : n;
  const C ident = scan_identity<Op, T, C>();
  C carry = prefix ? prefix[group] : ident;
  const int t = threadIdx.x % G;
  for (i64 base = j0; base < j1; base += G) {
    i64 j = base + t;
    i64 p = reverse ? n - 1 - j : j;
    C x = j < j1 ? scan_in<C>(in[off[0] + p * is]) : ident;
    C incl, excl, tot;
    group_scan<C, Op, G>(x, ident, incl, excl, tot, sh);
    if (!totals && j < j1) out[off[1] + p * os] = scan_out<O>(op(carry, inclusive ? incl : excl));
    carry = op(carry, tot);
  }
  if (totals && t == 0) totals[group] = carry;
}

// scan_cols scans lines one thread each, sequentially: thread g takes
// chunk g / lines of line g % lines, so that neighbouring threads read
// neighbouring lines (coalesced when the axis is not the innermost one).
// totals and prefix are as for scan_rows, numbered line * nchunks + chunk.
template <class T, class O, class Op>
__device__ void scan_cols(const T* in, O* out, i64 n, i64 lines, const Layout<2>& rows, i64 is, i64 os, i64 chunk,
                          i64 nchunks, i32 reverse, i32 inclusive, typename scan_acc<T, Op>::type* totals,
                          const typename scan_acc<T, Op>::type* prefix) {
  typedef typename scan_acc<T, Op>::type C;
  Op op;
  for (i64 g = global_index(); g < lines * nchunks; g += global_stride()) {
    const i64 ck = g / lines, line = g - ck * lines;
    const i64 slot = line * nchunks + ck;
    i64 off[2];
    offsets<2>(rows, line, off);
    const i64 j0 = ck * chunk, j1 = j0 + chunk < n ? j0 + chunk : n;
    C acc = prefix ? prefix[slot] : scan_identity<Op, T, C>();
    const i64 si = reverse ? -is : is, so = reverse ? -os : os;
    i64 pi = off[0] + (reverse ? n - 1 - j0 : j0) * is;
    i64 po = off[1] + (reverse ? n - 1 - j0 : j0) * os;
    if (totals) {
      for (i64 j = j0; j < j1; j++, pi += si) acc = op(acc, scan_in<C>(in[pi]));
      totals[slot] = acc;
      continue;
    }
    for (i64 j = j0; j < j1; j++, pi += si, po += so) {
      C x = scan_in<C>(in[pi]);
      if (!inclusive) out[po] = scan_out<O>(acc);
      acc = op(acc, x);
      if (inclusive) out[po] = scan_out<O>(acc);
    }
  }
}
