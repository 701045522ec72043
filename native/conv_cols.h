// The convolution's operand packers (conv.cc): its geometry, the implicit im2col
// that the GEMM packs B panels from (gemm_packed_b), its adjoint col2im, and the
// flipped weight of the unit-stride input gradient (gemm_packed's A). Included by
// conv.cc only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common.h"
#include "kernels.h"
#include "transpose.h"

namespace tl {
namespace conv {

struct Geo {
  int64_t N, C, H, W, O, Cg, Og, G, kH, kW, oH, oW, K, P;
  bool pointwise;  // 1x1, stride 1, no padding: cols would be the input itself
};

inline Geo geometry(const int64_t* xs, const int64_t* ws, const int64_t* os, const Conv2dParams& p) {
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

// Range of output positions o in [0, n_out) whose input position o*s - pad + k*dil lies in [0, size).
inline void valid_range(int64_t n_out, int64_t s, int64_t pad, int64_t kd, int64_t size, int64_t& lo, int64_t& hi) {
  const int64_t first = kd - pad;  // input position of o = 0
  lo = first >= 0 ? 0 : (-first + s - 1) / s;
  hi = size - first <= 0 ? 0 : (size - first + s - 1) / s;
  lo = std::min(lo, n_out);
  hi = std::max(lo, std::min(hi, n_out));
}

// The adjoint of im2col: adds cols (rows ld apart) into image n, group g of a contiguous [N, C, H, W].
template <class T> void col2im(const T* cols, int64_t n, int64_t g, const Geo& G, const Conv2dParams& p, T* out, int64_t ld) {
  const int64_t sh = p.stride[0], sw = p.stride[1], ph = p.padding[0], pw = p.padding[1];
  const int64_t dh = p.dilation[0], dw = p.dilation[1];
  for (int64_t c = 0; c < G.Cg; c++) {
    T* plane = out + (n * G.C + g * G.Cg + c) * G.H * G.W;
    for (int64_t ki = 0; ki < G.kH; ki++) {
      int64_t oh0, oh1;
      valid_range(G.oH, sh, ph, ki * dh, G.H, oh0, oh1);
      for (int64_t kj = 0; kj < G.kW; kj++) {
        const T* row = cols + ((c * G.kH + ki) * G.kW + kj) * ld;
        int64_t ow0, ow1;
        valid_range(G.oW, sw, pw, kj * dw, G.W, ow0, ow1);
        const int64_t iw0 = kj * dw - pw;
        if (sw == 2 && dw == 1 && kj + 1 < G.kW) {
          // Stride 2: taps kj and kj+1 land on neighbouring columns (2*ow + iw0 and
          // the one after), so one pass adds both as pairs, a store with no gaps that
          // vectorises (one tap at a time is a scattered add).
          const T* row1 = row + ld;
          int64_t ow0b, ow1b;
          valid_range(G.oW, sw, pw, kj + 1, G.W, ow0b, ow1b);
          const int64_t lo = std::max(ow0, ow0b), hi = std::max(lo, std::min(ow1, ow1b));
          for (int64_t oh = oh0; oh < oh1; oh++) {
            const T* a = row + oh * G.oW;
            const T* b = row1 + oh * G.oW;
            T* dst = plane + (oh * sh - ph + ki * dh) * G.W + iw0;
            for (int64_t ow = ow0; ow < std::min(lo, ow1); ow++) dst[2 * ow] += a[ow];
            for (int64_t ow = ow0b; ow < std::min(lo, ow1b); ow++) dst[2 * ow + 1] += b[ow];
            for (int64_t ow = lo; ow < hi; ow++) {
              dst[2 * ow] += a[ow];
              dst[2 * ow + 1] += b[ow];
            }
            for (int64_t ow = std::max(hi, ow0); ow < ow1; ow++) dst[2 * ow] += a[ow];
            for (int64_t ow = std::max(hi, ow0b); ow < ow1b; ow++) dst[2 * ow + 1] += b[ow];
          }
          kj++;
          continue;
        }
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

// ---- Implicit im2col: the GEMM packs its B panels straight from the input ----
// The im2col matrix of a group of images has rows k = (c, ki, kj) (K of them) and
// columns j = i*P + oh*oW + ow (image n0+i of the group). It is never stored: the
// packers below write the parts a GEMM block needs into its packed panels, which stay
// in cache (a stored im2col of a 64-channel 56x56 image is 7 MB, written and then read
// back once more by the packing).
template <class T> struct Cols {
  const T* X;
  const int64_t* xs;  // X's strides
  const Geo* G;
  const Conv2dParams* p;
  int64_t n0, g;  // first image, conv group
};

// im2col rows [r0, r1) x the `len` columns of output row (image i, oh) from ow0 on,
// element (r, u) to dst[(r - r0)*rs + u*cs] (zeros where the window hits padding).
// Rows r = ch*kH*kW + kk: the window offset kk fixes which columns read padding, so
// that is worked out once per kk and the channel loop only copies.
template <class T>
void cols_segment(const Cols<T>& c, int64_t i, int64_t oh, int64_t ow0, int64_t len, int64_t r0, int64_t r1, T* dst,
                  int64_t rs, int64_t cs) {
  const Geo& G = *c.G;
  const int64_t sh = c.p->stride[0], sw = c.p->stride[1], ph = c.p->padding[0], pw = c.p->padding[1];
  const int64_t dh = c.p->dilation[0], dw = c.p->dilation[1];
  const int64_t xs1 = c.xs[1], xs2 = c.xs[2], xs3 = c.xs[3], step = sw * xs3;
  const T* image = c.X + (c.n0 + i) * c.xs[0] + c.g * G.Cg * xs1;
  const int64_t khw = G.kH * G.kW;
  for (int64_t kk = 0; kk < khw; kk++) {
    // Rows ch*khw + kk in [r0, r1).
    const int64_t ch0 = r0 <= kk ? 0 : (r0 - kk + khw - 1) / khw;
    const int64_t ch1 = r1 <= kk ? 0 : (r1 - kk + khw - 1) / khw;
    if (ch0 >= ch1) continue;
    const int64_t ki = kk / G.kW, kj = kk % G.kW;
    const int64_t ih = oh * sh - ph + ki * dh;
    const int64_t iw0 = ow0 * sw - pw + kj * dw;  // input column of u = 0
    int64_t lo = 0, hi = 0;                        // u in [lo, hi) reads inside the row
    if (ih >= 0 && ih < G.H) {
      lo = iw0 >= 0 ? 0 : std::min(len, (-iw0 + sw - 1) / sw);
      hi = G.W - iw0 <= 0 ? lo : std::max(lo, std::min(len, (G.W - iw0 + sw - 1) / sw));
    }
    const T* src = image + ch0 * xs1 + ih * xs2 + iw0 * xs3;
    T* d = dst + (ch0 * khw + kk - r0) * rs;
    const int64_t drow = khw * rs;
    for (int64_t ch = ch0; ch < ch1; ch++, src += xs1, d += drow) {
      if (cs == 1) {
        for (int64_t u = 0; u < lo; u++) d[u] = 0;
        // Unit and 2 steps (stride-2 layers) as constants, so the copies vectorise.
        if (step == 1)
          for (int64_t u = lo; u < hi; u++) d[u] = src[u];
        else if (step == 2)
          for (int64_t u = lo; u < hi; u++) d[u] = src[2 * u];
        else
          for (int64_t u = lo; u < hi; u++) d[u] = src[u * step];
        for (int64_t u = hi; u < len; u++) d[u] = 0;
      } else {
        for (int64_t u = 0; u < lo; u++) d[u * cs] = 0;
        for (int64_t u = lo; u < hi; u++) d[u * cs] = src[u * step];
        for (int64_t u = hi; u < len; u++) d[u * cs] = 0;
      }
    }
  }
}

// A 1x1 stride-1 unpadded convolution over contiguous planes reads each plane as one
// row of P pixels: the packers then copy whole runs instead of oW-long pieces.
inline Geo flat_pointwise(const Geo& G, const View& x) {
  Geo F = G;
  if (G.pointwise && x.strides[3] == 1 && x.strides[2] == G.W) {
    F.H = F.oH = 1;
    F.W = F.oW = G.P;
  }
  return F;
}

// Calls f(i, oh, ow0, len, offset) for the output-row pieces of columns [j0, j0+n).
template <class F> void for_row_pieces(const Geo& G, int64_t j0, int64_t n, F&& f) {
  int64_t j = j0;
  const int64_t end = j0 + n;
  while (j < end) {
    const int64_t i = j / G.P, q = j % G.P, oh = q / G.oW, ow = q % G.oW;
    const int64_t len = std::min(G.oW - ow, end - j);
    f(i, oh, ow, len, j - j0);
    j += len;
  }
}

// Forward: B = im2col (K x cols), panels of nr columns.
template <class T> void pack_cols(const void* ctx, T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr) {
  const Cols<T>& c = *static_cast<const Cols<T>*>(ctx);
  for (int64_t jp = 0; jp < nc; jp += nr, dst += nr * kc) {
    const int64_t n = std::min<int64_t>(nr, nc - jp);
    for_row_pieces(*c.G, j0 + jp, n, [&](int64_t i, int64_t oh, int64_t ow, int64_t len, int64_t off) {
      cols_segment(c, i, oh, ow, len, k0, k0 + kc, dst + off, nr, 1);
    });
    if (n < nr)
      for (int64_t k = 0; k < kc; k++) std::fill(dst + k * nr + n, dst + (k + 1) * nr, T(0));
  }
}

// Weight gradient: B = im2col transposed (cols x K): rows are im2col columns. Each panel's
// nr im2col rows are copied as rows first (contiguous copies that vectorise), then
// transposed into the panel: writing them straight into the panel's columns (stores nr
// floats apart, one element at a time) cost ~4 cycles an element, a third of a stride-2
// 3x3 layer's weight gradient.
template <class T> void pack_cols_t(const void* ctx, T* dst, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr) {
  const Cols<T>& c = *static_cast<const Cols<T>*>(ctx);
  T* rows = static_cast<T*>(thread_scratch(6).get(sizeof(T) * nr * kc));
  for (int64_t jp = 0; jp < nc; jp += nr, dst += nr * kc) {
    const int64_t n = std::min<int64_t>(nr, nc - jp);
    for_row_pieces(*c.G, k0, kc, [&](int64_t i, int64_t oh, int64_t ow, int64_t len, int64_t off) {
      cols_segment(c, i, oh, ow, len, j0 + jp, j0 + jp + n, rows + off, kc, 1);
    });
    transpose_into_panel(rows, kc, n, kc, dst, nr);
    if (n < nr)
      for (int64_t k = 0; k < kc; k++) std::fill(dst + k * nr + n, dst + (k + 1) * nr, T(0));
  }
}

// The A operand of the unit-stride input gradient as a convolution (below): the weight
// of one group with its spatial dims flipped and in/out channels swapped,
// A[c][o*kH*kW + ki*kW + kj] = W[o][c][kH-1-ki][kW-1-kj], packed straight from W (a
// flipped copy of a 512x512x3x3 weight cost a fifth of that layer's time).
template <class T> struct Flipped {
  const T* W;  // the group's first output channel
  int64_t s0, s1, s2, s3, kH, kW;
};

template <class T>
void pack_flipped(const void* ctx, T* dst, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, bool half) {
  const Flipped<T>& f = *static_cast<const Flipped<T>*>(ctx);
  const int64_t khw = f.kH * f.kW;
  for (int64_t ip = 0; ip < mc; ip += mr, dst += mr * kc) {
    const int m = static_cast<int>(std::min<int64_t>(mr, mc - ip));
    const int MR = half && m <= mr / 2 ? mr / 2 : mr;
    const T* rows = f.W + (i0 + ip) * f.s1;
    int64_t o = k0 / khw, kk = k0 % khw;
    for (int64_t q = 0; q < kc; q++) {
      const T* src = rows + o * f.s0 + (f.kH - 1 - kk / f.kW) * f.s2 + (f.kW - 1 - kk % f.kW) * f.s3;
      T* d = dst + q * MR;
      for (int i = 0; i < m; i++) d[i] = src[i * f.s1];
      for (int i = m; i < MR; i++) d[i] = 0;
      if (++kk == khw) {
        kk = 0;
        o++;
      }
    }
  }
}

}  // namespace conv
}  // namespace tl
