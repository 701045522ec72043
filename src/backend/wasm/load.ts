// Loading the WebAssembly build in Node: prebuilds/wasm/torchlette.wasm, made by
// scripts/build-wasm.mjs and shipped in the npm package (no compiler at install). The
// file read is the only Node-specific part; addon.ts takes the compiled module.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddonOps, LoadResult } from '../native/addon.js';
import { meta } from '../native/addon.js';
import { createWasmAddon } from './addon.js';
import { webAssembly } from './api.js';
import { nodeWorkerHost } from './threads-node.js';

/** The package root: src/ and dist/ are both 3 levels above this file. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where scripts/build-wasm.mjs writes the module. */
export const WASM_PATH = join(PACKAGE_ROOT, 'prebuilds', 'wasm', 'torchlette.wasm');
/** The threaded build (worker_threads over a shared memory), used when it is there. */
export const WASM_THREADS_PATH = join(PACKAGE_ROOT, 'prebuilds', 'wasm', 'torchlette-threads.wasm');

/**
 * Compiles and instantiates the module synchronously (a few hundred KB: fine at import),
 * or says why not. `check` returns why its op lists must not be used, or null.
 */
export function loadWasmAddon(check: (ops: AddonOps) => string | null = () => null): LoadResult {
  const WA = webAssembly();
  if (!WA) return { ok: false, reason: 'this JavaScript engine has no WebAssembly' };
  // TORCHLETTE_WASM_THREADS=0 picks the single-threaded build (tests run both).
  const threads = process.env.TORCHLETTE_WASM_THREADS !== '0' && typeof SharedArrayBuffer !== 'undefined' && existsSync(WASM_THREADS_PATH);
  let why = 'the WebAssembly build of the native kernels';
  if (threads) {
    const r = loadFrom(WASM_THREADS_PATH, check, true);
    if (r.ok) return { ...r, origin: { ...r.origin, why: `${why}, with worker threads` } };
    // e.g. no room for a shared memory: one thread, and backendInfo says why
    why += ` (one thread: ${r.reason})`;
  }
  const r = loadFrom(WASM_PATH, check, false);
  return r.ok ? { ...r, origin: { ...r.origin, why } } : r;
}

function loadFrom(path: string, check: (ops: AddonOps) => string | null, threads: boolean): LoadResult {
  if (!existsSync(path)) return { ok: false, reason: `no WebAssembly build at ${path} (npm run build:wasm makes it)` };
  try {
    const addon = createWasmAddon(new (webAssembly()!).Module(readFileSync(path)), threads ? nodeWorkerHost() : undefined);
    const ops = addon.init(meta);
    const wrong = check(ops);
    if (wrong) return { ok: false, reason: `${path} does not match this version of torchlette: ${wrong}` };
    return { ok: true, addon, ops, origin: { from: 'prebuilt', path, why: '' } };
  } catch (e) {
    return { ok: false, reason: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}
