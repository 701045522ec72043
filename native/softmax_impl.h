// float32 softmax / log-softmax of one line, and its gradient, with PyTorch 1.13's float32
// arithmetic (ATen/native/cpu/SoftMaxKernel.cpp as its AVX2 build runs it), so results carry
// its bits. Included once per instruction set, in namespace TL_UNARY_NS: simd_math.cc (the
// build's baseline: SSE2, wasm SIMD), unary_fma.cc (-mavx2 -mfma) and unary_avx512.cc; every
// step is one float operation or one exact fused multiply-add (sleef_f32.h), so each build
// gives the same bits. The JS twin is src/backend/js/softmax.ts.
//
// How a line is computed depends on where it lies (`mode`):
//  - SOFTMAX_LAST: the softmax dim is the last one. ATen's vec::reduce_all: eight lanes
//    (fused multiply-adds for the gradient's dot product), added as a tree at the end, or
//    one after another below eight elements; SLEEF's exp and log; softmax multiplies by
//    1 / sum.
//  - SOFTMAX_INNER_VEC / SOFTMAX_INNER_TAIL: another dim. ATen runs eight positions of the
//    dims after it side by side, each line summed in order (divided by the sum for softmax),
//    with SLEEF's exp; the last inner_size % 8 positions run scalar code with libm's exp
//    (here: exp in double rounded to float, as the JS backend computes it).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd_math.h"
#include "sleef_f32.h"
#include "vec_math.h"
#include "vec_math_d.h"

namespace tl {
namespace TL_UNARY_NS {

namespace {
// The scalar tail's exp: double exp rounded once (the JS backend's Math.exp).
inline float exp_tail(float x) { return static_cast<float>(dmath::exp(static_cast<double>(x))); }

inline float line_max(const float* x, int64_t n) {
  float max = x[0];
  for (int64_t i = 1; i < n; i++) max = x[i] > max || x[i] != x[i] ? x[i] : max;
  return max;
}

// ATen's vec::reduce_all(+) of v[0..n): lanes, then the tree (see above).
inline float lane_sum(const float* v, int64_t n) {
  if (n < 8) {
    float acc = v[0];
    for (int64_t i = 1; i < n; i++) acc += v[i];
    return acc;
  }
  float l[8];
  std::memcpy(l, v, sizeof l);
  int64_t d = 8;
  for (; d < n - n % 8; d += 8)
    for (int j = 0; j < 8; j++) l[j] += v[d + j];
  for (int j = 0; d + j < n; j++) l[j] += v[d + j];
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

// map2_reduce_all(g * y, +), the products after the first eight fused into the lanes.
inline float lane_dot(const float* g, const float* y, int64_t n) {
  if (n < 8) {
    float acc = g[0] * y[0];
    for (int64_t i = 1; i < n; i++) acc += g[i] * y[i];
    return acc;
  }
  float l[8];
  for (int j = 0; j < 8; j++) l[j] = g[j] * y[j];
  int64_t d = 8;
  for (; d < n - n % 8; d += 8)
    for (int j = 0; j < 8; j++) l[j] = sleef::fmadd(g[d + j], y[d + j], l[j]);
  for (int j = 0; d + j < n; j++) l[j] = sleef::fmadd(g[d + j], y[d + j], l[j]);
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}
}  // namespace

TL_VECTORIZABLE_SELECTS void softmax_line_f32(const float* x, float* o, int64_t n, bool log, int mode) {
  if (n <= 0) return;
  const float max = line_max(x, n);
  if (mode == SOFTMAX_LAST) {
    // e^(x - max) into o (log-softmax overwrites it below), then its lane sum.
    for (int64_t k = 0; k < n; k++) o[k] = sleef::expf(x[k] - max);
    const float sum = lane_sum(o, n);
    if (log) {
      const float lse = sleef::logf(sum);
      for (int64_t k = 0; k < n; k++) o[k] = (x[k] - max) - lse;
    } else {
      const float r = 1.0f / sum;
      for (int64_t k = 0; k < n; k++) o[k] = o[k] * r;
    }
    return;
  }
  if (mode == SOFTMAX_INNER_VEC)
    for (int64_t k = 0; k < n; k++) o[k] = sleef::expf(x[k] - max);
  else
    for (int64_t k = 0; k < n; k++) o[k] = exp_tail(x[k] - max);
  float sum = 0;
  for (int64_t k = 0; k < n; k++) sum += o[k];
  if (log) {
    const float lse = sleef::logf(sum);
    for (int64_t k = 0; k < n; k++) o[k] = (x[k] - max) - lse;
  } else {
    for (int64_t k = 0; k < n; k++) o[k] = o[k] / sum;
  }
}

TL_VECTORIZABLE_SELECTS void softmax_backward_line_f32(const float* g, const float* y, float* o, int64_t n, bool log,
                                                       int mode) {
  if (n <= 0) return;
  if (log) {
    float sum = 0;
    if (mode == SOFTMAX_LAST) sum = lane_sum(g, n);
    else
      for (int64_t k = 0; k < n; k++) sum += g[k];
    if (mode == SOFTMAX_INNER_TAIL)
      for (int64_t k = 0; k < n; k++) o[k] = sleef::fmadd(-exp_tail(y[k]), sum, g[k]);
    else
      for (int64_t k = 0; k < n; k++) o[k] = sleef::fmadd(-sleef::expf(y[k]), sum, g[k]);
  } else {
    float dot = 0;
    if (mode == SOFTMAX_LAST) dot = lane_dot(g, y, n);
    else
      for (int64_t k = 0; k < n; k++) dot = sleef::fmadd(g[k], y[k], dot);
    for (int64_t k = 0; k < n; k++) o[k] = (g[k] - dot) * y[k];
  }
}

}  // namespace TL_UNARY_NS
}  // namespace tl
