// LayerNorm(normalizedShape, eps, elementwiseAffine, device, dtype) and
// GroupNorm(numGroups, numChannels, eps, affine, device, dtype), positional as in PyTorch
// or by name: per-sample normalisation with optional affine parameters
// initialised to ones (weight) and zeros (bias), as PyTorch.
import { crossMapLrn2d } from '../../ops/normalization.js';
import { empty } from '../../tensor/create.js';
import { bool, checkTensor, deviceArg, dtype, int, intOrList, nullable, number, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat, pyValue } from '../repr.js';

const layerNormArgs = signature('LayerNorm', [
  ['normalizedShape', intOrList], ['eps', number, 1e-5], ['elementwiseAffine', bool, true], ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null],
] as const);
const groupNormArgs = signature('GroupNorm', [
  ['numGroups', int], ['numChannels', int], ['eps', number, 1e-5], ['affine', bool, true], ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null],
] as const);

/** Normalises over the trailing dims `normalizedShape` of each sample. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(...args: ArgsOf<typeof layerNormArgs>) {
    super();
    const a = layerNormArgs.parse(args);
    this.normalizedShape = typeof a.normalizedShape === 'number' ? [a.normalizedShape] : a.normalizedShape.slice();
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    const factory = { dtype: a.dtype ?? undefined };
    this.weight = this.elementwiseAffine ? new Parameter(empty(this.normalizedShape, factory)) : null;
    this.bias = this.elementwiseAffine ? new Parameter(empty(this.normalizedShape, factory)) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    checkTensor('LayerNorm.forward', 'input', 1, x);
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyValue(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyValue(this.elementwiseAffine)}`;
  }
}

/** Splits the channels of each sample into numGroups groups and normalises each group. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(...args: ArgsOf<typeof groupNormArgs>) {
    super();
    const a = groupNormArgs.parse(args);
    if (a.numChannels % a.numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.numGroups = a.numGroups;
    this.numChannels = a.numChannels;
    this.eps = a.eps;
    this.affine = a.affine;
    const factory = { dtype: a.dtype ?? undefined };
    this.weight = this.affine ? new Parameter(empty([a.numChannels], factory)) : null;
    this.bias = this.affine ? new Parameter(empty([a.numChannels], factory)) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    checkTensor('GroupNorm.forward', 'input', 1, x);
    return F.groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyValue(this.affine)}`;
  }
}

const localResponseNormArgs = signature('LocalResponseNorm', [['size', int], ['alpha', number, 1e-4], ['beta', number, 0.75], ['k', number, 1.0]] as const);

/** Normalises each value by the squares of `size` neighbouring channels (dim 1). */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(...args: ArgsOf<typeof localResponseNormArgs>) {
    super();
    const a = localResponseNormArgs.parse(args);
    this.size = a.size;
    this.alpha = a.alpha;
    this.beta = a.beta;
    this.k = a.k;
  }

  override forward(x: Tensor): Tensor {
    return F.localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}

const crossMapLrn2dArgs = signature('CrossMapLRN2d', [['size', int], ['alpha', number, 1e-4], ['beta', number, 0.75], ['k', number, 1]] as const);

/** Lua Torch's cross-channel LRN over [N, C, H, W] inputs, with PyTorch's hand-written backward. */
export class CrossMapLRN2d extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(...args: ArgsOf<typeof crossMapLrn2dArgs>) {
    super();
    const a = crossMapLrn2dArgs.parse(args);
    this.size = a.size;
    this.alpha = a.alpha;
    this.beta = a.beta;
    this.k = a.k;
  }

  override forward(x: Tensor): Tensor {
    checkTensor('CrossMapLRN2d.forward', 'input', 1, x);
    return crossMapLrn2d(x, this.size, this.alpha, this.beta, this.k);
  }

  /** Python prints the values as given (k defaults to the int 1). */
  override extraRepr(): string {
    return `${this.size}, alpha=${String(this.alpha)}, beta=${String(this.beta)}, k=${String(this.k)}`;
  }
}
