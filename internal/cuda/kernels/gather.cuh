// Indexing with arrays of integers (internal/cuda/gather.go), with the
// semantics of the CPU's kernels (internal/cpu/gather.go, scatter.go).
//
// Every op starts with index_offsets: for each position p of the index
// shape, the element offset in the indexed array of the corner of p's
// block (from the buffer's start), or -1 when an index value is out of
// range (reported, and the block skipped). The copies and updates then
// work on rows: one row per index position (or per contiguous run of a
// block, for gathers), with a power-of-two number of threads per row.

// The most index arrays one index_offsets launch reads; more take several
// launches, each adding to the offsets of the last.
#define MAXIDX 8

// IndexArgs describes up to MAXIDX index views over one index shape (its
// dimensions merged) and the axes they index (indexArgs in gather.go: keep
// the two in sync).
struct IndexArgs {
  i64 shape[MAXDIMS];
  i64 strides[MAXIDX][MAXDIMS];  // of each index view, in its elements
  const void* ptr[MAXIDX];       // each view's first element
  i64 size[MAXIDX];              // the axis's size
  i64 top[MAXIDX];               // the largest corner whose block fits
  i64 step[MAXIDX];              // the indexed array's stride along the axis
  i64 cstep[MAXIDX];             // the stride of the axis in the cell numbering
  i64 block[MAXIDX];             // the block's size along the axis
  i32 kind[MAXIDX];              // index type: u8 u16 u32 u64 i8 i16 i32 i64 as 0 to 7
  i32 axis[MAXIDX];
  i32 ndim;
  i32 k;
};

// offsets_of is offsets<N> without the division for the outermost
// dimension (i is below the layout's size).
template <int N> __device__ __forceinline__ void offsets_of(const Layout<N>& l, i64 i, i64 (&off)[N]) {
  for (int k = 0; k < N; k++) off[k] = 0;
  for (int d = l.ndim - 1; d > 0; d--) {
    i64 s = l.shape[d];
    i64 q = i / s;
    i64 r = i - q * s;
    for (int k = 0; k < N; k++) off[k] += r * l.strides[k][d];
    i = q;
  }
  if (l.ndim > 0)
    for (int k = 0; k < N; k++) off[k] += i * l.strides[k][0];
}

// load_index reads the index of type kind at element off of p.
__device__ __forceinline__ i64 load_index(const void* p, i64 off, int kind) {
  switch (kind) {
    case 0: return (i64)((const u8*)p)[off];
    case 1: return (i64)((const u16*)p)[off];
    case 2: return (i64)((const u32*)p)[off];
    case 3: return (i64)((const u64*)p)[off];
    case 4: return (i64)((const i8*)p)[off];
    case 5: return (i64)((const i16*)p)[off];
    case 6: return (i64)((const i32*)p)[off];
    default: return ((const i64*)p)[off];
  }
}

// index_offsets sets offs[p] (and cells[p], the number of the cell of the
// indexed axes that p's corner lies in, when cells is not null) for the n
// index positions: from base (first) or the values already there, plus
// each index value times its axis's step. A value outside its axis, or
// whose block does not fit, is reported and makes offs[p] -1.
__device__ void index_offsets_impl(const IndexArgs& a, i64* offs, i64* cells, i64 n, i64 base, i32 first,
                                   IndexRecord* rec, u32 code) {
  for (i64 p = global_index(); p < n; p += global_stride()) {
    i64 o = first ? base : offs[p];
    i64 c = first || cells == 0 ? 0 : cells[p];
    if (o < 0) continue;
    i64 off[MAXIDX];
#pragma unroll
    for (int k = 0; k < MAXIDX; k++) off[k] = 0;
    i64 i = p;
    for (int d = a.ndim - 1; d >= 0; d--) {
      i64 s = a.shape[d];
      i64 q = d > 0 ? i / s : 0;
      i64 r = i - q * s;
#pragma unroll
      for (int k = 0; k < MAXIDX; k++)
        if (k < a.k) off[k] += r * a.strides[k][d];
      i = q;
    }
#pragma unroll
    for (int k = 0; k < MAXIDX; k++) {
      if (k >= a.k) break;
      int kind = a.kind[k];
      i64 given = load_index(a.ptr[k], off[k], kind);
      i64 v = given, size = a.size[k], top = a.top[k];
      bool bad;
      if (kind < 4) {
        bad = top < 0 || (u64)v > (u64)top;
      } else {
        bad = v >= size || v < -size;
        if (v < 0) v += size;
        bad = bad || v > top;
      }
      if (bad) {
        report_index(rec, code, given, size, a.axis[k], a.block[k], kind < 4);
        o = -1;
        break;
      }
      o += v * a.step[k];
      c += v * a.cstep[k];
    }
    offs[p] = o;
    if (cells) cells[p] = c;
  }
}

// Row loops: the threads of a block form groups of 1 << tpr_log2 threads
// (at most the block), each taking one row at a time.
#define ROW_LOOP(rows)                                                   \
  const int tpr = 1 << tpr_log2;                                         \
  const int lane = threadIdx.x & (tpr - 1);                              \
  const i64 rpb = blockDim.x >> tpr_log2;                                \
  for (i64 r = (i64)blockIdx.x * rpb + (threadIdx.x >> tpr_log2); r < (rows); r += (i64)gridDim.x * rpb)

// A 16-byte unit of the row copies.
struct alignas(16) v16 { u32 x, y, z, w; };

