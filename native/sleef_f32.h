// SLEEF 3.5's expf_u10, logf_u10, tanhf_u10 and erff_u10 (xexpf, xlogf_u1, xtanhf, xerff_u1 of sleefsimdsp.c as its AVX2/FMA
// build computes them), which PyTorch 1.13's Vectorized<float>::exp() and ::log() call: its
// float32 exp, log, tanh and erf, and the ones inside softmax, log_softmax, sigmoid and GELU. Written as
// scalar code with selects so loops calling them vectorize; each step is one float operation
// or one fused multiply-add, so every build (AVX-512, AVX2, SSE2, wasm) gives SLEEF's bits.
// The JS backend's twin is src/backend/js/sleef.ts. Functions have internal linkage: each
// translation unit compiles them with its own instruction set.
#pragma once

#include <cstdint>
#include <cmath>
#include <cstring>

#include "fma_f32.h"
#include "vec_math.h"

namespace tl {
namespace sleef {

// a * b + c rounded once: the instruction where the build has one, else fma_f32's exact emulation.
TL_VECTORIZABLE_SELECTS static inline float fmadd(float a, float b, float c) {
#if defined(__FMA__) || defined(__AVX512F__)
  return __builtin_fmaf(a, b, c);
#else
  return fma_f32(a, b, c);
#endif
}

TL_VECTORIZABLE_SELECTS static inline int32_t bits_of(float x) {
  int32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
TL_VECTORIZABLE_SELECTS static inline float float_of(int32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}
// 2^q for q in the normal exponent range, through the exponent bits (SLEEF's vpow2i).
TL_VECTORIZABLE_SELECTS static inline float pow2i(int32_t q) { return float_of((q + 0x7f) << 23); }

// e^d (SLEEF's xexpf). Below -104 it is 0, above 100 +inf; between, SLEEF's polynomial.
TL_VECTORIZABLE_SELECTS static inline float expf(float d) {
  // d clamped to [-104, 100] keeps q in range (NaN goes through as -104, then is passed on).
  const float dc = d >= -104.0f ? (d <= 100.0f ? d : 100.0f) : -104.0f;
  // q = round-half-even(d / ln 2), as cvtps2dq: adding 1.5 * 2^23 rounds for |x| < 2^22.
  const float qf = (dc * 1.442695040888963407359924681001892137426645954152985934135449406931f + 12582912.0f) - 12582912.0f;
  const int32_t q = static_cast<int32_t>(qf);
  float s = fmadd(qf, -0.693145751953125f, dc);
  s = fmadd(qf, -1.428606765330187045e-06f, s);
  float u = 0.000198527617612853646278381f;
  u = fmadd(u, s, 0.00139304355252534151077271f);
  u = fmadd(u, s, 0.00833336077630519866943359f);
  u = fmadd(u, s, 0.0416664853692054748535156f);
  u = fmadd(u, s, 0.166666671633720397949219f);
  u = fmadd(u, s, 0.5f);
  u = 1.0f + fmadd(s * s, u, s);
  // u * 2^q as two factors (SLEEF's vldexp2): q reaches 145, past one float's exponent range.
  const int32_t h = q >> 1;
  u = u * pow2i(h) * pow2i(q - h);
  u = d < -104.0f ? 0.0f : u;
  u = d > 100.0f ? __builtin_inff() : u;
  return d != d ? d : u;
}

// ln d (SLEEF's xlogf_u1, its non-AVX-512 branch), with double-float steps.
TL_VECTORIZABLE_SELECTS static inline float logf(float d) {
  const bool tiny = d < 1.17549435e-38f;  // FLT_MIN; also 0 and negatives (replaced below)
  const float dd = tiny ? d * 18446744073709551616.0f : d;
  int32_t e = ((bits_of(dd * (1.0f / 0.75f)) >> 23) & 0xff) - 0x7f;
  const float m = float_of(bits_of(dd) + static_cast<int32_t>(static_cast<uint32_t>(-e) << 23));
  e = tiny ? e - 64 : e;
  const float ef = static_cast<float>(e);
  // s = (ln2_hi, ln2_lo) * e (dfmul_vf2_vf2_vf).
  float sx = 0.69314718246459960938f * ef;
  float sy = fmadd(-1.904654323148236017e-09f, ef, fmadd(0.69314718246459960938f, ef, -sx));
  // x = (m - 1) / (m + 1) (dfadd2_vf2_vf_vf twice, dfdiv_vf2_vf2_vf2 with FMA).
  const float nx = -1.0f + m, nv = nx - -1.0f, ny = (-1.0f - (nx - nv)) + (m - nv);
  const float dx = 1.0f + m, dv = dx - 1.0f, dy = (1.0f - (dx - dv)) + (m - dv);
  const float t = 1.0f / dx;
  const float xx = nx * t;
  const float uu = fmadd(t, nx, -xx);
  const float vv = fmadd(-dy, t, fmadd(-dx, t, 1.0f));
  const float xy = fmadd(xx, vv, fmadd(ny, t, uu));
  const float x2 = xx * xx;
  float p = fmadd(0.3027294874f, x2, 0.3996108174f);
  p = fmadd(p, x2, 0.6666694880f);
  // s += 2x (dfadd_vf2_vf2_vf2), then s += x^3 p (dfadd_vf2_vf2_vf).
  const float x2x = 2.0f * xx, x2y = 2.0f * xy;
  float ns = sx + x2x;
  sy = (((sx - ns) + x2x) + sy) + x2y;
  sx = ns;
  const float w = x2 * xx * p;
  ns = sx + w;
  sy = ((sx - ns) + w) + sy;
  float r = ns + sy;
  r = d == __builtin_inff() ? __builtin_inff() : r;
  r = d < 0.0f || d != d ? __builtin_nanf("") : r;
  return d == 0.0f ? -__builtin_inff() : r;
}

// Double-float steps of SLEEF's df.h (FMA forms): a value as the unevaluated sum x + y of two floats.
struct df {
  float x, y;
};
TL_VECTORIZABLE_SELECTS static inline df dfadd2(df a, float b) {  // dfadd2_vf2_vf2_vf
  const float s = a.x + b, v = s - a.x;
  return {s, ((a.x - (s - v)) + (b - v)) + a.y};
}
TL_VECTORIZABLE_SELECTS static inline df dfadd2(df a, df b) {  // dfadd2_vf2_vf2_vf2
  const float s = a.x + b.x, v = s - a.x;
  return {s, ((a.x - (s - v)) + (b.x - v)) + (a.y + b.y)};
}
TL_VECTORIZABLE_SELECTS static inline df dfadd(df a, df b) {  // dfadd_vf2_vf2_vf2, |a| >= |b|
  const float s = a.x + b.x;
  return {s, (((a.x - s) + b.x) + a.y) + b.y};
}
TL_VECTORIZABLE_SELECTS static inline df dfmul(df a, df b) {  // dfmul_vf2_vf2_vf2
  const float s = a.x * b.x;
  return {s, fmadd(a.x, b.y, fmadd(a.y, b.x, fmadd(a.x, b.x, -s)))};
}
TL_VECTORIZABLE_SELECTS static inline df dfdiv(df n, df d) {  // dfdiv_vf2_vf2_vf2
  const float t = 1.0f / d.x, s = n.x * t;
  const float u = fmadd(t, n.x, -s);
  const float v = fmadd(-d.y, t, fmadd(-d.x, t, 1.0f));
  return {s, fmadd(s, v, fmadd(n.y, t, u))};
}

// e^d for a double-float d (SLEEF's expk2f), for |d| well inside the float range.
TL_VECTORIZABLE_SELECTS static inline df expk2(df d) {
  const float qf = ((d.x + d.y) * 1.442695040888963407359924681001892137426645954152985934135449406931f + 12582912.0f) - 12582912.0f;
  const int32_t q = static_cast<int32_t>(qf);
  df s = dfadd2(d, qf * -0.693145751953125f);
  s = dfadd2(s, qf * -1.428606765330187045e-06f);
  float u = fmadd(0.1980960224e-3f, s.x, 0.1394256484e-2f);
  u = fmadd(u, s.x, 0.8333456703e-2f);
  u = fmadd(u, s.x, 0.4166637361e-1f);
  const float mx = s.x * u;
  df t = dfadd2(df{mx, fmadd(s.y, u, fmadd(s.x, u, -mx))}, 0.166666659414234244790680580464f);
  t = dfadd2(dfmul(s, t), 0.5f);
  const float qx = s.x * s.x;
  const df sq{qx, fmadd(s.x + s.x, s.y, fmadd(s.x, s.x, -qx))};  // dfsqu_vf2_vf2
  t = dfadd2(s, dfmul(sq, t));
  const float s1 = 1.0f + t.x;  // dfadd_vf2_vf_vf2(1, t)
  const float lo = ((1.0f - s1) + t.x) + t.y;
  const int32_t h = q >> 1;
  const bool under = d.x < -104.0f;
  return {under ? 0.0f : s1 * pow2i(h) * pow2i(q - h), under ? 0.0f : lo * pow2i(h) * pow2i(q - h)};
}

// tanh x (SLEEF's xtanhf, tanhf_u10).
TL_VECTORIZABLE_SELECTS static inline float tanhf(float x) {
  const float ax = x < 0.0f ? -x : x;
  const float y = ax <= 8.664339742f ? ax : 0.0f;  // past that (and NaN) the result is set below
  const df d = expk2(df{y, 0.0f});
  const float ex = 1.0f / d.x;
  const df e{ex, ex * fmadd(-d.y, ex, fmadd(-d.x, ex, 1.0f))};  // dfrec_vf2_vf2
  const df r = dfdiv(dfadd(d, df{-e.x, -e.y}), dfadd(d, e));
  float t = ax > 8.664339742f ? 1.0f : r.x + r.y;
  t = bits_of(x) < 0 ? -t : t;
  return x != x ? x : t;
}

// erf x (SLEEF's xerff_u1, erff_u10): a polynomial per range of |x| (below 1.1, 2.4, 4), with
// double-float steps; 1 - e^d past 1.1; 1 from 4 on.
TL_VECTORIZABLE_SELECTS static inline float erff(float x) {
  const float a = x < 0.0f ? -x : x;
  const bool o0 = a < 1.1f, o1 = a < 2.4f;
  const float u = o0 ? a * a : a;
  const auto pick = [o0, o1](float c0, float c1, float c2) { return o0 ? c0 : o1 ? c1 : c2; };
  // SLEEF's vcast_vf2_d: a double as its float plus the float of the rest.
  const auto pick2 = [o0, o1](double c0, double c1, double c2) {
    const double c = o0 ? c0 : o1 ? c1 : c2;
    return df{static_cast<float>(c), static_cast<float>(c - static_cast<float>(c))};
  };
  float t = pick(+0.7089292194e-4f, -0.1792667899e-4f, -0.9495757695e-5f);
  t = fmadd(t, u, pick(-0.7768311189e-3f, +0.3937633010e-3f, +0.2481465926e-3f));
  t = fmadd(t, u, pick(+0.5159463733e-2f, -0.3949181177e-2f, -0.2918176819e-2f));
  t = fmadd(t, u, pick(-0.2683781274e-1f, +0.2445474640e-1f, +0.2059706673e-1f));
  t = fmadd(t, u, pick(+0.1128318012e+0f, -0.1070996150e+0f, -0.9901899844e-1f));
  const float m = t * u;
  df d = dfadd2(df{m, fmadd(t, u, -m)}, pick2(-0.376125876000657465175213237214e+0, -0.634588905908410389971210809210e+0, -0.643598050547891613081201721633e+0));
  float sx = d.x * u;
  d = dfadd2(df{sx, fmadd(d.y, u, fmadd(d.x, u, -sx))}, pick2(+0.112837916021059138255978217023e+1, -0.112879855826694507209862753992e+1, -0.112461487742845562801052956293e+1));
  sx = d.x * a;
  d = df{sx, fmadd(d.y, a, fmadd(d.x, a, -sx))};
  if (!o0) {  // 1 - e^d (dfadd_vf2_vf_vf2(1, -expk2f(d)))
    const df e = expk2(d);
    const float s1 = 1.0f - e.x;
    d = df{s1, ((1.0f - s1) - e.x) - e.y};
  }
  float r = a < 4.0f ? d.x + d.y : 1.0f;
  r = bits_of(x) < 0 ? -r : r;
  return x != x ? x : r;
}

// GELU with the tanh approximation as PyTorch's vectorized kernel computes it in float:
// 0.5 x (1 + tanh(beta * fma(kappa, x^3, x))).
TL_VECTORIZABLE_SELECTS static inline float gelu_tanh(float x) {
  const float beta = static_cast<float>(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = 0.044715f;
  const float inner = beta * fmadd(kappa, x * x * x, x);
  return (0.5f * x) * (1.0f + tanhf(inner));
}
}  // namespace sleef
}  // namespace tl
