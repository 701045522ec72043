// torch.special against PyTorch 1.13 (scripts/fixtures/special_namespace.py): every
// function's values in float64 and float32, gradients where PyTorch defines them, no
// gradient where it does not, keyword arguments; round's decimals; gradchecks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Case {
  name: string;
  dtype?: string;
  inputs: TensorJson[];
  kwargs: Record<string, unknown>;
  output: TensorJson;
  requiresGrad: boolean;
  grads?: TensorJson[];
}
const { cases, extras, rounds } = loadFixture<{ cases: Case[]; extras: Case[]; rounds: Case[] }>('special_namespace.json');

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const special = torch.special as unknown as Record<string, (...args: unknown[]) => Tensor>;

// PyTorch evaluates the Bessel and Airy functions with Cephes' approximations, whose
// float64 results are off by up to ~6e-8 relative between 5 and 25 (e.g. bessel_j0(5)
// = -0.17759678121 where the function is -0.17759677131); torchlette's are accurate to
// ~1e-13 there, so these compare at PyTorch's accuracy.
const CEPHES = /bessel|airy/;
function tolerance(c: Case): { rtol: number; atol: number } {
  const f32 = c.dtype === 'float32' || c.output.dtype === 'float32';
  if (CEPHES.test(c.name)) return f32 ? { rtol: 2e-5, atol: 1e-6 } : { rtol: 1e-7, atol: 1e-9 };
  if (c.name.includes('polynomial')) return f32 ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 1e-11, atol: 1e-11 };
  return f32 ? { rtol: 4e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 };
}

function check(c: Case, call: (inputs: Tensor[]) => Tensor, label: string) {
  const inputs = c.inputs.map((j, i) => fromJson(j, { requiresGrad: i === 0 && (j.dtype === 'float32' || j.dtype === 'float64') }));
  if (c.grads && c.grads.length === 2) inputs[1].requiresGrad_(true);
  if (c.name === 'zeta' || c.name.startsWith('gammainc')) {
    inputs[0].requiresGrad_(false); // PyTorch differentiates these with respect to the second input only
    inputs[1].requiresGrad_(true);
  }
  const out = call(inputs);
  const tol = tolerance(c);
  assertTensor(out, c.output, tol, label);
  assert.equal(out.requiresGrad, c.requiresGrad, `${label}: requiresGrad`);
  if (c.grads) {
    const w = torch.linspace(-1.0, 1.5, out.numel(), { dtype: out.dtype }).reshape(out.shape);
    const grads = torch.autograd.grad(out.mul(w).sum(), inputs.filter((x) => x.requiresGrad));
    c.grads.forEach((g, i) => assertTensor(grads[i] as Tensor, g, { rtol: tol.rtol * 10, atol: tol.atol * 10 }, `${label} grad ${i}`));
  }
}

describe('torch.special matches PyTorch', () => {
  for (const c of cases) {
    test(`${c.name} (${c.dtype})`, () => check(c, (xs) => special[camel(c.name)](...xs), c.name));
  }
  for (const c of extras) {
    test(`${c.name} with ${JSON.stringify(c.kwargs)}`, () => {
      const { n, ...rest } = c.kwargs;
      // Positionally in PyTorch's order, then the same call with the keywords as options.
      const positional = (xs: Tensor[]) => {
        if (c.name === 'polygamma') return special.polygamma(n, xs[0]);
        if (n !== undefined) return special[camel(c.name)](xs[0], n);
        return special[camel(c.name)](xs[0], ...Object.values(rest));
      };
      check(c, positional, `${c.name} positional`);
      check(c, (xs) => special[camel(c.name)]({ input: xs[0], ...c.kwargs }), `${c.name} by name`);
      if (Object.keys(c.kwargs).length > 0 && c.name !== 'polygamma') check(c, (xs) => special[camel(c.name)](xs[0], c.kwargs), `${c.name} options`);
    });
  }
});

