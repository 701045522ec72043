// torch.optim.Adam and AdamW: the op sequence of PyTorch 1.13's _single_tensor_adam
// and _single_tensor_adamw (bias corrections in double, as Python computes them).
import { backend } from '../backend/index.js';
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, stepAsTensor, zeroStep, type ParamGroup, type Params } from './optimizer.js';
import { betasArg, checkBetas, checkNonNegative, paramsArg, rejectUnsupported } from './options.js';

/**
 * Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
 * foreach=None, maximize=False, capturable=False, differentiable=False, fused=False).
 * foreach is accepted for PyTorch compatibility (the single-tensor path always runs).
 */
const adamArgs = signature('Adam', [
  ['params', paramsArg], ['lr', number, 1e-3], ['betas', betasArg, [0.9, 0.999]], ['eps', number, 1e-8],
  ['weightDecay', number, 0], ['amsgrad', bool, false], '*',
  ['foreach', nullable(bool), null], ['maximize', bool, false], ['capturable', bool, false],
  ['differentiable', bool, false], ['fused', bool, false],
] as const);

/**
 * AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
 * maximize=False, foreach=None, capturable=False).
 */
const adamWArgs = signature('AdamW', [
  ['params', paramsArg], ['lr', number, 1e-3], ['betas', betasArg, [0.9, 0.999]], ['eps', number, 1e-8],
  ['weightDecay', number, 1e-2], ['amsgrad', bool, false], '*',
  ['maximize', bool, false], ['foreach', nullable(bool), null], ['capturable', bool, false],
] as const);

export type AdamOptions = OptionsObjectOf<typeof adamArgs>;
export type AdamWOptions = OptionsObjectOf<typeof adamWArgs>;

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

/** PyTorch's checks on Adam's and AdamW's hyperparameters. */
function checkAdam(o: { lr: number; eps: number; betas: readonly [number, number]; weightDecay: number }): void {
  checkNonNegative('learning rate', o.lr);
  checkNonNegative('epsilon value', o.eps);
  checkBetas(o.betas);
  checkNonNegative('weight_decay value', o.weightDecay);
}

/**
 * The update below in one pass where the backend has a fused kernel for these operands
 * (float32: the scalars rounded as the ops round them), bit for bit the same values; the
 * tensors' versions advance as the sequence's in-place ops advance them. False: nothing done.
 */
function fusedStep(
  param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor,
  beta1: number, beta2: number, biasCorrection2Sqrt: number, eps: number, stepSize: number,
): boolean {
  const b = backend();
  if (b.adamStep === undefined || param.dtype !== 'float32' || grad.dtype !== 'float32') return false;
  if (expAvg.dtype !== 'float32' || expAvgSq.dtype !== 'float32') return false;
  if (!param.isContiguous() || !grad.isContiguous() || !expAvg.isContiguous() || !expAvgSq.isContiguous()) return false;
  const f = Math.fround;
  const scalars = [f(beta1), f(1 - beta1), f(beta2), f(1 - beta2), f(biasCorrection2Sqrt), f(eps), f(-stepSize)] as const;
  if (!b.adamStep(param, grad, expAvg, expAvgSq, scalars)) return false;
  param._versionCounter.value++; // addcdiv_
  expAvg._versionCounter.value += 2; // mul_, add_
  expAvgSq._versionCounter.value += 2; // mul_, addcmul_
  return true;
}

/** The shared update; AdamW decays the parameter directly instead of adding weight decay to the gradient. */
abstract class AdamBase extends Optimizer<AdamParamGroup, AdamState> {
  protected override readonly paramShapedState = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'];

  /** defaults: the hyperparameters in the order of PyTorch's defaults dict (state dicts list them so). */
  constructor(params: Params, defaults: Record<string, unknown>, private readonly decoupled: boolean) {
    super(params, defaults);
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
      const step = Number(state.step.item());
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      if (!amsgrad && fusedStep(param, grad, expAvg, expAvgSq, beta1, beta2, biasCorrection2Sqrt, eps, stepSize)) continue;

      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
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
  static override readonly args = adamArgs;

  /** `new Adam(params, 1e-3, [0.9, 0.999])` = `new Adam(params, { lr: 1e-3, betas: [0.9, 0.999] })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof adamArgs>) {
    const a = adamArgs.parse(args);
    checkAdam(a);
    rejectUnsupported(a);
    const { lr, betas, eps, weightDecay, amsgrad, maximize, foreach, capturable, differentiable, fused } = a;
    super(a.params, { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize, foreach, capturable, differentiable, fused }, false);
  }
}

export class AdamW extends AdamBase {
  static override readonly args = adamWArgs;

  /** As Adam, with weight decay applied to the parameter (default 1e-2); PyTorch's defaults order (foreach before maximize). */
  constructor(...args: ArgsOf<typeof adamWArgs>) {
    const a = adamWArgs.parse(args);
    checkAdam(a);
    rejectUnsupported(a);
    const { lr, betas, eps, weightDecay, amsgrad, foreach, maximize, capturable } = a;
    super(a.params, { lr, betas: [...betas], eps, weightDecay, amsgrad, foreach, maximize, capturable }, true);
  }
}
