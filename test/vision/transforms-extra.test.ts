// The transforms issue 12 added, against torchvision 0.14 / PIL 9.4
// (scripts/fixtures/vision_transforms_extra.py): functional ops on Images and tensors,
// and the random classes with seeded draws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Image, tensorToImage, transforms as T } from '../../src/vision/index.js';
import { pilPerspective } from '../../src/vision/transforms/pil-extra.js';
import { perspectiveCoeffs, tensorPerspective } from '../../src/vision/transforms/tensor-geometry.js';
import { fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = T.functional;
type Json = TensorJson | Json[];
interface FunctionalCase {
  op: string;
  input: string;
  kind: 'pil' | 'tensor';
  dtype: 'uint8' | 'float32';
  args: unknown[];
  kwargs: Record<string, unknown>;
  out: Json;
  coeffs?: number[];
}
interface RandomCase {
  cls: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  input: string;
  kind: 'pil' | 'tensor';
  dtype: 'uint8' | 'float32';
  seed: number;
  outs: Json[];
  after: TensorJson;
  repr: string;
}
interface Fixture {
  inputs: Record<string, TensorJson>;
  functional: FunctionalCase[];
  erase: { dtype: 'uint8' | 'float32'; args: [number, number, number, number]; v: TensorJson; out: TensorJson }[];
  displacement: TensorJson;
  elastic: { kind: 'pil' | 'tensor'; dtype: 'uint8' | 'float32'; interpolation: 'nearest' | 'bilinear'; fill: number[] | null; out: TensorJson }[];
  random: RandomCase[];
  order: { seed: number; outs: Record<'order' | 'choice' | 'weighted', TensorJson[]>; py_after: number; after: TensorJson }[];
  py_random: { seed_big: number[]; shuffle7: number[]; choices7: number[]; choices7_weights: number[] };
  linear: Record<'matrix' | 'mean' | 'x' | 'out' | 'batch', TensorJson>;
}

const fx = loadFixture<Fixture>('vision_transforms_extra.json');
const tensors = Object.fromEntries(Object.entries(fx.inputs).map(([k, v]) => [k, fromJson(v)]));

function source(name: string, kind: 'pil' | 'tensor', dtype: 'uint8' | 'float32'): Image | torch.Tensor {
  if (kind === 'pil') return tensorToImage(tensors[name]);
  return dtype === 'uint8' ? tensors[name] : tensors[name].float().div(255);
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

/** The largest difference from the expected values (and how many differ); shapes and dtypes must match. */
function diff(actual: unknown, expected: TensorJson): { max: number; count: number } {
  const t = actual instanceof Image ? F.pilToTensor(actual) : (actual as torch.Tensor);
  assert.deepEqual(t.shape, expected.shape, 'shape');
  assert.equal(t.dtype, expected.dtype, 'dtype');
  const a = t.toTypedArray();
  let max = 0;
  let count = 0;
  expected.data.forEach((e, i) => {
    const want = expected.dtype === 'float32' ? Math.fround(e as number) : (e as number);
    const d = Math.abs(Number(a[i]) - want);
    if (d > 0) count++;
    max = Math.max(max, d);
  });
  return { max, count };
}

/**
 * Outputs equal torchvision's: bytes exactly, floats to 1e-6 — except where a float sum
 * of ATen's kernels (conv2d, grid_sample, bmm) may round differently in the last bit,
 * which moves a rounded uint8 value by one now and then (`loose`), and perspective,
 * whose coefficients torchvision solves with LAPACK in float32.
 */
function assertClose(actual: unknown, expected: Json, label: string, loose: boolean | 'perspective'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${label}: expected a list`);
    assert.equal(actual.length, expected.length, `${label}: length`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${label}[${i}]`, loose));
    return;
  }
  const d = diff(actual, expected);
  if (loose === 'perspective') {
    // Coefficients a few ulps from LAPACK's move a pixel's source across a sampling
    // boundary now and then (the sampling itself is checked exactly with LAPACK's coefficients).
    const smallShift = expected.dtype === 'float32' && d.max <= 1e-5;
    assert.ok(smallShift || d.count <= expected.data.length * 0.08, `${label}: ${d.count} of ${expected.data.length} elements differ, max ${d.max}`);
    return;
  }
  const tol = expected.dtype === 'float32' ? (loose ? 2e-5 : 1e-6) : loose ? 1 : 0;
  assert.ok(d.max <= tol, `${label}: ${d.count} elements differ, max ${d.max}`);
}

