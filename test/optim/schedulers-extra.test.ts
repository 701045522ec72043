// ConstantLR, LinearLR, MultiplicativeLR, PolynomialLR, CyclicLR, CosineAnnealingWarmRestarts,
// SequentialLR and ChainedScheduler against PyTorch 1.13 (scripts/fixtures/sched_extra.py):
// get_last_lr() and momentum after every step, the final state dict (keys in PyTorch's
// order), the optimizer's param groups, resuming from state dicts, and PyTorch's errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { optim } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { lrScheduler: L } = optim;

interface SchedulerCase {
  name: string;
  optimizer: 'sgd' | 'adam';
  initial_lrs: number[];
  initial_momenta: number[];
  lrs: number[][];
  momenta: number[][];
  epochs?: (number | null)[];
  state_dict: Record<string, unknown>;
  optimizer_groups: Record<string, unknown>[];
}

const fixture = loadFixture<{ schedulers: SchedulerCase[]; errors: Record<string, string> }>('sched_extra.json');

/** optim.py's optimizers: two groups (lr 0.1 and 0.05). */
function makeOptimizer(kind: 'sgd' | 'adam'): optim.Optimizer {
  const w = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([1], { requiresGrad: true });
  if (kind === 'adam') return new optim.Adam([{ params: [w] }, { params: [b], lr: 0.05, betas: [0.8, 0.99] }], { lr: 0.1 });
  return new optim.SGD([{ params: [w] }, { params: [b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
}

const TWINS: Record<string, (o: optim.Optimizer) => optim.lrScheduler.LRScheduler> = {
  constant_default: (o) => new L.ConstantLR(o),
  constant_options: (o) => new L.ConstantLR(o, { factor: 0.5, totalIters: 4 }),
  linear_default: (o) => new L.LinearLR(o),
  linear_options: (o) => new L.LinearLR(o, 0.2, 0.9, 10),
  linear_decreasing: (o) => new L.LinearLR(o, { startFactor: 1.0, endFactor: 0.1, totalIters: 8 }),
  linear_explicit_epochs: (o) => new L.LinearLR(o, { startFactor: 0.25, totalIters: 6 }),
  multiplicative_single: (o) => new L.MultiplicativeLR(o, () => 0.95),
  multiplicative_list: (o) => new L.MultiplicativeLR(o, [(e) => (e % 2 ? 0.9 : 1.0), () => 0.97]),
  polynomial_default: (o) => new L.PolynomialLR(o),
  polynomial_power2: (o) => new L.PolynomialLR(o, { totalIters: 12, power: 2.0 }),
  polynomial_sqrt: (o) => new L.PolynomialLR(o, 20, 0.5),
  constant_explicit_epochs: (o) => new L.ConstantLR(o, { factor: 0.25, totalIters: 3 }),
  cyclic_triangular: (o) => new L.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 4 }),
  cyclic_triangular2: (o) =>
    new L.CyclicLR(o, [0.01, 0.02], [0.1, 0.3], { stepSizeUp: 3, stepSizeDown: 5, mode: 'triangular2', baseMomentum: [0.8, 0.7], maxMomentum: 0.95 }),
  cyclic_exp_range: (o) => new L.CyclicLR(o, 0.001, 0.05, { stepSizeUp: 5, mode: 'exp_range', gamma: 0.9 }),
  cyclic_scale_fn_cycle: (o) => new L.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 2, scaleFn: (x) => 1 / (1 + 0.5 * x) }),
  cyclic_scale_fn_iterations: (o) => new L.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, scaleFn: (x) => 0.97 ** x, scaleMode: 'iterations' }),
  cyclic_no_momentum_adam: (o) => new L.CyclicLR(o, 0.001, 0.01, { stepSizeUp: 4, cycleMomentum: false }),
  warm_restarts: (o) => new L.CosineAnnealingWarmRestarts(o, 5),
  warm_restarts_mult: (o) => new L.CosineAnnealingWarmRestarts(o, 3, { TMult: 2, etaMin: 0.001 }),
  warm_restarts_fractional: (o) => new L.CosineAnnealingWarmRestarts(o, 2, 2, 0.002),
  warm_restarts_fractional_mult1: (o) => new L.CosineAnnealingWarmRestarts(o, 4),
  warm_restarts_explicit: (o) => new L.CosineAnnealingWarmRestarts(o, 4, { TMult: 3 }),
  sequential_two: (o) => new L.SequentialLR(o, [new L.ConstantLR(o, { factor: 0.5, totalIters: 3 }), new L.ExponentialLR(o, 0.9)], [5]),
  sequential_three: (o) =>
    new L.SequentialLR(o, {
      schedulers: [new L.LinearLR(o, { startFactor: 0.1, totalIters: 4 }), new L.CosineAnnealingLR(o, 10, { etaMin: 0.001 }), new L.StepLR(o, 3, { gamma: 0.5 })],
      milestones: [4, 15],
    }),
  chained_two: (o) => new L.ChainedScheduler([new L.ConstantLR(o, { factor: 0.1, totalIters: 2 }), new L.ExponentialLR(o, { gamma: 0.9 })]),
  chained_three: (o) =>
    new L.ChainedScheduler([
      new L.LinearLR(o, { startFactor: 0.5, totalIters: 5 }),
      new L.MultiStepLR(o, [8, 12], { gamma: 0.5 }),
      new L.PolynomialLR(o, { totalIters: 25, power: 1.5 }),
    ]),
};

const momentumOf = (g: optim.ParamGroup) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number));

function assertClose(got: number[], want: number[], label: string): void {
  assert.equal(got.length, want.length, label);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-12 * Math.abs(want[i]), `${label}[${i}]: got ${g}, expected ${want[i]}`));
}

