// torch.spmm on strided tensors (mm itself in PyTorch 1.13: values, gradients, MmBackward0, mm's
// errors) and the dtype-mismatch messages of every matrix product, against PyTorch
// (scripts/fixtures/ops_spmm.py).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = torch.nn.functional;

interface Fixture {
  spmm: {
    a: TensorJson; b: TensorJson; out: TensorJson; node: string; grad_a: TensorJson; grad_b: TensorJson;
    keywords: TensorJson; float64: TensorJson; int64: TensorJson; transposed: TensorJson; has_method: boolean;
    errors: Record<'shapes' | 'vector' | 'matrix_first' | 'dtype' | 'not_tensor_input' | 'not_tensor_mat2', string>;
  };
  dtype_errors: { messages: Record<string, string>; ok: Record<string, TensorJson> };
}
const fx = loadFixture<Fixture>('ops_spmm.json');

describe('torch.spmm on strided tensors', () => {
  const s = fx.spmm;
  const a = fromJson(s.a);
  const b = fromJson(s.b);

  test('equals mm, with MmBackward0 and its gradients', () => {
    const xa = a.clone().requiresGrad_();
    const xb = b.clone().requiresGrad_();
    const out = torch.spmm(xa, xb);
    assertTensor(out, s.out);
    assert.equal(out.gradFn?.name, s.node);
    const w = torch.linspace(-1, 2, out.numel()).reshape(out.shape);
    out.mul(w).sum().backward();
    assertTensor(xa.grad as Tensor, s.grad_a);
    assertTensor(xb.grad as Tensor, s.grad_b);
  });

  test('keywords, dtypes and strided (transposed) operands', () => {
    assertTensor(torch.spmm({ input: a, mat2: b }), s.keywords);
    assertTensor(torch.spmm(a, { mat2: b }), s.keywords);
    assertTensor(torch.spmm(a.double(), b.double()), s.float64);
    assertTensor(torch.spmm(torch.arange(6).reshape(2, 3), torch.arange(6).reshape(3, 2)), s.int64);
    assertTensor(torch.spmm(b.t(), a.t()), s.transposed);
  });

  test('a torch function only, as in PyTorch (no Tensor.spmm)', () => {
    assert.equal('spmm' in a, s.has_method);
  });

  test("mm's errors; anything but a strided Tensor (torchlette has no sparse layout) is refused", () => {
    assert.throws(() => torch.spmm(a, a), { name: 'RangeError', message: s.errors.shapes });
    assert.throws(() => torch.spmm(a, b.index(0)), { name: 'RangeError', message: s.errors.vector });
    assert.throws(() => torch.spmm(b.index(0), b), { name: 'RangeError', message: s.errors.matrix_first });
    assert.throws(() => torch.spmm(a, b.double()), { name: 'TypeError', message: s.errors.dtype });
    // PyTorch names Python's `list`; the JS value is an Array
    assert.throws(() => torch.spmm([[1]] as never, b), { name: 'TypeError', message: /^mm\(\): argument 'input' \(position 1\) must be Tensor, not / });
    assert.ok(s.errors.not_tensor_input.startsWith("mm(): argument 'input' (position 1) must be Tensor, not "));
    assert.throws(() => torch.spmm(a, 3 as never), { name: 'TypeError', message: s.errors.not_tensor_mat2 });
  });
});

describe('matrix products refuse operands of different dtypes with PyTorch\'s messages', () => {
  const f2 = torch.ones(2, 2);
  const d2 = torch.ones([2, 2], { dtype: torch.double });
  const f1 = torch.ones(2);
  const d1 = torch.ones([2], { dtype: torch.double });
  const f3 = torch.ones(2, 2, 2);
  const d3 = torch.ones([2, 2, 2], { dtype: torch.double });
  const l2 = torch.ones([2, 2], { dtype: torch.long });
  const calls: Record<string, () => unknown> = {
    mm_fd: () => torch.mm(f2, d2), mm_df: () => torch.mm(d2, f2), mm_fl: () => f2.mm(l2), mm_lf: () => l2.mm(f2),
    bmm_fd: () => torch.bmm(f3, d3), bmm_df: () => d3.bmm(f3),
    mv_fd: () => torch.mv(f2, d1), mv_df: () => d2.mv(f1),
    dot_fd: () => torch.dot(f1, d1), dot_df: () => d1.dot(f1),
    matmul_1_1: () => torch.matmul(f1, d1), matmul_2_1: () => torch.matmul(f2, d1),
    matmul_1_2: () => torch.matmul(f1, d2), matmul_2_2: () => torch.matmul(f2, d2),
    matmul_3_1: () => torch.matmul(f3, d1), matmul_3_2: () => torch.matmul(f3, d2),
    matmul_1_3: () => torch.matmul(f1, d3), matmul_2_3: () => torch.matmul(f2, d3),
    matmul_3_3: () => torch.matmul(f3, d3), matmul_method: () => d3.matmul(f2),
    addmm_dff: () => torch.addmm(d2, f2, f2), addmm_fdf: () => torch.addmm(f2, d2, f2),
    addmm_ffd: () => torch.addmm(f2, f2, d2), addmm_fdd: () => torch.addmm(f2, d2, d2),
    addmm_dfd: () => torch.addmm(d2, f2, d2), addmm_vector: () => torch.addmm(d1, f2, f2),
    addmm_method: () => f2.addmm(d2, f2),
    linear_weight: () => F.linear(f2, d2), linear_input: () => F.linear(d2, f2),
    linear_bias: () => F.linear(f2, f2, d1), linear_input_bias: () => F.linear(d2, f2, f1),
    linear_3d_bias: () => F.linear(f3, f2, d1), linear_3d_weight_bias: () => F.linear(f3, d2, f1),
    linear_3d_input_bias: () => F.linear(d3, f2, f1), linear_3d_weight: () => F.linear(f3, d2),
    linear_1d_weight: () => F.linear(f1, d2), linear_1d_input_bias: () => F.linear(d1, f2, f1),
    nn_linear: () => new torch.nn.Linear(2, 2).forward(d2),
    linear_1d_long_float_bias: () => F.linear(l2.index(0), l2, f1),
  };

  test('every case the fixture recorded is called here', () => {
    assert.deepEqual(Object.keys(calls).sort(), Object.keys(fx.dtype_errors.messages).sort());
  });
  for (const [key, message] of Object.entries(fx.dtype_errors.messages)) {
    test(key, () => assert.throws(calls[key], { name: 'TypeError', message }));
  }
  test("linear's in-place bias add keeps the product's dtype (1-D or non-contiguous input), or refuses as add_ does", () => {
    assertTensor(F.linear(f1, f2, d1), fx.dtype_errors.ok.linear_1d_bias);
    assertTensor(F.linear(f3.transpose(0, 1), f2, d1), fx.dtype_errors.ok.linear_3d_noncontiguous_bias);
    assertTensor(F.linear(l2.index(0), l2, torch.ones([2], { dtype: torch.int32 })), fx.dtype_errors.ok.linear_1d_long_int_bias);
  });
});
