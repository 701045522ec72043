// N-API bindings. To keep each call near the ~0.7 us floor (FACTS.md), shapes,
// strides, offsets and scalar arguments do not travel as JS arrays: the JS side
// writes them into one Float64Array registered at init ("meta") and passes only the
// typed arrays holding data. Layout of a view in meta:
//   dtypeCode, ndim, offset, shape[ndim], strides[ndim]
// Each function reads its scalars and views from meta in the order documented in
// src/backend/native/index.ts.
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#ifndef NAPI_DISABLE_CPP_EXCEPTIONS
#define NAPI_DISABLE_CPP_EXCEPTIONS
#endif
#include <napi.h>

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <cstring>
#include <string>

#include "gemm.h"
#include "kernels.h"
#include "ops.h"
#include "parallel.h"
#include "rnn.h"

namespace {

using tl::View;

struct Instance {
  Napi::Reference<Napi::Float64Array> meta_ref;
  const double* meta = nullptr;
  size_t meta_len = 0;
};

// Sequential reader of the meta array.
struct Meta {
  const double* m;
  size_t len;
  size_t pos = 0;
  bool ok = true;
  double num() {
    if (pos >= len) {
      ok = false;
      return 0;
    }
    return m[pos++];
  }
  int64_t i64() { return static_cast<int64_t>(num()); }
};

bool fail(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, "torchlette native: " + msg).ThrowAsJavaScriptException();
  return false;
}

Instance* instance(Napi::Env env) {
  Instance* inst = env.GetInstanceData<Instance>();
  if (!inst || !inst->meta) {
    fail(env, "not initialised");
    return nullptr;
  }
  return inst;
}

// Binds a typed array's memory (no copy).
bool bind_buffer(Napi::Env env, napi_value value, View& v) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok)
    return fail(env, "expected a typed array");
  switch (type) {
    case napi_float32_array: v.type = tl::F32; break;
    case napi_float64_array: v.type = tl::F64; break;
    case napi_int32_array: v.type = tl::I32; break;
    case napi_uint8_array: v.type = tl::U8; break;
    case napi_bigint64_array: v.type = tl::I64; break;
    default: return fail(env, "unsupported typed array type");
  }
  v.data = static_cast<char*>(data);
  v.length = static_cast<int64_t>(length);
  return true;
}

