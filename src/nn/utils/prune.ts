// torch.nn.utils.prune as in PyTorch 1.13: pruning `name` moves the parameter to
// name_orig, registers the buffer name_mask, and a forward pre-hook (the pruning method
// itself) recomputes module.name = name_mask * name_orig before every forward. Pruning the
// same tensor again combines the methods in a PruningContainer; remove() makes the pruned
// tensor a plain Parameter again. State-dict keys (weight_orig, weight_mask) and their
// order, the masks (topk / kthvalue with PyTorch's tie order, torch.rand from the default
// generator) and the errors are PyTorch's.
import { any, instance, nullable, signature, string, type ArgsOf } from '../../tensor/args.js';
import type { DType } from '../../tensor/dtype.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { kthvalue, topk } from '../../ops/sorting.js';
import { onesLike, rand, randLike, zerosLike } from '../../tensor/create.js';
import { Module, type ForwardPreHook } from '../module.js';
import { Parameter } from '../parameter.js';
import { parametersToVector } from './convert-parameters.js';

type Fields = Record<string, unknown>;
export type PruningType = 'unstructured' | 'structured' | 'global';
/** A count of entries (an integer, or a bigint) or a fraction of them in [0, 1]. */
export type Amount = number | bigint;

/** A pruning method's hook, as Module keeps it (the method is PyTorch's hook object). */
type Hook = ForwardPreHook & { pruningMethod?: BasePruningMethod };
const preHooks = (m: Module) => (m as unknown as { _forwardPreHooks: Hook[] })._forwardPreHooks;
const fields = (m: Module) => m as unknown as Fields;
const torchSize = (shape: readonly number[]) => `torch.Size(${formatShape(shape)})`;

/**
 * _validate_pruning_amount_init. JavaScript has one number type: an integer is a count (Python's
 * int), a fraction is a float; 1 alone would mean one entry as an int and all of them as the
 * float 1.0, so it is refused rather than guessed.
 */
