// Batch norm and group norm (layer norm is group norm with one group), the same
// passes as src/backend/js/norm.ts: statistics accumulated in double, stored in x's
// dtype, and the normalisation computed in double per element, so results match the
// JS backend up to the order of the double sums. x and grad are contiguous [N, C, *].
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace tl {

namespace {

// A per-channel 1-D view as doubles (or n copies of `fallback` when absent).
std::vector<double> vec(const View* v, int64_t n, double fallback) {
  std::vector<double> out(static_cast<size_t>(n), fallback);
  if (!v) return out;
  const int64_t s = v->ndim > 0 ? v->strides[0] : 0;
  for (int64_t i = 0; i < n; i++) out[i] = load_as<double>(v->data, v->type, v->offset + i * s);
  return out;
}

void ncl(const View& x, int64_t& N, int64_t& C, int64_t& L) {
  N = x.shape[0];
  C = x.ndim > 1 ? x.shape[1] : 1;
  L = 1;
  for (int d = 2; d < x.ndim; d++) L *= x.shape[d];
}

// Sum of p[0..n) in double, 8 lanes.
template <class T> inline double sum_d(const T* p, int64_t n) {
  double lanes[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) lanes[j] += static_cast<double>(p[i + j]);
  double s = 0;
  for (; i < n; i++) s += static_cast<double>(p[i]);
  for (int j = 0; j < 8; j++) s += lanes[j];
  return s;
}

// Sum of (p[i] - m)^2 in double, 8 lanes.
template <class T> inline double sqdev_d(const T* p, int64_t n, double m) {
  double lanes[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) {
      const double d = static_cast<double>(p[i + j]) - m;
      lanes[j] += d * d;
    }
  double s = 0;
  for (; i < n; i++) {
    const double d = static_cast<double>(p[i]) - m;
    s += d * d;
  }
  for (int j = 0; j < 8; j++) s += lanes[j];
  return s;
}

// sum(dy) and sum(dy * (x - m)) in double, 8 lanes.
template <class T> inline void grad_sums(const T* g, const T* x, int64_t n, double m, double& sum, double& dot) {
  double ls[8] = {0}, ld[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) {
      const double dy = static_cast<double>(g[i + j]);
      ls[j] += dy;
      ld[j] += dy * (static_cast<double>(x[i + j]) - m);
    }
  for (; i < n; i++) {
    const double dy = static_cast<double>(g[i]);
    sum += dy;
    dot += dy * (static_cast<double>(x[i]) - m);
  }
  for (int j = 0; j < 8; j++) {
    sum += ls[j];
    dot += ld[j];
  }
}

// Rounds a double to T's precision (a store into the JS typed array and a read back).
template <class T> inline double as_stored(double v) { return static_cast<double>(static_cast<T>(v)); }

// Per channel: the mean (stored in T) and the sum of squared deviations (x - mean)^2,
// in the arithmetic of ATen's batch_norm_cpu_collect_stats_contiguous_impl (and
// contiguousStats in src/backend/js/norm.ts): sequential sums in double, each square
// computed in T; in double, the compiled loop fuses the odd last square of a row.
template <class T> void batch_norm_stats_typed(const View& x, const View& mean, const View& var_sum) {
  int64_t N, C, L;
  ncl(x, N, C, L);
  const T* X = x.ptr<T>();
  T* M = mean.ptr<T>();
  double* V = var_sum.ptr<double>();
  const double count = static_cast<double>(N * L);
  const int64_t pairs = sizeof(T) == 4 || L % 2 == 0 ? L : L - 1;
  parallel(threads_for(N * C * L, 1 << 15), [&](int tid, int nth) {
    int64_t a, b;
    split_range(C, tid, nth, a, b);
    for (int64_t c = a; c < b; c++) {
      double s = 0;
      for (int64_t n = 0; n < N; n++) {
        const T* p = X + (n * C + c) * L;
        for (int64_t i = 0; i < L; i++) s += static_cast<double>(p[i]);
      }
      M[c] = static_cast<T>(s / count);
      const T m = M[c];
      double acc = 0;
      for (int64_t n = 0; n < N; n++) {
        const T* p = X + (n * C + c) * L;
        for (int64_t i = 0; i < pairs; i++) {
          const T d = p[i] - m;
          acc += static_cast<double>(d * d);
        }
        if (pairs < L) {
          const double d = static_cast<double>(p[pairs] - m);
          acc = std::fma(d, d, acc);
        }
      }
      V[c] = static_cast<double>(static_cast<T>(acc));  // ATen keeps the sum in T
    }
  });
}

template <class T>
void batch_norm_typed(const View& x, const View& mean, const View& invstd, const View* weight, const View* bias, const View& out) {
  int64_t N, C, L;
  ncl(x, N, C, L);
  std::vector<double> a = vec(&invstd, C, 1), b = vec(bias, C, 0), w = vec(weight, C, 1), m = vec(&mean, C, 0);
  // ATen's arithmetic (batch_norm_cpu_collect_linear_and_constant_terms and its contiguous
  // kernel, as compiled: contracted to FMAs): alpha = invstd * w and beta = fma(-mean, alpha,
  // bias), each rounded to T, then out = fma(x, alpha, beta). For float the double product of
  // two floats is exact, so a double multiply-add rounded to float is the FMA (a double
  // rounding could differ only in an exact tie at float precision). The textbook
  // (x - mean) * invstd * w + b is more accurate where |mean| >> std, but differs from
  // PyTorch there by up to ~1e-4 relative, which a few training steps amplify.
  for (int64_t c = 0; c < C; c++) {
    const T alpha = static_cast<T>(a[c] * w[c]);
    a[c] = alpha;
    b[c] = static_cast<T>(std::fma(-m[c], static_cast<double>(alpha), b[c]));
  }
  const T* X = x.ptr<T>();
  T* O = out.ptr<T>();
  parallel(threads_for(N * C * L, 1 << 15), [&](int tid, int nth) {
    int64_t lo, hi;
    split_range(N * C, tid, nth, lo, hi);
    for (int64_t q = lo; q < hi; q++) {
      const double ac = a[q % C], bc = b[q % C];
      const T* xi = X + q * L;
      T* o = O + q * L;
      if (sizeof(T) == sizeof(double)) {
        for (int64_t l = 0; l < L; l++) o[l] = static_cast<T>(std::fma(static_cast<double>(xi[l]), ac, bc));
      } else {
        for (int64_t l = 0; l < L; l++) o[l] = static_cast<T>(static_cast<double>(xi[l]) * ac + bc);
      }
    }
  });
}

template <class T>
void batch_norm_backward_typed(const View& grad, const View& x, const View& mean, const View& invstd, const View* weight,
                               bool train, const View* gin, const View* gw, const View* gb) {
  int64_t N, C, L;
  ncl(x, N, C, L);
  const double count = static_cast<double>(N * L);
  const std::vector<double> means = vec(&mean, C, 0), invstds = vec(&invstd, C, 1), weights = vec(weight, C, 1);
  const T* X = x.ptr<T>();
  const T* G = grad.ptr<T>();
  parallel(threads_for(N * C * L, 1 << 14), [&](int tid, int nth) {
    int64_t lo, hi;
    split_range(C, tid, nth, lo, hi);
    for (int64_t c = lo; c < hi; c++) {
      const double m = means[c], s = invstds[c];
      double sum = 0, dot = 0;
      for (int64_t n = 0; n < N; n++) grad_sums(G + (n * C + c) * L, X + (n * C + c) * L, L, m, sum, dot);
      if (gin) {
        const double scale = s * weights[c];
        const double k = train ? (dot * s * s) / count : 0;
        const double gm = train ? sum / count : 0;
        T* D = gin->ptr<T>();
        for (int64_t n = 0; n < N; n++) {
          const int64_t base = (n * C + c) * L;
          for (int64_t l = 0; l < L; l++)
            D[base + l] = static_cast<T>((static_cast<double>(G[base + l]) - gm - (static_cast<double>(X[base + l]) - m) * k) * scale);
        }
      }
      if (gw) store_as<double>(gw->data, gw->type, gw->offset + c, dot * s);
      if (gb) store_as<double>(gb->data, gb->type, gb->offset + c, sum);
    }
  });
}

template <class T>
void group_norm_typed(const View& x, int64_t groups, double eps, const View* weight, const View* bias, const View& out,
                      const View& mean, const View& rstd) {
  int64_t N, C, L;
  ncl(x, N, C, L);
  const int64_t D = C / groups, size = D * L;
  const std::vector<double> w = vec(weight, C, 1), b = vec(bias, C, 0);
  const T* X = x.ptr<T>();
  T* O = out.ptr<T>();
  parallel(threads_for(N * C * L, 1 << 15), [&](int tid, int nth) {
    int64_t lo, hi;
    split_range(N * groups, tid, nth, lo, hi);
    for (int64_t r = lo; r < hi; r++) {
      const T* xi = X + r * size;
      const double m = sum_d(xi, size) / static_cast<double>(size);
      const double sq = sqdev_d(xi, size, m);
      store_as<double>(mean.data, mean.type, mean.offset + r, m);
      store_as<double>(rstd.data, rstd.type, rstd.offset + r, 1 / std::sqrt(sq / static_cast<double>(size) + eps));
      const double mr = load_as<double>(mean.data, mean.type, mean.offset + r);
      const double sr = load_as<double>(rstd.data, rstd.type, rstd.offset + r);
      const int64_t g = r % groups;
      for (int64_t k = 0; k < D; k++) {
        const int64_t c = g * D + k;
        const double scale = sr * w[c], shift = b[c] - scale * mr;
        const T* xr = xi + k * L;
        T* o = O + r * size + k * L;
        for (int64_t l = 0; l < L; l++) o[l] = static_cast<T>(static_cast<double>(xr[l]) * scale + shift);
      }
    }
  });
}

template <class T>
void group_norm_backward_typed(const View& grad, const View& x, int64_t groups, const View& mean, const View& rstd,
                               const View* weight, const View* gin, const View* gw, const View* gb) {
  int64_t N, C, L;
  ncl(x, N, C, L);
  const int64_t D = C / groups, size = D * L, rows = N * groups;
  const std::vector<double> w = vec(weight, C, 1), means = vec(&mean, rows, 0), rstds = vec(&rstd, rows, 1);
  const T* X = x.ptr<T>();
  const T* G = grad.ptr<T>();
  // Per (sample, channel): sum(dy) and sum(dy * (x - mean)), reduced over samples at the end.
  std::vector<double> db(static_cast<size_t>(N * C)), ds(static_cast<size_t>(N * C));
  parallel(threads_for(N * C * L, 1 << 14), [&](int tid, int nth) {
    int64_t lo, hi;
    split_range(rows, tid, nth, lo, hi);
    for (int64_t r = lo; r < hi; r++) {
      const double m = means[r], s = rstds[r];
      const int64_t g = r % groups;
      double dbw = 0, dsw = 0;
      for (int64_t k = 0; k < D; k++) {
        const int64_t off = r * size + k * L;
        double bsum = 0, dsum = 0;
        grad_sums(G + off, X + off, L, m, bsum, dsum);
        db[r * D + k] = bsum;
        ds[r * D + k] = dsum;
        dbw += bsum * w[g * D + k];
        dsw += dsum * w[g * D + k];
      }
      if (gin) {
        const double c2 = (-s * s * s * dsw) / static_cast<double>(size);
        const double c3 = (-s * dbw) / static_cast<double>(size);
        T* Di = gin->ptr<T>();
        for (int64_t k = 0; k < D; k++) {
          const double c1 = s * w[g * D + k];
          const int64_t o = r * size + k * L;
          for (int64_t l = 0; l < L; l++)
            Di[o + l] = static_cast<T>(c1 * static_cast<double>(G[o + l]) + c2 * (static_cast<double>(X[o + l]) - m) + c3);
        }
      }
    }
  });
  if (!gw && !gb) return;
  // Channel c of row r = n*groups + c/D sits at db[r*D + c%D] = db[n*C + c].
  for (int64_t c = 0; c < C; c++) {
    double wsum = 0, bsum = 0;
    for (int64_t n = 0; n < N; n++) {
      const int64_t r = n * groups + c / D;
      wsum += ds[n * C + c] * rstds[r];
      bsum += db[n * C + c];
    }
    if (gw) store_as<double>(gw->data, gw->type, gw->offset + c, wsum);
    if (gb) store_as<double>(gb->data, gb->type, gb->offset + c, bsum);
  }
}

bool is_float(const View& v) { return v.type == F32 || v.type == F64; }

// The p-norm of a weight row, in the arithmetic of ATen's AVX2 norm kernel (the same
// steps as rowNorm in src/backend/js/norm.ts): for p = 2 over contiguous float32,
// eight fused lanes summed in order, the tail four at a time unfused, the rest fused;
// otherwise a sequential sum in T (p = 2 fused), then sqrt or pow(., 1 / p).
template <class T> T row_norm(const T* w, int64_t dim, int64_t stride, double p) {
  auto at = [&](int64_t j) { return w[j * stride]; };
  if (std::isinf(p)) {
    T m = p > 0 ? T(0) : T(INFINITY);
    for (int64_t j = 0; j < dim; j++) m = p > 0 ? std::max(m, std::abs(at(j))) : std::min(m, std::abs(at(j)));
    return m;
  }
  if (p == 0) {
    int64_t n = 0;
    for (int64_t j = 0; j < dim; j++) n += at(j) != T(0);
    return static_cast<T>(n);
  }
  T acc = 0;
  if (p == 1) {
    for (int64_t j = 0; j < dim; j++) acc = acc + std::abs(at(j));
    return acc;
  }
  if (p == 2) {
    int64_t j = 0;
    if (sizeof(T) == 4 && stride == 1) {
      T lanes[8] = {0};
      for (; j + 8 <= dim; j += 8)
        for (int k = 0; k < 8; k++) lanes[k] = std::fma(at(j + k), at(j + k), lanes[k]);
      acc = lanes[0];
      for (int k = 1; k < 8; k++) acc = acc + lanes[k];
      const int64_t unfused = j + (dim - j) / 4 * 4;
      for (; j < unfused; j++) acc = acc + at(j) * at(j);
    }
    for (; j < dim; j++) acc = std::fma(at(j), at(j), acc);
    return std::sqrt(acc);
  }
  const T q = static_cast<T>(p);
  for (int64_t j = 0; j < dim; j++) acc = acc + static_cast<T>(std::pow(static_cast<double>(std::abs(at(j))), static_cast<double>(q)));
  return static_cast<T>(std::pow(static_cast<double>(acc), static_cast<double>(T(1) / q)));
}

template <class T> void embedding_renorm_typed(const View& weight, const std::vector<int64_t>& rows, double max_norm, double p) {
  const int64_t dim = weight.shape[1], rs = weight.strides[0], cs = weight.strides[1];
  T* W = weight.ptr<T>();
  for (const int64_t row : rows) {
    T* w = W + row * rs;
    const T norm = row_norm<T>(w, dim, cs, p);
    if (static_cast<double>(norm) > max_norm) {
      const T scale = static_cast<T>(max_norm / (static_cast<double>(norm) + 1e-7));
      for (int64_t j = 0; j < dim; j++) w[j * cs] *= scale;
    }
  }
}

}  // namespace

bool batch_norm_stats(const View& x, const View& mean, const View& var_sum) {
  int64_t N, C, L;
  ncl(x, N, C, L);
  if (L == 1) return false;  // [N, C]: the JS kernel's channels-last arithmetic
  if (!is_float(x) || mean.type != x.type || var_sum.type != F64) return false;
  if (x.type == F32) batch_norm_stats_typed<float>(x, mean, var_sum);
  else batch_norm_stats_typed<double>(x, mean, var_sum);
  return true;
}

bool embedding_renorm(const View& weight, const View& indices, double max_norm, double p) {
  if (!is_float(weight) || weight.ndim != 2) return false;
  std::vector<int64_t> rows;
  rows.reserve(static_cast<size_t>(indices.numel()));
  const int64_t* strides[1] = {indices.strides};
  const int64_t offsets[1] = {indices.offset};
  const Layout L = collapse(indices.ndim, indices.shape, 1, strides, offsets);
  for_each_row(L, 0, indices.numel(), [&](const int64_t* offs, int64_t n) {
    for (int64_t k = 0; k < n; k++)
      rows.push_back(load_as<int64_t>(indices.data, indices.type, offs[0] + k * L.strides[0][L.nd - 1]));
  });
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (!rows.empty() && (rows.front() < 0 || rows.back() >= weight.shape[0])) return false;  // the JS kernel reports it
  if (weight.type == F32) embedding_renorm_typed<float>(weight, rows, max_norm, p);
  else embedding_renorm_typed<double>(weight, rows, max_norm, p);
  return true;
}

bool batch_norm(const View& x, const View& mean, const View& invstd, const View* weight, const View* bias, const View& out) {
  if (!is_float(x) || out.type != x.type) return false;
  if (x.type == F32) batch_norm_typed<float>(x, mean, invstd, weight, bias, out);
  else batch_norm_typed<double>(x, mean, invstd, weight, bias, out);
  return true;
}

bool batch_norm_backward(const View& grad, const View& x, const View& mean, const View& invstd, const View* weight,
                         bool train, const View* gin, const View* gw, const View* gb) {
  if (!is_float(x) || grad.type != x.type || (gin && gin->type != x.type)) return false;
  if (x.type == F32) batch_norm_backward_typed<float>(grad, x, mean, invstd, weight, train, gin, gw, gb);
  else batch_norm_backward_typed<double>(grad, x, mean, invstd, weight, train, gin, gw, gb);
  return true;
}

bool group_norm(const View& x, int64_t groups, double eps, const View* weight, const View* bias, const View& out,
                const View& mean, const View& rstd) {
  if (!is_float(x) || out.type != x.type) return false;
  if (x.type == F32) group_norm_typed<float>(x, groups, eps, weight, bias, out, mean, rstd);
  else group_norm_typed<double>(x, groups, eps, weight, bias, out, mean, rstd);
  return true;
}

bool group_norm_backward(const View& grad, const View& x, int64_t groups, const View& mean, const View& rstd,
                         const View* weight, const View* gin, const View* gw, const View* gb) {
  if (!is_float(x) || grad.type != x.type || (gin && gin->type != x.type)) return false;
  if (x.type == F32) group_norm_backward_typed<float>(grad, x, groups, mean, rstd, weight, gin, gw, gb);
  else group_norm_backward_typed<double>(grad, x, groups, mean, rstd, weight, gin, gw, gb);
  return true;
}

}  // namespace tl
