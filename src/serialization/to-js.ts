// Turns the unpickled Python values into what torch.load returns in JS: dicts and
// OrderedDicts become plain objects (or Maps when a key is not a str or int),
// lists and tuples arrays, sets Sets, storages Storages, dtypes their names.
import { Tensor } from '../tensor/tensor.js';
import { SerializationError } from './errors.js';
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

export function toJs(root: unknown): unknown {
  const done = new Map<object, unknown>();

  const convert = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object' || value instanceof Tensor || value instanceof Uint8Array) return value;
    if (value instanceof StorageRef) return value.storage;
    if (value instanceof PyGlobal) return TORCH_DTYPES[value.path] ?? value.path;
    const seen = done.get(value);
    if (seen !== undefined) return seen;
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
