// nn.utils.weightNorm / spectralNorm / parametersToVector against PyTorch
// (scripts/fixtures/nn_weight_spectral_norm.py): state_dict keys and values, training
// trajectories, power iteration in training mode only, removal and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../../helpers/fixtures.js';

interface StateJson {
  keys: string[];
  values: Record<string, TensorJson>;
}
type Fx = Record<string, Record<string, unknown>>;
const fx = loadFixture<Fx>('nn_weight_spectral_norm.json');
const { nn } = torch;
const U = nn.utils;

const load = (m: torch.nn.Module, s: StateJson) => m.loadStateDict(Object.fromEntries(Object.entries(s.values).map(([k, v]) => [k, fromJson(v)])));

function assertState(m: torch.nn.Module, s: StateJson, label: string): void {
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), s.keys, `${label}: state_dict keys`);
  for (const k of s.keys) assertTensor(sd[k], s.values[k], {}, `${label} ${k}`);
}

test('weightNorm: Linear trained three SGD steps as in PyTorch, then removed', () => {
  const w = fx.weight_norm_linear as { before: StateJson; x: TensorJson; target: TensorJson; losses: number[]; grads0: Record<string, TensorJson>; trained: StateJson; weight: TensorJson; removed: StateJson };
  const m = new nn.Linear(4, 3);
  load(m, w.before);
  assert.equal(U.weightNorm(m), m);
  const x = fromJson(w.x);
  const target = fromJson(w.target);
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    const loss = (m.forward(x) as Tensor).sub(target).pow(2).mean();
    loss.backward();
    if (step === 0) for (const [k, p] of m.namedParameters()) assertTensor(p.grad!, w.grads0[k], {}, `grad ${k}`);
    opt.step();
    assert.ok(Math.abs(Number(loss.item()) - w.losses[step]) < 1e-5, `loss ${step}`);
  }
  assertState(m, w.trained, 'trained');
  assertTensor((m as unknown as { weight: Tensor }).weight, w.weight, {}, 'weight');
  U.removeWeightNorm(m);
  assertState(m, w.removed, 'removed');
  assert.ok(m.weight instanceof nn.Parameter);
  // A checkpoint saved by PyTorch (weight_g / weight_v) loads into a weight-normed module.
  const m2 = U.weightNorm(new nn.Linear(4, 3));
  load(m2, w.trained);
  assertState(m2, w.trained, 'loaded');
});

test('weightNorm: Conv2d over dim 0, 1, null, -1 (the whole tensor) and 2', () => {
  const cases = fx.weight_norm_conv as Record<string, { before: StateJson; after: StateJson; x: TensorJson; grads: Record<string, TensorJson> }>;
  for (const [key, c] of Object.entries(cases)) {
    const conv = new nn.Conv2d(2, 3, 3);
    load(conv, c.before);
    U.weightNorm(conv, { dim: key === 'None' ? null : Number(key) });
    assertState(conv, c.after, `dim ${key}`);
    (conv.forward(fromJson(c.x)) as Tensor).sum().backward();
    for (const [k, p] of conv.namedParameters()) assertTensor(p.grad!, c.grads[k], {}, `dim ${key} grad ${k}`);
  }
});

function discriminator(): torch.nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { stride: 2, padding: 1 }), new nn.LeakyReLU(0.2), new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1 }),
    new nn.LeakyReLU(0.2), new nn.Flatten(), new nn.Linear(8 * 2 * 2, 1),
  );
}

