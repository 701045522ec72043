// Threads for the threaded WebAssembly build (prebuilds/wasm/torchlette-threads.wasm):
// each worker instantiates the same module over the same shared memory, points its
// stack pointer at a stack the calling thread allocated for it, and enters
// tl_worker_main (native/wasm/parallel_threads.cc), which waits for kernel jobs and
// never returns. How a worker is started is the platform's business (a WorkerHost:
// worker_threads in Node, platform/node/threads.ts wasmWorkerHost; Web Workers in a page, webWorkerHost below);
// this file only says what the worker runs. No Node API here.
import type { WasmMemory, WasmModule } from './api.js';

/** What a worker is handed (structured-cloned: the module and the shared memory are shared, not copied). */
export interface WorkerStart {
  module: WasmModule;
  memory: WasmMemory;
  /** The worker's stack: [stackLo, stackHi) in the shared memory. */
  stackLo: number;
  stackHi: number;
}

export interface WorkerHost {
  /** Starts a worker running `source` (a classic script defining start(d), see WORKER_SOURCE) and calls start(`start`) in it. */
  spawn(source: string, start: WorkerStart): void;
  /** Threads used by default: the cores this process may run on (as the native backend). */
  cores: number;
  /**
   * Whether the thread calling the kernels may block in Atomics.wait while workers finish
   * a job (Node's main thread may; a page's main thread may not: it spins instead).
   */
  mainCanWait: boolean;
}

/**
 * The worker's script: defines `start(d)`, which each host calls its own way (a Node
 * worker with its workerData, platform/node/threads.ts; a Web Worker with its first
 * message, webWorkerHost below). WASI imports answer ENOSYS (52) as on the calling thread
 * (src/backend/wasm/addon.ts).
 */
export const WORKER_SOURCE = `'use strict';
function start(d) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(d.module)) {
    const ns = imports[imp.module] || (imports[imp.module] = {});
    ns[imp.name] = imp.kind === 'memory' ? d.memory : () => 52;
  }
  const ex = new WebAssembly.Instance(d.module, imports).exports;
  ex.__stack_pointer.value = d.stackHi;
  try {
    ex.tl_worker_main(d.stackLo, d.stackHi);
  } catch (e) {
    // A kernel part trapped on this thread: the calling thread waits for that part;
    // hand it the error (it then throws it) and end this worker.
    ex.__stack_pointer.value = d.stackHi;
    const text = new TextEncoder().encode(String((e && e.stack) || e));
    const p = ex.tl_alloc_stack(text.length + 1);
    if (p) {
      const bytes = new Uint8Array(d.memory.buffer, p, text.length + 1);
      bytes.set(text);
      bytes[text.length] = 0;
    }
    ex.tl_worker_failed(p);
  }
}
`;

interface BrowserGlobals {
  Worker?: new (url: string) => { postMessage(data: unknown): void };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  window?: unknown;
}

/**
 * Web Workers, where the page may share memory with them (crossOriginIsolated: served
 * with COOP/COEP headers); undefined elsewhere (the single-threaded build is used then).
 */
export function webWorkerHost(): WorkerHost | undefined {
  const g = globalThis as BrowserGlobals;
  const { Worker, Blob, URL } = g;
  if (!Worker || !Blob || !URL || g.crossOriginIsolated !== true) return undefined;
  let url: string | undefined;
  return {
    spawn(source, start) {
      url ??= URL.createObjectURL(new Blob([`${source}\nself.onmessage = (e) => start(e.data);\n`], { type: 'text/javascript' }));
      new Worker(url).postMessage(start);
    },
    cores: g.navigator?.hardwareConcurrency ?? 1,
    // A page's main thread (window) must not block; a worker running torchlette may.
    mainCanWait: g.window === undefined,
  };
}
