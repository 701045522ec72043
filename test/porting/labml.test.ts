// Pure-PyTorch pieces of labml_nn (labmlai/annotated_deep_learning_paper_implementations) transcribed line for
// line, against the same code run by PyTorch 1.13 (scripts/fixtures/porting_labml.py, which gives the commit and
// the reductions):
// - optimizers: GenericAdaptiveOptimizer (a torch.optim.Optimizer subclass with its own no-grad step over
//   paramGroups / state), WeightDecay, Adam, AMSGrad, RAdam, AdaBelief, Noam, AdamWarmup, AdamWarmupCosineDecay,
//   each training a 4-8-3 MLP 30 steps (losses, final parameters, state keys, state_dict group keys, repr), and a
//   state_dict round trip through torch.save / torch.load mid-run;
// - normalization: BatchNorm, LayerNorm, InstanceNorm, GroupNorm written from scratch, weight_standardization and
//   its Conv2d (outputs, running stats, gradients, eval mode, and the nn.* twins), a tiny conv net trained 5 steps;
// - transformers: PrepareForMultiHeadAttention / MultiHeadAttention, RotaryPositionalEmbeddings and
//   RotaryPEMultiHeadAttention, ALiBi slopes / biases / AlibiMultiHeadAttention, FeedForward with its GLU variants,
//   capsule networks (Squash, Router, MarginLoss), the from-scratch LSTM / LSTMCell (with layer norm).
//
// Language differences written out by hand (not torchlette's): keyword-only arguments become an options object
// (BatchNorm(3, { affine: false })), forward(*, query, key, value, mask) takes one object; Python's truthiness of
// AdaBelief's misplaced `defaults` ({} is falsy in Python, truthy in JS) is pyTruthy; Python's defaultdict
// optimizer.state is a Map here (get-or-create written out); RAdam sets degenerated_to_sgd before super().__init__,
// which JS cannot (it is set right after; nothing reads it in between); a default argument `activation=nn.ReLU()`
// is one shared instance in Python and a fresh one per call in JS (ReLU has no state). Attribute names that are
// state_dict keys keep Python's spelling (exp_mean, hidden_lin, linear_v, layer_norm_c) so checkpoints match.
// Where torchlette diverges from PyTorch the spot is marked DIVERGENCE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_labml.json');

function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
/** Python's truth value of a default argument (an empty dict is false). */
const pyTruthy = (v: unknown): boolean =>
  v !== null && v !== undefined && v !== false && v !== 0 && !(typeof v === 'object' && Object.keys(v as object).length === 0);

// ============================================================ labml_nn/optimizers/__init__.py
type Group = optim.ParamGroup & Record<string, Any>;
type State = Record<string, Any>;

class GenericAdaptiveOptimizer extends optim.Optimizer<Group, State> {
  constructor(params: Any, defaults: Record<string, Any>, lr: number, betas: [number, number], eps: number) {
    if (!(0.0 <= lr)) throw new RangeError(`Invalid learning rate: ${pyFloat(lr)}`);
    if (!(0.0 <= eps)) throw new RangeError(`Invalid epsilon value: ${pyFloat(eps)}`);
    if (!(0.0 <= betas[0] && betas[0] < 1.0)) throw new RangeError(`Invalid beta parameter at index 0: ${pyFloat(betas[0])}`);
    if (!(0.0 <= betas[1] && betas[1] < 1.0)) throw new RangeError(`Invalid beta parameter at index 1: ${pyFloat(betas[1])}`);

    Object.assign(defaults, { lr, betas, eps });
    super(params, defaults);
  }

  initState(_state: State, _group: Group, _param: Tensor): void {}

  stepParam(_state: State, _group: Group, _grad: Tensor, _param: Tensor): void {}

  // @torch.no_grad()
  override step<T = Tensor>(closure?: () => T): T | undefined {
    return torch.noGrad(() => {
      let loss: T | undefined;
      if (closure !== undefined) {
        loss = torch.enableGrad(() => closure());
      }

      for (const group of this.paramGroups) {
        for (const param of group.params) {
          if (param.grad === null) continue;
          const grad = param.grad.data;
          // DIVERGENCE: `if grad.is_sparse: raise RuntimeError(...)` cannot be written: torchlette has no
          // Tensor.isSparse (sparse layouts are left out), so the guard is dropped.

          // self.state[param] (a defaultdict)
          let state = this.state.get(param);
          if (state === undefined) {
            state = {};
            this.state.set(param, state);
          }

          if (Object.keys(state).length === 0) this.initState(state, group, param);

          this.stepParam(state, group, grad, param);
        }
      }
      return loss;
    });
  }

  // torchlette's Optimizer asks subclasses for stepGroup; this one overrides step itself, as the Python does.
  protected stepGroup(_group: Group): void {}
}

/** Python's str of a float (-1.0, 1.0, -0.5). */
const pyFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));

class WeightDecay {
  absolute: boolean;
  weightDecouple: boolean;
  weightDecay: number;
  constructor(weightDecay = 0, weightDecouple = true, absolute = false) {
    if (!(0.0 <= weightDecay)) throw new RangeError(`Invalid weight_decay value: ${pyFloat(weightDecay)}`);

    this.absolute = absolute;
    this.weightDecouple = weightDecouple;
    this.weightDecay = weightDecay;
  }

  defaults(): Record<string, Any> {
    return { weightDecay: this.weightDecay };
  }

  call(param: Tensor, grad: Tensor, group: Group): Tensor {
    if (this.weightDecouple) {
      if (this.absolute) {
        param.data.mul_(1.0 - group.weightDecay);
      } else {
        param.data.mul_(1.0 - group.lr * group.weightDecay);
      }
      return grad;
    } else {
      if (group.weightDecay !== 0) {
        return grad.add(param.data, { alpha: group.weightDecay });
      } else {
        return grad;
      }
    }
  }
}

/**
 * torch.zeros_like(param, memory_format=torch.preserve_format).
 * DIVERGENCE: torchlette has no torch.preserveFormat and zerosLike takes no memoryFormat option (PyTorch's own
 * optimizers, and every optimizer copied from them, write this); the option is dropped.
 */
const zerosLikePreserve = (param: Tensor): Tensor => torch.zerosLike(param);

// ============================================================ labml_nn/optimizers/adam.py
class Adam extends GenericAdaptiveOptimizer {
  declare weightDecay: WeightDecay;
  declare optimizedUpdate: boolean;
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-16,
    weightDecay: WeightDecay = DEFAULT_WD, optimizedUpdate = true, defaults: Record<string, Any> | null = null) {
    defaults = defaults === null ? {} : defaults;
    Object.assign(defaults, weightDecay.defaults());
    super(params, defaults, lr, betas, eps);

    this.weightDecay = weightDecay;
    this.optimizedUpdate = optimizedUpdate;
  }

  override initState(state: State, _group: Group, param: Tensor): void {
    state.step = 0;
    state.exp_avg = zerosLikePreserve(param);
    state.exp_avg_sq = zerosLikePreserve(param);
  }

  getMv(state: State, group: Group, grad: Tensor): [Tensor, Tensor] {
    const [beta1, beta2] = group.betas as [number, number];
    const [m, v] = [state.exp_avg as Tensor, state.exp_avg_sq as Tensor];
    m.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    v.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    return [m, v];
  }

  getLr(_state: State, group: Group): number {
    return group.lr;
  }

  adamUpdate(state: State, group: Group, param: Tensor, m: Tensor, v: Tensor): void {
    const [beta1, beta2] = group.betas as [number, number];
    const biasCorrection1 = 1 - beta1 ** state.step;
    const biasCorrection2 = 1 - beta2 ** state.step;
    const lr = this.getLr(state, group);
    if (this.optimizedUpdate) {
      const denominator = v.sqrt().add_(group.eps);
      const stepSize = (lr * Math.sqrt(biasCorrection2)) / biasCorrection1;
      param.data.addcdiv_(m, denominator, { value: -stepSize });
    } else {
      const denominator = v.sqrt().div(Math.sqrt(biasCorrection2)).add_(group.eps);
      const stepSize = lr / biasCorrection1;
      param.data.addcdiv_(m, denominator, { value: -stepSize });
    }
  }

  override stepParam(state: State, group: Group, grad: Tensor, param: Tensor): void {
    grad = this.weightDecay.call(param, grad, group);
    const [m, v] = this.getMv(state, group, grad);
    state.step += 1;
    this.adamUpdate(state, group, param, m, v);
  }
}
// weight_decay: WeightDecay = WeightDecay(): one default instance, evaluated once as Python does.
const DEFAULT_WD = new WeightDecay();

