// PyTorch's CPU generator (mt19937) and the way its distributions consume it
// (ATen/core/DistributionsHelper.h, ATen/native/cpu/DistributionTemplates.h), so
// that the same seed gives the same numbers as torch.manual_seed.
import { fma } from '../backend/js/math.js';
import { log256, SINCOS, sincos256 } from './avx-mathfun.js';
import { int64ArrayFrom, numeric, type DType, type NumberArray, type TypedArray } from './dtype.js';

const N = 624;
const M = 397;
/** PyTorch's default_rng_seed_val: a fresh process draws from this seed. */
export const DEFAULT_SEED = 67280421310721n;

export class Generator {
  private readonly state = new Uint32Array(N);
  private index = N;
  private initial: bigint = DEFAULT_SEED;
  /** The second Box-Muller value of normal_distribution<double>, kept for the next draw. */
  nextDoubleNormal: number | null = null;

  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Re-seeds; only the low 32 bits reach mt19937 (as in PyTorch). Returns this generator. */
  manualSeed(seed: number | bigint): this {
    const s = BigInt.asUintN(64, BigInt(seed));
    this.initial = s;
    this.nextDoubleNormal = null;
    const st = this.state;
    st[0] = Number(s & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = st[j - 1] ^ (st[j - 1] >>> 30);
      // 1812433253 * prev + j in uint32 arithmetic, split to stay exact in doubles.
      st[j] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + j;
    }
    this.index = N;
    return this;
  }

  /** Seeds from a non-deterministic source and returns the seed (torch.seed()). */
  seed(): bigint {
    const hi = Math.floor(Math.random() * 0x100000000);
    const lo = Math.floor(Math.random() * 0x100000000);
    const s = (BigInt(hi & 0x7fffffff) << 32n) | BigInt(lo);
    this.manualSeed(s);
    return s;
  }

  initialSeed(): bigint {
    return this.initial;
  }

  private twist(): void {
    const st = this.state;
    const mix = (i: number, next: number, far: number) => {
      const y = (st[i] & 0x80000000) | (st[next] & 0x7fffffff);
      st[i] = st[far] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    };
    let i = 0;
    for (; i < N - M; i++) mix(i, i + 1, i + M);
    for (; i < N - 1; i++) mix(i, i + 1, i + M - N);
    mix(N - 1, 0, M - 1);
    this.index = 0;
  }

