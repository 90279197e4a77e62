// Sorting, searching and moving elements along an axis, in the order of the
// CPU kernels (internal/cpu/sort.go): every element maps to an unsigned key
// whose order is NumPy's order of the elements, and lines are sorted by
// (key, position) pairs, which makes every sort stable.
//
// Keys: bool and unsigned integers are their own bits; signed integers flip
// the sign bit; floats flip the sign bit of positive numbers and every bit
// of negative ones, and every NaN becomes the largest key of its width
// (-0 becomes +0's key when zero is set). Complex numbers get a 64-bit key
// ordered as NumPy orders them: numbers without NaN parts by (real,
// imaginary); then those whose imaginary part only is NaN, by real part;
// then those whose real part only is NaN, by imaginary part; then those
// with both. Keys of types up to 4 bytes are held as u32, others as u64.

template <class T> struct sort_key_t { typedef typename uint_of<(sizeof(T) > 4 ? 8 : 4)>::type type; };

// float_key is the key of the float whose bits are u (of its own width);
// inf is the bits of +Inf.
template <class U> __device__ __forceinline__ U float_key(U u, U inf, bool zero) {
  const U sign = (U)((U)1 << (8 * sizeof(U) - 1));
  if ((U)(u & (U)~sign) > inf) return (U)~(U)0;
  if (u & sign) {
    if (zero && u == sign) return sign;
    return (U)~u;
  }
  return (U)(u | sign);
}

// The high words of complex keys with NaN parts: above every key of a
// float32 number (+Inf's is 0xff800000).
#define CKEY_NAN_IM 0xff800001u
#define CKEY_NAN_RE 0xff800002u
#define CKEY_NAN_BOTH 0xff800003u

__device__ __forceinline__ u64 complex_key(c64 x) {
  u32 kr = float_key<u32>(__float_as_uint(x.re), 0x7f800000u, true);
  u32 ki = float_key<u32>(__float_as_uint(x.im), 0x7f800000u, true);
  bool nr = x.re != x.re, ni = x.im != x.im;
  if (!nr && !ni) return ((u64)kr << 32) | ki;
  if (!nr) return ((u64)CKEY_NAN_IM << 32) | kr;
  if (!ni) return ((u64)CKEY_NAN_RE << 32) | ki;
  return (u64)CKEY_NAN_BOTH << 32;
}

template <class T> __device__ __forceinline__ typename sort_key_t<T>::type sort_key(T x, bool zero) {
  typedef typename sort_key_t<T>::type K;
  typedef typename uint_of<sizeof(T)>::type U;
  if constexpr (same<T, bool>::value) {
    return (K) * (const u8*)&x;
  } else if constexpr (is_unsigned_int<T>::value) {
    return (K)x;
  } else if constexpr (is_signed_int<T>::value) {
    return (K)(U)((U)x ^ (U)((U)1 << (8 * sizeof(U) - 1)));
  } else if constexpr (same<T, f16>::value) {
    return (K)float_key<u16>(x.bits, (u16)0x7c00, zero);
  } else if constexpr (same<T, bf16>::value) {
    return (K)float_key<u16>(x.bits, (u16)0x7f80, zero);
  } else if constexpr (same<T, float>::value) {
    return (K)float_key<u32>(__float_as_uint(x), 0x7f800000u, zero);
  } else if constexpr (same<T, double>::value) {
    return (K)float_key<u64>((u64)__double_as_longlong(x), 0x7ff0000000000000ull, zero);
  } else {
    return complex_key(x);
  }
}

// line_offsets gives the offsets in in and out of the first element of
// line (row-major over the dimensions other than the axis).
__device__ __forceinline__ void line_offsets(const Layout<2>& rows, i64 line, i64 (&off)[2]) {
  offsets<2>(rows, line, off);
}

// sort_block sorts lines of up to 4096 elements in shared memory: each
// block takes lpb lines, each padded to p elements (a power of two) with
// keys and positions that sort after every real element, and runs a
// bitonic sorting network over (key, position) pairs. It writes the
// sorted positions (indices) or the elements at them.
extern __shared__ u64 sort_smem[];

