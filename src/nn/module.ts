// nn.Module: parameters, buffers and submodules are the fields a module assigns
// (registration order = assignment order, as JavaScript keeps property order), with
// PyTorch's traversal, state_dict layout, hooks and repr. addModule / registerModule /
// registerParameter / registerBuffer register by name with PyTorch's checks and errors;
// containers (Sequential, ModuleList, …) keep their items in order in a map of their own.
import { noGrad } from '../autograd/grad-mode.js';
import { parseTo, typeDtype, type ToOptions } from '../ops/copy.js';
import { any, bool, nullable, pyTypeName, record, signature, string, check, type ArgsOf, type Check } from '../tensor/args.js';
import { device as toDevice, type DeviceLike } from '../tensor/device.js';
import { preserveFormat } from '../tensor/memory-format.js';
import { isFloatingDtype, legacyTypeName, type DType } from '../tensor/dtype.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { BackwardHookCall, type FullBackwardHook } from './backward-hooks.js';
import { isLazy, Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export type ForwardHook = (module: Module, input: unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: Module, input: unknown[]) => unknown[] | void;

export interface RemovableHandle {
  remove(): void;
}

/** Python's KeyError (bad or clashing names in registration, missing ModuleDict keys). */
export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/**
 * load_state_dict's result: the key lists, printed as PyTorch prints its _IncompatibleKeys
 * (scripts print it). The repr is not enumerable, so the object compares as its two lists.
 */
function incompatibleKeys(missingKeys: string[], unexpectedKeys: string[]): IncompatibleKeys {
  const list = (keys: string[]) => `[${keys.map((k) => `'${k}'`).join(', ')}]`;
  const repr = () =>
    missingKeys.length === 0 && unexpectedKeys.length === 0
      ? '<All keys matched successfully>'
      : `_IncompatibleKeys(missing_keys=${list(missingKeys)}, unexpected_keys=${list(unexpectedKeys)})`;
  const result = { missingKeys, unexpectedKeys };
  Object.defineProperty(result, 'toString', { value: repr });
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: repr });
  return result;
}

/** torch.typename: 'int', 'str', 'torch.FloatTensor', the class name of other objects. */
export function typename(v: unknown): string {
  return v instanceof Tensor ? legacyTypeName(v.dtype) : pyTypeName(v);
}

/** What a name is registered as (PyTorch's _parameters, _buffers, _modules). */
export type Registered = 'parameter' | 'buffer' | 'module';

/** Fields that are Module machinery, never parameters or children. */
const INTERNAL = new Set(['training', 'forward']);

const stateDictLike: Check<StateDict | Map<string, Tensor>> = check('a state dict (an object or Map of tensors)', (v) => v !== null && typeof v === 'object' && !(v instanceof Tensor), true);

const registerBufferArgs = signature('registerBuffer', [['name', any], ['tensor', any], ['persistent', bool, true]] as const);
const registerParameterArgs = signature('registerParameter', [['name', any], ['param', any]] as const);
const addModuleArgs = signature('addModule', [['name', any], ['module', any]] as const);
const registerModuleArgs = signature('registerModule', [['name', any], ['module', any]] as const);
const namedArgs = signature('namedParameters', [['prefix', string, ''], ['recurse', bool, true]] as const);
const namedBuffersArgs = signature('namedBuffers', [['prefix', string, ''], ['recurse', bool, true]] as const);
const recurseArgs = signature('parameters', [['recurse', bool, true]] as const);
const buffersArgs = signature('buffers', [['recurse', bool, true]] as const);
const namedModulesArgs = signature('namedModules', [['memo', nullable(check<Set<Module>>('a Set', (v) => v instanceof Set)), null], ['prefix', string, ''], ['removeDuplicate', bool, true]] as const);
const trainArgs = signature('train', [['mode', bool, true]] as const);
const requiresGradArgs = signature('requiresGrad_', [['requiresGrad', bool, true]] as const);
const zeroGradArgs = signature('zeroGrad', [['setToNone', bool, false]] as const);
const stateDictArgs = signature('stateDict', ['*', ['destination', nullable(record), null], ['prefix', string, ''], ['keepVars', bool, false]] as const);
const loadStateDictArgs = signature('loadStateDict', [['stateDict', stateDictLike], ['strict', bool, true]] as const);
const typeArgs = signature('type', [['dstType', check<string | DType | { readonly dtype: DType }>('a dtype or a type such as torch.DoubleTensor', (v) => typeof v === 'string' || (typeof v === 'function' && 'dtype' in v))]] as const);