  /** The next 32-bit output of mt19937 (generator->random()). */
  random(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The next out.length 32-bit outputs, as random() would give them one by one (a bulk loop: fills of millions of elements). */
  fill(out: Uint32Array): void {
    const st = this.state;
    let idx = this.index;
    for (let i = 0; i < out.length; i++) {
      if (idx >= N) {
        this.twist();
        idx = 0;
      }
      let y = st[idx++];
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      out[i] = y;
    }
    this.index = idx;
  }

  /** generator->random64(): the first draw is the high word. */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The low 53 bits of random64() as a number (what double distributions use). */
  random53(): number {
    const hi = this.random();
    const lo = this.random();
    return (hi & 0x1fffff) * 0x100000000 + lo;
  }

  /** torch.Generator.get_state as plain data (restorable with setState). */
  getState(): { state: Uint32Array; index: number; initial: bigint; nextDoubleNormal: number | null } {
    return { state: this.state.slice(), index: this.index, initial: this.initial, nextDoubleNormal: this.nextDoubleNormal };
  }

  setState(s: { state: Uint32Array; index: number; initial: bigint; nextDoubleNormal: number | null }): void {
    if (s.state.length !== N) throw new RangeError(`generator state must hold ${N} words, got ${s.state.length}`);
    this.state.set(s.state);
    this.index = s.index;
    this.initial = s.initial;
    this.nextDoubleNormal = s.nextDoubleNormal;
  }
}

let defaultGenerator = new Generator();

export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

/** torch.manual_seed: re-seeds the default generator and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** torch.initial_seed */
export function initialSeed(): bigint {
  return defaultGenerator.initialSeed();
}

export function resetDefaultGenerator(): void {
  defaultGenerator = new Generator();
}

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const f = Math.fround;

/** uniform_real_distribution<T>(from, to) for one draw: x * (to - from) + from, fused (PyTorch's AVX2 build contracts it to an FMA). */
export function uniformSample(gen: Generator, dtype: DType, from: number, to: number): number {
  if (dtype === 'float32') {
    const x = (gen.random() & 0xffffff) * TWO_POW_M24;
    // x * range is exact in a double, so one rounding to float32 is the fused result.
    return f(x * f(f(to) - f(from)) + f(from));
  }
  const x = gen.random53() * TWO_POW_M53;
  return fma(x, to - from, from);
}

// Bulk fills draw the generator's words in blocks of this many.
const BLOCK = 4096;
const words = new Uint32Array(2 * BLOCK);

/** tensor.uniform_(from, to) over `n` consecutive elements (the draws of uniformSample, in bulk). */
export function uniformFill(data: TypedArray, dtype: DType, from: number, to: number, gen: Generator): void {
  const n = data.length;
  if (dtype === 'float32') {
    const lo = f(from);
    const range = f(f(to) - lo);
    for (let start = 0; start < n; start += BLOCK) {
      const m = Math.min(BLOCK, n - start);
      const w = words.subarray(0, m);
      gen.fill(w);
      // x * range is exact in a double, so one rounding to float32 is the fused result.
      for (let i = 0; i < m; i++) data[start + i] = f((w[i] & 0xffffff) * TWO_POW_M24 * range + lo);
    }
    return;
  }
  for (let i = 0; i < n; i++) data[i] = uniformSample(gen, dtype, from, to);
}

/** at::normal_distribution<double>: Box-Muller with the second value cached in the generator. */
export function normalSampleDouble(gen: Generator, mean: number, std: number): number {
  if (gen.nextDoubleNormal !== null) {
    const v = gen.nextDoubleNormal;
    gen.nextDoubleNormal = null;
    return v * std + mean;
  }
  const u1 = gen.random53() * TWO_POW_M53;
  const u2 = gen.random53() * TWO_POW_M53;
  const r = Math.sqrt(-2 * Math.log(1 - u2));
  const theta = 2 * Math.PI * u1;
  gen.nextDoubleNormal = r * Math.sin(theta);
  return r * Math.cos(theta) * std + mean;
}

const TWO_PI_F = f(2 * Math.PI);

// normal_fill_16: Box-Muller on 8 pairs (data[j], data[j + 8]) of uniforms. float32
// follows normal_fill_16_AVX2 (PyTorch's AVX2 build), float64 the scalar version.
function normalFill16(data: NumberArray, at: number, isFloat: boolean, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    if (isFloat) {
      const radius = f(Math.sqrt(f(-2 * log256(f(1 - data[at + j])))));
      sincos256(f(TWO_PI_F * data[at + j + 8]));
      data[at + j] = f(f(radius * SINCOS[1]) * std + mean);
      data[at + j + 8] = f(f(radius * SINCOS[0]) * std + mean);
    } else {
      const radius = Math.sqrt(-2 * Math.log(1 - data[at + j]));
      const theta = 2 * Math.PI * data[at + j + 8];
      data[at + j] = radius * Math.cos(theta) * std + mean;
      data[at + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  }
}

/** Runs `fill` on a Float64Array and stores its integer results into an int64 storage. */
function viaDoubles(data: BigInt64Array, fill: (tmp: Float64Array) => void): void {
  const tmp = new Float64Array(data.length);
  fill(tmp);
  data.set(int64ArrayFrom(tmp));
}

/**
 * tensor.normal_(mean, std) on a contiguous buffer: 16 or more elements use the
 * batched Box-Muller of normal_fill, fewer use normal_distribution<double>.
 */
export function normalFill(data: TypedArray, dtype: DType, mean: number, std: number, gen: Generator): void {
  const n = data.length;
  if (n >= 16) {
    const isFloat = dtype === 'float32';
    data = numeric(data); // normal_ is defined on float dtypes only
    const m = isFloat ? f(mean) : mean;
    const s = isFloat ? f(std) : std;
    uniformFill(data, dtype, 0, 1, gen);
    for (let i = 0; i + 16 <= n; i += 16) normalFill16(data, i, isFloat, m, s);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) data[i] = uniformSample(gen, dtype, 0, 1);
      normalFill16(data, n - 16, isFloat, m, s);
    }
    return;
  }
  for (let i = 0; i < n; i++) data[i] = normalSampleDouble(gen, mean, std);
}

/** random_(from, to): integers in [from, to) by modulo of one 32-bit (or 64-bit) draw. */
export function randintFill(data: TypedArray, low: number, high: number, gen: Generator): void {
  // int64 storages are filled through doubles (draws are integers well below 2^53).
  if (data instanceof BigInt64Array) return viaDoubles(data, (tmp) => randintFill(tmp, low, high, gen));
  const range = high - low;
  if (range <= 0) throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  if (range >= 2 ** 32) {
    const r = BigInt(range);
    for (let i = 0; i < data.length; i++) data[i] = Number(gen.random64() % r) + low;
  } else {
    for (let i = 0; i < data.length; i++) data[i] = (gen.random() % range) + low;
  }
}

/** randperm(n): identity then a forward Fisher-Yates with one 32-bit draw per swap. */
export function randpermFill(data: TypedArray, gen: Generator): void {
  // int64 storages are filled through doubles (draws are integers well below 2^53).
  if (data instanceof BigInt64Array) return viaDoubles(data, (tmp) => randpermFill(tmp, gen));
  const n = data.length;
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const t = data[i];
    data[i] = data[z + i];
    data[z + i] = t;
  }
}

/** bernoulli_(p) with a scalar p: one double uniform per element, 1 where it falls below p. */
export function bernoulliFill(data: TypedArray, p: number, gen: Generator): void {
  // int64 storages are filled through doubles (draws are integers well below 2^53).
  if (data instanceof BigInt64Array) return viaDoubles(data, (tmp) => bernoulliFill(tmp, p, gen));
  for (let i = 0; i < data.length; i++) data[i] = gen.random53() * TWO_POW_M53 < p ? 1 : 0;
}
