// Sorting and selection against PyTorch (scripts/fixtures/ops_sorting.py): values,
// indices (with ties, PyTorch's CPU order), grad_fn names and gradients; then
// gradcheck in float64 and argument errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Params = Record<string, unknown>;
interface Case {
  name: string;
  input: string;
  params: Params;
  outputs: TensorJson[];
  grad_fn?: string;
  grad?: TensorJson;
}
const fixture = loadFixture<{ inputs: Record<string, TensorJson>; cases: Case[] }>('ops_sorting.json');

type Pair = { values: Tensor; indices: Tensor };
const pair = (r: Pair): Tensor[] => [r.values, r.indices];

function call(x: Tensor, c: Case): Tensor[] {
  const p = c.params as Record<string, never>;
  const op = c.name.split(' ')[0];
  switch (op) {
    case 'sort':
      return pair(x.sort(p.dim, p.descending, { stable: p.stable }));
    case 'argsort':
      return [torch.argsort(x, p.dim, p.descending)];
    case 'msort':
      return [torch.msort(x)];
    case 'topk':
      return pair(x.topk(p.k, { dim: p.dim, largest: p.largest, sorted: p.sorted }));
    case 'kthvalue':
      return pair(torch.kthvalue(x, p.k, { dim: p.dim, keepdim: p.keepdim }));
    default: {
      const name = (p.op ?? op) as 'median' | 'nanmedian' | 'mode';
      if (name === 'mode') return pair(p.dim === undefined ? x.mode() : torch.mode(x, p.dim, p.keepdim));
      if (p.dim === undefined) return [name === 'median' ? x.median() : torch.nanmedian(x)];
      return pair(name === 'median' ? torch.median(x, p.dim, p.keepdim) : x.nanmedian(p.dim, { keepdim: p.keepdim }));
    }
  }
}

describe('sorting against PyTorch', () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      const spec = fixture.inputs[c.input];
      const float = spec.dtype === 'float32' || spec.dtype === 'float64';
      const x = fromJson(spec, { requiresGrad: float });
      const outs = call(x, c);
      assert.equal(outs.length, c.outputs.length);
      outs.forEach((o, i) => assertTensor(o, c.outputs[i], {}, `output ${i}`));
      if (c.grad) {
        assert.equal(outs[0].gradFn?.name, c.grad_fn);
        const w = torch.arange(outs[0].numel(), { dtype: outs[0].dtype }).add(1).sin().reshape(outs[0].shape);
        outs[0].mul(w).sum().backward();
        assertTensor(x.grad as Tensor, c.grad, {}, 'grad');
      }
    });
  }
});

describe('sorting: gradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const x = () => torch.tensor([[0.3, -1.2, 2.5, 0.7], [1.1, -0.4, -2.2, 0.9], [0.05, 1.7, -0.8, 2.9]], f64).requiresGrad_();
  const cases: [string, (t: Tensor) => Tensor][] = [
    ['sort', (t) => t.sort(1).values],
    ['sort desc dim 0', (t) => torch.sort(t, 0, true).values],
    ['msort', (t) => t.msort()],
    ['topk', (t) => t.topk(2).values],
    ['topk smallest dim 0', (t) => torch.topk(t, 2, 0, false).values],
    ['kthvalue', (t) => t.kthvalue(3, 1).values],
    ['median dim', (t) => t.median(1, true).values],
    ['median', (t) => t.median()],
    ['nanmedian dim', (t) => t.nanmedian(0).values],
    ['mode', (t) => t.mode(0).values],
  ];
  for (const [name, fn] of cases) {
    test(name, () => {
      assert.ok(torch.autograd.gradcheck(fn, [x()]));
      assert.ok(torch.autograd.gradgradcheck(fn, [x()]));
    });
  }
});

describe('sorting: arguments', () => {
  const x = torch.tensor([[3, 1, 2], [0, 5, 4]]);
  test('named results and options', () => {
    const { values, indices } = x.sort({ dim: 0, descending: true });
    assert.deepEqual(values.tolist(), [[3, 5, 4], [0, 1, 2]]);
    assert.deepEqual(indices.tolist(), [[0, 1, 1], [1, 0, 0]]);
    assert.equal(indices.dtype, 'int64');
    assert.deepEqual(torch.argsort(x, { descending: true }).tolist(), [[0, 2, 1], [1, 2, 0]]);
  });
  test('errors', () => {
    assert.throws(() => x.sort({ dim: 0, stabel: true } as never), /unexpected option 'stabel'/);
    assert.throws(() => x.topk(4), /selected index k out of range/);
    assert.throws(() => x.kthvalue(0), /k out of range/);
    assert.throws(() => x.sort(2), /Dimension out of range/);
    assert.throws(() => torch.sort(5 as never), /must be Tensor, not int/);
    assert.throws(() => x.topk({ dim: 0 } as never), /missing required argument 'k'/);
    assert.throws(() => torch.median(x, 0, { keep_dim: true } as never), /unexpected option 'keep_dim'/);
  });
});
