// The browser tests' page bundle: exposes the seeded training loop (on the JS or the wasm
// backend, in the page or in a module Worker) to test/browser/browser.test.ts, which calls
// it through page.evaluate.
import * as torch from '../../../src/index.js';
import { jsBackend, setBackend } from '../../../src/backend/index.js';
import { trainLoop, type LoopResult } from '../programs/train-loop.js';

type BackendName = 'js' | 'wasm';

interface PageWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message: string }) => void) | null;
  postMessage(data: unknown): void;
  terminate(): void;
}
const WorkerClass = (globalThis as unknown as { Worker: new (url: string, o: { type: 'module' }) => PageWorker }).Worker;

async function inPage(backend: BackendName): Promise<LoopResult> {
  // the library's own page loader; the JS backend is what a page runs before it
  if (backend === 'wasm') await torch.backends.loadWasm('/torchlette.wasm');
  else setBackend(jsBackend);
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

(globalThis as unknown as { torchletteTest: unknown }).torchletteTest = {
  inPage,
  inWorker,
  crossOriginIsolated: (globalThis as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
};
