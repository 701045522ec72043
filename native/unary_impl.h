// float32 exp/log-family unary ops (and softmax_impl.h's, lstm_impl.h's rows), included by unary_fma.cc (built with -mavx2 -mfma) and
// unary_avx512.cc (-mavx512f -mfma), which define TL_UNARY_NS. Each element is widened to
// double, computed with vec_math_d.h's vectorized functions in the JS backend's expression
// (src/backend/js/elementwise.ts) and rounded once to float, so results equal the JS
// backend's (erf, gelu and geluBackward: within 1 ulp, their erf being another double-precision
// one). glibc's expf/logf/tanhf/erff run one element per call (exp of 128x784 floats took
// 180 us against PyTorch's 40).
#include <cstdint>

#include "lstm_impl.h"
#include "ops.h"
#include "softmax_impl.h"
#include "vec_math_d.h"

namespace tl {
namespace TL_UNARY_NS {

namespace {
template <class F> TL_VECTORIZABLE_SELECTS __attribute__((flatten)) inline void map(float* o, const float* a, int64_t n, F f) {
  for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(f(static_cast<double>(a[i])));
}

// f(x, e(x)) in two loops over blocks: GCC does not vectorize one loop holding both an exp
// and a log (softplus, log_sigmoid).
template <class E, class F>
TL_VECTORIZABLE_SELECTS inline void map_staged(float* o, const float* a, int64_t n, E e, F f) {
  constexpr int64_t kBlock = 256;
  double t[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = n - b < kBlock ? n - b : kBlock;
    for (int64_t i = 0; i < m; i++) t[i] = e(static_cast<double>(a[b + i]));
    for (int64_t i = 0; i < m; i++) o[b + i] = static_cast<float>(f(static_cast<double>(a[b + i]), t[i]));
  }
}
}  // namespace

// True when op ran here (args: the op's scalar parameters, as in apply_unary).
TL_VECTORIZABLE_SELECTS bool unary_f32(int op, float* o, const float* a, int64_t n, const double* args) {
  const double p0 = args[0], p1 = args[1], p2 = args[2];
  switch (op) {
    // sqrt is correctly rounded in float (so the JS backend's bits): a loop of its own
    // (the build's -fno-math-errno lets GCC use the vector instruction).
    case U_sqrt: for (int64_t i = 0; i < n; i++) o[i] = __builtin_sqrtf(a[i]); return true;
    case U_rsqrt: for (int64_t i = 0; i < n; i++) o[i] = 1.0f / __builtin_sqrtf(a[i]); return true;
    // exp, log, tanh, erf: SLEEF's, as PyTorch's vectorized kernels (sleef_f32.h); sigmoid, silu
    // and gelu (tanh) also, except the scalar tail of each row, which elementwise.cc recomputes.
    case U_exp: for (int64_t i = 0; i < n; i++) o[i] = sleef::expf(a[i]); return true;
    case U_expm1: map(o, a, n, [](double x) { return dmath::expm1(x); }); return true;
    case U_log: for (int64_t i = 0; i < n; i++) o[i] = sleef::logf(a[i]); return true;
    case U_log1p: map(o, a, n, [](double x) { return dmath::log1p(x); }); return true;
    case U_tanh: for (int64_t i = 0; i < n; i++) o[i] = sleef::tanhf(a[i]); return true;
    case U_sigmoid: for (int64_t i = 0; i < n; i++) o[i] = 1.0f / (1.0f + sleef::expf(-a[i])); return true;
    case U_silu: for (int64_t i = 0; i < n; i++) o[i] = a[i] / (1.0f + sleef::expf(-a[i])); return true;
    case U_elu: map(o, a, n, [p0, p1, p2](double x) { return x > 0 ? x * p1 : dmath::expm1(x * p2) * p0 * p1; }); return true;
    case U_erf: for (int64_t i = 0; i < n; i++) o[i] = sleef::erff(a[i]); return true;
    case U_gelu: map(o, a, n, [](double x) { return 0.5 * x * (1 + dmath::erf(x * 0.7071067811865476)); }); return true;
    case U_geluTanh: for (int64_t i = 0; i < n; i++) o[i] = sleef::gelu_tanh(a[i]); return true;
    case U_softplus:
      map_staged(
          o, a, n, [p0](double x) { return dmath::exp(x * p0); },
          [p0, p1](double x, double e) { return x * p0 > p1 ? x : dmath::log1p(e) / p0; });
      return true;
    case U_logSigmoid:  // x < 0 ? x - log1p(e^x) : -log1p(e^-x)
      map_staged(
          o, a, n, [](double x) { return dmath::exp(x < 0 ? x : -x); },
          [](double x, double e) { return x < 0 ? x - dmath::log1p(e) : -dmath::log1p(e); });
      return true;
    default: return false;
  }
}

template <class F> TL_VECTORIZABLE_SELECTS __attribute__((flatten)) inline void map2(float* o, const float* a, const float* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(f(static_cast<double>(a[i]), static_cast<double>(b[i])));
}

// The activations' backward ops that call exp or tanh: g = a (the gradient), x = b.
TL_VECTORIZABLE_SELECTS bool binary_f32(int op, float* o, const float* a, const float* b, int64_t n, const double* args) {
  const double p0 = args[0], p1 = args[1], p2 = args[2];
  switch (op) {
    case B_siluBackward:
      map2(o, a, b, n, [](double g, double x) {
        const double d = 1.0 + dmath::exp(-x);
        return (g / d) * (1.0 + x * (1.0 - 1.0 / d));
      });
      return true;
    case B_geluBackward:
      map2(o, a, b, n, [](double g, double x) {
        return g * (0.5 * (1 + dmath::erf(x * 0.7071067811865476)) + x * dmath::exp(-0.5 * x * x) * 0.3989422804014327);
      });
      return true;
    case B_geluTanhBackward:
      map2(o, a, b, n, [](double g, double x) {
        const double t = dmath::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x));
        return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * x * x));
      });
      return true;
    case B_eluBackward:  // args[3]: b is the forward's result y rather than its input x
      if (args[3] != 0) map2(o, a, b, n, [p0, p1, p2](double g, double y) { return y <= 0 ? g * p2 * (y + p0 * p1) : g * p1; });
      else map2(o, a, b, n, [p0, p1, p2](double g, double x) { return x <= 0 ? g * p2 * p0 * p1 * dmath::exp(x * p2) : g * p1; });
      return true;
    case B_softplusBackward:
      map2(o, a, b, n, [p0, p1](double g, double x) { return x * p0 > p1 ? g : g * (1.0 - 1.0 / (1.0 + dmath::exp(x * p0))); });
      return true;
    case B_logSigmoidBackward: map2(o, a, b, n, [](double g, double x) { return g / (1.0 + dmath::exp(x)); }); return true;
    default: return false;
  }
}