describe('round(input, *, decimals)', () => {
  for (const c of rounds) {
    test(`decimals=${c.kwargs.decimals} (${c.inputs[0].dtype})`, () => {
      check(c, ([x]) => torch.round(x, { decimals: c.kwargs.decimals as number }), 'torch.round');
      check(c, ([x]) => x.round({ decimals: c.kwargs.decimals as number }), 'Tensor.round');
      check(c, ([x]) => special.round(x, { decimals: c.kwargs.decimals }), 'special.round');
      check(c, ([x]) => x.clone().round_({ decimals: c.kwargs.decimals as number }), 'Tensor.round_');
    });
  }
  test('decimals on an integer tensor throws as PyTorch; keyword-only', () => {
    assert.throws(() => torch.tensor([15, 25]).round({ decimals: -1 }), /"round_cpu" not implemented for 'Long'/);
    assert.deepEqual(torch.tensor([15, 25]).round().tolist(), [15, 25]);
    assert.throws(() => (torch.tensor([1.5]).round as (d: number) => Tensor)(1), /round\(\): takes 0 positional arguments but 1 were given/);
  });
});

describe('unary ops refuse arguments they do not take (nothing ignored)', () => {
  const x = torch.tensor([0.5, 1.5]);
  test('methods and torch functions', () => {
    assert.throws(() => (x.exp as (a: number) => Tensor)(2), /exp\(\): takes 0 positional arguments but 1 were given/);
    assert.throws(() => (x.exp_ as (a: object) => Tensor)({ out: x }), /exp_\(\): out= is not supported/);
    assert.throws(() => (torch.exp as (a: Tensor, b: object) => Tensor)(x, { out: x, outt: 1 }), /exp\(\): unexpected option 'outt'/);
    assert.throws(() => (torch.sqrt as (a: Tensor, b: number) => Tensor)(x, 1), /sqrt\(\): takes 1 positional argument but 2 were given/);
    assert.deepEqual(torch.exp({ input: x } as unknown as Tensor).tolist(), x.exp().tolist());
    assert.deepEqual((x.exp as (o: object) => Tensor)({}).tolist(), x.exp().tolist());
  });
  test('torch.special: out= is refused, unknown names too', () => {
    assert.throws(() => special.expit(x, { out: x }), /out= is not supported .*out.copy_\(result\)/);
    assert.throws(() => special.ndtr(x, 2), /takes 1 positional argument but 2 were given/);
  });
});

describe('gradcheck in float64', () => {
  const x = (values: number[]) => torch.tensor(values, { dtype: 'float64', requiresGrad: true });
  const checks: [string, (...t: Tensor[]) => Tensor, Tensor[]][] = [
    ['entr', (t) => special.entr(t), [x([0.3, 1.5, 4])]],
    ['erfcx', (t) => special.erfcx(t), [x([-1.5, 0.3, 2.5, 12])]],
    ['ndtr', (t) => special.ndtr(t), [x([-3, 0.2, 1.5])]],
    ['ndtri', (t) => special.ndtri(t), [x([0.01, 0.4, 0.93])]],
    ['log_ndtr', (t) => special.logNdtr(t), [x([-12, -1.2, 0.5, 4])]],
    ['i0e', (t) => special.i0e(t), [x([-3, 0.4, 35])]],
    ['i1', (t) => special.i1(t), [x([-3, 0.4, 6])]],
    ['i1e', (t) => special.i1e(t), [x([-3, 0.4, 35])]],
    ['xlog1py', (a, b) => special.xlog1py(a, b), [x([0.5, -2, 3]), x([0.3, 2, 9])]],
    ['zeta', (q) => special.zeta(torch.tensor([2.5, 3, 4.5], { dtype: 'float64' }), q), [x([0.5, 2, 7])]],
  ];
  for (const [name, fn, inputs] of checks) test(name, () => assert.ok(gradcheck(fn, inputs)));
});

test('torch.special has every function of PyTorch 1.13', () => {
  const names = ['airy_ai', 'bessel_j0', 'bessel_j1', 'bessel_y0', 'bessel_y1', 'chebyshev_polynomial_t', 'chebyshev_polynomial_u',
    'chebyshev_polynomial_v', 'chebyshev_polynomial_w', 'digamma', 'entr', 'erf', 'erfc', 'erfcx', 'erfinv', 'exp2', 'expit', 'expm1',
    'gammainc', 'gammaincc', 'gammaln', 'hermite_polynomial_h', 'hermite_polynomial_he', 'i0', 'i0e', 'i1', 'i1e', 'laguerre_polynomial_l',
    'legendre_polynomial_p', 'log1p', 'log_ndtr', 'log_softmax', 'logit', 'logsumexp', 'modified_bessel_i0', 'modified_bessel_i1',
    'modified_bessel_k0', 'modified_bessel_k1', 'multigammaln', 'ndtr', 'ndtri', 'polygamma', 'psi', 'round', 'scaled_modified_bessel_k0',
    'scaled_modified_bessel_k1', 'shifted_chebyshev_polynomial_t', 'shifted_chebyshev_polynomial_u', 'shifted_chebyshev_polynomial_v',
    'shifted_chebyshev_polynomial_w', 'sinc', 'softmax', 'spherical_bessel_j0', 'xlog1py', 'xlogy', 'zeta'];
  assert.deepEqual(names.filter((n) => typeof special[camel(n)] !== 'function'), []);
});

