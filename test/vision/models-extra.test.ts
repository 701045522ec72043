// More of torchvision's classification models: the same state_dict layout, repr and parameter
// count, the same initial weights after manualSeed(0) (bit for bit, or to 1e-6 per tensor where
// torchvision draws with trunc_normal_), and the same eval-mode output on a seeded input
// (scripts/fixtures/models_extra.py). One builder or a small config per family keeps this fast;
// the other variants differ only in their tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { nn } from '../../src/index.js';
import { models } from '../../src/vision/index.js';
import { builderName } from '../../src/vision/models/misc.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { assertTensorSums, close, fingerprint } from '../helpers/model-fingerprint.js';

interface ModelInfo {
  n_keys: number;
  first_key: string;
  last_key: string;
  layout_sha256: string;
  values_sha256: string;
  num_params: number;
  repr_sha256: string;
  sum: number;
  abs_sum: number;
  input_size?: number;
  eval_output?: TensorJson;
  /** Per-tensor [sum, abs sum], for the models whose init is checked to 1e-6 rather than bit for bit. */
  tensor_sums?: [number, number][];
}

const fixture = loadFixture<{
  models: Record<string, ModelInfo>;
  train_runs: Record<string, { input_size: number } & Record<string, TensorJson>>;
  stochastic_depth: { row: TensorJson; batch: TensorJson; all_dropped: TensorJson };
  builders: string[];
}>('models_extra.json');

const BUILDERS: Record<string, () => nn.Module> = {
  resnext50_32x4d: () => models.resnext50_32x4d({ numClasses: 10, zeroInitResidual: true }),
  squeezenet1_0: () => models.squeezenet1_0({ numClasses: 10 }),
  squeezenet1_1: () => models.squeezenet1_1({ numClasses: 10 }),
  densenet121: () => models.densenet121({ numClasses: 10 }),
  shufflenet_v2_x0_5: () => models.shufflenetV2X0_5({ numClasses: 10 }),
  shufflenet_v2_x1_5: () => models.shufflenetV2X1_5({ numClasses: 10 }),
  mnasnet0_5: () => models.mnasnet0_5({ numClasses: 10 }),
  mnasnet0_75: () => models.mnasnet0_75({ numClasses: 10 }),
  mobilenet_v3_large: () => models.mobilenetV3Large({ numClasses: 10 }),
  mobilenet_v3_small: () => models.mobilenetV3Small({ numClasses: 10 }),
  googlenet: () => models.googlenet({ numClasses: 10, auxLogits: true }),
  googlenet_transform_input: () => models.googlenet({ numClasses: 10, auxLogits: false, transformInput: true }),
  inception_v3: () => models.inceptionV3({ numClasses: 10 }),
  efficientnet_b0: () => models.efficientnetB0({ numClasses: 10 }),
  efficientnet_b3: () => models.efficientnetB3({ numClasses: 10 }),
  efficientnet_v2_s: () => models.efficientnetV2S({ numClasses: 10 }),
  regnet_y_400mf: () => models.regnetY400mf({ numClasses: 10 }),
  regnet_x_400mf: () => models.regnetX400mf({ numClasses: 10 }),
  regnet_y_1_6gf: () => models.regnetY1_6gf({ numClasses: 10 }),
  regnet_x_3_2gf: () => models.regnetX3_2gf({ numClasses: 10 }),
  convnext_mini: () =>
    new models.ConvNeXt([{ inputChannels: 16, outChannels: 32, numLayers: 2 }, { inputChannels: 32, outChannels: null, numLayers: 2 }], 0.1, 1e-6, 10),
  swin_mini: () => new models.SwinTransformer({ patchSize: [4, 4], embedDim: 16, depths: [2, 2], numHeads: [2, 4], windowSize: [4, 4], numClasses: 10 }),
  swin_v2_mini: () => new models.SwinTransformer({ patchSize: [4, 4], embedDim: 16, depths: [2, 2], numHeads: [2, 4], windowSize: [4, 4], numClasses: 10, version: 'v2' }),
  maxvit_t: () => models.maxvitT({ numClasses: 10 }),
  maxvit_mini: () =>
    new models.MaxVit({ inputSize: [32, 32], stemChannels: 8, partitionSize: 2, blockChannels: [16, 32], blockLayers: [1, 2], headDim: 8, stochasticDepthProb: 0.2, numClasses: 10 }),
  vit_mini: () => new models.VisionTransformer({ imageSize: 32, patchSize: 8, numLayers: 2, numHeads: 2, hiddenDim: 64, mlpDim: 128, numClasses: 10 }),
};

