// Sorting, searching and moving elements along an axis, in the order of the
// CPU kernels (internal/cpu/sort.go): every element maps to an unsigned key
// whose order is NumPy's order of the elements, and lines are sorted by
// (key, position) pairs, which makes every sort stable; values sorts of
// long lines sort keys alone that decode to the elements (radix_exact_key),
// where only elements of the same bits are equal.
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

// The device-wide sort of long lines: a least-significant-digit radix sort,
// 8 bits per pass, of every line of a group of lines at once. One kernel
// (radix_counts) reads the input once and counts the digits of every pass
// of every line. Then each pass is one kernel (radix_sweep) over the tiles
// of every line (the last one partial): a block takes the next tile in
// launch order from a counter, counts its digits, publishes the counts,
// ranks its elements stably and lays them out in digit order in shared
// memory; it finds the place of its run of each digit in the line by
// looking back at the counts the tiles before it published (a tile that
// knows the sum over every tile up to itself publishes that sum, which
// ends the look-back of the tiles after it), and writes the runs out with
// consecutive threads at consecutive places. Every tile it waits for took
// its number earlier, so it runs and publishes without waiting for later
// tiles. The first pass reads the input and makes the keys on the fly; the
// last one writes the result.
//
// Values sorts of every type but complex sort the keys alone, made by
// radix_exact_key: a bijection of the elements' bits, so that the last pass
// gets the elements back from the keys, NaN payloads included. Argsorts
// and complex numbers sort (key, position) pairs, and the last pass writes
// the positions or the elements at them.

#define RADIX_THREADS 256
#define RADIX_WARPS (RADIX_THREADS / 32)
#define RADIX_XBYTES 32768  // the tile exchange buffer of radix_sweep
#define RADIX_CHUNK 32768   // the elements radix_counts counts per block
#define RADIX_BATCH 8       // the rounds of ranking of radix_sweep at once (divides the items of a tile)

// The flags of a pass.
#define RADIX_EXACT 1     // keys by radix_exact_key (else sort_key)
#define RADIX_ZERO 2      // sort_key maps -0 to +0
#define RADIX_LAST 4      // write the result to out
#define RADIX_INDICES 8   // the result is the positions

// The words a tile publishes for each digit: the pass + 1 in the top byte
// (older words, or zero, are not yet published), the inclusive flag, and
// the count of the tile alone or, with the flag, the sum of the counts of
// every tile of the line up to this one.
#define RADIX_INCLUSIVE (1ull << 55)
#define RADIX_VALUE (RADIX_INCLUSIVE - 1)

// radix_tile is the number of elements of one tile: 8192 for 32-bit keys
// alone, else 4096 (radixTile in sort.go).
template <class K, bool PAIRS> struct radix_tile {
  static const int size = (sizeof(K) == 4 && !PAIRS) ? 8192 : 4096;
  static const int items = size / RADIX_THREADS;
};

// radix_exact_key maps the bits u of an element of type T (not complex) to
// a key of NumPy's order, one to one: integers as sort_key; floats as
// float_key without the NaN and zero rules, less the number of NaNs of one
// sign (R), which carries the negative NaNs (the smallest keys before)
// round to the top: -Inf's key is 0, -0 comes before +0, and every NaN,
// by its bits, after +Inf.
template <class T> __device__ __forceinline__ typename sort_key_t<T>::type radix_exact_key(typename uint_of<sizeof(T)>::type u) {
  typedef typename sort_key_t<T>::type K;
  typedef typename uint_of<sizeof(T)>::type U;
  const U sign = (U)((U)1 << (8 * sizeof(U) - 1));
  if constexpr (is_float<T>::value) {
    U inf;
    if constexpr (same<T, f16>::value) inf = (U)0x7c00;
    else if constexpr (same<T, bf16>::value) inf = (U)0x7f80;
    else if constexpr (same<T, float>::value) inf = (U)0x7f800000u;
    else inf = (U)0x7ff0000000000000ull;
    const U r = (U)((U)(sign - 1) - inf);
    U k = (u & sign) ? (U)~u : (U)(u | sign);
    return (K)(U)(k - r);
  } else if constexpr (is_signed_int<T>::value) {
    return (K)(U)(u ^ sign);
  } else {
    return (K)u;
  }
}

