// Dropout as PyTorch computes it: a Bernoulli(1 - p) mask scaled by 1 / (1 - p),
// drawn from the default generator (so seeds reproduce PyTorch's masks).
import { inplace } from '../../ops/inplace.js';
import { bool, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { bernoulliScalar } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';

const dropoutSpec = [['input', tensor], ['p', number, 0.5], ['training', bool, true], ['inplace', bool, false]] as const;
const dropoutArgs = signature('dropout', dropoutSpec);
const dropout2dArgs = signature('dropout2d', dropoutSpec);
const dropout1dArgs = signature('dropout1d', dropoutSpec);
const dropout3dArgs = signature('dropout3d', dropoutSpec);
const alphaSpec = [['input', tensor], ['p', number, 0.5], ['training', bool, false], ['inplace', bool, false]] as const;
const alphaDropoutArgs = signature('alpha_dropout', alphaSpec);
const featureAlphaDropoutArgs = signature('feature_alpha_dropout', alphaSpec);

/** PyTorch's ValueError for a probability outside [0, 1] (NaN included). */
export function checkDropoutP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

// PyTorch's SELU fixed point: alpha dropout keeps mean 0 and variance 1 of SELU outputs.
const SELU_ALPHA = 1.7580993408473766;

/**
 * PyTorch's _dropout_impl: a Bernoulli(1 - p) noise of `maskShape` (the input's shape, or
 * one value per channel for feature dropout), scaled by 1/(1-p); alpha dropout instead maps
 * dropped values to SELU's negative saturation, -alpha·scale, and rescales to keep the
 * mean and variance.
 */
function apply(x: Tensor, maskShape: number[], p: number, inplaceFlag: boolean, alpha = false): Tensor {
  const compute = (t: Tensor) => {
    if (p === 1) return t.mul(0);
    const noise = bernoulliScalar(maskShape, 1 - p, { dtype: t.dtype });
    if (!alpha) return t.mul(noise.div_(1 - p));
    const a = 1 / Math.sqrt((SELU_ALPHA * SELU_ALPHA * p + 1) * (1 - p));
    const b = noise.add(-1).mul_(SELU_ALPHA * a).add_(SELU_ALPHA * a * p);
    return t.mul(noise.mul_(a)).add(b);
  };
  return inplaceFlag ? inplace(x, [], compute) : compute(x);
}

/** One mask value per (N, C) of a batched input, per C of an unbatched one. */
function featureMask(x: Tensor, batched: boolean): number[] {
  const lead = batched ? [x.shape[0], x.shape[1]] : [x.shape[0]];
  return [...lead, ...new Array<number>(x.dim() - lead.length).fill(1)];
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
  if (x.dim() !== 3 && x.dim() !== 4) {
    warnOnce(`dropout2d: Received a ${x.dim()}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).`);
  }
  if (x.dim() === 3) {
    warnOnce('dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.');
  }
  if (!training || p === 0 || x.numel() === 0) return x;
  if (x.dim() < 2) throw new RangeError('Feature dropout requires at least 2 dimensions in the input');
  const maskShape = [x.shape[0], x.shape[1], ...new Array<number>(x.dim() - 2).fill(1)];
  return apply(x, maskShape, p, inplaceFlag);
}

/** dropout1d(input, p=0.5, training=True, inplace=False): one mask value per channel of (N, C, L) or (C, L). */
export function dropout1d(...args: ArgsOf<typeof dropout1dArgs>): Tensor {
  const { input: x, p, training, inplace: inplaceFlag } = dropout1dArgs.parse(args);
  checkDropoutP(p);
  if (x.dim() !== 2 && x.dim() !== 3) {
    throw new RangeError(`dropout1d: Expected 2D or 3D input, but received a ${x.dim()}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`);
  }
  if (!training || p === 0) return x;
  return apply(x, featureMask(x, x.dim() === 3), p, inplaceFlag);
}

/** dropout3d(input, p=0.5, training=True, inplace=False): one mask value per channel of (N, C, D, H, W) or (C, D, H, W). */
export function dropout3d(...args: ArgsOf<typeof dropout3dArgs>): Tensor {
  const { input: x, p, training, inplace: inplaceFlag } = dropout3dArgs.parse(args);
  checkDropoutP(p);
  if (x.dim() !== 4 && x.dim() !== 5) {
    warnOnce(`dropout3d: Received a ${x.dim()}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).`);
  }
  if (!training || p === 0) return x;
  return apply(x, featureMask(x, x.dim() === 5), p, inplaceFlag);
}

/** alpha_dropout(input, p=0.5, training=False, inplace=False): dropout that keeps SELU's self-normalisation. */
export function alphaDropout(...args: ArgsOf<typeof alphaDropoutArgs>): Tensor {
  const { input: x, p, training, inplace: inplaceFlag } = alphaDropoutArgs.parse(args);
  checkDropoutP(p);
  if (!training || p === 0) return x;
  return apply(x, x.shape.slice(), p, inplaceFlag, true);
}

/** feature_alpha_dropout(input, p=0.5, training=False, inplace=False): alpha dropout of whole channels. */
export function featureAlphaDropout(...args: ArgsOf<typeof featureAlphaDropoutArgs>): Tensor {
  const { input: x, p, training, inplace: inplaceFlag } = featureAlphaDropoutArgs.parse(args);
  checkDropoutP(p);
  if (!training || p === 0 || x.numel() === 0) return x;
  if (x.dim() < 2) throw new RangeError('Feature dropout requires at least 2 dimensions in the input');
  return apply(x, featureMask(x, true), p, inplaceFlag, true);
}

// torch.dropout_, torch.feature_dropout(_), torch.alpha_dropout_ … : the ATen entry points
// PyTorch exposes at the top level, (input, p, train) with the in-place ones writing into input.
export const featureDropout = (input: Tensor, p: number, train: boolean): Tensor => dropout2d(input, p, train);
export const dropout_ = (input: Tensor, p: number, train: boolean): Tensor => dropout(input, p, train, true);
export const featureDropout_ = (input: Tensor, p: number, train: boolean): Tensor => dropout2d(input, p, train, true);
export const alphaDropout_ = (input: Tensor, p: number, train: boolean): Tensor => alphaDropout(input, p, train, true);
export const featureAlphaDropout_ = (input: Tensor, p: number, train: boolean): Tensor => featureAlphaDropout(input, p, train, true);