/**
 * Base class of every layer. Subclasses assign Parameters, buffers (registerBuffer)
 * and submodules as fields and implement `forward`. Calling `module.forward(x)` runs
 * the forward pre-hooks and hooks around the subclass's forward (`module.call(x)`
 * is the same), so there is no separate `__call__`.
 */
export class Module {
  training = true;
  private _bufferNames = new Set<string>();
  private _nonPersistent = new Set<string>();
  /** Child slots registered as None (addModule(name, null)): printed as "(name): None". */
  private _noneModules = new Set<string>();
  private _forwardHooks: ForwardHook[] = [];
  private _forwardPreHooks: ForwardPreHook[] = [];
  private _fullBackwardHooks: FullBackwardHook[] = [];

  constructor() {
    for (const key of ['_bufferNames', '_nonPersistent', '_noneModules', '_forwardHooks', '_forwardPreHooks', '_fullBackwardHooks']) {
      Object.defineProperty(this, key, { enumerable: false });
    }
    // The subclass's constructor and every caller see the guarded module (see guardModule).
    const guarded = guardModule(this);
    wrapForward(guarded);
    return guarded;
  }

  forward(..._args: unknown[]): unknown {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /** Same as forward (PyTorch's module(x)). */
  call(...args: unknown[]): unknown {
    return (this.forward as (...a: unknown[]) => unknown)(...args);
  }

  /** @internal Runs the hooks around the subclass's forward (in PyTorch's _call_impl order). */
  _runForward(impl: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    if (this._forwardPreHooks.length === 0 && this._forwardHooks.length === 0 && this._fullBackwardHooks.length === 0) return impl.apply(this, args);
    let input = args;
    // A copy: a hook may remove itself (a Lazy module's does).
    for (const hook of this._forwardPreHooks.slice()) {
      const replaced = hook(this, input);
      if (replaced !== undefined) input = Array.isArray(replaced) ? replaced : [replaced];
    }
    const backwardHooks = this._fullBackwardHooks.length > 0 ? new BackwardHookCall(this, this._fullBackwardHooks.slice()) : null;
    if (backwardHooks !== null) input = backwardHooks.wrapInputs(input);
    let output = impl.apply(this, input);
    for (const hook of this._forwardHooks) {
      const replaced = hook(this, input, output);
      if (replaced !== undefined) output = replaced;
    }
    return backwardHooks === null ? output : backwardHooks.wrapOutput(output);
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this._forwardHooks.push(hook);
    return { remove: () => removeFrom(this._forwardHooks, hook) };
  }

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    this._forwardPreHooks.push(hook);
    return { remove: () => removeFrom(this._forwardPreHooks, hook) };
  }