test('the fixture covers exactly the builders under test', () => {
  assert.deepEqual(Object.keys(fixture.models).sort(), Object.keys(BUILDERS).sort());
});

test("every torchvision 0.14 classification builder exists under its camelCased name", () => {
  const missing = fixture.builders.filter((n) => typeof (models as Record<string, unknown>)[builderName(n)] !== 'function');
  assert.deepEqual(missing, []);
  assert.equal(fixture.builders.length, 80);
});

for (const [name, info] of Object.entries(fixture.models)) {
  test(`${name}: torchvision's layout, seeded initial weights${info.eval_output ? ' and eval output' : ''}`, () => {
    torch.manualSeed(0);
    const model = BUILDERS[name]();
    const got = fingerprint(model);
    assert.equal(got.n_keys, info.n_keys, 'number of state_dict entries');
    assert.equal(got.first_key, info.first_key);
    assert.equal(got.last_key, info.last_key);
    assert.equal(got.layout_sha256, info.layout_sha256, 'state_dict keys, shapes and dtypes');
    assert.equal(got.num_params, info.num_params, 'parameter count');
    assert.equal(got.repr_sha256, info.repr_sha256, 'repr');
    assert.ok(close(got.sum, info.sum, 1e-6) && close(got.abs_sum, info.abs_sum, 1e-6), `value totals ${got.sum}/${got.abs_sum} vs ${info.sum}/${info.abs_sum}`);
    if (info.tensor_sums) {
      assertTensorSums(got.tensorSums, info.tensor_sums);
    } else {
      assert.equal(got.values_sha256, info.values_sha256, 'initial values, bit for bit');
    }
    if (info.eval_output && info.input_size) {
      if (model instanceof models.VisionTransformer) {
        // Its head starts at zero: redraw it as the fixture does so the output says something.
        torch.manualSeed(5);
        torch.nn.init.normal_((model.heads.get(0) as nn.Linear).weight, 0, 0.02);
      }
      torch.manualSeed(1);
      const x = torch.rand(1, 3, info.input_size, info.input_size);
      model.eval();
      assertTensor(torch.noGrad(() => model.forward(x) as torch.Tensor), info.eval_output, { rtol: 1e-4, atol: 1e-5 });
    }
  });
}

for (const [name, run] of Object.entries(fixture.train_runs)) {
  test(`${name}: training mode gives torchvision's outputs (batch statistics, dropout draws, aux heads)`, () => {
    torch.manualSeed(0);
    const model = BUILDERS[name]();
    torch.manualSeed(2);
    const x = torch.rand(2, 3, run.input_size, run.input_size);
    model.train();
    const result = torch.noGrad(() => model.forward(x)) as unknown;
    // A plain tensor where torchvision returns one (no aux heads), else its named outputs.
    const out = (result instanceof torch.Tensor ? { output: result } : result) as Record<string, torch.Tensor>;
    const fields = Object.keys(run).filter((k) => k !== 'input_size');
    assert.deepEqual(Object.keys(out), fields);
    for (const k of fields) assertTensor(out[k], run[k] as TensorJson, { rtol: 1e-4, atol: 1e-4 });
  });
}

test("stochasticDepth draws torchvision's rows and batches after a seed, and is the identity in eval", () => {
  const sd = fixture.stochastic_depth;
  torch.manualSeed(4);
  const x = torch.rand(6, 3, 2, 2);
  torch.manualSeed(7);
  assertTensor(models.stochasticDepth(x, 0.5, 'row'), sd.row);
  assertTensor(models.stochasticDepth(x, 0.3, 'batch'), sd.batch);
  assertTensor(models.stochasticDepth(x, 1.0, 'row'), sd.all_dropped);
  const layer = new models.StochasticDepth(0.5, 'row');
  layer.eval();
  assert.equal(layer.forward(x), x);
  assert.equal(String(layer), 'StochasticDepth(p=0.5, mode=row)');
  assert.throws(() => models.stochasticDepth(x, 1.5, 'row'), /drop probability has to be between 0 and 1, but got 1.5/);
});

