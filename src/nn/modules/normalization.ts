// LayerNorm(normalizedShape, eps, elementwiseAffine, device, dtype) and
// GroupNorm(numGroups, numChannels, eps, affine, device, dtype), positional as in PyTorch
// or by name: per-sample normalisation with optional affine parameters
// initialised to ones (weight) and zeros (bias), as PyTorch.
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
