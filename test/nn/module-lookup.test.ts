// Module.getSubmodule / getParameter / getBuffer against PyTorch (scripts/fixtures/nn_module_lookup.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const f = loadFixture<{ running_mean: TensorJson; errors: Record<string, string> }>('nn_module_lookup.json');

test('dotted paths find parameters, buffers and submodules; misses raise PyTorch\'s messages', () => {
  const inner = new nn.BatchNorm1d(2);
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(inner));
  assert.equal(m.getParameter('0.weight'), (m.get(0) as nn.Linear).weight);
  assert.equal(m.getSubmodule('1.0'), inner);
  assertTensor(m.getBuffer('1.0.running_mean'), f.running_mean);
  const calls: Record<string, (t: string) => unknown> = {
    get_parameter: (t) => m.getParameter(t),
    get_buffer: (t) => m.getBuffer(t),
    get_submodule: (t) => m.getSubmodule(t),
  };
  for (const [key, message] of Object.entries(f.errors)) {
    const [fn, target] = key.split(':');
    assert.throws(() => calls[fn](target), { message }, key);
  }
});
