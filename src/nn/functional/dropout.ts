// Dropout as PyTorch computes it: a Bernoulli(1 - p) mask scaled by 1 / (1 - p),
// drawn from the default generator (so seeds reproduce PyTorch's masks).
import { inplace } from '../../ops/inplace.js';
import { bernoulliScalar } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

function checkP(p: number): void {
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

export function dropout(x: Tensor, opts: DropoutOptions = {}): Tensor {
  const p = opts.p ?? 0.5;
  checkP(p);
  if (!(opts.training ?? true) || p === 0) return x;
  return apply(x, x.shape.slice(), p, opts.inplace ?? false);
}

/** Zeroes whole channels: one mask value per (N, C) of an (N, C, H, W) input. */
export function dropout2d(x: Tensor, opts: DropoutOptions = {}): Tensor {
  const p = opts.p ?? 0.5;
  checkP(p);
  if (x.dim() !== 3 && x.dim() !== 4) throw new RangeError(`dropout2d: Received a ${x.dim()}-D input; expected 3-D or 4-D input`);
  if (!(opts.training ?? true) || p === 0) return x;
  const maskShape = x.dim() === 4 ? [x.shape[0], x.shape[1], 1, 1] : [x.shape[0], 1, 1];
  return apply(x, maskShape, p, opts.inplace ?? false);
}