test('googlenet with weights: loads the checkpoint with its aux heads, then drops them and turns transformInput on, as torchvision', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const path = join(mkdtempSync(join(tmpdir(), 'torchlette-googlenet-')), 'googlenet.pth');
  torch.manualSeed(3);
  const source = models.googlenet({ numClasses: 10, auxLogits: true });
  torch.save(source.stateDict(), path);
  const model = models.googlenet({ weights: path, numClasses: 10 });
  assert.equal(model.aux1, null);
  assert.equal(model.aux2, null);
  assert.equal(model.transformInput, true);
  assert.ok(model.fc.weight.equal(source.fc.weight));
  const withAux = models.googlenet({ weights: path, numClasses: 10, auxLogits: true, transformInput: false });
  assert.ok(withAux.aux1 !== null && withAux.aux1.fc2.weight.equal(source.aux1!.fc2.weight));
  assert.equal(withAux.transformInput, false);
});

test("torchvision's older checkpoint key names load: DenseNet's 'norm.1' and ViT's MLP 'linear_1'", () => {
  torch.manualSeed(0);
  const dense = models.densenet121({ numClasses: 10 });
  // As torchvision's ImageNet checkpoint: old layer names, and from before num_batches_tracked.
  const old = Object.fromEntries(
    Object.entries(dense.stateDict())
      .filter(([k]) => !k.endsWith('num_batches_tracked'))
      .map(([k, v]) => [k.replace(/(denselayer\d+\.(?:norm|relu|conv))([12])\./, '$1.$2.'), v]),
  );
  assert.ok('features.denseblock1.denselayer1.norm.1.weight' in old);
  const fresh = models.densenet121({ numClasses: 10 });
  fresh.loadStateDict(old);
  assert.ok(fresh.features.get(4).stateDict()['denselayer1.norm1.running_var'].equal(dense.stateDict()['features.denseblock1.denselayer1.norm1.running_var']));
  const vit = new models.VisionTransformer({ imageSize: 32, patchSize: 8, numLayers: 1, numHeads: 2, hiddenDim: 64, mlpDim: 128 });
  const renamed = Object.fromEntries(Object.entries(vit.stateDict()).map(([k, v]) => [k.replace(/mlp\.0\./, 'mlp.linear_1.').replace(/mlp\.3\./, 'mlp.linear_2.'), v]));
  assert.ok('encoder.layers.encoder_layer_0.mlp.linear_2.bias' in renamed);
  const vit2 = new models.VisionTransformer({ imageSize: 32, patchSize: 8, numLayers: 1, numHeads: 2, hiddenDim: 64, mlpDim: 128 });
  vit2.loadStateDict(renamed);
  assert.ok(vit2.stateDict()['encoder.layers.encoder_layer_0.mlp.3.weight'].equal(vit.stateDict()['encoder.layers.encoder_layer_0.mlp.3.weight']));
});

test('builders refuse options they do not take, naming the builder and the camelCase spelling', () => {
  const call = (f: (o: object) => unknown, o: object) => () => f(o);
  assert.throws(call(models.googlenet as (o: object) => unknown, { aux_logits: true }), /googlenet\(\): unexpected option 'aux_logits' — did you mean 'auxLogits'\?/);
  assert.throws(call(models.shufflenetV2X0_5 as (o: object) => unknown, { widthMult: 2 }), /shufflenetV2X0_5\(\): unexpected option 'widthMult'; accepted options: weights, pretrained, progress, numClasses/);
  assert.throws(call(models.resnext50_32x4d as (o: object) => unknown, { groups: 4 }), /resnext50_32x4d\(\): unexpected option 'groups'/);
  // Enum weights fix ViT's input size to theirs (checked before anything is downloaded).
  assert.throws(() => models.vitB16({ weights: 'IMAGENET1K_SWAG_E2E_V1', imageSize: 224 }), /The parameter 'image_size' expected value 384 but got 224 instead/);
});
