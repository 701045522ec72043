// PyTorch's CPU generator (mt19937) and the way its distributions consume it
// (ATen/core/DistributionsHelper.h, ATen/native/cpu/DistributionTemplates.h), so
// that the same seed gives the same numbers as torch.manual_seed.
import { backend, type MtState, type RandomFillKind } from '../backend/index.js';
import { fma } from '../backend/js/math.js';
import { MT_N as N, next53, nextWord } from '../backend/js/random.js';
import { int64ArrayFrom, type DType, type TypedArray } from './dtype.js';
import { formatShape } from './shape.js';
import { Tensor } from './tensor.js';

/** PyTorch's default_rng_seed_val: a fresh process draws from this seed. */
export const DEFAULT_SEED = 67280421310721n;

/** A generator's state as plain data (snapshot / restore). */
export interface GeneratorSnapshot {
  state: Uint32Array;
  index: number;
  initial: bigint;
  nextDoubleNormal: number | null;
}

// get_state's bytes: ATen's CPUGeneratorImplState, a CPUGeneratorImplStateLegacy (int64
// initial seed, int32 left, int32 seeded, uint64 next, 624 words as uint64, doubles
// normal_x, normal_y, normal_rho, int32 normal_is_valid; 5048 bytes) + float
// next_float_normal_sample and bool is_next_float_normal_sample_valid (5056 bytes).
const STATE_BYTES = 5056;
const LEGACY_STATE_BYTES = 5048;
const WORDS_AT = 24;
const NORMAL_Y_AT = 5024;
const NORMAL_VALID_AT = 5040;

export class Generator {
  // mt19937's words and next index; the backend's random fills advance it in place.
  private readonly mt: MtState = { words: new Uint32Array(N), index: N };
  private initial: bigint = DEFAULT_SEED;
  /** The last word seeding wrote: tells a freshly seeded state (next = 0) from a used-up block (next = 624). */
  private seededLastWord = 0;
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
    const st = this.mt.words;
    st[0] = Number(s & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = st[j - 1] ^ (st[j - 1] >>> 30);
      // 1812433253 * prev + j in uint32 arithmetic, split to stay exact in doubles.
      st[j] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + j;
    }
    this.mt.index = N;
    this.seededLastWord = st[N - 1];
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

  /** The next 32-bit output of mt19937 (generator->random()). */
  random(): number {
    return nextWord(this.mt);
  }

  /** Fills `data` (contiguous, of `dtype`) with the backend's bulk draws (see Backend.randomFill). */
  fillWith(kind: RandomFillKind, data: TypedArray, dtype: DType, params: readonly number[]): void {
    backend().randomFill(kind, data, dtype, this.mt, params);
  }

  /** generator->random64(): the first draw is the high word. */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The low 53 bits of random64() as a number (what double distributions use). */
  random53(): number {
    return next53(this.mt);
  }

  /** The state as plain data (cheap; for saving and restoring within this process). */
  snapshot(): GeneratorSnapshot {
    return { state: this.mt.words.slice(), index: this.mt.index, initial: this.initial, nextDoubleNormal: this.nextDoubleNormal };
  }

  restore(s: GeneratorSnapshot): void {
    if (s.state.length !== N) throw new RangeError(`generator state must hold ${N} words, got ${s.state.length}`);
    this.mt.words.set(s.state);
    this.mt.index = s.index;
    this.initial = s.initial;
    this.nextDoubleNormal = s.nextDoubleNormal;
  }

  /**
   * torch.Generator.get_state(): PyTorch's state bytes as a uint8 tensor [5056], so a state
   * saved here restores in PyTorch (torch.set_rng_state) and the other way round.
   */
  getState(): Tensor {
    const bytes = new Uint8Array(STATE_BYTES);
    const v = new DataView(bytes.buffer);
    const { words, index } = this.mt;
    // ATen's mt19937 counts `left` down to a refill and reads words[next]; a fresh seed has next = 0.
    const fresh = index === N && words[0] === Number(this.initial & 0xffffffffn) && words[N - 1] === this.seededLastWord;
    v.setBigInt64(0, BigInt.asIntN(64, this.initial), true);
    v.setInt32(8, index === N ? 1 : N + 1 - index, true);
    v.setInt32(12, 1, true);
    v.setBigUint64(16, BigInt(fresh ? 0 : index), true);
    for (let j = 0; j < N; j++) v.setUint32(WORDS_AT + 8 * j, words[j], true);
    if (this.nextDoubleNormal !== null) {
      v.setFloat64(NORMAL_Y_AT, this.nextDoubleNormal, true);
      v.setInt32(NORMAL_VALID_AT, 1, true);
    }
    return Tensor.fromData(bytes, 'uint8', [STATE_BYTES]);
  }

