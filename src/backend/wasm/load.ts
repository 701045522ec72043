// Loading the WebAssembly build: prebuilds/wasm/torchlette-threads.wasm (shared memory,
// worker threads) or torchlette.wasm (one thread), made by scripts/build-wasm.mjs and shipped
// in the npm package (no compiler at install); where the engine has relaxed SIMD, their
// *-relaxed.wasm builds (GEMM with FMA), the same choice in Node and in a page so that both
// compute the same bits. In Node the file is read synchronously on
// first use (platform/node/addon.ts); a web page compiles it asynchronously
// (loadWasmAddonAsync, behind backends.loadWasm()). addon.ts takes the compiled module
// either way.
import { defaultWasmUrl, enableRelaxedSimd, wasmBytesSync } from '#platform/addon';
import { readFileSync } from '#platform/fs';
import { env } from '#platform/os';
import { fileURLToPath } from '#platform/path';
import { wasmWorkerHost } from '#platform/threads';
import type { Addon, AddonOps, AddonOrigin, LoadResult } from '../native/addon.js';
import { meta } from '../native/addon.js';
import { createWasmAddon, type WasmWorkers } from './addon.js';
import { webAssembly, type WasmModule } from './api.js';
import { threadsUnavailable, waitForWorkers, type WorkerHost } from './threads.js';

/** Where scripts/build-wasm.mjs writes the module (Node); `threads`: the shared-memory build; `relaxed`: the relaxed-SIMD one. */
export function wasmPath(threads = false, relaxed = false): string {
  return fileURLToPath(defaultWasmUrl(threads, relaxed));
}

// (module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2
// f32x4.relaxed_madd)): the final opcode (0xfd 0x105), which clang 19 emits.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 0x02, 0x0b,
]);
let relaxed: string | null | undefined;

/**
 * Why the relaxed-SIMD builds are not used here, or null when they are: the engine does not
 * validate relaxed SIMD (in Node 20 after turning on V8's flag for it), or
 * TORCHLETTE_WASM_RELAXED=0. Decided once per process.
 */
export function relaxedSimdUnavailable(): string | null {
  if (relaxed !== undefined) return relaxed;
  const WA = webAssembly();
  if (env('TORCHLETTE_WASM_RELAXED') === '0') relaxed = 'TORCHLETTE_WASM_RELAXED=0';
  else if (!WA) relaxed = 'no WebAssembly';
  else if (WA.validate(RELAXED_PROBE)) relaxed = null;
  else {
    enableRelaxedSimd();
    relaxed = WA.validate(RELAXED_PROBE) ? null : 'this engine has no relaxed SIMD';
  }
  return relaxed;
}

/** One build of the module: where the .wasm is, its bytes, a fetch Response, or a compiled module. */
export type WasmFile = URL | string | Uint8Array | ArrayBuffer | { arrayBuffer(): Promise<ArrayBuffer> } | WasmModule;

/**
 * What loadWasmAddonAsync accepts: one build (the threaded build gets worker threads where
 * the realm can have them), or both, `threads` used where worker threads and shared memory
 * exist (a crossOriginIsolated page) and `single` elsewhere; `relaxed`: the relaxed-SIMD builds
 * (*-relaxed.wasm), used instead where the engine has relaxed SIMD and they load.
 */
export type WasmSource = WasmFile | { single: WasmFile; threads?: WasmFile; relaxed?: { single: WasmFile; threads?: WasmFile } };

