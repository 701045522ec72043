// The float32 exp/log-family loops of unary_impl.h, run with the widest instruction set the
// CPU has (AVX-512 or AVX2 + FMA). Each returns false, and does nothing, where there is none
// (no AVX2, not x86, the wasm build): the caller then runs its scalar loop.
#pragma once

#include <cstdint>

namespace tl {

// o = op(a) for the unary ops of unary_impl.h (args: the op's scalar parameters).
bool simd_unary_f32(int op, float* o, const float* a, int64_t n, const double* args);

// o = op(a, b) for the activations' backward ops of unary_impl.h that call exp or tanh.
bool simd_binary_f32(int op, float* o, const float* a, const float* b, int64_t n, const double* args);

// l = binary cross entropy of input x and target y, unreduced and unweighted, the JS
// backend's float32 bits. Sets *out_of_range when an x is not in [0, 1].
bool simd_bce_f32(float* l, const float* x, const float* y, int64_t n, bool* out_of_range);

// float32 (log-)softmax of one contiguous line of n, and its gradient from the output y
// (softmax_impl.h): always run, with AVX-512 or AVX2 where the CPU has them; the same bits
// on every instruction set. `mode` says where the line lies, which sets PyTorch's arithmetic.
enum SoftmaxMode { SOFTMAX_LAST = 0, SOFTMAX_INNER_VEC = 1, SOFTMAX_INNER_TAIL = 2 };
void softmax_line_f32(const float* x, float* o, int64_t n, bool log, int mode);
void softmax_backward_line_f32(const float* g, const float* y, float* o, int64_t n, bool log, int mode);

// The fused LSTM cell's float32 rows b0..b1 (lstm_impl.h; rnn.h has the layout), the same way.
void lstm_forward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* xg, const float* hg, const float* cx, float* hy,
                           float* cy, float* ws);
void lstm_backward_rows_f32(int64_t b0, int64_t b1, int64_t H, const float* dhy, const float* dcy, const float* ws,
                            const float* cx, const float* cy, float* dg, float* dcx);

}  // namespace tl
