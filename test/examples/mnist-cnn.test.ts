import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixture } from '../helpers/fixtures.js';
import { runExample, SUBSET } from './run.js';

const fixture = loadFixture<{ lines: string[] }>('mnist_cnn.json');

test("pytorch/examples' MNIST CNN (Adadelta, StepLR, dropout): PyTorch's losses and accuracy (scripts/fixtures/mnist_cnn.py)", () => {
  const text = runExample('mnist-cnn', ['--dataset', 'fashion', '--data', SUBSET]);
  const lines = text.split('\n').filter((l) => l.startsWith('Train Epoch') || l.startsWith('Test set'));
  assert.equal(lines.length, fixture.lines.length);
  lines.forEach((line, i) => {
    const want = fixture.lines[i];
    // The same words and counts; losses printed with 6 decimals may differ in the last one.
    assert.equal(line.replace(/[0-9.]+$/, ''), want.replace(/[0-9.]+$/, ''));
    const [got, exp] = [line, want].map((l) => Number(/Loss: ([0-9.]+)/.exec(l)?.[1] ?? NaN));
    if (!Number.isNaN(exp)) assert.ok(Math.abs(got - exp) <= 2e-6 * exp + 1e-6, `${line} vs PyTorch ${want}`);
    else assert.equal(line, want);
  });
});
