// The contiguous-row loops of the ternary kernel (addcmul, addcdiv, lerp), included
// by ternary.cc (baseline: fma is a libm call) and ternary_fma.cc (built with -mfma,
// only run when cpuid has FMA: fma is one instruction and the loops vectorise).
// __builtin_fma{,f} rather than std::fma: std::fma is an inline function, and one
// copy compiled with -mfma could be picked by the linker for baseline code too.
//
// The including file defines TL_TERNARY_NS. Rounding as src/backend/js/ternary.ts
// (PyTorch 1.13's CPU kernels): addcmul = fma(value * t1, t2, self), addcdiv rounds
// three times, lerp = |w| < 0.5 ? fma(w, end - self, self) : fma(-(end - self), 1 - w, end).
#include <cmath>
#include <cstdint>

#include "fma_f32.h"
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

// torch.optim.Adadelta's update of n contiguous elements in one pass, rounding each step
// as its op sequence does in the kernels above and elementwise.cc (scalars in the
// tensors' dtype; addcmul fused as above; the other ops one rounding each):
//   sq = sq * rho, sq = addcmul(sq, g, g, 1 - rho); std = sqrt(sq + eps);
//   d = sqrt(acc + eps) / std * g; acc = acc * rho, acc = addcmul(acc, d, d, 1 - rho);
//   p = fma(-lr, d, p) on float32 (add_ with alpha, one rounding as PyTorch's), p + (-lr) * d
//   on float64 (as elementwise.cc's add); p + d when -lr is 1.
template <class T>
void adadelta_rows(int64_t n, T* p, const T* g, T* sq, T* acc, double lr, double rho, double eps, int64_t i = 0) {
  const T r = static_cast<T>(rho), c = static_cast<T>(1 - rho), e = static_cast<T>(eps), alpha = static_cast<T>(-lr);
  const bool unit = -lr == 1;
  for (; i < n; i++) {
    const T gi = g[i];
    T s = sq[i] * r;
    s = fused(c * gi, gi, s);
    sq[i] = s;
    const T sd = std::sqrt(s + e);
    T d = std::sqrt(acc[i] + e);
    d = d / sd;
    d = d * gi;
    T a = acc[i] * r;
    a = fused(c * d, d, a);
    acc[i] = a;
    // float32: add_ with alpha is one fused multiply-add, as PyTorch's; float64 rounds the
    // product first, as the JS backend's add does (PyTorch fuses there too).
    if constexpr (sizeof(T) == sizeof(float)) p[i] = unit ? p[i] + d : fused(alpha, d, p[i]);
    else p[i] = unit ? p[i] + d : p[i] + alpha * d;
  }
}

#if defined(__AVX2__) && defined(__FMA__)
// The FMA build: 8 (4) lanes at a time with the same operations (sqrt and div are
// correctly rounded, fmadd is the scalar loop's fused()), the scalar loop for the tail.
// (Written out: GCC keeps std::sqrt's errno path, which stops the loop vectorising.)
inline int64_t adadelta_simd(int64_t n, float* p, const float* g, float* sq, float* acc, double lr, double rho, double eps) {
  const __m256 r = _mm256_set1_ps(static_cast<float>(rho)), c = _mm256_set1_ps(static_cast<float>(1 - rho));
  const __m256 e = _mm256_set1_ps(static_cast<float>(eps)), alpha = _mm256_set1_ps(static_cast<float>(-lr));
  const bool unit = -lr == 1;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 s = _mm256_fmadd_ps(_mm256_mul_ps(c, gi), gi, _mm256_mul_ps(_mm256_loadu_ps(sq + i), r));
    _mm256_storeu_ps(sq + i, s);
    const __m256 sd = _mm256_sqrt_ps(_mm256_add_ps(s, e));
    const __m256 a0 = _mm256_loadu_ps(acc + i);
    const __m256 d = _mm256_mul_ps(_mm256_div_ps(_mm256_sqrt_ps(_mm256_add_ps(a0, e)), sd), gi);
    _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(_mm256_mul_ps(c, d), d, _mm256_mul_ps(a0, r)));
    const __m256 pv = _mm256_loadu_ps(p + i);
    _mm256_storeu_ps(p + i, unit ? _mm256_add_ps(pv, d) : _mm256_fmadd_ps(alpha, d, pv));
  }
  return i;
}
inline int64_t adadelta_simd(int64_t n, double* p, const double* g, double* sq, double* acc, double lr, double rho, double eps) {
  const __m256d r = _mm256_set1_pd(rho), c = _mm256_set1_pd(1 - rho), e = _mm256_set1_pd(eps), alpha = _mm256_set1_pd(-lr);
  const bool unit = -lr == 1;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d gi = _mm256_loadu_pd(g + i);
    const __m256d s = _mm256_fmadd_pd(_mm256_mul_pd(c, gi), gi, _mm256_mul_pd(_mm256_loadu_pd(sq + i), r));
    _mm256_storeu_pd(sq + i, s);
    const __m256d sd = _mm256_sqrt_pd(_mm256_add_pd(s, e));
    const __m256d a0 = _mm256_loadu_pd(acc + i);
    const __m256d d = _mm256_mul_pd(_mm256_div_pd(_mm256_sqrt_pd(_mm256_add_pd(a0, e)), sd), gi);
    _mm256_storeu_pd(acc + i, _mm256_fmadd_pd(_mm256_mul_pd(c, d), d, _mm256_mul_pd(a0, r)));
    const __m256d pv = _mm256_loadu_pd(p + i);
    _mm256_storeu_pd(p + i, unit ? _mm256_add_pd(pv, d) : _mm256_add_pd(pv, _mm256_mul_pd(alpha, d)));
  }
  return i;
}
#else
template <class T> inline int64_t adadelta_simd(int64_t, T*, const T*, T*, T*, double, double, double) { return 0; }
#endif

