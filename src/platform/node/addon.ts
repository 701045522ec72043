// Native addons and the files that ship with the package (prebuilt binaries, the .wasm), in
// Node. Paths are computed on call, never at import, so importing torchlette touches no file.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/** The package root (src/ and dist/ are both 3 levels above this file). */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** Loads a compiled N-API addon by path. */
export function requireAddon(path: string): unknown {
  return createRequire(import.meta.url)(path);
}

/** Whether native addons can be loaded here at all (not in a page), and if not, why. */
export function addonsUnsupported(): string | null {
  return null;
}

/**
 * The bytes of the WebAssembly build (prebuilds/wasm/torchlette.wasm, or with `threads` the
 * shared-memory build torchlette-threads.wasm; `relaxed`: the relaxed-SIMD build of either,
 * *-relaxed.wasm) read synchronously, or the reason they cannot be.
 */
export function wasmBytesSync(threads = false, relaxed = false): { ok: true; bytes: Uint8Array; path: string } | { ok: false; reason: string } {
  const path = fileURLToPath(defaultWasmUrl(threads, relaxed));
  if (!existsSync(path)) return { ok: false, reason: `no WebAssembly build at ${path} (npm run build:wasm makes it)` };
  return { ok: true, bytes: readFileSync(path), path };
}

/** Where the .wasm (`threads`: the shared-memory build; `relaxed`: its relaxed-SIMD build) lies in the package, as a file: URL. */
export function defaultWasmUrl(threads = false, relaxed = false): URL {
  if (relaxed) {
    return threads
      ? new URL('../../../prebuilds/wasm/torchlette-threads-relaxed.wasm', import.meta.url)
      : new URL('../../../prebuilds/wasm/torchlette-relaxed.wasm', import.meta.url);
  }
  return threads
    ? new URL('../../../prebuilds/wasm/torchlette-threads.wasm', import.meta.url)
    : new URL('../../../prebuilds/wasm/torchlette.wasm', import.meta.url);
}

/**
 * Lets V8 compile relaxed SIMD: Node 20's V8 has it behind --experimental-wasm-relaxed-simd
 * (newer V8s have it on by default). Takes effect for modules compiled afterwards; the
 * caller checks with WebAssembly.validate that it did.
 */
export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
