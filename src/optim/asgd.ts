// torch.optim.ASGD: the op sequence of PyTorch 1.13's _single_tensor_asgd. eta and mu
// are 0-d float32 tensors (torch.tensor(python_float)), so their values are rounded to
// float32 each step, as in PyTorch.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, stepAsTensor, zeroStep, type ParamGroup } from './optimizer.js';
import { checkNonNegative, paramsArg } from './options.js';

/**
 * ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
 * maximize=False): all positional in PyTorch 1.13. foreach is accepted for PyTorch compatibility.
 */
const asgdArgs = signature('ASGD', [
  ['params', paramsArg], ['lr', number, 1e-2], ['lambd', number, 1e-4], ['alpha', number, 0.75], ['t0', number, 1e6],
  ['weightDecay', number, 0], ['foreach', nullable(bool), null], ['maximize', bool, false],
] as const);

export type ASGDOptions = OptionsObjectOf<typeof asgdArgs>;

export interface ASGDParamGroup extends ParamGroup {
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

/** step, eta and mu are 0-d float32 tensors; ax is the running average of the parameter. */
export type ASGDState = {
  step: Tensor;
  eta: Tensor;
  mu: Tensor;
  ax: Tensor;
};

/** torch.tensor(x): a 0-d float32 tensor. */
const scalarTensor = (x: number): Tensor => zeroStep().fill_(x);

export class ASGD extends Optimizer<ASGDParamGroup, ASGDState> {
  static override readonly args = asgdArgs;
  protected override readonly paramShapedState = ['ax'];

  /** `new ASGD(params, 0.01, 1e-4)` = `new ASGD(params, { lr: 0.01, lambd: 1e-4 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof asgdArgs>) {
    const { params, lr, lambd, alpha, t0, weightDecay, foreach, maximize } = asgdArgs.parse(args);
    checkNonNegative('learning rate', lr);
    checkNonNegative('weight_decay value', weightDecay);
    super(params, { lr, lambd, alpha, t0, weightDecay, foreach, maximize });
  }

  protected stepGroup(group: ASGDParamGroup): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ step: zeroStep(), eta: scalarTensor(lr), mu: scalarTensor(1), ax: zerosLike(param) }));
      const { eta, mu, ax } = state;
      state.step.add_(1);
      const step = Number(state.step.item());
      const grad = gradOf(param, maximize, weightDecay);
      param.mul_(1 - lambd * Number(eta.item()));
      param.add_(grad, { alpha: -Number(eta.item()) });
      if (mu.item() !== 1) ax.add_(param.sub(ax).mul(mu));
      else ax.copy_(param);
      // eta.copy_(torch.tensor(...)): the new values are rounded to float32 first.
      eta.fill_(Math.fround(lr / Math.pow(1 + lambd * lr * step, alpha)));
      mu.fill_(Math.fround(1 / Math.max(1, step - t0)));
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    const out = stepAsTensor(s);
    for (const key of ['eta', 'mu']) if (typeof out[key] === 'number') out[key] = scalarTensor(out[key] as number);
    return out;
  }
}