function checkAmount(amount: unknown): Amount {
  if (typeof amount === 'bigint') {
    if (amount < 0n) throw new RangeError(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
    return amount;
  }
  if (typeof amount !== 'number' || Number.isNaN(amount)) throw new TypeError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  if (amount === 1) {
    throw new RangeError(
      'amount=1 is ambiguous in JavaScript: PyTorch prunes one entry for the int 1 and every entry for the float 1.0. ' +
        'Write 1n for one entry, or the number of entries (e.g. t.numel()) for all of them.',
    );
  }
  if (amount < 0 || (!Number.isInteger(amount) && amount > 1)) {
    throw new RangeError(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
  return amount;
}

const isCount = (amount: Amount): boolean => typeof amount === 'bigint' || Number.isInteger(amount);

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** _compute_nparams_toprune and _validate_pruning_amount. */
function nparamsToPrune(amount: Amount, tensorSize: number): number {
  const n = isCount(amount) ? Number(amount) : roundHalfEven(amount as number * tensorSize);
  if (isCount(amount) && n > tensorSize) throw new RangeError(`amount=${amount} should be smaller than the number of parameters to prune=${tensorSize}`);
  return n;
}

function checkStructured(t: Tensor, dim: number): void {
  if (t.dim() <= 1) throw new RangeError(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${torchSize(t.shape)} with ${t.dim()} dims`);
  if (dim >= t.dim()) throw new RangeError(`Invalid index ${dim} for tensor of size ${torchSize(t.shape)}`);
}

/** mask[:, ..., channels, ...] = 1 on zeros shaped like t (channels: indices or a bool mask along dim). */
function channelMask(t: Tensor, dim: number, channels: Tensor): Tensor {
  const mask = zerosLike(t);
  const slc: (string | Tensor)[] = t.shape.map(() => ':');
  slc[dim < 0 ? dim + t.dim() : dim] = channels;
  mask.indexPut_(slc, 1);
  return mask;
}

/** A contiguous copy (clone(memory_format=torch.contiguous_format)). */
const contiguousClone = (t: Tensor): Tensor => t.contiguous().clone();

/** The trailing options object of a Python call's keyword arguments, split from the positional ones. */
function splitKeyword(args: unknown[], key: string): [unknown[], unknown] {
  const last = args[args.length - 1];
  if (last === null || typeof last !== 'object' || Object.getPrototypeOf(last) !== Object.prototype || !(key in last)) return [args, null];
  const { [key]: value, ...rest } = last as Record<string, unknown>;
  return [Object.keys(rest).length === 0 ? args.slice(0, -1) : [...args.slice(0, -1), rest], value ?? null];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor arguments (Python's *args)
type MethodClass = (abstract new (...args: any[]) => BasePruningMethod) & { PRUNING_TYPE?: PruningType };

/**
 * prune.BasePruningMethod: subclass it with `static PRUNING_TYPE` ('unstructured', 'structured'
 * with a `dim` field, or 'global') and `computeMask(t, defaultMask)`, then call
 * `MyMethod.apply(module, name, ...constructorArgs)` (a trailing `{ importanceScores }` is
 * taken out, as PyTorch's keyword argument).
 */
export abstract class BasePruningMethod {
  static PRUNING_TYPE?: PruningType;
  /** The name of the pruned tensor (PyTorch's _tensor_name). */
  _tensorName: string | undefined = undefined;

  /** The class's PRUNING_TYPE (Python reads the class attribute through the instance). */
  get PRUNING_TYPE(): PruningType | undefined {
    return (this.constructor as MethodClass).PRUNING_TYPE;
  }

  /** The mask to apply to `t` on top of `defaultMask` (1 keeps an entry, 0 prunes it). */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /** __call__(module, inputs): the forward pre-hook, which recomputes module.<name>. */
  call(module: Module, _inputs?: unknown[]): void {
    fields(module)[this.tensorName()] = this.applyMask(module);
  }

  private tensorName(): string {
    if (this._tensorName === undefined) throw new Error(`Module ${this.constructor.name} has to be pruned`);
    return this._tensorName;
  }

  /** apply_mask(module): name_mask (cast to name_orig's dtype) * name_orig. */
  applyMask(module: Module): Tensor {
    const name = this.tensorName();
    const mask = fields(module)[`${name}_mask`] as Tensor;
    const orig = fields(module)[`${name}_orig`] as Tensor;
    return mask.to(orig.dtype).mul(orig);
  }

  /** prune(t, default_mask=None, importance_scores=None): t times its mask, outside any module. */
  prune(t: Tensor, defaultMask: Tensor | null = null, importanceScores: Tensor | null = null): Tensor {
    if (importanceScores !== null && !sameShape(importanceScores.shape, t.shape)) throw new Error('importance_scores should have the same shape as tensor t');
    return t.mul(this.computeMask(importanceScores ?? t, defaultMask ?? onesLike(t)));
  }

  /** remove(module): module.<name> becomes a Parameter again holding the pruned values (name_orig's object). */
  remove(module: Module): void {
    const name = this.tensorName();
    const weight = this.applyMask(module);
    const f = fields(module);
    delete f[name];
    const orig = f[`${name}_orig`] as Parameter;
    orig.data = weight.data;
    delete f[`${name}_orig`];
    delete f[`${name}_mask`];
    (module as unknown as { _bufferNames: Set<string> })._bufferNames.delete(`${name}_mask`);
    module.registerParameter(name, orig);
  }

  /**
   * BasePruningMethod.apply(module, name, *args, importance_scores=None, **kwargs): prunes
   * module.<name> with `new this(...args)` (combined with an earlier pruning of the same tensor).
   */
  static apply(module: Module, name: string, ...args: unknown[]): BasePruningMethod {
    const [ctorArgs, scores] = splitKeyword(args, 'importanceScores');
    return applyMethod(this as unknown as MethodClass, module, name, ctorArgs, scores as Tensor | null);
  }
}

/** PyTorch's BasePruningMethod.apply with the method's constructor arguments split off. */
function applyMethod(cls: MethodClass, module: Module, name: string, ctorArgs: unknown[], importanceScores: Tensor | null): BasePruningMethod {
  if (!(module instanceof Module)) throw new TypeError(`prune: module must be a Module, got ${typeof module}`);
  if (typeof name !== 'string') throw new TypeError(`prune: name must be a string, got ${typeof name}`);
  // _get_composite_method: the earlier method on this tensor, if any, is taken off the hooks
  const hooks = preHooks(module);
  const old = hooks.filter((h) => h.pruningMethod?._tensorName === name);
  if (old.length > 1) throw new Error(`Avoid adding multiple pruning hooks to the same tensor ${name} of module ${String(module)}. Use a PruningContainer.`);
  const oldMethod = old.length === 1 ? old[0].pruningMethod! : null;
  let method = new (cls as unknown as new (...a: unknown[]) => BasePruningMethod)(...ctorArgs);
  method._tensorName = name;
  const f = fields(module);
  const orig = f[name];
  if (!(orig instanceof Tensor)) throw new TypeError(`'${module.constructor.name}' object has no attribute '${name}'`);
  if (importanceScores !== null) {
    if (!sameShape(importanceScores.shape, orig.shape)) throw new Error(`importance_scores should have the same shape as parameter ${name} of ${String(module)}`);
  }
  const scores = importanceScores ?? orig;
  if (oldMethod !== null) {
    hooks.splice(hooks.indexOf(old[0]), 1);
    if (oldMethod instanceof PruningContainer) {
      oldMethod.addPruningMethod(method);
      method = oldMethod;
    } else {
      const container = new PruningContainer(oldMethod);
      container.addPruningMethod(method);
      method = container;
    }
  }
  let defaultMask: Tensor;
  const fresh = !(method instanceof PruningContainer);
  if (fresh) {
    module.registerParameter(`${name}_orig`, orig as Parameter);
    delete f[name];
    defaultMask = onesLike(orig);
  } else {
    defaultMask = contiguousClone((f[`${name}_mask`] as Tensor).detach());
  }
  try {
    const mask = method.computeMask(scores, defaultMask);
    module.registerBuffer(`${name}_mask`, mask);
    f[name] = method.applyMask(module);
    const m = method;
    const hook: Hook = (mod) => m.call(mod);
    hook.pruningMethod = method;
    module.registerForwardPreHook(hook);
  } catch (e) {
    if (fresh) {
      const o = f[`${name}_orig`] as Parameter;
      delete f[`${name}_orig`];
      module.registerParameter(name, o);
    }
    throw e;
  }
  return method;
}

/**
 * prune.PruningContainer(*methods): the sequence of methods applied to one tensor; its mask
 * applies the newest method to the entries (or channels) the earlier ones left.
 */
export class PruningContainer extends BasePruningMethod {
  private _pruningMethods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) this._tensorName = methods[0]._tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }

  /** add_pruning_method(method). */
  addPruningMethod(method: BasePruningMethod | null): void {
    if (method !== null && !(method instanceof BasePruningMethod)) throw new TypeError(`${String(method)} is not a BasePruningMethod subclass`);
    if (method !== null && this._tensorName !== method._tensorName) {
      throw new RangeError(`Can only add pruning methods acting on the parameter named '${this._tensorName}' to PruningContainer ${String(this)}. Found '${method._tensorName}'`);
    }
    this._pruningMethods.push(method as BasePruningMethod);
  }

  get length(): number {
    return this._pruningMethods.length;
  }

  [Symbol.iterator](): Iterator<BasePruningMethod> {
    return this._pruningMethods[Symbol.iterator]();
  }

  /** container[idx] (negative from the end). */
  at(idx: number): BasePruningMethod | undefined {
    return this._pruningMethods.at(idx);
  }

  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this._pruningMethods[this._pruningMethods.length - 1];
    // _combine_masks: the newest method sees only the part of t still unpruned
    const newMask = defaultMask.to(t.dtype);
    let slc: (string | Tensor)[];
    const type = method.PRUNING_TYPE;
    if (type === 'unstructured') {
      slc = [defaultMask.eq(1)];
    } else if (type === 'structured') {
      const methodDim = (method as unknown as { dim?: number }).dim;
      if (methodDim === undefined) throw new TypeError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
      const nDims = t.dim();
      const dim = methodDim < 0 ? nDims + methodDim : methodDim;
      if (dim < 0) throw new RangeError(`Index is out of bounds for tensor with dimensions ${nDims}`);
      const others = t.shape.map((_, d) => d).filter((d) => d !== dim);
      const keepChannel = defaultMask.sum(others).ne(0);
      slc = t.shape.map(() => ':');
      slc[dim] = keepChannel;
    } else if (type === 'global') {
      slc = t.shape.map(() => ':');
    } else {
      throw new RangeError(`Unrecognized PRUNING_TYPE ${String(type)}`);
    }
    const partialMask = method.computeMask(t.index(...slc), defaultMask.index(...slc));
    newMask.indexPut_(slc, partialMask.to(newMask.dtype));
    return newMask;
  }
}

/** prune.Identity: a mask of ones (the tensor is reparametrized but nothing is pruned). */
export class Identity extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'unstructured';
  override computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
}

const amountArgs = signature('RandomUnstructured', [['amount', any]] as const);

/** prune.RandomUnstructured(amount): prunes `amount` entries chosen at random (torch.rand_like + topk). */
export class RandomUnstructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'unstructured';
  amount: Amount;
  constructor(...args: ArgsOf<typeof amountArgs>) {
    super();
    this.amount = checkAmount(amountArgs.parse(args).amount);
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const k = nparamsToPrune(this.amount, t.numel());
    const mask = contiguousClone(defaultMask);
    if (k !== 0) {
      const prob = randLike(t);
      mask.view(-1).indexPut_([topk(prob.view(-1), k).indices], 0);
    }
    return mask;
  }
  /** RandomUnstructured.apply(module, name, amount). */
  static override apply(module: Module, name: string, ...args: ArgsOf<typeof amountArgs>): BasePruningMethod {
    return applyMethod(this, module, name, args, null);
  }
}

const l1Args = signature('L1Unstructured.apply', [['amount', any], ['importanceScores', nullable(instance(Tensor, 'Tensor')), null]] as const);

/** prune.L1Unstructured(amount): prunes the `amount` entries of smallest absolute value. */
export class L1Unstructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'unstructured';
  amount: Amount;
  constructor(...args: ArgsOf<typeof amountArgs>) {
    super();
    this.amount = checkAmount(amountArgs.parse(args).amount);
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const k = nparamsToPrune(this.amount, t.numel());
    const mask = contiguousClone(defaultMask);
    if (k !== 0) mask.view(-1).indexPut_([topk(t.abs().view(-1), k, { largest: false }).indices], 0);
    return mask;
  }
  /** L1Unstructured.apply(module, name, amount, importance_scores=None). */
  static override apply(module: Module, name: string, ...args: ArgsOf<typeof l1Args>): BasePruningMethod {
    const { amount, importanceScores } = l1Args.parse(args);
    return applyMethod(this, module, name, [amount], importanceScores);
  }
}

const dimArg = signature('RandomStructured', [['amount', any], ['dim', any, -1]] as const);
const intDim = (dim: unknown): number => {
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an int, got ${String(dim)}`);
  return dim as number;
};

/** prune.RandomStructured(amount, dim=-1): prunes `amount` whole channels along dim, chosen at random. */
export class RandomStructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'structured';
  amount: Amount;
  dim: number;
  constructor(...args: ArgsOf<typeof dimArg>) {
    super();
    const a = dimArg.parse(args);
    this.amount = checkAmount(a.amount);
    this.dim = intDim(a.dim);
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    checkStructured(t, this.dim);
    const size = t.shape.at(this.dim)!;
    const k = nparamsToPrune(this.amount, size);
    if (k === 0) return defaultMask;
    const prob = rand(size);
    const threshold = kthvalue(prob, k).values;
    const mask = channelMask(t, this.dim, prob.gt(threshold));
    mask.mul_(defaultMask.to(mask.dtype));
    return mask;
  }
  /** RandomStructured.apply(module, name, amount, dim). */
  static override apply(module: Module, name: string, amount: Amount, dim: number): BasePruningMethod {
    return applyMethod(this, module, name, [amount, dim], null);
  }
}

/** n of LnStructured: a norm order, as torch.norm's p. */
type NormOrder = number | 'fro';
const lnArgs = signature('LnStructured', [['amount', any], ['n', any], ['dim', any, -1]] as const);
const lnApplyArgs = signature('LnStructured.apply', [['amount', any], ['n', any], ['dim', any], ['importanceScores', nullable(instance(Tensor, 'Tensor')), null]] as const);

/** prune.LnStructured(amount, n, dim=-1): prunes the `amount` channels along dim of smallest L_n norm. */
export class LnStructured extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'structured';
  amount: Amount;
  n: NormOrder;
  dim: number;
  constructor(...args: ArgsOf<typeof lnArgs>) {
    super();
    const a = lnArgs.parse(args);
    this.amount = checkAmount(a.amount);
    if (typeof a.n !== 'number' && a.n !== 'fro') throw new TypeError(`n must be a number or 'fro', got ${String(a.n)}`);
    this.n = a.n;
    this.dim = intDim(a.dim);
  }
  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    checkStructured(t, this.dim);
    const size = t.shape.at(this.dim)!;
    const k = nparamsToPrune(this.amount, size);
    // _compute_norm: the L_n norm of each channel (over every other dim)
    const dim = this.dim < 0 ? this.dim + t.dim() : this.dim;
    const dims = t.shape.map((_, d) => d).filter((d) => d !== dim);
    const norm = t.norm(this.n, dims);
    const keep = topk(norm, size - k, { largest: true });
    if (k === 0) return defaultMask;
    const mask = channelMask(t, this.dim, keep.indices);
    mask.mul_(defaultMask.to(mask.dtype));
    return mask;
  }
  /** LnStructured.apply(module, name, amount, n, dim, importance_scores=None). */
  static override apply(module: Module, name: string, ...args: ArgsOf<typeof lnApplyArgs>): BasePruningMethod {
    const { amount, n, dim, importanceScores } = lnApplyArgs.parse(args);
    return applyMethod(this, module, name, [amount, n, dim], importanceScores);
  }
}

