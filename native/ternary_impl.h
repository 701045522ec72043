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
void rows_f64(int op, int64_t n, double v, double* o, const double* x, const double* a, const double* b) {
  rows<double>(op, n, v, o, x, a, b);
}

}  // namespace TL_TERNARY_NS
}  // namespace tl
