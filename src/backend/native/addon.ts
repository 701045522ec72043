// Loading the compiled addon (build/Release/torchlette.node) and the metadata channel
// to it. Shapes, strides, offsets and scalar arguments are written into one shared
// Float64Array ("meta", registered once) instead of being passed as JS arrays, which
// N-API would have to walk element by element; calls pass only the data buffers.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';

/** The functions of native/addon.cc (their meta layouts are documented there). */
export interface Addon {
  init(meta: Float64Array): { unaryOps: string[]; binaryOps: string[]; reduceOps: string[] };
  getNumThreads(): number;
  setNumThreads(n: number): void;
  isa(): string;
  cpuIsa(): string;
  setIsa(name: string): boolean;
  unary(x: TypedArray, out: TypedArray): void;
  binary(a: TypedArray, b: TypedArray, out: TypedArray): void;
  ternary(x: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): boolean;
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): void;
  copy(src: TypedArray, dst: TypedArray): void;
  fill(dst: TypedArray): void;
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
}

// ---- The metadata channel ----

/** Room for every view of any call (7 views of 16 dims need ~250 slots). */
export const meta = new Float64Array(1024);
let pos = 0;

/** Where the build puts the addon: <package root>/build/Release (src/ and dist/ are both 3 levels down). */
export const ADDON_PATH = fileURLToPath(new URL('../../../build/Release/torchlette.node', import.meta.url));

export type LoadResult = { ok: true; addon: Addon; ops: ReturnType<Addon['init']> } | { ok: false; reason: string };

/** The build log scripts/build-native.mjs leaves next to the addon. */
const BUILD_LOG = fileURLToPath(new URL('../../../build/native-build.log', import.meta.url));

/** Why there is no addon: the build's own verdict, or that the install script never ran. */
function missingReason(): string {
  if (!existsSync(BUILD_LOG)) {
    return 'the addon was not built: the install script did not run (npm --ignore-scripts, or an install script npm was told not to run)';
  }
  const first = readFileSync(BUILD_LOG, 'utf8').split('\n')[0];
  return `the addon was not built: ${first.replace(/^FAILED: /, '')} (log: ${BUILD_LOG})`;
}

export function loadAddon(): LoadResult {
  if (!existsSync(ADDON_PATH)) return { ok: false, reason: missingReason() };
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
    const ops = addon.init(meta);
    return { ok: true, addon, ops };
  } catch (e) {
    return { ok: false, reason: `the addon failed to load: ${(e as Error).message}` };
  }
}

export const DTYPE_CODE: Record<DType, number> = { float32: 0, float64: 1, int64: 2, int32: 3, uint8: 4, bool: 5 };

/** The dtype a bare output buffer is declared as (its values are those of the buffer type). */
export function bufferDtypeCode(b: TypedArray): number {
  if (b instanceof Float32Array) return 0;
  if (b instanceof Float64Array) return 1;
  if (b instanceof Int32Array) return 3;
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
