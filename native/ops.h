// Op codes shared with src/backend/native/ops.ts: the order of each list is the
// code. The addon exports the name lists so the JS side can check they agree.
#pragma once

namespace tl {

#define TL_UNARY_OPS(X)                                                                                  \
  X(neg) X(abs) X(sign) X(floor) X(ceil) X(round) X(trunc) X(frac) X(exp) X(expm1) X(log) X(log1p)        \
  X(log2) X(log10) X(sqrt) X(rsqrt) X(reciprocal) X(square) X(sin) X(cos) X(tan) X(asin) X(acos) X(atan)  \
  X(sinh) X(cosh) X(tanh) X(erf) X(erfinv) X(sigmoid) X(relu) X(silu) X(gelu) X(geluTanh) X(logSigmoid)   \
  X(softsign) X(logicalNot) X(isnan) X(isinf) X(isfinite) X(bitwiseNot) X(clamp) X(powScalar)             \
  X(rpowScalar) X(leakyRelu) X(elu) X(softplus) X(hardtanh) X(hardsigmoid) X(hardswish) X(relu6)          \
  X(threshold) X(roundDecimals)

#define TL_BINARY_OPS(X)                                                                                 \
  X(add) X(sub) X(mul) X(div) X(divTrunc) X(divFloor) X(remainder) X(fmod) X(pow) X(atan2) X(maximum)     \
  X(minimum) X(fmax) X(fmin) X(eq) X(ne) X(lt) X(le) X(gt) X(ge) X(logicalAnd) X(logicalOr) X(logicalXor) \
  X(bitwiseAnd) X(bitwiseOr) X(bitwiseXor) X(reluBackward) X(thresholdBackward) X(sigmoidBackward)        \
  X(tanhBackward) X(siluBackward) X(geluBackward) X(geluTanhBackward) X(eluBackward) X(leakyReluBackward) \
  X(softplusBackward) X(hardtanhBackward) X(hardsigmoidBackward) X(hardswishBackward)                     \
  X(logSigmoidBackward) X(smoothL1) X(smoothL1Backward) X(huber) X(huberBackward) \
  X(mse) X(mseBackward)

#define TL_REDUCE_OPS(X) X(sum) X(prod) X(max) X(min) X(argmax) X(argmin) X(all) X(any)

#define TL_ENUM_U(name) U_##name,
#define TL_ENUM_B(name) B_##name,
#define TL_ENUM_R(name) R_##name,
enum UnaryOp { TL_UNARY_OPS(TL_ENUM_U) U_COUNT };
enum BinaryOp { TL_BINARY_OPS(TL_ENUM_B) B_COUNT };
enum ReduceOp { TL_REDUCE_OPS(TL_ENUM_R) R_COUNT };
#undef TL_ENUM_U
#undef TL_ENUM_B
#undef TL_ENUM_R

}  // namespace tl
