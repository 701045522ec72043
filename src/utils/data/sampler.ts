// Samplers of torch.utils.data: each draws from PyTorch's generator in the same
// order as torch/utils/data/sampler.py (1.13), so the same seed gives the same indices.
// Constructors take PyTorch's positional parameters and/or an options object.
import { bool, check, either, instance, int, nullable, numberList, signature, tensor, type ArgsOf, type Check, type OptionsObjectOf } from '../../tensor/args.js';
import { randint, randperm } from '../../tensor/create.js';
import { Generator, getDefaultGenerator } from '../../tensor/random.js';
import { asNumbers, type TypedArray } from '../../tensor/dtype.js';
import { multinomial } from '../../tensor/multinomial.js';

/** Something iterable with a known length (Python's Sized + Iterable). */
export interface SizedIterable<T> extends Iterable<T> {
  readonly length: number;
}

export abstract class Sampler<T = number> implements SizedIterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  abstract get length(): number;
}

function toList(t: { toTypedArray(): TypedArray }): number[] {
  return Array.from(asNumbers(t.toTypedArray()));
}

/** torch.empty((), dtype=torch.int64).random_(generator=gen).item(): a seed in [0, 2^63). */
export function drawSeed(gen: Generator = getDefaultGenerator()): bigint {
  return BigInt.asUintN(63, gen.random64());
}

export const generatorArg: Check<Generator | null> = nullable(instance(Generator, 'torch.Generator'));
/** Python's Sized: a dataset, an array, anything with a length. */
const sizedArg: Check<{ readonly length: number }> = check('a sized object (a Dataset or an array)', (v) => typeof v === 'object' && v !== null && 'length' in v);
const intsArg: Check<readonly number[]> = check('a list of ints', (v) => Array.isArray(v) && v.every((e) => Number.isInteger(e)));
const iterableArg: Check<Iterable<number>> = check('an iterable of ints (a Sampler or a list)', (v) => typeof v === 'object' && v !== null && typeof (v as { getItem?: unknown }).getItem !== 'function' && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function');

function checkPositive(name: string, value: number): void {
  if (value <= 0) throw new RangeError(`${name} should be a positive integer value, but got ${name}=${value}`);
}

const sequentialArgs = signature('SequentialSampler', [['dataSource', sizedArg]] as const);

/** 0, 1, ..., length-1. */
export class SequentialSampler extends Sampler<number> {
  readonly dataSource: { readonly length: number };
  constructor(...args: ArgsOf<typeof sequentialArgs>) {
    super();
    this.dataSource = sequentialArgs.parse(args).dataSource;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }
  get length(): number {
    return this.dataSource.length;
  }
}

const randomArgs = signature('RandomSampler', [
  ['dataSource', sizedArg],
  ['replacement', bool, false],
  ['numSamples', nullable(int), null],
  ['generator', generatorArg, null],
] as const);

/** RandomSampler's options (every parameter by name). */
export type RandomSamplerOptions = OptionsObjectOf<typeof randomArgs>;

/**
 * Random indices: a permutation (repeated to cover numSamples) or, with
 * replacement, randint draws in chunks of 32. Without a generator it seeds a fresh
 * one from the default generator when iteration starts, as PyTorch does.
 */
export class RandomSampler extends Sampler<number> {
  readonly dataSource: { readonly length: number };
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly requested: number | null;

  constructor(...args: ArgsOf<typeof randomArgs>) {
    super();
    const a = randomArgs.parse(args);
    this.dataSource = a.dataSource;
    this.replacement = a.replacement;
    this.requested = a.numSamples;
    this.generator = a.generator;
    checkPositive('num_samples', this.numSamples);
  }

  get numSamples(): number {
    return this.requested ?? this.dataSource.length;
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const generator = this.generator ?? new Generator().manualSeed(drawSeed());
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

const subsetRandomArgs = signature('SubsetRandomSampler', [['indices', intsArg], ['generator', generatorArg, null]] as const);

/** The given indices in a random order (one randperm per iteration). */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: readonly number[];
  readonly generator: Generator | null;
  constructor(...args: ArgsOf<typeof subsetRandomArgs>) {
    super();
    const a = subsetRandomArgs.parse(args);
    this.indices = a.indices;
    this.generator = a.generator;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of toList(randperm(this.indices.length, { generator: this.generator ?? undefined }))) yield this.indices[i];
  }
  get length(): number {
    return this.indices.length;
  }
}

const weightedArgs = signature('WeightedRandomSampler', [
  ['weights', either(numberList, tensor)],
  ['numSamples', int],
  ['replacement', bool, true],
  ['generator', generatorArg, null],
] as const);

/** Indices drawn with probabilities proportional to `weights` (torch.multinomial on float64 weights). */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: number[];
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;
  constructor(...args: ArgsOf<typeof weightedArgs>) {
    super();
    const a = weightedArgs.parse(args);
    checkPositive('num_samples', a.numSamples);
    if (!Array.isArray(a.weights) && (a.weights as { dim(): number }).dim() !== 1) {
      throw new RangeError(`weights should be a 1d sequence but given weights have shape (${(a.weights as { shape: number[] }).shape.join(', ')})`);
    }
    this.weights = Array.isArray(a.weights) ? a.weights.slice() : Array.from((a.weights as { toTypedArray(): ArrayLike<number> }).toTypedArray(), Number);
    this.numSamples = a.numSamples;
    this.replacement = a.replacement;
    this.generator = a.generator;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* multinomial(this.weights, this.numSamples, this.replacement, this.generator ?? getDefaultGenerator());
  }
  get length(): number {
    return this.numSamples;
  }
}

const batchArgs = signature('BatchSampler', [['sampler', iterableArg], ['batchSize', int], ['dropLast', bool]] as const);

/** Groups another sampler's indices into lists of batchSize (the last shorter unless dropLast). */
export class BatchSampler extends Sampler<number[]> {
  readonly sampler: SizedIterable<number> | Iterable<number>;
  readonly batchSize: number;
  readonly dropLast: boolean;
  constructor(...args: ArgsOf<typeof batchArgs>) {
    super();
    const a = batchArgs.parse(args);
    checkPositive('batch_size', a.batchSize);
    this.sampler = a.sampler;
    this.batchSize = a.batchSize;
    this.dropLast = a.dropLast;
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
