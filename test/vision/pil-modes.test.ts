// torchlette's Image modes I (int32), F (float32) and P (palette) against PIL 9.4 and
// torchvision 0.14 (scripts/fixtures/pil_modes.py): convert between every pair of modes,
// P's transparency, putpalette / getpalette, the Image methods on I, F and P, palette PNGs
// as PIL opens them, and to_tensor / pil_to_tensor / to_pil_image and PIL-path transforms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Tensor } from '../../src/tensor/tensor.js';
import { Image, merge, io, transforms as T, type ImageMode } from '../../src/vision/index.js';
import { encodePng } from '../../src/vision/io/png.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Desc {
  mode: ImageMode;
  size: [number, number];
  data: string;
  palette?: number[];
  transparency?: number | number[];
  transparency_kind?: string;
}
type Maybe = Desc | { error: string };
interface OpsFixture {
  src: Desc;
  getpixel: number[];
  split: Desc[];
  merge: Desc;
  crop: Desc;
  crop_outside: Desc;
  transpose: Desc[];
  resize: Record<string, Desc>;
  resize_up: Desc;
  rotate: Desc[];
  rotate_bilinear?: Desc;
  resize_nan?: { src: Desc; out: Desc };
  resize_huge?: { src: Desc; out: Desc };
  paste: { result: Desc; sources: (Desc | number)[]; boxes: number[][] };
}
interface Fixture {
  sources: Record<string, Desc>;
  convert: Record<string, Maybe>;
  dither: Record<string, Desc>;
  transparency: { int_src: Desc; bytes_src: Desc; int: Record<string, Desc>; bytes: Record<string, Desc>; int_rgb_rgba: Desc };
  palettes: { l_putpalette: Desc; l_putpalette_rgb: Desc; new_p: number[] };
  ops: Record<'I' | 'F' | 'P', OpsFixture>;
  png: Record<string, { file: string; image: Desc; rgb: Desc; rgba: Desc; l: Desc; la: Desc }>;
  torchvision: Record<'I' | 'F' | 'P', Record<string, Desc | TensorJson>> & { to_pil_image: Record<string, Desc | string | null> };
}
const fx = loadFixture<Fixture>('pil_modes.json');
const BANDS: Record<string, number> = { L: 1, LA: 2, RGB: 3, RGBA: 4, YCbCr: 3, CMYK: 4, I: 1, F: 1, P: 1 };

function pixels(d: Desc): Uint8Array | Int32Array | Float32Array {
  const bytes = Buffer.from(d.data, 'base64');
  const buf = new Uint8Array(bytes).buffer;
  return d.mode === 'I' ? new Int32Array(buf) : d.mode === 'F' ? new Float32Array(buf) : new Uint8Array(buf);
}

function make(d: Desc): Image {
  const img = new Image(d.size[0], d.size[1], BANDS[d.mode], pixels(d), d.mode, d.mode === 'P' ? d.palette : undefined);
  if (d.transparency !== undefined) img.info.transparency = d.transparency_kind === 'bytes' ? Uint8Array.from(d.transparency as number[]) : d.transparency;
  return img;
}

/** Equal values (NaN equals NaN whatever its bits; -0 and 0 differ), palette and transparency. */
function same(img: Image, d: Desc, what: string): void {
  assert.equal(img.mode, d.mode, `${what}: mode`);
  assert.deepEqual(img.size, d.size, `${what}: size`);
  const want = pixels(d);
  assert.equal(img.data.constructor, want.constructor, `${what}: storage`);
  for (let i = 0; i < want.length; i++) {
    const a = img.data[i];
    const b = want[i];
    if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) assert.fail(`${what}: pixel ${i} is ${a}, PIL has ${b}`);
  }
  if (d.mode === 'P') assert.deepEqual(img.getpalette(), d.palette, `${what}: palette`);
  const t = img.info.transparency;
  assert.deepEqual(t === undefined ? undefined : typeof t === 'number' ? t : Array.from(t), d.transparency, `${what}: transparency`);
}

