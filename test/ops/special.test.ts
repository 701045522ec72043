// Special functions, aliases and in-place twins (src/ops/special.ts, aliases.ts) against
// PyTorch (scripts/fixtures/ops_special.py), plus float64 gradchecks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Case {
  name: string;
  dtype: string;
  inputs: TensorJson[];
  output: TensorJson;
  grads?: TensorJson[];
}

const CALLS: Record<string, (...xs: Tensor[]) => Tensor> = {
  lgamma: (x) => torch.lgamma(x),
  digamma: (x) => x.digamma(),
  polygamma1: (x) => torch.polygamma(1, x),
  polygamma3: (x) => x.polygamma(3),
  mvlgamma3: (x) => torch.mvlgamma(x, 3),
  i0: (x) => torch.i0(x),
  erfc: (x) => x.erfc(),
  acosh: (x) => torch.arccosh(x),
  asinh: (x) => x.asinh(),
  atanh: (x) => x.arctanh(),
  exp2: (x) => torch.exp2(x),
  sinc: (x) => torch.sinc(x),
  logit: (x) => x.logit(),
  logit_eps: (x) => torch.logit(x, 0.2),
  hypot: (x, y) => torch.hypot(x, y),
  logaddexp: (x, y) => x.logaddexp(y),
  logaddexp2: (x, y) => torch.logaddexp2(x, y),
  copysign: (x, y) => x.copysign(y),
  igamma: (a, x) => torch.igamma(a, x),
  igammac: (a, x) => a.igammac(x),
  ldexp: (x, e) => torch.ldexp(x, e),
  float_power: (x, y) => x.floatPower(y),
  deg2rad: (x) => torch.deg2rad(x),
  rad2deg: (x) => x.rad2deg(),
  nan_to_num: (x) => torch.nanToNum(x),
  nan_to_num_args: (x) => x.nanToNum(1.5, 2.0, -3.0),
  signbit: (x) => torch.signbit(x),
  heaviside: (x, v) => torch.heaviside(x, v),
  nextafter: (x, y) => torch.nextafter(x, y),
  gcd: (a, b) => torch.gcd(a, b),
  lcm: (a, b) => a.lcm(b),
  left_shift: (a, b) => torch.bitwiseLeftShift(a, b),
  right_shift: (a, b) => a.bitwiseRightShift(b),
  frexp_mantissa: (x) => torch.frexp(x).mantissa,
  frexp_exponent: (x) => x.frexp()[1],
  rsub: (x, y) => torch.rsub(x, y, { alpha: 2 }),
};

interface WindowCase {
  fn: 'hannWindow' | 'hammingWindow' | 'blackmanWindow' | 'bartlettWindow' | 'kaiserWindow';
  n: number;
  periodic: boolean;
  alpha?: number;
  beta?: number;
  output: TensorJson;
}
interface Misc {
  logspace: TensorJson[];
  range: TensorJson[];
  canCast: [torch.DType, torch.DType, boolean][];
  typename: [torch.DType, string][];
}
interface RandomCase {
  fn: 'exponential_' | 'cauchy_' | 'geometric_' | 'logNormal_';
  n: number;
  output: TensorJson;
}
const { cases, windows, misc, random } = loadFixture<{ cases: Case[]; windows: WindowCase[]; misc: Misc; random: RandomCase[] }>('ops_special.json');

describe('special functions match PyTorch', () => {
  for (const c of cases) {
    test(`${c.name} (${c.dtype})`, () => {
      const inputs = c.inputs.map((j) => fromJson(j, { requiresGrad: c.grads !== undefined && (j.dtype === 'float32' || j.dtype === 'float64') }));
      // igamma differentiates x only (as PyTorch): its first input takes no gradient.
      if (c.name.startsWith('igamma')) inputs[0].requiresGrad_(false);
      const out = CALLS[c.name](...inputs);
      const tol = c.dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 };
      assertTensor(out, c.output, tol, c.name);
      if (c.grads) {
        const w = torch.linspace(-1.0, 1.5, out.numel(), { dtype: out.dtype }).reshape(out.shape);
        const diff = inputs.filter((x) => x.requiresGrad);
        const grads = torch.autograd.grad(out.mul(w).sum(), diff);
        c.grads.forEach((g, i) => assertTensor(grads[i] as Tensor, g, { rtol: tol.rtol * 10, atol: tol.atol * 10 }, `${c.name} grad ${i}`));
      }
    });
  }
});

