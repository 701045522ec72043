// Direct float32 convolutions for few channels (LeNet's 1->6 and 6->16 5x5), AVX2+FMA.
// With so few channels the im2col GEMM spends more time packing its K x N panels
// (K = C*kH*kW = 25..150) than multiplying, since each packed value then feeds only
// O = 6..16 rows. Here each input vector (8 neighbouring output pixels of one tap)
// is loaded once and multiplied into up to 8 output channels held in registers:
//   forward:      out[o][y][x..x+7] += w[o][c][ky][kx] * xpad[c][y+ky][x+kx..]
//   input grad:   the forward convolution of gradOut, padded by k-1-p, with the weight
//                 flipped and its channels swapped (unit stride only)
//   weight grad:  gW[o][c][ky][kx] += sum over y, x of g[o][y][x] * xpad[c][y+ky][x+kx]
// Rows narrower than ~2 vectors (LeNet's 10x10) put 8 output channels in the lanes
// instead (forward_channels, weight_channels), whichever wastes fewer lanes.
// Each image is first copied into a zero-padded scratch plane (any input strides),
// images split across threads. Only unit stride and dilation, one group, <= 16
// channels in and out: everything else stays on the GEMM path (conv.cc).
// Built into the AVX2 library; conv.cc calls it only when the CPU has AVX2+FMA.
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#define TL_CONV_SMALL_IMPL  // the definitions, not conv_small.h's stubs
#include "conv_small.h"
#include "parallel.h"

