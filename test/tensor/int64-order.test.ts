// Exact int64 ordering (issue 14): sort, topk, kthvalue, median, mode, cummax/cummin,
// max/min(dim), unique, searchsorted and isin on values past 2^53 that differ only below a
// double's precision (they all round to ±2^60). Expected values from scripts/fixtures/int64.py.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

type Int = number | string;
interface VI {
  values: Int[];
  indices: number[];
}
interface Fixture {
  ordering: Record<string, VI | Int[] | number | boolean[]>;
}

const fx = loadFixture<Fixture>('int64.json').ordering;
const P = 2n ** 60n;
const C = [P + 3n, P + 1n, P + 2n, -P - 1n, -P - 3n, P + 1n, P + 2n, 5n];
const D = [P + 3n, P + 1n, P + 2n, -P - 1n, -P - 3n, P + 5n, -P, 5n];
const bigs = (vs: Int[]): bigint[] => vs.map((v) => BigInt(v));
const values = (t: torch.Tensor): bigint[] => {
  assert.equal(t.dtype, 'int64');
  return Array.from(t.reshape(-1).toTypedArray() as BigInt64Array);
};
const want = (name: string) => fx[name] as VI;
const wantInts = (name: string) => bigs(fx[name] as Int[]);
function checkVI(name: string, got: { values: torch.Tensor; indices: torch.Tensor }): void {
  assert.deepEqual(values(got.values), bigs(want(name).values), `${name} values`);
  assert.deepEqual(got.indices.reshape(-1).tolist(), want(name).indices, `${name} indices`);
}

describe('int64 orders exactly past 2^53', () => {
  const c = () => torch.tensor(C);
  const d = () => torch.tensor(D);
  const m = () => torch.tensor(D).reshape(2, 4);

  test('sort, argsort, msort, topk, kthvalue', () => {
    checkVI('sort', d().sort());
    checkVI('sort_desc', d().sort({ descending: true }));
    checkVI('sort_stable', c().sort({ stable: true }));
    assert.deepEqual(d().argsort().tolist(), fx.argsort);
    assert.deepEqual(values(torch.msort(m())), wantInts('msort'));
    checkVI('topk', d().topk(3));
    checkVI('topk_smallest', d().topk(3, { largest: false }));
    checkVI('kthvalue', d().kthvalue(3));
  });

  test('median, nanmedian, mode', () => {
    assert.deepEqual(values(d().median()), wantInts('median'));
    assert.deepEqual(values(d().nanmedian()), wantInts('nanmedian'));
    // The median of values that only ranks tell apart is the exact element.
    assert.deepEqual(values(torch.tensor([P + 3n, P + 1n, P + 2n]).median()), [P + 2n]);
    checkVI('median_dim', m().median(1));
    checkVI('mode', c().mode());
  });

  test('cummax, cummin, max/min(dim), argmax, amax', () => {
    checkVI('cummax', d().cummax(0));
    checkVI('cummin', d().cummin(0));
    checkVI('max_dim', m().max(1));
    checkVI('min_dim', m().min(1));
    assert.equal(d().argmax().item(), fx.argmax);
    assert.equal(d().argmin().item(), fx.argmin);
    assert.deepEqual(values(m().amax(1)), wantInts('amax'));
    assert.deepEqual(values(m().amin(1)), wantInts('amin'));
    // Bulk sizes (the native backend's threaded path) compare exactly too.
    assert.equal(torch.tensor(D).repeat(100).argmax().item(), fx.argmax);
    assert.deepEqual(values(torch.tensor(D).repeat(100).reshape(100, 8).amax(1)).slice(0, 1), [P + 5n]);
  });

  test('unique, uniqueConsecutive, searchsorted, isin', () => {
    const [u, inv, cnt] = torch.unique(c(), { returnInverse: true, returnCounts: true });
    assert.deepEqual(values(u), wantInts('unique'));
    assert.deepEqual(inv.tolist(), fx.unique_inverse);
    assert.deepEqual(cnt.tolist(), fx.unique_counts);
    assert.deepEqual(values(torch.unique(c())), wantInts('unique'));
    const [uc, ucinv, uccnt] = torch.uniqueConsecutive(torch.tensor([P + 1n, P + 1n, P + 2n, P + 1n]), { returnInverse: true, returnCounts: true });
    assert.deepEqual(values(uc), wantInts('unique_consecutive'));
    assert.deepEqual(ucinv.tolist(), fx.unique_consecutive_inverse);
    assert.deepEqual(uccnt.tolist(), fx.unique_consecutive_counts);
    assert.deepEqual(values(torch.unique(torch.tensor([[P + 1n, 1n], [P, 1n], [P + 1n, 1n]]), { dim: 0 })), wantInts('unique_dim'));
    const bounds = torch.tensor([P + 1n, P + 2n, P + 3n]);
    const vals = torch.tensor([P + 2n, P + 3n, P, P + 4n]);
    assert.deepEqual(torch.searchsorted(bounds, vals).tolist(), fx.searchsorted);
    assert.deepEqual(torch.searchsorted(bounds, vals, { right: true }).tolist(), fx.searchsorted_right);
    assert.deepEqual(torch.isin(torch.tensor([P + 1n, P + 2n, P]), torch.tensor([P + 2n, P + 3n])).tolist(), fx.isin);
  });
});
