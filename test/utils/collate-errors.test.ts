// default_collate's errors for batches it cannot collate (scripts/fixtures/collate_errors.py):
// PyTorch's messages (with where in the sample it happened), never a JS TypeError from inside.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { defaultCollate, DataLoader } = torch.utils.data;
type Err = { type: string; message: string };
const fx = loadFixture<Record<string, Err> & { number_and_scalar_tensor: number[] }>('collate_errors.json');

/** The error of collating `batch` starts with PyTorch's message. */
function refuses(batch: unknown[], want: Err): void {
  assert.throws(
    () => defaultCollate(batch),
    (e: Error) => (want.type === 'KeyError' ? e.message.startsWith(`KeyError: ${want.message}`) : e.message.startsWith(want.message)),
  );
}

test('a tensor batch with a string or null in it', () => {
  refuses([torch.ones(2), 'a'], fx.tensor_then_str);
  refuses([torch.ones(2), null], fx.tensor_then_none);
  refuses([torch.ones(2), undefined], fx.tensor_then_none);
});

test('a number batch with a string or null in it (no NaN from Number("a"))', () => {
  refuses([1, 'a'], fx.number_then_str);
  refuses([1, null], fx.number_then_none);
  assert.deepEqual(defaultCollate([1.5, torch.tensor(1, { dtype: 'float32' })]).tolist(), fx.number_and_scalar_tensor);
});

test('objects missing a key, lists of unequal length', () => {
  refuses([{ x: 1 }, { y: 2 }], fx.missing_key);
  refuses([[1, 2], [1]], fx.ragged_list);
});

test('a sample that contains itself, or is nested too deep, gets a clear error', () => {
  const a: Record<string, unknown> = { x: 1 };
  a.self = a;
  assert.throws(() => defaultCollate([a, a]), /sample\.self contains itself/);
  let deep: unknown = 1;
  for (let i = 0; i < 2000; i++) deep = [deep];
  assert.throws(() => defaultCollate([deep, deep]), /nested more than 500 levels deep/);
});

test('the error comes out of the DataLoader unchanged', () => {
  const loader = new DataLoader([torch.ones(2), 'a'], { batchSize: 2 });
  assert.throws(() => [...loader], { message: /^expected Tensor as element 1 in argument 0, but got str/ });
});
