// ReduceLROnPlateau (PyTorch 1.13): multiplies each group's lr by `factor` once a
// metric has stopped improving for more than `patience` epochs. Stepped with the
// metric, not per epoch; its state dict holds PyTorch's attribute names.
import { Tensor } from '../../tensor/tensor.js';
import { emitWarning, type Optimizer } from '../optimizer.js';
import { checkOptimizer, formatE4, type StateField } from './scheduler.js';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
  verbose?: boolean;
}

function checkModes(mode: string, thresholdMode: string): void {
  if (mode !== 'min' && mode !== 'max') throw new RangeError(`mode ${mode} is unknown!`);
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`threshold mode ${thresholdMode} is unknown!`);
}

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

  constructor(optimizer: Optimizer, opts: ReduceLROnPlateauOptions = {}) {
    const factor = opts.factor ?? 0.1;
    if (factor >= 1.0) throw new RangeError('Factor should be < 1.0.');
    checkOptimizer(optimizer);
    this.factor = factor;
    this.optimizer = optimizer;
    const minLr = opts.minLr ?? 0;
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw new RangeError(`expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = minLr.slice();
    } else {
      this.minLrs = new Array<number>(n).fill(minLr as number);
    }
    this.patience = opts.patience ?? 10;
    this.verbose = opts.verbose ?? false;
    this.cooldown = opts.cooldown ?? 0;
    this.mode = opts.mode ?? 'min';
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    this.eps = opts.eps ?? 1e-8;
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
    const current = metrics instanceof Tensor ? metrics.item() : Number(metrics);
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else emitWarning('The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler.');
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
        if (this.verbose) console.log(`Epoch ${String(epoch).padStart(5, '0')}: reducing learning rate of group ${i} to ${formatE4(newLr)}.`);
      }
    });
  }

  getLastLr(): number[] {
    return (this._lastLr ?? this.optimizer.paramGroups.map((g) => g.lr)).slice();
  }

  private fields(): StateField[] {
    const num = (key: string, get: () => number, set: (v: number) => void): StateField => ({ key, get, set: (v) => set(v as number) });
    const fields: StateField[] = [
      num('factor', () => this.factor, (v) => (this.factor = v)),
      { key: 'min_lrs', get: () => this.minLrs.slice(), set: (v) => (this.minLrs = (v as number[]).slice()) },
      num('patience', () => this.patience, (v) => (this.patience = v)),
      { key: 'verbose', get: () => this.verbose, set: (v) => (this.verbose = v as boolean) },
      num('cooldown', () => this.cooldown, (v) => (this.cooldown = v)),
      num('cooldown_counter', () => this.cooldownCounter, (v) => (this.cooldownCounter = v)),
      { key: 'mode', get: () => this.mode, set: (v) => (this.mode = v as 'min' | 'max') },
      num('threshold', () => this.threshold, (v) => (this.threshold = v)),
      { key: 'threshold_mode', get: () => this.thresholdMode, set: (v) => (this.thresholdMode = v as 'rel' | 'abs') },
      num('best', () => this.best, (v) => (this.best = v)),
      num('num_bad_epochs', () => this.numBadEpochs, (v) => (this.numBadEpochs = v)),
      num('mode_worse', () => this.modeWorse, (v) => (this.modeWorse = v)),
      num('eps', () => this.eps, (v) => (this.eps = v)),
      num('last_epoch', () => this.lastEpoch, (v) => (this.lastEpoch = v)),
    ];
    if (this._lastLr !== undefined) fields.push({ key: '_last_lr', get: () => this._lastLr?.slice(), set: (v) => (this._lastLr = (v as number[]).slice()) });
    return fields;
  }

  /** Every attribute but the optimizer, under PyTorch's names. */
  stateDict(): Record<string, unknown> {
    return Object.fromEntries(this.fields().map((f) => [f.key, f.get()]));
  }

  /** PyTorch's __dict__.update, then re-checks mode and threshold_mode; nothing changes on error. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError('scheduler state dict must be an object');
    const mode = String(stateDict.mode ?? this.mode);
    const thresholdMode = String(stateDict.threshold_mode ?? this.thresholdMode);
    checkModes(mode, thresholdMode);
    const fields = new Map(this.fields().map((f) => [f.key, f]));
    if ('_last_lr' in stateDict) fields.set('_last_lr', { key: '_last_lr', get: () => undefined, set: (v) => (this._lastLr = (v as number[]).slice()) });
    const updates: [StateField, unknown][] = [];
    for (const [key, value] of Object.entries(stateDict)) {
      const field = fields.get(key);
      if (field === undefined) continue;
      const current = field.get();
      const ok = current === undefined || (Array.isArray(current) ? Array.isArray(value) : typeof value === typeof current);
      if (!ok) throw new TypeError(`scheduler state dict has a ${typeof value} for '${key}', expected a ${typeof current}`);
      updates.push([field, value]);
    }
    for (const [field, value] of updates) field.set(value);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }
}
