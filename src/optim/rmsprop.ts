// torch.optim.RMSprop: the op sequence of PyTorch 1.13's _single_tensor_rmsprop.
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, type ParamGroup, type Params } from './optimizer.js';
import { checkNonNegative, rejectUnsupported } from './options.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  /** Accepted for PyTorch compatibility; the single-tensor path always runs. */
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

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

  constructor(params: Params, options: RMSpropOptions | number = {}) {
    const o = typeof options === 'number' ? { lr: options } : options;
    checkNonNegative('learning rate', o.lr);
    checkNonNegative('epsilon value', o.eps);
    checkNonNegative('momentum value', o.momentum);
    checkNonNegative('weight_decay value', o.weightDecay);
    checkNonNegative('alpha value', o.alpha);
    rejectUnsupported(o);
    super(params, {
      lr: o.lr ?? 1e-2,
      momentum: o.momentum ?? 0,
      alpha: o.alpha ?? 0.99,
      eps: o.eps ?? 1e-8,
      centered: o.centered ?? false,
      weightDecay: o.weightDecay ?? 0,
      foreach: o.foreach ?? null,
      maximize: o.maximize ?? false,
      differentiable: o.differentiable ?? false,
    });
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
