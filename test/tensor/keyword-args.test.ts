// Keyword arguments as options, against PyTorch (scripts/fixtures/keyword_args.py): each
// listed call made with PyTorch's keyword arguments as a trailing options object (camelCase)
// and positionally gives PyTorch's result, and every parameter name PyTorch accepts for the
// function is accepted as an option key.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Arg = number | boolean | string | null | Arg[] | { t: string } | { dtype: string };
type Result = TensorJson | number | boolean | Result[];
interface Case {
  call: string;
  args: Arg[];
  kwargs: Record<string, Arg>;
  /** Named in the positional call too: keyword-only, or after a parameter the call skips. */
  named: string[];
  params: string[];
  result: Result;
}
const fx = loadFixture<{ tensors: Record<string, TensorJson>; cases: Case[] }>('keyword_args.json');
const env = Object.fromEntries(Object.entries(fx.tensors).map(([k, v]) => [k, fromJson(v)]));

const camel = (s: string): string => s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function decode(a: Arg): unknown {
  if (Array.isArray(a)) return a.map(decode);
  if (a !== null && typeof a === 'object') return 't' in a ? env[a.t] : a.dtype;
  return a;
}

type Fn = (...args: unknown[]) => unknown;
function resolve(call: string): Fn {
  const [head, name] = [call.slice(0, call.indexOf('.')), camel(call.slice(call.indexOf('.') + 1))];
  const table = (head === 'torch' ? torch : head === 'F' ? torch.nn.functional : null) as Record<string, unknown> | null;
  if (table !== null) {
    const fn = table[name];
    assert.equal(typeof fn, 'function', `${call}: torchlette has no ${head}.${name}`);
    return fn as Fn;
  }
  const self = env[head];
  const method = (self as unknown as Record<string, unknown>)[name];
  assert.equal(typeof method, 'function', `${call}: torchlette has no Tensor.${name}`);
  return (...args) => (method as Fn).apply(self, args);
}

function options(c: Case, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((k) => [camel(k), decode(c.kwargs[k])]));
}

/** The call with PyTorch's keyword arguments as one options object. */
function callWithOptions(c: Case): unknown {
  const args = c.args.map(decode);
  const keys = Object.keys(c.kwargs);
  torch.manualSeed(0);
  return keys.length === 0 ? resolve(c.call)(...args) : resolve(c.call)(...args, options(c, keys));
}

/** The same call with every argument that Python lets be positional given positionally. */
function callPositionally(c: Case): unknown {
  const args = c.args.map(decode);
  const keys = Object.keys(c.kwargs);
  const positional = keys.filter((k) => !c.named.includes(k)).map((k) => decode(c.kwargs[k]));
  torch.manualSeed(0);
  return c.named.length === 0 ? resolve(c.call)(...args, ...positional) : resolve(c.call)(...args, ...positional, options(c, c.named));
}

function check(actual: unknown, expected: Result, label: string): void {
  if (Array.isArray(expected)) {
    // PyTorch's tuples and named tuples: torchlette's arrays and { values, indices } objects.
    const parts = Array.isArray(actual) ? actual : Object.values(actual as object);
    assert.equal(parts.length, expected.length, `${label}: number of results`);
    expected.forEach((e, i) => check(parts[i], e, `${label}[${i}]`));
  } else if (typeof expected === 'object') {
    assert.ok(actual instanceof torch.Tensor, `${label}: expected a Tensor`);
    assertTensor(actual, expected, { rtol: 1e-5, atol: 1e-6 }, label);
  } else {
    assert.equal(actual, expected, label);
  }
}

