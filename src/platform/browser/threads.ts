// Worker threads in a web page: Web Workers for the WebAssembly backend (wasmWorkerHost).
// DataLoader({ numWorkers }) and the hub's synchronous fetch use Node's worker_threads,
// which a page lacks: they throw the errors below instead.
import type * as Node from '../node/threads.js';
import { unavailable } from '../unavailable.js';

export type MessagePort = Node.MessagePort;

const no = (what: string) => unavailable(`${what} (Node's worker_threads)`, 'use numWorkers: 0 in a page (a Web Worker can run a whole training loop: import torchlette there)');

export const MessageChannel = no('MessageChannel') as unknown as typeof Node.MessageChannel;
export const Worker = no('Worker') as unknown as typeof Node.Worker;
export const receiveMessageOnPort: typeof Node.receiveMessageOnPort = no('receiveMessageOnPort');
export const workerData: unknown = undefined;

interface BrowserWorker {
  postMessage(data: unknown): void;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
}

interface BrowserGlobals {
  Worker?: new (url: string) => BrowserWorker;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  window?: unknown;
}

/** backend/wasm/threads.ts's WorkerHost, plus why a worker failed to start. */
interface WebWorkerHost extends NonNullable<ReturnType<typeof Node.wasmWorkerHost>> {
  failure(): string | undefined;
}

/**
 * The WebAssembly backend's threads in a page or a Web Worker: Web Workers sharing the
 * module's memory, where the page is crossOriginIsolated (COOP/COEP headers; without them
 * there is no SharedArrayBuffer); undefined elsewhere (backend/wasm/threads.ts's
 * threadsUnavailable says why in backends.info()). A Web Worker starts some time after
 * `new Worker` (Chromium starts it only once the creating thread has yielded to its event
 * loop): the pool never waits for one (native/wasm/parallel_threads.cc runs a job's parts
 * on whichever threads are up, the caller included), and backends.loadWasm() awaits their
 * start (backend/wasm/load.ts).
 */
export function wasmWorkerHost(): WebWorkerHost | undefined {
  const g = globalThis as BrowserGlobals;
  const { Worker, Blob, URL } = g;
  if (!Worker || !Blob || !URL || g.crossOriginIsolated !== true || typeof SharedArrayBuffer === 'undefined') return undefined;
  let url: string | undefined;
  let failure: string | undefined;
  return {
    spawn(source, start) {
      url ??= URL.createObjectURL(new Blob([`${source}\nself.onmessage = (e) => start(e.data);\n`], { type: 'text/javascript' }));
      const w = new Worker(url);
      // A worker that cannot start (a blocked blob: URL, no memory for its instance) says so here, not to the kernels.
      w.onerror = (e) => {
        failure ??= e.message ?? 'a Web Worker failed to start';
        e.preventDefault?.();
      };
      w.postMessage(start);
    },
    failure: () => failure,
    cores: g.navigator?.hardwareConcurrency ?? 1,
    // A page's main thread (window) must not block in Atomics.wait; a worker running torchlette may.
    mainCanWait: g.window === undefined,
  };
}

export const dataLoaderWorkerSource: typeof Node.dataLoaderWorkerSource = no('DataLoader worker threads');
export const fetchWorkerSource: typeof Node.fetchWorkerSource = no('a download worker');
