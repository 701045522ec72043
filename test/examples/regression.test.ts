import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixture } from '../helpers/fixtures.js';
import { runExample } from './run.js';

const fixture = loadFixture<{ lines: string[] }>('regression.json');

test("pytorch/examples' polynomial regression: PyTorch's target, a converged fit (scripts/fixtures/regression.py)", () => {
  const lines = runExample('regression', []).trim().split('\n');
  // The same seed draws the same target polynomial and batches.
  assert.equal(lines[2], fixture.lines[2]);
  // Hundreds of float32 SGD steps: gradients summed in another order drift by an ulp a step,
  // so the stopping batch differs a little from PyTorch's; the fit must still be as good.
  const batches = (l: string) => Number(/after (\d+) batches/.exec(l)?.[1]);
  const [got, want] = [batches(lines[0]), batches(fixture.lines[0])];
  assert.ok(Math.abs(got - want) <= 0.25 * want, `${lines[0]} vs PyTorch ${fixture.lines[0]}`);
  const coef = (l: string) => [...l.matchAll(/[+-][0-9.]+/g)].map((m) => Number(m[0]));
  coef(lines[1]).forEach((c, i) => assert.ok(Math.abs(c - coef(fixture.lines[2])[i]) < 0.2, `${lines[1]} vs ${fixture.lines[2]}`));
});
