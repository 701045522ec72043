// LayerNorm and GroupNorm: per-sample normalisation with optional affine parameters
// initialised to ones (weight) and zeros (bias), as PyTorch.
import { empty } from '../../tensor/create.js';
import type { DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat, pyValue } from '../repr.js';

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/** Normalises over the trailing dims `normalizedShape` of each sample. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(empty(this.normalizedShape, { dtype: opts.dtype })) : null;
    this.bias = this.elementwiseAffine ? new Parameter(empty(this.normalizedShape, { dtype: opts.dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyValue(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyValue(this.elementwiseAffine)}`;
  }
}

export interface GroupNormOptions {
  eps?: number;
  affine?: boolean;
  dtype?: DType;
}

/** Splits the channels of each sample into numGroups groups and normalises each group. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    this.weight = this.affine ? new Parameter(empty([numChannels], { dtype: opts.dtype })) : null;
    this.bias = this.affine ? new Parameter(empty([numChannels], { dtype: opts.dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyValue(this.affine)}`;
  }
}
