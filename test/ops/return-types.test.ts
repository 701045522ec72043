// torch.return_types namedtuples print as PyTorch's (scripts/fixtures/return_types.py), and read
// by name, by position and by destructuring.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture<Record<string, string>>('return_types.json');
const x = torch.tensor([[1, 3, 2], [2, 0, NaN]]);
const y = torch.tensor([[1, 3, 2], [2, 0, 5]], { dtype: torch.float32 });

const CASES: Record<string, () => unknown> = {
  max: () => x.max(1), min_keepdim: () => y.min(1, true), sort: () => y.sort(1, true), topk: () => y.topk(2),
  median: () => y.median(1), nanmedian: () => x.nanmedian(1), mode: () => y.mode(0), kthvalue: () => y.kthvalue(2, 1),
  cummax: () => y.cummax(1), cummin: () => y.cummin(0), aminmax: () => torch.aminmax(y), aminmax_dim: () => torch.aminmax(y, { dim: 0 }),
  frexp: () => torch.frexp(torch.tensor([8.0, 0.5, -3.0])),
};

test('return_types reprs are PyTorch\'s', () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fx).sort());
  for (const [name, make] of Object.entries(CASES)) assert.equal(String(make()), fx[name], name);
});

test('namedtuples read by name, position and destructuring; only their fields enumerate', () => {
  const r = y.max(1);
  const [values, indices] = r;
  assert.equal(r[0], r.values);
  assert.equal(indices, r.indices);
  assert.deepEqual(values.tolist(), [3, 5]);
  assert.deepEqual(Object.keys(r), ['values', 'indices']);
  const [mn, mx] = torch.aminmax(y);
  assert.deepEqual([mn.item(), mx.item(), torch.aminmax(y).max.item()], [0, 5, 5]);
});
