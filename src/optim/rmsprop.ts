// torch.optim.RMSprop: the op sequence of PyTorch 1.13's _single_tensor_rmsprop.
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from './adam.js';
import { add_, binaryInto, copyInto, mul_, unaryInto } from './kernels.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';
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
      const g = param.grad;
      if (g === null) continue;
      const state = this.stateOf(param, () => ({
        step: 0,
        square_avg: zerosLike(param),
        ...(momentum > 0 ? { momentum_buffer: zerosLike(param) } : {}),
        ...(centered ? { grad_avg: zerosLike(param) } : {}),
      }));
      state.step += 1;
      let grad = g;
      if (maximize || weightDecay !== 0) {
        grad = this.scratch.like(0, param);
        if (maximize) unaryInto(grad, 'neg', g);
        if (weightDecay !== 0) binaryInto(grad, 'add', maximize ? grad : g, param, weightDecay);
      }
      const squareAvg = state.square_avg;
      mul_(squareAvg, alpha);
      squareAvg.addcmul_(grad, grad, { value: 1 - alpha });
      const avg = this.scratch.like(1, param);
      if (centered) {
        const gradAvg = (state.grad_avg ??= zerosLike(param));
        mul_(gradAvg, alpha);
        add_(gradAvg, grad, 1 - alpha);
        // avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        copyInto(avg, squareAvg);
        avg.addcmul_(gradAvg, gradAvg, { value: -1 });
        unaryInto(avg, 'sqrt', avg);
      } else {
        unaryInto(avg, 'sqrt', squareAvg);
      }
      add_(avg, eps);
      if (momentum > 0) {
        // A momentum turned on after the first step (e.g. by a scheduler) starts from zero.
        const buf = (state.momentum_buffer ??= zerosLike(param));
        mul_(buf, momentum);
        buf.addcdiv_(grad, avg);
        add_(param, buf, -lr);
      } else {
        param.addcdiv_(grad, avg, { value: -lr });
      }
    }
  }
}
