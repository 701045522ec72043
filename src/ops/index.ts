// Importing this module installs every op as a Tensor method; it also exports the
// functional forms (torch.add, torch.sum, …).
import './inplace.js';
import { signature, tensor as tensorArg } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { unaryFunctions } from './unary.js';
import { joinFunctions } from './join.js';
import { viewFunctions } from './view.js';

export * from './binary.js';
// The torch.* forms that parse PyTorch's parameters by name, over binary.js's own.
export {
  add, sub, div, isclose, allclose, mul, floorDivide, remainder, fmod, pow, atan2, maximum, minimum,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, bitwiseAnd, bitwiseOr, bitwiseXor, equal,
} from './binary-fns.js';
export {
  hypot, logaddexp, logaddexp2, copysign, nextafter, ldexp, heaviside, gcd, lcm, igamma, igammac, bitwiseLeftShift,
  bitwiseRightShift, floatPower, fmax, fmin, xlogy, polygamma, mvlgamma, logit, nanToNum, lgamma, digamma, i0, erfc, acosh,
  asinh, atanh, exp2, sinc, signbit, deg2rad, rad2deg, isposinf, isneginf, isreal, frexp,
} from './special-fns.js';
export * from './copy.js';
export * from './indexing.js';
export * from './legacy-types.js';
export { repeat, splitWithSizesAs } from './join.js';
export * from './matmul.js';
export * from './pointwise.js';
export * from './random.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './sorting.js';
export * from './searching.js';
export * from './statistics.js';
export * from './scatter-reduce.js';
export * from './triangular.js';
export * from './diagonal.js';
export * from './shape-ops.js';
export * from './new-tensor.js';
export * from './products.js';
export * from './special.js';
export * from './aliases.js';
export * from './windows.js';
export * from './trapezoid.js';
export { applyUnary, bitwiseNot, fused, predicate, type UnaryName } from './unary.js';
export { permute, reshape, t, view, expand } from './view.js';

export const { cat, stack, split, chunk, unbind, flip } = joinFunctions;
export const { flatten, unflatten, squeeze, unsqueeze, transpose, narrow, select, movedim } = viewFunctions;

export const {
  neg, abs, sign, floor, ceil, round, trunc, frac, exp, expm1, log, log1p, log2, log10, sqrt, rsqrt, reciprocal,
  sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, erf, erfinv, sigmoid, relu,
} = unaryFunctions;

/** The methods' functional twins check their input first: torch.isnan(5) says "must be Tensor, not int". */
const fn = <R>(name: string, method: (x: Tensor) => R) => {
  const sig = signature(name, [['input', tensorArg]] as const);
  return (...args: [Tensor]): R => method(args.length === 1 && args[0] instanceof Tensor ? args[0] : sig.parse(args).input);
};
export const isnan = fn('isnan', (x) => x.isnan());
export const isinf = fn('isinf', (x) => x.isinf());
export const isfinite = fn('isfinite', (x) => x.isfinite());
export const logicalNot = fn('logicalNot', (x) => x.logicalNot());
export const square = fn('square', (x) => x.square());
export const numel = fn('numel', (x) => x.numel());
