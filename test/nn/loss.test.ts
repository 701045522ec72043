// Losses against PyTorch (scripts/fixtures/nn_loss.py): every loss, reduction and option
// as a module and as its nn.functional twin (value, grad_fn graph, gradients, second
// derivatives, error messages), then gradcheck and numerical stability with huge logits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';

const F = nn.functional;

type LossName = 'l1' | 'mse' | 'smooth_l1' | 'huber' | 'nll' | 'cross_entropy' | 'kl_div' | 'bce' | 'bce_logits';
type Params = Record<string, unknown>;

interface Case {
  name: string;
  loss: LossName;
  params: Params;
  input: TensorJson;
  target: TensorJson;
  target_requires_grad: boolean;
  repr: string;
  state_keys: string[];
  output: TensorJson;
  graph: string;
  grad_output?: TensorJson;
  input_grad: TensorJson;
  target_grad?: TensorJson;
  double_v?: TensorJson;
  input_grad2?: TensorJson;
  tol?: Tolerance;
  transpose?: [number, number];
}

interface ErrorCase {
  name: string;
  loss: LossName;
  input: TensorJson;
  target: TensorJson;
  params: Params;
  weight_requires_grad?: boolean;
  error: string;
}

/** Python keyword arguments as the options object (tensors decoded). */
function options(params: Params, requiresGrad = false): Record<string, unknown> {
  const names: Record<string, string> = {
    ignore_index: 'ignoreIndex', label_smoothing: 'labelSmoothing', log_target: 'logTarget', pos_weight: 'posWeight',
  };
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => {
      const value = typeof v === 'object' && v !== null ? fromJson(v as TensorJson, { requiresGrad }) : v;
      return [names[k] ?? k, value];
    }),
  );
}

type Criterion = { forward(input: Tensor, target: Tensor): Tensor } & nn.Module;

// Options are built from the fixture's parameters, hence `any`.
const MODULES: Record<LossName, (o: any) => Criterion> = {
  l1: (o) => new nn.L1Loss(o),
  mse: (o) => new nn.MSELoss(o),
  smooth_l1: (o) => new nn.SmoothL1Loss(o),
  huber: (o) => new nn.HuberLoss(o),
  nll: (o) => new nn.NLLLoss(o),
  cross_entropy: (o) => new nn.CrossEntropyLoss(o),
  kl_div: (o) => new nn.KLDivLoss(o),
  bce: (o) => new nn.BCELoss(o),
  bce_logits: (o) => new nn.BCEWithLogitsLoss(o),
};

const FUNCTIONS: Record<LossName, (x: Tensor, t: Tensor, o: any) => Tensor> = {
  l1: (x, t, o) => F.l1Loss(x, t, o),
  mse: (x, t, o) => F.mseLoss(x, t, o),
  smooth_l1: (x, t, o) => F.smoothL1Loss(x, t, o),
  huber: (x, t, o) => F.huberLoss(x, t, o),
  nll: (x, t, o) => F.nllLoss(x, t, o),
  cross_entropy: (x, t, o) => F.crossEntropy(x, t, o),
  kl_div: (x, t, o) => F.klDiv(x, t, o),
  bce: (x, t, o) => F.binaryCrossEntropy(x, t, o),
  bce_logits: (x, t, o) => F.binaryCrossEntropyWithLogits(x, t, o),
};

/** The backward graph as node names, depth first, as the fixture script prints it. */
function graphOf(t: Tensor): string {
  const visit = (node: torch.autograd.Node | null): string => {
    if (node === null) return '-';
    const kids = node.nextFunctions.filter(([n]) => n !== null).map(([n]) => visit(n));
    return node.name + (kids.length > 0 ? `(${kids.join(',')})` : '');
  };
  return visit(t.gradFn);
}

/** Cases whose inner graph differs from PyTorch's (only the grad_fn is compared), and why. */
const GRAPH_DIFFERENCES: Record<string, string> = {
  'ce/1d_label_smoothing':
    "masked_select of a 0-d loss records a reshape (ReshapeAliasBackward0), and CopySlices lists its inner node's edge besides the base's",
};

