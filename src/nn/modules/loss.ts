// Loss modules: `new nn.CrossEntropyLoss({ labelSmoothing: 0.1 })`, then
// `criterion.forward(outputs, labels)`. Class weights are buffers named as in PyTorch
// ('weight', 'pos_weight'), so they appear in stateDict() and move with to(dtype).
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/loss.js';
import { Module } from '../module.js';

type Reduction = F.Reduction;

/** Base of every loss (PyTorch's _Loss): holds the reduction, 'mean' by default. */
export abstract class Loss<R extends string = Reduction> extends Module {
  reduction: R;

  constructor(opts: { reduction?: R } = {}) {
    super();
    this.reduction = opts.reduction ?? ('mean' as R);
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** A loss with an optional per-class weight buffer. */
export abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(opts: F.ReductionOptions & { weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  beta: number;

  constructor(opts: F.SmoothL1Options = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  delta: number;

  constructor(opts: F.HuberOptions = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class NLLLoss extends WeightedLoss {
  ignoreIndex: number;

  constructor(opts: F.NllLossOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  ignoreIndex: number;
  labelSmoothing: number;

  constructor(opts: F.CrossEntropyOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

export class KLDivLoss extends Loss<Reduction | 'batchmean'> {
  logTarget: boolean;

  constructor(opts: F.KLDivOptions = {}) {
    super(opts);
    this.logTarget = opts.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(opts: F.BCEWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    // PyTorch's buffer name (and state_dict key) is pos_weight.
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }

  get posWeight(): Tensor | null {
    return this.pos_weight;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}