describe('convert between all modes', () => {
  for (const [pair, want] of Object.entries(fx.convert)) {
    test(pair, () => {
      const [from, to] = pair.split('>') as [ImageMode, ImageMode];
      const src = make(fx.sources[from]);
      if (pair === 'RGBA>P') {
        // Pillow quantizes RGBA (FASTOCTREE) instead of dithering; that is not reproduced
        assert.throws(() => src.convert(to), /RGBA image goes through Pillow's quantize/);
        return;
      }
      same(src.convert(to), want as Desc, pair);
    });
  }

  test('RGB to P: WEB palette, Floyd-Steinberg dither', () => {
    same(make(fx.dither.gradient_src).convert('P'), fx.dither.gradient, 'gradient');
    same(make(fx.dither.random_src).convert('P'), fx.dither.random, 'random');
  });
});

describe('P transparency, palettes', () => {
  test('one transparent index: alpha for RGBA / LA, the converted colour for RGB / L, kept for I', () => {
    const src = make(fx.transparency.int_src);
    for (const [mode, want] of Object.entries(fx.transparency.int)) same(src.convert(mode as ImageMode), want, `P(int)>${mode}`);
    same(src.convert('RGB').convert('RGBA'), fx.transparency.int_rgb_rgba, 'P(int)>RGB>RGBA');
    // crop, resize, transpose and rotate keep info, as PIL's _new does
    for (const out of [src.crop([0, 0, 2, 2]), src.resize([3, 3]), src.transpose('FLIP_LEFT_RIGHT'), src.rotate(30)]) assert.equal(out.info.transparency, 2);
  });

  test('one alpha per entry', () => {
    const src = make(fx.transparency.bytes_src);
    for (const [mode, want] of Object.entries(fx.transparency.bytes)) same(src.convert(mode as ImageMode), want, `P(bytes)>${mode}`);
  });

  test('putpalette turns L into P, keeps whole triplets; the default palette is the grey ramp', () => {
    const img = new Image(4, 2, 1, Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    img.putpalette([1, 2, 3, 4, 5, 6, 7]);
    same(img, fx.palettes.l_putpalette, 'putpalette');
    same(img.convert('RGB'), fx.palettes.l_putpalette_rgb, 'indices past the palette read as grey');
    assert.deepEqual(new Image(1, 1, 1, undefined, 'P').getpalette(), fx.palettes.new_p);
    assert.throws(() => new Image(1, 1, 3).putpalette([0, 0, 0]), /illegal image mode/);
    assert.throws(() => img.putpalette(new Array<number>(771).fill(0)), /invalid palette size/);
  });

  test('storage is checked against the mode', () => {
    assert.throws(() => new Image(2, 1, 1, new Uint8Array(2), 'I'), /mode I stores its pixels in a Int32Array, got Uint8Array/);
    assert.throws(() => new Image(2, 1, 1, new Float32Array(2), 'L'), /mode L stores its pixels in a Uint8Array, got Float32Array/);
    assert.equal(Image.fromArray(new Int32Array(6), 2, 3).mode, 'I');
    assert.equal(Image.fromArray(new Float32Array(6), 2, 3).mode, 'F');
  });
});

describe('Image methods on I, F and P', () => {
  for (const mode of ['I', 'F', 'P'] as const) {
    test(mode, () => {
      const o = fx.ops[mode];
      const img = make(o.src);
      assert.deepEqual([img.getpixel([3, 2]), img.getpixel([-1, -1])], o.getpixel);
      img.split().forEach((b, k) => same(b, o.split[k], 'split'));
      same(mode === 'P' ? merge('L', [img.convert('L')]) : merge(mode, img.split()), o.merge, 'merge');
      same(img.crop([2, 1, 7, 4]), o.crop, 'crop');
      same(img.crop([-2, -1, 4, 8]), o.crop_outside, 'crop outside');
      o.transpose.forEach((d, m) => same(img.transpose(m as 0), d, `transpose ${m}`));
      for (const [filter, d] of Object.entries(o.resize)) same(img.resize([5, 8], filter as 'nearest'), d, `resize ${filter}`);
      same(img.resize([13, 11], 'bicubic'), o.resize_up, 'resize up');
      same(img.rotate(30), o.rotate[0], 'rotate 30');
      same(img.rotate(90, 'nearest', true), o.rotate[1], 'rotate 90 expand');
      const pasted = img.copy();
      o.paste.sources.forEach((w, k) => pasted.paste(typeof w === 'number' ? w : make(w), o.paste.boxes[k]));
      same(pasted, o.paste.result, 'paste (another mode converted, a value into a box)');
      if (o.rotate_bilinear) same(img.rotate(30, 'bilinear'), o.rotate_bilinear, 'P rotates with NEAREST');
      if (o.resize_nan) same(make(o.resize_nan.src).resize([4, 3], 'bilinear'), o.resize_nan.out, 'NaN and inf spread as in C');
      if (o.resize_huge) same(make(o.resize_huge.src).resize([5, 4], 'bicubic'), o.resize_huge.out, 'int32 overflow as x86 casts');
    });
  }

  test('what PIL cannot do on these modes is refused, not approximated', () => {
    const f = make(fx.ops.F.src);
    assert.throws(() => f.rotate(30, 'bilinear'), /rotate with BILINEAR does not support mode F images/);
    assert.throws(() => T.functional.adjustBrightness(f, 1.5), /does not support mode F/);
    assert.throws(() => T.functional.adjustBrightness(make(fx.ops.P.src), 1.5), /does not support mode P/);
    assert.throws(() => encodePng(f), /cannot write mode F as PNG/);
  });
});

describe('PNGs as PIL opens them: palettes, tRNS, 16-bit grey', () => {
  for (const [name, o] of Object.entries(fx.png)) {
    test(`${name} opens as PIL opens it`, () => {
      const bytes = new Uint8Array(Buffer.from(o.file, 'base64'));
      const img = io.decodeImageData(bytes, name);
      same(img, o.image, 'open');
      same(img.convert('RGB'), o.rgb, 'convert RGB');
      same(img.convert('RGBA'), o.rgba, 'convert RGBA');
      same(img.convert('L'), o.l, 'convert L');
      same(img.convert('LA'), o.la, 'convert LA');
      // written back (P as a palette PNG, tRNS kept), it reads as the same image
      if (img.mode === 'I') assert.throws(() => encodePng(img), /cannot write mode I as PNG/);
      else same(io.decodeImageData(encodePng(img)), o.image, 'round trip');
      // torchvision.io expands the palette and tRNS (RGBA), as libpng does; an index past the palette's end is an error there
      if (img.mode !== 'P') {
        const c = { L: 1, I: 1, RGB: 3 }[img.mode as 'L'] + (o.image.transparency !== undefined ? 1 : 0);
        assert.deepEqual(io.decodeImage(bytes).shape, [c, o.image.size[1], o.image.size[0]]);
        return;
      }
      const entries = (o.image.palette as number[]).length / 3;
      if (pixels(o.image).every((v) => v < entries)) {
        const rgba = o.image.transparency !== undefined;
        assert.deepEqual(io.decodeImage(bytes).shape, [rgba ? 4 : 3, o.image.size[1], o.image.size[0]]);
      } else assert.throws(() => io.decodeImage(bytes), /PNG palette index \d+ out of range/);
    });
  }
});

describe('torchvision on I, F and P images', () => {
  for (const mode of ['I', 'F', 'P'] as const) {
    test(mode, () => {
      const img = make(fx.ops[mode].src);
      const tv = fx.torchvision[mode];
      assertTensor(T.functional.toTensor(img), tv.to_tensor as TensorJson, { rtol: 0, atol: 0 }, 'to_tensor');
      assertTensor(T.functional.pilToTensor(img), tv.pil_to_tensor as TensorJson, { rtol: 0, atol: 0 }, 'pil_to_tensor');
      same(new T.Resize([4, 6])(img) as Image, tv.resize as Desc, 'Resize');
      same(new T.CenterCrop(4)(img) as Image, tv.center_crop as Desc, 'CenterCrop');
      same(T.functional.hflip(img), tv.hflip as Desc, 'hflip');
      same(T.functional.pad(img, [1, 2], { paddingMode: 'reflect' }), tv.pad_reflect as Desc, 'pad reflect');
      same(T.functional.pad(img, 2, { fill: 3 }), tv.pad_constant as Desc, 'pad constant');
    });
  }

  test('to_pil_image: int32 as I, float as F with mode F, and torchvision’s errors', () => {
    const p = fx.torchvision.to_pil_image;
    same(T.functional.toPilImage(tensorOf(Int32Array.from([5, -7, 300]), 'int32')), p.int32 as Desc, 'int32');
    same(T.functional.toPilImage(tensorOf(Float32Array.from([0.25, -1.5, 300]), 'float32'), 'F'), p.float_F as Desc, 'float F');
    same(T.functional.toPilImage(tensorOf(Float32Array.from([0.25, 0.5, 1]), 'float32')), p.float_L as Desc, 'float L');
    assert.throws(() => T.functional.toPilImage(tensorOf(new Uint8Array(3), 'uint8'), 'P'), (e: Error) => `ValueError: ${e.message}` === p.uint8_P);
    assert.throws(() => T.functional.toPilImage(tensorOf(new BigInt64Array(3), 'int64')), (e: Error) => `TypeError: ${e.message}` === p.int64);
  });
});

function tensorOf(data: Int32Array | Float32Array | Uint8Array | BigInt64Array, dtype: 'int32' | 'float32' | 'uint8' | 'int64'): Tensor {
  return Tensor.fromData(data as unknown as Parameters<typeof Tensor.fromData>[0], dtype, [1, 1, 3]);
}
