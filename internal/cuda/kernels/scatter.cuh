// Scatters with a reduction (internal/cuda/gather.go), after views.cuh
// (atomic_add_elem) and gather.cuh (offsets, row loops).

template <int S> struct bits_t;
template <> struct bits_t<1> { typedef u8 type; };
template <> struct bits_t<2> { typedef u16 type; };
template <> struct bits_t<4> { typedef u32 type; };
template <> struct bits_t<8> { typedef u64 type; };

// Reductions, as the CPU's: sum (bool: or), product (bool: and), and the
// maximum and minimum, where an update replaces the element when it is
// larger (smaller) or NaN.
#define RED_NONE 0
#define RED_SUM 1
#define RED_PROD 2
#define RED_MAX 3
#define RED_MIN 4

template <class T> __device__ __forceinline__ T red_prod(T a, T b) {
  if constexpr (same<T, bool>::value) return a && b;
  else if constexpr (is_int<T>::value) return (T)((u64)a * (u64)b);  // wraps as Go's
  else if constexpr (is_half<T>::value) return narrow<T>(widen(a) * widen(b));
  else if constexpr (is_complex<T>::value)
    return c64{__fsub_rn(__fmul_rn(a.re, b.re), __fmul_rn(a.im, b.im)),
               __fadd_rn(__fmul_rn(a.re, b.im), __fmul_rn(a.im, b.re))};
  else return a * b;
}

// red_wins reports whether the update b replaces the element a.
template <class T, int R> __device__ __forceinline__ bool red_wins(T a, T b) {
  if constexpr (same<T, bool>::value) {
    return R == RED_MAX ? (!a && b) : (a && !b);
  } else if constexpr (is_int<T>::value) {
    return R == RED_MAX ? b > a : b < a;
  } else {
    auto x = widen(a), y = widen(b);
    return (R == RED_MAX ? y > x : y < x) || y != y;
  }
}

template <class T, class U> __device__ __forceinline__ U bits_of(T x) {
  union { T t; U u; } c;
  c.u = 0;
  c.t = x;
  return c.u;
}
template <class T, class U> __device__ __forceinline__ T of_bits(U x) {
  union { T t; U u; } c;
  c.u = x;
  return c.t;
}

// atomic_combine combines v into the element at p with reduction R
// (product, maximum or minimum) by a compare-and-swap loop: on the 32-bit
// word that holds it for types of one or two bytes, else on the element.
template <class T, int R> __device__ __forceinline__ void atomic_combine(T* p, T v) {
  if constexpr (sizeof(T) <= 2) {
    typedef typename bits_t<sizeof(T)>::type B;
    u32* word = (u32*)((u64)p & ~(u64)3);
    u32 shift = (u32)(((u64)p & 3) * 8);
    u32 mask = (sizeof(T) == 1 ? 0xffu : 0xffffu) << shift;
    u32 old = *(volatile u32*)word, assumed;
    do {
      assumed = old;
      T cur = of_bits<T, B>((B)((assumed & mask) >> shift));
      T next;
      if constexpr (R == RED_PROD) {
        next = red_prod<T>(cur, v);
      } else {
        if (!red_wins<T, R>(cur, v)) return;
        next = v;
      }
      u32 nbits = (u32)bits_of<T, B>(next);
      old = atomicCAS(word, assumed, (assumed & ~mask) | (nbits << shift));
    } while (old != assumed);
  } else {
    typedef typename bits_t<sizeof(T)>::type B;
    B* word = (B*)p;  // u32 or u64: atomicCAS's types
    B old = *(volatile B*)word, assumed;
    do {
      assumed = old;
      T cur = of_bits<T, B>(assumed);
      T next;
      if constexpr (R == RED_PROD) {
        next = red_prod<T>(cur, v);
      } else {
        if (!red_wins<T, R>(cur, v)) return;
        next = v;
      }
      old = atomicCAS(word, assumed, bits_of<T, B>(next));
    } while (old != assumed);
  }
}

// scatter combines the block of updates of each index position p (row p:
// upd's offset from ul over p, the block's offsets in out and upd from bl
// over the element number) into out (the buffer's start) from offs[p].
// With RED_NONE only the writes that stamp says are the last are made:
// per cell (cells given, stamp_elems 0) or per element.
template <class T, int R>
__device__ void scatter_rows(const T* __restrict__ upd, T* out, const i64* __restrict__ offs, i64 rows, i64 blockn,
                             i32 tpr_log2, const Layout<1>& ul, const Layout<2>& bl, const u32* stamp,
                             const i64* cells, i32 stamp_elems, i64 obase) {
  ROW_LOOP(rows) {
    i64 o = offs[r];
    if (o < 0) continue;
    u32 me = (u32)(r + 1);
    if (R == RED_NONE && !stamp_elems && stamp[cells[r]] != me) continue;
    i64 uo[1];
    offsets_of<1>(ul, r, uo);
    for (i64 e = lane; e < blockn; e += tpr) {
      i64 off[2];
      offsets_of<2>(bl, e, off);
      i64 at = o + off[0];
      T v = upd[uo[0] + off[1]];
      if constexpr (R == RED_NONE) {
        if (!stamp_elems || stamp[at - obase] == me) out[at] = v;
      } else if constexpr (R == RED_SUM) {
        atomic_add_elem<T>(out + at, v);
      } else {
        atomic_combine<T, R>(out + at, v);
      }
    }
  }
}

