// The browser tests' page bundle: exposes the seeded training loop (on the JS or the wasm
// backend, in the page or in a module Worker) to test/browser/browser.test.ts, which calls
// it through page.evaluate.
import * as torch from '../../../src/index.js';
import { jsBackend, setBackend } from '../../../src/backend/index.js';
import { trainLoop, type LoopResult } from '../programs/train-loop.js';
import { WASM_BUILDS, WASM_SINGLE } from './builds.js';

/** 'wasm-threads': the threaded build where the page is crossOriginIsolated (2 threads), else the single-threaded one. */
type BackendName = 'js' | 'wasm' | 'wasm-threads';


/**
 * The loop's result, backends.info() after it (the threaded runs check it), and the threads
 * loadWasm started with (navigator.hardwareConcurrency's, as Node's default is its cores).
 */
export type ThreadsRun = LoopResult & { info: torch.BackendInfo; defaultThreads: number; hardwareConcurrency: number };

interface PageWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message: string }) => void) | null;
  postMessage(data: unknown): void;
  terminate(): void;
}
const WorkerClass = (globalThis as unknown as { Worker: new (url: string, o: { type: 'module' }) => PageWorker }).Worker;

async function inPage(backend: BackendName): Promise<LoopResult | ThreadsRun> {
  // the library's own page loader; the JS backend is what a page runs before it
  if (backend === 'wasm') await torch.backends.loadWasm(WASM_SINGLE);
  else if (backend === 'js') setBackend(jsBackend);
  else {
    const info = await torch.backends.loadWasm(WASM_BUILDS);
    // as many threads as Node's run (its kernels split by thread count); a page without threads keeps its one
    if (info.wasm?.path?.startsWith('/torchlette-threads')) torch.setNumThreads(2);
    const hardwareConcurrency = (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency;
    return { ...trainLoop(), info: torch.backends.info(), defaultThreads: info.numThreads, hardwareConcurrency };
  }
  return trainLoop();
}

function inWorker(backend: BackendName): Promise<LoopResult> {
  return new Promise((resolve, reject) => {
    const w = new WorkerClass('/worker.js', { type: 'module' });
    w.onmessage = (e) => {
      w.terminate();
      const d = e.data as { ok: true; result: LoopResult } | { ok: false; error: string };
      if (d.ok) resolve(d.result);
      else reject(new Error(`in the worker: ${d.error}`));
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(`worker error: ${e.message}`));
    };
    w.postMessage({ backend });
  });
}

/**
 * After inPage('wasm-threads'): more threads than workers started, and kernels run at once
 * (no yield, so Chromium cannot start the new Web Workers): the job's parts run on the
 * threads that are up, without waiting for the others. Returns whether the result is right.
 */
function lateWorkers(): boolean {
  const a = torch.randn([300, 200]), b = torch.randn([200, 100]);
  torch.setNumThreads(1);
  const one = a.matmul(b).sum(1);
  torch.setNumThreads(4);
  const four = a.matmul(b).sum(1);
  torch.setNumThreads(2);
  return torch.allclose(one, four, 1e-5, 1e-5);
}

(globalThis as unknown as { torchletteTest: unknown }).torchletteTest = {
  inPage,
  lateWorkers,
  inWorker,
  crossOriginIsolated: (globalThis as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
};
