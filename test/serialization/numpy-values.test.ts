// Checkpoints holding numpy values beside tensors (scripts/fixtures/serialization_numpy.py):
// torch.load (weights_only=False, PyTorch's default) reads numpy arrays as tensors of their
// dtype, shape and values (integer dtypes torchlette lacks widened exactly, shared arrays
// shared) and numpy scalars as numbers; weightsOnly: true refuses them with PyTorch's error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { FIXTURES } from './describe.js';

interface Expected {
  arrays: Record<string, { dtype: string; shape: number[]; values: string[] }>;
  scalars: Record<string, { type: string; value: string }>;
  shared_is_same: boolean;
  weights_only_error: string;
}
const fx = loadFixture<Record<'zip' | 'legacy', Expected>>('serialization_numpy.json');
const file = (name: string) => join(FIXTURES, name);
// numpy dtypes torchlette lacks load widened, as tensors of them do.
const WIDENED: Record<string, string> = { int16: 'int32', uint32: 'int64' };

for (const fmt of ['zip', 'legacy'] as const) {
  test(`${fmt} format: numpy arrays load as tensors, numpy scalars as numbers, as PyTorch's values`, () => {
    const want = fx[fmt];
    const got = torch.load<Record<string, unknown>>(file(`numpy_${fmt}.pt`));
    for (const [key, a] of Object.entries(want.arrays)) {
      const t = got[key] as Tensor;
      assert.ok(t instanceof torch.Tensor, key);
      assert.equal(t.dtype, WIDENED[a.dtype] ?? a.dtype, key);
      assert.deepEqual(t.shape, a.shape, key);
      const values = (t.reshape(-1).tolist() as (number | bigint | boolean)[]).map((v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : Number.isInteger(v) && t.dtype.startsWith('float') ? `${v}.0` : String(v)));
      assert.deepEqual(values, a.values, key);
    }
    for (const [key, s] of Object.entries(want.scalars)) {
      const v = got[key];
      if (s.type === 'bool_') assert.equal(v, s.value === 'True', key);
      else assert.equal(String(v), s.value.replace(/\.0$/, ''), key);
    }
    assert.equal(got.shared === got.again, want.shared_is_same);
    assert.deepEqual((got.weight as Tensor).tolist(), [0, 1, 2, 3]);
  });

  test(`${fmt} format: weightsOnly: true refuses the numpy values with PyTorch's message`, () => {
    assert.throws(() => torch.load(file(`numpy_${fmt}.pt`), { weightsOnly: true }), (e: Error) => {
      assert.equal(e.name, 'UnsafePickleError');
      assert.ok(e.message.includes(fx[fmt].weights_only_error.replace(/^Weights only load failed\. /, '')), e.message);
      return true;
    });
    const bytes = readFileSync(file(`numpy_${fmt}.pt`));
    assert.throws(() => torch.loadFromBuffer(bytes, 'b.pt', { weightsOnly: true }), /Unsupported class numpy\.core\.multiarray\._reconstruct/);
    assert.equal((torch.loadFromBuffer<Record<string, number>>(bytes)).epoch, 7);
  });
}

test('a uint64 numpy array has no exact tensor dtype: refused, naming it', () => {
  assert.throws(() => torch.load(file('numpy_uint64.pt')), /numpy array of dtype uint64 cannot load as a tensor/);
});
