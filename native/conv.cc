// conv2d and its two gradients as GEMMs over im2col. Images are taken in groups of
// `gs` whose im2col columns sit side by side, so small planes (ResNet's 14x14, 7x7)
// still make wide GEMMs and the weights are packed once per group:
//   forward:      out[group, g]  (Og x gs*P) = W_g (Og x K) . cols (K x gs*P)
//   input grad:   unit stride: the forward convolution of gradOut with the flipped
//                 weight; 1x1 strided: W_g^T . gradOut into a compact block, then
//                 scattered; else cols (K x gs*P) = W_g^T . gradOut, then col2im
//   weight grad:  gradW_g (Og x K) += gradOut[group, g] . cols^T
// with K = Cg*kH*kW and P = oH*oW. cols is never stored: the GEMM packs its panels
// straight from the input (conv_cols.h). With one image per group, results are
// written in place; 1x1 convolutions with unit stride and no padding then use the
// input (or gradient) planes directly as the GEMM's B.
// Threads take whole groups when they split evenly (no synchronisation, each GEMM
// single-threaded); otherwise groups run in turn with a multithreaded GEMM.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "conv_cols.h"
#include "conv_small.h"
#include "conv_winograd.h"
#include "gemm.h"
#include "kernels.h"
#include "parallel.h"

