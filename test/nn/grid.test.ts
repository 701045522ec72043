// F.affineGrid against PyTorch (scripts/fixtures/nn_grid.py): grids and theta gradients in
// 2-D and 3-D with and without align_corners, node name, error messages; gradcheck.
// F.gridSample likewise: every mode x padding mode x align_corners in 2-D and 3-D, outputs,
// input and grid gradients, node names, error messages; gradcheck.
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
interface SampleCase {
  name: string;
  mode: 'bilinear' | 'nearest' | 'bicubic';
  padding_mode: 'zeros' | 'border' | 'reflection';
  align_corners: boolean;
  input: TensorJson;
  grid: TensorJson;
  output: TensorJson;
  grad_output: TensorJson;
  input_grad: TensorJson;
  grid_grad: TensorJson;
  node: string;
}
const fx = loadFixture<{ cases: Case[]; errors: Record<string, string>; node: string; sample_cases: SampleCase[]; sample_errors: Record<string, string> }>(
  'nn_grid.json',
);

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

describe('gridSample', () => {
  for (const c of fx.sample_cases) {
    test(c.name, () => {
      const input = fromJson(c.input, { requiresGrad: true });
      const grid = fromJson(c.grid, { requiresGrad: true });
      const out = F.gridSample(input, grid, { mode: c.mode, paddingMode: c.padding_mode, alignCorners: c.align_corners });
      // float32: PyTorch sums in float32, torchlette in float64 (then rounds once).
      const f32 = c.input.dtype === 'float32';
      assertTensor(out, c.output, f32 ? { rtol: 1e-5, atol: 1e-5 } : {}, 'output');
      assert.equal(out.gradFn?.name, c.node);
      out.backward(fromJson(c.grad_output));
      assertTensor(input.grad as Tensor, c.input_grad, f32 ? { rtol: 1e-5, atol: 1e-5 } : {}, 'input grad');
      assertTensor(grid.grad as Tensor, c.grid_grad, f32 ? { rtol: 1e-4, atol: 1e-4 } : {}, 'grid grad');
    });
  }

  test('positional arguments and the default align_corners', () => {
    const c = fx.sample_cases.find((s) => s.name === '2d/bicubic/border/ac0') as SampleCase;
    const [input, grid] = [fromJson(c.input), fromJson(c.grid)];
    assertTensor(F.gridSample(input, grid, 'bicubic', 'border', false), c.output, { rtol: 1e-5, atol: 1e-5 });
    assertTensor(F.gridSample(input, grid, 'bicubic', 'border'), c.output, { rtol: 1e-5, atol: 1e-5 });
    const b = fx.sample_cases.find((s) => s.name === '2d/bilinear/zeros/ac0') as SampleCase;
    assertTensor(F.gridSample(fromJson(b.input), fromJson(b.grid)), b.output, { rtol: 1e-5, atol: 1e-5 });
    assert.equal(F.gridSample(fromJson(b.input), fromJson(b.grid), { alignCorners: false }).gradFn, null);
  });

  test('non-contiguous input and grid', () => {
    const c = fx.sample_cases.find((s) => s.name === '2d/bilinear/reflection/ac1') as SampleCase;
    const input = fromJson(c.input).transpose(2, 3).contiguous().transpose(2, 3).requiresGrad_();
    const grid = fromJson(c.grid).permute(0, 3, 1, 2).contiguous().permute(0, 2, 3, 1).requiresGrad_();
    assert.ok(!input.isContiguous() && !grid.isContiguous());
    const out = F.gridSample(input, grid, 'bilinear', 'reflection', true);
    assertTensor(out, c.output, { rtol: 1e-5, atol: 1e-5 });
    out.backward(fromJson(c.grad_output).transpose(2, 3).contiguous().transpose(2, 3));
    assertTensor(input.grad as Tensor, c.input_grad, { rtol: 1e-5, atol: 1e-5 });
    assertTensor(grid.grad as Tensor, c.grid_grad, { rtol: 1e-4, atol: 1e-4 });
  });

  test('empty batch and zero channels', () => {
    assert.deepEqual(F.gridSample(torch.randn([0, 2, 3, 4]), torch.randn([0, 3, 2, 2]), { alignCorners: false }).shape, [0, 2, 3, 2]);
    assert.deepEqual(F.gridSample(torch.randn([2, 0, 3, 4]), torch.randn([2, 3, 2, 2]), { alignCorners: false }).shape, [2, 0, 3, 2]);
  });
});

