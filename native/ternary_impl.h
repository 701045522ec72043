// The contiguous-row loops of the ternary kernel (addcmul, addcdiv, lerp), included
// by ternary.cc (baseline: fma is a libm call) and ternary_fma.cc (built with -mfma,
// only run when cpuid has FMA: fma is one instruction and the loops vectorise).
// __builtin_fma{,f} rather than std::fma: std::fma is an inline function, and one
// copy compiled with -mfma could be picked by the linker for baseline code too.
//
// The including file defines TL_TERNARY_NS. Rounding as src/backend/js/ternary.ts
// (PyTorch 1.13's CPU kernels): addcmul = fma(value * t1, t2, self), addcdiv rounds
// three times, lerp = |w| < 0.5 ? fma(w, end - self, self) : fma(-(end - self), 1 - w, end).
#include <cstdint>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace tl {
namespace TL_TERNARY_NS {

inline float fused(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
inline double fused(double a, double b, double c) { return __builtin_fma(a, b, c); }

template <class T>
void rows(int op, int64_t n, T v, T* o, const T* x, const T* a, const T* b) {
  switch (op) {
    case 0:  // addcmul
      for (int64_t i = 0; i < n; i++) o[i] = fused(v * a[i], b[i], x[i]);
      break;
    case 1:  // addcdiv
      for (int64_t i = 0; i < n; i++) o[i] = (v * a[i]) / b[i] + x[i];
      break;
    case 2:  // lerp (tensor weight b)
      for (int64_t i = 0; i < n; i++) {
        const T d = a[i] - x[i], w = b[i];
        o[i] = (w < T(0.5) && w > T(-0.5)) ? fused(w, d, x[i]) : fused(-d, T(1) - w, a[i]);
      }
      break;
    default: {  // lerpScalar (weight v)
      const bool small = v < T(0.5) && v > T(-0.5);
      const T omw = T(1) - v;
      if (small)
        for (int64_t i = 0; i < n; i++) o[i] = fused(v, a[i] - x[i], x[i]);
      else
        for (int64_t i = 0; i < n; i++) o[i] = fused(-(a[i] - x[i]), omw, a[i]);
      break;
    }
  }
}

void rows_f32(int op, int64_t n, double v, float* o, const float* x, const float* a, const float* b) {
  rows<float>(op, n, static_cast<float>(v), o, x, a, b);
}

// One Adam step (PyTorch 1.13's _single_tensor_adam without amsgrad) over n float32
// elements, rounded exactly as the op sequence on these kernels rounds it (every
// scalar already rounded to float32 by the caller, as the ops round theirs):
//   exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)        two roundings each (no contraction)
//   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)   addcmul = fma(value * g, g, v)
//   denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//   param.addcdiv_(exp_avg, denom, value=-step_size)       (value * m) / d + p, three roundings
//
// GCC keeps sqrtf's errno path (a branch) in the scalar loop and will not vectorise it: the
// AVX2 build spells the same operations out on 8 lanes (IEEE ops, lane by lane the same).
void adam_f32(int64_t n, float* p, const float* g, float* m, float* v, const float* s) {
  const float beta1 = s[0], alpha1 = s[1], beta2 = s[2], value2 = s[3], bc2 = s[4], eps = s[5], neg_step = s[6];
  int64_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
  const __m256 vb1 = _mm256_set1_ps(beta1), va1 = _mm256_set1_ps(alpha1), vb2 = _mm256_set1_ps(beta2);
  const __m256 vv2 = _mm256_set1_ps(value2), vbc = _mm256_set1_ps(bc2), veps = _mm256_set1_ps(eps), vns = _mm256_set1_ps(neg_step);
  for (; i + 8 <= n; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), vb1), _mm256_mul_ps(va1, gi));
    const __m256 vi = _mm256_fmadd_ps(_mm256_mul_ps(vv2, gi), gi, _mm256_mul_ps(_mm256_loadu_ps(v + i), vb2));
    const __m256 d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), vbc), veps);
    const __m256 q = _mm256_div_ps(_mm256_mul_ps(vns, mi), d);
    _mm256_storeu_ps(p + i, _mm256_add_ps(q, _mm256_loadu_ps(p + i)));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
  }
#endif
  for (; i < n; i++) {
    const float gi = g[i];
    float mi = m[i] * beta1;
    const float ag = alpha1 * gi;
    mi = mi + ag;
    float vi = v[i] * beta2;
    vi = __builtin_fmaf(value2 * gi, gi, vi);
    float d = __builtin_sqrtf(vi);
    d = d / bc2;
    d = d + eps;
    const float q = (neg_step * mi) / d;
    p[i] = q + p[i];
    m[i] = mi;
    v[i] = vi;
  }
}
void rows_f64(int op, int64_t n, double v, double* o, const double* x, const double* a, const double* b) {
  rows<double>(op, n, v, o, x, a, b);
}

}  // namespace TL_TERNARY_NS
}  // namespace tl