// radix_exact_bits is the inverse of radix_exact_key.
template <class T> __device__ __forceinline__ typename uint_of<sizeof(T)>::type radix_exact_bits(typename sort_key_t<T>::type key) {
  typedef typename uint_of<sizeof(T)>::type U;
  const U sign = (U)((U)1 << (8 * sizeof(U) - 1));
  U k = (U)key;
  if constexpr (is_float<T>::value) {
    U inf;
    if constexpr (same<T, f16>::value) inf = (U)0x7c00;
    else if constexpr (same<T, bf16>::value) inf = (U)0x7f80;
    else if constexpr (same<T, float>::value) inf = (U)0x7f800000u;
    else inf = (U)0x7ff0000000000000ull;
    const U r = (U)((U)(sign - 1) - inf);
    k = (U)(k + r);
    return (k & sign) ? (U)(k ^ sign) : (U)~k;
  } else if constexpr (is_signed_int<T>::value) {
    return (U)(k ^ sign);
  } else {
    return k;
  }
}

// radix_input_key is the key of element x (at p) of the input for a pass
// with flags.
template <class T> __device__ __forceinline__ typename sort_key_t<T>::type radix_input_key(const T* p, i32 flags) {
  if constexpr (!is_complex<T>::value) {
    if (flags & RADIX_EXACT) return radix_exact_key<T>(*(const typename uint_of<sizeof(T)>::type*)p);
  }
  return sort_key<T>(*p, (flags & RADIX_ZERO) != 0);
}

