// StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LambdaLR: PyTorch 1.13's
// chainable formulas (each lr computed from the group's current lr), so values match
// PyTorch's to the last bit rather than its closed forms.
import type { Optimizer } from '../optimizer.js';
import { checkOptimizer, LRScheduler, pyMod, type SchedulerOptions, type StateField } from './scheduler.js';

export interface GammaOptions extends SchedulerOptions {
  /** Multiplicative factor of learning rate decay (default 0.1). */
  gamma?: number;
}

/** Decays each group's lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, stepSize: number, opts: GammaOptions = {}) {
    super(optimizer, opts);
    this.stepSize = stepSize;
    this.gamma = opts.gamma ?? 0.1;
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

  constructor(optimizer: Optimizer, milestones: readonly number[], opts: GammaOptions = {}) {
    super(optimizer, opts);
    this.milestones = {};
    for (const m of milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = opts.gamma ?? 0.1;
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

  constructor(optimizer: Optimizer, gamma: number, opts: SchedulerOptions = {}) {
    super(optimizer, opts);
    this.gamma = gamma;
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

export interface CosineAnnealingOptions extends SchedulerOptions {
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}

/** Cosine annealing from each group's initial lr to etaMin over TMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, TMax: number, opts: CosineAnnealingOptions = {}) {
    super(optimizer, opts);
    this.TMax = TMax;
    this.etaMin = opts.etaMin ?? 0;
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

export type LrLambda = (epoch: number) => number;

/** Sets each group's lr to its initial lr times lrLambda(epoch) (one function, or one per group). */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], opts: SchedulerOptions = {}) {
    checkOptimizer(optimizer);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda) && lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
    super(optimizer, opts);
    this.lrLambdas = Array.isArray(lrLambda) ? lrLambda.slice() : new Array<LrLambda>(n).fill(lrLambda as LrLambda);
    this.initialStep();
  }

  protected ownState(): StateField[] {
    return [];
  }

  /** Functions are not state: PyTorch saves None for each plain function. */
  protected override trailingState(): StateField[] {
    return [{ key: 'lr_lambdas', get: () => this.lrLambdas.map(() => null), set: () => {} }];
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}