  /** torch.Generator.set_state(newState): a uint8 tensor from getState (or PyTorch's get_state). Returns this generator. */
  setState(newState: Tensor): this {
    if (!(newState instanceof Tensor) || newState.dtype !== 'uint8') throw new TypeError('RNG state must be a torch.ByteTensor');
    const size = newState.numel();
    if (newState.dim() !== 1 || (size !== STATE_BYTES && size !== LEGACY_STATE_BYTES)) {
      throw new RangeError(
        `Expected either a CPUGeneratorImplStateLegacy of size ${LEGACY_STATE_BYTES} or a CPUGeneratorImplState of size ${STATE_BYTES} but found the input RNG state size to be ${size}` +
          (newState.dim() === 1 ? '' : ` (shape ${formatShape(newState.shape)})`),
      );
    }
    const bytes = Uint8Array.from(newState.contiguous().toTypedArray() as Uint8Array);
    const v = new DataView(bytes.buffer);
    const left = v.getInt32(8, true);
    const seeded = v.getInt32(12, true) !== 0;
    const next = Number(v.getBigUint64(16, true));
    if (!seeded || !(left > 0 && left <= N) || next > N) throw new RangeError('Invalid mt19937 state');
    // torchlette reads words[index] and refills at N, which is ATen's walk when left and next agree.
    if (left !== 1 && next + left !== N + 1) {
      throw new RangeError(`Invalid mt19937 state: left=${left} and next=${next} disagree (a state from get_state has left + next = ${N + 1})`);
    }
    for (let j = 0; j < N; j++) this.mt.words[j] = v.getUint32(WORDS_AT + 8 * j, true);
    this.mt.index = left === 1 ? N : next;
    this.initial = BigInt.asUintN(64, v.getBigInt64(0, true));
    this.seededLastWord = next === 0 ? this.mt.words[N - 1] : ~this.mt.words[N - 1];
    this.nextDoubleNormal = v.getInt32(NORMAL_VALID_AT, true) !== 0 ? v.getFloat64(NORMAL_Y_AT, true) : null;
    return this;
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

/** torch.get_rng_state(): the default generator's state as a uint8 tensor (see Generator.getState). */
export function getRngState(): Tensor {
  return defaultGenerator.getState();
}

/** torch.set_rng_state(newState): restores the default generator from getRngState's bytes (or PyTorch's). */
export function setRngState(newState: Tensor): void {
  defaultGenerator.setState(newState);
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

/** tensor.uniform_(from, to) over consecutive elements (the draws of uniformSample, in bulk). */
export function uniformFill(data: TypedArray, dtype: DType, from: number, to: number, gen: Generator): void {
  gen.fillWith('uniform', data, dtype, [from, to]);
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
  if (data.length >= 16) {
    gen.fillWith('normal', data, dtype, [mean, std]);
    return;
  }
  for (let i = 0; i < data.length; i++) data[i] = normalSampleDouble(gen, mean, std);
}

/**
 * random_(from, to): integers in [from, to) by modulo of one 32-bit draw, or of one 64-bit
 * draw when the range is 2^32 or more (ATen's random_from_to). int64 storages take the exact
 * BigInt path where a bound or the range is past what doubles hold.
 */
export function randintFill(data: TypedArray, low: number | bigint, high: number | bigint, gen: Generator): void {
  // Bounds are int64s (ATen's arguments): numbers are truncated as its argument parser does.
  const int = (v: number | bigint) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
  const range = int(high) - int(low);
  if (range <= 0n) throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  if (data instanceof BigInt64Array) {
    const safe = (v: number | bigint) => v >= -(2 ** 53) && v <= 2 ** 53;
    if (range < 2n ** 32n && safe(low) && safe(high)) return viaDoubles(data, (tmp) => randintFill(tmp, Number(low), Number(high), gen));
    const from = int(low);
    const r32 = Number(range);
    for (let i = 0; i < data.length; i++) data[i] = BigInt.asIntN(64, (range >= 2n ** 32n ? gen.random64() % range : BigInt(gen.random() % r32)) + from);
    return;
  }
  const lo = Number(int(low));
  const r = Number(range);
  if (range >= 2n ** 32n) {
    for (let i = 0; i < data.length; i++) data[i] = Number(gen.random64() % range) + lo;
  } else {
    for (let i = 0; i < data.length; i++) data[i] = (gen.random() % r) + lo;
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
export function bernoulliFill(data: TypedArray, dtype: DType, p: number, gen: Generator): void {
  // int64 storages are filled through doubles (0 and 1).
  if (data instanceof BigInt64Array) return viaDoubles(data, (tmp) => bernoulliFill(tmp, 'float64', p, gen));
  gen.fillWith('bernoulli', data, dtype, [p]);
}
