// The IDX format of MNIST-style files ("SN3 Pascal Vincent"): big-endian magic
// (0, 0, type, ndim), ndim big-endian uint32 sizes, then the values; gzipped or not.
import { readFileSync } from '#platform/fs';
import { gunzipPrefix } from './gzip.js';

export interface IdxArray {
  /** 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64' */
  type: string;
  shape: number[];
  /** Values in row-major order (big-endian decoded). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

/** How many bytes the IDX header in `head` says the file has (header + values); 0 if it is no IDX header. */
function declaredLength(head: Uint8Array): number {
  if (head.length < 4) return 0;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0);
  const ndim = magic & 0xff;
  const type = TYPES[(magic >> 8) & 0xff];
  if (!type || ndim > 4 || head.length < 4 * (ndim + 1)) return 0;
  let count = 1;
  for (let i = 1; i <= ndim; i++) count *= view.getUint32(4 * i);
  return 4 * (ndim + 1) + count * type.bytes;
}

/** Parses IDX bytes (gunzipping them first if they are gzipped); `name` appears in errors. */
export function parseIdx(raw: Uint8Array, name = 'IDX data'): IdxArray {
  // The header says how many bytes the values take: a gzipped file is inflated that far and no further.
  const head = gunzipPrefix(raw, 4 * 5, name);
  const bytes = gunzipPrefix(raw, Math.max(head.length, declaredLength(head)), name);
  if (bytes.length < 4) throw new Error(`${name}: too short for an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = TYPES[(magic >> 8) & 0xff];
  const ndim = magic & 0xff;
  if (magic >>> 16 !== 0 || !type || ndim < 1 || ndim > 4) {
    throw new Error(`${name}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} (not an IDX file; expected e.g. 0x00000803 for images, 0x00000801 for labels)`);
  }
  const headerBytes = 4 * (ndim + 1);
  if (bytes.length < headerBytes) throw new Error(`${name}: truncated IDX header`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 * (i + 1)));
  const count = shape.reduce((a, b) => a * b, 1);
  const need = headerBytes + count * type.bytes;
  if (bytes.length < need) throw new Error(`${name}: truncated IDX data: shape [${shape.join(', ')}] needs ${need} bytes, the file has ${bytes.length}`);
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8':
      data = bytes.slice(headerBytes, need);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(headerBytes, need).buffer);
      break;
    default: {
      const ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.name as 'int16'] as
        | Int16ArrayConstructor
        | Int32ArrayConstructor
        | Float32ArrayConstructor
        | Float64ArrayConstructor;
      const out = new ctor(count);
      for (let i = 0; i < count; i++) {
        const at = headerBytes + i * type.bytes;
        out[i] = type.name === 'int16' ? view.getInt16(at) : type.name === 'int32' ? view.getInt32(at) : type.name === 'float32' ? view.getFloat32(at) : view.getFloat64(at);
      }
      data = out;
    }
  }
  return { type: type.name, shape, data };
}

/** Reads an IDX file (gzipped or not). */
export function readIdx(path: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseIdx(raw, path);
}
