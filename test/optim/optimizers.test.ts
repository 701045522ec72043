// Optimizers against PyTorch 1.13 (scripts/fixtures/optim.py): 20-step trajectories
// (bit-exact in float32), final state dicts, repr, constructor and load errors, and
// resuming from a state dict mid-training.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { optim } from '../../src/index.js';
import { assertParams, assertStateDict, fixture, problem, trainStep, twinOf } from './helpers.js';

describe('optimizer trajectories match PyTorch', () => {
  for (const c of fixture.optimizers) {
    test(c.name, () => {
      const { w, b, loss } = problem(c);
      const opt = twinOf(c)(w, b);
      for (let step = 0; step < fixture.steps; step++) {
        const l = trainStep(c, opt, loss, step);
        if (c.losses) assert.ok(Math.abs((l as number) - c.losses[step]) <= 1e-5 * Math.abs(c.losses[step]), `loss at step ${step}`);
        assertParams(c, w, b, step);
      }
      const sd = opt.stateDict();
      assertStateDict(c, sd, c.state_dict);
      sd.param_groups.forEach((g, i) => assert.deepEqual(Object.keys(g), Object.keys(c.state_dict.param_groups[i]), 'param_groups key order'));
      assert.equal(String(opt), c.repr);
    });
  }
});

describe('resuming from a state dict continues the trajectory exactly', () => {
  for (const c of fixture.optimizers) {
    test(c.name, () => {
      const first = problem(c);
      const opt = twinOf(c)(first.w, first.b);
      for (let step = 0; step < 10; step++) trainStep(c, opt, first.loss, step);
      const sd = opt.stateDict();
      // A fresh model and optimizer, as after a restart: parameters loaded, then optimizer state.
      const second = problem(c);
      torch.noGrad(() => {
        second.w.copy_(first.w);
        second.b.copy_(first.b);
      });
      const resumed = twinOf(c)(second.w, second.b);
      resumed.loadStateDict(sd);
      for (let step = 10; step < fixture.steps; step++) {
        trainStep(c, resumed, second.loss, step);
        assertParams(c, second.w, second.b, step);
      }
      // The loaded state is a copy: the first optimizer's tensors did not move.
      for (let step = 10; step < fixture.steps; step++) trainStep(c, opt, first.loss, step);
      assertParams(c, first.w, first.b, fixture.steps - 1);
    });
  }
});

describe('errors match PyTorch', () => {
  const w = torch.zeros([3], { requiresGrad: true });
  const b = torch.zeros([2], { requiresGrad: true });
  const cases: Record<string, () => unknown> = {
    sgd_negative_lr: () => new optim.SGD([w], { lr: -0.1 }),
    sgd_negative_momentum: () => new optim.SGD([w], { lr: 0.1, momentum: -0.5 }),
    sgd_nesterov_without_momentum: () => new optim.SGD([w], { lr: 0.1, nesterov: true }),
    sgd_missing_lr: () => new optim.SGD([w]),
    adam_bad_beta1: () => new optim.Adam([w], { betas: [1.0, 0.999] }),
    adam_bad_beta2: () => new optim.Adam([w], { betas: [0.9, -0.1] }),
    adam_negative_eps: () => new optim.Adam([w], { eps: -1e-8 }),
    adagrad_negative_lr_decay: () => new optim.Adagrad([w], { lrDecay: -1 }),
    rmsprop_negative_alpha: () => new optim.RMSprop([w], { alpha: -0.5 }),
    empty_params: () => new optim.SGD([], { lr: 0.1 }),
    tensor_params: () => new optim.SGD(w as unknown as torch.Tensor[], { lr: 0.1 }),
    non_leaf: () => new optim.SGD([w.mul(2)], { lr: 0.1 }),
    duplicate_across_groups: () => new optim.SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 }),
    load_group_count: () => new optim.SGD([w], { lr: 0.1 }).loadStateDict(new optim.SGD([{ params: [w] }, { params: [b] }], { lr: 0.1 }).stateDict()),
    load_group_size: () => new optim.SGD([w], { lr: 0.1 }).loadStateDict(new optim.SGD([w, b], { lr: 0.1 }).stateDict()),
  };
  for (const [name, message] of Object.entries(fixture.errors)) {
    test(name, () => {
      const fn = cases[name];
      assert.ok(fn, `no TypeScript twin for ${name}`);
      // JS prints -1e-8 where Python prints -1e-08 and 1 where it prints 1.0; the text is otherwise PyTorch's.
      const normalize = (s: string) => s.replace(/e-0(\d)/, 'e-$1').replace(/(\d)\.0$/, '$1');
      assert.throws(fn, (e: Error) => normalize(e.message) === normalize(message), `expected: ${message}`);
    });
  }
});

