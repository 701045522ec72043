// A non-tensor where an op takes a tensor (or a number) throws PyTorch's TypeError naming
// the argument and its position, e.g. "add(): argument 'other' (position 1) must be Tensor,
// not str" — recorded from PyTorch by scripts/fixtures/nn_containers.py — instead of
// failing deep inside with "Cannot read properties of undefined".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface ErrorJson {
  type: string;
  message: string;
}
const fx = loadFixture<{ op_errors: Record<string, ErrorJson> }>('nn_containers.json').op_errors;

/** PyTorch's names, as torchlette spells them (logical_and → logicalAnd); Python's None/dict are JavaScript's null/object. */
function jsMessage(m: string): string {
  return m
    .replace(/^(\w+)\(\)/, (_, name: string) => `${name.replace(/_([a-z])/g, (__, c: string) => c.toUpperCase())}()`)
    .replace(/not NoneType$/, 'not None')
    .replace(/not dict$/, 'not object');
}

const t = torch.ones(2);
const m = torch.ones(2, 2);
const b = torch.ones(1, 2, 2);
const x = (v: unknown) => v as Tensor;
const CALLS: Record<string, () => unknown> = {
  "t.add('abc')": () => t.add(x('abc')),
  "torch.add(t, 'abc')": () => torch.add(t, x('abc')),
  "torch.add('abc', t)": () => torch.add(x('abc'), t),
  't.mul(null)': () => t.mul(x(null)),
  't.sub([1, 2])': () => t.sub(x([1, 2])),
  't.div({})': () => t.div(x({})),
  "t.add_('x')": () => t.add_(x('x')),
  "t.sub_('x')": () => t.sub_(x('x')),
  't.maximum(2)': () => t.maximum(x(2)),
  "torch.maximum(t, 'x')": () => torch.maximum(t, x('x')),
  "t.minimum('x')": () => t.minimum(x('x')),
  "t.atan2('x')": () => t.atan2(x('x')),
  "t.logicalAnd('x')": () => t.logicalAnd(x('x')),
  "t.isclose('x')": () => t.isclose(x('x')),
  't.matmul(5)': () => t.matmul(x(5)),
  't.matmul(null)': () => t.matmul(x(null)),
  'torch.matmul(t, 5)': () => torch.matmul(t, x(5)),
  'torch.matmul(5, t)': () => torch.matmul(x(5), t),
  'm.mm(5)': () => m.mm(x(5)),
  "torch.mm(m, 'x')": () => torch.mm(m, x('x')),
  'b.bmm(null)': () => b.bmm(x(null)),
  "torch.bmm('x', b)": () => torch.bmm(x('x'), b),
  't.dot(3)': () => t.dot(x(3)),
  "m.where(m.gt(0), 'a')": () => m.where(m.gt(0), x('a')),
  "torch.stack([t, 'x'])": () => torch.stack([t, x('x')]),
  "torch.cat([t, 'x'])": () => torch.cat([t, x('x')]),
  'torch.cat([t, 3])': () => torch.cat([t, x(3)]),
  'torch.stack(t)': () => torch.stack(x(t) as unknown as Tensor[]),
  'torch.exp(5)': () => torch.exp(x(5)),
};

// Where JavaScript differs: a trailing {} is the options object, so t.div({}) lacks its operand.
const JS_MESSAGES: Record<string, string> = { 't.div({})': "div(): missing required argument 'other'" };

describe("PyTorch's argument errors for ops", () => {
  for (const [call, expected] of Object.entries(fx)) {
    test(call, () => {
      assert.equal(expected.type, 'TypeError');
      assert.throws(CALLS[call], { name: 'TypeError', message: JS_MESSAGES[call] ?? jsMessage(expected.message) });
    });
  }
});

