// Direct float32 convolutions for few channels (LeNet's 1->6 and 6->16 5x5), AVX2+FMA.
// With so few channels the im2col GEMM spends more time packing its K x N panels
// (K = C*kH*kW = 25..150) than multiplying, since each packed value then feeds only
// O = 6..16 rows. Here each input vector (8 neighbouring output pixels of one tap)
// is loaded once and multiplied into up to 8 output channels held in registers:
//   forward:      out[o][y][x..x+7] += w[o][c][ky][kx] * xpad[c][y+ky][x+kx..]
//   input grad:   the forward convolution of gradOut, padded by k-1-p, with the weight
//                 flipped and its channels swapped (unit stride only)
//   weight grad:  gW[o][c][ky][kx] += sum over y, x of g[o][y][x] * xpad[c][y+ky][x+kx]
// Each image is first copied into a zero-padded scratch plane (any input strides),
// images split across threads. Only unit stride and dilation, one group, <= 16
// channels in and out: everything else stays on the GEMM path (conv.cc).
// Built into the AVX2 library; conv.cc calls it only when the CPU has AVX2+FMA.
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

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
  // A row's last (partial) 8-wide block reads up to 7 floats past the row; the slack
  // keeps those reads inside the buffer (their lanes are discarded or masked).
  s.PS = (s.Hp * s.Wp + 8 + 7) / 8 * 8;
  return s;
}

// Image n of a 4-D view as C zero-padded planes [Hp][Wp], channel stride PS.
void pad_image(const View& v, int64_t n, const Shape& s, float* dst) {
  std::memset(dst, 0, sizeof(float) * s.C * s.PS);
  const float* src = v.ptr<float>() + n * v.strides[0];
  for (int64_t c = 0; c < s.C; c++)
    for (int64_t h = 0; h < s.H; h++) {
      const float* r = src + c * v.strides[1] + h * v.strides[2];
      float* d = dst + c * s.PS + (h + s.pH) * s.Wp + s.pW;
      if (v.strides[3] == 1) std::memcpy(d, r, sizeof(float) * s.W);
      else
        for (int64_t w = 0; w < s.W; w++) d[w] = r[w * v.strides[3]];
    }
}

inline __m256i tail_mask(int64_t n) {  // lanes [0, n) on
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lane);
}

