// DataLoader: batches of a dataset in the order of its sampler, collated, in this thread
// (numWorkers 0) or on worker threads that produce exactly the same batches in the same
// order, iterated with `for...of` or `for await` either way.
//
// With numWorkers > 0 each worker thread rebuilds its own copy of the dataset, as
// PyTorch's workers unpickle theirs: classes and functions by reference to the module
// that defines them (pickle.ts), or from the module named in `workerDataset`. A dataset
// that cannot be rebuilt so (a class in the program's entry script, a closure) loads on
// the main thread, simulating the workers (worker-emulation.ts), with one warning.
import { getDefaultDtype } from '../../tensor/dtype.js';
import { pathToFileURL } from '#platform/path';
import { isAbsolute, resolve as resolvePath } from '#platform/path';
import { bool, check, func, instance, int, isPlainObject, nullable, number, oneOf, signature, string, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { device } from '../../tensor/device.js';
import { Generator as TorchGenerator } from '../../tensor/random.js';
import { NumberDtypeMemo, defaultCollate, defaultConvert, resolvePendingNumbers, type Collated } from './collate.js';
import { asDataset, Dataset, IterableDataset, type AnyDataset, type DatasetLike } from './dataset.js';
import { Tensor } from '../../tensor/tensor.js';
import { Unpicklable, pickle, type Pickled } from './pickle.js';
import { BatchSampler, RandomSampler, SequentialSampler, drawSeed, sizeOf, type SizedIterable } from './sampler.js';
import { SimulatedWorkers } from './worker-emulation.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerInit } from './worker-protocol.js';
import { DONE, ThreadEpoch, workerError, type Epoch, type ThreadContext } from './thread-epoch.js';
import { platformName } from '#platform/os';

/**
 * A torchlette extra: how worker threads build the dataset from a module — each worker
 * imports `module` and takes its export `exportName`: a dataset, a Dataset subclass
 * (constructed with `args`), or a function (maybe async) called with `args` that returns
 * one. Not needed when the dataset's class is exported by a module (see README).
 */
export interface WorkerDatasetSpec {
  /** A file path (absolute or relative to the working directory), a file: URL, or a package name. */
  module: string | URL;
  exportName?: string;
  args?: unknown[];
  /** An export of `module` to collate batches with in the workers. */
  collateExport?: string;
}

const datasetArg = check<AnyDataset<unknown> | readonly unknown[] | Tensor>('a Dataset (getItem and length), an IterableDataset, an array or a Tensor', (v) => v instanceof Dataset || v instanceof IterableDataset || Array.isArray(v) || (v instanceof Tensor && v.dim() > 0) || (typeof v === 'object' && v !== null && typeof (v as { getItem?: unknown }).getItem === 'function'));
const iterableArg = check<Iterable<number>>('a Sampler or an iterable of indices', (v) => typeof v === 'object' && v !== null && !(v instanceof Dataset) && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function');
const batchIterableArg = check<Iterable<number[]>>('a Sampler or an iterable of lists of indices', iterableArg.test);
const workerDatasetArg = check<WorkerDatasetSpec>('an object { module, exportName?, args?, collateExport? }', (v) => isPlainObject(v) && (typeof v.module === 'string' || v.module instanceof URL));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const collateArg = func as unknown as import('../../tensor/args.js').Check<(batch: any[]) => unknown>;

/**
 * DataLoader(dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
 * num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
 * worker_init_fn=None, multiprocessing_context=None, generator=None, *,
 * prefetch_factor=2, persistent_workers=False, pin_memory_device='') — PyTorch 1.13's
 * signature, camelCased; workerDataset is a torchlette extra.
 */
const dataLoaderArgs = signature('DataLoader', [
  ['dataset', datasetArg],
  ['batchSize', nullable(int), 1],
  ['shuffle', nullable(bool), null],
  ['sampler', nullable(iterableArg), null],
  ['batchSampler', nullable(batchIterableArg), null],
  ['numWorkers', int, 0],
  ['collateFn', nullable(collateArg), null],
  ['pinMemory', bool, false],
  ['dropLast', bool, false],
  ['timeout', number, 0],
  ['workerInitFn', nullable(func), null],
  ['multiprocessingContext', nullable(oneOf('spawn', 'fork', 'forkserver')), null],
  ['generator', nullable(instance(TorchGenerator, 'torch.Generator')), null],
  '*',
  ['prefetchFactor', int, 2],
  ['persistentWorkers', bool, false],
  ['pinMemoryDevice', string, ''],
  ['workerDataset', nullable(workerDatasetArg), null],
] as const);

/** DataLoader's options: every parameter but the dataset by its camelCase name. */
export type DataLoaderOptions<T = unknown, B = unknown> = Omit<OptionsObjectOf<typeof dataLoaderArgs>, 'dataset' | 'collateFn'> & {
  collateFn?: ((batch: T[]) => B) | null;
};

type Tail<A> = A extends [unknown, ...infer R] ? R : never;

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (isAbsolute(module) || module.startsWith('.')) return pathToFileURL(resolvePath(module)).href;
  return module;
}

const warned = new Set<string>();
/** Terminates the threads a loader kept between epochs once the loader itself is gone. */
const idleThreads = new FinalizationRegistry<WorkerPool>((pool) => void pool.terminate());
/** console.warn, once per process per reason. */
function warnOnce(message: string, reason = message): void {
  if (warned.has(reason)) return;
  warned.add(reason);
  console.warn(message);
}

function mainThreadWarning(numWorkers: number, reason: string): string {
  return (
    `DataLoader: numWorkers=${numWorkers} loads on the main thread, not on worker threads, because ${reason}. ` +
    'The batches are those worker threads would give (each simulated worker is seeded with baseSeed + id). ' +
    "To load on worker threads, define the dataset's class and the functions it holds (transforms, workerInitFn) in a module of their own and export them, " +
    'or pass workerDataset: { module, exportName, args }.'
  );
}

/** What a loader's workers need, pickled once per epoch (or once, for persistent workers). */
interface WorkerPlan {
  inits: WorkerInit[];
  modules: string[];
}



export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: AnyDataset<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly generator: TorchGenerator | null;
  readonly sampler: SizedIterable<number> | Iterable<number> | null;
  readonly batchSampler: SizedIterable<number[]> | Iterable<number[]> | null;
  readonly collateFn: (batch: T[]) => B;
  /** Seconds to wait for a batch from the workers (0: no limit). */
  readonly timeout: number;
  readonly workerInitFn: ((workerId: number) => unknown) | null;
  /** Accepted as in PyTorch without an accelerator: there is no pinned memory on the CPU, batches are the same. */
  readonly pinMemory: boolean;
  readonly pinMemoryDevice: string;
  /** Accepted for PyTorch compatibility: workers are threads that rebuild the dataset as 'spawn' would. */
  readonly multiprocessingContext: 'spawn' | 'fork' | 'forkserver' | null;
  private readonly customCollate: boolean;
  /** The dtypes of collated JS numbers, fixed per sample position by the first batch (see collate.ts). */
  private readonly numberDtypes = new NumberDtypeMemo();
  private readonly workerSpec: WorkerDatasetSpec | null;
  /** Why this loader loads on the main thread (decided on its first epoch), or null. */
  private mainThreadReason: string | null = null;
  /**
   * Without persistentWorkers, the threads of the last epoch, their datasets dropped: the
   * next epoch rebuilds the datasets on them (as PyTorch's fresh workers) instead of
   * starting threads again.
   */
  private idlePool: WorkerPool | null = null;
  /** persistentWorkers: the workers (threads or simulated) and their epoch count. */
  private persistent: { pool: WorkerPool | null; simulated: SimulatedWorkers | null; collatedInWorkers: boolean; epoch: number } | null = null;

  /** `new DataLoader(dataset, { batchSize: 64, shuffle: true })` or PyTorch's positional order `new DataLoader(dataset, 64, true)`. */
  constructor(dataset: AnyDataset<T> | readonly T[], options?: DataLoaderOptions<T, B>);
  constructor(dataset: AnyDataset<T> | readonly T[], ...args: Tail<ArgsOf<typeof dataLoaderArgs>>);
  /** Every argument by name, as `DataLoader(dataset=train_set, batch_size=64)`. */
  constructor(options: DataLoaderOptions<T, B> & { dataset: AnyDataset<T> | readonly T[] });
  constructor(...args: unknown[]) {
    const a = dataLoaderArgs.parse(args);
    // A list or a Tensor is a map-style dataset in PyTorch: item i is list[i] / t[i].
    const dataset = (a.dataset instanceof IterableDataset ? a.dataset : asDataset(a.dataset as DatasetLike<T>)) as AnyDataset<T>;
    this.dataset = dataset;
    const numWorkers = a.numWorkers;
    if (numWorkers < 0) throw new RangeError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    if (numWorkers > 0 && platformName === 'browser') {
      throw new Error(
        `DataLoader: numWorkers=${numWorkers} loads on worker threads, which torchlette runs in Node only; in a web page use numWorkers: 0 ` +
          '(to keep the page responsive, run the whole training loop in a Web Worker that imports torchlette)',
      );
    }
    if (a.timeout < 0) throw new RangeError('timeout option should be non-negative');
    if (numWorkers === 0 && a.prefetchFactor !== 2) {
      throw new RangeError('prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.');
    }
    if (a.prefetchFactor <= 0) throw new RangeError(`prefetch_factor option should be positive, got ${a.prefetchFactor}`);
    if (a.persistentWorkers && numWorkers === 0) throw new RangeError('persistent_workers option needs num_workers > 0');
    if (a.multiprocessingContext !== null && numWorkers === 0) {
      throw new RangeError(`multiprocessing_context can only be used with multi-process loading (num_workers > 0), but got num_workers=${numWorkers}`);
    }
    // PyTorch's single-process iterator asserts timeout == 0.
    if (a.timeout > 0 && numWorkers === 0) throw new RangeError('timeout option needs num_workers > 0 (loading in the main process cannot time out)');
    if (a.pinMemoryDevice !== '') {
      device(a.pinMemoryDevice); // 'cuda' and other accelerators: torchlette's CPU-only error
      if (!a.pinMemory) {
        warnOnce("pin memory device is set and pin_memory flag is not used then device pinned memory won't be usedplease set pin_memory to true, if you need to use the device pin memory");
      }
    }
    this.numWorkers = numWorkers;
    this.prefetchFactor = a.prefetchFactor;
    this.persistentWorkers = a.persistentWorkers;
    this.timeout = a.timeout;
    this.workerInitFn = a.workerInitFn as ((workerId: number) => unknown) | null;
    this.pinMemory = a.pinMemory;
    this.pinMemoryDevice = a.pinMemoryDevice;
    this.multiprocessingContext = a.multiprocessingContext;
    this.generator = a.generator;
    this.workerSpec = a.workerDataset;

    let batchSize = a.batchSize;
    let dropLast = a.dropLast;
    const shuffle = a.shuffle ?? false;
    let sampler: Iterable<number> | null = a.sampler;
    let batchSampler: Iterable<number[]> | null = a.batchSampler;

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
      if (batchSize !== null && batchSize <= 0) throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
      sampler ??= shuffle ? new RandomSampler(dataset, { generator: this.generator }) : new SequentialSampler(dataset);
      if (batchSize !== null && batchSampler === null) batchSampler = new BatchSampler(sampler, batchSize, dropLast);
    }
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.customCollate = a.collateFn !== null;
    const autoCollation = this.autoCollation;
    const memo = this.numberDtypes;
    this.collateFn = (a.collateFn as ((batch: T[]) => B) | null) ?? ((batch: T[]) => (autoCollation ? defaultCollate(batch, memo) : defaultConvert(batch)) as B);
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

  /** One epoch, in this thread or (numWorkers > 0) blocking on the worker threads' batches. */
  [Symbol.iterator](): Iterator<B> {
    if (this.numWorkers === 0) {
      drawSeed(this.generator ?? undefined); // PyTorch draws the workers' base seed for every iterator, workers or not
      return this.singleThread();
    }
    let epoch: Epoch<B> | null = null;
    let started = false;
    let mine = -1;
    const seed = this.epochSeed();
    const finish = (): IteratorResult<B> => {
      const e = epoch;
      epoch = null;
      if (e) void e.close();
      return DONE;
    };
    return {
      next: (): IteratorResult<B> => {
        if (epoch === null) {
          if (started) return DONE;
          started = true;
          epoch = this.startEpoch(seed);
          mine = this.persistent?.epoch ?? -1;
        } else if (this.superseded(mine)) return finish();
        try {
          for (;;) {
            const r = epoch.step();
            if (r === null) {
              (epoch.waitSync as () => void)();
              continue;
            }
            if (r.done) return finish();
            return r;
          }
        } catch (e) {
          finish();
          throw e;
        }
      },
      return: (): IteratorResult<B> => (epoch ? finish() : DONE),
    };
  }

  /** One epoch; with numWorkers > 0 the batches are awaited, not blocked on. */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers === 0) {
      const it = this[Symbol.iterator]();
      return { next: async () => it.next(), return: async (v?: unknown) => it.return?.(v as B) ?? { done: true, value: v as B } };
    }
    let epoch: Epoch<B> | null = null;
    let started = false;
    let mine = -1;
    const seed = this.epochSeed();
    const finish = async (): Promise<IteratorResult<B>> => {
      const e = epoch;
      epoch = null;
      if (e) await e.close();
      return DONE;
    };
    return {
      next: async (): Promise<IteratorResult<B>> => {
        if (epoch === null) {
          if (started) return DONE;
          started = true;
          epoch = this.startEpoch(seed);
          mine = this.persistent?.epoch ?? -1;
        } else if (this.superseded(mine)) return finish();
        try {
          for (;;) {
            const r = epoch.step();
            if (r === null) {
              await (epoch.waitAsync as () => Promise<void>)();
              continue;
            }
            if (r.done) return await finish();
            return r;
          }
        } catch (e) {
          await finish();
          throw e;
        }
      },
      return: async (): Promise<IteratorResult<B>> => (epoch ? finish() : DONE),
    };
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

  /** The workers' base seed: drawn for every iterator, except by persistent workers after their first (as PyTorch). */
  private epochSeed(): bigint {
    if (this.persistent) return 0n;
    return drawSeed(this.generator ?? undefined);
  }

  /** Persistent workers serve one epoch at a time: an iterator whose epoch a newer one replaced ends (PyTorch resets its one iterator). */
  private superseded(epoch: number): boolean {
    return epoch >= 0 && this.persistent !== null && this.persistent.epoch !== epoch;
  }

  /** Shuts down persistent workers and the threads kept between epochs (idle ones never keep the process alive). */
  async shutdown(): Promise<void> {
    const p = this.persistent;
    this.persistent = null;
    if (p?.pool) await p.pool.terminate();
    await this.takeIdlePool()?.terminate();
  }

  /** The threads the last epoch left (see threadContext's `ended`), now this caller's. */
  private takeIdlePool(): WorkerPool | null {
    const pool = this.idlePool;
    this.idlePool = null;
    if (pool !== null) idleThreads.unregister(pool);
    return pool;
  }

  // --- worker threads ---

  /** Whether workers collate by default (leaving numbers pending for this loader's memo). */
  private get workersCollateByDefault(): boolean {
    return !this.customCollate && this.workerSpec?.collateExport === undefined;
  }

  /**
   * What each worker needs to rebuild the dataset (and workerInitFn, and a collateFn it can
   * import); throws Unpicklable when the dataset or workerInitFn cannot be rebuilt.
   */
  private workerPlan(baseSeed: bigint): WorkerPlan {
    const spec = this.workerSpec;
    const modules = new Set<string>();
    let source: WorkerInit['source'];
    let collate: WorkerInit['collate'] = this.workersCollateByDefault ? 'default' : 'main';
    const add = (p: Pickled) => {
      for (const m of p.modules) modules.add(m);
      return p;
    };
    if (spec) {
      const module = moduleUrl(spec.module);
      source = { kind: 'export', module, exportName: spec.exportName ?? 'default', args: spec.args ?? [] };
      modules.add(module);
      if (spec.collateExport) collate = { module, exportName: spec.collateExport };
    } else {
      source = { kind: 'pickle', pickled: add(pickle(this.dataset, 'dataset')) };
    }
    const initFn = this.workerInitFn ? add(pickle(this.workerInitFn, 'workerInitFn')) : null;
    if (collate === 'main' && this.customCollate) {
      try {
        collate = { pickled: add(pickle(this.collateFn, 'collateFn')) };
      } catch (e) {
        if (!(e instanceof Unpicklable)) throw e; // collateFn then runs on this thread, on the samples the workers send
      }
    }
    const inits = Array.from({ length: this.numWorkers }, (_, workerId) => ({
      source,
      initFn,
      collate,
      workerId,
      numWorkers: this.numWorkers,
      baseSeed: baseSeed.toString(),
      datasetLength: this.dataset instanceof IterableDataset ? -1 : this.dataset.length,
      autoCollation: this.autoCollation,
      batchSize: this.batchSize ?? 1,
      dropLast: this.dropLast,
      epoch: 0, // the pool stamps a reinit with its own
      defaultDtype: getDefaultDtype(),
    }));
    return { inits, modules: [...modules] };
  }

  private startEpoch(baseSeed: bigint): Epoch<B> {
    const p = this.persistent;
    if (p) {
      p.epoch++;
      if (p.pool) return new ThreadEpoch(this.threadContext(), p.pool, p.epoch, p.collatedInWorkers, null);
      (p.simulated as SimulatedWorkers).restart();
      return this.simulatedEpoch(p.simulated as SimulatedWorkers);
    }
    if (this.mainThreadReason === null) {
      try {
        const plan = this.workerPlan(baseSeed);
        let pool: WorkerPool;
        let epoch = 0;
        const idle = this.takeIdlePool();
        try {
          if (idle?.reusable) {
            epoch = idle.reinit(plan.inits);
            pool = idle;
          } else {
            void idle?.terminate();
            pool = new WorkerPool(plan.inits, plan.modules);
          }
        } catch (e) {
          // what the pickler let through but structured cloning refuses
          if ((e as Error).name === 'DataCloneError') throw new Unpicklable(`the dataset's state cannot be copied to a worker thread (${(e as Error).message})`);
          throw e;
        }
        const collatedInWorkers = plan.inits[0].collate !== 'main';
        if (this.persistentWorkers) this.persistent = { pool, simulated: null, collatedInWorkers, epoch: 0 };
        return new ThreadEpoch(this.threadContext(), pool, epoch, collatedInWorkers, (reason, taken) => this.toMainThread(reason, baseSeed, taken));
      } catch (e) {
        if (!(e instanceof Unpicklable)) throw e;
        this.mainThreadReason = e.message;
      }
    }
    warnOnce(mainThreadWarning(this.numWorkers, this.mainThreadReason), this.mainThreadReason);
    return this.simulatedStart(baseSeed);
  }

  /** The workers could not rebuild the dataset: this loader loads on the main thread from now on. */
  private toMainThread(reason: string, baseSeed: bigint, taken: Iterator<number | number[]> | null): Epoch<B> {
    this.mainThreadReason = reason;
    warnOnce(mainThreadWarning(this.numWorkers, reason), reason);
    this.persistent = null;
    return this.simulatedStart(baseSeed, taken);
  }

  private simulatedStart(baseSeed: bigint, taken: Iterator<number | number[]> | null = null): Epoch<B> {
    const simulated = new SimulatedWorkers(this.numWorkers, baseSeed, this.dataset as AnyDataset<unknown>, this.dataset instanceof IterableDataset, this.workerInitFn);
    if (this.persistentWorkers) this.persistent = { pool: null, simulated, collatedInWorkers: true, epoch: 0 };
    return this.simulatedEpoch(simulated, taken);
  }

  /**
   * An epoch of simulated workers: batch k is made by worker k mod numWorkers (skipping
   * exhausted streams), in its context. `taken`: the sampler's iterator, when worker
   * threads that could not start already took indices from it.
   */
  private simulatedEpoch(workers: SimulatedWorkers, taken: Iterator<number | number[]> | null = null): Epoch<B> {
    const n = this.numWorkers;
    const iterable = this.dataset instanceof IterableDataset;
    const tasks = iterable ? null : (taken ?? this.indexSampler[Symbol.iterator]());
    const active: boolean[] = Array.from({ length: n }, () => true);
    let nextWorker = 0;
    const where = ' (simulated on the main thread)';
    const step = (): IteratorResult<B> => {
      for (;;) {
        let w = -1;
        for (let k = 0; k < n; k++) {
          const c = (nextWorker + k) % n;
          if (active[c]) {
            w = c;
            break;
          }
        }
        if (w < 0) return DONE;
        let index: number | number[] | null = null;
        if (tasks) {
          const next = tasks.next();
          if (next.done) return DONE;
          index = next.value;
        }
        nextWorker = (w + 1) % n;
        let at: number | null = null;
        const batch = workers.run(w, (): IteratorResult<B> | null => {
          try {
            if (tasks === null) {
              const stream = workers.streams[w] as Iterator<T>;
              const items: T[] = [];
              const want = this.autoCollation ? (this.batchSize as number) : 1;
              while (items.length < want) {
                const next = stream.next();
                if (next.done) break;
                items.push(next.value);
              }
              if (items.length === 0 || (this.autoCollation && this.dropLast && items.length < want)) return null;
              return { done: false, value: this.collateFn(this.autoCollation ? items : (items[0] as unknown as T[])) };
            }
            const ds = this.dataset as Dataset<T>;
            if (Array.isArray(index)) {
              const items: T[] = [];
              for (const i of index) {
                at = i;
                items.push(ds.getItem(i));
              }
              at = null;
              return { done: false, value: this.collateFn(items) };
            }
            at = index as number;
            const item = ds.getItem(index as number);
            at = null;
            return { done: false, value: this.collateFn(item as unknown as T[]) };
          } catch (e) {
            const err = e instanceof Error ? e : new Error(String(e));
            throw workerError(err.name, err.message, w, at, where, err.stack, err);
          }
        });
        if (batch === null) {
          active[w] = false;
          continue;
        }
        return batch;
      }
    };
    return { step, close: () => undefined };
  }

  /** What a ThreadEpoch needs of this loader. */
  private threadContext(): ThreadContext<B> {
    return {
      timeout: this.timeout,
      prefetchFactor: this.prefetchFactor,
      iterable: this.dataset instanceof IterableDataset,
      indexSampler: this.indexSampler,
      deferredNumbers: this.workersCollateByDefault && this.autoCollation,
      finish: (value, collated, deferred) => {
        if (!collated) return this.collateFn(value as T[]);
        // Workers' default collation leaves numbers pending: this loader's memo gives their dtypes, in batch order.
        return (deferred ? resolvePendingNumbers(value, this.numberDtypes) : value) as B;
      },
      keeps: (pool) => this.persistent?.pool === pool,
      ended: (pool) => {
        if (this.persistent?.pool === pool) return;
        // Starting threads costs about as much as importing torchlette in each, every epoch: keep them for the next one.
        if (this.idlePool !== null || !pool.reusable) return pool.terminate();
        pool.release();
        this.idlePool = pool;
        idleThreads.register(this, pool, pool);
      },
    };
  }
}
