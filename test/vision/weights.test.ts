// torchvision 0.14's weights enums (scripts/fixtures/vision_weights.py): every
// classification builder's enum with torchvision's urls, meta and categories; the
// `transforms()` preset equal to torchvision's on PIL images and uint8 tensors; the
// string forms, torchvision's errors and deprecation warnings; and resnet18 built from a
// cached resnet18-f37072fd.pth giving PyTorch's logits, without the network.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Image, models } from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { closedPort } from '../helpers/zoo-server.js';

interface FullRecord {
  name: string;
  enum: string;
  str: string;
  url: string;
  meta: Record<string, unknown> & { categories: 'IMAGENET' | null; _metrics: Record<string, Record<string, number | string>> };
  preset: Record<string, unknown>;
  transforms_repr: string;
}
interface PresetCase {
  weights: string;
  width: number;
  height: number;
  source: 'pil' | 'uint8';
  shape: number[];
  sha256: string;
  sample: TensorJson;
  sum: number;
}
interface ErrorText {
  type: 'ValueError' | 'TypeError';
  message: string;
}

const fixture = loadFixture<{
  enums: { builder: string; enum: string; default: string; urls: Record<string, string> }[];
  full: FullRecord[];
  categories: { count: number; sha256: string; first: string[]; last: string[] };
  messages: Record<'resnet18_pretrained_true' | 'resnet18_pretrained_false', string[]> &
    Record<'num_classes' | 'unknown_member' | 'wrong_enum' | 'get_weight_bad_name' | 'get_weight_unknown_enum', ErrorText>;
  presets: PresetCase[];
  resnet18: { logits: TensorJson; state_sums: number[]; top5: number[][] };
}>('vision_weights.json');

const enumByName = models as unknown as Record<string, models.WeightsEnum | undefined>;

/** torchvision's Python exceptions as thrown here: ValueError is a RangeError. */
function matches(expected: ErrorText): (e: unknown) => boolean {
  return (e) => e instanceof (expected.type === 'ValueError' ? RangeError : TypeError) && (e as Error).message === expected.message;
}

/** The fixture script's test image (an integer formula: an input, not an expected value), as a uint8 [3, H, W] tensor. */
function patternImage(width: number, height: number): torch.Tensor {
  const data = new Uint8Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = (x * x * 3 + y * 7 + c * 91 + ((x * y) >> 3)) % 256;
    }
  }
  return torch.tensor(Array.from(data), { dtype: 'uint8' }).reshape([3, height, width]);
}

function toPil(u8: torch.Tensor): Image {
  const [, h, w] = u8.shape;
  return new Image(w, h, 3, Uint8Array.from(u8.permute(1, 2, 0).contiguous().toTypedArray() as Uint8Array));
}

function sha256Of(t: torch.Tensor): string {
  const a = t.contiguous().toTypedArray() as Float32Array;
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

/** Warnings emitted while `fn` runs (each is shown once per process unless warn-always is on). */
function captureWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((w: string | Error) => warnings.push(typeof w === 'string' ? w : w.message)) as typeof process.emitWarning;
  torch.setWarnAlways(true);
  try {
    return { result: fn(), warnings };
  } finally {
    torch.setWarnAlways(false);
    process.emitWarning = original;
  }
}

