// CyclicLR (PyTorch 1.13): the lr cycles between base_lr and max_lr (triangular,
// triangular2, exp_range or a custom scale_fn), stepped once per batch; with
// cycle_momentum, each group's momentum cycles inversely between max_momentum and
// base_momentum. PyTorch 1.13 cycles SGD-style `momentum` only (not Adam's betas).
import { bool, func, int, nullable, number, numberOrList, oneOf, signature, string, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { LRScheduler, optimizerArg, perGroup, type StateField } from './scheduler.js';

export type ScaleFn = (x: number) => number;

/**
 * CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
 * mode='triangular', gamma=1.0, scale_fn=None, scale_mode='cycle', cycle_momentum=True,
 * base_momentum=0.8, max_momentum=0.9, last_epoch=-1, verbose=False)
 */
const cyclicLRArgs = signature('CyclicLR', [
  ['optimizer', optimizerArg], ['baseLr', numberOrList], ['maxLr', numberOrList], ['stepSizeUp', number, 2000],
  ['stepSizeDown', nullable(number), null], ['mode', string, 'triangular'], ['gamma', number, 1.0],
  ['scaleFn', nullable(func), null], ['scaleMode', oneOf('cycle', 'iterations'), 'cycle'], ['cycleMomentum', bool, true],
  ['baseMomentum', numberOrList, 0.8], ['maxMomentum', numberOrList, 0.9], ['lastEpoch', int, -1], ['verbose', bool, false],
] as const);

export type CyclicLROptions = OptionsObjectOf<typeof cyclicLRArgs>;

/** Cyclical learning rates (Smith, "Cyclical Learning Rates for Training Neural Networks"). */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  /** The user's scale_fn, or null for the mode's own. */
  scaleFnCustom: ScaleFn | null;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums?: number[];
  maxMomentums?: number[];

  /** Everything is checked before the optimizer's groups are touched, so an error leaves them as they were. */
  constructor(...args: ArgsOf<typeof cyclicLRArgs>) {
    const a = cyclicLRArgs.parse(args);
    const { optimizer, lastEpoch } = a;
    const baseLrs = perGroup(optimizer, 'values for base_lr', a.baseLr);
    const maxLrs = perGroup(optimizer, 'values for max_lr', a.maxLr);
    const up = a.stepSizeUp;
    const down = a.stepSizeDown ?? up;
    if (!['triangular', 'triangular2', 'exp_range'].includes(a.mode) && a.scaleFn === null) throw new RangeError('mode is invalid and scale_fn is None');
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (a.cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) throw new RangeError('optimizer must support momentum with `cycle_momentum` option enabled');
      baseMomentums = perGroup(optimizer, 'values for base_momentum', a.baseMomentum);
      maxMomentums = perGroup(optimizer, 'values for max_momentum', a.maxMomentum);
    }
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]));
    if (a.cycleMomentum && lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.momentum = baseMomentums[i]));
    super(optimizer, lastEpoch, a.verbose);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = a.mode;
    this.gamma = a.gamma;
    this.scaleFnCustom = a.scaleFn as ScaleFn | null;
    this.scaleMode = a.scaleFn === null ? (a.mode === 'exp_range' ? 'iterations' : 'cycle') : a.scaleMode;
    this.cycleMomentum = a.cycleMomentum;
    if (a.cycleMomentum) {
      this.baseMomentums = optimizer.paramGroups.map((g) => g.momentum as number);
      this.maxMomentums = maxMomentums;
    }
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  /** The scale of cycle x (or of iteration x, with scaleMode 'iterations'). */
  scaleFn(x: number): number {
    if (this.scaleFnCustom !== null) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  protected ownState(): StateField[] {
    // Functions are not state: PyTorch's state dict holds them (None once serialized).
    const fn = (key: string): StateField => ({ key, get: () => null, set: () => {} });
    return ['max_lrs', 'total_size', 'step_ratio', 'mode', 'gamma', fn('_scale_fn_custom'), fn('_scale_fn_ref'), 'scale_mode', 'cycle_momentum', 'base_momentums', 'max_momentums'];
  }

  protected computeLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = () => this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((baseLr, i) => baseLr + (this.maxLrs[i] - baseLr) * scaleFactor * scale());
    if (this.cycleMomentum) {
      const base = this.baseMomentums as number[];
      const momentums = (this.maxMomentums as number[]).map((maxM, i) => maxM - (maxM - base[i]) * scaleFactor * scale());
      this.optimizer.paramGroups.forEach((g, i) => (g.momentum = momentums[i]));
    }
    return lrs;
  }
}
