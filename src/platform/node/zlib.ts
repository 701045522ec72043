// Deflate, inflate and CRC-32, in Node: node:zlib. Outputs are Uint8Arrays (Buffers, which
// callers must not rely on: the browser twin returns plain Uint8Arrays).
import * as zlib from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { crc32Js } from '../crc32.js';

/** The largest buffer this platform can allocate. */
export const MAX_BUFFER_LENGTH: number = bufferConstants.MAX_LENGTH;

/** Whether `e` is the error an inflate throws when its output would pass maxOutputLength. */
export function isOutputTooLarge(e: unknown): boolean {
  return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}

/** Raw deflate data (zip entries) inflated; throws (isOutputTooLarge) past maxOutputLength. */
export function inflateRaw(data: Uint8Array, maxOutputLength?: number): Uint8Array {
  return zlib.inflateRawSync(data, maxOutputLength === undefined ? {} : { maxOutputLength });
}

/** A zlib stream (RFC 1950) inflated. */
export function inflateZlib(data: Uint8Array, maxOutputLength?: number): Uint8Array {
  return zlib.inflateSync(data, maxOutputLength === undefined ? {} : { maxOutputLength });
}

/** A gzip stream inflated. */
export function gunzip(data: Uint8Array, maxOutputLength?: number): Uint8Array {
  return zlib.gunzipSync(data, maxOutputLength === undefined ? {} : { maxOutputLength });
}

/** `data` deflated into a zlib stream at `level` (0-9). */
export function deflateZlib(data: Uint8Array, level: number): Uint8Array {
  return zlib.deflateSync(data, { level });
}

// Deflate expands at most 1032:1: one more compressed byte adds at most 1032 output bytes.
const MAX_DEFLATE_RATIO = 1032;

/**
 * The first `need` bytes of a zlib or gzip stream (or all of it, if shorter), inflating no
 * further. Inflates prefixes of the input, each with its output capped near `need` (Node's
 * sync inflate either returns the whole output of a prefix or refuses past the cap): a prefix
 * that gives too little is doubled, one that overflows the cap is halved back toward the last
 * short one. Since a byte of input adds at most 1032 bytes of output, some prefix lands
 * between need and the cap.
 */
export function inflateAtMost(compressed: Uint8Array, need: number, format: 'zlib' | 'gzip'): Uint8Array {
  const inflate = format === 'gzip' ? zlib.gunzipSync : zlib.inflateSync;
  const cap = need + 64 * MAX_DEFLATE_RATIO;
  const n = compressed.length;
  let short = 0; // a prefix length known to give fewer than `need` bytes
  let over = Infinity; // a prefix length known to overflow the cap
  let k = Math.min(n, Math.ceil(need / MAX_DEFLATE_RATIO) + 65536);
  for (;;) {
    let out: Uint8Array;
    try {
      out = inflate(compressed.subarray(0, k), { finishFlush: k >= n ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH, maxOutputLength: cap });
    } catch (e) {
      if (!isOutputTooLarge(e)) throw e;
      over = k;
      k = Math.floor((short + over) / 2);
      if (k <= short) throw new Error(`cannot find a prefix that inflates to ${need} bytes`, { cause: e });
      continue;
    }
    if (out.length >= need || k >= n) return out.subarray(0, Math.min(out.length, need));
    short = k;
    k = over === Infinity ? Math.min(n, 2 * k) : Math.floor((short + over) / 2);
    if (k <= short) k = short + 1;
  }
}

// zlib.crc32 arrived in Node 20.15; the table version covers earlier 20.x. Looked up on call.
/** The zip CRC-32 of `data`, continuing from `value` (the CRC of the bytes before it). */
export function crc32(data: Uint8Array, value = 0): number {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  return native !== undefined ? native(data, value) >>> 0 : crc32Js(data, value);
}
