// DataLoader: batches of a dataset in the order of its sampler, collated, either in
// this thread (a plain iterator) or on worker threads (an async iterator) that
// produce exactly the same batches in the same order.
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { Generator as TorchGenerator } from '../../tensor/random.js';
import { NumberDtypeMemo, defaultCollate, defaultConvert, resolvePendingNumbers, type Collated } from './collate.js';
import { IterableDataset, type AnyDataset, type Dataset } from './dataset.js';
import { BatchSampler, RandomSampler, SequentialSampler, drawSeed, sizeOf, type SizedIterable } from './sampler.js';
import { DataWorker, type FetchResult } from './worker-pool.js';
import type { WorkerInit } from './worker-protocol.js';

/**
 * How worker threads get the dataset: functions and closures cannot cross threads,
 * so each worker imports `module` and takes its export `exportName` — a dataset, a
 * Dataset subclass (constructed with `args`), or a function (maybe async) called
 * with `args` that returns one. The worker's dataset must be the same as the loader's.
 */
export interface WorkerDatasetSpec {
  /** A file path (absolute or relative to the working directory), a file: URL, or a package name. */
  module: string | URL;
  exportName?: string;
  args?: unknown[];
  /** An export of `module` to collate batches with in the workers (default: defaultCollate, or the loader's collateFn on the main thread). */
  collateExport?: string;
}

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null turns automatic batching off. */
  batchSize?: number | null;
  shuffle?: boolean;
  sampler?: SizedIterable<number> | Iterable<number>;
  batchSampler?: SizedIterable<number[]> | Iterable<number[]>;
  numWorkers?: number;
  collateFn?: (batch: T[]) => B;
  dropLast?: boolean;
  /** Used by the RandomSampler that shuffle creates, and for the workers' base seed. */
  generator?: TorchGenerator;
  /** Batches requested ahead per worker (default 2). */
  prefetchFactor?: number;
  /** Keep the worker threads (and their datasets) between epochs. */
  persistentWorkers?: boolean;
  workerDataset?: WorkerDatasetSpec;
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (isAbsolute(module) || module.startsWith('.')) return pathToFileURL(resolvePath(module)).href;
  return module;
}

