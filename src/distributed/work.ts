// Work handles: what a collective with asyncOp returns (PyTorch's torch.distributed.Work).
// The op runs on the group's native worker thread; the typed arrays it reads and writes are
// referenced here until it is done, so the GC can never free them mid-flight. wait()
// blocks the JS thread until the op is done; getFuture() (and `await work`) settles when the
// addon's completion callback arrives on the event loop. Finishing a work (copying results
// into the caller's tensors) always happens on the JS thread, exactly once.
import type { Tensor } from '../tensor/tensor.js';
import { distributedAddon } from './addon.js';

/** Works the addon has not reported complete yet, by id. */
const pending = new Map<number, Work>();
let listening = false;

function onComplete(id: number): void {
  const work = pending.get(id);
  pending.delete(id);
  const addon = distributedAddon();
  if (work !== undefined) work._settle(addon.waitWork(id, 0) ?? null);
  addon.releaseWork(id);
  if (pending.size === 0) addon.refLoop(false);
}

/**
 * Installs the completion listener. Called when a group is created, before any op can be
 * queued: an op that finished before the listener existed would never be reported, and
 * its Work would keep the event loop alive forever.
 */
export function listenForCompletions(): void {
  if (listening) return;
  distributedAddon().setOnComplete(onComplete);
  listening = true;
}

export class Work {
  private readonly id: number;
  /** The buffers and tensors in flight (kept alive until the op is done). */
  private keep: unknown[] | null;
  private readonly onDone: (() => void) | null;
  private readonly result: Tensor[];
  private settled = false;
  private error: Error | null = null;
  private waiters: { resolve: (v: Tensor[]) => void; reject: (e: Error) => void }[] = [];

  /** @internal */
  constructor(id: number, keep: unknown[], onDone: (() => void) | null, result: Tensor[]) {
    this.id = id;
    this.keep = keep;
    this.onDone = onDone;
    this.result = result;
    const addon = distributedAddon();
    listenForCompletions();
    if (pending.size === 0) addon.refLoop(true);
    pending.set(id, this);
  }

  /** @internal Records the native result and finishes the op on the JS thread. */
  _settle(error: string | null): void {
    if (this.settled) return;
    this.settled = true;
    this.keep = null;
    if (error !== null) this.error = new Error(error);
    else {
      try {
        this.onDone?.();
      } catch (e) {
        this.error = e as Error;
      }
    }
    for (const w of this.waiters) {
      if (this.error) w.reject(this.error);
      else w.resolve(this.result);
    }
    this.waiters = [];
  }

  /**
   * Blocks until the op is done and throws its error (a Gloo I/O error, a peer that went
   * away, a timeout). With `timeout` (ms) it throws when the op is not done by then.
   */
  wait(timeout?: number): boolean {
    if (!this.settled) {
      const r = distributedAddon().waitWork(this.id, timeout === undefined ? -1 : Math.max(0, timeout));
      if (r === undefined) throw new Error(`Work.wait: the operation did not complete within ${timeout}ms`);
      this._settle(r);
    }
    if (this.error) throw this.error;
    return true;
  }

  /** Whether the op has finished (successfully or not). */
  isCompleted(): boolean {
    return this.settled || distributedAddon().isCompleted(this.id);
  }

  /** Whether the op finished without an error (false while it runs). */
  isSuccess(): boolean {
    if (!this.isCompleted()) return false;
    if (!this.settled) this.wait();
    return this.error === null;
  }

  /** The op's error once it failed, else null. */
  exception(): Error | null {
    return this.settled ? this.error : null;
  }

  /** A Promise of the op's output tensors (PyTorch's Future), rejected with its error. */
  getFuture(): Promise<Tensor[]> {
    if (this.settled) return this.error ? Promise.reject(this.error) : Promise.resolve(this.result);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Makes `await work` wait for it without blocking the event loop. */
  then<A = Tensor[], B = never>(onFulfilled?: ((v: Tensor[]) => A | PromiseLike<A>) | null, onRejected?: ((e: Error) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.getFuture().then(onFulfilled, onRejected);
  }
}
