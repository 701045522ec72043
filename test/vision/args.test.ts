// torchvision's calling conventions: every transform, functional transform, dataset and
// util takes torchvision's positional parameters in its order, an options object with
// the same names in camelCase, or both; the three forms give torchvision's repr and
// behaviour (fixtures from scripts/fixtures/vision_args.py). Wrong arguments, as
// JavaScript lets one write them, throw TypeErrors naming the parameter and change nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Image, datasets, imageToTensor, io, tensorToImage, transforms as T, utils } from '../../src/vision/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = T.functional;
const IM = T.InterpolationMode;

interface Run {
  seed: number;
  outs: TensorJson[];
  after: TensorJson;
}
interface DatasetCase {
  name: string;
  repr: string;
  length?: number;
  classes?: string[];
  samples?: [string, number][];
  inputs: TensorJson[];
  targets: number[];
}
interface Fixture {
  image: TensorJson;
  transforms: { name: string; input: 'pil' | 'uint8' | 'float'; repr: string; runs: Run[] }[];
  functional: { name: string; out: TensorJson }[];
  utils: { batch: TensorJson; make_grid: TensorJson; make_grid_list: TensorJson; save_image: TensorJson };
  mnist: { splits: Record<'train' | 't10k', { images: TensorJson; labels: TensorJson }>; cases: DatasetCase[] };
  cifar: DatasetCase & { labels: number[]; classes: string[] };
  folder: { files: [string, string | null, number, number][]; cases: DatasetCase[] };
}
const fx = loadFixture<Fixture>('vision_args.json');
const u8 = fromJson(fx.image);
const pil = tensorToImage(u8);
const inputs = { pil: () => pil, uint8: () => u8.clone(), float: () => u8.float().div(255) };

