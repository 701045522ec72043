// torch.optim.Adagrad: the op sequence of PyTorch 1.13's _single_tensor_adagrad.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { fullLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, stepAsTensor, zeroStep, type ParamGroup } from './optimizer.js';
import { checkNonNegative, paramsArg } from './options.js';

/**
 * Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
 * foreach=None, *, maximize=False). foreach is accepted for PyTorch compatibility.
 */
const adagradArgs = signature('Adagrad', [
  ['params', paramsArg], ['lr', number, 1e-2], ['lrDecay', number, 0], ['weightDecay', number, 0],
  ['initialAccumulatorValue', number, 0], ['eps', number, 1e-10], ['foreach', nullable(bool), null], '*',
  ['maximize', bool, false],
] as const);

export type AdagradOptions = OptionsObjectOf<typeof adagradArgs>;

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
  static override readonly args = adagradArgs;

  /** `new Adagrad(params, 0.1, 0.01)` = `new Adagrad(params, { lr: 0.1, lrDecay: 0.01 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof adagradArgs>) {
    const { params, lr, lrDecay, weightDecay, initialAccumulatorValue, eps, foreach, maximize } = adagradArgs.parse(args);
    checkNonNegative('learning rate', lr);
    checkNonNegative('lr_decay value', lrDecay);
    checkNonNegative('weight_decay value', weightDecay);
    checkNonNegative('initial_accumulator_value value', initialAccumulatorValue);
    checkNonNegative('epsilon value', eps);
    super(params, { lr, lrDecay, eps, weightDecay, initialAccumulatorValue, foreach, maximize });
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
      const step = Number(state.step.item());
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
