// Triangle: out (row-major, matrices on the last two axes of nr rows and
// nc columns) keeps in's elements on and below the k-th diagonal (upper 0)
// or on and above it (upper 1), zeros elsewhere; in is read through l,
// its strides over out's shape.
template <class T>
__device__ void triangle(const T* in, T* out, i64 n, const Layout<1> l, i64 nr, i64 nc, i64 k, i32 upper) {
  for (i64 i = global_index(); i < n; i += global_stride()) {
    i64 row = i / nc;
    i64 c = i - row * nc;
    i64 r = row % nr;
    bool keep = upper ? c >= r + k : c <= r + k;
    if (keep) {
      i64 off[1];
      offsets<1>(l, i, off);
      out[i] = in[off[0]];
    } else {
      out[i] = T{};
    }
  }
}