const tmp = mkdtempSync(join(tmpdir(), 'torchlette-vision-args-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** An output as torchvision's fixture holds it: Images as uint8 [C, H, W]. */
function asTensor(x: unknown): torch.Tensor {
  if (Array.isArray(x)) return torch.stack(x.map(asTensor)); // FiveCrop / TenCrop: the crops stacked
  if (x instanceof Image) return F.pilToTensor(x);
  assert.ok(x instanceof torch.Tensor, 'expected an Image or a Tensor');
  return x;
}

/** uint8 results of resampling may differ by one from ATen's vectorised kernels; floats by rounding. */
function assertOut(actual: unknown, expected: TensorJson, label: string, resampling = false): void {
  const t = asTensor(actual);
  if (expected.dtype === 'uint8' && resampling) {
    assert.deepEqual(t.shape, expected.shape, `${label}: shape`);
    const got = t.toTypedArray();
    expected.data.forEach((e, i) => assert.ok(Math.abs(Number(got[i]) - Number(e)) <= 1, `${label}: element ${i}: got ${got[i]}, expected ${e}`));
  } else assertTensor(t, expected, { rtol: 1e-5, atol: 1e-6 }, label);
}

type Make = () => (input: never) => unknown;

// Each fixture case: the positional call (as written in Python), the options object, a mix.
const transformForms: Record<string, Make[]> = {
  Compose: [
    () => new T.Compose([new T.CenterCrop(8), new T.PILToTensor()]),
    () => new T.Compose({ transforms: [new T.CenterCrop({ size: 8 }), new T.PILToTensor({})] }),
  ],
  ToTensor: [() => new T.ToTensor(), () => new T.ToTensor({})],
  PILToTensor: [() => new T.PILToTensor(), () => new T.PILToTensor({})],
  ToPILImage: [() => new T.ToPILImage('RGB'), () => new T.ToPILImage({ mode: 'RGB' })],
  ConvertImageDtype: [() => new T.ConvertImageDtype('float64'), () => new T.ConvertImageDtype({ dtype: 'float64' })],
  Normalize: [
    () => new T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225], true),
    () => new T.Normalize({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], inplace: true }),
    () => new T.Normalize([0.485, 0.456, 0.406], { std: [0.229, 0.224, 0.225], inplace: true }),
  ],
  Resize: [
    () => new T.Resize([6, 7], IM.BICUBIC, null, true),
    () => new T.Resize({ size: [6, 7], interpolation: 'bicubic', antialias: true }),
    () => new T.Resize([6, 7], IM.BICUBIC, { antialias: true }),
  ],
  'Resize/max_size': [() => new T.Resize(5, IM.NEAREST, 7), () => new T.Resize({ size: 5, interpolation: 'nearest', maxSize: 7 }), () => new T.Resize(5, { maxSize: 7, interpolation: IM.NEAREST })],
  CenterCrop: [() => new T.CenterCrop([4, 6]), () => new T.CenterCrop({ size: [4, 6] })],
  'CenterCrop/int': [() => new T.CenterCrop(5), () => new T.CenterCrop({ size: 5 })],
  Pad: [() => new T.Pad([1, 2, 3, 1], 7, 'constant'), () => new T.Pad({ padding: [1, 2, 3, 1], fill: 7 }), () => new T.Pad([1, 2, 3, 1], { fill: 7, paddingMode: 'constant' })],
  'Pad/reflect': [() => new T.Pad(2, 0, 'reflect'), () => new T.Pad({ padding: 2, paddingMode: 'reflect' }), () => new T.Pad(2, { paddingMode: 'reflect' })],
  Lambda: [() => new T.Lambda((x: Image) => F.hflip(x)), () => new T.Lambda({ lambd: (x: Image) => F.hflip(x) })],
  RandomCrop: [
    () => new T.RandomCrop(9, 2, true, 5, 'constant'),
    () => new T.RandomCrop({ size: 9, padding: 2, padIfNeeded: true, fill: 5 }),
    () => new T.RandomCrop(9, 2, { padIfNeeded: true, fill: 5, paddingMode: 'constant' }),
  ],
  'RandomCrop/pad_if_needed': [
    () => new T.RandomCrop([12, 14], null, true, 3, 'edge'),
    () => new T.RandomCrop({ size: [12, 14], padIfNeeded: true, fill: 3, paddingMode: 'edge' }),
    () => new T.RandomCrop([12, 14], { padIfNeeded: true, fill: 3, paddingMode: 'edge' }),
  ],
  RandomResizedCrop: [
    () => new T.RandomResizedCrop([6, 7], [0.3, 0.9], [0.5, 2.0], IM.BICUBIC, true),
    () => new T.RandomResizedCrop({ size: [6, 7], scale: [0.3, 0.9], ratio: [0.5, 2.0], interpolation: 'bicubic', antialias: true }),
    () => new T.RandomResizedCrop([6, 7], [0.3, 0.9], { ratio: [0.5, 2.0], interpolation: 'bicubic', antialias: true }),
  ],
  'RandomResizedCrop/int': [() => new T.RandomResizedCrop(5, { antialias: true }), () => new T.RandomResizedCrop({ size: 5, antialias: true })],
  RandomHorizontalFlip: [() => new T.RandomHorizontalFlip(0.7), () => new T.RandomHorizontalFlip({ p: 0.7 })],
  RandomVerticalFlip: [() => new T.RandomVerticalFlip(0.3), () => new T.RandomVerticalFlip({ p: 0.3 })],
  RandomRotation: [
    () => new T.RandomRotation([-10.0, 30.5], IM.BILINEAR, true, [2, 3], 5),
    () => new T.RandomRotation({ degrees: [-10.0, 30.5], interpolation: 'bilinear', expand: true, center: [2, 3], fill: 5 }),
    () => new T.RandomRotation([-10.0, 30.5], IM.BILINEAR, { expand: true, center: [2, 3], fill: 5 }),
  ],
  'RandomRotation/tensor': [
    () => new T.RandomRotation(20, IM.NEAREST, false, null, [1, 2, 3]),
    () => new T.RandomRotation({ degrees: 20, fill: [1, 2, 3] }),
    () => new T.RandomRotation(20, { fill: [1, 2, 3] }),
  ],
  ColorJitter: [
    () => new T.ColorJitter(0.4, [0.5, 1.5], 0.3, [-0.1, 0.2]),
    () => new T.ColorJitter({ brightness: 0.4, contrast: [0.5, 1.5], saturation: 0.3, hue: [-0.1, 0.2] }),
    () => new T.ColorJitter(0.4, [0.5, 1.5], { saturation: 0.3, hue: [-0.1, 0.2] }),
  ],
  Grayscale: [() => new T.Grayscale(3), () => new T.Grayscale({ numOutputChannels: 3 })],
  RandomGrayscale: [() => new T.RandomGrayscale(0.5), () => new T.RandomGrayscale({ p: 0.5 })],
  RandomApply: [
    () => new T.RandomApply([new T.ColorJitter(0.4), new T.RandomHorizontalFlip()], 0.6),
    () => new T.RandomApply({ transforms: [new T.ColorJitter({ brightness: 0.4 }), new T.RandomHorizontalFlip({})], p: 0.6 }),
    () => new T.RandomApply([new T.ColorJitter(0.4), new T.RandomHorizontalFlip()], { p: 0.6 }),
  ],
  RandomInvert: [() => new T.RandomInvert(0.6), () => new T.RandomInvert({ p: 0.6 })],
  RandomPosterize: [() => new T.RandomPosterize(3, 0.6), () => new T.RandomPosterize({ bits: 3, p: 0.6 }), () => new T.RandomPosterize(3, { p: 0.6 })],
  RandomSolarize: [() => new T.RandomSolarize(100, 0.6), () => new T.RandomSolarize({ threshold: 100, p: 0.6 }), () => new T.RandomSolarize(100, { p: 0.6 })],
  RandomAdjustSharpness: [() => new T.RandomAdjustSharpness(1.5, 0.6), () => new T.RandomAdjustSharpness({ sharpnessFactor: 1.5, p: 0.6 }), () => new T.RandomAdjustSharpness(1.5, { p: 0.6 })],
  RandomAutocontrast: [() => new T.RandomAutocontrast(0.6), () => new T.RandomAutocontrast({ p: 0.6 })],
  RandomEqualize: [() => new T.RandomEqualize(0.6), () => new T.RandomEqualize({ p: 0.6 })],
  GaussianBlur: [() => new T.GaussianBlur([3, 5], [0.5, 1.5]), () => new T.GaussianBlur({ kernelSize: [3, 5], sigma: [0.5, 1.5] }), () => new T.GaussianBlur([3, 5], { sigma: [0.5, 1.5] })],
  RandomErasing: [
    () => new T.RandomErasing(0.8, [0.05, 0.3], [0.5, 2.5], 'random', false),
    () => new T.RandomErasing({ p: 0.8, scale: [0.05, 0.3], ratio: [0.5, 2.5], value: 'random', inplace: false }),
    () => new T.RandomErasing(0.8, [0.05, 0.3], { ratio: [0.5, 2.5], value: 'random' }),
  ],
  RandomAffine: [
    () => new T.RandomAffine([-20.5, 30.5], [0.1, 0.2], [0.9, 1.1], [-5.5, 5.5], IM.BILINEAR, 9, [3, 4]),
    () => new T.RandomAffine({ degrees: [-20.5, 30.5], translate: [0.1, 0.2], scale: [0.9, 1.1], shear: [-5.5, 5.5], interpolation: 'bilinear', fill: 9, center: [3, 4] }),
    () => new T.RandomAffine([-20.5, 30.5], [0.1, 0.2], { scale: [0.9, 1.1], shear: [-5.5, 5.5], interpolation: 'bilinear', fill: 9, center: [3, 4] }),
  ],
  RandomPerspective: [
    () => new T.RandomPerspective(0.3, 0.7, IM.BILINEAR, 0.5),
    () => new T.RandomPerspective({ distortionScale: 0.3, p: 0.7, interpolation: 'bilinear', fill: 0.5 }),
    () => new T.RandomPerspective(0.3, { p: 0.7, fill: 0.5 }),
  ],
  ElasticTransform: [
    () => new T.ElasticTransform(15.0, 0.7, IM.BILINEAR, 0.5),
    () => new T.ElasticTransform({ alpha: 15.0, sigma: 0.7, interpolation: 'bilinear', fill: 0.5 }),
    () => new T.ElasticTransform(15.0, { sigma: 0.7, fill: 0.5 }),
  ],
  FiveCrop: [() => new T.FiveCrop([4, 5]), () => new T.FiveCrop({ size: [4, 5] })],
  TenCrop: [() => new T.TenCrop(4, true), () => new T.TenCrop({ size: 4, verticalFlip: true }), () => new T.TenCrop(4, { verticalFlip: true })],
  LinearTransformation: [
    () => new T.Compose([new T.CenterCrop(2), new T.Lambda((x: torch.Tensor) => x.contiguous()), new T.LinearTransformation(torch.arange(144).float().view(12, 12).div(100), torch.arange(12).float().div(10))]),
    () => new T.Compose([new T.CenterCrop(2), new T.Lambda((x: torch.Tensor) => x.contiguous()), new T.LinearTransformation({ transformationMatrix: torch.arange(144).float().view(12, 12).div(100), meanVector: torch.arange(12).float().div(10) })]),
  ],
  RandomChoice: [
    () => new T.RandomChoice([new T.RandomHorizontalFlip(0.5), new T.RandomVerticalFlip(0.5), new T.ColorJitter(0.4)], [0.5, 0.25, 0.25]),
    () => new T.RandomChoice({ transforms: [new T.RandomHorizontalFlip(0.5), new T.RandomVerticalFlip(0.5), new T.ColorJitter(0.4)], p: [0.5, 0.25, 0.25] }),
    () => new T.RandomChoice([new T.RandomHorizontalFlip(0.5), new T.RandomVerticalFlip(0.5), new T.ColorJitter(0.4)], { p: [0.5, 0.25, 0.25] }),
  ],
  RandomOrder: [
    () => new T.RandomOrder([new T.RandomHorizontalFlip(0.5), new T.ColorJitter(0.3), new T.RandomInvert(0.5)]),
    () => new T.RandomOrder({ transforms: [new T.RandomHorizontalFlip(0.5), new T.ColorJitter(0.3), new T.RandomInvert(0.5)] }),
  ],
  AutoAugment: [
    () => new T.AutoAugment(T.AutoAugmentPolicy.SVHN, IM.BILINEAR, [1, 2, 3]),
    () => new T.AutoAugment({ policy: 'svhn', interpolation: 'bilinear', fill: [1, 2, 3] }),
    () => new T.AutoAugment('svhn', { interpolation: 'bilinear', fill: [1, 2, 3] }),
  ],
  RandAugment: [
    () => new T.RandAugment(3, 7, 15, IM.NEAREST, 4),
    () => new T.RandAugment({ numOps: 3, magnitude: 7, numMagnitudeBins: 15, interpolation: 'nearest', fill: 4 }),
    () => new T.RandAugment(3, 7, { numMagnitudeBins: 15, fill: 4 }),
  ],
  TrivialAugmentWide: [
    () => new T.TrivialAugmentWide(21, IM.NEAREST, [1, 2, 3]),
    () => new T.TrivialAugmentWide({ numMagnitudeBins: 21, interpolation: 'nearest', fill: [1, 2, 3] }),
    () => new T.TrivialAugmentWide(21, { fill: [1, 2, 3] }),
  ],
  AugMix: [
    () => new T.AugMix(2, 2, 2, 0.7, false, IM.BILINEAR, null),
    () => new T.AugMix({ severity: 2, mixtureWidth: 2, chainDepth: 2, alpha: 0.7, allOps: false, interpolation: 'bilinear', fill: null }),
    () => new T.AugMix(2, 2, { chainDepth: 2, alpha: 0.7, allOps: false }),
  ],
};

