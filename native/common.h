// Shared definitions of the torchlette native backend: buffer types, strided views,
// JavaScript's typed-array store semantics, and the small iteration helpers every
// kernel uses. Kernels read JS-owned memory in place and write JS-allocated outputs.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace tl {

// The storage types behind JS typed arrays (int64 is a BigInt64Array: real int64_t;
// bool and uint8 share Uint8Array).
enum BufType : int { F32 = 0, F64 = 1, I32 = 2, U8 = 3, I64 = 4 };

// The tensor dtypes as the JS side encodes them in metadata (see src/backend/native).
enum DTypeCode : int { D_FLOAT32 = 0, D_FLOAT64 = 1, D_INT64 = 2, D_INT32 = 3, D_UINT8 = 4, D_BOOL = 5 };

constexpr int kMaxDims = 16;

inline int elem_size(int type) { return type == F64 || type == I64 ? 8 : type == U8 ? 1 : 4; }

struct View {
  char* data = nullptr;  // element 0 of the typed array
  int type = F32;        // BufType of the typed array
  int dtype = D_FLOAT32; // DTypeCode the JS side declared
  int ndim = 0;
  int64_t length = 0;  // elements in the typed array (bounds checks)
  int64_t offset = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxDims];

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    return n;
  }
  template <class T> T* ptr() const { return reinterpret_cast<T*>(data) + offset; }
  bool contiguous() const {
    int64_t expected = 1;
    for (int d = ndim - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expected) return false;
      expected *= shape[d];
    }
    return true;
  }
};

// ---- JavaScript store semantics (what `typedArray[i] = number` does) ----

// ToInt32: NaN and infinities give 0, everything else truncates and wraps mod 2^32.
inline int32_t js_to_int32(double v) {
  if (v >= -2147483648.0 && v <= 2147483647.0) return static_cast<int32_t>(v);
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}
inline uint8_t js_to_uint8(double v) { return static_cast<uint8_t>(js_to_int32(v)); }

// A float converted to an integer dtype as PyTorch's CPU cast does on x86 (cvttsd2si): in
// range it truncates; NaN, infinities and out-of-range values give the type's minimum
// ("integer indefinite"), and uint8 takes the low byte of the int32 conversion.
inline double float_to_int64(double v) { return v >= -9223372036854775808.0 && v < 9223372036854775808.0 ? std::trunc(v) : -9223372036854775808.0; }
inline int32_t float_to_int32(double v) { return v > -2147483649.0 && v < 2147483648.0 ? static_cast<int32_t>(v) : INT32_MIN; }
inline uint8_t float_to_uint8(double v) { return static_cast<uint8_t>(float_to_int32(v)); }

// Stores of a computed value into a buffer, as JS would do it. Float computations
// only ever store into float32 buffers or 0/1 results into uint8 buffers.
// An int64 destination takes integers as they are and floats as PyTorch's cast does.
template <class T> inline void store_as(char* base, int type, int64_t i, T v) {
  switch (type) {
    case F32: reinterpret_cast<float*>(base)[i] = static_cast<float>(v); break;
    case F64: reinterpret_cast<double*>(base)[i] = static_cast<double>(v); break;
    case I64:
      if constexpr (std::is_integral_v<T>) reinterpret_cast<int64_t*>(base)[i] = static_cast<int64_t>(v);
      else reinterpret_cast<int64_t*>(base)[i] = static_cast<int64_t>(float_to_int64(static_cast<double>(v)));
      break;
    case I32: reinterpret_cast<int32_t*>(base)[i] = js_to_int32(static_cast<double>(v)); break;
    default: reinterpret_cast<uint8_t*>(base)[i] = js_to_uint8(static_cast<double>(v)); break;
  }
}

template <class T> inline T load_as(const char* base, int type, int64_t i) {
  switch (type) {
    case F32: return static_cast<T>(reinterpret_cast<const float*>(base)[i]);
    case F64: return static_cast<T>(reinterpret_cast<const double*>(base)[i]);
    case I64: return static_cast<T>(reinterpret_cast<const int64_t*>(base)[i]);
    case I32: return static_cast<T>(reinterpret_cast<const int32_t*>(base)[i]);
    default: return static_cast<T>(reinterpret_cast<const uint8_t*>(base)[i]);
  }
}

