// The patch matrix (im2col) of a channels-last convolution, with the
// semantics of the CPU's (internal/cpu/conv.go): for output position r of
// the chunk, group grp, kernel position kp (in the weight's order) and
// input channel ci of the group, the input element that the kernel
// position meets there, or zero where it lies on padding, outside a crop
// or between the elements of a dilated input.

#define CONV_MAXDIMS 8

// ConvGeom is convGeomDev in conv.go: keep the layouts in sync. Spatial
// sizes and strides run from the outermost spatial dimension.
struct ConvGeom {
  i64 in_sp[CONV_MAXDIMS];
  i64 out_sp[CONV_MAXDIMS];
  i64 k_sp[CONV_MAXDIMS];
  i64 stride[CONV_MAXDIMS];
  i64 pad_lo[CONV_MAXDIMS];
  i64 kdil[CONV_MAXDIMS];
  i64 idil[CONV_MAXDIMS];
  i64 in_str[CONV_MAXDIMS];
  i64 in_batch, in_chan;  // the input's batch and channel strides
  i64 cg, kpos, groups;   // channels per group, kernel positions, groups
  i64 rows, row0;         // the chunk's output positions and its first
  i64 flip, nd;
};

template <class T, int V> struct alignas(sizeof(T) * V) ConvVec { T v[V]; };

// conv_im2col writes cols[r][grp][kp][ci] (row-major, the rows of the
// chunk) for every r < g.rows. Each thread writes V consecutive channels:
// neighbouring threads touch neighbouring channels, which lie next to each
// other in cols and (with a channel stride of one) in the input. With
// V > 1 the caller has checked that the channel stride is one, that cg is
// a multiple of V and that every address read or written is aligned to V
// elements. I is the type of the index arithmetic: 32 bits when every
// index of the chunk fits, which makes the divisions cheap.
template <class T, int V, class I>
__device__ void conv_im2col(const T* __restrict__ in, T* __restrict__ cols, const ConvGeom& g) {
  const I cgv = (I)(g.cg / V), kpos = (I)g.kpos, groups = (I)g.groups;
  const I total = (I)g.rows * groups * kpos * cgv;
  for (I i = (I)global_index(); i < total; i += (I)global_stride()) {
    I t = i;
    I civ = t % cgv;
    t /= cgv;
    I kp = t % kpos;
    t /= kpos;
    I grp = t % groups;
    I r = t / groups + (I)g.row0;
    i64 off = 0;
    bool ok = true;
    for (int j = (int)g.nd - 1; j >= 0; j--) {
      I ks = (I)g.k_sp[j], os = (I)g.out_sp[j];
      I k = kp % ks;
      kp /= ks;
      I o = r % os;
      r /= os;
      if (g.flip) k = ks - 1 - k;
      i64 x = (i64)o * g.stride[j] - g.pad_lo[j] + (i64)k * g.kdil[j];
      i64 id = g.idil[j];
      if (x < 0) ok = false;
      if (id != 1) {
        if (x % id != 0) ok = false;
        x /= id;
      }
      if (x >= g.in_sp[j]) ok = false;
      off += x * g.in_str[j];
    }
    T* d = cols + (i64)i * V;
    if (!ok) {
      if constexpr (V > 1) {
        ConvVec<T, V> z;
#pragma unroll
        for (int q = 0; q < V; q++) z.v[q] = T{};
        *(ConvVec<T, V>*)d = z;
      } else {
        d[0] = T{};
      }
      continue;
    }
    const T* src = in + (i64)r * g.in_batch + ((i64)grp * g.cg + (i64)civ * V) * g.in_chan + off;
    if constexpr (V > 1) {
      *(ConvVec<T, V>*)d = *(const ConvVec<T, V>*)src;
    } else {
      d[0] = src[0];
    }
  }
}
