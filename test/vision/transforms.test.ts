import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Image, tensorToImage, transforms as T, utils } from '../../src/vision/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = T.functional;
type Case = { name: string; input: string; dtype?: 'uint8' | 'float32'; out: TensorJson };
interface Fixture {
  inputs: Record<string, TensorJson>;
  pil: Case[];
  tensor: Case[];
  random: { name: string; seed: number; outs: TensorJson[]; after: TensorJson }[];
  to_tensor: TensorJson;
  to_tensor_gray: TensorJson;
  normalize: TensorJson;
  convert_u8_float: TensorJson;
  convert_float_u8: TensorJson;
  convert_u8_int32: TensorJson;
  make_grid: TensorJson;
  make_grid_normalized: TensorJson;
}
const fx = loadFixture<Fixture>('data-vision.json');
const tensors = Object.fromEntries(Object.entries(fx.inputs).map(([k, v]) => [k, fromJson(v)]));
const images = Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, tensorToImage(v)]));
const asFloat = (t: torch.Tensor) => t.float().div(255);
const { InterpolationMode: IM } = T;

/** The largest absolute difference, and how many elements differ. */
function diff(actual: torch.Tensor, expected: TensorJson): { max: number; count: number } {
  assert.deepEqual(actual.shape, expected.shape, 'shape');
  assert.equal(actual.dtype, expected.dtype, 'dtype');
  const a = actual.toTypedArray();
  let max = 0;
  let count = 0;
  expected.data.forEach((e, i) => {
    const d = Math.abs(Number(a[i]) - (e as number));
    if (d > 0) count++;
    max = Math.max(max, d);
  });
  return { max, count };
}

function parseSize(text: string): number | number[] {
  return JSON.parse(text) as number | number[];
}

// Each fixture case name maps to the call that made it.
function runPil(c: Case): Image {
  const img = images[c.input];
  const [op, ...args] = c.name.split(' ');
  const rest = c.name.slice(op.length + 1);
  switch (op) {
    case 'grayscale':
      return F.rgbToGrayscale(img);
    case 'grayscale3':
      return F.rgbToGrayscale(img, 3);
    case 'resize': {
      const m = /^(.*) (\w+)$/.exec(rest) as RegExpExecArray;
      return F.resize(img, parseSize(m[1]), { interpolation: m[2] as T.InterpolationMode }) as Image;
    }
    case 'center_crop':
      return F.centerCrop(img, parseSize(rest));
    case 'pad': {
      if (rest === 'fill tuple') return F.pad(img, 2, [10, 20, 30]);
      const m = /^(.*) (\d+) (\w+)$/.exec(rest) as RegExpExecArray;
      return F.pad(img, parseSize(m[1]), Number(m[2]), m[3] as T.PaddingMode);
    }
    case 'crop':
      return F.crop(img, -2, 3, 6, 14);
    case 'hflip':
      return F.hflip(img);
    case 'vflip':
      return F.vflip(img);
    case 'rotate':
      if (args[0] === 'center') return F.rotate(img, 33, { center: [2, 3] });
      if (args[1] === 'nearest') return F.rotate(img, Number(args[0]), { expand: args[2] === 'expand=True', fill: [9, 8, 7] });
      return F.rotate(img, Number(args[0]), { interpolation: 'bilinear' });
    default: {
      const fn = { adjust_brightness: F.adjustBrightness, adjust_contrast: F.adjustContrast, adjust_saturation: F.adjustSaturation, adjust_hue: F.adjustHue }[op] as ((img: Image, factor: number) => Image) | undefined;
      if (!fn) throw new Error(`unknown case ${c.name}`);
      return fn(img, Number(args[0]));
    }
  }
}

function runTensor(c: Case): torch.Tensor {
  const t = c.dtype === 'float32' ? asFloat(tensors[c.input]) : tensors[c.input];
  const [op, ...args] = c.name.split(' ');
  const rest = c.name.slice(op.length + 1);
  switch (op) {
    case 'grayscale':
      return F.rgbToGrayscale(t);
    case 'grayscale3':
      return F.rgbToGrayscale(t, 3);
    case 'resize': {
      const m = /^(.*) (\w+) aa=(\w+)$/.exec(rest) as RegExpExecArray;
      return F.resize(t, parseSize(m[1]), { interpolation: m[2] as T.InterpolationMode, antialias: m[3] === 'True' }) as torch.Tensor;
    }
    case 'center_crop':
      return F.centerCrop(t, parseSize(rest));
    case 'pad': {
      const m = /^(.*) (\d+) (\w+)$/.exec(rest) as RegExpExecArray;
      return F.pad(t, parseSize(m[1]), Number(m[2]), m[3] as T.PaddingMode);
    }
    case 'crop':
      return F.crop(t, -2, 3, 6, 14);
    case 'rotate':
      if (args[0] === 'center') return F.rotate(t, 33, { center: [2, 3], fill: [0, 0, 0] });
      if (args[1] === 'nearest') return F.rotate(t, Number(args[0]), { expand: args[2] === 'expand=True', fill: [9, 8, 7] });
      return F.rotate(t, Number(args[0]), { interpolation: 'bilinear', fill: [0, 0, 0] });
    default: {
      const fn = { adjust_brightness: F.adjustBrightness, adjust_contrast: F.adjustContrast, adjust_saturation: F.adjustSaturation, adjust_hue: F.adjustHue }[op] as ((img: torch.Tensor, factor: number) => torch.Tensor) | undefined;
      if (!fn) throw new Error(`unknown case ${c.name}`);
      return fn(t, Number(args[0]));
    }
  }
}

