// Kernel entry points. Views come from JS typed arrays (never copied); outputs are
// JS-allocated. Semantics are those of src/backend/backend.ts.
#pragma once

#include <cstdint>

#include "common.h"

namespace tl {

struct Conv2dParams {
  int64_t stride[2], padding[2], dilation[2], groups;
};

struct Pool2dParams {
  int64_t kernel[2], stride[2], padding[2], dilation[2], out[2];
  bool count_include_pad;
  double divisor_override;  // 0: none
};

// elementwise.cc
void unary(int op, const View& x, const View& out, const double* args);
void binary(int op, const View& a, const View& b, const View& out, double alpha, const double* args);
void where(const View& cond, const View& a, const View& b, const View& out);
void copy(const View& src, const View& dst);
void fill(const View& dst, double value);

// random.cc: fills all of `out` (a contiguous buffer of dtype `dtype`) as
// src/backend/js/random.ts does, advancing mt19937's 624 words in `state` from `index`;
// returns the next index, or -1 for a kind/dtype left to the JS kernel (float64 normals).
enum RandomFillKind { RF_UNIFORM = 0, RF_NORMAL = 1, RF_BERNOULLI = 2 };
int64_t random_fill(int kind, int dtype, const View& out, uint32_t* state, int64_t index, double p0, double p1);

// ternary.cc: op 0 addcmul, 1 addcdiv, 2 lerp, 3 lerpScalar (false: operand buffers of
// another type than out's, or an integer dtype with an op other than addcmul)
bool ternary(int op, const View& x, const View& a, const View& b, double value, const View& out);
// ternary.cc: torch.optim.Adadelta's update of p, sq (square_avg) and acc (acc_delta) in
// place from g (false, touching nothing: not contiguous float tensors of one dtype and size).
bool adadelta(const View& p, const View& g, const View& sq, const View& acc, double lr, double rho, double eps);
// One fused Adam step in place (see ternary_impl.h); scalars: beta1, 1 - beta1, beta2,
// 1 - beta2, bias_correction2_sqrt, eps, -step_size, each already a float32 value. False
// (nothing written): an operand that is not dense float32 of param's element count.
bool adam_step(const View& param, const View& grad, const View& exp_avg, const View& exp_avg_sq, const double* scalars);
// One SGD step with an existing momentum buffer; scalars: weight_decay, momentum,
// 1 - dampening, -lr (float32 values), maximize, nesterov. False: not dense float32.
bool sgd_step(const View& param, const View& grad, const View& buf, const double* scalars);

// reduce.cc
void reduce(int op, const View& x, const int* dims, int ndims, const View& out);
void variance(const View& x, const int* dims, int ndims, double correction, const View& out);
void cumulative(bool prod, const View& x, int dim, const View& out);
void softmax(const View& x, int dim, bool log, const View& out);
void softmax_backward(const View& grad, const View& y, int dim, bool log, const View& out);

// matmul.cc (false: a dtype combination the native kernels do not cover)
bool matmul(const View& a, const View& b, const View& out);

// indexing.cc: they return the first out-of-range index (as a double) through
// `bad` and false, before writing anything.
bool gather(const View& x, int dim, const View& index, const View& out, double* bad);
bool scatter(const View& dst, int dim, const View& index, const View& src, bool accumulate, double* bad);
bool index_select(const View& x, int dim, const View& index, const View& out, double* bad);
bool index_put(const View& dst, int dim, const View& index, const View& src, bool accumulate, double* bad);

// conv.cc (false: operands are not all float32 or all float64)
bool conv2d(const View& x, const View& w, const View* bias, const Conv2dParams& p, const View& out);
bool conv2d_backward_input(const View& grad, const View& w, const Conv2dParams& p, const View& out);
bool conv2d_backward_weight(const View& grad, const View& x, const Conv2dParams& p, const View& out);

// pool.cc (false: not a float32/float64 input with an output of its type)
bool max_pool2d(const View& x, const Pool2dParams& p, const View& out, const View& indices);
bool max_pool2d_backward(const View& grad, const View& indices, const View& out);
bool avg_pool2d(const View& x, const Pool2dParams& p, const View& out);
bool avg_pool2d_backward(const View& grad, const Pool2dParams& p, const View& out);
bool adaptive_avg_pool2d(const View& x, const View& out);
bool adaptive_avg_pool2d_backward(const View& grad, const View& out);
bool adaptive_max_pool2d(const View& x, const View& out, const View& indices);

// loss.cc (reduction: 0 none, 1 mean, 2 sum). nll_loss returns 0 when done, 1 for an
// input dtype left to the JS kernel, 2 for a target out of [0, C) (reported in *bad).
int nll_loss(const View& input, const View& target, const View* weight, double ignore, int reduction, const View& out,
             const View& total_weight, double* bad);
bool nll_loss_backward(const View& grad, const View& target, const View* weight, double ignore, int reduction,
                       double total_weight, const View& out);
// Binary cross entropy over contiguous input, target and weight (any float dtype) of
// one numel: out gets the elementwise loss (none) or its mean / sum (one element).
// Returns 0 when done, 1 for views left to the JS kernel, 2 for an input outside [0, 1].
int binary_cross_entropy(const View& input, const View& target, const View* weight, int reduction, const View& out);
// Its gradient with respect to input (grad: numel elements for none, one otherwise).
bool binary_cross_entropy_backward(const View& grad, const View& input, const View& target, const View* weight,
                                   int reduction, const View& out);

// norm.cc (false: not float32/float64 with matching output types)
bool batch_norm_stats(const View& x, const View& mean, const View& var_sum);
// Scales each distinct row of weight [V, D] named by indices whose p-norm exceeds max_norm.
bool embedding_renorm(const View& weight, const View& indices, double max_norm, double p);
bool batch_norm(const View& x, const View& mean, const View& invstd, const View* weight, const View* bias, const View& out);
bool batch_norm_backward(const View& grad, const View& x, const View& mean, const View& invstd, const View* weight,
                         bool train, const View* grad_input, const View* grad_weight, const View* grad_bias);
bool group_norm(const View& x, int64_t groups, double eps, const View* weight, const View* bias, const View& out,
                const View& mean, const View& rstd);
bool group_norm_backward(const View& grad, const View& x, int64_t groups, const View& mean, const View& rstd,
                         const View* weight, const View* grad_input, const View* grad_weight, const View* grad_bias);

}  // namespace tl
