// torch.optim.RAdam: the op sequence of PyTorch 1.13's _single_tensor_radam.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, stepAsTensor, zeroStep, type ParamGroup } from './optimizer.js';
import { betasArg, checkBetas, checkNonNegative, paramsArg } from './options.js';

/**
 * RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None).
 * PyTorch 1.13's RAdam has no maximize option; foreach is accepted for compatibility.
 */
const radamArgs = signature('RAdam', [
  ['params', paramsArg], ['lr', number, 1e-3], ['betas', betasArg, [0.9, 0.999]], ['eps', number, 1e-8],
  ['weightDecay', number, 0], ['foreach', nullable(bool), null],
] as const);

export type RAdamOptions = OptionsObjectOf<typeof radamArgs>;

export interface RAdamParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** step is a float32 0-d tensor, as PyTorch 1.13 keeps it. */
export type RAdamState = {
  step: Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
};

export class RAdam extends Optimizer<RAdamParamGroup, RAdamState> {
  static override readonly args = radamArgs;
  protected override readonly paramShapedState = ['exp_avg', 'exp_avg_sq'];

  /** `new RAdam(params, 1e-3, [0.9, 0.999])` = `new RAdam(params, { lr: 1e-3, betas: [0.9, 0.999] })`. */
  constructor(...args: ArgsOf<typeof radamArgs>) {
    const { params, lr, betas, eps, weightDecay, foreach } = radamArgs.parse(args);
    checkNonNegative('learning rate', lr);
    checkNonNegative('epsilon value', eps);
    checkBetas(betas);
    checkNonNegative('weight_decay value', weightDecay);
    super(params, { lr, betas: [...betas], eps, weightDecay, foreach });
  }

  protected stepGroup(group: RAdamParamGroup): void {
    const { lr, eps, weightDecay } = group;
    const [beta1, beta2] = group.betas;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ step: zeroStep(), exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) }));
      const { exp_avg: expAvg, exp_avg_sq: expAvgSq } = state;
      state.step.add_(1);
      const step = Number(state.step.item());
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      let grad = param.grad;
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const biasCorrectedExpAvg = expAvg.div(biasCorrection1);
      // the maximum length of the approximated SMA, and its length at this step
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        // math.sqrt(bias_correction2) / tensor is tensor.reciprocal() * sqrt(...) in Python
        const adaptiveLr = expAvgSq.sqrt().add_(eps).reciprocal().mul(Math.sqrt(biasCorrection2));
        param.add_(biasCorrectedExpAvg.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
      } else {
        param.add_(biasCorrectedExpAvg.mul(lr), { alpha: -1 });
      }
    }
  }

  protected override normalizeState(s: Record<string, unknown>): Record<string, unknown> {
    return stepAsTensor(s);
  }
}