// PyTorch's (y - 1) max(log1p(-x), -100) - y max(log x, -100) in float, with the JS
// backend's choices where a target of 0 or 1 zeroes a term (native/loss.cc).
TL_VECTORIZABLE_SELECTS bool bce_f32(float* l, const float* x, const float* y, int64_t n, bool* out_of_range) {
  constexpr int64_t kBlock = 256;
  float log1m[kBlock];
  int bad = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = n - b < kBlock ? n - b : kBlock;
    // Two loops: GCC vectorizes neither when one holds both logs.
    for (int64_t i = 0; i < m; i++) log1m[i] = static_cast<float>(dmath::log1p(-static_cast<double>(x[b + i])));
    for (int64_t i = 0; i < m; i++) {
      const float xi = x[b + i], yi = y[b + i];
      bad |= !(xi >= 0.0f && xi <= 1.0f);
      const float lx = static_cast<float>(dmath::log(static_cast<double>(xi)));
      const float a = yi == 1.0f ? -1.0f : (log1m[i] < -100.0f ? -100.0f : log1m[i]);
      const float c = yi != 0.0f ? (lx < -100.0f ? -100.0f : lx) : xi == 1.0f ? 0.0f : -1.0f;
      l[b + i] = (yi - 1.0f) * a - yi * c;
    }
  }
  *out_of_range = bad != 0;
  return true;
}

}  // namespace TL_UNARY_NS
}  // namespace tl
