import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { io, models } from '../../src/vision/index.js';
import { assertChart, runExample, SUBSET, tempDir } from './run.js';

const out = tempDir('transfer');
const backbone = join(out, 'resnet18-fashion-0-4.pth');
// torch.hub's cache for the runs (the example's child processes inherit the environment):
// empty, so nothing depends on what this machine downloaded before.
const torchHome = tempDir('transfer-torch-home');
process.env.TORCH_HOME = torchHome;

test('transfer learning offline: no ImageNet weights, so it pretrains a ResNet18 on classes 0-4, transfers to 5-9 four ways', () => {
  const text = runExample('transfer-learning', ['--out', out, '--fashion', SUBSET, '--no-download']);
  assert.match(text, /ImageNet weights unavailable: .*resnet18-f37072fd\.pth is not in the cache and --no-download was given\nfalling back to a backbone of our own/);
  assert.match(text, /backbone: pretraining a ResNet18/);
  assert.match(text, /train Loss: [0-9.]+ Acc: [0-9.]+\nval Loss: [0-9.]+ Acc: [0-9.]+/);
  assert.match(text, /Best val Acc: [0-9.]+/);
  for (const run of ['pretrained, fine-tuned', 'pretrained, frozen', 'from scratch, fine-tuned', 'from scratch, frozen']) assert.match(text, new RegExp(`=== ${run} ===`));
  assert.match(text, /pretrained on 0-4 +[0-9.]+% +[0-9.]+%\nfrom scratch +[0-9.]+% +[0-9.]+%/);
  // The saved backbone is a torchvision-layout ResNet18 state dict (a 5-class head).
  models.resnet18({ numClasses: 5, weights: backbone });
  assertChart(join(out, 'transfer-learning.png'), [3, 240, 800]); // 80 + 40 pixels per bar
});

test('transfer learning from --weights to an ImageFolder dataset (train/ and val/)', () => {
  // A tiny two-class ImageFolder of PNGs: a bright and a dark image per split.
  const root = join(out, 'folder');
  for (const split of ['train', 'val']) {
    for (const [cls, level] of [['ants', 200], ['bees', 40]] as const) {
      mkdirSync(join(root, split, cls), { recursive: true });
      io.writePng(torch.full([3, 20, 20], level, { dtype: 'uint8' }), join(root, split, cls, 'a.png'));
    }
  }
  const text = runExample('transfer-learning', ['--out', join(out, 'folder-run'), '--weights', backbone, '--data', root, '--no-scratch']);
  assert.match(text, /backbone: ResNet18 weights from .*resnet18-fashion-0-4\.pth/);
  assert.match(text, /target: ImageFolder .*: classes ants, bees; 2 training, 2 validation images/);
  assert.match(text, /=== pretrained, frozen ===/);
  assert.doesNotMatch(text, /from scratch/);
});

test("transfer learning from torchvision's ImageNet weights in torch.hub's cache (resnet18({ weights: 'DEFAULT' }))", () => {
  // A stand-in for the real resnet18-f37072fd.pth (no network in tests): a ResNet18 state
  // dict with the 1000-class head, where torchvision's file would be.
  const checkpoints = join(torchHome, 'hub', 'checkpoints');
  mkdirSync(checkpoints, { recursive: true });
  torch.manualSeed(0);
  torch.save(models.resnet18().stateDict(), join(checkpoints, 'resnet18-f37072fd.pth'));
  const text = runExample('transfer-learning', ['--out', join(out, 'imagenet-run'), '--fashion', SUBSET, '--no-download', '--no-scratch']);
  assert.match(text, /backbone: torchvision's ImageNet ResNet18 \(ResNet18_Weights\.IMAGENET1K_V1, top-1 69\.758%\) from .*resnet18-f37072fd\.pth/);
  assert.doesNotMatch(text, /falling back|pretraining a ResNet18/);
  assert.match(text, /pretrained \(ImageNet\) +[0-9.]+% +[0-9.]+%/);
});
