// Loss modules with PyTorch's constructor parameters in PyTorch's order, or by name:
// `new nn.CrossEntropyLoss(weight, null, 1)` = `new nn.CrossEntropyLoss({ weight, ignoreIndex: 1 })`,
// then `criterion.forward(outputs, labels)`. The deprecated size_average / reduce map to a
// reduction as in PyTorch (with its warning). Class weights are buffers named as in PyTorch
// ('weight', 'pos_weight'), so they appear in stateDict() and move with to(dtype).
import { bool, check, checkTensor, int, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { ctcLoss, type Lengths as CtcLengths } from '../functional/ctc.js';
import * as F from '../functional/loss.js';
import { Module } from '../module.js';
import { PairwiseDistance } from './distance.js';

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

// --- margin, embedding, soft-margin, Poisson, Gaussian and triplet losses ---

const cosineEmbeddingLossArgs = signature('CosineEmbeddingLoss', [['margin', number, 0], sizeAverage, reduce, reduction] as const);
const marginRankingLossArgs = signature('MarginRankingLoss', [['margin', number, 0], sizeAverage, reduce, reduction] as const);
const hingeEmbeddingLossArgs = signature('HingeEmbeddingLoss', [['margin', number, 1], sizeAverage, reduce, reduction] as const);
const multiLabelMarginLossArgs = signature('MultiLabelMarginLoss', [sizeAverage, reduce, reduction] as const);
const multiLabelSoftMarginLossArgs = signature('MultiLabelSoftMarginLoss', [weight, sizeAverage, reduce, reduction] as const);
const multiMarginLossArgs = signature('MultiMarginLoss', [['p', int, 1], ['margin', number, 1], weight, sizeAverage, reduce, reduction] as const);
const softMarginLossArgs = signature('SoftMarginLoss', [sizeAverage, reduce, reduction] as const);
const tripletMarginLossArgs = signature('TripletMarginLoss', [
  ['margin', number, 1], ['p', number, 2], ['eps', number, 1e-6], ['swap', bool, false], sizeAverage, reduce, reduction,
] as const);
const distanceFunction = check<F.DistanceFunction>(
  'a function or a module',
  (v) => typeof v === 'function' || v instanceof Module,
);
const tripletMarginWithDistanceLossArgs = signature('TripletMarginWithDistanceLoss', [
  '*', ['distanceFunction', nullable(distanceFunction), null], ['margin', number, 1], ['swap', bool, false], reduction,
] as const);
const poissonNllLossArgs = signature('PoissonNLLLoss', [
  ['logInput', bool, true], ['full', bool, false], sizeAverage, ['eps', number, 1e-8], reduce, reduction,
] as const);
const gaussianNllLossArgs = signature('GaussianNLLLoss', ['*', ['full', bool, false], ['eps', number, 1e-6], reduction] as const);
const nllLoss2dArgs = signature('NLLLoss2d', [weight, sizeAverage, ignoreIndex, reduce, reduction] as const);

/** A loss of three tensors: PyTorch's "argument 'x' (position i) must be Tensor" for each. */
function checkThree(where: string, names: [string, string, string], values: unknown[]): void {
  names.forEach((n, i) => checkTensor(`${where}.forward`, n, i + 1, values[i]));
}

export class CosineEmbeddingLoss extends Loss {
  margin: number;

  constructor(...args: ArgsOf<typeof cosineEmbeddingLossArgs>) {
    const a = cosineEmbeddingLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
  }

  override forward(input1: Tensor, input2: Tensor, target?: Tensor): Tensor {
    checkThree('CosineEmbeddingLoss', ['input1', 'input2', 'target'], [input1, input2, target]);
    return F.cosineEmbeddingLoss(input1, input2, target as Tensor, this.margin, { reduction: this.reduction });
  }
}

export class MarginRankingLoss extends Loss {
  margin: number;

  constructor(...args: ArgsOf<typeof marginRankingLossArgs>) {
    const a = marginRankingLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
  }

  override forward(input1: Tensor, input2: Tensor, target?: Tensor): Tensor {
    checkThree('MarginRankingLoss', ['input1', 'input2', 'target'], [input1, input2, target]);
    return F.marginRankingLoss(input1, input2, target as Tensor, this.margin, { reduction: this.reduction });
  }
}

export class HingeEmbeddingLoss extends Loss {
  margin: number;

  constructor(...args: ArgsOf<typeof hingeEmbeddingLossArgs>) {
    const a = hingeEmbeddingLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.hingeEmbeddingLoss(input, target, this.margin, { reduction: this.reduction });
  }
}

export class MultiLabelMarginLoss extends Loss {
  constructor(...args: ArgsOf<typeof multiLabelMarginLossArgs>) {
    const a = multiLabelMarginLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

export class MultiLabelSoftMarginLoss extends WeightedLoss {
  constructor(...args: ArgsOf<typeof multiLabelSoftMarginLossArgs>) {
    const a = multiLabelSoftMarginLossArgs.parse(args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.multilabelSoftMarginLoss(input, target, this.weight, { reduction: this.reduction });
  }
}

export class MultiMarginLoss extends WeightedLoss {
  p: number;
  margin: number;

  constructor(...args: ArgsOf<typeof multiMarginLossArgs>) {
    const a = multiMarginLossArgs.parse(args);
    super(a.weight, a.sizeAverage, a.reduce, a.reduction);
    if (a.p !== 1 && a.p !== 2) throw new RangeError('only p == 1 and p == 2 supported');
    if (a.weight !== null && a.weight.dim() !== 1) throw new RangeError('weight must be one-dimensional');
    this.p = a.p;
    this.margin = a.margin;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.multiMarginLoss(input, target, this.p, this.margin, this.weight, { reduction: this.reduction });
  }
}

export class SoftMarginLoss extends Loss {
  constructor(...args: ArgsOf<typeof softMarginLossArgs>) {
    const a = softMarginLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    this.checkInputs(input, target);
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

export class TripletMarginLoss extends Loss {
  margin: number;
  p: number;
  eps: number;
  swap: boolean;

  constructor(...args: ArgsOf<typeof tripletMarginLossArgs>) {
    const a = tripletMarginLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.margin = a.margin;
    this.p = a.p;
    this.eps = a.eps;
    this.swap = a.swap;
  }

  override forward(anchor: Tensor, positive: Tensor, negative?: Tensor): Tensor {
    checkThree('TripletMarginLoss', ['anchor', 'positive', 'negative'], [anchor, positive, negative]);
    return F.tripletMarginLoss(anchor, positive, negative as Tensor, this.margin, this.p, this.eps, this.swap, { reduction: this.reduction });
  }
}

export class TripletMarginWithDistanceLoss extends Loss {
  margin: number;
  swap: boolean;
  declare distance_function: Module | undefined;
  /** A plain-function distance (a module one is the child 'distance_function'). */
  private distanceFn: F.DistanceFunction | null = null;

  constructor(...args: ArgsOf<typeof tripletMarginWithDistanceLossArgs>) {
    const a = tripletMarginWithDistanceLossArgs.parse(args);
    super(null, null, a.reduction);
    // PyTorch's default distance is nn.PairwiseDistance() (p = 2, eps = 1e-6).
    const fn = a.distanceFunction ?? new PairwiseDistance();
    // A module distance is a child (printed and traversed, as PyTorch's attribute is); a plain function is not.
    if (fn instanceof Module) this.addModule('distance_function', fn);
    else this.distanceFn = fn;
    this.margin = a.margin;
    this.swap = a.swap;
  }

  /** PyTorch's distance_function. */
  get distanceFunction(): F.DistanceFunction {
    return this.distanceFn ?? (this.distance_function as Module & F.DistanceFunction);
  }

  override forward(anchor: Tensor, positive: Tensor, negative?: Tensor): Tensor {
    checkThree('TripletMarginWithDistanceLoss', ['anchor', 'positive', 'negative'], [anchor, positive, negative]);
    return F.tripletMarginWithDistanceLoss(anchor, positive, negative as Tensor, {
      distanceFunction: this.distanceFunction, margin: this.margin, swap: this.swap, reduction: this.reduction,
    });
  }
}

export class PoissonNLLLoss extends Loss {
  logInput: boolean;
  full: boolean;
  eps: number;

  constructor(...args: ArgsOf<typeof poissonNllLossArgs>) {
    const a = poissonNllLossArgs.parse(args);
    super(a.sizeAverage, a.reduce, a.reduction);
    this.logInput = a.logInput;
    this.full = a.full;
    this.eps = a.eps;
  }

  override forward(logInput: Tensor, target: Tensor): Tensor {
    this.checkInputs(logInput, target);
    return F.poissonNllLoss(logInput, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export class GaussianNLLLoss extends Loss {
  full: boolean;
  eps: number;

  constructor(...args: ArgsOf<typeof gaussianNllLossArgs>) {
    const a = gaussianNllLossArgs.parse(args);
    super(null, null, a.reduction);
    this.full = a.full;
    this.eps = a.eps;
  }

  override forward(input: Tensor, target: Tensor, variance?: Tensor): Tensor {
    checkThree('GaussianNLLLoss', ['input', 'target', 'var'], [input, target, variance]);
    return F.gaussianNllLoss(input, target, variance as Tensor, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Deprecated alias of NLLLoss (with PyTorch's warning). */
export class NLLLoss2d extends NLLLoss {
  constructor(...args: ArgsOf<typeof nllLoss2dArgs>) {
    const a = nllLoss2dArgs.parse(args);
    warnOnce(
      'NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.',
    );
    super(a.weight, a.sizeAverage, a.ignoreIndex, a.reduce, a.reduction);
  }
}

const ctcLossArgs = signature('CTCLoss', [['blank', int, 0], reduction, ['zeroInfinity', bool, false]] as const);

/** Connectionist temporal classification loss (forward(logProbs, targets, inputLengths, targetLengths)). */
export class CTCLoss extends Loss {
  blank: number;
  zeroInfinity: boolean;

  constructor(...args: ArgsOf<typeof ctcLossArgs>) {
    const a = ctcLossArgs.parse(args);
    super(null, null, a.reduction);
    this.blank = a.blank;
    this.zeroInfinity = a.zeroInfinity;
  }

  override forward(logProbs: Tensor, targets: Tensor, inputLengths?: CtcLengths, targetLengths?: CtcLengths): Tensor {
    this.checkInputs(logProbs, targets);
    return ctcLoss(logProbs, targets, inputLengths as CtcLengths, targetLengths as CtcLengths, this.blank, this.reduction, this.zeroInfinity);
  }
}
