import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Image, imageToTensor, io, utils } from '../../src/vision/index.js';
import { loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface FileCase {
  name: string;
  format: 'png' | 'jpeg';
  bytes: string;
  rgb: TensorJson;
}
const fx = loadFixture<{ files: FileCase[] }>('data-files.json');
const dir = mkdtempSync(join(tmpdir(), 'torchlette-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function maxDiff(img: Image, expected: TensorJson): number {
  assert.deepEqual([img.height, img.width, img.channels], expected.shape);
  return expected.data.reduce<number>((m, v, i) => Math.max(m, Math.abs(img.data[i] - (v as number))), 0);
}

describe('image files', () => {
  for (const c of fx.files.filter((f) => f.format === 'png')) {
    test(`PNG written by PIL (${c.name}) decodes to PIL's pixels`, () => {
      const img = io.decodeImageData(Buffer.from(c.bytes, 'base64'), c.name).convert('RGB');
      assert.equal(maxDiff(img, c.rgb), 0);
    });
  }

  // the built-in decoder reproduces libjpeg-turbo as PIL uses it (more in io/jpeg-decoder.test.ts)
  for (const c of fx.files.filter((f) => f.format === 'jpeg')) {
    test(`JPEG (${c.name}) decodes to PIL's pixels, synchronously and asynchronously`, async () => {
      const bytes = Buffer.from(c.bytes, 'base64');
      assert.equal(maxDiff(io.decodeImageData(bytes, c.name).convert('RGB'), c.rgb), 0);
      assert.equal(maxDiff((await io.decodeImageDataAsync(bytes, c.name)).convert('RGB'), c.rgb), 0);
    });
  }

  test('PNG round trip for 1 to 4 channels, and torchvision.io names', () => {
    for (let ch = 1; ch <= 4; ch++) {
      const t = torch.randint(0, 256, [ch, 7, 9], { dtype: 'uint8', generator: new torch.Generator().manualSeed(ch) });
      const path = join(dir, `rt${ch}.png`);
      io.writePng(t, path);
      assert.ok(torch.equal(io.readImage(path), t), `${ch} channels`);
      assert.deepEqual(io.readImage(path, 'RGB').shape, [3, 7, 9]);
      assert.deepEqual(io.decodeImage(io.encodePng(t), 'GRAY').shape, [1, 7, 9]);
    }
  });

  test('JPEG encode (jpeg-js) and read back', () => {
    const t = imageToTensor(new Image(8, 8, 3, new Uint8Array(192).fill(120)));
    const path = join(dir, 'flat.jpg');
    io.writeJpeg(t, path, 95);
    const back = io.readImage(path, 'RGB');
    assert.deepEqual(back.shape, [3, 8, 8]);
    assert.ok(back.sub(120).abs().max().item() <= 2);
  });

  test('unreadable, truncated and corrupt images raise errors naming the file', () => {
    const bad = join(dir, 'bad.png');
    writeFileSync(bad, 'not an image');
    assert.throws(() => io.readImage(bad), (e: Error) => e.message.includes(bad) && /cannot identify image file/.test(e.message));
    const good = readFileSync(join(dir, 'rt3.png'));
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, good.subarray(0, good.length - 30));
    assert.throws(() => io.readImage(cut), (e: Error) => e.message.includes(cut));
    const flipped = Buffer.from(good);
    flipped[40] ^= 0xff;
    const corrupt = join(dir, 'corrupt.png');
    writeFileSync(corrupt, flipped);
    assert.throws(() => io.readImage(corrupt), (e: Error) => e.message.includes(corrupt) && /CRC|decompress/.test(e.message));
    const cutJpeg = join(dir, 'cut.jpg');
    writeFileSync(cutJpeg, Buffer.from(fx.files.find((f) => f.format === 'jpeg')!.bytes, 'base64').subarray(0, 20));
    assert.throws(() => io.readImage(cutJpeg), (e: Error) => e.message.includes(cutJpeg));
    assert.throws(() => io.readImage(join(dir, 'missing.png')), /missing\.png: cannot read image file/);
  });

  test('saveImage writes makeGrid as 8-bit PNG (x * 255 + 0.5)', () => {
    const batch = torch.rand([3, 3, 4, 5], { generator: new torch.Generator().manualSeed(3) });
    const path = join(dir, 'grid.png');
    utils.saveImage(batch, path, { nrow: 2 });
    const grid = utils.makeGrid(batch, { nrow: 2 });
    const expected = grid.mul(255).add(0.5).clamp(0, 255).to('uint8');
    assert.ok(torch.equal(io.readImage(path), expected));
  });
});
