// The bulk random fills (Backend.randomFill): PyTorch's CPU generator, mt19937, and the
// way ATen's CPU kernels turn its words into uniform_, normal_ and bernoulli_ values
// (ATen/core/DistributionsHelper.h, ATen/native/cpu/DistributionTemplates.h). The
// native backend (native/random.cc) computes the same numbers bit for bit.
import type { MtState, RandomFillKind } from '../backend.js';
import { numeric, type DType, type NumberArray, type TypedArray } from '../dtype.js';
import { fmaf, log256, SINCOS, sincos256 } from './avx-mathfun.js';
import { fma } from './math.js';

export const MT_N = 624;
const MT_M = 397;

/** Regenerates the 624 words (index back to 0). */
export function twist(mt: MtState): void {
  const st = mt.words;
  const mix = (i: number, next: number, far: number) => {
    const y = (st[i] & 0x80000000) | (st[next] & 0x7fffffff);
    st[i] = st[far] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
  };
  let i = 0;
  for (; i < MT_N - MT_M; i++) mix(i, i + 1, i + MT_M);
  for (; i < MT_N - 1; i++) mix(i, i + 1, i + MT_M - MT_N);
  mix(MT_N - 1, 0, MT_M - 1);
  mt.index = 0;
}

/** The next 32-bit output of mt19937 (generator->random()). */
export function nextWord(mt: MtState): number {
  if (mt.index >= MT_N) twist(mt);
  let y = mt.words[mt.index++];
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
}

/** The next out.length words, as nextWord would give them one by one (a bulk loop). */
function fillWords(mt: MtState, out: Uint32Array): void {
  const st = mt.words;
  let idx = mt.index;
  for (let i = 0; i < out.length; i++) {
    if (idx >= MT_N) {
      twist(mt);
      idx = 0;
    }
    let y = st[idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    out[i] = y;
  }
  mt.index = idx;
}

/** random64()'s low 53 bits (what double distributions use): the first word is the high one. */
export function next53(mt: MtState): number {
  const hi = nextWord(mt);
  const lo = nextWord(mt);
  return (hi & 0x1fffff) * 0x100000000 + lo;
}

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const f = Math.fround;

// Bulk fills draw the generator's words in blocks of this many.
const BLOCK = 4096;
const words = new Uint32Array(BLOCK);

/**
 * uniform_real_distribution<T>(from, to) per element: x * (to - from) + from, fused (PyTorch's
 * AVX2 build contracts it to an FMA); float32 takes 24 bits of one word, float64 53 of two.
 */
function uniform(data: TypedArray, dtype: DType, from: number, to: number, mt: MtState): void {
  const n = data.length;
  if (dtype === 'float32') {
    const lo = f(from);
    const range = f(f(to) - lo);
    for (let start = 0; start < n; start += BLOCK) {
      const m = Math.min(BLOCK, n - start);
      const w = words.subarray(0, m);
      fillWords(mt, w);
      // x * range is exact in a double, so one rounding to float32 is the fused result.
      for (let i = 0; i < m; i++) data[start + i] = f((w[i] & 0xffffff) * TWO_POW_M24 * range + lo);
    }
    return;
  }
  for (let i = 0; i < n; i++) data[i] = fma(next53(mt) * TWO_POW_M53, to - from, from);
}

const TWO_PI_F = f(2 * Math.PI);

// normal_fill_16: Box-Muller on 8 pairs (data[j], data[j + 8]) of uniforms. float32
// follows normal_fill_16_AVX2 (PyTorch's AVX2 build, its multiply-adds fused into FMAs:
// fmaf), float64 the scalar version.
function normalFill16(data: NumberArray, at: number, isFloat: boolean, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    if (isFloat) {
      const radius = f(Math.sqrt(f(-2 * log256(f(1 - data[at + j])))));
      sincos256(f(TWO_PI_F * data[at + j + 8]));
      // _mm256_fmadd_ps(n, std, mean)
      data[at + j] = fmaf(f(radius * SINCOS[1]), std, mean);
      data[at + j + 8] = fmaf(f(radius * SINCOS[0]), std, mean);
    } else {
      const radius = Math.sqrt(-2 * Math.log(1 - data[at + j]));
      const theta = 2 * Math.PI * data[at + j + 8];
      data[at + j] = radius * Math.cos(theta) * std + mean;
      data[at + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  }
}

/**
 * normal_fill (16 or more contiguous elements): uniforms in [0, 1), Box-Muller on each block
 * of 16, and a ragged tail redrawn as 16 fresh uniforms over the last 16 elements.
 */
function normal(buf: TypedArray, dtype: DType, mean: number, std: number, mt: MtState): void {
  const data = numeric(buf); // normal_ is defined on float dtypes only
  const n = data.length;
  if (n < 16) throw new RangeError(`randomFill('normal') needs at least 16 elements, got ${n}`);
  const isFloat = dtype === 'float32';
  const m = isFloat ? f(mean) : mean;
  const s = isFloat ? f(std) : std;
  uniform(data, dtype, 0, 1, mt);
  for (let i = 0; i + 16 <= n; i += 16) normalFill16(data, i, isFloat, m, s);
  if (n % 16 !== 0) {
    uniform(data.subarray(n - 16), dtype, 0, 1, mt);
    normalFill16(data, n - 16, isFloat, m, s);
  }
}

/** bernoulli_(p) with a scalar p: one double uniform per element, 1 where it falls below p. */
function bernoulli(data: TypedArray, p: number, mt: MtState): void {
  for (let i = 0; i < data.length; i++) data[i] = next53(mt) * TWO_POW_M53 < p ? 1 : 0;
}

export function randomFill(kind: RandomFillKind, out: TypedArray, dtype: DType, gen: MtState, params: readonly number[]): void {
  switch (kind) {
    case 'uniform':
      return uniform(out, dtype, params[0], params[1], gen);
    case 'normal':
      return normal(out, dtype, params[0], params[1], gen);
    case 'bernoulli':
      return bernoulli(out, params[0], gen);
    default:
      throw new RangeError(`unknown random fill ${String(kind)}`);
  }
}
