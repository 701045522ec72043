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
const dropout1dArgs = signature('Dropout1d', dropoutSpec);
const dropout3dArgs = signature('Dropout3d', dropoutSpec);
const alphaDropoutArgs = signature('AlphaDropout', dropoutSpec);
const featureAlphaDropoutArgs = signature('FeatureAlphaDropout', dropoutSpec);

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

/** Zeroes whole channels of (N, C, L) or (C, L) inputs with probability p in training mode. */
export class Dropout1d extends DropoutBase {
  constructor(...args: ArgsOf<typeof dropout1dArgs>) {
    super(dropout1dArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.dropout1d(x, this.p, this.training, this.inplace);
  }
}

/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p in training mode. */
export class Dropout3d extends DropoutBase {
  constructor(...args: ArgsOf<typeof dropout3dArgs>) {
    super(dropout3dArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.dropout3d(x, this.p, this.training, this.inplace);
  }
}

/** Dropout for SELU networks: keeps zero mean and unit variance (training mode only). */
export class AlphaDropout extends DropoutBase {
  constructor(...args: ArgsOf<typeof alphaDropoutArgs>) {
    super(alphaDropoutArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.alphaDropout(x, this.p, this.training);
  }
}

/** Alpha dropout of whole channels. */
export class FeatureAlphaDropout extends DropoutBase {
  constructor(...args: ArgsOf<typeof featureAlphaDropoutArgs>) {
    super(featureAlphaDropoutArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.featureAlphaDropout(x, this.p, this.training);
  }
}
