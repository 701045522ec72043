// Arithmetic-coded JPEGs (SOF9, SOF10) against PIL 9.4 / libjpeg-turbo 2.1: every file in
// test/fixtures/jpeg-arith/ (scripts/fixtures/vision_jpeg_arith.py) decodes to PIL's mode, size and
// bytes, DAC conditioning included. Two differences from PIL are deliberate: past its 64 KiB read
// block PIL 9 fails with "broken data stream" (its libjpeg source suspends, which libjpeg's
// arithmetic decoder cannot do), where this decoder gives libjpeg's pixels for the whole file; and
// for the files PIL refuses the error says what is wrong rather than "broken data stream".
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { io } from '../../../src/vision/index.js';
import { loadFixture } from '../../helpers/fixtures.js';

interface ArithCase {
  file: string;
  how: string;
  mode?: 'L' | 'RGB';
  size?: [number, number];
  sha256?: string;
  error?: string;
  libjpeg_rgb_sha256?: string;
}

const { files } = loadFixture<{ files: ArithCase[] }>('vision_jpeg_arith.json');
const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'jpeg-arith');
const bytesOf = (c: ArithCase): Uint8Array => readFileSync(join(dir, c.file));
const sha256 = (data: ArrayBufferView): string => createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');

test('the fixtures cover sequential, progressive, restarts, grayscale, sampling factors and DAC conditioning', () => {
  const hows = files.map((c) => c.how).join('\n');
  for (const needle of ['-progressive', '-restart 1B', '-restart 1 ', 'gray', '-sample 4x1', '-sample 2x2,1x1,2x1', '-scans', 'DAC patched: DC L=2', ' 1x1']) {
    assert.ok(hows.includes(needle), `no fixture with ${needle}`);
  }
});

test("PIL's mode, size and pixels for every file PIL opens", () => {
  const failures: string[] = [];
  const decoded = files.filter((c) => c.sha256 !== undefined);
  assert.ok(decoded.length >= 35);
  for (const c of decoded) {
    const img = io.decodeImageData(bytesOf(c), c.file);
    const got = `${img.mode} ${img.width}x${img.height} ${sha256(img.data)}`;
    const want = `${c.mode} ${c.size![0]}x${c.size![1]} ${c.sha256}`;
    if (got !== want) failures.push(`${c.file} (${c.how}): got ${got}, PIL ${want}`);
  }
  assert.deepEqual(failures, []);
});

test("a file past PIL's 64 KiB read block decodes to libjpeg's pixels", () => {
  const c = files.find((f) => f.libjpeg_rgb_sha256 !== undefined)!;
  assert.match(c.error!, /broken data stream/);
  assert.equal(sha256(io.decodeImageData(bytesOf(c), c.file).data), c.libjpeg_rgb_sha256);
});

test('bad DAC conditioning and a truncated file are refused, naming the problem', () => {
  const refused = (how: string) => files.find((f) => f.how.startsWith(how))!;
  const dac = refused('DAC patched: DC L=3 U=1');
  assert.throws(() => io.decodeImageData(bytesOf(dac), dac.file), /bad arithmetic-coding conditioning value 19/);
  const cut = refused('cut in half');
  assert.throws(() => io.decodeImageData(bytesOf(cut), cut.file), /truncated/);
});
