// Random fills (Backend.randomFill): the C++ twin of src/backend/js/random.ts and
// src/backend/js/avx-mathfun.ts, bit for bit. The JS code computes in doubles and
// rounds to float32 where it calls Math.fround; this file does the same arithmetic in
// the same order (built with -ffp-contract=off, so nothing is fused behind our back):
// `F(x)` is Math.fround, and the multiply-adds PyTorch's AVX2 build fuses are fmaf
// (the JS fmaf rounds once, as the instruction does). random_avx2.cc has the hot loops
// in float32 AVX2 + FMA when the CPU has them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "gemm.h"
#include "kernels.h"
#include "parallel.h"

namespace tl {

#if defined(TL_HAVE_X86_KERNELS)
namespace avx2 {
void uniform_words_f32(float* out, const uint32_t* st, int64_t n, double lo, double range);
void normal_blocks_f32(float* d, int64_t blocks, double mean, double std_);
}  // namespace avx2
#endif

namespace {

// The AVX2 loops when the CPU has them, unless TORCHLETTE_ISA=generic / setIsa('generic')
// asked for portable code (tests run the scalar loops that way).
bool have_avx2() {
#if defined(TL_HAVE_X86_KERNELS)
  static const bool cpu = detect_isa() >= ISA_AVX2;
  return cpu && active_isa() != ISA_GENERIC;
#else
  return false;
#endif
}

constexpr int kN = 624;
constexpr int kM = 397;

inline double F(double x) { return static_cast<double>(static_cast<float>(x)); }
// a * b + c rounded once to float32 (a, b, c are float32 values).
inline double fused(double a, double b, double c) {
  return static_cast<double>(std::fmaf(static_cast<float>(a), static_cast<float>(b), static_cast<float>(c)));
}

void twist(uint32_t* st) {
  auto mix = [st](int i, int next, int far) {
    const uint32_t y = (st[i] & 0x80000000u) | (st[next] & 0x7fffffffu);
    st[i] = st[far] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  };
  int i = 0;
  for (; i < kN - kM; i++) mix(i, i + 1, i + kM);
  for (; i < kN - 1; i++) mix(i, i + 1, i + kM - kN);
  mix(kN - 1, 0, kM - 1);
}

struct Mt {
  uint32_t* st;
  int64_t index;
  uint32_t next() {
    if (index >= kN) {
      twist(st);
      index = 0;
    }
    uint32_t y = st[index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }
  // random64()'s low 53 bits: the first word is the high one.
  double next53() {
    const uint32_t hi = next();
    const uint32_t lo = next();
    return static_cast<double>(hi & 0x1fffffu) * 4294967296.0 + static_cast<double>(lo);
  }
};

const double kTwoPowM24 = 5.9604644775390625e-08;  // 2^-24
const double kTwoPowM53 = 1.1102230246251565e-16;  // 2^-53

// JS's fma (src/backend/js/math.ts): Dekker's TwoProduct and Knuth's TwoSum, ported
// operation for operation so the float64 uniform draws agree with it everywhere.
double js_fma(double a, double b, double c) {
  const double p = a * b;
  if (!std::isfinite(p) || p == 0 || c == 0) return p + c;
  const double split = 134217729.0;
  const double ta = split * a;
  const double ah = ta - (ta - a);
  const double al = a - ah;
  const double tb = split * b;
  const double bh = tb - (tb - b);
  const double bl = b - bh;
  const double pe = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
  const double s = p + c;
  const double bv = s - p;
  const double se = (p - (s - bv)) + (c - bv);
  return s + (pe + se);
}

void uniform_f32(float* out, int64_t n, double from, double to, Mt& mt) {
  const double lo = F(from);
  const double range = F(F(to) - lo);
#if defined(TL_HAVE_X86_KERNELS)
  if (have_avx2()) {
    // Whole runs of the state's words at a time, twisting between them.
    for (int64_t i = 0; i < n;) {
      if (mt.index >= kN) {
        twist(mt.st);
        mt.index = 0;
      }
      const int64_t m = std::min<int64_t>(n - i, kN - mt.index);
      avx2::uniform_words_f32(out + i, mt.st + mt.index, m, lo, range);
      mt.index += m;
      i += m;
    }
    return;
  }
#endif
  // x * range is exact in a double, so one rounding to float32 is the fused result.
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(static_cast<double>(mt.next() & 0xffffffu) * kTwoPowM24 * range + lo);
}

void uniform_f64(double* out, int64_t n, double from, double to, Mt& mt) {
  for (int64_t i = 0; i < n; i++) out[i] = js_fma(mt.next53() * kTwoPowM53, to - from, from);
}

// ---- log256_ps and sincos256_ps as src/backend/js/avx-mathfun.ts emulates them ----

inline uint32_t bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}
inline float from_bits(uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}

const double SQRTHF = F(0.707106781186547524);
const double LOG_Q1 = F(-2.12194440e-4);
const double LOG_Q2 = F(0.693359375);
const double MIN_NORM_POS = 1.1754943508222875e-38;
const uint32_t HALF_BITS = 0x3f000000u;
const double LP[9] = {F(7.0376836292e-2), F(-1.151461031e-1), F(1.167699874e-1), F(-1.2420140846e-1), F(1.4249322787e-1),
                      F(-1.6668057665e-1), F(2.0000714765e-1), F(-2.4999993993e-1), F(3.3333331174e-1)};

double log256(double x0) {
  if (x0 <= 0) return std::numeric_limits<double>::quiet_NaN();
  double x = x0 > MIN_NORM_POS ? x0 : MIN_NORM_POS;
  const uint32_t b = bits(static_cast<float>(x));
  const int exponent = static_cast<int>(b >> 23) - 0x7f;
  x = from_bits((b & ~0x7f800000u) | HALF_BITS);
  double e = F(exponent + 1);
  const bool small = x < SQRTHF;
  const double tmp = small ? x : 0;
  x = F(x - 1);
  if (small) e = F(e - 1);
  x = F(x + tmp);
  const double z = F(x * x);
  double y = fused(LP[0], x, LP[1]);
  for (int k = 2; k < 9; k++) y = fused(y, x, LP[k]);
  y = F(y * x);
  y = fused(y, z, F(e * LOG_Q1));
  y = fused(-z, 0.5, y);
  x = F(x + y);
  x = fused(e, LOG_Q2, x);
  return x;
}

const double FOPI = F(1.27323954473516);
const double DP1 = F(-0.78515625);
const double DP2 = F(-2.4187564849853515625e-4);
const double DP3 = F(-3.77489497744594108e-8);
const double SIN_P[3] = {F(-1.9515295891e-4), F(8.3321608736e-3), F(-1.6666654611e-1)};
const double COS_P[3] = {F(2.443315711809948e-5), F(-1.388731625493765e-3), F(4.166664568298827e-2)};

void sincos256(double x0, double& sin_out, double& cos_out) {
  bool sign_sin = std::signbit(x0) && !std::isnan(x0);
  double x = std::fabs(x0);
  // Math.trunc then JS's int32 bit operations (the argument is 2*pi*u < 7: small).
  int32_t j = static_cast<int32_t>(std::trunc(F(x * FOPI)));
  j = (j + 1) & ~1;
  const double y = j;
  if (j & 4) sign_sin = !sign_sin;
  const bool sin_poly_first = (j & 2) == 0;
  const bool sign_cos = (~(j - 2) & 4) != 0;
  x = fused(y, DP1, x);
  x = fused(y, DP2, x);
  x = fused(y, DP3, x);
  const double z = F(x * x);
  double c = COS_P[0];
  c = fused(c, z, COS_P[1]);
  c = fused(c, z, COS_P[2]);
  c = F(c * z);
  c = fused(c, z, -z * 0.5);
  c = F(c + 1);
  double s = SIN_P[0];
  s = fused(s, z, SIN_P[1]);
  s = fused(s, z, SIN_P[2]);
  s = F(s * z);
  s = fused(s, x, x);
  double sn = sin_poly_first ? s : c;
  double cs = sin_poly_first ? c : s;
  if (sign_sin) sn = -sn;
  if (sign_cos) cs = -cs;
  sin_out = sn;
  cos_out = cs;
}

const double TWO_PI_F = F(2 * M_PI);

// normal_fill_16_AVX2 on 8 pairs (d[j], d[j + 8]) of uniforms.
inline void normal_fill16_f32(float* d, double mean, double std_) {
  for (int j = 0; j < 8; j++) {
    const double radius = F(std::sqrt(F(-2 * log256(F(1 - static_cast<double>(d[j]))))));
    double sn, cs;
    sincos256(F(TWO_PI_F * static_cast<double>(d[j + 8])), sn, cs);
    d[j] = static_cast<float>(fused(F(radius * cs), std_, mean));
    d[j + 8] = static_cast<float>(fused(F(radius * sn), std_, mean));
  }
}

void normal_f32(float* out, int64_t n, double mean, double std_, Mt& mt) {
  const double m = F(mean), s = F(std_);
  uniform_f32(out, n, 0, 1, mt);
  // The blocks are independent once the uniforms are drawn: split them over the pool.
  const int64_t blocks = n / 16;
  parallel(threads_for(blocks, 512), [&](int tid, int nth) {
    int64_t b0, b1;
    split_range(blocks, tid, nth, b0, b1);
#if defined(TL_HAVE_X86_KERNELS)
    if (have_avx2()) return avx2::normal_blocks_f32(out + 16 * b0, b1 - b0, m, s);
#endif
    for (int64_t b = b0; b < b1; b++) normal_fill16_f32(out + 16 * b, m, s);
  });
  if (n % 16 != 0) {
    uniform_f32(out + n - 16, 16, 0, 1, mt);
    normal_fill16_f32(out + n - 16, m, s);
  }
}

template <class T> void bernoulli(T* out, int64_t n, double p, Mt& mt) {
  for (int64_t i = 0; i < n; i++) out[i] = mt.next53() * kTwoPowM53 < p ? T(1) : T(0);
}

}  // namespace

int64_t random_fill(int kind, int dtype, const View& out, uint32_t* state, int64_t index, double p0, double p1) {
  Mt mt{state, index};
  const int64_t n = out.length;
  switch (kind) {
    case RF_UNIFORM:
      if (dtype == D_FLOAT32 && out.type == F32) uniform_f32(out.ptr<float>(), n, p0, p1, mt);
      else if (dtype == D_FLOAT64 && out.type == F64) uniform_f64(out.ptr<double>(), n, p0, p1, mt);
      else return -1;
      break;
    case RF_NORMAL:
      if (dtype != D_FLOAT32 || out.type != F32 || n < 16) return -1;  // float64: V8's libm, left to JS
      normal_f32(out.ptr<float>(), n, p0, p1, mt);
      break;
    case RF_BERNOULLI:
      if (out.type == F32) bernoulli(out.ptr<float>(), n, p0, mt);
      else if (out.type == F64) bernoulli(out.ptr<double>(), n, p0, mt);
      else if (out.type == I32) bernoulli(out.ptr<int32_t>(), n, p0, mt);
      else bernoulli(out.ptr<uint8_t>(), n, p0, mt);
      break;
    default:
      return -1;
  }
  return mt.index;
}

}  // namespace tl
