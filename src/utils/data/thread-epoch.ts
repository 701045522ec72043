// One DataLoader epoch on worker threads (PyTorch's _MultiProcessingDataLoaderIter), and
// the Epoch interface the loader iterates: a batch per step, or null for "wait for the workers".
import { decode } from './transfer.js';
import type { WorkerPool } from './worker-pool.js';
import type { WorkerReply } from './worker-protocol.js';

/** Terminates a pool whose epoch was dropped without being closed. */
const finalizer = new FinalizationRegistry<WorkerPool>((pool) => void pool.terminate());

/** `first`, then the rest of `rest`. */
function* chain<V>(first: V[], rest: Iterator<V>): Generator<V> {
  yield* first;
  for (let r = rest.next(); !r.done; r = rest.next()) yield r.value;
}

/** Iterates one epoch, one batch per step, without blocking: null means "wait for the workers". */
export interface Epoch<B> {
  step(): IteratorResult<B> | null;
  close(): void | Promise<void>;
  /** Waits for a reply (threads only). */
  waitSync?(): void;
  waitAsync?(): Promise<void>;
}

export const DONE: IteratorResult<never> = { done: true, value: undefined };

const ERRORS: Record<string, new (message: string, options?: { cause?: unknown }) => Error> = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

export function workerError(name: string, message: string, workerId: number, index: number | null, where: string, stack?: string, cause?: unknown): Error {
  const Ctor = ERRORS[name] ?? Error;
  const at = index === null ? '' : ` (dataset index ${index})`;
  const e = new Ctor(`Caught ${name} in DataLoader worker ${workerId}${where}${at}: ${message}`, cause === undefined ? undefined : { cause });
  if (stack) e.stack = `${e.name}: ${e.message}\n${stack.split('\n').slice(1).join('\n')}`;
  return e;
}

export function timedOut(timeout: number): Error {
  return new Error(`DataLoader timed out after ${timeout} seconds`);
}

export interface ThreadContext<B> {
  timeout: number;
  prefetchFactor: number;
  iterable: boolean;
  indexSampler: Iterable<number | number[]>;
  /** Workers collate by default and leave numbers for the loader's memo. */
  deferredNumbers: boolean;
  finish(value: unknown, collated: boolean, deferred: boolean): B;
  /** Whether the loader keeps this pool (persistent workers). */
  keeps(pool: WorkerPool): boolean;
  /** The epoch on `pool` is over: the loader keeps its threads for the next epoch or terminates them. */
  ended(pool: WorkerPool): void | Promise<void>;
}

/**
 * One epoch on worker threads, as PyTorch's _MultiProcessingDataLoaderIter: index batches
 * go round-robin to the workers still active, prefetchFactor per worker ahead, and
 * batches are returned in order. Indices are sent at once, as PyTorch primes its workers
 * when the iterator is made; a first epoch waits until every worker has rebuilt the
 * dataset before returning batches, and if one could not, `fallback` continues the epoch
 * on the main thread with the same base seed and the indices already taken.
 */
export class ThreadEpoch<B> implements Epoch<B> {
  private starting: boolean;
  private ready: boolean[];
  private inner: Epoch<B> | null = null;
  private tasks: Iterator<number | number[]> | null = null;
  private readonly iterable: boolean;
  private readonly deferred: boolean;
  private readonly active: boolean[];
  private readonly results = new Map<number, { worker: number; reply: WorkerReply }>();
  private readonly owner = new Map<number, number>();
  private nextWorker = 0;
  private sent = 0;
  private received = 0;
  private deadline = 0;
  private waitingFor = -2;
  private closed = false;
  private seen = 0;
  /** While starting: the indices sent, in order (a fallback loads them first). */
  private readonly sentIndices: (number | number[])[] = [];

  constructor(
    private readonly loader: ThreadContext<B>,
    private readonly pool: WorkerPool,
    private readonly epoch: number,
    collated: boolean,
    private readonly fallback: ((reason: string, taken: Iterator<number | number[]> | null) => Epoch<B>) | null,
  ) {
    this.iterable = loader.iterable;
    this.deferred = loader.deferredNumbers && collated;
    this.active = Array.from({ length: pool.size }, () => true);
    this.starting = fallback !== null;
    this.ready = Array.from({ length: pool.size }, () => false);
    if (!loader.keeps(pool)) finalizer.register(this, pool, this);
    this.prime();
  }

