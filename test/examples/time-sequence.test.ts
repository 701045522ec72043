import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixture } from '../helpers/fixtures.js';
import { runExample } from './run.js';

const fixture = loadFixture<{ losses: number[]; test_losses: number[] }>('time_sequence.json');

test("time-sequence prediction (LSTMCell + LBFGS): every loss is PyTorch's (scripts/fixtures/time_sequence.py)", () => {
  const text = runExample('time-sequence', []);
  const losses = [...text.matchAll(/^loss: (\S+)$/gm)].map((m) => Number(m[1]));
  const testLosses = [...text.matchAll(/^test loss: (\S+)$/gm)].map((m) => Number(m[1]));
  // LBFGS evaluates the closure as often as PyTorch's did: same line search decisions.
  assert.equal(losses.length, fixture.losses.length, 'closure evaluations');
  assert.equal(testLosses.length, fixture.test_losses.length, 'steps');
  const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-9 * want, `${what}: ${got}, PyTorch ${want}`);
  losses.forEach((l, i) => close(l, fixture.losses[i], `closure ${i}`));
  testLosses.forEach((l, i) => close(l, fixture.test_losses[i], `test loss ${i}`));
});
