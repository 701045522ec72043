// The hot loops of random.cc built with -mavx2 (random.cc calls them when the CPU has
// AVX2): float32 uniforms from tempered mt19937 words, and normal_fill_16's Box-Muller
// on 4 lanes of doubles at a time. They mirror random.cc's scalar code operation for
// operation (every JS Math.fround is a round trip through float here, `R`), so the
// numbers are the same bit for bit; no FMA instruction is used (-ffp-contract=off).
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

inline __m256d R(__m256d x) { return _mm256_cvtps_pd(_mm256_cvtpd_ps(x)); }
inline __m256d K(double v) { return _mm256_set1_pd(static_cast<double>(static_cast<float>(v))); }
// JS's fma(a, b, c) = f(a * b + c) in doubles.
inline __m256d FJ(__m256d a, __m256d b, __m256d c) { return R(_mm256_add_pd(_mm256_mul_pd(a, b), c)); }
// 4 int32 lanes of all-ones/zero to 4 double-lane masks.
inline __m256d mask_pd(__m128i m) { return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(m)); }

// The functions below work on U vectors of 4 lanes in lockstep: each step's U operations
// are independent, which hides the latency of the long dependent chains (one vector at
// a time runs at a third of the speed).
#define TL_EACH for (int k = 0; k < U; k++)

// log256_ps on positive float32 values (src/backend/js/avx-mathfun.ts), in place.
template <int U> inline void log256(__m256d* v) {
  __m256d bad[U], x[U], e[U], small[U], z[U], y[U];
  const __m256d one = _mm256_set1_pd(1);
  TL_EACH {
    bad[k] = _mm256_cmp_pd(v[k], _mm256_setzero_pd(), _CMP_LE_OQ);
    x[k] = _mm256_max_pd(v[k], _mm256_set1_pd(1.1754943508222875e-38));
    const __m128i b = _mm_castps_si128(_mm256_cvtpd_ps(x[k]));
    const __m128i exponent = _mm_sub_epi32(_mm_srli_epi32(b, 23), _mm_set1_epi32(0x7f));
    x[k] = _mm256_cvtps_pd(_mm_castsi128_ps(_mm_or_si128(_mm_and_si128(b, _mm_set1_epi32(~0x7f800000)), _mm_set1_epi32(0x3f000000))));
    e[k] = _mm256_cvtepi32_pd(_mm_add_epi32(exponent, _mm_set1_epi32(1)));
    small[k] = _mm256_cmp_pd(x[k], K(0.707106781186547524), _CMP_LT_OQ);
  }
  TL_EACH {
    const __m256d tmp = _mm256_and_pd(small[k], x[k]);
    x[k] = R(_mm256_sub_pd(x[k], one));
    e[k] = _mm256_blendv_pd(e[k], R(_mm256_sub_pd(e[k], one)), small[k]);
    x[k] = R(_mm256_add_pd(x[k], tmp));
  }
  TL_EACH z[k] = R(_mm256_mul_pd(x[k], x[k]));
  TL_EACH y[k] = FJ(K(7.0376836292e-2), x[k], K(-1.151461031e-1));
  const double P[7] = {1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1};
  for (int i = 0; i < 7; i++) {
    const __m256d c = K(P[i]);
    TL_EACH y[k] = FJ(y[k], x[k], c);
  }
  TL_EACH y[k] = R(_mm256_mul_pd(y[k], x[k]));
  TL_EACH y[k] = FJ(y[k], z[k], R(_mm256_mul_pd(e[k], K(-2.12194440e-4))));
  TL_EACH y[k] = FJ(_mm256_xor_pd(z[k], _mm256_set1_pd(-0.0)), _mm256_set1_pd(0.5), y[k]);
  TL_EACH x[k] = R(_mm256_add_pd(x[k], y[k]));
  TL_EACH x[k] = FJ(e[k], K(0.693359375), x[k]);
  TL_EACH v[k] = _mm256_blendv_pd(x[k], _mm256_set1_pd(__builtin_nan("")), bad[k]);
}

