// Distance functions against PyTorch (scripts/fixtures/nn_distance.py): cosine_similarity,
// pairwise_distance, normalize, pdist, cdist (both its direct and matmul forms) and the
// CosineSimilarity / PairwiseDistance layers; node names, error messages, argument errors;
// gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor {
    return this.fn(...xs);
  }
}
const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fn = (f: (...xs: Tensor[]) => Tensor): ModuleSpec => one(() => new Fn(f));

const SPECS: Record<string, ModuleSpec> = {
  CosineSimilarity: one(() => new nn.CosineSimilarity()),
  'CosineSimilarity/args': one(() => new nn.CosineSimilarity({ dim: -1, eps: 1e-3 })),
  'CosineSimilarity/zero': one(() => new nn.CosineSimilarity(1)),
  'cosine_similarity/dim0': fn((a, b) => F.cosineSimilarity(a, b, 0)),
  'cosine_similarity/1d': fn((a, b) => torch.cosineSimilarity(a, b, { dim: 0 })),
  PairwiseDistance: one(() => new nn.PairwiseDistance()),
  'PairwiseDistance/args': one(() => new nn.PairwiseDistance(1.0, 1e-3, true)),
  'PairwiseDistance/p3': one(() => new nn.PairwiseDistance({ p: 3 })),
  'PairwiseDistance/inf': one(() => new nn.PairwiseDistance({ p: Infinity })),
  'pairwise_distance/1d': fn((a, b) => torch.pairwiseDistance(a, b)),
  normalize: fn((x) => F.normalize(x)),
  'normalize/p1dim0': fn((x) => F.normalize(x, 1, 0)),
  'normalize/zero': fn((x) => F.normalize(x, { p: 3, dim: -1, eps: 1e-6 })),
  pdist: fn((x) => F.pdist(x)),
  'pdist/p1': fn((x) => F.pdist(x, 1)),
  'pdist/p3': fn((x) => torch.pdist(x, { p: 3 })),
  'pdist/inf': fn((x) => F.pdist(x, { p: Infinity })),
  'pdist/p0': fn((x) => F.pdist(x, { p: 0 })),
  'pdist/single': fn((x) => F.pdist(x)),
  cdist: fn((a, b) => torch.cdist(a, b)),
  'cdist/mm': fn((a, b) => torch.cdist(a, b)),
  'cdist/mm_batched': fn((a, b) => torch.cdist(a, b)),
  'cdist/batched': fn((a, b) => torch.cdist(a, b)),
  'cdist/force_mm': fn((a, b) => torch.cdist(a, b, { computeMode: 'use_mm_for_euclid_dist' })),
  'cdist/no_mm': fn((a, b) => torch.cdist(a, b, 2, 'donot_use_mm_for_euclid_dist')),
  'cdist/p1': fn((a, b) => torch.cdist(a, b, { p: 1 })),
  'cdist/p3': fn((a, b) => torch.cdist(a, b, { p: 3 })),
  'cdist/inf': fn((a, b) => torch.cdist(a, b, { p: Infinity })),
  'cdist/p0': fn((a, b) => torch.cdist(a, b, { p: 0 })),
};

moduleSuite('nn_distance.json', SPECS);

const extras = loadFixture<{ graphs: Record<string, string>; errors: Record<string, string> }>('nn_distance.json');

test('backward node names', () => {
  const x = torch.randn([4, 3]).requiresGrad_();
  const y = torch.randn([4, 3]);
  const got = {
    cosine_similarity: F.cosineSimilarity(x, y).gradFn?.name,
    pairwise_distance: F.pairwiseDistance(x, y).gradFn?.name,
    normalize: F.normalize(x).gradFn?.name,
  };
  assert.deepEqual(got, extras.graphs);
});

describe('error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    cdist_dims1: () => torch.cdist(r(3), r(2, 3)),
    cdist_dims2: () => torch.cdist(r(2, 3), r(3)),
    cdist_cols: () => torch.cdist(r(2, 3), r(2, 4)),
    cdist_p: () => torch.cdist(r(2, 3), r(2, 3), { p: -1 }),
    cdist_mode: () => torch.cdist(r(2, 3), r(2, 3), { computeMode: 'fast' }),
    pdist_dims: () => F.pdist(r(2, 3, 4)),
    pdist_p: () => F.pdist(r(2, 3), -1),
    cosine_shapes: () => F.cosineSimilarity(r(2, 3), r(2, 4)),
    pairwise_shapes: () => F.pairwiseDistance(r(2, 3), r(2, 4)),
    normalize_dim: () => F.normalize(r(2, 3), { dim: 2 }),
  };
  for (const [name, message] of Object.entries(extras.errors)) {
    test(name, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

test('argument errors', () => {
  const bad = (f: () => unknown, message: string) => assert.throws(f, { name: 'TypeError', message });
  // @ts-expect-error snake_case
  bad(() => new nn.PairwiseDistance({ keep_dim: true }), "PairwiseDistance(): unexpected option 'keep_dim'; accepted options: p, eps, keepdim");
  bad(() => new nn.CosineSimilarity(1.5), "CosineSimilarity(): argument 'dim' (position 1) must be an int, not float");
  bad(() => (F.cosineSimilarity as (...a: unknown[]) => Tensor)(torch.randn([2])), "cosine_similarity(): missing required argument 'x2'");
  // @ts-expect-error snake_case
  bad(() => torch.cdist(torch.randn([2, 2]), torch.randn([2, 2]), { compute_mode: 'x' }), "cdist(): unexpected option 'compute_mode' — did you mean 'computeMode'?");
  assert.throws(() => F.normalize(torch.randn([2, 2]), { out: torch.empty([2, 2]) }), /out= argument is not supported/);
});

describe('gradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();
  const cases: [string, number[][], (...xs: Tensor[]) => Tensor][] = [
    ['cosineSimilarity', [[3, 4], [1, 4]], (a, b) => F.cosineSimilarity(a, b)],
    ['pairwiseDistance', [[3, 4], [3, 4]], (a, b) => F.pairwiseDistance(a, b, { keepdim: true })],
    ['pairwiseDistance p=3', [[3, 4], [4]], (a, b) => F.pairwiseDistance(a, b, 3)],
    ['normalize', [[3, 4]], (x) => F.normalize(x, { p: 3, dim: 0 })],
    ['pdist', [[4, 3]], (x) => F.pdist(x)],
    ['pdist p=1.5', [[4, 3]], (x) => F.pdist(x, 1.5)],
    ['cdist', [[2, 3, 4], [2, 5, 4]], (a, b) => torch.cdist(a, b)],
    ['cdist mm', [[3, 4], [5, 4]], (a, b) => torch.cdist(a, b, { computeMode: 'use_mm_for_euclid_dist' })],
    ['cdist p=1', [[3, 2], [2, 2]], (a, b) => torch.cdist(a, b, 1)],
  ];
  for (const [name, shapes, f] of cases) {
    test(name, () => {
      torch.manualSeed(4);
      assert.ok(torch.autograd.gradcheck(f, shapes.map((s) => leaf(...s))));
    });
  }
});
