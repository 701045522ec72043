// Element types as they lie on disk, and their conversion to and from torchlette's
// storages: int64 is a BigInt64Array, the same 8-byte two's complement as on disk
// (exact for every value); float16, bfloat16, int8 and int16 (no torchlette dtype) widen on load to
// float32, float32, int32 and int32.
import { allocate, numeric, type DType, type TypedArray } from '../tensor/dtype.js';
import { SerializationError } from './errors.js';

export type WireDtype = DType | 'float16' | 'bfloat16' | 'int8' | 'int16';

export const WIRE_SIZE: Record<WireDtype, number> = {
  float32: 4,
  float64: 8,
  int64: 8,
  int32: 4,
  uint8: 1,
  bool: 1,
  float16: 2,
  bfloat16: 2,
  int8: 1,
  int16: 2,
};

/** The torchlette dtype a wire dtype loads as. */
export const LOADS_AS: Record<WireDtype, DType> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  uint8: 'uint8',
  bool: 'bool',
  float16: 'float32',
  bfloat16: 'float32',
  int8: 'int32',
  int16: 'int32',
};

// The host's byte order, from a typed array's view of a known value (no platform API).
const HOST_BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** Where bytes can be read straight into the storage: same layout on disk and in memory. */
function directBytes(wire: WireDtype, target: TypedArray, fileBigEndian: boolean): Uint8Array | null {
  if (LOADS_AS[wire] !== wire) return null;
  if (WIRE_SIZE[wire] > 1 && fileBigEndian !== HOST_BIG_ENDIAN) return null;
  return new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
}

function swapInPlace(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Decodes `raw` (count elements of `wire`, in the file's byte order; may be modified) into `target`. */
export function decodeInto(wire: WireDtype, raw: Uint8Array, target: TypedArray, fileBigEndian: boolean): void {
  const size = WIRE_SIZE[wire];
  const count = target.length;
  if (raw.length < count * size) throw new SerializationError(`storage holds ${raw.length} bytes, fewer than ${count} ${wire} elements need`);
  let bytes = raw.byteOffset % 8 === 0 ? raw : raw.slice();
  if (size > 1 && fileBigEndian !== HOST_BIG_ENDIAN) {
    if (bytes === raw) bytes = raw.slice();
    swapInPlace(bytes, size);
  }
  const buffer = bytes.buffer;
  const at = bytes.byteOffset;
  switch (wire) {
    case 'int64':
      (target as BigInt64Array).set(new BigInt64Array(buffer, at, count));
      return;
    case 'float16': {
      const halves = new Uint16Array(buffer, at, count);
      for (let i = 0; i < count; i++) target[i] = halfToFloat(halves[i]);
      return;
    }
    case 'bfloat16': {
      const halves = new Uint16Array(buffer, at, count);
      const widened = new Uint32Array(target.buffer, target.byteOffset, count);
      for (let i = 0; i < count; i++) widened[i] = halves[i] << 16;
      return;
    }
    case 'int8':
      numeric(target).set(new Int8Array(buffer, at, count));
      return;
    case 'int16':
      numeric(target).set(new Int16Array(buffer, at, count));
      return;
    case 'float32':
      numeric(target).set(new Float32Array(buffer, at, count));
      return;
    case 'float64':
      numeric(target).set(new Float64Array(buffer, at, count));
      return;
    case 'int32':
      numeric(target).set(new Int32Array(buffer, at, count));
      return;
    case 'uint8':
      numeric(target).set(bytes.subarray(0, count));
      return;
    case 'bool':
      for (let i = 0; i < count; i++) target[i] = bytes[i] !== 0 ? 1 : 0;
      return;
  }
}

/** Fills `target` with its elements of `wire`, taking the bytes from `read` (straight into `target` where layouts match). */
export function fillStorage(wire: WireDtype, target: TypedArray, fileBigEndian: boolean, read: (bytes: Uint8Array) => void): void {
  // bool goes through decodeInto, which turns any nonzero byte into 1.
  const direct = wire === 'bool' ? null : directBytes(wire, target, fileBigEndian);
  if (direct !== null) {
    read(direct);
    return;
  }
  const raw = new Uint8Array(target.length * WIRE_SIZE[wire]);
  read(raw);
  decodeInto(wire, raw, target, fileBigEndian);
}

export function readStorage(wire: WireDtype, count: number, fileBigEndian: boolean, read: (bytes: Uint8Array) => void): TypedArray {
  const array = allocate(LOADS_AS[wire], count);
  fillStorage(wire, array, fileBigEndian, read);
  return array;
}

/** A storage's elements as little-endian bytes on disk (a view where no conversion is needed). */
export function encodeStorage(dtype: DType, data: TypedArray): Uint8Array {
  void dtype; // every storage (int64's BigInt64Array included) has its dtype's byte layout
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!HOST_BIG_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = bytes.slice();
  swapInPlace(swapped, data.BYTES_PER_ELEMENT);
  return swapped;
}