describe('gradcheck in float64', () => {
  const x = (values: number[]) => torch.tensor(values, { dtype: 'float64', requiresGrad: true });
  const checks: [string, (...t: Tensor[]) => Tensor, Tensor[]][] = [
    ['lgamma', torch.lgamma, [x([0.3, 2.5, -1.5])]],
    ['digamma', torch.digamma, [x([0.3, 2.5, -1.5])]],
    ['polygamma', (t) => torch.polygamma(2, t), [x([0.3, 2.5, 7])]],
    ['i0', torch.i0, [x([-2, 0.3, 5])]],
    ['erfc', torch.erfc, [x([-1, 0.3, 2.5])]],
    ['acosh asinh atanh', (t) => t.add(1.5).acosh().add(t.asinh()).add(t.mul(0.5).atanh()), [x([0.1, 0.7, -0.4])]],
    ['sinc', torch.sinc, [x([0.3, -1.2, 2.5])]],
    ['logit', (t) => torch.logit(t, 0.05), [x([0.3, 0.6, 0.9])]],
    ['hypot', torch.hypot, [x([3, -1, 0.5]), x([4, 2, -0.3])]],
    ['logaddexp', torch.logaddexp, [x([3, -1, 0.5]), x([4, 2, -0.3])]],
    ['logaddexp2', torch.logaddexp2, [x([3, -1, 0.5]), x([4, 2, -0.3])]],
    ['igamma', (x2) => torch.igamma(torch.tensor([0.5, 2, 3.5], { dtype: 'float64' }), x2), [x([0.4, 1.5, 6])]],
    ['mvlgamma', (t) => torch.mvlgamma(t, 2), [x([1.2, 3.5])]],
    ['nanToNum', (t) => torch.nanToNum(t), [x([1, -2, 0.5])]],
  ];
  for (const [name, fn, inputs] of checks) test(name, () => assert.ok(gradcheck(fn, inputs)));
});

describe('aliases and in-place twins', () => {
  test('aliases name the same op', () => {
    const a = torch.tensor([0.25, -0.5, 0.75]);
    const b = torch.tensor([0.5, 0.5, -1.0]);
    assert.deepEqual(a.arccos().tolist(), a.acos().tolist());
    assert.deepEqual(torch.multiply(a, b).tolist(), a.mul(b).tolist());
    assert.deepEqual(a.greaterEqual(b).tolist(), a.ge(b).tolist());
    assert.deepEqual(torch.clip(a, -0.3, 0.3).tolist(), a.clamp(-0.3, 0.3).tolist());
    assert.deepEqual(torch.concat([a, b]).tolist(), torch.cat([a, b]).tolist());
    assert.deepEqual(a.divide(b, { roundingMode: 'floor' }).tolist(), a.div(b, { roundingMode: 'floor' }).tolist());
  });

  test('comparison in-place ops write 0/1 in self\'s dtype, as PyTorch', () => {
    const a = torch.tensor([1.5, 2, 3], { dtype: 'float32' });
    const r = a.lt_(2.5);
    assert.equal(r, a);
    assert.equal(a.dtype, 'float32');
    assert.deepEqual(a.tolist(), [1, 1, 0]);
  });

  test('torch.<op>_ functions write into their input and keep autograd history', () => {
    const leaf = torch.tensor([0.5, 1.5], { requiresGrad: true });
    const y = leaf.mul(2);
    torch.sin_(y);
    assert.equal(y.gradFn?.name, 'SinBackward0');
    y.sum().backward();
    assert.deepEqual((leaf.grad?.tolist() as number[]).map((v) => +v.toFixed(6)), [0.5, 1.5].map((v) => +(2 * Math.cos(2 * v)).toFixed(6)));
  });

  test('an in-place op on a leaf that requires grad throws, and leaves the values alone', () => {
    const leaf = torch.tensor([0.5, 1.5], { requiresGrad: true });
    assert.throws(() => leaf.lgamma_(), /leaf Variable that requires grad/);
    assert.deepEqual(leaf.tolist(), [0.5, 1.5]);
  });

  test('floatPower_ needs a float64 self (PyTorch refuses to round the result)', () => {
    const a = torch.tensor([1.5, 2], { dtype: 'float32' });
    assert.throws(() => a.floatPower_(2), /float_power_ has dtype Float/);
    assert.deepEqual(a.tolist(), [1.5, 2]);
  });

  test('gcd of floats is refused with PyTorch\'s message', () => {
    assert.throws(() => torch.gcd(torch.tensor([1.5]), torch.tensor([2.5])), /"gcd_cpu" not implemented for 'Float'/);
  });
});

