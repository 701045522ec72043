import { checkTensor, int, intList, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { pyValue } from '../repr.js';

const flattenArgs = signature('Flatten', [['startDim', int, 1], ['endDim', int, -1]] as const);
const unflattenArgs = signature('Unflatten', [['dim', int], ['unflattenedSize', intList]] as const);

/** Flatten(start_dim=1, end_dim=-1): flattens dims start_dim..end_dim into one. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: ArgsOf<typeof flattenArgs>) {
    super();
    ({ startDim: this.startDim, endDim: this.endDim } = flattenArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    checkTensor('flatten', 'input', 1, x);
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Unflatten(dim, unflattened_size): splits dim into the given sizes. */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];
  constructor(...args: ArgsOf<typeof unflattenArgs>) {
    super();
    ({ dim: this.dim, unflattenedSize: this.unflattenedSize } = unflattenArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    checkTensor('unflatten', 'input', 1, x);
    return x.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyValue(this.unflattenedSize)}`;
  }
}
