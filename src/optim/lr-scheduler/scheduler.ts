// torch.optim.lr_scheduler._LRScheduler as in PyTorch 1.13: the chainable form
// (each step computes the next lr from the current one), the optimizer.step call
// counter behind PyTorch's ordering warnings, and state dicts with PyTorch's keys.
import type { Tensor } from '../../tensor/tensor.js';
import { emitWarning, Optimizer, type ParamGroup } from '../optimizer.js';

/** Python's `%` (the result takes the divisor's sign). */
export const pyMod = (a: number, b: number) => ((a % b) + b) % b;

/** Python's '{:.4e}'.format(x). */
export const formatE4 = (x: number) => x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');

export function checkOptimizer(optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    const name = optimizer === null ? 'NoneType' : typeof optimizer === 'object' ? (optimizer as object).constructor?.name : typeof optimizer;
    throw new TypeError(`${name} is not an Optimizer`);
  }
}

const WITH_COUNTER = Symbol('withCounter');

type StepFn = ((closure?: () => Tensor) => unknown) & { [WITH_COUNTER]?: true };

/** Makes optimizer.step count its calls (PyTorch wraps the bound method the same way). */
function countSteps(optimizer: Optimizer): void {
  const target = optimizer as unknown as { step: StepFn };
  if (target.step[WITH_COUNTER]) return;
  const original = target.step;
  const wrapper: StepFn = function (this: Optimizer, ...args: unknown[]) {
    this._stepCount = (this._stepCount ?? 0) + 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  wrapper[WITH_COUNTER] = true;
  target.step = wrapper;
}

/** A scheduler's state field: its key in PyTorch's state dict and how to read and write it here. */
export interface StateField {
  key: string;
  get: () => unknown;
  set: (value: unknown) => void;
}

export interface SchedulerOptions {
  /** The index of the last epoch when resuming (default -1: start fresh). */
  lastEpoch?: number;
  /** Print each lr change, as PyTorch's verbose=True. */
  verbose?: boolean;
}

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Base class of the epoch-based schedulers. Subclasses set their own fields, then
 * call `initialStep()` at the end of their constructor (Python sets them before
 * calling the base __init__, which JavaScript does not allow).
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  baseLrs: number[];
  lastEpoch: number;
  verbose: boolean;
  _stepCount = 0;
  protected _getLrCalledWithinStep = false;
  protected _lastLr: number[] = [];
  /** Loaded keys this class does not know (PyTorch's __dict__.update keeps them). */
  private extra: Record<string, unknown> = {};

  constructor(optimizer: Optimizer, opts: SchedulerOptions = {}) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    const lastEpoch = opts.lastEpoch ?? -1;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group)) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    countSteps(optimizer);
    this.verbose = opts.verbose ?? false;
  }

  /** Fields set before the base's (in PyTorch's __dict__ order), e.g. step_size and gamma. */
  protected abstract ownState(): StateField[];

  /** The chainable lr of each group for `lastEpoch`. */
  protected abstract computeLr(): number[];

  /** The closed form, used when step() is given an explicit epoch (deprecated in PyTorch). */
  protected closedFormLr?(): number[];

  protected initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** get_lr(): meant to be called by step(); use getLastLr() to read the current lr. */
  getLr(): number[] {
    if (!this._getLrCalledWithinStep) emitWarning('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
    return this.computeLr();
  }

  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** Advances one epoch (or, deprecated, jumps to `epoch` using the closed form) and sets each group's lr. */
  step(epoch?: number): void {
    if (this._stepCount === 1) {
      if (!(this.optimizer.step as StepFn)[WITH_COUNTER]) {
        emitWarning(
          'Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      } else if ((this.optimizer._stepCount ?? 0) < 1) {
        emitWarning(
          'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      }
    }
    this._stepCount += 1;
    let values: number[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        emitWarning('The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler.');
        this.lastEpoch = epoch;
        values = this.closedFormLr ? this.closedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i];
      if (this.verbose) console.log(epoch === undefined ? `Adjusting learning rate of group ${i} to ${formatE4(values[i])}.` : `Epoch ${epoch}: adjusting learning rate of group ${i} to ${formatE4(values[i])}.`);
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private fields(): StateField[] {
    return [
      ...this.ownState(),
      { key: 'base_lrs', get: () => this.baseLrs, set: (v) => (this.baseLrs = v as number[]) },
      { key: 'last_epoch', get: () => this.lastEpoch, set: (v) => (this.lastEpoch = v as number) },
      { key: 'verbose', get: () => this.verbose, set: (v) => (this.verbose = v as boolean) },
      { key: '_step_count', get: () => this._stepCount, set: (v) => (this._stepCount = v as number) },
      { key: '_get_lr_called_within_step', get: () => this._getLrCalledWithinStep, set: (v) => (this._getLrCalledWithinStep = v as boolean) },
      { key: '_last_lr', get: () => this._lastLr, set: (v) => (this._lastLr = v as number[]) },
      ...this.trailingState(),
    ];
  }

  /** Fields PyTorch's state_dict appends after the base's (LambdaLR's lr_lambdas). */
  protected trailingState(): StateField[] {
    return [];
  }

  /** Every attribute but the optimizer, under PyTorch's names. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.fields()) out[f.key] = copyValue(f.get());
    Object.assign(out, copyValue(this.extra));
    return out;
  }

  /** PyTorch's __dict__.update: known keys must keep their type; nothing changes if one does not. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError('scheduler state dict must be an object');
    const fields = new Map(this.fields().map((f) => [f.key, f]));
    const updates: [StateField, unknown][] = [];
    const extra: Record<string, unknown> = { ...this.extra };
    for (const [key, value] of Object.entries(stateDict)) {
      const field = fields.get(key);
      if (field === undefined) {
        extra[key] = copyValue(value);
        continue;
      }
      const current = field.get();
      if (current !== null && value !== null && kind(current) !== kind(value)) {
        throw new TypeError(`scheduler state dict has a ${kind(value)} for '${key}', expected a ${kind(current)}`);
      }
      updates.push([field, copyValue(value)]);
    }
    for (const [field, value] of updates) field.set(value);
    this.extra = extra;
  }
}

/** `[value] * len(groups)` or a checked per-group list (PyTorch's _format_param). */
export function perGroup<T>(optimizer: Optimizer, name: string, value: T | readonly T[]): T[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) throw new RangeError(`expected ${n} values for ${name}, got ${value.length}`);
    return value.slice();
  }
  return new Array<T>(n).fill(value as T);
}

export type { ParamGroup };
