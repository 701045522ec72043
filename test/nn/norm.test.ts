// BatchNorm, LayerNorm, GroupNorm and Embedding against PyTorch
// (scripts/fixtures/nn_norm.py), plus gradcheck/gradgradcheck of the ops, and the
// Dropout2d ranks nn_basic does not cover.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;
const { gradcheck, gradgradcheck } = torch.autograd;

const one = (build: () => nn.Module): ModuleSpec => ({ build });
/** Two batches through one module (the fixture's `twice`). */
const twice = (build: () => nn.Module): ModuleSpec => ({
  build,
  call: (m, x) => [m.forward(x.index(':4')) as Tensor, m.forward(x.index('4:')) as Tensor],
});

class LinearBN extends nn.Module {
  fc = new nn.Linear(4, 3);
  bn = new nn.BatchNorm1d(3);
  override forward(x: Tensor): Tensor {
    return F.relu(this.bn.forward(this.fc.forward(x)));
  }
}

class Functional extends nn.Module {
  w = new nn.Parameter(torch.rand(3).add(0.5));
  b = new nn.Parameter(torch.rand(3).sub(0.5));
  declare rm: Tensor;
  declare rv: Tensor;
  constructor() {
    super();
    this.registerBuffer('rm', torch.rand(3));
    this.registerBuffer('rv', torch.rand(3).add(0.5));
  }
  override forward(x: Tensor): Tensor[] {
    const bn = F.batchNorm(x, this.rm, this.rv, this.w, this.b, this.training, 0.2, 1e-3);
    const ln = F.layerNorm(x, [3, 2], { eps: 1e-4 });
    const gn = F.groupNorm(x, 3, this.w, this.b);
    return [bn, ln, gn];
  }
}

const SPECS: Record<string, ModuleSpec> = {
  batchnorm1d: one(() => new nn.BatchNorm1d(3)),
  'batchnorm1d/3d_input': one(() => new nn.BatchNorm1d(3)),
  'batchnorm1d/options': one(() => new nn.BatchNorm1d(3, { eps: 1e-3, momentum: 0.3 })),
  'batchnorm1d/momentum_none': twice(() => new nn.BatchNorm1d(3, { momentum: null })),
  'batchnorm1d/two_batches': twice(() => new nn.BatchNorm1d(3)),
  'batchnorm1d/no_affine': one(() => new nn.BatchNorm1d(3, { affine: false })),
  'batchnorm1d/no_running_stats': one(() => new nn.BatchNorm1d(3, { trackRunningStats: false })),
  'batchnorm1d/bare': one(() => new nn.BatchNorm1d(2, { affine: false, trackRunningStats: false, momentum: null })),
  batchnorm2d: one(() => new nn.BatchNorm2d(3)),
  'batchnorm2d/float64': one(() => new nn.BatchNorm2d(2, { dtype: 'float64' })),
  'batchnorm2d/no_affine': one(() => new nn.BatchNorm2d(4, { affine: false, momentum: 0.5 })),
  'batchnorm2d/one_per_sample': one(() => new nn.BatchNorm2d(3)),
  batchnorm3d: one(() => new nn.BatchNorm3d(2)),
  'batchnorm/linear_relu': one(() => new LinearBN()),
  layernorm: one(() => new nn.LayerNorm(5)),
  'layernorm/2d_shape': one(() => new nn.LayerNorm([4, 5])),
  'layernorm/no_affine': one(() => new nn.LayerNorm(4, { eps: 1e-6, elementwiseAffine: false })),
  'layernorm/float64': one(() => new nn.LayerNorm([2, 3], { dtype: 'float64' })),
  groupnorm: one(() => new nn.GroupNorm(2, 4)),
  'groupnorm/4d': one(() => new nn.GroupNorm(3, 6)),
  'groupnorm/no_affine': one(() => new nn.GroupNorm(2, 4, { eps: 1e-3, affine: false })),
  'groupnorm/2d_input': one(() => new nn.GroupNorm(2, 6)),
  'groupnorm/instance': one(() => new nn.GroupNorm(3, 3)),
  'groupnorm/layer': one(() => new nn.GroupNorm(1, 3)),
  functional: one(() => new Functional()),
  embedding: one(() => new nn.Embedding(10, 3)),
  'embedding/padding_idx': one(() => new nn.Embedding(6, 4, { paddingIdx: 0 })),
  'embedding/negative_padding_idx': one(() => new nn.Embedding(6, 2, { paddingIdx: -1 })),
  'embedding/max_norm': one(() => new nn.Embedding(5, 4, { maxNorm: 1.0 })),
  'embedding/max_norm_p1': one(() => new nn.Embedding(5, 3, { maxNorm: 1.5, normType: 1 })),
  'embedding/scale_grad_by_freq': one(() => new nn.Embedding(5, 2, { scaleGradByFreq: true, paddingIdx: 3 })),
  'embedding/int32': one(() => new nn.Embedding(4, 2)),
  'dropout2d/3d_input': one(() => new nn.Dropout2d(0.5)),
  'dropout2d/2d_input': one(() => new nn.Dropout2d(0.4)),
};

