// Exact int64 scalars (issue 14): bigint operands wherever a scalar is accepted (add, mul,
// where, maskedFill, fill_, full, comparisons), clamp/clip with number or bigint bounds (an
// int bound is exact, a float bound promotes to float), and the scatter reductions on int64.
// Expected values from scripts/fixtures/int64.py (scalar_cases).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

type Int = number | string;
const fx = loadFixture<{ scalars: Record<string, Int[] | string> }>('int64.json').scalars;
const P = 2n ** 60n;
const D = [P + 3n, P + 1n, P + 2n, -P - 1n, -P - 3n, P + 5n, -P, 5n];
const q = P + 7n;
const d = () => torch.tensor(D);
const z = () => torch.zeros(3, { dtype: 'int64' });
const values = (t: torch.Tensor): bigint[] => {
  assert.equal(t.dtype, 'int64');
  return Array.from(t.reshape(-1).toTypedArray() as BigInt64Array);
};
const want = (name: string) => (fx[name] as Int[]).map((v) => BigInt(v));

describe('int64 scalars are exact', () => {
  test('bigint operands of arithmetic, comparisons, where, maskedFill, fill_, full', () => {
    const cases: Record<string, () => torch.Tensor> = {
      add: () => d().add(q), sub: () => d().sub(q), rsub: () => torch.sub(q, d()), mul: () => d().mul(3n),
      mul_big: () => torch.tensor([3, -1]).mul(q), add_alpha: () => d().add(q, { alpha: 2 }),
      where: () => torch.where(d().gt(0), d(), q), masked_fill: () => d().maskedFill(d().gt(0), q),
      fill: () => z().fill_(q), full: () => torch.full([2], q),
      eq: () => d().eq(P + 1n).long(), gt: () => d().gt(P + 2n).long(),
    };
    for (const [name, f] of Object.entries(cases)) assert.deepEqual(values(f()), want(name), name);
    // Bulk sizes (the native backend's threaded path) too.
    assert.deepEqual(values(d().repeat(50).add(q)).slice(0, 8), want('add'), 'add, bulk');
    assert.deepEqual(values(d().repeat(50).mul(3n)).slice(0, 8), want('mul'), 'mul, bulk');
    // A bigint with a float tensor promotes as a Python int does (to the tensor's float dtype), rounded once.
    const f = torch.tensor([1.5]).add(q);
    assert.equal(f.dtype, 'float32');
    assert.deepEqual(Array.from(f.toTypedArray(), Number), fx.add_float);
    // With an int32 tensor it wraps into int32, as PyTorch does.
    assert.deepEqual(torch.tensor([1], { dtype: 'int32' }).add(2n ** 62n + 5n).tolist(), fx.int32_add_big);
    assert.throws(() => z().fill_(2n ** 63n), { message: 'value cannot be converted to type int64_t without overflow' });
    // The other fills take a bigint too (values PyTorch gives for a Python int: the int itself).
    assert.deepEqual(values(z().indexFill(0, torch.tensor([1]), q)), [0n, q, 0n]);
    assert.deepEqual(values(z().newFull([2], q)), [q, q]);
    assert.deepEqual(values(torch.fullLike(z(), q)), [q, q, q]);
    assert.deepEqual(values(z().scatter(0, torch.tensor([2]), q as never)), [0n, 0n, q]);
  });

  test('clamp, clamp_, clip: int bounds exact, a float bound promotes to float', () => {
    const cases: Record<string, () => torch.Tensor> = {
      maximum_scalar: () => torch.clamp(d(), { min: P + 2n }), clamp: () => d().clamp(P + 1n, P + 2n), clamp_min: () => d().clamp({ min: P + 2n }),
      clamp_max: () => d().clamp({ max: -P - 2n }), clip: () => d().clip(-P - 2n, P + 1n), clamp_inplace: () => d().clone().clamp_(P + 1n, P + 2n),
      clamp_tensor: () => d().clamp(torch.tensor(P + 2n)), clamp_small: () => d().clamp(-5, 5), clamp_crossed: () => d().clamp(P + 2n, P + 1n),
    };
    for (const [name, f] of Object.entries(cases)) assert.deepEqual(values(f()), want(name), name);
    assert.deepEqual(values(d().repeat(50).clamp(P + 1n, P + 2n)).slice(0, 8), want('clamp'), 'clamp, bulk');
    // A number bound past 2^53 is an exact integer too (2^60 + 1024 is a double).
    assert.deepEqual(values(torch.tensor([P + 1023n, P + 1025n]).clamp(2 ** 60 + 1024)), [P + 1024n, P + 1025n]);
    const f = d().clamp(0.5);
    assert.equal(f.dtype, fx.clamp_float_dtype === 'torch.float32' ? 'float32' : 'float64');
    assert.deepEqual(Array.from(f.toTypedArray(), Number), (fx.clamp_float as Int[]).map(Number));
    // PyTorch's message names the C++ type here ("long int"); torchlette's in-place check names the ScalarType.
    assert.throws(() => z().clamp_(0.5), /result type Float can't be cast to the desired output type/);
  });

  test('randint and random_ with ranges past 2^32 and bounds past 2^53 follow PyTorch\'s stream', () => {
    const draw = (f: () => torch.Tensor) => {
      torch.manualSeed(0);
      return values(f());
    };
    assert.deepEqual(draw(() => torch.randint(-(2n ** 62n), 2n ** 62n, [4])), want('randint_wide'));
    assert.deepEqual(draw(() => torch.randint(P, P + 10n, [4])), want('randint_high'));
    assert.deepEqual(draw(() => torch.randint(0, 2 ** 40, [4])), want('randint_40'));
    assert.deepEqual(draw(() => torch.empty(4, { dtype: 'int64' }).random_(-(2n ** 63n), 2n ** 63n - 1n)), want('random_full'));
    assert.throws(() => torch.randint(0, 5.5, [2]), /randint\(\): bounds must be ints/);
  });

  test('linspace into int64: computed in doubles and truncated, as PyTorch\'s kernel', () => {
    const cases: Record<string, [number, number, number]> = { linspace_3: [0, 10, 3], linspace_4: [0, 10, 4], linspace_neg: [-3, 10, 6], linspace_big: [2 ** 60, 2 ** 60 + 8, 5] };
    for (const [name, [a, b, n]] of Object.entries(cases)) assert.deepEqual(values(torch.linspace(a, b, n, { dtype: 'int64' })), want(name), name);
  });

  test('scatterAdd, indexAdd, scatterReduce on int64 past 2^53', () => {
    const idx = torch.tensor([0, 0, 1, 2, 2]);
    const src = torch.tensor([P + 1n, 1n, P + 3n, -P - 1n, P + 2n]);
    assert.deepEqual(values(z().scatterAdd(0, idx, src)), want('scatter_add'));
    assert.deepEqual(values(z().indexAdd(0, idx, src)), want('index_add'));
    for (const r of ['sum', 'prod', 'amax', 'amin', 'mean'] as const) {
      assert.deepEqual(values(z().scatterReduce(0, idx, src, r)), want(`scatter_reduce_${r}`), r);
      assert.deepEqual(values(z().scatterReduce(0, idx, src, r, { includeSelf: false })), want(`scatter_reduce_${r}_noself`), `${r}, includeSelf=false`);
    }
  });
});
