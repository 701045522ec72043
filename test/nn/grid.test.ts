// F.affineGrid against PyTorch (scripts/fixtures/nn_grid.py): grids and theta gradients in
// 2-D and 3-D with and without align_corners, node name, error messages; gradcheck.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;

interface Case {
  name: string;
  size: number[];
  align_corners: boolean;
  theta: TensorJson;
  grid: TensorJson;
  grad_output: TensorJson;
  theta_grad: TensorJson;
}
const fx = loadFixture<{ cases: Case[]; errors: Record<string, string>; node: string }>('nn_grid.json');

describe('affineGrid', () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const theta = fromJson(c.theta, { requiresGrad: true });
      const grid = F.affineGrid(theta, c.size, c.align_corners);
      const tol = c.theta.dtype === 'float64' ? {} : { rtol: 1e-6, atol: 1e-6 };
      assertTensor(grid, c.grid, tol, 'grid');
      grid.backward(fromJson(c.grad_output));
      assertTensor(theta.grad as Tensor, c.theta_grad, c.theta.dtype === 'float64' ? {} : { rtol: 1e-5, atol: 1e-5 }, 'theta grad');
      assert.equal(grid.gradFn?.name, fx.node);
    });
  }
});

describe('error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    size_3d: () => F.affineGrid(r(2, 2, 3), [2, 1, 3], { alignCorners: false }),
    theta_2d_shape: () => F.affineGrid(r(2, 3, 3), [2, 1, 3, 3], false),
    theta_3d_shape: () => F.affineGrid(r(2, 2, 3), [2, 1, 3, 3, 3], false),
    zero_size: () => F.affineGrid(r(2, 2, 3), [2, 1, 0, 3], false),
  };
  for (const [name, message] of Object.entries(fx.errors)) {
    test(name, () => assert.throws(calls[name], (e: Error) => e.message === message));
  }
  test('argument errors', () => {
    // @ts-expect-error snake_case
    assert.throws(() => F.affineGrid(r(1, 2, 3), [1, 1, 2, 2], { align_corners: true }), { message: "affine_grid(): unexpected option 'align_corners' — did you mean 'alignCorners'?" });
    // @ts-expect-error wrong type
    assert.throws(() => F.affineGrid(r(1, 2, 3), 4), { message: "affine_grid(): argument 'size' (position 2) must be a list of ints, not int" });
  });
});

test('gradcheck / gradgradcheck (float64)', () => {
  torch.manualSeed(9);
  const theta = torch.randn([2, 2, 3], { dtype: 'float64' }).requiresGrad_();
  const theta3 = torch.randn([1, 3, 4], { dtype: 'float64' }).requiresGrad_();
  const f2 = (t: Tensor) => F.affineGrid(t, [2, 1, 3, 2], false);
  const f3 = (t: Tensor) => F.affineGrid(t, [1, 1, 2, 2, 3], true);
  assert.ok(torch.autograd.gradcheck(f2, [theta]));
  assert.ok(torch.autograd.gradgradcheck(f2, [theta]));
  assert.ok(torch.autograd.gradcheck(f3, [theta3]));
});
