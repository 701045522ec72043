// Datasets and functions exported by a module (not a test file), so that DataLoader
// workers can import them by reference, as pickle would: these load on worker threads.
import { threadId } from 'node:worker_threads';
import * as torch from '../../src/index.js';
import { Dataset, IterableDataset, getWorkerInfo } from '../../src/utils/data/index.js';
import * as T from '../../src/vision/transforms/index.js';

/** Item i: ([i, i*i] as float32, i % 3, the id of the thread that loaded it). */
export class ThreadSquares extends Dataset<[torch.Tensor, number, number]> {
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): [torch.Tensor, number, number] {
    return [torch.tensor([i, i * i], { dtype: 'float32' }), i % 3, threadId];
  }
  get length(): number {
    return this.n;
  }
}

/** Item i: [i + offset, the id of the thread that loaded it]; the offset can change between epochs. */
export class OffsetThreads extends Dataset<[number, number]> {
  offset = 0;
  getItem(i: number): [number, number] {
    return [i + this.offset, threadId];
  }
  get length(): number {
    return 6;
  }
}

/** Item i is i (as PyTorch's fixture's Range). */
export class Range extends Dataset<number> {
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): number {
    return i;
  }
  get length(): number {
    return this.n;
  }
}

/** Each item is a draw from the loading thread's default generator. */
export class RandomDraws extends Dataset<torch.Tensor> {
  getItem(): torch.Tensor {
    return torch.rand(2);
  }
  get length(): number {
    return 8;
  }
}

/** PyTorch's fixture's CropDataset: a 1x4x4 image 16*i + arange through RandomCrop(2) and RandomHorizontalFlip. */
export class CropDataset extends Dataset<[torch.Tensor, number]> {
  readonly transform = new T.Compose([new T.RandomCrop(2), new T.RandomHorizontalFlip()]);
  getItem(i: number): [torch.Tensor, number] {
    const img = torch.arange(16, { dtype: 'float32' }).add(16 * i).reshape(1, 4, 4);
    return [this.transform(img) as torch.Tensor, i];
  }
  get length(): number {
    return 6;
  }
}

/** Item 5 throws. */
export class BrokenAt5 extends Dataset<number> {
  getItem(i: number): number {
    if (i === 5) throw new RangeError('item 5 is broken on purpose');
    return i;
  }
  get length(): number {
    return 8;
  }
}

/** Items take `ms` milliseconds each (for timeouts). */
export class Slow extends Dataset<number> {
  constructor(readonly ms: number) {
    super();
  }
  getItem(i: number): number {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.ms);
    return i;
  }
  get length(): number {
    return 4;
  }
}

/** 0..n-1 split between the workers by getWorkerInfo(), as PyTorch's docs suggest. */
export class Stream extends IterableDataset<number> {
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

/** A dataset holding a closure that no module exports: it loads on the main thread. */
export class WithClosure extends Dataset<number> {
  readonly scale: (x: number) => number;
  constructor(factor: number) {
    super();
    this.scale = (x) => x * factor;
  }
  getItem(i: number): number {
    return this.scale(i);
  }
  get length(): number {
    return 5;
  }
}

/** worker_init_fn of PyTorch's fixture: re-seeds each worker with 100 + id. */
export function seedWorker(workerId: number): void {
  torch.manualSeed(100 + workerId);
}

/** A transform (through T.Lambda): the image with the loading worker's id and thread id. */
export function tagWorker(x: torch.Tensor): [torch.Tensor, number, number] {
  return [x, getWorkerInfo()?.id ?? -1, threadId];
}

/** A collateFn the workers can import: the sum of the batch's items and where it was collated. */
export function sumCollate(batch: number[]): { sum: number; thread: number } {
  return { sum: batch.reduce((a, b) => a + b, 0), thread: threadId };
}

/** A graph with shared references, a cycle, a Map, a Set, a Buffer and tensors sharing storage. */
export class Graph {
  self: Graph;
  readonly shared = { hits: [1, 2] };
  readonly pair: [unknown, unknown];
  readonly table = new Map<string, unknown>();
  readonly tags = new Set(['a', 'b']);
  readonly bytes = Buffer.from('hello');
  readonly base = torch.arange(6, { dtype: 'float32' });
  readonly view: torch.Tensor;
  constructor() {
    this.self = this;
    this.pair = [this.shared, this.shared];
    this.table.set('shared', this.shared);
    this.view = this.base.reshape(2, 3).select(1, 1);
  }
  total(): number {
    return this.shared.hits.reduce((a, b) => a + b, 0);
  }
}

/** State in a private field, which no copy of its own properties carries. */
export class Private {
  #secret = 42;
  reveal(): number {
    return this.#secret;
  }
}

/** A Map subclass: its entries live in an internal slot. */
export class Registry extends Map<string, number> {}

/** A getter defined on the instance. */
export function withGetter(): object {
  return Object.defineProperty({ x: 1 }, 'y', { get: () => 2, enumerable: true });
}

/** An own accessor on a class instance. */
export class Accessor {
  constructor() {
    Object.defineProperty(this, 'now', { get: () => Date.now() });
  }
}

/** A function declared inside another, which no module exports. */
export function makeScaler(k: number): (x: number) => number {
  return function scale(x: number) {
    return x * k;
  };
}

/** Holds a named function no module exports: found out when the worker imports the module. */
export class Scaled extends Dataset<number> {
  readonly scale = makeScaler(3);
  getItem(i: number): number {
    return this.scale(i);
  }
  get length(): number {
    return 9;
  }
}
