// Reductions (sum, prod, max, min, argmax, argmin, all, any), variance, cumsum /
// cumprod, softmax / log-softmax and their gradient.
//
// Numerics: float sums of under 32768 elements whose reduced and kept dims each form one
// run follow PyTorch's cascade_sum (its bits); larger float32 sums run in float32 lanes
// within blocks of 2048 elements whose partial sums are added in double; products, int
// sums, variance and cumulative ops run in double as the JS backend does; max/min are
// exact. Results are stored with JS store semantics.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernels.h"
#include "ops.h"
#include "parallel.h"
#include "simd_math.h"
#include "vec_math.h"

namespace tl {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The reduced region of one output: a collapsed shape walked row by row.
struct Region {
  int nd = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxDims];
  int64_t count = 1;
};

// Calls row(offset, n, stride) for each innermost row of the region at `start`.
template <class F> inline void walk(const Region& r, int64_t start, F&& row) {
  if (r.nd == 0) {
    row(start, 1, 0);
    return;
  }
  const int nd = r.nd;
  const int64_t n = r.shape[nd - 1], s = r.strides[nd - 1];
  int64_t rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= r.shape[d];
  int64_t idx[kMaxDims] = {0};
  int64_t off = start;
  for (int64_t q = 0; q < rows; q++) {
    row(off, n, s);
    for (int d = nd - 2; d >= 0; d--) {
      idx[d]++;
      off += r.strides[d];
      if (idx[d] < r.shape[d]) break;
      off -= r.strides[d] * r.shape[d];
      idx[d] = 0;
    }
  }
}

// Splits x's dims into kept (output) dims and the reduced region.
struct Plan {
  int nk = 0;
  int64_t kshape[kMaxDims], kstrides[kMaxDims];
  Region region;
  int64_t outputs = 1;
};

Plan make_plan(const View& x, const int* dims, int ndims) {
  Plan p;
  int64_t rshape[kMaxDims], rstrides[kMaxDims];
  int nr = 0;
  for (int d = 0; d < x.ndim; d++) {
    bool reduced = false;
    for (int i = 0; i < ndims; i++) reduced = reduced || dims[i] == d;
    if (reduced) {
      rshape[nr] = x.shape[d];
      rstrides[nr++] = x.strides[d];
    } else {
      p.kshape[p.nk] = x.shape[d];
      p.kstrides[p.nk++] = x.strides[d];
      p.outputs *= x.shape[d];
    }
  }
  // Collapse the region (size-1 dims dropped, mergeable dims merged).
  Region& r = p.region;
  for (int d = 0; d < nr; d++) {
    r.count *= rshape[d];
    if (rshape[d] == 1) continue;
    if (r.nd > 0 && r.strides[r.nd - 1] == rstrides[d] * rshape[d]) {
      r.shape[r.nd - 1] *= rshape[d];
      r.strides[r.nd - 1] = rstrides[d];
    } else {
      r.shape[r.nd] = rshape[d];
      r.strides[r.nd++] = rstrides[d];
    }
  }
  if (r.count == 0) r.nd = -1;  // empty region
  return p;
}

// Offset in x of output o (kept dims in row-major order).
inline int64_t kept_offset(const Plan& p, int64_t o, int64_t base) {
  int64_t off = base;
  for (int d = p.nk - 1; d >= 0; d--) {
    off += (o % p.kshape[d]) * p.kstrides[d];
    o /= p.kshape[d];
  }
  return off;
}

// ---- Row folds (the innermost loops) ----

// Sum of one row: float32 in 16 float lanes per block, everything else in double lanes.
template <class In> inline double row_sum(const In* p, int64_t n, int64_t s) {
  double total = 0;
  if (s != 1) {
    for (int64_t i = 0; i < n; i++) total += static_cast<double>(p[i * s]);
    return total;
  }
  if (std::is_same<In, float>::value) {
    for (int64_t b = 0; b < n; b += 2048) {
      const int64_t e = std::min<int64_t>(n, b + 2048);
      float lanes[16] = {0};
      int64_t i = b;
      for (; i + 16 <= e; i += 16)
        for (int j = 0; j < 16; j++) lanes[j] += static_cast<float>(p[i + j]);
      for (int w = 8; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) lanes[j] += lanes[j + w];
      float tail = 0;
      for (; i < e; i++) tail += static_cast<float>(p[i]);
      total += static_cast<double>(lanes[0]) + static_cast<double>(tail);
    }
    return total;
  }
  double lanes[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) lanes[j] += static_cast<double>(p[i + j]);
  for (; i < n; i++) total += static_cast<double>(p[i]);
  for (int j = 0; j < 8; j++) total += lanes[j];
  return total;
}

