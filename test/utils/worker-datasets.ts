// Datasets that the DataLoader worker tests build inside worker threads (by module + export).
import * as torch from '../../src/index.js';
import { Dataset, IterableDataset, getWorkerInfo } from '../../src/utils/data/index.js';

/** Item i: ([i, i*i] as float32, label i % 3, a random draw from the current thread's default generator). */
export class SquaresDataset extends Dataset<[torch.Tensor, number]> {
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): [torch.Tensor, number] {
    if (i === 13 && this.n === 14) throw new Error('item 13 is broken on purpose');
    return [torch.tensor([i, i * i], { dtype: 'float32' }), i % 3];
  }
  get length(): number {
    return this.n;
  }
}

export function makeSquares(n: number): SquaresDataset {
  return new SquaresDataset(n);
}

/** Each item is a draw from the worker's generator, to check per-worker seeding (baseSeed + id). */
export class RandomItems extends Dataset<torch.Tensor> {
  getItem(): torch.Tensor {
    return torch.rand(2);
  }
  get length(): number {
    return 8;
  }
}

/** A stream of 0..n-1 split between the workers by getWorkerInfo(), as PyTorch's docs suggest. */
export class RangeStream extends IterableDataset<number> {
  constructor(readonly n: number) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    const info = getWorkerInfo();
    const step = info ? info.numWorkers : 1;
    for (let i = info ? info.id : 0; i < this.n; i += step) yield i;
  }
  get length(): number {
    return this.n;
  }
}

export const pairsCollate = (batch: [torch.Tensor, number][]): { sum: number; count: number } => ({
  sum: batch.reduce((s, [x]) => s + Number(x.sum().item()), 0),
  count: batch.length,
});

/** { index: i, target: a float regression target }: whole numbers except every 4th item (i + 0.5). */
export class FloatTargets extends Dataset<{ index: number; target: number }> {
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): { index: number; target: number } {
    return { index: i, target: i % 4 === 0 ? i + 0.5 : i };
  }
  get length(): number {
    return this.n;
  }
}
