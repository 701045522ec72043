// Loading the WebAssembly build: prebuilds/wasm/torchlette-threads.wasm (shared memory,
// worker threads) or torchlette.wasm (one thread), made by scripts/build-wasm.mjs and shipped
// in the npm package (no compiler at install). In Node the file is read synchronously on
// first use (platform/node/addon.ts); a web page compiles it asynchronously
// (loadWasmAddonAsync, behind backends.loadWasm()). addon.ts takes the compiled module
// either way.
import { defaultWasmUrl, wasmBytesSync } from '#platform/addon';
import { readFileSync } from '#platform/fs';
import { env } from '#platform/os';
import { fileURLToPath } from '#platform/path';
import { wasmWorkerHost } from '#platform/threads';
import type { Addon, AddonOps, AddonOrigin, LoadResult } from '../native/addon.js';
import { meta } from '../native/addon.js';
import { createWasmAddon, type WasmWorkers } from './addon.js';
import { webAssembly, type WasmModule } from './api.js';
import { threadsUnavailable, waitForWorkers, type WorkerHost } from './threads.js';

/** Where scripts/build-wasm.mjs writes the module (Node); `threads`: the shared-memory build. */
export function wasmPath(threads = false): string {
  return fileURLToPath(defaultWasmUrl(threads));
}

/** One build of the module: where the .wasm is, its bytes, a fetch Response, or a compiled module. */
export type WasmFile = URL | string | Uint8Array | ArrayBuffer | { arrayBuffer(): Promise<ArrayBuffer> } | WasmModule;

/**
 * What loadWasmAddonAsync accepts: one build (the threaded build gets worker threads where
 * the realm can have them), or both, `threads` used where worker threads and shared memory
 * exist (a crossOriginIsolated page) and `single` elsewhere.
 */
export type WasmSource = WasmFile | { single: WasmFile; threads?: WasmFile };

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
    const why = `the WebAssembly build of the native kernels${host ? ', with worker threads' : ''}`;
    return { ok: true, addon, ops, origin: { from: 'prebuilt', path, why } };
  } catch (e) {
    return { ok: false, reason: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

function loadFile(threads: boolean, check: (ops: AddonOps) => string | null, host?: WorkerHost): LoadResult {
  const file = wasmBytesSync(threads);
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
  let src: WasmFile;
  if (source === undefined) src = defaultWasmUrl(host !== undefined);
  else if (typeof source === 'object' && 'single' in source) src = host && source.threads !== undefined ? source.threads : source.single;
  else src = source;
  let module: WasmModule;
  let path = '<bytes>';
  try {
    if (src instanceof WA.Module) {
      module = src;
      path = '<WebAssembly.Module>';
    } else if (src instanceof Uint8Array || src instanceof ArrayBuffer) {
      module = await WA.compile(src);
    } else if (typeof src === 'string' || src instanceof URL) {
      path = String(src);
      const url = typeof src === 'string' ? new URL(src, (globalThis as { location?: { href: string } }).location?.href ?? defaultWasmUrl()) : src;
      // fetch() reads no file: URLs in Node; read the file there.
      module = await WA.compile(url.protocol === 'file:' ? readFileSync(fileURLToPath(url)) : await (await fetchOk(url)).arrayBuffer());
    } else {
      path = '<Response>';
      module = await WA.compile(await (src as { arrayBuffer(): Promise<ArrayBuffer> }).arrayBuffer());
    }
  } catch (e) {
    return { ok: false, reason: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
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

async function fetchOk(url: URL): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }> {
  const f = (globalThis as { fetch?: (u: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
  if (!f) throw new Error('no fetch() to load the .wasm with; pass its bytes instead');
  const r = await f(url.href);
  if (!r.ok) throw new Error(`fetching ${url.href} answered HTTP ${r.status}`);
  return r;
}