namespace tl {

namespace {

using namespace conv;

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

// Images per group: enough that a group's GEMM is ~256+ columns wide, within ~64 MB
// of im2col columns, and as even a split of the batch as that allows.
int64_t group_size(const Geo& G, size_t elem) {
  int64_t gs = std::min<int64_t>(G.N, std::max<int64_t>(1, (256 + G.P - 1) / std::max<int64_t>(G.P, 1)));
  while (gs > 1 && static_cast<double>(G.K) * gs * G.P * elem > 64.0 * (1 << 20)) gs--;
  const int64_t groups = (G.N + gs - 1) / gs;
  return (G.N + groups - 1) / groups;
}

// Runs body(n0, count, part, gemmThreads) for each group of images: groups split
// across threads (single-threaded GEMMs) when they divide evenly, else in turn with
// every thread in each GEMM. `part` indexes per-part scratch (0 when sequential).
template <class F> void for_groups(int64_t N, int64_t gs, F&& body) {
  const int64_t groups = (N + gs - 1) / gs;
  const int nth = num_threads();
  if (nth > 1 && groups >= nth && (groups % nth == 0 || groups >= 4 * nth)) {
    parallel(nth, [&](int part, int n) {
      int64_t a, b;
      split_range(groups, part, n, a, b);
      for (int64_t q = a; q < b; q++) body(q * gs, std::min(gs, N - q * gs), part, 1);
    });
  } else {
    for (int64_t q = 0; q < groups; q++) body(q * gs, std::min(gs, N - q * gs), 0, nth);
  }
}

int parts_for_groups(int64_t N, int64_t gs) {
  const int64_t groups = (N + gs - 1) / gs;
  const int nth = num_threads();
  return nth > 1 && groups >= nth && (groups % nth == 0 || groups >= 4 * nth) ? nth : 1;
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

// gradOut (or out) rows of image group [n0, n0+cnt), channel block [o0, o0+Og), as an
// [Og x cnt*P] matrix: a contiguous copy (a column block per image).
template <class T> void gather_rows(const View& v, int64_t n0, int64_t cnt, int64_t o0, int64_t Og, int64_t P, T* dst) {
  const T* s = v.ptr<T>();
  const int64_t H = v.shape[2], W = v.shape[3], sh = v.strides[2], sw = v.strides[3];
  const bool flat = (W == 1 || sw == 1) && (H == 1 || sh == W);
  for (int64_t o = 0; o < Og; o++)
    for (int64_t i = 0; i < cnt; i++) {
      T* d = dst + o * cnt * P + i * P;
      const T* plane = s + (n0 + i) * v.strides[0] + (o0 + o) * v.strides[1];
      if (flat) {
        std::memcpy(d, plane, sizeof(T) * P);
        continue;
      }
      for (int64_t r = 0; r < H; r++, d += W)
        for (int64_t c = 0; c < W; c++) d[c] = plane[r * sh + c * sw];
    }
}

// `flipped`: w is [O, Cg, kH, kW] and the convolution's weight is its flip (Flipped),
// [groups*Cg, O/groups, kH, kW].
template <class T>
void conv2d_typed(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out,
                  bool flipped = false) {
  int64_t ws[4] = {w.shape[0], w.shape[1], w.shape[2], w.shape[3]};
  if (flipped) {
    ws[0] = p.groups * w.shape[1];
    ws[1] = w.shape[0] / p.groups;
  }
  const Geo G = geometry(x.shape, ws, out.shape, p);
  if constexpr (std::is_same_v<T, float>) {
    if (G.G == 1 && G.kH == 3 && G.kW == 3 && p.stride[0] == 1 && p.stride[1] == 1 && p.dilation[0] == 1 &&
        p.dilation[1] == 1 && winograd_worth(G.C, G.O, G.oH, G.oW)) {
      const int64_t* s = w.strides;  // flipped: w'(a, b, i, j) = w(b, a, 2 - i, 2 - j)
      const WinogradWeight ww = flipped ? WinogradWeight{w.ptr<float>() + 2 * s[2] + 2 * s[3], {s[1], s[0], -s[2], -s[3]}, G.O, G.C}
                                        : WinogradWeight{w.ptr<float>(), {s[0], s[1], s[2], s[3]}, G.O, G.C};
      winograd_conv3x3(x, ww, bias, p.padding, out);
      return;
    }
  }
  int64_t wrs = 0, wcs = 0;
  const T* Wm = flipped ? nullptr : weight_matrix<T>(w, wrs, wcs);
  if (flipped) {  // rows c, columns o (a 1x1 flip is a transpose; larger ones go through pack_flipped)
    wrs = w.strides[1];
    wcs = w.strides[0];
  }
  const T* X = x.ptr<T>();
  T* O = out.ptr<T>();
  int64_t plane_s;
  const int64_t gs = group_size(G, sizeof(T));
  const bool direct = gs == 1 && G.pointwise && plane_collapses(x, plane_s);
  const Geo Gc = flat_pointwise(G, x);
  for_groups(G.N, gs, [&](int64_t n0, int64_t cnt, int, int nth) {
    const int64_t cols_n = cnt * G.P;  // GEMM columns
    T* tmp = cnt > 1 ? static_cast<T*>(thread_scratch(3).get(sizeof(T) * G.Og * cols_n)) : nullptr;
    for (int64_t g = 0; g < G.G; g++) {
      // The group's weight rows: A = Wm + g*Og*wrs, or flipped from w's group g
      // (whose output channels are this convolution's input channels).
      const T* A = Wm ? Wm + g * G.Og * wrs : w.ptr<T>() + g * G.Cg * w.strides[0];
      const Flipped<T> fl{A, w.strides[0], w.strides[1], w.strides[2], w.strides[3], G.kH, G.kW};
      // One image: straight into out; several: into tmp, then each image's block out.
      T* C = cnt > 1 ? tmp : O + (n0 * G.O + g * G.Og) * G.P;
      if (direct) {
        const T* B = X + n0 * x.strides[0] + g * G.Cg * x.strides[1];
        gemm<T>(G.Og, G.P, G.K, A, wrs, wcs, B, x.strides[1], plane_s, C, G.P, false, nth);
      } else {
        const Cols<T> cols{X, x.strides, &Gc, &p, n0, g};
        if (flipped && G.kH * G.kW > 1)
          gemm_packed<T>(G.Og, cols_n, G.K, PackA<T>{pack_flipped<T>, &fl}, PackB<T>{pack_cols<T>, &cols}, C, cols_n,
                         false, nth);
        else
          gemm_packed_b<T>(G.Og, cols_n, G.K, A, wrs, wcs, PackB<T>{pack_cols<T>, &cols}, C, cols_n, false, nth);
      }
      for (int64_t i = 0; i < cnt; i++)
        for (int64_t o = 0; o < G.Og; o++) {
          T* row = O + ((n0 + i) * G.O + g * G.Og + o) * G.P;
          const T b = bias ? bias->ptr<T>()[(g * G.Og + o) * bias->strides[0]] : T(0);
          if (cnt > 1) {
            const T* src = tmp + o * cols_n + i * G.P;
            for (int64_t q = 0; q < G.P; q++) row[q] = src[q] + b;
          } else if (bias) {
            for (int64_t q = 0; q < G.P; q++) row[q] += b;
          }
        }
    }
  });
}

// With unit stride the input gradient is itself a convolution: of gradOut with the
// weight flipped in both spatial dims and its in/out channels swapped (per group), with
// padding d*(k-1) - p. That is the forward GEMM (M = input channels, N = pixels, with
// the implicit im2col) instead of a GEMM with K = out channels into a K*kH*kW x P
// column buffer and col2im. Returns false when it does not apply.
constexpr int64_t kMinFlippedChannels = 16;

template <class T> bool backward_input_as_conv(const View& grad, const View& w, const Conv2dParams& p, const View& out) {
  const int64_t kH = w.shape[2], kW = w.shape[3];
  const int64_t ph = p.dilation[0] * (kH - 1) - p.padding[0], pw = p.dilation[1] * (kW - 1) - p.padding[1];
  if (p.stride[0] != 1 || p.stride[1] != 1 || ph < 0 || pw < 0) return false;
  // Few input channels per group (LeNet's 6, depthwise 1) make that GEMM's M too short
  // for the micro-kernel's rows: the col2im path (M = channels * kH * kW) is faster there.
  if (w.shape[1] < kMinFlippedChannels) return false;
  Conv2dParams q = p;
  q.padding[0] = ph;
  q.padding[1] = pw;
  conv2d_typed<T>(grad, w, nullptr, q, out, true);
  return true;
}

// 1x1 without padding at stride > 1 (ResNet's downsamples): the input gradient is W^T .
// gradOut at the strided pixels and zero elsewhere. The GEMM writes a compact
// [Cg x cnt*P] block (its B panels packed straight from gradOut's planes, a 1x1
// stride-1 "im2col" of them), then one pass writes every element of dX once (col2im
// would add into a zeroed dX, and gradOut would be gathered first).
template <class T> void backward_input_pointwise_strided(const View& grad, const View& w, const Geo& G,
                                                         const Conv2dParams& p, const View& out) {
  int64_t wrs, wcs;
  const T* Wm = weight_matrix<T>(w, wrs, wcs);
  const int64_t gs = group_size(G, sizeof(T));
  const int64_t sh = p.stride[0], sw = p.stride[1];
  // gradOut as the input of a 1x1 stride-1 convolution (Cg = Og channels).
  Geo Gg = G;
  Gg.C = G.O;
  Gg.Cg = G.Og;
  Gg.H = G.oH;
  Gg.W = G.oW;
  Gg.K = G.Og;
  if (grad.strides[3] == 1 && grad.strides[2] == G.oW) {
    // Contiguous planes: one row of P pixels, so a packed panel copies whole runs.
    Gg.H = Gg.oH = 1;
    Gg.W = Gg.oW = G.P;
  }
  const Conv2dParams unit{{1, 1}, {0, 0}, {1, 1}, p.groups};
  T* O = out.ptr<T>();
  for_groups(G.N, gs, [&](int64_t n0, int64_t cnt, int, int nth) {
    const int64_t cols_n = cnt * G.P;
    T* C = static_cast<T*>(thread_scratch(2).get(sizeof(T) * G.Cg * cols_n));
    for (int64_t g = 0; g < G.G; g++) {
      const Cols<T> cols{grad.ptr<T>(), grad.strides, &Gg, &unit, n0, g};
      gemm_packed_b<T>(G.Cg, cols_n, G.Og, Wm + g * G.Og * wrs, wcs, wrs, PackB<T>{pack_cols<T>, &cols}, C, cols_n,
                       false, nth);
      for (int64_t i = 0; i < cnt; i++)
        for (int64_t c = 0; c < G.Cg; c++) {
          T* plane = O + ((n0 + i) * G.C + g * G.Cg + c) * G.H * G.W;
          const T* src = C + c * cols_n + i * G.P;
          for (int64_t h = 0; h < G.H; h++) {
            T* row = plane + h * G.W;
            std::fill(row, row + G.W, T(0));
            if (h % sh != 0 || h / sh >= G.oH) continue;
            const T* s = src + (h / sh) * G.oW;
            for (int64_t q = 0; q < G.oW; q++) row[q * sw] = s[q];
          }
        }
    }
  });
}

template <class T> void conv2d_backward_input_typed(const View& grad, const View& w, const Conv2dParams& p, const View& out) {
  if (backward_input_as_conv<T>(grad, w, p, out)) return;
  const Geo G = geometry(out.shape, w.shape, grad.shape, p);
  if (G.kH == 1 && G.kW == 1 && p.padding[0] == 0 && p.padding[1] == 0) {
    backward_input_pointwise_strided<T>(grad, w, G, p, out);
    return;
  }
  int64_t wrs, wcs;
  const T* Wm = weight_matrix<T>(w, wrs, wcs);
  int64_t gplane;
  const bool gdirect = plane_collapses(grad, gplane);
  const int64_t gs = group_size(G, sizeof(T));
  T* O = out.ptr<T>();
  for_groups(G.N, gs, [&](int64_t n0, int64_t cnt, int, int nth) {
    const int64_t cols_n = cnt * G.P;
    // gradOut of the group as [O x cnt*P]: its own memory for one image, else a copy.
    const T* Gm;
    int64_t grs, gcs;
    if (cnt == 1 && gdirect) {
      Gm = grad.ptr<T>() + n0 * grad.strides[0];
      grs = grad.strides[1];
      gcs = gplane;
    } else {
      T* d = static_cast<T*>(thread_scratch(3).get(sizeof(T) * G.O * cols_n));
      gather_rows<T>(grad, n0, cnt, 0, G.O, G.P, d);
      Gm = d;
      grs = cols_n;
      gcs = 1;
    }
    T* image0 = O + n0 * G.C * G.H * G.W;
    if (cnt == 1 && G.pointwise) {
      for (int64_t g = 0; g < G.G; g++)
        gemm<T>(G.Cg, G.P, G.Og, Wm + g * G.Og * wrs, wcs, wrs, Gm + g * G.Og * grs, grs, gcs, image0 + g * G.Cg * G.P,
                G.P, false, nth);
      return;
    }
    std::fill(image0, image0 + cnt * G.C * G.H * G.W, T(0));
    T* cols = static_cast<T*>(thread_scratch(2).get(sizeof(T) * G.K * cols_n));
    for (int64_t g = 0; g < G.G; g++) {
      gemm<T>(G.K, cols_n, G.Og, Wm + g * G.Og * wrs, wcs, wrs, Gm + g * G.Og * grs, grs, gcs, cols, cols_n, false, nth);
      for (int64_t i = 0; i < cnt; i++) col2im<T>(cols + i * G.P, n0 + i, g, G, p, O, cols_n);
    }
  });
}

template <class T> void conv2d_backward_weight_typed(const View& grad, const View& x, const Conv2dParams& p, const View& out) {
  const Geo G = geometry(x.shape, out.shape, grad.shape, p);
  if constexpr (std::is_same_v<T, float>) {
    if (G.G == 1 && G.kH == 3 && G.kW == 3 && p.stride[0] == 1 && p.stride[1] == 1 && p.dilation[0] == 1 &&
        p.dilation[1] == 1 && winograd_worth(G.C, G.O, G.oH, G.oW)) {
      winograd_conv3x3_backward_weight(grad, x, p.padding, out);
      return;
    }
  }
  int64_t gplane, xplane;
  const bool gdirect = plane_collapses(grad, gplane);
  const int64_t gs = group_size(G, sizeof(T));
  const bool xdirect = gs == 1 && G.pointwise && plane_collapses(x, xplane);
  const Geo Gc = flat_pointwise(G, x);
  T* gW = out.ptr<T>();
  const int64_t wsize = G.O * G.K;
  const int nparts = parts_for_groups(G.N, gs);
  // Part t > 0 accumulates into its own partial gradient; they are summed at the end. They
  // live in the calling thread's scratch slot 5 (the parts use 0-3 and 6): a fresh vector
  // per call was zeroed and, past glibc's mmap threshold, faulted in page by page (~0.9 ms
  // of a 3.6 ms stride-2 64->128 layer at ~12 us a fault).
  T* partials = nparts > 1 ? static_cast<T*>(thread_scratch(5).get(sizeof(T) * (nparts - 1) * wsize)) : nullptr;
  std::vector<uint8_t> touched(static_cast<size_t>(nparts), 0);
  for_groups(G.N, gs, [&](int64_t n0, int64_t cnt, int part, int nth) {
    T* acc = part == 0 ? gW : partials + (part - 1) * wsize;
    const bool first = !touched[part];
    touched[part] = 1;
    const int64_t cols_n = cnt * G.P;
    const T* Gm;
    int64_t grs, gcs;
    if (cnt == 1 && gdirect) {
      Gm = grad.ptr<T>() + n0 * grad.strides[0];
      grs = grad.strides[1];
      gcs = gplane;
    } else {
      T* d = static_cast<T*>(thread_scratch(3).get(sizeof(T) * G.O * cols_n));
      gather_rows<T>(grad, n0, cnt, 0, G.O, G.P, d);
      Gm = d;
      grs = cols_n;
      gcs = 1;
    }
    for (int64_t g = 0; g < G.G; g++) {
      const T* A = Gm + g * G.Og * grs;
      T* C = acc + g * G.Og * G.K;
      if (xdirect) {
        const T* B = x.ptr<T>() + n0 * x.strides[0] + g * G.Cg * x.strides[1];
        gemm<T>(G.Og, G.K, G.P, A, grs, gcs, B, xplane, x.strides[1], C, G.K, !first, nth);
      } else {
        const Cols<T> cols{x.ptr<T>(), x.strides, &Gc, &p, n0, g};
        gemm_packed_b<T>(G.Og, G.K, cols_n, A, grs, gcs, PackB<T>{pack_cols_t<T>, &cols}, C, G.K, !first, nth);
      }
    }
  });
  if (!touched[0]) std::fill(gW, gW + wsize, T(0));
  for (int t = 1; t < nparts; t++) {
    if (!touched[t]) continue;
    const T* part = partials + (t - 1) * wsize;
    for (int64_t i = 0; i < wsize; i++) gW[i] += part[i];
  }
}

bool same_float(const View& a, const View& b, const View& c) {
  return (a.type == F32 || a.type == F64) && a.type == b.type && a.type == c.type;
}

// Few channels: direct AVX2 kernels (conv_small_avx2.cc) where the CPU has them.
bool small_path() {
#if defined(TL_HAVE_X86_KERNELS)
  return active_isa() == ISA_AVX2 || active_isa() == ISA_AVX512;
#else
  return false;
#endif
}

}  // namespace

bool conv2d(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out) {
  if (!same_float(x, w, out) || (bias && bias->type != x.type)) return false;
  if (small_path() && conv_small::forward(x, w, bias, p, out)) return true;
  if (x.type == F32) conv2d_typed<float>(x, w, bias, p, out);
  else conv2d_typed<double>(x, w, bias, p, out);
  return true;
}

bool conv2d_backward_input(const View& grad, const View& w, const Conv2dParams& p, const View& out) {
  if (!same_float(grad, w, out)) return false;
  if (small_path() && conv_small::backward_input(grad, w, p, out)) return true;
  if (grad.type == F32) conv2d_backward_input_typed<float>(grad, w, p, out);
  else conv2d_backward_input_typed<double>(grad, w, p, out);
  return true;
}

bool conv2d_backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out) {
  if (!same_float(grad, x, out)) return false;
  if (small_path() && conv_small::backward_weight(grad, x, p, out)) return true;
  if (grad.type == F32) conv2d_backward_weight_typed<float>(grad, x, p, out);
  else conv2d_backward_weight_typed<double>(grad, x, p, out);
  return true;
}

}  // namespace tl
