// The worker threads of a DataLoader(numWorkers > 0). Each worker answers on a
// MessagePort of its own and then bumps a counter in shared memory, so the loader can
// both await replies (Atomics.waitAsync, for `for await`) and block on them
// (Atomics.wait + receiveMessageOnPort, for a plain `for...of`) without the event loop.
// Workers are unref'd except while the loader awaits them, so an abandoned iterator
// never keeps the process alive.
import { existsSync, readFileSync } from '#platform/fs';
import { createRequire } from '#platform/module';
import { dirname, join } from '#platform/path';
import { fileURLToPath, pathToFileURL } from '#platform/path';
import { dataLoaderWorkerSource, MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from '#platform/threads';
import type { FetchRequest, WorkerInit, WorkerMessage, WorkerReply } from './worker-protocol.js';
import { cwd, execArgv } from '#platform/os';

const runningFromSource = import.meta.url.endsWith('.ts');
const TS_FILE = /\.[cm]?tsx?(?:[?#]|$)/;

/** tsx/esm/api's file URL inside a tsx package folder. */
function tsxApiIn(packageJson: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string; exports?: Record<string, { import?: { default?: string } | string }> };
    if (pkg.name !== 'tsx') return null;
    const api = pkg.exports?.['./esm/api'];
    const rel = typeof api === 'object' ? api?.import && (typeof api.import === 'string' ? api.import : api.import.default) : undefined;
    return rel ? pathToFileURL(join(dirname(packageJson), rel)).href : null;
  } catch {
    return null;
  }
}

function tsxFrom(base: string): string | null {
  try {
    return tsxApiIn(createRequire(base).resolve('tsx/package.json'));
  } catch {
    return null;
  }
}

/** The tsx package the parent runs under, from its --import/--require flags (npx tsx, node --import tsx). */
function tsxOfParent(): string | null {
  const args = execArgv();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2) as [string, string | undefined];
    if (!['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(flag)) continue;
    const value = inline ?? args[i + 1] ?? '';
    if (value === 'tsx' || value.startsWith('tsx/')) return tsxFrom(join(cwd(), 'noop.js'));
    if (!/[\\/]tsx[\\/]/.test(value)) continue;
    let dir = dirname(value.startsWith('file:') ? fileURLToPath(value) : value);
    for (let k = 0; k < 4 && dir !== dirname(dir); k++, dir = dirname(dir)) {
      const pj = join(dir, 'package.json');
      if (existsSync(pj)) {
        const api = tsxApiIn(pj);
        if (api) return api;
      }
    }
  }
  return null;
}

let tsxApi: string | null | undefined;
let parentTsx: boolean | undefined;

/**
 * The URL of tsx's register API for workers that import TypeScript: Node 20 does not run
 * the parent's --import hooks in worker threads, so each worker registers tsx itself.
 */
export function tsxLoaderFor(modules: readonly string[]): string | null {
  parentTsx ??= execArgv().some((a) => /tsx/.test(a));
  if (!parentTsx && !runningFromSource && !modules.some((m) => TS_FILE.test(m))) return null;
  if (tsxApi === undefined) tsxApi = tsxOfParent() ?? tsxFrom(join(cwd(), 'noop.js')) ?? tsxFrom(import.meta.url);
  return tsxApi;
}


// Atomics.waitAsync (V8 8.7, Node 16) is in TypeScript's ES2024 lib, newer than this project's.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeout: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync.bind(Atomics);

export interface Reply {
  worker: number;
  reply: WorkerReply;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  dead: Error | null;
}

export class WorkerPool {
  private readonly signal = new SharedArrayBuffer(4);
  private readonly counter = new Int32Array(this.signal);
  private readonly slots: Slot[];
  private closed = false;

  constructor(inits: WorkerInit[], modules: readonly string[]) {
    // The base goes through a variable so that bundlers (Vite) do not ship worker-main as a page asset: a page has no worker threads.
    const here = import.meta.url;
    const entry = new URL(`./worker-main${runningFromSource ? '.ts' : '.js'}`, here).href;
    const tsxLoader = tsxLoaderFor([entry, ...modules]);
    this.slots = inits.map((init) => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(dataLoaderWorkerSource(), { eval: true, workerData: { init, port: port2, signal: this.signal, entry, tsxLoader }, transferList: [port2] });
      const slot: Slot = { worker, port: port1, dead: null };
      const die = (e: Error) => {
        slot.dead ??= e;
        this.wake();
      };
      worker.on('error', die);
      worker.on('exit', (code) => die(new Error(`DataLoader worker ${init.workerId} exited unexpectedly (exit code ${code})`)));
      worker.unref();
      return slot;
    });
  }

  get size(): number {
    return this.slots.length;
  }

  /** The epoch tag of the workers' current init: 0 for the threads' first, one more for each reinit. */
  epoch = 0;

  /**
   * The next epoch of a loader without persistent workers on these threads: each rebuilds
   * its dataset from `inits` (made from the loader's state now, as PyTorch's fresh worker
   * processes would be), without starting a thread again. Returns the epoch's tag.
   */
  reinit(inits: WorkerInit[]): number {
    this.epoch++;
    this.slots.forEach((s, w) => this.post(w, { init: { ...inits[w], epoch: this.epoch } }));
    return this.epoch;
  }

  /** The epoch ended: the workers drop their datasets and wait for a reinit. */
  release(): void {
    this.slots.forEach((_, w) => this.post(w, { release: true }));
  }

  /** Whether the threads can serve another epoch (none crashed, not terminated). */
  get reusable(): boolean {
    return !this.closed && this.slots.every((s) => s.dead === null);
  }

  private post(w: number, message: WorkerMessage): void {
    this.slots[w].port.postMessage(message);
  }

  /** The counter's value: read it before polling, then wait for it to change. */
  seen(): number {
    return Atomics.load(this.counter, 0);
  }

  private wake(): void {
    Atomics.add(this.counter, 0, 1);
    Atomics.notify(this.counter, 0);
  }

  /** Every reply that has arrived, in arrival order per worker. */
  poll(): Reply[] {
    const out: Reply[] = [];
    this.slots.forEach((s, worker) => {
      for (let m = receiveMessageOnPort(s.port); m !== undefined; m = receiveMessageOnPort(s.port)) out.push({ worker, reply: m.message as WorkerReply });
    });
    return out;
  }

  /** Why worker w stopped (a crash the worker could not report itself), or null. */
  dead(w: number): Error | null {
    return this.slots[w].dead;
  }

  send(w: number, request: FetchRequest): void {
    this.post(w, request);
  }

  /** Blocks this thread until a reply may have arrived or `ms` passed. */
  waitSync(seen: number, ms: number): void {
    Atomics.wait(this.counter, 0, seen, ms);
  }

  /** Awaits a reply (or `ms`); the workers keep the process alive meanwhile. */
  async waitAsync(seen: number, ms: number): Promise<void> {
    const w = waitAsync(this.counter, 0, seen, ms);
    if (!w.async) return;
    for (const s of this.slots) s.worker.ref();
    try {
      await w.value;
    } finally {
      for (const s of this.slots) s.worker.unref();
    }
  }

  terminate(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return Promise.all(
      this.slots.map((s) => {
        s.worker.removeAllListeners('exit');
        s.port.close();
        return s.worker.terminate();
      }),
    ).then(() => undefined);
  }
}