moduleSuite('nn_norm.json', SPECS);

interface RunningStatsCase {
  name: string;
  seed: number;
  dtype: 'float32' | 'float64';
  shape: number[];
  input_sums: number[];
  running_mean: TensorJson[];
  running_var: TensorJson[];
  num_batches_tracked: number;
}

interface RenormCase {
  name: string;
  weight: TensorJson;
  indices: TensorJson;
  max_norm: number;
  norm_type: number | 'inf';
  weight_after: TensorJson;
  output: TensorJson;
  below_double: boolean;
}

interface Extras {
  errors: Record<string, string>;
  grad_fns: Record<string, string>;
  reprs: Record<string, string | string[]>;
  running_stats: RunningStatsCase[];
  embedding_renorm: RenormCase[];
}
const extras = loadFixture<Extras>('nn_norm.json');

const RUNNING_STATS: Record<string, () => nn.Module & { running_mean: Tensor | null; running_var: Tensor | null }> = {
  bn1d_37x5: () => new nn.BatchNorm1d(5),
  bn1d_3d_odd: () => new nn.BatchNorm1d(3, { momentum: 0.3 }),
  bn2d_odd: () => new nn.BatchNorm2d(4),
  bn2d_even: () => new nn.BatchNorm2d(3, { momentum: 0.05 }),
  bn2d_1x1: () => new nn.BatchNorm2d(3),
  bn3d: () => new nn.BatchNorm3d(2),
  bn1d_wide: () => new nn.BatchNorm1d(19),
  bn1d_float64: () => new nn.BatchNorm1d(6, { dtype: 'float64' }),
  bn2d_float64_odd: () => new nn.BatchNorm2d(3, { momentum: null, dtype: 'float64' }),
  bn2d_float64_even: () => new nn.BatchNorm2d(3, { dtype: 'float64' }),
  bn1d_float64_long: () => new nn.BatchNorm1d(2, { momentum: 0.2, dtype: 'float64' }),
};

describe('running statistics are bit-exact with PyTorch after several steps', () => {
  const exact = { rtol: 0, atol: 0 };
  for (const c of extras.running_stats) {
    test(c.name, () => {
      const bn = RUNNING_STATS[c.name]();
      torch.manualSeed(c.seed);
      c.input_sums.forEach((sum, k) => {
        const x = torch.rand(c.shape, { dtype: c.dtype }).sub(0.5).mul(3 + 6 * k).add(k - 1);
        // (Summation order may differ in the last place; a different input would not be close.)
        assert.ok(Math.abs(Number(x.to('float64').sum().item()) - sum) <= 1e-9 * (1 + Math.abs(sum)), `step ${k}: the input differs from PyTorch's`);
        bn.forward(x);
        assertTensor(bn.running_mean as Tensor, c.running_mean[k], exact, `step ${k} running_mean`);
        assertTensor(bn.running_var as Tensor, c.running_var[k], exact, `step ${k} running_var`);
      });
      assert.equal((bn.stateDict().num_batches_tracked as Tensor).item(), c.num_batches_tracked);
    });
  }
});

describe('embedding max_norm: row norms in the weight dtype, as PyTorch computes them', () => {
  for (const c of extras.embedding_renorm) {
    test(c.name, () => {
      const weight = fromJson(c.weight);
      const normType = c.norm_type === 'inf' ? Infinity : c.norm_type;
      const out = F.embedding(fromJson(c.indices), weight, { maxNorm: c.max_norm, normType });
      // Row 0's norm equals maxNorm in the weight's dtype: it stays; the larger rows are scaled.
      assertTensor(weight, c.weight_after, { rtol: 0, atol: 0 }, 'weight after renorm');
      assertTensor(out, c.output, { rtol: 0, atol: 0 }, 'output');
    });
  }
});

