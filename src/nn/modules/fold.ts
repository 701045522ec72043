// torch.nn Fold and Unfold: thin modules over F.fold / F.unfold that keep their arguments
// as given (they print that way).
import { intOrList, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fold, unfold } from '../functional/fold.js';
import type { IntOrList } from '../functional/utils.js';
import { Module } from '../module.js';
import { pyValue } from '../repr.js';

const common = [['dilation', intOrList, 1], ['padding', intOrList, 0], ['stride', intOrList, 1]] as const;
const foldArgs = signature('Fold', [['outputSize', intOrList], ['kernelSize', intOrList], ...common] as const);
const unfoldArgs = signature('Unfold', [['kernelSize', intOrList], ...common] as const);

/** Fold(output_size, kernel_size, dilation=1, padding=0, stride=1): columns back into an image (col2im). */
export class Fold extends Module {
  readonly outputSize: IntOrList;
  readonly kernelSize: IntOrList;
  readonly dilation: IntOrList;
  readonly padding: IntOrList;
  readonly stride: IntOrList;
  constructor(...args: ArgsOf<typeof foldArgs>) {
    super();
    ({ outputSize: this.outputSize, kernelSize: this.kernelSize, dilation: this.dilation, padding: this.padding, stride: this.stride } = foldArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.dilation, this.padding, this.stride);
  }
  override extraRepr(): string {
    const v = pyValue;
    return `output_size=${v(this.outputSize)}, kernel_size=${v(this.kernelSize)}, dilation=${v(this.dilation)}, padding=${v(this.padding)}, stride=${v(this.stride)}`;
  }
}

/** Unfold(kernel_size, dilation=1, padding=0, stride=1): an image's sliding blocks as columns (im2col). */
export class Unfold extends Module {
  readonly kernelSize: IntOrList;
  readonly dilation: IntOrList;
  readonly padding: IntOrList;
  readonly stride: IntOrList;
  constructor(...args: ArgsOf<typeof unfoldArgs>) {
    super();
    ({ kernelSize: this.kernelSize, dilation: this.dilation, padding: this.padding, stride: this.stride } = unfoldArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.dilation, this.padding, this.stride);
  }
  override extraRepr(): string {
    const v = pyValue;
    return `kernel_size=${v(this.kernelSize)}, dilation=${v(this.dilation)}, padding=${v(this.padding)}, stride=${v(this.stride)}`;
  }
}