// ---- Dimension collapsing (as the JS backend's strided.ts) ----

// Shape and per-operand strides with size-1 dims dropped and adjacent dims merged
// wherever every operand walks them as one.
struct Layout {
  int nd = 0;
  int nops = 0;
  int64_t shape[kMaxDims];
  int64_t strides[4][kMaxDims];
  int64_t offsets[4];
  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < nd; d++) n *= shape[d];
    return n;
  }
};

inline Layout collapse(int ndim, const int64_t* shape, int nops, const int64_t* const* strides, const int64_t* offsets) {
  Layout L;
  L.nops = nops;
  for (int k = 0; k < nops; k++) L.offsets[k] = offsets[k];
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;
    bool merge = L.nd > 0;
    for (int k = 0; merge && k < nops; k++) merge = L.strides[k][L.nd - 1] == strides[k][d] * shape[d];
    if (merge) {
      L.shape[L.nd - 1] *= shape[d];
      for (int k = 0; k < nops; k++) L.strides[k][L.nd - 1] = strides[k][d];
    } else {
      L.shape[L.nd] = shape[d];
      for (int k = 0; k < nops; k++) L.strides[k][L.nd] = strides[k][d];
      L.nd++;
    }
  }
  if (L.nd == 0) {  // a single element: one row of length 1
    L.nd = 1;
    L.shape[0] = 1;
    for (int k = 0; k < nops; k++) L.strides[k][0] = 1;
  }
  return L;
}

// Walks the rows (innermost collapsed dim) of the linear element range [begin, end):
// row(offs, n) gets each operand's offset of the row start; inner strides are
// L.strides[k][L.nd - 1].
template <class F> void for_each_row(const Layout& L, int64_t begin, int64_t end, F&& row) {
  const int nd = L.nd;
  const int64_t inner = L.shape[nd - 1];
  int64_t idx[kMaxDims];
  int64_t offs[4];
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0; d--) {
    idx[d] = rem % L.shape[d];
    rem /= L.shape[d];
  }
  for (int k = 0; k < L.nops; k++) {
    offs[k] = L.offsets[k];
    for (int d = 0; d < nd; d++) offs[k] += idx[d] * L.strides[k][d];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t n = inner - idx[nd - 1];
    if (n > end - pos) n = end - pos;
    row(offs, n);
    pos += n;
    if (pos >= end) break;
    // The row ran to its end (else pos >= end): rewind it, then step the outer dims.
    for (int k = 0; k < L.nops; k++) offs[k] += (n - inner) * L.strides[k][nd - 1];
    idx[nd - 1] = 0;
    for (int d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (int k = 0; k < L.nops; k++) offs[k] += L.strides[k][d];
      if (idx[d] < L.shape[d]) break;
      for (int k = 0; k < L.nops; k++) offs[k] -= L.strides[k][d] * L.shape[d];
      idx[d] = 0;
    }
  }
}

// 64-byte aligned scratch memory that only grows (one per thread, reused across calls).
struct Scratch {
  void* p = nullptr;
  size_t bytes = 0;
  void* get(size_t need);
  ~Scratch();
};
// Thread-local slots: 0 = GEMM A, 1 = GEMM B, 2-5 = convolutions, 6 = conv_cols.h's
// pack_cols_t, 7 = kernels that call no other kernel (loss.cc's BCE, reduce.cc's rows).
// A kernel that runs GEMMs or packers keeps its own buffers out of the slots they use.
// Reused buffers matter beyond their allocation: a fresh one past glibc's mmap threshold
// is faulted in page by page, ~12 us a page on the VMs measured here (bench/fault-cost.mjs).
constexpr int kScratchSlots = 8;
constexpr int kLeafScratch = 7;
Scratch& thread_scratch(int slot);

}  // namespace tl
