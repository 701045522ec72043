// The optimizer fixture (scripts/fixtures/optim.py) and the TypeScript twin of each case.
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import { optim, type DType, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

export interface OptimizerCase {
  name: string;
  optimizer: string;
  dtype: DType;
  zero_grad: 'none' | 'zero';
  closure: boolean;
  trajectory: number[][];
  state_dict: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
  repr: string;
  losses?: number[];
  pt?: string;
}

export interface Fixture {
  steps: number;
  problem: Record<'float32' | 'float64', Record<'w' | 'b' | 'tw' | 'tb' | 'cw' | 'cb', TensorJson>>;
  optimizers: OptimizerCase[];
  errors: Record<string, string>;
}

export const fixture = loadFixture<Fixture>('optim.json');

type Twin = (w: Tensor, b: Tensor) => optim.Optimizer;

/** Each fixture case written as a user would write it. */
export const TWINS: Record<string, Twin> = {
  sgd_plain: (w, b) => new optim.SGD([w, b], { lr: 0.1 }),
  sgd_positional_lr: (w, b) => new optim.SGD([w, b], 0.05),
  sgd_momentum: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.9 }),
  sgd_dampening: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.9, dampening: 0.3 }),
  sgd_nesterov: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.9, nesterov: true }),
  sgd_weight_decay: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.5, weightDecay: 0.1 }),
  sgd_maximize: (w, b) => new optim.SGD([w, b], { lr: 0.01, momentum: 0.9, weightDecay: 0.05, maximize: true }),
  sgd_maximize_nesterov: (w, b) => new optim.SGD([w, b], { lr: 0.01, momentum: 0.8, nesterov: true, maximize: true }),
  sgd_groups: (w, b) => new optim.SGD([{ params: [w] }, { params: [b], lr: 0.2, momentum: 0.5 }], { lr: 0.05, momentum: 0.9 }),
  sgd_zero_grad_keeps_zeros: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.9 }),
  sgd_closure: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.9, nesterov: true }),
  sgd_float64: (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  adam_default: (w, b) => new optim.Adam([w, b]),
  adam_lr: (w, b) => new optim.Adam([w, b], { lr: 0.05 }),
  adam_betas_eps: (w, b) => new optim.Adam([w, b], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6 }),
  adam_weight_decay: (w, b) => new optim.Adam([w, b], { lr: 0.05, weightDecay: 0.1 }),
  adam_amsgrad: (w, b) => new optim.Adam([w, b], { lr: 0.05, amsgrad: true }),
  adam_maximize: (w, b) => new optim.Adam([w, b], { lr: 0.01, weightDecay: 0.1, maximize: true }),
  adam_groups: (w, b) => new optim.Adam([{ params: [w] }, { params: [b], lr: 0.01, betas: [0.5, 0.9], amsgrad: true }], { lr: 0.05 }),
  adam_zero_grad_keeps_zeros: (w, b) => new optim.Adam([w, b], { lr: 0.05 }),
  adam_closure: (w, b) => new optim.Adam([w, b], { lr: 0.05, amsgrad: true }),
  adam_float64: (w, b) => new optim.Adam([w, b], { lr: 0.05, amsgrad: true, weightDecay: 0.1 }),
  adamw_default: (w, b) => new optim.AdamW([w, b], { lr: 0.05 }),
  adamw_amsgrad: (w, b) => new optim.AdamW([w, b], { lr: 0.05, weightDecay: 0.1, amsgrad: true }),
  adamw_maximize: (w, b) => new optim.AdamW([w, b], { lr: 0.01, maximize: true, betas: [0.7, 0.95] }),
  adamw_no_decay: (w, b) => new optim.AdamW([w, b], { lr: 0.05, weightDecay: 0 }),
  adagrad_default: (w, b) => new optim.Adagrad([w, b]),
  adagrad_options: (w, b) => new optim.Adagrad([w, b], { lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6 }),
  adagrad_maximize: (w, b) => new optim.Adagrad([w, b], { lr: 0.05, maximize: true }),
  adagrad_groups: (w, b) => new optim.Adagrad([{ params: [b], lrDecay: 0.05 }, { params: [w], lr: 0.3 }], { lr: 0.1 }),
  rmsprop_default: (w, b) => new optim.RMSprop([w, b]),
  rmsprop_centered: (w, b) => new optim.RMSprop([w, b], { lr: 0.01, alpha: 0.9, centered: true }),
  rmsprop_momentum: (w, b) => new optim.RMSprop([w, b], { lr: 0.01, momentum: 0.9, weightDecay: 0.1 }),
  rmsprop_centered_momentum_maximize: (w, b) => new optim.RMSprop([w, b], { lr: 0.01, momentum: 0.5, centered: true, maximize: true, eps: 1e-4 }),
  rmsprop_groups: (w, b) => new optim.RMSprop([{ params: [w], centered: true }, { params: [b], lr: 0.05, momentum: 0.9 }], { lr: 0.01 }),
};

