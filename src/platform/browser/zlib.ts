// Deflate, inflate and CRC-32 in a web page: the pure-JS `fflate` (synchronous streaming
// classes, so that output can be capped and prefixes read) and a table CRC-32.
import { Gunzip, Inflate, Unzlib, zlibSync } from 'fflate';
import { crc32Js } from '../crc32.js';

/** The largest typed array this platform allocates (V8's limit for a Uint8Array). */
export const MAX_BUFFER_LENGTH = 2 ** 32;

class OutputTooLargeError extends RangeError {
  readonly code = 'ERR_BUFFER_TOO_LARGE';
}

export function isOutputTooLarge(e: unknown): boolean {
  return e instanceof OutputTooLargeError;
}

type Stream = { ondata: (chunk: Uint8Array, final: boolean) => void; push(chunk: Uint8Array, final?: boolean): void };

/** Inflates `data` through `stream`; stops once `stopAt` bytes came out; throws past `max`. */
function run(stream: Stream, data: Uint8Array, max: number, stopAt = Infinity): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  stream.ondata = (chunk) => {
    total += chunk.length;
    if (total > max) throw new OutputTooLargeError(`Cannot create a Buffer larger than ${max} bytes`);
    chunks.push(chunk);
  };
  const STEP = 65536;
  for (let at = 0; at < data.length || at === 0; at += STEP) {
    const end = Math.min(data.length, at + STEP);
    stream.push(data.subarray(at, end), end >= data.length);
    if (total >= stopAt || end >= data.length) break;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function inflateRaw(data: Uint8Array, maxOutputLength = Infinity): Uint8Array {
  return run(new Inflate() as unknown as Stream, data, maxOutputLength);
}

export function inflateZlib(data: Uint8Array, maxOutputLength = Infinity): Uint8Array {
  return run(new Unzlib() as unknown as Stream, data, maxOutputLength);
}

export function gunzip(data: Uint8Array, maxOutputLength = Infinity): Uint8Array {
  return run(new Gunzip() as unknown as Stream, data, maxOutputLength);
}

export function deflateZlib(data: Uint8Array, level: number): Uint8Array {
  return zlibSync(data, { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
}

/** The first `need` bytes of a zlib or gzip stream (or all of it), inflating no further. */
export function inflateAtMost(compressed: Uint8Array, need: number, format: 'zlib' | 'gzip'): Uint8Array {
  const stream = (format === 'gzip' ? new Gunzip() : new Unzlib()) as unknown as Stream;
  const out = run(stream, compressed, Infinity, need);
  return out.subarray(0, Math.min(out.length, need));
}

export function crc32(data: Uint8Array, value = 0): number {
  return crc32Js(data, value);
}
