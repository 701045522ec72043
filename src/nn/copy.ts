// torch.deepcopy: Python's copy.deepcopy for what PyTorch programs copy. The tutorial's
// `best_model_wts = copy.deepcopy(model.state_dict())` is
// `const bestModelWts = torch.deepcopy(model.stateDict())`: stateDict() shares memory with
// the model (as PyTorch's does), the deep copy does not. Also copies whole modules
// (`targetNet = torch.deepcopy(policyNet)`), optimizers, arrays, objects and Maps.
import { guardModule, Module, wrapForward } from './module.js';
import { Parameter } from './parameter.js';
import { Storage, Tensor } from '../tensor/tensor.js';

/**
 * A deep copy of `value`: tensors get their own memory (views of one tensor stay views of
 * one copy; requiresGrad and .grad are kept; Parameters stay Parameters), containers and
 * class instances are copied member by member (shared references and cycles preserved),
 * functions and primitives are shared, as Python's copy.deepcopy. Tensors with autograd
 * history cannot be copied (detach them first), as in PyTorch.
 */
export function deepcopy<T>(value: T): T {
  return copyOf(value, new Map()) as T;
}

function copyOf(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Tensor) return copyTensor(v, memo);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const e of v) out.push(copyOf(e, memo));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    memo.set(v, out);
    for (const [k, e] of v) out.set(copyOf(k, memo), copyOf(e, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    memo.set(v, out);
    for (const e of v) out.add(copyOf(e, memo));
    return out;
  }
  if (ArrayBuffer.isView(v)) {
    const out = v instanceof DataView ? new DataView(v.buffer.slice(0)) : (v as unknown as { slice(): unknown }).slice();
    memo.set(v, out);
    return out;
  }
  if (v instanceof ArrayBuffer) return v.slice(0);
  if (v instanceof Date) return new Date(v.getTime());
  return copyObject(v, memo);
}

/** A plain object or class instance: same prototype, every own property copied (getters and setters as they are). */
function copyObject(v: object, memo: Map<unknown, unknown>): object {
  const out = Object.create(Object.getPrototypeOf(v) as object | null) as Record<PropertyKey, unknown>;
  const isModule = v instanceof Module;
  // a module copy is guarded as a constructed one is (module.ts guardModule)
  const result = isModule ? guardModule(out as unknown as Module) : out;
  memo.set(v, result);
  for (const key of Reflect.ownKeys(v)) {
    // A module's forward wrapper closes over the original module: the copy gets its own below.
    if (isModule && key === 'forward') continue;
    const desc = Object.getOwnPropertyDescriptor(v, key) as PropertyDescriptor;
    if ('value' in desc) desc.value = copyOf(desc.value, memo);
    Object.defineProperty(out, key, desc);
  }
  if (isModule) wrapForward(result as Module);
  return result;
}

function copyTensor(t: Tensor, memo: Map<unknown, unknown>): Tensor {
  if (!t.isLeaf) throw new Error('Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment');
  let storage = memo.get(t._storage) as Storage | undefined;
  if (storage === undefined) {
    storage = new Storage(t._storage.data.slice());
    memo.set(t._storage, storage);
  }
  const plain = new Tensor(storage, t.dtype, t.shape.slice(), t.strides.slice(), t.offset);
  const out = t instanceof Parameter ? new Parameter(plain, t.requiresGrad) : plain.requiresGrad_(t.requiresGrad);
  memo.set(t, out);
  if (t.grad !== null) out.grad = copyOf(t.grad, memo) as Tensor;
  return out;
}