// max (or min) with NaN propagation, as the JS fold: any NaN makes the result NaN.
template <class In> inline void row_extreme(const In* p, int64_t n, int64_t s, bool is_max, double& acc, bool& nan) {
  if (s == 1 && std::is_floating_point<In>::value) {
    In m = static_cast<In>(acc);
    bool seen_nan = false;
    if (is_max) {
      for (int64_t i = 0; i < n; i++) {
        const In v = p[i];
        seen_nan |= v != v;
        m = v > m ? v : m;
      }
    } else {
      for (int64_t i = 0; i < n; i++) {
        const In v = p[i];
        seen_nan |= v != v;
        m = v < m ? v : m;
      }
    }
    acc = static_cast<double>(m);
    nan = nan || seen_nan;
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    const double v = static_cast<double>(p[i * s]);
    if (v != v) nan = true;
    else if (is_max ? v > acc : v < acc) acc = v;
  }
}

// Fold of a whole region: sum, prod, max, min, all, any.
template <class In> double fold(int op, const Region& r, const In* x, int64_t start) {
  switch (op) {
    case R_sum: {
      double acc = 0;
      walk(r, start, [&](int64_t off, int64_t n, int64_t s) { acc += row_sum(x + off, n, s); });
      return acc;
    }
    case R_prod: {
      double acc = 1;
      walk(r, start, [&](int64_t off, int64_t n, int64_t s) {
        for (int64_t i = 0; i < n; i++) acc *= static_cast<double>(x[off + i * s]);
      });
      return acc;
    }
    case R_max:
    case R_min: {
      double acc = op == R_max ? -kInf : kInf;
      bool nan = false;
      walk(r, start, [&](int64_t off, int64_t n, int64_t s) { row_extreme(x + off, n, s, op == R_max, acc, nan); });
      return nan ? kNaN : acc;
    }
    case R_all: {
      bool all = true;
      walk(r, start, [&](int64_t off, int64_t n, int64_t s) {
        for (int64_t i = 0; i < n && all; i++) all = x[off + i * s] != 0;
      });
      return all ? 1 : 0;
    }
    default: {  // any
      bool any = false;
      walk(r, start, [&](int64_t off, int64_t n, int64_t s) {
        for (int64_t i = 0; i < n && !any; i++) any = x[off + i * s] != 0;
      });
      return any ? 1 : 0;
    }
  }
}

// Index of the first extreme value along the (single) reduced dim; NaN wins at once.
template <class In> double arg_fold(bool is_max, const Region& r, const In* x, int64_t start) {
  double best = 0;
  int64_t best_k = 0, k = 0;
  bool done = false;
  walk(r, start, [&](int64_t off, int64_t n, int64_t s) {
    for (int64_t i = 0; i < n && !done; i++, k++) {
      const double v = static_cast<double>(x[off + i * s]);
      if (v != v) {
        best_k = k;
        done = true;
      } else if (k == 0 || (is_max ? v > best : v < best)) {
        best = v;
        best_k = k;
      }
    }
  });
  return static_cast<double>(best_k);
}

inline double combine(int op, double a, double b) {
  switch (op) {
    case R_sum: return a + b;
    case R_prod: return a * b;
    case R_max: return (a != a || b != b) ? kNaN : std::max(a, b);
    case R_min: return (a != a || b != b) ? kNaN : std::min(a, b);
    case R_all: return (a != 0 && b != 0) ? 1 : 0;
    default: return (a != 0 || b != 0) ? 1 : 0;
  }
}