namespace tl {
namespace conv_small {

namespace {

constexpr int kMaxChannels = 16;

struct Shape {
  int64_t N, C, H, W;  // input of the (forward-form) convolution
  int64_t O, kH, kW, pH, pW;
  int64_t oH, oW;
  int64_t Hp, Wp, PS;  // padded plane, and the channel stride of the padded copy
};

Shape make_shape(int64_t N, int64_t C, int64_t H, int64_t W, int64_t O, int64_t kH, int64_t kW, int64_t pH, int64_t pW) {
  Shape s{N, C, H, W, O, kH, kW, pH, pW, 0, 0, 0, 0, 0};
  s.Hp = H + 2 * pH;
  s.Wp = W + 2 * pW;
  s.oH = s.Hp - kH + 1;
  s.oW = s.Wp - kW + 1;
  // A row's last (partial) block of pixels reads up to 15 floats past the row; the
  // slack keeps those reads inside the buffer (their lanes are discarded or masked).
  s.PS = (s.Hp * s.Wp + 16 + 7) / 8 * 8;
  return s;
}

// Image n of a 4-D view as C zero-padded planes [Hp][Wp], channel stride PS.
// Only the padding and the slack are zeroed: every other float is written.
void pad_image(const View& v, int64_t n, const Shape& s, float* dst) {
  const float* src = v.ptr<float>() + n * v.strides[0];
  const int64_t right = s.Wp - s.pW - s.W;
  for (int64_t c = 0; c < s.C; c++) {
    float* plane = dst + c * s.PS;
    std::memset(plane, 0, sizeof(float) * (s.pH * s.Wp + s.pW));  // top rows, first left pad
    for (int64_t h = 0; h < s.H; h++) {
      const float* r = src + c * v.strides[1] + h * v.strides[2];
      float* d = plane + (h + s.pH) * s.Wp + s.pW;
      if (v.strides[3] == 1) std::memcpy(d, r, sizeof(float) * s.W);
      else
        for (int64_t w = 0; w < s.W; w++) d[w] = r[w * v.strides[3]];
      // this row's right pad and the next row's left pad (after the last row: the
      // bottom rows and the slack, up to the next channel)
      const int64_t end = h + 1 < s.H ? right + s.pW : s.PS - ((h + s.pH) * s.Wp + s.pW + s.W);
      std::memset(d + s.W, 0, sizeof(float) * end);
    }
    if (s.H == 0) std::memset(plane, 0, sizeof(float) * s.PS);
  }
}

// Kernel rows that meet real input rows (padded row y+ky in [pH, pH+H)): the padding
// rows would only add zero products. For output row y, the taps ky in [lo, hi); for
// tap ky, the output rows y in [lo, hi).
inline int64_t ky_lo(const Shape& s, int64_t y) { return std::max<int64_t>(0, s.pH - y); }
inline int64_t ky_hi(const Shape& s, int64_t y) { return std::min<int64_t>(s.kH, s.pH + s.H - y); }
inline int64_t ky_lo_y(const Shape& s, int64_t ky) { return std::max<int64_t>(0, s.pH - ky); }
inline int64_t ky_hi_y(const Shape& s, int64_t ky) { return std::min<int64_t>(s.oH, s.pH + s.H - ky); }

inline __m256i tail_mask(int64_t n) {  // lanes [0, n) on
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lane);
}

// OB output channels of one image: out[o] (planes of oH*oW, contiguous) from the
// padded input xp and the weights wt[(c*kH + ky)*kW + kx][OB] of this channel block,
// XB vectors of 8 pixels per row step (two when OB <= 6: an FMA takes 4 cycles and two
// issue per cycle, so 8+ independent accumulators keep the units busy).
template <int OB, int XB>
void forward_block(const float* xp, const Shape& s, const float* wt, const float* bias, float* out) {
  const int64_t plane = s.oH * s.oW, taps = s.kH * s.kW;
  for (int64_t y = 0; y < s.oH; y++)
    for (int64_t x0 = 0; x0 < s.oW; x0 += 8 * XB) {
      __m256 acc[XB][OB];
      for (int b = 0; b < XB; b++)
        for (int o = 0; o < OB; o++) acc[b][o] = _mm256_set1_ps(bias ? bias[o] : 0.0f);
      for (int64_t c = 0; c < s.C; c++)
        for (int64_t ky = ky_lo(s, y); ky < ky_hi(s, y); ky++) {
          const float* row = xp + c * s.PS + (y + ky) * s.Wp + x0;
          const float* wk = wt + (c * taps + ky * s.kW) * OB;
          for (int64_t kx = 0; kx < s.kW; kx++, wk += OB) {
            __m256 v[XB];
            for (int b = 0; b < XB; b++) v[b] = _mm256_loadu_ps(row + kx + 8 * b);
            for (int o = 0; o < OB; o++) {
              const __m256 wo = _mm256_broadcast_ss(wk + o);
              for (int b = 0; b < XB; b++) acc[b][o] = _mm256_fmadd_ps(v[b], wo, acc[b][o]);
            }
          }
        }
      for (int b = 0; b < XB; b++) {
        const int64_t xb = x0 + 8 * b, n = std::min<int64_t>(8, s.oW - xb);
        if (n <= 0) break;
        float* dst = out + y * s.oW + xb;
        if (n == 8) {
          for (int o = 0; o < OB; o++) _mm256_storeu_ps(dst + o * plane, acc[b][o]);
        } else {
          const __m256i m = tail_mask(n);
          for (int o = 0; o < OB; o++) _mm256_maskstore_ps(dst + o * plane, m, acc[b][o]);
        }
      }
    }
}

void forward_image(const float* xp, const Shape& s, const float* wt, const float* bias, float* out) {
  const int64_t plane = s.oH * s.oW, taps = s.C * s.kH * s.kW;
  for (int64_t o0 = 0; o0 < s.O; o0 += 8) {
    const int ob = static_cast<int>(std::min<int64_t>(8, s.O - o0));
    const float* w = wt + o0 * taps;  // blocks of 8 channels, the last one narrower
    const float* b = bias ? bias + o0 : nullptr;
    float* dst = out + o0 * plane;
    const bool two = s.oW > 8;  // a second vector per row step, where the row has one
    switch (ob) {
      case 1: two ? forward_block<1, 2>(xp, s, w, b, dst) : forward_block<1, 1>(xp, s, w, b, dst); break;
      case 2: two ? forward_block<2, 2>(xp, s, w, b, dst) : forward_block<2, 1>(xp, s, w, b, dst); break;
      case 3: two ? forward_block<3, 2>(xp, s, w, b, dst) : forward_block<3, 1>(xp, s, w, b, dst); break;
      case 4: two ? forward_block<4, 2>(xp, s, w, b, dst) : forward_block<4, 1>(xp, s, w, b, dst); break;
      case 5: two ? forward_block<5, 2>(xp, s, w, b, dst) : forward_block<5, 1>(xp, s, w, b, dst); break;
      case 6: two ? forward_block<6, 2>(xp, s, w, b, dst) : forward_block<6, 1>(xp, s, w, b, dst); break;
      case 7: forward_block<7, 1>(xp, s, w, b, dst); break;
      default: forward_block<8, 1>(xp, s, w, b, dst); break;
    }
  }
}

// Weights as blocks of 8 output channels: wt[o0*taps + tap*ob + (o - o0)], taking
// w(o, c, ky, kx) from `at`.
template <class At> std::vector<float> block_weights(const Shape& s, At at) {
  const int64_t taps = s.C * s.kH * s.kW;
  std::vector<float> wt(static_cast<size_t>(s.O * taps));
  for (int64_t o0 = 0; o0 < s.O; o0 += 8) {
    const int64_t ob = std::min<int64_t>(8, s.O - o0);
    for (int64_t c = 0; c < s.C; c++)
      for (int64_t ky = 0; ky < s.kH; ky++)
        for (int64_t kx = 0; kx < s.kW; kx++)
          for (int64_t o = 0; o < ob; o++)
            wt[o0 * taps + ((c * s.kH + ky) * s.kW + kx) * ob + o] = at(o0 + o, c, ky, kx);
  }
  return wt;
}

// Narrow outputs (LeNet's 10x10) waste most of an 8-pixel vector; there the 8 lanes
// hold 8 output channels instead and a register tile covers PT pixels of one row:
//   acc[i][v] += x[pixel i + tap] (broadcast) * w[tap][channels 8v..8v+7].
// Weights packed as wv[tap][OV*8] and the bias as bv[OV*8], zero past O.
template <int OV, int PT>
void forward_channels(const float* xp, const Shape& s, const float* wv, const float* bv, float* out) {
  const int64_t plane = s.oH * s.oW;
  alignas(32) float tmp[PT][OV * 8];
  for (int64_t y = 0; y < s.oH; y++)
    for (int64_t x0 = 0; x0 < s.oW; x0 += PT) {
      __m256 acc[PT][OV];
      for (int i = 0; i < PT; i++)
        for (int v = 0; v < OV; v++) acc[i][v] = _mm256_loadu_ps(bv + v * 8);
      for (int64_t c = 0; c < s.C; c++)
        for (int64_t ky = ky_lo(s, y); ky < ky_hi(s, y); ky++) {
          const float* r = xp + c * s.PS + (y + ky) * s.Wp + x0;
          const float* w = wv + (c * s.kH + ky) * s.kW * OV * 8;
          for (int64_t kx = 0; kx < s.kW; kx++, w += OV * 8) {
            __m256 wr[OV];
            for (int v = 0; v < OV; v++) wr[v] = _mm256_loadu_ps(w + v * 8);
            for (int i = 0; i < PT; i++) {
              const __m256 xv = _mm256_broadcast_ss(r + kx + i);
              for (int v = 0; v < OV; v++) acc[i][v] = _mm256_fmadd_ps(xv, wr[v], acc[i][v]);
            }
          }
        }
      for (int i = 0; i < PT; i++)
        for (int v = 0; v < OV; v++) _mm256_store_ps(tmp[i] + v * 8, acc[i][v]);
      const int64_t n = std::min<int64_t>(PT, s.oW - x0);
      for (int64_t i = 0; i < n; i++)
        for (int64_t o = 0; o < s.O; o++) out[o * plane + y * s.oW + x0 + i] = tmp[i][o];
    }
}

// Pixels per register tile: OV*8 lanes of channels times PT pixels stays within 12
// accumulators; PT divides the row as evenly as it can (10 = 2 x 5).
int channel_tile(int64_t oW, int64_t OV, double& row_eff) {
  static const int two[] = {6, 5, 4}, one[] = {12, 10, 8, 7};
  const int* c = OV == 2 ? two : one;
  const int n = OV == 2 ? 3 : 4;
  int best = c[0];
  row_eff = 0;
  for (int k = 0; k < n; k++) {
    const double e = static_cast<double>(oW) / static_cast<double>((oW + c[k] - 1) / c[k] * c[k]);
    if (e > row_eff + 1e-9) {
      row_eff = e;
      best = c[k];
    }
  }
  return best;
}

// Useful fraction of the lanes: pixel vectors (8 pixels of a row) or channel vectors.
double pixel_eff(int64_t oW) { return static_cast<double>(oW) / static_cast<double>((oW + 7) / 8 * 8); }
double channel_eff(int64_t O) { return static_cast<double>(O) / static_cast<double>((O + 7) / 8 * 8); }

void forward_channels_any(int OV, int PT, const float* xp, const Shape& s, const float* wv, const float* bv, float* out) {
  if (OV == 2) {
    switch (PT) {
      case 4: forward_channels<2, 4>(xp, s, wv, bv, out); return;
      case 5: forward_channels<2, 5>(xp, s, wv, bv, out); return;
      default: forward_channels<2, 6>(xp, s, wv, bv, out); return;
    }
  }
  switch (PT) {
    case 7: forward_channels<1, 7>(xp, s, wv, bv, out); return;
    case 8: forward_channels<1, 8>(xp, s, wv, bv, out); return;
    case 10: forward_channels<1, 10>(xp, s, wv, bv, out); return;
    default: forward_channels<1, 12>(xp, s, wv, bv, out); return;
  }
}

// Weights as wv[tap][OV*8] (zero past O), taking w(o, c, ky, kx) from `at`.
template <class At> std::vector<float> channel_weights(const Shape& s, int64_t OV, At at) {
  const int64_t taps = s.C * s.kH * s.kW;
  std::vector<float> wv(static_cast<size_t>(taps * OV * 8), 0.0f);
  for (int64_t c = 0; c < s.C; c++)
    for (int64_t ky = 0; ky < s.kH; ky++)
      for (int64_t kx = 0; kx < s.kW; kx++)
        for (int64_t o = 0; o < s.O; o++) wv[((c * s.kH + ky) * s.kW + kx) * OV * 8 + o] = at(o, c, ky, kx);
  return wv;
}

// Runs body(n, tid, scratch) for every image n, images split across threads; scratch
// holds scratch_floats floats per thread.
template <class F> void for_images(const Shape& s, size_t scratch_floats, F&& body) {
  if (s.N == 0) return;
  const int64_t work = s.O * s.C * s.kH * s.kW * s.oH * s.oW;  // multiply-adds per image
  const int nth = threads_for(s.N * work, 1 << 17);
  parallel(std::min<int64_t>(nth, s.N), [&](int tid, int n) {
    int64_t a, b;
    split_range(s.N, tid, n, a, b);
    std::vector<float> scratch(scratch_floats);
    for (int64_t i = a; i < b; i++) body(i, tid, scratch.data());
  });
}

// At(o, c, ky, kx): the weight of the (forward-form) convolution.
template <class At> void run_forward(const View& x, const Shape& s, At at, const float* bias, const View& out) {
  float* O = out.ptr<float>();
  const size_t scratch = static_cast<size_t>(s.C * s.PS);
  const int64_t OV = (s.O + 7) / 8;
  double row_eff = 0;
  const int PT = OV <= 2 ? channel_tile(s.oW, OV, row_eff) : 0;
  if (OV <= 2 && channel_eff(s.O) * row_eff > pixel_eff(s.oW)) {
    const std::vector<float> wv = channel_weights(s, OV, at);
    std::vector<float> bv(static_cast<size_t>(OV * 8), 0.0f);
    if (bias) std::copy(bias, bias + s.O, bv.begin());
    for_images(s, scratch, [&](int64_t n, int, float* xp) {
      pad_image(x, n, s, xp);
      forward_channels_any(static_cast<int>(OV), PT, xp, s, wv.data(), bv.data(), O + n * s.O * s.oH * s.oW);
    });
    return;
  }
  const std::vector<float> wt = block_weights(s, at);
  for_images(s, scratch, [&](int64_t n, int, float* xp) {
    pad_image(x, n, s, xp);
    forward_image(xp, s, wt.data(), bias, O + n * s.O * s.oH * s.oW);
  });
}

bool eligible(const Conv2dParams& p, int64_t C, int64_t O, int64_t kH, int64_t kW) {
  return C > 0 && O > 0 && p.groups == 1 && p.stride[0] == 1 && p.stride[1] == 1 && p.dilation[0] == 1 && p.dilation[1] == 1 &&
         C <= kMaxChannels && O <= kMaxChannels && kH * kW >= 2 && p.padding[0] < kH && p.padding[1] < kW;
}

bool floats(const View& a, const View& b, const View& c) { return a.type == F32 && b.type == F32 && c.type == F32; }

}  // namespace

bool forward(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out) {
  if (!floats(x, w, out) || (bias && bias->type != F32) || !out.contiguous()) return false;
  if (!eligible(p, x.shape[1], w.shape[0], w.shape[2], w.shape[3])) return false;
  const Shape s = make_shape(x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2], w.shape[3],
                             p.padding[0], p.padding[1]);
  if (s.oH <= 0 || s.oW <= 0) return false;
  const float* W = w.ptr<float>();
  std::vector<float> b;
  if (bias)
    for (int64_t o = 0; o < s.O; o++) b.push_back(bias->ptr<float>()[o * bias->strides[0]]);
  run_forward(x, s, [&](int64_t o, int64_t c, int64_t ky, int64_t kx) {
    return W[o * w.strides[0] + c * w.strides[1] + ky * w.strides[2] + kx * w.strides[3]];
  }, bias ? b.data() : nullptr, out);
  return true;
}