/** The fixture's problem: fresh leaves w and b, and the loss of step `step` (b's term is left out every third step). */
export function problem(c: OptimizerCase) {
  const p = fixture.problem[c.dtype === 'float64' ? 'float64' : 'float32'];
  const [tw, tb, cw, cb] = [p.tw, p.tb, p.cw, p.cb].map((t) => fromJson(t));
  const w = fromJson(p.w, { requiresGrad: true });
  const b = fromJson(p.b, { requiresGrad: true });
  const loss = (step: number) => {
    let l = cw.mul(w.sub(tw).pow(2)).sum();
    if (step % 3 !== 2) l = l.add(cb.mul(b.sub(tb).pow(2)).sum());
    return l;
  };
  return { w, b, loss };
}

/** One training step exactly as the fixture ran it (zero_grad, backward, step; or step(closure)). */
export function trainStep(c: OptimizerCase, opt: optim.Optimizer, loss: (step: number) => Tensor, step: number): number | undefined {
  const closure = () => {
    opt.zeroGrad({ setToNone: c.zero_grad === 'none' });
    const l = loss(step);
    l.backward();
    return l;
  };
  if (c.closure) return Number((opt.step(closure) as Tensor).item());
  closure();
  opt.step();
  return undefined;
}

/** Float32 trajectories are compared bit for bit; float64 within a few ulps (JS's a + alpha * b is not fused). */
export function toleranceOf(c: OptimizerCase): { rtol: number; atol: number } {
  return c.dtype === 'float64' ? { rtol: 1e-13, atol: 1e-14 } : { rtol: 0, atol: 0 };
}

export function assertParams(c: OptimizerCase, w: Tensor, b: Tensor, step: number): void {
  const want = c.trajectory[step];
  const { rtol, atol } = toleranceOf(c);
  const got = [...w.toTypedArray(), ...b.toTypedArray()].map(Number);
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const expected = c.dtype === 'float32' ? Math.fround(want[i]) : want[i];
    assert.ok(Math.abs(got[i] - expected) <= atol + rtol * Math.abs(expected), `${c.name} step ${step + 1} element ${i}: got ${got[i]}, expected ${expected}`);
  }
}

/** Compares a torchlette state dict with PyTorch's (tensors by value, everything else exactly). */
export function assertStateDict(c: OptimizerCase, got: optim.OptimizerStateDict, want: OptimizerCase['state_dict']): void {
  assert.deepEqual(Object.keys(got.state).sort(), Object.keys(want.state).sort(), `${c.name}: state keys`);
  for (const [index, entries] of Object.entries(want.state)) {
    const mine = (got.state as Record<string, Record<string, unknown>>)[index];
    assert.deepEqual(Object.keys(mine), Object.keys(entries), `${c.name}: state[${index}] keys`);
    for (const [key, value] of Object.entries(entries)) {
      const actual = mine[key];
      if (value !== null && typeof value === 'object' && 'dtype' in value) {
        assert.ok(actual instanceof torch.Tensor, `${c.name}: state[${index}].${key} is a Tensor`);
        assertTensor(actual, value as TensorJson, toleranceOf(c), `${c.name}: state[${index}].${key}`);
      } else {
        assert.deepEqual(actual, value, `${c.name}: state[${index}].${key}`);
      }
    }
  }
  assert.deepEqual(got.param_groups, want.param_groups, `${c.name}: param_groups`);
}

export function twinOf(c: OptimizerCase): Twin {
  const twin = TWINS[c.name];
  assert.ok(twin, `no TypeScript twin for ${c.name}`);
  return twin;
}
