// torch.optim called as Python programs call it (issue 10): every optimizer and scheduler
// takes PyTorch's positional parameters in PyTorch's order, a trailing options object
// with the camelCase names, or both; the three forms give PyTorch's trajectory
// (scripts/fixtures/optim_args.py). Wrong arguments (unknown, snake_case, mistyped,
// missing, duplicate, too many) throw a TypeError naming the parameter and change
// nothing: not the parameters, not the optimizer's param groups, not its step().
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { lrScheduler } = optim;

interface OptimizerCase {
  name: string;
  trajectory: number[][];
  repr: string;
  param_groups: Record<string, unknown>[];
}
interface SchedulerCase {
  name: string;
  optimizer: 'sgd' | 'adam' | 'sgd_tutorial';
  initial_lrs: number[];
  lrs: number[][];
  momenta: number[][];
  state_dict: Record<string, unknown>;
}
interface Fixture {
  steps: number;
  problem: Record<'w' | 'b' | 'tw' | 'tb' | 'cw' | 'cb', TensorJson>;
  optimizers: OptimizerCase[];
  metrics: number[];
  schedulers: SchedulerCase[];
  model_sgd: { losses: number[]; weights: { weight: TensorJson; bias: TensorJson }[]; repr: string };
  errors: Record<string, string>;
}

const fixture = loadFixture<Fixture>('optim_args.json');

// --- (a) positional, options and mixed calls against PyTorch ---

type OptimizerForm = (w: Tensor, b: Tensor) => optim.Optimizer;

/** Each fixture call written positionally (as the Python), as options, and mixed. */
const OPTIMIZERS: Record<string, OptimizerForm[]> = {
  sgd_lr_momentum: [
    (w, b) => new optim.SGD([w, b], 0.01, 0.9),
    (w, b) => new optim.SGD([w, b], { lr: 0.01, momentum: 0.9 }),
    (w, b) => new optim.SGD([w, b], 0.01, { momentum: 0.9 }),
  ],
  sgd_all_positional: [
    (w, b) => new optim.SGD([w, b], 0.05, 0.9, 0, 0.01, true),
    (w, b) => new optim.SGD({ params: [w, b], lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true }),
    (w, b) => new optim.SGD([w, b], 0.05, 0.9, { weightDecay: 0.01, nesterov: true }),
  ],
  sgd_positional_maximize: [
    (w, b) => new optim.SGD([w, b], 0.05, 0.5, 0.3, 0.1, false, { maximize: true }),
    (w, b) => new optim.SGD([w, b], { lr: 0.05, momentum: 0.5, dampening: 0.3, weightDecay: 0.1, maximize: true }),
    (w, b) => new optim.SGD([w, b], 0.05, 0.5, 0.3, { weightDecay: 0.1, nesterov: false, maximize: true }),
  ],
  sgd_groups_positional: [
    (w, b) => new optim.SGD([{ params: [w] }, { params: [b], lr: 0.2, momentum: 0.5 }], 0.05, 0.9, 0, 0.01),
    (w, b) => new optim.SGD([{ params: [w] }, { params: [b], lr: 0.2, momentum: 0.5 }], { lr: 0.05, momentum: 0.9, weightDecay: 0.01 }),
    (w, b) => new optim.SGD([{ params: [w] }, { params: [b], lr: 0.2, momentum: 0.5 }], 0.05, { momentum: 0.9, weightDecay: 0.01 }),
  ],
  adam_positional: [
    (w, b) => new optim.Adam([w, b], 0.05, [0.8, 0.99], 1e-6, 0.1, true),
    (w, b) => new optim.Adam([w, b], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: true }),
    (w, b) => new optim.Adam([w, b], 0.05, [0.8, 0.99], { eps: 1e-6, weightDecay: 0.1, amsgrad: true }),
  ],
  adam_positional_maximize: [
    (w, b) => new optim.Adam([w, b], 0.01, [0.9, 0.999], 1e-8, 0, false, { maximize: true }),
    (w, b) => new optim.Adam([w, b], { lr: 0.01, maximize: true }),
    (w, b) => new optim.Adam([w, b], 0.01, { maximize: true }),
  ],
  adamw_positional: [
    (w, b) => new optim.AdamW([w, b], 0.05, [0.8, 0.99], 1e-6, 0.05, true, { maximize: true }),
    (w, b) => new optim.AdamW([w, b], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.05, amsgrad: true, maximize: true }),
    (w, b) => new optim.AdamW([w, b], 0.05, [0.8, 0.99], 1e-6, { weightDecay: 0.05, amsgrad: true, maximize: true }),
  ],
  adagrad_positional: [
    (w, b) => new optim.Adagrad([w, b], 0.1, 0.01, 0.1, 0.5, 1e-6, null, { maximize: true }),
    (w, b) => new optim.Adagrad([w, b], { lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6, maximize: true }),
    (w, b) => new optim.Adagrad([w, b], 0.1, 0.01, { weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6, maximize: true }),
  ],
  rmsprop_positional: [
    (w, b) => new optim.RMSprop([w, b], 0.01, 0.9, 1e-4, 0.1, 0.5, true, null, true),
    (w, b) => new optim.RMSprop([w, b], { lr: 0.01, alpha: 0.9, eps: 1e-4, weightDecay: 0.1, momentum: 0.5, centered: true, maximize: true }),
    (w, b) => new optim.RMSprop([w, b], 0.01, 0.9, 1e-4, 0.1, { momentum: 0.5, centered: true, maximize: true }),
  ],
  rmsprop_positional_short: [
    (w, b) => new optim.RMSprop([w, b], 0.02, 0.95),
    (w, b) => new optim.RMSprop([w, b], { lr: 0.02, alpha: 0.95 }),
    (w, b) => new optim.RMSprop([w, b], 0.02, { alpha: 0.95 }),
  ],
};

