// Importing this module installs every op as a Tensor method; it also exports the
// functional forms (torch.add, torch.sum, …).
import './inplace.js';
import { Tensor } from '../tensor/tensor.js';
import { unaryFunctions } from './unary.js';

export * from './binary.js';
export * from './copy.js';
export * from './indexing.js';
export * from './join.js';
export * from './matmul.js';
export * from './pointwise.js';
export * from './random.js';
export * from './reduce.js';
export * from './softmax.js';
export { applyUnary, bitwiseNot, fused, predicate, type UnaryName } from './unary.js';
export { flatten, movedim, narrow, permute, reshape, select, squeeze, t, transpose, unflatten, unsqueeze, view, expand } from './view.js';

export const {
  neg, abs, sign, floor, ceil, round, trunc, frac, exp, expm1, log, log1p, log2, log10, sqrt, rsqrt, reciprocal,
  sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, erf, erfinv, sigmoid, relu,
} = unaryFunctions;

export const isnan = (x: Tensor) => x.isnan();
export const isinf = (x: Tensor) => x.isinf();
export const isfinite = (x: Tensor) => x.isfinite();
export const logicalNot = (x: Tensor) => x.logicalNot();
export const square = (x: Tensor) => x.square();
export const numel = (x: Tensor) => x.numel();
