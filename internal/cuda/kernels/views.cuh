// ScatterAdd: adds the m elements of src (read through operand 0 of l)
// into out at the positions base + operand 1 of l, atomically; positions
// outside [0, n) are skipped. Types without a native atomic add go through a compare-and-swap
// loop on the 32-bit word that holds them; bool adds as logical or.

// atomic_add_word adds v to the element of type T (1 or 2 bytes) at p by a
// compare-and-swap loop on its 32-bit word, rounding as T's own addition.
template <class T> __device__ __forceinline__ void atomic_add_word(T* p, T v) {
  u32* word = (u32*)((u64)p & ~(u64)3);
  u32 shift = (u32)(((u64)p & 3) * 8);
  u32 mask = (sizeof(T) == 1 ? 0xffu : 0xffffu) << shift;
  u32 old = *(volatile u32*)word, assumed;
  do {
    assumed = old;
    T cur;
    if constexpr (sizeof(T) == 1) {
      u8 bits = (u8)((assumed & mask) >> shift);
      cur = *(T*)&bits;
    } else {
      u16 bits = (u16)((assumed & mask) >> shift);
      cur = *(T*)&bits;
    }
    T sum;
    if constexpr (is_half<T>::value) sum = narrow<T>(widen(cur) + widen(v));
    else sum = (T)(cur + v);
    u32 sbits;
    if constexpr (sizeof(T) == 1) sbits = *(u8*)&sum;
    else sbits = *(u16*)&sum;
    old = atomicCAS(word, assumed, (assumed & ~mask) | (sbits << shift));
  } while (old != assumed);
}

template <class T> __device__ __forceinline__ void atomic_add_elem(T* p, T v) {
  if constexpr (same<T, bool>::value) {
    if (v) {
      u32* word = (u32*)((u64)p & ~(u64)3);
      atomicOr(word, 1u << (u32)(((u64)p & 3) * 8));
    }
  } else if constexpr (same<T, float>::value || same<T, double>::value) {
    atomicAdd(p, v);
  } else if constexpr (same<T, i32>::value || same<T, u32>::value) {
    atomicAdd((u32*)p, (u32)v);
  } else if constexpr (same<T, i64>::value || same<T, u64>::value) {
    atomicAdd((unsigned long long*)p, (unsigned long long)v);
  } else if constexpr (same<T, c64>::value) {
    atomicAdd(&p->re, v.re);
    atomicAdd(&p->im, v.im);
  } else {
    atomic_add_word<T>(p, v);
  }
}

template <class T>
__device__ void scatter_add(const T* src, T* out, i64 n, i64 m, const Layout<2> l, i64 base) {
  for (i64 i = global_index(); i < m; i += global_stride()) {
    i64 off[2];
    offsets<2>(l, i, off);
    i64 pos = base + off[1];
    if (pos < 0 || pos >= n) continue;
    atomic_add_elem<T>(out + pos, src[off[0]]);
  }
}
