// torch.optim.Optimizer as in PyTorch 1.13: parameter groups, per-parameter state,
// zeroGrad, step(closure) and state dicts in PyTorch's exact layout, so optimizer
// checkpoints move between torchlette and PyTorch through torch.save/torch.load.
//
// Param groups hold hyperparameters under camelCase names (`lr`, `weightDecay`,
// `betas`); state dicts use PyTorch's snake_case keys (`weight_decay`, `param_groups`)
// and per-parameter state keeps PyTorch's keys everywhere (`momentum_buffer`, `exp_avg`).
// A group's keys are checked against its optimizer's signature: a snake_case key
// (`weight_decay`) or a wrongly typed hyperparameter throws rather than being ignored.
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { bool, pyTypeName, signature, type ArgsOf, type Check, type Signature, type Spec } from '../tensor/args.js';
import { zeros } from '../tensor/create.js';
import { sameShape } from '../tensor/shape.js';
import { legacyTypeName } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';

/** A parameter group: its parameters and their hyperparameters (plus keys schedulers add, e.g. initialLr). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}

/** What a constructor or addParamGroup accepts for a group: params and any hyperparameters to override. */
export interface ParamGroupInput {
  params: Tensor | Iterable<Tensor>;
  [option: string]: unknown;
}

/** Parameters to optimize: tensors (`model.parameters()`) or parameter groups. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** optimizer.state_dict(): `state` keyed by parameter index, `param_groups` with `params` as indices. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, unknown>>;
  param_groups: Record<string, unknown>[];
}

/** A default that each group must provide itself (SGD's lr). */
export const required: unique symbol = Symbol('required');


export const toSnakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const toCamelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function typeName(value: unknown): string {
  if (value instanceof Tensor) return legacyTypeName(value.dtype);
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** zero_grad(set_to_none=False). */
const zeroGradArgs = signature('zeroGrad', [['setToNone', bool, false]] as const);

/** 'weightdecay', 'WeightDecay', 'weight_decay' -> 'weightdecay': spellings of one name. */
const looseName = (key: string) => key.replace(/_/g, '').toLowerCase();

/** A deep copy of arrays and plain objects, so state dicts never alias live state (PyTorch's tuples are immutable). */
export function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  return v;
}

/** Python writes at least two exponent digits: 1e-05, 1.0000e+00. */
const pyExponent = (s: string) => s.replace(/e([+-])(\d)$/, 'e$10$2');

/** Python's '{:.4e}'.format(x). */
export const formatE4 = (x: number) => pyExponent(x.toExponential(4));

/** repr of a hyperparameter as Python prints it (JS cannot tell 1.0 from 1: integral values print as ints). */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map(pyRepr).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string') return v;
  if (typeof v !== 'number' || Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const exp = Math.floor(Math.log10(Math.abs(v)));
  return exp >= -4 && exp < 16 ? String(v) : pyExponent(v.toExponential());
}

/**
 * Base class of every optimizer. Subclasses pass their defaults (camelCase keys, in
 * PyTorch's order) and implement `stepGroup`, which runs under noGrad.
 */
export abstract class Optimizer<G extends ParamGroup = ParamGroup, S extends object = Record<string, unknown>> {
  /**
   * The constructor's signature (PyTorch's, camelCased), when the subclass declares one:
   * parameter groups are checked against it. A subclass of its own may leave it out.
   */
  static readonly args?: Signature<Spec>;
  readonly defaults: Record<string, unknown>;
  paramGroups: G[] = [];
  /** Per-parameter state, with PyTorch's keys (momentum_buffer, step, exp_avg, …). */
  state = new Map<Tensor, S>();
  /** Loaded state entries whose keys name no parameter (PyTorch keeps them as they are). */
  private extraState: Record<string, unknown> = {};
  /** Counted by an attached lr scheduler (PyTorch's optimizer._step_count). */
  _stepCount?: number;
  /** State keys holding tensors shaped like their parameter; loadStateDict checks them. */
  protected readonly paramShapedState: readonly string[] = [];