const maskArgs = signature('CustomFromMask', [['mask', instance(Tensor, 'Tensor')]] as const);

/** prune.CustomFromMask(mask): the given mask (on top of any earlier one). */
export class CustomFromMask extends BasePruningMethod {
  static override PRUNING_TYPE: PruningType = 'global';
  mask: Tensor;
  constructor(...args: ArgsOf<typeof maskArgs>) {
    super();
    this.mask = maskArgs.parse(args).mask;
  }
  override computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (!sameShape(defaultMask.shape, this.mask.shape)) throw new Error(`CustomFromMask: the mask's shape ${torchSize(this.mask.shape)} is not the tensor's ${torchSize(defaultMask.shape)}`);
    return defaultMask.mul(this.mask.to(defaultMask.dtype as DType));
  }
  /** CustomFromMask.apply(module, name, mask). */
  static override apply(module: Module, name: string, ...args: ArgsOf<typeof maskArgs>): BasePruningMethod {
    return applyMethod(this, module, name, [maskArgs.parse(args).mask], null);
  }
}

// --- the functional interface ---

const moduleArg = instance(Module, 'Module');
const identityArgs = signature('identity', [['module', moduleArg], ['name', string]] as const);
const randomUnstructuredArgs = signature('random_unstructured', [['module', moduleArg], ['name', string], ['amount', any]] as const);
const l1UnstructuredArgs = signature('l1_unstructured', [['module', moduleArg], ['name', string], ['amount', any], ['importanceScores', nullable(instance(Tensor, 'Tensor')), null]] as const);
const randomStructuredArgs = signature('random_structured', [['module', moduleArg], ['name', string], ['amount', any], ['dim', any]] as const);
const lnStructuredArgs = signature('ln_structured', [['module', moduleArg], ['name', string], ['amount', any], ['n', any], ['dim', any], ['importanceScores', nullable(instance(Tensor, 'Tensor')), null]] as const);
const customFromMaskArgs = signature('custom_from_mask', [['module', moduleArg], ['name', string], ['mask', instance(Tensor, 'Tensor')]] as const);
const removeArgs = signature('remove', [['module', moduleArg], ['name', string]] as const);

