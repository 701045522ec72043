// torch.nn.utils.parametrize: module.weight becomes a property computed from
// module.parametrizations.weight.original by a chain of parametrization modules, as in
// PyTorch 1.13 (the module's class becomes Parametrized<Class>, state_dict keys are
// parametrizations.<name>.original and parametrizations.<name>.<i>.<buffer>).
// A parametrization is a Module whose forward(x) returns a tensor; it may define
// rightInverse(x) (PyTorch's right_inverse), used at registration and when assigning.
import { noGrad } from '../../autograd/grad-mode.js';
import { bool, instance, nullable, signature, string, type ArgsOf } from '../../tensor/args.js';
import type { DType } from '../../tensor/dtype.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { Module, typename } from '../module.js';
import { ModuleDict, ModuleList } from '../modules/container.js';
import { Parameter } from '../parameter.js';

type Fields = Record<string, unknown>;
type Inverse = (value: Tensor) => Tensor | readonly Tensor[];
type ModuleClass = abstract new (...args: never[]) => Module;

const size = (shape: readonly number[]) => `torch.Size(${formatShape(shape)})`;
const dt = (d: DType) => `torch.${d}`;
const inverseOf = (m: Module): Inverse | null => {
  const f = (m as unknown as { rightInverse?: unknown }).rightInverse;
  return typeof f === 'function' ? (f as Inverse).bind(m) : null;
};
/** PyTorch's _register_parameter_or_buffer. */
function registerTensor(m: Module, name: string, value: Tensor): void {
  if (value instanceof Parameter) m.registerParameter(name, value);
  else m.registerBuffer(name, value);
}

/**
 * A rightInverse that throws an error named NotImplementedError (Python's exception, e.g.
 * the distributions' one) counts as absent at registration, as in PyTorch.
 */
function notImplementedAsIdentity<T, F>(fn: () => T, fallback: F): T | F {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && e.name === 'NotImplementedError') return fallback;
    throw e;
  }
}

/** The chain of parametrizations of one tensor, holding the unparametrized `original`. */
export class ParametrizationList extends ModuleList {
  unsafe: boolean;
  readonly isTensor: boolean;
  readonly ntensors: number;
  declare original: Tensor;

  constructor(modules: readonly Module[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new RangeError('ParametrizationList requires one or more modules.');
    super(modules);
    this.unsafe = unsafe;
    const originalShape = original.shape.slice();
    const originalDtype = original.dtype;
    let value: Tensor | readonly Tensor[] = original;
    noGrad(() => {
      for (const m of [...modules].reverse()) {
        const inv = inverseOf(m);
        if (inv !== null) value = notImplementedAsIdentity(() => inv(value as Tensor), value);
      }
    });
    const out = value as unknown;
    if (!(out instanceof Tensor) && !Array.isArray(out)) {
      throw new RangeError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${typename(out)}`);
    }
    this.isTensor = out instanceof Tensor;
    this.ntensors = out instanceof Tensor ? 1 : (out as unknown[]).length;
    if (out instanceof Tensor) {
      if (out.dtype !== original.dtype) {
        throw new RangeError(`When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: ${dt(original.dtype)}\nright_inverse(original).dtype: ${dt(out.dtype)}`);
      }
      // original.set_(new): the same tensor object (optimizers keep it) now holds the new value.
      if (out !== original) noGrad(() => (original.data = out));
      registerTensor(this, 'original', original);
    } else {
      (out as unknown[]).forEach((t, i) => {
        if (!(t instanceof Tensor)) {
          throw new RangeError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${typename(t)}.`);
        }
        const ti = original instanceof Parameter ? new Parameter(t) : t;
        ti.requiresGrad_(original.requiresGrad);
        registerTensor(this, `original${i}`, ti);
      });
    }
    if (!unsafe) {
      const z: unknown = this.forward();
      if (!(z instanceof Tensor)) throw new RangeError(`A parametrization must return a tensor. Got ${typename(z)}.`);
      if (z.dtype !== originalDtype) {
        throw new RangeError(
          `Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: ${dt(originalDtype)}\nparametrized dtype: ${dt(z.dtype)}`,
        );
      }
      if (!sameShape(z.shape, originalShape)) {
        throw new RangeError(
          `Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: ${size(originalShape)}\nparametrized shape: ${size(z.shape)}`,
        );
      }
    }
  }

  /** The parametrized tensor: the first parametrization on the original(s), then the rest in order. */
  override forward(): Tensor {
    const [first, ...rest] = [...this];
    const self = this as unknown as Fields;
    let x = this.isTensor
      ? (first.forward(this.original) as Tensor)
      : (first.forward(...Array.from({ length: this.ntensors }, (_, i) => self[`original${i}`])) as Tensor);
    for (const m of rest) x = m.forward(x) as Tensor;
    return x;
  }

  /** Assigning module.<name> = value: the right inverses in reverse order, stored into the original(s). */
  rightInverse(value: Tensor): void {
    noGrad(() => {
      let v: Tensor | readonly Tensor[] = value;
      for (const m of [...this].reverse()) {
        const inv = inverseOf(m);
        if (inv === null) throw new Error(`parametrization ${m.constructor.name} does not implement right_inverse.`);
        v = inv(v as Tensor);
      }
      const out: Tensor | readonly Tensor[] = v;
      if (this.isTensor) {
        if (!(out instanceof Tensor)) throw new RangeError(`\`right_inverse\` should return a tensor. Got ${typename(out)}`);
        if (out.dtype !== this.original.dtype) {
          throw new RangeError(`The tensor returned by \`right_inverse\` has dtype ${dt(out.dtype)} while \`original\` has dtype ${dt(this.original.dtype)}`);
        }
        this.original.data = out;
        return;
      }
      if (!Array.isArray(out)) throw new RangeError(`'right_inverse' must return a sequence of tensors. Got ${typename(out)}.`);
      if (out.length !== this.ntensors) {
        throw new RangeError(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of lenght ${out.length}.`);
      }
      (out as readonly unknown[]).forEach((t, i) => {
        const oi = (this as unknown as Fields)[`original${i}`] as Tensor;
        if (!(t instanceof Tensor)) throw new RangeError(`\`right_inverse\` must return a sequence of tensors. Got element ${i} of type ${typename(t)}`);
        if (t.dtype !== oi.dtype) throw new RangeError(`Tensor ${i} returned by \`right_inverse\` has dtype ${dt(t.dtype)} while \`original${i}\` has dtype ${dt(oi.dtype)}`);
        oi.data = t;
      });
    });
  }
}