describe('weights enums', () => {
  test("every torchvision classification builder has its enum, with torchvision's members, urls and DEFAULT", () => {
    assert.equal(fixture.enums.length, 80);
    for (const { builder, enum: name, default: def, urls } of fixture.enums) {
      const e = enumByName[name];
      assert.ok(e instanceof models.WeightsEnum, `${name} is exported from vision.models`);
      assert.equal(e.name, name);
      assert.equal(e.builder, builder);
      assert.equal(models.getModelWeights(builder), e);
      assert.deepEqual(Object.fromEntries([...e].map((w) => [w.name, w.url])), urls, name);
      assert.equal(e.fromStr('DEFAULT'), e.fromStr(def));
      assert.equal((e as unknown as Record<string, models.Weights>).DEFAULT.name, def);
    }
    assert.equal(models.ResNet50_Weights.DEFAULT, models.ResNet50_Weights.IMAGENET1K_V2);
    assert.equal(models.getModelWeights(models.vgg16Bn), models.VGG16_BN_Weights);
    assert.equal(models.getModelWeights('mobilenetV2'), models.MobileNet_V2_Weights);
  });

  test("meta, categories and the transforms preset equal torchvision's", () => {
    for (const r of fixture.full) {
      const w = models.getWeight(r.str);
      assert.equal(String(w), r.str);
      assert.equal(w.name, r.name);
      assert.equal(w.enumName, r.enum);
      assert.equal(w.url, r.url);
      const { categories, _metrics, ...rest } = r.meta;
      assert.equal(w.meta.categories, categories === null ? null : models.IMAGENET_CATEGORIES);
      const metrics = Object.fromEntries(Object.entries(_metrics).map(([k, d]) => [k, Object.fromEntries(Object.entries(d).map(([m, v]) => [m, v === 'nan' ? NaN : v]))]));
      assert.deepEqual(w.meta._metrics, metrics);
      for (const [k, v] of Object.entries(rest)) assert.deepEqual((w.meta as unknown as Record<string, unknown>)[k], v, `${r.str} meta.${k}`);
      assert.equal(String(w.transforms()), r.transforms_repr);
    }
    const cats = models.IMAGENET_CATEGORIES;
    assert.equal(cats.length, fixture.categories.count);
    assert.equal(createHash('sha256').update(cats.join('\n')).digest('hex'), fixture.categories.sha256);
    assert.deepEqual([cats.slice(0, 3), cats.slice(-3)], [fixture.categories.first, fixture.categories.last]);
  });

  test('string forms resolve as torchvision verify / get_weight, with its errors', () => {
    const e = models.ResNet18_Weights;
    for (const s of ['IMAGENET1K_V1', 'DEFAULT', 'ResNet18_Weights.IMAGENET1K_V1']) assert.equal(e.verify(s), e.IMAGENET1K_V1);
    assert.equal(e.verify(e.IMAGENET1K_V1), e.IMAGENET1K_V1);
    assert.equal(e.verify(null), null);
    assert.equal(models.getWeight('ResNet18_Weights.DEFAULT'), e.IMAGENET1K_V1);
    const m = fixture.messages;
    assert.throws(() => e.verify('IMAGENET1K_V2'), matches(m.unknown_member));
    assert.throws(() => e.verify(models.VGG16_Weights.IMAGENET1K_V1), matches(m.wrong_enum));
    assert.throws(() => models.getWeight('IMAGENET1K_V1'), matches(m.get_weight_bad_name));
    assert.throws(() => models.getWeight('Foo_Weights.IMAGENET1K_V1'), matches(m.get_weight_unknown_enum));
    // Through a builder, before anything is downloaded.
    assert.throws(() => models.resnet18({ weights: 'IMAGENET1K_V2' }), matches(m.unknown_member));
    assert.throws(() => models.resnet18({ weights: models.VGG16_Weights.IMAGENET1K_V1 }), matches(m.wrong_enum));
    assert.throws(() => models.lenet5({ weights: 'IMAGENET1K_V1' }), /No weights available for model lenet5/);
  });

  test("transforms() gives torchvision's preset output on PIL images and uint8 tensors", () => {
    for (const c of fixture.presets) {
      const u8 = patternImage(c.width, c.height);
      const out = models.getWeight(c.weights).transforms()(c.source === 'pil' ? toPil(u8) : u8);
      const label = `${c.weights} ${c.source} ${c.width}x${c.height}`;
      assert.deepEqual(out.shape, c.shape, label);
      assertTensor(out.slice(1, null, null, 37).slice(2, null, null, 41), c.sample, { rtol: 0, atol: 0 }, label);
      if (c.source === 'pil') assert.equal(sha256Of(out), c.sha256, `${label}: every float32 equal`);
      // The tensor path's bilinear/bicubic resize of uint8 images (transforms/tensor-resample.ts)
      // rounds about 3 pixels in 10^4 one level off ATen's; the sum bounds how many.
      else assert.ok(Math.abs(Number(out.double().sum().item()) - c.sum) < 2e-6 * out.numel(), `${label}: sum ${Number(out.double().sum().item())} vs ${c.sum}`);
    }
  });
});

