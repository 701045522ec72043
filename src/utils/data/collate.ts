// default_collate: turns a list of samples into a batch, as PyTorch's
// torch/utils/data/_utils/collate.py does.
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { stack } from '../../ops/join.js';

/** The type default_collate gives for a batch of T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | bigint | boolean | ArrayBufferView
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : T;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function collateNumbers(batch: readonly unknown[]): Tensor {
  const first = batch[0];
  if (typeof first === 'boolean') return tensor(batch as boolean[], { dtype: 'bool' });
  if (typeof first === 'bigint') return tensor((batch as bigint[]).map(Number), { dtype: 'int64' });
  // JS has one number type: a batch of integral numbers is int64 (Python ints), any
  // fraction makes it float64 (Python floats collate to float64).
  const values = batch.map(Number);
  return tensor(values, { dtype: values.every(Number.isInteger) ? 'int64' : 'float64' });
}

/**
 * Stacks tensors along a new first dim; numbers become int64 (integral) or float64
 * tensors, booleans bool; typed arrays become tensors and are stacked; strings stay
 * a list; arrays and plain objects (or Maps) are collated field by field.
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new RangeError('default_collate: cannot collate an empty batch');
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof elem === 'number' || typeof elem === 'boolean' || typeof elem === 'bigint') return collateNumbers(batch);
  if (typeof elem === 'string') return batch.slice();
  if (ArrayBuffer.isView(elem) && !(elem instanceof DataView)) return stack(batch.map((a) => tensor(a as Float32Array)), 0);
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const key of elem.keys()) out.set(key, collate(batch.map((d) => (d as Map<unknown, unknown>).get(key))));
    return out;
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === size)) throw new RangeError('each element in list of batch should be of equal size');
    return Array.from({ length: size }, (_, k) => collate(batch.map((b) => (b as unknown[])[k])));
  }
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = collate(batch.map((d) => (d as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(`default_collate: batch must contain tensors, numbers, typed arrays, strings, objects or arrays; found ${describe(elem)}`);
}

/** default_convert (used when automatic batching is off): typed arrays become tensors, the rest is kept. */
export function defaultConvert<T>(data: T): unknown {
  if (data instanceof Tensor) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return tensor(data as unknown as Float32Array);
  if (Array.isArray(data)) return data.map((d) => defaultConvert(d));
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (isPlainObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  return data;
}