describe('Optimizer API', () => {
  const leaf = (values: number[]) => torch.tensor(values, { requiresGrad: true });

  test('zeroGrad keeps zeroed tensors by default (PyTorch 1.13) and drops them with setToNone', () => {
    const p = leaf([1, 2]);
    const opt = new optim.SGD([p], 0.1);
    p.sum().backward();
    opt.zeroGrad();
    assert.deepEqual(p.grad?.tolist(), [0, 0]);
    opt.zeroGrad({ setToNone: true });
    assert.equal(p.grad, null);
  });

  test('a parameter without a gradient is skipped and gets no state', () => {
    const p = leaf([1, 2]);
    const q = leaf([3]);
    const opt = new optim.Adam([p, q], { lr: 0.1 });
    p.sum().backward();
    opt.step();
    assert.equal(q.item(), 3);
    assert.ok(opt.state.has(p));
    assert.ok(!opt.state.has(q));
    assert.deepEqual(Object.keys(opt.stateDict().state), ['0']);
  });

  test('step(closure) runs the closure with grad enabled, even inside noGrad, and returns its loss', () => {
    const p = leaf([1, 2]);
    const opt = new optim.SGD([p], { lr: 0.5 });
    const loss = torch.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = p.mul(p).sum();
        l.backward();
        return l;
      }),
    );
    assert.equal(loss?.item(), 5);
    assert.deepEqual(p.tolist(), [0, 0]);
  });

  test('paramGroups hold camelCase options that steps read; addParamGroup fills defaults', () => {
    const p = leaf([1]);
    const q = leaf([1]);
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    opt.addParamGroup({ params: q, lr: 0.5 });
    assert.equal(opt.paramGroups.length, 2);
    assert.deepEqual(opt.paramGroups[1].params, [q]);
    assert.equal(opt.paramGroups[1].lr, 0.5);
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    assert.equal(opt.paramGroups[1].weightDecay, 0.01);
    assert.deepEqual(opt.stateDict().param_groups[1].params, [1]);
    opt.paramGroups[0].lr = 1;
    opt.paramGroups[0].weightDecay = 0;
    p.sum().backward();
    opt.step();
    assert.equal(p.item(), 0);
    assert.throws(() => opt.addParamGroup({ params: [p] }), /some parameters appear in more than one parameter group/);
    assert.throws(() => opt.addParamGroup({ params: [leaf([1])], weight_decay: 0.1 }), /did you mean 'weightDecay'/);
    assert.throws(() => opt.addParamGroup({ params: new Set([leaf([1])]) }), /ordered collections/);
  });

  test('model.parameters() generators are accepted', () => {
    const lin = new torch.nn.Linear(3, 2);
    const opt = new optim.SGD(lin.parameters(), 0.001);
    assert.equal(opt.paramGroups[0].params.length, 2);
  });

  test('a failed loadStateDict leaves the optimizer unchanged', () => {
    const p = leaf([1, 2]);
    const q = leaf([3]);
    const opt = new optim.Adam([p, q], { lr: 0.1 });
    p.add(q).sum().backward();
    opt.step();
    const before = opt.stateDict();
    const stepBefore = (before.state[0].step as torch.Tensor).item();
    const other = new optim.Adam([leaf([0, 0]), leaf([0, 0])], { lr: 0.5 });
    other.paramGroups[0].params.forEach((t) => (t.grad = torch.ones([2])));
    other.step();
    const bad = other.stateDict(); // parameter 1 has state of shape [2], q is [1]
    assert.throws(() => opt.loadStateDict(bad), /'exp_avg' of shape \[2\] for parameter 1 of shape \[1\]/);
    assert.equal(opt.paramGroups[0].lr, 0.1);
    assert.equal((opt.state.get(p)?.step as torch.Tensor).item(), stepBefore);
    assert.deepEqual(opt.state.get(q)?.exp_avg.shape, [1]);
    assert.throws(() => opt.loadStateDict({ state: {}, param_groups: [{ lr: 1 }] } as unknown as optim.OptimizerStateDict), /has no 'params' list/);
    assert.equal(opt.paramGroups[0].lr, 0.1);
  });

  test('loadStateDict casts floating state to the parameter dtype but keeps step as it is', () => {
    const p = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const src = new optim.Adam([torch.tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
    src.paramGroups[0].params[0].grad = torch.ones([2]);
    src.step();
    const opt = new optim.Adam([p], { lr: 0.1 });
    opt.loadStateDict(src.stateDict());
    const s = opt.state.get(p);
    assert.equal(s?.exp_avg.dtype, 'float64');
    assert.equal(s?.step.dtype, 'float32');
    assert.notEqual(s?.exp_avg, src.stateDict().state[0].exp_avg);
  });

  test('an int step from an old checkpoint becomes a tensor (Adam.__setstate__)', () => {
    const p = leaf([1, 2]);
    const opt = new optim.Adam([p]);
    const sd = opt.stateDict();
    sd.state[0] = { step: 3, exp_avg: torch.zeros([2]), exp_avg_sq: torch.zeros([2]) };
    opt.loadStateDict(sd);
    const step = opt.state.get(p)?.step;
    assert.ok(step instanceof torch.Tensor);
    assert.equal(step.item(), 3);
  });

  test('options PyTorch only has for CUDA or differentiable steps are refused', () => {
    const p = leaf([1]);
    assert.throws(() => new optim.Adam([p], { fused: true }), /FusedAdam requires all the params to be CUDA/);
    assert.throws(() => new optim.SGD([p], { lr: 0.1, differentiable: true }), /not supported/);
  });
});
