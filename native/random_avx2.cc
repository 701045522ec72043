// The hot loops of random.cc built with -mavx2 -mfma (random.cc calls them when the CPU
// has AVX2): float32 uniforms from tempered mt19937 words, and normal_fill_16_AVX2's
// Box-Muller as PyTorch computes it — float32 lanes, FMA exactly where the JS twin
// (src/backend/js/avx-mathfun.ts) calls fmaf and nowhere else (-ffp-contract=off), so the
// numbers are the JS backend's bit for bit.
#include <immintrin.h>

#include <cstdint>

namespace tl {
namespace avx2 {

// out[i] = float((w[i] & 0xffffff) * 2^-24 * range + lo) after mt19937's tempering of w.
void uniform_words_f32(float* out, const uint32_t* st, int64_t n, double lo, double range) {
  const double scale = 5.9604644775390625e-08;  // 2^-24
  for (int64_t i = 0; i < n; i++) {
    uint32_t y = st[i];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    out[i] = static_cast<float>(static_cast<double>(static_cast<int32_t>(y & 0xffffffu)) * scale * range + lo);
  }
}

namespace {

inline __m256 K(double v) { return _mm256_set1_ps(static_cast<float>(v)); }

// The functions below work on U vectors of 8 lanes in lockstep: each step's U operations
// are independent, which hides the latency of the long dependent chains.
#define TL_EACH for (int k = 0; k < U; k++)

// log256_ps (src/backend/js/avx-mathfun.ts, ATen's avx_mathfun.h), in place.
template <int U> inline void log256(__m256* v) {
  __m256 bad[U], x[U], e[U], small[U], z[U], y[U];
  const __m256 one = _mm256_set1_ps(1);
  TL_EACH {
    bad[k] = _mm256_cmp_ps(v[k], _mm256_setzero_ps(), _CMP_LE_OQ);
    x[k] = _mm256_max_ps(v[k], _mm256_castsi256_ps(_mm256_set1_epi32(0x00800000)));  // min normal
    const __m256i b = _mm256_castps_si256(x[k]);
    const __m256i exponent = _mm256_sub_epi32(_mm256_srli_epi32(b, 23), _mm256_set1_epi32(0x7f));
    x[k] = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi32(~0x7f800000)), _mm256_set1_epi32(0x3f000000)));
    e[k] = _mm256_cvtepi32_ps(_mm256_add_epi32(exponent, _mm256_set1_epi32(1)));
    small[k] = _mm256_cmp_ps(x[k], K(0.707106781186547524), _CMP_LT_OQ);
  }
  TL_EACH {
    const __m256 tmp = _mm256_and_ps(small[k], x[k]);
    x[k] = _mm256_sub_ps(x[k], one);
    e[k] = _mm256_sub_ps(e[k], _mm256_and_ps(one, small[k]));
    x[k] = _mm256_add_ps(x[k], tmp);
  }
  TL_EACH z[k] = _mm256_mul_ps(x[k], x[k]);
  TL_EACH y[k] = _mm256_fmadd_ps(K(7.0376836292e-2), x[k], K(-1.151461031e-1));
  const double P[7] = {1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1};
  for (int i = 0; i < 7; i++) {
    const __m256 c = K(P[i]);
    TL_EACH y[k] = _mm256_fmadd_ps(y[k], x[k], c);
  }
  TL_EACH y[k] = _mm256_mul_ps(y[k], x[k]);
  TL_EACH y[k] = _mm256_fmadd_ps(y[k], z[k], _mm256_mul_ps(e[k], K(-2.12194440e-4)));
  TL_EACH y[k] = _mm256_fnmadd_ps(z[k], _mm256_set1_ps(0.5f), y[k]);
  TL_EACH x[k] = _mm256_add_ps(x[k], y[k]);
  TL_EACH x[k] = _mm256_fmadd_ps(e[k], K(0.693359375), x[k]);
  TL_EACH v[k] = _mm256_or_ps(x[k], bad[k]);  // NaN where the input was <= 0
}