// Reads a view's layout from meta and checks every element it reaches is inside the buffer.
bool read_view(Napi::Env env, Meta& m, napi_value buffer, View& v) {
  if (!bind_buffer(env, buffer, v)) return false;
  v.dtype = static_cast<int>(m.num());
  v.ndim = static_cast<int>(m.num());
  v.offset = m.i64();
  if (v.ndim < 0 || v.ndim > tl::kMaxDims) return fail(env, "too many dimensions");
  for (int d = 0; d < v.ndim; d++) v.shape[d] = m.i64();
  for (int d = 0; d < v.ndim; d++) v.strides[d] = m.i64();
  if (!m.ok) return fail(env, "metadata overflow");
  int64_t lo = v.offset, hi = v.offset;
  for (int d = 0; d < v.ndim; d++) {
    if (v.shape[d] < 0) return fail(env, "negative size");
    if (v.shape[d] == 0) return true;  // no element is read or written
    const int64_t span = (v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= v.length) return fail(env, "view out of the bounds of its buffer");
  return true;
}

#define TL_BEGIN(nargs)                                         \
  Napi::Env env = info.Env();                                   \
  Instance* inst = instance(env);                               \
  if (!inst) return env.Undefined();                            \
  if (info.Length() < (nargs)) {                                \
    fail(env, "missing arguments");                             \
    return env.Undefined();                                     \
  }                                                             \
  Meta m{inst->meta, inst->meta_len};

#define TL_VIEW(name, arg) \
  View name;               \
  if (!read_view(env, m, info[arg], name)) return env.Undefined();

// ---- elementwise ----

// meta: op, p0..p3, alpha | x | out
Napi::Value Unary(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const int op = static_cast<int>(m.num());
  double args[4] = {m.num(), m.num(), m.num(), m.num()};
  m.num();  // alpha (unused)
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  if (op < 0 || op >= tl::U_COUNT) return fail(env, "bad op"), env.Undefined();
  tl::unary(op, x, out, args);
  return env.Undefined();
}

// meta: op, p0..p3, alpha | a | b | out
Napi::Value Binary(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const int op = static_cast<int>(m.num());
  double args[4] = {m.num(), m.num(), m.num(), m.num()};
  const double alpha = m.num();
  TL_VIEW(a, 0);
  TL_VIEW(b, 1);
  TL_VIEW(out, 2);
  if (op < 0 || op >= tl::B_COUNT) return fail(env, "bad op"), env.Undefined();
  tl::binary(op, a, b, out, alpha, args);
  return env.Undefined();
}

// meta: op, value | x | a | b | out
Napi::Value Ternary(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  const int op = static_cast<int>(m.num());
  const double value = m.num();
  TL_VIEW(x, 0);
  TL_VIEW(a, 1);
  TL_VIEW(b, 2);
  TL_VIEW(out, 3);
  if (op < 0 || op > 3) return fail(env, "bad op"), env.Undefined();
  return Napi::Boolean::New(env, tl::ternary(op, x, a, b, value, out));
}

// meta: lr, rho, eps | param | grad | square_avg | acc_delta
Napi::Value Adadelta(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  const double lr = m.num(), rho = m.num(), eps = m.num();
  TL_VIEW(p, 0);
  TL_VIEW(g, 1);
  TL_VIEW(sq, 2);
  TL_VIEW(acc, 3);
  return Napi::Boolean::New(env, tl::adadelta(p, g, sq, acc, lr, rho, eps));
}

// meta: 7 scalars (kernels.h) | param | grad | exp_avg | exp_avg_sq
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  double scalars[7];
  for (double& v : scalars) v = m.num();
  TL_VIEW(param, 0);
  TL_VIEW(grad, 1);
  TL_VIEW(exp_avg, 2);
  TL_VIEW(exp_avg_sq, 3);
  return Napi::Boolean::New(env, tl::adam_step(param, grad, exp_avg, exp_avg_sq, scalars));
}

// meta: 6 scalars (kernels.h sgd_step) | param | grad | buf
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  double scalars[6];
  for (double& v : scalars) v = m.num();
  TL_VIEW(param, 0);
  TL_VIEW(grad, 1);
  TL_VIEW(buf, 2);
  return Napi::Boolean::New(env, tl::sgd_step(param, grad, buf, scalars));
}

// meta: cond | a | b | out
Napi::Value Where(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  TL_VIEW(c, 0);
  TL_VIEW(a, 1);
  TL_VIEW(b, 2);
  TL_VIEW(out, 3);
  tl::where(c, a, b, out);
  return env.Undefined();
}

// meta: src | dst
Napi::Value Copy(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  TL_VIEW(src, 0);
  TL_VIEW(dst, 1);
  tl::copy(src, dst);
  return env.Undefined();
}

// meta: value | dst
Napi::Value Fill(const Napi::CallbackInfo& info) {
  TL_BEGIN(1);
  const double value = m.num();
  TL_VIEW(dst, 0);
  tl::fill(dst, value);
  return env.Undefined();
}

// ---- reductions ----

bool read_dims(Napi::Env env, Meta& m, int* dims, int& n) {
  n = static_cast<int>(m.num());
  if (n < 0 || n > tl::kMaxDims) return fail(env, "bad dims");
  for (int i = 0; i < n; i++) dims[i] = static_cast<int>(m.num());
  return true;
}

// meta: op, ndims, dims... | x | out
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const int op = static_cast<int>(m.num());
  int dims[tl::kMaxDims], nd;
  if (!read_dims(env, m, dims, nd)) return env.Undefined();
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  if (op < 0 || op >= tl::R_COUNT) return fail(env, "bad op"), env.Undefined();
  tl::reduce(op, x, dims, nd, out);
  return env.Undefined();
}