function instantiate(
  module: WasmModule,
  path: string,
  check: (ops: AddonOps) => string | null,
  host?: WorkerHost,
): { ok: true; addon: Addon & WasmWorkers; ops: AddonOps; origin: AddonOrigin } | { ok: false; reason: string } {
  try {
    const addon = createWasmAddon(module, host);
    const ops = addon.init(meta);
    const wrong = check(ops);
    if (wrong) return { ok: false, reason: `${path} does not match this version of torchlette: ${wrong}` };
    const fma = webAssembly()!.Module.exports(module).some((e) => e.name === 'tl_relaxed_simd');
    const why = `the WebAssembly build of the native kernels${fma ? ' for relaxed SIMD (FMA)' : ''}${host ? ', with worker threads' : ''}`;
    return { ok: true, addon, ops, origin: { from: 'prebuilt', path, why } };
  } catch (e) {
    return { ok: false, reason: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

function loadFile(threads: boolean, check: (ops: AddonOps) => string | null, host?: WorkerHost): LoadResult {
  // The relaxed-SIMD build where the engine has it and it was built (clang++-19), else the other.
  let file = relaxedSimdUnavailable() === null ? wasmBytesSync(threads, true) : null;
  if (!file?.ok) file = wasmBytesSync(threads);
  if (!file.ok) return file;
  let module: WasmModule;
  try {
    module = new (webAssembly()!).Module(file.bytes);
  } catch (e) {
    return { ok: false, reason: `${file.path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  return instantiate(module, file.path, check, host);
}

/**
 * Compiles and instantiates the module synchronously (a few hundred KB: fine on first use in
 * Node), or says why not: the threaded build where shared memory and worker threads exist
 * (TORCHLETTE_WASM_THREADS=0 picks the single-threaded one), else the single-threaded build.
 * `check` returns why its op lists must not be used, or null.
 */
export function loadWasmAddon(check: (ops: AddonOps) => string | null = () => null): LoadResult {
  if (!webAssembly()) return { ok: false, reason: 'this JavaScript engine has no WebAssembly' };
  const host = env('TORCHLETTE_WASM_THREADS') !== '0' && typeof SharedArrayBuffer !== 'undefined' ? wasmWorkerHost() : undefined;
  let oneThread = '';
  if (host) {
    const r = loadFile(true, check, host);
    if (r.ok) return r;
    // e.g. no room for a shared memory: one thread, and backendInfo says why
    oneThread = ` (one thread: ${r.reason})`;
  }
  const r = loadFile(false, check);
  return r.ok && oneThread ? { ...r, origin: { ...r.origin, why: r.origin.why + oneThread } } : r;
}

/** WebAssembly.compile, which api.ts's synchronous subset does not declare. */
type AsyncCompile = { compile(bytes: Uint8Array | ArrayBuffer): Promise<WasmModule>; Module: new (...args: never[]) => WasmModule };

/** Whether `module` is the threaded build (it imports its memory, a shared one). */
function isThreaded(module: WasmModule): boolean {
  return webAssembly()!.Module.imports(module).some((imp) => imp.kind === 'memory');
}

/**
 * Like loadWasmAddon, from `source` and asynchronously. By default the threaded .wasm shipped
 * next to the package's modules where worker threads and shared memory exist (a page: served
 * crossOriginIsolated), else the single-threaded one, and the origin's `why` says why one
 * thread. With threads, resolves once the workers have started (a page's Web Workers start
 * only after it yields; kernels run on the calling thread until then).
 */
export async function loadWasmAddonAsync(source: WasmSource | undefined, check: (ops: AddonOps) => string | null = () => null): Promise<LoadResult> {
  const WA = webAssembly() as unknown as AsyncCompile | undefined;
  if (!WA) return { ok: false, reason: 'this JavaScript engine has no WebAssembly' };
  const off = env('TORCHLETTE_WASM_THREADS') === '0' ? 'TORCHLETTE_WASM_THREADS=0' : null;
  const host = off === null && typeof SharedArrayBuffer !== 'undefined' ? wasmWorkerHost() : undefined;
  const noThreads = off ?? (host ? null : threadsUnavailable() ?? 'no worker threads here');
  // The relaxed-SIMD build where the engine has it (falling back to the other when it does not load).
  const relaxedOk = relaxedSimdUnavailable() === null;
  const pick = (set: { single: WasmFile; threads?: WasmFile }) => (host && set.threads !== undefined ? set.threads : set.single);
  const candidates: WasmFile[] = [];
  if (source === undefined) {
    if (relaxedOk) candidates.push(defaultWasmUrl(host !== undefined, true));
    candidates.push(defaultWasmUrl(host !== undefined));
  } else if (typeof source === 'object' && 'single' in source) {
    if (relaxedOk && source.relaxed) candidates.push(pick(source.relaxed));
    candidates.push(pick(source));
  } else candidates.push(source);
  let compiled: { module: WasmModule; path: string } | string = '';
  for (const src of candidates) {
    compiled = await compileFile(WA, src);
    if (typeof compiled !== 'string') break;
  }
  if (typeof compiled === 'string') return { ok: false, reason: compiled };
  const { module, path } = compiled;
  const threaded = isThreaded(module);
  if (threaded && typeof SharedArrayBuffer === 'undefined') {
    return { ok: false, reason: `${path} is the threaded build, which needs shared memory: ${noThreads}; or load the single-threaded torchlette.wasm` };
  }
  const r = instantiate(module, path, check, threaded ? host : undefined);
  if (!r.ok) return r;
  let why = r.origin.why;
  if (!threaded) why += noThreads ? ` (one thread: ${noThreads})` : ' (one thread: the single-threaded build was loaded)';
  else if (!host) why += ` (one thread: ${noThreads})`;
  else {
    const w = r.addon.workers();
    const late = await waitForWorkers(() => r.addon.workers().started, w.spawned, host);
    if (late) why += ` (${late}; kernels run on the threads that are up)`;
  }
  return { ...r, origin: { ...r.origin, why } };
}

/** `src` compiled, and what to call it; or why it failed. */
async function compileFile(WA: AsyncCompile, src: WasmFile): Promise<{ module: WasmModule; path: string } | string> {
  let path = '<bytes>';
  try {
    if (src instanceof WA.Module) return { module: src, path: '<WebAssembly.Module>' };
    if (src instanceof Uint8Array || src instanceof ArrayBuffer) return { module: await WA.compile(src), path };
    if (typeof src === 'string' || src instanceof URL) {
      path = String(src);
      const url = typeof src === 'string' ? new URL(src, (globalThis as { location?: { href: string } }).location?.href ?? defaultWasmUrl()) : src;
      // fetch() reads no file: URLs in Node; read the file there.
      return { module: await WA.compile(url.protocol === 'file:' ? readFileSync(fileURLToPath(url)) : await (await fetchOk(url)).arrayBuffer()), path };
    }
    path = '<Response>';
    return { module: await WA.compile(await (src as { arrayBuffer(): Promise<ArrayBuffer> }).arrayBuffer()), path };
  } catch (e) {
    return `${path} failed to load: ${(e as Error).message.split('\n')[0]}`;
  }
}

async function fetchOk(url: URL): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }> {
  const f = (globalThis as { fetch?: (u: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
  if (!f) throw new Error('no fetch() to load the .wasm with; pass its bytes instead');
  const r = await f(url.href);
  if (!r.ok) throw new Error(`fetching ${url.href} answered HTTP ${r.status}`);
  return r;
}
