import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';

abstract class DropoutBase extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

/** Zeroes elements with probability p in training mode (scaled by 1/(1-p)); identity in eval. */
export class Dropout extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return F.dropout(x, { p: this.p, training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels with probability p in training mode. */
export class Dropout2d extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return F.dropout2d(x, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