// ============================================================ labml_nn/optimizers/amsgrad.py
class AMSGrad extends Adam {
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-16, weightDecay: WeightDecay = DEFAULT_WD,
    optimizedUpdate = true, amsgrad: unknown = true, defaults: Record<string, Any> | null = null) {
    defaults = defaults === null ? {} : defaults;
    Object.assign(defaults, { amsgrad });
    super(params, lr, betas, eps, weightDecay, optimizedUpdate, defaults);
  }

  override initState(state: State, group: Group, param: Tensor): void {
    super.initState(state, group, param);
    if (pyTruthy(group.amsgrad)) {
      state.max_exp_avg_sq = zerosLikePreserve(param);
    }
  }

  override getMv(state: State, group: Group, grad: Tensor): [Tensor, Tensor] {
    const [m, v] = super.getMv(state, group, grad);
    if (pyTruthy(group.amsgrad)) {
      const vMax = state.max_exp_avg_sq as Tensor;
      torch.maximum(vMax, v, { out: vMax });
      return [m, vMax];
    } else {
      return [m, v];
    }
  }
}

// ============================================================ labml_nn/optimizers/radam.py
class RAdam extends AMSGrad {
  declare degeneratedToSgd: unknown;
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-8, weightDecay: WeightDecay = DEFAULT_WD,
    optimizedUpdate: unknown = true, amsgrad: unknown = false, degeneratedToSgd: unknown = true, defaults: Record<string, Any> | null = null) {
    super(params, lr, betas, eps, weightDecay, pyTruthy(optimizedUpdate), amsgrad, defaults);
    this.degeneratedToSgd = degeneratedToSgd; // set before super().__init__ in Python
  }

  override stepParam(state: State, group: Group, grad: Tensor, param: Tensor): void {
    grad = this.weightDecay.call(param, grad, group);
    const [m, v] = this.getMv(state, group, grad);
    state.step += 1;
    this.rAdamUpdate(state, group, param, m, v);
  }

  static calcRectificationTerm(beta2: number, step: number): number | null {
    const beta2T = beta2 ** step;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rho = rhoInf - (2 * step * beta2T) / (1 - beta2T);
    if (rho >= 5) {
      const r2 = ((((((rho - 4) / (rhoInf - 4)) * (rho - 2)) / rho) * rhoInf) / (rhoInf - 2));
      return Math.sqrt(r2);
    } else {
      return null;
    }
  }

  rAdamUpdate(state: State, group: Group, param: Tensor, m: Tensor, v: Tensor): void {
    const [beta1, beta2] = group.betas as [number, number];
    const biasCorrection1 = 1 - beta1 ** state.step;
    const biasCorrection2 = 1 - beta2 ** state.step;
    const r = RAdam.calcRectificationTerm(beta2, state.step);
    const lr = this.getLr(state, group);
    if (r !== null) {
      if (this.optimizedUpdate) {
        const denominator = v.sqrt().add_(group.eps);
        const stepSize = (lr * Math.sqrt(biasCorrection2) * r) / biasCorrection1;
        param.data.addcdiv_(m, denominator, { value: -stepSize });
      } else {
        const denominator = v.sqrt().div(Math.sqrt(biasCorrection2)).add_(group.eps);
        const stepSize = (lr * r) / biasCorrection1;
        param.data.addcdiv_(m, denominator, { value: -stepSize });
      }
    } else if (pyTruthy(this.degeneratedToSgd)) {
      const stepSize = lr / biasCorrection1;
      param.data.add_(m, { alpha: -stepSize });
    }
  }
}

// ============================================================ labml_nn/optimizers/ada_belief.py
class AdaBelief extends RAdam {
  declare rectify: boolean;
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-16, weightDecay: WeightDecay = DEFAULT_WD,
    amsgrad = false, degenerateToSgd = true, rectify = true, defaults: Record<string, Any> | null = null) {
    defaults = defaults === null ? {} : defaults;
    // As written: positionally one place off RAdam's (optimized_update, amsgrad, degenerated_to_sgd, defaults).
    super(params, lr, betas, eps, weightDecay, amsgrad, degenerateToSgd, defaults);
    this.rectify = rectify;
  }

  override initState(state: State, group: Group, param: Tensor): void {
    state.step = 0;
    state.exp_avg = zerosLikePreserve(param);
    state.exp_avg_var = zerosLikePreserve(param);
    if (pyTruthy(group.amsgrad)) {
      state.max_exp_avg_var = zerosLikePreserve(param);
    }
  }

  getMs(state: State, group: Group, grad: Tensor): [Tensor, Tensor] {
    const [beta1, beta2] = group.betas as [number, number];
    const [m, s] = [state.exp_avg as Tensor, state.exp_avg_var as Tensor];
    m.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    const gradResidual = grad.sub(m);
    s.mul_(beta2).addcmul_(gradResidual, gradResidual, { value: 1 - beta2 });
    if (pyTruthy(group.amsgrad)) {
      const sMax = state.max_exp_avg_var as Tensor;
      torch.maximum(sMax, s, { out: sMax });
      return [m, sMax];
    } else {
      return [m, s];
    }
  }

  override stepParam(state: State, group: Group, grad: Tensor, param: Tensor): void {
    grad = this.weightDecay.call(param, grad, group);
    const [m, s] = this.getMs(state, group, grad);
    state.step += 1;
    if (!this.rectify) {
      this.adamUpdate(state, group, param, m, s.add(group.eps));
    } else {
      this.rAdamUpdate(state, group, param, m, s.add(group.eps));
    }
  }
}

// ============================================================ labml_nn/optimizers/noam.py
class Noam extends AMSGrad {
  declare dModel: number;
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-16, weightDecay: WeightDecay = DEFAULT_WD,
    optimizedUpdate = true, amsgrad = false, warmup = 0, dModel = 512, defaults: Record<string, Any> | null = null) {
    defaults = defaults === null ? {} : defaults;
    Object.assign(defaults, { warmup });
    super(params, lr, betas, eps, weightDecay, optimizedUpdate, amsgrad, defaults);
    this.dModel = dModel;
  }

  override getLr(state: State, group: Group): number {
    const factor = Math.min(state.step ** -0.5, state.step * group.warmup ** -1.5);
    return group.lr * this.dModel ** -0.5 * factor;
  }
}

// ============================================================ labml_nn/optimizers/adam_warmup.py
class AdamWarmup extends AMSGrad {
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-16, weightDecay: WeightDecay = DEFAULT_WD,
    optimizedUpdate = true, amsgrad = false, warmup = 0, defaults: Record<string, Any> | null = null) {
    defaults = defaults === null ? {} : defaults;
    Object.assign(defaults, { warmup });
    super(params, lr, betas, eps, weightDecay, optimizedUpdate, amsgrad, defaults);
  }

  override getLr(state: State, group: Group): number {
    if (group.warmup > state.step) {
      return 1e-8 + (state.step * group.lr) / group.warmup;
    } else {
      return group.lr;
    }
  }
}

