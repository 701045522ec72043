// DataLoader workers seed Python's `random` (torchvision's RandomChoice / RandomOrder draw from
// it) with baseSeed + id, as PyTorch's worker loop does (scripts/fixtures/worker_py_random.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { transforms as T } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture<{ batches: number[][] }>('worker_py_random.json');

class Items extends torch.utils.data.Dataset<Tensor> {
  readonly choice = new T.RandomChoice([(x: Tensor) => x.add(1), (x: Tensor) => x.mul(10), (x: Tensor) => x.neg()]);
  get length(): number {
    return 8;
  }
  getItem(i: number): Tensor {
    return this.choice(torch.tensor([i], { dtype: 'float32' })) as Tensor;
  }
}

test("2 workers: each worker's Python random draws the batches PyTorch's do", () => {
  torch.manualSeed(0);
  const loader = new torch.utils.data.DataLoader(new Items(), { batchSize: 2, numWorkers: 2 });
  const batches = [...loader].map((b) => (b as Tensor).reshape(-1).tolist());
  assert.deepEqual(batches, fx.batches);
});