/** identity(module, name): reparametrizes module.<name> with a mask of ones. Returns the module. */
export function identity<M extends Module>(...args: ArgsOf<typeof identityArgs>): M {
  const { module, name } = identityArgs.parse(args);
  applyMethod(Identity, module, name, [], null);
  return module as M;
}

/** random_unstructured(module, name, amount): prunes `amount` random entries. Returns the module. */
export function randomUnstructured<M extends Module>(...args: ArgsOf<typeof randomUnstructuredArgs>): M {
  const { module, name, amount } = randomUnstructuredArgs.parse(args);
  applyMethod(RandomUnstructured, module, name, [amount], null);
  return module as M;
}

/** l1_unstructured(module, name, amount, importance_scores=None): prunes the smallest |entries|. Returns the module. */
export function l1Unstructured<M extends Module>(...args: ArgsOf<typeof l1UnstructuredArgs>): M {
  const { module, name, amount, importanceScores } = l1UnstructuredArgs.parse(args);
  applyMethod(L1Unstructured, module, name, [amount], importanceScores);
  return module as M;
}

/** random_structured(module, name, amount, dim): prunes `amount` random channels along dim. Returns the module. */
export function randomStructured<M extends Module>(...args: ArgsOf<typeof randomStructuredArgs>): M {
  const { module, name, amount, dim } = randomStructuredArgs.parse(args);
  applyMethod(RandomStructured, module, name, [amount, dim], null);
  return module as M;
}