// radix_peers returns the lanes of valid whose digit (8 bits) is d's; every
// lane of the warp must call it.
__device__ __forceinline__ u32 radix_peers(u32 d, u32 valid) {
  u32 m = valid;
#pragma unroll
  for (int b = 0; b < 8; b++) {
    bool bit = (d >> b) & 1u;
    u32 v = __ballot_sync(0xffffffffu, bit);
    m &= bit ? v : ~v;
  }
  return m;
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

// radix_counts counts the digits of every pass (sizeof(T) of them: complex
// numbers have 8 bytes of key) of the keys of chunk blockIdx.x % cpl of
// line blockIdx.x / cpl of the group (line line0 + line of rows, stride is)
// into counts[(line * passes + pass) * 256 + digit], which start at zero.
template <class T>
__device__ void radix_counts(const T* in, i64 n, i64 cpl, i64 line0, const Layout<2>& rows, i64 is, i32 flags,
                             u32* counts) {
  typedef typename sort_key_t<T>::type K;
  const int P = sizeof(T), U = 8;
  __shared__ u32 h[P][256];
  for (int k = threadIdx.x; k < P * 256; k += RADIX_THREADS) (&h[0][0])[k] = 0;
  const i64 line = (i64)blockIdx.x / cpl;
  const i64 j0 = ((i64)blockIdx.x - line * cpl) * RADIX_CHUNK;
  const int cnt = (int)(n - j0 < RADIX_CHUNK ? n - j0 : RADIX_CHUNK);
  i64 off[2];
  line_offsets(rows, line0 + line, off);
  const T* p = in + off[0];
  __syncthreads();
  for (int base = 0; base < cnt; base += U * RADIX_THREADS) {
    K key[U];
#pragma unroll
    for (int u = 0; u < U; u++) {
      int i = base + u * RADIX_THREADS + threadIdx.x;
      key[u] = 0;
      if (i < cnt) key[u] = radix_input_key<T>(p + (j0 + i) * is, flags);
    }
#pragma unroll
    for (int u = 0; u < U; u++) {
      if (base + u * RADIX_THREADS + (int)threadIdx.x < cnt) {
#pragma unroll
        for (int q = 0; q < P; q++) atomicAdd(&h[q][(u32)(key[u] >> (8 * q)) & 255u], 1u);
      }
    }
  }
  __syncthreads();
#pragma unroll
  for (int q = 0; q < P; q++) {
    u32 c = h[q][threadIdx.x];
    if (c) atomicAdd(&counts[((u64)line * P + q) * 256 + threadIdx.x], c);
  }
}

// The words of the look-back, read and written by every block of a pass
// at once.
__device__ __forceinline__ u64 radix_load(const u64* p) {
  u64 v;
  asm volatile("ld.relaxed.gpu.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
  return v;
}
__device__ __forceinline__ void radix_store(u64* p, u64 v) {
  asm volatile("st.relaxed.gpu.global.u64 [%0], %1;" ::"l"(p), "l"(v) : "memory");
}

// radix_sweep is pass pass (of the digits key >> 8 * pass & 255) over the
// tiles of the group's lines, in the order of next[pass] (zero before the
// pass). Counts are radix_counts's; status has 256 words per tile (the
// tiles of the group's lines end to end), older than the pass or zero.
//
// Keys come from kin, or with kin null from the input (line line0 + line
// of rows, stride is); with PAIRS, positions come with them from iin (with
// kin null, the elements' places). Without RADIX_LAST the keys (and
// positions) go to kout (and iout), the group's lines end to end; with it
// the result goes to out (line line0 + line of rows, stride os): the
// positions (RADIX_INDICES), the elements at them (PAIRS), or the elements
// whose keys these are.
template <class T, bool PAIRS>
__device__ void radix_sweep(const T* in, const typename sort_key_t<T>::type* kin, const u32* iin,
                            typename sort_key_t<T>::type* kout, u32* iout, void* out, i64 n, i64 tpl, i64 line0,
                            const Layout<2>& rows, i64 is, i64 os, u32 pass, i32 flags, const u32* counts, u32* next,
                            u64* status) {
  typedef typename sort_key_t<T>::type K;
  typedef typename uint_of<sizeof(T)>::type U;
  const int TILE = radix_tile<K, PAIRS>::size, ITEMS = radix_tile<K, PAIRS>::items, P = sizeof(T);
  // With room for both, keys and positions are laid out at once.
  const bool BOTH = PAIRS && TILE * (sizeof(K) + 4) <= RADIX_XBYTES;
  static_assert(TILE * sizeof(K) <= RADIX_XBYTES && TILE * 4 <= RADIX_XBYTES, "tile exchange");
  __shared__ u64 xbuf[RADIX_XBYTES / 8];
  __shared__ u32 wo[RADIX_WARPS][256];
  __shared__ u32 delta[256];
  __shared__ u32 sh[RADIX_WARPS];
  __shared__ u32 tile_id;
  K* xk = (K*)xbuf;
  u32* xi = BOTH ? (u32*)(xk + TILE) : (u32*)xbuf;
  const int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
  const u32 shift = 8 * pass;
  const bool last = (flags & RADIX_LAST) != 0;
  for (int k = threadIdx.x; k < RADIX_WARPS * 256; k += RADIX_THREADS) (&wo[0][0])[k] = 0;
  if (threadIdx.x == 0) tile_id = atomicAdd(next + pass, 1u);
  __syncthreads();
  const i64 id = tile_id;
  const i64 line = id / tpl, t = id - line * tpl, j0 = t * TILE;
  const int cnt = (int)(n - j0 < TILE ? n - j0 : TILE);
  i64 off[2];
  line_offsets(rows, line0 + line, off);
  const u32 lc = counts[((u64)line * P + pass) * 256 + threadIdx.x];  // the line's count of digit threadIdx.x

  // Warp w takes elements wbase.. of the tile, 32 at a time.
  const int wbase = w * ITEMS * 32;
  K key[ITEMS];
  u32 pos[PAIRS ? ITEMS : 1];
#pragma unroll
  for (int c = 0; c < ITEMS; c++) {
    int i = wbase + c * 32 + lane;
    key[c] = 0;
    if (i < cnt) key[c] = kin ? kin[line * n + j0 + i] : radix_input_key<T>(in + off[0] + (j0 + i) * is, flags);
    if constexpr (PAIRS) {
      pos[c] = 0;
      if (i < cnt) pos[c] = kin ? iin[line * n + j0 + i] : (u32)(j0 + i);
    }
  }
  // The counts of each warp's digits.
#pragma unroll
  for (int c = 0; c < ITEMS; c++) {
    if (wbase + c * 32 + lane < cnt) atomicAdd(&wo[w][(u32)(key[c] >> shift) & 255u], 1u);
  }
  __syncthreads();
  // Thread d: the tile's count of digit d, published at once (the first
  // tile of a line publishes it as inclusive), and the places in the tile
  // of the first elements of digit d of every warp.
  const u32 d = threadIdx.x;
  u32 tc = 0;
  for (int v = 0; v < RADIX_WARPS; v++) {
    u32 x = wo[v][d];
    wo[v][d] = tc;
    tc += x;
  }
  u64* st = status + (u64)id * 256 + d;
  const u64 ep = (u64)(pass + 1) << 56;
  radix_store(st, ep | (t == 0 ? RADIX_INCLUSIVE : 0ull) | tc);
  u32 total;
  const u32 ts = block_scan_u32(tc, sh, total) - tc;  // the run of digit d in the tile starts at ts
  const u32 ls = block_scan_u32(lc, sh, total) - lc;  // and in the line at ls
  for (int v = 0; v < RADIX_WARPS; v++) wo[v][d] += ts;
  __syncthreads();

  // Rank the elements (in the order of the tile within each digit) and
  // lay them out in digit order: for each 32 elements of a warp, the last
  // lane of each digit adds their number to the warp's counter of the
  // digit, whose old value it hands to the others. The warp's atomics on
  // one counter run in the order they are issued, and so its elements of
  // one digit get increasing places. RADIX_BATCH rounds at a time issue
  // their atomics back to back before waiting for the first one (with 1,
  // each atomic waits for the one before it).
  const u32 lt = (1u << lane) - 1u;
  u32 rank[PAIRS && !BOTH ? ITEMS : 1];
#pragma unroll
  for (int c0 = 0; c0 < ITEMS; c0 += RADIX_BATCH) {
    u32 base[RADIX_BATCH], info[RADIX_BATCH];  // info: the lane holding base << 8 | the number of peers before this lane
#pragma unroll
    for (int g = 0; g < RADIX_BATCH; g++) {
      const int c = c0 + g;
      bool valid = wbase + c * 32 + lane < cnt;
      u32 dg = (u32)(key[c] >> shift) & 255u;
      u32 peers = radix_peers(dg, __ballot_sync(0xffffffffu, valid));
      u32 leader = 31 - __clz(peers | 1u);  // a valid lane's last peer (lane 0 otherwise)
      info[g] = (leader << 8) | (u32)__popc(peers & lt);
      base[g] = 0;
      if (valid && lane == (int)leader) base[g] = atomicAdd(&wo[w][dg], (u32)__popc(peers));
    }
#pragma unroll
    for (int g = 0; g < RADIX_BATCH; g++) {
      const int c = c0 + g;
      u32 r = __shfl_sync(0xffffffffu, base[g], (int)(info[g] >> 8)) + (info[g] & 255u);
      if (wbase + c * 32 + lane < cnt) {
        xk[r] = key[c];
        if constexpr (PAIRS) {
          if constexpr (BOTH) xi[r] = pos[c];
          else rank[c] = r;
        }
      }
    }
  }

  // Look back over the tiles before this one in its line for the count
  // of digit d before the tile, then publish the sum up to it: the tile
  // just before first (it usually has its sum), then 8 tiles at a time
  // (those of a tile's first wave of blocks all publish their sums at
  // about the same time, which one at a time would take a load's latency
  // per tile).
  u64 before = 0;
  if (t > 0) {
    const u64* line_st = st - (u64)t * 256;  // tile 0 of the line
    const u64 cur = (u64)(pass + 1);
    i64 k = t - 1;  // the next tile to add
    u64 s;
    do s = radix_load(line_st + (u64)k * 256);
    while ((s >> 56) != cur);
    before = s & RADIX_VALUE;
    bool done = (s & RADIX_INCLUSIVE) != 0;
    k--;
    while (!done) {
      u64 win[8];
#pragma unroll
      for (int u = 0; u < 8; u++) win[u] = k - u >= 0 ? radix_load(line_st + (u64)(k - u) * 256) : 0ull;
      // Add the words up to the first with a sum, or up to the first one
      // not yet published, which is loaded again.
      bool stop = false;
      int used = 0;
#pragma unroll
      for (int u = 0; u < 8; u++) {
        if (!stop) {
          if ((win[u] >> 56) != cur) {
            stop = true;
          } else {
            before += win[u] & RADIX_VALUE;
            used++;
            if (win[u] & RADIX_INCLUSIVE) stop = done = true;
          }
        }
      }
      k -= used;
    }
    radix_store(st, ep | RADIX_INCLUSIVE | (before + tc));
  }
  delta[d] = ls + (u32)before - ts;  // element i of the laid out tile goes to delta[digit] + i
  __syncthreads();

  u32 at[PAIRS && !BOTH ? ITEMS : 1];
#pragma unroll
  for (int c = 0; c < ITEMS; c++) {
    int i = c * RADIX_THREADS + threadIdx.x;
    if (i >= cnt) continue;
    K k = xk[i];
    u32 a = delta[(u32)(k >> shift) & 255u] + (u32)i;
    if (!last) kout[line * n + a] = k;
    else if constexpr (!PAIRS) ((U*)out)[off[1] + (i64)a * os] = radix_exact_bits<T>(k);
    if constexpr (BOTH) {
      u32 q = xi[i];
      if (!last) iout[line * n + a] = q;
      else if (flags & RADIX_INDICES) ((u32*)out)[off[1] + (i64)a * os] = q;
      else ((T*)out)[off[1] + (i64)a * os] = in[off[0] + (i64)q * is];
    } else if constexpr (PAIRS) {
      at[c] = a;
    }
  }
  if constexpr (PAIRS && !BOTH) {
    __syncthreads();
#pragma unroll
    for (int c = 0; c < ITEMS; c++) {
      if (wbase + c * 32 + lane < cnt) xi[rank[c]] = pos[c];
    }
    __syncthreads();
#pragma unroll
    for (int c = 0; c < ITEMS; c++) {
      int i = c * RADIX_THREADS + threadIdx.x;
      if (i >= cnt) continue;
      u32 q = xi[i];
      i64 a = at[c];
      if (!last) iout[line * n + a] = q;
      else if (flags & RADIX_INDICES) ((u32*)out)[off[1] + a * os] = q;
      else ((T*)out)[off[1] + a * os] = in[off[0] + (i64)q * is];
    }
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