// meta: correction, ndims, dims... | x | out
Napi::Value Variance(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const double correction = m.num();
  int dims[tl::kMaxDims], nd;
  if (!read_dims(env, m, dims, nd)) return env.Undefined();
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  tl::variance(x, dims, nd, correction, out);
  return env.Undefined();
}

// meta: prod, dim | x | out
Napi::Value Cumulative(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const bool prod = m.num() != 0;
  const int dim = static_cast<int>(m.num());
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  tl::cumulative(prod, x, dim, out);
  return env.Undefined();
}

// meta: dim, log | x | out
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const int dim = static_cast<int>(m.num());
  const bool log = m.num() != 0;
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  tl::softmax(x, dim, log, out);
  return env.Undefined();
}

// meta: dim, log | grad | y | out
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const int dim = static_cast<int>(m.num());
  const bool log = m.num() != 0;
  TL_VIEW(g, 0);
  TL_VIEW(y, 1);
  TL_VIEW(out, 2);
  tl::softmax_backward(g, y, dim, log, out);
  return env.Undefined();
}

// meta: a | b | out  -> false when the native kernels do not cover these dtypes
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  TL_VIEW(a, 0);
  TL_VIEW(b, 1);
  TL_VIEW(out, 2);
  return Napi::Boolean::New(env, tl::matmul(a, b, out));
}

// ---- indexing: return null, or the first out-of-range index ----

Napi::Value IndexResult(Napi::Env env, bool ok, double bad) { return ok ? env.Null() : Napi::Number::New(env, bad); }

// meta: dim | x | index | out
Napi::Value Gather(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const int dim = static_cast<int>(m.num());
  TL_VIEW(x, 0);
  TL_VIEW(index, 1);
  TL_VIEW(out, 2);
  double bad = 0;
  const bool ok = tl::gather(x, dim, index, out, &bad);
  return IndexResult(env, ok, bad);
}

// meta: dim, accumulate | dst | index | src
Napi::Value Scatter(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const int dim = static_cast<int>(m.num());
  const bool acc = m.num() != 0;
  TL_VIEW(dst, 0);
  TL_VIEW(index, 1);
  TL_VIEW(src, 2);
  double bad = 0;
  const bool ok = tl::scatter(dst, dim, index, src, acc, &bad);
  return IndexResult(env, ok, bad);
}

// meta: dim | x | index | out
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const int dim = static_cast<int>(m.num());
  TL_VIEW(x, 0);
  TL_VIEW(index, 1);
  TL_VIEW(out, 2);
  double bad = 0;
  const bool ok = tl::index_select(x, dim, index, out, &bad);
  return IndexResult(env, ok, bad);
}

// meta: dim, accumulate | dst | index | src
Napi::Value IndexPut(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const int dim = static_cast<int>(m.num());
  const bool acc = m.num() != 0;
  TL_VIEW(dst, 0);
  TL_VIEW(index, 1);
  TL_VIEW(src, 2);
  double bad = 0;
  const bool ok = tl::index_put(dst, dim, index, src, acc, &bad);
  return IndexResult(env, ok, bad);
}

// ---- convolution and pooling ----

tl::Conv2dParams read_conv(Meta& m) {
  tl::Conv2dParams p;
  p.stride[0] = m.i64();
  p.stride[1] = m.i64();
  p.padding[0] = m.i64();
  p.padding[1] = m.i64();
  p.dilation[0] = m.i64();
  p.dilation[1] = m.i64();
  p.groups = m.i64();
  return p;
}

// meta: conv params, hasBias | x | w | [bias] | out   (bias slot is always passed)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  const tl::Conv2dParams p = read_conv(m);
  const bool has_bias = m.num() != 0;
  TL_VIEW(x, 0);
  TL_VIEW(w, 1);
  View bias;
  if (has_bias && !read_view(env, m, info[2], bias)) return env.Undefined();
  TL_VIEW(out, 3);
  return Napi::Boolean::New(env, tl::conv2d(x, w, has_bias ? &bias : nullptr, p, out));
}