const GRAD_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

function runCase(c: Case, via: 'module' | 'functional'): void {
  const x = fromJson(c.input, { requiresGrad: true });
  const t = fromJson(c.target, { requiresGrad: c.target_requires_grad });
  const input = c.transpose ? x.transpose(...c.transpose) : x;
  const opts = options(c.params);
  let out: Tensor;
  if (via === 'module') {
    const criterion = MODULES[c.loss](opts);
    assert.equal(String(criterion), c.repr, 'repr');
    assert.deepEqual(Object.keys(criterion.stateDict()), c.state_keys, 'state_dict keys');
    out = criterion.forward(input, t);
  } else {
    out = FUNCTIONS[c.loss](input, t, opts);
  }
  const tol = c.tol ?? {};
  assertTensor(out, c.output, tol, 'loss');
  if (c.name in GRAPH_DIFFERENCES) assert.equal(out.gradFn?.name, c.graph.split('(')[0], 'grad_fn');
  else assert.equal(graphOf(out), c.graph, 'grad_fn graph');
  const gradOutput = c.grad_output ? fromJson(c.grad_output) : undefined;
  if (c.double_v) {
    const [gx] = torch.autograd.grad(out, [x], { gradOutputs: gradOutput, createGraph: true });
    assertTensor(gx as Tensor, c.input_grad, c.tol ?? GRAD_TOL, 'input grad');
    const v = fromJson(c.double_v);
    let second = torch.zerosLike(x);
    if ((gx as Tensor).requiresGrad) {
      const [g2] = torch.autograd.grad((gx as Tensor).mul(v).sum(), [x], { allowUnused: true });
      if (g2 !== null) second = g2;
    }
    assertTensor(second, c.input_grad2 as TensorJson, c.tol ?? GRAD_TOL, 'second derivative');
    return;
  }
  out.backward(gradOutput);
  assertTensor(x.grad as Tensor, c.input_grad, c.tol ?? GRAD_TOL, 'input grad');
  if (c.target_grad) assertTensor(t.grad as Tensor, c.target_grad, c.tol ?? GRAD_TOL, 'target grad');
}

interface XlogyCase {
  name: string;
  x: TensorJson;
  y: TensorJson;
  output: TensorJson;
  grad_fn: string;
  grad_output: TensorJson;
  x_grad: TensorJson;
  y_grad: TensorJson;
}

const fixture = loadFixture<{ cases: Case[]; errors: ErrorCase[]; xlogy: XlogyCase[] }>('nn_loss.json');

describe('nn_loss.json', () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      runCase(c, 'module');
      runCase(c, 'functional');
    });
  }
});

describe('nn_loss.json errors', () => {
  for (const c of fixture.errors) {
    test(c.name, () => {
      const x = fromJson(c.input, { requiresGrad: c.input.dtype.startsWith('float') });
      const t = fromJson(c.target);
      const opts = options(c.params, c.weight_requires_grad ?? false);
      assert.throws(() => FUNCTIONS[c.loss](x, t, opts), { message: c.error });
    });
  }
});

describe('torch.xlogy', () => {
  for (const c of fixture.xlogy) {
    test(c.name, () => {
      const x = fromJson(c.x, { requiresGrad: true });
      const y = fromJson(c.y, { requiresGrad: true });
      const out = torch.xlogy(x, y);
      assertTensor(out, c.output, {}, 'value');
      assert.equal(out.gradFn?.name, c.grad_fn);
      out.backward(fromJson(c.grad_output));
      assertTensor(x.grad as Tensor, c.x_grad, GRAD_TOL, 'x grad');
      assertTensor(y.grad as Tensor, c.y_grad, GRAD_TOL, 'y grad');
    });
  }
  test('gradcheck and gradgradcheck', () => {
    const x = torch.tensor([0, 0.5, -1.2, 2], { dtype: 'float64' }).requiresGrad_();
    const y = torch.tensor([0.3, 1.7, 0.9, 2.5], { dtype: 'float64' }).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((a, b) => torch.xlogy(a, b), [x, y]));
    assert.ok(torch.autograd.gradgradcheck((a, b) => torch.xlogy(a, b), [x, y]));
  });
});

