// Adadelta, Adamax, ASGD, NAdam, RAdam, Rprop, LBFGS and SparseAdam against PyTorch 1.13
// (scripts/fixtures/optim_extra.py): 20-step trajectories on optim.py's problem (bit-exact
// in float32), final state dicts, repr, resuming from a state dict, constructor errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { optim, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { assertParams, assertStateDict, problem, trainStep, type OptimizerCase } from './helpers.js';

interface Fixture {
  steps: number;
  optimizers: OptimizerCase[];
  errors: Record<string, string>;
  sparse_adam_dense: string;
}

const fixture = loadFixture<Fixture>('optim_extra.json');

type Twin = (w: Tensor, b: Tensor) => optim.Optimizer;

const TWINS: Record<string, Twin> = {
  adadelta_default: (w, b) => new optim.Adadelta([w, b]),
  adadelta_options: (w, b) => new optim.Adadelta([w, b], { lr: 0.5, rho: 0.8, eps: 1e-5, weightDecay: 0.1 }),
  adadelta_maximize: (w, b) => new optim.Adadelta([w, b], { lr: 2.0, maximize: true }),
  adadelta_groups: (w, b) => new optim.Adadelta([{ params: [w], rho: 0.5 }, { params: [b], lr: 1.5, weightDecay: 0.05 }], { lr: 0.5 }),
  adadelta_float64: (w, b) => new optim.Adadelta([w, b], 0.7, { weightDecay: 0.1 }),
  adamax_default: (w, b) => new optim.Adamax([w, b]),
  adamax_options: (w, b) => new optim.Adamax([w, b], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 }),
  adamax_maximize: (w, b) => new optim.Adamax([w, b], { lr: 0.02, maximize: true }),
  adamax_closure: (w, b) => new optim.Adamax([w, b], 0.05),
  adamax_float64: (w, b) => new optim.Adamax([w, b], { lr: 0.05, weightDecay: 0.1 }),
  asgd_default: (w, b) => new optim.ASGD([w, b]),
  asgd_options: (w, b) => new optim.ASGD([w, b], { lr: 0.05, lambd: 1e-3, alpha: 0.6, t0: 5, weightDecay: 0.1 }),
  asgd_maximize: (w, b) => new optim.ASGD([w, b], { lr: 0.02, t0: 3, maximize: true }),
  asgd_float64: (w, b) => new optim.ASGD([w, b], { lr: 0.05, lambd: 1e-2, t0: 4 }),
  nadam_default: (w, b) => new optim.NAdam([w, b]),
  nadam_options: (w, b) => new optim.NAdam([w, b], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, momentumDecay: 0.01 }),
  nadam_zero_grad_keeps_zeros: (w, b) => new optim.NAdam([w, b], { lr: 0.05 }),
  nadam_groups: (w, b) => new optim.NAdam([{ params: [w] }, { params: [b], lr: 0.01, betas: [0.5, 0.9] }], { lr: 0.05 }),
  nadam_float64: (w, b) => new optim.NAdam([w, b], { lr: 0.05, weightDecay: 0.1 }),
  radam_default: (w, b) => new optim.RAdam([w, b]),
  radam_options: (w, b) => new optim.RAdam([w, b], { lr: 0.05, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.1 }),
  radam_zero_grad_keeps_zeros: (w, b) => new optim.RAdam([w, b], { lr: 0.05, betas: [0.9, 0.95] }),
  radam_float64: (w, b) => new optim.RAdam([w, b], { lr: 0.05, betas: [0.9, 0.9] }),
  rprop_default: (w, b) => new optim.Rprop([w, b]),
  rprop_options: (w, b) => new optim.Rprop([w, b], { lr: 0.05, etas: [0.3, 1.5], stepSizes: [1e-3, 0.2] }),
  rprop_maximize: (w, b) => new optim.Rprop([w, b], { lr: 0.02, maximize: true }),
  rprop_groups: (w, b) => new optim.Rprop([{ params: [w], etas: [0.4, 1.1] }, { params: [b], lr: 0.1 }], { lr: 0.05 }),
  rprop_float64: (w, b) => new optim.Rprop([w, b], { lr: 0.05, stepSizes: [1e-4, 1.0] }),
};

const LBFGS_TWINS: Record<string, Twin> = {
  lbfgs_default: (w, b) => new optim.LBFGS([w, b]),
  lbfgs_options: (w, b) => new optim.LBFGS([w, b], { lr: 1, maxIter: 4, maxEval: 6, historySize: 3 }),
  lbfgs_tolerance_change: (w, b) => new optim.LBFGS([w, b], { maxIter: 3, historySize: 2, toleranceChange: 1e-4 }),
  lbfgs_strong_wolfe: (w, b) => new optim.LBFGS([w, b], { lr: 1, maxIter: 5, lineSearchFn: 'strong_wolfe' }),
  lbfgs_strong_wolfe_history: (w, b) => new optim.LBFGS([w, b], 0.8, 3, { historySize: 2, lineSearchFn: 'strong_wolfe', toleranceChange: 1e-5 }),
  lbfgs_tolerance_grad: (w, b) => new optim.LBFGS([w, b], { lr: 1, maxIter: 50, toleranceGrad: 1e-3 }),
  lbfgs_float64: (w, b) => new optim.LBFGS([w, b], { maxIter: 6, lineSearchFn: 'strong_wolfe' }),
};

