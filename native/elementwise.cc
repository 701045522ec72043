// Elementwise kernels: unary, binary (broadcast through zero strides), where, copy,
// fill. Every op is one expression over a compute type T, the same expressions as the
// JS backend's tables (src/backend/js/elementwise.ts):
//   T = float when every input holds float32 values and the result is float32 or a
//       0/1 mask (PyTorch's float arithmetic; +, -, *, /, sqrt, comparisons give the
//       same bits as the JS backend's double-then-round),
//   T = double otherwise (bit-identical to the JS backend).
// Rows are processed in chunks: operands that are not already contiguous arrays of T
// are converted into small buffers first, so each op is a plain loop the compiler
// vectorises, whatever the dtypes and strides.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "fma_f32.h"
#include "kernels.h"
#include "ops.h"
#include "parallel.h"
#include "simd_math.h"
#include "sleef_f32.h"
#include "vec_math_d.h"

namespace tl {

namespace {

constexpr int64_t kChunk = 512;

// ---- JS scalar semantics ----

template <class T> inline T js_pow(T a, T b) {
  // Math.pow differs from C's pow: x ** NaN is NaN, (+-1) ** +-Infinity is NaN.
  if (b != b) return b;
  if ((a == 1 || a == -1) && std::isinf(b)) return std::numeric_limits<T>::quiet_NaN();
  return std::pow(a, b);
}

inline double js_remainder(double a, double b) {
  const double m = std::fmod(a, b);
  return m != 0 && ((b < 0) != (m < 0)) ? m + b : m;
}

inline double js_floor_divide(double a, double b) {
  if (b == 0) return a / b;
  const double m = std::fmod(a, b);
  double d = (a - m) / b;
  if (m != 0 && ((b < 0) != (m < 0))) d -= 1;
  const double f = std::floor(d);
  return d - f > 0.5 ? f + 1 : f;
}

// erfinv: a starting guess, then Newton steps on erf (double precision).
inline double erfinv_d(double y) {
  if (y != y || y < -1 || y > 1) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1) return std::numeric_limits<double>::infinity();
  if (y == -1) return -std::numeric_limits<double>::infinity();
  if (y == 0) return y;
  const double ay = std::fabs(y);
  double lo = 0, hi = 6;
  double x = ay < 0.7 ? ay * std::sqrt(M_PI) / 2 : std::sqrt(-std::log((1 - ay) * (1 + ay)));
  for (int i = 0; i < 200; i++) {
    const double err = std::erf(x) - ay;
    if (err == 0) break;
    if (err < 0) lo = x;
    else hi = x;
    double next = x - err / (1.1283791670955126 * std::exp(-x * x));
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (std::fabs(next - x) <= x * 1e-16) {
      x = next;
      break;
    }
    x = next;
  }
  return y < 0 ? -x : x;
}

// erfinv for float32 results (src/backend/js/math.ts erfinvFloat): Wichura's AS241 normal
// quantile (relative error ~1e-16, no iteration), erfinv(y) = ndtri((1 + y) / 2) / sqrt(2),
// with q = y / 2 and the tail's (1 - |y|) / 2 computed exactly. Its float32 rounding equals
// the Newton iteration's on every float tested (a sweep of 37M floats in (0, 1)), at a
// tenth of the cost (trunc_normal_ init of large models).
inline double erfinv_as241(double y) {
  if (y != y || y < -1 || y > 1) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1) return std::numeric_limits<double>::infinity();
  if (y == -1) return -std::numeric_limits<double>::infinity();
  if (y == 0) return y;
  const double q = 0.5 * y;
  double x;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    x = q *
        (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r +
             4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r +
          1.3314166789178437745e2) * r + 3.3871328727963666080e0) /
        (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r +
             2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.8718700749205790830e2) * r +
          4.2313330701600911252e1) * r + 1);
  } else {
    double r = std::sqrt(-std::log(0.5 * (1 - std::fabs(y))));
    if (r <= 5) {
      r -= 1.6;
      x = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
               1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r +
            4.63033784615654529590e0) * r + 1.42343711074968357734e0) /
          (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
               1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r +
            2.05319162663775882187e0) * r + 1);
    } else {
      r -= 5;
      x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
               2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r +
            5.46378491116411436990e0) * r + 6.65790464350110377720e0) /
          (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
               7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
            5.99832206555887937690e-1) * r + 1);
    }
    if (q < 0) x = -x;
  }
  return x * 0.70710678118654752440;
}

inline double js_bitop(int op, double a, double b) {
  const int32_t x = js_to_int32(a), y = js_to_int32(b);
  return op == B_bitwiseAnd ? (x & y) : op == B_bitwiseOr ? (x | y) : (x ^ y);
}

// ---- Loops (one instantiation per op; the lambdas inline) ----

