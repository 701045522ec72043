// Loading the WebAssembly build: prebuilds/wasm/torchlette.wasm, made by
// scripts/build-wasm.mjs and shipped in the npm package (no compiler at install). In Node
// the file is read synchronously on first use (platform/node/addon.ts); a web page compiles
// it asynchronously (loadWasmAddonAsync, behind backends.loadWasm()). addon.ts takes the
// compiled module either way.
import { defaultWasmUrl, wasmBytesSync } from '#platform/addon';
import { readFileSync } from '#platform/fs';
import { fileURLToPath } from '#platform/path';
import type { AddonOps, LoadResult } from '../native/addon.js';
import { meta } from '../native/addon.js';
import { createWasmAddon } from './addon.js';
import { webAssembly, type WasmModule } from './api.js';

/** Where scripts/build-wasm.mjs writes the module (Node). */
export function wasmPath(): string {
  return fileURLToPath(defaultWasmUrl());
}

/** What loadWasmAddonAsync accepts: where the .wasm is, its bytes, a fetch Response, or a compiled module. */
export type WasmSource = URL | string | Uint8Array | ArrayBuffer | { arrayBuffer(): Promise<ArrayBuffer> } | WasmModule;

function instantiate(module: WasmModule, path: string, check: (ops: AddonOps) => string | null): LoadResult {
  try {
    const addon = createWasmAddon(module);
    const ops = addon.init(meta);
    const wrong = check(ops);
    if (wrong) return { ok: false, reason: `${path} does not match this version of torchlette: ${wrong}` };
    return { ok: true, addon, ops, origin: { from: 'prebuilt', path, why: 'the WebAssembly build of the native kernels' } };
  } catch (e) {
    return { ok: false, reason: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

/**
 * Compiles and instantiates the module synchronously (a few hundred KB: fine on first use in
 * Node), or says why not. `check` returns why its op lists must not be used, or null.
 */
export function loadWasmAddon(check: (ops: AddonOps) => string | null = () => null): LoadResult {
  const WA = webAssembly();
  if (!WA) return { ok: false, reason: 'this JavaScript engine has no WebAssembly' };
  const file = wasmBytesSync();
  if (!file.ok) return file;
  let module: WasmModule;
  try {
    module = new WA.Module(file.bytes);
  } catch (e) {
    return { ok: false, reason: `${file.path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  return instantiate(module, file.path, check);
}

/** WebAssembly.compile, which api.ts's synchronous subset does not declare. */
type AsyncCompile = { compile(bytes: Uint8Array | ArrayBuffer): Promise<WasmModule>; Module: new (...args: never[]) => WasmModule };

/** Like loadWasmAddon, from `source` (default: the .wasm shipped next to the package's modules) and asynchronously. */
export async function loadWasmAddonAsync(source: WasmSource | undefined, check: (ops: AddonOps) => string | null = () => null): Promise<LoadResult> {
  const WA = webAssembly() as unknown as AsyncCompile | undefined;
  if (!WA) return { ok: false, reason: 'this JavaScript engine has no WebAssembly' };
  const src = source ?? defaultWasmUrl();
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
  return instantiate(module, path, check);
}

async function fetchOk(url: URL): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }> {
  const f = (globalThis as { fetch?: (u: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
  if (!f) throw new Error('no fetch() to load the .wasm with; pass its bytes instead');
  const r = await f(url.href);
  if (!r.ok) throw new Error(`fetching ${url.href} answered HTTP ${r.status}`);
  return r;
}
