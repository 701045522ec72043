// InstanceNorm1d/2d/3d(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype),
// positional as in PyTorch or by name: PyTorch's _InstanceNorm over _NormBase (affine and
// running statistics off by default; the same buffers as batch norm when tracked).
import { bool, checkTensor, deviceArg, dtype, int, nullable, number, signature, type ArgsOf, type ParsedOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import type { LazyModule } from './lazy.js';
import { lazyNorm, NormBase } from './norm-base.js';

const instanceNormSpec = [
  ['numFeatures', int],
  ['eps', number, 1e-5],
  ['momentum', nullable(number), 0.1],
  ['affine', bool, false],
  ['trackRunningStats', bool, false],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtype), null],
] as const;
const instanceNorm1dArgs = signature('InstanceNorm1d', instanceNormSpec);
const instanceNorm2dArgs = signature('InstanceNorm2d', instanceNormSpec);
const instanceNorm3dArgs = signature('InstanceNorm3d', instanceNormSpec);
type InstanceNormArgs = ArgsOf<typeof instanceNorm1dArgs>;

abstract class InstanceNormBase extends NormBase {
  constructor(args: ParsedOf<typeof instanceNorm1dArgs>, private readonly noBatchDim: number) {
    super(args);
  }

  private applyInstanceNorm(x: Tensor): Tensor {
    return F.instanceNorm(x, this.running_mean, this.running_var, this.weight, this.bias, this.training || !this.trackRunningStats, this.momentum as number, this.eps);
  }

  override forward(x: Tensor): Tensor {
    checkTensor(`${this.constructor.name}.forward`, 'input', 1, x);
    const d = this.noBatchDim;
    if (x.dim() !== d && x.dim() !== d + 1) throw new RangeError(`expected ${d}D or ${d + 1}D input (got ${x.dim()}D input)`);
    if (x.dim() === d) return this.applyInstanceNorm(x.unsqueeze(0)).squeeze(0);
    return this.applyInstanceNorm(x);
  }

}

/** Instance normalisation of [N, C, L] (or unbatched [C, L]) inputs. */
export class InstanceNorm1d extends InstanceNormBase {
  constructor(...args: InstanceNormArgs) {
    super(instanceNorm1dArgs.parse(args), 2);
  }
}

/** Instance normalisation of [N, C, H, W] (or unbatched [C, H, W]) inputs. */
export class InstanceNorm2d extends InstanceNormBase {
  constructor(...args: InstanceNormArgs) {
    super(instanceNorm2dArgs.parse(args), 3);
  }
}

/** Instance normalisation of [N, C, D, H, W] (or unbatched [C, D, H, W]) inputs. */
export class InstanceNorm3d extends InstanceNormBase {
  constructor(...args: InstanceNormArgs) {
    super(instanceNorm3dArgs.parse(args), 4);
  }
}

/** InstanceNorm with num_features inferred from the first input (lazy.ts), then an InstanceNorm1d/2d/3d. */
export const LazyInstanceNorm1d = lazyNorm(InstanceNorm1d, 'LazyInstanceNorm1d');
export const LazyInstanceNorm2d = lazyNorm(InstanceNorm2d, 'LazyInstanceNorm2d');
export const LazyInstanceNorm3d = lazyNorm(InstanceNorm3d, 'LazyInstanceNorm3d');
export type LazyInstanceNorm1d = InstanceNorm1d & LazyModule;
export type LazyInstanceNorm2d = InstanceNorm2d & LazyModule;
export type LazyInstanceNorm3d = InstanceNorm3d & LazyModule;
