// Direct float32 convolutions for few channels (native/conv_small_avx2.cc), AVX2+FMA
// only: call them only when the CPU has both. Each returns false, touching nothing,
// where it does not apply (then the GEMM path in conv.cc runs).
#pragma once

#include "kernels.h"

namespace tl {
namespace conv_small {

bool forward(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out);
bool backward_input(const View& grad, const View& w, const Conv2dParams& p, const View& out);
bool backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out);

}  // namespace conv_small
}  // namespace tl