test("errors carry PyTorch's messages", () => {
  const e = extras.errors;
  const cases: Record<string, () => unknown> = {
    bn1d_rank: () => new nn.BatchNorm1d(3).forward(torch.randn(2, 3, 4, 5)),
    bn2d_rank: () => new nn.BatchNorm2d(3).forward(torch.randn(2, 3, 4)),
    bn3d_rank: () => new nn.BatchNorm3d(3).forward(torch.randn(2, 3, 4, 4)),
    bn_one_value: () => new nn.BatchNorm1d(3).forward(torch.randn(1, 3)),
    bn_one_value_2d: () => new nn.BatchNorm2d(3).forward(torch.randn(1, 3, 1, 1)),
    bn_channels: () => new nn.BatchNorm1d(3).forward(torch.randn(2, 4)),
    bn_weight_size: () => F.batchNorm(torch.randn(2, 3), torch.zeros(3), torch.ones(3), torch.ones(4)),
    bn_eval_no_stats: () => F.batchNorm(torch.randn(2, 3), null, null, { training: false }),
    ln_shape: () => new nn.LayerNorm(4).forward(torch.randn(2, 3)),
    ln_shape_2d: () => new nn.LayerNorm([2, 3]).forward(torch.randn(3, 2)),
    ln_weight: () => F.layerNorm(torch.randn(2, 3), [3], torch.ones(4)),
    gn_divisible: () => new nn.GroupNorm(2, 3),
    gn_weight: () => new nn.GroupNorm(2, 4).forward(torch.randn(2, 6)),
    gn_one_value: () => new nn.GroupNorm(3, 3).forward(torch.randn(1, 3)),
    emb_range: () => new nn.Embedding(5, 3).forward(torch.tensor([5])),
    emb_negative: () => new nn.Embedding(5, 3).forward(torch.tensor([-1])),
    emb_dtype: () => new nn.Embedding(5, 3).forward(torch.tensor([1.0], { dtype: 'float32' })),
    emb_padding: () => new nn.Embedding(5, 3, { paddingIdx: 5 }),
    emb_max_norm_range: () => new nn.Embedding(5, 3, { maxNorm: 1 }).forward(torch.tensor([2, 7, 5])),
    emb_max_norm_below: () => new nn.Embedding(5, 3, { maxNorm: 1 }).forward(torch.tensor([2, -6])),
    emb_max_norm_negative: () => new nn.Embedding(5, 3, { maxNorm: 1 }).forward(torch.tensor([2, -1])),
    emb_max_norm_dtype: () => new nn.Embedding(5, 3, { maxNorm: 1 }).forward(torch.tensor([1.0], { dtype: 'float32' })),
  };
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(e).sort());
  for (const [name, fn] of Object.entries(cases)) {
    assert.throws(fn, (err: Error) => err.message === e[name], `${name}: expected ${JSON.stringify(e[name])}`);
  }
});

test('grad_fn names', () => {
  const x = torch.randn([4, 3, 2], { requiresGrad: true });
  const bn = new nn.BatchNorm1d(3);
  const names: Record<string, string | undefined> = { batchnorm_train: bn.forward(x).gradFn?.name };
  bn.eval();
  names.batchnorm_eval = bn.forward(x).gradFn?.name;
  names.layernorm = new nn.LayerNorm(2).forward(x).gradFn?.name;
  names.layernorm_no_affine = F.layerNorm(x, [2]).gradFn?.name;
  names.groupnorm = new nn.GroupNorm(3, 3).forward(x).gradFn?.name;
  names.embedding = new nn.Embedding(3, 2).forward(torch.tensor([0, 2])).gradFn?.name;
  assert.deepEqual(names, extras.grad_fns);
});

test('reprs and state_dict keys', () => {
  const r = extras.reprs;
  assert.equal(String(new nn.BatchNorm1d(3)), r.bn1d);
  assert.equal(String(new nn.BatchNorm2d(64, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false })), r.bn2d_options);
  assert.equal(String(new nn.LayerNorm([3, 4])), r.ln);
  assert.equal(String(new nn.LayerNorm(3, { eps: 1e-6, elementwiseAffine: false })), r.ln_int);
  assert.equal(String(new nn.GroupNorm(2, 4, { affine: false })), r.gn);
  assert.equal(String(new nn.Embedding(5, 3)), r.emb);
  assert.equal(String(new nn.Embedding(5, 3, { paddingIdx: 0, maxNorm: 1.0, normType: 1, scaleGradByFreq: true })), r.emb_options);
  assert.deepEqual(Object.keys(new nn.BatchNorm2d(2).stateDict()), r.bn_state_keys);
  assert.deepEqual(Object.keys(new nn.BatchNorm2d(2, { trackRunningStats: false }).stateDict()), r.bn_no_track_keys);
  const nbt = new nn.BatchNorm2d(2).stateDict().num_batches_tracked;
  assert.equal(nbt.dtype, 'int64');
  assert.deepEqual(nbt.shape, []);
});

// --- gradcheck / gradgradcheck in float64 ---

const f64 = (...shape: number[]) => torch.randn(shape, { dtype: 'float64', requiresGrad: true });