// meta: conv params | grad | w | out
Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const tl::Conv2dParams p = read_conv(m);
  TL_VIEW(g, 0);
  TL_VIEW(w, 1);
  TL_VIEW(out, 2);
  return Napi::Boolean::New(env, tl::conv2d_backward_input(g, w, p, out));
}

// meta: conv params | grad | x | out
Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const tl::Conv2dParams p = read_conv(m);
  TL_VIEW(g, 0);
  TL_VIEW(x, 1);
  TL_VIEW(out, 2);
  return Napi::Boolean::New(env, tl::conv2d_backward_weight(g, x, p, out));
}

tl::Pool2dParams read_pool(Meta& m) {
  tl::Pool2dParams p;
  for (int i = 0; i < 2; i++) p.kernel[i] = m.i64();
  for (int i = 0; i < 2; i++) p.stride[i] = m.i64();
  for (int i = 0; i < 2; i++) p.padding[i] = m.i64();
  for (int i = 0; i < 2; i++) p.dilation[i] = m.i64();
  for (int i = 0; i < 2; i++) p.out[i] = m.i64();
  p.count_include_pad = m.num() != 0;
  p.divisor_override = m.num();
  return p;
}

// meta: pool params | x | out | indices
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  const tl::Pool2dParams p = read_pool(m);
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  TL_VIEW(idx, 2);
  return Napi::Boolean::New(env, tl::max_pool2d(x, p, out, idx));
}

// meta: grad | indices | out
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  TL_VIEW(g, 0);
  TL_VIEW(idx, 1);
  TL_VIEW(out, 2);
  return Napi::Boolean::New(env, tl::max_pool2d_backward(g, idx, out));
}

// meta: pool params | x | out
Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const tl::Pool2dParams p = read_pool(m);
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  return Napi::Boolean::New(env, tl::avg_pool2d(x, p, out));
}

// meta: pool params | grad | out
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const tl::Pool2dParams p = read_pool(m);
  TL_VIEW(g, 0);
  TL_VIEW(out, 1);
  return Napi::Boolean::New(env, tl::avg_pool2d_backward(g, p, out));
}

// meta: x | out
Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  return Napi::Boolean::New(env, tl::adaptive_avg_pool2d(x, out));
}

// meta: grad | out
Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  TL_VIEW(g, 0);
  TL_VIEW(out, 1);
  return Napi::Boolean::New(env, tl::adaptive_avg_pool2d_backward(g, out));
}

// meta: x | out | indices
Napi::Value AdaptiveMaxPool2d(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  TL_VIEW(x, 0);
  TL_VIEW(out, 1);
  TL_VIEW(idx, 2);
  return Napi::Boolean::New(env, tl::adaptive_max_pool2d(x, out, idx));
}

// ---- losses and normalisation ----

