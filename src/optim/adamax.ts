// torch.optim.Adamax: the op sequence of PyTorch 1.13's _single_tensor_adamax.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, stepAsTensor, zeroStep, type ParamGroup } from './optimizer.js';
import { betasArg, checkBetas, checkNonNegative, paramsArg } from './options.js';

/**
 * Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False).
 * foreach is accepted for PyTorch compatibility (the single-tensor path always runs).
 */
const adamaxArgs = signature('Adamax', [
  ['params', paramsArg], ['lr', number, 2e-3], ['betas', betasArg, [0.9, 0.999]], ['eps', number, 1e-8],
  ['weightDecay', number, 0], ['foreach', nullable(bool), null], '*', ['maximize', bool, false],
] as const);

export type AdamaxOptions = OptionsObjectOf<typeof adamaxArgs>;

export interface AdamaxParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** step is a float32 0-d tensor, as PyTorch 1.13 keeps it. */
export type AdamaxState = {
  step: Tensor;
  exp_avg: Tensor;
  exp_inf: Tensor;
};

export class Adamax extends Optimizer<AdamaxParamGroup, AdamaxState> {
  static override readonly args = adamaxArgs;
  protected override readonly paramShapedState = ['exp_avg', 'exp_inf'];

  /** `new Adamax(params, 2e-3, [0.9, 0.999])` = `new Adamax(params, { lr: 2e-3, betas: [0.9, 0.999] })`. */
  constructor(...args: ArgsOf<typeof adamaxArgs>) {
    const { params, lr, betas, eps, weightDecay, foreach, maximize } = adamaxArgs.parse(args);
    checkNonNegative('learning rate', lr);
    checkNonNegative('epsilon value', eps);
    checkBetas(betas);
    checkNonNegative('weight_decay value', weightDecay);
    super(params, { lr, betas: [...betas], eps, weightDecay, foreach, maximize });
  }

  protected stepGroup(group: AdamaxParamGroup): void {
    const { lr, eps, weightDecay, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ step: zeroStep(), exp_avg: zerosLike(param), exp_inf: zerosLike(param) }));
      const { exp_avg: expAvg, exp_inf: expInf } = state;
      state.step.add_(1);
      const step = Number(state.step.item());
      const grad = gradOf(param, maximize, weightDecay);
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      // torch.amax(cat([exp_inf * beta2, |grad| + eps]), 0, out=exp_inf)
      expInf.mul_(beta2);
      expInf.copy_(expInf.maximum(grad.abs().add_(eps)));
      const clr = lr / (1 - beta1 ** step);
      param.addcdiv_(expAvg, expInf, { value: -clr });
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    return stepAsTensor(s);
  }
}