test('batch norm: gradcheck and gradgradcheck (train and eval)', () => {
  torch.manualSeed(1);
  const x = f64(4, 3, 2);
  const w = f64(3);
  const b = f64(3);
  const train = (xi: Tensor, wi: Tensor, bi: Tensor) => F.batchNorm(xi, null, null, { weight: wi, bias: bi, training: true });
  assert.ok(gradcheck(train, [x, w, b]));
  assert.ok(gradgradcheck(train, [x, w, b]));
  const rm = torch.randn([3], { dtype: 'float64' });
  const rv = torch.rand([3], { dtype: 'float64' }).add(0.5);
  const evalFn = (xi: Tensor, wi: Tensor, bi: Tensor) => F.batchNorm(xi, rm, rv, { weight: wi, bias: bi, training: false });
  assert.ok(gradcheck(evalFn, [x, w, b]));
  assert.ok(gradgradcheck(evalFn, [x, w, b]));
  // No affine parameters, 2-D input.
  const x2 = f64(5, 2);
  assert.ok(gradgradcheck((xi) => F.batchNorm(xi, null, null, { training: true }), [x2]));
});

test('layer norm and group norm: gradcheck and gradgradcheck', () => {
  torch.manualSeed(2);
  const x = f64(2, 4, 3);
  const lw = f64(4, 3);
  const lb = f64(4, 3);
  const ln = (xi: Tensor, wi: Tensor, bi: Tensor) => F.layerNorm(xi, [4, 3], wi, bi);
  assert.ok(gradcheck(ln, [x, lw, lb]));
  assert.ok(gradgradcheck(ln, [x, lw, lb]));
  const gw = f64(4);
  const gb = f64(4);
  const gn = (xi: Tensor, wi: Tensor, bi: Tensor) => F.groupNorm(xi, 2, wi, bi);
  assert.ok(gradcheck(gn, [x, gw, gb]));
  assert.ok(gradgradcheck(gn, [x, gw, gb]));
  assert.ok(gradgradcheck((xi) => F.groupNorm(xi, 4), [x]));
});

test('embedding: gradcheck and gradgradcheck, padding row gets no gradient', () => {
  torch.manualSeed(3);
  const idx = torch.tensor([[0, 2, 2], [1, 0, 3]], { dtype: 'int64' });
  const w = f64(4, 3);
  assert.ok(gradcheck((wi: Tensor) => F.embedding(idx, wi).mul(2), [w]));
  // padding_idx and scale_grad_by_freq change the gradient on purpose (no gradcheck), but it
  // is still differentiable in the incoming gradient.
  assert.ok(gradgradcheck((wi: Tensor) => F.embedding(idx, wi, { paddingIdx: 2, scaleGradByFreq: true }).mul(2), [w]));
  const emb = new nn.Embedding(4, 3, { paddingIdx: 2 });
  assert.equal(emb.weight.index(2).abs().sum().item(), 0);
  emb.forward(idx).sum().backward();
  assert.equal((emb.weight.grad as Tensor).index(2).abs().sum().item(), 0);
});

test('batch norm fast backward matches the composed backward', () => {
  torch.manualSeed(4);
  const x = torch.randn([3, 4, 5], { requiresGrad: true });
  const w = torch.rand([4], { requiresGrad: true });
  const b = torch.rand([4], { requiresGrad: true });
  const g = torch.randn(3, 4, 5);
  for (const fn of [
    (xi: Tensor) => F.batchNorm(xi, null, null, { weight: w, bias: b, training: true }),
    (xi: Tensor) => F.layerNorm(xi, [5], w.index(0).expand(5), b.index(0).expand(5)),
    (xi: Tensor) => F.groupNorm(xi, 2, w, b),
  ]) {
    const fast = torch.autograd.grad(fn(x), [x, w, b], { gradOutputs: g, allowUnused: true });
    const composed = torch.autograd.grad(fn(x), [x, w, b], { gradOutputs: g, allowUnused: true, createGraph: true });
    fast.forEach((t, i) => {
      if (t === null) return assert.equal(composed[i], null);
      assert.ok(t.allclose(composed[i] as Tensor, { rtol: 1e-4, atol: 1e-5 }), `gradient ${i}`);
    });
  }
});

test('module.to(float64) converts running statistics; num_batches_tracked stays int64', () => {
  const bn = new nn.BatchNorm2d(2).double();
  assert.equal(bn.running_mean?.dtype, 'float64');
  assert.equal(bn.num_batches_tracked?.dtype, 'int64');
  bn.forward(torch.randn([3, 2, 2, 2], { dtype: 'float64' }));
  assert.equal(bn.num_batches_tracked?.item(), 1);
});
