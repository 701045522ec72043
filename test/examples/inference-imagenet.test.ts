// examples/inference.ts --imagenet: labels a photo with ImageNet's class names using
// resnet18({ weights: ResNet18_Weights.DEFAULT }) from torch.hub's cache. No network in
// tests: the cache holds a stand-in for resnet18-f37072fd.pth (torchvision's resnet18
// after manual_seed(0)), and the photo is the fixture script's test image, so the top-5
// classes printed must be those PyTorch computed (scripts/fixtures/vision_weights.py).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { io, models } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { assertChart, runExample, tempDir } from './run.js';

const { top5 } = loadFixture<{ resnet18: { top5: number[][] } }>('vision_weights.json').resnet18;

test("inference --imagenet: a photo's top-5 ImageNet classes from the pretrained ResNet18, and its chart", () => {
  const torchHome = tempDir('inference-torch-home');
  const out = tempDir('inference-imagenet');
  const checkpoints = join(torchHome, 'hub', 'checkpoints');
  mkdirSync(checkpoints, { recursive: true });
  torch.manualSeed(0);
  torch.save(models.resnet18().stateDict(), join(checkpoints, 'resnet18-f37072fd.pth'));
  // The fixture's 61x47 test image (an integer formula), as a PNG photo.
  const [w, h] = [61, 47];
  const pixels: number[] = [];
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.push((x * x * 3 + y * 7 + c * 91 + ((x * y) >> 3)) % 256);
  const photo = join(out, 'pattern.png');
  io.writePng(torch.tensor(pixels, { dtype: 'uint8' }).reshape([3, h, w]), photo);

  process.env.TORCH_HOME = torchHome;
  try {
    const text = runExample('inference', ['--imagenet', '--no-download', '--out', join(out, 'charts'), photo]);
    assert.match(text, /model: torchvision's ResNet18 \(ResNet18_Weights\.IMAGENET1K_V1\) from .*resnet18-f37072fd\.pth: 1000 ImageNet classes/);
    const line = /^pattern: (.*) -> (.*)$/m.exec(text);
    assert.ok(line, text);
    const names = line[1].split(', ').map((entry) => entry.replace(/ [0-9.]+%$/, ''));
    assert.deepEqual(names, top5[0].map((c) => models.IMAGENET_CATEGORIES[c]));
    assertChart(line[2], [3, 420, 900]);
    assert.throws(() => runExample('inference', ['--imagenet', '--out', join(out, 'charts')]), /--imagenet: pass one or more photos to label/);
  } finally {
    delete process.env.TORCH_HOME;
  }
});
