import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { loadAddon, type Addon, type AddonOrigin } from './native/addon.js';
import { createNativeBackend, loadNativeBackend, opListMismatch } from './native/index.js';
import { WASM_MIN_SIZES } from './wasm/addon.js';
import { loadWasmAddon, loadWasmAddonAsync, type WasmSource } from './wasm/load.js';
import { env, platformName } from '#platform/os';

export type { AdamScalars, Backend, BinaryOp, MtState, RandomFillKind, ReduceOp, TernaryOp, UnaryOp, View } from './backend.js';
export * from './dtype.js';

// Backend selection, once, on first use (not at import: importing torchlette loads no
// addon and reads no file): the native addon when it loads (the prebuilt binary shipped for
// this platform, else a local build; see native/addon.ts), else the WebAssembly build of the
// same kernels (prebuilds/wasm, see wasm/load.ts), else the JS backend; a fallback warns
// once. TORCHLETTE_BACKEND=native|wasm|js picks one, and a missing native or wasm backend
// is then an error (CI). In a web page there is no addon and no synchronous .wasm file:
// the JS backend runs until `await backends.loadWasm()` switches to the WebAssembly one.

let requested = 'auto';
let addon: Addon | null = null;
let addonOrigin: AddonOrigin | null = null;
let nativeBackendObject: Backend | null = null;
let unavailableReason: string | null = null;
let wasm: Addon | null = null;
let wasmOrigin: AddonOrigin | null = null;
let wasmBackendObject: Backend | null = null;
let wasmUnavailableReason: string | null = null;
let active: Backend | null = null;

function select(): Backend {
  requested = env('TORCHLETTE_BACKEND')?.trim().toLowerCase() || 'auto';
  if (!['auto', 'native', 'wasm', 'js'].includes(requested)) {
    throw new Error(`torchlette: TORCHLETTE_BACKEND must be one of native, wasm, js (or unset), but got '${requested}'`);
  }
  if (requested === 'auto' || requested === 'native') {
    const r = loadNativeBackend(loadAddon);
    if (r.ok) {
      addon = r.addon;
      addonOrigin = r.origin;
      nativeBackendObject = r.backend;
    } else {
      unavailableReason = r.reason;
      if (requested === 'native') {
        throw new Error(`torchlette: TORCHLETTE_BACKEND=native, but the native backend is unavailable: ${r.reason}`);
      }
    }
  } else {
    unavailableReason = `disabled by TORCHLETTE_BACKEND=${requested}`;
  }

  if (nativeBackendObject) {
    wasmUnavailableReason = 'not loaded: the native backend is active';
  } else if (requested === 'auto' || requested === 'wasm') {
    const r = loadNativeBackend(loadWasmAddon);
    if (r.ok) {
      useWasm(r.addon, r.origin);
    } else {
      wasmUnavailableReason = r.reason;
      if (requested === 'wasm') {
        throw new Error(`torchlette: TORCHLETTE_BACKEND=wasm, but the WebAssembly backend is unavailable: ${r.reason}`);
      }
    }
  } else {
    wasmUnavailableReason = 'disabled by TORCHLETTE_BACKEND=js';
  }

  // A page has no native backend to miss and no environment variable to silence a warning
  // with: its default is documented (backends.info() says why, and loadWasm() upgrades).
  if (requested === 'auto' && !nativeBackendObject && platformName === 'node') {
    console.warn(
      `torchlette: the native CPU backend is unavailable (${unavailableReason}); using the ` +
        (wasmBackendObject ? 'WebAssembly backend (same kernels, one thread)' : `much slower JS backend (no WebAssembly backend either: ${wasmUnavailableReason})`) +
        '. To build the native backend from source (needs a C++ compiler, make and python3): `TORCHLETTE_BUILD_FROM_SOURCE=1 npm rebuild torchlette` ' +
        'in your project (if npm reports its install script as unreviewed, first `npm install-scripts approve torchlette`), ' +
        'or `npm run build:native` in the torchlette folder. Set TORCHLETTE_BACKEND=wasm or js to silence this warning.',
    );
  }
  return nativeBackendObject ?? wasmBackendObject ?? jsBackend;
}

function useWasm(module: Addon, origin: AddonOrigin): void {
  wasm = module;
  wasmOrigin = origin;
  wasmUnavailableReason = null;
  // The native backend's code over the wasm kernels; only the name and the sizes from
  // which kernels leave JS differ.
  wasmBackendObject = { ...createNativeBackend(module, WASM_MIN_SIZES), name: 'wasm' };
}

