// Files that may or may not be gzipped (MNIST's .gz IDX files, .tar.gz archives):
// recognised by gzip's magic bytes, not by their names.
import { gunzipSync } from 'node:zlib';
import { inflateAtMost } from '../io/inflate.js';

/** Whether `bytes` start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes` gunzipped if they are gzipped, else unchanged; `name` appears in errors. */
export function gunzipIfGzipped(bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`${name}: cannot gunzip (${(e as Error).message}); the file is truncated or corrupt`);
  }
}

/** The first `need` bytes of `bytes`, gunzipped if they are gzipped, inflating no further. */
export function gunzipPrefix(bytes: Uint8Array, need: number, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes.subarray(0, need);
  try {
    return inflateAtMost(bytes, need, 'gzip');
  } catch (e) {
    throw new Error(`${name}: cannot gunzip (${(e as Error).message}); the file is truncated or corrupt`);
  }
}