// An optional view: read when the flag in meta said it is there.
#define TL_OPT_VIEW(name, present, arg)                                            \
  View name##_v;                                                                   \
  const View* name = nullptr;                                                      \
  if (present) {                                                                   \
    if (!read_view(env, m, info[arg], name##_v)) return env.Undefined();           \
    name = &name##_v;                                                              \
  }

// meta: ignoreIndex, reduction, hasWeight | input | target | [weight] | out | totalWeight
// -> true (done), false (dtype left to JS), or the first target out of [0, C)
Napi::Value NllLoss(const Napi::CallbackInfo& info) {
  TL_BEGIN(5);
  const double ignore = m.num();
  const int reduction = static_cast<int>(m.num());
  const bool has_w = m.num() != 0;
  TL_VIEW(input, 0);
  TL_VIEW(target, 1);
  TL_OPT_VIEW(weight, has_w, 2);
  TL_VIEW(out, 3);
  TL_VIEW(total, 4);
  double bad = 0;
  const int status = tl::nll_loss(input, target, weight, ignore, reduction, out, total, &bad);
  if (status == 2) return Napi::Number::New(env, bad);
  return Napi::Boolean::New(env, status == 0);
}

// meta: ignoreIndex, reduction, totalWeight, hasWeight | grad | target | [weight] | out
Napi::Value NllLossBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  const double ignore = m.num();
  const int reduction = static_cast<int>(m.num());
  const double total = m.num();
  const bool has_w = m.num() != 0;
  TL_VIEW(grad, 0);
  TL_VIEW(target, 1);
  TL_OPT_VIEW(weight, has_w, 2);
  TL_VIEW(out, 3);
  return Napi::Boolean::New(env, tl::nll_loss_backward(grad, target, weight, ignore, reduction, total, out));
}

// meta: reduction, hasWeight | input | target | [weight] | out
// -> true (done), false (views left to JS), or 2 for an input outside [0, 1]
Napi::Value BinaryCrossEntropy(const Napi::CallbackInfo& info) {
  TL_BEGIN(4);
  const int reduction = static_cast<int>(m.num());
  const bool has_w = m.num() != 0;
  TL_VIEW(input, 0);
  TL_VIEW(target, 1);
  TL_OPT_VIEW(weight, has_w, 2);
  TL_VIEW(out, 3);
  const int status = tl::binary_cross_entropy(input, target, weight, reduction, out);
  if (status == 2) return Napi::Number::New(env, 2);
  return Napi::Boolean::New(env, status == 0);
}

// meta: reduction, hasWeight | grad | input | target | [weight] | out
Napi::Value BinaryCrossEntropyBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(5);
  const int reduction = static_cast<int>(m.num());
  const bool has_w = m.num() != 0;
  TL_VIEW(grad, 0);
  TL_VIEW(input, 1);
  TL_VIEW(target, 2);
  TL_OPT_VIEW(weight, has_w, 3);
  TL_VIEW(out, 4);
  return Napi::Boolean::New(env, tl::binary_cross_entropy_backward(grad, input, target, weight, reduction, out));
}

// meta: x | mean | varSum (float64)
Napi::Value BatchNormStats(const Napi::CallbackInfo& info) {
  TL_BEGIN(3);
  TL_VIEW(x, 0);
  TL_VIEW(mean, 1);
  TL_VIEW(var_sum, 2);
  return Napi::Boolean::New(env, tl::batch_norm_stats(x, mean, var_sum));
}

// meta: maxNorm, normType | weight | indices
Napi::Value EmbeddingRenorm(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const double max_norm = m.num(), p = m.num();
  TL_VIEW(weight, 0);
  TL_VIEW(indices, 1);
  return Napi::Boolean::New(env, tl::embedding_renorm(weight, indices, max_norm, p));
}

// meta: hasWeight, hasBias | x | mean | invstd | [weight] | [bias] | out
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  TL_BEGIN(6);
  const bool has_w = m.num() != 0, has_b = m.num() != 0;
  TL_VIEW(x, 0);
  TL_VIEW(mean, 1);
  TL_VIEW(invstd, 2);
  TL_OPT_VIEW(weight, has_w, 3);
  TL_OPT_VIEW(bias, has_b, 4);
  TL_VIEW(out, 5);
  return Napi::Boolean::New(env, tl::batch_norm(x, mean, invstd, weight, bias, out));
}

// meta: train, hasWeight, hasGradInput, hasGradWeight, hasGradBias
//       | grad | x | mean | invstd | [weight] | [gradInput] | [gradWeight] | [gradBias]
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(8);
  const bool train = m.num() != 0, has_w = m.num() != 0, has_gi = m.num() != 0, has_gw = m.num() != 0,
             has_gb = m.num() != 0;
  TL_VIEW(grad, 0);
  TL_VIEW(x, 1);
  TL_VIEW(mean, 2);
  TL_VIEW(invstd, 3);
  TL_OPT_VIEW(weight, has_w, 4);
  TL_OPT_VIEW(gi, has_gi, 5);
  TL_OPT_VIEW(gw, has_gw, 6);
  TL_OPT_VIEW(gb, has_gb, 7);
  return Napi::Boolean::New(env, tl::batch_norm_backward(grad, x, mean, invstd, weight, train, gi, gw, gb));
}

