// Dropout as PyTorch computes it: a Bernoulli(1 - p) mask scaled by 1 / (1 - p),
// drawn from the default generator (so seeds reproduce PyTorch's masks).
import { inplace } from '../../ops/inplace.js';
import { bool, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { bernoulliScalar } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';

const dropoutSpec = [['input', tensor], ['p', number, 0.5], ['training', bool, true], ['inplace', bool, false]] as const;
const dropoutArgs = signature('dropout', dropoutSpec);
const dropout2dArgs = signature('dropout2d', dropoutSpec);

/** PyTorch's ValueError for a probability outside [0, 1] (NaN included). */
export function checkDropoutP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

function apply(x: Tensor, maskShape: number[], p: number, inplaceFlag: boolean): Tensor {
  const compute = (t: Tensor) => {
    if (p === 1) return t.mul(0);
    const mask = bernoulliScalar(maskShape, 1 - p, { dtype: t.dtype }).div_(1 - p);
    return t.mul(mask);
  };
  return inplaceFlag ? inplace(x, [], compute) : compute(x);
}

/** dropout(input, p=0.5, training=True, inplace=False). */
export function dropout(...args: ArgsOf<typeof dropoutArgs>): Tensor {
  const { input: x, p, training, inplace: inplaceFlag } = dropoutArgs.parse(args);
  checkDropoutP(p);
  if (!training || p === 0) return x;
  return apply(x, x.shape.slice(), p, inplaceFlag);
}

/**
 * dropout2d(input, p=0.5, training=True, inplace=False): zeroes whole channels, one mask
 * value per (N, C) of an (N, C, H, W) input. PyTorch 1.13 applies this feature dropout to
 * any rank >= 2 (it only warns outside 3-D/4-D), so a 3-D input is read as (N, C, L), one
 * mask value per (N, C), as there.
 */
export function dropout2d(...args: ArgsOf<typeof dropout2dArgs>): Tensor {
  const { input: x, p, training, inplace: inplaceFlag } = dropout2dArgs.parse(args);
  checkDropoutP(p);
  if (!training || p === 0 || x.numel() === 0) return x;
  if (x.dim() < 2) throw new RangeError('Feature dropout requires at least 2 dimensions in the input');
  const maskShape = [x.shape[0], x.shape[1], ...new Array<number>(x.dim() - 2).fill(1)];
  return apply(x, maskShape, p, inplaceFlag);
}
