// Searching, counting, indexing reductions and statistics against PyTorch
// (scripts/fixtures/ops_search_stats.py): outputs, dtypes and the gradients of a weighted
// sum of the float outputs; then gradcheck in float64 and argument errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Params = Record<string, never>;
interface Case {
  group: string;
  op: string;
  params: Params;
  inputs: TensorJson[];
  requires_grad: boolean[];
  outputs: TensorJson[];
  grads?: (TensorJson | null)[];
}
const fixture = loadFixture<{ cases: Case[] }>('ops_search_stats.json');

type Result = Tensor | Tensor[] | { values: Tensor; indices: Tensor } | { min: Tensor; max: Tensor } | { hist: Tensor; binEdges: Tensor };
const opt = <T>(v: T | undefined): T | undefined => v;

const OPS: Record<string, (i: Tensor[], p: Params) => Result> = {
  unique: (i, p) => torch.unique(i[0], { returnInverse: p.ri, returnCounts: p.rc, dim: opt(p.dim) }),
  unique_consecutive: (i, p) => i[0].uniqueConsecutive(p.ri, p.rc, opt(p.dim)),
  bincount: (i, p) => torch.bincount(i[0], i[1] ?? null, p.minlength ?? 0),
  histc: (i, p) => i[0].histc(p.bins, p.min, p.max),
  histogram: (i, p) => (p.tensor_bins ? torch.histogram(i[0], i[1], { density: opt(p.density) })
    : torch.histogram(i[0], p.bins, { range: opt(p.range), weight: p.weighted ? i[1] : null, density: opt(p.density) })),
  histogramdd: (i, p) => {
    const r = p.tensor_bins ? torch.histogramdd(i[0], [i[1], i[2]]) : torch.histogramdd(i[0], p.bins, { range: opt(p.range), weight: p.weighted ? i[1] : null, density: opt(p.density) });
    return [r.hist, ...r.binEdges];
  },
  searchsorted: (i, p) => torch.searchsorted(i[0], i[1], { right: opt(p.right), side: opt(p.side), sorter: i[2] ?? null, outInt32: opt(p.out_int32) }),
  bucketize: (i, p) => torch.bucketize(i[0], i[1], { right: opt(p.right) }),
  argwhere: (i) => torch.argwhere(i[0]),
  count_nonzero: (i, p) => i[0].countNonzero(opt(p.dim)),
  isin: (i, p) => torch.isin(i[0], i[1], { invert: opt(p.invert) }),
  take: (i) => i[0].take(i[1]),
  take_along_dim: (i, p) => torch.takeAlongDim(i[0], i[1], opt(p.dim)),
  cummax: (i, p) => torch.cummax(i[0], p.dim),
  cummin: (i, p) => i[0].cummin({ dim: p.dim }),
  put: (i, p) => i[0].put(i[1], i[2], p.accumulate),
  index_fill: (i, p) => i[0].indexFill(p.dim, i[1], i[2] ?? p.value),
  index_copy: (i, p) => torch.indexCopy(i[0], p.dim, i[1], i[2]),
  scatter_reduce: (i, p) => i[0].scatterReduce(p.dim, i[1], i[2], p.reduce, { includeSelf: p.include_self }),
  index_reduce: (i, p) => torch.indexReduce(i[0], p.dim, i[1], i[2], p.reduce, { includeSelf: p.include_self }),
  masked_scatter: (i) => i[0].maskedScatter(i[1], i[2]),
  index_put: (i, p) => torch.indexPut(i[0], [i[1]], i[2], p.accumulate),
  logcumsumexp: (i, p) => i[0].logcumsumexp(p.dim),
  aminmax: (i, p) => torch.aminmax(i[0], { dim: opt(p.dim), keepdim: opt(p.keepdim) }),
  nanmean: (i, p) => i[0].nanmean(opt(p.dim), opt(p.keepdim)),
  var: (i, p) => torch.var(i[0], p.dim ?? null, { correction: p.correction, keepdim: opt(p.keepdim) }),
  std: (i, p) => torch.std(i[0], p.dim ?? null, { correction: p.correction, keepdim: opt(p.keepdim) }),
  var_mean: (i, p) => torch.varMean(i[0], p.dim ?? null, { correction: p.correction, keepdim: opt(p.keepdim) }),
  std_mean: (i, p) => torch.stdMean(i[0], p.dim ?? null, { correction: p.correction, keepdim: opt(p.keepdim) }),
  quantile: (i, p) => torch.quantile(i[0], i[1] ?? p.q, opt(p.dim), opt(p.keepdim), { interpolation: p.interpolation }),
  nanquantile: (i, p) => i[0].nanquantile(i[1] ?? p.q, { dim: opt(p.dim), keepdim: opt(p.keepdim), interpolation: p.interpolation }),
  diff: (i, p) => torch.diff(i[0], p.n, p.dim, p.prepend ? i[1] : null, p.append ? i[i.length - 1] : null),
  cov: (i, p) => torch.cov(i[0], { correction: opt(p.correction), fweights: p.fw ? i[1] : null, aweights: p.aw ? i[i.length - 1] : null }),
  corrcoef: (i) => i[0].corrcoef(),
  renorm: (i, p) => torch.renorm(i[0], p.p, p.dim, p.maxnorm),
  dist: (i, p) => i[0].dist(i[1], (p.p as unknown) === 'inf' ? Infinity : p.p),
};

