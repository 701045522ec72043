// ConstantLR, LinearLR, MultiplicativeLR and PolynomialLR: PyTorch 1.13's chainable
// formulas (each lr computed from the group's current lr, so values match PyTorch's to
// the last bit), with their closed forms for step(epoch).
import { bool, int, number, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { LRScheduler, optimizerArg, type StateField } from './scheduler.js';
import { GroupLambdaScheduler, lrLambdaArg } from './basic.js';

/** ConstantLR(optimizer, factor=1/3, total_iters=5, last_epoch=-1, verbose=False) */
const constantLRArgs = signature('ConstantLR', [
  ['optimizer', optimizerArg], ['factor', number, 1.0 / 3], ['totalIters', int, 5], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1, verbose=False) */
const linearLRArgs = signature('LinearLR', [
  ['optimizer', optimizerArg], ['startFactor', number, 1.0 / 3], ['endFactor', number, 1.0], ['totalIters', int, 5],
  ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1, verbose=False) */
const multiplicativeLRArgs = signature('MultiplicativeLR', [
  ['optimizer', optimizerArg], ['lrLambda', lrLambdaArg], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1, verbose=False) */
const polynomialLRArgs = signature('PolynomialLR', [
  ['optimizer', optimizerArg], ['totalIters', int, 5], ['power', number, 1.0], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

export type ConstantLROptions = OptionsObjectOf<typeof constantLRArgs>;
export type LinearLROptions = OptionsObjectOf<typeof linearLRArgs>;
export type MultiplicativeLROptions = OptionsObjectOf<typeof multiplicativeLRArgs>;
export type PolynomialLROptions = OptionsObjectOf<typeof polynomialLRArgs>;

/** Multiplies each group's lr by factor until epoch totalIters, then restores it. */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(...args: ArgsOf<typeof constantLRArgs>) {
    const a = constantLRArgs.parse(args);
    if (a.factor > 1.0 || a.factor < 0) throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.factor = a.factor;
    this.totalIters = a.totalIters;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['factor', 'total_iters'];
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1.0 / this.factor));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

/** Scales each group's lr linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(...args: ArgsOf<typeof linearLRArgs>) {
    const a = linearLRArgs.parse(args);
    if (a.startFactor > 1.0 || a.startFactor < 0) throw new RangeError('Starting multiplicative factor expected to be between 0 and 1.');
    if (a.endFactor > 1.0 || a.endFactor < 0) throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.startFactor = a.startFactor;
    this.endFactor = a.endFactor;
    this.totalIters = a.totalIters;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['start_factor', 'end_factor', 'total_iters'];
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch } = this;
    if (lastEpoch === 0) return groups.map((g) => g.lr * s);
    if (lastEpoch > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (lastEpoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/** Multiplies each group's lr by lrLambda(epoch) every epoch (one function, or one per group). */
export class MultiplicativeLR extends GroupLambdaScheduler {
  constructor(...args: ArgsOf<typeof multiplicativeLRArgs>) {
    super(multiplicativeLRArgs.parse(args));
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch > 0) return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return groups.map((g) => g.lr);
  }
}

/** Decays each group's lr by a polynomial of the given power to zero over totalIters epochs. */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(...args: ArgsOf<typeof polynomialLRArgs>) {
    const a = polynomialLRArgs.parse(args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.totalIters = a.totalIters;
    this.power = a.power;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['total_iters', 'power'];
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, totalIters: n } = this;
    if (e === 0 || e > n) return groups.map((g) => g.lr);
    const decayFactor = ((1.0 - e / n) / (1.0 - (e - 1) / n)) ** this.power;
    return groups.map((g) => g.lr * decayFactor);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}
