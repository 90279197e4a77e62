// Random bits from Threefry-2x32 (20 rounds), bit for bit as
// core.Threefry2x32 and the layout of core.RandomKernels.

__device__ __forceinline__ u32 rotl32(u32 x, int r) { return (x << r) | (x >> (32 - r)); }

__device__ __forceinline__ void threefry2x32(u32 k0, u32 k1, u32 c0, u32 c1, u32& o0, u32& o1) {
  const int rot[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  u32 ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  u32 x0 = c0 + k0, x1 = c1 + k1;
#pragma unroll
  for (int g = 1; g <= 5; g++) {
#pragma unroll
    for (int j = 0; j < 4; j++) {
      x0 += x1;
      x1 = rotl32(x1, rot[(g - 1) % 2][j]) ^ x0;
    }
    x0 += ks[g % 3];
    x1 += ks[(g + 1) % 3] + (u32)g;
  }
  o0 = x0;
  o1 = x1;
}

// put_word writes v little-endian as word w of a share of len bytes at b,
// cut to the share's end; aligned: b is 4-byte aligned and len a multiple
// of 4.
__device__ __forceinline__ void put_word(u8* b, i64 len, i64 w, u32 v, bool aligned) {
  if (aligned) {
    ((u32*)b)[w] = v;
    return;
  }
  for (int k = 0; k < 4 && 4 * w + k < len; k++) b[4 * w + k] = (u8)(v >> (8 * k));
}

// random_bits runs hash t of every key: key i = t / per_key fills share i
// of out (share bytes); hash j < half fills words j and j+half+odd, hash
// half (when the share has an odd number of words) word half. keys are
// read through l, their strides over the keys' shape (..., 2).
__device__ void random_bits(const u32* keys, const Layout<1> l, u8* out, i64 nkeys, i64 share, i32 aligned) {
  i64 words = (share + 3) / 4;
  i64 half = words / 2, odd = words % 2;
  i64 per_key = half + odd;
  i64 total = nkeys * per_key;
  for (i64 t = global_index(); t < total; t += global_stride()) {
    i64 i = t / per_key, j = t - i * per_key;
    i64 o0[1], o1[1];
    offsets<1>(l, 2 * i, o0);
    offsets<1>(l, 2 * i + 1, o1);
    u32 k0 = keys[o0[0]], k1 = keys[o1[0]];
    u8* b = out + i * share;
    u32 x, y;
    if (j < half) {
      threefry2x32(k0, k1, (u32)j, (u32)(j + half + odd), x, y);
      put_word(b, share, j, x, aligned);
      put_word(b, share, j + half + odd, y, aligned);
    } else {
      threefry2x32(k0, k1, (u32)half, 0, x, y);
      put_word(b, share, half, x, aligned);
    }
  }
}
