// CTC loss against PyTorch (scripts/fixtures/nn_loss_extra.py -> nn_ctc.json): padded and
// concatenated targets, tensor and list lengths, every reduction, blank, zeroInfinity,
// unbatched input, zero-length inputs; the gradient is PyTorch's (CtcLossBackward0).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';

const F = nn.functional;

interface Case {
  name: string;
  input: TensorJson;
  through_softmax: boolean;
  targets: TensorJson;
  input_lengths: TensorJson | number[];
  target_lengths: TensorJson | number[];
  kwargs: Record<string, unknown>;
  output: TensorJson;
  grad_output: TensorJson;
  grad: TensorJson;
  tol?: Tolerance;
}
interface ErrorCase {
  name: string;
  log_probs_shape: number[];
  targets: TensorJson;
  input_lengths: number[];
  target_lengths: number[];
  kwargs: Record<string, unknown>;
  error: string;
}
const fx = loadFixture<{ cases: Case[]; errors: ErrorCase[] }>('nn_ctc.json');

const lengths = (v: TensorJson | number[]) => (Array.isArray(v) ? v : fromJson(v));
const opts = (k: Record<string, unknown>) => Object.fromEntries(Object.entries(k).map(([n, v]) => [n === 'zero_infinity' ? 'zeroInfinity' : n, v]));

describe('nn_ctc.json', () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const leaf = fromJson(c.input, { requiresGrad: true });
      const lp = c.through_softmax ? leaf.logSoftmax(-1) : leaf;
      const out = F.ctcLoss(lp, fromJson(c.targets), lengths(c.input_lengths), lengths(c.target_lengths), opts(c.kwargs));
      const tol = c.tol ?? (c.input.dtype === 'float64' ? { rtol: 1e-9, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-5 });
      assertTensor(out, c.output, tol, 'loss');
      const [g] = torch.autograd.grad([out], [leaf], { gradOutputs: [fromJson(c.grad_output)] });
      assertTensor(g as Tensor, c.grad, tol, 'grad');
    });
  }
  test('grad_fn and module', () => {
    const c = fx.cases[0];
    const leaf = fromJson(c.input, { requiresGrad: true });
    const m = new nn.CTCLoss({ reduction: 'none' });
    const out = m.forward(leaf, fromJson(c.targets), lengths(c.input_lengths), lengths(c.target_lengths));
    assert.equal(out.gradFn?.name, 'CtcLossBackward0');
    assert.equal(String(new nn.CTCLoss(1, 'sum', true)), 'CTCLoss()');
    const fromModule = new nn.CTCLoss(0, 'sum').forward(leaf, fromJson(c.targets), lengths(c.input_lengths), lengths(c.target_lengths));
    assert.equal(fromModule.item(), F.ctcLoss(leaf, fromJson(c.targets), lengths(c.input_lengths), lengths(c.target_lengths), 0, 'sum').item());
  });
});

describe('nn_ctc.json errors', () => {
  for (const c of fx.errors) {
    test(c.name, () => {
      const lp = torch.zeros(c.log_probs_shape);
      assert.throws(() => F.ctcLoss(lp, fromJson(c.targets), c.input_lengths, c.target_lengths, opts(c.kwargs)), { message: c.error });
    });
  }
  test('argument errors', () => {
    const lp = torch.zeros([4, 1, 3]);
    const t = torch.tensor([[1]]);
    assert.throws(() => F.ctcLoss(lp, t, torch.tensor([4], { dtype: 'float32' }), [1]), { message: 'input_lengths must be integral' });
    assert.throws(() => F.ctcLoss(lp, t, [4], [1], { zero_infinity: true } as never), /zeroInfinity/);
    assert.throws(() => new nn.CTCLoss({ blank: 'x' } as never), /blank/);
  });
});

describe('gradcheck', () => {
  test('ctc loss through log_softmax (float64)', () => {
    torch.manualSeed(3);
    const x = torch.randn([6, 2, 4], { dtype: 'float64' }).requiresGrad_();
    const targets = torch.tensor([[1, 1, 2], [3, 2, 0]]);
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      assert.ok(torch.autograd.gradcheck((a) => F.ctcLoss(a.logSoftmax(2), targets, [6, 5], [3, 2], { reduction }), [x]));
      assert.ok(torch.autograd.gradcheck((a) => F.ctcLoss(a.logSoftmax(2), torch.tensor([1, 1, 2, 3, 2]), [6, 5], [3, 2], { reduction, blank: 0 }), [x]));
    }
  });
});