void adadelta_f32(int64_t n, float* p, const float* g, float* sq, float* acc, double lr, double rho, double eps) {
  adadelta_rows<float>(n, p, g, sq, acc, lr, rho, eps, adadelta_simd(n, p, g, sq, acc, lr, rho, eps));
}
void adadelta_f64(int64_t n, double* p, const double* g, double* sq, double* acc, double lr, double rho, double eps) {
  adadelta_rows<double>(n, p, g, sq, acc, lr, rho, eps, adadelta_simd(n, p, g, sq, acc, lr, rho, eps));
}

// One Adam step (PyTorch 1.13's _single_tensor_adam without amsgrad) over n float32
// elements, rounded exactly as the op sequence on these kernels rounds it (every
// scalar already rounded to float32 by the caller, as the ops round theirs):
//   exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)        mul_ rounds, add_ = fma(alpha, g, m)
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
    const __m256 mi = _mm256_fmadd_ps(va1, gi, _mm256_mul_ps(_mm256_loadu_ps(m + i), vb1));
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
    const float mi = fused(alpha1, gi, m[i] * beta1);
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
// One SGD step with momentum once the momentum buffer exists (PyTorch 1.13's
// _single_tensor_sgd) over n float32 elements, rounded as the op sequence on these
// kernels rounds it (s: weight_decay, momentum, 1 - dampening, -lr, as float32):
//   d_p = -grad if maximize else grad
//   d_p = d_p.add(param, alpha=weight_decay)             if weight_decay != 0: fma
//   buf.mul_(momentum).add_(d_p, alpha=1 - dampening)    mul_ rounds, add_ = fma
//   d_p = d_p.add(buf, alpha=momentum) if nesterov else buf
//   param.add_(d_p, alpha=-lr)                           fma
// (An alpha of 1 makes the fma the rounded sum, as the add kernel's.)
template <bool kMaximize, bool kDecay, bool kNesterov, class Fma>
void sgd_loop(int64_t n, const float* p, const float* g, const float* b, float* p_out, float* b_out, const float* s,
              Fma fma) {
  const float weight_decay = s[0], momentum = s[1], alpha = s[2], neg_lr = s[3];
  for (int64_t i = 0; i < n; i++) {
    float d = kMaximize ? -g[i] : g[i];
    if (kDecay) d = fma(weight_decay, p[i], d);
    const float bm = b[i] * momentum;
    const float bi = alpha == 1 ? d + bm : fma(alpha, d, bm);  // add_ with alpha 1: the rounded sum
    const float pi = fma(neg_lr, kNesterov ? fma(momentum, bi, d) : bi, p[i]);
    b_out[i] = bi;
    p_out[i] = pi;
  }
}

// Without an FMA instruction each fma is its double product-and-sum rounded once, exact
// unless that sum was rounded and lies halfway between two floats (fma_f32.h); a block
// where one does is redone with fmaf. (fma_f32 per element would not do: compilers speculate its fmaf call,
// a libm routine in wasm, into every element.)
template <bool kMaximize, bool kDecay, bool kNesterov>
void sgd_run(int64_t n, float* p, const float* g, float* b, const float* s) {
  const auto exact = [](float x, float y, float z) { return __builtin_fmaf(x, y, z); };
#if defined(__FMA__)
  sgd_loop<kMaximize, kDecay, kNesterov>(n, p, g, b, p, b, s, exact);
#else
  constexpr int64_t kBlock = 256;
  float pt[kBlock], bt[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t m = n - i0 < kBlock ? n - i0 : kBlock;
    int halfway = 0;
    sgd_loop<kMaximize, kDecay, kNesterov>(m, p + i0, g + i0, b + i0, pt, bt, s, [&halfway](float x, float y, float z) {
      const double prod = double(x) * double(y), r = prod + double(z);
      // r's rounding error (TwoSum): a sum that is exact rounds to float correctly even
      // when halfway (an alpha of 1 or a power of two makes those common).
      const double bv = r - prod, err = (prod - (r - bv)) + (double(z) - bv);
      halfway |= halfway_between_floats(r) & (err != 0);
      return static_cast<float>(r);
    });
    if (halfway) sgd_loop<kMaximize, kDecay, kNesterov>(m, p + i0, g + i0, b + i0, pt, bt, s, exact);
    std::memcpy(p + i0, pt, m * sizeof(float));
    std::memcpy(b + i0, bt, m * sizeof(float));
  }
#endif
}

void sgd_f32(int64_t n, float* p, const float* g, float* b, const float* s, bool maximize, bool nesterov) {
  const bool decay = s[0] != 0;
  switch ((maximize ? 4 : 0) | (decay ? 2 : 0) | (nesterov ? 1 : 0)) {
    case 0: return sgd_run<false, false, false>(n, p, g, b, s);
    case 1: return sgd_run<false, false, true>(n, p, g, b, s);
    case 2: return sgd_run<false, true, false>(n, p, g, b, s);
    case 3: return sgd_run<false, true, true>(n, p, g, b, s);
    case 4: return sgd_run<true, false, false>(n, p, g, b, s);
    case 5: return sgd_run<true, false, true>(n, p, g, b, s);
    case 6: return sgd_run<true, true, false>(n, p, g, b, s);
    default: return sgd_run<true, true, true>(n, p, g, b, s);
  }
}

void rows_f64(int op, int64_t n, double v, double* o, const double* x, const double* a, const double* b) {
  rows<double>(op, n, v, o, x, a, b);
}

}  // namespace TL_TERNARY_NS
}  // namespace tl
