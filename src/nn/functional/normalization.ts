// nn.functional batch_norm, layer_norm, group_norm. Arguments follow Python's
// positional order; from the first optional tensor on, an options object may be
// passed instead (F.batchNorm(x, rm, rv, { weight, training: true })).
import * as ops from '../../ops/normalization.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

export interface NormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

function isOptions<T>(v: unknown): v is T {
  return typeof v === 'object' && v !== null && !(v instanceof Tensor);
}

/** PyTorch's _verify_batch_size: a channel needs more than one value to have a batch variance. */
function verifyBatchSize(size: readonly number[], shown: string): void {
  let prod = size[0];
  for (let i = 2; i < size.length; i++) prod *= size[i];
  if (prod === 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size ${shown}`);
}

/**
 * Batch normalisation over dim 1 of input [N, C, *]. training: batch statistics (running
 * statistics, when given, are updated in place); otherwise the running statistics.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weightOrOpts?: Tensor | null | BatchNormOptions,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  const o: BatchNormOptions = isOptions<BatchNormOptions>(weightOrOpts) ? weightOrOpts : { weight: weightOrOpts, bias, training, momentum, eps };
  const train = o.training ?? false;
  if (train) verifyBatchSize(input.shape, `torch.Size(${formatShape(input.shape)})`);
  return ops.batchNorm(input, o.weight ?? null, o.bias ?? null, runningMean, runningVar, train, o.momentum ?? 0.1, o.eps ?? 1e-5);
}

/** Layer normalisation over the trailing dims `normalizedShape`. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weightOrOpts?: Tensor | null | NormOptions,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const o: NormOptions = isOptions<NormOptions>(weightOrOpts) ? weightOrOpts : { weight: weightOrOpts, bias, eps };
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  return ops.layerNorm(input, shape, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5);
}

/** Group normalisation: the channels of each sample in numGroups groups. */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weightOrOpts?: Tensor | null | NormOptions,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const o: NormOptions = isOptions<NormOptions>(weightOrOpts) ? weightOrOpts : { weight: weightOrOpts, bias, eps };
  // As PyTorch: one value per group (N * C / G * spatial == 1) has no variance.
  const size = [Math.trunc((input.size(0) * input.size(1)) / numGroups), numGroups, ...input.shape.slice(2)];
  verifyBatchSize(size, formatShape(size));
  return ops.groupNorm(input, numGroups, o.weight ?? null, o.bias ?? null, o.eps ?? 1e-5);
}