template <class T, class F> inline void map1(T* o, const T* a, int64_t n, F f) {
#if defined(__wasm__)
  // In place, read through o: clang's vectorizer checks o against a at run time and
  // takes its scalar loop when they overlap, even exactly (3-4x slower in V8).
  if (o == a) {
    for (int64_t i = 0; i < n; i++) o[i] = f(o[i]);
    return;
  }
#endif
  for (int64_t i = 0; i < n; i++) o[i] = f(a[i]);
}
template <class T, class F> inline void map2(T* o, const T* a, const T* b, int64_t n, F f) {
#if defined(__wasm__)
  if (o == a && o != b) {  // as in map1 (a.op_(b): add_, mul_, gradient accumulation)
    for (int64_t i = 0; i < n; i++) o[i] = f(o[i], b[i]);
    return;
  }
#endif
  for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
}

// min(max(x, 0), 6) with NaN passing through (PyTorch's std::min/std::max order).
template <class T> inline T relu6_of(T x) { return x != x ? x : x < 0 ? T(0) : x > 6 ? T(6) : x; }

template <class T> constexpr bool is_f32 = std::is_same_v<T, float>;

template <class T> void apply_unary(int op, T* o, const T* a, int64_t n, const double* args) {
  const T p0 = static_cast<T>(args[0]), p1 = static_cast<T>(args[1]), p2 = static_cast<T>(args[2]);
  const T zero = 0, one = 1, half = static_cast<T>(0.5);
  switch (op) {
    case U_neg: map1(o, a, n, [](T x) { return -x; }); break;
    case U_abs: map1(o, a, n, [](T x) { return std::fabs(x); }); break;
    case U_sign: map1(o, a, n, [](T x) { return static_cast<T>((x > 0 ? 1 : 0) - (x < 0 ? 1 : 0)); }); break;
    case U_floor: map1(o, a, n, [](T x) { return std::floor(x); }); break;
    case U_ceil: map1(o, a, n, [](T x) { return std::ceil(x); }); break;
    case U_round: map1(o, a, n, [](T x) { return std::nearbyint(x); }); break;
    case U_trunc: map1(o, a, n, [](T x) { return std::trunc(x); }); break;
    case U_frac: map1(o, a, n, [](T x) { return x - std::trunc(x); }); break;
    // float32 exp, log, tanh, sigmoid, silu: SLEEF's exp, log and tanh, as PyTorch (unary_impl.h).
    case U_exp: map1(o, a, n, [](T x) { return is_f32<T> ? T(sleef::expf(float(x))) : std::exp(x); }); break;
    case U_expm1: map1(o, a, n, [](T x) { return std::expm1(x); }); break;
    case U_log: map1(o, a, n, [](T x) { return is_f32<T> ? T(sleef::logf(float(x))) : std::log(x); }); break;
    case U_log1p: map1(o, a, n, [](T x) { return std::log1p(x); }); break;
    case U_log2: map1(o, a, n, [](T x) { return std::log2(x); }); break;
    case U_log10: map1(o, a, n, [](T x) { return std::log10(x); }); break;
    case U_sqrt: map1(o, a, n, [](T x) { return std::sqrt(x); }); break;
    case U_rsqrt: map1(o, a, n, [one](T x) { return one / std::sqrt(x); }); break;
    case U_reciprocal: map1(o, a, n, [one](T x) { return one / x; }); break;
    case U_square: map1(o, a, n, [](T x) { return x * x; }); break;
    case U_sin: map1(o, a, n, [](T x) { return std::sin(x); }); break;
    case U_cos: map1(o, a, n, [](T x) { return std::cos(x); }); break;
    case U_tan: map1(o, a, n, [](T x) { return std::tan(x); }); break;
    case U_asin: map1(o, a, n, [](T x) { return std::asin(x); }); break;
    case U_acos: map1(o, a, n, [](T x) { return std::acos(x); }); break;
    case U_atan: map1(o, a, n, [](T x) { return std::atan(x); }); break;
    case U_sinh: map1(o, a, n, [](T x) { return std::sinh(x); }); break;
    case U_cosh: map1(o, a, n, [](T x) { return std::cosh(x); }); break;
    case U_tanh: map1(o, a, n, [](T x) { return is_f32<T> ? T(sleef::tanhf(float(x))) : std::tanh(x); }); break;
    case U_erf: map1(o, a, n, [](T x) { return is_f32<T> ? T(sleef::erff(float(x))) : std::erf(x); }); break;
    case U_erfinv:
      if (std::is_same<T, float>::value) map1(o, a, n, [](T x) { return static_cast<T>(erfinv_as241(x)); });
      else map1(o, a, n, [](T x) { return static_cast<T>(erfinv_d(x)); });
      break;
    case U_sigmoid: map1(o, a, n, [one](T x) { return one / (one + (is_f32<T> ? T(sleef::expf(float(-x))) : std::exp(-x))); }); break;
    case U_relu: map1(o, a, n, [](T x) { return x > 0 || x != x ? x : T(0); }); break;
    case U_silu: map1(o, a, n, [one](T x) { return x / (one + (is_f32<T> ? T(sleef::expf(float(-x))) : std::exp(-x))); }); break;
    case U_gelu:
      map1(o, a, n, [half, one](T x) { return half * x * (one + std::erf(x * static_cast<T>(M_SQRT1_2))); });
      break;
    case U_geluTanh:
      map1(o, a, n, [half, one](T x) {
        if constexpr (is_f32<T>) return T(sleef::gelu_tanh(float(x)));
        return half * x * (one + std::tanh(static_cast<T>(0.7978845608028654) * (x + static_cast<T>(0.044715) * x * x * x)));
      });
      break;
    case U_logSigmoid:
      map1(o, a, n, [](T x) { return x < 0 ? x - std::log1p(std::exp(x)) : -std::log1p(std::exp(-x)); });
      break;
    case U_softsign: map1(o, a, n, [one](T x) { return x / (one + std::fabs(x)); }); break;
    case U_logicalNot: map1(o, a, n, [](T x) { return x == 0 ? T(1) : T(0); }); break;
    case U_isnan: map1(o, a, n, [](T x) { return x != x ? T(1) : T(0); }); break;
    case U_isinf: map1(o, a, n, [](T x) { return std::isinf(x) ? T(1) : T(0); }); break;
    case U_isfinite: map1(o, a, n, [](T x) { return x - x == 0 ? T(1) : T(0); }); break;
    case U_bitwiseNot: map1(o, a, n, [](T x) { return -x - 1; }); break;
    case U_clamp:
    case U_hardtanh:
      // Math.min(Math.max(x, lo), hi) for a non-NaN x; NaN passes through.
      map1(o, a, n, [p0, p1](T x) {
        if (x != x) return x;
        T t = p0 != p0 ? p0 : (x < p0 ? p0 : x);
        return p1 != p1 ? p1 : (t > p1 ? p1 : t);
      });
      break;
    case U_powScalar:
      // PyTorch's exponents with a formula of their own (sqrt, rsqrt and reciprocal
      // kernels, then x * x, x * x * x, 1 / (x * x)); std::pow for the rest.
      if (args[0] == 2) map1(o, a, n, [](T x) { return x * x; });
      else if (args[0] == 3) map1(o, a, n, [](T x) { return x * x * x; });
      else if (args[0] == -2) map1(o, a, n, [one](T x) { return one / (x * x); });
      else if (args[0] == 0.5) map1(o, a, n, [](T x) { return std::sqrt(x); });
      else if (args[0] == -0.5) map1(o, a, n, [one](T x) { return one / std::sqrt(x); });
      else if (args[0] == -1) map1(o, a, n, [one](T x) { return one / x; });
      else map1(o, a, n, [p0](T x) { return js_pow(x, p0); });
      break;
    case U_rpowScalar: map1(o, a, n, [p0](T x) { return js_pow(p0, x); }); break;
    case U_leakyRelu: map1(o, a, n, [p0](T x) { return x > 0 ? x : x * p0; }); break;
    case U_elu: map1(o, a, n, [p0, p1, p2](T x) { return x > 0 ? x * p1 : std::expm1(x * p2) * p0 * p1; }); break;
    case U_softplus:
      map1(o, a, n, [p0, p1](T x) { return x * p0 > p1 ? x : std::log1p(std::exp(x * p0)) / p0; });
      break;
    // PyTorch's formulas: min(max(x + 3, 0), 6) / 6 and x * min(max(x + 3, 0), 6) / 6
    // (x >= 3 gives (x * 6) / 6, not always x); NaN propagates.
    case U_hardsigmoid: map1(o, a, n, [](T x) { return relu6_of(x + 3) / 6; }); break;
    case U_hardswish: map1(o, a, n, [](T x) { return x * relu6_of(x + 3) / 6; }); break;
    case U_relu6:
      map1(o, a, n, [zero](T x) {
        if (x != x) return x;
        T t = x < zero ? zero : x;
        return t > 6 ? T(6) : t;
      });
      break;
    case U_threshold: map1(o, a, n, [p0, p1](T x) { return x <= p0 ? p1 : x; }); break;
    case U_roundDecimals: map1(o, a, n, [p0](T x) { return std::nearbyint(x * p0) / p0; }); break;
  }
}

