// nn.utils.parametrize, parametrizations.spectralNorm and stateless.functionalCall against
// PyTorch (scripts/fixtures/nn_parametrize.py): state_dict keys and values, reprs,
// training through a parametrization, assignment via rightInverse, removal, errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../../helpers/fixtures.js';

interface StateJson {
  keys: string[];
  values: Record<string, TensorJson>;
}
type Obj = Record<string, unknown>;
const fx = loadFixture<Record<string, Obj>>('nn_parametrize.json');
const { nn } = torch;
const P = nn.utils.parametrize;

const load = (m: torch.nn.Module, s: StateJson) => m.loadStateDict(Object.fromEntries(Object.entries(s.values).map(([k, v]) => [k, fromJson(v)])));
function assertState(m: torch.nn.Module, s: StateJson, label: string): void {
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), s.keys, `${label}: state_dict keys`);
  for (const k of s.keys) assertTensor(sd[k], s.values[k], {}, `${label} ${k}`);
}
const weightOf = (m: torch.nn.Module) => (m as unknown as { weight: Tensor }).weight;

class Symmetric extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).transpose(-1, -2));
  }
  rightInverse(a: Tensor): Tensor {
    return a.triu();
  }
}
class Scale extends nn.Module {
  declare factor: Tensor;
  constructor() {
    super();
    this.registerBuffer('factor', torch.tensor(2.0, { dtype: 'float32' }));
  }
  override forward(x: Tensor): Tensor {
    return x.mul(this.factor);
  }
}
class NoInverse extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.mul(3);
  }
}
class Flat extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.flatten();
  }
}

test('registerParametrization: a symmetric Linear weight, trained, assigned, chained and removed', () => {
  const s = fx.sym as Record<string, StateJson & TensorJson & string & string[]>;
  const m = new nn.Linear(3, 3);
  load(m, s.before);
  const original = m.weight;
  assert.equal(P.registerParametrization(m, 'weight', new Symmetric()), m);
  assertState(m, s.applied, 'applied');
  assert.equal(String(m), s.repr);
  assert.equal(m.constructor.name, 'ParametrizedLinear');
  assert.ok(m instanceof nn.Linear);
  assert.equal(P.typeBeforeParametrizations(m), nn.Linear);
  assert.deepEqual([...m.namedParameters()].map(([n]) => n), s.param_names);
  assertTensor(weightOf(m), s.weight, {}, 'weight');
  // The original Parameter object is kept (an optimizer built before still updates it).
  assert.equal((m as unknown as { parametrizations: { weight: { original: Tensor } } }).parametrizations.weight.original, original);
  const x = fromJson(s.x);
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    (m.forward(x) as Tensor).pow(2).sum().backward();
    opt.step();
  }
  assertState(m, s.trained, 'trained');
  assertTensor(weightOf(m), s.trained_weight, {}, 'trained weight');
  (m as unknown as { weight: Tensor }).weight = fromJson(s.A);
  assertState(m, s.assigned, 'assigned through rightInverse');
  P.registerParametrization(m, 'weight', new Scale());
  assertState(m, s.chained, 'chained');
  assert.equal(String(m), s.chained_repr);
  P.removeParametrizations(m, 'weight');
  assertState(m, s.removed, 'removed');
  assert.equal(String(m), s.removed_repr);
  assert.equal(m.constructor, nn.Linear);
  assert.ok(m.weight instanceof nn.Parameter);
  assert.equal(P.isParametrized(m), false);
});

test('removeParametrizations(leaveParametrized=false) keeps the original; a buffer can be parametrized', () => {
  const l = fx.leave_false as Record<string, StateJson>;
  const m = new nn.Linear(3, 3);
  load(m, l.before);
  P.registerParametrization(m, 'weight', new NoInverse());
  P.removeParametrizations(m, 'weight', false);
  assertState(m, l.removed, 'leave false');
  const b = fx.buffer as { before: StateJson; applied: StateJson; value: TensorJson };
  const bn = new nn.BatchNorm1d(3);
  load(bn, b.before);
  P.registerParametrization(bn, 'running_mean', new Scale());
  assertState(bn, b.applied, 'buffer');
  assertTensor(bn.running_mean!, b.value, {}, 'buffer value');
});

test('cached: one computation per parametrized tensor inside the block', () => {
  let calls = 0;
  class Counting extends nn.Module {
    override forward(x: Tensor): Tensor {
      calls++;
      return x.mul(2);
    }
  }
  const m = P.registerParametrization(new nn.Linear(2, 2), 'weight', new Counting());
  calls = 0;
  const [a, b] = P.cached(() => [weightOf(m), weightOf(m)]);
  assert.equal(calls, 1);
  assert.equal(a, b);
  weightOf(m);
  assert.equal(calls, 2);
});