const resampling = (name: string) => /Resize|Rotation|ResizedCrop|resize|rotate|resized_crop|Affine|Perspective|Elastic|Augment|AugMix|Blur|Sharpness/.test(name);

describe('transforms: positional, options and mixed calls give torchvision’s repr and outputs', () => {
  test('every case has its TypeScript forms, and every transform class a case', () => {
    assert.deepEqual(Object.keys(transformForms).sort(), fx.transforms.map((c) => c.name).sort());
    const classes = Object.entries(T).filter(([k, v]) => typeof v === 'function' && /^[A-Z]/.test(k) && k !== 'Transform').map(([k]) => k);
    for (const cls of classes) assert.ok(cls in transformForms, `${cls} has a case`);
  });
  for (const c of fx.transforms) {
    test(c.name, () => {
      transformForms[c.name].forEach((make, form) => {
        assert.equal(String(make()), c.repr, `form ${form}: repr`);
        for (const run of c.runs) {
          torch.manualSeed(run.seed);
          T.random.seed(run.seed);
          const t = make();
          run.outs.forEach((o, k) => assertOut(t(inputs[c.input]() as never), o, `form ${form}, seed ${run.seed}, draw ${k}`, resampling(c.name)));
          assertTensor(torch.rand(2), run.after, {}, `form ${form}, seed ${run.seed}: generator after`);
        }
      });
    });
  }
});

