// Loading the compiled addon (a prebuilt binary from prebuilds/, or a local build in
// build/Release) and the metadata channel to it. Shapes, strides, offsets and scalar arguments are written into one shared
// Float64Array ("meta", registered once) instead of being passed as JS arrays, which
// N-API would have to walk element by element; calls pass only the data buffers.
import { addonsUnsupported, packageRoot, requireAddon } from '#platform/addon';
import { existsSync, readdirSync, readFileSync, statSync } from '#platform/fs';
import { osArch, osPlatform } from '#platform/os';
import { join } from '#platform/path';
import type { View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';

/** The functions of native/addon.cc (their meta layouts are documented there). */
export interface Addon {
  init(meta: Float64Array): { unaryOps: string[]; binaryOps: string[]; reduceOps: string[] };
  getNumThreads(): number;
  setNumThreads(n: number): void;
  /** The threaded WebAssembly build only: the pool's waits that timed out with no progress (a missed wake-up). */
  poolStalls?(): number;
  /** The threaded WebAssembly build only: runs a job whose part traps on a worker (tests that this throws, not hangs). */
  testWorkerFailure?(): void;
  isa(): string;
  cpuIsa(): string;
  setIsa(name: string): boolean;
  unary(x: TypedArray, out: TypedArray): void;
  binary(a: TypedArray, b: TypedArray, out: TypedArray): void;
  ternary(x: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): boolean;
  /** meta: lr, rho, eps | param, grad, squareAvg, accDelta; false: not done. Absent from older builds and the WebAssembly module. */
  adadelta?(param: TypedArray, grad: TypedArray, squareAvg: TypedArray, accDelta: TypedArray): boolean;
  /** Absent from addons built before it (prebuilt binaries): the op sequence runs instead. */
  adamStep?(param: TypedArray, grad: TypedArray, expAvg: TypedArray, expAvgSq: TypedArray): boolean;
  /** meta: 6 scalars | param, grad, buf; false: not done. Absent from addons built before it: the op sequence runs instead. */
  sgdStep?(param: TypedArray, grad: TypedArray, buf: TypedArray): boolean;
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): void;
  copy(src: TypedArray, dst: TypedArray): void;
  fill(dst: TypedArray): void;
  /** meta: kind, dtype code, index, p0, p1; out is written whole, state (624 words) advanced; returns the new index, or -1: not done. */
  randomFill(out: TypedArray, state: Uint32Array): number;
  reduce(x: TypedArray, out: TypedArray): void;
  variance(x: TypedArray, out: TypedArray): void;
  cumulative(x: TypedArray, out: TypedArray): void;
  softmax(x: TypedArray, out: TypedArray): void;
  softmaxBackward(grad: TypedArray, y: TypedArray, out: TypedArray): void;
  matmul(a: TypedArray, b: TypedArray, out: TypedArray): boolean;
  gather(x: TypedArray, index: TypedArray, out: TypedArray): number | null;
  scatter(dst: TypedArray, index: TypedArray, src: TypedArray): number | null;
  indexSelect(x: TypedArray, index: TypedArray, out: TypedArray): number | null;
  indexPut(dst: TypedArray, index: TypedArray, src: TypedArray): number | null;
  conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | undefined, out: TypedArray): boolean;
  conv2dBackwardInput(grad: TypedArray, w: TypedArray, out: TypedArray): boolean;
  conv2dBackwardWeight(grad: TypedArray, x: TypedArray, out: TypedArray): boolean;
  maxPool2d(x: TypedArray, out: TypedArray, indices: TypedArray): boolean;
  maxPool2dBackward(grad: TypedArray, indices: TypedArray, out: TypedArray): boolean;
  avgPool2d(x: TypedArray, out: TypedArray): boolean;
  avgPool2dBackward(grad: TypedArray, out: TypedArray): boolean;
  adaptiveAvgPool2d(x: TypedArray, out: TypedArray): boolean;
  adaptiveAvgPool2dBackward(grad: TypedArray, out: TypedArray): boolean;
  adaptiveMaxPool2d(x: TypedArray, out: TypedArray, indices: TypedArray): boolean;
  nllLoss(input: TypedArray, target: TypedArray, weight: TypedArray | undefined, out: TypedArray, totalWeight: TypedArray): boolean | number;
  nllLossBackward(grad: TypedArray, target: TypedArray, weight: TypedArray | undefined, out: TypedArray): boolean;
  /** true: done; false: left to JS; 2: an input outside [0, 1]. Absent from older builds. */
  binaryCrossEntropy?(input: TypedArray, target: TypedArray, weight: TypedArray | undefined, out: TypedArray): boolean | number;
  binaryCrossEntropyBackward?(grad: TypedArray, input: TypedArray, target: TypedArray, weight: TypedArray | undefined, out: TypedArray): boolean;
  batchNormStats(x: TypedArray, mean: TypedArray, varSum: Float64Array): boolean;
  embeddingRenorm(weight: TypedArray, indices: TypedArray): boolean;
  batchNorm(x: TypedArray, mean: TypedArray, invstd: TypedArray, weight: TypedArray | undefined, bias: TypedArray | undefined, out: TypedArray): boolean;
  batchNormBackward(
    grad: TypedArray, x: TypedArray, mean: TypedArray, invstd: TypedArray, weight: TypedArray | undefined,
    gradInput: TypedArray | undefined, gradWeight: TypedArray | undefined, gradBias: TypedArray | undefined,
  ): boolean;
  groupNorm(x: TypedArray, weight: TypedArray | undefined, bias: TypedArray | undefined, out: TypedArray, mean: TypedArray, rstd: TypedArray): boolean;
  groupNormBackward(
    grad: TypedArray, x: TypedArray, mean: TypedArray, rstd: TypedArray, weight: TypedArray | undefined,
    gradInput: TypedArray | undefined, gradWeight: TypedArray | undefined, gradBias: TypedArray | undefined,
  ): boolean;
  /** Fused LSTM cell (native/rnn.cc); absent from older builds and from the WebAssembly module. */
  lstmCell?(xg: TypedArray, hg: TypedArray, cx: TypedArray, hy: TypedArray, cy: TypedArray, ws: TypedArray): boolean;
  lstmCellBackward?(...buffers: TypedArray[]): boolean;
}

