// The browser tests' module Worker: runs the seeded training loop on the backend it is sent
// and posts the result (or the error) back to entry.ts.
import * as torch from '../../../src/index.js';
import { trainLoop } from '../programs/train-loop.js';

const scope = globalThis as unknown as {
  onmessage: ((e: { data: { backend: 'js' | 'wasm' } }) => void) | null;
  postMessage(data: unknown): void;
};

scope.onmessage = async (e) => {
  try {
    // a fresh Worker runs on the JS backend until loadWasm
    if (e.data.backend === 'wasm') await torch.backends.loadWasm('/torchlette.wasm');
    scope.postMessage({ ok: true, result: trainLoop() });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
};