bool backward_input(const View& grad, const View& w, const Conv2dParams& p, const View& out) {
  if (!floats(grad, w, out) || !out.contiguous()) return false;
  const int64_t O = w.shape[0], C = w.shape[1], kH = w.shape[2], kW = w.shape[3];
  if (!eligible(p, C, O, kH, kW)) return false;
  // gradOut padded by k-1-p is the input of a convolution with C outputs and O inputs.
  const Shape s = make_shape(grad.shape[0], O, grad.shape[2], grad.shape[3], C, kH, kW, kH - 1 - p.padding[0],
                             kW - 1 - p.padding[1]);
  if (s.oH != out.shape[2] || s.oW != out.shape[3]) return false;
  const float* W = w.ptr<float>();
  run_forward(grad, s, [&](int64_t c, int64_t o, int64_t ky, int64_t kx) {
    return W[o * w.strides[0] + c * w.strides[1] + (kH - 1 - ky) * w.strides[2] + (kW - 1 - kx) * w.strides[3]];
  }, nullptr, out);
  return true;
}

namespace {

// One image's contribution to the per-thread partial sums acc[tap][o][8 lanes]:
// OB output channels from o0; g is gradOut as [O][oH][oWr] with zeros past oW, and
// the input vector's lanes past oW are masked to zero too (0 * NaN would be NaN).
template <int OB>
void weight_block(const float* xp, const float* g, int64_t oWr, const Shape& s, int64_t o0, float* acc) {
  const __m256i m = tail_mask(s.oW % 8 == 0 ? 8 : s.oW % 8);
  const int64_t gplane = s.oH * oWr;
  for (int64_t c = 0; c < s.C; c++)
    for (int64_t ky = 0; ky < s.kH; ky++)
      for (int64_t kx = 0; kx < s.kW; kx++) {
        float* a = acc + (((c * s.kH + ky) * s.kW + kx) * s.O + o0) * 8;
        __m256 sum[OB];
        for (int o = 0; o < OB; o++) sum[o] = _mm256_loadu_ps(a + o * 8);
        for (int64_t y = ky_lo_y(s, ky); y < ky_hi_y(s, ky); y++) {
          const float* row = xp + c * s.PS + (y + ky) * s.Wp + kx;
          const float* gr = g + o0 * gplane + y * oWr;
          for (int64_t x0 = 0; x0 < s.oW; x0 += 8) {
            const __m256 v = x0 + 8 <= s.oW ? _mm256_loadu_ps(row + x0) : _mm256_maskload_ps(row + x0, m);
            for (int o = 0; o < OB; o++) sum[o] = _mm256_fmadd_ps(_mm256_loadu_ps(gr + o * gplane + x0), v, sum[o]);
          }
        }
        for (int o = 0; o < OB; o++) _mm256_storeu_ps(a + o * 8, sum[o]);
      }
}

// The weight gradient with channel vectors (narrow outputs): TT neighbouring taps of
// one kernel row times OV vectors of output channels in registers, over every pixel:
//   acc[tap][8v..8v+7] += x[pixel + tap] (broadcast) * g[pixel][8v..8v+7]
// with gt = gradOut as [P][OV*8], zero past O. Every read is a real pixel: no lane
// ever sees an input value its window does not hold.
template <int OV, int TT>
void weight_channels(const float* xp, const float* gt, const Shape& s, int64_t c, int64_t ky, int64_t kx0, float* acc) {
  float* a = acc + ((c * s.kH + ky) * s.kW + kx0) * OV * 8;
  // The sums are loaded and stored around each row: kept across the row loop, GCC
  // gives the array a stack home and stores every accumulator at every pixel.
  for (int64_t y = ky_lo_y(s, ky); y < ky_hi_y(s, ky); y++) {
    const float* r = xp + c * s.PS + (y + ky) * s.Wp + kx0;
    const float* g = gt + y * s.oW * OV * 8;
    __m256 sum[TT][OV];
    for (int t = 0; t < TT; t++)
      for (int v = 0; v < OV; v++) sum[t][v] = _mm256_loadu_ps(a + (t * OV + v) * 8);
    for (int64_t x = 0; x < s.oW; x++, g += OV * 8) {
      __m256 gv[OV];
      for (int v = 0; v < OV; v++) gv[v] = _mm256_loadu_ps(g + v * 8);
      for (int t = 0; t < TT; t++) {
        const __m256 xv = _mm256_broadcast_ss(r + x + t);
        for (int v = 0; v < OV; v++) sum[t][v] = _mm256_fmadd_ps(xv, gv[v], sum[t][v]);
      }
    }
    for (int t = 0; t < TT; t++)
      for (int v = 0; v < OV; v++) _mm256_storeu_ps(a + (t * OV + v) * 8, sum[t][v]);
  }
}

template <int OV> void weight_channels_image(const float* xp, const float* gt, const Shape& s, float* acc) {
  for (int64_t c = 0; c < s.C; c++)
    for (int64_t ky = 0; ky < s.kH; ky++)
      for (int64_t kx0 = 0; kx0 < s.kW; kx0 += 6) {
        switch (std::min<int64_t>(6, s.kW - kx0)) {
          case 1: weight_channels<OV, 1>(xp, gt, s, c, ky, kx0, acc); break;
          case 2: weight_channels<OV, 2>(xp, gt, s, c, ky, kx0, acc); break;
          case 3: weight_channels<OV, 3>(xp, gt, s, c, ky, kx0, acc); break;
          case 4: weight_channels<OV, 4>(xp, gt, s, c, ky, kx0, acc); break;
          case 5: weight_channels<OV, 5>(xp, gt, s, c, ky, kx0, acc); break;
          default: weight_channels<OV, 6>(xp, gt, s, c, ky, kx0, acc); break;
        }
      }
}

}  // namespace