describe('keyword arguments match PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    const name = `${c.call}(${[...c.args.map((a) => JSON.stringify(a)), ...Object.keys(c.kwargs).map((k) => `${k}=`)].join(', ')}) #${i}`;
    test(`${name}: options`, () => check(callWithOptions(c), c.result, c.call));
    test(`${name}: positional`, () => check(callPositionally(c), c.result, c.call));
    test(`${name}: accepts ${c.params.join(', ')}`, () => {
      const args = c.args.map(decode);
      // The names bound to the positional arguments (torch.X's input, F.loss's input and target).
      const bound = new Set(['input', 'tensor', 'self', ...(c.call.startsWith('x') ? [] : c.params.slice(0, c.args.length))]);
      for (const p of c.params) {
        if (bound.has(p) || p in c.kwargs) continue;
        // An undefined value is "not given", but the key is still checked against the signature
        // (alone, so that an overloaded function picks the overload that has it).
        try {
          torch.manualSeed(0);
          resolve(c.call)(...args, { [camel(p)]: undefined });
        } catch (e) {
          assert.doesNotMatch((e as Error).message, /unexpected option|did you mean/, `${c.call}: option '${camel(p)}' (PyTorch's ${p})`);
        }
      }
    });
  }
});

describe('options mean what the positional arguments mean', () => {
  const x = env.x;
  test("size= of the shape constructors: given once, a list of ints", () => {
    assert.throws(() => torch.zeros(2, { size: [3] }), /zeros\(\) got multiple values for argument 'size'/);
    assert.throws(() => torch.empty({ size: 3 as unknown as number[] }), /empty\(\): argument 'size' \(position 1\) must be a list of ints, not int/);
    assert.throws(() => torch.randn({ size: [2, -1] }), /negative dimension -1/);
    assert.deepEqual(torch.empty({ size: [2, 0, 3], dtype: 'int32' }).shape, [2, 0, 3]);
  });
  test('x.std({ dim: 1 }) is x.std(1), not the std of all elements', () => {
    assert.deepEqual(x.std({ dim: 1 }).tolist(), x.std(1).tolist());
    assert.deepEqual(x.var({ dim: 1, unbiased: false }).tolist(), x.var(1, false).tolist());
  });
  test("NumPy's axis and keepdims mean dim and keepdim, as PyTorch's argument parser reads them", () => {
    assert.deepEqual(x.sum(1, { keepdims: true }).tolist(), x.sum(1, true).tolist());
    assert.deepEqual(x.mean({ axis: 0 }).tolist(), x.mean(0).tolist());
    assert.deepEqual(torch.cat([x, x], { axis: 1 }).shape, [x.shape[0], 2 * x.shape[1]]);
    assert.deepEqual(torch.max(x, { axis: 1, keepdims: true }).values.tolist(), torch.max(x, 1, true).values.tolist());
  });
  test('unknown, snake_case, duplicate and mistyped arguments throw naming the parameter', () => {
    assert.throws(() => x.sum({ dims: 1 } as never), /sum\(\): unexpected option 'dims'/);
    assert.throws(() => x.flatten({ start_dim: 1 } as never), /did you mean 'startDim'/);
    assert.throws(() => x.sum(1, { dim: 1 }), /sum\(\): got multiple values for argument 'dim'/);
    assert.throws(() => x.softmax({ dim: 'a' } as never), /softmax\(\): option 'dim' must be an int, not str/);
    assert.throws(() => torch.cat([x, x], { axes: 1 } as never), /cat\(\): unexpected option 'axes'/);
    assert.throws(() => x.sum({ dim: 1, axis: 1 }), /sum\(\): got multiple values for argument 'dim'/);
    assert.throws(() => x.flatten({ axis: 1 } as never), /flatten\(\): unexpected option 'axis'/);
    assert.throws(() => x.var(1, { unbiased: false, correction: 0 }), /var\(\): cannot pass both 'unbiased' and 'correction'/);
    assert.throws(() => (torch.linspace as (...a: unknown[]) => unknown)(0, { start: 0, end: 1, steps: 3 }), /linspace\(\): got multiple values for argument 'start'/);
    assert.throws(() => torch.linspace({ end: 1, steps: 3 } as never), /linspace\(\): missing required argument 'start'/);
    assert.throws(() => torch.full({ size: [2], fillValue: 1, fill_value: 1 } as never), /full\(\): unexpected option 'fill_value'/);
  });
});

