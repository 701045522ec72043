// Threads for the threaded WebAssembly build (prebuilds/wasm/torchlette-threads.wasm):
// each worker instantiates the same module over the same shared memory, points its
// stack pointer at a stack the calling thread allocated for it, and enters
// tl_worker_main (native/wasm/parallel_threads.cc), which waits for kernel jobs and
// never returns. How a worker is started is the platform's business (a WorkerHost:
// worker_threads in Node, platform/node/threads.ts wasmWorkerHost; Web Workers in a page,
// platform/browser/threads.ts);
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
  /** Why a worker failed to start, once one has (hosts that can tell). */
  failure?(): string | undefined;
}

/**
 * The worker's script: defines `start(d)`, which each host calls its own way (a Node
 * worker with its workerData, platform/node/threads.ts; a Web Worker with its first
 * message, platform/browser/threads.ts). WASI imports answer ENOSYS (52) as on the calling thread
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

/**
 * Why this JS realm gets no WebAssembly threads (the platform's wasmWorkerHost returned
 * undefined), or null when it could have them. Said in backends.info() when a page falls
 * back to one thread.
 */
export function threadsUnavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp for WebAssembly threads';
  }
  if (g.Worker === undefined) return 'this JavaScript realm cannot start workers';
  return null;
}

/**
 * Resolves once `started()` workers reach `wanted` (or with why not: a worker failed, or
 * none came within `timeoutMs`), yielding to the event loop between polls so that the
 * browser can start them. Kernels are correct meanwhile: they run on the threads that are up.
 */
export async function waitForWorkers(started: () => number, wanted: number, host: WorkerHost, timeoutMs = 10_000): Promise<string | null> {
  const t0 = Date.now();
  for (let delay = 1; started() < wanted; delay = Math.min(delay * 2, 50)) {
    const failed = host.failure?.();
    if (failed) return `a worker failed to start: ${failed}`;
    if (Date.now() - t0 > timeoutMs) return `${started()} of ${wanted} workers started within ${timeoutMs / 1000} s`;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return null;
}