/** Cases whose optimizer is implemented here (LBFGS and SparseAdam cases are tested by their own suites). */
const cases = fixture.optimizers.filter((c) => c.name in TWINS);

/** Python prints 1.0 where JS prints 1: PyTorch's repr with integral floats written as ints. */
const pyFloatsAsInts = (s: string) => s.replace(/(\d)\.0\b/g, '$1');

describe('optimizer trajectories match PyTorch', () => {
  for (const c of cases) {
    test(c.name, () => {
      const { w, b, loss } = problem(c);
      const opt = TWINS[c.name](w, b);
      for (let step = 0; step < fixture.steps; step++) {
        const l = trainStep(c, opt, loss, step);
        if (c.losses) assert.ok(Math.abs((l as number) - c.losses[step]) <= 1e-5 * Math.abs(c.losses[step]), `loss at step ${step}`);
        assertParams(c, w, b, step);
      }
      const sd = opt.stateDict();
      assertStateDict(c, sd, c.state_dict);
      sd.param_groups.forEach((g, i) => assert.deepEqual(Object.keys(g), Object.keys(c.state_dict.param_groups[i]), 'param_groups key order'));
      assert.equal(String(opt), pyFloatsAsInts(c.repr));
    });
  }
});

describe('resuming from a state dict continues the trajectory exactly', () => {
  for (const c of cases) {
    test(c.name, () => {
      const first = problem(c);
      const opt = TWINS[c.name](first.w, first.b);
      for (let step = 0; step < 10; step++) trainStep(c, opt, first.loss, step);
      const second = problem(c);
      torch.noGrad(() => {
        second.w.copy_(first.w);
        second.b.copy_(first.b);
      });
      const resumed = TWINS[c.name](second.w, second.b);
      resumed.loadStateDict(opt.stateDict());
      // PyTorch's load_state_dict casts NAdam's float32 mu_product to a float64 parameter's
      // dtype, so a resumed float64 NAdam leaves the uninterrupted trajectory in the last bits.
      const castsMuProduct = c.name === 'nadam_float64';
      for (let step = 10; step < fixture.steps; step++) {
        trainStep(c, resumed, second.loss, step);
        if (!castsMuProduct) assertParams(c, second.w, second.b, step);
      }
      if (castsMuProduct) {
        assert.equal((resumed.stateDict().state[0].mu_product as Tensor).dtype, 'float64');
        const got = [...second.w.toTypedArray(), ...second.b.toTypedArray()].map(Number);
        c.trajectory[fixture.steps - 1].forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-9 * Math.abs(v), `element ${i}`));
      }
    });
  }
});

describe('errors match PyTorch', () => {
  const w = torch.zeros([3], { requiresGrad: true });
  const errorCases: Record<string, () => unknown> = {
    adadelta_bad_rho: () => new optim.Adadelta([w], { rho: 1.5 }),
    adadelta_negative_eps: () => new optim.Adadelta([w], { eps: -1.0 }),
    adamax_bad_beta: () => new optim.Adamax([w], { betas: [0.9, 1.0] }),
    adamax_negative_weight_decay: () => new optim.Adamax([w], { weightDecay: -0.5 }),
    asgd_negative_lr: () => new optim.ASGD([w], { lr: -0.5 }),
    nadam_negative_momentum_decay: () => new optim.NAdam([w], { momentumDecay: -0.5 }),
    radam_bad_beta: () => new optim.RAdam([w], { betas: [-0.5, 0.9] }),
    rprop_bad_etas: () => new optim.Rprop([w], { etas: [1.5, 1.2] }),
  };
  for (const [name, fn] of Object.entries(errorCases)) {
    test(name, () => {
      const message = fixture.errors[name];
      const normalize = (s: string) => s.replace(/(\d)\.0\b/g, '$1');
      assert.throws(fn, (e: Error) => normalize(e.message) === normalize(message), `expected: ${message}`);
    });
  }

  test('snake_case keys, wrong types and unknown options throw', () => {
    assert.throws(() => new optim.NAdam([w], { momentum_decay: 0.1 } as never), /momentumDecay/);
    assert.throws(() => new optim.Rprop([w], { stepSizes: 5 } as never), /stepSizes/);
    assert.throws(() => new optim.ASGD([w], { lr: '0.1' } as never), /lr/);
    assert.throws(() => new optim.RAdam([w], { maximize: true } as never), /maximize/);
    assert.throws(() => new optim.Adadelta([{ params: [w], weight_decay: 0.1 }]), /did you mean 'weightDecay'/);
  });
});

