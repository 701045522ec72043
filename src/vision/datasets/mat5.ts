// MATLAB 5 .mat files (what scipy.io.loadmat reads): the variables of the file as numeric
// arrays, char arrays, cell arrays and struct arrays, in MATLAB's column-major order.
// Enough for the datasets that ship .mat files (SVHN's images and labels, ImageNet's devkit
// meta.mat); sparse, object and function classes are refused with a message.
import { inflateZlib } from '#platform/zlib';

export interface MatNumeric {
  kind: 'numeric';
  /** MATLAB's class: 'double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64' */
  class: string;
  dims: number[];
  /** Column-major values (int64/uint64 as float64). */
  data: Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
  logical: boolean;
}
export interface MatChar {
  kind: 'char';
  dims: number[];
  /** The characters in column-major order (a 1xN char array is its string). */
  text: string;
}
export interface MatCell {
  kind: 'cell';
  dims: number[];
  items: MatValue[];
}
export interface MatStruct {
  kind: 'struct';
  dims: number[];
  fields: string[];
  /** One record per element, column-major. */
  items: Record<string, MatValue>[];
}
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct;

// data types of elements (mi*) and array classes (mx*)
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 } as const;
const MI_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 };
const CLASSES: Record<number, string> = { 1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64', 16: 'function', 17: 'opaque' };
const STORAGE: Record<string, new (n: number) => MatNumeric['data']> = {
  double: Float64Array, single: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: Float64Array, uint64: Float64Array,
};

class MatError extends Error {
  override name = 'MatError';
}

interface Element {
  type: number;
  data: Uint8Array;
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  private u32(at: number): number {
    if (at + 4 > this.bytes.length) throw new MatError(`${this.file}: truncated .mat file (a data element's tag runs past the end)`);
    return this.view.getUint32(at, this.little);
  }

  /** The next data element (tag and payload), padded to 8 bytes as the format requires. */
  element(): Element {
    const first = this.u32(this.pos);
    // small data element: size in the upper 16 bits, type in the lower, data in the tag's second word
    if (first >>> 16 !== 0) {
      const n = first >>> 16;
      const type = first & 0xffff;
      if (n > 4) throw new MatError(`${this.file}: malformed small data element at byte ${this.pos}`);
      const data = this.bytes.subarray(this.pos + 4, this.pos + 4 + n);
      this.pos += 8;
      return { type, data };
    }
    const n = this.u32(this.pos + 4);
    const start = this.pos + 8;
    if (start + n > this.bytes.length) throw new MatError(`${this.file}: truncated .mat file (an element of ${n} bytes at byte ${this.pos} runs past the end)`);
    this.pos = start + (first === MI.COMPRESSED ? n : Math.ceil(n / 8) * 8);
    return { type: first, data: this.bytes.subarray(start, start + n) };
  }
}

/**
 * The numbers of a numeric element, whatever type they were stored in (MATLAB stores a
 * class's values in a smaller type when they fit), written into `into` when given.
 */
function numbers(e: Element, little: boolean, file: string, into?: MatNumeric['data'], what = 'numeric data'): MatNumeric['data'] {
  const size = MI_SIZES[e.type];
  if (size === undefined || e.type >= MI.UTF8) throw new MatError(`${file}: unexpected data type ${e.type} for numeric data`);
  const count = Math.floor(e.data.length / size);
  if (into !== undefined && into.length !== count) throw new MatError(`${file}: ${what} holds ${count} values, its dimensions need ${into.length}`);
  const out = into ?? new Float64Array(count);
  // the common case, uint8 images stored as bytes: no conversion
  if (e.type === MI.UINT8 && out instanceof Uint8Array) {
    out.set(e.data.subarray(0, count));
    return out;
  }
  const v = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    switch (e.type) {
      case MI.INT8: out[i] = v.getInt8(at); break;
      case MI.UINT8: out[i] = v.getUint8(at); break;
      case MI.INT16: out[i] = v.getInt16(at, little); break;
      case MI.UINT16: out[i] = v.getUint16(at, little); break;
      case MI.INT32: out[i] = v.getInt32(at, little); break;
      case MI.UINT32: out[i] = v.getUint32(at, little); break;
      case MI.SINGLE: out[i] = v.getFloat32(at, little); break;
      case MI.DOUBLE: out[i] = v.getFloat64(at, little); break;
      case MI.INT64: out[i] = Number(v.getBigInt64(at, little)); break;
      default: out[i] = Number(v.getBigUint64(at, little));
    }
  }
  return out;
}

/** The characters of `codes` (UTF-16 units or code points), a chunk at a time to keep argument lists short. */
function fromCodes(codes: ArrayLike<number>, points: boolean): string {
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) {
    const chunk = Array.from({ length: Math.min(8192, codes.length - i) }, (_, k) => codes[i + k]);
    out += points ? String.fromCodePoint(...chunk) : String.fromCharCode(...chunk);
  }
  return out;
}

