// ReduceLROnPlateau (PyTorch 1.13): multiplies each group's lr by `factor` once a
// metric has stopped improving for more than `patience` epochs. Stepped with the
// metric, not per epoch; its state dict holds PyTorch's attribute names.
import { bool, check, int, number, numberOrList, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { type Optimizer } from '../optimizer.js';
import { loadFields, optimizerArg, perGroup, printLr, stateDictOf, type StateField } from './scheduler.js';
import { warnOnce } from '../../tensor/warnings.js';

/** A string, typed as the values PyTorch accepts; other strings get PyTorch's own "mode … is unknown!". */
const modeArg = check<'min' | 'max'>('a string', (v) => typeof v === 'string');
const thresholdModeArg = check<'rel' | 'abs'>('a string', (v) => typeof v === 'string');

/**
 * ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4,
 * threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8, verbose=False)
 */
const reduceLROnPlateauArgs = signature('ReduceLROnPlateau', [
  ['optimizer', optimizerArg], ['mode', modeArg, 'min'], ['factor', number, 0.1], ['patience', int, 10],
  ['threshold', number, 1e-4], ['thresholdMode', thresholdModeArg, 'rel'], ['cooldown', int, 0],
  ['minLr', numberOrList, 0], ['eps', number, 1e-8], ['verbose', bool, false],
] as const);

export type ReduceLROnPlateauOptions = OptionsObjectOf<typeof reduceLROnPlateauArgs>;

function checkModes(mode: string, thresholdMode: string): void {
  if (mode !== 'min' && mode !== 'max') throw new RangeError(`mode ${mode} is unknown!`);
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`threshold mode ${thresholdMode} is unknown!`);
}

/** The state dict's keys: every attribute but the optimizer, in PyTorch's order (_last_lr from the first step on). */
const FIELDS: readonly StateField[] = [
  'factor', 'min_lrs', 'patience', 'verbose', 'cooldown', 'cooldown_counter', 'mode', 'threshold',
  'threshold_mode', 'best', 'num_bad_epochs', 'mode_worse', 'eps', 'last_epoch', '_last_lr',
];

export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  /** Best metric so far (starts at the worst value: Infinity for 'min'). */
  best: number;
  numBadEpochs = 0;
  modeWorse: number;
  eps: number;
  lastEpoch = 0;
  /** Set by the first step (PyTorch has no _last_lr before it). */
  private _lastLr: number[] | undefined;
  /** Loaded keys this class does not know (PyTorch's __dict__.update keeps them). */
  private extra: Record<string, unknown> = {};

  /** `new ReduceLROnPlateau(opt, 'max', 0.5)` = `new ReduceLROnPlateau(opt, { mode: 'max', factor: 0.5 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof reduceLROnPlateauArgs>) {
    const a = reduceLROnPlateauArgs.parse(args);
    if (a.factor >= 1.0) throw new RangeError('Factor should be < 1.0.');
    this.factor = a.factor;
    this.optimizer = a.optimizer;
    this.minLrs = perGroup(a.optimizer, 'min_lrs', a.minLr);
    this.patience = a.patience;
    this.verbose = a.verbose;
    this.cooldown = a.cooldown;
    this.mode = a.mode;
    this.threshold = a.threshold;
    this.thresholdMode = a.thresholdMode;
    this.eps = a.eps;
    checkModes(this.mode, this.thresholdMode);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** One epoch's metric (a number or a one-element tensor). */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = metrics instanceof Tensor ? Number(metrics.item()) : Number(metrics);
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else warnOnce('The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler.');
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr(epoch);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(epoch: number): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) {
        group.lr = newLr;
        if (this.verbose) printLr('reducing', i, newLr, epoch);
      }
    });
  }

  getLastLr(): number[] {
    return (this._lastLr ?? this.optimizer.paramGroups.map((g) => g.lr)).slice();
  }

  /** Every attribute but the optimizer, under PyTorch's names. */
  stateDict(): Record<string, unknown> {
    return stateDictOf(this, FIELDS, this.extra);
  }

  /** PyTorch's __dict__.update, then re-checks mode and threshold_mode; nothing changes on error. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    checkModes(String(stateDict?.mode ?? this.mode), String(stateDict?.threshold_mode ?? this.thresholdMode));
    this.extra = loadFields(this, FIELDS, stateDict, this.extra);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }
}