// --- gradcheck (float64 finite differences) ---

const f64 = { dtype: 'float64' as const };

function leaf(shape: number[], lo = -1.5, hi = 1.5): Tensor {
  return torch.rand(shape, f64).mul(hi - lo).add(lo).requiresGrad_();
}

/** Input and target whose differences avoid the kinks at 0 and ±1 (and ±0.5). */
function apart(shape: number[]): [Tensor, Tensor] {
  const y = torch.rand(shape, f64).mul(2).sub(1);
  const gaps = [0.2, 0.7, 1.3, -0.3, -0.8, -1.6];
  const d = torch.tensor(Array.from({ length: y.numel() }, (_, i) => gaps[i % gaps.length]), f64).reshape(shape);
  return [y.add(d).requiresGrad_(), y.requiresGrad_()];
}

const classIdx = (values: number[]) => torch.tensor(values, { dtype: 'int64' });

describe('gradcheck', () => {
  const reductions = ['none', 'mean', 'sum'] as const;
  for (const reduction of reductions) {
    test(`regression losses (${reduction})`, () => {
      const [x, y] = apart([2, 3]);
      assert.ok(torch.autograd.gradcheck((a, b) => F.l1Loss(a, b, { reduction }), [x, y]));
      assert.ok(torch.autograd.gradcheck((a, b) => F.mseLoss(a, b, { reduction }), [x, y]));
      assert.ok(torch.autograd.gradcheck((a, b) => F.smoothL1Loss(a, b, { reduction, beta: 0.5 }), [x, y]));
      assert.ok(torch.autograd.gradcheck((a, b) => F.smoothL1Loss(a, b, { reduction, beta: 0 }), [x, y]));
      assert.ok(torch.autograd.gradcheck((a, b) => F.huberLoss(a, b, { reduction, delta: 1.1 }), [x, y]));
      assert.ok(torch.autograd.gradgradcheck((a, b) => F.mseLoss(a, b, { reduction }), [x, y]));
      assert.ok(torch.autograd.gradgradcheck((a, b) => F.smoothL1Loss(a, b, { reduction, beta: 2 }), [x, y]));
      assert.ok(torch.autograd.gradgradcheck((a, b) => F.huberLoss(a, b, { reduction, delta: 0.5 }), [x, y]));
    });

    test(`nll and cross entropy (${reduction})`, () => {
      const w = torch.tensor([0.5, 1.5, 2.0, 0.7], f64);
      const target = classIdx([1, -100, 3, 0, 2]);
      const x = leaf([5, 4]);
      assert.ok(torch.autograd.gradcheck((a) => F.nllLoss(a, target, { reduction, weight: w }), [x]));
      assert.ok(torch.autograd.gradgradcheck((a) => F.nllLoss(a, target, { reduction, weight: w }), [x]));
      assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, target, { reduction, weight: w }), [x]));
      assert.ok(torch.autograd.gradgradcheck((a) => F.crossEntropy(a, target, { reduction, weight: w }), [x]));
      const smooth = (a: Tensor) => F.crossEntropy(a, target, { reduction, weight: w, labelSmoothing: 0.2 });
      assert.ok(torch.autograd.gradcheck(smooth, [x]));
      assert.ok(torch.autograd.gradgradcheck(smooth, [x]));
      const p = torch.rand([5, 4], f64).softmax(1).requiresGrad_();
      const probs = (a: Tensor, b: Tensor) => F.crossEntropy(a, b, { reduction, weight: w, labelSmoothing: 0.1 });
      assert.ok(torch.autograd.gradcheck(probs, [x, p]));
      assert.ok(torch.autograd.gradgradcheck(probs, [x, p]));
      const x4 = leaf([2, 3, 2, 2]);
      const t4 = classIdx([0, 2, 1, -100, 2, 2, 0, 1]).reshape(2, 2, 2);
      assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, t4, { reduction, labelSmoothing: 0.1 }), [x4]));
      const x3 = leaf([2, 3, 4]);
      const t3 = classIdx([0, 2, 1, 1, 2, 2, 0, 1]).reshape(2, 4);
      assert.ok(torch.autograd.gradgradcheck((a) => F.crossEntropy(a, t3, { reduction }), [x3]));
    });

    test(`kl_div and binary cross entropy (${reduction})`, () => {
      const logp = leaf([3, 4]).detach().logSoftmax(1).requiresGrad_();
      const q = torch.rand([3, 4], f64).add(0.1).requiresGrad_();
      assert.ok(torch.autograd.gradcheck((a, b) => F.klDiv(a, b, { reduction }), [logp, q]));
      assert.ok(torch.autograd.gradcheck((a, b) => F.klDiv(a, b, { reduction, logTarget: true }), [logp, leaf([3, 4])]));
      assert.ok(torch.autograd.gradgradcheck((a, b) => F.klDiv(a, b, { reduction }), [logp, q]));
      const p = leaf([3, 4], 0.1, 0.9);
      const y = leaf([3, 4], 0, 1);
      const w = torch.rand([4], f64).add(0.5);
      assert.ok(torch.autograd.gradcheck((a, b) => F.binaryCrossEntropy(a, b, { reduction, weight: w }), [p, y]));
      assert.ok(torch.autograd.gradgradcheck((a, b) => F.binaryCrossEntropy(a, b, { reduction, weight: w }), [p, y]));
      const logits = leaf([3, 4], -3, 3);
      const pw = torch.rand([4], f64).mul(2).add(0.5);
      const withLogits = (a: Tensor, b: Tensor) => F.binaryCrossEntropyWithLogits(a, b, { reduction, weight: w, posWeight: pw });
      assert.ok(torch.autograd.gradcheck(withLogits, [logits, y]));
      assert.ok(torch.autograd.gradgradcheck(withLogits, [logits, y]));
      assert.ok(torch.autograd.gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, { reduction }), [logits, y]));
    });
  }
  test('kl_div batchmean', () => {
    const logp = leaf([3, 4]).detach().logSoftmax(1).requiresGrad_();
    const q = torch.rand([3, 4], f64).add(0.1).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((a, b) => F.klDiv(a, b, { reduction: 'batchmean' }), [logp, q]));
  });
});

