// torchvision's models: same state_dict keys and shapes, the same initial weights after
// manualSeed, the same repr, and resnet18's outputs (scripts/fixtures/models.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn } from '../../src/index.js';
import { models } from '../../src/vision/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface ModelInfo {
  keys: string[];
  shapes: number[][];
  dtypes: string[];
  sums: number[];
  abs_sums: number[];
  repr?: string;
}

const fixture = loadFixture<{
  models: Record<string, ModelInfo>;
  resnet18_run: { input: TensorJson; eval: TensorJson; train: TensorJson; fc_weight_grad_sum: number; conv1_grad_abs_sum: number; running_mean_bn1: TensorJson };
}>('models.json');

const BUILDERS: Record<string, () => nn.Module> = {
  resnet18: () => models.resnet18({ numClasses: 10 }),
  resnet34: () => models.resnet34(),
  resnet50: () => models.resnet50({ numClasses: 7 }),
  vgg11: () => models.vgg11(),
  vgg16: () => models.vgg16({ numClasses: 5 }),
  mobilenet_v2: () => models.mobilenetV2(),
  alexnet: () => models.alexnet({ numClasses: 3 }),
};

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * (Math.abs(b) + 1);

for (const [name, info] of Object.entries(fixture.models)) {
  test(`${name}: torchvision's state_dict layout and initial weights`, () => {
    torch.manualSeed(0);
    const model = BUILDERS[name]();
    const sd = model.stateDict();
    assert.deepEqual(Object.keys(sd), info.keys);
    Object.values(sd).forEach((t, i) => {
      assert.deepEqual(t.shape, info.shapes[i], `${info.keys[i]} shape`);
      assert.equal(t.dtype, info.dtypes[i], `${info.keys[i]} dtype`);
      let sum = 0;
      let absSum = 0;
      for (const v of Array.from(t.toTypedArray(), Number)) {
        sum += v;
        absSum += Math.abs(v);
      }
      assert.ok(close(sum, info.sums[i], 1e-9) && close(absSum, info.abs_sums[i], 1e-9), `${info.keys[i]}: sums ${sum}/${absSum} vs ${info.sums[i]}/${info.abs_sums[i]}`);
    });
    if (info.repr) assert.equal(String(model), info.repr);
  });
}

test('resnet18 gives PyTorch outputs in eval and train mode, and trains', () => {
  const run = fixture.resnet18_run;
  torch.manualSeed(0);
  const model = models.resnet18({ numClasses: 10 });
  const x = fromJson(run.input);
  model.eval();
  assertTensor(torch.noGrad(() => model.forward(x)), run.eval, { rtol: 1e-4, atol: 1e-4 });
  model.train();
  const out = model.forward(x);
  assertTensor(out, run.train, { rtol: 1e-4, atol: 1e-4 });
  out.sum().backward();
  assert.ok(close(Number(model.fc.weight.grad!.double().sum().item()), run.fc_weight_grad_sum, 1e-4));
  assert.ok(close(Number(model.conv1.weight.grad!.double().abs().sum().item()), run.conv1_grad_abs_sum, 1e-3));
  assertTensor(model.bn1.running_mean as torch.Tensor, run.running_mean_bn1, { rtol: 1e-5, atol: 1e-6 });
});

test('transfer learning: a new fc and a frozen backbone', () => {
  const model = models.resnet18({ numClasses: 10 });
  for (const p of model.parameters()) p.requiresGrad = false;
  model.fc = new nn.Linear(512, 2);
  const trainable = [...model.namedParameters()].filter(([, p]) => p.requiresGrad).map(([n]) => n);
  assert.deepEqual(trainable, ['fc.weight', 'fc.bias']);
  const out = model.forward(torch.rand(2, 3, 32, 32));
  assert.deepEqual(out.shape, [2, 2]);
  out.sum().backward();
  assert.equal(model.conv1.weight.grad, null);
  assert.notEqual(model.fc.weight.grad, null);
});

test('weights: a checkpoint path loads into the model, a bad one is refused naming the file', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'torchlette-models-'));
  const path = join(dir, 'lenet.pth');
  torch.manualSeed(1);
  const a = models.lenet5();
  torch.save(a.stateDict(), path);
  torch.manualSeed(2);
  const b = models.lenet5({ weights: path });
  for (const [k, v] of Object.entries(a.stateDict())) assert.ok(v.equal(b.stateDict()[k]), k);
  // torchvision's ImageNet checkpoints predate num_batches_tracked: they still load strictly.
  const resnet = models.resnet18();
  const old = Object.fromEntries(Object.entries(resnet.stateDict()).filter(([k]) => !k.endsWith('num_batches_tracked')));
  torch.save(old, join(dir, 'old-resnet.pth'));
  const loaded = models.resnet18({ weights: join(dir, 'old-resnet.pth') });
  assert.equal(loaded.bn1.num_batches_tracked?.item(), 0);
  torch.save({ not: 'weights' }, join(dir, 'bad.pth'));
  assert.throws(() => models.lenet5({ weights: join(dir, 'bad.pth') }), /bad\.pth/);
});
