// Seeded mutation of file bytes for the readers' fuzz tests (serialization, images, IDX).
import assert from 'node:assert/strict';

/** mulberry32: a small seeded generator, so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `bytes` with 1-6 bytes changed: mostly random, sometimes the values that stress lengths and counts. */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = bytes.slice();
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    out[at] = kind < 0.6 ? Math.floor(random() * 256) : kind < 0.8 ? 0xff : kind < 0.9 ? 0 : out[at] ^ (1 << Math.floor(random() * 8));
  }
  return out;
}

/** The fuzz tests' memory cap, in MB: a reader that allocates or inflates what a mutated header claims fails it. */
export const FUZZ_MEMORY_CAP_MB = 256;

/**
 * Runs `fn` and fails when the process's peak resident memory grew by more than
 * FUZZ_MEMORY_CAP_MB meanwhile (inputs are a few KB: any large allocation is the reader
 * trusting a corrupted size).
 */
export function underMemoryCap<T>(fn: () => T): T {
  const before = process.resourceUsage().maxRSS;
  const result = fn();
  const grewMB = (process.resourceUsage().maxRSS - before) / 1024;
  assert.ok(grewMB <= FUZZ_MEMORY_CAP_MB, `peak memory grew by ${grewMB.toFixed(0)} MB while reading fuzzed files (cap ${FUZZ_MEMORY_CAP_MB} MB)`);
  return result;
}