  /**
   * hook(module, gradInput, gradOutput) runs when the gradients w.r.t. the module's inputs
   * have been computed: one entry per forward argument and per output (null where there is
   * none); returning an array replaces gradInput. As PyTorch's, the Tensor inputs and outputs
   * pass through an identity node, so the outputs' gradFn becomes BackwardHookFunctionBackward.
   */
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
    this._fullBackwardHooks.push(hook);
    return { remove: () => removeFrom(this._fullBackwardHooks, hook) };
  }

  // --- registration ---

  /**
   * register_buffer(name, tensor, persistent=True): a tensor that is part of the module's
   * state but not a parameter (e.g. running_mean); non-persistent buffers stay out of the state dict.
   */
  registerBuffer(...args: ArgsOf<typeof registerBufferArgs>): void {
    const { name, tensor, persistent } = registerBufferArgs.parse(args);
    this.checkName('buffer', name);
    if (this.registeredAs(name) !== 'buffer' && this.hasAttribute(name)) throw new KeyError(`attribute '${name}' already exists`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${typename(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    this.store('buffer', name, tensor);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
  }

  /** register_parameter(name, param): adds a Parameter (or None) under `name`. */
  registerParameter(...args: ArgsOf<typeof registerParameterArgs>): void {
    const { name, param } = registerParameterArgs.parse(args);
    this.checkName('parameter', name);
    if (this.registeredAs(name) !== 'parameter' && this.hasAttribute(name)) throw new KeyError(`attribute '${name}' already exists`);
    if (param !== null) {
      if (!(param instanceof Parameter)) throw new TypeError(`cannot assign '${typename(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
      if (param.gradFn !== null) {
        throw new RangeError(
          `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
        );
      }
    }
    this.store('parameter', name, param);
  }

  /** add_module(name, module): adds a child module (or None) under `name`. */
  addModule(...args: ArgsOf<typeof addModuleArgs>): void {
    const { name, module } = addModuleArgs.parse(args);
    this.addModuleChecked(name, module);
  }

  /** register_module(name, module): alias of addModule. */
  registerModule(...args: ArgsOf<typeof registerModuleArgs>): void {
    const { name, module } = registerModuleArgs.parse(args);
    this.addModuleChecked(name, module);
  }

  /** add_module's checks, in PyTorch's order and with its messages. */
  protected addModuleChecked(name: unknown, module: unknown): void {
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typename(module)} is not a Module subclass`);
    if (typeof name !== 'string') throw new TypeError(`module name should be a string. Got ${typename(name)}`);
    if (this.registeredAs(name) !== 'module' && this.hasAttribute(name)) throw new KeyError(`attribute '${name}' already exists`);
    if (name.includes('.')) throw new KeyError(`module name can't contain ".", got: ${name}`);
    if (name === '') throw new KeyError(`module name can't be empty string ""`);
    this.store('module', name, module);
  }

  private checkName(kind: 'buffer' | 'parameter', name: unknown): asserts name is string {
    if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typename(name)}`);
    if (name.includes('.')) throw new KeyError(`${kind} name can't contain "."`);
    if (name === '') throw new KeyError(`${kind} name can't be empty string ""`);
  }

  /** hasattr(self, name): a field, method or getter; a field left undefined or null is a free slot. */
  private hasAttribute(name: string): boolean {
    if (!(name in this)) return false;
    if (!Object.prototype.hasOwnProperty.call(this, name)) return true;
    const v = (this as unknown as Record<string, unknown>)[name];
    return v !== undefined && v !== null;
  }

  /** What `name` is registered as here, or null. Containers add their items. */
  protected registeredAs(name: string): Registered | null {
    if (this._bufferNames.has(name)) return this.ownValue(name) instanceof Parameter ? 'parameter' : 'buffer';
    if (this._noneModules.has(name)) return 'module';
    if (!Object.prototype.hasOwnProperty.call(this, name)) return null;
    const v = (this as unknown as Record<string, unknown>)[name];
    if (v instanceof Parameter) return 'parameter';
    if (v instanceof Module) return 'module';
    return null;
  }

  /** Stores a checked registration. Containers keep their items in a map of their own. */
  protected store(kind: Registered, name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
    if (kind === 'buffer') this._bufferNames.add(name);
    else this._bufferNames.delete(name);
    if (kind === 'module' && value === null) this._noneModules.add(name);
    else this._noneModules.delete(name);
  }

  /** Own (name, value) entries in registration order. Containers override to list their items. */
  protected entries(): [string, unknown][] {
    // Object.entries(this) filtered, read off the module itself rather than its guarding Proxy
    // (Object.keys through a Proxy takes V8's slow path, and zeroGrad / parameters() run this
    // every step). A field named with a leading '_' counts only when it holds a Parameter or a
    // module, or was registered by name (a buffer, a None child), as PyTorch's
    // `self._encoder = ...`; otherwise it is the class's own bookkeeping.
    const out: [string, unknown][] = [];
    const self = unguarded(this) as unknown as Record<string, unknown>;
    for (const k of Object.keys(self)) {
      if (INTERNAL.has(k)) continue;
      const v = self[k];
      if (k.charCodeAt(0) === 95 /* '_' */ && !(v instanceof Parameter || v instanceof Module || this._bufferNames.has(k) || this._noneModules.has(k))) continue;
      out.push([k, v]);
    }
    return out;
  }

  private ownParameters(): [string, Parameter][] {
    return this.entries().filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  /**
   * Every parameter of this module (and its descendants when `recurse`), each once, in
   * parameters()'s order, as an array: zeroGrad and parameters() run this once per step
   * in training loops, where nested generators cost more than the work (B6 regression).
   * Read afresh on every call, so a Parameter or submodule assigned, replaced or deleted
   * since is always seen.
   */
  private parameterList(recurse: boolean): Parameter[] {
    const out: Parameter[] = [];
    const seen = new Set<Tensor>();
    const modules: Module[] = [];
    if (recurse) this.moduleList(new Set(), modules);
    else modules.push(this);
    for (const m of modules) {
      for (const [, value] of m.entries()) {
        if (!(value instanceof Parameter) || seen.has(value)) continue;
        seen.add(value);
        out.push(value);
      }
    }
    return out;
  }

  /** walk()'s modules (duplicates removed), in its depth-first order, without generators. */
  private moduleList(memo: Set<Module>, out: Module[]): void {
    if (memo.has(this)) return;
    memo.add(this);
    out.push(this);
    for (const [, child] of this.entries()) if (child instanceof Module) child.moduleList(memo, out);
  }

  /** A Parameter assigned over a buffer makes the name a parameter, as PyTorch's __setattr__. */
  private ownBuffers(): [string, Tensor][] {
    return [...this._bufferNames]
      .map((n) => [n, this.ownValue(n)] as [string, unknown])
      .filter((e): e is [string, Tensor] => e[1] instanceof Tensor && !(e[1] instanceof Parameter));
  }

  private ownValue(name: string): unknown {
    return (this as unknown as Record<string, unknown>)[name];
  }

  // --- traversal ---

  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, value] of this.entries()) {
      if (value instanceof Module && !seen.has(value)) {
        seen.add(value);
        yield [name, value];
      }
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** named_modules(memo=None, prefix='', remove_duplicate=True): this module and its descendants, depth first. */
  *namedModules(...args: ArgsOf<typeof namedModulesArgs>): Generator<[string, Module]> {
    const { memo, prefix, removeDuplicate } = namedModulesArgs.parse(args);
    yield* this.walk(memo ?? new Set(), prefix, removeDuplicate);
  }

  private *walk(memo: Set<Module>, prefix: string, removeDuplicate: boolean): Generator<[string, Module]> {
    if (memo.has(this)) return;
    if (removeDuplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this.entries()) {
      if (child instanceof Module) yield* child.walk(memo, prefix ? `${prefix}.${name}` : name, removeDuplicate);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.walk(new Set(), '', true)) yield m;
  }

  /** named_parameters(prefix='', recurse=True), each parameter once. */
  *namedParameters(...args: ArgsOf<typeof namedArgs>): Generator<[string, Parameter]> {
    const { prefix, recurse } = namedArgs.parse(args);
    yield* this.namedMembers(prefix, recurse, (m) => m.ownParameters());
  }

  /** parameters(recurse=True). */
  *parameters(...args: ArgsOf<typeof recurseArgs>): Generator<Parameter> {
    const { recurse } = recurseArgs.parse(args);
    yield* this.parameterList(recurse);
  }

  /** named_buffers(prefix='', recurse=True). */
  *namedBuffers(...args: ArgsOf<typeof namedBuffersArgs>): Generator<[string, Tensor]> {
    const { prefix, recurse } = namedBuffersArgs.parse(args);
    yield* this.namedMembers(prefix, recurse, (m) => m.ownBuffers());
  }

  /** buffers(recurse=True). */
  *buffers(...args: ArgsOf<typeof buffersArgs>): Generator<Tensor> {
    const { recurse } = buffersArgs.parse(args);
    for (const [, b] of this.namedMembers('', recurse, (m) => m.ownBuffers())) yield b;
  }

  private *namedMembers<T extends Tensor>(prefix: string, recurse: boolean, own: (m: Module) => [string, T][]): Generator<[string, T]> {
    const seen = new Set<Tensor>();
    const modules: Iterable<[string, Module]> = recurse ? this.walk(new Set(), prefix, true) : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        yield [modPrefix ? `${modPrefix}.${name}` : name, t];
      }
    }
  }

  /** The submodule at a dotted path ('layer1.0.conv1'). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const part of target.split('.')) {
      const found = mod.entries().find(([k]) => k === part);
      if (found === undefined) throw new Error(`${mod.constructor.name} has no attribute \`${part}\``);
      if (!(found[1] instanceof Module)) throw new Error(`\`${part}\` is not an nn.Module`);
      mod = found[1];
    }
    return mod;
  }

  /** get_parameter('fc.weight'): the parameter at a dotted path, with PyTorch's errors. */
  getParameter(target: string): Parameter {
    const [, name, v] = this.attributeAt(target);
    if (!(v instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return v;
  }

  /** get_buffer('bn.running_mean'): the buffer at a dotted path, with PyTorch's errors. */
  getBuffer(target: string): Tensor {
    const [mod, name, v] = this.attributeAt(target);
    if (!mod._bufferNames.has(name) || !(v instanceof Tensor) || v instanceof Parameter) throw new Error(`\`${name}\` is not a buffer`);
    return v;
  }

  /** 'a.b.c' -> [getSubmodule('a.b'), 'c', its attribute c], which must exist (PyTorch's AttributeError). */
  private attributeAt(target: string): [Module, string, unknown] {
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!mod.hasAttribute(name)) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    return [mod, name, (mod as unknown as Record<string, unknown>)[name]];
  }

  // --- modes and bulk operations ---

  /** train(mode=True): sets training mode here and in every submodule. */
  train(...args: ArgsOf<typeof trainArgs>): this {
    const { mode } = trainArgs.parse(args);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Applies fn to every submodule (children first) and then to this module. */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`apply(): argument 'fn' (position 1) must be a function, not ${pyTypeName(fn)}`);
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** requires_grad_(requires_grad=True) on every parameter. */
  requiresGrad_(...args: ArgsOf<typeof requiresGradArgs>): this {
    const { requiresGrad } = requiresGradArgs.parse(args);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** zero_grad(set_to_none=False): zeroes (or drops) every parameter's gradient. PyTorch 1.13's default keeps them. */
  zeroGrad(...args: ArgsOf<typeof zeroGradArgs>): void {
    const { setToNone } = zeroGradArgs.parse(args);
    for (const p of this.parameterList(true)) zeroGradOf(p, setToNone);
  }

  /**
   * PyTorch's _apply: `fn` converts every parameter (in place, through .data, so
   * optimizers keep their references), its gradient, and every buffer, children first.
   */
  protected applyToTensors(fn: (t: Tensor) => Tensor): this {
    for (const child of this.children()) child.applyToTensors(fn);
    noGrad(() => {
      for (const [, p] of this.ownParameters()) {
        const converted = fn(p);
        if (converted !== p) p.data = converted;
        const g = p.grad;
        if (g !== null) {
          const cg = fn(g);
          if (cg !== g) g.data = cg;
        }
      }
      for (const [name, b] of this.ownBuffers()) {
        const converted = fn(b);
        if (converted !== b) (this as unknown as Record<string, unknown>)[name] = converted;
      }
    });
    return this;
  }

  /**
   * to(device), to(dtype), to(device, dtype), to(tensor) or to({ device, dtype, nonBlocking }):
   * casts floating-point parameters and buffers to a floating dtype (in place) and checks
   * the device ('cpu'; 'cuda' throws). Returns this module.
   */
  to(dtype: DType, nonBlocking?: boolean, options?: ToOptions): this;
  to(device?: DeviceLike | null, dtype?: DType | null, nonBlocking?: boolean, options?: ToOptions): this;
  to(tensor: Tensor, nonBlocking?: boolean, options?: ToOptions): this;
  to(options: ToOptions): this;
  to(...args: unknown[]): this {
    // parseTo checks the device: 'cpu' is where everything is; 'cuda' and friends throw.
    const { dtype, memoryFormat } = parseTo('to', args);
    if (dtype !== null && !isFloatingDtype(dtype)) throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
    // memoryFormat: 4-d and 5-d parameters and buffers only, as PyTorch's convert
    const layout = memoryFormat !== preserveFormat;
    if (dtype === null && !layout) return this;
    return this.applyToTensors((t) => {
      const d = dtype !== null && isFloatingDtype(t.dtype) ? dtype : t.dtype;
      return layout && (t.dim() === 4 || t.dim() === 5) ? t.to(d, { memoryFormat }) : t.to(d);
    });
  }

  /** Moves parameters and buffers to the CPU, where they are: returns this module. */
  cpu(): this {
    return this;
  }

  /** Throws the device error: torchlette computes on the CPU only (as PyTorch built without CUDA). */
  cuda(_device?: unknown): never {
    toDevice('cuda');
    throw new Error('unreachable');
  }

  /** type(dst_type): casts every parameter and buffer (integral ones too) to a dtype or legacy type name ('torch.DoubleTensor'). */
  type(...args: ArgsOf<typeof typeArgs>): this {
    const dtype = typeDtype('type', typeArgs.parse(args).dstType);
    return this.applyToTensors((t) => t.to(dtype));
  }

  /** Casts floating-point parameters and buffers to float32. */
  float(): this {
    return this.applyToTensors((t) => (isFloatingDtype(t.dtype) ? t.float() : t));
  }

  /** Casts floating-point parameters and buffers to float64. */
  double(): this {
    return this.applyToTensors((t) => (isFloatingDtype(t.dtype) ? t.double() : t));
  }

  /** Throws: torchlette has no float16 (the parameters stay float32). */
  half(): never {
    throw new TypeError('module.half(): torchlette has no float16 dtype; keep the module in float32 (module.float()) or use float64 (module.double())');
  }

  /** Throws: torchlette has no bfloat16 (the parameters stay float32). */
  bfloat16(): never {
    throw new TypeError('module.bfloat16(): torchlette has no bfloat16 dtype; keep the module in float32 (module.float()) or use float64 (module.double())');
  }

  // --- state ---

  /**
   * state_dict(*, destination=None, prefix='', keep_vars=False): parameters then persistent
   * buffers of each module, depth first, detached (sharing memory with the module: use
   * torch.deepcopy(model.stateDict()) for a snapshot, as Python's copy.deepcopy).
   */
  stateDict(...args: ArgsOf<typeof stateDictArgs>): StateDict {
    const { destination, prefix, keepVars } = stateDictArgs.parse(args);
    const out = (destination ?? {}) as StateDict;
    const visit = (m: Module, prefix: string) => {
      // uninitialized ones (Lazy modules) as they are, as LazyModuleMixin._save_to_state_dict
      for (const [name, p] of m.ownParameters()) out[prefix + name] = keepVars || isLazy(p) ? p : p.detach();
      for (const [name, b] of m.ownBuffers()) {
        if (!m._nonPersistent.has(name)) out[prefix + name] = keepVars || isLazy(b) ? b : b.detach();
      }
      for (const [name, child] of m.entries()) {
        if (child instanceof Module) visit(child, `${prefix}${name}.`);
      }
    };
    visit(this, prefix);
    return out;
  }

  /**
   * load_state_dict(state_dict, strict=True): copies a state dict into the parameters and
   * buffers. Every key and shape is checked before anything is copied, so a failed load
   * leaves the module unchanged.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, ...rest: [strict?: boolean, options?: { strict?: boolean }] | [options?: { strict?: boolean }]): IncompatibleKeys;
  loadStateDict(options: { stateDict: StateDict | Map<string, Tensor>; strict?: boolean }): IncompatibleKeys;
  loadStateDict(...args: unknown[]): IncompatibleKeys {
    const { stateDict, strict } = loadStateDictArgs.parse(args);
    const source: StateDict = stateDict instanceof Map ? Object.fromEntries(stateDict) : { ...stateDict };
    for (const [prefix, m] of this.walk(new Set(), '', true)) m.upgradeStateDict(source, prefix ? `${prefix}.` : '');
    const own = this.stateDict({ keepVars: true });
    // Own keys only: 'toString' or '__proto__' in a checkpoint is an unexpected key, not an inherited member.
    const missing = Object.keys(own).filter((k) => !Object.hasOwn(source, k));
    const unexpected = Object.keys(source).filter((k) => !Object.hasOwn(own, k));
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!Object.hasOwn(source, key)) continue;
      let value = source[key];
      if (!(value instanceof Tensor)) {
        errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typename(value)}`);
        continue;
      }
      if (target.dim() === 0 && value.dim() === 1) value = value.index(0);
      if (!sameShape(value.shape, target.shape)) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape torch.Size(${formatShape(value.shape)}) from checkpoint, the shape in current model is torch.Size(${formatShape(target.shape)}).`,
        );
        continue;
      }
      copies.push([target, value]);
    }
    if (strict && unexpected.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && missing.length > 0) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
    if (errors.length > 0) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [target, value] of copies) target.copy_(value);
    });
    return incompatibleKeys(missing, unexpected);
  }

  /**
   * Lets a module fill in entries older checkpoints lack before they are checked (PyTorch's
   * versioned _load_from_state_dict), e.g. BatchNorm's num_batches_tracked. `sd` is a copy.
   */
  protected upgradeStateDict(_sd: StateDict, _prefix: string): void {}

  // --- printing ---

  /** The part inside the parentheses of this module's repr (e.g. 'in_features=2, …'). */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [name, value] of this.entries()) {
      if (value instanceof Module || value === null) {
        if (value === null && !this.isModuleSlot(name)) continue;
        childLines.push(`(${name}): ${addIndent(value === null ? 'None' : String(value), 2)}`);
      }
    }
    const lines = [...extraLines, ...childLines];
    let main = `${this.constructor.name}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += '\n  ' + lines.join('\n  ') + '\n';
    }
    return main + ')';
  }

  /** Whether a null entry is a child slot registered as None (printed "(name): None"). */
  protected isModuleSlot(name: string): boolean {
    return this._noneModules.has(name);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Assignments to a module's fields as PyTorch's Module.__setattr__ treats them: a plain tensor
 * (or anything but a Parameter or null) over a Parameter, or a non-module over a submodule,
 * throws PyTorch's TypeError instead of silently unregistering it; a value for a registered
 * buffer must be a tensor or null. And a field the class declared (`fc: nn.Linear;`, an own
 * property holding undefined from construction on) registers where it is assigned, after the
 * fields assigned before it, so the order of parameters(), stateDict() and the repr is
 * assignment order whatever the declarations' order, as it is in Python.
 */
const MODULE_FIELDS: ProxyHandler<Module> = {
  set(target, key, value, receiver) {
    if (typeof key === 'string') {
      const desc = Object.getOwnPropertyDescriptor(target, key);
      if (desc !== undefined && 'value' in desc) {
        const prev: unknown = desc.value;
        const given = value !== null && value !== undefined;
        if (prev instanceof Parameter && given && !(value instanceof Parameter)) {
          throw new TypeError(`cannot assign '${typename(value)}' as parameter '${key}' (torch.nn.Parameter or None expected)`);
        }
        if (prev instanceof Module && given && !(value instanceof Module)) {
          throw new TypeError(`cannot assign '${typename(value)}' as child module '${key}' (torch.nn.Module or None expected)`);
        }
        if (given && !(value instanceof Tensor) && (target as unknown as { _bufferNames: Set<string> })._bufferNames.has(key)) {
          throw new TypeError(`cannot assign '${typename(value)}' as buffer '${key}' (torch.Tensor or None expected)`);
        }
        // null too: Linear(bias=False)'s bias slot registers after its weight, as register_parameter('bias', None).
        if (prev === undefined && desc.configurable && (value instanceof Module || value instanceof Tensor || value === null)) {
          delete (target as unknown as Record<string, unknown>)[key];
        }
      }
    }
    return Reflect.set(target, key, value, receiver);
  },
};

/** Each guarding Proxy's module (kept out of the module's own fields, which deepcopy copies). */
const UNGUARDED = new WeakMap<Module, Module>();

function unguarded(m: Module): Module {
  return UNGUARDED.get(m) ?? m;
}

/** @internal The guarded view of a module that every reference goes through (MODULE_FIELDS). */
export function guardModule<M extends Module>(m: M): M {
  const guarded = new Proxy(m, MODULE_FIELDS as ProxyHandler<M>);
  UNGUARDED.set(guarded, m);
  return guarded;
}

/**
 * @internal A guarded view of `m` (see guardModule) on which a property `m` lacks is `to`'s,
 * methods bound to `to`, as Python's __getattr__ delegating to a wrapped module.
 */
export function readThrough<M extends Module>(m: M, to: Module): M {
  const target = unguarded(m) as M;
  const view = new Proxy(target, {
    set: MODULE_FIELDS.set as ProxyHandler<M>['set'],
    get(t, key, receiver) {
      if (typeof key === 'symbol' || key in t) return Reflect.get(t, key, receiver);
      const v: unknown = Reflect.get(to, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(to) : v;
    },
  });
  UNGUARDED.set(view, target);
  return view;
}

function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  return [lines[0], ...lines.slice(1).map((l) => ' '.repeat(spaces) + l)].join('\n');
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/**
 * @internal Makes `m.forward` run the hooks around the class's forward, however it is
 * called (the constructor does this; torch.deepcopy does it again for a copy).
 */
export function wrapForward(m: Module): void {
  const impl = (m as { forward?: (...args: never[]) => unknown }).forward;
  if (impl === undefined || impl === Module.prototype.forward) return;
  Object.defineProperty(m, 'forward', {
    value: (...args: unknown[]) => m._runForward(impl as (...a: unknown[]) => unknown, args),
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/** Optimizer.zero_grad / Module.zero_grad for one parameter. */
export function zeroGradOf(p: Tensor, setToNone: boolean): void {
  const g = p.grad;
  if (g === null) return;
  if (setToNone) {
    p.grad = null;
    return;
  }
  if (g.gradFn !== null) g.detach_();
  // A leaf gradient already not requiring grad (every step after the first) needs no call.
  else if (g.requiresGrad) g.requiresGrad_(false);
  g.zero_();
}
