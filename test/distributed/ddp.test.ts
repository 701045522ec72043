// DistributedDataParallel with 2 processes on 127.0.0.1 (workers/ddp.ts): 20 SGD steps of a
// seeded MLP, each rank on half of every global batch, give the parameters of one process
// trained on the whole batch and those of PyTorch's DDP on Gloo (scripts/fixtures/ddp.py).
// Tolerance: float32 reduction order (DDP sums halves of the gradient, one process sums the
// whole batch), amplified over 20 momentum steps: atol 2e-6 + rtol 1e-5.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { describe, distributedSkip, runRanks } from './helpers.js';

const skip = distributedSkip();

function close(a: number[], b: number[], label: string): void {
  assert.equal(a.length, b.length, label);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= 2e-6 + 1e-5 * Math.abs(b[i]), `${label}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

test('DDP with 2 processes equals one process on the whole batch and PyTorch\'s DDP; broadcast, noSync, findUnusedParameters', { skip, timeout: 120_000 }, async () => {
  const results = await runRanks('ddp.ts', 2, { timeoutMs: 100_000 });
  for (const r of results) assert.equal(r.code, 0, describe(results));
  const out = JSON.parse(results[0].stdout.trim().split('\n').pop() as string) as {
    keys: string[];
    ddpFinal: Record<string, number[]>;
    refFinal: Record<string, number[]>;
    ddpLosses: number[];
  };
  const fx = loadFixture<{ keys: string[]; final: Record<string, number[]>; losses: number[] }>('ddp.json');
  assert.deepEqual(out.keys, fx.keys);
  for (const k of Object.keys(fx.final)) {
    close(out.ddpFinal[k], out.refFinal[k], `DDP vs one process: ${k}`);
    close(out.ddpFinal[k], fx.final[k], `DDP vs PyTorch's DDP: ${k}`);
  }
  close(out.ddpLosses, fx.losses, 'rank 0 losses vs PyTorch');
});

test('DDP buckets: PyTorch\'s assignment (first bucket 1 MB, then bucketCapMb; reverse order)', () => {
  const p = (n: number) => torch.zeros([n]);
  const mb = 1024 * 1024;
  // 4 float32 tensors of 0.5 MB each: the first bucket closes at 1 MB, the rest share one bucket.
  assert.deepEqual(torch.nn.parallel._assignBuckets([p(mb / 8), p(mb / 8), p(mb / 8), p(mb / 8)], 25 * mb), [[2, 3], [0, 1]]);
  // A small model: one bucket.
  assert.deepEqual(torch.nn.parallel._assignBuckets([p(10), p(3), p(7)], 25 * mb), [[0, 1, 2]]);
  // dtypes never share a bucket.
  assert.deepEqual(torch.nn.parallel._assignBuckets([p(10), torch.zeros([3], { dtype: 'float64' }), p(7)], 25 * mb), [[1], [0, 2]]);
});