test('spectralNorm: a GAN discriminator, seeded u/v, three training steps, eval without power iteration, removal', () => {
  const g = fx.gan as { before: StateJson; applied: StateJson; real: TensorJson; fake: TensorJson; losses: number[]; trained: StateJson; eval_out: TensorJson; eval_again: TensorJson; after_eval: StateJson; removed: StateJson; removed_out: TensorJson };
  const d = discriminator();
  load(d, g.before);
  torch.manualSeed(1);
  for (const i of [0, 2, 5]) U.spectralNorm(d.getSubmodule(String(i)));
  assertState(d, g.applied, 'applied');
  const real = fromJson(g.real);
  const fake = fromJson(g.fake);
  const opt = new torch.optim.SGD(d.parameters(), { lr: 0.05 });
  const bce = new nn.BCEWithLogitsLoss();
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    const loss = bce.forward(d.forward(real) as Tensor, torch.ones(4, 1)).add(bce.forward(d.forward(fake) as Tensor, torch.zeros(4, 1)));
    loss.backward();
    opt.step();
    assert.ok(Math.abs(Number(loss.item()) - g.losses[step]) < 1e-5, `loss ${step}: ${loss.item()} vs ${g.losses[step]}`);
  }
  assertState(d, g.trained, 'trained');
  d.eval();
  assertTensor(d.forward(real) as Tensor, g.eval_out, {}, 'eval out');
  assertTensor(d.forward(real) as Tensor, g.eval_again, {}, 'eval again');
  assertState(d, g.after_eval, 'u/v unchanged in eval');
  // A deep copy (an EMA or best-model snapshot) keeps the hooks and can be un-normed on its own.
  // As in PyTorch, the computed weight must not carry a graph when copied: refresh it under noGrad.
  torch.noGrad(() => d.forward(real));
  const copy = torch.deepcopy(d);
  for (const i of [0, 2, 5]) U.removeSpectralNorm(copy.getSubmodule(String(i)));
  assertState(copy, g.removed, 'removed from a copy');
  assertState(d, g.after_eval, 'original untouched by the copy');
  for (const i of [0, 2, 5]) U.removeSpectralNorm(d.getSubmodule(String(i)));
  assertState(d, g.removed, 'removed');
  assertTensor(d.forward(real) as Tensor, g.removed_out, {}, 'removed out');
  // A PyTorch checkpoint of the trained, spectral-normed model loads unchanged.
  const d2 = discriminator();
  for (const i of [0, 2, 5]) U.spectralNorm(d2.getSubmodule(String(i)));
  load(d2, g.trained);
  assertState(d2, g.trained, 'loaded');
});

test('spectralNorm: ConvTranspose2d normalizes over dim 1 by default; nPowerIterations and eps', () => {
  const t = fx.transpose as { before: StateJson; applied: StateJson; x: TensorJson; y: TensorJson; after: StateJson };
  const c = new nn.ConvTranspose2d(2, 3, 3);
  load(c, t.before);
  torch.manualSeed(3);
  U.spectralNorm(c, { nPowerIterations: 2, eps: 1e-6 });
  assertState(c, t.applied, 'applied');
  assertTensor(c.forward(fromJson(t.x)) as Tensor, t.y, {}, 'y');
  assertState(c, t.after, 'after');
});

test('parametersToVector / vectorToParameters', () => {
  const v = fx.vector as { state: StateJson; vec: TensorJson; back: StateJson };
  const m = new nn.Linear(3, 2);
  load(m, v.state);
  assertTensor(U.parametersToVector(m.parameters()), v.vec, {}, 'vec');
  U.vectorToParameters(torch.arange(8).float(), m.parameters());
  assertState(m, v.back, 'back');
  assert.throws(() => U.vectorToParameters(3 as unknown as Tensor, m.parameters()), /^TypeError: expected torch.Tensor, but got: int$/);
  assert.throws(() => U.vectorToParameters(torch.zeros(4), m.parameters()), /shape '\[2, 3\]' is invalid for input of size 4/);
});

test("errors are PyTorch's", () => {
  const e = fx.errors as Record<string, string>;
  const lin = new nn.Linear(3, 2);
  const cases: [string, () => unknown][] = [
    ['weight_norm_twice', () => U.weightNorm(U.weightNorm(new nn.Linear(3, 2)))],
    ['remove_weight_norm_missing', () => U.removeWeightNorm(lin)],
    ['spectral_norm_twice', () => U.spectralNorm(U.spectralNorm(new nn.Linear(3, 2)))],
    ['remove_spectral_norm_missing', () => U.removeSpectralNorm(lin)],
    ['spectral_norm_iterations', () => U.spectralNorm(new nn.Linear(3, 2), { nPowerIterations: 0 })],
    ['spectral_norm_missing_name', () => U.spectralNorm(new nn.Linear(3, 2), 'foo')],
  ];
  for (const [name, fn] of cases) assert.throws(fn, (err: Error) => err.message === e[name], name);
  assert.throws(() => U.weightNorm(lin, { n_power_iterations: 1 } as never), /n_power_iterations/);
});