function flatten(r: Result): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return r;
  if ('values' in r) return [r.values, r.indices];
  if ('min' in r) return [r.min, r.max];
  return [r.hist, r.binEdges];
}

describe('searching, indexing reductions and statistics against PyTorch', () => {
  const seen = new Map<string, number>();
  for (const c of fixture.cases) {
    const n = (seen.get(c.op) ?? 0) + 1;
    seen.set(c.op, n);
    test(`${c.group}: ${c.op} #${n} ${JSON.stringify(c.params)}`, () => {
      const inputs = c.inputs.map((t, k) => fromJson(t, { requiresGrad: c.requires_grad[k] }));
      const outs = flatten(OPS[c.op](inputs, c.params));
      assert.equal(outs.length, c.outputs.length, 'number of outputs');
      outs.forEach((o, k) => assertTensor(o, c.outputs[k], { rtol: 1e-5, atol: 1e-5 }, `output ${k}`));
      if (c.grads) {
        const diff = outs.filter((o) => o.requiresGrad);
        const total = diff.map((o) => o.mul(torch.arange(o.numel(), { dtype: o.dtype }).add(1).sin().reshape(o.shape)).sum()).reduce((a, b) => a.add(b));
        total.backward();
        c.grads.forEach((g, k) => {
          if (g === null) assert.equal(inputs[k].grad, null, `grad ${k} is None`);
          else assertTensor(inputs[k].grad as Tensor, g, { rtol: 1e-4, atol: 1e-5 }, `grad ${k}`);
        });
      }
    });
  }
});

describe('gradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const x = () => torch.tensor([[0.3, -1.2, 2.5, 0.7], [1.1, -0.4, -2.2, 0.9], [0.05, 1.7, -0.8, 2.9]], f64).requiresGrad_();
  const y = () => torch.tensor([[1.3, 0.2, -0.5, 0.4], [0.6, -1.4, 0.2, 1.9], [0.45, -0.7, 1.8, -2.1]], f64).requiresGrad_();
  const idx = torch.tensor([[0, 2, 0, 1], [1, 1, 2, 0]]);
  const cases: [string, (...t: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['cummax', (a) => a.cummax(1).values, () => [x()]],
    ['cummin', (a) => torch.cummin(a, 0).values, () => [x()]],
    ['logcumsumexp', (a) => a.logcumsumexp(1), () => [x()]],
    ['take', (a) => a.take(torch.tensor([[0, -1], [5, 5]])), () => [x()]],
    ['takeAlongDim', (a) => torch.takeAlongDim(a, torch.tensor([[0], [3], [1]]), 1), () => [x()]],
    ['put', (a, b) => a.put(torch.tensor([1, 1, 7]), b.reshape(-1).narrow(0, 0, 3), true), () => [x(), y()]],
    ['indexFill', (a, b) => a.indexFill(1, torch.tensor([0, 2]), b.sum()), () => [x(), y()]],
    ['indexCopy', (a, b) => a.indexCopy(1, torch.tensor([3, 0]), b.narrow(1, 0, 2)), () => [x(), y()]],
    ['maskedScatter', (a, b) => a.maskedScatter(torch.tensor([true, false, true, true]), b), () => [x(), y()]],
    ['indexPut', (a, b) => torch.indexPut(a, [torch.tensor([2, 0])], b.narrow(0, 0, 2), true), () => [x(), y()]],
    ['quantile', (a) => a.quantile(torch.tensor([0.2, 0.7], f64), 1), () => [x()]],
    ['nanquantile', (a) => a.nanquantile(0.4, { interpolation: 'midpoint' }), () => [x()]],
    ['diff', (a, b) => torch.diff(a, 2, 1, b.narrow(1, 0, 1)), () => [x(), y()]],
    ['cov', (a) => torch.cov(a, { aweights: torch.tensor([0.5, 1, 2, 1], f64) }), () => [x()]],
    ['corrcoef', (a) => a.corrcoef(), () => [x()]],
    ['renorm', (a) => a.renorm(2, 0, 2.5), () => [x()]],
    ['dist', (a, b) => torch.dist(a, b, 3), () => [x(), y()]],
    ['nanmean', (a) => a.nanmean(1), () => [x()]],
    ['varMean', (a) => { const [v, m] = torch.varMean(a, 1); return v.add(m.mul(2)); }, () => [x()]],
  ];
  for (const reduce of ['sum', 'prod', 'mean', 'amax', 'amin'] as const) {
    for (const includeSelf of [true, false]) {
      cases.push([`scatterReduce ${reduce} includeSelf=${includeSelf}`, (a, b) => a.scatterReduce(0, idx, b.narrow(0, 0, 2), reduce, { includeSelf }), () => [x(), y()]]);
      if (reduce !== 'sum') cases.push([`indexReduce ${reduce} includeSelf=${includeSelf}`, (a, b) => a.indexReduce(1, torch.tensor([0, 3, 0, 1]), b, reduce, { includeSelf }), () => [x(), y()]]);
    }
  }
  for (const [name, fn, inputs] of cases) {
    test(name, () => {
      assert.ok(torch.autograd.gradcheck(fn, inputs()));
    });
  }
  test('second derivatives', () => {
    assert.ok(torch.autograd.gradgradcheck((a) => a.logcumsumexp(1), [x()]));
    assert.ok(torch.autograd.gradgradcheck((a) => a.cummax(0).values.mul(a), [x()]));
    assert.ok(torch.autograd.gradgradcheck((a) => a.corrcoef(), [x()]));
  });
});

