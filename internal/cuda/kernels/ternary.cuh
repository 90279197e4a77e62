// Select: out = cond ? a : b, moving elements as bits of their size.

template <class T, int N> struct alignas(sizeof(T) * N) SVec { T v[N]; };
template <int N> struct alignas(N) BVec { bool v[N]; };

// select_vec: every operand contiguous (step 1) or one scalar (step 0) and
// out contiguous; N elements a thread, moved at once when N > 1 (the caller
// checks that every contiguous address is 16-byte aligned).
template <class T, int N>
__device__ void select_vec(const bool* c, const T* a, const T* b, T* out, i64 n, i32 cs, i32 as, i32 bs) {
  i64 i = global_index() * N;
  if (i >= n) return;
  if (N > 1 && i + N <= n) {
    BVec<N> vc;
    SVec<T, N> va, vb, vo;
    if (cs) vc = *(const BVec<N>*)(c + i); else for (int k = 0; k < N; k++) vc.v[k] = c[0];
    if (as) va = *(const SVec<T, N>*)(a + i); else for (int k = 0; k < N; k++) va.v[k] = a[0];
    if (bs) vb = *(const SVec<T, N>*)(b + i); else for (int k = 0; k < N; k++) vb.v[k] = b[0];
#pragma unroll
    for (int k = 0; k < N; k++) vo.v[k] = vc.v[k] ? va.v[k] : vb.v[k];
    *(SVec<T, N>*)(out + i) = vo;
  } else {
    for (i64 j = i; j < n && j < i + N; j++) out[j] = c[cs ? j : 0] ? a[as ? j : 0] : b[bs ? j : 0];
  }
}

// select_strided: cond, a and b of any strides (operands 0, 1, 2) over
// out's row-major index space.
template <class T>
__device__ void select_strided(const bool* c, const T* a, const T* b, T* out, i64 n, const Layout<3>& l) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 off[3];
    offsets<3>(l, i, off);
    out[i] = c[off[0]] ? a[off[1]] : b[off[2]];
  }
}
