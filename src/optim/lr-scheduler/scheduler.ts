// torch.optim.lr_scheduler._LRScheduler as in PyTorch 1.13: the chainable form
// (each step computes the next lr from the current one), the optimizer.step call
// counter behind PyTorch's ordering warnings, and state dicts with PyTorch's keys.
import { bool, instance, int, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { copyValue, formatE4, Optimizer, toCamelCase, type ParamGroup } from '../optimizer.js';
import { warnOnce } from '../../tensor/warnings.js';

/** Python's `%` (the result takes the divisor's sign). */
export const pyMod = (a: number, b: number) => ((a % b) + b) % b;

/** PyTorch's verbose line for a group's new lr; with an epoch, 'Epoch 00003: …' ('%.5d', or '%.2f' for a fraction). */
export function printLr(action: 'adjusting' | 'reducing', group: number, lr: number, epoch?: number): void {
  const message = `${action} learning rate of group ${group} to ${formatE4(lr)}.`;
  if (epoch === undefined) {
    console.log(message[0].toUpperCase() + message.slice(1));
    return;
  }
  const digits = Number.isInteger(epoch) ? String(Math.abs(epoch)).padStart(5, '0') : Math.abs(epoch).toFixed(2);
  console.log(`Epoch ${epoch < 0 ? '-' : ''}${digits}: ${message}`);
}

/** Every scheduler's first parameter. */
export const optimizerArg = instance(Optimizer, 'Optimizer');

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

/**
 * A state-dict entry: PyTorch's key, held in the camelCase property of the same name
 * (`step_size` in stepSize, `_last_lr` in _lastLr), or read and written by get/set.
 */
export type StateField = string | { key: string; get: () => unknown; set: (value: unknown) => void };

type Accessor = Exclude<StateField, string>;

/** A field as get/set; a plain key reads and writes owner's property of the same name. */
function accessor(owner: object, f: StateField): Accessor {
  if (typeof f !== 'string') return f;
  const o = owner as Record<string, unknown>;
  const property = f.startsWith('_') ? `_${toCamelCase(f.slice(1))}` : toCamelCase(f);
  return { key: f, get: () => o[property], set: (v) => (o[property] = v) };
}

/** state_dict(): each field (deep-copied; a field still undefined is left out), then the loaded keys no field claims. */
export function stateDictOf(owner: object, fields: readonly StateField[], extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, get } of fields.map((f) => accessor(owner, f))) {
    const value = get();
    if (value !== undefined) out[key] = copyValue(value);
  }
  return Object.assign(out, copyValue(extra));
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * load_state_dict() as PyTorch's __dict__.update: a known key must keep its kind (or
 * be None); nothing changes if one does not. Returns the new extras: the unknown keys.
 */
export function loadFields(owner: object, fields: readonly StateField[], stateDict: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  if (stateDict === null || typeof stateDict !== 'object') throw new TypeError('scheduler state dict must be an object');
  const byKey = new Map(fields.map((f) => accessor(owner, f)).map((a) => [a.key, a]));
  const updates: [Accessor, unknown][] = [];
  const nextExtra: Record<string, unknown> = { ...extra };
  for (const [key, value] of Object.entries(stateDict)) {
    const field = byKey.get(key);
    if (field === undefined) {
      nextExtra[key] = copyValue(value);
      continue;
    }
    const current = field.get();
    if (current !== undefined && current !== null && value !== null && kind(current) !== kind(value)) {
      throw new TypeError(`scheduler state dict has a ${kind(value)} for '${key}', expected a ${kind(current)}`);
    }
    updates.push([field, copyValue(value)]);
  }
  for (const [field, value] of updates) field.set(value);
  return nextExtra;
}

/**
 * _LRScheduler(optimizer, last_epoch=-1, verbose=False): lastEpoch is the index of the
 * last epoch when resuming (-1: start fresh); verbose prints each lr change.
 */
const lrSchedulerArgs = signature('LRScheduler', [['optimizer', optimizerArg], ['lastEpoch', int, -1], ['verbose', bool, false]] as const);

export type SchedulerOptions = OptionsObjectOf<typeof lrSchedulerArgs>;

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

  /** Subclasses parse their own signature and pass `(optimizer, lastEpoch, verbose)` on. */
  constructor(...args: ArgsOf<typeof lrSchedulerArgs>) {
    const { optimizer, lastEpoch, verbose } = lrSchedulerArgs.parse(args);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group)) throw new Error(`param 'initialLr' (PyTorch's 'initial_lr') is not specified in paramGroups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    countSteps(optimizer);
    this.verbose = verbose;
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
    if (!this._getLrCalledWithinStep) warnOnce('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
    return this.computeLr();
  }

  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** Advances one epoch (or, deprecated, jumps to `epoch` using the closed form) and sets each group's lr. */
  step(epoch?: number): void {
    if (this._stepCount === 1) {
      if (!(this.optimizer.step as StepFn)[WITH_COUNTER]) {
        warnOnce(
          'Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      } else if ((this.optimizer._stepCount ?? 0) < 1) {
        warnOnce(
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
        warnOnce('The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler.');
        this.lastEpoch = epoch;
        values = this.closedFormLr ? this.closedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i];
      if (this.verbose) printLr('adjusting', i, values[i], epoch);
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Fields PyTorch's state_dict appends after the base's (LambdaLR's lr_lambdas). */
  protected trailingState(): StateField[] {
    return [];
  }

  private fields(): StateField[] {
    const base = ['base_lrs', 'last_epoch', 'verbose', '_step_count', '_get_lr_called_within_step', '_last_lr'];
    return [...this.ownState(), ...base, ...this.trailingState()];
  }

  /** Every attribute but the optimizer, under PyTorch's names. */
  stateDict(): Record<string, unknown> {
    return stateDictOf(this, this.fields(), this.extra);
  }

  /** PyTorch's __dict__.update: known keys must keep their type; nothing changes if one does not. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    this.extra = loadFields(this, this.fields(), stateDict, this.extra);
  }
}

/** `[value] * len(groups)` or a checked per-group list; `what` names the list in the error ('values for max_lr'). */
export function perGroup<T>(optimizer: Optimizer, what: string, value: T | readonly T[]): T[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) throw new RangeError(`expected ${n} ${what}, got ${value.length}`);
    return value.slice();
  }
  return new Array<T>(n).fill(value as T);
}

export type { ParamGroup };
