// Scalars converted to a dtype are checked as PyTorch checks them (scripts/fixtures/overflow.py):
// NaN, infinities and out-of-range values raise instead of being stored wrapped or as NaN.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Case {
  call: 'tensor' | 'full' | 'fill_';
  value: number | string;
  dtype: DType;
  result?: (number | boolean | string)[];
  error?: string;
}
interface Casts {
  values: (number | string)[];
  int64_values: number[];
  [conversion: string]: (number | string | boolean)[];
}
const fx = loadFixture<{ cases: Case[]; arange: Record<string, string>; sizes: Record<string, string> & { expand_2_31_squared: number[] }; casts: Casts }>(
  'overflow.json',
);
const num = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);

for (const c of fx.cases) {
  test(`${c.call}(${c.value}) as ${c.dtype}`, () => {
    const v = num(c.value);
    const run = () =>
      c.call === 'tensor' ? torch.tensor([v], { dtype: c.dtype }) : c.call === 'full' ? torch.full([1], v, { dtype: c.dtype }) : torch.zeros(1, { dtype: c.dtype }).fill_(v);
    if (c.error !== undefined) {
      assert.throws(run, { message: c.error });
    } else {
      const got = (run().tolist() as (number | boolean)[]).map((e) => (e === Infinity ? 'inf' : e === -Infinity ? '-inf' : e));
      assert.deepEqual(got, c.result);
    }
  });
}

test('a failed fill_ leaves the tensor as it was', () => {
  const t = torch.tensor([1, 2, 3], { dtype: 'uint8' });
  assert.throws(() => t.fill_(300));
  assert.deepEqual(t.tolist(), [1, 2, 3]);
});

test('an integral number past int64 infers a float tensor (it can only be a float literal)', () => {
  assert.equal(torch.tensor([3e38]).dtype, 'float32');
  assert.equal(torch.tensor([2 ** 62]).dtype, 'int64');
});

test('arange refuses non-finite bounds', () => {
  assert.throws(() => torch.arange(0, Infinity), { message: fx.arange.end_inf });
  assert.throws(() => torch.arange(0, NaN), { message: fx.arange.end_nan });
  assert.throws(() => torch.arange(-Infinity, 1), { message: fx.arange.start_ninf });
  assert.throws(() => torch.arange(0, 1, NaN), { message: fx.arange.step_nan });
});

test('element counts past int64 are refused; impossible allocations say how many bytes were asked', () => {
  assert.throws(() => torch.ones(1).expand(2 ** 32, 2 ** 32), { message: fx.sizes.expand });
  assert.throws(() => torch.ones(1).expand(2 ** 62, 2), { message: fx.sizes.expand_2_62x2 });
  assert.deepEqual(torch.ones(1).expand(2 ** 31, 2 ** 31).shape, fx.sizes.expand_2_31_squared);
  // PyTorch's text adds the allocator's source line and errno, which depend on the machine.
  const asked = /can't allocate memory: you tried to allocate \d+ bytes/.exec(fx.sizes.zeros_2_40)?.[0] as string;
  assert.throws(() => torch.zeros(2 ** 40), (e: Error) => e.message.includes(asked));
});

test("tensor casts: a float becomes what PyTorch's x86 cast gives (NaN and out of range: the type's minimum)", () => {
  const c = fx.casts;
  for (const src of ['float32', 'float64'] as const) {
    const x = torch.tensor(c.values.map(num), { dtype: src });
    for (const dst of ['int64', 'int32', 'uint8', 'bool'] as const) {
      // int64 results past 2^53 are decimal strings in the fixture and bigints from tolist().
      const want = (c[`${src}->${dst}`] as unknown[]).map((v) => (typeof v === 'string' ? BigInt(v) : v));
      assert.deepEqual(x.to(dst).tolist(), want, `${src} -> ${dst}`);
      // A large tensor goes through the backend's bulk kernel (native when it is active).
      const big = x.repeat(1000).to(dst).tolist() as unknown[];
      assert.deepEqual(big.slice(-c.values.length), want, `${src} -> ${dst}, bulk`);
    }
  }
  const ints = torch.tensor(c.int64_values, { dtype: 'int64' });
  for (const dst of ['int32', 'uint8'] as const) assert.deepEqual(ints.to(dst).tolist(), c[`int64->${dst}`], `int64 -> ${dst} wraps`);
});