/** ln_structured(module, name, amount, n, dim, importance_scores=None): prunes the channels of smallest L_n norm. Returns the module. */
export function lnStructured<M extends Module>(...args: ArgsOf<typeof lnStructuredArgs>): M {
  const { module, name, amount, n, dim, importanceScores } = lnStructuredArgs.parse(args);
  applyMethod(LnStructured, module, name, [amount, n, dim], importanceScores);
  return module as M;
}

/** custom_from_mask(module, name, mask): prunes where mask is 0. Returns the module. */
export function customFromMask<M extends Module>(...args: ArgsOf<typeof customFromMaskArgs>): M {
  const { module, name, mask } = customFromMaskArgs.parse(args);
  applyMethod(CustomFromMask, module, name, [mask], null);
  return module as M;
}

/** remove(module, name): makes the pruning of module.<name> permanent (a plain Parameter again). Returns the module. */
export function remove<M extends Module>(...args: ArgsOf<typeof removeArgs>): M {
  const { module, name } = removeArgs.parse(args);
  const hooks = preHooks(module);
  const hook = hooks.find((h) => h.pruningMethod?._tensorName === name);
  if (hook === undefined) throw new RangeError(`Parameter '${name}' of module ${String(module)} has to be pruned before pruning can be removed`);
  hook.pruningMethod!.remove(module);
  hooks.splice(hooks.indexOf(hook), 1);
  return module as M;
}

