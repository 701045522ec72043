// conv2d and its two gradients through im2col + GEMM, per image and group:
//   forward:      out[n,g]  (Og x P) = W_g (Og x K) . cols (K x P)
//   input grad:   cols      (K x P)  = W_g^T . gradOut[n,g],  then col2im into gradIn[n]
//   weight grad:  gradW_g   (Og x K) += gradOut[n,g] . cols^T
// with K = Cg*kH*kW and P = oH*oW. 1x1 convolutions with unit stride and no padding
// use the input (or gradient) planes as the GEMM operand directly, without im2col.
// Threads take whole images when the batch splits evenly (no synchronisation, each
// GEMM single-threaded); otherwise images run in turn with a multithreaded GEMM.
#include <algorithm>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "parallel.h"

namespace tl {

namespace {

struct Geo {
  int64_t N, C, H, W, O, Cg, Og, G, kH, kW, oH, oW, K, P;
  bool pointwise;  // 1x1, stride 1, no padding: cols would be the input itself
};

Geo geometry(const int64_t* xs, const int64_t* ws, const int64_t* os, const Conv2dParams& p) {
  Geo g;
  g.N = xs[0];
  g.C = xs[1];
  g.H = xs[2];
  g.W = xs[3];
  g.O = ws[0];
  g.Cg = ws[1];
  g.kH = ws[2];
  g.kW = ws[3];
  g.oH = os[2];
  g.oW = os[3];
  g.G = p.groups;
  g.Og = g.O / g.G;
  g.K = g.Cg * g.kH * g.kW;
  g.P = g.oH * g.oW;
  g.pointwise = g.kH == 1 && g.kW == 1 && p.stride[0] == 1 && p.stride[1] == 1 && p.padding[0] == 0 &&
                p.padding[1] == 0 && g.oH == g.H && g.oW == g.W;
  return g;
}

// A 4-D view's last three dims as one matrix row of stride col_stride (true when they
// walk as one: each dim of size > 1 steps over the whole of the next one).
bool rows_collapse(const View& v, int64_t& col_stride) {
  int prev = -1;
  col_stride = 1;
  for (int d = 1; d < 4; d++) {
    if (v.shape[d] == 1) continue;
    if (prev >= 0 && v.strides[prev] != v.shape[d] * v.strides[d]) return false;
    prev = d;
    col_stride = v.strides[d];
  }
  return true;
}

// dims 2..3 (a plane) as one row of stride s.
bool plane_collapses(const View& v, int64_t& s) {
  s = v.shape[3] > 1 ? v.strides[3] : v.strides[2];
  if (v.shape[3] == 1 || v.shape[2] == 1) return true;
  return v.strides[2] == v.shape[3] * v.strides[3];
}

// A dense row-major copy of a 4-D view into scratch, when its layout is not usable.
template <class T> const T* dense(const View& v, int slot) {
  const int64_t n = v.numel();
  T* d = static_cast<T*>(thread_scratch(slot).get(sizeof(T) * std::max<int64_t>(n, 1)));
  const T* s = v.ptr<T>();
  int64_t i = 0;
  for (int64_t a = 0; a < v.shape[0]; a++)
    for (int64_t b = 0; b < v.shape[1]; b++)
      for (int64_t c = 0; c < v.shape[2]; c++)
        for (int64_t e = 0; e < v.shape[3]; e++)
          d[i++] = s[a * v.strides[0] + b * v.strides[1] + c * v.strides[2] + e * v.strides[3]];
  return d;
}

// Range of output positions o in [0, n_out) whose input position o*s - pad + k*dil lies in [0, size).
inline void valid_range(int64_t n_out, int64_t s, int64_t pad, int64_t kd, int64_t size, int64_t& lo, int64_t& hi) {
  const int64_t first = kd - pad;  // input position of o = 0
  lo = first >= 0 ? 0 : (-first + s - 1) / s;
  hi = size - first <= 0 ? 0 : (size - first + s - 1) / s;
  lo = std::min(lo, n_out);
  hi = std::max(lo, std::min(hi, n_out));
}

// cols[K][P] of image n, group g (zeros where the window hits padding).
template <class T> void im2col(const T* X, const int64_t* xs, int64_t n, int64_t g, const Geo& G, const Conv2dParams& p, T* cols) {
  const int64_t sh = p.stride[0], sw = p.stride[1], ph = p.padding[0], pw = p.padding[1];
  const int64_t dh = p.dilation[0], dw = p.dilation[1];
  for (int64_t c = 0; c < G.Cg; c++) {
    const T* plane = X + n * xs[0] + (g * G.Cg + c) * xs[1];
    for (int64_t ki = 0; ki < G.kH; ki++) {
      int64_t oh0, oh1;
      valid_range(G.oH, sh, ph, ki * dh, G.H, oh0, oh1);
      for (int64_t kj = 0; kj < G.kW; kj++) {
        T* row = cols + ((c * G.kH + ki) * G.kW + kj) * G.P;
        int64_t ow0, ow1;
        valid_range(G.oW, sw, pw, kj * dw, G.W, ow0, ow1);
        std::fill(row, row + oh0 * G.oW, T(0));
        for (int64_t oh = oh0; oh < oh1; oh++) {
          T* dst = row + oh * G.oW;
          const T* src = plane + (oh * sh - ph + ki * dh) * xs[2];
          const int64_t iw0 = kj * dw - pw;
          for (int64_t ow = 0; ow < ow0; ow++) dst[ow] = 0;
          if (sw == 1 && xs[3] == 1) std::memcpy(dst + ow0, src + ow0 + iw0, sizeof(T) * (ow1 - ow0));
          else
            for (int64_t ow = ow0; ow < ow1; ow++) dst[ow] = src[(ow * sw + iw0) * xs[3]];
          for (int64_t ow = ow1; ow < G.oW; ow++) dst[ow] = 0;
        }
        std::fill(row + oh1 * G.oW, row + G.P, T(0));
      }
    }
  }
}

// The adjoint of im2col: adds cols into image n, group g of a contiguous [N, C, H, W].
template <class T> void col2im(const T* cols, int64_t n, int64_t g, const Geo& G, const Conv2dParams& p, T* out) {
  const int64_t sh = p.stride[0], sw = p.stride[1], ph = p.padding[0], pw = p.padding[1];
  const int64_t dh = p.dilation[0], dw = p.dilation[1];
  for (int64_t c = 0; c < G.Cg; c++) {
    T* plane = out + (n * G.C + g * G.Cg + c) * G.H * G.W;
    for (int64_t ki = 0; ki < G.kH; ki++) {
      int64_t oh0, oh1;
      valid_range(G.oH, sh, ph, ki * dh, G.H, oh0, oh1);
      for (int64_t kj = 0; kj < G.kW; kj++) {
        const T* row = cols + ((c * G.kH + ki) * G.kW + kj) * G.P;
        int64_t ow0, ow1;
        valid_range(G.oW, sw, pw, kj * dw, G.W, ow0, ow1);
        const int64_t iw0 = kj * dw - pw;
        for (int64_t oh = oh0; oh < oh1; oh++) {
          const T* src = row + oh * G.oW;
          T* dst = plane + (oh * sh - ph + ki * dh) * G.W;
          if (sw == 1)
            for (int64_t ow = ow0; ow < ow1; ow++) dst[ow + iw0] += src[ow];
          else
            for (int64_t ow = ow0; ow < ow1; ow++) dst[ow * sw + iw0] += src[ow];
        }
      }
    }
  }
}

// Images split across threads (each running single-threaded GEMMs) when that
// balances; else images in turn, each GEMM using every thread.
bool images_in_parallel(int64_t N) {
  const int nth = num_threads();
  return nth > 1 && N >= nth && (N % nth == 0 || N >= 4 * nth);
}

template <class F> void for_images(int64_t N, F&& body) {
  if (images_in_parallel(N)) {
    parallel(num_threads(), [&](int tid, int nth) {
      int64_t a, b;
      split_range(N, tid, nth, a, b);
      for (int64_t n = a; n < b; n++) body(n, tid, 1);
    });
  } else {
    for (int64_t n = 0; n < N; n++) body(n, 0, num_threads());
  }
}

// The weight as an [O x K] matrix: its own memory when dims 1..3 collapse.
template <class T> const T* weight_matrix(const View& w, int64_t& rs, int64_t& cs) {
  int64_t col;
  if (rows_collapse(w, col)) {
    rs = w.strides[0];
    cs = col;
    return w.ptr<T>();
  }
  rs = w.shape[1] * w.shape[2] * w.shape[3];
  cs = 1;
  return dense<T>(w, 4);
}

template <class T> void conv2d_typed(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out) {
  const Geo G = geometry(x.shape, w.shape, out.shape, p);
  int64_t wrs, wcs;
  const T* Wm = weight_matrix<T>(w, wrs, wcs);
  const T* X = x.ptr<T>();
  T* O = out.ptr<T>();
  int64_t plane_s;
  const bool direct = G.pointwise && plane_collapses(x, plane_s);
  for_images(G.N, [&](int64_t n, int, int nth) {
    T* cols = direct ? nullptr : static_cast<T*>(thread_scratch(2).get(sizeof(T) * G.K * G.P));
    for (int64_t g = 0; g < G.G; g++) {
      T* C = O + (n * G.O + g * G.Og) * G.P;
      const T* A = Wm + g * G.Og * wrs;
      if (direct) {
        const T* B = X + n * x.strides[0] + g * G.Cg * x.strides[1];
        gemm<T>(G.Og, G.P, G.K, A, wrs, wcs, B, x.strides[1], plane_s, C, G.P, false, nth);
      } else {
        im2col<T>(X, x.strides, n, g, G, p, cols);
        gemm<T>(G.Og, G.P, G.K, A, wrs, wcs, cols, G.P, 1, C, G.P, false, nth);
      }
      if (bias) {
        const T* Bv = bias->ptr<T>();
        for (int64_t o = 0; o < G.Og; o++) {
          const T b = Bv[(g * G.Og + o) * bias->strides[0]];
          T* row = C + o * G.P;
          for (int64_t q = 0; q < G.P; q++) row[q] += b;
        }
      }
    }
  });
}

template <class T> void conv2d_backward_input_typed(const View& grad, const View& w, const Conv2dParams& p, const View& out) {
  const Geo G = geometry(out.shape, w.shape, grad.shape, p);
  int64_t wrs, wcs;
  const T* Wm = weight_matrix<T>(w, wrs, wcs);
  int64_t gplane;
  const bool gdirect = plane_collapses(grad, gplane);
  T* O = out.ptr<T>();
  for_images(G.N, [&](int64_t n, int tid, int nth) {
    // gradOut[n] as [O x P]: its own memory, or a dense copy of that image.
    const T* Gm;
    int64_t grs, gcs;
    if (gdirect) {
      Gm = grad.ptr<T>() + n * grad.strides[0];
      grs = grad.strides[1];
      gcs = gplane;
    } else {
      T* d = static_cast<T*>(thread_scratch(3).get(sizeof(T) * G.O * G.P));
      const T* s = grad.ptr<T>() + n * grad.strides[0];
      for (int64_t o = 0; o < G.O; o++)
        for (int64_t i = 0; i < G.oH; i++)
          for (int64_t j = 0; j < G.oW; j++) d[(o * G.oH + i) * G.oW + j] = s[o * grad.strides[1] + i * grad.strides[2] + j * grad.strides[3]];
      Gm = d;
      grs = G.P;
      gcs = 1;
    }
    T* image = O + n * G.C * G.H * G.W;
    if (G.pointwise) {
      for (int64_t g = 0; g < G.G; g++)
        gemm<T>(G.Cg, G.P, G.Og, Wm + g * G.Og * wrs, wcs, wrs, Gm + g * G.Og * grs, grs, gcs,
                image + g * G.Cg * G.P, G.P, false, nth);
      return;
    }
    std::fill(image, image + G.C * G.H * G.W, T(0));
    T* cols = static_cast<T*>(thread_scratch(2).get(sizeof(T) * G.K * G.P));
    for (int64_t g = 0; g < G.G; g++) {
      gemm<T>(G.K, G.P, G.Og, Wm + g * G.Og * wrs, wcs, wrs, Gm + g * G.Og * grs, grs, gcs, cols, G.P, false, nth);
      col2im<T>(cols, n, g, G, p, O);
    }
    (void)tid;
  });
}

template <class T> void conv2d_backward_weight_typed(const View& grad, const View& x, const Conv2dParams& p, const View& out) {
  const Geo G = geometry(x.shape, out.shape, grad.shape, p);
  int64_t gplane, xplane;
  const bool gdirect = plane_collapses(grad, gplane);
  const bool xdirect = G.pointwise && plane_collapses(x, xplane);
  T* gW = out.ptr<T>();
  const int64_t wsize = G.O * G.K;
  const bool split = images_in_parallel(G.N);
  const int nparts = split ? num_threads() : 1;
  // Thread t > 0 accumulates into its own partial gradient; they are summed at the end.
  std::vector<T> partials(static_cast<size_t>((nparts - 1) * wsize));
  std::vector<uint8_t> touched(static_cast<size_t>(nparts), 0);
  for_images(G.N, [&](int64_t n, int tid, int nth) {
    T* acc = tid == 0 ? gW : partials.data() + (tid - 1) * wsize;
    const bool first = !touched[tid];
    touched[tid] = 1;
    const T* Gm;
    int64_t grs, gcs;
    if (gdirect) {
      Gm = grad.ptr<T>() + n * grad.strides[0];
      grs = grad.strides[1];
      gcs = gplane;
    } else {
      T* d = static_cast<T*>(thread_scratch(3).get(sizeof(T) * G.O * G.P));
      const T* s = grad.ptr<T>() + n * grad.strides[0];
      for (int64_t o = 0; o < G.O; o++)
        for (int64_t i = 0; i < G.oH; i++)
          for (int64_t j = 0; j < G.oW; j++) d[(o * G.oH + i) * G.oW + j] = s[o * grad.strides[1] + i * grad.strides[2] + j * grad.strides[3]];
      Gm = d;
      grs = G.P;
      gcs = 1;
    }
    T* cols = xdirect ? nullptr : static_cast<T*>(thread_scratch(2).get(sizeof(T) * G.K * G.P));
    for (int64_t g = 0; g < G.G; g++) {
      const T* A = Gm + g * G.Og * grs;
      T* C = acc + g * G.Og * G.K;
      if (xdirect) {
        const T* B = x.ptr<T>() + n * x.strides[0] + g * G.Cg * x.strides[1];
        gemm<T>(G.Og, G.K, G.P, A, grs, gcs, B, xplane, x.strides[1], C, G.K, !first, nth);
      } else {
        im2col<T>(x.ptr<T>(), x.strides, n, g, G, p, cols);
        gemm<T>(G.Og, G.K, G.P, A, grs, gcs, cols, 1, G.P, C, G.K, !first, nth);
      }
    }
  });
  if (!touched[0]) std::fill(gW, gW + wsize, T(0));
  for (int t = 1; t < nparts; t++) {
    if (!touched[t]) continue;
    const T* part = partials.data() + (t - 1) * wsize;
    for (int64_t i = 0; i < wsize; i++) gW[i] += part[i];
  }
}

bool same_float(const View& a, const View& b, const View& c) {
  return (a.type == F32 || a.type == F64) && a.type == b.type && a.type == c.type;
}

}  // namespace

bool conv2d(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out) {
  if (!same_float(x, w, out) || (bias && bias->type != x.type)) return false;
  if (x.type == F32) conv2d_typed<float>(x, w, bias, p, out);
  else conv2d_typed<double>(x, w, bias, p, out);
  return true;
}

bool conv2d_backward_input(const View& grad, const View& w, const Conv2dParams& p, const View& out) {
  if (!same_float(grad, w, out)) return false;
  if (grad.type == F32) conv2d_backward_input_typed<float>(grad, w, p, out);
  else conv2d_backward_input_typed<double>(grad, w, p, out);
  return true;
}

bool conv2d_backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out) {
  if (!same_float(grad, x, out)) return false;
  if (grad.type == F32) conv2d_backward_weight_typed<float>(grad, x, p, out);
  else conv2d_backward_weight_typed<double>(grad, x, p, out);
  return true;
}

}  // namespace tl