// ---- The metadata channel ----

/** Room for every view of any call (7 views of 16 dims need ~250 slots). */
export const meta = new Float64Array(1024);
let pos = 0;

// ---- Finding and loading the addon ----
//
// Where the addon comes from, in order (backendInfo().addon says which and why):
//  1. a prebuilt binary shipped in the package, prebuilds/<platform>-<arch>/ (the
//     node-gyp-build / prebuildify layout: torchlette.napi.glibc.node on glibc Linux,
//     torchlette.napi.musl.node on musl, torchlette.napi.node elsewhere). N-API, so one
//     binary serves every Node >= 20; the GEMM kernels inside it are chosen by cpuid.
//  2. a local build from source, build/Release/torchlette.node (scripts/build-native.mjs).
//     It goes first when it is newer than the prebuilt binary: someone built it on purpose
//     (`npm run build:native`, `TORCHLETTE_BUILD_FROM_SOURCE=1 npm rebuild torchlette`, or
//     the install script after the prebuilt binary failed to load here).
//  (3. a WebAssembly build, once one exists; then the JS backend, chosen in ../index.ts.)
// A candidate that fails to load or whose op lists differ from this JS code is skipped,
// and the reason is kept for backendInfo().

// The paths are functions, computed on first use: importing torchlette touches no file.

/** Where the build puts the addon. */
export function addonPath(): string {
  return join(packageRoot(), 'build', 'Release', 'torchlette.node');
}

/** The folder of prebuilt binaries for this platform and architecture. */
export function prebuildDir(): string {
  return join(packageRoot(), 'prebuilds', `${osPlatform()}-${osArch()}`);
}

/** The build log scripts/build-native.mjs leaves next to the addon. */
function buildLog(): string {
  return join(packageRoot(), 'build', 'native-build.log');
}

/** 'glibc' or 'musl' on Linux (node-gyp-build's test), undefined elsewhere. */
export function linuxLibc(): 'glibc' | 'musl' | undefined {
  if (osPlatform() !== 'linux') return undefined;
  return existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/**
 * The prebuilt binaries in `dir` this process can try, best first. A file name is
 * dot-separated tags ending in .node (node-gyp-build's convention): 'napi' marks an
 * N-API build, 'glibc'/'musl' the C library; a libc tag must match this system's.
 */
export function prebuiltCandidates(dir: string = prebuildDir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const libc = linuxLibc();
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    if (!name.endsWith('.node')) continue;
    const tags = name.split('.').slice(0, -1);
    const fileLibc = tags.find((t) => t === 'glibc' || t === 'musl');
    if (fileLibc && fileLibc !== libc) continue;
    if (tags.some((t) => /^(abi\d+|electron|node-webkit)$/.test(t))) continue; // ABI-specific builds: not ours
    scored.push({ name, score: (tags.includes('napi') ? 2 : 0) + (fileLibc ? 1 : 0) });
  }
  scored.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return scored.map((s) => join(dir, s.name));
}

export type AddonOps = ReturnType<Addon['init']>;