const f32 = () => inputs.float();
const functionalForms: Record<string, (() => unknown)[]> = {
  resize: [() => F.resize(pil, [7, 9], IM.BICUBIC), () => F.resize({ img: pil, size: [7, 9], interpolation: 'bicubic' }), () => F.resize(pil, { size: [7, 9], interpolation: 'bicubic' })],
  'resize/tensor': [() => F.resize(u8, 6, IM.BILINEAR, 8, true), () => F.resize({ img: u8, size: 6, maxSize: 8, antialias: true }), () => F.resize(u8, 6, { maxSize: 8, antialias: true })],
  crop: [() => F.crop(pil, 1, 2, 5, 6), () => F.crop({ img: pil, top: 1, left: 2, height: 5, width: 6 }), () => F.crop(pil, 1, 2, { height: 5, width: 6 })],
  center_crop: [() => F.centerCrop(u8, [5, 4]), () => F.centerCrop({ img: u8, outputSize: [5, 4] }), () => F.centerCrop(u8, { outputSize: [5, 4] })],
  pad: [() => F.pad(pil, [1, 2], 9, 'constant'), () => F.pad({ img: pil, padding: [1, 2], fill: 9 }), () => F.pad(pil, [1, 2], { fill: 9, paddingMode: 'constant' })],
  'pad/tensor': [() => F.pad(u8, [2, 1, 0, 3], 0, 'symmetric'), () => F.pad({ img: u8, padding: [2, 1, 0, 3], paddingMode: 'symmetric' }), () => F.pad(u8, [2, 1, 0, 3], { paddingMode: 'symmetric' })],
  resized_crop: [
    () => F.resizedCrop(pil, 1, 2, 6, 7, [4, 5], IM.BILINEAR),
    () => F.resizedCrop({ img: pil, top: 1, left: 2, height: 6, width: 7, size: [4, 5] }),
    () => F.resizedCrop(pil, 1, 2, 6, 7, { size: [4, 5], interpolation: 'bilinear' }),
  ],
  'resized_crop/tensor': [
    () => F.resizedCrop(f32(), 0, 1, 8, 9, [5, 6], IM.BILINEAR, true),
    () => F.resizedCrop({ img: f32(), top: 0, left: 1, height: 8, width: 9, size: [5, 6], antialias: true }),
    () => F.resizedCrop(f32(), 0, 1, 8, 9, [5, 6], { antialias: true }),
  ],
  hflip: [() => F.hflip(u8), () => F.hflip({ img: u8 })],
  vflip: [() => F.vflip(pil), () => F.vflip({ img: pil })],
  rotate: [
    () => F.rotate(pil, 30.0, IM.BILINEAR, true, [3, 4], [10, 20, 30]),
    () => F.rotate({ img: pil, angle: 30, interpolation: 'bilinear', expand: true, center: [3, 4], fill: [10, 20, 30] }),
    () => F.rotate(pil, 30.0, IM.BILINEAR, { expand: true, center: [3, 4], fill: [10, 20, 30] }),
  ],
  'rotate/tensor_no_fill': [() => F.rotate(f32(), -20.0, IM.BILINEAR), () => F.rotate({ img: f32(), angle: -20, interpolation: 'bilinear' }), () => F.rotate(f32(), -20, { interpolation: 'bilinear' })],
  'rotate/tensor_fill': [() => F.rotate(u8, 45.0, IM.NEAREST, false, null, 7), () => F.rotate({ img: u8, angle: 45, fill: 7 }), () => F.rotate(u8, 45, { fill: 7 })],
  rgb_to_grayscale: [() => F.rgbToGrayscale(pil, 3), () => F.rgbToGrayscale({ img: pil, numOutputChannels: 3 }), () => F.rgbToGrayscale(pil, { numOutputChannels: 3 })],
  adjust_brightness: [() => F.adjustBrightness(pil, 1.3), () => F.adjustBrightness({ img: pil, brightnessFactor: 1.3 }), () => F.adjustBrightness(pil, { brightnessFactor: 1.3 })],
  adjust_contrast: [() => F.adjustContrast(u8, 0.7), () => F.adjustContrast({ img: u8, contrastFactor: 0.7 }), () => F.adjustContrast(u8, { contrastFactor: 0.7 })],
  adjust_saturation: [() => F.adjustSaturation(pil, 1.5), () => F.adjustSaturation({ img: pil, saturationFactor: 1.5 }), () => F.adjustSaturation(pil, { saturationFactor: 1.5 })],
  adjust_hue: [() => F.adjustHue(f32(), 0.1), () => F.adjustHue({ img: f32(), hueFactor: 0.1 }), () => F.adjustHue(f32(), { hueFactor: 0.1 })],
  normalize: [
    () => F.normalize(f32(), [0.5, 0.4, 0.3], [0.2, 0.3, 0.4], false),
    () => F.normalize({ tensor: f32(), mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4] }),
    () => F.normalize(f32(), [0.5, 0.4, 0.3], { std: [0.2, 0.3, 0.4], inplace: false }),
  ],
  'normalize/scalar': [() => F.normalize(f32(), 0.5, 0.25), () => F.normalize({ tensor: f32(), mean: 0.5, std: 0.25 })],
  convert_image_dtype: [() => F.convertImageDtype(u8, 'float64'), () => F.convertImageDtype({ image: u8, dtype: 'float64' }), () => F.convertImageDtype(u8, { dtype: 'float64' })],
  to_pil_image: [() => F.toPilImage(u8, 'RGB'), () => F.toPilImage({ pic: u8, mode: 'RGB' }), () => F.toPilImage(u8, { mode: 'RGB' })],
  to_tensor: [() => F.toTensor(pil), () => F.toTensor({ pic: pil })],
  pil_to_tensor: [() => F.pilToTensor(pil), () => F.pilToTensor({ pic: pil })],
  get_dimensions: [() => torch.tensor(F.getDimensions(pil)), () => torch.tensor(F.getDimensions({ img: pil }))],
};

describe('functional transforms: positional, options and mixed calls match torchvision', () => {
  test('every case has its TypeScript forms', () => assert.deepEqual(Object.keys(functionalForms).sort(), fx.functional.map((c) => c.name).sort()));
  for (const c of fx.functional) {
    test(c.name, () => functionalForms[c.name].forEach((call, form) => assertOut(call(), c.out, `form ${form}`, resampling(c.name))));
  }
});