const report = process.env.TRANSFORMS_REPORT === '1';

describe('transforms on Images equal torchvision on PIL images, byte for byte', () => {
  for (const c of fx.pil) {
    test(`${c.name} (${c.input})`, () => {
      const d = diff(F.pilToTensor(runPil(c)), c.out);
      if (report) console.log('PIL', c.name, c.input, d);
      else assert.equal(d.count, 0, `${d.count} bytes differ (max ${d.max})`);
    });
  }
});

// Resampling sums can differ from ATen's vectorised (FMA) kernels in the last bits,
// which may move a rounded uint8 value by one; everything else is exact (float32
// fixtures hold 9 significant digits, hence 1e-9).
function tolerance(c: Case): number {
  const resampling = /^(resize|rotate \S+ bilinear)/.test(c.name);
  if (c.dtype === 'float32') return resampling ? 1e-6 : 1e-9;
  return resampling ? 1 : 0;
}

describe('transforms on tensors match torchvision', () => {
  for (const c of fx.tensor) {
    test(`${c.name} (${c.input}, ${c.dtype})`, () => {
      const d = diff(runTensor(c), c.out);
      if (report) console.log('TENSOR', c.name, c.input, c.dtype, d);
      else assert.ok(d.max <= tolerance(c), `${d.count} elements differ, max ${d.max}`);
    });
  }
});

describe('conversions', () => {
  test('ToTensor / PILToTensor', () => {
    assertTensor(new T.ToTensor()(images.noise), fx.to_tensor, { rtol: 0, atol: 0 });
    assertTensor(new T.ToTensor()(images.gray), fx.to_tensor_gray, { rtol: 0, atol: 0 });
    assert.ok(torch.equal(new T.PILToTensor()(images.noise), tensors.noise));
    assert.throws(() => F.toTensor(tensors.noise as unknown as Image), /pic should be an Image/);
  });
  test('Normalize and ConvertImageDtype', () => {
    const f = F.toTensor(images.noise);
    assertTensor(new T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(f), fx.normalize, { rtol: 0, atol: 0 });
    assertTensor(new T.ConvertImageDtype('float32')(tensors.noise), fx.convert_u8_float, { rtol: 0, atol: 0 });
    assertTensor(F.convertImageDtype(f, 'uint8'), fx.convert_float_u8);
    assertTensor(F.convertImageDtype(tensors.noise, 'int32'), fx.convert_u8_int32);
    assert.throws(() => F.normalize(tensors.noise, [0], [1]), /float tensor/);
    assert.throws(() => F.convertImageDtype(f, 'int64'), /cannot be performed safely/);
  });
  test('padding modes are checked once, by F.pad and T.Pad alike', () => {
    const bad = 'wrap' as T.PaddingMode;
    for (const img of [images.noise, tensors.noise]) assert.throws(() => F.pad(img, 1, 0, bad), /Padding mode should be either constant, edge, reflect or symmetric/);
    assert.throws(() => new T.Pad(1, 0, bad), /Padding mode should be either constant, edge, reflect or symmetric/);
  });
  test('makeGrid', () => {
    const g = F.toTensor(images.gray);
    const batch = torch.stack([g, g.flip(2), g.mul(0.5)]);
    assertTensor(utils.makeGrid(batch, { nrow: 2, padding: 1, padValue: 0.25 }), fx.make_grid);
    assertTensor(utils.makeGrid(batch, { nrow: 3, normalize: true, scaleEach: true }), fx.make_grid_normalized);
  });
});

describe('random transforms draw from torch’s generator as torchvision does', () => {
  const pipelines: Record<string, () => (x: never) => torch.Tensor> = {
    train: () =>
      new T.Compose<Image, torch.Tensor>([new T.RandomResizedCrop(8), new T.RandomHorizontalFlip(), new T.ColorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }), new T.RandomRotation(20), new T.PILToTensor()]),
    crop: () => new T.Compose<Image, torch.Tensor>([new T.RandomCrop(9, { padding: 2, paddingMode: 'reflect' }), new T.RandomVerticalFlip(), new T.RandomGrayscale(0.5), new T.PILToTensor()]),
    // a typed inline function is a step too
    apply: () => new T.Compose<Image, torch.Tensor>([new T.RandomApply<Image>([new T.ColorJitter({ brightness: 0.4, contrast: 0.4 }), new T.RandomHorizontalFlip()]), new T.PILToTensor(), (x: torch.Tensor) => x.clone()]),
    tensor: () =>
      new T.Compose<torch.Tensor, torch.Tensor>([
        new T.ConvertImageDtype('float32'),
        new T.RandomResizedCrop([6, 7], { scale: [0.3, 0.9], antialias: true }),
        new T.RandomHorizontalFlip(),
        new T.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]),
      ]),
  };
  for (const c of fx.random) {
    test(`${c.name}, seed ${c.seed}`, () => {
      torch.manualSeed(c.seed);
      const t = pipelines[c.name]();
      const src = (c.name === 'tensor' ? tensors.noise : images.noise) as never;
      c.outs.forEach((o, i) => {
        const out = t(src);
        if (c.name === 'tensor') assertTensor(out, o, { rtol: 1e-5, atol: 1e-5 }, `draw ${i}`);
        else assert.equal(diff(out, o).count, 0, `draw ${i}`);
      });
      assertTensor(torch.rand(2), c.after, {}, 'generator state after the pipeline');
    });
  }
});
