// Loads the WebAssembly backend in a page or a Worker from the server's
// /torchlette.wasm (prebuilds/wasm/torchlette.wasm) and makes it the active backend.
//
// INTERIM: the library's own loader (src/backend/wasm/load.ts) reads the file with
// node:fs; until the platform seam gives it a page path, this does in a page what it does
// in Node — compile (asynchronously: Chromium refuses to compile a module this size
// synchronously on a page's main thread), instantiate through createWasmAddon, check the op
// lists (loadNativeBackend) and build the backend with the wasm size thresholds, exactly
// as src/backend/index.ts does — so the kernels and thresholds are the ones Node uses.
import { setBackend } from '../../../src/backend/index.js';
import type { Addon } from '../../../src/backend/native/addon.js';
import { meta } from '../../../src/backend/native/addon.js';
import { createNativeBackend, loadNativeBackend } from '../../../src/backend/native/index.js';
import type { Backend } from '../../../src/backend/backend.js';
import { createWasmAddon, WASM_MIN_SIZES } from '../../../src/backend/wasm/addon.js';
import type { WasmModule } from '../../../src/backend/wasm/api.js';

interface AsyncWasm {
  compileStreaming(source: Promise<Response>): Promise<WasmModule>;
}

let loaded: { addon: Addon; backend: Backend } | null = null;

/** The wasm addon and backend (loaded once), now active. */
export async function useWasm(url = '/torchlette.wasm'): Promise<{ addon: Addon; backend: Backend }> {
  if (!loaded) {
    const WA = (globalThis as unknown as { WebAssembly: AsyncWasm }).WebAssembly;
    const module = await WA.compileStreaming(fetch(url));
    const r = loadNativeBackend((check) => {
      const addon = createWasmAddon(module);
      const ops = addon.init(meta);
      const wrong = check(ops);
      if (wrong) return { ok: false, reason: `${url} does not match this version of torchlette: ${wrong}` };
      return { ok: true, addon, ops, origin: { from: 'prebuilt', path: url, why: 'the WebAssembly build of the native kernels' } };
    });
    if (!r.ok) throw new Error(`the WebAssembly backend did not load in the page: ${r.reason}`);
    loaded = { addon: r.addon, backend: { ...createNativeBackend(r.addon, WASM_MIN_SIZES), name: 'wasm' } };
  }
  setBackend(loaded.backend);
  return loaded;
}
