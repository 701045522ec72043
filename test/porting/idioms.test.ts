// Idioms easy to transcribe wrongly from PyTorch, or where torchlette once meant something
// else: each gives PyTorch's warnings, error and result (scripts/fixtures/idioms.py), so a
// deprecated spelling or a mistake is reported as PyTorch reports it instead of passing silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const F = nn.functional;

interface Outcome {
  warnings: string[];
  error: string | null;
  result: unknown;
}
const fx = loadFixture<Record<string, Outcome>>('idioms.json');

const nonleaf = torch.ones(2, { requiresGrad: true }).mul(2);
const retained = torch.ones(2, { requiresGrad: true }).mul(2);
retained.retainGrad();
const seq = new nn.Sequential(new nn.Identity());
const half = () => torch.full([2, 2], 0.5);
/** A view made under noGrad, then written in place (with grad on unless writeInNoGrad). */
function noGradView(baseRequiresGrad: boolean, operandRequiresGrad: boolean, { writeInNoGrad = false, detached = false } = {}): Tensor {
  const base = baseRequiresGrad ? torch.ones(3, { requiresGrad: true }).clone() : torch.ones(3);
  const v = torch.noGrad(() => (detached ? base.detach() : base).index(':2'));
  const other = torch.ones(2, { requiresGrad: operandRequiresGrad });
  if (writeInNoGrad) torch.noGrad(() => v.add_(other));
  else v.add_(other);
  return base.detach();
}
/** fill_ / zero_ of a tensor computed from a leaf: its gradFn and the gradients that reach the leaf and the value. */
function fillNonLeaf(fill: (a: Tensor, value: Tensor) => unknown): unknown[] {
  const w = torch.ones(3, { requiresGrad: true });
  const value = torch.tensor(2.5, { requiresGrad: true });
  const a = w.mul(2);
  fill(a, value);
  a.sum().backward();
  return [a.requiresGrad, a.gradFn?.name, a.tolist(), w.grad?.tolist(), value.grad === null ? null : value.grad.item()];
}
const call = (fn: unknown, ...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);