// --- caching (parametrize.cached) ---

let cacheDepth = 0;
const cache = new Map<Module, Map<string, Tensor>>();

/**
 * cached(fn): inside fn, each parametrized tensor is computed once and reused (PyTorch's
 * `with parametrize.cached():`), e.g. a weight used at every step of an RNN.
 */
export function cached<T>(fn: () => T): T {
  cacheDepth++;
  try {
    return fn();
  } finally {
    cacheDepth--;
    if (cacheDepth === 0) cache.clear();
  }
}

// --- registration ---

function parametrizationsOf(module: Module): ModuleDict | null {
  const p = (module as unknown as Fields).parametrizations;
  return p instanceof ModuleDict ? p : null;
}

/** The property module.<name> reads through (and assigns through) the chain. */
function injectProperty(module: Module, name: string): void {
  Object.defineProperty(Object.getPrototypeOf(module) as object, name, {
    get(this: Module): Tensor {
      const list = parametrizationsOf(this)!.get(name) as ParametrizationList;
      if (cacheDepth === 0) return list.forward();
      const own = cache.get(this) ?? new Map<string, Tensor>();
      cache.set(this, own);
      let t = own.get(name);
      if (t === undefined) {
        t = list.forward();
        own.set(name, t);
      }
      return t;
    },
    set(this: Module, value: Tensor) {
      (parametrizationsOf(this)!.get(name) as ParametrizationList).rightInverse(value);
    },
    configurable: true,
    enumerable: false,
  });
}

/** The module's class becomes a subclass named Parametrized<Class>, private to it, that holds the properties. */
function injectClass(module: Module): void {
  const base = module.constructor as unknown as new () => Module;
  const named = { [`Parametrized${base.name}`]: class extends base {} };
  Object.setPrototypeOf(module, named[`Parametrized${base.name}`].prototype);
}

/** Whether `name` is registered on module as a parameter or buffer (PyTorch's _parameters / _buffers). */
function isTensorSlot(module: Module, name: string): boolean {
  for (const [n] of module.namedParameters('', false)) if (n === name) return true;
  for (const [n] of module.namedBuffers('', false)) if (n === name) return true;
  return false;
}

const registerArgs = signature('register_parametrization', [
  ['module', instance(Module, 'Module')], ['tensorName', string], ['parametrization', instance(Module, 'Module')], '*', ['unsafe', bool, false],
] as const);

/**
 * register_parametrization(module, tensorName, parametrization, { unsafe = false }): module[tensorName]
 * becomes parametrization(original); registering again on the same name chains them.
 * Returns the module.
 */
export function registerParametrization<M extends Module>(module: M, tensorName: string, parametrization: Module, options?: { unsafe?: boolean }): M {
  const { unsafe } = registerArgs.parse([module, tensorName, parametrization, ...(options === undefined ? [] : [options])]);
  parametrization.train(module.training);
  const f = module as unknown as Fields;
  if (isParametrized(module, tensorName)) {
    if (!unsafe) checkAppended(module, tensorName, parametrization);
    const list = parametrizationsOf(module)!.get(tensorName) as ParametrizationList;
    list.append(parametrization);
    list.unsafe ||= unsafe;
  } else if (isTensorSlot(module, tensorName)) {
    const original = f[tensorName] as Tensor;
    const list = new ParametrizationList([parametrization], original, unsafe);
    delete f[tensorName];
    // A buffer's name must leave Module's buffer list too, or state_dict would read the
    // property below as a buffer (PyTorch's delattr removes it from _buffers).
    (module as unknown as { _bufferNames: Set<string> })._bufferNames.delete(tensorName);
    if (!isParametrized(module)) {
      injectClass(module);
      module.addModule('parametrizations', new ModuleDict());
    }
    injectProperty(module, tensorName);
    parametrizationsOf(module)!.set(tensorName, list);
  } else {
    throw new RangeError(`Module '${String(module)}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`);
  }
  return module;
}