// sincos256_ps on float32 values in [0, 2^31) (src/backend/js/avx-mathfun.ts).
template <int U> inline void sincos256(const __m256d* x0, __m256d* sin_out, __m256d* cos_out) {
  const __m256d sign_bit = _mm256_set1_pd(-0.0);
  const __m128i four = _mm_set1_epi32(4), two = _mm_set1_epi32(2), zero = _mm_setzero_si128();
  __m256d sign_sin[U], sign_cos[U], sin_first[U], x[U], y[U], z[U], c[U], s[U];
  TL_EACH {
    // x0 < 0 || x0 is -0: its sign bit (the inputs are never NaN).
    sign_sin[k] = _mm256_and_pd(x0[k], sign_bit);
    x[k] = _mm256_andnot_pd(sign_bit, x0[k]);
    __m128i j = _mm256_cvttpd_epi32(R(_mm256_mul_pd(x[k], K(1.27323954473516))));
    j = _mm_and_si128(_mm_add_epi32(j, _mm_set1_epi32(1)), _mm_set1_epi32(~1));
    y[k] = _mm256_cvtepi32_pd(j);
    // j & 4 flips sin's sign; cos is negated where (~(j - 2) & 4) != 0, i.e. (j - 2) & 4 == 0.
    sign_sin[k] = _mm256_xor_pd(sign_sin[k], _mm256_and_pd(mask_pd(_mm_cmpeq_epi32(_mm_and_si128(j, four), four)), sign_bit));
    sin_first[k] = mask_pd(_mm_cmpeq_epi32(_mm_and_si128(j, two), zero));
    sign_cos[k] = _mm256_and_pd(mask_pd(_mm_cmpeq_epi32(_mm_and_si128(_mm_sub_epi32(j, two), four), zero)), sign_bit);
  }
  TL_EACH x[k] = FJ(y[k], K(-0.78515625), x[k]);
  TL_EACH x[k] = FJ(y[k], K(-2.4187564849853515625e-4), x[k]);
  TL_EACH x[k] = FJ(y[k], K(-3.77489497744594108e-8), x[k]);
  TL_EACH z[k] = R(_mm256_mul_pd(x[k], x[k]));
  TL_EACH {
    c[k] = FJ(K(2.443315711809948e-5), z[k], K(-1.388731625493765e-3));
    s[k] = FJ(K(-1.9515295891e-4), z[k], K(8.3321608736e-3));
  }
  TL_EACH {
    c[k] = FJ(c[k], z[k], K(4.166664568298827e-2));
    s[k] = FJ(s[k], z[k], K(-1.6666654611e-1));
  }
  TL_EACH {
    c[k] = R(_mm256_mul_pd(c[k], z[k]));
    s[k] = R(_mm256_mul_pd(s[k], z[k]));
  }
  TL_EACH {
    c[k] = FJ(c[k], z[k], _mm256_mul_pd(_mm256_xor_pd(z[k], sign_bit), _mm256_set1_pd(0.5)));
    s[k] = FJ(s[k], x[k], x[k]);
  }
  TL_EACH {
    c[k] = R(_mm256_add_pd(c[k], _mm256_set1_pd(1)));
    sin_out[k] = _mm256_xor_pd(_mm256_blendv_pd(c[k], s[k], sin_first[k]), sign_sin[k]);
    cos_out[k] = _mm256_xor_pd(_mm256_blendv_pd(s[k], c[k], sin_first[k]), sign_cos[k]);
  }
}

// normal_fill_16 on U/2 consecutive blocks of 16: vector 2b + h holds lanes d[16b + 4h ..] (u1)
// and d[16b + 8 + 4h ..] (u2).
template <int U> inline void box_muller(float* d, __m256d mean, __m256d std_) {
  __m256d l[U], a[U], sn[U], cs[U];
  TL_EACH {
    float* p = d + 16 * (k / 2) + 4 * (k % 2);
    l[k] = R(_mm256_sub_pd(_mm256_set1_pd(1), _mm256_cvtps_pd(_mm_loadu_ps(p))));
    a[k] = R(_mm256_mul_pd(K(2 * 3.14159265358979323846), _mm256_cvtps_pd(_mm_loadu_ps(p + 8))));
  }
  log256<U>(l);
  sincos256<U>(a, sn, cs);
  TL_EACH {
    float* p = d + 16 * (k / 2) + 4 * (k % 2);
    const __m256d radius = R(_mm256_sqrt_pd(R(_mm256_mul_pd(_mm256_set1_pd(-2), l[k]))));
    _mm_storeu_ps(p, _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(R(_mm256_mul_pd(radius, cs[k])), std_), mean)));
    _mm_storeu_ps(p + 8, _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(R(_mm256_mul_pd(radius, sn[k])), std_), mean)));
  }
}
#undef TL_EACH

}  // namespace

// normal_fill_16 on `blocks` consecutive blocks of 16 uniforms; mean and std are float32 values.
void normal_blocks_f32(float* d, int64_t blocks, double mean, double std_) {
  const __m256d m = _mm256_set1_pd(mean), s = _mm256_set1_pd(std_);
  int64_t b = 0;
  // 8 blocks (16 vectors) in lockstep measured fastest (5.7 -> 4.2 ns per element from 2 blocks).
  for (; b + 8 <= blocks; b += 8) box_muller<16>(d + 16 * b, m, s);
  for (; b < blocks; b++) box_muller<2>(d + 16 * b, m, s);
}

}  // namespace avx2
}  // namespace tl