const geometric = /affine|perspective|elastic|Affine|Perspective|Elastic|Augment|AugMix|Blur|blur|sharpness|Sharpness/;

describe('functional ops equal torchvision (PIL images byte for byte, tensors)', () => {
  for (const c of fx.functional) {
    const label = `${c.op}(${c.input}, ${JSON.stringify(c.args)}, ${JSON.stringify(c.kwargs)}) on ${c.kind} ${c.dtype}`;
    test(label, () => {
      const fn = (F as unknown as Record<string, (...a: unknown[]) => unknown>)[camel(c.op)];
      const img = source(c.input, c.kind, c.dtype);
      const out = fn(img, ...c.args, camelKeys(c.kwargs));
      if (c.coeffs === undefined) {
        assertClose(out, c.out, label, c.kind === 'tensor' && geometric.test(c.op));
        return;
      }
      const [start, end] = c.args as number[][][];
      perspectiveCoeffs(start, end).forEach((v, i) => assert.ok(Math.abs(v - (c.coeffs as number[])[i]) <= 2e-6 * Math.max(1, Math.abs(v)), `coefficient ${i}`));
      assertClose(out, c.out, label, 'perspective');
      const mode = (c.kwargs.interpolation ?? 'bilinear') as 'nearest' | 'bilinear';
      const fill = (c.kwargs.fill ?? null) as number[] | null;
      const replay = img instanceof Image ? pilPerspective(img, c.coeffs, mode, fill ?? [0, 0, 0].slice(0, img.channels)) : tensorPerspective(img, c.coeffs, mode, fill);
      assertClose(replay, c.out, `${label} with LAPACK's coefficients`, c.kind === 'tensor');
    });
  }
  test('erase', () => {
    for (const c of fx.erase) {
      const img = (source('rgb', 'tensor', c.dtype) as torch.Tensor).clone();
      const before = img.clone();
      assertClose(F.erase(img, ...c.args, fromJson(c.v)), c.out, `erase ${c.dtype}`, false);
      assert.ok(torch.equal(img, before), 'erase leaves its input alone unless inplace');
      F.erase(img, ...c.args, fromJson(c.v), true);
      assertClose(img, c.out, `erase inplace ${c.dtype}`, false);
    }
    assert.throws(() => F.erase(tensorToImage(tensors.rgb) as unknown as torch.Tensor, 0, 0, 1, 1, torch.zeros(1)), /img should be Tensor Image/);
  });
  test('elasticTransform with a given displacement', () => {
    const displacement = fromJson(fx.displacement);
    for (const c of fx.elastic) {
      const out = F.elasticTransform(source('rgb', c.kind, c.dtype), displacement, c.interpolation, c.fill);
      assertClose(out, c.out, `elastic ${c.kind} ${c.dtype} ${c.interpolation}`, c.kind === 'tensor');
    }
  });
});

describe('random transforms draw from the generators as torchvision does', () => {
  for (const c of fx.random) {
    const label = `${c.cls}(${JSON.stringify(c.args)}, ${JSON.stringify(c.kwargs)}) on ${c.input} ${c.kind} ${c.dtype}, seed ${c.seed}`;
    test(label, () => {
      torch.manualSeed(c.seed);
      const Cls = (T as unknown as Record<string, new (...a: unknown[]) => (x: unknown) => unknown>)[c.cls];
      const t = new Cls(...c.args, camelKeys(c.kwargs));
      const img = source(c.input, c.kind, c.dtype);
      const loose = c.cls === 'RandomPerspective' ? 'perspective' : c.kind === 'tensor' && geometric.test(c.cls);
      c.outs.forEach((o, i) => assertClose(t(img), o, `${label}, call ${i}`, loose));
      assert.deepEqual(Array.from(torch.rand(2).toTypedArray(), Number), Array.from(fromJson(c.after).toTypedArray(), Number), 'generator state after the calls');
      // JavaScript has one number type: 3.0 prints as 3
      const intish = (r: string) => r.replace(/(\d)\.0(?!\d)/g, '$1');
      assert.equal(intish(String(t)), intish(c.repr));
    });
  }
});

