// The margin / embedding / soft-margin / Poisson / Gaussian / triplet losses against PyTorch
// (scripts/fixtures/nn_loss_extra.py): values and input gradients for every reduction and
// option, module reprs and argument errors, then gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';

const F = nn.functional;

interface Case {
  name: string;
  fn: string;
  args: TensorJson[];
  kwargs: Record<string, unknown>;
  grad: number[];
  output: TensorJson;
  grad_output: TensorJson;
  grads: (TensorJson | null)[];
  tol?: Tolerance;
}
interface ErrorCase {
  name: string;
  fn: string;
  args: TensorJson[];
  kwargs: Record<string, unknown>;
  error: string;
}
interface Fixture {
  cases: Case[];
  weight: TensorJson;
  modules: { name: string; kwargs: Record<string, unknown>; repr: string }[];
  errors: ErrorCase[];
  module_errors: { name: string; kwargs: Record<string, unknown>; error: string }[];
}

const fx = loadFixture<Fixture>('nn_loss_extra.json');

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const FN_NAMES: Record<string, string> = {
  cosine_embedding_loss: 'cosineEmbeddingLoss', margin_ranking_loss: 'marginRankingLoss', hinge_embedding_loss: 'hingeEmbeddingLoss',
  multilabel_margin_loss: 'multilabelMarginLoss', soft_margin_loss: 'softMarginLoss', multilabel_soft_margin_loss: 'multilabelSoftMarginLoss',
  multi_margin_loss: 'multiMarginLoss', poisson_nll_loss: 'poissonNllLoss', gaussian_nll_loss: 'gaussianNllLoss',
  triplet_margin_loss: 'tripletMarginLoss', triplet_margin_with_distance_loss: 'tripletMarginWithDistanceLoss',
};

function isTensorJson(v: unknown): v is TensorJson {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'data' in v;
}

function options(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(kwargs).map(([k, v]) => {
      let value = v;
      if (v === 'w') value = fromJson(fx.weight);
      else if (v === 'l1') value = (x: Tensor, y: Tensor) => x.sub(y).abs().sum(-1);
      else if (isTensorJson(v)) value = fromJson(v);
      return [camel(k), value];
    }),
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = (fn: string, args: Tensor[], opts: Record<string, unknown>): Tensor => (F as any)[FN_NAMES[fn]](...args, opts);

describe('nn_loss_extra.json', () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const args = c.args.map((a, i) => fromJson(a, { requiresGrad: c.grad.includes(i) }));
      const out = call(c.fn, args, options(c.kwargs));
      assertTensor(out, c.output, c.tol, 'output');
      if (c.grad.length === 0) return;
      const go = fromJson(c.grad_output);
      const grads = torch.autograd.grad([out], c.grad.map((i) => args[i]), { gradOutputs: [go], allowUnused: true });
      c.grad.forEach((i, k) => {
        const want = c.grads[i];
        if (want) assertTensor(grads[k] as Tensor, want, c.tol ?? { rtol: 1e-4, atol: 1e-6 }, `grad ${i}`);
      });
    });
  }
});

