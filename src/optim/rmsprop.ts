// torch.optim.RMSprop: the op sequence of PyTorch 1.13's _single_tensor_rmsprop.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, type ParamGroup } from './optimizer.js';
import { checkNonNegative, paramsArg, rejectUnsupported } from './options.js';

/**
 * RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
 * foreach=None, maximize=False, differentiable=False): all positional in PyTorch 1.13.
 * foreach is accepted for PyTorch compatibility.
 */
const rmspropArgs = signature('RMSprop', [
  ['params', paramsArg], ['lr', number, 1e-2], ['alpha', number, 0.99], ['eps', number, 1e-8],
  ['weightDecay', number, 0], ['momentum', number, 0], ['centered', bool, false],
  ['foreach', nullable(bool), null], ['maximize', bool, false], ['differentiable', bool, false],
] as const);

export type RMSpropOptions = OptionsObjectOf<typeof rmspropArgs>;

export interface RMSpropParamGroup extends ParamGroup {
  momentum: number;
  alpha: number;
  eps: number;
  centered: boolean;
  weightDecay: number;
  maximize: boolean;
}

/** step is a plain number here (PyTorch 1.13's RMSprop keeps a Python int). */
export type RMSpropState = {
  step: number;
  square_avg: Tensor;
  momentum_buffer?: Tensor;
  grad_avg?: Tensor;
};

export class RMSprop extends Optimizer<RMSpropParamGroup, RMSpropState> {
  protected override readonly paramShapedState = ['square_avg', 'momentum_buffer', 'grad_avg'];

  static override readonly args = rmspropArgs;

  /** `new RMSprop(params, 0.01, 0.9)` = `new RMSprop(params, { lr: 0.01, alpha: 0.9 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof rmspropArgs>) {
    const { params, lr, alpha, eps, weightDecay, momentum, centered, foreach, maximize, differentiable } = rmspropArgs.parse(args);
    checkNonNegative('learning rate', lr);
    checkNonNegative('epsilon value', eps);
    checkNonNegative('momentum value', momentum);
    checkNonNegative('weight_decay value', weightDecay);
    checkNonNegative('alpha value', alpha);
    rejectUnsupported({ differentiable });
    super(params, { lr, momentum, alpha, eps, centered, weightDecay, foreach, maximize, differentiable });
  }

  protected stepGroup(group: RMSpropParamGroup): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({
        step: 0,
        square_avg: zerosLike(param),
        ...(momentum > 0 ? { momentum_buffer: zerosLike(param) } : {}),
        ...(centered ? { grad_avg: zerosLike(param) } : {}),
      }));
      const grad = gradOf(param, maximize, weightDecay);
      state.step += 1;
      const squareAvg = state.square_avg;
      squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (centered) {
        const gradAvg = (state.grad_avg ??= zerosLike(param));
        gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        // A momentum turned on after the first step (e.g. by a scheduler) starts from zero.
        const buf = (state.momentum_buffer ??= zerosLike(param));
        buf.mul_(momentum).addcdiv_(grad, avg);
        param.add_(buf, { alpha: -lr });
      } else {
        param.addcdiv_(grad, avg, { value: -lr });
      }
    }
  }
}