// Vertical reduction: the innermost kept dim is contiguous in x, so each reduced
// position adds a whole contiguous row of outputs at once (e.g. a bias gradient,
// a sum over the batch dim). Accumulates in double rows; max/min in the input type.
template <class In> void reduce_vertical(int op, const View& x, const Plan& p, const View& out) {
  const int64_t inner = p.kshape[p.nk - 1];
  const int64_t outer = p.outputs / inner;
  const In* X = reinterpret_cast<const In*>(x.data);
  const int nth = threads_for(p.outputs * std::max<int64_t>(1, p.region.count), 1 << 16);
  // Threads take outer rows when there are enough, else slices of the inner row.
  const bool split_outer = outer >= nth;
  parallel(nth, [&](int tid, int n) {
    int64_t o0 = 0, o1 = outer, j0 = 0, j1 = inner;
    if (split_outer) split_range(outer, tid, n, o0, o1);
    else split_range(inner, tid, n, j0, j1);
    const int64_t len = j1 - j0;
    if (len <= 0) return;
    // This thread's row of accumulators (and NaN flags for max / min), in its scratch.
    const bool track_nan = op == R_max || op == R_min;
    double* A = static_cast<double*>(thread_scratch(kLeafScratch).get((sizeof(double) + 1) * static_cast<size_t>(len)));
    uint8_t* nan = reinterpret_cast<uint8_t*>(A + len);
    for (int64_t o = o0; o < o1; o++) {
      const int64_t base = kept_offset(p, o * inner, x.offset) + j0;
      const double init = op == R_sum || op == R_any ? 0 : op == R_max ? -kInf : op == R_min ? kInf : 1;
      std::fill(A, A + len, init);
      if (track_nan) std::fill(nan, nan + len, 0);
      walk(p.region, base, [&](int64_t off, int64_t cnt, int64_t s) {
        for (int64_t q = 0; q < cnt; q++) {
          const In* row = X + off + q * s;
          switch (op) {
            case R_sum: for (int64_t j = 0; j < len; j++) A[j] += static_cast<double>(row[j]); break;
            case R_prod: for (int64_t j = 0; j < len; j++) A[j] *= static_cast<double>(row[j]); break;
            case R_max:
              for (int64_t j = 0; j < len; j++) {
                const double v = static_cast<double>(row[j]);
                nan[j] |= v != v;
                A[j] = v > A[j] ? v : A[j];
              }
              break;
            case R_min:
              for (int64_t j = 0; j < len; j++) {
                const double v = static_cast<double>(row[j]);
                nan[j] |= v != v;
                A[j] = v < A[j] ? v : A[j];
              }
              break;
            case R_all: for (int64_t j = 0; j < len; j++) A[j] = (A[j] != 0 && row[j] != 0) ? 1 : 0; break;
            default: for (int64_t j = 0; j < len; j++) A[j] = (A[j] != 0 || row[j] != 0) ? 1 : 0; break;
          }
        }
      });
      for (int64_t j = 0; j < len; j++)
        store_as<double>(out.data, out.type, out.offset + o * inner + j0 + j, (track_nan && nan[j]) ? kNaN : A[j]);
    }
  });
}

// ---- PyTorch's float sum (ATen's cascade_sum on one thread; twin of js/cascade-sum.ts) ----
// A column is summed in cascades: runs of 2^p rows into a first accumulator, carried up
// into three more levels (4 levels); row_sum interleaves 4 such cascades. L columns are
// summed side by side (a vector's lanes, or a block of a bias gradient), each with the
// arithmetic of one: adds only, in PyTorch's order, so the compiler may vectorize across
// columns but never reorder within one.

inline int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  int64_t bits = 0;
  for (uint64_t v = static_cast<uint64_t>(x - 1); v != 0; v >>= 1) bits++;
  return bits;
}

