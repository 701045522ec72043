// A transposing copy for packing GEMM panels (gemm.cc's pack_b, conv_cols.h's
// pack_cols_t): dst[p*nr + j] = src[j*ld + p], rows of src becoming columns of a panel.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace tl {

// For j < n, p < kc: float in 4x4 blocks transposed in registers (GCC/Clang vector
// shuffles: SSE on x86, SIMD128 in wasm); one element at a time, a store nr floats from
// the last, cost ~4 cycles an element.
template <class T> void transpose_into_panel(const T* src, int64_t ld, int64_t n, int64_t kc, T* dst, int nr) {
  int64_t j = 0;
#if defined(__GNUC__)
  if constexpr (std::is_same_v<T, float>) {
    typedef float v4f __attribute__((vector_size(16)));
    const auto load = [](const float* p) { v4f v; std::memcpy(&v, p, sizeof v); return v; };
    const auto store = [](float* p, v4f v) { std::memcpy(p, &v, sizeof v); };
    for (; j + 4 <= n; j += 4) {
      const float* s = src + j * ld;
      int64_t p = 0;
      for (; p + 4 <= kc; p += 4) {
        const v4f r0 = load(s + p), r1 = load(s + ld + p), r2 = load(s + 2 * ld + p), r3 = load(s + 3 * ld + p);
        const v4f t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5), t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
        const v4f t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5), t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
        float* d = dst + p * nr + j;
        store(d, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
        store(d + nr, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
        store(d + 2 * nr, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
        store(d + 3 * nr, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
      }
      for (; p < kc; p++)
        for (int q = 0; q < 4; q++) dst[p * nr + j + q] = s[q * ld + p];
    }
  }
#endif
  for (; j < n; j++)
    for (int64_t p = 0; p < kc; p++) dst[p * nr + j] = src[j * ld + p];
}

}  // namespace tl