describe("RandomOrder / RandomChoice draw from Python's random", () => {
  test('random.seed / random / shuffle / choices equal CPython', () => {
    T.random.seed(12345678901234567890n);
    assert.deepEqual([T.random.random(), T.random.random(), T.random.random()], fx.py_random.seed_big);
    T.random.seed(7);
    const list = Array.from({ length: 10 }, (_, i) => i);
    T.random.shuffle(list);
    assert.deepEqual(list, fx.py_random.shuffle7);
    assert.deepEqual(T.random.choices([0, 1, 2, 3, 4], null, 6), fx.py_random.choices7);
    assert.deepEqual(T.random.choices([0, 1, 2, 3], [1, 0, 3, 2], 6), fx.py_random.choices7_weights);
  });
  for (const c of fx.order) {
    test(`seed ${c.seed}`, () => {
      T.random.seed(c.seed);
      torch.manualSeed(c.seed);
      const order = new T.RandomOrder<torch.Tensor>([new T.RandomInvert(1), new T.RandomPosterize(2, 1), new T.RandomSolarize(100, 1), new T.RandomAutocontrast(1)]);
      const choice = new T.RandomChoice<torch.Tensor>([new T.RandomInvert(1), new T.RandomPosterize(2, 1), new T.RandomSolarize(100, 1)]);
      const weighted = new T.RandomChoice<torch.Tensor>([new T.RandomInvert(1), new T.RandomPosterize(2, 1), new T.RandomSolarize(100, 1)], [0.2, 0.5, 0.3]);
      for (let i = 0; i < 3; i++) {
        assertClose(order(tensors.rgb6), c.outs.order[i], `order ${i}`, false);
        assertClose(choice(tensors.rgb6), c.outs.choice[i], `choice ${i}`, false);
        assertClose(weighted(tensors.rgb6), c.outs.weighted[i], `weighted ${i}`, false);
      }
      assert.equal(T.random.random(), c.py_after);
      assert.deepEqual(Array.from(torch.rand(2).toTypedArray(), Number), Array.from(fromJson(c.after).toTypedArray(), Number));
    });
  }
});

describe('LinearTransformation', () => {
  test('equals torchvision', () => {
    const lt = new T.LinearTransformation(fromJson(fx.linear.matrix), fromJson(fx.linear.mean));
    const x = fromJson(fx.linear.x);
    assertClose(lt(x), fx.linear.out, 'single', true);
    assertClose(lt(torch.stack([x, x.mul(2)])), fx.linear.batch, 'batch', true);
  });
  test('checks shapes with torchvision’s messages', () => {
    assert.throws(() => new T.LinearTransformation(torch.zeros(3, 4), torch.zeros(3)), /transformation_matrix should be square. Got \(3, 4\) rectangular matrix./);
    assert.throws(() => new T.LinearTransformation(torch.zeros(4, 4), torch.zeros(3)), /mean_vector should have the same length 3/);
    const lt = new T.LinearTransformation(torch.eye(4), torch.zeros(4));
    assert.throws(() => lt(torch.zeros(1, 3, 3)), /Input tensor and transformation matrix have incompatible shape.\[1 x 3 x 3\] != 4/);
  });
});

