// torch.utils.data.DistributedSampler (1.13): each of numReplicas processes gets every
// numReplicas-th index of one shared order, a randperm seeded with seed + epoch (bit-exact
// with PyTorch's generator), padded by repeating its head (or cut with dropLast) so that
// every process gets the same number of samples.
import { bool, check, int, nullable, signature, type ArgsOf } from '../../tensor/args.js';
import { randperm } from '../../tensor/create.js';
import { Generator } from '../../tensor/random.js';
import { getRank, getWorldSize, isAvailable } from '../../distributed/index.js';
import { Sampler } from './sampler.js';

const sizedArg = check<{ readonly length: number }>('a sized object (a Dataset or an array)', (v) => typeof v === 'object' && v !== null && 'length' in v);

const distributedArgs = signature('DistributedSampler', [
  ['dataset', sizedArg],
  ['numReplicas', nullable(int), null],
  ['rank', nullable(int), null],
  ['shuffle', bool, true],
  ['seed', int, 0],
  ['dropLast', bool, false],
] as const);

export class DistributedSampler extends Sampler<number> {
  readonly dataset: { readonly length: number };
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly numSamples: number;
  readonly totalSize: number;
  epoch = 0;

  constructor(...args: ArgsOf<typeof distributedArgs>) {
    super();
    const a = distributedArgs.parse(args);
    if ((a.numReplicas === null || a.rank === null) && !isAvailable()) throw new Error('Requires distributed package to be available');
    const numReplicas = a.numReplicas ?? getWorldSize();
    const rank = a.rank ?? getRank();
    if (rank >= numReplicas || rank < 0) throw new RangeError(`Invalid rank ${rank}, rank should be in the interval [0, ${numReplicas - 1}]`);
    this.dataset = a.dataset;
    this.numReplicas = numReplicas;
    this.rank = rank;
    this.shuffle = a.shuffle;
    this.seed = a.seed;
    this.dropLast = a.dropLast;
    const n = a.dataset.length;
    // Dropping the tail keeps every replica's share equal without repeating samples.
    this.numSamples = Math.max(0, a.dropLast && n % numReplicas !== 0 ? Math.ceil((n - numReplicas) / numReplicas) : Math.ceil(n / numReplicas));
    this.totalSize = this.numSamples * numReplicas;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataset.length;
    let indices: number[];
    if (this.shuffle) {
      const generator = new Generator().manualSeed(this.seed + this.epoch);
      indices = Array.from(randperm(n, { generator }).toTypedArray(), Number);
    } else {
      indices = Array.from({ length: n }, (_, i) => i);
    }
    if (!this.dropLast) {
      const padding = this.totalSize - indices.length;
      if (padding <= indices.length) indices = indices.concat(indices.slice(0, padding));
      else {
        const repeated: number[] = [];
        for (let k = 0; k < Math.ceil(padding / indices.length); k++) repeated.push(...indices);
        indices = indices.concat(repeated.slice(0, padding));
      }
    } else {
      indices = indices.slice(0, this.totalSize);
    }
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i];
  }

  get length(): number {
    return this.numSamples;
  }

  /** Sets the epoch, which seeds the next order (call it before each epoch when shuffling). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch)) throw new TypeError(`set_epoch(): epoch must be an int, got ${epoch}`);
    this.epoch = epoch;
  }
}
