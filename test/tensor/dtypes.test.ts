// Type promotion and creation against PyTorch (scripts/fixtures/dtypes.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Operand = [kind: 'tensor' | 'zero_dim' | 'scalar', value: string | number | boolean];

const fixture = loadFixture<{
  promotion: { a: Operand; b: Operand; result: torch.DType }[];
  creation: Record<string, TensorJson>;
}>('dtypes.json');

function operand([kind, value]: Operand): torch.Tensor | number | boolean {
  if (kind === 'scalar') return value as number | boolean;
  return torch.ones(kind === 'tensor' ? [2] : [], { dtype: value as torch.DType });
}

test('resultType follows PyTorch for every pair of dtypes, ranks and scalars', () => {
  for (const c of fixture.promotion) {
    assert.equal(torch.resultType(operand(c.a), operand(c.b)), c.result, `${c.a.join(' ')} with ${c.b.join(' ')}`);
  }
});

const CREATION: Record<string, () => torch.Tensor> = {
  tensor_ints: () => torch.tensor([[1, 2], [3, 4]]),
  tensor_floats: () => torch.tensor([[1.5, 2], [3, 4]]),
  tensor_bools: () => torch.tensor([true, false]),
  tensor_scalar_int: () => torch.tensor(5),
  tensor_scalar_float: () => torch.tensor(2.5),
  tensor_mixed_bool_int: () => torch.tensor([true, 2]),
  tensor_empty: () => torch.tensor([]),
  tensor_empty_nested: () => torch.tensor([[], []]),
  zeros: () => torch.zeros(2, 3),
  ones_int: () => torch.ones(2, { dtype: 'int32' }),
  full_int: () => torch.full([2, 2], 7),
  full_float: () => torch.full([2], 0.5),
  full_bool: () => torch.full([2], true),
  arange_int: () => torch.arange(5),
  arange_start_step: () => torch.arange(1, 10, 3),
  arange_float: () => torch.arange(0, 1, 0.1),
  arange_negative: () => torch.arange(5, -3, -2),
  linspace: () => torch.linspace(0, 1, 5),
  linspace_long: () => torch.linspace(-3.7, 11.3, 37),
  linspace_one: () => torch.linspace(2, 3, 1),
  linspace_float64: () => torch.linspace(0, 1, 7, { dtype: 'float64' }),
  eye: () => torch.eye(3),
  eye_rect: () => torch.eye(2, 4),
  zeros_like_int: () => torch.zerosLike(torch.tensor([1, 2])),
  full_like: () => torch.fullLike(torch.ones(2, 2), 3.5),
};

for (const [name, want] of Object.entries(fixture.creation)) {
  test(`creation: ${name}`, () => {
    const make = CREATION[name];
    assert.ok(make, `no TypeScript twin for ${name}`);
    assertTensor(make(), want, { rtol: 0, atol: 0 });
  });
}

test('JS numbers: integral values infer int64 unless requiresGrad asks for a float', () => {
  assert.equal(torch.tensor(5.0).dtype, 'int64');
  assert.equal(torch.tensor(5.0, { requiresGrad: true }).dtype, 'float32');
  assert.equal(torch.tensor(new Float32Array([1, 2])).dtype, 'float32');
  assert.equal(torch.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.throws(() => torch.tensor([[1, 2], [3]]), /expected sequence of length 2 at dim 1 \(got 1\)/);
});
