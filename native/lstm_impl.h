// The fused LSTM cell's rows (rnn.cc): float32 with exp and tanh written as plain loops the
// compiler vectorizes (Cephes' single-precision polynomials, within 2 ulp, as PyTorch's own
// vectorized Sleef kernels are not glibc's either), float64 with libm. Included once per
// instruction set in namespace TL_UNARY_NS, as softmax_impl.h: simd_math.cc (baseline),
// unary_fma.cc (-mavx2), unary_avx512.cc (-mavx512f), rnn.cc (its float64 rows). Every step is
// elementwise with no FMA contraction, so each build gives the same bits.
#pragma once

#include <cmath>
#include <cstdint>

#include "vec_math.h"

#ifndef TL_NO_ALIAS
#if defined(__GNUC__) && !defined(__clang__)
#define TL_NO_ALIAS _Pragma("GCC ivdep")
#else
#define TL_NO_ALIAS
#endif
#endif

namespace tl {
namespace TL_UNARY_NS {

TL_VECTORIZABLE_SELECTS inline float sigmoid_f(float x) { return 1.0f / (1.0f + exp_f(-x)); }

// Cephes tanhf: an odd polynomial below |x| = 0.625, 1 - 2 / (e^2|x| + 1) above (no cancellation there).
TL_VECTORIZABLE_SELECTS inline float tanh_f(float x) {
  const float ax = x < 0 ? -x : x;
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float big = 1.0f - 2.0f / (exp_f(2.0f * ax) + 1.0f);
  const float signed_big = x < 0 ? -big : big;
  return ax < 0.625f ? small : signed_big;
}

inline double sigmoid_f(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double tanh_f(double x) { return std::tanh(x); }

// noinline: inlined into parallel()'s lambda (no TL_VECTORIZABLE_SELECTS there) GCC left
// the activation loops scalar.
template <class T>
TL_VECTORIZABLE_SELECTS __attribute__((noinline)) void forward_rows(int64_t b0, int64_t b1, int64_t H, const T* xg, const T* hg, const T* cx, T* hy, T* cy, T* ws) {
  const int64_t G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    const T* x = xg + b * G;
    const T* h = hg + b * G;
    T* w = ws + b * G;
    for (int64_t k = 0; k < 2 * H; k++) w[k] = sigmoid_f(static_cast<T>(h[k] + x[k]));  // i, f
    for (int64_t k = 2 * H; k < 3 * H; k++) w[k] = tanh_f(static_cast<T>(h[k] + x[k]));  // g
    for (int64_t k = 3 * H; k < G; k++) w[k] = sigmoid_f(static_cast<T>(h[k] + x[k]));  // o
    const T* c = cx + b * H;
    T* co = cy + b * H;
    T* ho = hy + b * H;
    // The composed op order: f * cx + i * g, then o * tanh(cy).
    for (int64_t j = 0; j < H; j++) co[j] = static_cast<T>(w[H + j] * c[j]) + static_cast<T>(w[j] * w[2 * H + j]);
    for (int64_t j = 0; j < H; j++) ho[j] = w[3 * H + j] * tanh_f(co[j]);
  }
}

// DH / DC: whether dhy / dcy are given (template flags keep the loop free of branches).
template <class T, bool DH, bool DC>
TL_VECTORIZABLE_SELECTS __attribute__((noinline)) void backward_rows(int64_t b0, int64_t b1, int64_t H, const T* dhy, const T* dcy, const T* ws, const T* cx, const T* cy,
                   T* dg, T* dcx) {
  const int64_t G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    // One pointer per chunk: indexing w[3 * H + j] defeats GCC's vectorizer ("complicated access pattern").
    const T *wi = ws + b * G, *wf = wi + H, *wg = wf + H, *wo = wg + H;
    T *di = dg + b * G, *df = di + H, *dgg = df + H, *dout = dgg + H;
    const T *c = cx + b * H, *cyb = cy + b * H, *gh_row = DH ? dhy + b * H : nullptr, *gc_row = DC ? dcy + b * H : nullptr;
    T* dc = dcx + b * H;
    // tanh(cy) first, into dcx (overwritten below): the loop of arithmetic then vectorizes.
    for (int64_t j = 0; j < H; j++) dc[j] = tanh_f(cyb[j]);
    // Outputs never alias inputs (the JS side allocates them); too many streams for GCC's run-time overlap checks.
    TL_NO_ALIAS
    for (int64_t j = 0; j < H; j++) {
      const T i = wi[j], f = wf[j], g = wg[j], o = wo[j];
      const T tc = dc[j];
      const T gh = DH ? gh_row[j] : T(0);
      // hy = o * tanh(cy): the gradients of o and of cy through tanh.
      const T go = static_cast<T>(gh * tc);
      const T gc_h = static_cast<T>(static_cast<T>(gh * o) * static_cast<T>(T(1) - tc * tc));
      const T gc = DC ? static_cast<T>(gc_row[j] + gc_h) : gc_h;
      // cy = f * cx + i * g; each gate's pre-activation through sigmoid (g: tanh).
      const T gi = static_cast<T>(gc * g), gf = static_cast<T>(gc * c[j]), gg = static_cast<T>(gc * i);
      di[j] = static_cast<T>(gi * (T(1) - i)) * i;
      df[j] = static_cast<T>(gf * (T(1) - f)) * f;
      dgg[j] = gg * static_cast<T>(T(1) - g * g);
      dout[j] = static_cast<T>(go * (T(1) - o)) * o;
      dc[j] = gc * f;
    }
  }
}

template <class T>
void backward_any(int64_t b0, int64_t b1, int64_t H, const T* dhy, const T* dcy, const T* ws, const T* cx, const T* cy,
                  T* dg, T* dcx) {
  if (dhy && dcy) backward_rows<T, true, true>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else if (dhy) backward_rows<T, true, false>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else if (dcy) backward_rows<T, false, true>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else backward_rows<T, false, false>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
}

#ifndef TL_LSTM_TEMPLATES_ONLY
// The float32 rows of lstm_cell / lstm_cell_backward, this instruction set's build (rnn.cc,
// which wants only the float64 templates, leaves them out).
void lstm_forward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* xg, const float* hg, const float* cx,
                                  float* hy, float* cy, float* ws) {
  forward_rows<float>(b0, b1, H, xg, hg, cx, hy, cy, ws);
}
void lstm_backward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* dhy, const float* dcy, const float* ws,
                                   const float* cx, const float* cy, float* dg, float* dcx) {
  backward_any<float>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
}
#endif

}  // namespace TL_UNARY_NS
}  // namespace tl
