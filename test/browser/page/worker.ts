// The browser tests' module Worker: runs the seeded training loop on the backend it is sent
// and posts the result (or the error) back to entry.ts.
import * as torch from '../../../src/index.js';
import { trainLoop } from '../programs/train-loop.js';
import { WASM_BUILDS, WASM_SINGLE } from './builds.js';

const scope = globalThis as unknown as {
  onmessage: ((e: { data: { backend: 'js' | 'wasm' | 'wasm-threads' } }) => void) | null;
  postMessage(data: unknown): void;
};

scope.onmessage = async (e) => {
  try {
    // a fresh Worker runs on the JS backend until loadWasm
    if (e.data.backend === 'wasm') await torch.backends.loadWasm(WASM_SINGLE);
    if (e.data.backend !== 'wasm-threads') {
      scope.postMessage({ ok: true, result: trainLoop() });
      return;
    }
    // threads in a Worker: the same builds and thread count as the page (entry.ts)
    const info = await torch.backends.loadWasm(WASM_BUILDS);
    if (info.wasm?.path?.startsWith('/torchlette-threads')) torch.setNumThreads(2);
    const hardwareConcurrency = (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency;
    scope.postMessage({ ok: true, result: { ...trainLoop(), info: torch.backends.info(), defaultThreads: info.numThreads, hardwareConcurrency } });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
};
