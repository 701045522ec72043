// StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LambdaLR: PyTorch 1.13's
// chainable formulas (each lr computed from the group's current lr), so values match
// PyTorch's to the last bit rather than its closed forms.
//
// Each constructor takes PyTorch's parameters in PyTorch's order, positionally or as a
// trailing options object with camelCase names: `new StepLR(opt, 7, 0.1)` =
// `new StepLR(opt, { stepSize: 7, gamma: 0.1 })`. CosineAnnealingLR's T_max is `TMax`
// (the camelCase of T_max keeps its capital; `{ T_max: 10 }` throws "did you mean 'TMax'?").
import { bool, check, func, int, intList, number, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, optimizerArg, pyMod, type StateField } from './scheduler.js';

/** StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1, verbose=False) */
const stepLRArgs = signature('StepLR', [
  ['optimizer', optimizerArg], ['stepSize', int], ['gamma', number, 0.1], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1, verbose=False) */
const multiStepLRArgs = signature('MultiStepLR', [
  ['optimizer', optimizerArg], ['milestones', intList], ['gamma', number, 0.1], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** ExponentialLR(optimizer, gamma, last_epoch=-1, verbose=False) */
const exponentialLRArgs = signature('ExponentialLR', [
  ['optimizer', optimizerArg], ['gamma', number], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

/** CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1, verbose=False) */
const cosineAnnealingLRArgs = signature('CosineAnnealingLR', [
  ['optimizer', optimizerArg], ['TMax', number], ['etaMin', number, 0], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

export type LrLambda = (epoch: number) => number;

export const lrLambdaArg = check<LrLambda | readonly LrLambda[]>(
  'a function or a list of functions',
  (v) => func.test(v) || (Array.isArray(v) && v.every((f) => func.test(f))),
);

/** LambdaLR(optimizer, lr_lambda, last_epoch=-1, verbose=False) */
const lambdaLRArgs = signature('LambdaLR', [
  ['optimizer', optimizerArg], ['lrLambda', lrLambdaArg], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

export type StepLROptions = OptionsObjectOf<typeof stepLRArgs>;
export type MultiStepLROptions = OptionsObjectOf<typeof multiStepLRArgs>;
export type ExponentialLROptions = OptionsObjectOf<typeof exponentialLRArgs>;
export type CosineAnnealingLROptions = OptionsObjectOf<typeof cosineAnnealingLRArgs>;
export type LambdaLROptions = OptionsObjectOf<typeof lambdaLRArgs>;

/** Decays each group's lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(...args: ArgsOf<typeof stepLRArgs>) {
    const a = stepLRArgs.parse(args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.stepSize = a.stepSize;
    this.gamma = a.gamma;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['step_size', 'gamma'];
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Decays each group's lr by gamma at each milestone (a milestone listed twice decays twice). */
export class MultiStepLR extends LRScheduler {
  /** Milestone epoch -> how many times it was listed (PyTorch's Counter). */
  milestones: Record<number, number>;
  gamma: number;

  constructor(...args: ArgsOf<typeof multiStepLRArgs>) {
    const a = multiStepLRArgs.parse(args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.milestones = {};
    for (const m of a.milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = a.gamma;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['milestones', 'gamma'];
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    let passed = 0;
    for (const [m, count] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) passed += count;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/** Decays each group's lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(...args: ArgsOf<typeof exponentialLRArgs>) {
    const a = exponentialLRArgs.parse(args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.gamma = a.gamma;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['gamma'];
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}

/** Cosine annealing from each group's initial lr to etaMin over TMax (PyTorch's T_max) epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(...args: ArgsOf<typeof cosineAnnealingLRArgs>) {
    const a = cosineAnnealingLRArgs.parse(args);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.TMax = a.TMax;
    this.etaMin = a.etaMin;
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return ['T_max', 'eta_min'];
  }

  protected computeLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}

/**
 * What LambdaLR and MultiplicativeLR share: one lr function per param group (a single one is
 * used for every group), checked against the group count, and saved as None each (PyTorch
 * keeps only callable objects' state; plain functions are not state).
 */
export abstract class GroupLambdaScheduler extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(a: { optimizer: Optimizer; lrLambda: LrLambda | readonly LrLambda[]; lastEpoch: number; verbose: boolean }) {
    const n = a.optimizer.paramGroups.length;
    if (Array.isArray(a.lrLambda) && a.lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${a.lrLambda.length}`);
    super(a.optimizer, a.lastEpoch, a.verbose);
    this.lrLambdas = Array.isArray(a.lrLambda) ? a.lrLambda.slice() : new Array<LrLambda>(n).fill(a.lrLambda as LrLambda);
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return [];
  }

  protected override trailingState(): StateField[] {
    return [{ key: 'lr_lambdas', get: () => this.lrLambdas.map(() => null), set: () => {} }];
  }
}

/** Sets each group's lr to its initial lr times lrLambda(epoch) (one function, or one per group). */
export class LambdaLR extends GroupLambdaScheduler {
  constructor(...args: ArgsOf<typeof lambdaLRArgs>) {
    super(lambdaLRArgs.parse(args));
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}
