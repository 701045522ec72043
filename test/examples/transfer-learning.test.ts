import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { io, models } from '../../src/vision/index.js';
import { readPng, runExample, SUBSET, tempDir } from './run.js';

const out = tempDir('transfer');
const backbone = join(out, 'resnet18-fashion-0-4.pth');

test('transfer learning offline: pretrains a ResNet18 on classes 0-4, transfers to 5-9 four ways', () => {
  const text = runExample('transfer-learning', ['--out', out, '--fashion', SUBSET]);
  assert.match(text, /backbone: pretraining a ResNet18/);
  assert.match(text, /train Loss: [0-9.]+ Acc: [0-9.]+\nval Loss: [0-9.]+ Acc: [0-9.]+/);
  assert.match(text, /Best val Acc: [0-9.]+/);
  for (const run of ['pretrained, fine-tuned', 'pretrained, frozen', 'from scratch, fine-tuned', 'from scratch, frozen']) assert.match(text, new RegExp(`=== ${run} ===`));
  assert.match(text, /pretrained on 0-4 +[0-9.]+% +[0-9.]+%\nfrom scratch +[0-9.]+% +[0-9.]+%/);
  // The saved backbone is a torchvision-layout ResNet18 state dict (a 5-class head).
  models.resnet18({ numClasses: 5, weights: backbone });
  assert.equal(readPng(join(out, 'transfer-learning.png')).shape[0], 3);
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
