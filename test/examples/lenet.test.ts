import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { models } from '../../src/vision/index.js';
import { assertChart, numberAfter, runExample, SUBSET, tempDir } from './run.js';

test('LeNet-5: trains a few batches, beats chance, saves a loadable state dict and a curve', () => {
  const out = tempDir('lenet');
  const text = runExample('lenet', ['--out', out, '--data', SUBSET]);
  assert.ok(numberAfter(text, /test accuracy:/) > 15, 'above chance (10%)');
  assert.match(text, /Ankle boot +[0-9.]+%/);
  models.lenet5({ weights: join(out, 'lenet.pt') }); // throws unless the keys and shapes fit
  assertChart(join(out, 'lenet-loss.png'), [3, 500, 800]);
});
