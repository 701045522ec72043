import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadFixture } from '../helpers/fixtures.js';
import { readPng, runExample, SUBSET, tempDir } from './run.js';

const fixture = loadFixture<{ lines: string[] }>('vae.json');

test("pytorch/examples' VAE (randn_like, continuous Bernoulli, Adam): PyTorch's losses (scripts/fixtures/vae.py)", () => {
  const out = tempDir('vae');
  const text = runExample('vae', ['--dataset', 'fashion', '--data', SUBSET, '--out', out]);
  const lines = text.split('\n').filter((l) => l.startsWith('Train Epoch') || l.startsWith('====>'));
  assert.equal(lines.length, fixture.lines.length);
  const numbers = (l: string) => [...l.matchAll(/-?[0-9]+(?:\.[0-9]+)?/g)].map((m) => Number(m[0]));
  lines.forEach((line, i) => {
    const [got, want] = [numbers(line), numbers(fixture.lines[i])];
    assert.equal(line.replace(/-?[0-9.]+/g, '#'), fixture.lines[i].replace(/-?[0-9.]+/g, '#'));
    // Per-image sums of 784 float32 terms that cancel: summation order shows in the 5th digit.
    got.forEach((g, k) => assert.ok(Math.abs(g - want[k]) <= 2e-4 + 1e-6 * Math.abs(want[k]), `${line} vs PyTorch ${fixture.lines[i]}`));
  });
  for (const f of ['reconstruction_1.png', 'sample_1.png']) assert.ok(existsSync(join(out, f)), f);
  assert.deepEqual(readPng(join(out, 'sample_1.png')).shape, [3, 242, 242]);
});
