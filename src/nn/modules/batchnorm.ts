// BatchNorm1d/2d/3d(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype),
// positional as in PyTorch or by name, with PyTorch's buffers (running_mean, running_var,
// num_batches_tracked as an int64 0-d tensor), momentum (null = cumulative moving
// average) and train/eval behaviour.
import { bool, checkTensor, deviceArg, dtype, int, nullable, number, signature, type ArgsOf, type ParsedOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import type { LazyModule } from './lazy.js';
import { batchNormStep, lazyNorm, NormBase } from './norm-base.js';

const batchNormSpec = [
  ['numFeatures', int],
  ['eps', number, 1e-5],
  /** Weight of the new batch statistic in the running averages; null: cumulative average. */
  ['momentum', nullable(number), 0.1],
  ['affine', bool, true],
  ['trackRunningStats', bool, true],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtype), null],
] as const;
const batchNorm1dArgs = signature('BatchNorm1d', batchNormSpec);
const batchNorm2dArgs = signature('BatchNorm2d', batchNormSpec);
const batchNorm3dArgs = signature('BatchNorm3d', batchNormSpec);
type BatchNormArgs = ArgsOf<typeof batchNorm1dArgs>;

abstract class BatchNormBase extends NormBase {
  /** The parsed arguments of BatchNorm1d/2d/3d. */
  constructor(args: ParsedOf<typeof batchNorm1dArgs>) {
    super(args);
  }

  /** Throws PyTorch's error for an input of the wrong rank. */
  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    checkTensor(`${this.constructor.name}.forward`, 'input', 1, x);
    this.checkInputDim(x);
    const { runningMean, runningVar, useBatchStats, factor } = batchNormStep(this);
    return F.batchNorm(x, runningMean, runningVar, this.weight, this.bias, useBatchStats, factor, this.eps);
  }

}

/** Batch normalisation of [N, C] or [N, C, L] inputs over each channel. */
export class BatchNorm1d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super(batchNorm1dArgs.parse(args));
  }

  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`expected 2D or 3D input (got ${x.dim()}D input)`);
  }
}

/** Batch normalisation of [N, C, H, W] inputs over each channel. */
export class BatchNorm2d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super(batchNorm2dArgs.parse(args));
  }

  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 4) throw new RangeError(`expected 4D input (got ${x.dim()}D input)`);
  }
}

/** Batch normalisation of [N, C, D, H, W] inputs over each channel. */
export class BatchNorm3d extends BatchNormBase {
  constructor(...args: BatchNormArgs) {
    super(batchNorm3dArgs.parse(args));
  }

  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 5) throw new RangeError(`expected 5D input (got ${x.dim()}D input)`);
  }
}

/** BatchNorm with num_features inferred from the first input (lazy.ts), then a BatchNorm1d/2d/3d. */
export const LazyBatchNorm1d = lazyNorm(BatchNorm1d, 'LazyBatchNorm1d');
export const LazyBatchNorm2d = lazyNorm(BatchNorm2d, 'LazyBatchNorm2d');
export const LazyBatchNorm3d = lazyNorm(BatchNorm3d, 'LazyBatchNorm3d');
export type LazyBatchNorm1d = BatchNorm1d & LazyModule;
export type LazyBatchNorm2d = BatchNorm2d & LazyModule;
export type LazyBatchNorm3d = BatchNorm3d & LazyModule;
