// exp, expm1, log and log1p in double precision, written as inline selects and FMAs that
// GCC and clang vectorize inside loops. For float32 ops: computing in double and rounding
// once gives the correctly rounded float except when the exact result lies within ~1e-16
// (relative) of a midpoint between two floats, as the JS backend's Math.exp then
// Math.fround does, so the backends agree. Include only in files built with FMA
// (-mfma): without it __builtin_fma is a libm call. The functions have internal linkage
// (an unnamed namespace): files built for different instruction sets include this, and
// the linker must not pick one file's out-of-line copy for another.
#pragma once

#include <cstdint>
#include <cstring>

#include "vec_math.h"

namespace tl {
namespace dmath {
namespace {

TL_VECTORIZABLE_SELECTS inline double from_bits(int64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}
TL_VECTORIZABLE_SELECTS inline int64_t to_bits(double d) {
  int64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}
TL_VECTORIZABLE_SELECTS inline double mla(double a, double b, double c) { return __builtin_fma(a, b, c); }

constexpr double kLn2 = 0.6931471805599453094;
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 to 32 bits (fdlibm's): n * kLn2Hi is exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
constexpr double kRound = 6755399441055744.0;   // 1.5 * 2^52: x + kRound rounds x to an integer

// x = n ln2 + r, |r| <= ln2 / 2: e^x = 2^n (1 + pm1), pm1 = e^r - 1 by its Taylor series to
// r^12 (truncation below 2e-16 relative). Valid for x in [-708, 709] (2^n a normal double).
struct ExpParts {
  double pm1, scale;
};
TL_VECTORIZABLE_SELECTS inline ExpParts exp_parts(double x) {
  const double t = mla(x, 1.4426950408889634074, kRound);  // n + kRound; its low bits hold n
  const double n = t - kRound;
  double r = mla(-n, kLn2Hi, x);
  r = mla(-n, kLn2Lo, r);
  double p = 1.0 / 479001600;
  p = mla(p, r, 1.0 / 39916800);
  p = mla(p, r, 1.0 / 3628800);
  p = mla(p, r, 1.0 / 362880);
  p = mla(p, r, 1.0 / 40320);
  p = mla(p, r, 1.0 / 5040);
  p = mla(p, r, 1.0 / 720);
  p = mla(p, r, 1.0 / 120);
  p = mla(p, r, 1.0 / 24);
  p = mla(p, r, 1.0 / 6);
  p = mla(p, r, 0.5);
  p = mla(p, r * r, r);
  const int64_t ni = to_bits(t) - to_bits(kRound);
  return {p, from_bits((ni + 1023) << 52)};
}

TL_VECTORIZABLE_SELECTS inline double exp(double x) {
  const double xc = x > 709.0 ? 709.0 : x < -708.0 ? -708.0 : x;
  const ExpParts e = exp_parts(xc);
  const double v = mla(e.scale, e.pm1, e.scale);
  return x > 709.0 ? __builtin_inf() : x < -708.0 ? 0.0 : v;  // NaN: v is NaN
}

// e^x - 1 = 2^n pm1 + (2^n - 1): pm1 carries the precision near 0 (n = 0).
TL_VECTORIZABLE_SELECTS inline double expm1(double x) {
  const double xc = x > 709.0 ? 709.0 : x < -708.0 ? -708.0 : x;
  const ExpParts e = exp_parts(xc);
  const double v = mla(e.scale, e.pm1, e.scale - 1.0);
  return x > 709.0 ? __builtin_inf() : x < -708.0 ? -1.0 : x == 0 ? x : v;  // e^-0 - 1 is -0
}

// x = 2^k (1 + f), 1 + f in [sqrt(1/2), sqrt(2)); log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2))
// with s = f / (2 + f) and R(z) = sum 2 z^i / (2i + 1) (|s| < 0.172: ten terms reach 1e-17).
TL_VECTORIZABLE_SELECTS inline double log(double x) {
  int64_t ix = to_bits(x) + (0x3ff0000000000000 - 0x3fe6a09e667f3bcd);
  const int64_t biased_k = ix >> 52;  // k + 1023 for a positive normal x
  ix = (ix & 0x000fffffffffffff) + 0x3fe6a09e667f3bcd;
  const double f = from_bits(ix) - 1.0;
  const double k = from_bits(0x4330000000000000 | biased_k) - (4503599627370496.0 + 1023.0);  // int -> double
  const double s = f / (2.0 + f), z = s * s;
  double R = 2.0 / 21;
  R = mla(R, z, 2.0 / 19);
  R = mla(R, z, 2.0 / 17);
  R = mla(R, z, 2.0 / 15);
  R = mla(R, z, 2.0 / 13);
  R = mla(R, z, 2.0 / 11);
  R = mla(R, z, 2.0 / 9);
  R = mla(R, z, 2.0 / 7);
  R = mla(R, z, 2.0 / 5);
  R = mla(R, z, 2.0 / 3);
  R *= z;
  const double hfsq = 0.5 * f * f;
  const double log1pf = f - (hfsq - s * (hfsq + R));
  const double v = mla(k, kLn2, log1pf);
  const double inf = __builtin_inf();
  // Denormal doubles never reach here from float inputs (or from 1 + float).
  return x > 0 && x < inf ? v : x == 0 ? -inf : x < 0 ? __builtin_nan("") : x;
}

// log(1 + x) = log(u) x / (u - 1) for u = 1 + x rounded (the rounding error cancels).
TL_VECTORIZABLE_SELECTS inline double log1p(double x) {
  const double u = 1.0 + x;
  const double v = dmath::log(u) * (x / (u - 1.0));
  return u == 1.0 ? x : x == __builtin_inf() ? x : v;
}

// tanh as fdlibm (V8's Math.tanh, glibc): with t = e^(2|x|) - 1, 1 - 2 / (t + 2) from
// |x| = 1 up, and -m / (m + 2) with m = e^(-2|x|) - 1 below (accurate near 0). The split
// matters where 1 + tanh(x) is tiny (gelu's tanh approximation).
TL_VECTORIZABLE_SELECTS inline double tanh(double x) {
  const double ax = x < 0 ? -x : x;
  const bool small = ax < 1.0;
  const double e = dmath::expm1(small ? -2.0 * ax : 2.0 * (ax > 40.0 ? 40.0 : ax));
  const double t = small ? -e / (e + 2.0) : 1.0 - 2.0 / (e + 2.0);
  return x < 0 ? -t : x > 0 ? t : x;  // x: +-0 and NaN as they are
}

// erf for float32 ops (computed in double, rounded once to float), in two pieces whose cost
// is fixed, so that the callers' loops vectorize:
// - below |x| = 2, the JS backend's series (src/backend/js/math.ts)
//   2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (2n+1)!!, every term positive, to n = 24
//   (relative error < 1e-12 there: gelu's 1 + erf(x) cancels for x < 0);
// - from 2 up, 1 - erfc with erfc(a) = e^(-a^2) / sqrt(pi) / (a + (1/2) / (a + (2/2) / (a + ...))),
//   Laplace's continued fraction to depth 20 as the ratio of its continuants (no division
//   per step; relative error in erfc < 2e-9);
// - from 6 up, +-1 in double.
// So within 1 ulp of the JS backend's float32 results (whose series runs to 1e-17), not its
// bits: the term counts trade the last digits of a double for a float32 op twice as fast
// (gelu of 197x3072: 2.3 ms with glibc's erff, 1.05 ms here, 2.3 ms with 30 and 40 terms).

// 2^k / (2k+1)!!, the series' coefficients.
constexpr double erf_coef(int k) {
  double c = 1.0;
  for (int n = 1; n <= k; n++) c = c * 2.0 / (2 * n + 1);
  return c;
}

// sum erf_coef(k) a2^k for k = 0..24 by Estrin's scheme (depth 6 instead of Horner's 24)
TL_VECTORIZABLE_SELECTS __attribute__((always_inline)) inline double erf_series(double a2) {
  constexpr double c0 = erf_coef(0), c1 = erf_coef(1), c2 = erf_coef(2), c3 = erf_coef(3), c4 = erf_coef(4),
                   c5 = erf_coef(5), c6 = erf_coef(6), c7 = erf_coef(7), c8 = erf_coef(8), c9 = erf_coef(9),
                   c10 = erf_coef(10), c11 = erf_coef(11), c12 = erf_coef(12), c13 = erf_coef(13), c14 = erf_coef(14),
                   c15 = erf_coef(15), c16 = erf_coef(16), c17 = erf_coef(17), c18 = erf_coef(18), c19 = erf_coef(19),
                   c20 = erf_coef(20), c21 = erf_coef(21), c22 = erf_coef(22), c23 = erf_coef(23), c24 = erf_coef(24);
  const double p2 = a2 * a2, p4 = p2 * p2, p8 = p4 * p4, p16 = p8 * p8;
  const double q0 = mla(c1, a2, c0), q1 = mla(c3, a2, c2), q2 = mla(c5, a2, c4), q3 = mla(c7, a2, c6), q4 = mla(c9, a2, c8),
               q5 = mla(c11, a2, c10), q6 = mla(c13, a2, c12), q7 = mla(c15, a2, c14), q8 = mla(c17, a2, c16),
               q9 = mla(c19, a2, c18), q10 = mla(c21, a2, c20), q11 = mla(c23, a2, c22);
  const double r0 = mla(q1, p2, q0), r1 = mla(q3, p2, q2), r2 = mla(q5, p2, q4), r3 = mla(q7, p2, q6), r4 = mla(q9, p2, q8),
               r5 = mla(q11, p2, q10);
  const double s0 = mla(r1, p4, r0), s1 = mla(r3, p4, r2), s2 = mla(r5, p4, r4);
  return mla(mla(c24, p8, s2), p16, mla(s1, p8, s0));
}

// The continuants A_k = a A_{k-1} + (k/2) A_{k-2} (and B likewise) from step K to 20.
template <int K>
TL_VECTORIZABLE_SELECTS __attribute__((always_inline)) inline void erfc_continuants(double a, double& a0, double& a1, double& b0, double& b1) {
  if constexpr (K <= 20) {
    const double an = mla(a, a1, 0.5 * K * a0), bn = mla(a, b1, 0.5 * K * b0);
    a0 = a1, a1 = an, b0 = b1, b1 = bn;
    erfc_continuants<K + 1>(a, a0, a1, b0, b1);
  }
}

TL_VECTORIZABLE_SELECTS __attribute__((always_inline)) inline double erf(double x) {
  const double ax = x < 0 ? -x : x;
  const double a = ax > 6.0 ? 6.0 : ax;  // also NaN -> 6: selected away below
  const double a2 = a * a;
  const double e = dmath::exp(-a2);  // e^(-a^2) for both pieces (c = a where the fraction is used)
  const double below = 1.1283791670955126 * e * (a * erf_series(a2));
  const double c = a < 2.0 ? 2.0 : a;
  double a0 = 1.0, a1 = c, b0 = 0.0, b1 = 1.0;  // A_{-1}, A_0, B_{-1}, B_0
  erfc_continuants<1>(c, a0, a1, b0, b1);
  const double above = 1.0 - 0.5641895835477563 * e * (b1 / a1);
  const double r = ax > 6.0 ? 1.0 : a < 2.0 ? below : above;
  return x != x || x == 0 ? x : x < 0 ? -r : r;  // NaN, +-0 as they are
}

}  // namespace
}  // namespace dmath
}  // namespace tl