describe('builders with weights', () => {
  let tmp: string;
  const saved = { home: process.env.TORCH_HOME, zoo: process.env.TORCHLETTE_MODEL_ZOO_URL };

  let zoo: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'torchlette-weights-'));
    process.env.TORCH_HOME = tmp;
    // Nothing listens there: any download attempt fails.
    zoo = `http://127.0.0.1:${await closedPort()}/models/`;
    process.env.TORCHLETTE_MODEL_ZOO_URL = zoo;
  });

  after(() => {
    for (const [k, v] of [['TORCH_HOME', saved.home], ['TORCHLETTE_MODEL_ZOO_URL', saved.zoo]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test("num_classes must match the weights' categories (torchvision's ValueError)", () => {
    assert.throws(() => models.resnet18({ weights: 'IMAGENET1K_V1', numClasses: 10 }), matches(fixture.messages.num_classes));
    assert.throws(() => models.resnet18({ pretrained: true, weights: null }), /cannot be combined/);
  });

  test('weights that are not cached and cannot be downloaded: the error names the URL, nothing is left', () => {
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.throws(() => models.resnet34({ weights: 'DEFAULT' }), (e: Error) => e.message.includes(`${zoo}resnet34-b627a593.pth`) && /ECONNREFUSED/.test(e.message));
    } finally {
      process.stderr.write = stderr;
    }
    assert.deepEqual(readdirSync(join(tmp, 'hub', 'checkpoints')), []);
  });

  test("resnet18({ weights: 'IMAGENET1K_V1' }) loads the cached resnet18-f37072fd.pth and gives PyTorch's logits", () => {
    // The fixture's state dict is torchvision's resnet18 after manual_seed(0); the same seed gives it here.
    torch.manualSeed(0);
    const seeded = models.resnet18();
    const sums = Object.values(seeded.stateDict()).map((t) => Number(t.double().sum().item()));
    sums.forEach((s, i) => assert.ok(Math.abs(s - fixture.resnet18.state_sums[i]) <= 1e-6 * Math.max(1, Math.abs(s)), `state ${i}: ${s}`));
    mkdirSync(join(tmp, 'hub', 'checkpoints'), { recursive: true });
    torch.save(seeded.stateDict(), join(tmp, 'hub', 'checkpoints', 'resnet18-f37072fd.pth'));

    torch.manualSeed(1);
    const weights = models.ResNet18_Weights.IMAGENET1K_V1;
    const model = models.resnet18({ weights: 'IMAGENET1K_V1' }).eval();
    const u8 = patternImage(61, 47);
    const preprocess = weights.transforms();
    const batch = torch.stack([preprocess(toPil(u8)), preprocess(u8.flip(-1))]);
    const logits = torch.noGrad(() => model.forward(batch));
    assertTensor(logits, fixture.resnet18.logits, { rtol: 1e-4, atol: 1e-4 });
    assert.deepEqual(logits.topk(5).indices.tolist(), fixture.resnet18.top5);
    assert.equal(weights.meta.categories![fixture.resnet18.top5[0][0]], models.IMAGENET_CATEGORIES[fixture.resnet18.top5[0][0]]);

    // pretrained: true is DEFAULT (the same file), with torchvision's deprecation warnings.
    const legacy = captureWarnings(() => models.resnet18({ pretrained: true }));
    assert.deepEqual(legacy.warnings, fixture.messages.resnet18_pretrained_true);
    assert.deepEqual(legacy.result.stateDict()['fc.bias'].tolist(), seeded.stateDict()['fc.bias'].tolist());
    const none = captureWarnings(() => models.resnet18({ pretrained: false }));
    assert.deepEqual(none.warnings, fixture.messages.resnet18_pretrained_false);
    assert.throws(() => models.lenet5({ pretrained: true }), /No weights available for model lenet5/);
  });
});