describe('argument checks and errors', () => {
  const img = tensors.rgb;
  test('positional and options forms agree', () => {
    const a = F.affine(img, 10, [1, 2], 1.1, 5, 'bilinear', [1, 2, 3]);
    const b = F.affine(img, { angle: 10, translate: [1, 2], scale: 1.1, shear: 5, interpolation: 'bilinear', fill: [1, 2, 3] });
    assert.ok(torch.equal(a, b));
    assert.throws(() => F.affine(img, 10, [1, 2], 1.1, 5, { fill_color: 1 } as never), /unexpected option 'fill_color'/);
  });
  test('torchvision’s messages', () => {
    assert.throws(() => F.affine(img, 10, [1], 1, 0), /Argument translate should be a sequence of length 2/);
    assert.throws(() => F.affine(img, 10, [1, 1], 0, 0), /Argument scale should be positive/);
    assert.throws(() => F.affine(img, 10, [1, 1], 1, 0, 'bicubic'), /Interpolation mode 'bicubic' is unsupported with Tensor input/);
    assert.throws(() => F.affine(img, 10, [1, 1], 1, 0, { fill: [1, 2] }), /cannot broadcast to match the number of channels of the image \(2 != 3\)/);
    assert.throws(() => F.affine(tensorToImage(img), 10, [1, 1], 1, 0, { fill: [1, 2] }), /does not match the number of channels of the image \(2 != 3\)/);
    assert.throws(() => F.affine(tensorToImage(img), 10, [1, 1], 1, 0, 'box'), /Image.Resampling.BOX \(4\) cannot be used. Use Image.Resampling.NEAREST \(0\), Image.Resampling.BILINEAR \(2\) or Image.Resampling.BICUBIC \(3\)/);
    assert.throws(() => F.posterize(img, 9), /The number if bits should be between 0 and 8. Got 9/);
    assert.throws(() => F.posterize(img.float(), 2), /Only torch.uint8 image tensors are supported, but found torch.float32/);
    assert.throws(() => F.solarize(img.float(), 2), /Threshold should be less than bound of img./);
    assert.throws(() => F.gaussianBlur(img, 4), /kernel_size should have odd and positive integers/);
    assert.throws(() => F.gaussianBlur(img, 3, 0), /sigma should have positive values/);
    assert.throws(() => F.invert(tensorToImage(torch.zeros([4, 2, 2], { dtype: 'uint8' }))), /not supported for this image mode/);
    assert.throws(() => F.fiveCrop(img, 10), /Requested crop size \(10, 10\) is bigger than input size \(9, 11\)/);
    assert.throws(() => F.elasticTransform(img, torch.zeros(1, 9, 10, 2)), /Argument displacement shape should be \[1, 9, 11, 2\], but given \[1, 9, 10, 2\]/);
    assert.throws(() => new T.GaussianBlur(4), /Kernel size value should be an odd and positive number./);
    assert.throws(() => new T.GaussianBlur(3, [2, 1]), /sigma values should be positive and of the form \(min, max\)./);
    assert.throws(() => new T.RandomAffine(-1), /If degrees is a single number, it must be positive./);
    assert.throws(() => new T.RandomAffine(5, { translate: [0.5, 2] }), /translation values should be between 0 and 1/);
    assert.throws(() => new T.RandomAffine(5, { shear: [1, 2, 3] }), /shear should be a sequence of length 2 or 4./);
    assert.throws(() => new T.RandomErasing({ scale: [0.5, 2] }), /Scale should be between 0 and 1/);
    assert.throws(() => new T.RandomErasing(1.5), /Random erasing probability should be between 0 and 1/);
    assert.throws(() => new T.RandomErasing({ p: 1, value: [1, 2] })(img), /If value is a sequence, it should have either a single value or 3/);
    assert.throws(() => new T.RandomChoice([(x: torch.Tensor) => x], [0])(img), /Total of weights must be greater than zero/);
  });
  test('FiveCrop / TenCrop reprs', () => {
    assert.equal(String(new T.FiveCrop(3)), 'FiveCrop(size=(3, 3))');
    assert.equal(String(new T.TenCrop([4, 5], true)), 'TenCrop(size=[4, 5], vertical_flip=True)');
    assert.equal(String(new T.GaussianBlur(3)), 'GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))');
  });
});

test('Normalize and F.normalize take tensors for mean and std (torch.as_tensor), as the same numbers', () => {
  torch.manualSeed(0);
  const img = torch.rand([3, 4, 5]);
  const mean = img.mean([1, 2]), std = img.std([1, 2]);
  const numbers = (t: torch.Tensor) => t.tolist() as number[];
  const want = new T.Normalize({ mean: numbers(mean), std: numbers(std) }).forward(img);
  assert.ok(torch.equal(new T.Normalize({ mean, std }).forward(img), want));
  assert.ok(torch.equal(new T.Normalize({ mean: mean.unbind(0), std: std.unbind(0) }).forward(img), want));
  assert.ok(torch.equal(T.functional.normalize(img, mean, std), want));
  assert.equal(String(new T.Normalize({ mean: [torch.tensor(0.5)], std: [torch.tensor(0.25)] })), 'Normalize(mean=[tensor(0.5000)], std=[tensor(0.2500)])');
  assert.throws(() => new T.Normalize({ mean: 'x' as never, std: 1 }), /a number, a list of numbers or a Tensor/);
});