describe('window functions, logspace, range', () => {
  for (const w of windows) {
    test(`${w.fn}(${w.n}, periodic=${w.periodic}) ${w.output.dtype}`, () => {
      const opts = { dtype: w.output.dtype };
      const out =
        w.fn === 'hammingWindow' && w.alpha !== undefined ? torch.hammingWindow(w.n, w.periodic, w.alpha, w.beta as number)
        : w.fn === 'kaiserWindow' && w.beta !== undefined ? torch.kaiserWindow(w.n, w.periodic, w.beta)
        : torch[w.fn](w.n, w.periodic, opts);
      assertTensor(out, w.output, { rtol: 1e-6, atol: 2e-7 });
    });
  }

  test('logspace and range', () => {
    assertTensor(torch.logspace(0, 2, 3), misc.logspace[0]);
    assertTensor(torch.logspace(-1.5, 3.25, 7, { base: 2, dtype: 'float64' }), misc.logspace[1]);
    assertTensor(torch.logspace(1, 1, 1), misc.logspace[2]);
    assertTensor(torch.logspace(2, -1, 5, 3.0), misc.logspace[3]);
    assertTensor(torch.range(0, 1, 0.25), misc.range[0]);
    assertTensor(torch.range(3, -1, -1.5, { dtype: 'float64' }), misc.range[1]);
    assertTensor(torch.range(1, 4, { dtype: 'int64' }), misc.range[2]);
  });

  test('window arguments are checked', () => {
    assert.throws(() => torch.hannWindow(-1), /non-negative window_length/);
    assert.throws(() => torch.hannWindow(4, { dtype: 'int64' }), /floating point dtypes/);
    assert.throws(() => torch.hannWindow(4, { window_length: 3 } as never), /did you mean 'windowLength'/);
  });
});

describe('predicates and switches', () => {
  test('canCast and typename as PyTorch', () => {
    for (const [a, b, want] of misc.canCast) assert.equal(torch.canCast(a, b), want, `${a} -> ${b}`);
    for (const [d, name] of misc.typename) assert.equal(torch.typename(torch.zeros([1], { dtype: d })), name);
  });

  test('isNonzero, isSigned, isSameSize, isTensor', () => {
    assert.equal(torch.isNonzero(torch.tensor([0.5])), true);
    assert.equal(torch.tensor([0]).isNonzero(), false);
    assert.throws(() => torch.isNonzero(torch.tensor([1, 2])), /more than one value is ambiguous/);
    assert.throws(() => torch.isNonzero(torch.tensor([])), /no values is ambiguous/);
    assert.equal(torch.tensor([1], { dtype: 'uint8' }).isSigned(), false);
    assert.equal(torch.isSigned(torch.tensor([1.5])), true);
    assert.equal(torch.isSameSize(torch.zeros([2, 3]), torch.ones([2, 3])), true);
    assert.equal(torch.isTensor(torch.zeros([1])), true);
    assert.equal(torch.isTensor([1]), false);
  });

  test('setDefaultTensorType switches the default float dtype', () => {
    torch.setDefaultTensorType('torch.DoubleTensor');
    try {
      assert.equal(torch.zeros([1]).dtype, 'float64');
    } finally {
      torch.setDefaultTensorType('torch.FloatTensor');
    }
    assert.equal(torch.zeros([1]).dtype, 'float32');
    assert.throws(() => torch.setDefaultTensorType('torch.LongTensor'), /only floating-point types/);
  });

  test('deterministic algorithms and matmul precision are recorded as PyTorch reports them', () => {
    assert.equal(torch.areDeterministicAlgorithmsEnabled(), false);
    torch.setDeterministicDebugMode('warn');
    assert.equal(torch.getDeterministicDebugMode(), 1);
    assert.equal(torch.isDeterministicAlgorithmsWarnOnlyEnabled(), true);
    torch.useDeterministicAlgorithms(false);
    assert.equal(torch.getDeterministicDebugMode(), 0);
    assert.throws(() => torch.setDeterministicDebugMode(3), /expected 0, 1, or 2/);
    torch.setFloat32MatmulPrecision('high');
    assert.equal(torch.getFloat32MatmulPrecision(), 'high');
    torch.setFloat32MatmulPrecision('highest');
    assert.throws(() => torch.setFloat32MatmulPrecision('low' as never), /precision/);
  });
});

describe('random fills draw PyTorch\'s numbers for a seed', () => {
  const calls: Record<RandomCase['fn'], (t: Tensor) => Tensor> = {
    exponential_: (t) => t.exponential_(1.5),
    cauchy_: (t) => t.cauchy_(0.5, 2.0),
    geometric_: (t) => t.geometric_(0.3),
    logNormal_: (t) => t.logNormal_(0.5, 0.75),
  };
  for (const r of random) {
    test(`${r.fn} ${r.output.dtype} n=${r.n}`, () => {
      torch.manualSeed(7);
      assertTensor(calls[r.fn](torch.empty([r.n], { dtype: r.output.dtype })), r.output, { rtol: 1e-12, atol: 0 });
    });
  }
  test('bad parameters are refused and leave the tensor alone', () => {
    const t = torch.zeros([3]);
    assert.throws(() => t.exponential_(0), /lambda > 0/);
    assert.throws(() => t.geometric_(1.5), /p to be in \(0, 1\)/);
    assert.deepEqual(t.tolist(), [0, 0, 0]);
  });
});
