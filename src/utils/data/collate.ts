// default_collate: turns a list of samples into a batch, as PyTorch's
// torch/utils/data/_utils/collate.py does.
import { pyTypeName } from '../../tensor/args.js';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { stack } from '../../ops/join.js';
import { registerTransferableClass } from './transfer.js';

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

type NumberDtype = 'int64' | 'float64';

/** The per-batch rule: integral numbers are Python ints (int64), any fraction makes floats (float64). */
function dtypeOfValues(values: readonly number[]): NumberDtype {
  return values.every(Number.isInteger) ? 'int64' : 'float64';
}

/**
 * The dtypes that JS numbers collate to, per sample position (`sample[1]`,
 * `sample.label`, …), fixed by the first batch that has numbers there. JS has one
 * number type, so the per-batch rule would make a float target whose batch happens to
 * hold only whole numbers int64; a DataLoader keeps one memo for its lifetime so each
 * position keeps one dtype. A fraction at a position fixed as int64 is an error (it
 * would otherwise be truncated or change the dtype).
 */
export class NumberDtypeMemo {
  private readonly dtypes = new Map<string, NumberDtype>();

  /** The dtype of `values` at `position`: the one recorded there, else decided now and recorded. */
  dtypeOf(position: string, values: readonly number[]): NumberDtype {
    const known = this.dtypes.get(position);
    if (known === undefined) {
      const dtype = dtypeOfValues(values);
      this.dtypes.set(position, dtype);
      return dtype;
    }
    const fraction = known === 'int64' ? values.find((v) => !Number.isInteger(v)) : undefined;
    if (fraction !== undefined) {
      throw new TypeError(
        `default_collate: the numbers at ${position} were all whole in the first batch, so this DataLoader collates them to int64, but this batch has ${fraction}; ` +
          'return such values as float tensors (e.g. torch.tensor(y, { dtype: \'float32\' })) or pass a collateFn',
      );
    }
    return known;
  }
}

/** Numbers whose dtype is decided later: what workers send, so that the loader's memo decides. */
export class PendingNumbers {
  constructor(readonly position: string, readonly values: Float64Array) {}
}
registerTransferableClass('torchlette.utils.data.PendingNumbers', PendingNumbers);

/** How a batch of JS numbers at a position becomes a value. */
type NumberCollator = (values: number[], position: string) => unknown;

/** Python's type(x).__name__ for a JS value (null and undefined are None). */
const pyTypeOf = (v: unknown) => (v === null || v === undefined ? 'NoneType' : pyTypeName(v));

/** PyTorch's torch.tensor(batch) errors for what is not a number (a 1-element tensor converts, as in Python). */
function checkNumbers(batch: readonly unknown[]): unknown[] {
  return batch.map((v) => {
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
    if (v instanceof Tensor && v.numel() === 1) return v.item();
    if (v === null || v === undefined) throw new TypeError(`Could not infer dtype of NoneType (default_collate got ${v} among numbers)`);
    throw new TypeError(`new(): invalid data type '${pyTypeOf(v)}' (default_collate got it among numbers)`);
  });
}

function collateNumbers(raw: readonly unknown[], position: string, numbers: NumberCollator): unknown {
  const batch = checkNumbers(raw);
  const first = batch[0];
  if (typeof first === 'boolean') return tensor(batch as boolean[], { dtype: 'bool' });
  if (typeof first === 'bigint') return tensor((batch as bigint[]).map(Number), { dtype: 'int64' });
  return numbers(batch.map(Number), position);
}

/**
 * Stacks tensors along a new first dim; numbers become int64 (integral) or float64
 * tensors, booleans bool; typed arrays become tensors and are stacked; strings stay
 * a list; arrays and plain objects (or Maps) are collated field by field. With a
 * `memo` (a DataLoader passes its own) the dtype of the numbers at each position is
 * the one the memo fixed on its first batch; without one it is decided per batch.
 */
export function defaultCollate<T>(batch: readonly T[], memo?: NumberDtypeMemo): Collated<T> {
  const numbers: NumberCollator = memo
    ? (values, position) => tensor(values, { dtype: memo.dtypeOf(position, values) })
    : (values) => tensor(values, { dtype: dtypeOfValues(values) });
  return collate(batch, 'sample', numbers) as Collated<T>;
}

/**
 * defaultCollate for worker threads: numbers stay PendingNumbers, which the loader
 * turns into tensors with resolvePendingNumbers and its memo, in batch order.
 */
export function collateDeferringNumbers(batch: readonly unknown[]): unknown {
  return collate(batch, 'sample', (values, position) => new PendingNumbers(position, Float64Array.from(values)));
}

/** Replaces the PendingNumbers in a collated batch by tensors of the memo's dtypes. */
export function resolvePendingNumbers(value: unknown, memo: NumberDtypeMemo): unknown {
  if (value instanceof PendingNumbers) {
    const values = Array.from(value.values);
    return tensor(values, { dtype: memo.dtypeOf(value.position, values) });
  }
  if (Array.isArray(value)) return value.map((v) => resolvePendingNumbers(v, memo));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, resolvePendingNumbers(v, memo)]));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePendingNumbers(v, memo)]));
  return value;
}

/** How deep default_collate follows nested samples before calling the structure too deep (Python's recursion limit). */
const MAX_DEPTH = 500;

function collate(batch: readonly unknown[], position: string, numbers: NumberCollator, path: readonly object[] = []): unknown {
  if (batch.length === 0) throw new RangeError('default_collate: cannot collate an empty batch');
  const elem = batch[0];
  if (elem instanceof Tensor) {
    const other = batch.findIndex((b) => !(b instanceof Tensor));
    if (other >= 0) throw new TypeError(`expected Tensor as element ${other} in argument 0, but got ${pyTypeOf(batch[other])} (default_collate at ${position})`);
    return stack(batch as Tensor[], 0);
  }
  if (typeof elem === 'number' || typeof elem === 'boolean' || typeof elem === 'bigint') return collateNumbers(batch, position, numbers);
  if (typeof elem === 'string') return batch.slice();
  if (ArrayBuffer.isView(elem) && !(elem instanceof DataView)) return stack(batch.map((a) => tensor(a as Float32Array)), 0);
  if (typeof elem === 'object' && elem !== null) {
    // A sample that contains itself would recurse forever, and so would a structure deeper than Python's recursion limit.
    if (path.includes(elem)) throw new TypeError(`default_collate: ${position} contains itself (a cyclic sample); pass a collateFn that batches it`);
    if (path.length >= MAX_DEPTH) throw new RangeError(`default_collate: ${position.slice(0, 200)}... is nested more than ${MAX_DEPTH} levels deep; pass a collateFn that batches it`);
    path = [...path, elem];
  }
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const key of elem.keys()) out.set(key, collate(batch.map((d) => (d as Map<unknown, unknown>).get(key)), `${position}.get(${String(key)})`, numbers, path));
    return out;
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === size)) throw new RangeError('each element in list of batch should be of equal size');
    return Array.from({ length: size }, (_, k) => collate(batch.map((b) => (b as unknown[])[k]), `${position}[${k}]`, numbers, path));
  }
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) {
      const missing = batch.findIndex((d) => !isPlainObject(d) || !Object.hasOwn(d, key));
      if (missing >= 0) throw new TypeError(`KeyError: '${key}' (default_collate: sample ${missing} of the batch has no ${position}.${key}, the first one has)`);
      out[key] = collate(batch.map((d) => (d as Record<string, unknown>)[key]), `${position}.${key}`, numbers, path);
    }
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
