// ImageFolder on JPEG files gives PyTorch's training numbers (scripts/fixtures/imagefolder_training.py):
// PIL-exact decoding, torchvision's sample order, the seeded shuffle, a seeded CNN and SGD.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { datasets, transforms } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Fixture {
  classes: string[];
  samples: [string, number][];
  first_sum: number;
  losses: number[];
  param_sums: Record<string, number>;
}
const fx = loadFixture<Fixture>('imagefolder_training.json');
const ROOT = fileURLToPath(new URL('../fixtures/imagefolder', import.meta.url));

test("a small CNN trained on an ImageFolder of JPEGs: PyTorch's losses and weights", () => {
  torch.manualSeed(0);
  const tf = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])]);
  const ds = new datasets.ImageFolder(ROOT, { transform: tf });
  assert.deepEqual(ds.classes, fx.classes);
  assert.deepEqual(ds.samples.map(([p, t]) => [p.slice(ROOT.length + 1), t]), fx.samples);
  // The decoded pixels are PIL's: the normalised first image sums to PyTorch's value.
  assert.ok(Math.abs(Number((ds.getItem(0)[0] as Tensor).double().sum().item()) - fx.first_sum) < 1e-3);
  const loader = new torch.utils.data.DataLoader(ds, { batchSize: 4, shuffle: true });
  const model = new nn.Sequential(
    new nn.Conv2d(3, 6, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(6, 8, 3), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 2),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const crit = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = crit.forward(model.forward(x as Tensor), y as Tensor);
      loss.backward();
      opt.step();
      losses.push(Number(loss.item()));
    }
  }
  assert.equal(losses.length, fx.losses.length);
  losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5, `step ${i}: ${l} vs PyTorch ${fx.losses[i]}`));
  for (const [k, v] of Object.entries(model.stateDict())) {
    assert.ok(Math.abs(Number(v.double().sum().item()) - fx.param_sums[k]) < 1e-4, `${k}: ${Number(v.double().sum().item())} vs ${fx.param_sums[k]}`);
  }
});
