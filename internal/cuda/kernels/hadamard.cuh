// Walsh-Hadamard transforms of rows of n = 2^k elements, with the CPU's
// semantics and order of operations (internal/cpu/hadamard.go): stages of
// butterflies (u, v) -> (u+v, u-v) for h = 1, 2, 4, ..., n/2, in the
// accumulation type (float for the half types), then a product by the
// scale (skipped when it is one) and one rounding to the stored type.

// hadamard_butterflies runs the stages h = 1 ... seg/2 on the segments of
// seg elements that x (nseg segments, in shared memory) holds.
template <class A>
__device__ __forceinline__ void hadamard_butterflies(A* x, i64 seg, i64 nseg) {
  // Butterfly j of a stage pairs elements i and i+h, i its index with a
  // zero bit inserted at h (h divides seg/2, so j may run over every
  // segment at once).
  const int pairs = (int)(nseg * seg / 2);
  for (int h = 1; h < seg; h *= 2) {
    __syncthreads();
    for (int j = threadIdx.x; j < pairs; j += blockDim.x) {
      int i = ((j & ~(h - 1)) << 1) | (j & (h - 1));
      A u = x[i], v = x[i + h];
      x[i] = u + v;
      x[i + h] = u - v;
    }
  }
  __syncthreads();
}

// hadamard_local transforms, block by block, per consecutive segments of
// seg elements of in (total elements in all) in shared memory. With
// last, the segments are whole rows: the results are scaled and written
// to out in its stored type; otherwise they go to out, of the
// accumulation type, for the passes of the longer stages.
template <class T, class O, bool last>
__device__ void hadamard_local(const T* __restrict__ in, O* __restrict__ out, i64 total, i64 seg, i64 per, double scale) {
  typedef typename acc_t<T>::type A;
  extern __shared__ double hadamard_smem[];
  A* x = (A*)hadamard_smem;
  const i64 base = (i64)blockIdx.x * per * seg;
  const i64 n = per * seg < total - base ? per * seg : total - base;
  for (i64 i = threadIdx.x; i < n; i += blockDim.x) x[i] = widen(in[base + i]);
  hadamard_butterflies<A>(x, seg, n / seg);
  const A sc = (A)scale;
  for (i64 i = threadIdx.x; i < n; i += blockDim.x) {
    A v = x[i];
    if constexpr (last) {
      if (sc != (A)1) v = v * sc;
      out[base + i] = narrow<O>(v);
    } else {
      out[base + i] = v;
    }
  }
}

// hadamard_pass runs the stage h (of rows longer than 2h) in the working
// array x (of the accumulation type), in place; the last stage writes
// the scaled results to out in the stored type instead.
template <class T, bool last>
__device__ void hadamard_pass(typename acc_t<T>::type* x, T* out, i64 total, i64 h, double scale) {
  typedef typename acc_t<T>::type A;
  const A sc = (A)scale;
  const i64 pairs = total / 2;
  for (i64 j = global_index(); j < pairs; j += global_stride()) {
    i64 i = ((j & ~(h - 1)) << 1) | (j & (h - 1));  // as in hadamard_butterflies
    A u = x[i], v = x[i + h];
    A a = u + v, b = u - v;
    if constexpr (last) {
      if (sc != (A)1) {
        a = a * sc;
        b = b * sc;
      }
      out[i] = narrow<T>(a);
      out[i + h] = narrow<T>(b);
    } else {
      x[i] = a;
      x[i + h] = b;
    }
  }
}
