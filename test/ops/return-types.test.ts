// (values, indices) results are PyTorch's torch.return_types namedtuples: by name, by position
// (`output.max(1)[1]`) and unpacked (`_, idx = torch.max(vec, 1)` in the Bi-LSTM-CRF tutorial).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const list = (t: Tensor) => t.tolist();

test('max/min/topk/sort/kthvalue/median/mode/cummax results unpack and index as namedtuples', () => {
  const x = torch.tensor([[1, 5, 3], [4, 2, 6]], { dtype: torch.float32 });
  const results = [torch.max(x, 1), torch.min(x, 1), x.topk(2), x.sort(), x.kthvalue(2), x.median(1), x.mode(1), x.cummax(1), x.cummin(1), x.max(1, true)];
  for (const r of results) {
    const [values, indices] = r;
    assert.equal(values, r.values);
    assert.equal(indices, r.indices);
    assert.equal(r[0], r.values);
    assert.equal(r[1], r.indices);
    assert.equal(r.length, 2);
    assert.equal(indices.dtype, 'int64');
  }
  const [, idx] = torch.max(x, 1);
  assert.deepEqual(list(idx), [1, 2]);
  assert.deepEqual(list(x.max(1)[0]), [5, 6]);
});
