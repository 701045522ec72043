// Negative log-likelihood loss and its gradient, as src/backend/js/loss.ts (PyTorch's
// nll_loss): the reduced forms use PyTorch's 8-level cascade sum in the input's own
// precision, so float32 results match it (and the JS backend) bit for bit.
// Binary cross entropy and its gradient (PyTorch's binary_cross_entropy CPU kernels):
// each element in the input's precision with PyTorch's operation order, and the mean
// or sum as at::sum's vectorized cascade adds them, so a single-threaded PyTorch and
// the JS backend give the same bits.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "kernels.h"
#include "parallel.h"
#include "simd_math.h"

namespace tl {

namespace {

int ceil_log2(int64_t n) { return n <= 2 ? 1 : static_cast<int>(std::ceil(std::log2(static_cast<double>(n)))); }

template <class T>
void nll_typed(const View& input, const View& target, const View* weight, double ignore, int reduction, const View& out,
               const View& total_weight) {
  const int64_t N = input.shape[0], S = input.shape[2];
  const int64_t xn = input.strides[0], xc = input.strides[1], xs = input.strides[2];
  const int64_t tn = target.strides[0], ts = target.strides[1];
  const T* X = reinterpret_cast<const T*>(input.data);
  auto target_at = [&](int64_t n, int64_t s) { return static_cast<double>(load_as<int64_t>(target.data, target.type, target.offset + n * tn + s * ts)); };
  auto weight_of = [&](int64_t t) -> double {
    return weight ? load_as<double>(weight->data, weight->type, weight->offset + t * weight->strides[0]) : 1.0;
  };
  if (reduction == 0) {  // none
    double total = 0;
    for (int64_t n = 0; n < N; n++)
      for (int64_t s = 0; s < S; s++) {
        const double t = target_at(n, s);
        if (t == ignore) {
          store_as<double>(out.data, out.type, out.offset + n * S + s, 0.0);
          continue;
        }
        const int64_t ti = static_cast<int64_t>(t);
        const double w = weight_of(ti);
        total += w;
        store_as<double>(out.data, out.type, out.offset + n * S + s, -(static_cast<double>(X[input.offset + n * xn + ti * xc + s * xs]) * w));
      }
    store_as<double>(total_weight.data, total_weight.type, total_weight.offset, total);
    return;
  }
  // The cascade: level j+1 absorbs level j every 16^(j+1) elements (in T arithmetic).
  const int64_t numiter = N * S;
  constexpr int kLevels = 8;
  const int power = std::max(4, ceil_log2(numiter) / kLevels);
  const uint64_t mask = (uint64_t(1) << power) - 1;
  T loss[kLevels] = {0}, wsum[kLevels] = {0};
  int64_t ignored = 0;
  for (int64_t n = 0; n < N; n++)
    for (int64_t s = 0; s < S; s++) {
      const uint64_t b = static_cast<uint64_t>(n * S + s);
      const double t = target_at(n, s);
      if (t == ignore) {
        ignored++;
        continue;
      }
      const int64_t ti = static_cast<int64_t>(t);
      const T x = X[input.offset + n * xn + ti * xc + s * xs];
      if (weight) {
        const T w = static_cast<T>(weight_of(ti));
        loss[0] = loss[0] - x * w;
        wsum[0] = wsum[0] + w;
      } else {
        loss[0] = loss[0] - x;
      }
      for (int j = 0; j + 1 < kLevels; j++) {
        const int shift = j * power;
        if (shift < 64 && ((b >> shift) & mask) != 0) break;
        loss[j + 1] = loss[j + 1] + loss[j];
        wsum[j + 1] = wsum[j + 1] + wsum[j];
        loss[j] = 0;
        wsum[j] = 0;
      }
    }
  T total = static_cast<T>(numiter - ignored);
  if (weight) {
    total = 0;
    for (int j = 0; j < kLevels; j++) total = total + wsum[j];
  }
  T value = 0;
  for (int j = 0; j < kLevels; j++) value = value + loss[j];
  const double result = reduction == 1 ? static_cast<double>(value) / static_cast<double>(total) : static_cast<double>(value);
  store_as<double>(out.data, out.type, out.offset, result);
  store_as<double>(total_weight.data, total_weight.type, total_weight.offset, static_cast<double>(total));
}

template <class T>
void nll_backward_typed(const View& grad, const View& target, const View* weight, double ignore, int reduction,
                        double total_weight, const View& out) {
  const int64_t N = target.shape[0], S = target.shape[1];
  const int64_t C = out.numel() / std::max<int64_t>(1, N * S);
  const int64_t tn = target.strides[0], ts = target.strides[1];
  T* O = out.ptr<T>();
  std::fill(O, O + out.numel(), T(0));
  const T* G = reinterpret_cast<const T*>(grad.data);
  // Reduced: one scalar, -(grad / total_weight) (mean, rounded to T) or -grad.
  double scalar = 0;
  if (reduction != 0) {
    const double g = static_cast<double>(G[grad.offset]);
    scalar = -(reduction == 1 ? static_cast<double>(static_cast<T>(g / total_weight)) : g);
  }
  const int64_t gn = reduction == 0 ? grad.strides[0] : 0, gs = reduction == 0 ? grad.strides[1] : 0;
  for (int64_t n = 0; n < N; n++)
    for (int64_t s = 0; s < S; s++) {
      const double t = static_cast<double>(load_as<int64_t>(target.data, target.type, target.offset + n * tn + s * ts));
      if (t == ignore) continue;
      const int64_t ti = static_cast<int64_t>(t);
      const double w = weight ? load_as<double>(weight->data, weight->type, weight->offset + ti * weight->strides[0]) : 1.0;
      const double g = reduction == 0 ? -static_cast<double>(G[grad.offset + n * gn + s * gs]) : scalar;
      O[(n * C + ti) * S + s] = static_cast<T>(w * g);
    }
}

}  // namespace

int nll_loss(const View& input, const View& target, const View* weight, double ignore, int reduction, const View& out,
             const View& total_weight, double* bad) {
  if (input.type != F32 && input.type != F64) return 1;
  // Every target is a class index or ignoreIndex, checked before anything is written.
  const int64_t N = input.shape[0], C = input.shape[1], S = input.shape[2];
  for (int64_t n = 0; n < N; n++)
    for (int64_t s = 0; s < S; s++) {
      const double t = static_cast<double>(load_as<int64_t>(target.data, target.type, target.offset + n * target.strides[0] + s * target.strides[1]));
      if (t != ignore && !(t >= 0 && t < static_cast<double>(C))) {
        *bad = t;
        return 2;
      }
    }
  if (input.type == F32) nll_typed<float>(input, target, weight, ignore, reduction, out, total_weight);
  else nll_typed<double>(input, target, weight, ignore, reduction, out, total_weight);
  return 0;
}

bool nll_loss_backward(const View& grad, const View& target, const View* weight, double ignore, int reduction,
                       double total_weight, const View& out) {
  if (grad.type != out.type || (out.type != F32 && out.type != F64)) return false;
  if (out.type == F32) nll_backward_typed<float>(grad, target, weight, ignore, reduction, total_weight, out);
  else nll_backward_typed<double>(grad, target, weight, ignore, reduction, total_weight, out);
  return true;
}


namespace {

// at::sum of a contiguous row on an AVX2 build (Vectorized<T> of 32 bytes) run by one
// thread: 4 vector accumulators (ilp) over 4 cascade levels, then the scalar tail, then
// the lanes in order. Tests check it against torch.sum bit for bit.
template <class T> T torch_cascade_sum(const T* x, int64_t n) {
  constexpr int W = 32 / sizeof(T);
  constexpr int kIlp = 4, kLevels = 4;
  const int64_t vecs = n / W, rows = vecs / kIlp;
  const int64_t power = std::max<int64_t>(4, ceil_log2(rows) / kLevels);
  const int64_t step = int64_t(1) << power, mask = step - 1;
  T acc[kLevels][kIlp][W] = {};
  auto add_row = [&](T (*a)[W], int64_t r) {
    const T* p = x + r * kIlp * W;
    for (int k = 0; k < kIlp; k++)
      for (int l = 0; l < W; l++) a[k][l] = a[k][l] + p[k * W + l];
  };
  int64_t i = 0;
  while (i + step <= rows) {
    for (int64_t j = 0; j < step; j++, i++) add_row(acc[0], i);
    for (int j = 1; j < kLevels; j++) {
      for (int k = 0; k < kIlp; k++)
        for (int l = 0; l < W; l++) {
          acc[j][k][l] = acc[j][k][l] + acc[j - 1][k][l];
          acc[j - 1][k][l] = 0;
        }
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < rows; i++) add_row(acc[0], i);
  for (int j = 1; j < kLevels; j++)
    for (int k = 0; k < kIlp; k++)
      for (int l = 0; l < W; l++) acc[0][k][l] = acc[0][k][l] + acc[j][k][l];
  for (int64_t v = rows * kIlp; v < vecs; v++)
    for (int l = 0; l < W; l++) acc[0][0][l] = acc[0][0][l] + x[v * W + l];
  for (int k = 1; k < kIlp; k++)
    for (int l = 0; l < W; l++) acc[0][0][l] = acc[0][0][l] + acc[0][k][l];
  T total = 0;
  for (int64_t k = vecs * W; k < n; k++) total = total + x[k];
  for (int l = 0; l < W; l++) total = total + acc[0][0][l];
  return total;
}

// Elements per thread: two logs each, so a few thousand pay for a wake-up.
constexpr int64_t kBceGrain = 8192;

// Weight element i as a double (any float dtype), or 1.
inline double weight_at(const View* w, int64_t i) { return load_as<double>(w->data, w->type, w->offset + i); }

template <class T>
bool bce_typed(const View& input, const View& target, const View* weight, int reduction, const View& out) {
  const int64_t n = input.numel();
  const T* X = input.ptr<T>();
  const T* Y = target.ptr<T>();
  // The elementwise losses before a reduction: in the calling thread's scratch.
  T* L = reduction != 0 ? static_cast<T*>(thread_scratch(kLeafScratch).get(sizeof(T) * static_cast<size_t>(n))) : out.ptr<T>();
  bool bad[64] = {};
  const int nth = std::min(64, threads_for(n, kBceGrain));
  parallel(nth, [&](int tid, int nt) {
    int64_t b, e;
    split_range(n, tid, nt, b, e);
    bool out_of_range = false;
    // float32 on x86: the logs vectorized in double (simd_math.h), the JS backend's bits;
    // glibc's logf / log1pf below (PyTorch's) differ from those on 0.02% / 0.2% of the floats in [0, 1].
    if constexpr (std::is_same_v<T, float>) {
      if (simd_bce_f32(L + b, X + b, Y + b, e - b, &out_of_range)) {
        if (weight)
          for (int64_t i = b; i < e; i++) L[i] = static_cast<T>(static_cast<double>(L[i]) * weight_at(weight, i));
        bad[tid] = out_of_range;
        return;
      }
    }
    for (int64_t i = b; i < e; i++) {
      const T x = X[i], y = Y[i];
      out_of_range |= !(x >= T(0) && x <= T(1));
      // PyTorch: (y - 1) * max(log1p(-x), -100) - y * max(log(x), -100), in T. A target
      // of 0 or 1 (most pixels of an image target) multiplies one log by 0, where only
      // its sign class matters (both logs are <= 0): that log is not computed.
      T log1m = T(-1), logx = T(-1);
      if (y != T(1)) log1m = std::max(static_cast<T>(std::log1p(-x)), T(-100));
      if (y != T(0)) logx = std::max(static_cast<T>(std::log(x)), T(-100));
      else if (x == T(1)) logx = T(0);  // log 1 = +0: 0 * log x is +0, not -0
      T l = (y - T(1)) * log1m - y * logx;
      // loss.mul_(weight): a float64 weight multiplies in double, rounded back to T.
      if (weight) l = static_cast<T>(static_cast<double>(l) * weight_at(weight, i));
      L[i] = l;
    }
    bad[tid] = out_of_range;
  });
  for (int t = 0; t < nth; t++)
    if (bad[t]) return false;
  if (reduction != 0) {
    const T sum = torch_cascade_sum(L, n);
    // mean: at::sum(...).div_(numel) in T.
    out.ptr<T>()[0] = reduction == 1 ? sum / static_cast<T>(n) : sum;
  }
  return true;
}

template <class T>
void bce_backward_typed(const View& grad, const View& input, const View& target, const View* weight, int reduction,
                        const View& out) {
  const int64_t n = input.numel();
  const T* G = grad.ptr<T>();
  const T* X = input.ptr<T>();
  const T* Y = target.ptr<T>();
  T* O = out.ptr<T>();
  const bool reduced = reduction != 0;
  const T count = static_cast<T>(n);
  const int nth = threads_for(n, 4 * kBceGrain);
  parallel(nth, [&](int tid, int nt) {
    int64_t b, e;
    split_range(n, tid, nt, b, e);
    // PyTorch: grad * (x - y) / max((1 - x) x, EPSILON = 1e-12), then * weight, then / numel;
    // one pass each, so that the first (the work) vectorizes.
    const T eps = static_cast<T>(1e-12);
    if (reduced) {
      const T g = G[0];
      for (int64_t i = b; i < e; i++) O[i] = g * (X[i] - Y[i]) / std::max((T(1) - X[i]) * X[i], eps);
    } else {
      for (int64_t i = b; i < e; i++) O[i] = G[i] * (X[i] - Y[i]) / std::max((T(1) - X[i]) * X[i], eps);
    }
    if (weight)
      for (int64_t i = b; i < e; i++) O[i] = static_cast<T>(static_cast<double>(O[i]) * weight_at(weight, i));
    if (reduction == 1)
      for (int64_t i = b; i < e; i++) O[i] = O[i] / count;
  });
}

bool same_float_type(const View& a, const View& b) { return a.type == b.type && (a.type == F32 || a.type == F64); }

bool bce_views_ok(const View& input, const View& target, const View* weight, int64_t out_len, const View& out) {
  if (!same_float_type(input, target) || !same_float_type(input, out)) return false;
  if (!input.contiguous() || !target.contiguous() || target.numel() != input.numel()) return false;
  if (weight && (!weight->contiguous() || weight->numel() != input.numel() || (weight->type != F32 && weight->type != F64)))
    return false;
  return out.contiguous() && out.numel() == out_len;
}

}  // namespace

int binary_cross_entropy(const View& input, const View& target, const View* weight, int reduction, const View& out) {
  if (!bce_views_ok(input, target, weight, reduction == 0 ? input.numel() : 1, out)) return 1;
  const bool ok = input.type == F32 ? bce_typed<float>(input, target, weight, reduction, out)
                                    : bce_typed<double>(input, target, weight, reduction, out);
  return ok ? 0 : 2;
}

bool binary_cross_entropy_backward(const View& grad, const View& input, const View& target, const View* weight,
                                   int reduction, const View& out) {
  if (!bce_views_ok(input, target, weight, input.numel(), out) || !same_float_type(input, grad) || !grad.contiguous()) return false;
  if (grad.numel() != (reduction == 0 ? input.numel() : 1)) return false;
  if (input.type == F32) bce_backward_typed<float>(grad, input, target, weight, reduction, out);
  else bce_backward_typed<double>(grad, input, target, weight, reduction, out);
  return true;
}

}  // namespace tl
