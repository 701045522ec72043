// out= (scripts/fixtures/ops_out.py): the result written into the given tensor, which the
// call returns; int results cast into a float out, float results refused by an int one;
// a non-empty out of another shape resized with PyTorch's warning; autograd through out=
// refused with PyTorch's error (and allowed under noGrad); out may alias an input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { setWarnAlways } from '../../src/tensor/warnings.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Fixture {
  a: TensorJson;
  b: TensorJson;
  m: TensorJson;
  results: Record<string, { out: TensorJson; same: boolean }>;
  int_into_float: TensorJson;
  float_into_long: string;
  exp_into_long: string;
  resize_warning: string[];
  resized_shape: number[];
  grad_error: string;
  grad_error_out: string;
  grad_error_mm: string;
  no_grad: TensorJson;
  aliased: TensorJson;
}
const fx = loadFixture<Fixture>('ops_out.json');
const [a, b, m] = [fromJson(fx.a), fromJson(fx.b), fromJson(fx.m)];

const cases: Record<string, (o: Tensor) => Tensor> = {
  add: (o) => torch.add(a, b, { alpha: 2, out: o }),
  sub: (o) => torch.sub(a, b, { out: o }),
  mul: (o) => torch.mul(a, b, { out: o }),
  div: (o) => torch.div(a, b, { roundingMode: 'floor', out: o }),
  eq: (o) => torch.eq(a, a, { out: o }),
  maximum: (o) => torch.maximum(a, b, { out: o }),
  matmul: (o) => torch.matmul(a, m, { out: o }),
  mm: (o) => torch.mm(a, m, { out: o }),
  bmm: (o) => torch.bmm(a.unsqueeze(0), m.unsqueeze(0), { out: o }),
  exp: (o) => torch.exp(a, { out: o }),
  sqrt: (o) => torch.sqrt(a.abs(), { out: o }),
  cat: (o) => torch.cat([a, b], 1, { out: o }),
  stack: (o) => torch.stack([a, b], { out: o }),
};

test('each function writes its result into out and returns out, as PyTorch', () => {
  assert.deepEqual(Object.keys(cases), Object.keys(fx.results));
  for (const [name, f] of Object.entries(cases)) {
    const o = torch.empty(0);
    const got = f(o);
    assert.equal(got === o, fx.results[name].same, name);
    assertTensor(o, fx.results[name].out, { rtol: 1e-6, atol: 1e-6 }, name);
  }
});

test("dtypes: an int result casts into a float out; a float one into an int out is PyTorch's error", () => {
  const o = torch.empty(2);
  torch.add(torch.tensor([1, 2]), 3, { out: o });
  assertTensor(o, fx.int_into_float);
  assert.throws(() => torch.add(a, 1.5, { out: torch.empty([2, 3], { dtype: torch.long }) }), { message: fx.float_into_long });
  assert.throws(() => torch.exp(a, { out: torch.empty([2, 3], { dtype: torch.long }) }), { message: fx.exp_into_long });
});

test('a non-empty out of another shape is resized, with the deprecation warning', async () => {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on('warning', listener);
  setWarnAlways(true);
  try {
    const o = torch.empty(5);
    torch.mul(a, b, { out: o });
    assert.deepEqual(o.shape, fx.resized_shape);
    torch.mul(a, b, { out: torch.empty(0) }); // empty: resized silently
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    setWarnAlways(false);
    process.off('warning', listener);
  }
  assert.deepEqual(seen, fx.resize_warning);
});

test('autograd through out= is refused; under noGrad it runs; out may be an input', () => {
  const x = torch.ones(2, { requiresGrad: true });
  assert.throws(() => torch.mul(x, x, { out: torch.empty(2) }), { message: fx.grad_error });
  assert.throws(() => torch.mul(torch.ones(2), 2, { out: torch.empty(2, { requiresGrad: true }) }), { message: fx.grad_error_out });
  assert.throws(() => torch.mm(x.view(1, 2), x.view(2, 1), { out: torch.empty(1, 1) }), { message: fx.grad_error_mm });
  const o = torch.empty(2);
  torch.noGrad(() => torch.mul(x, x, { out: o }));
  assertTensor(o, fx.no_grad);
  const y = torch.tensor([1, 2], { dtype: torch.float });
  torch.add(y, 1, { out: y });
  assertTensor(y, fx.aliased);
});