template <class T>
__device__ void sort_block(const T* in, void* out, i64 n, i64 lines, const Layout<2>& rows, i64 is, i64 os,
                           i32 p, i32 lpb, i32 indices, i32 zero) {
  typedef typename sort_key_t<T>::type K;
  const i32 e = p * lpb;
  K* keys = (K*)sort_smem;
  u32* pos = (u32*)(keys + e);
  const i64 line0 = (i64)blockIdx.x * lpb;
  for (i32 t = threadIdx.x; t < e; t += blockDim.x) {
    i64 line = line0 + t / p;
    i32 j = t % p;
    if (line < lines && j < n) {
      i64 off[2];
      line_offsets(rows, line, off);
      keys[t] = sort_key<T>(in[off[0] + j * is], zero != 0);
      pos[t] = (u32)j;
    } else {
      keys[t] = (K)~(K)0;
      pos[t] = 0xffffffffu;
    }
  }
  __syncthreads();
  const i32 pairs = e / 2;
  for (i32 k = 2; k <= p; k <<= 1) {
    for (i32 j = k >> 1; j > 0; j >>= 1) {
      for (i32 t = threadIdx.x; t < pairs; t += blockDim.x) {
        i32 a = 2 * t - (t & (j - 1));  // bit j of a is clear: a and a + j are a pair
        i32 b = a + j;
        bool up = ((a & (p - 1)) & k) == 0;
        K ka = keys[a], kb = keys[b];
        u32 pa = pos[a], pb = pos[b];
        bool gt = ka > kb || (ka == kb && pa > pb);
        if (gt == up) {
          keys[a] = kb;
          keys[b] = ka;
          pos[a] = pb;
          pos[b] = pa;
        }
      }
      __syncthreads();
    }
  }
  for (i32 t = threadIdx.x; t < e; t += blockDim.x) {
    i64 line = line0 + t / p;
    i32 j = t % p;
    if (line >= lines || j >= n) continue;
    i64 off[2];
    line_offsets(rows, line, off);
    u32 q = pos[t];
    if (indices) ((u32*)out)[off[1] + j * os] = q;
    else ((T*)out)[off[1] + j * os] = in[off[0] + (i64)q * is];
  }
}

// The device-wide sort of long lines: a least-significant-digit radix sort
// of (key, position) pairs, 8 bits per pass, over the lines line0 ... of a
// group laid end to end (total elements, fewer than 2^32). Positions are
// the pairs' places in the group (line * n + j). After the passes over the
// key's bytes, passes over the bytes of the line number (position / n)
// bring each line's elements together, still in key order: element i of
// the result belongs to line i / n.

#define RADIX_THREADS 256
#define RADIX_ITEMS 16
#define RADIX_TILE (RADIX_THREADS * RADIX_ITEMS)
#define RADIX_WARPS (RADIX_THREADS / 32)

template <class T>
__device__ void sort_encode(const T* in, typename sort_key_t<T>::type* keys, u32* idx, i64 total, i64 n, i64 line0,
                            const Layout<2>& rows, i64 is, i32 zero) {
  for (i64 i = global_index(); i < total; i += global_stride()) {
    i64 l = i / n, j = i - l * n;
    i64 off[2];
    line_offsets(rows, line0 + l, off);
    keys[i] = sort_key<T>(in[off[0] + j * is], zero != 0);
    idx[i] = (u32)i;
  }
}

template <class T>
__device__ void sort_decode(const T* in, void* out, const u32* idx, i64 total, i64 n, i64 line0,
                            const Layout<2>& rows, i64 is, i64 os, i32 indices) {
  for (i64 i = global_index(); i < total; i += global_stride()) {
    i64 g = idx[i];
    i64 l = g / n, j = g - l * n;
    i64 at = i - l * n;  // the place in its line
    i64 off[2];
    line_offsets(rows, line0 + l, off);
    if (indices) ((u32*)out)[off[1] + at * os] = (u32)j;
    else ((T*)out)[off[1] + at * os] = in[off[0] + j * is];
  }
}

