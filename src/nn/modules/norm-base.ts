// PyTorch's _NormBase: what BatchNorm and InstanceNorm share — the affine parameters, the
// running-statistics buffers (running_mean, running_var, num_batches_tracked as an int64
// 0-d tensor, or None when not tracked), their resets, old checkpoints and the repr.
import { noGrad } from '../../autograd/grad-mode.js';
import { bool, deviceArg, dtype as dtypeArg, nullable, number, signature, type ArgsOf } from '../../tensor/args.js';
import type { DType } from '../../tensor/dtype.js';
import { empty, ones, tensor, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as init from '../init.js';
import { Module, type StateDict } from '../module.js';
import { Parameter, UninitializedBuffer, UninitializedParameter } from '../parameter.js';
import { pyFloat, pyValue } from '../repr.js';
import { hasUninitializedParams, initLazy, materializeFromStateDict, type LazyModule } from './lazy.js';

export interface NormArgs {
  numFeatures: number;
  eps: number;
  /** Weight of the new batch statistic in the running averages; null: cumulative average. */
  momentum: number | null;
  affine: boolean;
  trackRunningStats: boolean;
  dtype: DType | null;
}

export abstract class NormBase extends Module {
  readonly numFeatures: number;
  eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor({ numFeatures, eps, momentum, affine, trackRunningStats, dtype }: NormArgs) {
    super();
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    const factory = { dtype: dtype ?? undefined };
    this.weight = affine ? new Parameter(empty([numFeatures], factory)) : null;
    this.bias = affine ? new Parameter(empty([numFeatures], factory)) : null;
    if (trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], factory));
      this.registerBuffer('running_var', ones([numFeatures], factory));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  /** Checkpoints from before num_batches_tracked existed (e.g. torchvision's ImageNet weights) load with it as 0. */
  protected override upgradeStateDict(sd: StateDict, prefix: string): void {
    const key = `${prefix}num_batches_tracked`;
    if (this.trackRunningStats && !Object.hasOwn(sd, key) && Object.hasOwn(sd, `${prefix}running_mean`)) sd[key] = tensor(0, { dtype: 'int64' });
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
  }
}

/**
 * What one forward of _BatchNorm (or SyncBatchNorm) normalises with, counting the batch in
 * num_batches_tracked when training: the running statistics to use or update, whether the
 * batch's own statistics are used, and the running-average factor.
 */
export function batchNormStep(m: NormBase): { runningMean: Tensor | null; runningVar: Tensor | null; useBatchStats: boolean; factor: number } {
  let factor = m.momentum ?? 0;
  if (m.training && m.trackRunningStats && m.num_batches_tracked !== null) {
    const count = m.num_batches_tracked;
    noGrad(() => count.add_(1));
    // momentum null: the running statistics are the plain average of every batch seen.
    if (m.momentum === null) factor = 1 / Number(count.item());
  }
  // Eval uses batch statistics only when there are no running statistics at all.
  const useBatchStats = m.training || (m.running_mean === null && m.running_var === null);
  const track = !m.training || m.trackRunningStats;
  return { runningMean: track ? m.running_mean : null, runningVar: track ? m.running_var : null, useBatchStats, factor };
}

// LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d(eps=1e-5, momentum=0.1, affine=True,
// track_running_stats=True, device=None, dtype=None): PyTorch's _LazyNormBase (InstanceNorm's
// Lazy forms too default to affine and tracked statistics).
const lazyNormArgs = signature('LazyNorm', [
  ['eps', number, 1e-5],
  ['momentum', nullable(number), 0.1],
  ['affine', bool, true],
  ['trackRunningStats', bool, true],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtypeArg), null],
] as const);
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The Lazy form of a norm class (lazy.ts): num_features is dim 1 of the first input. */
export function lazyNorm<B extends new (...args: never) => NormBase>(Base: B, name: string): new (...args: ArgsOf<typeof lazyNormArgs>) => InstanceType<B> & LazyModule {
  const Eager = Base as unknown as new (...args: unknown[]) => NormBase;
  const cls = class extends Eager implements LazyModule {
    constructor(...args: unknown[]) {
      const { affine, trackRunningStats, ...rest } = lazyNormArgs.parse(args as ArgsOf<typeof lazyNormArgs>);
      // No affine parameters or statistics here: the uninitialized ones take their places.
      super(0, { ...rest, affine: false, trackRunningStats: false });
      const self = this as Mutable<NormBase>;
      self.affine = affine;
      self.trackRunningStats = trackRunningStats;
      const opts = { dtype: rest.dtype ?? undefined };
      if (affine) {
        this.weight = new UninitializedParameter(true, opts);
        this.bias = new UninitializedParameter(true, opts);
      }
      if (trackRunningStats) {
        this.running_mean = new UninitializedBuffer(false, opts);
        this.running_var = new UninitializedBuffer(false, opts);
        this.num_batches_tracked = tensor(0, { dtype: 'int64' });
      }
      initLazy(this, Base);
    }

    hasUninitializedParams(): boolean {
      return hasUninitializedParams(this);
    }

    override resetParameters(): void {
      if (!hasUninitializedParams(this) && this.numFeatures !== 0) super.resetParameters();
    }

    initializeParameters(x: Tensor): void {
      if (!hasUninitializedParams(this)) return;
      const n = x.shape[1];
      (this as Mutable<NormBase>).numFeatures = n;
      for (const t of [this.weight, this.bias, this.running_mean, this.running_var]) {
        if (t instanceof UninitializedParameter || t instanceof UninitializedBuffer) t.materialize([n]);
      }
      this.resetParameters();
    }

    protected override upgradeStateDict(sd: StateDict, prefix: string): void {
      materializeFromStateDict(this, sd, prefix);
      super.upgradeStateDict(sd, prefix);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls as unknown as new (...args: ArgsOf<typeof lazyNormArgs>) => InstanceType<B> & LazyModule;
}
