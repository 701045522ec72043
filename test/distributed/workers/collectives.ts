// One rank of the collectives test: every collective, reduce op and dtype against its
// definition. Each rank's inputs are a function of its rank, so every rank can compute
// what every collective must produce. Exits non-zero (with the failed check) on a mismatch.
import assert from 'node:assert/strict';
import * as torch from '../../../src/index.js';
import type { DType, Tensor } from '../../../src/index.js';

const d = torch.distributed;
d.initProcessGroup('gloo', { timeout: 30_000 });
const rank = d.getRank();
const n = d.getWorldSize();
const N = 5;
let checks = 0;

const DTYPES: DType[] = ['float32', 'float64', 'int64', 'int32', 'uint8'];
const isFloat = (dt: DType) => dt === 'float32' || dt === 'float64';
/** Rank r's i-th input value: small, so products of up to 4 ranks fit uint8; floats get an exact fraction. */
const value = (r: number, i: number, dt: DType) => ((r * 7 + i * 3) % 5) + 1 + (isFloat(dt) ? 0.25 : 0);
const input = (r: number, dt: DType, len = N, shift = 0) => torch.tensor(Array.from({ length: len }, (_, i) => value(r, i + shift, dt)), { dtype: dt });
const ranks = Array.from({ length: n }, (_, r) => r);

function expectValues(t: Tensor, want: number[], label: string): void {
  const round = t.dtype === 'float32' ? Math.fround : (v: number) => v;
  assert.deepEqual(Array.from(t.toTypedArray() as ArrayLike<number>, Number), want.map(round), `${label} (rank ${rank})`);
  checks++;
}

const REDUCE: Record<string, (a: number, b: number) => number> = {
  SUM: (a, b) => a + b,
  PRODUCT: (a, b) => a * b,
  MIN: (a, b) => Math.min(a, b),
  MAX: (a, b) => Math.max(a, b),
};

function reduced(op: string, dt: DType, len = N, shift = 0): number[] {
  return Array.from({ length: len }, (_, i) => {
    const vals = ranks.map((r) => value(r, i + shift, dt));
    if (op === 'AVG') return (dt === 'float32' ? Math.fround(vals.reduce((a, b) => a + b)) : vals.reduce((a, b) => a + b)) / n;
    return vals.reduce(REDUCE[op]);
  });
}

for (const dt of DTYPES) {
  const ops = isFloat(dt) ? ['SUM', 'PRODUCT', 'MIN', 'MAX', 'AVG'] : ['SUM', 'PRODUCT', 'MIN', 'MAX'];
  for (const op of ops) {
    const t = input(rank, dt);
    d.allReduce(t, op as torch.distributed.ReduceOp);
    expectValues(t, reduced(op, dt), `allReduce ${op} ${dt}`);
    for (const dst of ranks) {
      const u = input(rank, dt);
      d.reduce(u, dst, { op: op as torch.distributed.ReduceOp });
      expectValues(u, rank === dst ? reduced(op, dt) : input(rank, dt).tolist() as number[], `reduce ${op} ${dt} to ${dst}`);
    }
    const outs = input(rank, dt, 2);
    d.reduceScatter(outs, ranks.map((q) => input(rank, dt, 2, 2 * q)), { op: op as torch.distributed.ReduceOp });
    expectValues(outs, reduced(op, dt, 2, 2 * rank), `reduceScatter ${op} ${dt}`);
  }
  if (!isFloat(dt)) assert.throws(() => d.allReduce(input(rank, dt), 'AVG'), /AVG needs a floating point tensor/);

  for (const src of ranks) {
    const t = input(rank, dt);
    d.broadcast(t, src);
    expectValues(t, input(src, dt).tolist() as number[], `broadcast ${dt} from ${src}`);
  }
  const list = ranks.map(() => torch.zeros([N], { dtype: dt }));
  d.allGather(list, input(rank, dt));
  list.forEach((t, r) => expectValues(t, input(r, dt).tolist() as number[], `allGather ${dt} [${r}]`));

  for (const dst of [0, n - 1]) {
    const gl = rank === dst ? ranks.map(() => torch.zeros([N], { dtype: dt })) : null;
    d.gather(input(rank, dt), gl, dst);
    if (gl) gl.forEach((t, r) => expectValues(t, input(r, dt).tolist() as number[], `gather ${dt} [${r}] to ${dst}`));
    const out = torch.zeros([N], { dtype: dt });
    d.scatter(out, rank === dst ? ranks.map((q) => input(q + 10, dt)) : null, dst);
    expectValues(out, input(rank + 10, dt).tolist() as number[], `scatter ${dt} from ${dst}`);
  }

  const outputs = ranks.map(() => torch.zeros([2], { dtype: dt }));
  d.allToAll(outputs, ranks.map((q) => input(rank * 100 + q, dt, 2)));
  outputs.forEach((t, q) => expectValues(t, input(q * 100 + rank, dt, 2).tolist() as number[], `allToAll ${dt} from ${q}`));

  const single = torch.zeros([2 * n], { dtype: dt });
  d.allToAllSingle(single, input(rank, dt, 2 * n));
  expectValues(single, ranks.flatMap((q) => (input(q, dt, 2 * n).tolist() as number[]).slice(2 * rank, 2 * rank + 2)), `allToAllSingle ${dt}`);

  // A ring of point-to-point messages, both directions in flight at once.
  const next = (rank + 1) % n;
  const prev = (rank + n - 1) % n;
  if (n > 1) {
    const got = torch.zeros([N], { dtype: dt });
    const s = d.isend(input(rank, dt), next, { tag: 3 })!;
    const r = d.irecv(got, prev, { tag: 3 })!;
    s.wait();
    r.wait();
    expectValues(got, input(prev, dt).tolist() as number[], `isend/irecv ${dt}`);
    if (rank === 0) {
      const any = torch.zeros([N], { dtype: dt });
      for (let k = 1; k < n; k++) {
        const from = d.recv(any);
        expectValues(any, input(from, dt).tolist() as number[], `recv from any (${from}) ${dt}`);
      }
    } else {
      d.send(input(rank, dt), 0);
    }
  }
}

