// Worker threads for DataLoader(numWorkers > 0): one request at a time per task id,
// replies matched by id; a worker's crash fails its outstanding requests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decode } from './transfer.js';
import type { FetchRequest, WorkerInit, WorkerReply } from './worker-protocol.js';

export type FetchResult = { exhausted: true } | { exhausted: false; value: unknown; collated: boolean };

interface Pending {
  resolve: (r: FetchResult) => void;
  reject: (e: Error) => void;
}

const runningFromSource = import.meta.url.endsWith('.ts');

/**
 * From TypeScript sources (tests, tsx) a worker must register tsx's loader before it
 * can import .ts files, since Node 20 does not pass --import hooks to workers.
 */
function tsxLoaderUrl(): string | null {
  if (!runningFromSource) return null;
  try {
    const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
    const rel = pkg.exports['./esm/api']?.import?.default;
    return rel ? pathToFileURL(join(dirname(pkgPath), rel)).href : null;
  } catch {
    return null;
  }
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxLoader) (await import(workerData.tsxLoader)).register();
  await import(workerData.entry);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;

function toError(r: Extract<WorkerReply, { type: 'error' }>, workerId: number): Error {
  const e = new Error(r.message);
  e.name = r.name;
  e.stack = `${r.name}: ${r.message}\n    (in DataLoader worker ${workerId})\n${r.stack.split('\n').slice(1).join('\n')}`;
  return e;
}

export class DataWorker {
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  private constructor(readonly id: number, private readonly worker: Worker) {
    worker.on('message', (r: WorkerReply) => this.onReply(r));
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`DataLoader worker ${id} exited unexpectedly (exit code ${code})`)));
  }

  static start(init: WorkerInit): Promise<DataWorker> {
    const ext = runningFromSource ? '.ts' : '.js';
    const entry = new URL(`./worker-main${ext}`, import.meta.url).href;
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...init, entry, tsxLoader: tsxLoaderUrl() } });
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      const onMessage = (r: WorkerReply) => {
        worker.off('error', onError);
        if (r.type === 'ready') resolve(new DataWorker(init.workerId, worker));
        else {
          void worker.terminate();
          reject(r.type === 'error' ? toError(r, init.workerId) : new Error(`unexpected first message from DataLoader worker: ${r.type}`));
        }
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  }

  fetch(request: FetchRequest): Promise<FetchResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(request.taskId, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private onReply(r: WorkerReply): void {
    if (r.type === 'ready') return;
    const p = this.pending.get(r.taskId);
    if (!p) return;
    this.pending.delete(r.taskId);
    if (r.type === 'error') p.reject(toError(r, this.id));
    else if (r.type === 'exhausted') p.resolve({ exhausted: true });
    else p.resolve({ exhausted: false, value: decode(r.payload), collated: r.collated });
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Idle persistent workers must not keep the process alive; active ones must. */
  setActive(active: boolean): void {
    if (active) this.worker.ref();
    else this.worker.unref();
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error(`DataLoader worker ${this.id} was shut down`);
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
