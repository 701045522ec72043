// torchlette's Image against PIL 9.4 (scripts/fixtures/pil_image.py): convert between L, LA,
// RGB, RGBA, YCbCr and CMYK (every colour of the RGB <-> YCbCr formulas, byte for byte),
// split / merge, getpixel, crop, transpose, paste, resize and rotate keeping the mode.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { Image, merge, type ImageMode } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Desc {
  mode: ImageMode;
  size: [number, number];
  data: string;
}
interface Fixture {
  sources: Record<string, Desc>;
  convert: Record<string, Desc>;
  exhaustive: Record<string, string>;
  ops: Record<string, unknown> & { split: Desc[]; transpose: Desc[]; resize: Record<string, Desc>; rotate: Desc[]; getpixel: unknown[] };
  rgb: Desc;
  ycbcr: Desc;
  cmyk: Desc;
  rgba: Desc;
  paste_l: Desc;
}
const fx = loadFixture<Fixture>('pil_image.json');
const BANDS: Record<string, number> = { L: 1, LA: 2, RGB: 3, RGBA: 4, YCbCr: 3, CMYK: 4 };

const make = (d: Desc) => new Image(d.size[0], d.size[1], BANDS[d.mode], new Uint8Array(Buffer.from(d.data, 'base64')), d.mode);
function same(img: Image, d: Desc, what: string): void {
  assert.equal(img.mode, d.mode, `${what}: mode`);
  assert.deepEqual(img.size, d.size, `${what}: size`);
  assert.equal(Buffer.from(img.data).toString('base64'), d.data, `${what}: pixels`);
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('convert', () => {
  for (const [pair, want] of Object.entries(fx.convert)) {
    test(pair, () => {
      const [from, to] = pair.split('>') as [ImageMode, ImageMode];
      same(make(fx.sources[from]).convert(to), want, pair);
    });
  }
  test('every RGB colour to YCbCr and back, every CMYK (value, K) pair to RGB: the bytes PIL gives', () => {
    const all = new Uint8Array(3 << 24);
    for (let i = 0; i < 1 << 24; i++) {
      all[3 * i] = i >>> 16;
      all[3 * i + 1] = (i >>> 8) & 255;
      all[3 * i + 2] = i & 255;
    }
    assert.equal(sha(new Image(4096, 4096, 3, all, 'RGB').convert('YCbCr').bytes('sha')), fx.exhaustive.rgb_to_ycbcr);
    assert.equal(sha(new Image(4096, 4096, 3, all, 'YCbCr').convert('RGB').bytes('sha')), fx.exhaustive.ycbcr_to_rgb);
    const cmyk = new Uint8Array(256 * 256 * 4);
    for (let k = 0; k < 256; k++) for (let v = 0; v < 256; v++) cmyk.set([v, v, v, k], (k * 256 + v) * 4);
    assert.equal(sha(new Image(256, 256, 4, cmyk, 'CMYK').convert('RGB').bytes('sha')), fx.exhaustive.cmyk_to_rgb);
  });
  test('a mode must match the bands', () => {
    assert.throws(() => new Image(1, 1, 3, undefined, 'CMYK'), /mode CMYK has 4 bands, not 3/);
  });
});

describe('Image methods', () => {
  const rgb = make(fx.rgb);
  const ycc = make(fx.ycbcr);
  test('split and merge', () => {
    rgb.split().forEach((b, i) => same(b, fx.ops.split[i], `band ${i}`));
    same(merge('YCbCr', ycc.split()), fx.ops.merge_ycbcr as Desc, 'merge');
    assert.throws(() => merge('RGB', ycc.split().slice(0, 2)), /wrong number of bands/);
  });
  test('getpixel', () => {
    assert.deepEqual([rgb.getpixel([3, 2]), rgb.convert('L').getpixel([0, 5]), rgb.getpixel([-1, -1])], fx.ops.getpixel);
  });
  test('crop keeps the mode, zero outside', () => {
    same(ycc.crop([2, 1, 7, 4]), fx.ops.crop as Desc, 'crop');
    same(rgb.crop([-2, -1, 4, 8]), fx.ops.crop_outside as Desc, 'crop outside');
  });
  test('transpose: all seven methods', () => {
    fx.ops.transpose.forEach((want, m) => same(rgb.transpose(m as 0), want, `method ${m}`));
    same(rgb.transpose('ROTATE_90'), fx.ops.transpose[2], 'by name');
  });
  test('paste: an image at a corner, a colour into a box, another mode converted', () => {
    const img = make(fx.rgb);
    img.paste(make(fx.paste_l), [1, 1]);
    img.paste([10, 20, 30], [5, 3, 8, 6]);
    img.paste(ycc.crop([0, 0, 2, 2]), [0, 4, 2, 6]);
    same(img, fx.ops.paste as Desc, 'paste');
    assert.throws(() => img.paste(rgb, [0, 0, 2, 2]), /images do not match/);
  });
  test('resize with every filter, keeping YCbCr and CMYK (no alpha premultiplication for K)', () => {
    const sources: Record<string, Image> = { RGB: rgb, YCbCr: ycc, CMYK: make(fx.cmyk), RGBA: make(fx.rgba) };
    const filters: Record<string, number> = { nearest: 0, bilinear: 2, bicubic: 3, lanczos: 1, box: 4, hamming: 5 };
    for (const [key, want] of Object.entries(fx.ops.resize)) {
      const [filter, mode] = key.split('_');
      same(sources[mode].resize([5, 8], filters[filter]), want, key);
    }
  });
  test('rotate keeps the mode', () => {
    same(ycc.rotate(30), fx.ops.rotate[0], 'rotate 30');
    same(rgb.rotate(30, 'bilinear', true), fx.ops.rotate[1], 'rotate bilinear expand');
    same(make(fx.cmyk).rotate(90, 'nearest', true), fx.ops.rotate[2], 'rotate 90 CMYK');
  });
});