// out[c] = cascade of A[i * rs + c], i < size (multi_row_sum, one column per lane).
template <class T, int L> void cascade_cols(const T* A, int64_t rs, int64_t size, T* out) {
  const int64_t power = std::max<int64_t>(4, ceil_log2(size) / 4);
  const int64_t step = int64_t(1) << power;
  const int64_t mask = step - 1;
  T a0[L] = {}, a1[L] = {}, a2[L] = {}, a3[L] = {};
  int64_t i = 0;
  while (i + step <= size) {
    for (int64_t j = 0; j < step; j++, i++) {
      const T* row = A + i * rs;
      for (int c = 0; c < L; c++) a0[c] += row[c];
    }
    for (int c = 0; c < L; c++) { a1[c] += a0[c]; a0[c] = 0; }
    if ((i & (mask << power)) != 0) continue;
    for (int c = 0; c < L; c++) { a2[c] += a1[c]; a1[c] = 0; }
    if ((i & (mask << (2 * power))) != 0) continue;
    for (int c = 0; c < L; c++) { a3[c] += a2[c]; a2[c] = 0; }
  }
  for (; i < size; i++) {
    const T* row = A + i * rs;
    for (int c = 0; c < L; c++) a0[c] += row[c];
  }
  for (int c = 0; c < L; c++) out[c] = ((a0[c] + a1[c]) + a2[c]) + a3[c];
}

// row_sum per column: four interleaved cascades over the rows, the rows left over into the first.
template <class T, int L> void row_sum_cols(const T* A, int64_t rs, int64_t size, T* out) {
  const int64_t quarter = size / 4;
  T s[4][L];
  for (int k = 0; k < 4; k++) cascade_cols<T, L>(A + k * rs, 4 * rs, quarter, s[k]);
  for (int64_t i = quarter * 4; i < size; i++)
    for (int c = 0; c < L; c++) s[0][c] += A[i * rs + c];
  for (int c = 0; c < L; c++) out[c] = ((s[0][c] + s[1][c]) + s[2][c]) + s[3][c];
}

// Sums x into out as cascade_sum does when the reduced dims form one run and the kept dims
// at most one; false for other layouts (and sums PyTorch would split across threads).
template <class T> bool cascade_sum(const View& x, const Plan& p, const View& out) {
  constexpr int W = sizeof(T) == 4 ? 8 : 4;  // AVX2 lanes, as PyTorch's sum kernel runs
  if (p.region.nd != 1 || x.numel() >= 32768 || out.type != x.type) return false;
  int64_t cols = 1, kept_stride = 0;
  int nk = 0;
  for (int d = 0; d < p.nk; d++) {
    if (p.kshape[d] == 1) continue;
    if (nk == 1 && kept_stride == p.kstrides[d] * p.kshape[d]) {
      cols *= p.kshape[d];
      kept_stride = p.kstrides[d];
      continue;
    }
    if (nk == 1) return false;
    nk = 1;
    cols = p.kshape[d];
    kept_stride = p.kstrides[d];
  }
  const int64_t rows = p.region.shape[0], red_stride = p.region.strides[0];
  const T* X = reinterpret_cast<const T*>(x.data) + x.offset;
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  if (red_stride == 1) {  // vectorized_inner_sum / scalar row_sum per output
    for (int64_t o = 0; o < cols; o++) {
      const T* row = X + o * kept_stride;
      if (rows < W) {
        row_sum_cols<T, 1>(row, 1, rows, O + o);
        continue;
      }
      const int64_t vectors = rows / W;
      T lanes[W];
      row_sum_cols<T, W>(row, W, vectors, lanes);
      T acc = 0;
      for (int64_t k = vectors * W; k < rows; k++) acc += row[k];
      for (int c = 0; c < W; c++) acc += lanes[c];
      O[o] = acc;
    }
    return true;
  }
  if (kept_stride != 1 || cols <= 1) return false;
  // vectorized_outer_sum (scalar_outer_sum below W columns): groups summed by one cascade
  // per column, the columns after them by row_sum.
  int64_t j = 0;
  if (cols >= W) {
    for (; j + 4 * W <= cols; j += 4 * W) cascade_cols<T, 4 * W>(X + j, red_stride, rows, O + j);
    for (; j + W <= cols; j += W) row_sum_cols<T, W>(X + j, red_stride, rows, O + j);
  } else {
    for (; j + 4 <= cols; j += 4) cascade_cols<T, 4>(X + j, red_stride, rows, O + j);
  }
  for (; j < cols; j++) row_sum_cols<T, 1>(X + j, red_stride, rows, O + j);
  return true;
}

