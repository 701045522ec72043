// torch.distributions against PyTorch (scripts/fixtures/distributions.py): per distribution
// and parameter shape, log_prob/cdf/icdf/entropy/moments, their gradients, seeded
// sample()/rsample() draws (PyTorch's generator streams), expand, KL and error messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';

const D = torch.distributions;
type Distribution = InstanceType<typeof D.Distribution>;

type TransformJson = { transform: string; args: Record<string, ParamJson> };
type ParamJson = TensorJson | number | { name: string; params: Record<string, ParamJson> } | TransformJson[];
interface DistJson {
  name: string;
  params: Record<string, ParamJson>;
}
interface SampleJson {
  seed: number;
  shape: number[];
  sample: TensorJson;
  rsample?: TensorJson;
  rsample_grads?: Record<string, TensorJson | null>;
}
interface CaseJson extends DistJson {
  batch_shape: number[];
  event_shape: number[];
  has_rsample: boolean;
  has_enumerate_support: boolean;
  repr: string;
  value: TensorJson;
  log_prob: TensorJson;
  log_prob_grads: Record<string, TensorJson | null>;
  cdf: TensorJson | null;
  icdf_input: TensorJson;
  icdf: TensorJson | null;
  mean: TensorJson | null;
  mode: TensorJson | null;
  variance: TensorJson | null;
  stddev: TensorJson | null;
  entropy: TensorJson | null;
  enumerate_support: TensorJson | null;
  samples: SampleJson[];
  expand: { batch_shape: number[]; sample: TensorJson };
}
interface KlJson {
  p: DistJson;
  q: DistJson;
  kl: TensorJson;
  grads: Record<string, TensorJson | null> | null;
}
interface Fixture {
  draws: (DistJson & { seed: number; shape: number[]; sample: TensorJson })[];
  cases: CaseJson[];
  kl: KlJson[];
  errors: Record<string, { type: string; message: string }>;
}

const fx = loadFixture<Fixture>('distributions.json');
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const isTensorJson = (v: ParamJson): v is TensorJson => typeof v === 'object' && 'dtype' in v;

function buildTransform(spec: TransformJson, leaves: Map<string, Tensor>): InstanceType<typeof D.Transform> {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.args)) {
    if (isTensorJson(v)) {
      const t = fromJson(v, { requiresGrad: true });
      leaves.set(`${spec.transform}.${k}`, t);
      opts[camel(k)] = t;
    } else {
      opts[camel(k)] = v;
    }
  }
  const ctor = (D as unknown as Record<string, new (o: Record<string, unknown>) => InstanceType<typeof D.Transform>>)[spec.transform];
  return new ctor(opts);
}

/** Builds the distribution from PyTorch's parameter names (an options object), leaves requiring grad. */
function build(spec: DistJson, leaves: Map<string, Tensor>): Distribution {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.params)) {
    if (Array.isArray(v)) {
      opts[camel(k)] = v.map((t) => buildTransform(t, leaves));
    } else if (typeof v === 'object' && 'name' in v) {
      opts[camel(k)] = build(v as DistJson, leaves);
    } else if (isTensorJson(v)) {
      const t = fromJson(v, { requiresGrad: true });
      leaves.set(k, t);
      opts[camel(k)] = t;
    } else {
      opts[camel(k)] = v;
    }
  }
  const ctor = (D as unknown as Record<string, new (o: Record<string, unknown>) => Distribution>)[spec.name];
  return new ctor(opts);
}

const TOL: Tolerance = { rtol: 1e-5, atol: 1e-5 };
// Samples pass through log/exp/tan/cholesky: PyTorch's libm and ours differ in the last bits.
const SAMPLE_TOL: Tolerance = { rtol: 2e-5, atol: 1e-5 };

function checkGrads(leaves: Map<string, Tensor>, out: Tensor, want: Record<string, TensorJson | null>, label: string): void {
  const names = [...leaves.keys()];
  const ts = names.map((n) => leaves.get(n) as Tensor);
  if (!out.requiresGrad) {
    for (const n of names) assert.equal(want[n], null, `${label}: ${n} has a gradient in PyTorch`);
    return;
  }
  const grads = torch.autograd.grad(out, ts, { allowUnused: true, retainGraph: true });
  names.forEach((n, i) => {
    const g = grads[i];
    if (want[n] === null) assert.ok(g === null || g.abs().max().item() === 0, `${label}: ${n} should have no gradient`);
    else assertTensor(g as Tensor, want[n] as TensorJson, { rtol: 1e-4, atol: 1e-5 }, `${label} grad ${n}`);
  });
}

/** A method PyTorch lacks (null in the fixture) must throw NotImplementedError here too. */
function optional(want: TensorJson | { raises: string } | null, fn: () => Tensor, label: string): void {
  if (want !== null && 'raises' in want) {
    assert.throws(fn, `${label}: PyTorch raises ${want.raises}`);
    return;
  }
  if (want === null) {
    assert.throws(fn, (e: Error) => e instanceof D.NotImplementedError, `${label}: PyTorch raises NotImplementedError`);
    return;
  }
  assertTensor(fn(), want, TOL, label);
}

