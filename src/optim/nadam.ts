// torch.optim.NAdam: the op sequence of PyTorch 1.13's _single_tensor_nadam. mu_product
// is a 0-d float32 tensor (products rounded to float32, as in PyTorch).
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, stepAsTensor, zeroStep, type ParamGroup } from './optimizer.js';
import { betasArg, checkBetas, checkNonNegative, paramsArg } from './options.js';

/**
 * NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
 * foreach=None). PyTorch 1.13's NAdam has no maximize option; foreach is accepted for compatibility.
 */
const nadamArgs = signature('NAdam', [
  ['params', paramsArg], ['lr', number, 2e-3], ['betas', betasArg, [0.9, 0.999]], ['eps', number, 1e-8],
  ['weightDecay', number, 0], ['momentumDecay', number, 4e-3], ['foreach', nullable(bool), null],
] as const);

export type NAdamOptions = OptionsObjectOf<typeof nadamArgs>;

export interface NAdamParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
}

/** step and mu_product are 0-d float32 tensors, as PyTorch 1.13 keeps them. */
export type NAdamState = {
  step: Tensor;
  mu_product: Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
};

export class NAdam extends Optimizer<NAdamParamGroup, NAdamState> {
  static override readonly args = nadamArgs;
  protected override readonly paramShapedState = ['exp_avg', 'exp_avg_sq'];

  /** `new NAdam(params, 2e-3, [0.9, 0.999])` = `new NAdam(params, { lr: 2e-3, betas: [0.9, 0.999] })`. */
  constructor(...args: ArgsOf<typeof nadamArgs>) {
    const { params, lr, betas, eps, weightDecay, momentumDecay, foreach } = nadamArgs.parse(args);
    checkNonNegative('learning rate', lr);
    checkNonNegative('epsilon value', eps);
    checkBetas(betas);
    checkNonNegative('weight_decay value', weightDecay);
    checkNonNegative('momentum_decay value', momentumDecay);
    super(params, { lr, betas: [...betas], eps, weightDecay, momentumDecay, foreach });
  }

  protected stepGroup(group: NAdamParamGroup): void {
    const { lr, eps, weightDecay, momentumDecay } = group;
    const [beta1, beta2] = group.betas;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({
        step: zeroStep(),
        mu_product: zeroStep().fill_(1),
        exp_avg: zerosLike(param),
        exp_avg_sq: zerosLike(param),
      }));
      const { exp_avg: expAvg, exp_avg_sq: expAvgSq, mu_product: muProduct } = state;
      state.step.add_(1);
      const step = Number(state.step.item());
      const biasCorrection2 = 1 - beta2 ** step;
      let grad = param.grad;
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      // the momentum cache mu^t and mu^(t+1)
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      muProduct.mul_(mu);
      const muProductNext = muProduct.mul(mu).mul(muNext);
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const denom = expAvgSq.div(biasCorrection2).sqrt().add_(eps);
      param.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - Number(muProduct.item())) });
      param.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - Number(muProductNext.item())) });
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    const out = stepAsTensor(s);
    if (typeof out.mu_product === 'number') out.mu_product = zeroStep().fill_(out.mu_product);
    return out;
  }
}