test('parametrizations.spectralNorm: seeded u/v, three SGD steps, eval', () => {
  const s = fx.spectral as { before: StateJson; applied: StateJson; repr: string; x: TensorJson; losses: number[]; trained: StateJson; eval_out: TensorJson; after_eval: StateJson };
  const lin = new nn.Linear(5, 4);
  load(lin, s.before);
  torch.manualSeed(4);
  nn.utils.parametrizations.spectralNorm(lin);
  assertState(lin, s.applied, 'applied');
  assert.equal(String(lin), s.repr);
  const x = fromJson(s.x);
  const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const loss = lin.forward(x).pow(2).sum();
    loss.backward();
    opt.step();
    assert.ok(Math.abs(Number(loss.item()) - s.losses[i]) < 1e-5 * Math.max(1, s.losses[i]), `loss ${i}`);
  }
  assertState(lin, s.trained, 'trained');
  lin.eval();
  assertTensor(lin.forward(x), s.eval_out, {}, 'eval out');
  assertState(lin, s.after_eval, 'eval leaves u/v');
});

test('parametrizations.orthogonal: matrix_exp, cayley and householder maps, with and without trivialization', () => {
  const cases = fx.orthogonal as Record<string, { before: StateJson; applied: StateJson; weight: TensorJson; x: TensorJson; trained: StateJson; trained_weight: TensorJson }>;
  const opts: Record<string, [string | null, boolean]> = {
    square_exp: [null, true], wide_householder: [null, true], tall_householder: [null, true],
    cayley: ['cayley', true], tall_exp: ['matrix_exp', true], householder_no_triv: ['householder', false],
  };
  for (const [key, c] of Object.entries(cases)) {
    const [out, inp] = c.weight.shape;
    const lin = new nn.Linear(inp, out, { dtype: 'float64' });
    load(lin, c.before);
    torch.manualSeed(7);
    const [map, triv] = opts[key];
    nn.utils.parametrizations.orthogonal(lin, 'weight', map as 'cayley' | null, { useTrivialization: triv });
    assertState(lin, c.applied, `${key} applied`);
    assertTensor(weightOf(lin), c.weight, {}, `${key} weight`);
    const x = fromJson(c.x);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    for (let i = 0; i < 2; i++) {
      opt.zeroGrad();
      lin.forward(x).pow(3).sum().backward();
      opt.step();
    }
    assertState(lin, c.trained, `${key} trained`);
    assertTensor(weightOf(lin), c.trained_weight, {}, `${key} trained weight`);
  }
});

test('stateless.functionalCall: replaced tensors for one call, the module unchanged', () => {
  const f = fx.functional_call as { state: StateJson; x: TensorJson; w: TensorJson; b: TensorJson; y: TensorJson; plain: TensorJson };
  const net = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  load(net, f.state);
  const x = fromJson(f.x);
  const y = nn.utils.stateless.functionalCall(net, { '0.weight': fromJson(f.w), '2.bias': fromJson(f.b) }, [x]) as Tensor;
  assertTensor(y, f.y, {}, 'functional call');
  assertTensor(net.forward(x) as Tensor, f.plain, {}, 'module unchanged');
  assertState(net, f.state, 'state unchanged');
  assert.ok((net.getSubmodule('0') as torch.nn.Linear).weight instanceof nn.Parameter);
  // A Map and a single (non-array) argument work too.
  const viaMap = nn.utils.stateless.functionalCall(net, new Map([['0.weight', fromJson(f.w)], ['2.bias', fromJson(f.b)]]), x) as Tensor;
  assertTensor(viaMap, f.y, {}, 'Map, single argument');
  assert.throws(() => nn.utils.stateless.functionalCall(net, { '5.weight': fromJson(f.w) }, [x]), /has no attribute '5'/);
  assertState(net, f.state, 'state unchanged after an error');
});

test("errors are PyTorch's", () => {
  const e = fx.errors as Record<string, string>;
  const lin3 = new nn.Linear(3, 3);
  const cases: [string, () => unknown][] = [
    ['missing', () => P.registerParametrization(lin3, 'foo', new Symmetric())],
    ['remove_missing', () => P.removeParametrizations(lin3, 'weight')],
    ['shape', () => P.registerParametrization(new nn.Linear(3, 3), 'weight', new Flat())],
    ['assign_no_inverse', () => ((P.registerParametrization(new nn.Linear(3, 3), 'weight', new NoInverse()) as unknown as { weight: Tensor }).weight = torch.zeros(3, 3))],
    ['sn_missing', () => nn.utils.parametrizations.spectralNorm(new nn.Linear(3, 3), 'foo')],
    ['orth_1d', () => nn.utils.parametrizations.orthogonal(new nn.Linear(3, 3), 'bias')],
    ['orth_assign_exp_no_triv', () => ((nn.utils.parametrizations.orthogonal(new nn.Linear(3, 3), { useTrivialization: false }) as unknown as { weight: Tensor }).weight = torch.eye(3))],
  ];
  for (const [name, fn] of cases) assert.throws(fn, (err: Error) => err.message === e[name], name);
  const lin = nn.utils.parametrizations.spectralNorm(new nn.Linear(2, 2));
  assert.deepEqual([P.isParametrized(lin3), P.isParametrized(lin, 'weight'), P.isParametrized(lin, 'bias')], [false, true, false]);
});
