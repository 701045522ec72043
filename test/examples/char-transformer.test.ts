import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixture } from '../helpers/fixtures.js';
import { runExample } from './run.js';

const fixture = loadFixture<{ quick_losses: number[] }>('char_transformer.json');

test("char-level Transformer LM: the loss curve is PyTorch's (scripts/fixtures/char_transformer.py)", () => {
  const text = runExample('char-transformer', []);
  assert.match(text, /text: 3437 characters, vocabulary of 61/);
  const losses = [...text.matchAll(/step\s+(\d+)\s+loss\s+([0-9.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(losses.length, fixture.quick_losses.length, 'one line per step');
  for (const [step, loss] of losses) {
    const want = fixture.quick_losses[step - 1];
    assert.ok(Math.abs(loss - want) <= 1e-4 * want, `step ${step}: loss ${loss}, PyTorch ${want}`);
  }
  assert.match(text, /sample: "Alice /);
});