template <class T>
void apply_binary(int op, T* o, const T* a, const T* b, int64_t n, double alpha_d, const double* args) {
  const T p0 = static_cast<T>(args[0]), p1 = static_cast<T>(args[1]), p2 = static_cast<T>(args[2]);
  const bool p3 = args[3] != 0;
  const T alpha = static_cast<T>(alpha_d), one = 1, half = static_cast<T>(0.5);
  switch (op) {
    // alpha != 1: one rounding on float32 (fma_f32.h); on float64 the product is
    // rounded first, as in the JS backend (PyTorch fuses there too: left as is).
    case B_add:
      if (alpha_d == 1) map2(o, a, b, n, [](T x, T y) { return x + y; });
      else if constexpr (std::is_same_v<T, float>) add_scaled_f32(o, a, b, false, alpha, n);
      else map2(o, a, b, n, [alpha](T x, T y) { return x + alpha * y; });
      break;
    case B_sub:
      if (alpha_d == 1) map2(o, a, b, n, [](T x, T y) { return x - y; });
      else if constexpr (std::is_same_v<T, float>) add_scaled_f32(o, a, b, false, -alpha, n);
      else map2(o, a, b, n, [alpha](T x, T y) { return x - alpha * y; });
      break;
    case B_mul: map2(o, a, b, n, [](T x, T y) { return x * y; }); break;
    case B_div: map2(o, a, b, n, [](T x, T y) { return x / y; }); break;
    // Rounding divisions and remainders in double, exactly as the JS backend.
    case B_divTrunc: map2(o, a, b, n, [](T x, T y) { return static_cast<T>(std::trunc(double(x) / double(y))); }); break;
    case B_divFloor: map2(o, a, b, n, [](T x, T y) { return static_cast<T>(js_floor_divide(x, y)); }); break;
    case B_remainder: map2(o, a, b, n, [](T x, T y) { return static_cast<T>(js_remainder(x, y)); }); break;
    case B_fmod: map2(o, a, b, n, [](T x, T y) { return static_cast<T>(std::fmod(double(x), double(y))); }); break;
    case B_pow: map2(o, a, b, n, [](T x, T y) { return y == 2 ? x * x : js_pow(x, y); }); break;
    case B_atan2: map2(o, a, b, n, [](T x, T y) { return std::atan2(x, y); }); break;
    case B_maximum: map2(o, a, b, n, [](T x, T y) { return x > y || x != x ? x : y; }); break;
    case B_minimum: map2(o, a, b, n, [](T x, T y) { return x < y || x != x ? x : y; }); break;
    case B_fmax: map2(o, a, b, n, [](T x, T y) { return x > y || y != y ? x : y; }); break;
    case B_fmin: map2(o, a, b, n, [](T x, T y) { return x < y || y != y ? x : y; }); break;
    case B_eq: map2(o, a, b, n, [](T x, T y) { return x == y ? T(1) : T(0); }); break;
    case B_ne: map2(o, a, b, n, [](T x, T y) { return x != y ? T(1) : T(0); }); break;
    case B_lt: map2(o, a, b, n, [](T x, T y) { return x < y ? T(1) : T(0); }); break;
    case B_le: map2(o, a, b, n, [](T x, T y) { return x <= y ? T(1) : T(0); }); break;
    case B_gt: map2(o, a, b, n, [](T x, T y) { return x > y ? T(1) : T(0); }); break;
    case B_ge: map2(o, a, b, n, [](T x, T y) { return x >= y ? T(1) : T(0); }); break;
    case B_logicalAnd: map2(o, a, b, n, [](T x, T y) { return x != 0 && y != 0 ? T(1) : T(0); }); break;
    case B_logicalOr: map2(o, a, b, n, [](T x, T y) { return x != 0 || y != 0 ? T(1) : T(0); }); break;
    case B_logicalXor: map2(o, a, b, n, [](T x, T y) { return (x != 0) != (y != 0) ? T(1) : T(0); }); break;
    case B_bitwiseAnd:
    case B_bitwiseOr:
    case B_bitwiseXor: map2(o, a, b, n, [op](T x, T y) { return static_cast<T>(js_bitop(op, x, y)); }); break;
    case B_reluBackward: map2(o, a, b, n, [](T g, T x) { return x <= 0 ? T(0) : g; }); break;
    case B_thresholdBackward: map2(o, a, b, n, [p0](T g, T x) { return x <= p0 ? T(0) : g; }); break;
    case B_sigmoidBackward: map2(o, a, b, n, [one](T g, T y) { return g * (one - y) * y; }); break;
    case B_tanhBackward:  // float32: g * fma(-y, y, 1) (fma_f32.h)
      if constexpr (std::is_same_v<T, float>) map2(o, a, b, n, [](T g, T y) { return g * fma_f32(-y, y, 1.0f); });
      else map2(o, a, b, n, [one](T g, T y) { return g * (one - y * y); });
      break;
    case B_siluBackward:
      map2(o, a, b, n, [one](T g, T x) {
        const T s = one / (one + std::exp(-x));
        return (g / (one + std::exp(-x))) * (one + x * (one - s));
      });
      break;
    case B_geluBackward:
      map2(o, a, b, n, [half, one](T g, T x) {
        return g * (half * (one + std::erf(x * static_cast<T>(M_SQRT1_2))) +
                    x * std::exp(-half * x * x) * static_cast<T>(0.3989422804014327));
      });
      break;
    case B_geluTanhBackward:
      map2(o, a, b, n, [half, one](T g, T x) {
        const T k = static_cast<T>(0.7978845608028654), c = static_cast<T>(0.044715);
        const T t = std::tanh(k * (x + c * x * x * x));
        return g * (half * (one + t) + half * x * (one - t * t) * k * (one + 3 * c * x * x));
      });
      break;
    case B_eluBackward:
      if (p3) map2(o, a, b, n, [p0, p1, p2](T g, T y) { return y <= 0 ? g * p2 * (y + p0 * p1) : g * p1; });
      else map2(o, a, b, n, [p0, p1, p2](T g, T x) { return x <= 0 ? g * p2 * p0 * p1 * std::exp(x * p2) : g * p1; });
      break;
    case B_leakyReluBackward: map2(o, a, b, n, [p0](T g, T x) { return x > 0 ? g : g * p0; }); break;
    case B_softplusBackward:
      map2(o, a, b, n, [p0, p1, one](T g, T x) { return x * p0 > p1 ? g : g * (one - one / (one + std::exp(x * p0))); });
      break;
    case B_hardtanhBackward: map2(o, a, b, n, [p0, p1](T g, T x) { return x <= p0 || x >= p1 ? T(0) : g; }); break;
    case B_hardsigmoidBackward:  // g * (1/6 as a float, whatever T), as PyTorch
      map2(o, a, b, n, [](T g, T x) { return x > -3 && x < 3 ? g * static_cast<T>(1.0f / 6.0f) : T(0); });
      break;
    case B_hardswishBackward:
      // PyTorch's vectorized kernel (its contiguous path): x >= 3 gives g, NaN gives NaN.
      map2(o, a, b, n, [half](T g, T x) { return x < -3 ? T(0) : x >= 3 ? g : g * (x / 3 + half); });
      break;
    case B_logSigmoidBackward: map2(o, a, b, n, [one](T g, T x) { return g / (one + std::exp(x)); }); break;
    // The regression losses, each rounding step as PyTorch's composite: z = |x - y|, then
    // smooth_l1: z < beta ? (0.5 z) z / beta : z - 0.5 beta; huber: z < d ? (0.5 z) z : (z - 0.5 d) d.
    case B_smoothL1:
      map2(o, a, b, n, [p0, half](T x, T y) {
        const T z = std::abs(x - y);
        return z < p0 ? half * z * z / p0 : z - half * p0;
      });
      break;
    case B_huber:
      map2(o, a, b, n, [p0, half](T x, T y) {
        const T z = std::abs(x - y);
        return z < p0 ? half * z * z : (z - half * p0) * p0;
      });
      break;
    case B_mse:
      map2(o, a, b, n, [](T x, T y) {
        const T d = x - y;
        return d * d;
      });
      break;
    case B_mseBackward: map2(o, a, b, n, [p0](T g, T d) { return p0 * d * g; }); break;
    // Backward on d = x - y with norm = p1 (1/numel for mean), as PyTorch's vectorized
    // kernels (its scalar ones, which round differently, only take the last n mod 16).
    case B_smoothL1Backward:
      map2(o, a, b, n, [p0, p1, one](T g, T d) {
        const T slope = std::abs(d) >= p0 ? (d > 0 ? one : -one) : d / p0;
        return p1 * slope * g;
      });
      break;
    case B_huberBackward:
      map2(o, a, b, n, [p0, p1](T g, T d) { return p1 * (std::abs(d) >= p0 ? (d > 0 ? p0 : -p0) : d) * g; });
      break;
  }
}

