// torch.optim.Adadelta: the op sequence of PyTorch 1.13's _single_tensor_adadelta.
import { backend } from '../backend/index.js';
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, type ParamGroup } from './optimizer.js';
import { checkNonNegative, paramsArg } from './options.js';

/**
 * Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, maximize=False).
 * foreach is accepted for PyTorch compatibility (the single-tensor path always runs).
 */
const adadeltaArgs = signature('Adadelta', [
  ['params', paramsArg], ['lr', number, 1.0], ['rho', number, 0.9], ['eps', number, 1e-6], ['weightDecay', number, 0],
  ['foreach', nullable(bool), null], '*', ['maximize', bool, false],
] as const);

export type AdadeltaOptions = OptionsObjectOf<typeof adadeltaArgs>;

export interface AdadeltaParamGroup extends ParamGroup {
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** step is a plain number (PyTorch 1.13's Adadelta keeps a Python int). */
export type AdadeltaState = {
  step: number;
  square_avg: Tensor;
  acc_delta: Tensor;
};

export class Adadelta extends Optimizer<AdadeltaParamGroup, AdadeltaState> {
  static override readonly args = adadeltaArgs;
  protected override readonly paramShapedState = ['square_avg', 'acc_delta'];

  /** `new Adadelta(params, 1.0, 0.9)` = `new Adadelta(params, { lr: 1.0, rho: 0.9 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof adadeltaArgs>) {
    const { params, lr, rho, eps, weightDecay, foreach, maximize } = adadeltaArgs.parse(args);
    checkNonNegative('learning rate', lr);
    if (!(rho >= 0 && rho <= 1)) throw new RangeError(`Invalid rho value: ${rho}`);
    checkNonNegative('epsilon value', eps);
    checkNonNegative('weight_decay value', weightDecay);
    super(params, { lr, rho, eps, weightDecay, maximize, foreach });
  }

  protected stepGroup(group: AdadeltaParamGroup): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ step: 0, square_avg: zerosLike(param), acc_delta: zerosLike(param) }));
      state.step += 1;
      const grad = gradOf(param, maximize, weightDecay);
      const { square_avg: squareAvg, acc_delta: accDelta } = state;
      if (fusable(param, grad, squareAvg, accDelta)) {
        // The op sequence below as one backend call (one pass over the four tensors).
        backend().adadelta(param, grad, squareAvg, accDelta, lr, rho, eps);
        for (const t of [param, squareAvg, accDelta]) t._versionCounter.value++;
        continue;
      }
      squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
      const std = squareAvg.add(eps).sqrt_();
      const delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad);
      accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
      param.add_(delta, { alpha: -lr });
    }
  }
}

/** Contiguous float tensors of one dtype and shape, in distinct memory (Backend.adadelta's terms). */
function fusable(param: Tensor, grad: Tensor, squareAvg: Tensor, accDelta: Tensor): boolean {
  const ts = [param, grad, squareAvg, accDelta];
  if (param.dtype !== 'float32' && param.dtype !== 'float64') return false;
  for (const t of ts) {
    if (t.dtype !== param.dtype || !t.isContiguous() || t.shape.length !== param.shape.length) return false;
    if (t.shape.some((s, d) => s !== param.shape[d])) return false;
  }
  return new Set(ts.map((t) => t._storage)).size === ts.length;
}