  private prime(): void {
    if (!this.iterable) this.tasks = this.loader.indexSampler[Symbol.iterator]();
    for (let k = 0; k < this.loader.prefetchFactor * this.pool.size; k++) if (!this.trySend()) break;
  }

  /** Round-robin over the workers still active, as PyTorch's _try_put_index. */
  private trySend(): boolean {
    const n = this.pool.size;
    let w = -1;
    for (let k = 0; k < n; k++) {
      const c = (this.nextWorker + k) % n;
      if (this.active[c]) {
        w = c;
        break;
      }
    }
    if (w < 0) return false;
    let index: number | number[] | null = null;
    if (this.tasks) {
      const next = this.tasks.next();
      if (next.done) return false;
      index = next.value;
    }
    this.nextWorker = (w + 1) % n;
    this.owner.set(this.sent, w);
    if (this.starting) this.sentIndices.push(index as number | number[]);
    this.pool.send(w, { taskId: this.sent, epoch: this.epoch, index });
    this.sent++;
    return true;
  }

  private fatal(r: Extract<WorkerReply, { type: 'error' }>, worker: number): Error {
    return workerError(r.name, r.message, worker, r.index, '', r.stack);
  }

  /** Sorts the replies that arrived; throws a worker's startup or fatal error. */
  private drain(): string | null {
    for (const { worker, reply } of this.pool.poll()) {
      // A reused pool may still deliver replies of an epoch given up before it ended: each carries its epoch.
      if (reply.type === 'error' && reply.taskId === -2) throw this.fatal(reply, worker);
      if (reply.epoch !== this.epoch) continue;
      if (reply.type === 'ready') this.ready[worker] = true;
      else if (reply.type === 'unavailable') return reply.reason;
      else if (reply.type === 'error' && reply.taskId < 0) throw this.fatal(reply, worker);
      else this.results.set(reply.taskId, { worker, reply });
    }
    return null;
  }

  step(): IteratorResult<B> | null {
    if (this.inner) return this.inner.step();
    this.seen = this.pool.seen(); // read before polling, so that a reply posted after the poll wakes the wait
    const unavailable = this.drain();
    if (this.starting) {
      if (unavailable !== null) {
        this.closed = true;
        finalizer.unregister(this);
        void this.pool.terminate();
        const rest = this.tasks;
        const taken = rest === null ? null : chain(this.sentIndices, rest);
        this.inner = (this.fallback as NonNullable<typeof this.fallback>)(unavailable, taken);
        return this.inner.step();
      }
      const down = this.ready.findIndex((r, w) => !r && this.pool.dead(w));
      if (down >= 0) throw this.pool.dead(down) as Error;
      if (!this.ready.every(Boolean)) return this.pending(-1);
      this.starting = false;
      this.sentIndices.length = 0;
    }
    for (;;) {
      if (this.received === this.sent) return DONE;
      const got = this.results.get(this.received);
      if (got === undefined) {
        const w = this.owner.get(this.received) as number;
        const dead = this.pool.dead(w);
        if (dead) throw dead;
        return this.pending(this.received);
      }
      this.results.delete(this.received);
      this.owner.delete(this.received);
      this.received++;
      const r = got.reply;
      if (r.type === 'exhausted') {
        this.active[got.worker] = false;
        this.trySend();
        continue;
      }
      if (r.type === 'error') throw this.fatal(r, got.worker);
      if (r.type !== 'data') continue;
      this.trySend();
      return { done: false, value: this.loader.finish(decode(r.payload), r.collated, this.deferred) };
    }
  }

  /** Not there yet: starts the timeout clock for the batch we wait for (-1: the workers' start, which it does not bound). */
  private pending(what: number): null {
    if (this.waitingFor !== what) {
      this.waitingFor = what;
      this.deadline = this.loader.timeout > 0 && what >= 0 ? Date.now() + this.loader.timeout * 1000 : Infinity;
    }
    return null;
  }

  private slice(): number {
    const left = this.deadline - Date.now();
    if (left <= 0) throw timedOut(this.loader.timeout);
    return Math.min(left, 1000);
  }

  waitSync(): void {
    if (this.inner) return;
    this.pool.waitSync(this.seen, this.slice());
  }

  async waitAsync(): Promise<void> {
    if (this.inner) return;
    await this.pool.waitAsync(this.seen, this.slice());
  }

  close(): void | Promise<void> {
    if (this.inner) return this.inner.close();
    if (this.closed) return;
    this.closed = true;
    finalizer.unregister(this);
    return this.loader.ended(this.pool);
  }
}
