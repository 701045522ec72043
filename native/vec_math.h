// Elementwise math written as plain inline code that GCC and clang vectorize inside loops
// (std::exp and friends are calls into libm, one element at a time).
#pragma once

#include <cstdint>
#include <cstring>

// For these helpers and the functions whose loops call them (the options must match for GCC
// to inline): with the default -ftrapping-math GCC turns their selects (clamps, range checks)
// into branches and does not vectorize the loop. Nothing here reads floating-point exception flags.
#if defined(__GNUC__) && !defined(__clang__)
#define TL_VECTORIZABLE_SELECTS __attribute__((optimize("no-trapping-math")))
#else
#define TL_VECTORIZABLE_SELECTS
#endif

namespace tl {

// e^x for float, Cephes' expf: x = n ln2 + r, e^r by a degree-6 polynomial, 2^n by the
// exponent bits; within 2 ulp of the correctly rounded result for x in [-87.3, 88.7].
// Past that: +inf above (as expf), 0 below (expf gives denormals there, all < 1.2e-38).
TL_VECTORIZABLE_SELECTS inline float exp_f(float x) {
  const float lo = -87.3365479f, hi = 88.7228394f;  // e^lo is the smallest normal float, e^hi the largest float
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  // Round xc*log2(e) to nearest with the 1.5 * 2^23 trick (vectorizes without SSE4.1 roundps).
  float fx = xc * 1.44269504088896341f + 12582912.0f;
  fx -= 12582912.0f;
  float r = xc - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  // 2^n as two factors 2^(n/2) 2^(n - n/2): n reaches 128 near hi, past the exponent range of one.
  const int32_t n = static_cast<int32_t>(fx);
  const int32_t n1 = n >> 1, n2 = n - n1;
  const int32_t b1 = (n1 + 127) << 23, b2 = (n2 + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  const float v = p * s1 * s2;
  const float inf = __builtin_inff();
  return x > hi ? inf : x < lo ? 0.0f : v;
}

}  // namespace tl
