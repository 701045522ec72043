// nn.functional batch_norm, layer_norm, group_norm: PyTorch's parameters in PyTorch's
// order, or by name in a trailing options object (F.batchNorm(x, rm, rv, { weight, training: true })).
import * as ops from '../../ops/normalization.js';
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