// Non-contiguous tensors go through a contiguous copy and come back in place.
const base = torch.arange(12, { dtype: 'float32' }).reshape([3, 4]).add(rank);
const view = base.t();
d.allReduce(view);
expectValues(base, Array.from({ length: 12 }, (_, i) => ranks.reduce((s, r) => s + i + r, 0)), 'allReduce of a transposed view');

// asyncOp: a Work, a Promise, completion.
const t = input(rank, 'float32');
const work = d.allReduce(t, { asyncOp: true });
assert.ok(work instanceof d.Work);
const [result] = await work.getFuture();
assert.equal(result, t);
assert.ok(work.isCompleted() && work.isSuccess());
expectValues(t, reduced('SUM', 'float32'), 'async allReduce');
const w2 = d.broadcast(input(rank, 'float64'), 0, { asyncOp: true })!;
assert.equal(w2.wait(), true);
assert.ok(w2.isCompleted());

// A subgroup of the first and last rank: its collectives use global ranks for src/dst.
const sub = d.newGroup([0, n - 1]);
if (rank === 0 || rank === n - 1) {
  assert.ok(sub instanceof d.ProcessGroup);
  assert.equal(d.getWorldSize(sub), n > 1 ? 2 : 1);
  assert.equal(d.getRank(sub), rank === 0 ? 0 : 1);
  const s = torch.tensor([rank + 1], { dtype: 'float32' });
  d.allReduce(s, { group: sub });
  expectValues(s, [n > 1 ? n + 1 : 1], 'subgroup allReduce');
  const b = torch.tensor([rank], { dtype: 'float32' });
  d.broadcast(b, n - 1, { group: sub });
  expectValues(b, [n - 1], 'subgroup broadcast from the last global rank');
  if (n > 2) assert.throws(() => d.broadcast(b, 1, { group: sub }), /global rank 1 is not part of the group/);
} else {
  assert.equal(sub, d.GroupMember.NON_GROUP_MEMBER);
  assert.equal(d.getRank(sub), -1);
}

assert.throws(() => d.broadcast(input(rank, 'float32'), n), new RegExp(`global rank ${n} is not part of the group`));
assert.throws(() => d.allReduce(torch.tensor([true])), /unsupported dtype bool/);
assert.throws(() => d.allGather([torch.zeros([N])], input(rank, 'float32')), /must have \d+ tensors/);
d.barrier();
d.destroyProcessGroup();
assert.equal(d.isInitialized(), false);
console.log(`ok ${checks} checks`);
