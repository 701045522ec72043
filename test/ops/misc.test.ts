// torch.fmax/fmin, torch.normal, trapezoid/trapz/cumulativeTrapezoid, positive/adjoint/nansum
// against PyTorch (scripts/fixtures/ops_misc.py): values, gradients, node names, errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface GradCase {
  inputs: TensorJson[];
  out: TensorJson;
  node: string;
  grads: TensorJson[];
}
interface Fixture {
  fmaxmin: { fmax: GradCase; fmin: GradCase; fmax_promote: TensorJson; fmin_int: TensorJson };
  normal: Record<'tensor_tensor' | 'tensor_float' | 'float_tensor' | 'float_float' | 'float_float64', TensorJson> & {
    broadcast_shape: number[]; nodes: string[]; grads: TensorJson[]; errors: Record<string, string>;
  };
  trapezoid: { cases: Record<string, GradCase>; extra: Record<string, TensorJson>; errors: Record<string, string> };
  misc: Record<string, TensorJson>;
}
const fx = loadFixture<Fixture>('ops_misc.json');

/** Runs fn on leaves made from the case's inputs and compares output, node and gradients of sum(out * w). */
function checkGradCase(c: GradCase, fn: (...xs: Tensor[]) => Tensor): void {
  const xs = c.inputs.map((t) => fromJson(t, { requiresGrad: true }));
  const out = fn(...xs);
  assertTensor(out, c.out, {}, 'output');
  assert.equal(out.gradFn?.name, c.node);
  const w = torch.linspace(-1, 2, out.numel(), { dtype: out.dtype }).reshape(out.shape);
  out.mul(w).sum().backward();
  xs.forEach((x, i) => assertTensor(x.grad as Tensor, c.grads[i], {}, `grad ${i}`));
}

describe('fmax / fmin', () => {
  test('fmax: NaN loses to a number; gradient to the taken input', () => checkGradCase(fx.fmaxmin.fmax, (a, b) => torch.fmax(a, b)));
  test('fmin', () => checkGradCase(fx.fmaxmin.fmin, (a, b) => a.fmin(b)));
  test('type promotion', () => {
    assertTensor(torch.fmax(torch.tensor([1, 5]), torch.tensor([2.5, NaN], { dtype: 'float32' })), fx.fmaxmin.fmax_promote);
    assertTensor(torch.fmin(torch.tensor([1, 5]), torch.tensor([3, 2])), fx.fmaxmin.fmin_int);
  });
});

describe('torch.normal', () => {
  const n = fx.normal;
  const mean = torch.linspace(-2, 2, 20).reshape(4, 5);
  const std = torch.linspace(0.5, 3, 5);
  test('draws the numbers PyTorch draws, in the same order', () => {
    const g = new torch.Generator().manualSeed(5);
    assertTensor(torch.normal(mean, std, { generator: g }), n.tensor_tensor, { rtol: 1e-6, atol: 1e-6 }, 'tensor, tensor');
    assertTensor(torch.normal(mean, 2.5, { generator: g }), n.tensor_float, { rtol: 1e-6, atol: 1e-6 }, 'tensor, float');
    assertTensor(torch.normal(1.5, std, { generator: g }), n.float_tensor, { rtol: 1e-6, atol: 1e-6 }, 'float, tensor');
    assertTensor(torch.normal(2, 3, [3, 7], { generator: g }), n.float_float, { rtol: 1e-6, atol: 1e-6 }, 'float, float, size');
    assertTensor(torch.normal(2, 3, [17], { generator: g, dtype: 'float64' }), n.float_float64, {}, 'float64');
  });
  test('broadcasts mean and std', () => assert.deepEqual(torch.normal(torch.zeros(2, 1), torch.ones(3)).shape, n.broadcast_shape));
  test('gradients are zero (not reparameterized), as PyTorch', () => {
    const m = mean.clone().requiresGrad_();
    const s = std.clone().requiresGrad_();
    const r = torch.normal(m, s);
    assert.deepEqual([r.gradFn?.name, torch.normal(m, 1).gradFn?.name, torch.normal(0, s).gradFn?.name], n.nodes);
    r.sum().backward();
    assertTensor(m.grad as Tensor, n.grads[0]);
    assertTensor(s.grad as Tensor, n.grads[1]);
  });
  test('errors', () => {
    assert.throws(() => torch.normal(torch.zeros(3), torch.tensor([-1, 1, 1], { dtype: 'float32' })), { message: n.errors.neg_std_tensor });
    assert.throws(() => torch.normal(torch.zeros(3), -1), { message: n.errors.neg_std });
    assert.throws(() => torch.normal(0, 1), /needs a size/);
    assert.throws(() => torch.normal(torch.zeros(3), 1, [3]), /size is only accepted/);
    assert.throws(() => torch.normal(torch.zeros(3, { dtype: 'int64' }), 1), /floating-point/);
  });
});

