// Bounded decompression: the first `need` bytes of a zlib or gzip stream, without inflating
// what follows. Readers know from a header how much they need (PNG rows, IDX arrays), and a
// small stream of zeros can inflate to gigabytes: PIL and torchvision read what they need.
import { constants, gunzipSync, inflateSync } from 'node:zlib';

// Deflate expands at most 1032:1: one more compressed byte adds at most 1032 output bytes.
const MAX_DEFLATE_RATIO = 1032;

/**
 * The first `need` bytes of the stream (or all of it, if shorter). Inflates prefixes of the
 * input, each with its output capped near `need` (Node's sync inflate either returns the
 * whole output of a prefix or refuses past the cap): a prefix that gives too little is
 * doubled, one that overflows the cap is halved back toward the last short one. Since a byte
 * of input adds at most 1032 bytes of output, some prefix lands between need and the cap.
 */
export function inflateAtMost(compressed: Uint8Array, need: number, format: 'zlib' | 'gzip'): Uint8Array {
  const inflate = format === 'gzip' ? gunzipSync : inflateSync;
  const cap = need + 64 * MAX_DEFLATE_RATIO;
  const n = compressed.length;
  let short = 0; // a prefix length known to give fewer than `need` bytes
  let over = Infinity; // a prefix length known to overflow the cap
  let k = Math.min(n, Math.ceil(need / MAX_DEFLATE_RATIO) + 65536);
  for (;;) {
    let out: Buffer;
    try {
      out = inflate(compressed.subarray(0, k), { finishFlush: k >= n ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, maxOutputLength: cap });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw e;
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
