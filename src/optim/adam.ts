// torch.optim.Adam and AdamW: the op sequence of PyTorch 1.13's _single_tensor_adam
// and _single_tensor_adamw (bias corrections in double, as Python computes them).
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, stepAsTensor, zeroStep, type ParamGroup, type Params } from './optimizer.js';
import { checkBetas, checkNonNegative, rejectUnsupported } from './options.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** Accepted for PyTorch compatibility; the single-tensor path always runs. */
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean;
}

export type AdamWOptions = Omit<AdamOptions, 'differentiable' | 'fused'>;

export interface AdamParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** step is a float32 0-d tensor, as PyTorch 1.13 keeps it. */
export type AdamState = {
  step: Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
  max_exp_avg_sq?: Tensor;
};

/** The defaults in PyTorch's order (AdamW has foreach before maximize, and no differentiable or fused). */
function adamDefaults(options: AdamOptions | number, decoupled: boolean): Record<string, unknown> {
  const o = typeof options === 'number' ? { lr: options } : options;
  checkNonNegative('learning rate', o.lr);
  checkNonNegative('epsilon value', o.eps);
  if (o.betas !== undefined) checkBetas(o.betas);
  checkNonNegative('weight_decay value', o.weightDecay);
  rejectUnsupported(o);
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = decoupled ? 1e-2 : 0, amsgrad = false } = o;
  const { maximize = false, foreach = null, capturable = false, differentiable = false, fused = false } = o;
  return decoupled
    ? { lr, betas, eps, weightDecay, amsgrad, foreach, maximize, capturable }
    : { lr, betas, eps, weightDecay, amsgrad, maximize, foreach, capturable, differentiable, fused };
}

/** The shared update; AdamW decays the parameter directly instead of adding weight decay to the gradient. */
abstract class AdamBase extends Optimizer<AdamParamGroup, AdamState> {
  protected override readonly paramShapedState = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'];

  constructor(params: Params, options: AdamOptions | number, private readonly decoupled: boolean) {
    super(params, adamDefaults(options, decoupled));
  }

  protected stepGroup(group: AdamParamGroup): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({
        step: zeroStep(),
        exp_avg: zerosLike(param),
        exp_avg_sq: zerosLike(param),
        ...(amsgrad ? { max_exp_avg_sq: zerosLike(param) } : {}),
      }));
      const { exp_avg: expAvg, exp_avg_sq: expAvgSq } = state;
      state.step.add_(1);
      if (this.decoupled) param.mul_(1 - lr * weightDecay);
      const grad = gradOf(param, maximize, this.decoupled ? 0 : weightDecay);
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });

      const step = state.step.item();
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      let second = expAvgSq;
      if (amsgrad) {
        // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = (state.max_exp_avg_sq ??= zerosLike(param));
        second.copy_(second.maximum(expAvgSq));
      }
      // (second.sqrt() / bias_correction2_sqrt).add_(eps), dividing the fresh sqrt() in place
      const denom = second.sqrt().div_(biasCorrection2Sqrt).add_(eps);
      param.addcdiv_(expAvg, denom, { value: -stepSize });
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    return stepAsTensor(s);
  }
}

export class Adam extends AdamBase {
  constructor(params: Params, options: AdamOptions | number = {}) {
    super(params, options, false);
  }
}

export class AdamW extends AdamBase {
  constructor(params: Params, options: AdamWOptions | number = {}) {
    super(params, options, true);
  }
}