// radix_digit is the digit of a pass: a byte of the key, or with byline a
// byte of the line number.
template <class K> __device__ __forceinline__ u32 radix_digit(K key, u32 pos, u32 shift, i64 n, i32 byline) {
  if (byline) return (u32)(((u64)pos / (u64)n) >> shift) & 255u;
  return (u32)(key >> shift) & 255u;
}

// radix_hist counts the digits of each tile: hist[d * nb + b] for digit d
// of tile b.
template <class K>
__device__ void radix_hist(const K* keys, const u32* idx, i64 total, i64 n, u32 shift, i32 byline, u32* hist, u32 nb) {
  __shared__ u32 cnt[256];
  cnt[threadIdx.x] = 0;
  __syncthreads();
  i64 base = (i64)blockIdx.x * RADIX_TILE;
#pragma unroll
  for (int k = 0; k < RADIX_ITEMS; k++) {
    i64 i = base + k * RADIX_THREADS + threadIdx.x;
    if (i < total) {
      K key = byline ? (K)0 : keys[i];
      u32 pos = byline ? idx[i] : 0u;
      atomicAdd(&cnt[radix_digit<K>(key, pos, shift, n, byline)], 1u);
    }
  }
  __syncthreads();
  hist[(u64)threadIdx.x * nb + blockIdx.x] = cnt[threadIdx.x];
}

// block_scan_u32 returns the inclusive sum of v over the block's 256
// threads and sets total; every thread must call it.
__device__ __forceinline__ u32 block_scan_u32(u32 v, u32* sh, u32& total) {
  int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    u32 y = __shfl_up_sync(0xffffffffu, v, d);
    if (lane >= d) v += y;
  }
  if (lane == 31) sh[w] = v;
  __syncthreads();
  u32 pre = 0, tot = 0;
  for (int k = 0; k < RADIX_WARPS; k++) {
    if (k < w) pre += sh[k];
    tot += sh[k];
  }
  __syncthreads();
  total = tot;
  return pre + v;
}

// radix_scan turns the counts of digit blockIdx.x into the exclusive sums
// over the tiles before, and writes the digit's total.
__device__ void radix_scan(u32* hist, u32 nb, u32* totals) {
  __shared__ u32 sh[RADIX_WARPS];
  u32* h = hist + (u64)blockIdx.x * nb;
  u32 carry = 0;
  for (u32 base = 0; base < nb; base += RADIX_THREADS) {
    u32 i = base + threadIdx.x;
    u32 v = i < nb ? h[i] : 0u;
    u32 tot;
    u32 incl = block_scan_u32(v, sh, tot);
    if (i < nb) h[i] = carry + incl - v;
    carry += tot;
  }
  if (threadIdx.x == 0) totals[blockIdx.x] = carry;
}

