// Channels-last convolution as an implicit GEMM: the product of the patch
// matrix P (one row per output position, one column per kernel position
// and input channel of a group, see conv_im2col) by the weight's
// transpose, with P's tiles gathered from the input as they are needed
// and never written out. Needs ConvGeom's layout (conv.cuh).
//
// A block of CG_THREADS threads computes a tile of CG_BM output positions
// by CG_BN output channels of one group (blockIdx.z), stepping over the
// reduction BK columns at a time. Thread t gathers row t of P's tile (BK/4
// runs of four channels, each run within one kernel position because the
// group's channel count is a multiple of four) and half of BK columns of
// the weight for output channel t % 64, into registers, while the block
// multiplies the tiles in shared memory; it then stores them transposed
// (reduction index outermost) into the other half of the double buffer.
// Each thread accumulates an 8×8 block of the output in float: rows
// ty*4+{0..3} and 64+ty*4+{0..3}, channels tx*4+{0..3} and 32+tx*4+{0..3}
// (ty = t/8, tx = t%8), so that a warp's shared-memory reads are four
// broadcast and eight consecutive 16-byte words.
//
// The caller checks: no input dilation, channel stride one, cg a multiple
// of four, the input's other strides and its address multiples of four
// elements, the weight [cout][kred] with rows ldw apart (a multiple of
// four) and aligned, fewer than 2^31 output positions, and spatial
// quantities well inside 32 bits.

#define CG_BM 128
#define CG_BN 64
#define CG_THREADS 128

// ConvGemmArgs are the product's sizes beyond ConvGeom.
struct ConvGemmArgs {
  i64 og;       // output channels per group
  i64 cout;     // output channels (the output's row length)
  i64 ldw;      // the weight's row stride
  i64 vec_out;  // one when rows of four outputs may be stored at once
};

// ConvKCursor walks the reduction index k = kp*cg + ci: the channel ci,
// the kernel position kp and kp's spatial index k[] (outermost first).
template <int ND> struct ConvKCursor {
  int ci, kp;
  int k[ND];
};

template <int ND>
__device__ __forceinline__ void conv_cursor_advance(ConvKCursor<ND>& c, int by, int cg, const ConvGeom& g) {
  c.ci += by;
  while (c.ci >= cg) {
    c.ci -= cg;
    c.kp++;
#pragma unroll
    for (int j = ND - 1; j >= 0; j--) {
      if (++c.k[j] < (int)g.k_sp[j] || j == 0) break;
      c.k[j] = 0;
    }
  }
}

template <class T, int BK> struct alignas(16) ConvGemmTiles {
  float a[2][BK][CG_BM];
  float b[2][BK][CG_BN];
};

