// addcmul / addcdiv / lerp (the optimizers' fused updates) on strided views. Contiguous
// rows of float32/float64 run the loops of ternary_impl.h (the FMA build when the CPU
// has it); other rows, integer dtypes and broadcast operands take a scalar loop with
// the same rounding.
#include <algorithm>
#include <cmath>

#include "gemm.h"
#include "kernels.h"
#include "parallel.h"

#define TL_TERNARY_NS base
#include "ternary_impl.h"
#undef TL_TERNARY_NS

namespace tl {

#if defined(TL_HAVE_X86_KERNELS)
namespace fma {
void rows_f32(int op, int64_t n, double v, float* o, const float* x, const float* a, const float* b);
void rows_f64(int op, int64_t n, double v, double* o, const double* x, const double* a, const double* b);
void adadelta_f32(int64_t n, float* p, const float* g, float* sq, float* acc, double lr, double rho, double eps);
void adadelta_f64(int64_t n, double* p, const double* g, double* sq, double* acc, double lr, double rho, double eps);
void adam_f32(int64_t n, float* p, const float* g, float* m, float* v, const float* s);
void sgd_f32(int64_t n, float* p, const float* g, float* b, const float* s, bool maximize, bool nesterov);
}  // namespace fma
#endif

namespace {

bool have_fma() {
  static const bool yes = detect_isa() >= ISA_AVX2;  // AVX2 implies FMA in our detection
  return yes;
}

void rows_f32(int op, int64_t n, double v, float* o, const float* x, const float* a, const float* b) {
#if defined(TL_HAVE_X86_KERNELS)
  if (have_fma()) return fma::rows_f32(op, n, v, o, x, a, b);
#endif
  base::rows_f32(op, n, v, o, x, a, b);
}

void rows_f64(int op, int64_t n, double v, double* o, const double* x, const double* a, const double* b) {
#if defined(TL_HAVE_X86_KERNELS)
  if (have_fma()) return fma::rows_f64(op, n, v, o, x, a, b);
#endif
  base::rows_f64(op, n, v, o, x, a, b);
}

void adam_rows(int64_t n, float* p, const float* g, float* m, float* v, const float* s) {
#if defined(TL_HAVE_X86_KERNELS)
  if (have_fma()) return fma::adam_f32(n, p, g, m, v, s);
#endif
  base::adam_f32(n, p, g, m, v, s);
}

void sgd_rows(int64_t n, float* p, const float* g, float* b, const float* s, bool maximize, bool nesterov) {
#if defined(TL_HAVE_X86_KERNELS)
  if (have_fma()) return fma::sgd_f32(n, p, g, b, s, maximize, nesterov);
#endif
  base::sgd_f32(n, p, g, b, s, maximize, nesterov);
}

bool dense_f32(const View& t, int64_t n) {
  if (t.type != F32 || t.dtype != D_FLOAT32 || t.numel() != n || t.offset < 0 || t.offset + n > t.length) return false;
  int64_t expect = 1;
  for (int d = t.ndim - 1; d >= 0; d--) {
    if (t.shape[d] != 1 && t.strides[d] != expect) return false;
    expect *= t.shape[d];
  }
  return true;
}

// One element with strides: float32, float64, or an integer dtype (addcmul only:
// x + v*a*b in double, stored as JS stores it).
inline double element(int op, int kind, double v, double x, double a, double b) {
  if (kind == 0) {  // float32
    const float xf = static_cast<float>(x), af = static_cast<float>(a), bf = static_cast<float>(b), vf = static_cast<float>(v);
    float r;
    base::rows<float>(op, 1, vf, &r, &xf, &af, &bf);
    return r;
  }
  if (kind == 1) {
    double r;
    base::rows<double>(op, 1, v, &r, &x, &a, &b);
    return r;
  }
  return x + v * a * b;
}

}  // namespace

bool ternary(int op, const View& x, const View& a, const View& b, double value, const View& out) {
  const int kind = out.dtype == D_FLOAT32 ? 0 : out.dtype == D_FLOAT64 ? 1 : 2;
  if (kind == 2 && op != 0) return false;  // integer dtypes: addcmul only (as the JS kernel)
  if (x.type != out.type || a.type != out.type || b.type != out.type) return false;
  const int64_t* strides[4] = {out.strides, x.strides, a.strides, b.strides};
  const int64_t offsets[4] = {out.offset, x.offset, a.offset, b.offset};
  const Layout L = collapse(out.ndim, out.shape, 4, strides, offsets);
  const int64_t total = L.numel();
  if (total == 0) return true;
  const int nd = L.nd;
  parallel(threads_for(total, 1 << 15), [&](int tid, int nth) {
    int64_t begin, end;
    split_range(total, tid, nth, begin, end);
    for_each_row(L, begin, end, [&](const int64_t* offs, int64_t n) {
      const int64_t so = L.strides[0][nd - 1], sx = L.strides[1][nd - 1], sa = L.strides[2][nd - 1], sb = L.strides[3][nd - 1];
      const bool dense = so == 1 && sx == 1 && sa == 1 && (sb == 1 || op == 3);
      if (dense && kind == 0) {
        const float* B = op == 3 ? nullptr : reinterpret_cast<const float*>(b.data) + offs[3];
        rows_f32(op, n, value, reinterpret_cast<float*>(out.data) + offs[0], reinterpret_cast<const float*>(x.data) + offs[1],
                 reinterpret_cast<const float*>(a.data) + offs[2], B);
        return;
      }
      if (dense && kind == 1) {
        const double* B = op == 3 ? nullptr : reinterpret_cast<const double*>(b.data) + offs[3];
        rows_f64(op, n, value, reinterpret_cast<double*>(out.data) + offs[0], reinterpret_cast<const double*>(x.data) + offs[1],
                 reinterpret_cast<const double*>(a.data) + offs[2], B);
        return;
      }
      for (int64_t k = 0; k < n; k++) {
        const double xv = load_as<double>(x.data, x.type, offs[1] + k * sx);
        const double av = load_as<double>(a.data, a.type, offs[2] + k * sa);
        const double bv = op == 3 ? 0.0 : load_as<double>(b.data, b.type, offs[3] + k * sb);
        store_as<double>(out.data, out.type, offs[0] + k * so, element(op, kind, value, xv, av, bv));
      }
    });
  });
  return true;
}

// Adadelta's step on contiguous float tensors of one dtype and size (ternary_impl.h).
bool adadelta(const View& p, const View& g, const View& sq, const View& acc, double lr, double rho, double eps) {
  if ((p.type != F32 && p.type != F64) || g.type != p.type || sq.type != p.type || acc.type != p.type) return false;
  const int64_t n = p.numel();
  if (g.numel() != n || sq.numel() != n || acc.numel() != n) return false;
  if (!p.contiguous() || !g.contiguous() || !sq.contiguous() || !acc.contiguous()) return false;
  const bool f32 = p.type == F32;
  parallel(threads_for(n, 1 << 15), [&](int tid, int nth) {
    int64_t b, e;
    split_range(n, tid, nth, b, e);
    if (e <= b) return;
    if (f32) {
      float *P = p.ptr<float>() + b, *S = sq.ptr<float>() + b, *A = acc.ptr<float>() + b;
      const float* G = g.ptr<float>() + b;
#if defined(TL_HAVE_X86_KERNELS)
      if (have_fma()) return fma::adadelta_f32(e - b, P, G, S, A, lr, rho, eps);
#endif
      base::adadelta_f32(e - b, P, G, S, A, lr, rho, eps);
    } else {
      double *P = p.ptr<double>() + b, *S = sq.ptr<double>() + b, *A = acc.ptr<double>() + b;
      const double* G = g.ptr<double>() + b;
#if defined(TL_HAVE_X86_KERNELS)
      if (have_fma()) return fma::adadelta_f64(e - b, P, G, S, A, lr, rho, eps);
#endif
      base::adadelta_f64(e - b, P, G, S, A, lr, rho, eps);
    }
  });
  return true;
}

bool adam_step(const View& param, const View& grad, const View& exp_avg, const View& exp_avg_sq, const double* scalars) {
  const int64_t total = param.numel();
  if (!dense_f32(param, total) || !dense_f32(grad, total) || !dense_f32(exp_avg, total) || !dense_f32(exp_avg_sq, total)) return false;
  if (total == 0) return true;
  float s[7];
  for (int k = 0; k < 7; k++) s[k] = static_cast<float>(scalars[k]);
  float* p = reinterpret_cast<float*>(param.data) + param.offset;
  const float* g = reinterpret_cast<const float*>(grad.data) + grad.offset;
  float* m = reinterpret_cast<float*>(exp_avg.data) + exp_avg.offset;
  float* v = reinterpret_cast<float*>(exp_avg_sq.data) + exp_avg_sq.offset;
  parallel(threads_for(total, 1 << 15), [&](int tid, int nth) {
    int64_t begin, end;
    split_range(total, tid, nth, begin, end);
    adam_rows(end - begin, p + begin, g + begin, m + begin, v + begin, s);
  });
  return true;
}

// kernels.h: sgd_step; the update is ternary_impl.h's sgd_f32.
bool sgd_step(const View& param, const View& grad, const View& buf, const double* scalars) {
  const int64_t total = param.numel();
  if (!dense_f32(param, total) || !dense_f32(grad, total) || !dense_f32(buf, total)) return false;
  if (total == 0) return true;
  float s[4];
  for (int k = 0; k < 4; k++) s[k] = static_cast<float>(scalars[k]);
  const bool maximize = scalars[4] != 0, nesterov = scalars[5] != 0;
  float* p = reinterpret_cast<float*>(param.data) + param.offset;
  const float* g = reinterpret_cast<const float*>(grad.data) + grad.offset;
  float* b = reinterpret_cast<float*>(buf.data) + buf.offset;
  parallel(threads_for(total, 1 << 15), [&](int tid, int nth) {
    int64_t begin, end;
    split_range(total, tid, nth, begin, end);
    sgd_rows(end - begin, p + begin, g + begin, b + begin, s, maximize, nesterov);
  });
  return true;
}

}  // namespace tl
