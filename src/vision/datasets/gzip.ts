// Files that may or may not be gzipped (MNIST's .gz IDX files, .tar.gz archives):
// recognised by gzip's magic bytes, not by their names.
import { gunzip, inflateAtMost } from '#platform/zlib';

/** Whether `bytes` start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes` gunzipped if they are gzipped, else unchanged; `name` appears in errors. */
export function gunzipIfGzipped(bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzip(bytes);
  } catch (e) {
    throw new Error(`${name}: cannot gunzip (${(e as Error).message}); the file is truncated or corrupt`);
  }
}

/**
 * The first `need` bytes of `bytes`, gunzipped if they are gzipped, inflating no further
 * than that. When the gzip trailer says the file holds about what is needed (an honest
 * file), the whole stream is inflated so that its CRC is checked: a corrupted file is
 * refused, not read. Only a file claiming much more than needed is read by its prefix.
 */
export function gunzipPrefix(bytes: Uint8Array, need: number, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes.subarray(0, need);
  const slack = 65536;
  const declared = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : Infinity;
  try {
    if (declared <= need + slack) return gunzip(bytes, need + slack).subarray(0, need);
    return inflateAtMost(bytes, need, 'gzip');
  } catch (e) {
    throw new Error(`${name}: cannot gunzip (${(e as Error).message}); the file is truncated or corrupt`);
  }
}
