// Hostile PNGs against PIL 9.4 (scripts/fixtures/image_limits.py): decompression bombs by
// header (MAX_IMAGE_PIXELS: a warning past it, DecompressionBombError past twice it) and by
// deflate stream (only what the image needs is inflated), zero-size and truncated images.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../../src/vision/datasets/idx.js';
import { readFileSync } from 'node:fs';
import { decodeJpeg } from '../../src/vision/io/jpeg.js';
import { decodePng } from '../../src/vision/io/png.js';
import { DecompressionBombError, getMaxImagePixels, setMaxImagePixels } from '../../src/vision/io/limits.js';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Case {
  png: string;
  ok?: [number, number];
  error?: string;
  message?: string;
  warnings: string[];
}
const fx = loadFixture<Record<string, Case>>('image_limits.json');
const bytes = (c: Case) => new Uint8Array(Buffer.from(c.png, 'base64'));

async function warningsOf(fn: () => void): Promise<string[]> {
  torch.setWarnAlways(true);
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', listener);
  try {
    fn();
  } catch {
    /* the outcome is checked separately */
  }
  await new Promise((r) => setImmediate(r));
  process.off('warning', listener);
  torch.setWarnAlways(false);
  return seen;
}

afterEach(() => setMaxImagePixels(89478485));

test('a header claiming more than twice MAX_IMAGE_PIXELS raises before allocating', () => {
  for (const name of ['bomb_header', 'bomb_20000']) {
    assert.throws(() => decodePng(bytes(fx[name])), (e: Error) => e instanceof DecompressionBombError && e.message === fx[name].message);
  }
});

test('past the limit it warns (then fails here as in PIL: the data is truncated)', async () => {
  const c = fx.over_limit_warns;
  assert.deepEqual(await warningsOf(() => decodePng(bytes(c))), c.warnings);
  assert.throws(() => decodePng(bytes(c)), /image file is truncated/);
});

test('the limit can be changed or lifted, as PIL.Image.MAX_IMAGE_PIXELS', () => {
  assert.equal(getMaxImagePixels(), 89478485);
  setMaxImagePixels(1);
  assert.throws(() => decodePng(bytes(fx.ok)), DecompressionBombError);
  setMaxImagePixels(null);
  // No bomb check: it goes on to allocate 3e10 bytes and fails there instead.
  assert.throws(() => decodePng(bytes(fx.bomb_header)), (e: Error) => !(e instanceof DecompressionBombError));
  assert.throws(() => setMaxImagePixels(-1), RangeError);
});

test('a deflate bomb: only the bytes the image needs are inflated (PIL decodes it too)', () => {
  const c = fx.deflate_bomb;
  const img = decodePng(bytes(c));
  assert.deepEqual([img.width, img.height], c.ok);
});

test('zero-size and truncated images raise, as PIL', () => {
  assert.throws(() => decodePng(bytes(fx.width_zero)), /cannot identify image file/);
  assert.throws(() => decodePng(bytes(fx.truncated_last_row)), /image file is truncated/);
  assert.deepEqual([decodePng(bytes(fx.ok)).width, decodePng(bytes(fx.ok)).height], fx.ok.ok);
});

test('a gzipped IDX file is inflated only as far as its header says', () => {
  const header = [0, 0, 0x08, 1, 0, 0, 0, 3]; // uint8, 1-d, 3 values
  const raw = new Uint8Array(8 + 3 + 64 * 1024 * 1024); // 64 MB of zeros after the values
  raw.set(header);
  raw.set([7, 8, 9], 8);
  const idx = parseIdx(gzipSync(raw), 'bomb.gz');
  assert.deepEqual([idx.shape, Array.from(idx.data)], [[3], [7, 8, 9]]);
  const truncated = gzipSync(new Uint8Array([...header, 7])); // the header claims 3 values, 1 is there
  assert.throws(() => parseIdx(truncated, 'short.gz'), /short\.gz: truncated IDX data/);
});

test('a JPEG whose frame header claims a bomb-sized image is refused before decoding', () => {
  const jpeg = new Uint8Array(readFileSync(new URL('../fixtures/jpeg/cjpeg_000.jpg', import.meta.url)));
  // Find the frame header (FFC0-FFC2: baseline, extended, progressive) and claim 30000 x 30000 pixels.
  let sof = -1;
  for (let i = 2; i + 1 < jpeg.length && sof < 0; i++) if (jpeg[i] === 0xff && jpeg[i + 1] >= 0xc0 && jpeg[i + 1] <= 0xc2) sof = i;
  assert.ok(sof > 0, 'the fixture has a frame header');
  const patched = jpeg.slice();
  patched.set([30000 >> 8, 30000 & 255, 30000 >> 8, 30000 & 255], sof + 5);
  assert.throws(() => decodeJpeg(patched, 'bomb.jpg'), (e: Error) => e instanceof DecompressionBombError && /900000000 pixels/.test(e.message));
});
