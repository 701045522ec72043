// Datasets: the map-style Dataset (getItem + length), IterableDataset, and the
// combinators of torch.utils.data (TensorDataset, ConcatDataset, ChainDataset,
// Subset, randomSplit), called as PyTorch's (positional and/or an options object).
import { check, checkTensor, numberList, pyTypeName, signature, type Args, type Check } from '../../tensor/args.js';
import { randperm } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { generatorArg, sizeOf } from './sampler.js';
import { warnOnce } from '../../tensor/warnings.js';
import { asNumbers } from '../../tensor/dtype.js';

/** A map-style dataset: `getItem(i)` for i in [0, length) (Python's `dataset[i]` and `len(dataset)`). */
export abstract class Dataset<T = unknown> implements Iterable<T> {
  abstract getItem(index: number): T;
  abstract get length(): number;

  /**
   * `for (const item of dataset)`: items 0, 1, 2, ... as Python iterates an object that has only
   * __getitem__, until getItem throws a RangeError (Python's IndexError) or `length` items.
   */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) {
      let item: T;
      try {
        item = this.getItem(i);
      } catch (e) {
        if (e instanceof RangeError) return;
        throw e;
      }
      yield item;
    }
  }
}

/** A dataset read as a stream (Python's `__iter__`); `length` is optional, as `__len__` is. */
export abstract class IterableDataset<T = unknown> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
}

/** Any dataset a DataLoader accepts. */
export type AnyDataset<T> = Dataset<T> | IterableDataset<T>;

export function isIterableDataset<T>(d: AnyDataset<T>): d is IterableDataset<T> {
  return d instanceof IterableDataset;
}

// --- checks of dataset arguments ---

/** What PyTorch indexes as a map-style dataset: a Dataset, a list (item i is list[i]) or a Tensor (item i is t[i]). */
export type DatasetLike<T> = Dataset<T> | readonly T[] | Tensor;

/** A map-style dataset (anything with getItem and a length, as Python's __getitem__ + __len__), a list or a Tensor. */
export function datasetArg<T>(): Check<DatasetLike<T>> {
  return check('a Dataset (getItem and length), a list or a Tensor', (v) => v instanceof Dataset || Array.isArray(v) || (v instanceof Tensor && v.dim() > 0) ||
    (typeof v === 'object' && v !== null && typeof (v as { getItem?: unknown }).getItem === 'function' && 'length' in v));
}

/** The Dataset a DatasetLike stands for (lists and tensors wrapped, datasets as they are). */
export function asDataset<T>(v: DatasetLike<T>): Dataset<T> {
  if (Array.isArray(v)) return new ListDataset(v as readonly T[]);
  if (v instanceof Tensor) return new TensorRows(v) as unknown as Dataset<T>;
  return v as Dataset<T>;
}

