// Direct float32 convolutions for few channels (native/conv_small_avx2.cc), AVX2+FMA
// only: call them only when the CPU has both. Each returns false, touching nothing,
// where it does not apply (then the GEMM path in conv.cc runs).
#pragma once

#include "kernels.h"

namespace tl {
namespace conv_small {

#if defined(TL_HAVE_X86_KERNELS) || defined(TL_CONV_SMALL_IMPL)
bool forward(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out);
bool backward_input(const View& grad, const View& w, const Conv2dParams& p, const View& out);
bool backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out);
#else  // other CPUs and WebAssembly: never applies
inline bool forward(const View&, const View&, const View*, const Conv2dParams&, const View&) { return false; }
inline bool backward_input(const View&, const View&, const Conv2dParams&, const View&) { return false; }
inline bool backward_weight(const View&, const View&, const Conv2dParams&, const View&) { return false; }
#endif

}  // namespace conv_small
}  // namespace tl
