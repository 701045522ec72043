// 2-D max / average / adaptive-average pooling and their gradients, one (n, c)
// plane per task. Window rules are PyTorch's, as in src/backend/js/pool.ts.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels.h"
#include "parallel.h"

namespace tl {

namespace {

// Runs body(plane) for the N*C planes, split across threads.
template <class F> void for_planes(int64_t planes, int64_t work_per_plane, F&& body) {
  parallel(threads_for(planes * std::max<int64_t>(work_per_plane, 1), 1 << 14), [&](int tid, int nth) {
    int64_t a, b;
    split_range(planes, tid, nth, a, b);
    for (int64_t q = a; q < b; q++) body(q);
  });
}

// The first in-window position along one axis for output o: PyTorch's cpu_max_pool
// starts at the first cell inside the input (stepping by the dilation).
inline int64_t first_inside(int64_t start, int64_t dil) { return start >= 0 ? start : start + ((-start + dil - 1) / dil) * dil; }

// Output (oh, ow) of one plane, any window: the reference rule for every path below.
template <class T, class I>
inline void max_pool_one(const T* X, int64_t sh, int64_t sw, int64_t H, int64_t W, const Pool2dParams& p, int64_t oh, int64_t ow,
                         T* O, I* idx) {
  const int64_t dH = p.dilation[0], dW = p.dilation[1];
  const int64_t h0 = oh * p.stride[0] - p.padding[0];
  const int64_t h1 = first_inside(h0, dH), hend = std::min(h0 + (p.kernel[0] - 1) * dH + 1, H);
  const int64_t w0 = ow * p.stride[1] - p.padding[1];
  const int64_t w1 = first_inside(w0, dW), wend = std::min(w0 + (p.kernel[1] - 1) * dW + 1, W);
  // NaN always takes over (as PyTorch).
  T best = -INFINITY;
  int64_t at = h1 * W + w1;
  for (int64_t h = h1; h < hend; h += dH) {
    const T* row = X + h * sh;
    for (int64_t w = w1; w < wend; w += dW) {
      const T v = row[w * sw];
      if (v > best || v != v) {
        best = v;
        at = h * W + w;
      }
    }
  }
  O[oh * p.out[1] + ow] = best;
  idx[oh * p.out[1] + ow] = static_cast<I>(at);
}

template <class T, class I>
void max_pool_plane(const T* X, int64_t sh, int64_t sw, int64_t H, int64_t W, const Pool2dParams& p, T* O, I* idx) {
  for (int64_t oh = 0; oh < p.out[0]; oh++)
    for (int64_t ow = 0; ow < p.out[1]; ow++) max_pool_one<T, I>(X, sh, sw, H, W, p, oh, ow, O, idx);
}

// Undilated windows over unit-stride rows (LeNet's 2x2/2, ResNet's padded 3x3/2): the
// outputs whose window lies inside the input go four at a time with SSE selects instead
// of a branch per element, which mispredicts on real data (half the comparisons go each
// way); the border outputs that padding clips take max_pool_one. Same rule as
// max_pool_one: a larger value or a NaN takes over, ties keep the first. Returns false
// where it does not apply (fewer than 4 inside outputs per row; then the generic loop runs).
#if defined(__SSE2__)
template <class I> bool max_pool_plane_simd(const float* X, int64_t sh, int64_t H, int64_t W, const Pool2dParams& p, float* O, I* idx) {
  const int64_t oH = p.out[0], oW = p.out[1], kH = p.kernel[0], kW = p.kernel[1], s = p.stride[1];
  const int64_t ph = p.padding[0], pw = p.padding[1];
  if (H * W > INT32_MAX) return false;  // int32 index lanes
  // Outputs [ohA, ohB) x [owA, owB) have their whole window inside the input.
  const int64_t ohA = std::min(oH, (ph + p.stride[0] - 1) / p.stride[0]), owA = std::min(oW, (pw + s - 1) / s);
  const int64_t ohB = std::max(ohA, H - kH + ph >= 0 ? std::min(oH, (H - kH + ph) / p.stride[0] + 1) : ohA);
  const int64_t owB = std::max(owA, W - kW + pw >= 0 ? std::min(oW, (W - kW + pw) / s + 1) : owA);
  if (owB - owA < 4) return false;
  const int32_t s32 = static_cast<int32_t>(s);
  const __m128i steps = _mm_setr_epi32(0, s32, 2 * s32, 3 * s32);
  // Outputs [ow, ow+4) of output row oh, all inside.
  auto four = [&](int64_t oh, int64_t ow) {
    const int64_t h0 = oh * p.stride[0] - ph, c0 = ow * s - pw;
    __m128 best = _mm_setzero_ps();
    __m128i at = _mm_setzero_si128();
    for (int64_t h = h0; h < h0 + kH; h++)
      for (int64_t w = 0; w < kW; w++) {
        const float* r = X + h * sh + c0 + w;
        // Stride 2: the even floats of two neighbouring loads (when both stay in the row).
        const __m128 v = s == 2 && c0 + kW + 7 <= W ? _mm_shuffle_ps(_mm_loadu_ps(r), _mm_loadu_ps(r + 4), _MM_SHUFFLE(2, 0, 2, 0))
                                                     : _mm_setr_ps(r[0], r[s], r[2 * s], r[3 * s]);
        const __m128i iv = _mm_add_epi32(_mm_set1_epi32(static_cast<int32_t>(h * W + c0 + w)), steps);
        if (h == h0 && w == 0) {
          best = v;
          at = iv;
          continue;
        }
        const __m128 take = _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_cmpunord_ps(v, v));
        best = _mm_or_ps(_mm_and_ps(take, v), _mm_andnot_ps(take, best));
        const __m128i ti = _mm_castps_si128(take);
        at = _mm_or_si128(_mm_and_si128(ti, iv), _mm_andnot_si128(ti, at));
      }
    _mm_storeu_ps(O + oh * oW + ow, best);
    __m128i* dst = reinterpret_cast<__m128i*>(idx + oh * oW + ow);
    if constexpr (sizeof(I) == 8) {  // widened with zeros (indices are >= 0)
      _mm_storeu_si128(dst, _mm_unpacklo_epi32(at, _mm_setzero_si128()));
      _mm_storeu_si128(dst + 1, _mm_unpackhi_epi32(at, _mm_setzero_si128()));
    } else {
      _mm_storeu_si128(dst, at);
    }
  };
  for (int64_t oh = 0; oh < oH; oh++) {
    if (oh < ohA || oh >= ohB) {
      for (int64_t ow = 0; ow < oW; ow++) max_pool_one<float, I>(X, sh, 1, H, W, p, oh, ow, O, idx);
      continue;
    }
    for (int64_t ow = 0; ow < owA; ow++) max_pool_one<float, I>(X, sh, 1, H, W, p, oh, ow, O, idx);
    int64_t ow = owA;
    for (; ow + 4 <= owB; ow += 4) four(oh, ow);
    if (ow < owB) four(oh, owB - 4);  // the row's last inside outputs, overlapping the previous four
    for (ow = owB; ow < oW; ow++) max_pool_one<float, I>(X, sh, 1, H, W, p, oh, ow, O, idx);
  }
  return true;
}
#endif

template <class T, class I>
void max_pool_any(const T* X, int64_t sh, int64_t sw, int64_t H, int64_t W, const Pool2dParams& p, T* O, I* idx) {
#if defined(__SSE2__)
  if constexpr (std::is_same<T, float>::value)
    if (sw == 1 && p.dilation[0] == 1 && p.dilation[1] == 1 && max_pool_plane_simd<I>(X, sh, H, W, p, O, idx)) return;
#endif
  max_pool_plane<T, I>(X, sh, sw, H, W, p, O, idx);
}

template <class T> void max_pool_typed(const View& x, const Pool2dParams& p, const View& out, const View& indices) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const int64_t plane = p.out[0] * p.out[1];
  const T* X = reinterpret_cast<const T*>(x.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(x.shape[0] * C, plane * p.kernel[0] * p.kernel[1], [&](int64_t q) {
    const T* base = X + x.offset + (q / C) * x.strides[0] + (q % C) * x.strides[1];
    // Indices are int64 (a BigInt64Array) from the ops layer; int32 buffers work too.
    if (indices.type == I64)
      max_pool_any<T, int64_t>(base, x.strides[2], x.strides[3], H, W, p, O + q * plane,
                                 reinterpret_cast<int64_t*>(indices.data) + indices.offset + q * plane);
    else
      max_pool_any<T, int32_t>(base, x.strides[2], x.strides[3], H, W, p, O + q * plane,
                                 reinterpret_cast<int32_t*>(indices.data) + indices.offset + q * plane);
  });
}

// A 4-D view whose (h, w) planes are dense rows.
inline bool dense_plane(const View& v) { return (v.shape[3] == 1 || v.strides[3] == 1) && (v.shape[2] == 1 || v.strides[2] == v.shape[3]); }

template <class T> void max_pool_backward_typed(const View& grad, const View& indices, const View& out) {
  const int64_t C = out.shape[1], HW = out.shape[2] * out.shape[3];
  const int64_t oH = grad.shape[2], oW = grad.shape[3];
  const T* G = reinterpret_cast<const T*>(grad.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(out.shape[0] * C, HW + oH * oW, [&](int64_t q) {
    const int64_t n = q / C, c = q % C;
    T* plane = O + q * HW;
    std::fill(plane, plane + HW, T(0));
    const int64_t g0 = grad.offset + n * grad.strides[0] + c * grad.strides[1];
    const int64_t i0 = indices.offset + n * indices.strides[0] + c * indices.strides[1];
    if (indices.type == I64 && dense_plane(grad) && dense_plane(indices)) {  // no type switch per element
      const int64_t* at = reinterpret_cast<const int64_t*>(indices.data) + i0;
      const T* g = G + g0;
      for (int64_t i = 0; i < oH * oW; i++) plane[at[i]] += g[i];
      return;
    }
    for (int64_t oh = 0; oh < oH; oh++)
      for (int64_t ow = 0; ow < oW; ow++) {
        const int64_t at = (load_as<int64_t>(indices.data, indices.type, i0 + oh * indices.strides[2] + ow * indices.strides[3]));
        plane[at] += G[g0 + oh * grad.strides[2] + ow * grad.strides[3]];
      }
  });
}

// PyTorch's avg-pool window along one axis: clipped [start, end) and the padded size.
inline void window(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t size, int64_t& s, int64_t& e, int64_t& padded) {
  s = o * stride - pad;
  e = std::min(s + k, size + pad);
  padded = e - s;
  s = std::max<int64_t>(s, 0);
  e = std::min(e, size);
}

inline double divisor(const Pool2dParams& p, int64_t hs, int64_t he, int64_t ws, int64_t we, int64_t padded) {
  if (p.divisor_override != 0) return p.divisor_override;
  return p.count_include_pad ? static_cast<double>(padded) : static_cast<double>((he - hs) * (we - ws));
}

template <class T> void avg_pool_typed(const View& x, const Pool2dParams& p, const View& out) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3], oH = p.out[0], oW = p.out[1];
  const int64_t sh = x.strides[2], sw = x.strides[3];
  const T* X = reinterpret_cast<const T*>(x.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(x.shape[0] * C, oH * oW * p.kernel[0] * p.kernel[1], [&](int64_t q) {
    const int64_t base = x.offset + (q / C) * x.strides[0] + (q % C) * x.strides[1];
    for (int64_t oh = 0; oh < oH; oh++) {
      int64_t hs, he, hp;
      window(oh, p.stride[0], p.padding[0], p.kernel[0], H, hs, he, hp);
      for (int64_t ow = 0; ow < oW; ow++) {
        int64_t ws, we, wp;
        window(ow, p.stride[1], p.padding[1], p.kernel[1], W, ws, we, wp);
        T sum = 0;
        for (int64_t h = hs; h < he; h++)
          for (int64_t w = ws; w < we; w++) sum += X[base + h * sh + w * sw];
        O[q * oH * oW + oh * oW + ow] = sum / static_cast<T>(divisor(p, hs, he, ws, we, hp * wp));
      }
    }
  });
}

template <class T> void avg_pool_backward_typed(const View& grad, const Pool2dParams& p, const View& out) {
  const int64_t C = out.shape[1], H = out.shape[2], W = out.shape[3], oH = p.out[0], oW = p.out[1];
  const T* G = reinterpret_cast<const T*>(grad.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(out.shape[0] * C, H * W + oH * oW * p.kernel[0] * p.kernel[1], [&](int64_t q) {
    const int64_t n = q / C, c = q % C;
    T* plane = O + q * H * W;
    std::fill(plane, plane + H * W, T(0));
    const int64_t g0 = grad.offset + n * grad.strides[0] + c * grad.strides[1];
    for (int64_t oh = 0; oh < oH; oh++) {
      int64_t hs, he, hp;
      window(oh, p.stride[0], p.padding[0], p.kernel[0], H, hs, he, hp);
      for (int64_t ow = 0; ow < oW; ow++) {
        int64_t ws, we, wp;
        window(ow, p.stride[1], p.padding[1], p.kernel[1], W, ws, we, wp);
        const T g = G[g0 + oh * grad.strides[2] + ow * grad.strides[3]] / static_cast<T>(divisor(p, hs, he, ws, we, hp * wp));
        for (int64_t h = hs; h < he; h++)
          for (int64_t w = ws; w < we; w++) plane[h * W + w] += g;
      }
    }
  });
}

inline int64_t bin_start(int64_t o, int64_t size, int64_t n) { return (o * size) / n; }
inline int64_t bin_end(int64_t o, int64_t size, int64_t n) { return ((o + 1) * size + n - 1) / n; }

template <class T> void adaptive_avg_typed(const View& x, const View& out) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3], oH = out.shape[2], oW = out.shape[3];
  const int64_t sh = x.strides[2], sw = x.strides[3];
  const T* X = reinterpret_cast<const T*>(x.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(x.shape[0] * C, H * W + oH * oW, [&](int64_t q) {
    const int64_t base = x.offset + (q / C) * x.strides[0] + (q % C) * x.strides[1];
    for (int64_t oh = 0; oh < oH; oh++) {
      const int64_t hs = bin_start(oh, H, oH), he = bin_end(oh, H, oH);
      for (int64_t ow = 0; ow < oW; ow++) {
        const int64_t ws = bin_start(ow, W, oW), we = bin_end(ow, W, oW);
        T sum = 0;
        for (int64_t h = hs; h < he; h++)
          for (int64_t w = ws; w < we; w++) sum += X[base + h * sh + w * sw];
        O[q * oH * oW + oh * oW + ow] = sum / static_cast<T>((he - hs) * (we - ws));
      }
    }
  });
}

template <class T> void adaptive_avg_backward_typed(const View& grad, const View& out) {
  const int64_t C = out.shape[1], H = out.shape[2], W = out.shape[3], oH = grad.shape[2], oW = grad.shape[3];
  const T* G = reinterpret_cast<const T*>(grad.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(out.shape[0] * C, H * W + oH * oW, [&](int64_t q) {
    const int64_t n = q / C, c = q % C;
    T* plane = O + q * H * W;
    std::fill(plane, plane + H * W, T(0));
    const int64_t g0 = grad.offset + n * grad.strides[0] + c * grad.strides[1];
    for (int64_t oh = 0; oh < oH; oh++) {
      const int64_t hs = bin_start(oh, H, oH), he = bin_end(oh, H, oH);
      for (int64_t ow = 0; ow < oW; ow++) {
        const int64_t ws = bin_start(ow, W, oW), we = bin_end(ow, W, oW);
        const T g = G[g0 + oh * grad.strides[2] + ow * grad.strides[3]] / static_cast<T>((he - hs) * (we - ws));
        for (int64_t h = hs; h < he; h++)
          for (int64_t w = ws; w < we; w++) plane[h * W + w] += g;
      }
    }
  });
}

template <class T> void adaptive_max_typed(const View& x, const View& out, const View& indices) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3], oH = out.shape[2], oW = out.shape[3];
  const int64_t sh = x.strides[2], sw = x.strides[3];
  const T* X = reinterpret_cast<const T*>(x.data);
  T* O = reinterpret_cast<T*>(out.data) + out.offset;
  for_planes(x.shape[0] * C, H * W + oH * oW, [&](int64_t q) {
    const int64_t base = x.offset + (q / C) * x.strides[0] + (q % C) * x.strides[1];
    for (int64_t oh = 0; oh < oH; oh++) {
      const int64_t hs = bin_start(oh, H, oH), he = bin_end(oh, H, oH);
      for (int64_t ow = 0; ow < oW; ow++) {
        const int64_t ws = bin_start(ow, W, oW), we = bin_end(ow, W, oW);
        // PyTorch's adaptive_max_pool2d: first maximum wins; NaN always takes over.
        T best = -INFINITY;
        int64_t at = hs * W + ws;
        for (int64_t h = hs; h < he; h++)
          for (int64_t w = ws; w < we; w++) {
            const T v = X[base + h * sh + w * sw];
            if (v > best || v != v) {
              best = v;
              at = h * W + w;
            }
          }
        const int64_t o = q * oH * oW + oh * oW + ow;
        O[o] = best;
        store_as<int64_t>(indices.data, indices.type, indices.offset + o, static_cast<int64_t>(at));
      }
    }
  });
}