describe('distributions against PyTorch', () => {
  fx.cases.forEach((c, i) => {
    const label = `${i} ${c.repr}`;
    test(label, () => {
      const leaves = new Map<string, Tensor>();
      const d = build(c, leaves);
      assert.equal(d.toString(), c.repr);
      assert.deepEqual(d.batchShape, c.batch_shape);
      assert.deepEqual(d.eventShape, c.event_shape);
      assert.equal(d.hasRsample, c.has_rsample);
      assert.equal(d.hasEnumerateSupport, c.has_enumerate_support);
      const value = fromJson(c.value);
      assertTensor(d.logProb(value), c.log_prob, TOL, 'log_prob');
      checkGrads(leaves, d.logProb(value).sum(), c.log_prob_grads, 'log_prob');
      optional(c.cdf, () => d.cdf(value), 'cdf');
      optional(c.icdf, () => d.icdf(fromJson(c.icdf_input)), 'icdf');
      optional(c.mean, () => d.mean, 'mean');
      optional(c.mode, () => d.mode, 'mode');
      optional(c.variance, () => d.variance, 'variance');
      optional(c.stddev, () => d.stddev, 'stddev');
      optional(c.entropy, () => d.entropy(), 'entropy');
      if (c.has_enumerate_support) optional(c.enumerate_support, () => d.enumerateSupport(), 'enumerate_support');
      for (const s of c.samples) {
        torch.manualSeed(s.seed);
        assertTensor(d.sample(s.shape), s.sample, SAMPLE_TOL, `sample seed ${s.seed}`);
        if (s.rsample) {
          torch.manualSeed(s.seed);
          const x = d.rsample(s.shape);
          assertTensor(x, s.rsample, SAMPLE_TOL, `rsample seed ${s.seed}`);
          checkGrads(leaves, x.mul(x).sum(), s.rsample_grads as Record<string, TensorJson | null>, `rsample seed ${s.seed}`);
        }
      }
      torch.manualSeed(5);
      const e = d.expand(c.expand.batch_shape);
      assert.deepEqual(e.batchShape, c.expand.batch_shape);
      assertTensor(e.sample(), c.expand.sample, SAMPLE_TOL, 'expand sample');
    });
  });
});

describe('long seeded draws equal PyTorch', () => {
  for (const c of fx.draws) {
    test(`${c.name} ${Object.keys(c.params).join(', ')} sample(${c.shape})`, () => {
      const d = build(c, new Map());
      torch.manualSeed(c.seed);
      assertTensor(d.sample(c.shape), c.sample, SAMPLE_TOL, 'sample');
    });
  }
});

describe('klDivergence against PyTorch', () => {
  for (const k of fx.kl) {
    test(`${k.p.name} || ${k.q.name}`, () => {
      const leaves = new Map<string, Tensor>();
      const p = build(k.p, leaves);
      const q = build(k.q, new Map());
      const kl = D.kl.klDivergence(p, q);
      assertTensor(kl, k.kl, TOL, 'kl');
      if (k.grads) checkGrads(leaves, kl.sum(), k.grads, 'kl');
    });
  }
});

describe('distribution errors as PyTorch', () => {
  const f = (n: number[]) => torch.tensor(n, { dtype: 'float32' });
  const cases: Record<string, () => unknown> = {
    normal_scale: () => new D.Normal(f([0, 1]), f([1, -2])),
    normal_loc_nan: () => new D.Normal(f([NaN, 1]), f([1, 2])),
    categorical_both: () => new D.Categorical(f([0.5, 0.5]), f([0, 0])),
    categorical_negative: () => new D.Categorical(f([0.5, -0.5, 1])),
    bernoulli_probs: () => new D.Bernoulli(f([0.5, 1.5])),
    uniform_order: () => new D.Uniform(f([1]), f([0])),
    normal_log_prob_shape: () => new D.Normal(torch.zeros(3), torch.ones(3)).logProb(torch.zeros(2)),
    categorical_support: () => new D.Categorical(f([0.5, 0.5])).logProb(torch.tensor([2])),
    exponential_support: () => new D.Exponential(f([1])).logProb(f([-1])),
    kl_transforms_differ: () => D.kl.klDivergence(new D.HalfNormal(torch.ones(2)), new D.TransformedDistribution(new D.Normal(torch.zeros(2), torch.ones(2)), [new D.ExpTransform()])),
    kl_missing: () => D.kl.klDivergence(new D.Normal(0, 1), new D.Categorical(f([0.5, 0.5]))),
    independent_ndims: () => new D.Independent(new D.Normal(torch.zeros(3), torch.ones(3)), 2),
    mvn_which: () => new D.MultivariateNormal(torch.zeros(2)),
    half_normal_scale: () => new D.HalfNormal(f([1, -1])),
    pareto_support: () => new D.Pareto(f([2]), f([1])).logProb(f([1])),
  };
  for (const [name, fn] of Object.entries(cases)) {
    test(name, () => {
      const want = fx.errors[name];
      assert.throws(fn, (e: Error) => {
        assert.equal(e.message, want.message);
        if (want.type === 'NotImplementedError') assert.ok(e instanceof D.NotImplementedError);
        else assert.ok(e instanceof RangeError, `ValueError is a RangeError, got ${e.constructor.name}`);
        return true;
      });
    });
  }
});