/** is_pruned(module): whether the module or any submodule has a pruning hook. */
export function isPruned(module: Module): boolean {
  for (const [, m] of module.namedModules()) if (preHooks(m).some((h) => h.pruningMethod !== undefined)) return true;
  return false;
}

/** The pruning method reparametrizing module.<name>, or null (PyTorch finds it among module._forward_pre_hooks). */
export function pruningMethodOf(module: Module, name: string): BasePruningMethod | null {
  return preHooks(module).find((h) => h.pruningMethod?._tensorName === name)?.pruningMethod ?? null;
}

type ParamRef = readonly [Module, string];
/** importance_scores of global_unstructured: PyTorch's dict keyed by (module, name). */
export type ImportanceScores = Map<ParamRef, Tensor>;

/**
 * global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs): one
 * unstructured pruning over all the listed (module, name) tensors at once; kwargs (e.g.
 * `{ amount: 0.2 }`) go to the method's constructor.
 */
export function globalUnstructured(
  parameters: Iterable<ParamRef>,
  ...rest: [pruningMethod: MethodClass, options?: Record<string, unknown>] | [options: Record<string, unknown>]
): void {
  if (parameters === null || typeof (parameters as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError('global_unstructured(): parameters is not an Iterable');
  }
  const params = [...parameters];
  let pruningMethod: MethodClass | undefined;
  let options: Record<string, unknown>;
  if (typeof rest[0] === 'function') {
    pruningMethod = rest[0];
    options = { ...(rest[1] ?? {}) };
  } else {
    options = { ...(rest[0] ?? {}) };
    pruningMethod = options.pruningMethod as MethodClass | undefined;
    delete options.pruningMethod;
  }
  if (typeof pruningMethod !== 'function') throw new TypeError("global_unstructured() missing 1 required positional argument: 'pruning_method'");
  const scores = (options.importanceScores ?? null) as ImportanceScores | null;
  delete options.importanceScores;
  if (scores !== null && !(scores instanceof Map)) throw new TypeError('global_unstructured(): importance_scores must be of type dict');
  const scoreOf = (m: Module, name: string): Tensor | undefined => {
    if (scores === null) return undefined;
    for (const [[km, kn], v] of scores) if (km === m && kn === name) return v;
    return undefined;
  };
  const get = (m: Module, name: string) => fields(m)[name] as Tensor;
  const relevantScores = parametersToVector(params.map(([m, name]) => scoreOf(m, name) ?? get(m, name)));
  const defaultMask = parametersToVector(params.map(([m, name]) => (fields(m)[`${name}_mask`] as Tensor | undefined) ?? onesLike(get(m, name))));
  const container = new PruningContainer();
  container._tensorName = 'temp';
  const method = new (pruningMethod as unknown as new (o: Record<string, unknown>) => BasePruningMethod)(options);
  method._tensorName = 'temp';
  if (method.PRUNING_TYPE !== 'unstructured') {
    throw new TypeError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${pruningMethod.name} of type ${String(method.PRUNING_TYPE)}`);
  }
  container.addPruningMethod(method);
  const finalMask = container.computeMask(relevantScores, defaultMask);
  let pointer = 0;
  for (const [m, name] of params) {
    const param = get(m, name);
    const num = param.numel();
    customFromMask(m, name, finalMask.narrow(0, pointer, num).viewAs(param));
    pointer += num;
  }
}
