// nn.functional batch_norm, layer_norm, group_norm: PyTorch's parameters in PyTorch's
// order, or by name in a trailing options object (F.batchNorm(x, rm, rv, { weight, training: true })).
import * as ops from '../../ops/normalization.js';
import { constantPadNd } from '../../ops/pad.js';
import { avgPool2d as avgPool2dOp } from '../../ops/pool.js';
import { formatShape } from '../../tensor/shape.js';
import { bool, int, intOrList, nullable, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';

const weight = ['weight', nullable(tensor), null] as const;
const bias = ['bias', nullable(tensor), null] as const;
const eps = ['eps', number, 1e-5] as const;

const batchNormArgs = signature('batchNorm', [
  ['input', tensor], ['runningMean', nullable(tensor)], ['runningVar', nullable(tensor)],
  weight, bias, ['training', bool, false], ['momentum', number, 0.1], eps,
] as const);
const layerNormArgs = signature('layerNorm', [['input', tensor], ['normalizedShape', intOrList], weight, bias, eps] as const);
const instanceNormArgs = signature('instanceNorm', [
  ['input', tensor], ['runningMean', nullable(tensor), null], ['runningVar', nullable(tensor), null],
  weight, bias, ['useInputStats', bool, true], ['momentum', number, 0.1], eps,
] as const);
const localResponseNormArgs = signature('localResponseNorm', [['input', tensor], ['size', int], ['alpha', number, 1e-4], ['beta', number, 0.75], ['k', number, 1.0]] as const);
const groupNormArgs = signature('groupNorm', [['input', tensor], ['numGroups', int], weight, bias, eps] as const);

/** PyTorch's _verify_batch_size: a channel needs more than one value to have a batch variance. */
function verifyBatchSize(size: readonly number[], shown: string): void {
  let prod = size[0];
  for (let i = 2; i < size.length; i++) prod *= size[i];
  if (prod === 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size ${shown}`);
}

/**
 * Batch normalisation over dim 1 of input [N, C, *]: F.batchNorm(input, runningMean,
 * runningVar, weight, bias, training, momentum, eps). training: batch statistics (running
 * statistics, when given, are updated in place); otherwise the running statistics.
 */
export function batchNorm(...args: ArgsOf<typeof batchNormArgs>): Tensor {
  const a = batchNormArgs.parse(args);
  if (a.training) verifyBatchSize(a.input.shape, `torch.Size(${formatShape(a.input.shape)})`);
  return ops.batchNorm(a.input, a.weight, a.bias, a.runningMean, a.runningVar, a.training, a.momentum, a.eps);
}

/** Layer normalisation over the trailing dims `normalizedShape`: F.layerNorm(input, normalizedShape, weight, bias, eps). */
export function layerNorm(...args: ArgsOf<typeof layerNormArgs>): Tensor {
  const a = layerNormArgs.parse(args);
  const shape = typeof a.normalizedShape === 'number' ? [a.normalizedShape] : a.normalizedShape;
  return ops.layerNorm(a.input, shape, a.weight, a.bias, a.eps);
}

/** Group normalisation, the channels of each sample in numGroups groups: F.groupNorm(input, numGroups, weight, bias, eps). */
export function groupNorm(...args: ArgsOf<typeof groupNormArgs>): Tensor {
  const a = groupNormArgs.parse(args);
  const { input, numGroups } = a;
  // As PyTorch: one value per group (N * C / G * spatial == 1) has no variance.
  const size = [Math.trunc((input.size(0) * input.size(1)) / numGroups), numGroups, ...input.shape.slice(2)];
  verifyBatchSize(size, formatShape(size));
  return ops.groupNorm(input, numGroups, a.weight, a.bias, a.eps);
}

/**
 * Instance normalisation, each channel of each sample on its own: F.instanceNorm(input,
 * runningMean, runningVar, weight, bias, useInputStats, momentum, eps).
 */
export function instanceNorm(...args: ArgsOf<typeof instanceNormArgs>): Tensor {
  const a = instanceNormArgs.parse(args);
  if (a.useInputStats) {
    // PyTorch's _verify_spatial_size.
    const spatial = a.input.shape.slice(2).reduce((p, n) => p * n, 1);
    if (spatial === 1) throw new RangeError(`Expected more than 1 spatial element when training, got input size torch.Size(${formatShape(a.input.shape)})`);
  }
  return ops.instanceNorm(a.input, a.weight, a.bias, a.runningMean, a.runningVar, a.useInputStats, a.momentum, a.eps);
}

/**
 * Local response normalisation across channels (dim 1): F.localResponseNorm(input, size,
 * alpha, beta, k) = input / (k + alpha * mean of the squares over `size` neighbouring
 * channels) ^ beta, the mean taken by average pooling as PyTorch does.
 */
export function localResponseNorm(...args: ArgsOf<typeof localResponseNormArgs>): Tensor {
  const { input, size, alpha, beta, k } = localResponseNormArgs.parse(args);
  const dim = input.dim();
  // (PyTorch's message carries the indentation of its line continuation.)
  if (dim < 3) throw new RangeError(`Expected 3D or higher dimensionality${' '.repeat(26)}input (got ${dim} dimensions)`);
  if (input.numel() === 0) return input;
  const sizes = input.shape;
  // [N, 1, C, rest]: squares padded along the channels, averaged over windows of `size`
  // (PyTorch's avg_pool2d / avg_pool3d with kernel (size, 1[, 1]), the same sums).
  let div = input.mul(input).reshape([sizes[0], 1, sizes[1], -1]);
  div = constantPadNd(div, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)], 0);
  div = avgPool2dOp(div, { kernelSize: [size, 1], stride: [1, 1], padding: [0, 0], ceilMode: false, countIncludePad: true, divisorOverride: null });
  div = div.view(sizes.slice()).mul(alpha).add(k).pow(beta);
  return input.div(div);
}
