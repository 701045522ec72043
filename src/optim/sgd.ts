// torch.optim.SGD: the op sequence of PyTorch 1.13's _single_tensor_sgd.
import { backend } from '../backend/index.js';
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, required, type ParamGroup } from './optimizer.js';
import { checkNonNegative, paramsArg, rejectUnsupported } from './options.js';

/**
 * SGD(params, lr=required, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
 * maximize=False, foreach=None, differentiable=False). lr is required here or in every
 * group; foreach is accepted for PyTorch compatibility (the single-tensor path always runs).
 */
const sgdArgs = signature('SGD', [
  ['params', paramsArg], ['lr', number, required], ['momentum', number, 0], ['dampening', number, 0],
  ['weightDecay', number, 0], ['nesterov', bool, false], '*',
  ['maximize', bool, false], ['foreach', nullable(bool), null], ['differentiable', bool, false],
] as const);

export type SGDOptions = OptionsObjectOf<typeof sgdArgs>;

export interface SGDParamGroup extends ParamGroup {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** momentum_buffer is null until the parameter has stepped with momentum (PyTorch stores None). */
export type SGDState = {
  momentum_buffer: Tensor | null;
};

/**
 * The momentum update below in one pass where the backend has a fused kernel for these
 * operands (float32, dense; the scalars rounded as the ops round them), bit for bit the
 * same values; the tensors' versions advance as the sequence's in-place ops advance them.
 * False: nothing done.
 */
function fusedStep(param: Tensor, buf: Tensor, group: SGDParamGroup): boolean {
  const b = backend();
  const grad = param.grad as Tensor;
  if (b.sgdStep === undefined || param.dtype !== 'float32' || grad.dtype !== 'float32' || buf.dtype !== 'float32') return false;
  if (!param.isContiguous() || !grad.isContiguous() || !buf.isContiguous()) return false;
  const f = Math.fround;
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
  const scalars = [f(weightDecay), f(momentum), f(1 - dampening), f(-lr), maximize ? 1 : 0, nesterov ? 1 : 0] as const;
  if (!b.sgdStep(param, grad, buf, scalars)) return false;
  buf._versionCounter.value += 2; // mul_, add_
  param._versionCounter.value++; // add_
  return true;
}

export class SGD extends Optimizer<SGDParamGroup, SGDState> {
  static override readonly args = sgdArgs;
  protected override readonly paramShapedState = ['momentum_buffer'];

  /** `new SGD(params, 0.01, 0.9)` = `new SGD(params, { lr: 0.01, momentum: 0.9 })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof sgdArgs>) {
    const { params, lr, momentum, dampening, weightDecay, nesterov, maximize, foreach, differentiable } = sgdArgs.parse(args);
    if ((lr as unknown) !== required && lr < 0) throw new RangeError(`Invalid learning rate: ${lr}`);
    checkNonNegative('momentum value', momentum);
    checkNonNegative('weight_decay value', weightDecay);
    rejectUnsupported({ differentiable });
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize, foreach, differentiable });
  }

  protected stepGroup(group: SGDParamGroup): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ momentum_buffer: null }));
      const buf0 = state.momentum_buffer;
      if (momentum !== 0 && buf0 !== null && fusedStep(param, buf0, group)) continue;
      let dp = gradOf(param, maximize, weightDecay);
      if (momentum !== 0) {
        let buf = state.momentum_buffer;
        if (buf === null) {
          buf = state.momentum_buffer = dp.clone().detach();
        } else {
          buf.mul_(momentum).add_(dp, { alpha: 1 - dampening });
        }
        dp = nesterov ? dp.add(buf, { alpha: momentum }) : buf;
      }
      param.add_(dp, { alpha: -lr });
    }
  }
}
