// Exact ordering keys for the ops that order or compare values in JS (sorting, cummax/cummin,
// median, mode, unique, searchsorted, isin). Their loops compare numbers; an int64 past 2^53
// has no exact double, so such values are replaced by their rank among the distinct values:
// ranks order and compare exactly as the int64s do, and the values themselves come back
// from the tensor through the indices (or from `distinct`, rank r being distinct[r]).
import { asNumbers, type NumberArray, type TypedArray } from '../tensor/dtype.js';

export interface OrderKeys {
  /** One key array per input buffer, in the same order. */
  keys: NumberArray[];
  /** The sorted distinct int64 values when keys are ranks into it, else null (keys are the values). */
  distinct: BigInt64Array | null;
}

/** Whether every element of an int64 storage is exact as a double (|v| <= 2^53, read from its high word). */
function allSafe(buf: BigInt64Array): boolean {
  const w = new Int32Array(buf.buffer, buf.byteOffset, buf.length * 2);
  for (let i = 1; i < w.length; i += 2) if (w[i] < -0x200000 || w[i] > 0x1fffff) return false;
  return true;
}

/**
 * Keys of several buffers that are compared with one another: the values as numbers where
 * that is exact (the fast path: no BigInt made), ranks among all buffers' distinct values
 * where they are int64 storages holding a value past 2^53.
 */
export function orderKeys(bufs: TypedArray[]): OrderKeys {
  const ints = bufs.every((b) => b instanceof BigInt64Array);
  if (!ints || bufs.every((b) => allSafe(b as BigInt64Array))) return { keys: bufs.map(asNumbers), distinct: null };
  const all = new BigInt64Array(bufs.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of bufs) {
    all.set(b as BigInt64Array, at);
    at += b.length;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) if (m === 0 || all[i] !== all[m - 1]) all[m++] = all[i];
  const distinct = all.slice(0, m);
  const rank = (v: bigint): number => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const keys = bufs.map((b) => Float64Array.from(b as BigInt64Array, rank));
  return { keys, distinct };
}

/** Keys of one buffer (see orderKeys). */
export function orderKeysOf(buf: TypedArray): NumberArray {
  return orderKeys([buf]).keys[0];
}