const FORMS = ['positional', 'options', 'mixed'];

/** Fresh leaves w and b, and the loss of step `step` (optim.py's problem; b's term is left out every third step). */
function problem() {
  const p = fixture.problem;
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

describe('optimizers take PyTorch positional arguments, options, or both', () => {
  for (const c of fixture.optimizers) {
    const forms = OPTIMIZERS[c.name];
    test(`${c.name} has three forms`, () => assert.equal(forms?.length, 3, `no TypeScript forms for ${c.name}`));
    forms?.forEach((make, f) => {
      test(`${c.name} (${FORMS[f]})`, () => {
        const { w, b, loss } = problem();
        const opt = make(w, b);
        assert.equal(String(opt), c.repr);
        for (let step = 0; step < fixture.steps; step++) {
          opt.zeroGrad(true);
          loss(step).backward();
          opt.step();
          // float32 trajectories are PyTorch's bit for bit
          assert.deepEqual([...w.toTypedArray(), ...b.toTypedArray()], c.trajectory[step].map(Math.fround), `step ${step + 1}`);
        }
        assert.deepEqual(opt.stateDict().param_groups, c.param_groups, 'state dict param_groups (snake_case, PyTorch order)');
      });
    });
  }

  test('optim.SGD(model.parameters(), 0.01, 0.9) is lr 0.01, momentum 0.9 (seeded nn.Linear, MSELoss)', () => {
    const want = fixture.model_sgd;
    torch.manualSeed(0);
    const model = new nn.Linear(4, 3);
    const x = torch.randn([5, 4]);
    const y = torch.randn([5, 3]);
    const opt = new optim.SGD(model.parameters(), 0.01, 0.9);
    assert.equal(opt.paramGroups[0].lr, 0.01);
    assert.equal(opt.paramGroups[0].momentum, 0.9);
    assert.equal(String(opt), want.repr);
    want.weights.forEach((step, i) => {
      opt.zeroGrad();
      const loss = nn.functional.mseLoss(model.forward(x), y);
      loss.backward();
      opt.step();
      assert.ok(Math.abs(Number(loss.item()) - want.losses[i]) <= 1e-6 * Math.abs(want.losses[i]), `loss ${i + 1}`);
      assertTensor(model.weight, step.weight, { rtol: 1e-6, atol: 1e-7 }, `weight after step ${i + 1}`);
      assertTensor(model.bias as Tensor, step.bias, { rtol: 1e-6, atol: 1e-7 }, `bias after step ${i + 1}`);
    });
  });
});

type Scheduler = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;
type SchedulerForm = (o: optim.Optimizer) => Scheduler;

function makeOptimizer(kind: SchedulerCase['optimizer']): optim.Optimizer {
  if (kind === 'sgd_tutorial') return new optim.SGD([torch.zeros([2], { requiresGrad: true })], { lr: 0.001, momentum: 0.9 });
  const w = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([1], { requiresGrad: true });
  if (kind === 'adam') return new optim.Adam([{ params: [w] }, { params: [b], lr: 0.05, betas: [0.8, 0.99] }], { lr: 0.1 });
  return new optim.SGD([{ params: [w] }, { params: [b], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
}

/** exponential_lr_resume: ExponentialLR(opt, 0.9) for 5 epochs, then a scheduler resuming at epoch 5. */
function afterFiveEpochs(o: optim.Optimizer): optim.Optimizer {
  const first = new lrScheduler.ExponentialLR(o, 0.9);
  for (let i = 0; i < 5; i++) {
    o.step();
    first.step();
  }
  return o;
}

const oneCycleOptions = {
  epochs: 3, stepsPerEpoch: 10, pctStart: 0.25, annealStrategy: 'linear', cycleMomentum: true,
  baseMomentum: 0.8, maxMomentum: 0.9, divFactor: 10.0, finalDivFactor: 100.0, threePhase: true,
} as const;
const plateauOptions = {
  mode: 'max', factor: 0.5, patience: 1, threshold: 0.01, thresholdMode: 'abs', cooldown: 1, minLr: [0.01, 0.02], eps: 1e-8,
} as const;
const decay = (e: number) => 0.9 ** e;

const SCHEDULERS: Record<string, SchedulerForm[]> = {
  step_lr_tutorial: [
    (o) => new optim.lrScheduler.StepLR(o, { stepSize: 7, gamma: 0.1 }), // the tutorial's StepLR(optimizer_ft, step_size=7, gamma=0.1)
    (o) => new lrScheduler.StepLR(o, 7, 0.1),
    (o) => new lrScheduler.StepLR(o, 7, { gamma: 0.1 }),
  ],
  step_lr_positional: [
    (o) => new lrScheduler.StepLR(o, 3, 0.5, -1, false),
    (o) => new lrScheduler.StepLR(o, { stepSize: 3, gamma: 0.5, lastEpoch: -1, verbose: false }),
    (o) => new lrScheduler.StepLR(o, 3, 0.5, { lastEpoch: -1 }),
  ],
  multistep_lr_positional: [
    (o) => new lrScheduler.MultiStepLR(o, [3, 8, 8], 0.3),
    (o) => new lrScheduler.MultiStepLR(o, { milestones: [3, 8, 8], gamma: 0.3 }),
    (o) => new lrScheduler.MultiStepLR(o, [3, 8, 8], { gamma: 0.3 }),
  ],
  exponential_lr_positional: [
    (o) => new lrScheduler.ExponentialLR(o, 0.9),
    (o) => new lrScheduler.ExponentialLR(o, { gamma: 0.9 }), // the NaN case
    (o) => new lrScheduler.ExponentialLR(o, 0.9, { verbose: false }),
  ],
  exponential_lr_resume: [
    (o) => new lrScheduler.ExponentialLR(afterFiveEpochs(o), 0.5, 5),
    (o) => new lrScheduler.ExponentialLR(afterFiveEpochs(o), { gamma: 0.5, lastEpoch: 5 }),
    (o) => new lrScheduler.ExponentialLR(afterFiveEpochs(o), 0.5, { lastEpoch: 5 }),
  ],
  cosine_annealing_positional: [
    (o) => new lrScheduler.CosineAnnealingLR(o, 10, 0.001),
    (o) => new lrScheduler.CosineAnnealingLR(o, { TMax: 10, etaMin: 0.001 }),
    (o) => new lrScheduler.CosineAnnealingLR(o, 10, { etaMin: 0.001 }),
  ],
  lambda_lr_positional: [
    (o) => new lrScheduler.LambdaLR(o, decay),
    (o) => new lrScheduler.LambdaLR(o, { lrLambda: decay }),
    (o) => new lrScheduler.LambdaLR(o, decay, { lastEpoch: -1 }),
  ],
  one_cycle_positional: [
    (o) => new lrScheduler.OneCycleLR(o, 0.4, null, 3, 10, 0.25, 'linear', true, 0.8, 0.9, 10.0, 100.0, true),
    (o) => new lrScheduler.OneCycleLR(o, { maxLr: 0.4, ...oneCycleOptions }),
    (o) => new lrScheduler.OneCycleLR(o, 0.4, null, 3, 10, { pctStart: 0.25, annealStrategy: 'linear', baseMomentum: 0.8, maxMomentum: 0.9, divFactor: 10, finalDivFactor: 100, threePhase: true }),
  ],
  one_cycle_adam_positional: [
    (o) => new lrScheduler.OneCycleLR(o, [0.3, 0.2], 20),
    (o) => new lrScheduler.OneCycleLR(o, { maxLr: [0.3, 0.2], totalSteps: 20 }),
    (o) => new lrScheduler.OneCycleLR(o, [0.3, 0.2], { totalSteps: 20 }),
  ],
  plateau_positional: [
    (o) => new lrScheduler.ReduceLROnPlateau(o, 'max', 0.5, 1, 0.01, 'abs', 1, [0.01, 0.02], 1e-8),
    (o) => new lrScheduler.ReduceLROnPlateau(o, plateauOptions),
    (o) => new lrScheduler.ReduceLROnPlateau(o, 'max', 0.5, { patience: 1, threshold: 0.01, thresholdMode: 'abs', cooldown: 1, minLr: [0.01, 0.02] }),
  ],
};

const momentumOf = (g: optim.ParamGroup) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number));

/** The fixture writes inf as a string. */
function decode(v: unknown): unknown {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

// 1e-15 relative: V8's Math.cos and ** differ from glibc's in the last bit at some arguments.
function assertClose(got: unknown, want: unknown, label: string): void {
  if (typeof want === 'number' && typeof got === 'number' && Number.isFinite(want)) {
    assert.ok(Math.abs(got - want) <= 1e-15 * Math.abs(want), `${label}: got ${got}, expected ${want}`);
  } else if (Array.isArray(want) && Array.isArray(got)) {
    assert.equal(got.length, want.length, `${label}: length`);
    want.forEach((w, i) => assertClose(got[i], w, `${label}[${i}]`));
  } else {
    assert.deepEqual(got, want, label);
  }
}

describe('schedulers take PyTorch positional arguments, options, or both', () => {
  for (const c of fixture.schedulers) {
    const forms = SCHEDULERS[c.name];
    test(`${c.name} has three forms`, () => assert.equal(forms?.length, 3, `no TypeScript forms for ${c.name}`));
    forms?.forEach((make, f) => {
      test(`${c.name} (${FORMS[f]})`, () => {
        const opt = makeOptimizer(c.optimizer);
        const sched = make(opt);
        assertClose(opt.paramGroups.map((g) => g.lr), c.initial_lrs, 'lr after construction');
        c.lrs.forEach((want, i) => {
          opt.step();
          if (sched instanceof lrScheduler.ReduceLROnPlateau) sched.step(fixture.metrics[i]);
          else sched.step();
          assertClose(opt.paramGroups.map((g) => g.lr), want, `step ${i + 1} lr`);
          assertClose(opt.paramGroups.map(momentumOf), c.momenta[i], `step ${i + 1} momentum`);
        });
        const sd = sched.stateDict();
        assert.deepEqual(Object.keys(sd), Object.keys(c.state_dict), 'state_dict keys (in order)');
        for (const [key, value] of Object.entries(decode(c.state_dict) as Record<string, unknown>)) assertClose(sd[key], value, key);
      });
    });
  }
});

describe("an argument given twice is an error, as Python's", () => {
  const w = torch.zeros([2], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 0.1 });
  const cases: Record<string, () => unknown> = {
    sgd_lr_twice: () => new optim.SGD([w], 0.1, { lr: 0.2 }),
    adam_betas_twice: () => new optim.Adam([w], 0.1, [0.9, 0.99], { betas: [0.8, 0.9] }),
    step_lr_gamma_twice: () => new lrScheduler.StepLR(opt, 3, 0.5, { gamma: 0.1 }),
    plateau_mode_twice: () => new lrScheduler.ReduceLROnPlateau(opt, 'max', { mode: 'min' }),
  };
  for (const [name, message] of Object.entries(fixture.errors)) {
    test(name, () => {
      assert.ok(cases[name], `no TypeScript twin for ${name}`);
      // Python: "SGD.__init__() got multiple values for argument 'lr'"; torchlette: "SGD(): got multiple values for argument 'lr'".
      const [, cls, rest] = /^(\w+)\.__init__\(\) (.*)$/.exec(message) ?? [];
      assert.throws(cases[name], { name: 'TypeError', message: `${cls}(): ${rest}` });
    });
  }
});

// --- (b) wrong arguments: a TypeError naming the problem, and nothing changed ---

/** What a failed call must leave as it was: the groups' hyperparameters and params, the state, and step(). */
function snapshot(opt: optim.Optimizer) {
  return {
    groups: opt.paramGroups.map((g) => structuredClone({ ...g, params: [] })),
    params: opt.paramGroups.map((g) => g.params),
    paramValues: opt.paramGroups.flatMap((g) => g.params.map((p) => p.tolist())),
    state: opt.state.size,
    step: opt.step,
    stepCount: opt._stepCount,
  };
}

function assertUnchanged(opt: optim.Optimizer, before: ReturnType<typeof snapshot>, label: string): void {
  const after = snapshot(opt);
  assert.deepEqual(after.groups, before.groups, `${label}: param groups changed`);
  after.params.forEach((ps, i) => ps.forEach((p, j) => assert.equal(p, before.params[i][j], `${label}: params changed`)));
  assert.deepEqual(after.paramValues, before.paramValues, `${label}: parameter values changed`);
  assert.equal(after.state, before.state, `${label}: state changed`);
  assert.equal(after.step, before.step, `${label}: step() was wrapped`);
  assert.equal(after.stepCount, before.stepCount, `${label}: step count changed`);
}

interface Callable {
  name: string;
  make: (...args: unknown[]) => unknown;
  /** Valid values for the required parameters. */
  required: () => unknown[];
  /** The parameter after them, and a valid value for it. */
  next: [string, unknown];
  accepted: string;
  snake: [string, string];
  /** A parameter, a value of the wrong type and the words for the expected type. */
  mistyped: [string, unknown, string];
  maxPositional: number;
  minPositional: number;
}

const leaf = () => torch.tensor([1, 2], { requiresGrad: true });
/** The parameters the optimizer calls below are given (set by each test). */
let sharedParams: Tensor[] = [];
const newOptimizer = () => new optim.SGD([{ params: [leaf()] }, { params: [leaf()], lr: 0.05 }], 0.1, 0.9);
const adagradOptimizer = () => new optim.Adagrad([leaf()], 0.1);

const OPTIMIZER_CALLABLES: Callable[] = [
  {
    name: 'SGD', make: (...a) => new optim.SGD(...(a as [])), required: () => [sharedParams], next: ['lr', 0.1],
    accepted: 'params, lr, momentum, dampening, weightDecay, nesterov, maximize, foreach, differentiable',
    snake: ['weight_decay', 'weightDecay'], mistyped: ['momentum', '0.9', 'a number'], maxPositional: 6, minPositional: 1,
  },
  {
    name: 'Adam', make: (...a) => new optim.Adam(...(a as [])), required: () => [sharedParams], next: ['lr', 0.1],
    accepted: 'params, lr, betas, eps, weightDecay, amsgrad, foreach, maximize, capturable, differentiable, fused',
    snake: ['weight_decay', 'weightDecay'], mistyped: ['betas', 0.9, 'a pair of numbers'], maxPositional: 6, minPositional: 1,
  },
  {
    name: 'AdamW', make: (...a) => new optim.AdamW(...(a as [])), required: () => [sharedParams], next: ['lr', 0.1],
    accepted: 'params, lr, betas, eps, weightDecay, amsgrad, maximize, foreach, capturable',
    snake: ['weight_decay', 'weightDecay'], mistyped: ['amsgrad', 1, 'a bool'], maxPositional: 6, minPositional: 1,
  },
  {
    name: 'Adagrad', make: (...a) => new optim.Adagrad(...(a as [])), required: () => [sharedParams], next: ['lr', 0.1],
    accepted: 'params, lr, lrDecay, weightDecay, initialAccumulatorValue, eps, foreach, maximize',
    snake: ['initial_accumulator_value', 'initialAccumulatorValue'], mistyped: ['lrDecay', '0.1', 'a number'], maxPositional: 7, minPositional: 1,
  },
  {
    name: 'RMSprop', make: (...a) => new optim.RMSprop(...(a as [])), required: () => [sharedParams], next: ['lr', 0.1],
    accepted: 'params, lr, alpha, eps, weightDecay, momentum, centered, foreach, maximize, differentiable',
    snake: ['weight_decay', 'weightDecay'], mistyped: ['foreach', 'yes', 'a bool or null'], maxPositional: 10, minPositional: 1,
  },
];

function schedulerCallable(name: string, cls: new (...a: never[]) => unknown, rest: Omit<Callable, 'name' | 'make' | 'required'> & { required: unknown[] }): Callable {
  return { ...rest, name, make: (...a) => new cls(...(a as never[])), required: () => [sharedOptimizer, ...rest.required] };
}
let sharedOptimizer = newOptimizer();

const SCHEDULER_CALLABLES: Callable[] = [
  schedulerCallable('StepLR', lrScheduler.StepLR, {
    required: [7], next: ['gamma', 0.1], accepted: 'optimizer, stepSize, gamma, lastEpoch, verbose',
    snake: ['step_size', 'stepSize'], mistyped: ['stepSize', 7.5, 'an int'], maxPositional: 5, minPositional: 2,
  }),
  schedulerCallable('MultiStepLR', lrScheduler.MultiStepLR, {
    required: [[3, 8]], next: ['gamma', 0.1], accepted: 'optimizer, milestones, gamma, lastEpoch, verbose',
    snake: ['last_epoch', 'lastEpoch'], mistyped: ['milestones', 3, 'a list of ints'], maxPositional: 5, minPositional: 2,
  }),
  schedulerCallable('ExponentialLR', lrScheduler.ExponentialLR, {
    required: [0.9], next: ['lastEpoch', -1], accepted: 'optimizer, gamma, lastEpoch, verbose',
    snake: ['last_epoch', 'lastEpoch'], mistyped: ['gamma', '0.9', 'a number'], maxPositional: 4, minPositional: 2,
  }),
  schedulerCallable('CosineAnnealingLR', lrScheduler.CosineAnnealingLR, {
    required: [10], next: ['etaMin', 0], accepted: 'optimizer, TMax, etaMin, lastEpoch, verbose',
    snake: ['T_max', 'TMax'], mistyped: ['verbose', 'yes', 'a bool'], maxPositional: 5, minPositional: 2,
  }),
  schedulerCallable('LambdaLR', lrScheduler.LambdaLR, {
    required: [decay], next: ['lastEpoch', -1], accepted: 'optimizer, lrLambda, lastEpoch, verbose',
    snake: ['lr_lambda', 'lrLambda'], mistyped: ['lrLambda', 0.9, 'a function or a list of functions'], maxPositional: 4, minPositional: 2,
  }),
  schedulerCallable('OneCycleLR', lrScheduler.OneCycleLR, {
    required: [0.1], next: ['totalSteps', 10],
    accepted: 'optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch, verbose',
    snake: ['total_steps', 'totalSteps'], mistyped: ['totalSteps', '10', 'an int or null'], maxPositional: 15, minPositional: 2,
  }),
  schedulerCallable('ReduceLROnPlateau', lrScheduler.ReduceLROnPlateau, {
    required: [], next: ['mode', 'min'], accepted: 'optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps, verbose',
    snake: ['threshold_mode', 'thresholdMode'], mistyped: ['patience', 2.5, 'an int'], maxPositional: 10, minPositional: 1,
  }),
];

/** The wrong calls of one callable, each with the TypeError message it must throw. */
function wrongCalls(c: Callable): [string, () => unknown, string | RegExp][] {
  const req = c.required;
  const [next, nextValue] = c.next;
  const [typed, badValue, expected] = c.mistyped;
  const typedIndex = c.accepted.split(', ').indexOf(typed);
  const tooMany = () => [...req(), ...new Array<number>(c.maxPositional + 1 - req().length).fill(0)];
  const range = c.minPositional === c.maxPositional ? `${c.maxPositional}` : `from ${c.minPositional} to ${c.maxPositional}`;
  const missing = c.minPositional > 1 ? c.accepted.split(', ')[1] : c.accepted.split(', ')[0];
  return [
    ['unknown option', () => c.make(...req(), { [next]: nextValue, fooBar: 1 }), `${c.name}(): unexpected option 'fooBar'; accepted options: ${c.accepted}`],
    ['snake_case option', () => c.make(...req(), { [c.snake[0]]: nextValue }), `${c.name}(): unexpected option '${c.snake[0]}' — did you mean '${c.snake[1]}'?`],
    ['mistyped option', () => c.make(...req().slice(0, typedIndex), { [typed]: badValue }), `${c.name}(): option '${typed}' must be ${expected}, not ${typeof badValue === 'string' ? 'str' : Number.isInteger(badValue) ? 'int' : 'float'}`],
    ['mistyped positional', () => c.make(...[...req(), ...new Array<unknown>(typedIndex).fill(undefined)].slice(0, typedIndex), badValue),
      new RegExp(`^${c.name}\\(\\): argument '${typed}' \\(position ${typedIndex + 1}\\) must be `)],
    ['missing required', () => c.make(...req().slice(0, c.minPositional - 1)), `${c.name}(): missing required argument '${missing}'`],
    ['duplicate', () => c.make(...req(), nextValue, { [next]: nextValue }), `${c.name}(): got multiple values for argument '${next}'`],
    ['too many positional', () => c.make(...tooMany()), `${c.name}(): takes ${range} positional arguments but ${c.maxPositional + 1} were given`],
  ];
}

describe('wrong arguments to an optimizer throw a TypeError and change nothing', () => {
  for (const c of OPTIMIZER_CALLABLES) {
    for (const [what, call, message] of wrongCalls(c)) {
      test(`${c.name}: ${what}`, () => {
        const p = leaf();
        p.sum().backward();
        sharedParams = [p];
        assert.throws(call, { name: 'TypeError', message });
        assert.deepEqual(p.tolist(), [1, 2]);
        assert.deepEqual(p.grad?.tolist(), [1, 1]);
      });
    }
  }

  test("the issue's { lr: 0.1, weight_decay: 1e-4 }", () => {
    const model = new nn.Linear(2, 1);
    assert.throws(() => new optim.SGD(model.parameters(), { lr: 0.1, weight_decay: 1e-4 } as never), {
      name: 'TypeError',
      message: "SGD(): unexpected option 'weight_decay' — did you mean 'weightDecay'?",
    });
  });

  test('a snake_case, misspelled or mistyped key in a parameter group throws; the group object is not modified', () => {
    const group = { params: [leaf()], weight_decay: 0.1 };
    const copy = { ...group };
    assert.throws(() => new optim.SGD([group], 0.1), {
      name: 'TypeError',
      message: "SGD(): unexpected option 'weight_decay' in a parameter group — did you mean 'weightDecay'?",
    });
    assert.deepEqual(group, copy);
    assert.throws(() => new optim.Adam([{ params: [leaf()], WeightDecay: 0.1 }]), /Adam\(\): unexpected option 'WeightDecay' in a parameter group — did you mean 'weightDecay'\?/);
    assert.throws(() => new optim.SGD([{ params: [leaf()], initial_lr: 0.1 }], 0.1), /did you mean 'initialLr'\?/);
    assert.throws(() => new optim.SGD([{ params: [leaf()], lr: '0.1' }]), { name: 'TypeError', message: "SGD(): parameter group option 'lr' must be a number, not str" });
    assert.throws(() => new optim.Adam([{ params: [leaf()], betas: [0.9] }]), /Adam\(\): parameter group option 'betas' must be a pair of numbers, not list/);
  });

  test('other camelCase keys in a group are kept, as PyTorch keeps any key; an undefined value takes the default', () => {
    const opt = new optim.SGD([{ params: [leaf()], note: 'head', momentum: undefined }], 0.1, 0.9);
    assert.equal(opt.paramGroups[0].note, 'head');
    assert.equal(opt.paramGroups[0].momentum, 0.9);
  });

  test('addParamGroup with a bad key leaves the optimizer as it was', () => {
    const opt = newOptimizer();
    const before = snapshot(opt);
    assert.throws(() => opt.addParamGroup({ params: [leaf()], weight_decay: 0.1 }), /did you mean 'weightDecay'/);
    assert.throws(() => opt.addParamGroup({ params: [leaf()], nesterov: 'yes' }), /parameter group option 'nesterov' must be a bool, not str/);
    assertUnchanged(opt, before, 'addParamGroup');
    opt.addParamGroup({ params: [leaf()], lr: 0.3 });
    assert.equal(opt.paramGroups.length, 3);
    assert.equal(opt.paramGroups[2].momentum, 0.9);
  });

  test('zeroGrad takes set_to_none positionally or as setToNone', () => {
    const p = leaf();
    const opt = new optim.SGD([p], 0.1);
    p.sum().backward();
    assert.throws(() => opt.zeroGrad({ set_to_none: true } as never), { name: 'TypeError', message: "zeroGrad(): unexpected option 'set_to_none' — did you mean 'setToNone'?" });
    assert.deepEqual(p.grad?.tolist(), [1, 1]);
    opt.zeroGrad(false);
    assert.deepEqual(p.grad?.tolist(), [0, 0]);
    opt.zeroGrad(true);
    assert.equal(p.grad, null);
  });
});

describe("wrong arguments to a scheduler throw a TypeError and leave the optimizer's groups untouched", () => {
  for (const c of SCHEDULER_CALLABLES) {
    for (const [what, call, message] of wrongCalls(c)) {
      test(`${c.name}: ${what}`, () => {
        sharedOptimizer = newOptimizer();
        const before = snapshot(sharedOptimizer);
        assert.throws(call, { name: 'TypeError', message });
        assertUnchanged(sharedOptimizer, before, `${c.name} ${what}`);
      });
    }
    test(`${c.name}: not an optimizer`, () => {
      // e.g. the model's parameters where the optimizer belongs
      assert.throws(() => c.make(leaf(), ...c.required().slice(1)), {
        name: 'TypeError',
        message: `${c.name}(): argument 'optimizer' (position 1) must be Optimizer, not Tensor`,
      });
    });
  }

  test("CosineAnnealingLR's T_max is TMax", () => {
    const opt = newOptimizer();
    assert.throws(() => new lrScheduler.CosineAnnealingLR(opt, { T_max: 10, eta_min: 0.001 } as never), /unexpected option 'T_max' — did you mean 'TMax'\?/);
    assert.throws(() => new lrScheduler.CosineAnnealingLR(opt, { TMax: 10, eta_min: 0.001 } as never), /unexpected option 'eta_min' — did you mean 'etaMin'\?/);
    assert.equal(new lrScheduler.CosineAnnealingLR(opt, { TMax: 10 }).TMax, 10);
  });

  test("PyTorch's value errors come before any group is changed", () => {
    const cases: [() => optim.Optimizer, (o: optim.Optimizer) => unknown, RegExp][] = [
      [adagradOptimizer, (o) => new lrScheduler.OneCycleLR(o, 0.1, 10), /optimizer must support momentum with `cycle_momentum` option enabled/],
      [newOptimizer, (o) => new lrScheduler.OneCycleLR(o, 0.1, 10, { maxMomentum: [0.9] }), /expected 2 values for max_momentum, got 1/],
      [newOptimizer, (o) => new lrScheduler.OneCycleLR(o, 0.1, 10, { annealStrategy: 'cosine' as 'cos' }), /anneal_strategy must by one of 'cos' or 'linear', instead got cosine/],
      [newOptimizer, (o) => new lrScheduler.OneCycleLR(o, 0.1, 10, { pctStart: 1.5 }), /Expected float between 0 and 1 pct_start, but got 1.5/],
      [newOptimizer, (o) => new lrScheduler.LambdaLR(o, [decay]), /Expected 2 lr_lambdas, but got 1/],
      [newOptimizer, (o) => new lrScheduler.StepLR(o, 3, 0.1, 4), /param 'initialLr' \(PyTorch's 'initial_lr'\) is not specified in paramGroups\[0\] when resuming an optimizer/],
      [newOptimizer, (o) => new lrScheduler.ReduceLROnPlateau(o, 'min', 1.5), /Factor should be < 1.0./],
      [newOptimizer, (o) => new lrScheduler.ReduceLROnPlateau(o, 'up' as 'min'), /mode up is unknown!/],
      [newOptimizer, (o) => new lrScheduler.ReduceLROnPlateau(o, { minLr: [0.1, 0.2, 0.3] }), /expected 2 min_lrs, got 3/],
    ];
    for (const [makeOpt, call, message] of cases) {
      const opt = makeOpt();
      const before = snapshot(opt);
      assert.throws(() => call(opt), message);
      assertUnchanged(opt, before, String(message));
    }
  });
});
