// torch.FloatTensor and friends (src/ops/legacy-types.ts), and the error a transcribed
// torch.Tensor(data) gets: `new torch.Tensor(...)` is the internal constructor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

test('torch.FloatTensor([[i]]) takes a 0-d tensor as an element; LongTensor keeps int64', () => {
  const i = torch.tensor(3);
  const f = torch.FloatTensor([[i]] as unknown as number[][]);
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(f.shape, [1, 1]);
  assert.deepEqual(f.long().tolist(), [[3]]);
  assert.equal(torch.LongTensor([i] as unknown as number[]).dtype, 'int64');
  assert.deepEqual(torch.FloatTensor(2, 3).shape, [2, 3]);
});

test("new torch.Tensor(data) / new torch.Tensor(2, 3) name what to write instead", () => {
  const Ctor = torch.Tensor as unknown as new (...args: unknown[]) => unknown;
  for (const args of [[[[1, 2]]], [2, 3], []]) {
    assert.throws(() => new Ctor(...args), (e: Error) => e instanceof TypeError && /internal constructor.*torch\.FloatTensor\(data\)/s.test(e.message));
  }
});
