import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { loadAddon, type Addon, type AddonOrigin } from './native/addon.js';
import { loadNativeBackend } from './native/index.js';

export type { Backend, BinaryOp, MtState, RandomFillKind, ReduceOp, TernaryOp, UnaryOp, View } from './backend.js';
export * from './dtype.js';

// Backend selection, once at startup: the native addon when it loads (the prebuilt
// binary shipped for this platform, else a local build; see native/addon.ts), else
// the JS backend with one warning. TORCHLETTE_BACKEND=js forces the JS
// backend; TORCHLETTE_BACKEND=native makes a missing addon an error (CI).
const requested = (typeof process !== 'undefined' ? process.env.TORCHLETTE_BACKEND : undefined)?.trim().toLowerCase() || 'auto';

let addon: Addon | null = null;
let addonOrigin: AddonOrigin | null = null;
let nativeBackendObject: Backend | null = null;
let unavailableReason: string | null = null;

if (requested !== 'js') {
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
    console.warn(
      `torchlette: the native CPU backend is unavailable (${r.reason}); using the much slower JS backend. ` +
        'To build it from source (needs a C++ compiler, make and python3): `TORCHLETTE_BUILD_FROM_SOURCE=1 npm rebuild torchlette` ' +
        'in your project (if npm reports its install script as unreviewed, first `npm install-scripts approve torchlette`), ' +
        'or `npm run build:native` in the torchlette folder. Set TORCHLETTE_BACKEND=js to silence this warning.',
    );
  }
} else {
  unavailableReason = 'disabled by TORCHLETTE_BACKEND=js';
}

let active: Backend = nativeBackendObject ?? jsBackend;

/** The backend every op runs on. */
export function backend(): Backend {
  return active;
}

export function setBackend(b: Backend): void {
  active = b;
}

/** The JS reference backend (always available). */
export { jsBackend };

/** The native backend, or null when the addon is not in use (see backendInfo().reason). */
export function nativeBackend(): Backend | null {
  return nativeBackendObject;
}

/** The loaded addon (tests, benchmarks), or null. */
export function nativeAddon(): Addon | null {
  return addon;
}

export interface BackendInfo {
  /** The backend ops run on now: 'native' or 'js'. */
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
  /** TORCHLETTE_BACKEND as read at startup ('auto' when unset). */
  requested: string;
  /** GEMM kernels in use ('avx512', 'avx2', 'generic') and the best this CPU supports; null without the addon. */
  isa: string | null;
  cpuIsa: string | null;
  /** Threads native kernels use (1 for the JS backend). */
  numThreads: number;
}

/** What `torch.backends` reports. */
export function backendInfo(): BackendInfo {
  return {
    active: active.name,
    nativeAvailable: addon !== null,
    reason: unavailableReason,
    addon: addonOrigin ? { ...addonOrigin } : null,
    requested,
    isa: addon ? addon.isa() : null,
    cpuIsa: addon ? addon.cpuIsa() : null,
    numThreads: getNumThreads(),
  };
}

/** Threads used by native kernels (PyTorch's torch.get_num_threads). The JS backend uses one. */
export function getNumThreads(): number {
  return addon && active === nativeBackendObject ? addon.getNumThreads() : 1;
}

/** Sets the native thread pool size (PyTorch's torch.set_num_threads); default: all cores. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`set_num_threads expects a positive integer, but got ${n}`);
  addon?.setNumThreads(n);
}