// --- numerical stability: huge logits never give NaN or Infinity ---

function allFinite(t: Tensor): boolean {
  return t.isfinite().all().item() === 1;
}

/** Logits of magnitude `scale` with alternating signs, requiring grad. */
function hugeLogits(shape: number[], scale: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * scale * (1 + (i % 7) / 10));
  return torch.tensor(values, { dtype }).reshape(shape).requiresGrad_();
}

describe('stability with huge logits', () => {
  const labels = torch.tensor(Array.from({ length: 64 }, (_, i) => (i * 7) % 10), { dtype: 'int64' });
  const scales: [number, 'float32' | 'float64'][] = [[1e4, 'float32'], [1e30, 'float32'], [1e30, 'float64'], [1e300, 'float64']];
  for (const [scale, dtype] of scales) {
    for (const reduction of ['sum', 'mean'] as const) {
      test(`${dtype} ±${scale}, reduction ${reduction}`, () => {
        const losses: [string, (x: Tensor) => Tensor][] = [
          ['cross_entropy', (x) => new nn.CrossEntropyLoss({ reduction }).forward(x, labels)],
          ['cross_entropy label smoothing', (x) => new nn.CrossEntropyLoss({ reduction, labelSmoothing: 0.1 }).forward(x, labels)],
          ['cross_entropy probabilities', (x) => F.crossEntropy(x, torch.full([64, 10], 0.1, { dtype }), { reduction })],
          ['log_softmax + nll', (x) => F.nllLoss(F.logSoftmax(x, 1), labels, { reduction })],
          ['bce with logits', (x) => F.binaryCrossEntropyWithLogits(x, torch.full([64, 10], 0.3, { dtype }), { reduction })],
          [
            'bce with logits, pos_weight',
            (x) => F.binaryCrossEntropyWithLogits(x, labels.remainder(2).to(dtype).unsqueeze(1).expand(64, 10), { reduction, posWeight: torch.full([10], 3, { dtype }) }),
          ],
        ];
        for (const [name, fn] of losses) {
          if (scale === 1e300 && name !== 'cross_entropy' && name !== 'log_softmax + nll') continue; // products overflow float64 by design
          const x = hugeLogits([64, 10], scale, dtype);
          const loss = fn(x);
          assert.ok(allFinite(loss), `${name}: loss ${loss.item()}`);
          loss.backward();
          assert.ok(allFinite(x.grad as Tensor), `${name}: gradient not finite`);
        }
      });
    }
  }

  test("reduction 'sum' equals 'mean' times the batch size (seed 000)", () => {
    const x = hugeLogits([64, 10], 1e30);
    const sum = new nn.CrossEntropyLoss({ reduction: 'sum' }).forward(x, labels);
    const mean = new nn.CrossEntropyLoss().forward(x, labels);
    assert.ok(Math.abs(Number(sum.item()) - Number(mean.item()) * 64) <= 1e-6 * Math.abs(Number(sum.item())));
  });
});