// ---- AVX2 loops for the commonest float32 ops ----
// The file is built for baseline x86-64 (SSE2, 4 floats per instruction); these loops are
// the same expressions as apply_unary/apply_binary compiled for AVX2 (8 per instruction)
// and chosen at run time. FMA is used only where the op is one (add_scaled_avx2), so every
// lane rounds exactly as the scalar code does (bit-identical results). add_ of two 128x784 float32 tensors: most of
// an SGD step's time outside the GEMMs (B2).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TL_AVX2_LOOPS 1
template <class F> __attribute__((target("avx2"))) void map1_avx2(float* o, const float* a, int64_t n, F f) {
  for (int64_t i = 0; i < n; i++) o[i] = f(a[i]);
}
template <class F> __attribute__((target("avx2"))) void map2_avx2(float* o, const float* a, const float* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
}
// add/sub with alpha != 1: the FMA instruction itself (fma_f32.h).
__attribute__((target("avx2,fma"))) void add_scaled_avx2(float* o, const float* a, const float* b, float alpha, int64_t n) {
  for (int64_t i = 0; i < n; i++) o[i] = __builtin_fmaf(alpha, b[i], a[i]);
}

__attribute__((target("avx2,fma"))) void tanh_backward_avx2(float* o, const float* g, const float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) o[i] = g[i] * __builtin_fmaf(-y[i], y[i], 1.0f);
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