// OB output channels of one image: out[o] (planes of oH*oW, contiguous) from the
// padded input xp and the weights wt[(c*kH + ky)*kW + kx][OB] of this channel block.
template <int OB>
void forward_block(const float* xp, const Shape& s, const float* wt, const float* bias, float* out) {
  const int64_t plane = s.oH * s.oW, taps = s.kH * s.kW;
  for (int64_t y = 0; y < s.oH; y++)
    for (int64_t x0 = 0; x0 < s.oW; x0 += 8) {
      __m256 acc[OB];
      for (int o = 0; o < OB; o++) acc[o] = _mm256_set1_ps(bias ? bias[o] : 0.0f);
      for (int64_t c = 0; c < s.C; c++)
        for (int64_t ky = 0; ky < s.kH; ky++) {
          const float* row = xp + c * s.PS + (y + ky) * s.Wp + x0;
          const float* wk = wt + (c * taps + ky * s.kW) * OB;
          for (int64_t kx = 0; kx < s.kW; kx++, wk += OB) {
            const __m256 v = _mm256_loadu_ps(row + kx);
            for (int o = 0; o < OB; o++) acc[o] = _mm256_fmadd_ps(v, _mm256_broadcast_ss(wk + o), acc[o]);
          }
        }
      float* dst = out + y * s.oW + x0;
      if (x0 + 8 <= s.oW) {
        for (int o = 0; o < OB; o++) _mm256_storeu_ps(dst + o * plane, acc[o]);
      } else {
        const __m256i m = tail_mask(s.oW - x0);
        for (int o = 0; o < OB; o++) _mm256_maskstore_ps(dst + o * plane, m, acc[o]);
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
    switch (ob) {
      case 1: forward_block<1>(xp, s, w, b, dst); break;
      case 2: forward_block<2>(xp, s, w, b, dst); break;
      case 3: forward_block<3>(xp, s, w, b, dst); break;
      case 4: forward_block<4>(xp, s, w, b, dst); break;
      case 5: forward_block<5>(xp, s, w, b, dst); break;
      case 6: forward_block<6>(xp, s, w, b, dst); break;
      case 7: forward_block<7>(xp, s, w, b, dst); break;
      default: forward_block<8>(xp, s, w, b, dst); break;
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

// Runs body(n, scratch) for every image, images split across threads.
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

void run_forward(const View& x, const Shape& s, const std::vector<float>& wt, const float* bias, const View& out) {
  float* O = out.ptr<float>();
  for_images(s, static_cast<size_t>(s.C * s.PS), [&](int64_t n, int, float* xp) {
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
  const std::vector<float> wt = block_weights(s, [&](int64_t o, int64_t c, int64_t ky, int64_t kx) {
    return W[o * w.strides[0] + c * w.strides[1] + ky * w.strides[2] + kx * w.strides[3]];
  });
  std::vector<float> b;
  if (bias)
    for (int64_t o = 0; o < s.O; o++) b.push_back(bias->ptr<float>()[o * bias->strides[0]]);
  run_forward(x, s, wt, bias ? b.data() : nullptr, out);
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
  const std::vector<float> wt = block_weights(s, [&](int64_t c, int64_t o, int64_t ky, int64_t kx) {
    return W[o * w.strides[0] + c * w.strides[1] + (kH - 1 - ky) * w.strides[2] + (kW - 1 - kx) * w.strides[3]];
  });
  run_forward(grad, s, wt, nullptr, out);
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
        for (int64_t y = 0; y < s.oH; y++) {
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

}  // namespace

bool backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out) {
  if (!floats(grad, x, out) || !out.contiguous()) return false;
  const int64_t O = out.shape[0], C = out.shape[1], kH = out.shape[2], kW = out.shape[3];
  if (!eligible(p, C, O, kH, kW)) return false;
  const Shape s = make_shape(x.shape[0], C, x.shape[2], x.shape[3], O, kH, kW, p.padding[0], p.padding[1]);
  if (s.oH != grad.shape[2] || s.oW != grad.shape[3]) return false;
  const int64_t oWr = (s.oW + 7) / 8 * 8, taps = C * kH * kW;
  const size_t acc_floats = static_cast<size_t>(taps * O * 8);
  std::vector<std::vector<float>> partial(static_cast<size_t>(num_threads()));
  for_images(s, static_cast<size_t>(s.C * s.PS + O * s.oH * oWr), [&](int64_t n, int tid, float* buf) {
    std::vector<float>& acc = partial[static_cast<size_t>(tid)];
    if (acc.empty()) acc.assign(acc_floats, 0.0f);
    float* xp = buf;
    float* g = buf + s.C * s.PS;
    pad_image(x, n, s, xp);
    std::memset(g, 0, sizeof(float) * O * s.oH * oWr);
    const float* src = grad.ptr<float>() + n * grad.strides[0];
    for (int64_t o = 0; o < O; o++)
      for (int64_t y = 0; y < s.oH; y++)
        for (int64_t xx = 0; xx < s.oW; xx++)
          g[(o * s.oH + y) * oWr + xx] = src[o * grad.strides[1] + y * grad.strides[2] + xx * grad.strides[3]];
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
  // gW[o][c][ky][kx]: the lanes and the threads' partial sums added up.
  float* gW = out.ptr<float>();
  for (int64_t o = 0; o < O; o++)
    for (int64_t t = 0; t < taps; t++) {
      float sum = 0.0f;
      for (const std::vector<float>& acc : partial) {
        if (acc.empty()) continue;
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
