// Native addons in a web page: none. The WebAssembly build loads asynchronously instead
// (backends.loadWasm(), see backend/wasm/load.ts): Chromium refuses to compile a module of
// more than 4 KB synchronously on a page's main thread.
import type * as Node from '../node/addon.js';
import { unavailable } from '../unavailable.js';

export const packageRoot: typeof Node.packageRoot = unavailable('the package folder', 'a web page loads files by URL');
export const requireAddon: typeof Node.requireAddon = unavailable('a native addon', 'use the WebAssembly or JS backend');

export function addonsUnsupported(): string | null {
  return 'a web page cannot load a native (N-API) addon';
}

export function wasmBytesSync(_threads = false, _relaxed = false): { ok: true; bytes: Uint8Array; path: string } | { ok: false; reason: string } {
  return { ok: false, reason: 'a web page loads the WebAssembly build asynchronously: await torch.backends.loadWasm() (optionally with its URL or bytes)' };
}

/**
 * Where the .wasm lies next to this module (Vite and unbundled ESM rewrite/resolve this
 * pattern); `threads`: the shared-memory build, which crossOriginIsolated pages load;
 * `relaxed`: the relaxed-SIMD build of either.
 */
export function defaultWasmUrl(threads = false, relaxed = false): URL {
  if (relaxed) {
    return threads
      ? new URL('../../../prebuilds/wasm/torchlette-threads-relaxed.wasm', import.meta.url)
      : new URL('../../../prebuilds/wasm/torchlette-relaxed.wasm', import.meta.url);
  }
  return threads ? new URL('../../../prebuilds/wasm/torchlette-threads.wasm', import.meta.url) : new URL('../../../prebuilds/wasm/torchlette.wasm', import.meta.url);
}

/** Browsers turn relaxed SIMD on or off themselves (Chromium: on since 114). */
export function enableRelaxedSimd(): void {}
