// C ABI of the WebAssembly build: native/addon.cc's functions without N-API. The
// kernels (native/*.cc) are the same files the addon compiles; only this file and
// parallel_serial.cc differ. src/backend/wasm/ copies each typed-array argument into
// linear memory and passes it as three numbers: (pointer, length in elements, buffer
// type: tl::BufType, or -1 for an absent optional argument). Shapes, strides and
// scalars arrive in g_meta exactly as the addon reads them from its meta array (same
// layouts, documented in addon.cc). A failed check leaves its message in g_error
// (the JS side throws it) instead of a pending N-API exception.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../fma_f32.h"
#include "../gemm.h"
#include "../kernels.h"
#include "../ops.h"
#include "../parallel.h"

#include <wasm_simd128.h>

using tl::View;

namespace {

// The size of the JS side's meta Float64Array (src/backend/native/addon.ts).
constexpr int kMetaLen = 1024;
double g_meta[kMetaLen];
char g_error[256];
double g_bad = 0;  // the out-of-range index of the last indexing/loss call that found one

struct Meta {
  size_t pos = 0;
  bool ok = true;
  double num() {
    if (pos >= kMetaLen) {
      ok = false;
      return 0;
    }
    return g_meta[pos++];
  }
  int64_t i64() { return static_cast<int64_t>(num()); }
};

bool fail(const char* msg) {
  std::strncpy(g_error, "torchlette wasm: ", sizeof(g_error) - 1);
  std::strncat(g_error, msg, sizeof(g_error) - std::strlen(g_error) - 1);
  return false;
}

bool bind_buffer(char* data, int32_t length, int32_t type, View& v) {
  if (type < tl::F32 || type > tl::I64) return fail("expected a typed array");
  v.type = type;
  v.data = data;
  v.length = length;
  return true;
}

// Reads a view's layout from meta and checks every element it reaches is inside the buffer.
bool read_view(Meta& m, char* data, int32_t length, int32_t type, View& v) {
  if (!bind_buffer(data, length, type, v)) return false;
  v.dtype = static_cast<int>(m.num());
  v.ndim = static_cast<int>(m.num());
  v.offset = m.i64();
  if (v.ndim < 0 || v.ndim > tl::kMaxDims) return fail("too many dimensions");
  for (int d = 0; d < v.ndim; d++) v.shape[d] = m.i64();
  for (int d = 0; d < v.ndim; d++) v.strides[d] = m.i64();
  if (!m.ok) return fail("metadata overflow");
  int64_t lo = v.offset, hi = v.offset;
  for (int d = 0; d < v.ndim; d++) {
    if (v.shape[d] < 0) return fail("negative size");
    if (v.shape[d] == 0) return true;  // no element is read or written
    const int64_t span = (v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= v.length) return fail("view out of the bounds of its buffer");
  return true;
}

bool read_dims(Meta& m, int* dims, int& n) {
  n = static_cast<int>(m.num());
  if (n < 0 || n > tl::kMaxDims) return fail("bad dims");
  for (int i = 0; i < n; i++) dims[i] = static_cast<int>(m.num());
  return true;
}

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

// The arena every call's buffers are copied into: one block, grown (never shrunk) to
// the largest call so far. Kernels keep their own scratch (tl::thread_scratch).
char* g_arena = nullptr;
size_t g_arena_bytes = 0;

#define TL_NAME_STR(name) #name ","
const char kUnaryNames[] = TL_UNARY_OPS(TL_NAME_STR);
const char kBinaryNames[] = TL_BINARY_OPS(TL_NAME_STR);
const char kReduceNames[] = TL_REDUCE_OPS(TL_NAME_STR);

}  // namespace

// A buffer argument: pointer, length (elements), type.
#define B(name) char *name##_p, int32_t name##_n, int32_t name##_t
#define VIEW(name)                                          \
  View name;                                                \
  if (!read_view(m, name##_p, name##_n, name##_t, name)) return 0;
#define OPT_VIEW(name, present)                                          \
  View name##_v;                                                         \
  const View* name = nullptr;                                            \
  if (present) {                                                         \
    if (!read_view(m, name##_p, name##_n, name##_t, name##_v)) return 0; \
    name = &name##_v;                                                    \
  }
#define EXPORT(name) extern "C" __attribute__((export_name(#name), visibility("default")))

// ---- setup ----

EXPORT(tl_meta) double* tl_meta() { return g_meta; }
EXPORT(tl_meta_len) int32_t tl_meta_len() { return kMetaLen; }
EXPORT(tl_error) char* tl_error() { return g_error; }
EXPORT(tl_bad) double tl_bad() { return g_bad; }
// names(0|1|2): the unary, binary or reduce op names, comma-terminated.
EXPORT(tl_names) const char* tl_names(int32_t which) {
  return which == 0 ? kUnaryNames : which == 1 ? kBinaryNames : kReduceNames;
}

// A 64-byte aligned block of at least `bytes` (its old contents are not kept), or 0.
EXPORT(tl_arena) char* tl_arena(uint32_t bytes) {
  if (bytes <= g_arena_bytes) return g_arena;
  if (g_arena) std::free(g_arena);
  const size_t size = (static_cast<size_t>(bytes) + 63) & ~static_cast<size_t>(63);
  g_arena = static_cast<char*>(std::aligned_alloc(64, size));
  g_arena_bytes = g_arena ? size : 0;
  return g_arena;
}

EXPORT(tl_get_num_threads) int32_t tl_get_num_threads() { return tl::num_threads(); }
EXPORT(tl_set_num_threads) void tl_set_num_threads(int32_t n) { tl::set_num_threads(n); }
EXPORT(tl_isa) const char* tl_isa() { return tl::isa_name(tl::active_isa()); }
EXPORT(tl_cpu_isa) const char* tl_cpu_isa() { return tl::isa_name(tl::detect_isa()); }
EXPORT(tl_set_isa) int32_t tl_set_isa(int32_t isa) { return isa >= 0 && isa <= tl::ISA_EMULATED512 && tl::set_isa(isa); }

// ---- elementwise (each returns 0 after a failed check, see g_error) ----

EXPORT(tl_unary) int32_t tl_unary(B(x), B(out)) {
  Meta m;
  const int op = static_cast<int>(m.num());
  double args[4] = {m.num(), m.num(), m.num(), m.num()};
  m.num();  // alpha (unused)
  VIEW(x);
  VIEW(out);
  if (op < 0 || op >= tl::U_COUNT) return fail("bad op");
  tl::unary(op, x, out, args);
  return 1;
}

namespace {

// The view's elements are data[offset .. offset + numel) in row-major order.
bool contiguous(const View& v) {
  int64_t s = 1;
  for (int d = v.ndim - 1; d >= 0; d--) {
    if (v.shape[d] != 1 && v.strides[d] != s) return false;
    s *= v.shape[d];
  }
  return true;
}

bool broadcast_scalar(const View& v) {
  for (int d = 0; d < v.ndim; d++)
    if (v.shape[d] != 1 && v.strides[d] != 0) return false;
  return true;
}

// o[i] = f(a[i], b[i] or the scalar b[0]) over [0, n), 4 lanes at a time. Reads each
// vector before storing it, so o may be a or b exactly (in place).
template <class F, class G>
void map_f32(float* o, const float* a, const float* b, bool scalar_b, int64_t n, F fv, G fs) {
  int64_t i = 0;
  if (scalar_b) {
    const float y = b[0];
    const v128_t yv = wasm_f32x4_splat(y);
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, fv(wasm_v128_load(a + i), yv));
    for (; i < n; i++) o[i] = fs(a[i], y);
  } else {
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, fv(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    for (; i < n; i++) o[i] = fs(a[i], b[i]);
  }
}

// float32 add/sub/mul/div of contiguous operands (b may be a broadcast scalar): the
// optimizer's and autograd's in-place updates. One pass over the arrays instead of
// elementwise.cc's 512-element chunks through its operand/store staging; the same float
// operations in the same order as its apply_binary (x + alpha * y rounded once, by
// fma_f32.h, when alpha != 1), so the same bits. Split across threads as it splits
// cheap ops. false: not such a call.
bool binary_f32_fast(int op, const View& a, const View& b, const View& out, double alpha_d) {
  if (op != tl::B_add && op != tl::B_sub && op != tl::B_mul && op != tl::B_div) return false;
  if (a.type != tl::F32 || b.type != tl::F32 || out.type != tl::F32) return false;
  if (!contiguous(a) || !contiguous(out)) return false;
  const bool scalar_b = broadcast_scalar(b);
  if (!scalar_b && !contiguous(b)) return false;
  const int64_t n = out.numel();
  if (n == 0) return true;
  float* o = reinterpret_cast<float*>(out.data) + out.offset;
  const float* x = reinterpret_cast<const float*>(a.data) + a.offset;
  const float* y = reinterpret_cast<const float*>(b.data) + b.offset;
  const float alpha = static_cast<float>(alpha_d);
  const bool plain = alpha_d == 1;
  tl::parallel(tl::threads_for(n, 65536), [&](int tid, int nth) {
    int64_t lo, hi;
    tl::split_range(n, tid, nth, lo, hi);
    float* po = o + lo;
    const float* pa = x + lo;
    const float* pb = scalar_b ? y : y + lo;
    const int64_t m = hi - lo;
    switch (op) {
      case tl::B_add:
        if (plain) map_f32(po, pa, pb, scalar_b, m, [](v128_t u, v128_t v) { return wasm_f32x4_add(u, v); }, [](float u, float v) { return u + v; });
        else tl::add_scaled_f32(po, pa, pb, scalar_b, alpha, m);
        break;
      case tl::B_sub:
        if (plain) map_f32(po, pa, pb, scalar_b, m, [](v128_t u, v128_t v) { return wasm_f32x4_sub(u, v); }, [](float u, float v) { return u - v; });
        else tl::add_scaled_f32(po, pa, pb, scalar_b, -alpha, m);
        break;
      case tl::B_mul:
        map_f32(po, pa, pb, scalar_b, m, [](v128_t u, v128_t v) { return wasm_f32x4_mul(u, v); }, [](float u, float v) { return u * v; });
        break;
      default:
        map_f32(po, pa, pb, scalar_b, m, [](v128_t u, v128_t v) { return wasm_f32x4_div(u, v); }, [](float u, float v) { return u / v; });
        break;
    }
  });
  return true;
}

}  // namespace

EXPORT(tl_binary) int32_t tl_binary(B(a), B(b), B(out)) {
  Meta m;
  const int op = static_cast<int>(m.num());
  double args[4] = {m.num(), m.num(), m.num(), m.num()};
  const double alpha = m.num();
  VIEW(a);
  VIEW(b);
  VIEW(out);
  if (op < 0 || op >= tl::B_COUNT) return fail("bad op");
  if (!binary_f32_fast(op, a, b, out, alpha)) tl::binary(op, a, b, out, alpha, args);
  return 1;
}

// -> 2: done, 1: left to JS (the addon's false), 0: failed check
EXPORT(tl_ternary) int32_t tl_ternary(B(x), B(a), B(b), B(out)) {
  Meta m;
  const int op = static_cast<int>(m.num());
  const double value = m.num();
  VIEW(x);
  VIEW(a);
  VIEW(b);
  VIEW(out);
  if (op < 0 || op > 3) return fail("bad op");
  return tl::ternary(op, x, a, b, value, out) ? 2 : 1;
}

// -> 2: done, 1: left to JS (the addon's false)
EXPORT(tl_adadelta) int32_t tl_adadelta(B(p), B(g), B(sq), B(acc)) {
  Meta m;
  const double lr = m.num(), rho = m.num(), eps = m.num();
  VIEW(p);
  VIEW(g);
  VIEW(sq);
  VIEW(acc);
  return tl::adadelta(p, g, sq, acc, lr, rho, eps) ? 2 : 1;
}

// meta: 7 scalars (kernels.h adam_step) | param | grad | exp_avg | exp_avg_sq -> 2: done, 1: left to the caller
EXPORT(tl_adam_step) int32_t tl_adam_step(B(param), B(grad), B(exp_avg), B(exp_avg_sq)) {
  Meta m;
  double scalars[7];
  for (double& v : scalars) v = m.num();
  VIEW(param);
  VIEW(grad);
  VIEW(exp_avg);
  VIEW(exp_avg_sq);
  return tl::adam_step(param, grad, exp_avg, exp_avg_sq, scalars) ? 2 : 1;
}

// meta: 6 scalars (kernels.h sgd_step) | param | grad | buf -> 2: done, 1: left to the caller
EXPORT(tl_sgd_step) int32_t tl_sgd_step(B(param), B(grad), B(buf)) {
  Meta m;
  double scalars[6];
  for (double& v : scalars) v = m.num();
  VIEW(param);
  VIEW(grad);
  VIEW(buf);
  return tl::sgd_step(param, grad, buf, scalars) ? 2 : 1;
}

EXPORT(tl_where) int32_t tl_where(B(c), B(a), B(b), B(out)) {
  Meta m;
  VIEW(c);
  VIEW(a);
  VIEW(b);
  VIEW(out);
  tl::where(c, a, b, out);
  return 1;
}

EXPORT(tl_copy) int32_t tl_copy(B(src), B(dst)) {
  Meta m;
  VIEW(src);
  VIEW(dst);
  tl::copy(src, dst);
  return 1;
}

EXPORT(tl_fill) int32_t tl_fill(B(dst)) {
  Meta m;
  const double value = m.num();
  VIEW(dst);
  tl::fill(dst, value);
  return 1;
}

// state: the generator's 624 words. -> the next index, -1: left to JS, -2: failed check
EXPORT(tl_random_fill) double tl_random_fill(B(out), uint32_t* state) {
  Meta m;
  const int kind = static_cast<int>(m.num());
  const int dtype = static_cast<int>(m.num());
  const int64_t index = m.i64();
  const double p0 = m.num(), p1 = m.num();
  View out;
  if (!bind_buffer(out_p, out_n, out_t, out)) return -2;
  if (index < 0 || index > 624) return fail("bad generator index"), -2;
  return static_cast<double>(tl::random_fill(kind, dtype, out, state, index, p0, p1));
}

// ---- reductions ----

EXPORT(tl_reduce) int32_t tl_reduce(B(x), B(out)) {
  Meta m;
  const int op = static_cast<int>(m.num());
  int dims[tl::kMaxDims], nd;
  if (!read_dims(m, dims, nd)) return 0;
  VIEW(x);
  VIEW(out);
  if (op < 0 || op >= tl::R_COUNT) return fail("bad op");
  tl::reduce(op, x, dims, nd, out);
  return 1;
}

EXPORT(tl_variance) int32_t tl_variance(B(x), B(out)) {
  Meta m;
  const double correction = m.num();
  int dims[tl::kMaxDims], nd;
  if (!read_dims(m, dims, nd)) return 0;
  VIEW(x);
  VIEW(out);
  tl::variance(x, dims, nd, correction, out);
  return 1;
}

EXPORT(tl_cumulative) int32_t tl_cumulative(B(x), B(out)) {
  Meta m;
  const bool prod = m.num() != 0;
  const int dim = static_cast<int>(m.num());
  VIEW(x);
  VIEW(out);
  tl::cumulative(prod, x, dim, out);
  return 1;
}

EXPORT(tl_softmax) int32_t tl_softmax(B(x), B(out)) {
  Meta m;
  const int dim = static_cast<int>(m.num());
  const bool log = m.num() != 0;
  VIEW(x);
  VIEW(out);
  tl::softmax(x, dim, log, out);
  return 1;
}

EXPORT(tl_softmax_backward) int32_t tl_softmax_backward(B(g), B(y), B(out)) {
  Meta m;
  const int dim = static_cast<int>(m.num());
  const bool log = m.num() != 0;
  VIEW(g);
  VIEW(y);
  VIEW(out);
  tl::softmax_backward(g, y, dim, log, out);
  return 1;
}

// Functions whose addon twin returns a boolean: 2 = true, 1 = false, 0 = failed check.
#define RET_BOOL(expr) return (expr) ? 2 : 1

EXPORT(tl_matmul) int32_t tl_matmul(B(a), B(b), B(out)) {
  Meta m;
  VIEW(a);
  VIEW(b);
  VIEW(out);
  RET_BOOL(tl::matmul(a, b, out));
}

// ---- indexing: 2 = done, 1 = an index out of range (tl_bad() says which), 0 = failed check ----

#define RET_INDEX(expr)       \
  double bad = 0;             \
  const bool ok = (expr);     \
  g_bad = bad;                \
  return ok ? 2 : 1

EXPORT(tl_gather) int32_t tl_gather(B(x), B(index), B(out)) {
  Meta m;
  const int dim = static_cast<int>(m.num());
  VIEW(x);
  VIEW(index);
  VIEW(out);
  RET_INDEX(tl::gather(x, dim, index, out, &bad));
}

EXPORT(tl_scatter) int32_t tl_scatter(B(dst), B(index), B(src)) {
  Meta m;
  const int dim = static_cast<int>(m.num());
  const bool acc = m.num() != 0;
  VIEW(dst);
  VIEW(index);
  VIEW(src);
  RET_INDEX(tl::scatter(dst, dim, index, src, acc, &bad));
}

EXPORT(tl_index_select) int32_t tl_index_select(B(x), B(index), B(out)) {
  Meta m;
  const int dim = static_cast<int>(m.num());
  VIEW(x);
  VIEW(index);
  VIEW(out);
  RET_INDEX(tl::index_select(x, dim, index, out, &bad));
}

EXPORT(tl_index_put) int32_t tl_index_put(B(dst), B(index), B(src)) {
  Meta m;
  const int dim = static_cast<int>(m.num());
  const bool acc = m.num() != 0;
  VIEW(dst);
  VIEW(index);
  VIEW(src);
  RET_INDEX(tl::index_put(dst, dim, index, src, acc, &bad));
}

// ---- convolution and pooling ----

EXPORT(tl_conv2d) int32_t tl_conv2d(B(x), B(w), B(bias), B(out)) {
  Meta m;
  const tl::Conv2dParams p = read_conv(m);
  const bool has_bias = m.num() != 0;
  VIEW(x);
  VIEW(w);
  OPT_VIEW(bias, has_bias);
  VIEW(out);
  RET_BOOL(tl::conv2d(x, w, bias, p, out));
}

EXPORT(tl_conv2d_backward_input) int32_t tl_conv2d_backward_input(B(g), B(w), B(out)) {
  Meta m;
  const tl::Conv2dParams p = read_conv(m);
  VIEW(g);
  VIEW(w);
  VIEW(out);
  RET_BOOL(tl::conv2d_backward_input(g, w, p, out));
}

EXPORT(tl_conv2d_backward_weight) int32_t tl_conv2d_backward_weight(B(g), B(x), B(out)) {
  Meta m;
  const tl::Conv2dParams p = read_conv(m);
  VIEW(g);
  VIEW(x);
  VIEW(out);
  RET_BOOL(tl::conv2d_backward_weight(g, x, p, out));
}

EXPORT(tl_max_pool2d) int32_t tl_max_pool2d(B(x), B(out), B(idx)) {
  Meta m;
  const tl::Pool2dParams p = read_pool(m);
  VIEW(x);
  VIEW(out);
  VIEW(idx);
  RET_BOOL(tl::max_pool2d(x, p, out, idx));
}

EXPORT(tl_max_pool2d_backward) int32_t tl_max_pool2d_backward(B(g), B(idx), B(out)) {
  Meta m;
  VIEW(g);
  VIEW(idx);
  VIEW(out);
  RET_BOOL(tl::max_pool2d_backward(g, idx, out));
}

EXPORT(tl_avg_pool2d) int32_t tl_avg_pool2d(B(x), B(out)) {
  Meta m;
  const tl::Pool2dParams p = read_pool(m);
  VIEW(x);
  VIEW(out);
  RET_BOOL(tl::avg_pool2d(x, p, out));
}

EXPORT(tl_avg_pool2d_backward) int32_t tl_avg_pool2d_backward(B(g), B(out)) {
  Meta m;
  const tl::Pool2dParams p = read_pool(m);
  VIEW(g);
  VIEW(out);
  RET_BOOL(tl::avg_pool2d_backward(g, p, out));
}

EXPORT(tl_adaptive_avg_pool2d) int32_t tl_adaptive_avg_pool2d(B(x), B(out)) {
  Meta m;
  VIEW(x);
  VIEW(out);
  RET_BOOL(tl::adaptive_avg_pool2d(x, out));
}

EXPORT(tl_adaptive_avg_pool2d_backward) int32_t tl_adaptive_avg_pool2d_backward(B(g), B(out)) {
  Meta m;
  VIEW(g);
  VIEW(out);
  RET_BOOL(tl::adaptive_avg_pool2d_backward(g, out));
}

EXPORT(tl_adaptive_max_pool2d) int32_t tl_adaptive_max_pool2d(B(x), B(out), B(idx)) {
  Meta m;
  VIEW(x);
  VIEW(out);
  VIEW(idx);
  RET_BOOL(tl::adaptive_max_pool2d(x, out, idx));
}

// ---- losses and normalisation ----

// -> 3: a target out of [0, C) (tl_bad() says which), 2: done, 1: left to JS, 0: failed check
EXPORT(tl_nll_loss) int32_t tl_nll_loss(B(input), B(target), B(weight), B(out), B(total)) {
  Meta m;
  const double ignore = m.num();
  const int reduction = static_cast<int>(m.num());
  const bool has_w = m.num() != 0;
  VIEW(input);
  VIEW(target);
  OPT_VIEW(weight, has_w);
  VIEW(out);
  VIEW(total);
  double bad = 0;
  const int status = tl::nll_loss(input, target, weight, ignore, reduction, out, total, &bad);
  g_bad = bad;
  return status == 2 ? 3 : status == 0 ? 2 : 1;
}

EXPORT(tl_nll_loss_backward) int32_t tl_nll_loss_backward(B(grad), B(target), B(weight), B(out)) {
  Meta m;
  const double ignore = m.num();
  const int reduction = static_cast<int>(m.num());
  const double total = m.num();
  const bool has_w = m.num() != 0;
  VIEW(grad);
  VIEW(target);
  OPT_VIEW(weight, has_w);
  VIEW(out);
  RET_BOOL(tl::nll_loss_backward(grad, target, weight, ignore, reduction, total, out));
}

// -> 3: an input outside [0, 1], 2: done, 1: left to JS, 0: failed check
EXPORT(tl_binary_cross_entropy) int32_t tl_binary_cross_entropy(B(input), B(target), B(weight), B(out)) {
  Meta m;
  const int reduction = static_cast<int>(m.num());
  const bool has_w = m.num() != 0;
  VIEW(input);
  VIEW(target);
  OPT_VIEW(weight, has_w);
  VIEW(out);
  const int status = tl::binary_cross_entropy(input, target, weight, reduction, out);
  return status == 2 ? 3 : status == 0 ? 2 : 1;
}

EXPORT(tl_binary_cross_entropy_backward) int32_t tl_binary_cross_entropy_backward(B(grad), B(input), B(target), B(weight), B(out)) {
  Meta m;
  const int reduction = static_cast<int>(m.num());
  const bool has_w = m.num() != 0;
  VIEW(grad);
  VIEW(input);
  VIEW(target);
  OPT_VIEW(weight, has_w);
  VIEW(out);
  RET_BOOL(tl::binary_cross_entropy_backward(grad, input, target, weight, reduction, out));
}

EXPORT(tl_batch_norm_stats) int32_t tl_batch_norm_stats(B(x), B(mean), B(var_sum)) {
  Meta m;
  VIEW(x);
  VIEW(mean);
  VIEW(var_sum);
  RET_BOOL(tl::batch_norm_stats(x, mean, var_sum));
}

EXPORT(tl_embedding_renorm) int32_t tl_embedding_renorm(B(weight), B(indices)) {
  Meta m;
  const double max_norm = m.num(), p = m.num();
  VIEW(weight);
  VIEW(indices);
  RET_BOOL(tl::embedding_renorm(weight, indices, max_norm, p));
}

EXPORT(tl_batch_norm) int32_t tl_batch_norm(B(x), B(mean), B(invstd), B(weight), B(bias), B(out)) {
  Meta m;
  const bool has_w = m.num() != 0, has_b = m.num() != 0;
  VIEW(x);
  VIEW(mean);
  VIEW(invstd);
  OPT_VIEW(weight, has_w);
  OPT_VIEW(bias, has_b);
  VIEW(out);
  RET_BOOL(tl::batch_norm(x, mean, invstd, weight, bias, out));
}

EXPORT(tl_batch_norm_backward)
int32_t tl_batch_norm_backward(B(grad), B(x), B(mean), B(invstd), B(weight), B(gi), B(gw), B(gb)) {
  Meta m;
  const bool train = m.num() != 0, has_w = m.num() != 0, has_gi = m.num() != 0, has_gw = m.num() != 0,
             has_gb = m.num() != 0;
  VIEW(grad);
  VIEW(x);
  VIEW(mean);
  VIEW(invstd);
  OPT_VIEW(weight, has_w);
  OPT_VIEW(gi, has_gi);
  OPT_VIEW(gw, has_gw);
  OPT_VIEW(gb, has_gb);
  RET_BOOL(tl::batch_norm_backward(grad, x, mean, invstd, weight, train, gi, gw, gb));
}

EXPORT(tl_group_norm) int32_t tl_group_norm(B(x), B(weight), B(bias), B(out), B(mean), B(rstd)) {
  Meta m;
  const int64_t groups = m.i64();
  const double eps = m.num();
  const bool has_w = m.num() != 0, has_b = m.num() != 0;
  VIEW(x);
  OPT_VIEW(weight, has_w);
  OPT_VIEW(bias, has_b);
  VIEW(out);
  VIEW(mean);
  VIEW(rstd);
  RET_BOOL(tl::group_norm(x, groups, eps, weight, bias, out, mean, rstd));
}

EXPORT(tl_group_norm_backward)
int32_t tl_group_norm_backward(B(grad), B(x), B(mean), B(rstd), B(weight), B(gi), B(gw), B(gb)) {
  Meta m;
  const int64_t groups = m.i64();
  const bool has_w = m.num() != 0, has_gi = m.num() != 0, has_gw = m.num() != 0, has_gb = m.num() != 0;
  VIEW(grad);
  VIEW(x);
  VIEW(mean);
  VIEW(rstd);
  OPT_VIEW(weight, has_w);
  OPT_VIEW(gi, has_gi);
  OPT_VIEW(gw, has_gw);
  OPT_VIEW(gb, has_gb);
  RET_BOOL(tl::group_norm_backward(grad, x, groups, mean, rstd, weight, gi, gw, gb));
}