// --- modules ---

describe('loss modules', () => {
  test('defaults, options and repr', () => {
    const ce = new nn.CrossEntropyLoss({ reduction: 'sum', labelSmoothing: 0.1 });
    assert.equal(String(ce), 'CrossEntropyLoss()');
    assert.equal(ce.reduction, 'sum');
    assert.equal(ce.labelSmoothing, 0.1);
    assert.equal(ce.ignoreIndex, -100);
    assert.equal(ce.weight, null);
    assert.equal(new nn.MSELoss().reduction, 'mean');
    assert.equal(new nn.SmoothL1Loss().beta, 1);
    assert.equal(new nn.HuberLoss({ delta: 2 }).delta, 2);
    assert.equal(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }).logTarget, true);
    assert.ok(ce instanceof nn.Loss && ce instanceof nn.WeightedLoss && ce instanceof nn.Module);
  });

  test('weights are buffers: stateDict keys and dtype conversion', () => {
    const bce = new nn.BCEWithLogitsLoss({ weight: torch.ones(3), posWeight: torch.full([3], 2, { dtype: 'float32' }) });
    assert.deepEqual(Object.keys(bce.stateDict()), ['weight', 'pos_weight']);
    assert.equal(bce.posWeight, bce.pos_weight);
    bce.to('float64');
    assert.equal(bce.weight?.dtype, 'float64');
    assert.equal(bce.posWeight?.dtype, 'float64');
    const nll = new nn.NLLLoss({ weight: torch.ones(4) });
    assert.deepEqual(Object.keys(nll.stateDict()), ['weight']);
    assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
  });

  test('a training step: CrossEntropyLoss on [64, 10] logits backpropagates to a Linear layer', () => {
    torch.manualSeed(0);
    const fc = new nn.Linear(20, 10);
    const x = torch.randn([64, 20]);
    const labels = torch.randint(0, 10, [64]);
    const loss = new nn.CrossEntropyLoss().forward(fc.forward(x) as Tensor, labels);
    loss.backward();
    assert.equal(loss.gradFn?.name, 'NllLossBackward0');
    assert.ok(allFinite(fc.weight.grad as Tensor));
    assert.deepEqual(fc.weight.grad?.shape, [10, 20]);
  });
});