// meta: groups, eps, hasWeight, hasBias | x | [weight] | [bias] | out | mean | rstd
Napi::Value GroupNorm(const Napi::CallbackInfo& info) {
  TL_BEGIN(6);
  const int64_t groups = m.i64();
  const double eps = m.num();
  const bool has_w = m.num() != 0, has_b = m.num() != 0;
  TL_VIEW(x, 0);
  TL_OPT_VIEW(weight, has_w, 1);
  TL_OPT_VIEW(bias, has_b, 2);
  TL_VIEW(out, 3);
  TL_VIEW(mean, 4);
  TL_VIEW(rstd, 5);
  return Napi::Boolean::New(env, tl::group_norm(x, groups, eps, weight, bias, out, mean, rstd));
}

// meta: groups, hasWeight, hasGradInput, hasGradWeight, hasGradBias
//       | grad | x | mean | rstd | [weight] | [gradInput] | [gradWeight] | [gradBias]
Napi::Value GroupNormBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(8);
  const int64_t groups = m.i64();
  const bool has_w = m.num() != 0, has_gi = m.num() != 0, has_gw = m.num() != 0, has_gb = m.num() != 0;
  TL_VIEW(grad, 0);
  TL_VIEW(x, 1);
  TL_VIEW(mean, 2);
  TL_VIEW(rstd, 3);
  TL_OPT_VIEW(weight, has_w, 4);
  TL_OPT_VIEW(gi, has_gi, 5);
  TL_OPT_VIEW(gw, has_gw, 6);
  TL_OPT_VIEW(gb, has_gb, 7);
  return Napi::Boolean::New(env, tl::group_norm_backward(grad, x, groups, mean, rstd, weight, gi, gw, gb));
}

// ---- random fills ----

// meta: kind, dtype code, index, p0, p1 | out (written whole) | state: Uint32Array(624)
// -> the generator's next index, or -1 when the fill is left to the JS kernel.
Napi::Value RandomFill(const Napi::CallbackInfo& info) {
  TL_BEGIN(2);
  const int kind = static_cast<int>(m.num());
  const int dtype = static_cast<int>(m.num());
  const int64_t index = m.i64();
  const double p0 = m.num(), p1 = m.num();
  View out;
  if (!bind_buffer(env, info[0], out)) return env.Undefined();
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, info[1], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_uint32_array ||
      length != 624)
    return fail(env, "randomFill expects the generator's 624 words as a Uint32Array"), env.Undefined();
  if (index < 0 || index > 624) return fail(env, "bad generator index"), env.Undefined();
  const int64_t next = tl::random_fill(kind, dtype, out, static_cast<uint32_t*>(data), index, p0, p1);
  return Napi::Number::New(env, static_cast<double>(next));
}

// ---- setup and settings ----

Napi::Array Names(Napi::Env env, const char* const* names, int n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) a.Set(i, Napi::String::New(env, names[i]));
  return a;
}

#define TL_NAME_STR(name) #name,
const char* const kUnaryNames[] = {TL_UNARY_OPS(TL_NAME_STR)};
const char* const kBinaryNames[] = {TL_BINARY_OPS(TL_NAME_STR)};
const char* const kReduceNames[] = {TL_REDUCE_OPS(TL_NAME_STR)};