describe('LBFGS matches PyTorch', () => {
  // Dot products and sums are reduced in another order than BLAS's, so the comparison has a
  // tolerance; the iteration and evaluation counts (PyTorch's branches) must match exactly.
  for (const c of fixture.optimizers.filter((x) => x.name in LBFGS_TWINS)) {
    test(c.name, () => {
      const { w, b, loss } = problem(c);
      const opt = LBFGS_TWINS[c.name](w, b);
      const tol = c.dtype === 'float64' ? 1e-9 : 2e-5;
      for (let step = 0; step < fixture.steps; step++) {
        const l = trainStep(c, opt, loss, step) as number;
        const want = (c.losses as number[])[step];
        assert.ok(Math.abs(l - want) <= tol * (1 + Math.abs(want)), `loss at step ${step + 1}: got ${l}, expected ${want}`);
        const got = [...w.toTypedArray(), ...b.toTypedArray()].map(Number);
        c.trajectory[step].forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= tol * (1 + Math.abs(v)), `step ${step + 1} element ${i}: got ${got[i]}, expected ${v}`));
      }
      const sd = opt.stateDict();
      const mine = sd.state[0] as Record<string, unknown>;
      const want = c.state_dict.state['0'];
      assert.deepEqual(Object.keys(mine), Object.keys(want), 'state keys (in order)');
      assert.equal(mine.n_iter, want.n_iter, 'n_iter');
      assert.equal(mine.func_evals, want.func_evals, 'func_evals');
      assert.equal((mine.old_dirs as Tensor[]).length, (want.old_dirs as unknown[]).length, 'history length');
      assert.equal(mine.t instanceof torch.Tensor, typeof want.t === 'object', 't is a tensor where PyTorch has one');
      assert.deepEqual(sd.param_groups, c.state_dict.param_groups, 'param_groups');
      assert.equal(String(opt), pyFloatsAsInts(c.repr));
    });
  }

  test('resuming from a state dict continues the same iterations', () => {
    const c = fixture.optimizers.find((x) => x.name === 'lbfgs_strong_wolfe_history') as OptimizerCase;
    const first = problem(c);
    const opt = LBFGS_TWINS[c.name](first.w, first.b);
    for (let step = 0; step < 10; step++) trainStep(c, opt, first.loss, step);
    const second = problem(c);
    torch.noGrad(() => {
      second.w.copy_(first.w);
      second.b.copy_(first.b);
    });
    const resumed = LBFGS_TWINS[c.name](second.w, second.b);
    resumed.loadStateDict(opt.stateDict());
    for (let step = 10; step < fixture.steps; step++) {
      trainStep(c, opt, first.loss, step);
      trainStep(c, resumed, second.loss, step);
      assert.deepEqual(second.w.tolist(), first.w.tolist(), `step ${step + 1}`);
    }
    assert.equal(resumed.stateDict().state[0].func_evals, opt.stateDict().state[0].func_evals);
  });

  test('errors', () => {
    const w = torch.zeros([3], { requiresGrad: true });
    assert.throws(() => new optim.LBFGS([{ params: [w] }, { params: [torch.zeros([1], { requiresGrad: true })] }]), (e: Error) => e.message === fixture.errors.lbfgs_two_groups);
    const v = torch.ones([3], { requiresGrad: true });
    const opt = new optim.LBFGS([v], { lineSearchFn: 'armijo' });
    const closure = () => {
      opt.zeroGrad();
      const l = v.mul(v).sum();
      l.backward();
      return l;
    };
    assert.throws(() => opt.step(closure), (e: Error) => e.message === fixture.errors.lbfgs_bad_line_search);
    assert.throws(() => opt.step(), /missing 1 required positional argument: 'closure'/);
    assert.throws(() => new optim.LBFGS([w], { max_iter: 3 } as never), /maxIter/);
    assert.throws(() => new optim.LBFGS([w], { maxIter: 2.5 }), /maxIter/);
  });
});

describe('SparseAdam', () => {
  const w = torch.zeros([3], { requiresGrad: true });
  test("constructs as PyTorch's and raises PyTorch's error on a dense gradient", () => {
    const opt = new optim.SparseAdam([w], { lr: 0.01 });
    assert.deepEqual(opt.stateDict().param_groups, [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, maximize: false, params: [0] }]);
    opt.step(); // no gradient yet: nothing to do
    w.mul(2).sum().backward();
    assert.throws(() => opt.step(), (e: Error) => e.message.startsWith(fixture.sparse_adam_dense) && /torchlette has no sparse gradients/.test(e.message));
    assert.equal(opt.state.size, 0);
  });
  test('constructor errors match PyTorch', () => {
    const normalize = (s: string) => s.replace(/(\d)\.0\b/g, '$1');
    assert.throws(() => new optim.SparseAdam([w], { eps: 0 }), (e: Error) => normalize(e.message) === normalize(fixture.errors.sparse_adam_bad_eps));
    assert.throws(() => new optim.SparseAdam([w], { betas: [1.0, 0.9] }), (e: Error) => normalize(e.message) === normalize(fixture.errors.sparse_adam_bad_beta));
    assert.throws(() => new optim.SparseAdam([w], { weightDecay: 0.1 } as never), /weightDecay/);
  });
});