// True when op ran here; the expressions are apply_binary's for T = float.
bool binary_avx2(int op, float* o, const float* a, const float* b, int64_t n, double alpha_d, const double* args) {
  const float alpha = static_cast<float>(alpha_d), p0 = static_cast<float>(args[0]), one = 1;
  switch (op) {
    case B_add:
      if (alpha_d == 1) map2_avx2(o, a, b, n, [](float x, float y) { return x + y; });
      else add_scaled_avx2(o, a, b, alpha, n);
      return true;
    case B_sub:
      if (alpha_d == 1) map2_avx2(o, a, b, n, [](float x, float y) { return x - y; });
      else add_scaled_avx2(o, a, b, -alpha, n);
      return true;
    case B_mul: map2_avx2(o, a, b, n, [](float x, float y) { return x * y; }); return true;
    case B_div: map2_avx2(o, a, b, n, [](float x, float y) { return x / y; }); return true;
    case B_reluBackward: map2_avx2(o, a, b, n, [](float g, float x) { return x <= 0 ? 0.0f : g; }); return true;
    case B_thresholdBackward: map2_avx2(o, a, b, n, [p0](float g, float x) { return x <= p0 ? 0.0f : g; }); return true;
    case B_sigmoidBackward: map2_avx2(o, a, b, n, [one](float g, float y) { return g * (one - y) * y; }); return true;
    case B_tanhBackward: tanh_backward_avx2(o, a, b, n); return true;
    default: return false;
  }
}

