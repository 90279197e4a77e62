// Fill and the generators (Arange, Linspace, Eye, Tri, windows), with the
// semantics of the CPU (internal/cpu/creation.go). GEN_* are the op codes,
// generated from core.GenOp ahead of this file.

template <class T, int N> struct alignas(sizeof(T) * N) FVec { T v[N]; };

// fill_vec sets out[0..n) to val[0], N elements a thread (out 16-byte
// aligned when N > 1).
template <class T, int N> __device__ void fill_vec(const T* val, T* out, i64 n) {
  T v = val[0];
  for (i64 i = global_index() * N; i < n; i += global_stride() * N) {
    if (N > 1 && i + N <= n) {
      FVec<T, N> o;
#pragma unroll
      for (int k = 0; k < N; k++) o.v[k] = v;
      *(FVec<T, N>*)(out + i) = o;
    } else {
      for (i64 j = i; j < n && j < i + N; j++) out[j] = v;
    }
  }
}

// GenArgs are a generator's parameters: cols is the number of columns of
// Eye and Tri.
struct GenArgs {
  double start, step, stop;
  i64 k, cols;
  i32 op;
};

// The linear value start + i*step, the product rounded apart from the sum
// (no fused multiply-add), as on the CPU.
__device__ __forceinline__ double gen_linear(const GenArgs& a, i64 i) {
  return __dadd_rn(a.start, __dmul_rn((double)i, a.step));
}

// gen_window is NumPy's window of m points at point i.
__device__ __forceinline__ double gen_window(int op, i64 i, i64 m) {
  if (m == 1) return 1;
  const double pi = 3.141592653589793;
  double d = (double)(m - 1);
  double x = (double)(2 * i - (m - 1)) / d;
  if (op == GEN_HANNING) return 0.5 + 0.5 * cos(pi * x);
  if (op == GEN_HAMMING) return 0.54 + 0.46 * cos(pi * x);
  if (op == GEN_BLACKMAN) return 0.42 + 0.5 * cos(pi * x) + 0.08 * cos(2 * pi * x);
  return 1 - fabs(x);  // GEN_BARTLETT
}

// generate writes element i of op into out[0..n): numbers from float64
// convert as the CPU's copies (integers truncate, saturating), integers
// (Arange of an integer type, Eye and Tri) as integers.
template <class T> __device__ void generate(T* out, i64 n, GenArgs a) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    T v;
    switch (a.op) {
      case GEN_ARANGE:
        if constexpr (is_int<T>::value) {
          i64 s = float_to_int<i64>(a.start);
          u64 d = (u64)float_to_int<i64>(__dadd_rn(a.start, a.step)) - (u64)s;
          v = convert<T, i64>((i64)((u64)s + (u64)i * d));
        } else {
          v = convert<T, double>(gen_linear(a, i));
        }
        break;
      case GEN_LINSPACE:
        v = convert<T, double>(n > 1 && i == n - 1 ? a.stop : gen_linear(a, i));
        break;
      case GEN_EYE:
      case GEN_TRI: {
        i64 r = i / a.cols, c = i - r * a.cols;
        bool one = a.op == GEN_EYE ? c - r == a.k : c <= r + a.k;
        v = convert<T, i64>(one ? 1 : 0);
        break;
      }
      default:
        v = convert<T, double>(gen_window(a.op, i, n));
    }
    out[i] = v;
  }
}