/** The checks of a parametrization added to an existing chain (skipped with unsafe). */
function checkAppended(module: Module, name: string, parametrization: Module): void {
  const y = (module as unknown as Fields)[name] as Tensor;
  const x: unknown = parametrization.forward(y);
  if (!(x instanceof Tensor)) throw new RangeError(`A parametrization must return a tensor. Got ${typename(x)}.`);
  if (x.dtype !== y.dtype) {
    throw new RangeError(
      `Registering a parametrization may not change the dtype of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${name}.dtype: ${dt(y.dtype)}\nparametrization(module.${name}).dtype: ${dt(x.dtype)}`,
    );
  }
  if (!sameShape(x.shape, y.shape)) {
    throw new RangeError(
      `Registering a parametrization may not change the shape of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${name}.shape: ${size(y.shape)}\nparametrization(module.${name}).shape: ${size(x.shape)}`,
    );
  }
  const inv = inverseOf(parametrization);
  if (inv === null) return;
  const z: unknown = notImplementedAsIdentity(() => inv(x), null);
  if (z === null) return;
  if (!(z instanceof Tensor)) throw new RangeError(`parametrization.right_inverse must return a tensor. Got: ${typename(z)}`);
  if (z.dtype !== y.dtype) {
    throw new RangeError(
      `The tensor returned by parametrization.right_inverse must have the same dtype as module.${name}, unless the \`unsafe\` flag is enabled.\nmodule.${name}.dtype: ${dt(y.dtype)}\nreturned dtype: ${dt(z.dtype)}`,
    );
  }
  if (!sameShape(z.shape, y.shape)) {
    throw new RangeError(
      `The tensor returned by parametrization.right_inverse must have the same shape as module.${name}, unless the \`unsafe\` flag is enabled.\nmodule.${name}.shape: ${size(y.shape)}\nreturned shape: ${size(z.shape)}`,
    );
  }
}

const isArgs = signature('is_parametrized', [['module', instance(Module, 'Module')], ['tensorName', nullable(string), null]] as const);

/** is_parametrized(module, tensorName=null): whether module (or its tensorName) has a parametrization. */
export function isParametrized(...args: ArgsOf<typeof isArgs>): boolean {
  const { module, tensorName } = isArgs.parse(args);
  const p = parametrizationsOf(module);
  if (p === null) return false;
  return tensorName === null ? p.size > 0 : p.has(tensorName);
}

const removeArgs = signature('remove_parametrizations', [['module', instance(Module, 'Module')], ['tensorName', string], ['leaveParametrized', bool, true]] as const);

/**
 * remove_parametrizations(module, tensorName, leaveParametrized=true): module[tensorName] is a
 * plain parameter (or buffer) again, holding the parametrized value (or, with
 * leaveParametrized false, the original). The same tensor object is kept, so optimizers still see it.
 */
export function removeParametrizations<M extends Module>(module: M, tensorName: string, ...rest: [leaveParametrized?: boolean, options?: { leaveParametrized?: boolean }] | [options?: { leaveParametrized?: boolean }]): M {
  const { leaveParametrized } = removeArgs.parse([module, tensorName, ...rest]);
  if (!isParametrized(module, tensorName)) throw new RangeError(`Module ${String(module)} does not have a parametrization on ${tensorName}`);
  const dict = parametrizationsOf(module)!;
  const list = dict.get(tensorName) as ParametrizationList;
  let original: Tensor;
  if (list.isTensor) {
    original = list.original;
    if (leaveParametrized) {
      const t = noGrad(() => (module as unknown as Fields)[tensorName] as Tensor);
      noGrad(() => (original.data = t));
    }
  } else {
    if (!leaveParametrized) {
      throw new RangeError('Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.');
    }
    const t = (module as unknown as Fields)[tensorName] as Tensor;
    original = t.requiresGrad ? new Parameter(t.detach()) : t.detach();
  }
  const proto = Object.getPrototypeOf(module) as object;
  delete (proto as Fields)[tensorName];
  dict.delete(tensorName);
  registerTensor(module, tensorName, original);
  if (!isParametrized(module)) {
    delete (module as unknown as Fields).parametrizations;
    Object.setPrototypeOf(module, Object.getPrototypeOf(proto) as object);
  }
  return module;
}

/** type_before_parametrizations(module): the class the module had before any parametrization. */
export function typeBeforeParametrizations(module: Module): ModuleClass {
  const cls = module.constructor as ModuleClass;
  return isParametrized(module) ? (Object.getPrototypeOf(cls) as ModuleClass) : cls;
}