// True when op ran here; the expressions are apply_unary's for T = float.
bool unary_avx2(int op, float* o, const float* a, int64_t n) {
  switch (op) {
    case U_neg: map1_avx2(o, a, n, [](float x) { return -x; }); return true;
    case U_relu: map1_avx2(o, a, n, [](float x) { return x > 0 || x != x ? x : 0.0f; }); return true;
    case U_square: map1_avx2(o, a, n, [](float x) { return x * x; }); return true;
    default: return false;
  }
}
#endif

// Transcendental ops are worth a thread at smaller sizes than arithmetic ones.
bool is_cheap_unary(int op) {
  switch (op) {
    case U_neg: case U_abs: case U_sign: case U_floor: case U_ceil: case U_round: case U_trunc: case U_frac:
    case U_sqrt: case U_rsqrt: case U_reciprocal: case U_square: case U_relu: case U_logicalNot: case U_isnan:
    case U_isinf: case U_isfinite: case U_bitwiseNot: case U_clamp: case U_hardtanh: case U_leakyRelu:
    case U_hardsigmoid: case U_hardswish: case U_relu6: case U_threshold: return true;
    default: return false;
  }
}
bool is_cheap_binary(int op) {
  switch (op) {
    case B_pow: case B_atan2: case B_siluBackward: case B_geluBackward: case B_geluTanhBackward:
    case B_eluBackward: case B_softplusBackward: case B_logSigmoidBackward: case B_divFloor:
    case B_remainder: case B_fmod: return false;
    default: return true;
  }
}

template <class T> constexpr int buf_type_of();
template <> constexpr int buf_type_of<float>() { return F32; }
template <> constexpr int buf_type_of<double>() { return F64; }

// How a result is stored: as a plain JS typed-array store, or (copy only) with the
// int64 truncation / bool normalisation of a dtype cast.
enum StoreKind { STORE_PLAIN, STORE_TRUNC, STORE_BOOL, STORE_FLOAT_TO_INT };

// Operand k of a row as a contiguous array of T: the memory itself when it already
// is one, else a converted copy in `tmp`.
template <class T>
inline const T* operand(const View& v, int64_t off, int64_t stride, int64_t n, T* tmp) {
  if (v.type == buf_type_of<T>() && stride == 1) return reinterpret_cast<const T*>(v.data) + off;
  if (stride == 0) {
    const T x = load_as<T>(v.data, v.type, off);
    for (int64_t i = 0; i < n; i++) tmp[i] = x;
    return tmp;
  }
  switch (v.type) {
    case F32: { const float* p = reinterpret_cast<const float*>(v.data) + off; for (int64_t i = 0; i < n; i++) tmp[i] = static_cast<T>(p[i * stride]); break; }
    case F64: { const double* p = reinterpret_cast<const double*>(v.data) + off; for (int64_t i = 0; i < n; i++) tmp[i] = static_cast<T>(p[i * stride]); break; }
    case I32: { const int32_t* p = reinterpret_cast<const int32_t*>(v.data) + off; for (int64_t i = 0; i < n; i++) tmp[i] = static_cast<T>(p[i * stride]); break; }
    default: { const uint8_t* p = reinterpret_cast<const uint8_t*>(v.data) + off; for (int64_t i = 0; i < n; i++) tmp[i] = static_cast<T>(p[i * stride]); break; }
  }
  return tmp;
}