// radix_scatter moves the pairs of each tile to their places for the
// pass, stably: warp w ranks the elements of its part of the tile, 32 at
// a time in order, among those of equal digit (__match_any_sync), keeping
// a count per digit; the counts of the warps before it, the tiles before
// it and the smaller digits give the places. Keys move only when kout is
// set (the key passes but the last).
template <class K>
__device__ void radix_scatter(const K* kin, const u32* iin, K* kout, u32* iout, i64 total, i64 n, u32 shift,
                              i32 byline, const u32* hist, const u32* totals, u32 nb) {
  __shared__ u32 wc[RADIX_WARPS][256];
  __shared__ u32 dbase[256];
  const int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
  for (int t = threadIdx.x; t < RADIX_WARPS * 256; t += RADIX_THREADS) (&wc[0][0])[t] = 0;
  u32 tot = totals[threadIdx.x];
  dbase[threadIdx.x] = tot;
  __syncthreads();
  for (int off = 1; off < 256; off <<= 1) {
    u32 v = threadIdx.x >= off ? dbase[threadIdx.x - off] : 0u;
    __syncthreads();
    dbase[threadIdx.x] += v;
    __syncthreads();
  }
  // The first place of this tile's elements of digit threadIdx.x.
  u32 mine = dbase[threadIdx.x] - tot + hist[(u64)threadIdx.x * nb + blockIdx.x];

  const i64 start = (i64)blockIdx.x * RADIX_TILE + (i64)w * (RADIX_TILE / RADIX_WARPS);
  const u32 lt = (1u << lane) - 1u;
  K key[RADIX_ITEMS];
  u32 id[RADIX_ITEMS];
  u32 info[RADIX_ITEMS];  // place among the warp's elements of its digit << 8 | digit
#pragma unroll
  for (int c = 0; c < RADIX_ITEMS; c++) {
    i64 i = start + c * 32 + lane;
    bool valid = i < total;
    u32 d = 256u;  // a class of its own for lanes past the end
    key[c] = (K)0;
    id[c] = 0;
    if (valid) {
      id[c] = iin[i];
      if (!byline) key[c] = kin[i];
      d = radix_digit<K>(key[c], id[c], shift, n, byline);
    }
    u32 peers = __match_any_sync(0xffffffffu, d);
    u32 rank = __popc(peers & lt);
    u32 before = valid ? wc[w][d] : 0u;
    __syncwarp();
    if (valid && rank == 0) wc[w][d] = before + __popc(peers);
    __syncwarp();
    info[c] = ((before + rank) << 8) | (d & 255u);
  }
  __syncthreads();
  u32 run = mine;
  for (int v = 0; v < RADIX_WARPS; v++) {
    u32 c = wc[v][threadIdx.x];
    wc[v][threadIdx.x] = run;
    run += c;
  }
  __syncthreads();
#pragma unroll
  for (int c = 0; c < RADIX_ITEMS; c++) {
    i64 i = start + c * 32 + lane;
    if (i >= total) continue;
    u32 at = wc[w][info[c] & 255u] + (info[c] >> 8);
    iout[at] = id[c];
    if (kout) kout[at] = key[c];
  }
}

// searchsorted writes for every element of v (read through l; out is
// row-major) the place in a (na elements, stride as) where it would go:
// before equal elements, or after them with right.
template <class T>
__device__ void searchsorted(const T* a, i64 na, i64 as, const T* v, u32* out, i64 m, const Layout<1>& l, i32 right) {
  typedef typename sort_key_t<T>::type K;
  for (i64 i = global_index(); i < m; i += global_stride()) {
    i64 off[1];
    offsets<1>(l, i, off);
    K t = sort_key<T>(v[off[0]], true);
    i64 lo = 0, hi = na;
    while (lo < hi) {
      i64 mid = (lo + hi) >> 1;
      K e = sort_key<T>(a[mid * as], true);
      bool f = right ? (t < e) : !(e < t);
      if (f) hi = mid;
      else lo = mid + 1;
    }
    out[i] = (u32)lo;
  }
}

// take_along: out[i] = in[base(i) + idx[i] * sa] over out's index space;
// l gives in's offsets (its stride along the axis zero), idx's and out's.
// A position not below limit is reported (for axis) and skipped.
template <class T>
__device__ void take_along(const T* in, const u32* idx, T* out, i64 m, const Layout<3>& l, i64 sa, i64 limit,
                           i32 axis, IndexRecord* rec, u32 code) {
  for (i64 i = global_index(); i < m; i += global_stride()) {
    i64 off[3];
    offsets<3>(l, i, off);
    u32 p = idx[off[1]];
    if ((i64)p >= limit) {
      report_index(rec, code, (i64)p, limit, axis, 1, true);
      continue;
    }
    out[off[2]] = in[off[0] + (i64)p * sa];
  }
}

// scatter_add_along: out[base(i) + idx[i] * so] += upd[i] over upd's index
// space, atomically (see atomic_add_elem in views.cuh); out was zeroed.
template <class T>
__device__ void scatter_add_along(const T* upd, const u32* idx, T* out, i64 m, const Layout<3>& l, i64 so, i64 limit,
                                  i32 axis, IndexRecord* rec, u32 code) {
  for (i64 i = global_index(); i < m; i += global_stride()) {
    i64 off[3];
    offsets<3>(l, i, off);
    u32 p = idx[off[1]];
    if ((i64)p >= limit) {
      report_index(rec, code, (i64)p, limit, axis, 1, true);
      continue;
    }
    atomic_add_elem<T>(out + off[2] + (i64)p * so, upd[off[0]]);
  }
}
