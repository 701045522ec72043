// Python's len(t) as t.length: the size of dim 0; len() of a 0-d tensor raises TypeError
// (its message checked against PyTorch 1.13 in scripts/fixtures/tensor_resize_new.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture<{ len: number[]; len_0d_error: string }>('tensor_resize_new.json');

test("t.length is len(t); a 0-d tensor's throws PyTorch's TypeError", () => {
  assert.deepEqual([torch.zeros(3, 4).length, torch.zeros(5).length, torch.zeros(0, 2).length], fx.len);
  assert.equal(Array.from({ length: torch.zeros(3, 4).length }).length, 3);
  assert.throws(() => torch.tensor(1.5).length, { name: 'TypeError', message: fx.len_0d_error });
});
