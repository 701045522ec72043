// Exact int64 (issue 14): every int64 value PyTorch holds round-trips exactly and arithmetic
// wraps as its two's complement. Expected values come from scripts/fixtures/int64.py (int64
// values past 2^53 are decimal strings there).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { load, loadFromBuffer, safetensors, saveToBuffer } from '../../src/serialization/index.js';
import { loadFixture } from '../helpers/fixtures.js';

type Int = number | string;
interface Fixture {
  a: Int[];
  b: Int[];
  binary: Record<string, Int[]>;
  compare: Record<string, boolean[]>;
  unary: Record<string, Int[]>;
  shifts: Record<string, Int[]>;
  reductions: Record<string, Int[]>;
  args: { argmax: number; argmin: number; sort_indices: number[]; sort_values: Int[] };
  casts: Record<string, (number | string | boolean)[]>;
  repro: Record<string, Int[]>;
  errors: Record<string, string>;
  printing: Record<string, string>;
  checkpoint: { t: Int[]; n: Int; neg: Int; small: number; list: Int[] };
}

const fx = loadFixture<Fixture>('int64.json');
const big = (v: Int): bigint => BigInt(v);
const bigs = (vs: Int[]): bigint[] => vs.map(big);
/** A tensor's int64 elements, exactly. */
const values = (t: torch.Tensor): bigint[] => {
  assert.equal(t.dtype, 'int64');
  return Array.from(t.reshape(-1).toTypedArray() as BigInt64Array);
};
const num = (v: number | string | boolean): number => (typeof v === 'string' ? Number(v) : Number(v));

const a = () => torch.tensor(bigs(fx.a));
const b = () => torch.tensor(bigs(fx.b));