describe('utils.makeGrid / utils.saveImage', () => {
  const batch = fromJson(fx.utils.batch);
  test('makeGrid(tensor, nrow, padding, normalize, valueRange, scaleEach, padValue)', () => {
    for (const grid of [
      utils.makeGrid(batch, 2, 1, true, [0.0, 0.5], false, 0.25),
      utils.makeGrid({ tensor: batch, nrow: 2, padding: 1, normalize: true, valueRange: [0, 0.5], padValue: 0.25 }),
      utils.makeGrid(batch, 2, 1, { normalize: true, valueRange: [0, 0.5], scaleEach: false, padValue: 0.25 }),
    ]) {
      assertTensor(grid, fx.utils.make_grid);
    }
    const list = [0, 1, 2].map((i) => batch.select(0, i));
    assertTensor(utils.makeGrid(list, 3), fx.utils.make_grid_list);
    assertTensor(utils.makeGrid({ tensor: list, nrow: 3 }), fx.utils.make_grid_list);
  });
  test('saveImage(tensor, fp, format, **kwargs): the kwargs are makeGrid’s, by name only', () => {
    const calls: ((path: string) => void)[] = [
      (p) => utils.saveImage(batch, p, 'png', { nrow: 2, padding: 1, padValue: 0.5 }),
      (p) => utils.saveImage({ tensor: batch, fp: p, format: 'PNG', nrow: 2, padding: 1, padValue: 0.5 }),
      (p) => utils.saveImage(batch, p, { nrow: 2, padding: 1, padValue: 0.5 }),
    ];
    calls.forEach((save, k) => {
      const path = join(tmp, `grid-${k}.png`);
      save(path);
      assertTensor(io.readImage(path), fx.utils.save_image, {}, `form ${k}`);
    });
    // nrow is keyword-only, as **kwargs: a fourth positional argument is an error
    assert.throws(() => (utils.saveImage as (...a: unknown[]) => void)(batch, join(tmp, 'x.png'), 'png', 2), /saveImage\(\): takes from 2 to 3 positional arguments but 4 were given/);
    // an unknown extension is PIL's error, not a silent PNG; format picks the encoder
    assert.throws(() => utils.saveImage(batch, join(tmp, 'grid.xyz')), /unknown file extension: \.xyz/);
    assert.throws(() => utils.saveImage(batch, join(tmp, 'grid.png'), 'gif'), /unknown file format 'gif'/);
    assert.ok(!existsSync(join(tmp, 'grid.xyz')));
    const jpeg = join(tmp, 'grid.bin');
    utils.saveImage(batch, jpeg, 'JPEG');
    assert.ok(io.readImage(jpeg).shape.length === 3, 'a JPEG decodes');
  });
});

// --- datasets, on tiny files written from the fixture ---

function writeIdx(path: string, t: torch.Tensor): void {
  const header = Buffer.alloc(4 * (t.dim() + 1));
  header.writeUInt32BE((0x08 << 8) | t.dim(), 0);
  t.shape.forEach((s, i) => header.writeUInt32BE(s, 4 * (i + 1)));
  writeFileSync(path, Buffer.concat([header, Buffer.from(t.toTypedArray() as Uint8Array)]));
}

const mnistRoot = join(tmp, 'mnist');
for (const folder of ['MNIST', 'FashionMNIST']) {
  const raw = join(mnistRoot, folder, 'raw');
  mkdirSync(raw, { recursive: true });
  for (const [prefix, split] of Object.entries(fx.mnist.splits)) {
    writeIdx(join(raw, `${prefix}-images-idx3-ubyte`), fromJson(split.images));
    writeIdx(join(raw, `${prefix}-labels-idx1-ubyte`), fromJson(split.labels));
  }
}

const cifarRoot = join(tmp, 'cifar');
mkdirSync(join(cifarRoot, 'cifar-10-batches-bin'), { recursive: true });
writeFileSync(
  join(cifarRoot, 'cifar-10-batches-bin', 'test_batch.bin'),
  Buffer.concat(fx.cifar.labels.map((label, r) => Buffer.from([label, ...Array.from({ length: 3072 }, (_, k) => (7 * k + 13 * r) % 256)]))),
);

const folderRoot = join(tmp, 'folder');
fx.folder.files.forEach(([path, mode, w, h], f) => {
  const full = join(folderRoot, path);
  mkdirSync(join(full, '..'), { recursive: true });
  if (mode === null) return writeFileSync(full, 'not an image');
  const channels = mode === 'RGB' ? 3 : 1;
  const pixels = Uint8Array.from({ length: w * h * channels }, (_, k) => (11 * k + 29 * f) % 256);
  io.writePng(imageToTensor(new Image(w, h, channels, pixels)), full);
});

function checkDataset(ds: { length: number; getItem(i: number): [unknown, unknown]; toString(): string }, c: DatasetCase, root: string, label: string): void {
  assert.equal(String(ds).replaceAll(root, '<root>'), c.repr, `${label}: repr`);
  assert.equal(ds.length, c.inputs.length, `${label}: length`);
  c.inputs.forEach((x, i) => {
    const [input, target] = ds.getItem(i);
    assertOut(input, x, `${label}: item ${i}`, /Resize/.test(c.repr));
    assert.equal(target, c.targets[i], `${label}: target ${i}`);
  });
}

