// addcmul, addcdiv and lerp against PyTorch (the 'pointwise' cases of optim.json):
// values and gradients bit for bit (PyTorch's AVX2 kernels fuse multiply-adds; an
// unfused kernel differs in ~20% of these elements), broadcasting, in-place forms and
// grad_fn names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface PointwiseCase {
  name: string;
  op: 'addcmul' | 'addcdiv' | 'lerp';
  inplace: boolean;
  view: 't' | null;
  params: { value?: number; weight?: number };
  inputs: TensorJson[];
  output: TensorJson;
  grad_fn?: string;
  grad_output?: TensorJson;
  grads?: (TensorJson | null)[];
}

const { pointwise } = loadFixture<{ pointwise: PointwiseCase[] }>('optim.json');

function run(c: PointwiseCase, args: Tensor[]): Tensor {
  const value = c.params.value;
  const weight = c.params.weight ?? args[2];
  if (c.inplace) {
    let target = args[0].clone();
    if (c.view === 't') target = target.t();
    if (c.op === 'lerp') return target.lerp_(args[1], weight);
    return c.op === 'addcmul' ? target.addcmul_(args[1], args[2], { value }) : target.addcdiv_(args[1], args[2], { value });
  }
  if (c.op === 'lerp') return torch.lerp(args[0], args[1], weight);
  return c.op === 'addcmul' ? torch.addcmul(args[0], args[1], args[2], { value }) : torch.addcdiv(args[0], args[1], args[2], { value });
}

describe('pointwise ops match PyTorch', () => {
  for (const c of pointwise) {
    test(c.name, () => {
      const wantGrad = c.grads !== undefined;
      const leaves = c.inputs.map((t) => fromJson(t, { requiresGrad: wantGrad && (t.dtype === 'float32' || t.dtype === 'float64') }));
      const out = run(c, leaves);
      assertTensor(out, c.output, { rtol: 0, atol: 0 }, 'output');
      if (!wantGrad) return;
      assert.equal(out.gradFn?.name, c.grad_fn);
      out.backward(fromJson(c.grad_output as TensorJson));
      leaves.forEach((l, i) => {
        const want = c.grads?.[i] ?? null;
        if (want === null) assert.equal(l.grad, null, `input ${i} grad`);
        else assertTensor(l.grad as Tensor, want, { rtol: 0, atol: 0 }, `input ${i} grad`);
      });
    });
  }
});

describe('pointwise op behaviour', () => {
  test('in-place forms record the graph like any in-place op', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    y.addcmul_(x, x, { value: 2 });
    assert.equal(y.gradFn?.name, 'AddcmulBackward0');
    y.sum().backward();
    assert.deepEqual(x.grad?.tolist(), [5, 9, 13]);
    assert.throws(() => x.addcmul_(x, x), /leaf Variable that requires grad/);
  });

  test('errors name the dtypes as PyTorch does', () => {
    const i = torch.tensor([1, 2, 3]);
    const f = torch.tensor([1, 2, 3], { dtype: 'float32' });
    assert.throws(() => torch.addcdiv(f, i, i), /Integer division with addcdiv is no longer supported/);
    assert.throws(() => torch.lerp(f, f.double(), 0.5), /expected dtype float for `end` but got dtype double/);
    assert.throws(() => torch.lerp(i, i, 0.5), /"lerp_kernel_scalar" not implemented for 'Long'/);
    assert.throws(() => i.clone().addcmul_(f, f), /result type Float can't be cast to the desired output type Long/);
    assert.throws(() => f.clone().addcmul_(f.view(3, 1), f), /doesn't match the broadcast shape/);
  });

  test('an operand that overlaps self in another layout is read before self is written', () => {
    const base = torch.tensor([1, 2, 3, 4], { dtype: 'float32' });
    const self = base.narrow(0, 1, 3);
    const shifted = base.narrow(0, 0, 3);
    const expected = torch.addcmul(self.clone(), shifted.clone(), shifted.clone());
    self.addcmul_(shifted, shifted);
    assert.deepEqual(self.tolist(), expected.tolist());
  });
});
