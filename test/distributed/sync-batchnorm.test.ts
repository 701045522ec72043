// nn.SyncBatchNorm with 2 and 3 processes (workers/sync-bn.ts): each rank's output, input gradient
// and running statistics equal those of one BatchNorm2d over the whole batch (and the weight and
// bias gradients summed over ranks, as DDP would), to float32 reduction order; convertSyncBatchnorm
// swaps BatchNorm layers in place of PyTorch's; one process and eval mode are plain batch norm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn } from '../../src/index.js';
import { describe, distributedSkip, runRanks } from './helpers.js';

const skip = distributedSkip();

interface Report {
  rank: number;
  isSync: boolean;
  out: number[];
  gradInput: number[];
  gradWeight: number[];
  gradBias: number[];
  runningMean: number[];
  runningVar: number[];
  evalOut: number[];
  ref?: Omit<Report, 'rank' | 'isSync' | 'ref'>;
}

function close(a: number[], b: number[], label: string): void {
  assert.equal(a.length, b.length, label);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 + 1e-5 * Math.abs(b[i]), `${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

for (const [world, per] of [[2, 3], [3, 1]] as const) {
  test(`SyncBatchNorm on ${world} processes (${per} sample${per > 1 ? 's' : ''} each) equals BatchNorm2d on the whole batch`, { skip, timeout: 120_000 }, async () => {
    const results = await runRanks('sync-bn.ts', world, { timeoutMs: 100_000, args: [String(per)] });
    for (const r of results) assert.equal(r.code, 0, describe(results));
    const reports = results.map((r) => JSON.parse(r.stdout.trim().split('\n').pop() as string) as Report);
    const ref = reports[0].ref!;
    const chunk = ref.out.length / world;
    for (const r of reports) {
      assert.ok(r.isSync, 'convertSyncBatchnorm replaced the BatchNorm2d');
      close(r.out, ref.out.slice(r.rank * chunk, (r.rank + 1) * chunk), `rank ${r.rank} output`);
      close(r.gradInput, ref.gradInput.slice(r.rank * chunk, (r.rank + 1) * chunk), `rank ${r.rank} input grad`);
      close(r.gradWeight, ref.gradWeight, `rank ${r.rank} weight grad (summed over ranks)`);
      close(r.gradBias, ref.gradBias, `rank ${r.rank} bias grad (summed over ranks)`);
      close(r.runningMean, ref.runningMean, `rank ${r.rank} running_mean`);
      close(r.runningVar, ref.runningVar, `rank ${r.rank} running_var (unbiased over the whole batch)`);
    }
  });
}

test('SyncBatchNorm: PyTorch\'s arguments, errors and repr; convertSyncBatchnorm keeps parameters and buffers', () => {
  const bn = new nn.BatchNorm1d(3, { momentum: null });
  torch.noGrad(() => bn.weight!.fill_(2));
  bn.eval();
  const seq = new nn.Sequential(new nn.Linear(2, 3), bn);
  const converted = nn.SyncBatchNorm.convertSyncBatchnorm(seq) as nn.Sequential;
  assert.equal(converted, seq);
  const sync = converted.get(1) as nn.SyncBatchNorm;
  assert.ok(sync instanceof nn.SyncBatchNorm);
  assert.equal(sync.weight, bn.weight);
  assert.equal(sync.running_mean, bn.running_mean);
  assert.equal(sync.training, false);
  assert.equal(String(sync), 'SyncBatchNorm(3, eps=1e-05, momentum=None, affine=True, track_running_stats=True)');
  assert.deepEqual(Object.keys(converted.stateDict()), Object.keys(new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3)).stateDict()));
  assert.throws(() => new nn.SyncBatchNorm(4).forward(torch.ones([4])), /expected at least 2D input \(got 1D input\)/);
  assert.throws(() => new nn.SyncBatchNorm(0).forward(torch.ones([2, 0])), /SyncBatchNorm number of input channels should be non-zero/);
  // Without a process group (or in eval mode) it is plain batch norm.
  torch.manualSeed(3);
  const x = torch.randn([5, 3, 2]);
  const plain = new nn.BatchNorm1d(3);
  const s = new nn.SyncBatchNorm(3);
  if (!torch.distributed.isInitialized()) {
    // getWorldSize needs a group: PyTorch's SyncBatchNorm raises the same "not initialized" error.
    assert.throws(() => s.forward(x), /Default process group has not been initialized/);
  }
  s.eval();
  plain.eval();
  assert.deepEqual(s.forward(x).tolist(), plain.forward(x).tolist());
});
