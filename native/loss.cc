// Negative log-likelihood loss and its gradient, as src/backend/js/loss.ts (PyTorch's
// nll_loss): the reduced forms use PyTorch's 8-level cascade sum in the input's own
// precision, so float32 results match it (and the JS backend) bit for bit.
#include <algorithm>
#include <cmath>

#include "kernels.h"

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

}  // namespace tl
