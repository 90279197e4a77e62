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

// conv_tile_step adds to a thread's 8x8 block of the tile the products of
// one step of the reduction: rows ty*4.. and 64 + ty*4.. of a (CG_BM
// values) by columns tx*4.. and 32 + tx*4.. of b (CG_BN values).
__device__ __forceinline__ void conv_tile_step(const float* a, const float* b, int ty, int tx, float (&acc)[8][8]) {
  const ConvVec<float, 4> a0 = *(const ConvVec<float, 4>*)&a[ty * 4];
  const ConvVec<float, 4> a1 = *(const ConvVec<float, 4>*)&a[64 + ty * 4];
  const ConvVec<float, 4> b0 = *(const ConvVec<float, 4>*)&b[tx * 4];
  const ConvVec<float, 4> b1 = *(const ConvVec<float, 4>*)&b[32 + tx * 4];
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
      conv_tile_step(sm.a[buf][kk], sm.b[buf][kk], ty, tx, acc);
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

// The weight's cotangent as an implicit GEMM: dW[grp][co][k] is the sum
// over output positions r of G[r][grp*og + co] · P[r][k], split over
// blockIdx.z / groups ranges of rows_per positions, each block writing its
// partial sums (float) to part[split][grp*og + co][k]; conv_wsum adds the
// splits. A block computes CG_BM columns k of P by CG_BN output channels,
// BK = 16 positions per step. Thread t gathers the run of four columns
// 4*(t%32) of its block for the positions t/32 + 4i (i < 4), each with its
// coordinates walked forward 16 positions a step, and four outputs of the
// cotangent at channels 4*(t%16), positions t/16 + 8i (i < 2). The caller
// checks what conv_gemm needs and og, cout multiples of four, the
// cotangent row-major and aligned to four elements.

#define CW_BK 16

template <int ND> struct ConvRowCursor {
  i64 r;      // the position
  int o[ND];  // its output coordinates
  int n;      // its batch element
};

template <int ND>
__device__ __forceinline__ void conv_row_advance(ConvRowCursor<ND>& c, int by, const ConvGeom& g) {
  c.r += by;
  c.o[ND - 1] += by;
#pragma unroll
  for (int j = ND - 1; j >= 0; j--) {
    const int os = (int)g.out_sp[j];
    while (c.o[j] >= os) {
      c.o[j] -= os;
      if (j > 0) c.o[j - 1]++;
      else c.n++;
    }
  }
}

struct alignas(16) ConvWgradTiles {
  float a[2][CW_BK][CG_BM];
  float b[2][CW_BK][CG_BN];
};

template <class T, int ND>
__device__ __forceinline__ void conv_wgrad(const T* __restrict__ in, const T* __restrict__ cot, float* __restrict__ part,
                                           const ConvGeom& g, const ConvGemmArgs& a, i64 rows_per) {
  __shared__ ConvWgradTiles sm;
  const int tid = threadIdx.x;
  const i64 grp = blockIdx.z % g.groups, split = blockIdx.z / g.groups;
  const i64 k0 = (i64)blockIdx.x * CG_BM;
  const int n0 = blockIdx.y * CG_BN;
  const int cg = (int)g.cg, kpos = (int)g.kpos, og = (int)a.og;
  const i64 kred = (i64)kpos * cg;
  const i64 r_begin = split * rows_per;
  const i64 r_end = r_begin + rows_per < g.rows ? r_begin + rows_per : g.rows;

  // The thread's run of P's columns: kernel position, offsets, channel.
  const i64 k = k0 + 4 * (tid % 32);
  const bool run_ok = k < kred;
  int kk[ND];
  i64 koff = 0;
  {
    const i64 kc = run_ok ? k : 0;
    int kp = (int)(kc / cg);
    koff = kc - (i64)kp * cg + grp * g.cg;
#pragma unroll
    for (int j = ND - 1; j >= 0; j--) {
      const int ks = (int)g.k_sp[j];
      const int q = kp / ks;
      int kj = kp - q * ks;
      kp = q;
      if (g.flip) kj = ks - 1 - kj;
      kk[j] = kj * (int)g.kdil[j];
      koff += (i64)kk[j] * g.in_str[j];
    }
  }

  // The thread's positions: t/32 + 4i of each step.
  ConvRowCursor<ND> rc[4];
#pragma unroll
  for (int i = 0; i < 4; i++) {
    i64 r = r_begin + tid / 32 + 4 * i;
    rc[i].r = r;
    i64 t = r < g.rows ? r : 0;
#pragma unroll
    for (int j = ND - 1; j >= 0; j--) {
      const i64 os = g.out_sp[j];
      const i64 q = t / os;
      rc[i].o[j] = (int)(t - q * os);
      t = q;
    }
    rc[i].n = (int)t;
  }

  // The cotangent's runs: channels 4*(tid%16), positions tid/16 + 8i.
  const int gc = 4 * (tid % 16), gr = tid / 16;
  const bool gc_ok = n0 + gc < og;
  const T* gcol = cot + grp * a.og + n0 + (gc_ok ? gc : 0);

  ConvVec<T, 4> ra[4], rb[2];
  auto load = [&](i64 r0) {
#pragma unroll
    for (int i = 0; i < 4; i++) {
      bool ok = run_ok && rc[i].r < r_end;
      i64 off = (i64)rc[i].n * g.in_batch + koff;
#pragma unroll
      for (int j = 0; j < ND; j++) {
        const int x = rc[i].o[j] * (int)g.stride[j] - (int)g.pad_lo[j] + kk[j];
        ok = ok && x >= 0 && x < (int)g.in_sp[j];
        off += (i64)(x - kk[j]) * g.in_str[j];
      }
      if (ok) {
        ra[i] = *(const ConvVec<T, 4>*)(in + off);
      } else {
#pragma unroll
        for (int e = 0; e < 4; e++) ra[i].v[e] = T{};
      }
    }
#pragma unroll
    for (int i = 0; i < 2; i++) {
      const i64 r = r0 + gr + 8 * i;
      if (gc_ok && r < r_end) {
        rb[i] = *(const ConvVec<T, 4>*)(gcol + r * a.cout);
      } else {
#pragma unroll
        for (int e = 0; e < 4; e++) rb[i].v[e] = T{};
      }
    }
  };
  auto store = [&](int buf) {
#pragma unroll
    for (int i = 0; i < 4; i++) {
      ConvVec<float, 4> v;
#pragma unroll
      for (int e = 0; e < 4; e++) v.v[e] = (float)widen(ra[i].v[e]);
      *(ConvVec<float, 4>*)&sm.a[buf][tid / 32 + 4 * i][4 * (tid % 32)] = v;
    }
#pragma unroll
    for (int i = 0; i < 2; i++) {
      ConvVec<float, 4> v;
#pragma unroll
      for (int e = 0; e < 4; e++) v.v[e] = (float)widen(rb[i].v[e]);
      *(ConvVec<float, 4>*)&sm.b[buf][gr + 8 * i][gc] = v;
    }
  };

  const int tx = tid % 8, ty = tid / 8;
  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; i++) {
#pragma unroll
    for (int j = 0; j < 8; j++) acc[i][j] = 0.0f;
  }

  const i64 steps = r_end > r_begin ? (r_end - r_begin + CW_BK - 1) / CW_BK : 0;
  if (steps > 0) {
    load(r_begin);
    store(0);
  }
  __syncthreads();
  for (i64 t = 0; t < steps; t++) {
    const int buf = (int)(t & 1);
    const bool more = t + 1 < steps;
    if (more) {
#pragma unroll
      for (int i = 0; i < 4; i++) conv_row_advance<ND>(rc[i], CW_BK, g);
      load(r_begin + (t + 1) * CW_BK);
    }
#pragma unroll
    for (int q = 0; q < CW_BK; q++) {
      conv_tile_step(sm.a[buf][q], sm.b[buf][q], ty, tx, acc);
    }
    if (more) store(buf ^ 1);
    __syncthreads();
  }

  // acc[i][j]: column k0 + (i/4)*64 + ty*4 + i%4 of P, channel
  // n0 + (j/4)*32 + tx*4 + j%4; runs of four columns are stored at once.
  float* pbase = part + split * (g.groups * a.og * kred) + grp * a.og * kred;
#pragma unroll
  for (int j = 0; j < 8; j++) {
    const int co = n0 + (j / 4) * 32 + tx * 4 + (j % 4);
    if (co >= og) continue;
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const i64 kc = k0 + h * 64 + ty * 4;
      if (kc >= kred) continue;
      ConvVec<float, 4> v;
#pragma unroll
      for (int e = 0; e < 4; e++) v.v[e] = acc[h * 4 + e][j];
      *(ConvVec<float, 4>*)(pbase + (i64)co * kred + kc) = v;
    }
  }
}

// conv_wsum writes out[i] = the sum over s < splits of part[s*n + i].
template <class T>
__device__ __forceinline__ void conv_wsum(const float* __restrict__ part, T* __restrict__ out, i64 n, i64 splits) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    float s = 0.0f;
#pragma unroll 8
    for (i64 q = 0; q < splits; q++) s += part[q * n + i];
    out[i] = narrow<T>(s);
  }
}
