// Picks unary_fma.cc's or unary_avx512.cc's loops by cpuid (simd_math.h).
#include "simd_math.h"

#include "gemm.h"

// The baseline build of the softmax lines and LSTM rows (SSE2 on x86, SIMD128 in wasm).
#define TL_UNARY_NS base
#include "lstm_impl.h"
#include "softmax_impl.h"
#undef TL_UNARY_NS

namespace tl {

#if defined(TL_HAVE_X86_KERNELS)
#define TL_DECLARE_SIMD_MATH(NS)                                                        \
  namespace NS {                                                                        \
  bool unary_f32(int op, float* o, const float* a, int64_t n, const double* args);      \
  bool binary_f32(int op, float* o, const float* a, const float* b, int64_t n,          \
                  const double* args);                                                  \
  bool bce_f32(float* l, const float* x, const float* y, int64_t n, bool* out_of_range); \
  void softmax_line_f32(const float* x, float* o, int64_t n, bool log, int mode);        \
  void softmax_backward_line_f32(const float* g, const float* y, float* o, int64_t n, bool log, int mode); \
  void lstm_forward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* xg, const float* hg, \
                             const float* cx, float* hy, float* cy, float* ws);                   \
  void lstm_backward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* dhy, const float* dcy, \
                              const float* ws, const float* cx, const float* cy, float* dg, float* dcx); \
  }
TL_DECLARE_SIMD_MATH(fma)
TL_DECLARE_SIMD_MATH(avx512)
#undef TL_DECLARE_SIMD_MATH

namespace {
const int kIsa = detect_isa();  // its AVX2 level includes FMA
}  // namespace

bool simd_unary_f32(int op, float* o, const float* a, int64_t n, const double* args) {
  if (kIsa == ISA_AVX512) return avx512::unary_f32(op, o, a, n, args);
  return kIsa == ISA_AVX2 && fma::unary_f32(op, o, a, n, args);
}

bool simd_binary_f32(int op, float* o, const float* a, const float* b, int64_t n, const double* args) {
  if (kIsa == ISA_AVX512) return avx512::binary_f32(op, o, a, b, n, args);
  return kIsa == ISA_AVX2 && fma::binary_f32(op, o, a, b, n, args);
}

bool simd_bce_f32(float* l, const float* x, const float* y, int64_t n, bool* out_of_range) {
  if (kIsa == ISA_AVX512) return avx512::bce_f32(l, x, y, n, out_of_range);
  return kIsa == ISA_AVX2 && fma::bce_f32(l, x, y, n, out_of_range);
}
void softmax_line_f32(const float* x, float* o, int64_t n, bool log, int mode) {
  if (kIsa == ISA_AVX512) avx512::softmax_line_f32(x, o, n, log, mode);
  else if (kIsa == ISA_AVX2) fma::softmax_line_f32(x, o, n, log, mode);
  else base::softmax_line_f32(x, o, n, log, mode);
}

void softmax_backward_line_f32(const float* g, const float* y, float* o, int64_t n, bool log, int mode) {
  if (kIsa == ISA_AVX512) avx512::softmax_backward_line_f32(g, y, o, n, log, mode);
  else if (kIsa == ISA_AVX2) fma::softmax_backward_line_f32(g, y, o, n, log, mode);
  else base::softmax_backward_line_f32(g, y, o, n, log, mode);
}

void lstm_forward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* xg, const float* hg, const float* cx, float* hy,
                           float* cy, float* ws) {
  if (kIsa == ISA_AVX512) avx512::lstm_forward_rows_f32(b0, b1, H, xg, hg, cx, hy, cy, ws);
  else if (kIsa == ISA_AVX2) fma::lstm_forward_rows_f32(b0, b1, H, xg, hg, cx, hy, cy, ws);
  else base::lstm_forward_rows_f32(b0, b1, H, xg, hg, cx, hy, cy, ws);
}

void lstm_backward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* dhy, const float* dcy, const float* ws,
                            const float* cx, const float* cy, float* dg, float* dcx) {
  if (kIsa == ISA_AVX512) avx512::lstm_backward_rows_f32(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else if (kIsa == ISA_AVX2) fma::lstm_backward_rows_f32(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else base::lstm_backward_rows_f32(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
}
#else
void lstm_forward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* xg, const float* hg, const float* cx, float* hy,
                           float* cy, float* ws) {
  base::lstm_forward_rows_f32(b0, b1, H, xg, hg, cx, hy, cy, ws);
}
void lstm_backward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* dhy, const float* dcy, const float* ws,
                            const float* cx, const float* cy, float* dg, float* dcx) {
  base::lstm_backward_rows_f32(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
}
void softmax_line_f32(const float* x, float* o, int64_t n, bool log, int mode) { base::softmax_line_f32(x, o, n, log, mode); }
void softmax_backward_line_f32(const float* g, const float* y, float* o, int64_t n, bool log, int mode) {
  base::softmax_backward_line_f32(g, y, o, n, log, mode);
}
bool simd_unary_f32(int, float*, const float*, int64_t, const double*) { return false; }
bool simd_binary_f32(int, float*, const float*, const float*, int64_t, const double*) { return false; }
bool simd_bce_f32(float*, const float*, const float*, int64_t, bool*) { return false; }
#endif

}  // namespace tl
