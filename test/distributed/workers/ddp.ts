// One rank of the DDP tests. Trains the fixture's MLP (scripts/fixtures/ddp.py) with DDP on this
// rank's half of each global batch; rank 0 also trains a plain copy on the whole batch. Then:
// parameters broadcast at construction, noSync accumulation, findUnusedParameters, buffers.
// Prints one JSON line (rank 0) for the test to compare.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';

const { nn, distributed: d } = torch;
interface Fixture {
  init: Record<string, { shape: number[]; data: number[] }>;
  x: number[];
  y: number[];
  steps: number;
  globalBatch: number;
  final: Record<string, number[]>;
}
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'ddp.json'), 'utf8')) as Fixture;

d.initProcessGroup('gloo', { timeout: 60_000 });
const rank = d.getRank();
const world = d.getWorldSize();

function mlp(): torch.nn.Module {
  const m = new nn.Sequential(new nn.Linear(10, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(fx.init)) sd[k] = torch.tensor(v.data, { dtype: 'float32' }).reshape(v.shape);
  m.loadStateDict(sd);
  return m;
}

const X = torch.tensor(fx.x, { dtype: 'float32' }).reshape([fx.steps, fx.globalBatch, 10]);
const Y = torch.tensor(fx.y, { dtype: 'int64' }).reshape([fx.steps, fx.globalBatch]);
const per = fx.globalBatch / world;

function train(model: torch.nn.Module, lo: number, hi: number): number[] {
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < fx.steps; s++) {
    opt.zeroGrad();
    const out = model.forward(X.select(0, s).narrow(0, lo, hi - lo)) as Tensor;
    const loss = nn.functional.crossEntropy(out, Y.select(0, s).narrow(0, lo, hi - lo));
    loss.backward();
    opt.step();
    losses.push(Number(loss.item()));
  }
  return losses;
}

const flat = (m: torch.nn.Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(v.toTypedArray() as Float32Array)]));

// 1. DDP training vs one process on the whole batch (rank 0 computes that too).
const ddp = new nn.parallel.DistributedDataParallel(mlp());
assert.ok(ddp.module instanceof nn.Sequential);
const keys = Object.keys(ddp.stateDict());
const ddpLosses = train(ddp, rank * per, (rank + 1) * per);
const ddpFinal = flat(ddp.module);
const ref = rank === 0 ? mlp() : null;
const refFinal = ref ? (train(ref, 0, fx.globalBatch), flat(ref)) : null;

// 2. Construction broadcasts rank 0's parameters and buffers.
torch.manualSeed(100 + rank);
const bn = new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4));
(bn.stateDict()['1.running_mean'] as Tensor).fill_(rank + 1);
const wrapped = new nn.parallel.DistributedDataParallel(bn);
const weights = torch.zeros([world, 16]);
d.allGather([...Array(world).keys()].map((r) => weights.select(0, r)), (bn.stateDict()['0.weight'] as Tensor).reshape([-1]).detach());
for (let r = 1; r < world; r++) assert.deepEqual(weights.select(0, r).tolist(), weights.select(0, 0).tolist(), 'weights broadcast from rank 0');
assert.deepEqual((bn.stateDict()['1.running_mean'] as Tensor).tolist(), [1, 1, 1, 1], 'buffers broadcast from rank 0');
// Each forward (broadcastBuffers) starts from rank 0's buffers again.
(bn.stateDict()['1.running_mean'] as Tensor).fill_(rank + 5);
wrapped.forward(torch.ones([2, 4]));
const means = torch.zeros([world, 4]);
d.allGather([...Array(world).keys()].map((r) => means.select(0, r)), (bn.stateDict()['1.running_mean'] as Tensor).detach().clone());
for (let r = 1; r < world; r++) assert.deepEqual(means.select(0, r).tolist(), means.select(0, 0).tolist(), 'buffers synced from rank 0 before forward');
assert.ok(Math.abs((means.select(0, 0).tolist() as number[])[0] - 4.5) < 0.2, 'running_mean = 0.9 * 5 + 0.1 * batch mean');

// 3. noSync: two local backward passes accumulate, the third (synced) all-reduces the sum.
torch.manualSeed(7);
const lin = new nn.Linear(3, 2);
const noSyncDdp = new nn.parallel.DistributedDataParallel(lin);
const xs = [0, 1, 2].map((k) => torch.ones([2, 3]).mul(rank + k + 1));
noSyncDdp.noSync(() => {
  for (const x of xs.slice(0, 2)) (noSyncDdp.forward(x) as Tensor).sum().backward();
});
const localAccum = lin.weight.grad!.clone();
(noSyncDdp.forward(xs[2]) as Tensor).sum().backward();
const expected = torch.zeros([2, 3]);
for (let r = 0; r < world; r++) for (let k = 0; k < 3; k++) expected.add_(torch.ones([2, 3]).mul(2 * (r + k + 1)));
expected.div_(world);
assert.ok(lin.weight.grad!.sub(expected).abs().max().item() < 1e-5, `noSync: ${lin.weight.grad!.tolist()} vs ${expected.tolist()}`);
assert.ok(localAccum.sub(torch.ones([2, 3]).mul(2 * (rank + 1) + 2 * (rank + 2))).abs().max().item() < 1e-5, 'noSync keeps gradients local');

// 4. findUnusedParameters: a branch only rank 0 uses; its gradient is averaged over ranks (zeros elsewhere).
class TwoHeads extends nn.Module {
  a = new nn.Linear(2, 1, { bias: false });
  b = new nn.Linear(2, 1, { bias: false });
  never = new nn.Linear(2, 1, { bias: false });
  override forward(x: Tensor, useB: boolean): Tensor {
    return useB ? this.a.forward(x).add(this.b.forward(x)) : this.a.forward(x);
  }
}
const heads = new TwoHeads();
const unusedDdp = new nn.parallel.DistributedDataParallel(heads, { findUnusedParameters: true });
(unusedDdp.forward(torch.ones([1, 2]), rank === 0) as Tensor).sum().backward();
assert.deepEqual(heads.a.weight.grad!.tolist(), [[1, 1]]);
assert.deepEqual(heads.b.weight.grad!.tolist(), [[1 / world, 1 / world]], 'used on rank 0 only: averaged with zeros');
assert.equal(heads.never.weight.grad, null, 'unused everywhere: grad stays null');

// Without findUnusedParameters an unused parameter is PyTorch's error at the next forward.
const strict = new nn.parallel.DistributedDataParallel(new TwoHeads());
(strict.forward(torch.ones([1, 2]), false) as Tensor).sum().backward();
assert.throws(() => strict.forward(torch.ones([1, 2]), false), /Expected to have finished reduction in the prior iteration/);

if (rank === 0) console.log(JSON.stringify({ keys, ddpFinal, refFinal, ddpLosses }));
d.destroyProcessGroup();