  constructor(params: Params, defaults: Record<string, unknown>) {
    this.defaults = defaults;
    if (params instanceof Tensor || params == null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeName(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups = list[0] instanceof Tensor || !isPlainObject(list[0]) ? [{ params: list as Tensor[] }] : (list as ParamGroupInput[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group (e.g. layers unfrozen during fine-tuning); missing hyperparameters take the defaults. */
  addParamGroup(paramGroup: ParamGroupInput): void {
    if (!isPlainObject(paramGroup)) throw new TypeError('param group must be a dict');
    const input = paramGroup.params;
    if (input instanceof Set) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.',
      );
    }
    if (input === undefined) throw new TypeError("param group must have a 'params' entry");
    const params = input instanceof Tensor ? [input] : [...input];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`);
      if (!(p.isLeaf || p.retainsGrad)) throw new Error("can't optimize a non-leaf Tensor");
    }
    const group: Record<string, unknown> = { params };
    const where = this.constructor.name;
    const spec = (this.constructor as typeof Optimizer).args?.spec ?? [];
    for (const [key, value] of Object.entries(paramGroup)) {
      if (key === 'params' || value === undefined) continue;
      this.checkGroupKey(key, () => 'in a parameter group');
      const c = spec.find((e) => e !== '*' && e[0] === key)?.[1] as Check<unknown> | undefined;
      if (c !== undefined && !c.test(value)) throw new TypeError(`${where}(): parameter group option '${key}' must be ${c.expected}, not ${pyTypeName(value)}`);
      group[key] = value;
    }
    for (const [name, value] of Object.entries(this.defaults)) {
      if (name in group) continue;
      if (value === required) throw new Error(`parameter group didn't specify a value of required optimization parameter ${name}`);
      group[name] = copyValue(value);
    }
    if (new Set(params).size !== params.length) {
      warnOnce(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p))) throw new Error('some parameters appear in more than one parameter group');
    this.paramGroups.push(group as G);
  }

  /**
   * Zeroes the gradients (or with setToNone, drops them): `zeroGrad()`, `zeroGrad(true)`,
   * `zeroGrad({ setToNone: true })`. PyTorch 1.13's default keeps zeroed tensors.
   */
  zeroGrad(...args: ArgsOf<typeof zeroGradArgs>): void {
    const { setToNone } = zeroGradArgs.parse(args);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (setToNone) {
          p.grad = null;
          continue;
        }
        if (g.gradFn !== null) g.detach_();
        else g.requiresGrad_(false);
        g.zero_();
      }
    }
  }

  /**
   * One optimization step. `closure`, if given, re-evaluates the model and returns the
   * loss (it runs with grad enabled); step returns what it returned.
   */
  step<T = Tensor>(closure?: () => T): T | undefined {
    let loss: T | undefined;
    if (closure !== undefined) loss = enableGrad(closure);
    // A key set on a group since (g['weight_decay'] = 0, transcribed from Python) would be ignored: it throws.
    this.paramGroups.forEach((group, i) => {
      for (const key in group) this.checkGroupKey(key, () => `set on paramGroups[${i}]`);
    });
    noGrad(() => {
      for (const group of this.paramGroups) this.stepGroup(group);
    });
    return loss;
  }

  /**
   * PyTorch keeps any key in a group; one that only spells a hyperparameter differently
   * (snake_case, other casing) would be ignored by the step, so it throws.
   */
  private checkGroupKey(key: string, where: () => string): void {
    if (key in this.defaults || key === 'params') return;
    const loose = looseName(key);
    const meant = Object.keys(this.defaults).find((name) => looseName(name) === loose) ?? (key.includes('_') ? toCamelCase(key) : undefined);
    if (meant !== undefined && meant !== key) throw new TypeError(`${this.constructor.name}(): unexpected option '${key}' ${where()} — did you mean '${meant}'?`);
  }

  /** Updates the parameters of one group that have a gradient. */
  protected abstract stepGroup(group: G): void;

  /** The state of p, created by `init` on first use. */
  protected stateOf(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined) {
      s = init();
      this.state.set(p, s);
    }
    return s;
  }

  /** PyTorch's state_dict(): parameters become their index across all groups. Tensors are the live state, not copies. */
  stateDict(): OptimizerStateDict {
    const indexOf = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) if (key !== 'params') packed[toSnakeCase(key)] = copyValue(value);
      group.params.forEach((p, i) => {
        if (!indexOf.has(p)) indexOf.set(p, start + i);
      });
      packed.params = group.params.map((p) => indexOf.get(p) as number);
      start += group.params.length;
      return packed;
    });
    const state: Record<string, unknown> = {};
    for (const [p, s] of this.state) {
      const index = indexOf.get(p);
      if (index !== undefined) state[index] = { ...s };
    }
    Object.assign(state, this.extraState);
    return { state: state as OptimizerStateDict['state'], param_groups: paramGroups };
  }

  /**
   * PyTorch's load_state_dict(): groups and their sizes must match; state tensors are
   * copied and cast to their parameter's dtype (all but 'step'). Everything is checked
   * and built before anything is replaced, so an error leaves the optimizer unchanged.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    if (!isPlainObject(stateDict)) throw new TypeError(`optimizer state dict must be an object, got ${typeName(stateDict)}`);
    const savedGroups = stateDict.param_groups as unknown;
    const savedState = (stateDict.state ?? {}) as unknown;
    if (!Array.isArray(savedGroups)) throw new TypeError("optimizer state dict has no 'param_groups' list");
    if (!isPlainObject(savedState) && !(savedState instanceof Map)) throw new TypeError("optimizer state dict has no 'state' dict");
    const groups = this.paramGroups;
    if (groups.length !== savedGroups.length) throw new Error('loaded state dict has a different number of parameter groups');
    savedGroups.forEach((g: unknown, i) => {
      if (!isPlainObject(g) || !Array.isArray(g.params)) throw new TypeError(`loaded state dict's param_groups[${i}] has no 'params' list`);
      if (g.params.length !== groups[i].params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const saved = savedGroups as Record<string, unknown>[];

    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => (g.params as unknown[]).forEach((id, j) => idMap.set(Number(id), groups[i].params[j])));

    const state = new Map<Tensor, S>();
    const extra: Record<string, unknown> = {};
    const entries = savedState instanceof Map ? [...savedState.entries()] : Object.entries(savedState);
    for (const [key, value] of entries) {
      const param = idMap.get(Number(key));
      if (param === undefined) {
        extra[String(key)] = value;
        continue;
      }
      if (!isPlainObject(value) && !(value instanceof Map)) throw new TypeError(`loaded state dict has a state for parameter ${String(key)} that is not a dict`);
      const s = castState(param, value instanceof Map ? Object.fromEntries(value) : value);
      this.checkState(param, s, String(key));
      state.set(param, this.normalizeState(s) as S);
    }

    const paramGroups = groups.map((group, i) => {
      const next: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(saved[i])) if (key !== 'params') next[toCamelCase(key)] = copyValue(value);
      for (const [name, value] of Object.entries(this.defaults)) if (!(name in next) && value !== required) next[name] = copyValue(value);
      next.params = group.params;
      return next as G;
    });

    this.state = state;
    this.paramGroups = paramGroups;
    this.extraState = extra;
  }

  /** Converts loaded state written by older PyTorch versions (e.g. an int 'step') to the current layout. */
  protected normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    return s;
  }

  private checkState(param: Tensor, s: Record<string, unknown>, index: string): void {
    for (const key of this.paramShapedState) {
      const v = s[key];
      if (v === undefined || v === null) continue;
      if (!(v instanceof Tensor)) throw new TypeError(`loaded state dict has a ${typeName(v)} for '${key}' of parameter ${index}, expected a Tensor`);
      if (!sameShape(v.shape, param.shape)) {
        throw new Error(`loaded state dict has '${key}' of shape [${v.shape.join(', ')}] for parameter ${index} of shape [${param.shape.join(', ')}]`);
      }
    }
  }

  /** Optimizer.__repr__: each group's hyperparameters, sorted by PyTorch's names. */
  toString(): string {
    let out = `${this.constructor.name} (`;
    this.paramGroups.forEach((group, i) => {
      out += `\nParameter Group ${i}\n`;
      const keys = Object.keys(group).filter((k) => k !== 'params').map((k) => [toSnakeCase(k), k] as const);
      keys.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [snake, key] of keys) out += `    ${snake}: ${pyRepr(group[key])}\n`;
    });
    return `${out})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A deep copy of one parameter's loaded state, floating tensors cast to the parameter's dtype (PyTorch's cast()). */
function castState(param: Tensor, s: Record<string, unknown>): Record<string, unknown> {
  const cast = (value: unknown, key?: string): unknown => {
    if (value instanceof Tensor) {
      return noGrad(() => {
        const t = key !== 'step' && param.isFloatingPoint() ? value.to(param.dtype) : value;
        return t === value ? value.detach().clone() : t.detach();
      });
    }
    if (Array.isArray(value)) return value.map((v) => cast(v));
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, cast(v, String(k))]));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cast(v, k)]));
    return value;
  };
  return cast(s) as Record<string, unknown>;
}

/** torch.tensor(0.): the 0-d float step counter in Adam's and Adagrad's state. */
export const zeroStep = (): Tensor => zeros([]);

/** Pre-1.12 checkpoints hold 'step' as a Python number; PyTorch's __setstate__ makes it a tensor. */
export function stepAsTensor(s: Record<string, unknown>): Record<string, unknown> {
  return typeof s.step === 'number' ? { ...s, step: zeroStep().fill_(s.step) } : s;
}

/** The gradient a step follows (SGD's d_p): `-p.grad if maximize`, then `.add(p, alpha=weight_decay)` unless weight_decay is 0. */
export function gradOf(param: Tensor, maximize: boolean, weightDecay: number): Tensor {
  const grad = maximize ? (param.grad as Tensor).neg() : (param.grad as Tensor);
  return weightDecay !== 0 ? grad.add(param, { alpha: weightDecay }) : grad;
}