/** Numbers compared to 1e-12 relative (cos and pow differ between V8 and glibc in the last bits), everything else exactly. */
function assertLike(got: unknown, want: unknown, label: string): void {
  if (typeof want === 'number' && typeof got === 'number' && !Number.isInteger(want)) return assertClose([got], [want], label);
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${label}: expected a list`);
    assert.equal(got.length, want.length, `${label}: length`);
    return want.forEach((w, i) => assertLike(got[i], w, `${label}[${i}]`));
  }
  if (want !== null && typeof want === 'object') {
    assert.ok(got !== null && typeof got === 'object', `${label}: expected an object`);
    assert.deepEqual(Object.keys(got as object), Object.keys(want), `${label}: keys (in order)`);
    for (const [k, v] of Object.entries(want)) assertLike((got as Record<string, unknown>)[k], v, `${label}.${k}`);
    return;
  }
  assert.deepEqual(got, want, label);
}

function stepOf(c: SchedulerCase, s: optim.lrScheduler.LRScheduler, i: number): void {
  const e = c.epochs?.[i] ?? null;
  if (e === null) s.step();
  else s.step(e);
}

describe('lr schedules match PyTorch', () => {
  for (const c of fixture.schedulers) {
    test(c.name, () => {
      const opt = makeOptimizer(c.optimizer);
      const sched = TWINS[c.name](opt);
      assertClose(opt.paramGroups.map((g) => g.lr), c.initial_lrs, 'initial lr');
      assertClose(opt.paramGroups.map(momentumOf), c.initial_momenta, 'initial momentum');
      c.lrs.forEach((want, i) => {
        opt.step();
        stepOf(c, sched, i);
        assertClose(sched.getLastLr(), want, `step ${i + 1} lr`);
        assertClose(opt.paramGroups.map(momentumOf), c.momenta[i], `step ${i + 1} momentum`);
      });
      assertLike(sched.stateDict(), c.state_dict, 'state_dict');
      opt.stateDict().param_groups.forEach((g, i) => assertLike(g, c.optimizer_groups[i], `param_groups[${i}]`));
    });
  }
});

describe('a schedule resumes from its state dict', () => {
  for (const c of fixture.schedulers) {
    test(c.name, () => {
      const half = Math.floor(c.lrs.length / 2);
      const opt = makeOptimizer(c.optimizer);
      const sched = TWINS[c.name](opt);
      for (let i = 0; i < half; i++) {
        opt.step();
        stepOf(c, sched, i);
      }
      const opt2 = makeOptimizer(c.optimizer);
      const sched2 = TWINS[c.name](opt2);
      opt2.loadStateDict(opt.stateDict());
      sched2.loadStateDict(sched.stateDict());
      for (let i = half; i < c.lrs.length; i++) {
        opt2.step();
        stepOf(c, sched2, i);
        assertClose(sched2.getLastLr(), c.lrs[i], `step ${i + 1} lr`);
        assertClose(opt2.paramGroups.map(momentumOf), c.momenta[i], `step ${i + 1} momentum`);
      }
    });
  }
});

describe('scheduler errors match PyTorch', () => {
  const o = makeOptimizer('sgd');
  const a = makeOptimizer('adam');
  const other = makeOptimizer('sgd');
  const cases: Record<string, () => unknown> = {
    constant_bad_factor: () => new L.ConstantLR(o, { factor: 1.5 }),
    linear_bad_start: () => new L.LinearLR(o, { startFactor: -0.1 }),
    linear_bad_end: () => new L.LinearLR(o, { endFactor: 2.0 }),
    multiplicative_count: () => new L.MultiplicativeLR(o, [() => 1.0]),
    cyclic_bad_mode: () => new L.CyclicLR(o, 0.01, 0.1, { mode: 'square' }),
    cyclic_no_momentum: () => new L.CyclicLR(a, 0.01, 0.1),
    cyclic_base_lr_count: () => new L.CyclicLR(o, [0.01], 0.1),
    warm_restarts_bad_t0: () => new L.CosineAnnealingWarmRestarts(o, 0),
    warm_restarts_bad_tmult: () => new L.CosineAnnealingWarmRestarts(o, 3, { TMult: 0 }),
    warm_restarts_negative_epoch: () => new L.CosineAnnealingWarmRestarts(o, 3).step(-1),
    sequential_milestones: () => new L.SequentialLR(o, [new L.ExponentialLR(o, 0.9), new L.ExponentialLR(o, 0.8)], [2, 4]),
    sequential_other_optimizer: () => new L.SequentialLR(o, [new L.ExponentialLR(o, 0.9), new L.ExponentialLR(other, 0.8)], [2]),
    chained_other_optimizer: () => new L.ChainedScheduler([new L.ExponentialLR(o, 0.9), new L.ExponentialLR(other, 0.8)]),
  };
  for (const [name, message] of Object.entries(fixture.errors)) {
    test(name, () => {
      assert.ok(cases[name], `no TypeScript twin for ${name}`);
      assert.throws(cases[name], (e: Error) => e.message === message, `expected: ${message}`);
    });
  }

  test('unknown, snake_case and wrongly typed options throw', () => {
    assert.throws(() => new L.LinearLR(o, { start_factor: 0.5 } as never), /startFactor/);
    assert.throws(() => new L.CosineAnnealingWarmRestarts(o, { T_0: 5 } as never), /T0/);
    assert.throws(() => new L.CyclicLR(o, 0.01, 0.1, { scaleMode: 'epochs' } as never), /scaleMode/);
    assert.throws(() => new L.PolynomialLR(o, { power: '2' } as never), /power/);
    assert.throws(() => new L.SequentialLR(o, [{}] as never, []), /schedulers/);
    assert.throws(() => new L.CyclicLR(o, 0.01), /maxLr/);
  });
});