/** Where the loaded addon came from and why that one. */
export interface AddonOrigin {
  /** 'prebuilt' (shipped in prebuilds/) or 'build' (compiled here, build/Release). */
  from: 'prebuilt' | 'build';
  path: string;
  why: string;
}

export type LoadResult = { ok: true; addon: Addon; ops: AddonOps; origin: AddonOrigin } | { ok: false; reason: string };

/** Why there is no local build: the build's own verdict, or that it never ran. */
function missingBuildReason(): string {
  const BUILD_LOG = buildLog();
  if (!existsSync(BUILD_LOG)) return 'no local build in build/Release (the install script did not build one: scripts were disabled, or it found a prebuilt binary that loaded)';
  const first = readFileSync(BUILD_LOG, 'utf8').split('\n')[0];
  return `no local build: ${first.replace(/^(FAILED|SKIPPED): /, '')} (log: ${BUILD_LOG})`;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/**
 * Loads the first candidate that loads and passes `check` (which returns why it must not
 * be used, or null), prebuilt binaries first (see above).
 */
export function loadAddon(check: (ops: AddonOps) => string | null = () => null): LoadResult {
  const unsupported = addonsUnsupported();
  if (unsupported !== null) return { ok: false, reason: unsupported };
  const ADDON_PATH = addonPath();
  const platform = `${osPlatform()}-${osArch()}${linuxLibc() ? ` (${linuxLibc()})` : ''}`;
  const prebuilt = prebuiltCandidates();
  const hasBuild = existsSync(ADDON_PATH);
  const buildIsNewer = hasBuild && prebuilt.length > 0 && mtime(ADDON_PATH) > Math.max(...prebuilt.map(mtime));
  const order: { from: 'prebuilt' | 'build'; path: string }[] = [
    ...prebuilt.map((path) => ({ from: 'prebuilt' as const, path })),
  ];
  if (hasBuild) order[buildIsNewer ? 'unshift' : 'push']({ from: 'build', path: ADDON_PATH });

  const failures: string[] = [];
  for (const c of order) {
    let addon: Addon;
    let ops: AddonOps;
    try {
      addon = requireAddon(c.path) as Addon;
      ops = addon.init(meta);
    } catch (e) {
      failures.push(`${c.path} failed to load: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const wrong = check(ops);
    if (wrong) {
      failures.push(`${c.path} does not match this version of torchlette: ${wrong}`);
      continue;
    }
    let why: string;
    if (c.from === 'prebuilt') {
      why = `the prebuilt binary for ${platform}`;
    } else if (buildIsNewer) {
      why = 'the local build is newer than the prebuilt binary (built from source on purpose)';
    } else {
      why = prebuilt.length === 0 ? `no prebuilt binary for ${platform}; using the local build` : 'the prebuilt binary did not load; using the local build';
    }
    if (failures.length > 0) why += ` (${failures.join('; ')})`;
    return { ok: true, addon, ops, origin: { from: c.from, path: c.path, why } };
  }
  if (prebuilt.length === 0) failures.unshift(`no prebuilt binary for ${platform} (${prebuildDir()})`);
  if (!hasBuild) failures.push(missingBuildReason());
  return { ok: false, reason: failures.join('; ') };
}

export const DTYPE_CODE: Record<DType, number> = { float32: 0, float64: 1, int64: 2, int32: 3, uint8: 4, bool: 5 };

/** The dtype a bare output buffer is declared as (its values are those of the buffer type). */
export function bufferDtypeCode(b: TypedArray): number {
  if (b instanceof Float32Array) return 0;
  if (b instanceof Float64Array) return 1;
  if (b instanceof Int32Array) return 3;
  if (b instanceof BigInt64Array) return 2;
  return 4;
}

export function begin(): void {
  pos = 0;
}

export function put(value: number): void {
  meta[pos++] = value;
}

export function putView(v: View): void {
  const nd = v.shape.length;
  meta[pos++] = DTYPE_CODE[v.dtype];
  meta[pos++] = nd;
  meta[pos++] = v.offset;
  for (let d = 0; d < nd; d++) meta[pos++] = v.shape[d];
  for (let d = 0; d < nd; d++) meta[pos++] = v.strides[d];
}

/** A contiguous output of `shape` filling `buffer` from element 0. */
export function putOut(buffer: TypedArray, shape: readonly number[]): void {
  const nd = shape.length;
  meta[pos++] = bufferDtypeCode(buffer);
  meta[pos++] = nd;
  meta[pos++] = 0;
  for (let d = 0; d < nd; d++) meta[pos++] = shape[d];
  let s = 1;
  const at = pos;
  pos += nd;
  for (let d = nd - 1; d >= 0; d--) {
    meta[at + d] = s;
    s *= Math.max(shape[d], 1);
  }
}