describe('no NaN from an options object in a positional slot', () => {
  // These four read the options object as their first number and filled NaN before.
  const byCall = (call: string) => fx.cases.find((c) => c.call === call) as Case;
  for (const call of ['z.normal_', 'z.uniform_', 'x.lerp', 'z.fill_']) {
    test(`${call} with options gives PyTorch's values`, () => {
      const c = byCall(call);
      const out = callWithOptions(c) as torch.Tensor;
      assert.ok(!out.isnan().any().item(), `${call}: NaN`);
      check(out, c.result, call);
    });
  }
  test('copy_({ src }) copies src', () => {
    const z = torch.zeros([3, 4]);
    assert.deepEqual(z.copy_({ src: env.y }).tolist(), env.y.tolist());
    assert.throws(() => z.copy_({ source: env.y } as never), /copy_\(\): unexpected option 'source'/);
  });
  test('nn.init with options: no NaN, the same draws as positionally', () => {
    const init = torch.nn.init;
    const draws: [string, (w: torch.Tensor) => torch.Tensor, (w: torch.Tensor) => torch.Tensor][] = [
      ['normal_', (w) => init.normal_(w, { mean: 0, std: 0.02 }), (w) => init.normal_(w, 0, 0.02)],
      ['uniform_', (w) => init.uniform_(w, { a: -1, b: 1 }), (w) => init.uniform_(w, -1, 1)],
      ['kaimingUniform_', (w) => init.kaimingUniform_(w, { a: Math.sqrt(5) }), (w) => init.kaimingUniform_(w, Math.sqrt(5))],
      ['xavierNormal_', (w) => init.xavierNormal_(w, { gain: 2 }), (w) => init.xavierNormal_(w, 2)],
    ];
    for (const [name, withOptions, positional] of draws) {
      torch.manualSeed(0);
      const a = withOptions(torch.empty([4, 5]));
      torch.manualSeed(0);
      const b = positional(torch.empty([4, 5]));
      assert.ok(!a.isnan().any().item(), `${name}: NaN`);
      assert.deepEqual(a.tolist(), b.tolist(), name);
    }
  });
  test('view({ size }) and expand({ size }) are view(size) and expand(size)', () => {
    assert.deepEqual(env.x.view({ size: [4, 3] }).tolist(), env.x.view([4, 3]).tolist());
    assert.deepEqual(env.u.expand({ size: [2, 3, 4] }).tolist(), env.u.expand([2, 3, 4]).tolist());
    assert.throws(() => env.x.view({ shape: [4, 3] } as never), /view\(\): unexpected option 'shape'; accepted options: size/);
  });
  test('indexPut_({ indices, values, accumulate }) is indexPut_(indices, values, accumulate)', () => {
    const rows = torch.tensor([2, 0, 2]);
    const a = torch.zeros([3, 4]).indexPut_({ indices: [rows], values: env.v4, accumulate: true });
    const b = torch.zeros([3, 4]).indexPut_([rows], env.v4, true);
    assert.deepEqual(a.tolist(), b.tolist());
    assert.deepEqual(a.select(0, 2).tolist(), env.v4.mul(2).tolist());
  });
  test('misplaced or unknown sampler options throw naming them', () => {
    assert.throws(() => torch.zeros([2]).normal_({ mu: 0 } as never), /normal_\(\): unexpected option 'mu'; accepted options: mean, std, generator/);
    assert.throws(() => torch.zeros([2]).uniform_({ from: 'a' } as never), /uniform_\(\): option 'from' must be a number, not str/);
    assert.throws(() => torch.zeros([2]).fill_({ val: 1 } as never), /fill_\(\): unexpected option 'val'/);
    assert.throws(() => env.x.lerp(env.y, { weight: 0.5, end: env.y }), /lerp\(\): got multiple values for argument 'end'/);
    assert.throws(() => env.x.addcdiv(env.y, env.p, { valu: 0.5 } as never), /addcdiv\(\): unexpected option 'valu'/);
    assert.throws(() => torch.add(env.x, env.y, { alhpa: 2 } as never), /add\(\): unexpected option 'alhpa'/);
    assert.throws(() => env.x.add(env.y, { alpha: 2, other: env.y }), /add\(\): got multiple values for argument 'other'/);
    assert.throws(() => env.x.mm({ mat: env.y } as never), /mm\(\): unexpected option 'mat'; accepted options: mat2/);
  });
});
