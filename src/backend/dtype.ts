// The storage types behind each dtype. int64 lives in a BigInt64Array so that every
// value PyTorch can hold round-trips exactly and arithmetic wraps as two's complement
// (a Float64Array rounded past 2^53). Kernels read its elements as numbers where the
// values are indices (exact below 2^53: see int64Words) and compute with BigInt where the
// values are data.
import { uninitializedBuffer } from '#platform/os';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

/** The storages whose elements are JS numbers (every dtype but int64). */
export type NumberArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64'];

// Small buffers are cut from shared 16 KB slabs, as Node's Buffer pool does: a typed
// array with its own ArrayBuffer past V8's 64-byte on-heap limit costs a calloc, external
// memory accounting and the scavenges that accounting triggers (~1-2 us per tensor, 10-20%
// of a loop of tiny ops, B6 regression); a view on a slab is a plain heap object. Slabs
// are zero-filled when created and never handed out twice, so every buffer still starts
// at zero, and a slab is freed by the GC once no view of it is left (a long-lived small
// tensor keeps at most 16 KB alive). Code that hands a buffer's whole ArrayBuffer to
// someone else (postMessage transfers) must use allocateExclusive.
const SLAB_BYTES = 16384;
const SLAB_MAX_BYTES = 2048;
let slab = new ArrayBuffer(0);
let slabUsed = SLAB_BYTES; // full: the first small buffer starts a slab

function fromSlab(dtype: DType, n: number, bytes: number): TypedArray {
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += (bytes + 15) & ~15; // 16-byte aligned starts (8 is what float64/int64 need)
  switch (dtype) {
    case 'float32':
      return new Float32Array(slab, at, n);
    case 'float64':
      return new Float64Array(slab, at, n);
    case 'int64':
      return new BigInt64Array(slab, at, n);
    case 'int32':
      return new Int32Array(slab, at, n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(slab, at, n);
  }
}

/** A zero-filled buffer of n elements; small ones may share their ArrayBuffer with others (see fromSlab). */
export function allocate(dtype: DType, n: number): TypedArray {
  const bytes = n * elementSize(dtype);
  if (bytes > 64 && bytes <= SLAB_MAX_BYTES && (n | 0) === n) return fromSlab(dtype, n, bytes);
  return allocateExclusive(dtype, n);
}

// Past this size an output that a kernel overwrites entirely is not zeroed first.
const UNINITIALIZED_MIN_BYTES = 32768;

/**
 * A buffer of n elements for a kernel that writes every one of them: large ones are not
 * zeroed (their contents are whatever the allocator had), small ones are allocate()'s.
 */
export function allocateForOverwrite(dtype: DType, n: number): TypedArray {
  const bytes = n * elementSize(dtype);
  if (bytes < UNINITIALIZED_MIN_BYTES || (n | 0) !== n) return allocate(dtype, n);
  const buf = uninitializedBuffer(bytes);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf, 0, n);
    case 'float64':
      return new Float64Array(buf, 0, n);
    case 'int64':
      return new BigInt64Array(buf, 0, n);
    case 'int32':
      return new Int32Array(buf, 0, n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buf, 0, n);
  }
}

/** A zero-filled buffer with an ArrayBuffer of its own (safe to transfer or expose). */
export function allocateExclusive(dtype: DType, n: number): TypedArray {
  try {
    return allocateArray(dtype, n);
  } catch (e) {
    // V8 refuses lengths past its typed-array limit or memory: say how much was asked, as PyTorch does.
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`DefaultCPUAllocator: can't allocate memory: you tried to allocate ${n * elementSize(dtype)} bytes.`);
  }
}

function allocateArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
  }
}

export function isFloatingDtype(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isIntegralDtype(dtype: DType, includeBool: boolean): boolean {
  return dtype === 'int64' || dtype === 'int32' || dtype === 'uint8' || (includeBool && dtype === 'bool');
}

/** Bytes per element as PyTorch stores the dtype (int64 is 8 bytes on disk). */
export function elementSize(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'uint8':
    case 'bool':
      return 1;
  }
}

/**
 * Converts a JS number to the value `dtype` holds (C++ cast semantics), as a number: int64
 * values past 2^53 come back rounded (use int64Of for the exact value).
 */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'int64':
      return Number(floatToInt64(value));
    case 'int32':
      return value | 0;
    case 'uint8':
      return value & 255;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}

const INT64_MIN = -(2n ** 63n);

/**
 * A float converted to int64 as PyTorch's CPU cast does on x86 (cvttsd2si): in range it
 * truncates; NaN, infinities and out-of-range values give the minimum ("integer indefinite").
 */