describe('nn_loss_extra.json errors', () => {
  for (const c of fx.errors) {
    test(c.name, () => {
      const args = c.args.map((a) => fromJson(a));
      assert.throws(() => call(c.fn, args, options(c.kwargs)), { message: c.error });
    });
  }
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const MODULES = nn as unknown as Record<string, new (...a: any[]) => nn.Module>;

describe('loss modules', () => {
  for (const m of fx.modules) {
    test(`${m.name} repr`, () => {
      const mod = new MODULES[m.name](options(m.kwargs));
      assert.equal(String(mod), m.repr);
    });
  }
  for (const m of fx.module_errors) {
    test(`${m.name} error`, () => {
      assert.throws(() => new MODULES[m.name](options(m.kwargs)), { message: m.error });
    });
  }

  test('modules equal their functional twins', () => {
    const x1 = torch.randn([4, 3]);
    const x2 = torch.randn([4, 3]);
    const x3 = torch.randn([4, 3]);
    const y = torch.tensor([1, -1, 1, -1]);
    const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.tolist(), b.tolist());
    same(new nn.CosineEmbeddingLoss(0.1, { reduction: 'sum' }).forward(x1, x2, y), F.cosineEmbeddingLoss(x1, x2, y, 0.1, { reduction: 'sum' }));
    same(new nn.MarginRankingLoss(0.2).forward(x1, x2, x3.sign()), F.marginRankingLoss(x1, x2, x3.sign(), 0.2));
    same(new nn.HingeEmbeddingLoss(0.5, { reduction: 'none' }).forward(x1, x3.sign()), F.hingeEmbeddingLoss(x1, x3.sign(), 0.5, { reduction: 'none' }));
    const t = torch.tensor([0, 2, 1, 2]);
    const w = torch.tensor([0.5, 1, 2]);
    same(new nn.MultiMarginLoss(2, 0.5, w).forward(x1, t), F.multiMarginLoss(x1, t, 2, 0.5, w));
    same(new nn.MultiLabelSoftMarginLoss(w).forward(x1, x2.gt(0).float()), F.multilabelSoftMarginLoss(x1, x2.gt(0).float(), w));
    const tl = torch.tensor([[0, -1, 1], [2, 1, -1], [0, 1, 2], [-1, 0, 0]]);
    same(new nn.MultiLabelMarginLoss().forward(x1, tl), F.multilabelMarginLoss(x1, tl));
    same(new nn.SoftMarginLoss().forward(x1, x2.sign()), F.softMarginLoss(x1, x2.sign()));
    same(new nn.TripletMarginLoss({ margin: 2, p: 1, swap: true }).forward(x1, x2, x3), F.tripletMarginLoss(x1, x2, x3, { margin: 2, p: 1, swap: true }));
    same(new nn.TripletMarginWithDistanceLoss({ margin: 0.5 }).forward(x1, x2, x3), F.tripletMarginLoss(x1, x2, x3, 0.5));
    same(new nn.PoissonNLLLoss(false, true).forward(x1.abs(), x2.abs()), F.poissonNllLoss(x1.abs(), x2.abs(), false, true));
    same(new nn.GaussianNLLLoss({ full: true }).forward(x1, x2, x3.abs()), F.gaussianNllLoss(x1, x2, x3.abs(), { full: true }));
    const lp = x1.logSoftmax(1);
    same(new nn.NLLLoss2d({ reduction: 'sum' }).forward(lp, t), F.nllLoss(lp, t, { reduction: 'sum' }));
  });

  test('TripletMarginWithDistanceLoss with a function distance has no child', () => {
    const m = new nn.TripletMarginWithDistanceLoss({ distanceFunction: (a: Tensor, b: Tensor) => a.sub(b).abs().sum(-1), swap: true });
    assert.equal(String(m), 'TripletMarginWithDistanceLoss()');
  });

  test('argument errors', () => {
    assert.throws(() => new nn.CosineEmbeddingLoss({ size_average: true } as never), /sizeAverage/);
    assert.throws(() => new nn.TripletMarginLoss({ margin: 'x' } as never), /margin/);
    assert.throws(() => new nn.GaussianNLLLoss(true as never), /positional/);
    assert.throws(() => new nn.TripletMarginWithDistanceLoss({ distanceFunction: 3 } as never), /distanceFunction/);
    assert.throws(() => new nn.PoissonNLLLoss({ logInput: 1 } as never), /logInput/);
    assert.throws(() => new nn.MultiMarginLoss({ p: 1.5 } as never), /p/);
    assert.throws(() => F.gaussianNllLoss(torch.zeros([2]), torch.zeros([2])), /var/);
    assert.throws(() => new nn.SoftMarginLoss().forward(3 as never, torch.zeros([2])), /must be Tensor/);
  });
});

// --- gradcheck (float64 finite differences) ---

const f64 = { dtype: 'float64' as const };
function leaf(shape: number[], lo = -1.5, hi = 1.5): Tensor {
  return torch.rand(shape, f64).mul(hi - lo).add(lo).requiresGrad_();
}

describe('gradcheck', () => {
  for (const reduction of ['none', 'mean', 'sum'] as const) {
    test(`margin and embedding losses (${reduction})`, () => {
      torch.manualSeed(7);
      const a = leaf([4, 3]);
      const b = leaf([4, 3]);
      const c = leaf([4, 3]);
      const y = torch.tensor([1, -1, 1, -1], f64);
      assert.ok(torch.autograd.gradcheck((p, q) => F.cosineEmbeddingLoss(p, q, y, -0.3, { reduction }), [a, b]));
      const s = torch.tensor([1, -1, -1, 1], f64);
      const a1 = leaf([4]);
      const b1 = leaf([4]);
      assert.ok(torch.autograd.gradcheck((p, q) => F.marginRankingLoss(p, q, s, 0.1, { reduction }), [a1, b1]));
      const sy = torch.tensor([[1, -1, 1], [-1, -1, 1], [1, 1, -1], [-1, 1, 1]], f64);
      assert.ok(torch.autograd.gradcheck((p) => F.hingeEmbeddingLoss(p, sy, 1.7, { reduction }), [a]));
      assert.ok(torch.autograd.gradcheck((p) => F.softMarginLoss(p, sy, { reduction }), [a]));
      const prob = torch.rand([4, 3], f64).requiresGrad_();
      assert.ok(torch.autograd.gradcheck((p, q) => F.multilabelSoftMarginLoss(p, q, torch.tensor([0.5, 1, 2], f64), { reduction }), [a, prob]));
      const t = torch.tensor([0, 2, 1, 2]);
      assert.ok(torch.autograd.gradcheck((p) => F.multiMarginLoss(p, t, 1, 0.9, { reduction }), [a]));
      assert.ok(torch.autograd.gradcheck((p) => F.multiMarginLoss(p, t, 2, 0.9, torch.tensor([0.5, 1, 2], f64), { reduction }), [a]));
      const tl = torch.tensor([[0, -1, 1], [2, 1, -1], [0, 1, 2], [1, 1, -1]]);
      assert.ok(torch.autograd.gradcheck((p) => F.multilabelMarginLoss(p, tl, { reduction }), [a]));
      assert.ok(torch.autograd.gradcheck((p, q, r) => F.tripletMarginLoss(p, q, r, 2, { reduction, swap: true }), [a, b, c]));
      assert.ok(torch.autograd.gradcheck((p, q, r) => F.tripletMarginLoss(p, q, r, 2, 3, { reduction }), [a, b, c]));
      assert.ok(torch.autograd.gradcheck((p, q, r) => F.tripletMarginWithDistanceLoss(p, q, r, { reduction, margin: 1.5, swap: true }), [a, b, c]));
    });

    test(`Poisson and Gaussian NLL (${reduction})`, () => {
      torch.manualSeed(8);
      const x = leaf([3, 4]);
      const pos = leaf([3, 4], 0.2, 3);
      const counts = torch.tensor([[0, 1, 2, 5], [3, 0, 1, 4], [2, 2, 7, 1]], f64).requiresGrad_();
      assert.ok(torch.autograd.gradcheck((p) => F.poissonNllLoss(p, counts.detach(), { reduction, full: true }), [x]));
      assert.ok(torch.autograd.gradcheck((p, q) => F.poissonNllLoss(p, q, false, { reduction, eps: 0.01 }), [pos, pos.detach().add(0.5).requiresGrad_()]));
      const v = leaf([3, 4], 0.1, 2);
      const v1 = leaf([3], 0.1, 2);
      assert.ok(torch.autograd.gradcheck((p, q, r) => F.gaussianNllLoss(p, q, r, { reduction, full: true }), [x, pos, v]));
      assert.ok(torch.autograd.gradcheck((p, r) => F.gaussianNllLoss(p, pos.detach(), r, { reduction }), [x, v1]));
    });
  }
});

describe('torch-level twins', () => {
  test('equal the F versions, reduction as at::Reduction (0 none, 1 mean, 2 sum) or its name', () => {
    torch.manualSeed(11);
    const a = torch.randn([4, 3]);
    const b = torch.randn([4, 3]);
    const c = torch.randn([4, 3]);
    const y = torch.tensor([1, -1, 1, -1]);
    const same = (x: Tensor, z: Tensor) => assert.deepEqual(x.tolist(), z.tolist());
    const names = ['none', 'mean', 'sum'] as const;
    for (const r of [0, 1, 2] as const) {
      const reduction = names[r];
      same(torch.cosineEmbeddingLoss(a, b, y, 0.1, r), F.cosineEmbeddingLoss(a, b, y, 0.1, { reduction }));
      same(torch.hingeEmbeddingLoss(a, c.sign(), 0.5, r), F.hingeEmbeddingLoss(a, c.sign(), 0.5, { reduction }));
      same(torch.marginRankingLoss(a, b, c.sign(), 0.2, r), F.marginRankingLoss(a, b, c.sign(), 0.2, { reduction }));
      same(torch.poissonNllLoss(a, b.abs(), true, true, 1e-8, r), F.poissonNllLoss(a, b.abs(), true, true, { reduction }));
      same(torch.tripletMarginLoss(a, b, c, 1, 2, 1e-6, true, r), F.tripletMarginLoss(a, b, c, { swap: true, reduction }));
      same(torch.klDiv(a.logSoftmax(1), b.softmax(1), r), F.klDiv(a.logSoftmax(1), b.softmax(1), { reduction }));
      same(torch.klDiv(a, b, r, { logTarget: true }), F.klDiv(a, b, { reduction, logTarget: true }));
      same(torch.binaryCrossEntropyWithLogits(a, b.sigmoid(), null, c.abs(), r), F.binaryCrossEntropyWithLogits(a, b.sigmoid(), { posWeight: c.abs(), reduction }));
      const lp = torch.randn([5, 2, 4]).logSoftmax(2);
      const t = torch.tensor([[1, 2], [3, 0]]);
      same(torch.ctcLoss(lp, t, [5, 4], [2, 1], 0, r), F.ctcLoss(lp, t, [5, 4], [2, 1], { reduction }));
      same(torch.cosineEmbeddingLoss(a, b, y, 0.1, reduction), F.cosineEmbeddingLoss(a, b, y, 0.1, { reduction }));
    }
    // Left out, PyTorch 1.13 reads reduction as 0 at this level (scripts/fixtures/idiom_warnings.py).
    same(torch.cosineEmbeddingLoss(a, b, y), F.cosineEmbeddingLoss(a, b, y, { reduction: 'none' }));
    assert.throws(() => torch.cosineEmbeddingLoss(a, b, y, 0, 3 as never), /reduction/);
    assert.throws(() => torch.poissonNllLoss(a, b, true, false, 1e-8), /missing required argument 'reduction'/);
    assert.throws(() => torch.klDiv(a, b, { reduction: 'batchmean' } as never), /reduction/);
  });
});

// --- AdaptiveLogSoftmaxWithLoss (nn_adaptive_softmax.json) ---

interface AdaptiveCase {
  name: string;
  seed: number;
  args: [number, number, number[]];
  kwargs: Record<string, unknown>;
  repr: string;
  state: Record<string, TensorJson>;
  input: TensorJson;
  target: TensorJson;
  output: TensorJson;
  loss: TensorJson;
  grad_output: TensorJson;
  input_grad: TensorJson;
  param_grads: Record<string, TensorJson>;
  log_prob?: TensorJson;
  predict?: TensorJson;
  input2?: TensorJson;
  log_prob2?: TensorJson;
  predict2?: TensorJson;
}
const adaptive = loadFixture<{ cases: AdaptiveCase[]; errors: { cutoffs: number[]; error: string }[] }>('nn_adaptive_softmax.json');

describe('AdaptiveLogSoftmaxWithLoss', () => {
  for (const c of adaptive.cases) {
    test(c.name, () => {
      torch.manualSeed(c.seed);
      const m = new nn.AdaptiveLogSoftmaxWithLoss(...c.args, options(c.kwargs));
      assert.equal(String(m), c.repr);
      const state = m.stateDict();
      assert.deepEqual(Object.keys(state), Object.keys(c.state));
      for (const [k, v] of Object.entries(c.state)) assertTensor(state[k], v, {}, k);
      const x = fromJson(c.input, { requiresGrad: true });
      const out = m.forward(x, fromJson(c.target));
      assertTensor(out.output, c.output, {}, 'output');
      assertTensor(out.loss, c.loss, {}, 'loss');
      out.loss.add(out.output.mul(fromJson(c.grad_output)).sum()).backward();
      assertTensor(x.grad as Tensor, c.input_grad, { rtol: 1e-4, atol: 1e-6 }, 'input grad');
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, v] of Object.entries(c.param_grads)) assertTensor(params[k].grad as Tensor, v, { rtol: 1e-4, atol: 1e-6 }, `${k} grad`);
      if (c.log_prob) {
        torch.noGrad(() => {
          assertTensor(m.logProb(fromJson(c.input)), c.log_prob as TensorJson, {}, 'logProb');
          assertTensor(m.predict(fromJson(c.input)), c.predict as TensorJson, {}, 'predict');
          assertTensor(m.logProb(fromJson(c.input2 as TensorJson)), c.log_prob2 as TensorJson, {}, 'logProb2');
          assertTensor(m.predict(fromJson(c.input2 as TensorJson)), c.predict2 as TensorJson, {}, 'predict2');
        });
      }
    });
  }
  test('errors', () => {
    for (const e of adaptive.errors) assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, e.cutoffs), { message: e.error });
    const m = new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]);
    assert.throws(() => m.forward(torch.zeros([2, 8]), torch.tensor([0, 10])), /Target values should be in \[0, 9\]/);
    assert.throws(() => m.forward(torch.zeros([2, 8]), torch.tensor([0])), /same size in the batch dimension/);
    assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], { div_value: 2 } as never), /divValue/);
    assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10), /cutoffs/);
  });
  test('gradcheck (float64)', () => {
    torch.manualSeed(5);
    const m = new nn.AdaptiveLogSoftmaxWithLoss(4, 7, [2, 4], { divValue: 2, headBias: true, dtype: 'float64' });
    const x = torch.randn([5, 4], { dtype: 'float64' }).requiresGrad_();
    const t = torch.tensor([0, 3, 6, 1, 5]);
    assert.ok(torch.autograd.gradcheck((a) => m.forward(a, t).output, [x]));
    assert.ok(torch.autograd.gradcheck((a) => m.logProb(a), [x]));
  });
});