template <class In> void reduce_typed(int op, const View& x, const Plan& p, const View& out) {
  if constexpr (std::is_floating_point_v<In>) {
    if (op == R_sum && cascade_sum<In>(x, p, out)) return;
  }
  const In* X = reinterpret_cast<const In*>(x.data);
  const bool arg = op == R_argmax || op == R_argmin;
  if (p.region.nd < 0) {  // empty region: the identity (the ops layer rejects max/min/arg* here)
    const double id = op == R_sum || op == R_any ? 0 : op == R_max ? -kInf : op == R_min ? kInf : 1;
    for (int64_t o = 0; o < p.outputs; o++) store_as<double>(out.data, out.type, out.offset + o, id);
    return;
  }
  // Vertical when the kept innermost dim is the contiguous one and rows are worth it.
  if (!arg && p.nk > 0 && p.kstrides[p.nk - 1] == 1 && p.kshape[p.nk - 1] >= 8 &&
      (p.region.nd == 0 || p.region.strides[p.region.nd - 1] != 1)) {
    reduce_vertical<In>(op, x, p, out);
    return;
  }
  const int64_t work = p.outputs * p.region.count;
  if (p.outputs == 1 && !arg && work >= (1 << 16) && p.region.nd >= 1) {
    // One output over a large region: threads fold slices of the outermost region dim.
    Region r = p.region;
    const int64_t outer = r.shape[0];
    const int nth = std::min<int64_t>(threads_for(work, 1 << 15), outer);
    double partial[256];
    parallel(nth, [&](int tid, int n) {
      int64_t a, b;
      split_range(outer, tid, n, a, b);
      Region sub = r;
      sub.shape[0] = b - a;
      partial[tid] = b > a ? fold<In>(op, sub, X, x.offset + a * r.strides[0])
                           : (op == R_sum || op == R_any ? 0 : op == R_max ? -kInf : op == R_min ? kInf : 1);
      if (tid == 0 && n == 1) {  // ran inline: the whole range was folded
        for (int t = 1; t < nth; t++) partial[t] = op == R_sum || op == R_any ? 0 : op == R_max ? -kInf : op == R_min ? kInf : 1;
      }
    });
    double acc = partial[0];
    for (int t = 1; t < nth; t++) acc = combine(op, acc, partial[t]);
    store_as<double>(out.data, out.type, out.offset, acc);
    return;
  }
  const int nth = threads_for(work, 1 << 15);
  parallel(std::min<int64_t>(nth, p.outputs), [&](int tid, int n) {
    int64_t a, b;
    split_range(p.outputs, tid, n, a, b);
    for (int64_t o = a; o < b; o++) {
      const int64_t start = kept_offset(p, o, x.offset);
      const double v = arg ? arg_fold<In>(op == R_argmax, p.region, X, start) : fold<In>(op, p.region, X, start);
      store_as<double>(out.data, out.type, out.offset + o, v);
    }
  });
}

// ---- Lines along one dim (cumulative ops, softmax) ----

struct Lines {
  int64_t count = 0, n = 0;  // lines, elements per line
  int64_t inner = 1;         // product of dims after `dim` (the out stride along dim)
};

Lines lines_of(const View& x, int dim) {
  Lines l;
  l.n = x.ndim == 0 ? 1 : x.shape[dim];
  for (int d = dim + 1; d < x.ndim; d++) l.inner *= x.shape[d];
  l.count = l.n == 0 ? 0 : x.numel() / l.n;
  return l;
}

// Offset in x of the start of line `q` (lines enumerate the other dims row-major).
inline int64_t line_offset(const View& x, int dim, int64_t q) {
  int64_t off = x.offset;
  for (int d = x.ndim - 1; d >= 0; d--) {
    if (d == dim) continue;
    off += (q % x.shape[d]) * x.strides[d];
    q /= x.shape[d];
  }
  return off;
}

// Start of line q in the contiguous output.
inline int64_t out_line_offset(const Lines& l, int64_t q) { return (q / l.inner) * l.n * l.inner + q % l.inner; }