export function floatToInt64(v: number): bigint {
  return v >= -9223372036854775808 && v < 9223372036854775808 ? BigInt(Math.trunc(v)) : INT64_MIN;
}

/** A number or bigint as the int64 value a store keeps (numbers cast as floatToInt64, bigints wrapped). */
export function int64Of(value: number | bigint): bigint {
  return typeof value === 'bigint' ? BigInt.asIntN(64, value) : floatToInt64(value);
}

/**
 * An int64 converted to float32 with one rounding, as C++'s (float)int64_t: Number() alone
 * would round to 53 bits first and could round the result a second time. Rounding to 53
 * bits "to odd" (keeping a sticky bit) makes the second rounding exact.
 */
export function int64ToFloat32(v: bigint): number {
  const n = Number(v);
  if (n >= -9007199254740992 && n <= 9007199254740992) return Math.fround(n);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const shift = BigInt(a.toString(2).length - 53);
  let hi = a >> shift;
  if (hi << shift !== a) hi |= 1n;
  const r = Math.fround(Number(hi) * 2 ** Number(shift));
  return neg ? -r : r;
}

/**
 * The int64 element i of `buf` as a number, read from its two 32-bit words: exact where
 * |value| <= 2^53, rounded beyond (where it can only be an out-of-range index). Reading a
 * BigInt64Array element makes a BigInt; this does not.
 */
export function int64Words(buf: BigInt64Array): Int32Array {
  // Cached per storage: making a typed-array view costs more than a small index kernel's work.
  let w = WORDS.get(buf);
  if (w === undefined) {
    w = new Int32Array(buf.buffer, buf.byteOffset, buf.length * 2);
    WORDS.set(buf, w);
  }
  return w;
}
const WORDS = new WeakMap<BigInt64Array, Int32Array>();

/** Element i of any storage as a number (int64 exact up to 2^53, rounded beyond). */
export function numberAt(buf: TypedArray, i: number): number {
  const v = buf[i];
  return typeof v === 'bigint' ? Number(v) : v;
}

/** A storage's elements as numbers: the array itself, or an int64 storage converted (rounded past 2^53). */
export function asNumbers(buf: TypedArray): NumberArray {
  if (!(buf instanceof BigInt64Array)) return buf;
  const out = new Float64Array(buf.length);
  const w = int64Words(buf);
  for (let i = 0; i < out.length; i++) out[i] = w[2 * i + 1] * 4294967296 + (w[2 * i] >>> 0);
  return out;
}

/** Reads element i of an index buffer (any integer storage) as a number. */
export type IndexReader = (i: number) => number;

/**
 * An index storage read as numbers: int64 through its 32-bit words (no BigInt made per
 * element; exact up to 2^53, and anything larger is out of range for any dimension).
 */
export function indexReader(buf: TypedArray): IndexReader {
  if (buf instanceof BigInt64Array) {
    const w = int64Words(buf);
    return (i) => w[2 * i + 1] * 4294967296 + (w[2 * i] >>> 0);
  }
  return (i) => buf[i];
}

/**
 * Element slots of a storage whose values are only moved, never computed on (gathers,
 * copies between equal dtypes): reads give and writes take what the storage holds.
 */
export interface Slots {
  [i: number]: number | bigint;
  readonly length: number;
}

/** A storage seen as Slots, for kernels that move elements between buffers of one dtype. */
export function slots(buf: TypedArray): Slots {
  return buf as unknown as Slots;
}

/**
 * A storage a kernel computes on as numbers (float kernels: the ops cast integer inputs
 * first). An int64 storage here is a bug in the op, not a user error.
 */
export function numeric(buf: TypedArray): NumberArray {
  if (buf instanceof BigInt64Array) throw new TypeError('internal error: an int64 storage reached a kernel that computes on numbers');
  return buf;
}

/**
 * An int64 storage of integer-valued numbers (indices computed in JS), written through the
 * 32-bit words so no BigInt is made per element. Numbers are exact up to 2^53; a
 * fractional one is truncated and NaN gives 0 (callers pass integers).
 */
export function int64ArrayFrom(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const w = int64Words(out);
  for (let i = 0; i < values.length; i++) {
    const v = Math.trunc(values[i]) || 0;
    if (v >= -2147483648 && v <= 2147483647) {
      w[2 * i] = v;
      w[2 * i + 1] = v < 0 ? -1 : 0;
    } else {
      const hi = Math.floor(v / 4294967296);
      w[2 * i] = v - hi * 4294967296;
      w[2 * i + 1] = hi;
    }
  }
  return out;
}
