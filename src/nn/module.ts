// nn.Module: parameters, buffers and submodules are the fields a module assigns
// (registration order = assignment order, as JavaScript keeps property order), with
// PyTorch's traversal, state_dict layout, hooks and repr.
import { noGrad } from '../autograd/grad-mode.js';
import { isFloatingDtype, type DType } from '../tensor/dtype.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

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

/** Fields that are Module machinery, never parameters or children. */
const INTERNAL = new Set(['training', 'forward']);

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
  private _forwardHooks: ForwardHook[] = [];
  private _forwardPreHooks: ForwardPreHook[] = [];

  constructor() {
    // Wrap the subclass's forward so hooks run however it is called.
    const impl = (this as { forward?: (...args: never[]) => unknown }).forward;
    if (impl !== undefined && impl !== Module.prototype.forward) {
      Object.defineProperty(this, 'forward', {
        value: (...args: unknown[]) => this.runForward(impl as (...a: unknown[]) => unknown, args),
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
    for (const key of ['_bufferNames', '_nonPersistent', '_forwardHooks', '_forwardPreHooks']) {
      Object.defineProperty(this, key, { enumerable: false });
    }
  }

  forward(..._args: unknown[]): unknown {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /** Same as forward (PyTorch's module(x)). */
  call(...args: unknown[]): unknown {
    return (this.forward as (...a: unknown[]) => unknown)(...args);
  }

  private runForward(impl: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    if (this._forwardPreHooks.length === 0 && this._forwardHooks.length === 0) return impl.apply(this, args);
    let input = args;
    for (const hook of this._forwardPreHooks) {
      const replaced = hook(this, input);
      if (replaced !== undefined) input = Array.isArray(replaced) ? replaced : [replaced];
    }
    let output = impl.apply(this, input);
    for (const hook of this._forwardHooks) {
      const replaced = hook(this, input, output);
      if (replaced !== undefined) output = replaced;
    }
    return output;
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this._forwardHooks.push(hook);
    return { remove: () => removeFrom(this._forwardHooks, hook) };
  }

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    this._forwardPreHooks.push(hook);
    return { remove: () => removeFrom(this._forwardPreHooks, hook) };
  }

  // --- registration ---

  /** A tensor that is part of the module's state but not a parameter (e.g. running_mean). */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkName(name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${typeof tensor}' object to buffer '${name}' (torch Tensor or None required)`);
    this._bufferNames.add(name);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  registerParameter(name: string, param: Parameter | null): void {
    checkName(name);
    if (param !== null && !(param instanceof Parameter)) throw new TypeError(`cannot assign '${typeof param}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  addModule(name: string, module: Module | null): void {
    checkName(name);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** Own (name, value) entries in registration order. Containers override to list their items. */
  protected entries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => !INTERNAL.has(k) && !k.startsWith('_'));
  }

  private ownParameters(): [string, Parameter][] {
    return this.entries().filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  private ownBuffers(): [string, Tensor][] {
    return [...this._bufferNames]
      .map((n) => [n, (this as unknown as Record<string, unknown>)[n]] as [string, unknown])
      .filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
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

  *namedModules(prefix = '', memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this.entries()) {
      if (child instanceof Module) yield* child.namedModules(prefix ? `${prefix}.${name}` : name, memo);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const modules: [string, Module][] = recurse ? [...this.namedModules(prefix)] : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [modPrefix ? `${modPrefix}.${name}` : name, p];
      }
    }
  }

  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const modules: [string, Module][] = recurse ? [...this.namedModules(prefix)] : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      for (const [name, b] of m.ownBuffers()) {
        if (seen.has(b)) continue;
        seen.add(b);
        yield [modPrefix ? `${modPrefix}.${name}` : name, b];
      }
    }
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  /** The submodule at a dotted path ('layer1.0.conv1'). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const part of target.split('.')) {
      const next = mod.entries().find(([k]) => k === part)?.[1];
      if (!(next instanceof Module)) throw new Error(`${mod.constructor.name} has no attribute \`${part}\``);
      mod = next;
    }
    return mod;
  }

  // --- modes and bulk operations ---

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Applies fn to every submodule (children first) and then to this module. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Zeroes (or with setToNone, drops) the gradients of every parameter. PyTorch 1.13's default keeps them. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) zeroGradOf(p, opts.setToNone ?? false);
  }

  /** Converts floating-point parameters and buffers to `dtype` in place. */
  to(dtype: DType | { dtype?: DType } | 'cpu'): this {
    const target = typeof dtype === 'string' ? (dtype === 'cpu' ? undefined : dtype) : dtype.dtype;
    if (target === undefined) return this;
    if (!isFloatingDtype(target)) throw new TypeError(`nn.Module.to only accepts floating point dtypes, but got desired dtype=${target}`);
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        if (isFloatingDtype(t.dtype)) {
          t.data = t.data.to(target);
          if (t.grad !== null) t.grad = t.grad.to(target);
        }
      }
    });
    return this;
  }

  float(): this {
    return this.to('float32');
  }

  double(): this {
    return this.to('float64');
  }

  // --- state ---

  /** PyTorch's state_dict: parameters then persistent buffers of each module, depth first, detached. */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    const visit = (m: Module, prefix: string) => {
      for (const [name, p] of m.ownParameters()) out[prefix + name] = opts.keepVars ? p : p.detach();
      for (const [name, b] of m.ownBuffers()) {
        if (!m._nonPersistent.has(name)) out[prefix + name] = opts.keepVars ? b : b.detach();
      }
      for (const [name, child] of m.entries()) {
        if (child instanceof Module) visit(child, `${prefix}${name}.`);
      }
    };
    visit(this, opts.prefix ?? '');
    return out;
  }

  /**
   * Copies a state dict into the parameters and buffers. Every key and shape is
   * checked before anything is copied, so a failed load leaves the module unchanged.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, opts: { strict?: boolean } = {}): IncompatibleKeys {
    const strict = opts.strict ?? true;
    const source: StateDict = stateDict instanceof Map ? Object.fromEntries(stateDict) : { ...stateDict };
    for (const [prefix, m] of this.namedModules()) m.upgradeStateDict(source, prefix ? `${prefix}.` : '');
    const own = this.stateDict({ keepVars: true });
    const missing = Object.keys(own).filter((k) => !(k in source));
    const unexpected = Object.keys(source).filter((k) => !(k in own));
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!(key in source)) continue;
      let value = source[key];
      if (!(value instanceof Tensor)) {
        errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof value}`);
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
    return { missingKeys: missing, unexpectedKeys: unexpected };
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

  /** Containers that keep None entries print them; plain modules have no None children. */
  protected isModuleSlot(_name: string): boolean {
    return false;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
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

function checkName(name: string): void {
  if (typeof name !== 'string') throw new TypeError(`name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new Error(`name can't contain ".", got: ${name}`);
  if (name === '') throw new Error(`name can't be empty string ""`);
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
  else g.requiresGrad_(false);
  g.zero_();
}