describe('trapezoid, trapz, cumulativeTrapezoid', () => {
  const t = fx.trapezoid;
  const calls: Record<string, (...xs: Tensor[]) => Tensor> = {
    unit: (y) => torch.trapezoid(y),
    dx: (y) => torch.trapezoid(y, { dx: 0.3 }),
    dim0: (y) => torch.trapezoid(y, { dx: 2, dim: 0 }),
    x1: (y, x) => torch.trapezoid(y, x),
    x2_dim0: (y, x) => torch.trapezoid(y, x, { dim: 0 }),
    trapz_x: (y, x) => torch.trapz(y, x),
    trapz_dx: (y) => torch.trapz(y, { dx: 0.5 }),
    cum_unit: (y) => torch.cumulativeTrapezoid(y),
    cum_dx: (y) => torch.cumulativeTrapezoid(y, { dx: 0.3, dim: 0 }),
    cum_x1: (y, x) => torch.cumulativeTrapezoid(y, x),
  };
  for (const [name, c] of Object.entries(t.cases)) {
    test(name, () => {
      const xs = c.inputs.map((j) => fromJson(j, { requiresGrad: true }));
      const out = calls[name](...xs);
      assertTensor(out, c.out, {}, 'output');
      out.mul(torch.linspace(-1, 2, out.numel(), { dtype: out.dtype }).reshape(out.shape)).sum().backward();
      xs.forEach((x, i) => assertTensor(x.grad as Tensor, c.grads[i], {}, `grad ${i}`));
    });
  }
  test('integer, empty and float32 inputs', () => {
    assertTensor(torch.trapezoid(torch.tensor([1, 2, 4])), t.extra.int_unit);
    assertTensor(torch.trapezoid(torch.tensor([1, 2, 4]), torch.tensor([0, 1, 3])), t.extra.int_x);
    assertTensor(torch.trapezoid(torch.zeros(2, 0)), t.extra.empty);
    assertTensor(torch.trapezoid(torch.tensor([0.1, 0.7, 0.35], { dtype: 'float32' }), { dx: 0.1 }), t.extra.float32);
  });
  test('errors', () => {
    assert.throws(() => torch.trapezoid(torch.ones(2, 3), torch.tensor([0, 1], { dtype: 'float32' }), { dim: 1 }), { message: t.errors.x_len });
    assert.throws(() => torch.cumulativeTrapezoid(torch.ones(2, 3), torch.tensor([0, 1], { dtype: 'float32' })), { message: t.errors.cum_x_len });
    assert.throws(() => torch.trapezoid(torch.ones(3, { dtype: 'bool' })), { message: t.errors.bool });
    assert.throws(() => torch.trapezoid(torch.ones(3), torch.ones(3), { dx: 2 }), /not both/);
  });
  test('gradcheck', () => {
    const y = torch.randn([3, 4], { dtype: 'float64' }).requiresGrad_();
    const x = torch.tensor([0, 0.5, 1.7, 2], { dtype: 'float64' }).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((a, b) => [torch.trapezoid(a, b), torch.cumulativeTrapezoid(a, b)], [y, x]));
  });
});

describe('positive, adjoint, nansum', () => {
  test('positive returns the tensor itself; bool is refused', () => {
    const x = torch.ones(2);
    assert.equal(x.positive(), x);
    assert.equal(torch.positive(x), x);
    assert.throws(() => torch.ones(2, { dtype: 'bool' }).positive(), /The `\+` operator, on a bool tensor is not supported/);
  });
  test('adjoint is the transposed view of the last two dims', () => {
    const x = torch.arange(6, { dtype: 'float32' }).reshape(1, 2, 3);
    assertTensor(x.adjoint(), fx.misc.adjoint);
    assertTensor(torch.adjoint(x), fx.misc.adjoint);
    x.adjoint().fill_(7);
    assert.equal(x.sum().item(), 42);
  });
  test('torch.nansum', () => {
    const a = torch.tensor([[1, NaN, 3], [4, 5, NaN]], { dtype: 'float32' });
    assertTensor(torch.nansum(a, 1), fx.misc.nansum);
    assertTensor(torch.nansum(a), fx.misc.nansum_all);
  });
});