// conv_gemm computes out[r][grp*og + n] for the block's tile. FAST: cg is a
// multiple of BK, so a tile's BK columns share one kernel position and one
// cursor serves the thread's runs.
template <class T, int ND, int BK, bool FAST>
__device__ __forceinline__ void conv_gemm(const T* __restrict__ in, const T* __restrict__ w, T* __restrict__ out,
                                          const ConvGeom& g, const ConvGemmArgs& a) {
  static_assert(BK % 8 == 0, "BK must be a multiple of 8");
  constexpr int RUNS = BK / 4;             // runs of four columns of P per thread and tile
  constexpr int BRUNS = BK / 8;            // runs of four weights per thread and tile
  constexpr int NCUR = FAST ? 1 : RUNS;    // cursors per thread
  __shared__ ConvGemmTiles<T, BK> sm;

  const int tid = threadIdx.x;
  const i64 grp = blockIdx.z;
  const i64 m0 = (i64)blockIdx.x * CG_BM;
  const int n0 = blockIdx.y * CG_BN;
  const int cg = (int)g.cg, kpos = (int)g.kpos;
  const int og = (int)a.og;
  const i64 kred = (i64)kpos * cg;

  // The row of P this thread gathers: its input coordinates before the
  // kernel offset, and the offset of its batch element and group.
  const i64 r = m0 + tid;
  const bool row_ok = r < g.rows;
  int base[ND];
  i64 row_off = 0;
  {
    i64 t = row_ok ? r : 0;
#pragma unroll
    for (int j = ND - 1; j >= 0; j--) {
      i64 os = g.out_sp[j];
      i64 q = t / os;
      i64 o = t - q * os;
      t = q;
      base[j] = (int)(o * g.stride[j] - g.pad_lo[j]);
      row_off += (i64)base[j] * g.in_str[j];
    }
    row_off += t * g.in_batch + grp * g.cg;
  }

  ConvKCursor<ND> cur[NCUR];
#pragma unroll
  for (int c = 0; c < NCUR; c++) {
    cur[c].ci = 0;
    cur[c].kp = 0;
#pragma unroll
    for (int j = 0; j < ND; j++) cur[c].k[j] = 0;
    if (c > 0) conv_cursor_advance<ND>(cur[c], 4 * c, cg, g);
  }

  // The weight rows this thread loads: output channel bn of the tile,
  // columns bpart*BK/2 + [0, BK/2) of each tile.
  const int bn = tid % CG_BN, bpart = tid / CG_BN;
  const bool bn_ok = n0 + bn < og;
  const T* wrow = w + (grp * a.og + n0 + (bn_ok ? bn : 0)) * a.ldw + bpart * (BK / 2);

  ConvVec<T, 4> ra[RUNS], rb[BRUNS];

  auto load = [&](i64 k0) {
#pragma unroll
    for (int c = 0; c < RUNS; c++) {
      const ConvKCursor<ND>& cu = cur[FAST ? 0 : c];
      const int ci = cu.ci + (FAST ? 4 * c : 0);
      bool ok = row_ok && cu.kp < kpos;
      i64 off = row_off + ci;
#pragma unroll
      for (int j = 0; j < ND; j++) {
        const int ks = (int)g.k_sp[j];
        const int kk = (g.flip ? ks - 1 - cu.k[j] : cu.k[j]) * (int)g.kdil[j];
        const int x = base[j] + kk;
        ok = ok && x >= 0 && x < (int)g.in_sp[j];
        off += (i64)kk * g.in_str[j];
      }
      if (ok) {
        ra[c] = *(const ConvVec<T, 4>*)(in + off);
      } else {
#pragma unroll
        for (int e = 0; e < 4; e++) ra[c].v[e] = T{};
      }
    }
#pragma unroll
    for (int c = 0; c < BRUNS; c++) {
      const i64 k = k0 + bpart * (BK / 2) + 4 * c;
      if (bn_ok && k < kred) {
        rb[c] = *(const ConvVec<T, 4>*)(wrow + k0 + 4 * c);
      } else {
#pragma unroll
        for (int e = 0; e < 4; e++) rb[c].v[e] = T{};
      }
    }
  };
  auto store = [&](int buf) {
#pragma unroll
    for (int c = 0; c < RUNS; c++) {
#pragma unroll
      for (int e = 0; e < 4; e++) sm.a[buf][4 * c + e][tid] = (float)widen(ra[c].v[e]);
    }
#pragma unroll
    for (int c = 0; c < BRUNS; c++) {
#pragma unroll
      for (int e = 0; e < 4; e++) sm.b[buf][bpart * (BK / 2) + 4 * c + e][bn] = (float)widen(rb[c].v[e]);
    }
  };
  auto advance = [&]() {
#pragma unroll
    for (int c = 0; c < NCUR; c++) conv_cursor_advance<ND>(cur[c], BK, cg, g);
  };

  const int tx = tid % 8, ty = tid / 8;
  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; i++) {
#pragma unroll
    for (int j = 0; j < 8; j++) acc[i][j] = 0.0f;
  }

  const i64 tiles = (kred + BK - 1) / BK;
  load(0);
  store(0);
  __syncthreads();
  for (i64 t = 0; t < tiles; t++) {
    const int buf = (int)(t & 1);
    const bool more = t + 1 < tiles;
    if (more) {
      advance();
      load((t + 1) * BK);
    }
#pragma unroll
    for (int kk = 0; kk < BK; kk++) {
      const ConvVec<float, 4> a0 = *(const ConvVec<float, 4>*)&sm.a[buf][kk][ty * 4];
      const ConvVec<float, 4> a1 = *(const ConvVec<float, 4>*)&sm.a[buf][kk][64 + ty * 4];
      const ConvVec<float, 4> b0 = *(const ConvVec<float, 4>*)&sm.b[buf][kk][tx * 4];
      const ConvVec<float, 4> b1 = *(const ConvVec<float, 4>*)&sm.b[buf][kk][32 + tx * 4];
      float av[8], bv[8];
#pragma unroll
      for (int e = 0; e < 4; e++) {
        av[e] = a0.v[e];
        av[4 + e] = a1.v[e];
        bv[e] = b0.v[e];
        bv[4 + e] = b1.v[e];
      }
#pragma unroll
      for (int i = 0; i < 8; i++) {
#pragma unroll
        for (int j = 0; j < 8; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
      }
    }
    if (more) store(buf ^ 1);
    __syncthreads();
  }

  // Rows of the output are the positions, channels last.
#pragma unroll
  for (int i = 0; i < 8; i++) {
    const i64 row = m0 + (i / 4) * 64 + ty * 4 + (i % 4);
    if (row >= g.rows) continue;
    T* orow = out + row * a.cout + grp * a.og + n0;
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int col = h * 32 + tx * 4;
      if (a.vec_out && n0 + col < og) {
        ConvVec<T, 4> v;
#pragma unroll
        for (int e = 0; e < 4; e++) v.v[e] = narrow<T>(acc[i][h * 4 + e]);
        *(ConvVec<T, 4>*)(orow + col) = v;
      } else {
#pragma unroll
        for (int e = 0; e < 4; e++) {
          if (n0 + col + e < og) orow[col + e] = narrow<T>(acc[i][h * 4 + e]);
        }
      }
    }
  }
}