describe('the same check everywhere an op takes a tensor or a number', () => {
  const CASES: [() => unknown, string][] = [
    [() => t.mul('2' as never), "mul(): argument 'other' (position 1) must be Tensor, not str"],
    [() => t.pow('2' as never), "pow(): argument 'exponent' (position 1) must be Tensor, not str"],
    [() => torch.pow('2' as never, t), "pow(): argument 'input' (position 1) must be Tensor, not str"],
    [() => t.eq(undefined as never), "eq(): missing required argument 'other'"],
    [() => t.gt([0] as never), "gt(): argument 'other' (position 1) must be Tensor, not list"],
    [() => torch.lt(t, 'x' as never), "lt(): argument 'other' (position 2) must be Tensor, not str"],
    [() => t.remainder('x' as never), "remainder(): argument 'other' (position 1) must be Tensor, not str"],
    [() => t.bitwiseAnd('x' as never), "bitwiseAnd(): argument 'other' (position 1) must be Tensor, not str"],
    [() => t.mul_({} as never), "mul_(): missing required argument 'other'"],
    [() => t.mul_({ othr: t } as never), "mul_(): unexpected option 'othr'; accepted options: other"],
    [() => t.div_('x' as never), "div_(): argument 'other' (position 1) must be Tensor, not str"],
    [() => t.rsub('x' as never), "rsub(): argument 'other' (position 1) must be Tensor, not str"],
    [() => torch.where(t.gt(0), 'a' as never, t), "where(): argument 'input' (position 2) must be Tensor, not str"],
    [() => torch.where([true] as never, t, t), "where(): argument 'condition' (position 1) must be Tensor, not list"],
    [() => t.clamp('a' as never), "clamp(): argument 'min' (position 2) must be Tensor, not str"],
    [() => t.maskedFill(t.gt(0), 'a' as never), "maskedFill(): argument 'value' (position 3) must be Tensor, not str"],
    [() => torch.addmm(m, m, 'x' as never), "addmm(): argument 'mat2' (position 3) must be Tensor, not str"],
    [() => torch.sigmoid([1, 2] as never), "sigmoid(): argument 'input' (position 1) must be Tensor, not list"],
    [() => torch.isnan(1 as never), "isnan(): argument 'input' (position 1) must be Tensor, not int"],
    [() => torch.lerp(t, t, 'x' as never), "lerp(): argument 'weight' (position 3) must be Tensor, not str"],
    [() => torch.equal(t, [1, 1] as never), "equal(): argument 'other' (position 2) must be Tensor, not list"],
    [() => new nn.Linear(2, 3).forward(5 as never), "linear(): argument 'input' (position 1) must be Tensor, not int"],
  ];
  for (const [fn, message] of CASES) {
    test(message, () => assert.throws(fn, { name: 'TypeError', message }));
  }

  test('a failed in-place op leaves the tensor as it was', () => {
    const y = torch.ones(2);
    assert.throws(() => y.add_('x' as never), TypeError);
    assert.deepEqual(y.tolist(), [1, 1]);
    assert.equal(y._version, 0);
  });

  test('numbers and booleans still work where PyTorch takes them', () => {
    assert.deepEqual(t.add(1).tolist(), [2, 2]);
    assert.deepEqual(t.mul(true).tolist(), [1, 1]);
    assert.deepEqual(torch.add(1, t).tolist(), [2, 2]);
    assert.deepEqual(t.where(t.gt(5), 0).tolist(), [0, 0]);
    assert.deepEqual(t.clamp(null, 0.5).tolist(), [0.5, 0.5]);
    assert.throws(() => torch.add(1 as never, 2 as never), { name: 'TypeError', message: 'add(): expected at least one Tensor argument' });
  });
});

describe('creation functions: sizes and bounds are checked, options are never taken for a bound', () => {
  test('randint without a size, with a non-number bound or with options for the size throws', () => {
    assert.throws(() => torch.randint(0, 10 as never), { name: 'TypeError', message: "randint(): argument 'size' (position 3) must be a list of ints, not undefined" });
    assert.throws(() => torch.randint(0, 'a' as never, [2]), { name: 'TypeError', message: "randint(): argument 'high' (position 2) must be a number, not str" });
    assert.throws(() => torch.randint(0, 10, { dtype: 'int32' } as never), { name: 'TypeError', message: "randint(): argument 'size' (position 3) must be a list of ints, not object" });
    assert.throws(() => torch.full(2 as never, 1.5), { name: 'TypeError', message: "full(): argument 'size' (position 1) must be a list of ints, not int" });
  });
  test('randintLike(x, high, { dtype }) keeps the dtype (randint_like(x, 10, dtype=torch.int32))', () => {
    torch.manualSeed(0);
    const r = torch.randintLike(torch.zeros(2, 3), 10, { dtype: 'int32' });
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(r.shape, [2, 3]);
    const v = Array.from(r.toTypedArray() as Int32Array);
    assert.ok(v.every((e) => Number.isInteger(e) && e >= 0 && e < 10), String(v));
  });
});
