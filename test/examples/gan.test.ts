import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertChart, readPng, runExample, SUBSET, tempDir } from './run.js';

test('GAN: detach() is needed, and a grid of samples is written every epoch', () => {
  const out = tempDir('gan');
  const text = runExample('gan', ['--out', out, '--data', SUBSET]);
  assert.match(text, /without detach\(\): Trying to backward through the graph a second time/);
  assert.match(text, /loss D [0-9.]+ G [0-9.]+/);
  // 64 samples of 28x28 in 8 columns with 2-pixel padding: 8 * 30 + 2 = 242
  for (const epoch of [1, 2]) assert.deepEqual(readPng(join(out, `samples-epoch-${epoch}.png`)).shape, [3, 242, 242]);
  assertChart(join(out, 'gan-loss.png'), [3, 500, 800]);
});