function text(e: Element, little: boolean, file: string): string {
  if (e.type === MI.UTF8 || e.type === MI.INT8 || e.type === MI.UINT8) return new TextDecoder().decode(e.data);
  if (e.type === MI.UTF16 || e.type === MI.UINT16) return fromCodes(numbers({ type: MI.UINT16, data: e.data }, little, file), false);
  if (e.type === MI.UTF32 || e.type === MI.INT32 || e.type === MI.UINT32) return fromCodes(numbers({ type: MI.UINT32, data: e.data }, little, file), true);
  throw new MatError(`${file}: unexpected data type ${e.type} for characters`);
}

function matrix(payload: Uint8Array, little: boolean, file: string, depth: number): { name: string; value: MatValue } {
  if (depth > 50) throw new MatError(`${file}: arrays nest too deeply`);
  const r = new Reader(payload, little, file);
  if (payload.length === 0) return { name: '', value: { kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0), logical: false } };
  const flags = numbers(r.element(), little, file);
  const classId = flags[0] & 0xff;
  const cls = CLASSES[classId] ?? `class ${classId}`;
  const complex = (flags[0] & 0x800) !== 0;
  const logical = (flags[0] & 0x200) !== 0;
  if (cls === 'sparse' || cls === 'object' || cls === 'function' || cls === 'opaque' || CLASSES[classId] === undefined) throw new MatError(`${file}: MATLAB ${cls} arrays are not supported`);
  const dims = Array.from(numbers(r.element(), little, file));
  const name = text(r.element(), little, file);
  const count = dims.reduce((a, b) => a * b, 1);
  if (cls === 'cell') {
    const items: MatValue[] = [];
    for (let i = 0; i < count; i++) items.push(child(r, little, file, depth));
    return { name, value: { kind: 'cell', dims, items } };
  }
  if (cls === 'struct') {
    const width = numbers(r.element(), little, file)[0];
    const raw = r.element().data;
    const fields: string[] = [];
    for (let at = 0; at + width <= raw.length; at += width) fields.push(new TextDecoder().decode(raw.subarray(at, at + width)).replace(/\0.*$/s, ''));
    const items: Record<string, MatValue>[] = [];
    for (let i = 0; i < count; i++) {
      const record: Record<string, MatValue> = {};
      for (const f of fields) Object.defineProperty(record, f, { value: child(r, little, file, depth), enumerable: true, writable: true, configurable: true });
      items.push(record);
    }
    return { name, value: { kind: 'struct', dims, fields, items } };
  }
  if (complex) throw new MatError(`${file}: complex arrays (${name}) are not supported`);
  if (cls === 'char') return { name, value: { kind: 'char', dims, text: r.done ? '' : text(r.element(), little, file) } };
  const data = new STORAGE[cls](count);
  if (r.done) {
    if (count !== 0) throw new MatError(`${file}: ${name} has no data for its dimensions [${dims.join(', ')}]`);
  } else numbers(r.element(), little, file, data, `${name} [${dims.join(', ')}]`);
  return { name, value: { kind: 'numeric', class: cls, dims, data, logical } };
}

/** A cell's or a struct field's array: a miMATRIX element. */
function child(r: Reader, little: boolean, file: string, depth: number): MatValue {
  const e = r.element();
  if (e.type !== MI.MATRIX) throw new MatError(`${file}: expected an array inside a cell or struct, found data type ${e.type}`);
  return matrix(e.data, little, file, depth + 1).value;
}

/** scipy.io.loadmat's variables (without its squeezing): name → value. */
export function parseMat(bytes: Uint8Array, file: string): Map<string, MatValue> {
  if (bytes.length < 128) throw new MatError(`${file}: too short for a MATLAB 5 .mat file (${bytes.length} bytes)`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (header.startsWith('MATLAB 7.3')) throw new MatError(`${file}: MATLAB 7.3 files are HDF5, which this reader does not read; save it with -v7 (or scipy.io.savemat)`);
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') throw new MatError(`${file}: not a MATLAB 5 .mat file (no endian indicator at byte 126)`);
  const little = endian === 'IM';
  const r = new Reader(bytes.subarray(128), little, file);
  const out = new Map<string, MatValue>();
  while (!r.done) {
    let e = r.element();
    if (e.type === MI.COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = inflateZlib(e.data);
      } catch (err) {
        throw new MatError(`${file}: cannot inflate a compressed variable (${(err as Error).message}); the file is truncated or corrupt`);
      }
      e = new Reader(inflated, little, file).element();
    }
    if (e.type !== MI.MATRIX) continue;
    const { name, value } = matrix(e.data, little, file, 0);
    out.set(name, value);
  }
  return out;
}
