// Copies with conversion between element types, with the semantics of the
// CPU's Copy (internal/cpu/copy.go): see convert in common.cuh.

template <class T, int N> struct alignas(sizeof(T) * N) CVec { T v[N]; };

// copy_vec: in and out contiguous (in_step 1) or in one scalar broadcast to
// a contiguous out (in_step 0). Each thread converts N consecutive
// elements, loaded and stored at once when N > 1 (the caller checks that
// both addresses are 16-byte aligned).
template <class From, class To, int N>
__device__ void copy_vec(const From* in, To* out, i64 n, i32 in_step) {
  i64 i = global_index() * N;
  if (i >= n) return;
  if (N > 1 && i + N <= n) {
    CVec<From, N> a;
    if (in_step) a = *(const CVec<From, N>*)(in + i);
    else for (int k = 0; k < N; k++) a.v[k] = in[0];
    CVec<To, N> b;
#pragma unroll
    for (int k = 0; k < N; k++) b.v[k] = convert<To, From>(a.v[k]);
    *(CVec<To, N>*)(out + i) = b;
  } else {
    for (i64 j = i; j < n && j < i + N; j++) out[j] = convert<To, From>(in[in_step ? j : 0]);
  }
}

// copy_strided: in and out of any strides over one shape (operand 0 is in,
// operand 1 out).
template <class From, class To>
__device__ void copy_strided(const From* in, To* out, i64 n, const Layout<2>& l) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 off[2];
    offsets<2>(l, i, off);
    out[off[1]] = convert<To, From>(in[off[0]]);
  }
}
