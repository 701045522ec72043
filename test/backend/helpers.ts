// Shared tools of the backend tests: a seeded RNG, random strided views (permuted,
// stepped, offset, broadcast), and comparisons of the native backend against the JS
// reference. The native backend under test sends every call to the addon, however
// small (NO_MIN_SIZES), so the odd small shapes here exercise native code. In the wasm
// pass (TORCHLETTE_BACKEND=wasm) the addon under test is the WebAssembly build of the
// same kernels: every test here then checks the wasm kernels against the JS ones.
import assert from 'node:assert/strict';
import type { Backend, View } from '../../src/backend/backend.js';
import { allocate, type DType, type TypedArray } from '../../src/backend/dtype.js';
import { backendInfo, jsBackend, nativeAddon, wasmAddon } from '../../src/backend/index.js';
import { createNativeBackend, NO_MIN_SIZES } from '../../src/backend/native/index.js';

export const js: Backend = jsBackend;
/** Whether the kernels under test are the WebAssembly build (the active backend is wasm). */
export const testingWasm = backendInfo().active === 'wasm';
/** The addon under test: the native addon, or the wasm module behind the same interface. */
export const addon = testingWasm ? wasmAddon() : nativeAddon();
/** The native backend (over `addon`) with no size thresholds, or null (JS-only runs skip the comparisons). */
export const native: Backend | null = addon ? createNativeBackend(addon, NO_MIN_SIZES) : null;
/**
 * The x86 addon's vectorized float32 exp/log family (native/simd_math.h): computed in double
 * and rounded once, the JS backend's bits (glibc's expf, logf, ... elsewhere: within an ulp).
 */
export const simdMath = !testingWasm && addon !== null && (addon.isa() === 'avx2' || addon.isa() === 'avx512');
export const skipNative = native === null ? 'native addon not loaded (TORCHLETTE_BACKEND=js or no build)' : false;

/** mulberry32: deterministic tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;

export const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** A random value of dtype; floats include rare specials when `specials`. */
export function value(r: Rand, dtype: DType, specials = false, range = 3): number {
  switch (dtype) {
    case 'float32':
    case 'float64': {
      if (specials && r() < 0.04) return pick(r, [NaN, Infinity, -Infinity, 0, -0, 1, -1]);
      const v = (r() * 2 - 1) * range;
      return dtype === 'float32' ? Math.fround(v) : v;
    }
    case 'int64':
    case 'int32':
      return int(r, -20, 20);
    case 'uint8':
      return int(r, 0, 255);
    case 'bool':
      return r() < 0.5 ? 1 : 0;
  }
}

export function fillRandom(r: Rand, buf: TypedArray, dtype: DType, specials = false, range = 3): void {
  if (buf instanceof BigInt64Array) {
    for (let i = 0; i < buf.length; i++) buf[i] = BigInt(value(r, dtype, specials, range));
    return;
  }
  for (let i = 0; i < buf.length; i++) buf[i] = value(r, dtype, specials, range);
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= Math.max(shape[d], 1);
  }
  return s;
}

export interface ViewOptions {
  /** Probability that a dim is broadcast (stride 0). */
  broadcast?: number;
  /** Probability that the layout is non-contiguous (permuted dims, steps, offset). */
  strided?: number;
  specials?: boolean;
  range?: number;
}

/**
 * A random view of `shape`: memory order permuted, dims stepped by 1-2, a random
 * offset, some dims broadcast (stride 0), inside a buffer with slack at both ends.
 */
export function randomView(r: Rand, dtype: DType, shape: readonly number[], o: ViewOptions = {}): View {
  const nd = shape.length;
  const strided = r() < (o.strided ?? 0.6);
  const order = [...Array(nd).keys()];
  if (strided) order.sort(() => r() - 0.5);
  const strides = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let k = nd - 1; k >= 0; k--) {
    const d = order[k];
    if (shape[d] > 1 && r() < (o.broadcast ?? 0)) continue; // stride 0
    const step = strided && r() < 0.3 ? 2 : 1;
    strides[d] = acc * step;
    acc *= Math.max(shape[d], 1) * step;
  }
  const offset = strided ? int(r, 0, 3) : 0;
  const buffer = allocate(dtype, offset + acc + (strided ? int(r, 0, 3) : 0));
  fillRandom(r, buffer, dtype, o.specials, o.range);
  return { buffer, dtype, shape: shape.slice(), strides, offset };
}

export function randomShape(r: Rand, maxDims = 4, maxSize = 7): number[] {
  const nd = int(r, 0, maxDims);
  return Array.from({ length: nd }, () => int(r, 1, maxSize));
}

/** A 0-d view of a scalar in dtype's storage (as the ops layer passes wrapped scalars), broadcast to `shape`. */
export function scalarView(v: number, dtype: DType, shape: readonly number[]): View {
  const buffer = dtype === 'int64' ? new BigInt64Array([BigInt(Math.trunc(v))]) : new Float64Array([v]);
  return { buffer, dtype, shape: shape.slice(), strides: shape.map(() => 0), offset: 0 };
}

/** A copy of a view with its own buffer (for kernels that write in place). */
export function cloneView(v: View): View {
  return { ...v, buffer: v.buffer.slice() };
}

export interface Tol {
  rtol: number;
  atol: number;
}
export const EXACT: Tol = { rtol: 0, atol: 0 };

/** Element-wise comparison; NaN equals NaN, -0 equals 0. */
export function assertArraysClose(gotArray: TypedArray | ArrayLike<number>, wantArray: TypedArray | ArrayLike<number>, tol: Tol, what: string): void {
  assert.equal(gotArray.length, wantArray.length, `${what}: lengths ${gotArray.length} vs ${wantArray.length}`);
  for (let i = 0; i < wantArray.length; i++) {
    const gv = gotArray[i], wv = wantArray[i];
    // int64 elements (bigints) must be equal exactly.
    if (typeof gv === 'bigint' || typeof wv === 'bigint') {
      if (gv !== wv) assert.fail(`${what}: element ${i}: native ${gv}, js ${wv} (int64, exact)`);
      continue;
    }
    const g = gv, w = wv;
    if (g === w || (g !== g && w !== w)) continue;
    const ok = Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w);
    if (!ok) assert.fail(`${what}: element ${i}: native ${g}, js ${w} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

export function outFor(dtype: DType, shape: readonly number[]): TypedArray {
  return allocate(dtype, numel(shape));
}

export const FLOATS: readonly DType[] = ['float32', 'float64'];
export const ALL_DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'int32', 'uint8', 'bool'];

export function describeView(v: View): string {
  return `${v.dtype}[${v.shape.join(',')}] strides [${v.strides.join(',')}] offset ${v.offset}`;
}
