import { bool, number, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { checkDropoutP } from '../functional/dropout.js';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';

// Dropout(p=0.5, inplace=False)
const dropoutSpec = [['p', number, 0.5], ['inplace', bool, false]] as const;
const dropoutArgs = signature('Dropout', dropoutSpec);
const dropout2dArgs = signature('Dropout2d', dropoutSpec);

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor({ p, inplace }: { p: number; inplace: boolean }) {
    super();
    checkDropoutP(p);
    this.p = p;
    this.inplace = inplace;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

/** Zeroes elements with probability p in training mode (scaled by 1/(1-p)); identity in eval. */
export class Dropout extends DropoutBase {
  constructor(...args: ArgsOf<typeof dropoutArgs>) {
    super(dropoutArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels with probability p in training mode. */
export class Dropout2d extends DropoutBase {
  constructor(...args: ArgsOf<typeof dropout2dArgs>) {
    super(dropout2dArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.dropout2d(x, this.p, this.training, this.inplace);
  }
}
