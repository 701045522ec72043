// LR schedulers against PyTorch 1.13 (scripts/fixtures/optim.py): the lr (and cycled
// momentum) after every step, the final state dict with PyTorch's keys in PyTorch's
// order, the optimizer's param groups (initial_lr, max_lr, … as schedulers leave
// them), and resuming a schedule from its state dict.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { optim } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { lrScheduler } = optim;

interface SchedulerCase {
  name: string;
  optimizer: 'sgd' | 'adam';
  initial_lrs: number[];
  lrs: number[][];
  momenta: number[][];
  state_dict: Record<string, unknown>;
  optimizer_groups: Record<string, unknown>[];
}

const fixture = loadFixture<{ metrics: number[]; schedulers: SchedulerCase[]; verbose: string[] }>('optim.json');

/** The fixture's optimizers: two groups (lr 0.1 and 0.05). */
function makeOptimizer(kind: 'sgd' | 'adam'): optim.Optimizer {
  const w = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([1], { requiresGrad: true });
  if (kind === 'adam') return new optim.Adam([{ params: [w] }, { params: [b], lr: 0.05, betas: [0.8, 0.99] }], { lr: 0.1 });
  return new optim.SGD([{ params: [w] }, { params: [b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
}

type Scheduler = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;

const TWINS: Record<string, (o: optim.Optimizer) => Scheduler> = {
  step_lr: (o) => new lrScheduler.StepLR(o, 5, { gamma: 0.5 }),
  step_lr_default_gamma: (o) => new lrScheduler.StepLR(o, 3),
  multistep_lr: (o) => new lrScheduler.MultiStepLR(o, [3, 8, 8, 20], { gamma: 0.3 }),
  exponential_lr: (o) => new lrScheduler.ExponentialLR(o, 0.9),
  cosine_annealing: (o) => new lrScheduler.CosineAnnealingLR(o, 10, { etaMin: 0.001 }),
  cosine_annealing_default: (o) => new lrScheduler.CosineAnnealingLR(o, 7),
  lambda_lr: (o) => new lrScheduler.LambdaLR(o, [(e) => 0.95 ** e, (e) => 1 / (e + 1)]),
  lambda_lr_single: (o) => new lrScheduler.LambdaLR(o, (e) => (e % 4 === 3 ? 0.5 : 1.0)),
  one_cycle_cos: (o) => new lrScheduler.OneCycleLR(o, [0.5, 0.2], { totalSteps: 30 }),
  one_cycle_linear_three_phase: (o) =>
    new lrScheduler.OneCycleLR(o, 0.4, { epochs: 3, stepsPerEpoch: 10, pctStart: 0.25, annealStrategy: 'linear', threePhase: true }),
  one_cycle_adam: (o) =>
    new lrScheduler.OneCycleLR(o, 0.3, { totalSteps: 25, divFactor: 10.0, finalDivFactor: 100.0, baseMomentum: 0.8, maxMomentum: [0.9, 0.95] }),
  one_cycle_no_momentum: (o) => new lrScheduler.OneCycleLR(o, 1.0, { totalSteps: 20, cycleMomentum: false, pctStart: 0.4 }),
  plateau_min_rel: (o) => new lrScheduler.ReduceLROnPlateau(o, { patience: 2, factor: 0.5 }),
  plateau_max_abs_cooldown: (o) =>
    new lrScheduler.ReduceLROnPlateau(o, { mode: 'max', thresholdMode: 'abs', threshold: 0.01, cooldown: 2, patience: 1, minLr: [0.01, 0.02] }),
  plateau_min_abs_eps: (o) => new lrScheduler.ReduceLROnPlateau(o, { thresholdMode: 'abs', threshold: 0.001, patience: 0, factor: 0.3, minLr: 0.004, eps: 1e-3 }),
};

function twinOf(c: SchedulerCase): (o: optim.Optimizer) => Scheduler {
  const twin = TWINS[c.name];
  assert.ok(twin, `no TypeScript twin for ${c.name}`);
  return twin;
}

function stepScheduler(s: Scheduler, i: number): void {
  if (s instanceof lrScheduler.ReduceLROnPlateau) s.step(fixture.metrics[i]);
  else s.step();
}

const momentumOf = (g: optim.ParamGroup) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number));

/** The fixture writes inf/nan as strings. */
function decode(v: unknown): unknown {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

// lrs agree to 1e-15 relative: V8's Math.cos differs from glibc's cos in the last bit at some arguments (the step-based schedules are exact).
function assertLrs(got: number[], want: number[], label: string): void {
  assert.equal(got.length, want.length, label);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-15 * Math.abs(want[i]), `${label}[${i}]: got ${g}, expected ${want[i]}`));
}

describe('lr schedules match PyTorch', () => {
  for (const c of fixture.schedulers) {
    test(c.name, () => {
      const opt = makeOptimizer(c.optimizer);
      const sched = twinOf(c)(opt);
      assertLrs(opt.paramGroups.map((g) => g.lr), c.initial_lrs, 'initial lr');
      c.lrs.forEach((want, i) => {
        opt.step();
        stepScheduler(sched, i);
        assertLrs(sched.getLastLr(), want, `step ${i + 1} lr`);
        assertLrs(opt.paramGroups.map(momentumOf), c.momenta[i], `step ${i + 1} momentum`);
      });
      const sd = sched.stateDict();
      assert.deepEqual(Object.keys(sd), Object.keys(c.state_dict), 'state_dict keys (in order)');
      const want = decode(c.state_dict) as Record<string, unknown>;
      for (const [key, value] of Object.entries(want)) {
        if (key === '_last_lr' || key === 'base_lrs') assertLrs(sd[key] as number[], value as number[], key);
        else assert.deepEqual(sd[key], value, key);
      }
      const groups = opt.stateDict().param_groups;
      groups.forEach((g, i) => {
        assert.deepEqual(Object.keys(g), Object.keys(c.optimizer_groups[i]), 'optimizer param_groups keys');
        for (const [key, value] of Object.entries(c.optimizer_groups[i])) {
          if (typeof value === 'number' && !Number.isInteger(value)) assertLrs([g[key] as number], [value], `group ${i} ${key}`);
          else if (key === 'betas') assertLrs(g[key] as number[], value as number[], `group ${i} betas`);
          else assert.deepEqual(g[key], value, `group ${i} ${key}`);
        }
      });
    });
  }
});

describe('a schedule resumes from its state dict', () => {
  for (const c of fixture.schedulers) {
    test(c.name, () => {
      const half = Math.floor(c.lrs.length / 2);
      const opt = makeOptimizer(c.optimizer);
      const sched = twinOf(c)(opt);
      for (let i = 0; i < half; i++) {
        opt.step();
        stepScheduler(sched, i);
      }
      const optState = opt.stateDict();
      const schedState = sched.stateDict();
      // Restart: fresh optimizer and scheduler, then both state dicts (as a training script resumes).
      const opt2 = makeOptimizer(c.optimizer);
      const sched2 = twinOf(c)(opt2);
      opt2.loadStateDict(optState);
      sched2.loadStateDict(schedState);
      for (let i = half; i < c.lrs.length; i++) {
        opt2.step();
        stepScheduler(sched2, i);
        assertLrs(sched2.getLastLr(), c.lrs[i], `step ${i + 1} lr`);
        assertLrs(opt2.paramGroups.map(momentumOf), c.momenta[i], `step ${i + 1} momentum`);
      }
    });
  }
});

describe('scheduler checks', () => {
  test("errors use PyTorch's messages", () => {
    const opt = makeOptimizer('sgd');
    assert.throws(() => new lrScheduler.StepLR({} as optim.Optimizer, 3), /StepLR\(\): argument 'optimizer' \(position 1\) must be Optimizer, not object/);
    assert.throws(() => new lrScheduler.LambdaLR(opt, [(e) => e]), /Expected 2 lr_lambdas, but got 1/);
    assert.throws(() => new lrScheduler.OneCycleLR(opt, 0.1), /You must define either total_steps OR \(epochs AND steps_per_epoch\)/);
    assert.throws(() => new lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 0 }), /Expected positive integer total_steps, but got 0/);
    assert.throws(() => new lrScheduler.OneCycleLR(opt, [0.1], { totalSteps: 5 }), /expected 2 values for max_lr, got 1/);
    assert.throws(() => new lrScheduler.OneCycleLR(new optim.Adagrad([torch.zeros([1], { requiresGrad: true })]), 0.1, { totalSteps: 5 }), /optimizer must support momentum/);
    assert.throws(() => new lrScheduler.ReduceLROnPlateau(opt, { factor: 1 }), /Factor should be < 1.0./);
    assert.throws(() => new lrScheduler.ReduceLROnPlateau(opt, { mode: 'up' as 'min' }), /mode up is unknown!/);
    assert.throws(() => new lrScheduler.StepLR(makeOptimizer('sgd'), 3, { lastEpoch: 4 }), /param 'initialLr' \(PyTorch's 'initial_lr'\) is not specified in paramGroups\[0\] when resuming an optimizer/);
  });

  test('OneCycleLR refuses to step past totalSteps', () => {
    const opt = makeOptimizer('sgd');
    const sched = new lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 3 });
    for (let i = 0; i < 3; i++) {
      opt.step();
      sched.step();
    }
    assert.throws(() => sched.step(), /Tried to step 5 times. The specified number of total steps is 3/);
  });

  test('a bad scheduler state dict changes nothing', () => {
    const sched = new lrScheduler.StepLR(makeOptimizer('sgd'), 3);
    assert.throws(() => sched.loadStateDict({ gamma: 0.5, base_lrs: 'x' }), /expected a array/);
    assert.equal(sched.gamma, 0.1);
  });

  test("verbose schedulers print PyTorch's lines, with an explicit epoch as 'Epoch 00003: …'", (t) => {
    const lines: string[] = [];
    t.mock.method(console, 'log', (line: string) => lines.push(line));
    const opt = makeOptimizer('sgd');
    const sched = new lrScheduler.StepLR(opt, 2, { gamma: 0.5, verbose: true });
    opt.step();
    sched.step();
    opt.step();
    sched.step(3);
    const plateau = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0, factor: 0.3, verbose: true });
    plateau.step(1.0);
    plateau.step(2.0);
    plateau.step(3.0, 12);
    assert.deepEqual(lines, fixture.verbose);
  });

  test('schedulers count optimizer steps through the wrapped step()', () => {
    const opt = makeOptimizer('sgd');
    new lrScheduler.ExponentialLR(opt, 0.5);
    assert.equal(opt._stepCount, 0);
    opt.step();
    opt.step();
    assert.equal(opt._stepCount, 2);
  });
});
