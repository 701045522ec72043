// Tensor.storage() against PyTorch 1.13's TypedStorage (scripts/fixtures/tensor_storage.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const want = loadFixture<Record<string, string | number>>('tensor_storage.json');

test('storage() prints as PyTorch prints it, for every dtype', () => {
  assert.equal(String(torch.tensor([[4, 1], [5, 3], [2, 1]], { dtype: 'float32' }).storage()), want.float32);
  assert.equal(String(torch.tensor([0.1, -0, 1e-5, 1e16], { dtype: 'float64' }).storage()), want.float64);
  assert.equal(String(torch.tensor([1n, -2n, 2n ** 60n]).storage()), want.int64);
  assert.equal(String(torch.tensor([7, 8], { dtype: 'int32' }).storage()), want.int32);
  assert.equal(String(torch.tensor([255, 0], { dtype: 'uint8' }).storage()), want.uint8);
  assert.equal(String(torch.tensor([true, false]).storage()), want.bool);
  assert.equal(String(torch.empty(0).storage()), want.empty);
});

test("a view's storage is the whole memory; elements read and write through, negative indices from the end", () => {
  const view = torch.arange(10, { dtype: 'float32' }).index('2:5');
  assert.equal(view.storage().length, want.view_len);
  assert.equal(view.storage().get(-1), want.view_last);
  const t = torch.zeros(2, 2, { dtype: 'int64' });
  const s = t.storage();
  s.set(3, 5);
  s.set(-2, 2n ** 60n);
  assert.equal(String(t), want.written);
  assert.throws(() => s.get(4), /index 4 out of range for storage of size 4/);
});
