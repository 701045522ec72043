// torch.optim.Adam and AdamW: the op sequence of PyTorch 1.13's _single_tensor_adam
// and _single_tensor_adamw (bias corrections in double, as Python computes them).
import { getDefaultDtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { add_, binaryInto, div_, mul_, unaryInto } from './kernels.js';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';
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

/** torch.tensor(0.): a 0-d tensor of the default dtype. */
export function zeroStep(): Tensor {
  return Tensor.empty([], getDefaultDtype());
}

/** torch.zeros_like(p) */
export const zerosLike = (p: Tensor) => Tensor.empty(p.shape.slice(), p.dtype);

/** Pre-1.12 checkpoints hold 'step' as a Python number; PyTorch's __setstate__ makes it a tensor. */
export function stepAsTensor(s: Record<string, unknown>): Record<string, unknown> {
  if (typeof s.step !== 'number') return s;
  const step = zeroStep();
  step.buffer[0] = s.step;
  return { ...s, step };
}

function checkAdamOptions(o: AdamOptions): void {
  checkNonNegative('learning rate', o.lr);
  checkNonNegative('epsilon value', o.eps);
  if (o.betas !== undefined) checkBetas(o.betas);
  checkNonNegative('weight_decay value', o.weightDecay);
  rejectUnsupported(o);
}

/** The shared update; AdamW decays the parameter directly instead of adding weight decay to the gradient. */
abstract class AdamBase extends Optimizer<AdamParamGroup, AdamState> {
  protected override readonly paramShapedState = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'];
  protected abstract readonly decoupled: boolean;

  protected stepGroup(group: AdamParamGroup): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const param of group.params) {
      const g = param.grad;
      if (g === null) continue;
      const state = this.stateOf(param, () => ({
        step: zeroStep(),
        exp_avg: zerosLike(param),
        exp_avg_sq: zerosLike(param),
        ...(amsgrad ? { max_exp_avg_sq: zerosLike(param) } : {}),
      }));
      let grad = g;
      if (maximize) {
        grad = this.scratch.like(0, param);
        unaryInto(grad, 'neg', g);
      }
      add_(state.step, 1);
      if (this.decoupled) {
        // param.mul_(1 - lr * weight_decay); a multiply by exactly 1 is skipped
        if (lr * weightDecay !== 0) mul_(param, 1 - lr * weightDecay);
      } else if (weightDecay !== 0) {
        const decayed = this.scratch.like(0, param);
        binaryInto(decayed, 'add', grad, param, weightDecay);
        grad = decayed;
      }
      const { exp_avg: expAvg, exp_avg_sq: expAvgSq } = state;
      mul_(expAvg, beta1);
      add_(expAvg, grad, 1 - beta1);
      mul_(expAvgSq, beta2);
      expAvgSq.addcmul_(grad, grad, { value: 1 - beta2 });

      const step = state.step.item();
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);

      let second = expAvgSq;
      if (amsgrad) {
        const max = (state.max_exp_avg_sq ??= zerosLike(param));
        binaryInto(max, 'maximum', max, expAvgSq);
        second = max;
      }
      // denom = (second.sqrt() / bias_correction2_sqrt).add_(eps)
      const denom = this.scratch.like(1, param);
      unaryInto(denom, 'sqrt', second);
      div_(denom, biasCorrection2Sqrt);
      add_(denom, eps);
      param.addcdiv_(expAvg, denom, { value: -stepSize });
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    return stepAsTensor(s);
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: Params, options: AdamOptions | number = {}) {
    const o = typeof options === 'number' ? { lr: options } : options;
    checkAdamOptions(o);
    super(params, {
      lr: o.lr ?? 1e-3,
      betas: o.betas ?? [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? 0,
      amsgrad: o.amsgrad ?? false,
      maximize: o.maximize ?? false,
      foreach: o.foreach ?? null,
      capturable: o.capturable ?? false,
      differentiable: o.differentiable ?? false,
      fused: o.fused ?? false,
    });
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: Params, options: AdamWOptions | number = {}) {
    const o = typeof options === 'number' ? { lr: options } : options;
    checkAdamOptions(o);
    super(params, {
      lr: o.lr ?? 1e-3,
      betas: o.betas ?? [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? 1e-2,
      amsgrad: o.amsgrad ?? false,
      foreach: o.foreach ?? null,
      maximize: o.maximize ?? false,
      capturable: o.capturable ?? false,
    });
  }
}
