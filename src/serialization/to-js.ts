// Turns the unpickled Python values into what torch.load returns in JS: dicts and
// OrderedDicts become plain objects (or Maps when a key is not a str or int),
// lists and tuples arrays, sets Sets, storages Storages, dtypes their names.
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { SerializationError } from './errors.js';
import { builtArray, PendingArray, type NdArray } from './numpy.js';
import { PyDict, PyGlobal, PySet, PyTuple } from './python-values.js';
import { StorageRef } from './storages.js';

const MAX_DEPTH = 1000;

const TORCH_DTYPES: Record<string, string> = {
  'torch.float32': 'float32',
  'torch.float64': 'float64',
  'torch.int64': 'int64',
  'torch.int32': 'int32',
  'torch.uint8': 'uint8',
  'torch.bool': 'bool',
};

/** Defines a property without invoking setters (a '__proto__' key stays an ordinary key). */
export function defineKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObjectKey(key: unknown): key is string | number | bigint {
  return typeof key === 'string' || (typeof key === 'number' && Number.isInteger(key)) || typeof key === 'bigint';
}

/**
 * A numpy array from a checkpoint, as a tensor of its dtype and shape (JavaScript has no
 * ndarray). Integer dtypes torchlette lacks widen exactly, as tensors of them do when they
 * load (int8, int16, uint16 to int32; uint32 to int64); uint64 has no exact home and is refused.
 */
function ndArrayToTensor(a: NdArray): Tensor {
  const shape = a.shape.slice();
  const d = a.data;
  switch (a.dtype) {
    case 'float32':
    case 'float64':
    case 'int32':
    case 'uint8':
    case 'bool':
    case 'int64':
      return Tensor.fromData(d as Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array, a.dtype as DType, shape);
    case 'int8':
    case 'int16':
    case 'uint16':
      return Tensor.fromData(Int32Array.from(d as Int8Array | Int16Array | Uint16Array), 'int32', shape);
    case 'uint32':
      return Tensor.fromData(BigInt64Array.from(d as Uint32Array, (v) => BigInt(v)), 'int64', shape);
    default:
      throw new SerializationError(`a numpy array of dtype ${a.dtype} cannot load as a tensor (no torchlette dtype holds it exactly)`);
  }
}

export function toJs(root: unknown): unknown {
  const done = new Map<object, unknown>();

  const convert = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object' || value instanceof Tensor || value instanceof Uint8Array) return value;
    if (value instanceof StorageRef) return value.storage;
    if (value instanceof PyGlobal) return TORCH_DTYPES[value.path] ?? value.path;
    const seen = done.get(value);
    if (seen !== undefined) return seen;
    if (value instanceof PendingArray) {
      const t = ndArrayToTensor(builtArray(value));
      done.set(value, t);
      return t;
    }
    if (depth > MAX_DEPTH) throw new SerializationError(`the pickled data nests deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(value) || value instanceof PyTuple) {
      const items = Array.isArray(value) ? value : value.items;
      const out: unknown[] = [];
      done.set(value, out);
      for (const item of items) out.push(convert(item, depth + 1));
      return out;
    }
    if (value instanceof PySet) {
      const out = new Set<unknown>();
      done.set(value, out);
      for (const item of value.items) out.add(convert(item, depth + 1));
      return out;
    }
    if (value instanceof PyDict) {
      const keys = [...value.map.keys()];
      const asObject = keys.every(isObjectKey) && new Set(keys.map(String)).size === keys.length;
      if (asObject) {
        const out: Record<string, unknown> = {};
        done.set(value, out);
        for (const [k, v] of value.map) defineKey(out, String(k), convert(v, depth + 1));
        return out;
      }
      const out = new Map<unknown, unknown>();
      done.set(value, out);
      for (const [k, v] of value.map) out.set(convert(k, depth + 1), convert(v, depth + 1));
      return out;
    }
    throw new SerializationError(`unexpected value of type ${value.constructor?.name ?? typeof value} in the pickled data`);
  };

  return convert(root, 0);
}