bool backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out) {
  if (!floats(grad, x, out) || !out.contiguous()) return false;
  const int64_t O = out.shape[0], C = out.shape[1], kH = out.shape[2], kW = out.shape[3];
  if (!eligible(p, C, O, kH, kW)) return false;
  const Shape s = make_shape(x.shape[0], C, x.shape[2], x.shape[3], O, kH, kW, p.padding[0], p.padding[1]);
  if (s.oH != grad.shape[2] || s.oW != grad.shape[3]) return false;
  const int64_t oWr = (s.oW + 7) / 8 * 8, taps = C * kH * kW, P = s.oH * s.oW, OV = (O + 7) / 8;
  const bool channels = OV <= 2 && channel_eff(O) > pixel_eff(s.oW);
  // Per-thread partial sums: [tap][OV*8] (channel vectors) or [tap][O][8 lanes].
  const size_t acc_floats = static_cast<size_t>(taps * (channels ? OV : O) * 8);
  const size_t g_floats = static_cast<size_t>(channels ? P * OV * 8 : O * s.oH * oWr);
  std::vector<std::vector<float>> partial(static_cast<size_t>(num_threads()));
  for_images(s, static_cast<size_t>(s.C * s.PS) + g_floats, [&](int64_t n, int tid, float* buf) {
    std::vector<float>& acc = partial[static_cast<size_t>(tid)];
    if (acc.empty()) acc.assign(acc_floats, 0.0f);
    float* xp = buf;
    float* g = buf + s.C * s.PS;
    pad_image(x, n, s, xp);
    if (!channels || O % 8 != 0) std::memset(g, 0, sizeof(float) * g_floats);  // the lanes past oW or O
    const float* src = grad.ptr<float>() + n * grad.strides[0];
    const int64_t gx = grad.strides[3];
    for (int64_t o = 0; o < O; o++)
      for (int64_t y = 0; y < s.oH; y++) {
        const float* r = src + o * grad.strides[1] + y * grad.strides[2];
        if (channels) {  // [P][OV*8]
          float* d = g + y * s.oW * OV * 8 + o;
          for (int64_t xx = 0; xx < s.oW; xx++) d[xx * OV * 8] = r[xx * gx];
        } else {  // [O][oH][oWr]
          float* d = g + (o * s.oH + y) * oWr;
          for (int64_t xx = 0; xx < s.oW; xx++) d[xx] = r[xx * gx];
        }
      }
    if (channels) {
      if (OV == 2) weight_channels_image<2>(xp, g, s, acc.data());
      else weight_channels_image<1>(xp, g, s, acc.data());
      return;
    }
    for (int64_t o0 = 0; o0 < O; o0 += 8) {
      switch (std::min<int64_t>(8, O - o0)) {
        case 1: weight_block<1>(xp, g, oWr, s, o0, acc.data()); break;
        case 2: weight_block<2>(xp, g, oWr, s, o0, acc.data()); break;
        case 3: weight_block<3>(xp, g, oWr, s, o0, acc.data()); break;
        case 4: weight_block<4>(xp, g, oWr, s, o0, acc.data()); break;
        case 5: weight_block<5>(xp, g, oWr, s, o0, acc.data()); break;
        case 6: weight_block<6>(xp, g, oWr, s, o0, acc.data()); break;
        case 7: weight_block<7>(xp, g, oWr, s, o0, acc.data()); break;
        default: weight_block<8>(xp, g, oWr, s, o0, acc.data()); break;
      }
    }
  });
  // gW[o][c][ky][kx]: the threads' partial sums (and pixel lanes) added up.
  float* gW = out.ptr<float>();
  for (int64_t o = 0; o < O; o++)
    for (int64_t t = 0; t < taps; t++) {
      float sum = 0.0f;
      for (const std::vector<float>& acc : partial) {
        if (acc.empty()) continue;
        if (channels) {
          sum += acc[static_cast<size_t>(t * OV * 8 + o)];
          continue;
        }
        const float* a = acc.data() + (t * O + o) * 8;
        for (int l = 0; l < 8; l++) sum += a[l];
      }
      gW[o * taps + t] = sum;
    }
  return true;
}

}  // namespace conv_small
}  // namespace tl
#endif
