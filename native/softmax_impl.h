// float32 softmax / log-softmax of one contiguous line, and its gradient: the arithmetic of
// reduce.cc's generic lines in loops the compiler vectorizes (exp_f instead of libm's
// one-at-a-time expf), as ATen's vectorized softmax kernels do. Included once per instruction
// set, in namespace TL_UNARY_NS: simd_math.cc (the build's baseline: SSE2, wasm SIMD),
// unary_fma.cc (-mavx2) and unary_avx512.cc (-mavx512f). Every step is elementwise or runs
// in fixed lanes (eight partial maxima / sums in two 4-float vector-extension registers,
// whatever the ISA's width; no FMA contraction), so each build gives the same bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "vec_math.h"

namespace tl {
namespace TL_UNARY_NS {

typedef float f32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));

inline f32x4 load4(const float* p) {
  f32x4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The sum of p[0..n) in eight lanes, then the lanes in order, then the tail.
inline float sum8(const float* p, int64_t n) {
  f32x4 a = {0, 0, 0, 0}, b = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    a += load4(p + i);
    b += load4(p + i + 4);
  }
  float s = 0;
  for (int l = 0; l < 4; l++) s += a[l];
  for (int l = 0; l < 4; l++) s += b[l];
  for (; i < n; i++) s += p[i];
  return s;
}

TL_VECTORIZABLE_SELECTS void softmax_line_f32(const float* x, float* o, int64_t n, bool log) {
  const float ninf = -std::numeric_limits<float>::infinity();
  f32x4 m0 = {ninf, ninf, ninf, ninf}, m1 = m0;
  i32x4 nan4 = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const f32x4 v0 = load4(x + i), v1 = load4(x + i + 4);
    nan4 |= (v0 != v0) | (v1 != v1);
    m0 = v0 > m0 ? v0 : m0;
    m1 = v1 > m1 ? v1 : m1;
  }
  float max = ninf;
  bool nan = false;
  for (int l = 0; l < 4; l++) {
    max = m0[l] > max ? m0[l] : max;
    max = m1[l] > max ? m1[l] : max;
    nan |= nan4[l] != 0;
  }
  for (; i < n; i++) {
    nan |= x[i] != x[i];
    max = x[i] > max ? x[i] : max;
  }
  if (nan) max = std::numeric_limits<float>::quiet_NaN();
  if (max == ninf) max = 0;  // all -inf: 0/0 gives NaN as PyTorch
  // e^(x - max) into o (log-softmax overwrites it below), then its sum.
  for (int64_t k = 0; k < n; k++) o[k] = exp_f(x[k] - max);
  const float sum = sum8(o, n);
  if (log) {
    const float lse = std::log(sum);
    for (int64_t k = 0; k < n; k++) o[k] = x[k] - max - lse;
  } else {
    for (int64_t k = 0; k < n; k++) o[k] = o[k] / sum;
  }
}

TL_VECTORIZABLE_SELECTS void softmax_backward_line_f32(const float* g, const float* y, float* o, int64_t n, bool log) {
  if (log) {
    const float dot = sum8(g, n);
    for (int64_t k = 0; k < n; k++) o[k] = g[k] - exp_f(y[k]) * dot;
  } else {
    for (int64_t k = 0; k < n; k++) o[k] = g[k] * y[k];
    const float dot = sum8(o, n);
    for (int64_t k = 0; k < n; k++) o[k] = y[k] * (g[k] - dot);
  }
}

}  // namespace TL_UNARY_NS
}  // namespace tl
