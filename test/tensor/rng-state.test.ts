// torch.getRngState / setRngState and Generator.getState / setState: PyTorch's state bytes (scripts/fixtures/rng_state.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const f = loadFixture<Record<string, TensorJson>>('rng_state.json');
const exact = { rtol: 0, atol: 0 };

test('getRngState gives PyTorch\'s bytes: fresh seed, cached normal, past a refill, a used-up block', () => {
  torch.manualSeed(0);
  assertTensor(torch.getRngState(), f.seed0, exact, 'manual_seed(0)');
  torch.manualSeed(42);
  torch.randn(1, { dtype: 'float64' });
  torch.rand(3);
  const s = torch.getRngState();
  assertTensor(s, f.cached_normal, exact, 'cached Box-Muller value');
  assertTensor(torch.randn(3, { dtype: 'float64' }), f.after_cached, exact);
  torch.setRngState(s);
  assertTensor(torch.randn(3, { dtype: 'float64' }), f.after_restore, exact, 'after set_rng_state');
  torch.manualSeed(7);
  torch.randint(0, 10, [700]);
  assertTensor(torch.getRngState(), f.past_refill, exact, 'past a refill');
  torch.manualSeed(3);
  torch.rand(624);
  assertTensor(torch.getRngState(), f.block_used, exact, 'one block used up');
  assertTensor(new torch.Generator().getState(), f.default_generator, exact, 'a new Generator');
  assertTensor(new torch.Generator().manualSeed(2 ** 40 + 5).getState(), f.big_seed, exact, 'a seed past 32 bits');
});

test('setRngState takes PyTorch\'s saved states', () => {
  torch.setRngState(fromJson(f.past_refill));
  assertTensor(torch.rand(5), f.past_refill_next, exact, 'draws after restoring PyTorch\'s state');
  const g = new torch.Generator().setState(fromJson(f.big_seed));
  assert.equal(g.initialSeed(), 2n ** 40n + 5n);
  torch.setRngState(fromJson(f.seed0));
  assert.equal(torch.initialSeed(), 0n);
  assertTensor(torch.getRngState(), f.seed0, exact, 'a restored fresh state reads back as fresh');
});

test('setRngState rejects what PyTorch rejects', () => {
  const before = torch.getRngState();
  assert.throws(() => torch.setRngState(torch.zeros(10, { dtype: 'uint8' })), {
    message: 'Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10',
  });
  assert.throws(() => torch.setRngState(torch.zeros(5056)), { name: 'TypeError', message: 'RNG state must be a torch.ByteTensor' });
  assert.throws(() => torch.setRngState(torch.zeros(5056, { dtype: 'uint8' })), { message: 'Invalid mt19937 state' });
  assert.ok(torch.getRngState().equal(before), 'a rejected state leaves the generator untouched');
});