// ============================================================ labml_nn/optimizers/adam_warmup_cosine_decay.py
class AdamWarmupCosineDecay extends AMSGrad {
  constructor(params: Any, lr = 1e-3, betas: [number, number] = [0.9, 0.999], eps = 1e-16, weightDecay: WeightDecay = DEFAULT_WD,
    optimizedUpdate = true, amsgrad = false, warmup = 0, totalSteps = 1e10, defaults: Record<string, Any> | null = null) {
    defaults = defaults === null ? {} : defaults;
    Object.assign(defaults, { warmup, totalSteps });
    super(params, lr, betas, eps, weightDecay, optimizedUpdate, amsgrad, defaults);
  }

  override getLr(state: State, group: Group): number {
    if (group.warmup > state.step) {
      return 1e-8 + (state.step * group.lr) / group.warmup;
    } else {
      const progress = (state.step - group.warmup) / Math.max(1, group.totalSteps - group.warmup);
      return group.lr * Math.max(0.1, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
  }
}

// ---------------------------------------------------------------- the optimizer driver
function makeMlp(): nn.Sequential {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
}

function mlpData(): [Tensor, Tensor] {
  const g = new torch.Generator().manualSeed(1);
  const x = torch.randn(32, 4, { generator: g });
  const y = torch.randint(0, 3, [32], { generator: g });
  return [x, y];
}

const OPTIMIZERS: Record<string, (p: Any) => optim.Optimizer<Any, Any>> = {
  adam: (p) => new Adam(p, 1e-2),
  adam_l2_unoptimized: (p) => new Adam(p, 1e-2, undefined, undefined, new WeightDecay(0.1, false), false),
  amsgrad_decoupled: (p) => new AMSGrad(p, 1e-2, undefined, undefined, new WeightDecay(0.05)),
  amsgrad_absolute: (p) => new AMSGrad(p, 1e-2, undefined, undefined, new WeightDecay(1e-3, undefined, true)),
  radam: (p) => new RAdam(p, 1e-2),
  radam_no_sgd: (p) => new RAdam(p, 1e-2, [0.9, 0.99], undefined, undefined, undefined, undefined, false),
  adabelief: (p) => new AdaBelief(p, 1e-2),
  adabelief_adam: (p) => new AdaBelief(p, 1e-2, undefined, undefined, undefined, undefined, undefined, false),
  noam: (p) => new Noam(p, 1.0, undefined, undefined, undefined, undefined, undefined, 10, 16),
  adam_warmup: (p) => new AdamWarmup(p, 1e-2, undefined, undefined, undefined, undefined, undefined, 10),
  adam_warmup_cosine: (p) => new AdamWarmupCosineDecay(p, 1e-2, undefined, undefined, undefined, undefined, undefined, 5, 30),
  torch_adam: (p) => new optim.Adam(p, { lr: 1e-2 }),
};

function runOptimizer(name: string, groups = false, closure = false) {
  const model = makeMlp();
  const [x, y] = mlpData();
  const lossFn = new nn.CrossEntropyLoss();
  const l0 = model.get(0) as nn.Linear;
  const l2 = model.get(2) as nn.Linear;
  const opt = groups
    ? new Adam([{ params: l0.parameters() }, { params: l2.parameters(), lr: 5e-3 }], 1e-2)
    : OPTIMIZERS[name](model.parameters());
  const losses: number[] = [];
  for (let step = 0; step < 30; step++) {
    let loss: Tensor;
    if (closure) {
      const closureFn = () => {
        opt.zeroGrad();
        const l = lossFn.forward(model.forward(x), y);
        l.backward();
        return l;
      };
      loss = opt.step(closureFn) as Tensor;
    } else {
      opt.zeroGrad();
      loss = lossFn.forward(model.forward(x), y);
      loss.backward();
      opt.step();
    }
    losses.push(Number(loss.item()));
  }
  return { model, opt, losses, l0 };
}

test('labml optimizers: 30 MLP steps each, as PyTorch', () => {
  const want = fx.optim;
  for (const name of [...Object.keys(OPTIMIZERS), 'adam_groups', 'radam_closure']) {
    const w = want[name];
    const { model, opt, losses, l0 } = name === 'adam_groups' ? runOptimizer('adam', true) : name === 'radam_closure' ? runOptimizer('radam', false, true) : runOptimizer(name);
    closeAll(losses, w.losses, 1e-5, `${name} losses`);
    // rtol 1e-4: Adam-type steps divide by sqrt(v) (eps 1e-16 here), so a gradient's last-bit difference (the JS
    // backend sums the matmuls in another order) moves small parameters by up to ~5e-5 relative after 30 steps;
    // torch.optim.Adam's own run (torch_adam) shows the same spread, so this is summation order, not the port.
    [...model.parameters()].forEach((p, i) => assertTensor(p, w.params[i], { rtol: 1e-4, atol: 1e-6 }, `${name} param ${i}`));
    if (!name.startsWith('torch')) {
      const first = opt.state.get(l0.weight) as State;
      assert.deepEqual(Object.keys(first).sort(), w.state_keys, `${name} state keys`);
      assert.equal(first.step, w.state_step, `${name} state step`);
      assert.deepEqual(Object.keys(opt.stateDict().param_groups[0]).sort(), w.group_keys, `${name} group keys`);
    }
  }
});

test('labml AMSGrad: state_dict through torch.save / torch.load into a fresh optimizer mid-run', () => {
  const want = fx.optim.amsgrad_resumed;
  const model = makeMlp();
  const [x, y] = mlpData();
  const lossFn = new nn.CrossEntropyLoss();
  let opt = new AMSGrad(model.parameters(), 1e-2, undefined, undefined, new WeightDecay(0.05));
  const losses: number[] = [];
  let saved: Any = null;
  for (let step = 0; step < 30; step++) {
    if (step === 15) {
      const buf = torch.saveToBuffer(opt.stateDict());
      saved = torch.loadFromBuffer(buf);
      opt = new AMSGrad(model.parameters(), 1e-2, undefined, undefined, new WeightDecay(0.05));
      opt.loadStateDict(saved);
    }
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(Number(loss.item()));
  }
  closeAll(losses, want.losses, 1e-5, 'resumed losses');
  [...model.parameters()].forEach((p, i) => assertTensor(p, want.params[i], {}, `resumed param ${i}`));
  const s0 = saved.state[0];
  assert.equal(Number(s0.step), want.saved_step, 'saved step');
  assert.deepEqual(Object.keys(s0).sort(), want.saved_keys);
  assert.deepEqual(saved.param_groups[0], want.saved_group);
});

test('labml optimizers: rectification term, learning-rate schedules, repr, errors', () => {
  const want = fx.optim;
  const r = [1, 5, 6, 7, 30, 1000].map((s) => RAdam.calcRectificationTerm(0.999, s));
  r.forEach((v, i) => (want.rectification[i] === null ? assert.equal(v, null) : close(v as number, want.rectification[i], 1e-13, `r[${i}]`, 0)));

  const opt = new AMSGrad(makeMlp().parameters(), 1e-2, undefined, undefined, new WeightDecay(0.1));
  assert.equal(opt.toString(), want.amsgrad_repr);
  // DIVERGENCE: WeightDecay's default `weight_decay=0.` is the float 0.0, which PyTorch's repr prints as
  // `weight_decay: 0.0`; torchlette holds a JS number and prints `weight_decay: 0` (1.0 and 1 are one value in JS).
  const adamRepr = new Adam(makeMlp().parameters()).toString();
  assert.equal(adamRepr, want.adam_default_repr.replace('weight_decay: 0.0', 'weight_decay: 0'));

  const noam = new Noam(makeMlp().parameters(), 1, undefined, undefined, undefined, undefined, undefined, 4000, 512);
  closeAll([1, 100, 4000, 8000].map((i) => noam.getLr({ step: i }, noam.defaults as Group)), want.noam_lr, 1e-13, 'noam lr', 0);
  const cos = new AdamWarmupCosineDecay(makeMlp().parameters(), 1e-4, undefined, undefined, undefined, undefined, undefined, 5000, 4e6);
  closeAll([1, 4999, 5000, 1_000_000, 3_000_000, 5_000_000].map((i) => cos.getLr({ step: i }, cos.defaults as Group)), want.cosine_lr, 1e-13, 'cosine lr', 0);

  assert.throws(() => new Adam(makeMlp().parameters(), -1.0), { message: want.errors.lr });
  assert.throws(() => new Adam(makeMlp().parameters(), undefined, [1.0, 0.999]), { message: want.errors.beta });
  assert.throws(() => new WeightDecay(-0.5), { message: want.errors.wd });
});

// ============================================================ labml_nn/normalization/batch_norm/__init__.py
class BatchNorm extends nn.Module {
  channels: number;
  eps: number;
  momentum: number;
  affine: boolean;
  trackRunningStats: boolean;
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  declare exp_mean: Tensor;
  declare exp_var: Tensor;
  constructor(channels: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = {}) {
    super();

    this.channels = channels;

    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
    if (this.trackRunningStats) {
      this.registerBuffer('exp_mean', torch.zeros(channels));
      this.registerBuffer('exp_var', torch.ones(channels));
    }
  }

  override forward(x: Tensor): Tensor {
    const xShape = x.shape;
    const batchSize = xShape[0];
    assert.ok(this.channels === x.shape[1]);

    x = x.view(batchSize, this.channels, -1);

    let mean: Tensor;
    let var_: Tensor;
    if (this.training || !this.trackRunningStats) {
      mean = x.mean([0, 2]);
      const meanX2 = x.pow(2).mean([0, 2]);
      var_ = meanX2.sub(mean.pow(2));

      if (this.training && this.trackRunningStats) {
        this.exp_mean = this.exp_mean.mul(1 - this.momentum).add(mean.mul(this.momentum));
        this.exp_var = this.exp_var.mul(1 - this.momentum).add(var_.mul(this.momentum));
      }
    } else {
      mean = this.exp_mean;
      var_ = this.exp_var;
    }

    let xNorm = x.sub(mean.view(1, -1, 1)).div(torch.sqrt(var_.add(this.eps)).view(1, -1, 1));
    if (this.affine) {
      xNorm = (this.scale as Tensor).view(1, -1, 1).mul(xNorm).add((this.shift as Tensor).view(1, -1, 1));
    }

    return xNorm.view(xShape);
  }
}

// ============================================================ labml_nn/normalization/layer_norm/__init__.py
class LayerNorm extends nn.Module {
  normalizedShape: number[];
  eps: number;
  elementwiseAffine: boolean;
  gain?: nn.Parameter;
  bias?: nn.Parameter;
  constructor(normalizedShape: number | number[], { eps = 1e-5, elementwiseAffine = true } = {}) {
    super();

    if (typeof normalizedShape === 'number') {
      normalizedShape = [normalizedShape];
    }

    this.normalizedShape = normalizedShape;
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    if (this.elementwiseAffine) {
      this.gain = new nn.Parameter(torch.ones(normalizedShape));
      this.bias = new nn.Parameter(torch.zeros(normalizedShape));
    }
  }

  override forward(x: Tensor): Tensor {
    assert.deepEqual(this.normalizedShape, x.shape.slice(-this.normalizedShape.length));

    const dims = this.normalizedShape.map((_, i) => -(i + 1));

    const mean = x.mean(dims, { keepdim: true });
    const meanX2 = x.pow(2).mean(dims, { keepdim: true });
    const var_ = meanX2.sub(mean.pow(2));

    let xNorm = x.sub(mean).div(torch.sqrt(var_.add(this.eps)));
    if (this.elementwiseAffine) {
      xNorm = (this.gain as Tensor).mul(xNorm).add(this.bias as Tensor);
    }

    return xNorm;
  }
}

// ============================================================ labml_nn/normalization/instance_norm/__init__.py
class InstanceNorm extends nn.Module {
  channels: number;
  eps: number;
  affine: boolean;
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  constructor(channels: number, { eps = 1e-5, affine = true } = {}) {
    super();

    this.channels = channels;

    this.eps = eps;
    this.affine = affine;
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
  }

  override forward(x: Tensor): Tensor {
    const xShape = x.shape;
    const batchSize = xShape[0];
    assert.ok(this.channels === x.shape[1]);

    x = x.view(batchSize, this.channels, -1);

    const mean = x.mean([-1], { keepdim: true });
    const meanX2 = x.pow(2).mean([-1], { keepdim: true });
    const var_ = meanX2.sub(mean.pow(2));

    let xNorm = x.sub(mean).div(torch.sqrt(var_.add(this.eps)));
    xNorm = xNorm.view(batchSize, this.channels, -1);

    if (this.affine) {
      xNorm = (this.scale as Tensor).view(1, -1, 1).mul(xNorm).add((this.shift as Tensor).view(1, -1, 1));
    }

    return xNorm.view(xShape);
  }
}

// ============================================================ labml_nn/normalization/group_norm/__init__.py
class GroupNorm extends nn.Module {
  groups: number;
  channels: number;
  eps: number;
  affine: boolean;
  scale?: nn.Parameter;
  shift?: nn.Parameter;
  constructor(groups: number, channels: number, { eps = 1e-5, affine = true } = {}) {
    super();

    assert.ok(channels % groups === 0, 'Number of channels should be evenly divisible by the number of groups');
    this.groups = groups;
    this.channels = channels;

    this.eps = eps;
    this.affine = affine;
    if (this.affine) {
      this.scale = new nn.Parameter(torch.ones(channels));
      this.shift = new nn.Parameter(torch.zeros(channels));
    }
  }

  override forward(x: Tensor): Tensor {
    const xShape = x.shape;
    const batchSize = xShape[0];
    assert.ok(this.channels === x.shape[1]);

    x = x.view(batchSize, this.groups, -1);

    const mean = x.mean([-1], { keepdim: true });
    const meanX2 = x.pow(2).mean([-1], { keepdim: true });
    const var_ = meanX2.sub(mean.pow(2));

    let xNorm = x.sub(mean).div(torch.sqrt(var_.add(this.eps)));

    if (this.affine) {
      xNorm = xNorm.view(batchSize, this.channels, -1);
      xNorm = (this.scale as Tensor).view(1, -1, 1).mul(xNorm).add((this.shift as Tensor).view(1, -1, 1));
    }

    return xNorm.view(xShape);
  }
}

// ============================================================ labml_nn/normalization/weight_standardization
function weightStandardization(weight: Tensor, eps: number): Tensor {
  const [cOut, cIn, ...kernelShape] = weight.shape;
  weight = weight.view(cOut, -1);
  const [var_, mean] = torch.varMean(weight, { dim: 1, keepdim: true });
  weight = weight.sub(mean).div(torch.sqrt(var_.add(eps)));
  return weight.view(cOut, cIn, ...kernelShape);
}

class Conv2d extends nn.Conv2d {
  eps: number;
  constructor(inChannels: number, outChannels: number, kernelSize: number, stride = 1, padding = 0, dilation = 1, groups = 1,
    bias = true, paddingMode: 'zeros' = 'zeros', eps = 1e-5) {
    super(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias, paddingMode });
    this.eps = eps;
  }

  override forward(x: Tensor): Tensor {
    return F.conv2d(x, weightStandardization(this.weight, this.eps), this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

// ---------------------------------------------------------------- the normalization driver
function normRun(layer: nn.Module, x: Tensor, weights: Tensor, want: Any, label: string, tol = { rtol: 1e-5, atol: 1e-5 }): void {
  const out1 = layer.forward(x) as Tensor;
  const xg = x.clone().requiresGrad_();
  const out = layer.forward(xg) as Tensor;
  out.mul(weights).sum().backward();
  assertTensor(out1, want.out1, tol, `${label} out1`);
  assertTensor(out, want.out, tol, `${label} out`);
  assertTensor(xg.grad as Tensor, want.x_grad, tol, `${label} x grad`);
  const params = [...layer.namedParameters()];
  assert.deepEqual(params.map(([n]) => n), Object.keys(want.param_grads), `${label} parameter names`);
  for (const [n, p] of params) assertTensor(p.grad as Tensor, want.param_grads[n], tol, `${label} ${n} grad`);
  const buffers = [...layer.namedBuffers()];
  assert.deepEqual(buffers.map(([n]) => n), Object.keys(want.buffers), `${label} buffer names`);
  for (const [n, b] of buffers) assertTensor(b, want.buffers[n], tol, `${label} ${n}`);
  layer.eval();
  torch.noGrad(() => assertTensor(layer.forward(x) as Tensor, want.eval, tol, `${label} eval`));
  layer.train();
}

test('labml normalization: BatchNorm, LayerNorm, InstanceNorm, GroupNorm vs PyTorch (and nn.* twins)', () => {
  const want = fx.norm;
  torch.manualSeed(2);
  const x = torch.randn(4, 3, 2, 5).mul(2).add(0.5);
  const w = torch.randn(4, 3, 2, 5);
  normRun(new BatchNorm(3), x, w, want.batch_norm, 'BatchNorm');
  normRun(new nn.BatchNorm2d(3), x, w, want.batch_norm.torch, 'nn.BatchNorm2d');
  normRun(new BatchNorm(3, { affine: false, trackRunningStats: false }), x, w, want.batch_norm_plain, 'BatchNorm plain');

  normRun(new LayerNorm([2, 5]), x, w, want.layer_norm, 'LayerNorm');
  normRun(new LayerNorm(x.shape.slice(2)), x, w, want.layer_norm_size, 'LayerNorm(x.shape[2:])');
  normRun(new nn.LayerNorm([2, 5]), x, w, want.layer_norm.torch, 'nn.LayerNorm');

  const x2 = torch.randn(3, 4, 2, 3);
  const w2 = torch.randn(3, 4, 2, 3);
  normRun(new InstanceNorm(4), x2, w2, want.instance_norm, 'InstanceNorm');
  normRun(new nn.InstanceNorm2d(4, { affine: true }), x2, w2, want.instance_norm.torch, 'nn.InstanceNorm2d');
  normRun(new GroupNorm(2, 4), x2, w2, want.group_norm, 'GroupNorm');
  normRun(new nn.GroupNorm(2, 4), x2, w2, want.group_norm.torch, 'nn.GroupNorm');
  normRun(new GroupNorm(2, 4, { affine: false }), x2, w2, want.group_norm_plain, 'GroupNorm plain');
});

test('labml weight standardization: Conv2d forward/backward and a tiny conv net', () => {
  const want = fx.norm;
  torch.manualSeed(3);
  const conv = new Conv2d(3, 4, 3, 1, 1);
  const xc = torch.randn([2, 3, 5, 5], { requiresGrad: true });
  const ws = weightStandardization(conv.weight, 1e-5);
  const out = conv.forward(xc);
  out.mul(torch.randnLike(out)).sum().backward();
  assertTensor(conv.weight, want.ws.weight, {}, 'ws weight');
  assertTensor(ws, want.ws.standardized, {}, 'standardized');
  assertTensor(out, want.ws.out, { rtol: 1e-5, atol: 1e-5 }, 'ws out');
  assertTensor(xc.grad as Tensor, want.ws.x_grad, { rtol: 1e-5, atol: 1e-5 }, 'ws x grad');
  assertTensor(conv.weight.grad as Tensor, want.ws.weight_grad, { rtol: 1e-4, atol: 1e-5 }, 'ws weight grad');
  assertTensor(conv.bias?.grad as Tensor, want.ws.bias_grad, { rtol: 1e-5, atol: 1e-5 }, 'ws bias grad');
  assert.equal(conv.toString(), want.ws.repr);

  class Net extends nn.Module {
    conv = new Conv2d(1, 4, 3, 1, 1);
    bn = new BatchNorm(4);
    fc = new nn.Linear(4 * 4 * 4, 3);

    override forward(x: Tensor): Tensor {
      x = F.relu(this.bn.forward(this.conv.forward(x)));
      return this.fc.forward(x.flatten(1));
    }
  }

  torch.manualSeed(4);
  const net = new Net();
  const data = torch.randn(6, 1, 4, 4);
  const target = torch.randint(0, 3, [6]);
  const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(net.forward(data), target);
    loss.backward();
    opt.step();
    losses.push(Number(loss.item()));
  }
  net.eval();
  const evalOut = torch.noGrad(() => net.forward(data));
  closeAll(losses, want.net.losses, 1e-5, 'net losses');
  assertTensor(evalOut, want.net.eval, { rtol: 1e-4, atol: 1e-5 }, 'net eval');
  assertTensor(net.bn.exp_mean, want.net.exp_mean, { rtol: 1e-4, atol: 1e-6 }, 'net exp_mean');
  assertTensor(net.bn.exp_var, want.net.exp_var, { rtol: 1e-4, atol: 1e-6 }, 'net exp_var');
  assertTensor(net.conv.weight, want.net.conv_weight, { rtol: 1e-4, atol: 1e-6 }, 'net conv weight');
  assert.deepEqual(Object.keys(net.stateDict()), want.net.keys);
});

// ============================================================ labml_nn/transformers/utils.py
function subsequentMask(seqLen: number): Tensor {
  const mask = torch.tril(torch.ones(seqLen, seqLen)).to(torch.bool).unsqueeze(-1);
  return mask;
}

// ============================================================ labml_nn/transformers/mha.py
class PrepareForMultiHeadAttention extends nn.Module {
  linear: nn.Linear;
  heads: number;
  dK: number;
  constructor(dModel: number, heads: number, dK: number, bias: boolean) {
    super();
    this.linear = new nn.Linear(dModel, heads * dK, { bias });
    this.heads = heads;
    this.dK = dK;
  }

  override forward(x: Tensor): Tensor {
    const headShape = x.shape.slice(0, -1);
    x = this.linear.forward(x);
    x = x.view(...headShape, this.heads, this.dK);
    return x;
  }
}

interface AttentionArgs {
  query: Tensor;
  key: Tensor;
  value: Tensor;
  mask?: Tensor | null;
}

class MultiHeadAttention extends nn.Module {
  dK: number;
  heads: number;
  query: PrepareForMultiHeadAttention;
  key: PrepareForMultiHeadAttention;
  value: PrepareForMultiHeadAttention;
  softmax: nn.Softmax;
  output: nn.Linear;
  dropout: nn.Dropout;
  scale: number;
  attn: Tensor | null;
  constructor(heads: number, dModel: number, dropoutProb = 0.1, bias = true) {
    super();
    this.dK = Math.floor(dModel / heads);
    this.heads = heads;
    this.query = new PrepareForMultiHeadAttention(dModel, heads, this.dK, bias);
    this.key = new PrepareForMultiHeadAttention(dModel, heads, this.dK, bias);
    this.value = new PrepareForMultiHeadAttention(dModel, heads, this.dK, true);
    this.softmax = new nn.Softmax({ dim: 1 });
    this.output = new nn.Linear(dModel, dModel);
    this.dropout = new nn.Dropout(dropoutProb);
    this.scale = 1 / Math.sqrt(this.dK);
    this.attn = null;
  }

  getScores(query: Tensor, key: Tensor): Tensor {
    return torch.einsum('ibhd,jbhd->ijbh', query, key);
  }

  prepareMask(mask: Tensor, queryShape: number[], keyShape: number[]): Tensor {
    assert.ok(mask.shape[0] === 1 || mask.shape[0] === queryShape[0]);
    assert.ok(mask.shape[1] === keyShape[0]);
    assert.ok(mask.shape[2] === 1 || mask.shape[2] === queryShape[1]);
    mask = mask.unsqueeze(-1);
    return mask;
  }

  override forward({ query, key, value, mask = null }: AttentionArgs): Tensor {
    const [seqLen, batchSize] = query.shape;

    if (mask !== null) {
      mask = this.prepareMask(mask, query.shape, key.shape);
    }

    query = this.query.forward(query);
    key = this.key.forward(key);
    value = this.value.forward(value);

    let scores = this.getScores(query, key);
    scores.mul_(this.scale); // scores *= self.scale

    if (mask !== null) {
      scores = scores.maskedFill(mask.eq(0), -Infinity);
    }

    let attn = this.softmax.forward(scores);
    // tracker.debug('attn', attn)  (labml tracker: left out)
    attn = this.dropout.forward(attn);
    let x = torch.einsum('ijbh,jbhd->ibhd', attn, value);
    this.attn = attn.detach();
    x = x.reshape(seqLen, batchSize, -1);
    return this.output.forward(x);
  }
}

// ============================================================ labml_nn/transformers/rope/__init__.py
class RotaryPositionalEmbeddings extends nn.Module {
  base: number;
  d: number;
  cosCached: Tensor | null;
  sinCached: Tensor | null;
  constructor(d: number, base = 10_000) {
    super();
    this.base = base;
    this.d = d;
    this.cosCached = null;
    this.sinCached = null;
  }

  private buildCache(x: Tensor): void {
    if (this.cosCached !== null && x.shape[0] <= this.cosCached.shape[0]) {
      return;
    }
    const seqLen = x.shape[0];
    // 1. / (self.base ** (arange.float() / self.d)): Tensor.__rpow__ and __rtruediv__ (reciprocal() * 1.)
    const theta = torch.pow(this.base, torch.arange(0, this.d, 2).float().div(this.d)).reciprocal().mul(1.0).to(x.device);
    const seqIdx = torch.arange(seqLen, { device: x.device }).float().to(x.device);
    const idxTheta = torch.einsum('n,d->nd', seqIdx, theta);
    const idxTheta2 = torch.cat([idxTheta, idxTheta], 1);
    this.cosCached = idxTheta2.cos().index(':', null, null, ':');
    this.sinCached = idxTheta2.sin().index(':', null, null, ':');
  }

  private negHalf(x: Tensor): Tensor {
    const d2 = Math.floor(this.d / 2);
    return torch.cat([x.index(':', ':', ':', `${d2}:`).neg(), x.index(':', ':', ':', `:${d2}`)], -1);
  }

  override forward(x: Tensor): Tensor {
    this.buildCache(x);
    const seqLen = x.shape[0];
    let xRope = x.index('...', `:${this.d}`);
    const xPass = x.index('...', `${this.d}:`);
    const negHalfX = this.negHalf(xRope);
    xRope = xRope.mul((this.cosCached as Tensor).index(`:${seqLen}`)).add(negHalfX.mul((this.sinCached as Tensor).index(`:${seqLen}`)));
    return torch.cat([xRope, xPass], -1);
  }
}

class RotaryPEMultiHeadAttention extends MultiHeadAttention {
  query_rotary_pe: RotaryPositionalEmbeddings;
  key_rotary_pe: RotaryPositionalEmbeddings;
  constructor(heads: number, dModel: number, ropePercentage = 0.5, dropoutProb = 0.0) {
    super(heads, dModel, dropoutProb);
    const dRope = Math.trunc(this.dK * ropePercentage);
    this.query_rotary_pe = new RotaryPositionalEmbeddings(dRope);
    this.key_rotary_pe = new RotaryPositionalEmbeddings(dRope);
  }

  override getScores(query: Tensor, key: Tensor): Tensor {
    return torch.einsum('ibhd,jbhd->ijbh', this.query_rotary_pe.forward(query), this.key_rotary_pe.forward(key));
  }
}

// ============================================================ labml_nn/transformers/alibi/__init__.py
function getSlopes(nHeads: number): Tensor {
  const n = 2 ** Math.floor(Math.log2(nHeads));
  const m0 = 2.0 ** (-8.0 / n);
  let m = torch.pow(m0, torch.arange(1, 1 + n));
  if (n < nHeads) {
    const mHat0 = 2.0 ** (-4.0 / n);
    const mHat = torch.pow(mHat0, torch.arange(1, 1 + 2 * (nHeads - n), 2));
    m = torch.cat([m, mHat]);
  }
  return m;
}

// @torch.no_grad()
function getAlibiBiases(nHeads: number, mask: Tensor): Tensor {
  return torch.noGrad(() => {
    const m = getSlopes(nHeads).to(mask.device);
    const distance = mask.cumsum(-1);
    return distance.index(':', ':', null).mul(m.index(null, null, ':'));
  });
}

class AlibiMultiHeadAttention extends MultiHeadAttention {
  alibiBiases: Tensor | null;
  constructor(heads: number, dModel: number, dropoutProb = 0.1) {
    super(heads, dModel, dropoutProb);
    this.alibiBiases = null;
  }

  override forward({ query, key, value, mask = null }: AttentionArgs): Tensor {
    assert.ok(mask !== null);
    assert.ok(mask.shape[0] === mask.shape[1] && mask.shape[2] === 1);
    const [seqLen, batchSize] = query.shape;
    mask = this.prepareMask(mask, query.shape, key.shape);
    query = this.query.forward(query);
    key = this.key.forward(key);
    value = this.value.forward(value);
    let scores = this.getScores(query, key);
    scores.mul_(this.scale);
    if (this.alibiBiases === null || this.alibiBiases.shape[1] < seqLen) {
      this.alibiBiases = getAlibiBiases(scores.shape[scores.dim() - 1], mask.index(':', ':', 0, 0));
    }
    scores.add_(this.alibiBiases.index(`:${seqLen}`, `:${seqLen}`, null, ':')); // scores += ...
    scores = scores.maskedFill(mask.eq(0), -Infinity);
    let attn = this.softmax.forward(scores);
    attn = this.dropout.forward(attn);
    let x = torch.einsum('ijbh,jbhd->ibhd', attn, value);
    x = x.reshape(seqLen, batchSize, -1);
    return this.output.forward(x);
  }
}

// ============================================================ labml_nn/transformers/feed_forward.py
class FeedForward extends nn.Module {
  layer1: nn.Linear;
  layer2: nn.Linear;
  dropout: nn.Dropout;
  activation: nn.Module;
  isGated: boolean;
  linear_v?: nn.Linear;
  constructor(dModel: number, dFf: number, dropout = 0.1, activation: nn.Module = new nn.ReLU(), isGated = false, bias1 = true,
    bias2 = true, biasGate = true) {
    super();
    this.layer1 = new nn.Linear(dModel, dFf, { bias: bias1 });
    this.layer2 = new nn.Linear(dFf, dModel, { bias: bias2 });
    this.dropout = new nn.Dropout(dropout);
    this.activation = activation;
    this.isGated = isGated;
    if (isGated) {
      this.linear_v = new nn.Linear(dModel, dFf, { bias: biasGate });
    }
  }

  override forward(x: Tensor): Tensor {
    const g = this.activation.forward(this.layer1.forward(x)) as Tensor;
    if (this.isGated) {
      x = g.mul((this.linear_v as nn.Linear).forward(x));
    } else {
      x = g;
    }
    x = this.dropout.forward(x);
    return this.layer2.forward(x);
  }
}

// ============================================================ labml_nn/capsule_networks/__init__.py
class Squash extends nn.Module {
  epsilon: number;
  constructor(epsilon = 1e-8) {
    super();
    this.epsilon = epsilon;
  }

  override forward(s: Tensor): Tensor {
    const s2 = s.pow(2).sum({ dim: -1, keepdims: true });
    return s2.div(s2.add(1)).mul(s.div(torch.sqrt(s2.add(this.epsilon))));
  }
}

class Router extends nn.Module {
  inCaps: number;
  outCaps: number;
  iterations: number;
  softmax: nn.Softmax;
  squash: Squash;
  weight: nn.Parameter;
  constructor(inCaps: number, outCaps: number, inD: number, outD: number, iterations: number) {
    super();
    this.inCaps = inCaps;
    this.outCaps = outCaps;
    this.iterations = iterations;
    this.softmax = new nn.Softmax({ dim: 1 });
    this.squash = new Squash();
    this.weight = new nn.Parameter(torch.randn(inCaps, outCaps, inD, outD), { requiresGrad: true });
  }

  override forward(u: Tensor): Tensor {
    const uHat = torch.einsum('ijnm,bin->bijm', this.weight, u);
    let b = u.newZeros(u.shape[0], this.inCaps, this.outCaps);
    let v: Tensor | null = null;
    for (let i = 0; i < this.iterations; i++) {
      const c = this.softmax.forward(b);
      const s = torch.einsum('bij,bijm->bjm', c, uHat);
      v = this.squash.forward(s);
      const a = torch.einsum('bjm,bijm->bij', v, uHat);
      b = b.add(a);
    }
    return v as Tensor;
  }
}

class MarginLoss extends nn.Module {
  mNegative: number;
  mPositive: number;
  lambda_: number;
  nLabels: number;
  constructor({ nLabels, lambda_ = 0.5, mPositive = 0.9, mNegative = 0.1 }: { nLabels: number; lambda_?: number; mPositive?: number; mNegative?: number }) {
    super();
    this.mNegative = mNegative;
    this.mPositive = mPositive;
    this.lambda_ = lambda_;
    this.nLabels = nLabels;
  }

  override forward(v: Tensor, labels: Tensor): Tensor {
    const vNorm = torch.sqrt(v.pow(2).sum({ dim: -1 }));
    labels = torch.eye(this.nLabels, { device: labels.device }).index(labels);
    const loss = labels.mul(F.relu(torch.rsub(vNorm, this.mPositive))).add(
      labels.rsub(1.0).mul(this.lambda_).mul(F.relu(vNorm.sub(this.mNegative))));
    return loss.sum({ dim: -1 }).mean();
  }
}

// ============================================================ labml_nn/lstm/__init__.py
class LSTMCell extends nn.Module {
  hidden_lin: nn.Linear;
  input_lin: nn.Linear;
  layer_norm: nn.ModuleList;
  layer_norm_c: nn.Module;
  constructor(inputSize: number, hiddenSize: number, layerNorm = false) {
    super();
    this.hidden_lin = new nn.Linear(hiddenSize, 4 * hiddenSize);
    this.input_lin = new nn.Linear(inputSize, 4 * hiddenSize, { bias: false });
    if (layerNorm) {
      this.layer_norm = new nn.ModuleList(Array.from({ length: 4 }, () => new nn.LayerNorm(hiddenSize)));
      this.layer_norm_c = new nn.LayerNorm(hiddenSize);
    } else {
      this.layer_norm = new nn.ModuleList(Array.from({ length: 4 }, () => new nn.Identity()));
      this.layer_norm_c = new nn.Identity();
    }
  }

  override forward(x: Tensor, h: Tensor, c: Tensor): [Tensor, Tensor] {
    const ifgo0 = this.hidden_lin.forward(h).add(this.input_lin.forward(x));
    const chunks = ifgo0.chunk(4, -1);
    const ifgo = [0, 1, 2, 3].map((i) => (this.layer_norm as Any)[i].forward(chunks[i]) as Tensor);
    const [i, f, g, o] = ifgo;
    const cNext = torch.sigmoid(f).mul(c).add(torch.sigmoid(i).mul(torch.tanh(g)));
    const hNext = torch.sigmoid(o).mul(torch.tanh(this.layer_norm_c.forward(cNext) as Tensor));
    return [hNext, cNext];
  }
}

class LSTM extends nn.Module {
  nLayers: number;
  hiddenSize: number;
  cells: nn.ModuleList;
  constructor(inputSize: number, hiddenSize: number, nLayers: number) {
    super();
    this.nLayers = nLayers;
    this.hiddenSize = hiddenSize;
    this.cells = new nn.ModuleList([new LSTMCell(inputSize, hiddenSize), ...Array.from({ length: nLayers - 1 }, () => new LSTMCell(hiddenSize, hiddenSize))]);
  }

  override forward(x: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [nSteps, batchSize] = x.shape.slice(0, 2);
    let h: Tensor[];
    let c: Tensor[];
    if (state === null) {
      h = Array.from({ length: this.nLayers }, () => x.newZeros(batchSize, this.hiddenSize));
      c = Array.from({ length: this.nLayers }, () => x.newZeros(batchSize, this.hiddenSize));
    } else {
      [h, c] = [[...torch.unbind(state[0])], [...torch.unbind(state[1])]];
    }
    const out: Tensor[] = [];
    for (let t = 0; t < nSteps; t++) {
      let inp = x.index(t);
      for (let layer = 0; layer < this.nLayers; layer++) {
        [h[layer], c[layer]] = (this.cells as Any)[layer].forward(inp, h[layer], c[layer]) as [Tensor, Tensor];
        inp = h[layer];
      }
      out.push(h[h.length - 1]);
    }
    return [torch.stack(out), [torch.stack(h), torch.stack(c)]];
  }
}

// ---------------------------------------------------------------- the transformer drivers
function checkGrads(m: nn.Module, want: Record<string, TensorJson>, label: string, tol = { rtol: 1e-4, atol: 1e-5 }): void {
  const params = [...m.namedParameters()];
  assert.deepEqual(params.map(([n]) => n), Object.keys(want), `${label} parameter names`);
  for (const [n, p] of params) assertTensor(p.grad as Tensor, want[n], tol, `${label} ${n} grad`);
}

function attentionRun(mha: MultiHeadAttention, x: Tensor, mask: Tensor, w: Tensor, want: Any, label: string): void {
  const xg = x.clone().requiresGrad_();
  const out = mha.forward({ query: xg, key: xg, value: xg, mask });
  out.mul(w).sum().backward();
  assertTensor(out, want.out, { rtol: 1e-5, atol: 1e-6 }, `${label} out`);
  assertTensor(xg.grad as Tensor, want.x_grad, { rtol: 1e-4, atol: 1e-6 }, `${label} x grad`);
  checkGrads(mha, want.grads, label);
}

test('labml MultiHeadAttention (dropout in training mode, causal mask), vs PyTorch', () => {
  const want = fx.tf;
  torch.manualSeed(5);
  const mha = new MultiHeadAttention(2, 8, 0.1);
  const x = torch.randn(5, 3, 8);
  const w = torch.randn(5, 3, 8);
  const mask = subsequentMask(5);
  assertTensor(mask, want.mask, {}, 'mask');
  attentionRun(mha, x, mask, w, want.mha, 'mha');
  assertTensor(mha.attn as Tensor, want.mha.attn, { rtol: 1e-5, atol: 1e-6 }, 'mha attn');
  assert.deepEqual(Object.keys(mha.stateDict()), want.mha.keys);
  assert.equal(mha.toString(), want.mha.repr);
  mha.eval();
  torch.noGrad(() => {
    assertTensor(mha.forward({ query: x, key: x.index(':4'), value: x.index(':4') }), want.mha.eval_nomask, { rtol: 1e-5, atol: 1e-6 }, 'mha eval no mask');
    assertTensor(mha.forward({ query: x, key: x, value: x, mask: torch.ones(1, 5, 1) }), want.mha.eval_mask1, { rtol: 1e-5, atol: 1e-6 }, 'mha eval mask 1');
  });
});

test('labml RoPE: _test_rotary, partial rotation, RotaryPEMultiHeadAttention', () => {
  const want = fx.tf;
  let xr = torch.tensor([[1, 2, 3, 4], [4, 5, 6, 7], [7, 8, 9, 10]], { dtype: torch.float });
  xr = xr.index(':', null, null, ':');
  const rotaryPe = new RotaryPositionalEmbeddings(4);
  assertTensor(rotaryPe.forward(xr), want.rotary_test, {}, 'rotary test');
  assertTensor(rotaryPe.cosCached as Tensor, want.rotary_cos, {}, 'rotary cos cache');

  torch.manualSeed(6);
  const rp = new RotaryPositionalEmbeddings(4, 100);
  const xp = torch.randn([6, 2, 2, 6], { requiresGrad: true });
  const yp = rp.forward(xp);
  yp.mul(torch.randnLike(yp)).sum().backward();
  assertTensor(yp, want.rotary_partial.out, {}, 'rotary partial');
  assertTensor(xp.grad as Tensor, want.rotary_partial.x_grad, {}, 'rotary partial grad');
  assertTensor(rp.sinCached as Tensor, want.rotary_partial.cached, {}, 'rotary sin cache');

  torch.manualSeed(7);
  const rmha = new RotaryPEMultiHeadAttention(2, 16, 0.5);
  const x = torch.randn(6, 2, 16);
  const w = torch.randn(6, 2, 16);
  attentionRun(rmha, x, subsequentMask(6), w, want.rope_mha, 'rope mha');
  assert.deepEqual(Object.keys(rmha.stateDict()), want.rope_mha.keys);
  assert.deepEqual(rmha.query_rotary_pe.cosCached?.shape, want.rope_mha.cos_cached_shape);
});

test('labml ALiBi: slopes, biases, AlibiMultiHeadAttention', () => {
  const want = fx.tf;
  assertTensor(getSlopes(12), want.slopes12, {}, 'slopes 12');
  assertTensor(getSlopes(8), want.slopes8, {}, 'slopes 8');
  const m8 = subsequentMask(8).index(':', ':', 0);
  assertTensor(getAlibiBiases(12, m8).index(':', ':', 3), want.alibi_test, {}, 'alibi biases head 3');

  torch.manualSeed(8);
  const amha = new AlibiMultiHeadAttention(3, 12, 0.1);
  const x = torch.randn(6, 2, 12);
  const w = torch.randn(6, 2, 12);
  attentionRun(amha, x, subsequentMask(6), w, want.alibi_mha, 'alibi mha');
  assertTensor(amha.alibiBiases as Tensor, want.alibi_mha.biases, {}, 'alibi mha biases');
  assert.deepEqual(Object.keys(amha.stateDict()), want.alibi_mha.keys);
});

test('labml FeedForward and its GLU variants', () => {
  const want = fx.tf.ff;
  const ffs: Record<string, () => FeedForward> = {
    relu: () => new FeedForward(6, 10, 0.1),
    geglu: () => new FeedForward(6, 10, 0.1, new nn.GELU(), true, false, false, false),
    swiglu: () => new FeedForward(6, 10, 0.1, new nn.SiLU(), true, false, false, false),
    reglu: () => new FeedForward(6, 10, 0.1, new nn.ReLU(), true, false, false, false),
    bilinear: () => new FeedForward(6, 10, 0.1, new nn.Identity(), true, false, false, false),
  };
  for (const [name, make] of Object.entries(ffs)) {
    torch.manualSeed(9);
    const ff = make();
    const x = torch.randn([4, 2, 6], { requiresGrad: true });
    const out = ff.forward(x);
    out.mul(torch.randnLike(out)).sum().backward();
    assertTensor(out, want[name].out, { rtol: 1e-5, atol: 1e-6 }, `${name} out`);
    assertTensor(x.grad as Tensor, want[name].x_grad, { rtol: 1e-5, atol: 1e-6 }, `${name} x grad`);
    checkGrads(ff, want[name].grads, name, { rtol: 1e-5, atol: 1e-6 });
    assert.deepEqual(Object.keys(ff.stateDict()), want[name].keys, `${name} keys`);
  }
});

test('labml capsule networks: Squash, Router, MarginLoss, 5 SGD steps', () => {
  const want = fx.tf;
  torch.manualSeed(10);
  const squash = new Squash();
  const s = torch.randn(2, 3, 5);
  assertTensor(squash.forward(s), want.squash, {}, 'squash');
  const router = new Router(6, 3, 4, 5, 3);
  const u = squash.forward(torch.randn(2, 6, 4));
  const labels = torch.tensor([2, 0]);
  const v = router.forward(u);
  let loss = new MarginLoss({ nLabels: 3 }).forward(v, labels);
  loss.backward();
  assertTensor(v, want.caps.v, { rtol: 1e-5, atol: 1e-6 }, 'router v');
  close(Number(loss.item()), want.caps.loss, 1e-5, 'margin loss');
  assertTensor(router.weight.grad as Tensor, want.caps.weight_grad, { rtol: 1e-4, atol: 1e-6 }, 'router weight grad');
  const opt = new optim.SGD(router.parameters(), { lr: 0.5 });
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    loss = new MarginLoss({ nLabels: 3 }).forward(router.forward(u), labels);
    loss.backward();
    opt.step();
    losses.push(Number(loss.item()));
  }
  closeAll(losses, want.caps.losses, 1e-5, 'capsule losses');
});

test('labml LSTM from scratch (2 layers, resumed state) and LSTMCell with layer norm', () => {
  const want = fx.tf;
  torch.manualSeed(11);
  const lstm = new LSTM(3, 4, 2);
  const x = torch.randn([6, 2, 3], { requiresGrad: true });
  const [out, [h, c]] = lstm.forward(x);
  out.sum().add(c.pow(2).sum()).backward();
  assertTensor(out, want.lstm.out, { rtol: 1e-5, atol: 1e-6 }, 'lstm out');
  assertTensor(h, want.lstm.h, { rtol: 1e-5, atol: 1e-6 }, 'lstm h');
  assertTensor(c, want.lstm.c, { rtol: 1e-5, atol: 1e-6 }, 'lstm c');
  assertTensor(x.grad as Tensor, want.lstm.x_grad, { rtol: 1e-4, atol: 1e-6 }, 'lstm x grad');
  checkGrads(lstm, want.lstm.grads, 'lstm');
  const [out2] = torch.noGrad(() => lstm.forward(x.index(':2'), [h, c]));
  assertTensor(out2, want.lstm.resumed, { rtol: 1e-5, atol: 1e-6 }, 'lstm resumed');

  const cell = new LSTMCell(3, 4, true);
  const h0 = torch.randn(2, 4);
  const c0 = torch.randn(2, 4);
  const [hn, cn] = cell.forward(x.index(0).detach(), h0, c0);
  hn.sum().add(cn.sum()).backward();
  assertTensor(hn, want.lstm_ln.h, { rtol: 1e-5, atol: 1e-6 }, 'cell h');
  assertTensor(cn, want.lstm_ln.c, { rtol: 1e-5, atol: 1e-6 }, 'cell c');
  checkGrads(cell, want.lstm_ln.grads, 'lstm cell');
});
