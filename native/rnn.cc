// Fused LSTM cell forward and backward (see rnn.h). The composed version costs ten
// elementwise ops (each a call, an allocation and a pass over memory) per step forward and
// about twenty backward; here each direction is one pass. float32 uses exp and tanh
// written as plain loops the compiler vectorizes (Cephes' single-precision polynomials,
// within 2 ulp, as PyTorch's own vectorized Sleef kernels are not glibc's either).
#include "rnn.h"

#if defined(__GNUC__) && !defined(__clang__)
#define TL_NO_ALIAS _Pragma("GCC ivdep")
#else
#define TL_NO_ALIAS
#endif

#include <cstring>

#include "parallel.h"
#include "vec_math.h"

namespace tl {
namespace {

TL_VECTORIZABLE_SELECTS inline float sigmoid_f(float x) { return 1.0f / (1.0f + exp_f(-x)); }

// Cephes tanhf: an odd polynomial below |x| = 0.625, 1 - 2 / (e^2|x| + 1) above (no cancellation there).
TL_VECTORIZABLE_SELECTS inline float tanh_f(float x) {
  const float ax = x < 0 ? -x : x;
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float big = 1.0f - 2.0f / (exp_f(2.0f * ax) + 1.0f);
  const float signed_big = x < 0 ? -big : big;
  return ax < 0.625f ? small : signed_big;
}

inline double sigmoid_f(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double tanh_f(double x) { return std::tanh(x); }

template <class T> T* ptr(const View& v) { return v.data == nullptr ? nullptr : reinterpret_cast<T*>(v.data) + v.offset; }

template <class T>
TL_VECTORIZABLE_SELECTS void forward_rows(int64_t b0, int64_t b1, int64_t H, const T* xg, const T* hg, const T* cx, T* hy, T* cy, T* ws) {
  const int64_t G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    const T* x = xg + b * G;
    const T* h = hg + b * G;
    T* w = ws + b * G;
    for (int64_t k = 0; k < 2 * H; k++) w[k] = sigmoid_f(static_cast<T>(h[k] + x[k]));  // i, f
    for (int64_t k = 2 * H; k < 3 * H; k++) w[k] = tanh_f(static_cast<T>(h[k] + x[k]));  // g
    for (int64_t k = 3 * H; k < G; k++) w[k] = sigmoid_f(static_cast<T>(h[k] + x[k]));  // o
    const T* c = cx + b * H;
    T* co = cy + b * H;
    T* ho = hy + b * H;
    // The composed op order: f * cx + i * g, then o * tanh(cy).
    for (int64_t j = 0; j < H; j++) co[j] = static_cast<T>(w[H + j] * c[j]) + static_cast<T>(w[j] * w[2 * H + j]);
    for (int64_t j = 0; j < H; j++) ho[j] = w[3 * H + j] * tanh_f(co[j]);
  }
}

// DH / DC: whether dhy / dcy are given (template flags keep the loop free of branches).
template <class T, bool DH, bool DC>
TL_VECTORIZABLE_SELECTS void backward_rows(int64_t b0, int64_t b1, int64_t H, const T* dhy, const T* dcy, const T* ws, const T* cx, const T* cy,
                   T* dg, T* dcx) {
  const int64_t G = 4 * H;
  for (int64_t b = b0; b < b1; b++) {
    // One pointer per chunk: indexing w[3 * H + j] defeats GCC's vectorizer ("complicated access pattern").
    const T *wi = ws + b * G, *wf = wi + H, *wg = wf + H, *wo = wg + H;
    T *di = dg + b * G, *df = di + H, *dgg = df + H, *dout = dgg + H;
    const T *c = cx + b * H, *cyb = cy + b * H, *gh_row = DH ? dhy + b * H : nullptr, *gc_row = DC ? dcy + b * H : nullptr;
    T* dc = dcx + b * H;
    // tanh(cy) first, into dcx (overwritten below): the loop of arithmetic then vectorizes.
    for (int64_t j = 0; j < H; j++) dc[j] = tanh_f(cyb[j]);
    // Outputs never alias inputs (the JS side allocates them); too many streams for GCC's run-time overlap checks.
    TL_NO_ALIAS
    for (int64_t j = 0; j < H; j++) {
      const T i = wi[j], f = wf[j], g = wg[j], o = wo[j];
      const T tc = dc[j];
      const T gh = DH ? gh_row[j] : T(0);
      // hy = o * tanh(cy): the gradients of o and of cy through tanh.
      const T go = static_cast<T>(gh * tc);
      const T gc_h = static_cast<T>(static_cast<T>(gh * o) * static_cast<T>(T(1) - tc * tc));
      const T gc = DC ? static_cast<T>(gc_row[j] + gc_h) : gc_h;
      // cy = f * cx + i * g; each gate's pre-activation through sigmoid (g: tanh).
      const T gi = static_cast<T>(gc * g), gf = static_cast<T>(gc * c[j]), gg = static_cast<T>(gc * i);
      di[j] = static_cast<T>(gi * (T(1) - i)) * i;
      df[j] = static_cast<T>(gf * (T(1) - f)) * f;
      dgg[j] = gg * static_cast<T>(T(1) - g * g);
      dout[j] = static_cast<T>(go * (T(1) - o)) * o;
      dc[j] = gc * f;
    }
  }
}

template <class T>
void backward_any(int64_t b0, int64_t b1, int64_t H, const T* dhy, const T* dcy, const T* ws, const T* cx, const T* cy,
                  T* dg, T* dcx) {
  if (dhy && dcy) backward_rows<T, true, true>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else if (dhy) backward_rows<T, true, false>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else if (dcy) backward_rows<T, false, true>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
  else backward_rows<T, false, false>(b0, b1, H, dhy, dcy, ws, cx, cy, dg, dcx);
}

// Rows per thread worth waking the pool for: below ~16k elements one thread is faster.
int threads_for_rows(int64_t B, int64_t H) { return threads_for(B * H, 16384); }

}  // namespace

bool lstm_cell(const View& xg, const View& hg, const View& cx, const View& hy, const View& cy, const View& ws) {
  const int64_t B = cx.shape[0], H = cx.shape[1];
  const int type = xg.type;
  if ((type != F32 && type != F64) || hg.type != type || cx.type != type || hy.type != type || cy.type != type || ws.type != type) return false;
  parallel(threads_for_rows(B, H), [&](int tid, int n) {
    int64_t b0, b1;
    split_range(B, tid, n, b0, b1);
    if (type == F32) forward_rows<float>(b0, b1, H, ptr<float>(xg), ptr<float>(hg), ptr<float>(cx), ptr<float>(hy), ptr<float>(cy), ptr<float>(ws));
    else forward_rows<double>(b0, b1, H, ptr<double>(xg), ptr<double>(hg), ptr<double>(cx), ptr<double>(hy), ptr<double>(cy), ptr<double>(ws));
  });
  return true;
}

bool lstm_cell_backward(const View& dhy, const View& dcy, const View& ws, const View& cx, const View& cy, const View& dgates,
                        const View& dcx) {
  const int64_t B = cx.shape[0], H = cx.shape[1];
  const int type = ws.type;
  if ((type != F32 && type != F64) || cx.type != type || cy.type != type || dgates.type != type || dcx.type != type) return false;
  if ((dhy.data && dhy.type != type) || (dcy.data && dcy.type != type)) return false;
  parallel(threads_for_rows(B, H), [&](int tid, int n) {
    int64_t b0, b1;
    split_range(B, tid, n, b0, b1);
    if (type == F32) {
      backward_any<float>(b0, b1, H, ptr<float>(dhy), ptr<float>(dcy), ptr<float>(ws), ptr<float>(cx), ptr<float>(cy), ptr<float>(dgates), ptr<float>(dcx));
    } else {
      backward_any<double>(b0, b1, H, ptr<double>(dhy), ptr<double>(dcy), ptr<double>(ws), ptr<double>(cx), ptr<double>(cy), ptr<double>(dgates), ptr<double>(dcx));
    }
  });
  return true;
}

}  // namespace tl