// init(meta) -> { unaryOps, binaryOps, reduceOps }
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    fail(env, "init expects a Float64Array");
    return env.Undefined();
  }
  Napi::Float64Array meta = info[0].As<Napi::Float64Array>();
  Instance* inst = env.GetInstanceData<Instance>();
  if (!inst) {
    inst = new Instance();
    env.SetInstanceData<Instance>(inst);
  }
  inst->meta_ref = Napi::Persistent(meta);
  inst->meta = meta.Data();
  inst->meta_len = meta.ElementLength();
  // TORCHLETTE_ISA=avx2|generic caps the GEMM kernels (for testing and comparisons).
  if (const char* isa = std::getenv("TORCHLETTE_ISA")) {
    if (!std::strcmp(isa, "generic")) tl::set_isa(tl::ISA_GENERIC);
    else if (!std::strcmp(isa, "avx2")) tl::set_isa(tl::ISA_AVX2);
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("unaryOps", Names(env, kUnaryNames, tl::U_COUNT));
  r.Set("binaryOps", Names(env, kBinaryNames, tl::B_COUNT));
  r.Set("reduceOps", Names(env, kReduceNames, tl::R_COUNT));
  return r;
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), tl::num_threads()); }

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  if (info.Length() > 0 && info[0].IsNumber()) tl::set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// isa() -> the GEMM kernels in use; cpuIsa() -> the best this CPU has.
Napi::Value GetIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), tl::isa_name(tl::active_isa())); }
Napi::Value CpuIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), tl::isa_name(tl::detect_isa())); }

// setIsa(name) -> whether this CPU can run it ("emulated512" always can: tests only).
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return Napi::Boolean::New(env, false);
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  int isa = -1;
  for (int i = 0; i <= tl::ISA_EMULATED512; i++)
    if (name == tl::isa_name(i)) isa = i;
  return Napi::Boolean::New(env, isa >= 0 && tl::set_isa(isa));
}

// ---- fused LSTM cell (native/rnn.cc) ----

// True when v is a row-major contiguous [rows, cols] view.
bool is_matrix(const View& v, int64_t rows, int64_t cols) {
  return v.ndim == 2 && v.shape[0] == rows && v.shape[1] == cols && (rows <= 1 || v.strides[0] == cols) && (cols <= 1 || v.strides[1] == 1);
}

// meta: xg | hg | cx | hy | cy | ws  -> false when the dtypes are not float32/float64
Napi::Value LstmCell(const Napi::CallbackInfo& info) {
  TL_BEGIN(6);
  TL_VIEW(xg, 0);
  TL_VIEW(hg, 1);
  TL_VIEW(cx, 2);
  TL_VIEW(hy, 3);
  TL_VIEW(cy, 4);
  TL_VIEW(ws, 5);
  const int64_t B = cx.ndim == 2 ? cx.shape[0] : -1, H = cx.ndim == 2 ? cx.shape[1] : -1;
  if (!is_matrix(cx, B, H) || !is_matrix(xg, B, 4 * H) || !is_matrix(hg, B, 4 * H) || !is_matrix(hy, B, H) ||
      !is_matrix(cy, B, H) || !is_matrix(ws, B, 4 * H))
    return fail(env, "lstmCell: expected contiguous [B, 4H] gates and [B, H] states"), env.Undefined();
  return Napi::Boolean::New(env, tl::lstm_cell(xg, hg, cx, hy, cy, ws));
}

// meta: hasDhy, hasDcy | [dhy] | [dcy] | ws | cx | cy | dgates | dcx  -> false as LstmCell
Napi::Value LstmCellBackward(const Napi::CallbackInfo& info) {
  TL_BEGIN(5);
  const bool has_dhy = m.num() != 0, has_dcy = m.num() != 0;
  const size_t first = (has_dhy ? 1 : 0) + (has_dcy ? 1 : 0);
  if (info.Length() < first + 5) return fail(env, "missing arguments"), env.Undefined();
  View dhy, dcy;
  if (has_dhy && !read_view(env, m, info[0], dhy)) return env.Undefined();
  if (has_dcy && !read_view(env, m, info[has_dhy ? 1 : 0], dcy)) return env.Undefined();
  TL_VIEW(ws, first);
  TL_VIEW(cx, first + 1);
  TL_VIEW(cy, first + 2);
  TL_VIEW(dgates, first + 3);
  TL_VIEW(dcx, first + 4);
  const int64_t B = cx.ndim == 2 ? cx.shape[0] : -1, H = cx.ndim == 2 ? cx.shape[1] : -1;
  if (!is_matrix(cx, B, H) || !is_matrix(ws, B, 4 * H) || !is_matrix(cy, B, H) || !is_matrix(dgates, B, 4 * H) ||
      !is_matrix(dcx, B, H) || (has_dhy && !is_matrix(dhy, B, H)) || (has_dcy && !is_matrix(dcy, B, H)))
    return fail(env, "lstmCellBackward: expected contiguous [B, 4H] gates and [B, H] states"), env.Undefined();
  return Napi::Boolean::New(env, tl::lstm_cell_backward(dhy, dcy, ws, cx, cy, dgates, dcx));
}