inline bool float_pair(const View& a, const View& b) { return (a.type == F32 || a.type == F64) && a.type == b.type; }

}  // namespace

bool max_pool2d(const View& x, const Pool2dParams& p, const View& out, const View& indices) {
  if (!float_pair(x, out)) return false;
  if (x.type == F32) max_pool_typed<float>(x, p, out, indices);
  else max_pool_typed<double>(x, p, out, indices);
  return true;
}

bool max_pool2d_backward(const View& grad, const View& indices, const View& out) {
  if (!float_pair(grad, out)) return false;
  if (grad.type == F32) max_pool_backward_typed<float>(grad, indices, out);
  else max_pool_backward_typed<double>(grad, indices, out);
  return true;
}

bool avg_pool2d(const View& x, const Pool2dParams& p, const View& out) {
  if (!float_pair(x, out)) return false;
  if (x.type == F32) avg_pool_typed<float>(x, p, out);
  else avg_pool_typed<double>(x, p, out);
  return true;
}

bool avg_pool2d_backward(const View& grad, const Pool2dParams& p, const View& out) {
  if (!float_pair(grad, out)) return false;
  if (grad.type == F32) avg_pool_backward_typed<float>(grad, p, out);
  else avg_pool_backward_typed<double>(grad, p, out);
  return true;
}

bool adaptive_avg_pool2d(const View& x, const View& out) {
  if (!float_pair(x, out)) return false;
  if (x.type == F32) adaptive_avg_typed<float>(x, out);
  else adaptive_avg_typed<double>(x, out);
  return true;
}

bool adaptive_avg_pool2d_backward(const View& grad, const View& out) {
  if (!float_pair(grad, out)) return false;
  if (grad.type == F32) adaptive_avg_backward_typed<float>(grad, out);
  else adaptive_avg_backward_typed<double>(grad, out);
  return true;
}

bool adaptive_max_pool2d(const View& x, const View& out, const View& indices) {
  if (!float_pair(x, out)) return false;
  if (x.type == F32) adaptive_max_typed<float>(x, out, indices);
  else adaptive_max_typed<double>(x, out, indices);
  return true;
}

}  // namespace tl