describe('no-argument Tensor methods refuse arguments (src/ops/strict-methods.ts)', () => {
  test('an options object or a positional argument throws; requiresGrad_ and nonzero take their keywords', () => {
    const x = torch.tensor([[0.5, 0], [0.75, 0.125]]);
    for (const name of ['detach', 'clone', 'contiguous', 'float', 'double', 'long', 't', 'numel', 'dim', 'zero_', 'square', 'tolist']) {
      const m = (x.clone() as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      assert.throws(() => m.call(x.clone(), { zzz: 1 }), new RegExp(`${name}\\(\\): unexpected option 'zzz'`), name);
      assert.throws(() => m.call(x.clone(), 1), new RegExp(`${name}\\(\\): takes 0 positional arguments but 1 were given`), name);
    }
    const leaf = torch.tensor([1.5]);
    assert.equal(leaf.requiresGrad_({ requiresGrad: true } as unknown as boolean).requiresGrad, true);
    assert.equal(leaf.requiresGrad_({ requiresGrad: false } as unknown as boolean).requiresGrad, false);
    assert.throws(() => leaf.requiresGrad_({ requires_grad: true } as unknown as boolean), /unexpected option 'requires_grad'/);
    assert.equal((x.nonzero({ asTuple: true }) as Tensor[]).length, 2);
    assert.throws(() => (x.nonzero as (o: object) => Tensor)({ as_tuple: true }), /unexpected option 'as_tuple'/);
    assert.throws(() => (torch.nonzero as (x: Tensor, o: object) => Tensor)(x, { zzz: 1 }), /nonzero\(\): unexpected option 'zzz'/);
  });
});

describe('torch functions refuse what they do not take', () => {
  test('creation functions with only an options object name the missing argument', () => {
    assert.throws(() => torch.eye({ N: 3 } as unknown as number), /eye\(\): missing required argument 'n' \(position 1\)/);
    assert.throws(() => torch.linspace({ begin: 0 } as unknown as number, 1, 5), /linspace\(\): missing required argument 'start'/);
    assert.throws(() => torch.randperm({ num: 3 } as unknown as number), /randperm\(\): missing required argument 'n'/);
    assert.throws(() => torch.eye(2.5), /eye\(\): argument 'n' \(position 1\) must be int, not float/);
    assert.deepEqual(torch.eye({ n: 2 }).tolist(), [[1, 0], [0, 1]]);
  });
  test('fill_, rsub, isin, acosh by torch.*; copy_ as the method (torch has no copy_)', () => {
    const x = torch.tensor([0.5, 2]);
    assert.throws(() => torch.fill_(x.clone(), { val: 1 } as unknown as number), /fill_\(\): unexpected option 'val'/);
    assert.deepEqual(torch.fill_(x.clone(), 3).tolist(), [3, 3]);
    assert.throws(() => (x.clone() as unknown as { copy_: (...a: unknown[]) => Tensor }).copy_(x, { zzz: 1 }), /copy_\(\): unexpected option 'zzz'/);
    assert.throws(() => torch.rsub(x, 1, { alhpa: 2 } as unknown as { alpha: number }), /rsub\(\): unexpected option 'alhpa'/);
    assert.deepEqual(torch.rsub(x, 1, { alpha: 2 }).tolist(), [0, -3]);
    assert.throws(() => torch.isin(x, { zzz: 1 } as unknown as Tensor), /isin\(\): argument 'test_elements' \(position 2\) must be Tensor or Number, not object/);
    assert.throws(() => (torch.acosh as (...a: unknown[]) => Tensor)(x.add(1), 2), /acosh\(\): takes 1 positional argument but 2 were given/);
    assert.throws(() => (x.add(1).acosh as (...a: unknown[]) => Tensor)(2), /acosh\(\): takes 0 positional arguments but 1 were given/);
    assert.throws(() => (torch.isnan as (...a: unknown[]) => Tensor)(x, { zzz: 1 }), /isnan\(\): unexpected option 'zzz'/);
  });
});
