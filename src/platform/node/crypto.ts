// Hashes and random bytes, in Node: node:crypto.
import { createHash as nodeCreateHash, randomBytes } from 'node:crypto';

/** An incremental hash (md5, sha256, …) with a hex digest. */
export interface Hash {
  update(data: Uint8Array | string): Hash;
  digest(encoding: 'hex'): string;
}

export function createHash(algorithm: string): Hash {
  return nodeCreateHash(algorithm);
}

/** `n` random bytes as lowercase hex (temporary file names). */
export function randomHex(n: number): string {
  return randomBytes(n).toString('hex');
}