template <class T>
inline void store_row(const View& out, int64_t off, int64_t stride, int64_t n, const T* src, int kind) {
  if (kind == STORE_TRUNC) {  // int64 target (a Float64Array): Math.trunc
    double* p = reinterpret_cast<double*>(out.data) + off;
    for (int64_t i = 0; i < n; i++) p[i * stride] = std::trunc(static_cast<double>(src[i]));
    return;
  }
  if (kind == STORE_FLOAT_TO_INT) {  // a float source into int64 / int32 / uint8: PyTorch's cast
    switch (out.type) {
      case F64: { double* p = reinterpret_cast<double*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = float_to_int64(static_cast<double>(src[i])); break; }
      case I32: { int32_t* p = reinterpret_cast<int32_t*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = float_to_int32(static_cast<double>(src[i])); break; }
      default: { uint8_t* p = reinterpret_cast<uint8_t*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = float_to_uint8(static_cast<double>(src[i])); break; }
    }
    return;
  }
  if (kind == STORE_BOOL) {
    uint8_t* p = reinterpret_cast<uint8_t*>(out.data) + off;
    for (int64_t i = 0; i < n; i++) p[i * stride] = src[i] != 0 ? 1 : 0;
    return;
  }
  switch (out.type) {
    case F32: { float* p = reinterpret_cast<float*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = static_cast<float>(src[i]); break; }
    case F64: { double* p = reinterpret_cast<double*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = static_cast<double>(src[i]); break; }
    case I32: { int32_t* p = reinterpret_cast<int32_t*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = js_to_int32(static_cast<double>(src[i])); break; }
    default: { uint8_t* p = reinterpret_cast<uint8_t*>(out.data) + off; for (int64_t i = 0; i < n; i++) p[i * stride] = js_to_uint8(static_cast<double>(src[i])); break; }
  }
}

enum Kind { K_UNARY, K_BINARY, K_WHERE, K_COPY, K_FILL };

struct Job {
  int kind, op;
  const View* out;
  const View* in[3];
  int nin;
  double alpha;
  const double* args;
  double value;
  int store;
};

// Computes one chunk: o[i] for i < n from the operand arrays.
template <class T> inline void compute(const Job& j, T* o, const T* const* in, int64_t n) {
  switch (j.kind) {
    case K_UNARY:
#ifdef TL_AVX2_LOOPS
      if constexpr (std::is_same_v<T, float>) {
        if (kHasAvx2 && unary_avx2(j.op, o, in[0], n)) break;
        if (simd_unary_f32(j.op, o, in[0], n, j.args)) break;
      }
#endif
      apply_unary<T>(j.op, o, in[0], n, j.args);
      break;
    case K_BINARY:
#ifdef TL_AVX2_LOOPS
      if constexpr (std::is_same_v<T, float>) {
        if (kHasAvx2 && binary_avx2(j.op, o, in[0], in[1], n, j.alpha, j.args)) break;
        if (simd_binary_f32(j.op, o, in[0], in[1], n, j.args)) break;
      }
#endif
      apply_binary<T>(j.op, o, in[0], in[1], n, j.alpha, j.args);
      break;
    case K_WHERE: {
      const T *a = in[0], *b = in[1], *c = in[2];
      for (int64_t i = 0; i < n; i++) o[i] = c[i] != 0 ? a[i] : b[i];
      break;
    }
    case K_COPY: std::copy(in[0], in[0] + n, o); break;
    case K_FILL: {
      const T v = static_cast<T>(j.value);
      for (int64_t i = 0; i < n; i++) o[i] = v;
      break;
    }
  }
}

// PyTorch's cpu_kernel_vec runs a row's elements 16 at a time through the vectorized op
// and the last (row length % 16) through the scalar one; for sigmoid, silu and gelu (tanh) on
// float32 the two differ (SLEEF's exp and tanh against libm's, here exp and tanh in double
// rounded to float as the JS backend computes them). o[0..m) and a hold elements first..first+m of rows of `row`.
inline void scalar_tail_f32(int op, float* o, const float* a, int64_t first, int64_t m, int64_t row) {
  if ((op != U_sigmoid && op != U_silu && op != U_geluTanh) || row % 16 == 0) return;
  const int64_t vec_end = row - row % 16;
  for (int64_t i = 0, p = first % row; i < m; i++, p = p + 1 == row ? 0 : p + 1) {
    if (p < vec_end) continue;
    if (op == U_geluTanh) {  // libm's tanhf there (here: tanh in double, rounded to float)
      const float x = a[i], inner = static_cast<float>(M_SQRT2 * M_2_SQRTPI * 0.5) * sleef::fmadd(0.044715f, x * x * x, x);
      o[i] = (0.5f * x) * (1.0f + static_cast<float>(dmath::tanh(static_cast<double>(inner))));
      continue;
    }
    const float e = static_cast<float>(dmath::exp(-static_cast<double>(a[i])));
    o[i] = op == U_sigmoid ? 1.0f / (1.0f + e) : a[i] / (1.0f + e);
  }
}

