// torch.autograd.functional against PyTorch (scripts/fixtures/autograd_functional.py):
// values, tuple nesting, createGraph gradients and strict-mode errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Nested = TensorJson | Nested[];
const fx = loadFixture<Record<string, Nested> & { errors: Record<string, string> }>('autograd_functional.json');
const F = torch.autograd.functional;
const t = (name: string) => fromJson(fx[name] as TensorJson);
const [x, y, vx, vy, v0, v1] = ['x', 'y', 'vx', 'vy', 'v0', 'v1'].map(t);

/** Same nesting (Tensor vs array) and values as PyTorch's result. */
function assertNested(actual: unknown, expected: Nested, label: string): void {
  if (!Array.isArray(expected)) {
    assert.ok(actual instanceof torch.Tensor, `${label}: expected a Tensor`);
    assertTensor(actual, expected, {}, label);
    return;
  }
  assert.ok(Array.isArray(actual), `${label}: expected an array`);
  assert.equal(actual.length, expected.length, `${label}: length`);
  expected.forEach((e, i) => assertNested(actual[i], e, `${label}[${i}]`));
}

const fSingle = (a: Tensor) => a.pow(2).mul(a.sin());
const fTuple = (a: Tensor, b: Tensor) => [a.mul(b.sum()).add(a.exp()), a.unsqueeze(1).mul(b).tanh()];
const fScalar = (a: Tensor, b: Tensor) => a.sin().mul(b.slice(0, 0, 3)).sum().add(b.pow(3).sum().mul(a.prod()));
const fScalar1 = (a: Tensor) => a.exp().mul(a.cos()).sum().add(a.prod().pow(2));

test('jacobian: single and tuple inputs/outputs nest as PyTorch', () => {
  assertNested(F.jacobian(fSingle, x), fx.jac_single, 'jac_single');
  assertNested(F.jacobian(fTuple, [x, y]), fx.jac_tuple, 'jac_tuple');
  assertNested(F.jacobian((a: Tensor, b: Tensor) => fTuple(a, b)[0], [x, y]), fx.jac_tuple_in_single_out, 'tuple in, single out');
  assertNested(F.jacobian((a: Tensor) => fTuple(a, y), x), fx.jac_single_in_tuple_out, 'single in, tuple out');
  assertNested(F.jacobian((a: Tensor, _b: Tensor) => a.mul(2), [x, y]), fx.jac_unused, 'unused input gives zeros');
  // vectorize is a speed option: the same values, positionally or by name.
  assertNested(F.jacobian(fTuple, [x, y], false, false, true), fx.jac_tuple, 'vectorize');
  assertNested(F.jacobian(fTuple, [x, y], { vectorize: true }), fx.jac_tuple, 'vectorize by name');
});

test('hessian', () => {
  assertNested(F.hessian(fScalar1, x), fx.hess_single, 'hess_single');
  assertNested(F.hessian(fScalar, [x, y]), fx.hess_tuple, 'hess_tuple');
});

test('vjp, jvp, vhp, hvp', () => {
  assertNested(F.vjp(fTuple, [x, y], [v0, v1]), fx.vjp_tuple, 'vjp_tuple');
  assertNested(F.vjp(fSingle, x, v0), fx.vjp_single, 'vjp_single');
  assertNested(F.jvp(fTuple, [x, y], [vx, vy]), fx.jvp_tuple, 'jvp_tuple');
  assertNested(F.jvp(fSingle, x, { v: vx }), fx.jvp_single, 'jvp_single');
  assertNested(F.vhp(fScalar, [x, y], [vx, vy]), fx.vhp_tuple, 'vhp_tuple');
  assertNested(F.hvp(fScalar, [x, y], [vx, vy]), fx.hvp_tuple, 'hvp_tuple');
  assertNested(F.hvp(fScalar1, x, vx), fx.hvp_single, 'hvp_single');
  // Results are detached unless createGraph.
  const [out, g] = F.vjp(fSingle, x.clone().requiresGrad_(), v0);
  assert.equal(out.requiresGrad, false);
  assert.equal(g.requiresGrad, false);
});

test('createGraph: gradients flow through the result to the inputs', () => {
  let xg = x.clone().requiresGrad_();
  F.jacobian(fSingle, xg, { createGraph: true }).pow(2).sum().backward();
  assertTensor(xg.grad!, fx.jac_create_graph_grad as TensorJson, {}, 'jacobian');
  xg = x.clone().requiresGrad_();
  F.hessian(fScalar1, xg, true).sum().backward();
  assertTensor(xg.grad!, fx.hess_create_graph_grad as TensorJson, {}, 'hessian');
  xg = x.clone().requiresGrad_();
  F.jvp(fSingle, xg, vx, true)[1].sum().backward();
  assertTensor(xg.grad!, fx.jvp_create_graph_grad as TensorJson, {}, 'jvp');
});

test("errors are PyTorch's", () => {
  const e = fx.errors;
  const ones2 = torch.ones(2, { dtype: 'float64' });
  const cases: [string, () => unknown][] = [
    ['strict_independent', () => F.jacobian((a: Tensor, _b: Tensor) => a.mul(2), [x, y], { strict: true })],
    ['strict_no_grad_output', () => F.jacobian(() => torch.ones(2, { dtype: 'float64' }), x, { strict: true })],
    ['strict_vectorize', () => F.jacobian(fSingle, x, { strict: true, vectorize: true })],
    ['hessian_tuple_output', () => F.hessian(((a: Tensor) => [a.sum()]) as unknown as (a: Tensor) => Tensor, x)],
    ['hessian_many_elements', () => F.hessian((a: Tensor) => a.mul(2), x)],
    ['vjp_v_none', () => F.vjp(fSingle, x)],
    ['jvp_v_none', () => F.jvp(fSingle, x)],
    ['v_bad_size', () => F.vjp(fSingle, x, ones2)],
    ['v_bad_size_tuple', () => F.jvp(fTuple, [x, y], [vx, ones2])],
    ['v_bad_length', () => F.jvp(fTuple, [x, y], [vx])],
    ['v_single_bad_length', () => F.vjp(fSingle, x, [vx, vx])],
    ['strict_hvp_linear', () => F.hvp((a: Tensor) => a.sum(), x, vx, { strict: true })],
    ['bad_tuple_entry', () => F.jacobian(fSingle, [x, 3 as unknown as Tensor])],
  ];
  for (const [name, fn] of cases) assert.throws(fn, (err: Error) => err.message === e[name], name);
  assert.throws(() => F.jacobian(fSingle, x, { strategy: 'forward-mode' }), /forward-mode AD.*strategy: 'reverse-mode'/);
  assert.throws(() => F.hessian(fScalar1, x, { outerJacobianStrategy: 'forward-mode' }), /outerJacobianStrategy: 'reverse-mode'/);
  assert.throws(() => F.jacobian(fSingle, x, { create_graph: true } as never), /create_graph/);
});
