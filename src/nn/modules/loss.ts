// Loss modules with PyTorch's constructor parameters in PyTorch's order, or by name:
// `new nn.CrossEntropyLoss(weight, null, 1)` = `new nn.CrossEntropyLoss({ weight, ignoreIndex: 1 })`,
// then `criterion.forward(outputs, labels)`. The deprecated size_average / reduce map to a
// reduction as in PyTorch (with its warning). Class weights are buffers named as in PyTorch
// ('weight', 'pos_weight'), so they appear in stateDict() and move with to(dtype).
import { bool, checkTensor, int, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/loss.js';
import { Module } from '../module.js';

type Reduction = F.Reduction;

// PyTorch's shared loss parameters. `reduction` is checked when the loss is computed, with
// PyTorch's message ("avg is not a valid value for reduction").
const weight = ['weight', nullable(tensor), null] as const;
const sizeAverage = ['sizeAverage', nullable(bool), null] as const;
const reduce = ['reduce', nullable(bool), null] as const;
const reduction = ['reduction', string as Check<Reduction>, 'mean'] as const;
const ignoreIndex = ['ignoreIndex', int, -100] as const;

const lossArgs = signature('Loss', [sizeAverage, reduce, ['reduction', string, 'mean']] as const);
const weightedLossArgs = signature('WeightedLoss', [weight, sizeAverage, reduce, reduction] as const);
const l1LossArgs = signature('L1Loss', [sizeAverage, reduce, reduction] as const);
const mseLossArgs = signature('MSELoss', [sizeAverage, reduce, reduction] as const);
const smoothL1LossArgs = signature('SmoothL1Loss', [sizeAverage, reduce, reduction, ['beta', number, 1]] as const);
const huberLossArgs = signature('HuberLoss', [reduction, ['delta', number, 1]] as const);
const nllLossArgs = signature('NLLLoss', [weight, sizeAverage, ignoreIndex, reduce, reduction] as const);
const crossEntropyLossArgs = signature('CrossEntropyLoss', [weight, sizeAverage, ignoreIndex, reduce, reduction, ['labelSmoothing', number, 0]] as const);
const klDivLossArgs = signature('KLDivLoss', [
  sizeAverage, reduce, ['reduction', string as Check<Reduction | 'batchmean'>, 'mean'], ['logTarget', bool, false],
] as const);
const bceLossArgs = signature('BCELoss', [weight, sizeAverage, reduce, reduction] as const);
const bceWithLogitsLossArgs = signature('BCEWithLogitsLoss', [weight, sizeAverage, reduce, reduction, ['posWeight', nullable(tensor), null]] as const);

/**
 * Base of every loss (PyTorch's _Loss(size_average, reduce, reduction)): holds the
 * reduction, 'mean' by default, or the one the legacy size_average / reduce flags give.
 */
export abstract class Loss<R extends string = Reduction> extends Module {
  reduction: R;

  constructor(...args: ArgsOf<typeof lossArgs>) {
    super();
    const a = lossArgs.parse(args);
    this.reduction = (a.sizeAverage === null && a.reduce === null ? a.reduction : F._Reduction.legacyGetString(a.sizeAverage, a.reduce)) as R;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;

  /** PyTorch's "argument 'input' (position 1) must be Tensor, not int" for forward's arguments. */
  protected checkInputs(input: unknown, target: unknown): void {
    checkTensor(`${this.constructor.name}.forward`, 'input', 1, input);
    checkTensor(`${this.constructor.name}.forward`, 'target', 2, target);
  }
}

/** A loss with an optional per-class weight buffer (PyTorch's _WeightedLoss(weight, size_average, reduce, reduction)). */
export abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(...args: ArgsOf<typeof weightedLossArgs>) {
    const a = weightedLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.registerBuffer('weight', a.weight);
  }
}

export class L1Loss extends Loss {
  constructor(...args: ArgsOf<typeof l1LossArgs>) {
    const a = l1LossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.l1Loss(input, target, null, null, this.reduction);
  }
}

export class MSELoss extends Loss {
  constructor(...args: ArgsOf<typeof mseLossArgs>) {
    const a = mseLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.mseLoss(input, target, null, null, this.reduction);
  }
}

export class SmoothL1Loss extends Loss {
  beta: number;

  constructor(...args: ArgsOf<typeof smoothL1LossArgs>) {
    const a = smoothL1LossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.beta = a.beta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.smoothL1Loss(input, target, null, null, this.reduction, this.beta);
  }
}

export class HuberLoss extends Loss {
  delta: number;

  constructor(...args: ArgsOf<typeof huberLossArgs>) {
    const a = huberLossArgs.parse(args);
    super(null, null, a.reduction);
    this.delta = a.delta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.huberLoss(input, target, this.reduction, this.delta);
  }
}

export class NLLLoss extends WeightedLoss {
  ignoreIndex: number;

  constructor(...args: ArgsOf<typeof nllLossArgs>) {
    const a = nllLossArgs.parse(args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
    this.ignoreIndex = a.ignoreIndex;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.nllLoss(input, target, this.weight, null, this.ignoreIndex, null, this.reduction);
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  ignoreIndex: number;
  labelSmoothing: number;

  constructor(...args: ArgsOf<typeof crossEntropyLossArgs>) {
    const a = crossEntropyLossArgs.parse(args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
    this.ignoreIndex = a.ignoreIndex;
    this.labelSmoothing = a.labelSmoothing;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.crossEntropy(input, target, this.weight, null, this.ignoreIndex, null, this.reduction, this.labelSmoothing);
  }
}

export class KLDivLoss extends Loss<Reduction | 'batchmean'> {
  logTarget: boolean;

  constructor(...args: ArgsOf<typeof klDivLossArgs>) {
    const a = klDivLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.logTarget = a.logTarget;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.klDiv(input, target, null, null, this.reduction, this.logTarget);
  }
}

export class BCELoss extends WeightedLoss {
  constructor(...args: ArgsOf<typeof bceLossArgs>) {
    const a = bceLossArgs.parse(args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.binaryCrossEntropy(input, target, this.weight, null, null, this.reduction);
  }
}

export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(...args: ArgsOf<typeof bceWithLogitsLossArgs>) {
    const a = bceWithLogitsLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.registerBuffer('weight', a.weight);
    // PyTorch's buffer name (and state_dict key) is pos_weight.
    this.registerBuffer('pos_weight', a.posWeight);
  }

  get posWeight(): Tensor | null {
    return this.pos_weight;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.binaryCrossEntropyWithLogits(input, target, this.weight, null, null, this.reduction, this.posWeight);
  }
}