const cases: Record<string, () => unknown> = {
  T_3d: () => torch.zeros(2, 3, 4).T.shape,
  T_1d: () => torch.zeros(3).T.shape,
  T_2d: () => torch.zeros(2, 3).T.shape,
  T_0d: () => torch.tensor(1).T.shape,
  F_sigmoid: () => F.sigmoid(torch.zeros(1)),
  F_tanh: () => F.tanh(torch.zeros(1)),
  nn_Sigmoid_Tanh: () => new nn.Tanh().forward(new nn.Sigmoid().forward(torch.zeros(1))),
  kl_div_mean: () => F.klDiv(torch.zeros(2, 2), half()).item(),
  kl_div_batchmean: () => F.klDiv(torch.zeros(2, 2), half(), { reduction: 'batchmean' }).item(),
  KLDivLoss_default: () => new nn.KLDivLoss().forward(torch.zeros(2, 2), half()).item(),
  torch_kl_div: () => torch.klDiv(torch.zeros(2, 2), half()),
  torch_losses_reduction_left_out: () => {
    const [a, b, c] = [torch.ones(2, 3), torch.full([2, 3], 0.5), torch.full([2, 3], 0.25)];
    const y = torch.tensor([1, -1], { dtype: torch.float32 });
    const [lp, t] = [torch.zeros(5, 2, 4).logSoftmax(2), torch.tensor([[1, 2], [1, 1]])];
    const losses = [torch.cosineEmbeddingLoss(a, b, y), torch.hingeEmbeddingLoss(a, c), torch.marginRankingLoss(a, b, c),
      torch.tripletMarginLoss(a, b, c), torch.klDiv(a, b), torch.binaryCrossEntropyWithLogits(a, b),
      torch.ctcLoss(lp, t, [5, 5], [2, 2])];
    return losses.map((x) => x.shape);
  },
  load_saved_parameter: () => {
    const bytes = (fx.load_saved_parameter.result as string[])[0];
    const loaded = torch.loadFromBuffer(Buffer.from(bytes, 'base64')) as Record<string, Tensor>;
    return [bytes, ...Object.values(loaded).map((v) => [v instanceof nn.Parameter ? 'Parameter' : 'Tensor', String(v)])];
  },
  no_grad_view_of_grad_base: () => noGradView(true, false),
  no_grad_view_of_leaf: () => {
    const w = torch.ones(3, { requiresGrad: true });
    const v = torch.noGrad(() => w.view(3));
    v.mul_(2);
  },
  no_grad_view_grad_operand: () => noGradView(false, true),
  no_grad_view_no_grad_anywhere: () => noGradView(false, false),
  no_grad_view_written_in_no_grad: () => noGradView(true, true, { writeInNoGrad: true }),
  no_grad_view_of_detached: () => noGradView(true, true, { detached: true }),
  fill_scalar_non_leaf: () => fillNonLeaf((a) => a.fill_(5)),
  zero_non_leaf: () => fillNonLeaf((a) => a.zero_()),
  fill_tensor_non_leaf: () => fillNonLeaf((a) => a.fill_(torch.tensor(5.5))),
  fill_grad_tensor_non_leaf: () => fillNonLeaf((a, v) => a.fill_(v)),
  fill_slice_non_leaf: () => fillNonLeaf((a) => a.index(0).fill_(7)),
  tensor_as_index: () => {
    const i = torch.tensor(5) as unknown as number;
    return Array.from({ length: 16 }, (_, k) => k).slice(i, i + 4);
  },
  int_of_tensor: () => [Number(torch.tensor(5)), Number(torch.tensor([[2.5]]))],
  float_of_two_elements: () => Number(torch.ones(2)),
  parameter_over_buffer: () => {
    const m = new nn.Module() as nn.Module & { b: Tensor };
    m.registerBuffer('b', torch.ones(2));
    m.b = new nn.Parameter(torch.zeros(2));
    let bufferError: string | null = null;
    try {
      m.getBuffer('b');
    } catch (e) {
      bufferError = (e as Error).message;
    }
    return [[...m.namedParameters()].map(([n]) => n), [...m.namedBuffers()].map(([n]) => n), Object.keys(m.stateDict()), bufferError];
  },
  masked_fill_uint8: () => torch.zeros(2, 3).maskedFill(torch.tensor([1, 0, 1], { dtype: torch.uint8 }), -1e9),
  masked_fill_uint8_two: () => torch.zeros(3).maskedFill(torch.tensor([2, 0, 1], { dtype: torch.uint8 }), 1),
  masked_select_uint8: () => torch.arange(3, { dtype: torch.float32 }).maskedSelect(torch.tensor([1, 0, 1], { dtype: torch.uint8 })),
  masked_scatter_uint8: () => torch.arange(3, { dtype: torch.float32 }).maskedScatter(torch.tensor([1, 0, 1], { dtype: torch.uint8 }), torch.full([3], 9, { dtype: torch.float32 })),
  index_0d: () => torch.tensor(2.5).data.index(0),
  slice_0d: () => torch.tensor(2.5).index('0:1'),
  backend_flags: () => {
    const before = [torch.backends.cuda.matmul.allowTf32, torch.backends.cudnn.allowTf32];
    torch.backends.cuda.matmul.allowTf32 = true;
    torch.backends.cudnn.allowTf32 = true;
    const after = [torch.backends.cuda.matmul.allowTf32, torch.backends.cudnn.allowTf32];
    torch.backends.cuda.matmul.allowTf32 = before[0];
    return [...before, ...after];
  },
  uint8_mask: () => torch.arange(3).index(torch.tensor([1, 0, 1], { dtype: torch.uint8 })),
  uint8_mask_2d: () => torch.arange(6).view(2, 3).index(torch.tensor([[1, 0, 1], [0, 0, 1]], { dtype: torch.uint8 })),
  bool_list_mask: () => torch.arange(3).index([true, false, true]),
  bool_list_mask_put: () => torch.arange(3).indexPut_([[true, false, true]], 9),
  nonleaf_grad: () => nonleaf.grad,
  retained_grad: () => retained.grad,
  sequential_two_inputs: () => call(seq.forward, torch.zeros(1), torch.zeros(1)),
  sequential_no_input: () => call(seq.forward),
  where_long: () => torch.where(torch.tensor([1, 0]), torch.ones(2), torch.zeros(2)),
  where_float: () => torch.where(torch.tensor([1, 0], { dtype: torch.float32 }), torch.ones(2), torch.zeros(2)),
  where_uint8: () => torch.where(torch.tensor([1, 0], { dtype: torch.uint8 }), torch.ones(2), torch.zeros(2)),
  index_0d_int_tensor_is_a_view: () => {
    const [dC, ix] = [torch.zeros(4, 2), torch.tensor(2)];
    dC.index(ix).add_(1);
    dC.indexPut_([ix], dC.index(ix).add(1));
    return [dC.tolist(), torch.arange(24).view(2, 3, 4).index(torch.tensor(1), ':', torch.tensor([0, 3])).tolist()];
  },
  histogram_default_bins_unpacked: () => {
    const [hist] = torch.histogram(torch.tensor([1, 2, 1], { dtype: torch.float32 }));
    return [hist.numel(), String(torch.histogram(torch.tensor([1, 2, 1], { dtype: torch.float32 }), 2))];
  },
  numpy_axis_keepdims: () => [torch.ones(2, 3).sum(1, { keepdims: true }).shape, torch.arange(6, { dtype: torch.float32 }).view(2, 3).mean({ axis: 0 }).tolist()],
  double_backward_piecewise_linear: () =>
    [(v: Tensor) => F.relu(v), (v: Tensor) => F.leakyRelu(v, 0.2), (v: Tensor) => F.hardtanh(v), (v: Tensor) => F.threshold(v, 0.1, 2), (v: Tensor) => F.relu6(v)].map((f) => {
      const x = torch.tensor([-0.5, 0.2, 0.7, 1.5], { requiresGrad: true });
      const w = torch.tensor([1, 2, 3, 4], { dtype: torch.float32, requiresGrad: true });
      const [g] = torch.autograd.grad(f(x.mul(w)).mul(w).sum(), x, { createGraph: true });
      const [h] = torch.autograd.grad(f(x).sum(), x, { createGraph: true });
      g!.pow(2).sum().backward();
      return [h!.gradFn?.name, w.grad?.tolist(), x.grad?.tolist()];
    }),
  conv_same_even_kernel: () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 4), { padding: 'same' }),
  conv_same_odd_total: () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3), { padding: 'same', dilation: 2 }),
};

test('every idiom of the fixture has its transcription here', () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(fx).sort());
});

for (const [name, expected] of Object.entries(fx)) {
  test(`${name}: PyTorch's warnings, error and result`, async () => {
    const [outcome, warnings] = await warningsOf(() => {
      try {
        const r = cases[name]();
        return { error: null, result: r instanceof torch.Tensor ? (r as Tensor).tolist() : r ?? null };
      } catch (e) {
        return { error: (e as Error).message, result: null };
      }
    });
    assert.deepEqual(warnings, expected.warnings);
    assert.equal(outcome.error, expected.error);
    assert.deepEqual(outcome.result, expected.result);
  });
}