// gather_rows copies rows of units units of type U each: row r is run
// r % nruns (its offset from the block's corner given by outer over the
// run number, in elements of esize bytes) of the block of index position
// r / nruns, in src (the buffer's start) at offs[p]. out is packed.
template <class U>
__device__ void gather_rows(const char* __restrict__ src, U* __restrict__ out, const i64* __restrict__ offs,
                            i64 rows, i64 nruns, i64 units, i64 esize, i32 tpr_log2, const Layout<1>& outer) {
  ROW_LOOP(rows) {
    i64 p = nruns == 1 ? r : r / nruns;
    i64 o = offs[p];
    if (o < 0) continue;
    if (nruns > 1) {
      i64 off[1];
      offsets_of<1>(outer, r - p * nruns, off);
      o += off[0];
    }
    const U* s = (const U*)(src + o * esize);
    U* d = out + r * units;
    for (i64 u = lane; u < units; u += 4 * tpr) {
      U v[4];
#pragma unroll
      for (int j = 0; j < 4; j++)
        if (u + j * tpr < units) v[j] = s[u + j * tpr];
#pragma unroll
      for (int j = 0; j < 4; j++)
        if (u + j * tpr < units) d[u + j * tpr] = v[j];
    }
  }
}

// gather_elems copies blocks element by element: row p is the block of
// index position p, blockn elements whose offsets from the corner offs[p]
// in src come from blk. out is packed.
template <class T>
__device__ void gather_elems(const T* __restrict__ src, T* __restrict__ out, const i64* __restrict__ offs,
                             i64 rows, i64 blockn, i32 tpr_log2, const Layout<1>& blk) {
  ROW_LOOP(rows) {
    i64 o = offs[r];
    if (o < 0) continue;
    T* d = out + r * blockn;
    for (i64 e = lane; e < blockn; e += tpr) {
      i64 off[1];
      offsets_of<1>(blk, e, off);
      d[e] = src[o + off[0]];
    }
  }
}

// ---- Scatter stamps

// scatter_stamp_cells: for ScatterNone when blocks never partly overlap,
// each cell of the indexed axes keeps the largest position (plus one) whose
// corner lies in it; scatter_stamp_elems: otherwise, each element of out
// (row-major from obase) keeps the largest position that writes it.
__device__ void scatter_stamp_cells_impl(const i64* offs, const i64* cells, u32* stamp, i64 n) {
  for (i64 p = global_index(); p < n; p += global_stride())
    if (offs[p] >= 0) atomicMax(stamp + cells[p], (u32)(p + 1));
}

__device__ void scatter_stamp_elems_impl(const i64* offs, u32* stamp, i64 rows, i64 blockn, i64 obase,
                                         i32 tpr_log2, const Layout<1>& blk) {
  ROW_LOOP(rows) {
    i64 o = offs[r];
    if (o < 0) continue;
    for (i64 e = lane; e < blockn; e += tpr) {
      i64 off[1];
      offsets_of<1>(blk, e, off);
      atomicMax(stamp + (o + off[0] - obase), (u32)(r + 1));
    }
  }
}

// ---- MaskCount

// mask_count writes, for each of rows rows of inner elements of mask (bool,
// packed when contig, else read through l over the row-major element
// number), the number of true elements before each element of its row.
// Groups of TPR threads (a warp, or the whole block of TPR threads) take a
// row in chunks of 4 * TPR elements, scanning the counts and carrying the
// total from chunk to chunk.
template <int TPR>
__device__ void mask_count(const u8* __restrict__ mask, i32* __restrict__ out, i64 rows, i64 inner, i32 contig,
                           const Layout<1>& l) {
  __shared__ i32 warp_tot[32];
  const int lane = threadIdx.x & (TPR - 1);
  const int wl = threadIdx.x & 31;
  const i64 rpb = blockDim.x / TPR;
  // With TPR == blockDim.x every thread of the block runs the same
  // iterations, so the block barriers below are reached by all.
  for (i64 r = (i64)blockIdx.x * rpb + threadIdx.x / TPR; r < rows; r += (i64)gridDim.x * rpb) {
    i32 carry = 0;
    for (i64 c0 = 0; c0 < inner; c0 += 4 * TPR) {
      i64 j0 = c0 + 4 * (i64)lane;
      bool m[4];
      int cnt = 0;
#pragma unroll
      for (int k = 0; k < 4; k++) {
        i64 j = j0 + k;
        m[k] = false;
        if (j < inner) {
          i64 g = r * inner + j;
          if (contig) {
            m[k] = mask[g] != 0;
          } else {
            i64 off[1];
            offsets_of<1>(l, g, off);
            m[k] = mask[off[0]] != 0;
          }
        }
        cnt += m[k];
      }
      int x = cnt;  // inclusive scan over the warp
#pragma unroll
      for (int o = 1; o < 32; o <<= 1) {
        int y = __shfl_up_sync(0xffffffffu, x, o);
        if (wl >= o) x += y;
      }
      int before, total;
      if constexpr (TPR == 32) {
        before = x - cnt;
        total = __shfl_sync(0xffffffffu, x, 31);
      } else {
        int w = lane >> 5;
        if (wl == 31) warp_tot[w] = x;
        __syncthreads();
        if (w == 0) {
          int t = wl < TPR / 32 ? warp_tot[wl] : 0;
#pragma unroll
          for (int o = 1; o < 32; o <<= 1) {
            int y = __shfl_up_sync(0xffffffffu, t, o);
            if (wl >= o) t += y;
          }
          warp_tot[wl] = t;
        }
        __syncthreads();
        before = (w > 0 ? warp_tot[w - 1] : 0) + x - cnt;
        total = warp_tot[TPR / 32 - 1];
        __syncthreads();  // before the next chunk writes warp_tot
      }
      i32 run = carry + before;
#pragma unroll
      for (int k = 0; k < 4; k++) {
        i64 j = j0 + k;
        if (j < inner) out[r * inner + j] = run;
        run += m[k];
      }
      carry += total;
    }
  }
}