template <class T> void run(const Job& j) {
  const View& out = *j.out;
  const int64_t* strides[4] = {out.strides, nullptr, nullptr, nullptr};
  int64_t offsets[4] = {out.offset, 0, 0, 0};
  for (int k = 0; k < j.nin; k++) {
    strides[k + 1] = j.in[k]->strides;
    offsets[k + 1] = j.in[k]->offset;
  }
  const Layout L = collapse(out.ndim, out.shape, j.nin + 1, strides, offsets);
  const int64_t total = L.numel();
  if (total == 0) return;
  const bool direct_out = out.type == buf_type_of<T>() && j.store == STORE_PLAIN;
  bool cheap = j.kind != K_UNARY && j.kind != K_BINARY;
  if (j.kind == K_UNARY) cheap = is_cheap_unary(j.op);
  if (j.kind == K_BINARY) cheap = is_cheap_binary(j.op);
  const int nth = threads_for(total, cheap ? 65536 : 4096);
  parallel(nth, [&](int tid, int n) {
    int64_t begin, end;
    split_range(total, tid, n, begin, end);
    alignas(64) T tmp[4][kChunk];
    const int nd = L.nd;
    int64_t row_start = begin;  // linear index of the current row piece's first element
    for_each_row(L, begin, end, [&](const int64_t* offs, int64_t len) {
      const int64_t so = L.strides[0][nd - 1];
      for (int64_t c = 0; c < len; c += kChunk) {
        const int64_t m = std::min(kChunk, len - c);
        const T* ins[3] = {nullptr, nullptr, nullptr};
        for (int k = 0; k < j.nin; k++) {
          const int64_t s = L.strides[k + 1][nd - 1];
          ins[k] = operand<T>(*j.in[k], offs[k + 1] + c * s, s, m, tmp[k + 1]);
        }
        const int64_t o_off = offs[0] + c * so;
        T* dst = direct_out && so == 1 ? reinterpret_cast<T*>(out.data) + o_off : tmp[0];
        compute<T>(j, dst, ins, m);
        if constexpr (std::is_same_v<T, float>)
          if (j.kind == K_UNARY) scalar_tail_f32(j.op, dst, ins[0], row_start + c, m, L.shape[nd - 1]);
        if (dst == tmp[0]) store_row<T>(out, o_off, so, m, tmp[0], j.store);
      }
      row_start += len;
    });
  });
}

inline bool holds_float32(const View& v) { return v.type == F32 || v.dtype == D_FLOAT32; }

void dispatch(const Job& j, bool use_float) {
  if (use_float) run<float>(j);
  else run<double>(j);
}

}  // namespace

void unary(int op, const View& x, const View& out, const double* args) {
  Job j{K_UNARY, op, &out, {&x, nullptr, nullptr}, 1, 1.0, args, 0.0, STORE_PLAIN};
  dispatch(j, (out.type == F32 || out.type == U8) && holds_float32(x));
}

void binary(int op, const View& a, const View& b, const View& out, double alpha, const double* args) {
  Job j{K_BINARY, op, &out, {&a, &b, nullptr}, 2, alpha, args, 0.0, STORE_PLAIN};
  dispatch(j, (out.type == F32 || out.type == U8) && holds_float32(a) && holds_float32(b));
}

void where(const View& cond, const View& a, const View& b, const View& out) {
  static const double none[4] = {0, 0, 0, 0};
  Job j{K_WHERE, 0, &out, {&a, &b, &cond}, 3, 1.0, none, 0.0, STORE_PLAIN};
  dispatch(j, out.type == F32 && holds_float32(a) && holds_float32(b));
}

void copy(const View& src, const View& dst) {
  static const double none[4] = {0, 0, 0, 0};
  // Typed-array stores already cast like C++ except into int64 (truncate) and bool (0/1).
  int store = STORE_PLAIN;
  if (src.dtype != dst.dtype && dst.dtype == D_INT64) store = STORE_TRUNC;
  if (src.dtype != dst.dtype && dst.dtype == D_BOOL) store = STORE_BOOL;
  const bool from_float = src.dtype == D_FLOAT32 || src.dtype == D_FLOAT64;
  if (from_float && (dst.dtype == D_INT64 || dst.dtype == D_INT32 || dst.dtype == D_UINT8)) store = STORE_FLOAT_TO_INT;
  // Same-type contiguous copies are one memcpy.
  if (src.type == dst.type && store == STORE_PLAIN && src.contiguous() && dst.contiguous()) {
    const int64_t n = src.numel();
    const int es = elem_size(src.type);
    std::memmove(dst.data + dst.offset * es, src.data + src.offset * es, static_cast<size_t>(n * es));
    return;
  }
  Job j{K_COPY, 0, &dst, {&src, nullptr, nullptr}, 1, 1.0, none, 0.0, store};
  dispatch(j, src.type == F32);
}

void fill(const View& dst, double value) {
  static const double none[4] = {0, 0, 0, 0};
  Job j{K_FILL, 0, &dst, {nullptr, nullptr, nullptr}, 0, 1.0, none, value, STORE_PLAIN};
  // A float32 destination is filled with the float the value rounds to (what a Float32Array
  // store does) straight into the buffer; computing in double went through the per-element
  // store path (4-5x slower: zero_ of a 128x784 gradient took 36 us).
  dispatch(j, dst.type == F32);
}

}  // namespace tl
