// Fused multiply-adds on float32 (a * b + c rounded once) where PyTorch 1.13's CPU
// kernels have one: add(x, y, alpha=) and sub (add with -alpha) for alpha != 1 compute
// fmadd(y, alpha, x) (on 100000 random elements 0 results differ from fmaf, 8802 from
// the product rounded before the add; SGD's p.add_(grad, alpha=-lr) is one), and
// tanh_backward computes g * fma(-y, y, 1) (GCC contracts its 1 - y * y).
//
// For code without an FMA instruction (baseline x86, wasm): a * b is exact in a double,
// and the double sum rounded to float is the fused result unless that sum lies exactly
// halfway between two floats (its 29 low bits 1000...0), where the second rounding can
// go the wrong way; those (about one element in 2^29) go to fmaf, a libm call. The JS
// backend computes the same (avx-mathfun.ts fmaf).
#pragma once
#include <cstdint>
#include <cstring>

namespace tl {

inline int halfway_between_floats(double s) {
  uint64_t u;
  std::memcpy(&u, &s, sizeof u);
  return (u & 0x1fffffff) == 0x10000000;
}

inline float fma_f32(float a, float b, float c) {
  const double s = double(a) * double(b) + double(c);
  return halfway_between_floats(s) ? __builtin_fmaf(a, b, c) : static_cast<float>(s);
}

// o[i] = x[i] + alpha * y[i] (y[0] for every i when scalar_y). o may be x or y (in place).
inline void add_scaled_f32(float* o, const float* x, const float* y, bool scalar_y, float alpha, int64_t n) {
  constexpr int64_t kBlock = 256;
  float tmp[kBlock];
  const int64_t step = scalar_y ? 0 : 1;
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t m = n - i0 < kBlock ? n - i0 : kBlock;
    const float* xs = x + i0;
    const float* ys = y + i0 * step;
    int halfway = 0;
    if (scalar_y) {
      const double ay = double(alpha) * double(y[0]);
      for (int64_t j = 0; j < m; j++) {
        const double s = double(xs[j]) + ay;
        tmp[j] = static_cast<float>(s);
        halfway |= halfway_between_floats(s);
      }
    } else {
      for (int64_t j = 0; j < m; j++) {
        const double s = double(xs[j]) + double(alpha) * double(ys[j]);
        tmp[j] = static_cast<float>(s);
        halfway |= halfway_between_floats(s);
      }
    }
    if (halfway)
      for (int64_t j = 0; j < m; j++) tmp[j] = __builtin_fmaf(alpha, ys[j * step], xs[j]);
    std::memcpy(o + i0, tmp, m * sizeof(float));
  }
}

}  // namespace tl
