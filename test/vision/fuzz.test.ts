// Mutated and truncated image and IDX files (seeded): a decoder either decodes or throws an
// Error naming the file — never another exception, a hang, or a corrupted file accepted when
// its format has a checksum (PNG chunks carry CRCs, gzip a CRC of the data).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../../src/vision/datasets/idx.js';
import { Image } from '../../src/vision/image.js';
import { readFileSync } from 'node:fs';
import { decodeImageData } from '../../src/vision/io/index.js';
import { decodePng, encodePng } from '../../src/vision/io/png.js';
import { FUZZ_MEMORY_CAP_MB, mutate, rng, underMemoryCap } from '../helpers/fuzz.js';

/** Truncations and 1-6 byte edits, each different from the original. */
function variants(bytes: Uint8Array, seed: number, count: number): Uint8Array[] {
  const random = rng(seed);
  const out: Uint8Array[] = [];
  while (out.length < count) {
    if (random() < 0.3) {
      out.push(bytes.slice(0, Math.floor(random() * bytes.length)));
      continue;
    }
    const v = mutate(bytes, random);
    if (v.some((b, i) => b !== bytes[i])) out.push(v);
  }
  return out;
}

/** Runs decode on every variant; returns how many decoded. Each must decode or throw an Error naming the file, quickly. */
function survives(decode: (bytes: Uint8Array) => unknown, inputs: Uint8Array[]): number {
  // Under the memory cap: a corrupted size must never turn into a large allocation.
  return underMemoryCap(() => {
    let decoded = 0;
    for (const [i, input] of inputs.entries()) {
      const started = performance.now();
      try {
        decode(input);
        decoded++;
      } catch (e) {
        assert.ok(e instanceof Error && e.message.includes('fuzzed'), `variant ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
      assert.ok(performance.now() - started < 2000, `variant ${i} took too long`);
    }
    return decoded;
  });
}

test('PNG: every mutated or truncated file is refused (each chunk has a CRC)', () => {
  const random = rng(7);
  const img = new Image(13, 9, 3, Uint8Array.from({ length: 13 * 9 * 3 }, () => Math.floor(random() * 256)));
  const png = new Uint8Array(encodePng(img));
  assert.equal(survives((b) => decodePng(b, 'fuzzed.png'), variants(png, 1, 400)), 0);
});

test('gzipped IDX: every mutated or truncated file is refused (gzip has a CRC)', () => {
  const raw = new Uint8Array(8 + 600);
  raw.set([0, 0, 0x08, 1, 0, 0, 0x02, 0x58]); // uint8, 1-d, 600 values
  for (let i = 0; i < 600; i++) raw[8 + i] = (i * 37) & 255;
  const gz = new Uint8Array(gzipSync(raw));
  // Bytes 4-9 of a gzip header (mtime, flags, OS) are not covered by its CRC: edits there are harmless.
  const decoded = survives((b) => parseIdx(b, 'fuzzed.gz'), variants(gz, 2, 400));
  const harmless = variants(gz, 2, 400).filter((v) => v.length === gz.length && v.every((b, i) => b === gz[i] || (i >= 4 && i <= 9))).length;
  assert.equal(decoded, harmless);
});

test('plain IDX: mutations decode to something or are refused, never crash', () => {
  const raw = new Uint8Array(8 + 4 * 50);
  raw.set([0, 0, 0x0c, 1, 0, 0, 0, 50]); // int32, 1-d, 50 values
  survives((b) => parseIdx(b, 'fuzzed.idx'), variants(raw, 3, 400));
});

test('JPEG (no checksum): mutations decode to something or are refused, never crash or hang', () => {
  const jpeg = new Uint8Array(readFileSync(new URL('../fixtures/jpeg/cjpeg_000.jpg', import.meta.url)));
  survives((b) => decodeImageData(b, 'fuzzed.jpg'), variants(jpeg, 4, 300));
});

test('the memory cap trips when reading allocates more than it allows', () => {
  assert.throws(() => underMemoryCap(() => new Uint8Array((FUZZ_MEMORY_CAP_MB + 64) * 2 ** 20).fill(1)), /peak memory grew by \d+ MB/);
});