const mnistTransform = () => new T.Compose([new T.ToTensor(), new T.Normalize([0.5], [0.5])]);
const plus100 = () => new T.Lambda((y: number) => y + 100);
const datasetForms: Record<string, [root: string, forms: (() => { length: number; getItem(i: number): [unknown, unknown] })[]]> = {
  MNIST: [
    mnistRoot,
    [
      () => new datasets.MNIST(mnistRoot, false, mnistTransform(), plus100()),
      () => new datasets.MNIST({ root: mnistRoot, train: false, transform: mnistTransform(), targetTransform: plus100() }),
      () => new datasets.MNIST(mnistRoot, false, { transform: mnistTransform(), targetTransform: plus100() }),
    ],
  ],
  FashionMNIST: [
    mnistRoot,
    [
      () => new datasets.FashionMNIST(mnistRoot, true, new T.PILToTensor(), null, false),
      // the call, as seed 003 writes MNIST(root="./data", train=train, ...)
      () => new datasets.FashionMNIST({ root: mnistRoot, train: true, transform: new T.PILToTensor() }),
      () => new datasets.FashionMNIST(mnistRoot, true, { transform: new T.PILToTensor(), download: false }),
    ],
  ],
  ImageFolder: [
    folderRoot,
    [
      () => new datasets.ImageFolder(folderRoot, new T.Compose([new T.Resize([3, 3]), new T.PILToTensor()]), new T.Lambda((y: number) => y * 10)),
      () => new datasets.ImageFolder({ root: folderRoot, transform: new T.Compose([new T.Resize([3, 3]), new T.PILToTensor()]), targetTransform: new T.Lambda((y: number) => y * 10) }),
      () => new datasets.ImageFolder(folderRoot, new T.Compose([new T.Resize([3, 3]), new T.PILToTensor()]), { targetTransform: new T.Lambda((y: number) => y * 10) }),
    ],
  ],
  'ImageFolder/is_valid_file': [
    folderRoot,
    [
      () => new datasets.ImageFolder(folderRoot, new T.PILToTensor(), null, datasets.defaultLoader, (p: string) => p.endsWith('a.png') || p.includes('sub')),
      () => new datasets.ImageFolder({ root: folderRoot, transform: new T.PILToTensor(), isValidFile: (p: string) => p.endsWith('a.png') || p.includes('sub') }),
      () => new datasets.ImageFolder(folderRoot, new T.PILToTensor(), { isValidFile: (p: string) => p.endsWith('a.png') || p.includes('sub') }),
    ],
  ],
  DatasetFolder: [
    folderRoot,
    [
      () => new datasets.DatasetFolder(folderRoot, (p: string) => io.loadImage(p, 'L'), ['.png'], new T.PILToTensor(), null, null),
      () => new datasets.DatasetFolder({ root: folderRoot, loader: (p: string) => io.loadImage(p, 'L'), extensions: ['.png'], transform: new T.PILToTensor() }),
      () => new datasets.DatasetFolder(folderRoot, (p: string) => io.loadImage(p, 'L'), { extensions: '.png', transform: new T.PILToTensor() }),
    ],
  ],
};

describe('datasets: positional, options and mixed calls give torchvision’s repr and items', () => {
  for (const c of [...fx.mnist.cases, ...fx.folder.cases]) {
    test(c.name, () => {
      const [root, forms] = datasetForms[c.name];
      forms.forEach((make, form) => {
        const ds = make();
        checkDataset(ds, c, root, `form ${form}`);
        if (c.samples) assert.deepEqual((ds as datasets.DatasetFolder).samples.map(([p, t]) => [p.slice(root.length + 1), t]), c.samples, `form ${form}: samples`);
        if (c.classes) assert.deepEqual((ds as datasets.DatasetFolder).classes, c.classes);
      });
    });
  }
  test('CIFAR10 (the binary version, holding the same pixels as torchvision’s pickles)', () => {
    const transform = () => new T.Compose([new T.CenterCrop(4), new T.PILToTensor()]);
    const times2 = () => new T.Lambda((y: number) => y * 2);
    for (const make of [
      () => new datasets.CIFAR10(cifarRoot, false, transform(), times2(), false),
      () => new datasets.CIFAR10({ root: cifarRoot, train: false, transform: transform(), targetTransform: times2() }),
      () => new datasets.CIFAR10(cifarRoot, false, { transform: transform(), targetTransform: times2() }),
    ]) {
      const ds = make();
      checkDataset(ds, fx.cifar, cifarRoot, 'CIFAR10');
      assert.deepEqual(ds.classes, fx.cifar.classes);
    }
  });
  test('TypeScript infers the item type from the transforms', () => {
    const ds = new datasets.MNIST(mnistRoot, false, new T.ToTensor(), (y: number) => `#${y}`);
    const [x, y]: [torch.Tensor, string] = ds.getItem(0);
    assert.deepEqual([x.shape, y], [[1, 5, 3], `#${fx.mnist.cases[0].targets[0] - 100}`]);
  });
});

// --- (b) wrong arguments, as JavaScript lets one write them ---

/** A constructor or function called without TypeScript's checks (as from plain JavaScript or tsx). */
type Untyped = (...args: unknown[]) => unknown;
const ctor =
  (cls: unknown): Untyped =>
  (...args) =>
    new (cls as new (...a: unknown[]) => unknown)(...args);

interface Case {
  /** How errors name it. */
  name: string;
  call: Untyped;
  /** Positional arguments that work. */
  valid: unknown[];
  /** Its parameters' camelCase names, in order. */
  params: string[];
  /** A parameter whose name has a snake_case spelling, and a valid value for it. */
  snake?: [snake: string, value: unknown];
  /** A parameter and a value of the wrong type for it. */
  wrong: [param: string, value: unknown, type: string];
  /** What must not change when the call fails. */
  state?: () => unknown;
  /** Every parameter has a default. */
  optional?: true;
}

const generatorState = () => {
  const s = torch.getDefaultGenerator().snapshot();
  return [Array.from(s.state), s.index];
};
const filesUnder = (root: string) => (existsSync(root) ? readdirSync(root, { recursive: true }).map(String).sort() : []);

