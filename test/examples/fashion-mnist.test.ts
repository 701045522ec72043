import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { numberAfter, runExample, SUBSET, tempDir } from './run.js';

test("seed 003's program: trains, tests, checkpoints; a second run resumes from the saved epoch", () => {
  const out = tempDir('fashion');
  const first = runExample('fashion-mnist', ['--out', out, '--data', SUBSET]);
  assert.doesNotMatch(first, /resuming/);
  assert.match(first, /^0 1 [0-9.]+$/m, 'the loss line "epoch i loss" of epoch 0');
  assert.match(first, /Test set:Avg\.loss:[0-9.]+,Accuracy:\d+\/500\([0-9.]+%\)/);
  assert.ok(numberAfter(first, /Accuracy:\d+\/500\(/) > 20, 'above chance (10%)');
  for (const f of ['model_last.pt', 'optimizer_last.pt', 'model_temp.pt', 'optimizer_temp.pt']) assert.ok(existsSync(join(out, f)), f);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'progress.json'), 'utf8')), { epoch: 1 });
  const sd = torch.load<Record<string, torch.Tensor>>(join(out, 'model_last.pt'));
  assert.deepEqual(Object.keys(sd), ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);

  const second = runExample('fashion-mnist', ['--out', out, '--data', SUBSET]);
  assert.match(second, /resuming from .*model_last\.pt \(after epoch 1\)/);
  assert.match(second, /^1 1 [0-9.]+$/m, 'epoch numbering goes on at 1');
  assert.doesNotMatch(second, /^0 \d+ /m);
  assert.match(second, /after epoch 2/);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'progress.json'), 'utf8')), { epoch: 2 });
  // The optimizer resumed too: Adam's step count went on from 5 to 10.
  const opt = torch.load<{ state: Record<string, { step: torch.Tensor }> }>(join(out, 'optimizer_last.pt'));
  assert.equal(Number(opt.state[0].step.item()), 10);
});
