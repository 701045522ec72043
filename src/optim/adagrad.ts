// torch.optim.Adagrad: the op sequence of PyTorch 1.13's _single_tensor_adagrad.
import { fullLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, stepAsTensor, zeroStep, type ParamGroup, type Params } from './optimizer.js';
import { checkNonNegative } from './options.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  /** Accepted for PyTorch compatibility; the single-tensor path always runs. */
  foreach?: boolean | null;
  maximize?: boolean;
}

export interface AdagradParamGroup extends ParamGroup {
  lrDecay: number;
  eps: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  maximize: boolean;
}

export type AdagradState = {
  step: Tensor;
  sum: Tensor;
};

export class Adagrad extends Optimizer<AdagradParamGroup, AdagradState> {
  protected override readonly paramShapedState = ['sum'];

  constructor(params: Params, options: AdagradOptions | number = {}) {
    const o = typeof options === 'number' ? { lr: options } : options;
    checkNonNegative('learning rate', o.lr);
    checkNonNegative('lr_decay value', o.lrDecay);
    checkNonNegative('weight_decay value', o.weightDecay);
    checkNonNegative('initial_accumulator_value value', o.initialAccumulatorValue);
    checkNonNegative('epsilon value', o.eps);
    super(params, {
      lr: o.lr ?? 1e-2,
      lrDecay: o.lrDecay ?? 0,
      eps: o.eps ?? 1e-10,
      weightDecay: o.weightDecay ?? 0,
      initialAccumulatorValue: o.initialAccumulatorValue ?? 0,
      foreach: o.foreach ?? null,
      maximize: o.maximize ?? false,
    });
    // PyTorch creates every parameter's state up front, so it is in state dicts before the first step.
    for (const group of this.paramGroups) for (const p of group.params) this.stateOf(p, () => this.initialState(p, group));
  }

  private initialState(p: Tensor, group: AdagradParamGroup): AdagradState {
    return { step: zeroStep(), sum: fullLike(p, group.initialAccumulatorValue) };
  }

  protected stepGroup(group: AdagradParamGroup): void {
    const { lr, lrDecay, eps, weightDecay, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      // Groups added after construction get their state here (PyTorch would fail with a KeyError).
      const state = this.stateOf(param, () => this.initialState(param, group));
      state.step.add_(1);
      const step = state.step.item();
      const grad = gradOf(param, maximize, weightDecay);
      const clr = lr / (1 + (step - 1) * lrDecay);
      state.sum.addcmul_(grad, grad, { value: 1 });
      const std = state.sum.sqrt().add_(eps);
      param.addcdiv_(grad, std, { value: -clr });
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    return stepAsTensor(s);
  }
}
