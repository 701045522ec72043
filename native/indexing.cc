// gather / scatter / index_select / index_put on strided views. Indices are checked
// before anything is written (the JS side turns a bad one into PyTorch's error).
// Scatter and index_put run in index order on one thread, so duplicate indices give
// the JS backend's result (last write wins, or sums in that order).
#include <algorithm>
#include <type_traits>

#include "kernels.h"
#include "parallel.h"

namespace tl {

namespace {

// Checks every index in [-size, size); reports the first bad one.
bool check_indices(const View& index, int64_t size, double* bad) {
  const int64_t* strides[1] = {index.strides};
  const int64_t offsets[1] = {index.offset};
  const Layout L = collapse(index.ndim, index.shape, 1, strides, offsets);
  const int64_t total = index.numel();
  bool ok = true;
  for_each_row(L, 0, total, [&](const int64_t* offs, int64_t n) {
    const int64_t s = L.strides[0][L.nd - 1];
    for (int64_t k = 0; k < n && ok; k++) {
      const double v = load_as<int64_t>(index.data, index.type, offs[0] + k * s);
      if (!(v >= -static_cast<double>(size) && v < static_cast<double>(size))) {
        *bad = v;
        ok = false;
      }
    }
  });
  return ok;
}

inline int64_t wrap(int64_t i, int64_t size) { return i < 0 ? i + size : i; }

// dst (=|+=) src for one element, with JS's store semantics for integer buffers.
template <class T> inline void put(T* d, T s, bool acc) {
  if (!acc) *d = s;
  else if (std::is_floating_point<T>::value) *d = *d + s;
  else if (sizeof(T) == 8) *d = static_cast<T>(static_cast<uint64_t>(*d) + static_cast<uint64_t>(s));  // int64 wraps
  else *d = static_cast<T>(static_cast<uint32_t>(*d) + static_cast<uint32_t>(s));  // wraps as ToInt32/ToUint8
}

template <class T> void gather_typed(const View& x, int dim, const View& index, const View& out) {
  const int64_t size = x.shape[dim], xs = x.strides[dim];
  int64_t out_strides[kMaxDims], x_strides[kMaxDims];
  int64_t s = 1;
  for (int d = index.ndim - 1; d >= 0; d--) {
    out_strides[d] = s;
    s *= std::max<int64_t>(index.shape[d], 1);
    x_strides[d] = d == dim ? 0 : x.strides[d];
  }
  const int64_t* strides[3] = {out_strides, x_strides, index.strides};
  const int64_t offsets[3] = {out.offset, x.offset, index.offset};
  const Layout L = collapse(index.ndim, index.shape, 3, strides, offsets);
  const T* X = reinterpret_cast<const T*>(x.data);
  T* O = reinterpret_cast<T*>(out.data);
  const int64_t total = index.numel();
  parallel(threads_for(total, 1 << 15), [&](int tid, int nth) {
    int64_t a, b;
    split_range(total, tid, nth, a, b);
    for_each_row(L, a, b, [&](const int64_t* offs, int64_t n) {
      const int nd = L.nd;
      int64_t o = offs[0], xo = offs[1], io = offs[2];
      for (int64_t k = 0; k < n; k++, o += L.strides[0][nd - 1], xo += L.strides[1][nd - 1], io += L.strides[2][nd - 1])
        O[o] = X[xo + wrap(load_as<int64_t>(index.data, index.type, io), size) * xs];
    });
  });
}

template <class T> void scatter_typed(const View& dst, int dim, const View& index, const View& src, bool acc) {
  const int64_t size = dst.shape[dim], ds = dst.strides[dim];
  int64_t d_strides[kMaxDims];
  for (int d = 0; d < index.ndim; d++) d_strides[d] = d == dim ? 0 : dst.strides[d];
  const int64_t* strides[3] = {d_strides, index.strides, src.strides};
  const int64_t offsets[3] = {dst.offset, index.offset, src.offset};
  const Layout L = collapse(index.ndim, index.shape, 3, strides, offsets);
  T* D = reinterpret_cast<T*>(dst.data);
  const T* S = reinterpret_cast<const T*>(src.data);
  for_each_row(L, 0, index.numel(), [&](const int64_t* offs, int64_t n) {
    const int nd = L.nd;
    int64_t d = offs[0], io = offs[1], so = offs[2];
    for (int64_t k = 0; k < n; k++, d += L.strides[0][nd - 1], io += L.strides[1][nd - 1], so += L.strides[2][nd - 1])
      put<T>(D + d + wrap(load_as<int64_t>(index.data, index.type, io), size) * ds, S[so], acc);
  });
}

// Copies (or adds) a slab: every element of `shape` from src (strides ss) to dst (strides dd).
template <class T>
void slab(int ndim, const int64_t* shape, T* D, int64_t doff, const int64_t* dd, const T* S, int64_t soff,
          const int64_t* ss, bool acc) {
  const int64_t* strides[2] = {dd, ss};
  const int64_t offsets[2] = {doff, soff};
  const Layout L = collapse(ndim, shape, 2, strides, offsets);
  int64_t total = 1;
  for (int d = 0; d < ndim; d++) total *= shape[d];
  for_each_row(L, 0, total, [&](const int64_t* offs, int64_t n) {
    const int64_t sd = L.strides[0][L.nd - 1], sss = L.strides[1][L.nd - 1];
    T* d = D + offs[0];
    const T* s = S + offs[1];
    if (!acc && sd == 1 && sss == 1) {
      std::copy(s, s + n, d);
      return;
    }
    for (int64_t k = 0; k < n; k++) put<T>(d + k * sd, s[k * sss], acc);
  });
}

int64_t index_count(const View& index) { return index.ndim == 0 ? 1 : index.shape[0]; }
int64_t index_stride(const View& index) { return index.ndim == 0 ? 0 : index.strides[0]; }

template <class T> void index_select_typed(const View& x, int dim, const View& index, const View& out) {
  const int64_t size = x.shape[dim], count = index_count(index), is = index_stride(index);
  int64_t shape[kMaxDims], ostrides[kMaxDims];
  int64_t s = 1;
  for (int d = x.ndim - 1; d >= 0; d--) {
    shape[d] = d == dim ? 1 : x.shape[d];
    ostrides[d] = s;
    s *= d == dim ? count : x.shape[d];
  }
  int64_t slab_numel = 1;
  for (int d = 0; d < x.ndim; d++) slab_numel *= shape[d];
  const T* X = reinterpret_cast<const T*>(x.data);
  T* O = reinterpret_cast<T*>(out.data);
  if (slab_numel == 1) {  // one element per index (1-D x): a plain gather
    for (int64_t j = 0; j < count; j++)
      O[out.offset + j] = X[x.offset + wrap(load_as<int64_t>(index.data, index.type, index.offset + j * is), size) * x.strides[dim]];
    return;
  }
  parallel(threads_for(count * slab_numel, 1 << 15), [&](int tid, int nth) {
    int64_t a, b;
    split_range(count, tid, nth, a, b);
    for (int64_t j = a; j < b; j++) {
      const int64_t i = wrap(load_as<int64_t>(index.data, index.type, index.offset + j * is), size);
      slab<T>(x.ndim, shape, O, out.offset + j * ostrides[dim], ostrides, X, x.offset + i * x.strides[dim], x.strides, false);
    }
  });
}

template <class T> void index_put_typed(const View& dst, int dim, const View& index, const View& src, bool acc) {
  const int64_t size = dst.shape[dim], count = index_count(index), is = index_stride(index);
  int64_t shape[kMaxDims];
  for (int d = 0; d < dst.ndim; d++) shape[d] = d == dim ? 1 : dst.shape[d];
  T* D = reinterpret_cast<T*>(dst.data);
  const T* S = reinterpret_cast<const T*>(src.data);
  for (int64_t j = 0; j < count; j++) {
    const int64_t i = wrap(load_as<int64_t>(index.data, index.type, index.offset + j * is), size);
    slab<T>(dst.ndim, shape, D, dst.offset + i * dst.strides[dim], dst.strides, S, src.offset + j * src.strides[dim],
            src.strides, acc);
  }
}

#define TL_BY_TYPE(type, CALL)                      \
  switch (type) {                                   \
    case F32: { using T = float; CALL; break; }     \
    case F64: { using T = double; CALL; break; }    \
    case I32: { using T = int32_t; CALL; break; }   \
    case I64: { using T = int64_t; CALL; break; }   \
    default: { using T = uint8_t; CALL; break; }    \
  }

}  // namespace

bool gather(const View& x, int dim, const View& index, const View& out, double* bad) {
  if (!check_indices(index, x.shape[dim], bad)) return false;
  TL_BY_TYPE(x.type, gather_typed<T>(x, dim, index, out));
  return true;
}

bool scatter(const View& dst, int dim, const View& index, const View& src, bool accumulate, double* bad) {
  if (!check_indices(index, dst.shape[dim], bad)) return false;
  TL_BY_TYPE(dst.type, scatter_typed<T>(dst, dim, index, src, accumulate));
  return true;
}

bool index_select(const View& x, int dim, const View& index, const View& out, double* bad) {
  if (!check_indices(index, x.shape[dim], bad)) return false;
  TL_BY_TYPE(x.type, index_select_typed<T>(x, dim, index, out));
  return true;
}

bool index_put(const View& dst, int dim, const View& index, const View& src, bool accumulate, double* bad) {
  if (!check_indices(index, dst.shape[dim], bad)) return false;
  TL_BY_TYPE(dst.type, index_put_typed<T>(dst, dim, index, src, accumulate));
  return true;
}

}  // namespace tl
