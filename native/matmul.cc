// Batched matmul on strided views: transposed operands are read through their
// strides by the GEMM packing routines, so no copies are made.
#include <algorithm>

#include "gemm.h"
#include "kernels.h"
#include "parallel.h"

namespace tl {

namespace {

template <class T> void matmul_typed(const View& a, const View& b, const View& out) {
  const int nd = a.ndim;
  const int nb = nd - 2;
  const int64_t M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  const int64_t rsa = a.strides[nd - 2], csa = a.strides[nd - 1];
  const int64_t rsb = b.strides[nd - 2], csb = b.strides[nd - 1];
  const T* A = reinterpret_cast<const T*>(a.data);
  const T* B = reinterpret_cast<const T*>(b.data);
  T* C = reinterpret_cast<T*>(out.data) + out.offset;
  int64_t batches = 1;
  for (int d = 0; d < nb; d++) batches *= a.shape[d];
  if (batches == 0 || M == 0 || N == 0) return;

  // A shared B (zero batch strides) and batch dims of A that continue its rows with
  // stride rsa: one GEMM with batches*M rows (e.g. a linear layer on [B, T, K]).
  if (batches > 1) {
    bool shared_b = true, rows_merge = true;
    int64_t expected = rsa * M;
    for (int d = nb - 1; d >= 0; d--) {
      if (a.shape[d] == 1) continue;
      shared_b = shared_b && b.strides[d] == 0;
      rows_merge = rows_merge && a.strides[d] == expected;
      expected *= a.shape[d];
    }
    if (shared_b && rows_merge) {
      gemm<T>(batches * M, N, K, A + a.offset, rsa, csa, B + b.offset, rsb, csb, C, N, false, num_threads());
      return;
    }
  }

  // Offsets of batch i in a and b (batch dims walked row-major).
  auto offsets = [&](int64_t i, int64_t& ao, int64_t& bo) {
    ao = a.offset;
    bo = b.offset;
    for (int d = nb - 1; d >= 0; d--) {
      const int64_t k = i % a.shape[d];
      i /= a.shape[d];
      ao += k * a.strides[d];
      bo += k * b.strides[d];
    }
  };
  const int64_t work = M * N * K;
  if (batches >= num_threads() && work < (1 << 21)) {
    // Many small products: one thread per batch slice, each GEMM single-threaded.
    parallel(threads_for(batches * work, 1 << 16), [&](int tid, int nth) {
      int64_t lo, hi;
      split_range(batches, tid, nth, lo, hi);
      for (int64_t i = lo; i < hi; i++) {
        int64_t ao, bo;
        offsets(i, ao, bo);
        gemm<T>(M, N, K, A + ao, rsa, csa, B + bo, rsb, csb, C + i * M * N, N, false, 1);
      }
    });
    return;
  }
  for (int64_t i = 0; i < batches; i++) {
    int64_t ao, bo;
    offsets(i, ao, bo);
    gemm<T>(M, N, K, A + ao, rsa, csa, B + bo, rsb, csb, C + i * M * N, N, false, num_threads());
  }
}

}  // namespace

bool matmul(const View& a, const View& b, const View& out) {
  if (a.type != b.type || a.type != out.type || a.ndim < 2 || a.ndim != b.ndim) return false;
  if (a.type == F32) matmul_typed<float>(a, b, out);
  else if (a.type == F64) matmul_typed<double>(a, b, out);
  else return false;
  return true;
}

}  // namespace tl