describe('gridSample error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    grid_last_dim: () => F.gridSample(r(2, 2, 3, 4), r(2, 3, 2, 3), { alignCorners: false }),
    grid_last_dim_3d: () => F.gridSample(r(2, 2, 3, 4, 5), r(2, 3, 2, 2, 2), { alignCorners: false }),
    batch: () => F.gridSample(r(2, 2, 3, 4), r(3, 3, 2, 3), { alignCorners: false }),
    input_3d: () => F.gridSample(r(2, 2, 3), r(2, 3, 1), { alignCorners: false }),
    input_6d: () => F.gridSample(r(2, 2, 3, 4, 5, 6), r(2, 3, 2, 2, 2, 4), { alignCorners: false }),
    grid_5d_for_4d: () => F.gridSample(r(2, 2, 3, 4), r(2, 3, 2, 2, 2), { alignCorners: false }),
    empty_spatial: () => F.gridSample(r(2, 2, 0, 4), r(2, 3, 2, 2), { alignCorners: false }),
    bicubic_3d: () => F.gridSample(r(2, 2, 3, 4, 5), r(2, 3, 2, 2, 3), { mode: 'bicubic', alignCorners: false }),
    mode: () => F.gridSample(r(2, 2, 3, 4), r(2, 3, 2, 2), { mode: 'linear', alignCorners: false }),
    padding_mode: () => F.gridSample(r(2, 2, 3, 4), r(2, 3, 2, 2), { paddingMode: 'zero', alignCorners: false }),
    dtype_mismatch: () => F.gridSample(r(2, 2, 3, 4), r(2, 3, 2, 2).double(), { alignCorners: false }),
    dtype_mismatch_3d: () => F.gridSample(r(2, 2, 3, 4, 5).double(), r(2, 3, 2, 2, 3), { alignCorners: false }),
    int_input: () => F.gridSample(r(2, 2, 3, 4).long(), r(2, 3, 2, 2), { alignCorners: false }),
    int_input_3d: () => F.gridSample(r(2, 2, 3, 4, 5).int(), r(2, 3, 2, 2, 3), { alignCorners: false }),
  };
  for (const [name, call] of Object.entries(calls)) {
    test(name, () => assert.throws(call, (e: Error) => e.message === fx.sample_errors[name]));
  }
  test('double backward is not implemented', () => {
    const x = torch.randn([1, 1, 2, 2], { dtype: 'float64', requiresGrad: true });
    const grid = torch.randn([1, 1, 1, 2], { dtype: 'float64', requiresGrad: true });
    const [, gg] = torch.autograd.grad(F.gridSample(x, grid, { alignCorners: false }).sum(), [x, grid], { createGraph: true });
    assert.equal(gg?.gradFn?.name, fx.sample_errors.double_backward_node);
    assert.throws(() => gg?.sum().backward(), (e: Error) => e.message === fx.sample_errors.double_backward);
  });
  test('argument errors', () => {
    // @ts-expect-error snake_case
    assert.throws(() => F.gridSample(r(1, 1, 2, 2), r(1, 1, 1, 2), { padding_mode: 'border' }), { message: /unexpected option 'padding_mode' — did you mean 'paddingMode'\?/ });
    // @ts-expect-error wrong type
    assert.throws(() => F.gridSample(r(1, 1, 2, 2), r(1, 1, 1, 2), 'bilinear', 'zeros', 1), { message: "grid_sample(): argument 'alignCorners' (position 5) must be a bool or null, not int" });
  });
});

describe('gradSample gradcheck', () => {
  torch.manualSeed(11);
  const input = torch.randn([1, 2, 3, 4], { dtype: 'float64' }).requiresGrad_();
  const grid = torch.randn([1, 2, 3, 2], { dtype: 'float64' }).mul(1.3).requiresGrad_();
  const input3 = torch.randn([1, 1, 2, 3, 2], { dtype: 'float64' }).requiresGrad_();
  const grid3 = torch.randn([1, 2, 1, 2, 3], { dtype: 'float64' }).mul(1.3).requiresGrad_();
  for (const mode of ['bilinear', 'bicubic'] as const) {
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      for (const alignCorners of [false, true]) {
        test(`2d ${mode} ${paddingMode} ac${Number(alignCorners)}`, () => {
          const f = (x: Tensor, g: Tensor) => F.gridSample(x, g, { mode, paddingMode, alignCorners });
          assert.ok(torch.autograd.gradcheck(f, [input, grid]));
        });
      }
    }
  }
  for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
    test(`3d bilinear ${paddingMode}`, () => {
      const f = (x: Tensor, g: Tensor) => F.gridSample(x, g, { paddingMode, alignCorners: false });
      assert.ok(torch.autograd.gradcheck(f, [input3, grid3]));
    });
  }
  test('nearest: the input gradient', () => {
    const f = (x: Tensor) => F.gridSample(x, grid.detach(), 'nearest', 'reflection', true);
    assert.ok(torch.autograd.gradcheck(f, [input]));
  });
});
