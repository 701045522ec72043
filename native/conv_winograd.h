// 3x3 stride-1 float convolution by Winograd's minimal filtering F(2x2, 3x3)
// (conv_winograd.cc): 16 multiplications per 2x2 output tile and channel pair instead
// of 36, so 2.25x fewer than the im2col GEMM of conv.cc, at the price of three cheap
// transforms. conv.cc calls it for the forward convolution and (with the flipped
// weight) the unit-stride input gradient when winograd_worth() says so.
#pragma once

#include <cstdint>

#include "kernels.h"

namespace tl {

// The weight w(o, c, i, j) = w0[o*ws[0] + c*ws[1] + i*ws[2] + j*ws[3]] (strides may be
// negative: the input gradient reads the weight flipped), O x C x 3 x 3.
struct WinogradWeight {
  const float* w0;
  int64_t ws[4];
  int64_t O, C;
};

// Worth it (and applicable): enough channels on both sides that the 16 GEMMs (M = O,
// K = C) run near the micro-kernel's speed and the transforms are a small share.
// Planes below 7x7 (a handful of 2x2 tiles) gain little and keep im2col's summation order.
inline bool winograd_worth(int64_t C, int64_t O, int64_t oH, int64_t oW) {
  return C >= 16 && O >= 16 && oH >= 7 && oW >= 7;
}

// out (contiguous [N, O, oH, oW]) = conv(x, w) + bias with 3x3 taps, stride 1,
// dilation 1, one group, padding p (any non-negative pair).
void winograd_conv3x3(const View& x, const WinogradWeight& w, const View* bias, const int64_t padding[2],
                      const View& out);

// out (the weight gradient, [O, C, 3, 3]) of that convolution of x, given grad
// ([N, O, oH, oW]): F(3x3, 2x2), the same input transform with the gradient's tiles
// transformed by A and 16 GEMMs summing over the tiles.
void winograd_conv3x3_backward_weight(const View& grad, const View& x, const int64_t padding[2], const View& out);

}  // namespace tl