// Tensor buffers are ArrayBuffers that V8 callocs and frees by the hundred per training
// step. With glibc's defaults a freed block at the top of the heap past 128 KB-2x the
// current mmap threshold is returned to the OS (brk/munmap) and the next allocation
// faults every page in again: page faults, kernel page clearing and memcg accounting were
// ~20% of the CPU samples of a loop of 64 KB tensor ops. Serve blocks up to 32 MB (glibc's
// own upper bound for its adaptive threshold) from the heap, as PyTorch's pooling
// allocators keep freed blocks. The trim threshold is high because V8 frees ArrayBuffers
// in bursts, a GC's worth at once (up to ~350 MB of ResNet18 batch-8 activations): with a
// 64 MB threshold each burst was handed back and faulted in again by the next step
// (25-40k minor faults and ~250 ms of system time per step, 1 thread; ~500 after). The
// heap then keeps up to 1 GB the process already had resident at its peak, and peak RSS
// is unchanged (freed blocks are reused before the heap grows).
void tune_malloc() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1024 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
#endif
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  tune_malloc();
  auto fn = [&](const char* name, Napi::Function::Callback cb) { exports.Set(name, Napi::Function::New(env, cb, name)); };
  fn("init", Init);
  fn("getNumThreads", GetNumThreads);
  fn("setNumThreads", SetNumThreads);
  fn("isa", GetIsa);
  fn("cpuIsa", CpuIsa);
  fn("setIsa", SetIsa);
  fn("unary", Unary);
  fn("binary", Binary);
  fn("ternary", Ternary);
  fn("adadelta", Adadelta);
  fn("adamStep", AdamStep);
  fn("sgdStep", SgdStep);
  fn("where", Where);
  fn("copy", Copy);
  fn("fill", Fill);
  fn("randomFill", RandomFill);
  fn("reduce", Reduce);
  fn("variance", Variance);
  fn("cumulative", Cumulative);
  fn("softmax", Softmax);
  fn("softmaxBackward", SoftmaxBackward);
  fn("matmul", Matmul);
  fn("gather", Gather);
  fn("scatter", Scatter);
  fn("indexSelect", IndexSelect);
  fn("indexPut", IndexPut);
  fn("conv2d", Conv2d);
  fn("conv2dBackwardInput", Conv2dBackwardInput);
  fn("conv2dBackwardWeight", Conv2dBackwardWeight);
  fn("maxPool2d", MaxPool2d);
  fn("maxPool2dBackward", MaxPool2dBackward);
  fn("avgPool2d", AvgPool2d);
  fn("avgPool2dBackward", AvgPool2dBackward);
  fn("adaptiveAvgPool2d", AdaptiveAvgPool2d);
  fn("adaptiveAvgPool2dBackward", AdaptiveAvgPool2dBackward);
  fn("adaptiveMaxPool2d", AdaptiveMaxPool2d);
  fn("nllLoss", NllLoss);
  fn("nllLossBackward", NllLossBackward);
  fn("binaryCrossEntropy", BinaryCrossEntropy);
  fn("binaryCrossEntropyBackward", BinaryCrossEntropyBackward);
  fn("batchNormStats", BatchNormStats);
  fn("embeddingRenorm", EmbeddingRenorm);
  fn("batchNorm", BatchNorm);
  fn("batchNormBackward", BatchNormBackward);
  fn("groupNorm", GroupNorm);
  fn("groupNormBackward", GroupNormBackward);
  fn("lstmCell", LstmCell);
  fn("lstmCellBackward", LstmCellBackward);
  return exports;
}

}  // namespace

NODE_API_MODULE(torchlette, Module)