template <class In> void cumulative_typed(bool prod, const View& x, int dim, const View& out) {
  const Lines l = lines_of(x, dim);
  const int64_t xs = x.ndim == 0 ? 0 : x.strides[dim];
  const In* X = reinterpret_cast<const In*>(x.data);
  parallel(threads_for(l.count * l.n, 1 << 15), [&](int tid, int nth) {
    int64_t a, b;
    split_range(l.count, tid, nth, a, b);
    for (int64_t q = a; q < b; q++) {
      int64_t xi = line_offset(x, dim, q), oi = out.offset + out_line_offset(l, q);
      double acc = prod ? 1 : 0;
      for (int64_t k = 0; k < l.n; k++, xi += xs, oi += l.inner) {
        acc = prod ? acc * static_cast<double>(X[xi]) : acc + static_cast<double>(X[xi]);
        store_as<double>(out.data, out.type, oi, acc);
      }
    }
  });
}

// softmax over one contiguous line of T.
// float64 (ATen's Vectorized<double> arithmetic is not reproduced). mode: float32 only.
template <class T> inline void softmax_line(const T* x, T* o, int64_t n, bool log, int /*mode*/) {
  T max = -std::numeric_limits<T>::infinity();
  bool nan = false;
  for (int64_t i = 0; i < n; i++) {
    nan |= x[i] != x[i];
    max = x[i] > max ? x[i] : max;
  }
  if (nan) max = std::numeric_limits<T>::quiet_NaN();
  if (max == -std::numeric_limits<T>::infinity()) max = 0;  // all -inf: 0/0 gives NaN as PyTorch
  T sum = 0;
  if (log) {
    for (int64_t i = 0; i < n; i++) sum += std::exp(x[i] - max);
    const T lse = std::log(sum);
    for (int64_t i = 0; i < n; i++) o[i] = x[i] - max - lse;
  } else {
    for (int64_t i = 0; i < n; i++) {
      o[i] = std::exp(x[i] - max);
      sum += o[i];
    }
    for (int64_t i = 0; i < n; i++) o[i] = o[i] / sum;
  }
}

template <class T> inline void softmax_backward_line(const T* g, const T* y, T* o, int64_t n, bool log, int /*mode*/) {
  T dot = 0;
  if (log) {
    for (int64_t i = 0; i < n; i++) dot += g[i];
    for (int64_t i = 0; i < n; i++) o[i] = g[i] - std::exp(y[i]) * dot;
  } else {
    for (int64_t i = 0; i < n; i++) dot += g[i] * y[i];
    for (int64_t i = 0; i < n; i++) o[i] = y[i] * (g[i] - dot);
  }
}

// float32 lines: softmax_impl.h's loops with the widest instruction set the CPU has (simd_math.h).
inline void softmax_line(const float* x, float* o, int64_t n, bool log, int mode) { softmax_line_f32(x, o, n, log, mode); }
inline void softmax_backward_line(const float* g, const float* y, float* o, int64_t n, bool log, int mode) {
  softmax_backward_line_f32(g, y, o, n, log, mode);
}

// Loads line q of v (along dim) into a contiguous T buffer.
template <class T> inline void load_line(const View& v, int dim, int64_t q, int64_t n, T* dst) {
  const int64_t s = v.ndim == 0 ? 0 : v.strides[dim];
  int64_t off = line_offset(v, dim, q);
  for (int64_t k = 0; k < n; k++, off += s) dst[k] = load_as<T>(v.data, v.type, off);
}