describe('arguments and in-place forms', () => {
  test('in-place twins', () => {
    const a = torch.zeros([2, 3]);
    a.put_(torch.tensor([0, 5]), torch.tensor([1, 2], { dtype: 'float32' }));
    a.indexFill_(1, torch.tensor([1]), -1);
    a.scatterReduce_(1, torch.tensor([[2, 2]]), torch.tensor([[3, 4]], { dtype: 'float32' }), 'amax');
    a.indexReduce_(0, torch.tensor([1]), torch.tensor([[2, 2, 2]], { dtype: 'float32' }), 'prod');
    a.maskedScatter_(torch.tensor([[false, false, false], [true, false, false]]), torch.tensor([9], { dtype: 'float32' }));
    assert.deepEqual(a.tolist(), [[1, -1, 4], [9, -2, 4]]);
    const r = torch.tensor([[3, 4], [0.3, 0.4]]);
    r.renorm_(2, 0, 1);
    assert.ok(Math.abs((r.tolist() as number[][])[0][0] - 0.6) < 1e-6);
  });
  test('unique without inverse or counts is a tensor; var_mean positional forms', () => {
    const u: Tensor = torch.unique(torch.tensor([3, 1, 3]));
    assert.deepEqual(u.tolist(), [1, 3]);
    const x = torch.tensor([[1.5, 2, 4], [3, 5, 9]]);
    const [v, m] = torch.varMean(x, 1, false, true);
    assert.deepEqual(v.shape, [2, 1]);
    assert.ok(torch.allclose(v, x.var(1, { unbiased: false, keepdim: true })));
    assert.ok(torch.allclose(m, x.mean(1, true)));
    const [s0, m0] = torch.stdMean(x, true);
    assert.ok(torch.allclose(s0, x.std()) && torch.allclose(m0, x.mean()));
  });
  test('errors', () => {
    const a = torch.zeros([2, 3]);
    assert.throws(() => a.scatterReduce(0, torch.tensor([[0]]), a, 'max' as never), /must be one of 'sum', 'prod', 'mean', 'amax', 'amin'/);
    assert.throws(() => a.scatterReduce(0, torch.tensor([[0]]), a, 'sum', { include_self: false } as never), /did you mean 'includeSelf'/);
    assert.throws(() => torch.searchsorted(torch.tensor([1, 2]), torch.tensor([1]), { side: 'left', right: true }), /side and right can't be set to opposites/);
    assert.throws(() => torch.bincount(torch.tensor([-1])), /non-negative/);
    assert.throws(() => torch.quantile(a, 1.5), /q must be in the range \[0, 1\]/);
    assert.throws(() => a.take(torch.tensor([6])), /out of range/);
    assert.throws(() => torch.histc(torch.tensor([1, 2])), /not implemented for 'Long'/);
    assert.throws(() => torch.cov(torch.zeros([2, 2, 2])), /two or fewer dimensions/);
  });
});
