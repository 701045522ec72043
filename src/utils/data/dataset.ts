// Datasets: the map-style Dataset (getItem + length), IterableDataset, and the
// combinators of torch.utils.data (TensorDataset, ConcatDataset, ChainDataset,
// Subset, randomSplit).
import { getDefaultGenerator, type Generator } from '../../tensor/random.js';
import { randperm } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { sizeOf } from './sampler.js';

/** A map-style dataset: `getItem(i)` for i in [0, length) (Python's `dataset[i]` and `len(dataset)`). */
export abstract class Dataset<T = unknown> {
  abstract getItem(index: number): T;
  abstract get length(): number;
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

/** Item i of each tensor (along dim 0); all tensors must have the same first dimension. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset needs at least one tensor');
    const n = tensors[0].shape[0];
    tensors.forEach((t, k) => {
      if (t.dim() === 0 || t.shape[0] !== n) throw new RangeError(`Size mismatch between tensors: tensor 0 has ${n} rows, tensor ${k} has shape [${t.shape.join(', ')}]`);
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

/** Datasets one after another; `cumulativeSizes[k]` is the total length of datasets 0..k. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  readonly cumulativeSizes: number[];
  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new RangeError('datasets should not be an empty iterable');
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => {
      if (d instanceof IterableDataset) throw new TypeError('ConcatDataset does not support IterableDataset');
      total += d.length;
      return total;
    });
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

/** Iterable datasets chained one after another; `length` needs every one to have a length. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  constructor(readonly datasets: Iterable<IterableDataset<T>>) {
    super();
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

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T = unknown> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: readonly number[]) {
    super();
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

/**
 * torch.utils.data.random_split: non-overlapping Subsets of the given lengths
 * (counts, or fractions summing to 1), from one randperm of the generator —
 * the same split as PyTorch for the same seed.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = getDefaultGenerator()): Subset<T>[] {
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
  }
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`length at index ${i} must be a non-negative integer, got ${c}`);
  });
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new RangeError(`Sum of input lengths (${sum}) does not equal the length of the input dataset (${n})!`);
  const perm = Array.from(randperm(sum, { generator }).toTypedArray());
  let offset = 0;
  return counts.map((c) => {
    const part = new Subset(dataset, perm.slice(offset, offset + c));
    offset += c;
    return part;
  });
}