// sincos256_ps on values in [0, 2^31) (src/backend/js/avx-mathfun.ts).
template <int U> inline void sincos256(const __m256* x0, __m256* sin_out, __m256* cos_out) {
  const __m256 sign_bit = _mm256_set1_ps(-0.0f);
  const __m256i four = _mm256_set1_epi32(4), two = _mm256_set1_epi32(2), zero = _mm256_setzero_si256();
  __m256 sign_sin[U], sign_cos[U], sin_first[U], x[U], y[U], z[U], c[U], s[U];
  TL_EACH {
    // x0 < 0 || x0 is -0: its sign bit (the inputs are never NaN).
    sign_sin[k] = _mm256_and_ps(x0[k], sign_bit);
    x[k] = _mm256_andnot_ps(sign_bit, x0[k]);
    __m256i j = _mm256_cvttps_epi32(_mm256_mul_ps(x[k], K(1.27323954473516)));
    j = _mm256_and_si256(_mm256_add_epi32(j, _mm256_set1_epi32(1)), _mm256_set1_epi32(~1));
    y[k] = _mm256_cvtepi32_ps(j);
    // j & 4 flips sin's sign; cos is negated where (~(j - 2) & 4) != 0, i.e. (j - 2) & 4 == 0.
    sign_sin[k] = _mm256_xor_ps(sign_sin[k], _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(j, four), four)), sign_bit));
    sin_first[k] = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(j, two), zero));
    sign_cos[k] = _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(_mm256_sub_epi32(j, two), four), zero)), sign_bit);
  }
  TL_EACH x[k] = _mm256_fmadd_ps(y[k], K(-0.78515625), x[k]);
  TL_EACH x[k] = _mm256_fmadd_ps(y[k], K(-2.4187564849853515625e-4), x[k]);
  TL_EACH x[k] = _mm256_fmadd_ps(y[k], K(-3.77489497744594108e-8), x[k]);
  TL_EACH z[k] = _mm256_mul_ps(x[k], x[k]);
  TL_EACH {
    c[k] = _mm256_fmadd_ps(K(2.443315711809948e-5), z[k], K(-1.388731625493765e-3));
    s[k] = _mm256_fmadd_ps(K(-1.9515295891e-4), z[k], K(8.3321608736e-3));
  }
  TL_EACH {
    c[k] = _mm256_fmadd_ps(c[k], z[k], K(4.166664568298827e-2));
    s[k] = _mm256_fmadd_ps(s[k], z[k], K(-1.6666654611e-1));
  }
  TL_EACH {
    c[k] = _mm256_mul_ps(c[k], z[k]);
    s[k] = _mm256_mul_ps(s[k], z[k]);
  }
  TL_EACH {
    c[k] = _mm256_fmadd_ps(c[k], z[k], _mm256_mul_ps(z[k], _mm256_set1_ps(-0.5f)));
    s[k] = _mm256_fmadd_ps(s[k], x[k], x[k]);
  }
  TL_EACH {
    c[k] = _mm256_add_ps(c[k], _mm256_set1_ps(1));
    sin_out[k] = _mm256_xor_ps(_mm256_blendv_ps(c[k], s[k], sin_first[k]), sign_sin[k]);
    cos_out[k] = _mm256_xor_ps(_mm256_blendv_ps(s[k], c[k], sin_first[k]), sign_cos[k]);
  }
}

// normal_fill_16_AVX2 on U consecutive blocks of 16 (u1 = d[0..8), u2 = d[8..16) of each).
template <int U> inline void box_muller(float* d, __m256 mean, __m256 std_) {
  __m256 l[U], a[U], sn[U], cs[U];
  TL_EACH {
    l[k] = _mm256_sub_ps(_mm256_set1_ps(1), _mm256_loadu_ps(d + 16 * k));
    a[k] = _mm256_mul_ps(K(2 * 3.14159265358979323846), _mm256_loadu_ps(d + 16 * k + 8));
  }
  log256<U>(l);
  sincos256<U>(a, sn, cs);
  TL_EACH {
    const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2), l[k]));
    _mm256_storeu_ps(d + 16 * k, _mm256_fmadd_ps(_mm256_mul_ps(radius, cs[k]), std_, mean));
    _mm256_storeu_ps(d + 16 * k + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, sn[k]), std_, mean));
  }
}
#undef TL_EACH

}  // namespace

// normal_fill_16 on `blocks` consecutive blocks of 16 uniforms; mean and std are float32 values.
void normal_blocks_f32(float* d, int64_t blocks, double mean, double std_) {
  const __m256 m = _mm256_set1_ps(static_cast<float>(mean)), s = _mm256_set1_ps(static_cast<float>(std_));
  int64_t b = 0;
  for (; b + 4 <= blocks; b += 4) box_muller<4>(d + 16 * b, m, s);
  for (; b < blocks; b++) box_muller<1>(d + 16 * b, m, s);
}

}  // namespace avx2
}  // namespace tl