/**
 * Loads the WebAssembly build asynchronously (the way a web page must: browsers do not
 * compile a large module synchronously on the main thread) from `source` — a URL or string
 * URL, the bytes, a fetch Response, or an already compiled WebAssembly.Module; or both builds,
 * `{ single, threads }`, the threaded one used where the page is crossOriginIsolated (served
 * with COOP/COEP headers) and `single` elsewhere (backends.info().wasm.why says why); by default
 * the .wasm shipped next to the package's modules, threaded where it can be (Vite rewrites those
 * URLs; with esbuild, serve prebuilds/wasm/torchlette.wasm and torchlette-threads.wasm and pass
 * their URLs). With threads it resolves once the worker threads have started. When the JS backend is active because no
 * faster one was found (auto selection) or TORCHLETTE_BACKEND=wasm, ops switch to the
 * WebAssembly backend; the native backend, when active, stays. Returns backends.info().
 */
export async function loadWasm(source?: WasmSource): Promise<BackendInfo> {
  const current = active ?? (active = select());
  if (wasmBackendObject === null) {
    const r = await loadWasmAddonAsync(source, opListMismatch);
    if (!r.ok) throw new Error(`torchlette: the WebAssembly backend cannot load: ${r.reason}`);
    useWasm(r.addon, r.origin);
  }
  if (current === jsBackend && requested !== 'js') active = wasmBackendObject;
  return backendInfo();
}

/** The backend every op runs on. */
export function backend(): Backend {
  return active ?? (active = select());
}

export function setBackend(b: Backend): void {
  if (active === null) active = select();
  active = b;
}

/** The JS reference backend (always available). */
export { jsBackend };

/** The native backend, or null when the addon is not in use (see backendInfo().reason). */
export function nativeBackend(): Backend | null {
  backend();
  return nativeBackendObject;
}

/** The loaded addon (tests, benchmarks), or null. */
export function nativeAddon(): Addon | null {
  backend();
  return addon;
}

/** The WebAssembly backend, or null when it is not loaded (see backendInfo().wasmReason). */
export function wasmBackend(): Backend | null {
  backend();
  return wasmBackendObject;
}

/** The loaded WebAssembly module behind the `Addon` interface (tests, benchmarks), or null. */
export function wasmAddon(): Addon | null {
  backend();
  return wasm;
}

export interface BackendInfo {
  /** The backend ops run on now: 'native', 'wasm' or 'js'. */
  active: string;
  /** Whether the native addon is loaded (it may be loaded but not active after setBackend). */
  nativeAvailable: boolean;
  /** Why the native backend is not available, or null. */
  reason: string | null;
  /**
   * Which native addon is loaded and why that one: `from` is 'prebuilt' (the binary shipped
   * in prebuilds/<platform>-<arch>/) or 'build' (compiled here into build/Release); null
   * without the addon.
   */
  addon: { from: 'prebuilt' | 'build'; path: string; why: string } | null;
  /** Whether the WebAssembly backend is loaded (only when the native one is not). */
  wasmAvailable: boolean;
  /** Why the WebAssembly backend is not loaded, or null. */
  wasmReason: string | null;
  /** The WebAssembly module loaded and why, or null. */
  wasm: { path: string; why: string } | null;
  /** TORCHLETTE_BACKEND as read at startup ('auto' when unset). */
  requested: string;
  /**
   * GEMM kernels in use ('avx512', 'avx2', 'generic') and the best this CPU supports; null without
   * the addon. The WebAssembly backend's are 'generic' (the portable kernels, built for SIMD128).
   */
  isa: string | null;
  cpuIsa: string | null;
  /** Threads native kernels use (1 for the JS backend). */
  numThreads: number;
}

/** What `torch.backends` reports. */
export function backendInfo(): BackendInfo {
  const current = backend();
  return {
    active: current.name,
    nativeAvailable: addon !== null,
    reason: unavailableReason,
    addon: addonOrigin ? { ...addonOrigin } : null,
    wasmAvailable: wasm !== null,
    wasmReason: wasmUnavailableReason,
    wasm: wasmOrigin ? { path: wasmOrigin.path, why: wasmOrigin.why } : null,
    requested,
    isa: addon ? addon.isa() : wasm ? wasm.isa() : null,
    cpuIsa: addon ? addon.cpuIsa() : wasm ? wasm.cpuIsa() : null,
    numThreads: getNumThreads(),
  };
}

/** Threads used by native kernels (PyTorch's torch.get_num_threads). The JS and (for now) wasm backends use one. */
export function getNumThreads(): number {
  const active = backend();
  if (addon && active === nativeBackendObject) return addon.getNumThreads();
  if (wasm && active === wasmBackendObject) return wasm.getNumThreads();
  return 1;
}

/** Sets the native thread pool size (PyTorch's torch.set_num_threads); default: all cores. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`set_num_threads expects a positive integer, but got ${n}`);
  backend();
  addon?.setNumThreads(n);
  wasm?.setNumThreads(n);
}
