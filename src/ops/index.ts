// Importing this module installs every op as a Tensor method; it also exports the
// functional forms (torch.add, torch.sum, …). The lists are explicit: only names PyTorch's
// torch namespace has (camelCased) reach `torch.*`; the helpers the op files share
// (addScalar, sumToShape, parseTo, …) and Tensor-only methods (view, normal_, contiguous, …)
// stay internal, imported from their defining files (test/api-hygiene.test.ts checks).
import './inplace.js';
import { signature, tensor as tensorArg } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { unaryFunctions } from './unary.js';
import { joinFunctions } from './join.js';
import { viewFunctions } from './view.js';

// binary.js's own add, sub, … are the Tensor methods' cores; torch.* takes the name-parsing forms below.
export { clamp, where } from './binary.js';
export type { AlphaOptions, RoundingMode, ClampBounds } from './binary.js';
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
export { clone, fill_ } from './copy.js';
export type { ToOptions, ToTarget } from './copy.js';
export { Slice, gather, indexAdd, indexPut_, indexSelect, maskedFill, maskedSelect, nonzero, scatter, scatterAdd } from './indexing.js';
export type { IndexItem } from './indexing.js';
export { BoolTensor, ByteTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor } from './legacy-types.js';
export type { LegacyTensorType } from './legacy-types.js';
export { addmm, bmm, dot, matmul, mm, mv, outer, spmm } from './matmul.js';
export { addcdiv, addcmul, lerp } from './pointwise.js';
export type { ValueOptions } from './pointwise.js';
export { bernoulli, multinomial, normal } from './random.js';
export { all, amax, amin, any, argmax, argmin, cumprod, cumsum, logsumexp, max, mean, min, nansum, norm, prod, std,
  stdMean, sum, varMean } from './reduce.js';
export type { ValuesIndices, ExtremeArgs, VarStdArgs, VarOptions } from './reduce.js';
export { logSoftmax, softmax } from './softmax.js';
export { argsort, kthvalue, median, mode, msort, nanmedian, sort, topk } from './sorting.js';
export type { MedianFn } from './sorting.js';
export { argwhere, bincount, bucketize, countNonzero, histc, histogram, histogramdd, isin, searchsorted, unique,
  uniqueConsecutive } from './searching.js';
export type { UniqueResult, UniqueValuesOptions, HistogramResult } from './searching.js';
export { aminmax, corrcoef, cov, cummax, cummin, diff, dist, logcumsumexp, nanmean, nanquantile, quantile, renorm,
  var } from './statistics.js';
export { indexCopy, indexFill, indexPut, indexReduce, maskedScatter, put, scatterReduce, take, takeAlongDim } from './scatter-reduce.js';
export { tril, trilIndices, triu, triuIndices } from './triangular.js';
export { asStrided, asStridedScatter, diag, diagEmbed, diagflat, diagonal, diagonalScatter, selectScatter,
  sliceScatter, trace } from './diagonal.js';
export { asStrided_, atleast1d, atleast2d, atleast3d, blockDiag, broadcastShapes, broadcastTensors, broadcastTo,
  cartesianProd, columnStack, combinations, dsplit, dstack, fliplr, flipud, hsplit, hstack, meshgrid, moveaxis,
  narrowCopy, ravel, repeatInterleave, roll, rot90, rowStack, splitWithSizes, swapaxes, swapdims, tensorSplit, tile,
  unsafeChunk, unsafeSplit, unsafeSplitWithSizes, vsplit, vstack } from './shape-ops.js';
export { asTensor, asarray, emptyStrided, getDevice, scalarTensor, strided } from './new-tensor.js';
export type { Layout } from './new-tensor.js';
export { addbmm, addmv, addmv_, addr, baddbmm, einsum, ger, inner, kron, tensordot, vdot } from './products.js';
export { abs_, absolute, acos_, acosh_, adjoint, arccos, arccos_, arccosh, arccosh_, arcsin, arcsin_, arcsinh,
  arcsinh_, arctan, arctan2, arctan_, arctanh, arctanh_, asin_, asinh_, atan_, atanh_, ceil_, clampMax, clampMax_,
  clampMin, clampMin_, clamp_, clip, clip_, concat, concatenate, cos_, cosh_, deg2rad_, detach, detach_, divide, erf_,
  erfc_, exp2_, exp_, expm1_, fill, fix, fix_, floor_, frac_, gcd_, greater, greaterEqual, i0_, lcm_, ldexp_, less,
  lessEqual, log10_, log1p_, log2_, log_, logit_, multiply, nanToNum_, neg_, negative, negative_, notEqual, positive,
  rad2deg_, reciprocal_, relu_, resolveNeg, round_, rsqrt_, rsub, sgn, sigmoid_, sin_, sinc_, sinh_, sqrt_, square_,
  subtract, tan_, tanh_, trueDivide, trunc_, xlogy_, zero_ } from './aliases.js';
export { bartlettWindow, blackmanWindow, hammingWindow, hannWindow, kaiserWindow, logspace, range } from './windows.js';
export { cumulativeTrapezoid, trapezoid, trapz } from './trapezoid.js';
export { bitwiseNot, type UnaryName } from './unary.js';
export { permute, reshape, t } from './view.js';

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