/** An iterable (list, Set, generator, Sampler) that is not a string, nor a map-style Dataset (one dataset, not a list of them). */
export function iterableArg<T>(what: string): Check<Iterable<T>> {
  return check(what, (v) => typeof v === 'object' && v !== null && !(v instanceof Dataset) && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function');
}

/** A list of ints (array or typed array). */
export const indicesArg: Check<readonly number[]> = check('a list of ints', (v) => (Array.isArray(v) || ArrayBuffer.isView(v)) && Array.prototype.every.call(v, (e: unknown) => Number.isInteger(e)));

/**
 * Checks a (possibly negative, Python-style) index into a dataset of `length` items
 * and returns it in [0, length): TypeError if it is not an integer, RangeError
 * (Python's IndexError) if it is out of range.
 */
export function checkIndex(index: number, length: number): number {
  if (!Number.isInteger(index)) throw new TypeError(`dataset index must be an integer, got ${index}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new RangeError(`index ${index} is out of range for a dataset of length ${length}`);
  return i;
}


/** A JavaScript array as a map-style dataset, as PyTorch's DataLoader takes a list: item i is array[i]. */
export class ListDataset<T> extends Dataset<T> {
  constructor(readonly items: readonly T[]) {
    super();
  }
  getItem(index: number): T {
    return this.items[checkIndex(index, this.items.length)];
  }
  get length(): number {
    return this.items.length;
  }
}
/** A Tensor as a map-style dataset: item i is t[i] (its rows along dim 0), as PyTorch indexes one. */
class TensorRows extends Dataset<Tensor> {
  constructor(readonly tensor: Tensor) {
    super();
  }
  getItem(index: number): Tensor {
    return this.tensor.select(0, checkIndex(index, this.tensor.shape[0]));
  }
  get length(): number {
    return this.tensor.shape[0];
  }
}

/** Item i of each tensor (along dim 0): TensorDataset(*tensors); all must have the same first dimension. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset(): needs at least one tensor');
    tensors.forEach((t, k) => checkTensor('TensorDataset', 'tensors', k + 1, t));
    const n = tensors[0].dim() === 0 ? undefined : tensors[0].shape[0];
    tensors.forEach((t, k) => {
      if (t.dim() === 0 || t.shape[0] !== n) throw new RangeError(`Size mismatch between tensors: tensor 0 has shape [${tensors[0].shape.join(', ')}], tensor ${k} has shape [${t.shape.join(', ')}]`);
    });
    this.tensors = tensors;
  }
  getItem(index: number): Tensor[] {
    const i = checkIndex(index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
  get length(): number {
    return this.tensors[0].shape[0];
  }
}

const concatSpec = <T>() => [['datasets', iterableArg<Dataset<T>>('an iterable of Datasets')]] as const;
const concatArgs = signature('ConcatDataset', concatSpec());

/** Datasets one after another; `cumulativeSizes[k]` is the total length of datasets 0..k. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  readonly cumulativeSizes: number[];
  constructor(...args: Args<ReturnType<typeof concatSpec<T>>>) {
    super();
    const a = concatArgs.parse(args);
    const given = [...a.datasets] as DatasetLike<T>[];
    if (given.length === 0) throw new RangeError('datasets should not be an empty iterable');
    const isDataset = datasetArg<T>();
    this.datasets = given.map((d, k) => {
      if (d instanceof IterableDataset) throw new TypeError('ConcatDataset does not support IterableDataset');
      if (!isDataset.test(d)) throw new TypeError(`ConcatDataset(): datasets[${k}] must be a Dataset, not ${pyTypeName(d)}`);
      return asDataset(d);
    });
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += d.length));
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }
  getItem(index: number): T {
    if (index < 0 && -index > this.length) throw new RangeError('absolute value of index should not exceed dataset length');
    const idx = index < 0 ? this.length + index : index;
    // bisect_right over the cumulative sizes
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (idx < this.cumulativeSizes[mid]) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= this.datasets.length) throw new RangeError(`index ${index} is out of range for a dataset of length ${this.length}`);
    return this.datasets[lo].getItem(lo === 0 ? idx : idx - this.cumulativeSizes[lo - 1]);
  }
}

const chainSpec = <T>() => [['datasets', iterableArg<IterableDataset<T>>('an iterable of IterableDatasets')]] as const;
const chainArgs = signature('ChainDataset', chainSpec());

/** Iterable datasets chained one after another; `length` needs every one to have a length. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  readonly datasets: Iterable<IterableDataset<T>>;
  constructor(...args: Args<ReturnType<typeof chainSpec<T>>>) {
    super();
    this.datasets = chainArgs.parse(args).datasets as Iterable<IterableDataset<T>>;
  }
  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new TypeError('ChainDataset only supports IterableDataset');
      yield* d;
    }
  }
  get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new TypeError('ChainDataset only supports IterableDataset');
      total += sizeOf(d, `${d.constructor.name} in ChainDataset`);
    }
    return total;
  }
}

const subsetSpec = <T>() => [['dataset', datasetArg<T>()], ['indices', indicesArg]] as const;
const subsetArgs = signature('Subset', subsetSpec());

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T = unknown> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];
  constructor(...args: Args<ReturnType<typeof subsetSpec<T>>>) {
    super();
    const a = subsetArgs.parse(args);
    this.dataset = asDataset(a.dataset as DatasetLike<T>);
    this.indices = a.indices;
  }
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex(index, this.indices.length)]);
  }
  get length(): number {
    return this.indices.length;
  }
}

// math.isclose(a, b) with Python's default rel_tol=1e-9
function isClose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

const randomSplitSpec = <T>() => [['dataset', datasetArg<T>()], ['lengths', numberList], ['generator', generatorArg, null]] as const;
const randomSplitArgs = signature('randomSplit', randomSplitSpec());

/**
 * torch.utils.data.random_split(dataset, lengths, generator): non-overlapping Subsets
 * of the given lengths (counts, or fractions summing to 1), from one randperm of the
 * generator (the default one if none) — the same split as PyTorch for the same seed.
 */
export function randomSplit<T>(...args: Args<ReturnType<typeof randomSplitSpec<T>>>): Subset<T>[] {
  const parsed = randomSplitArgs.parse(args);
  const { lengths, generator } = parsed;
  const dataset = asDataset(parsed.dataset as DatasetLike<T>);
  const n = dataset.length;
  let counts = lengths.slice();
  const total = lengths.reduce((a, b) => a + b, 0);
  if (isClose(total, 1) && total <= 1) {
    counts = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new RangeError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length] += 1;
    counts.forEach((c, i) => {
      if (c === 0) warnOnce(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new RangeError(`Sum of input lengths (${sum}) does not equal the length of the input dataset (${n})!`);
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`length at index ${i} must be a non-negative integer, got ${c}`);
  });
  const perm = Array.from(asNumbers(randperm(sum, { generator: generator ?? undefined }).toTypedArray()));
  let offset = 0;
  return counts.map((c) => {
    const part = new Subset(dataset as Dataset<T>, perm.slice(offset, offset + c));
    offset += c;
    return part;
  });
}