template <class T> void softmax_typed(const View* grad, const View& x, int dim, bool log, const View& out) {
  const Lines l = lines_of(x, dim);
  const bool fast = out.type == (sizeof(T) == 4 ? F32 : F64) && l.inner == 1;
  const bool last = x.ndim > 0 && dim == x.ndim - 1;
  parallel(threads_for(l.count * l.n, 1 << 13), [&](int tid, int nth) {
    int64_t a, b;
    split_range(l.count, tid, nth, a, b);
    std::vector<T> xs(static_cast<size_t>(l.n)), gs(grad ? static_cast<size_t>(l.n) : 0), os(static_cast<size_t>(l.n));
    // Lines of T laid out contiguously along dim are read in place.
    const auto in_place = [&](const View& v) { return v.type == (sizeof(T) == 4 ? F32 : F64) && (l.n <= 1 || (v.ndim > 0 && v.strides[dim] == 1)); };
    const bool x_direct = in_place(x), g_direct = grad && in_place(*grad);
    for (int64_t q = a; q < b; q++) {
      const T* xl = x_direct ? reinterpret_cast<const T*>(x.data) + line_offset(x, dim, q) : xs.data();
      const T* gl = g_direct ? reinterpret_cast<const T*>(grad->data) + line_offset(*grad, dim, q) : gs.data();
      if (!x_direct) load_line<T>(x, dim, q, l.n, xs.data());
      if (grad && !g_direct) load_line<T>(*grad, dim, q, l.n, gs.data());
      const int64_t oi = out.offset + out_line_offset(l, q);
      T* o = fast ? reinterpret_cast<T*>(out.data) + oi : os.data();
      // PyTorch's arithmetic for the line (simd_math.h's SoftmaxMode): the last dim, or a
      // position of the dims after it that ATen runs vectorized (all but the last inner % 8).
      const int64_t p = q % l.inner;
      const int mode = last ? SOFTMAX_LAST : p < l.inner - l.inner % 8 ? SOFTMAX_INNER_VEC : SOFTMAX_INNER_TAIL;
      // Unqualified calls: float lines take the vectorized overloads above.
      if (grad) softmax_backward_line(gl, xl, o, l.n, log, mode);
      else softmax_line(xl, o, l.n, log, mode);
      if (!fast)
        for (int64_t k = 0; k < l.n; k++) store_as<T>(out.data, out.type, oi + k * l.inner, os[k]);
    }
  });
}

}  // namespace

void reduce(int op, const View& x, const int* dims, int ndims, const View& out) {
  const Plan p = make_plan(x, dims, ndims);
  switch (x.type) {
    case F32: reduce_typed<float>(op, x, p, out); break;
    case F64: reduce_typed<double>(op, x, p, out); break;
    case I32: reduce_typed<int32_t>(op, x, p, out); break;
    default: reduce_typed<uint8_t>(op, x, p, out); break;
  }
}

void variance(const View& x, const int* dims, int ndims, double correction, const View& out) {
  const Plan p = make_plan(x, dims, ndims);
  const int64_t count = p.region.count;
  parallel(threads_for(p.outputs * count, 1 << 15), [&](int tid, int nth) {
    int64_t a, b;
    split_range(p.outputs, tid, nth, a, b);
    for (int64_t o = a; o < b; o++) {
      const int64_t start = kept_offset(p, o, x.offset);
      double result = kNaN;
      if (p.region.nd >= 0) {
        // Two passes in double: the mean, then squared deviations from it.
        double sum = 0;
        walk(p.region, start, [&](int64_t off, int64_t n, int64_t s) {
          for (int64_t i = 0; i < n; i++) sum += load_as<double>(x.data, x.type, off + i * s);
        });
        const double mean = sum / static_cast<double>(count);
        double m2 = 0;
        walk(p.region, start, [&](int64_t off, int64_t n, int64_t s) {
          for (int64_t i = 0; i < n; i++) {
            const double d = load_as<double>(x.data, x.type, off + i * s) - mean;
            m2 += d * d;
          }
        });
        result = m2 / std::max(0.0, static_cast<double>(count) - correction);
      } else {
        result = 0.0 / std::max(0.0, -correction);  // as the JS Welford loop on nothing
      }
      store_as<double>(out.data, out.type, out.offset + o, result);
    }
  });
}

void cumulative(bool prod, const View& x, int dim, const View& out) {
  switch (x.type) {
    case F32: cumulative_typed<float>(prod, x, dim, out); break;
    case F64: cumulative_typed<double>(prod, x, dim, out); break;
    case I32: cumulative_typed<int32_t>(prod, x, dim, out); break;
    default: cumulative_typed<uint8_t>(prod, x, dim, out); break;
  }
}

void softmax(const View& x, int dim, bool log, const View& out) {
  if (x.type == F32 && out.type == F32) softmax_typed<float>(nullptr, x, dim, log, out);
  else softmax_typed<double>(nullptr, x, dim, log, out);
}

void softmax_backward(const View& grad, const View& y, int dim, bool log, const View& out) {
  if (grad.type == F32 && y.type == F32 && out.type == F32) softmax_typed<float>(&grad, y, dim, log, out);
  else softmax_typed<double>(&grad, y, dim, log, out);
}

}  // namespace tl