const cases: Case[] = [
  // datasets: a failed call downloads nothing and creates no folder
  ...(['MNIST', 'FashionMNIST', 'CIFAR10'] as const).map((name) => ({
    name,
    call: ctor(datasets[name]),
    valid: name === 'CIFAR10' ? [cifarRoot, false, null, null, false] : [mnistRoot, true, null, null, false],
    params: ['root', 'train', 'transform', 'targetTransform', 'download'],
    snake: ['target_transform', null] as [string, unknown],
    wrong: ['download', 'yes', 'str'] as [string, unknown, string],
    state: () => [filesUnder(mnistRoot), filesUnder(cifarRoot)],
  })),
  { name: 'ImageFolder', call: ctor(datasets.ImageFolder), valid: [folderRoot, null, null, datasets.defaultLoader, null], params: ['root', 'transform', 'targetTransform', 'loader', 'isValidFile'], snake: ['is_valid_file', null], wrong: ['transform', 5, 'int'] },
  {
    name: 'DatasetFolder',
    call: ctor(datasets.DatasetFolder),
    valid: [folderRoot, datasets.defaultLoader, ['.png'], null, null, null],
    params: ['root', 'loader', 'extensions', 'transform', 'targetTransform', 'isValidFile'],
    snake: ['target_transform', null],
    wrong: ['loader', 'pil', 'str'],
  },
  { name: 'makeDataset', call: datasets.makeDataset as Untyped, valid: [folderRoot, null, ['.png'], null], params: ['directory', 'classToIdx', 'extensions', 'isValidFile'], snake: ['is_valid_file', null], wrong: ['extensions', 5, 'int'] },
  // transforms
  { name: 'Compose', call: ctor(T.Compose), valid: [[new T.ToTensor()]], params: ['transforms'], wrong: ['transforms', new T.ToTensor(), 'function'] },
  { name: 'ToPILImage', call: ctor(T.ToPILImage), valid: ['RGB'], params: ['mode'], wrong: ['mode', 3, 'int'] , optional: true },
  { name: 'ConvertImageDtype', call: ctor(T.ConvertImageDtype), valid: ['float32'], params: ['dtype'], wrong: ['dtype', 'float', 'str'] },
  { name: 'Normalize', call: ctor(T.Normalize), valid: [[0.5], [0.5], false], params: ['mean', 'std', 'inplace'], wrong: ['std', '0.5', 'str'] },
  { name: 'Resize', call: ctor(T.Resize), valid: [5, 'bilinear', null, null], params: ['size', 'interpolation', 'maxSize', 'antialias'], snake: ['max_size', 7], wrong: ['interpolation', 'BILINEAR', 'str'] },
  { name: 'CenterCrop', call: ctor(T.CenterCrop), valid: [5], params: ['size'], wrong: ['size', '5', 'str'] },
  { name: 'Pad', call: ctor(T.Pad), valid: [2, 0, 'constant'], params: ['padding', 'fill', 'paddingMode'], snake: ['padding_mode', 'edge'], wrong: ['fill', 'white', 'str'] },
  { name: 'Lambda', call: ctor(T.Lambda), valid: [(x: unknown) => x], params: ['lambd'], wrong: ['lambd', 3, 'int'] },
  {
    name: 'RandomCrop',
    call: ctor(T.RandomCrop),
    valid: [9, 2, false, 0, 'constant'],
    params: ['size', 'padding', 'padIfNeeded', 'fill', 'paddingMode'],
    snake: ['pad_if_needed', true],
    wrong: ['padIfNeeded', 1, 'int'],
  },
  {
    name: 'RandomResizedCrop',
    call: ctor(T.RandomResizedCrop),
    valid: [8, [0.08, 1], [0.75, 1.3], 'bilinear', null],
    params: ['size', 'scale', 'ratio', 'interpolation', 'antialias'],
    wrong: ['scale', 0.5, 'float'],
  },
  { name: 'RandomHorizontalFlip', call: ctor(T.RandomHorizontalFlip), valid: [0.5], params: ['p'], wrong: ['p', '0.5', 'str'] , optional: true },
  { name: 'RandomVerticalFlip', call: ctor(T.RandomVerticalFlip), valid: [0.5], params: ['p'], wrong: ['p', true, 'bool'] , optional: true },
  {
    name: 'RandomRotation',
    call: ctor(T.RandomRotation),
    valid: [20, 'nearest', false, null, 0],
    params: ['degrees', 'interpolation', 'expand', 'center', 'fill'],
    wrong: ['center', 3, 'int'],
  },
  { name: 'ColorJitter', call: ctor(T.ColorJitter), valid: [0.4, 0.4, 0.4, 0.1], params: ['brightness', 'contrast', 'saturation', 'hue'], wrong: ['hue', '0.1', 'str'] , optional: true },
  { name: 'Grayscale', call: ctor(T.Grayscale), valid: [1], params: ['numOutputChannels'], snake: ['num_output_channels', 3], wrong: ['numOutputChannels', 1.5, 'float'] , optional: true },
  { name: 'RandomGrayscale', call: ctor(T.RandomGrayscale), valid: [0.1], params: ['p'], wrong: ['p', null, 'None'] , optional: true },
  { name: 'RandomApply', call: ctor(T.RandomApply), valid: [[new T.RandomHorizontalFlip()], 0.5], params: ['transforms', 'p'], wrong: ['p', '0.5', 'str'] },
  // functional transforms, utils
  { name: 'resize', call: F.resize as Untyped, valid: [pil, 5, 'bilinear', null, null], params: ['img', 'size', 'interpolation', 'maxSize', 'antialias'], snake: ['max_size', 7], wrong: ['img', [1, 2], 'list'] },
  { name: 'crop', call: F.crop as Untyped, valid: [pil, 0, 0, 2, 2], params: ['img', 'top', 'left', 'height', 'width'], wrong: ['top', 0.5, 'float'] },
  { name: 'pad', call: F.pad as Untyped, valid: [pil, 1, 0, 'constant'], params: ['img', 'padding', 'fill', 'paddingMode'], snake: ['padding_mode', 'edge'], wrong: ['padding', '1', 'str'] },
  {
    name: 'rotate',
    call: F.rotate as Untyped,
    valid: [pil, 30, 'nearest', false, null, null],
    params: ['img', 'angle', 'interpolation', 'expand', 'center', 'fill'],
    wrong: ['angle', '30', 'str'],
  },
  {
    name: 'normalize',
    call: F.normalize as Untyped,
    valid: [inputs.float(), [0.5], [0.5], true],
    params: ['tensor', 'mean', 'std', 'inplace'],
    wrong: ['tensor', pil, 'Image'],
  },
  { name: 'adjustHue', call: F.adjustHue as Untyped, valid: [pil, 0.1], params: ['img', 'hueFactor'], snake: ['hue_factor', 0.1], wrong: ['hueFactor', '0.1', 'str'] },
  { name: 'rgbToGrayscale', call: F.rgbToGrayscale as Untyped, valid: [pil, 1], params: ['img', 'numOutputChannels'], snake: ['num_output_channels', 1], wrong: ['numOutputChannels', '1', 'str'] },
  {
    name: 'makeGrid',
    call: utils.makeGrid as Untyped,
    valid: [u8.float().unsqueeze(0), 8, 2, false, null, false, 0],
    params: ['tensor', 'nrow', 'padding', 'normalize', 'valueRange', 'scaleEach', 'padValue'],
    snake: ['scale_each', true],
    wrong: ['valueRange', 5, 'int'],
  },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function rejects(c: Case, what: string, args: unknown[], message: RegExp): void {
  const before = (c.state ?? generatorState)();
  assert.throws(
    () => c.call(...args),
    (e: Error) => e instanceof TypeError && message.test(e.message),
    `${c.name}: ${what} (${message})`,
  );
  assert.deepEqual((c.state ?? generatorState)(), before, `${c.name}: ${what} changed nothing`);
}

describe('wrong arguments throw TypeErrors naming the parameter, and change nothing', () => {
  for (const c of cases) {
    test(c.name, () => {
      const head = `^${escape(c.name)}\\(\\): `;
      c.call(...c.valid); // the valid call works
      rejects(c, 'unknown option', [...c.valid.slice(0, 1), { bogus: 1 }], new RegExp(`${head}unexpected option 'bogus'; accepted options: ${c.params.join(', ')}$`));
      if (c.snake) {
        const [snake, value] = c.snake;
        const camel = snake.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
        rejects(c, 'snake_case option', [...c.valid.slice(0, 1), { [snake]: value }], new RegExp(`${head}unexpected option '${snake}' — did you mean '${camel}'\\?`));
      }
      const [param, bad, type] = c.wrong;
      const i = c.params.indexOf(param);
      rejects(c, 'wrong type (positional)', [...c.valid.slice(0, i), bad], new RegExp(`${head}argument '${param}' \\(position ${i + 1}\\) must be .*, not ${type}$`));
      rejects(c, 'wrong type (option)', [...c.valid.slice(0, i), { [param]: bad }], new RegExp(`${head}option '${param}' must be .*, not ${type}$`));
      rejects(c, 'duplicate', [...c.valid.slice(0, 1), { [c.params[0]]: c.valid[0] }], new RegExp(`${head}got multiple values for argument '${c.params[0]}'$`));
      rejects(c, 'too many positional', [...c.params.map((_, k) => c.valid[k] ?? null), 1], new RegExp(`${head}takes .*positional arguments? but ${c.params.length + 1} were given$`));
      if (!c.optional) {
        // the first parameter is required: leave it out
        rejects(c, 'missing required', [Object.fromEntries(c.params.slice(1, 2).map((p) => [p, c.valid[1]]))], new RegExp(`${head}missing required argument '${c.params[0]}'$`));
      }
    });
  }

  test('the issue’s FashionMNIST call: an options object, not a crash inside node:path', () => {
    assert.throws(() => new datasets.MNIST({ root: join(tmp, 'nowhere'), train: true }), (e: Error) => /^Dataset not found: .*nowhere/.test(e.message));
    assert.equal(new datasets.FashionMNIST({ root: mnistRoot, train: false }).length, 3);
  });

  test('PyTorch’s value checks keep PyTorch’s messages', () => {
    assert.throws(() => new T.Pad(1, 0, 'wrap'), /Padding mode should be either constant, edge, reflect or symmetric/);
    assert.throws(() => new T.Resize([1, 2, 3]), /If size is a sequence, it should have 1 or 2 values/);
    assert.throws(() => new T.CenterCrop([1, 2, 3]), /Please provide only two dimensions \(h, w\) for size\./);
    assert.throws(() => new T.RandomRotation(-5), /If degrees is a single number, it must be positive\./);
    assert.throws(() => new T.ColorJitter(-0.1), /If brightness is a single number, it must be non negative\./);
    assert.throws(() => new T.ColorJitter(0, 0, 0, [0, 0.7]), /hue values should be between \(-0\.5, 0\.5\)/);
    assert.throws(() => new T.ColorJitter([0.5, 1, 2]), /brightness should be a single number or a list\/tuple with length 2\./);
    assert.throws(() => datasets.makeDataset(folderRoot, null, ['.png'], () => true), /Both extensions and isValidFile cannot be null or not null at the same time/);
    assert.throws(() => new datasets.DatasetFolder(folderRoot, datasets.defaultLoader, ['.png'], null, null, () => true), /Both extensions and isValidFile cannot be null or not null/);
    assert.throws(() => new datasets.DatasetFolder(folderRoot, datasets.defaultLoader), /Both extensions and isValidFile cannot be null or not null/);
    const t = inputs.float();
    const copy = t.clone();
    assert.throws(() => (F.normalize as Untyped)(t, [0.5], [0.5], 'yes'), /normalize\(\): argument 'inplace' \(position 4\) must be a bool, not str/);
    assert.ok(torch.equal(t, copy), 'the tensor is untouched');
  });
});