export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: AnyDataset<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly generator: TorchGenerator | undefined;
  readonly sampler: SizedIterable<number> | Iterable<number> | null;
  readonly batchSampler: SizedIterable<number[]> | Iterable<number[]> | null;
  readonly collateFn: (batch: T[]) => B;
  private readonly customCollate: boolean;
  /** The dtypes of collated JS numbers, fixed per sample position by the first batch (see collate.ts). */
  private readonly numberDtypes = new NumberDtypeMemo();
  private readonly workerSpec: WorkerDatasetSpec | undefined;
  private workers: DataWorker[] | null = null;

  constructor(dataset: AnyDataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    const numWorkers = opts.numWorkers ?? 0;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) throw new RangeError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    this.numWorkers = numWorkers;
    this.prefetchFactor = opts.prefetchFactor ?? 2;
    if (!(this.prefetchFactor > 0)) throw new RangeError(`prefetch_factor option should be positive, got ${this.prefetchFactor}`);
    this.persistentWorkers = opts.persistentWorkers ?? false;
    if (this.persistentWorkers && numWorkers === 0) throw new RangeError('persistent_workers option needs num_workers > 0');
    this.generator = opts.generator;
    this.workerSpec = opts.workerDataset;
    if (numWorkers > 0 && !this.workerSpec) {
      throw new TypeError(
        'DataLoader with numWorkers > 0 needs options.workerDataset = { module, exportName, args? }: each worker thread imports that module to build its own copy of the dataset (objects with closures cannot be sent to threads)',
      );
    }
    let batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    let dropLast = opts.dropLast ?? false;
    const shuffle = opts.shuffle ?? false;
    let sampler = opts.sampler ?? null;
    let batchSampler = opts.batchSampler ?? null;

    if (dataset instanceof IterableDataset) {
      if (shuffle) throw new TypeError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`);
      if (sampler) throw new TypeError('DataLoader with IterableDataset: expected unspecified sampler option');
      if (batchSampler) throw new TypeError('DataLoader with IterableDataset: expected unspecified batch_sampler option');
    } else {
      if (sampler && shuffle) throw new TypeError('sampler option is mutually exclusive with shuffle');
      if (batchSampler) {
        if (batchSize !== 1 || shuffle || sampler || dropLast) {
          throw new TypeError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
        }
        batchSize = null;
        dropLast = false;
      } else if (batchSize === null && dropLast) {
        throw new TypeError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
      }
      if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
      sampler ??= shuffle ? new RandomSampler(dataset, { generator: this.generator }) : new SequentialSampler(dataset);
      if (batchSize !== null && batchSampler === null) batchSampler = new BatchSampler(sampler, batchSize, dropLast);
    }
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.customCollate = opts.collateFn !== undefined;
    const autoCollation = this.autoCollation;
    const memo = this.numberDtypes;
    this.collateFn = opts.collateFn ?? ((batch: T[]) => (autoCollation ? defaultCollate(batch, memo) : defaultConvert(batch)) as B);
  }

  private get autoCollation(): boolean {
    return this.dataset instanceof IterableDataset ? this.batchSize !== null : this.batchSampler !== null;
  }

  private get indexSampler(): Iterable<number | number[]> {
    return (this.autoCollation ? this.batchSampler : this.sampler) as Iterable<number | number[]>;
  }

  /** The number of batches (len(loader)). */
  get length(): number {
    if (this.dataset instanceof IterableDataset) {
      const n = sizeOf(this.dataset, 'IterableDataset');
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return sizeOf(this.indexSampler, this.autoCollation ? 'batch_sampler' : 'sampler');
  }

  /** Iterates in this thread; with numWorkers > 0 use `for await` instead. */
  [Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) {
      throw new TypeError('a DataLoader with numWorkers > 0 loads on worker threads and is iterated with `for await (const batch of loader)`');
    }
    drawSeed(this.generator); // PyTorch draws the workers' base seed for every iterator, workers or not
    return this.singleThread();
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers === 0) {
      const it = this[Symbol.iterator]();
      return { next: async () => it.next(), return: async (v?: unknown) => it.return?.(v as B) ?? { done: true, value: v as B } };
    }
    const baseSeed = drawSeed(this.generator);
    return this.multiThread(baseSeed);
  }

  private *singleThread(): Generator<B> {
    const dataset = this.dataset;
    if (dataset instanceof IterableDataset) {
      const it = dataset[Symbol.iterator]();
      if (!this.autoCollation) {
        for (let next = it.next(); !next.done; next = it.next()) yield this.collateFn(next.value as unknown as T[]);
        return;
      }
      for (;;) {
        const items: T[] = [];
        while (items.length < (this.batchSize as number)) {
          const next = it.next();
          if (next.done) break;
          items.push(next.value);
        }
        if (items.length === 0 || (this.dropLast && items.length < (this.batchSize as number))) return;
        yield this.collateFn(items);
      }
    }
    const ds = dataset as Dataset<T>;
    for (const index of this.indexSampler) {
      if (Array.isArray(index)) yield this.collateFn(index.map((i) => ds.getItem(i)));
      else yield this.collateFn(ds.getItem(index as number) as unknown as T[]);
    }
  }

  /** Whether workers collate by default (leaving numbers pending for this loader's memo) rather than with collateExport or on this thread. */
  private get workersCollateByDefault(): boolean {
    return !this.customCollate && this.workerSpec?.collateExport === undefined;
  }

  private workerInit(workerId: number, baseSeed: bigint): WorkerInit {
    const spec = this.workerSpec as WorkerDatasetSpec;
    const module = moduleUrl(spec.module);
    return {
      module,
      exportName: spec.exportName ?? 'default',
      args: spec.args ?? [],
      collate: spec.collateExport ? { module, exportName: spec.collateExport } : this.workersCollateByDefault ? 'default' : 'main',
      workerId,
      numWorkers: this.numWorkers,
      baseSeed: baseSeed.toString(),
      datasetLength: this.dataset instanceof IterableDataset ? -1 : this.dataset.length,
      autoCollation: this.autoCollation,
      batchSize: this.batchSize ?? 1,
      dropLast: this.dropLast,
    };
  }

  private async startWorkers(baseSeed: bigint): Promise<DataWorker[]> {
    if (this.workers) return this.workers;
    const started = await Promise.allSettled(Array.from({ length: this.numWorkers }, (_, id) => DataWorker.start(this.workerInit(id, baseSeed))));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failed.reason;
    }
    if (this.persistentWorkers) this.workers = workers;
    return workers;
  }

  /** Shuts down persistent workers (they otherwise live as long as the loader is used). */
  async shutdown(): Promise<void> {
    const workers = this.workers;
    this.workers = null;
    if (workers) await Promise.all(workers.map((w) => w.terminate()));
  }

  private async *multiThread(baseSeed: bigint): AsyncGenerator<B> {
    const workers = await this.startWorkers(baseSeed);
    for (const w of workers) w.setActive(true);
    const iterable = this.dataset instanceof IterableDataset;
    const deferredNumbers = this.workersCollateByDefault && this.autoCollation;
    const tasks = iterable ? null : this.indexSampler[Symbol.iterator]();
    const active = workers.map(() => true);
    const pending = new Map<number, Promise<FetchResult>>();
    const started = new Set<number>();
    let nextWorker = 0;
    let sent = 0;
    let received = 0;

    // Round-robin over the workers still active, as PyTorch's _try_put_index.
    const trySend = (): boolean => {
      let w = -1;
      for (let k = 0; k < workers.length; k++) {
        const candidate = (nextWorker + k) % workers.length;
        if (active[candidate]) {
          w = candidate;
          break;
        }
      }
      if (w < 0) return false;
      let index: number | number[] | null = null;
      if (tasks) {
        const next = tasks.next();
        if (next.done) return false;
        index = next.value;
      }
      nextWorker = (w + 1) % workers.length;
      const reset = !started.has(w);
      started.add(w);
      const request = workers[w].fetch({ taskId: sent, index, reset }).then((r) => {
        if (r.exhausted) active[w] = false;
        return r;
      });
      request.catch(() => undefined); // awaited in order below; avoids unhandled rejections meanwhile
      pending.set(sent++, request);
      return true;
    };

    try {
      for (let k = 0; k < this.prefetchFactor * workers.length; k++) if (!trySend()) break;
      while (received < sent) {
        const result = await (pending.get(received) as Promise<FetchResult>);
        pending.delete(received++);
        trySend();
        if (result.exhausted) continue;
        if (!result.collated) yield this.collateFn(result.value as T[]);
        // Workers' default collation leaves numbers pending: this loader's memo gives their dtypes, in batch order.
        else yield (deferredNumbers ? resolvePendingNumbers(result.value, this.numberDtypes) : result.value) as B;
      }
    } finally {
      if (this.persistentWorkers) for (const w of workers) w.setActive(false);
      else await Promise.all(workers.map((w) => w.terminate()));
    }
  }
}
