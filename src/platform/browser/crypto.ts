// Hashes and random bytes in a web page: random bytes from crypto.getRandomValues; hashes
// only verify downloaded files, which a page does not keep, so they are unavailable (Web
// Crypto's digest is async and has no MD5, which torchvision's checksums use).
import type * as Node from '../node/crypto.js';
import { unavailable } from '../unavailable.js';

export type Hash = Node.Hash;

export const createHash: typeof Node.createHash = unavailable(
  'createHash (checksums of downloaded files)',
  'a web page keeps no downloaded files to check; fetch the data yourself and pass the bytes',
);

export function randomHex(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
