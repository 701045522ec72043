// DistributedSampler's index order against PyTorch's (scripts/fixtures/distributed_sampler.py):
// seeds, epochs, shuffle, dropLast, numReplicas and ranks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Case {
  n: number;
  numReplicas: number;
  rank: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  epoch: number;
  length: number;
  indices: number[];
}
const fixture = loadFixture<{ cases: Case[]; errors: { rank: string } }>('distributed_sampler.json');

test('DistributedSampler gives PyTorch\'s indices for every seed, epoch, shuffle, dropLast, numReplicas and rank', () => {
  for (const c of fixture.cases) {
    const data = Array.from({ length: c.n }, (_, i) => i);
    const s = new torch.utils.data.DistributedSampler(data, c.numReplicas, c.rank, { shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast });
    s.setEpoch(c.epoch);
    const label = JSON.stringify({ ...c, indices: undefined });
    assert.equal(s.length, c.length, label);
    assert.deepEqual([...s], c.indices, label);
  }
  assert.ok(fixture.cases.length > 100);
});

test('DistributedSampler checks its rank as PyTorch does, and needs a process group when numReplicas/rank are not given', () => {
  assert.throws(() => new torch.utils.data.DistributedSampler([0, 1, 2, 3], { numReplicas: 2, rank: 2 }), { message: fixture.errors.rank });
  if (torch.distributed.isAvailable()) {
    assert.throws(() => new torch.utils.data.DistributedSampler([0, 1]), /Default process group has not been initialized/);
  } else {
    assert.throws(() => new torch.utils.data.DistributedSampler([0, 1]), /Requires distributed package to be available/);
  }
  assert.throws(() => new torch.utils.data.DistributedSampler([0, 1], 2, 0, { drop_last: true } as never), /drop_last/);
});

test('DistributedSampler works with a DataLoader: the replicas split an epoch between them', () => {
  const ds = new torch.utils.data.TensorDataset(torch.arange(10));
  const seen: number[] = [];
  for (const rank of [0, 1]) {
    const sampler = new torch.utils.data.DistributedSampler(ds, 2, rank, { seed: 3 });
    sampler.setEpoch(1);
    for (const [x] of new torch.utils.data.DataLoader(ds, { batchSize: 2, sampler })) seen.push(...(Array.from(x.toTypedArray(), Number)));
  }
  assert.deepEqual(seen.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