describe('int64 is exact', () => {
  test("the issue's reproductions", () => {
    assert.deepEqual(values(torch.tensor([2 ** 52], { dtype: 'int64' }).mul(3).add(1).sub(3 * 2 ** 52)), bigs(fx.repro.mul_add_sub));
    assert.deepEqual(values(torch.tensor([2 ** 62], { dtype: 'int64' }).mul(4)), bigs(fx.repro.mul_wrap));
    assert.deepEqual(values(torch.tensor([2n ** 62n + 1n])), [2n ** 62n + 1n]);
    assert.deepEqual(values(torch.full([2], 2n ** 62n + 1n)), bigs(fx.repro.full));
    assert.deepEqual(values(torch.arange(2n ** 60n, 2n ** 60n + 7n, 3n)), bigs(fx.repro.arange));
  });

  test('binary arithmetic wraps as two\'s complement', () => {
    const ops: Record<string, (x: torch.Tensor, y: torch.Tensor) => torch.Tensor> = {
      add: (x, y) => x.add(y), sub: (x, y) => x.sub(y), mul: (x, y) => x.mul(y),
      floor_divide: (x, y) => x.div(y, { roundingMode: 'floor' }), trunc_divide: (x, y) => x.div(y, { roundingMode: 'trunc' }),
      remainder: (x, y) => x.remainder(y), fmod: (x, y) => x.fmod(y), bitwise_and: (x, y) => x.bitwiseAnd(y),
      bitwise_or: (x, y) => x.bitwiseOr(y), bitwise_xor: (x, y) => x.bitwiseXor(y), maximum: (x, y) => torch.maximum(x, y),
      minimum: (x, y) => torch.minimum(x, y), add_alpha: (x, y) => x.add(y, { alpha: 3 }),
    };
    for (const [name, op] of Object.entries(ops)) {
      assert.deepEqual(values(op(a(), b())), bigs(fx.binary[name]), name);
      // The same op on 300 elements (the native backend's bulk size) gives the same values.
      assert.deepEqual(values(op(a().repeat(40), b().repeat(40))).slice(0, 8), bigs(fx.binary[name]), `${name}, bulk`);
    }
    for (const [name, want] of Object.entries(fx.compare)) {
      const op = (x: torch.Tensor, y: torch.Tensor) => (x as unknown as Record<string, (o: torch.Tensor) => torch.Tensor>)[name](y);
      assert.deepEqual(op(a(), b()).tolist(), want, name);
      assert.deepEqual((op(a().repeat(40), b().repeat(40)).tolist() as boolean[]).slice(0, 8), want, `${name}, bulk`);
    }
  });

  test('unary ops and shifts', () => {
    assert.deepEqual(values(a().neg()), bigs(fx.unary.neg));
    assert.deepEqual(values(a().abs()), bigs(fx.unary.abs));
    assert.deepEqual(values(a().bitwiseNot()), bigs(fx.unary.bitwise_not));
    assert.deepEqual(values(a().mul(a())), bigs(fx.unary.square));
    assert.deepEqual(values(a().sign()), bigs(fx.unary.sign));
    assert.deepEqual(values(a().bitwiseLeftShift(3)), bigs(fx.shifts.lshift_3));
    assert.deepEqual(values(a().bitwiseRightShift(3)), bigs(fx.shifts.rshift_3));
    assert.deepEqual(values(torch.tensor([1, 2, 3, -5]).bitwiseLeftShift(62)), bigs(fx.shifts.lshift_62));
  });

  test('reductions, arg-reductions and sort', () => {
    const r = fx.reductions;
    assert.deepEqual(values(a().sum()), bigs(r.sum));
    assert.deepEqual(values(a().prod()), bigs(r.prod));
    assert.deepEqual(values(a().max()), bigs(r.max));
    assert.deepEqual(values(a().min()), bigs(r.min));
    assert.deepEqual(values(a().cumsum(0)), bigs(r.cumsum));
    assert.deepEqual(values(b().cumprod(0)), bigs(r.cumprod));
    assert.deepEqual(values(torch.tensor([2 ** 62, 2 ** 62, 2 ** 62, 2 ** 62], { dtype: 'int64' }).sum()), bigs(r.sum_wrap));
    assert.deepEqual(values(torch.tensor([2 ** 20, 2 ** 20, 2 ** 20], { dtype: 'int32' }).prod()), bigs(r.prod_int32));
    assert.equal(a().argmax().item(), fx.args.argmax);
    assert.equal(a().argmin().item(), fx.args.argmin);
    const sorted = a().sort();
    assert.deepEqual(sorted.indices.tolist(), fx.args.sort_indices);
    assert.deepEqual(values(sorted.values), bigs(fx.args.sort_values));
    // Sums over many elements (the native backend's path) are exact too.
    assert.deepEqual(values(a().repeat(100).sum()), [BigInt.asIntN(64, 100n * BigInt(r.sum[0]))]);
  });

  test('casts: int64 -> float rounds the exact integer once, as C++ does; floats -> int64 as x86 does', () => {
    const c = fx.casts;
    const t = torch.tensor(bigs(c.values as Int[]));
    for (const dst of ['float32', 'float64'] as const) {
      assert.deepEqual(Array.from(t.to(dst).toTypedArray(), Number), c[dst].map(num), `int64 -> ${dst}`);
      assert.deepEqual(Array.from(t.repeat(50).to(dst).toTypedArray(), Number).slice(0, 8), c[dst].map(num), `int64 -> ${dst}, bulk`);
    }
    assert.deepEqual(t.to('int32').tolist(), c.int32);
    assert.deepEqual(t.to('uint8').tolist(), c.uint8);
    assert.deepEqual(t.to('bool').tolist(), c.bool);
    const f = torch.tensor(c.from_float64_values.map(num), { dtype: 'float64' });
    assert.deepEqual(values(f.to('int64')), bigs(c.from_float64 as Int[]), 'float64 -> int64');
    assert.deepEqual(values(f.to('float32').to('int64')), bigs(c.from_float32 as Int[]), 'float32 -> int64');
    assert.deepEqual(values(f.repeat(50).to('int64')).slice(0, 10), bigs(c.from_float64 as Int[]), 'float64 -> int64, bulk');
  });

  test('matmul, gather, indexSelect and where keep every digit', () => {
    const m = torch.tensor([[2n ** 40n, 3n], [5n, 2n ** 62n]]).matmul(torch.tensor([[2n ** 30n + 1n], [2n]]));
    assert.deepEqual(values(m), bigs(fx.repro.matmul));
    assert.deepEqual(values(a().gather(0, torch.tensor([0, 2, 1]))), bigs(fx.repro.gather));
    assert.deepEqual(values(a().indexSelect(0, torch.tensor([5, 0]))), bigs(fx.repro.index_select));
    assert.deepEqual(values(torch.where(a().gt(0), a(), b())), bigs(fx.repro.where));
  });

  test("index errors print the index's every digit, as PyTorch", () => {
    const x = torch.arange(10);
    assert.throws(() => x.index(torch.tensor([2n ** 62n])), { message: fx.errors.index });
    assert.throws(() => x.gather(0, torch.tensor([2n ** 62n])), { message: fx.errors.gather });
    assert.throws(() => x.repeat(100).gather(0, torch.full([300], 2n ** 62n)), { message: fx.errors.gather.replace('size 10', 'size 1000') });
    assert.throws(() => torch.nn.functional.nllLoss(torch.zeros(2, 3), torch.tensor([2n ** 62n, 0n])), { message: fx.errors.nll_loss });
    assert.throws(() => torch.tensor([2n ** 63n]), { message: 'value cannot be converted to type int64 without overflow' });
    assert.throws(() => torch.full([1], -(2n ** 63n) - 1n), { message: 'value cannot be converted to type int64_t without overflow' });
  });

  test('item() and tolist() give numbers where exact and bigints beyond', () => {
    const t = torch.tensor([2n ** 62n + 1n, 5n, -(2n ** 53n) + 1n, 2n ** 53n]);
    assert.deepEqual(t.tolist(), [2n ** 62n + 1n, 5, -(2 ** 53) + 1, 2n ** 53n]);
    assert.equal(t.select(0, 0).item(), 2n ** 62n + 1n);
    assert.equal(t.select(0, 1).item(), 5);
    assert.equal(typeof torch.tensor(3).item(), 'number');
  });

  test('printing shows every digit', () => {
    assert.equal(torch.tensor([2n ** 62n + 1n, -5n]).toString(), fx.printing.vector);
    assert.equal(torch.tensor(2n ** 62n + 1n).toString(), fx.printing.scalar);
    assert.equal(torch.tensor([[2n ** 63n - 1n], [-(2n ** 63n)]]).toString(), fx.printing.matrix);
  });

  test('checkpoints: PyTorch\'s zip and legacy files load exactly, tensors and Python ints past 2^53', () => {
    const want = fx.checkpoint;
    for (const file of ['int64.pt', 'int64_legacy.pt']) {
      const got = load(join(import.meta.dirname, '..', 'fixtures', 'serialization', file)) as Record<string, unknown>;
      assert.deepEqual(values(got.t as torch.Tensor), bigs(want.t), file);
      assert.equal(got.n, big(want.n), file);
      assert.equal(got.neg, big(want.neg), file);
      assert.equal(got.small, 5, file);
      assert.deepEqual(got.list, want.list.map((v) => (typeof v === 'string' ? BigInt(v) : v)), file);
    }
  });

  test('save/load round trips: torch.save and safetensors', () => {
    const t = torch.tensor([2n ** 62n + 1n, -(2n ** 63n), 2n ** 63n - 1n]);
    const back = loadFromBuffer(saveToBuffer({ t, n: 2n ** 62n + 3n })) as Record<string, unknown>;
    assert.deepEqual(values(back.t as torch.Tensor), values(t));
    assert.equal(back.n, 2n ** 62n + 3n);
    assert.deepEqual(values(safetensors.load(safetensors.save({ t })).t), values(t));
  });
});
