// Samplers of torch.utils.data: each draws from PyTorch's generator in the same
// order as torch/utils/data/sampler.py (1.13), so the same seed gives the same indices.
import { randint, randperm } from '../../tensor/create.js';
import { Generator, getDefaultGenerator } from '../../tensor/random.js';
import { multinomial } from '../../tensor/multinomial.js';

/** Something iterable with a known length (Python's Sized + Iterable). */
export interface SizedIterable<T> extends Iterable<T> {
  readonly length: number;
}

export abstract class Sampler<T = number> implements SizedIterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  abstract get length(): number;
}

function toList(t: { toTypedArray(): ArrayLike<number> }): number[] {
  return Array.from(t.toTypedArray());
}

/** torch.empty((), dtype=torch.int64).random_(generator=gen).item(): a seed in [0, 2^63). */
export function drawSeed(gen: Generator = getDefaultGenerator()): bigint {
  return BigInt.asUintN(63, gen.random64());
}

/** 0, 1, ..., length-1. */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: { readonly length: number }) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }
  get length(): number {
    return this.dataSource.length;
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  numSamples?: number;
  generator?: Generator;
}

/**
 * Random indices: a permutation (repeated to cover numSamples) or, with
 * replacement, randint draws in chunks of 32. Without a generator it seeds a fresh
 * one from the default generator when iteration starts, as PyTorch does.
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly requested: number | undefined;

  constructor(readonly dataSource: { readonly length: number }, opts: RandomSamplerOptions = {}) {
    super();
    this.replacement = opts.replacement ?? false;
    this.requested = opts.numSamples;
    this.generator = opts.generator;
    if (typeof this.replacement !== 'boolean') throw new TypeError(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    const n = this.numSamples;
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`num_samples should be a positive integer value, but got num_samples=${n}`);
  }

  get numSamples(): number {
    return this.requested ?? this.dataSource.length;
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    let generator = this.generator;
    if (generator === undefined) generator = new Generator().manualSeed(drawSeed());
    const total = this.numSamples;
    if (this.replacement) {
      for (let k = 0; k < Math.floor(total / 32); k++) yield* toList(randint(0, n, [32], { generator }));
      yield* toList(randint(0, n, [total % 32], { generator }));
    } else {
      for (let k = 0; k < Math.floor(total / n); k++) yield* toList(randperm(n, { generator }));
      yield* toList(randperm(n, { generator })).slice(0, total % n);
    }
  }
}

/** The given indices in a random order (one randperm per iteration). */
export class SubsetRandomSampler extends Sampler<number> {
  constructor(readonly indices: readonly number[], readonly generator?: Generator) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of toList(randperm(this.indices.length, { generator: this.generator }))) yield this.indices[i];
  }
  get length(): number {
    return this.indices.length;
  }
}

/** Indices drawn with probabilities proportional to `weights` (torch.multinomial on float64 weights). */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: number[];
  constructor(weights: Iterable<number>, readonly numSamples: number, readonly replacement = true, readonly generator?: Generator) {
    super();
    if (!Number.isInteger(numSamples) || numSamples <= 0) throw new RangeError(`num_samples should be a positive integer value, but got num_samples=${numSamples}`);
    if (typeof replacement !== 'boolean') throw new TypeError(`replacement should be a boolean value, but got replacement=${String(replacement)}`);
    this.weights = Array.from(weights, Number);
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* multinomial(this.weights, this.numSamples, this.replacement, this.generator ?? getDefaultGenerator());
  }
  get length(): number {
    return this.numSamples;
  }
}

/** Groups another sampler's indices into lists of batchSize (the last shorter unless dropLast). */
export class BatchSampler extends Sampler<number[]> {
  constructor(readonly sampler: SizedIterable<number> | Iterable<number>, readonly batchSize: number, readonly dropLast: boolean) {
    super();
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`drop_last should be a boolean value, but got drop_last=${String(dropLast)}`);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
  get length(): number {
    const n = sizeOf(this.sampler, 'sampler');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}

export function sizeOf(x: unknown, what: string): number {
  const n = (x as { length?: unknown }).length;
  if (typeof n !== 'number') throw new TypeError(`${what} has no length`);
  return n;
}
