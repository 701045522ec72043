// torch.optim.SGD: the op sequence of PyTorch 1.13's _single_tensor_sgd.
import type { Tensor } from '../tensor/tensor.js';
import { gradOf, Optimizer, required, type ParamGroup, type Params } from './optimizer.js';
import { checkNonNegative, rejectUnsupported } from './options.js';

export interface SGDOptions {
  /** Learning rate (required: here, in every group, or as the second argument). */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** Accepted for PyTorch compatibility; the single-tensor path always runs. */
  foreach?: boolean | null;
  differentiable?: boolean;
}

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

export class SGD extends Optimizer<SGDParamGroup, SGDState> {
  protected override readonly paramShapedState = ['momentum_buffer'];

  /** `new SGD(params, 0.01)` or `new SGD(params, { lr: 0.01, momentum: 0.9 })`. */
  constructor(params: Params, options: SGDOptions | number = {}) {
    const o = typeof options === 'number' ? { lr: options } : options;
    const lr = o.lr ?? required;
    if (lr !== required && lr < 0) throw new RangeError(`Invalid learning rate: ${lr}`);
    checkNonNegative('momentum value', o.momentum);
    checkNonNegative('weight_decay value', o.weightDecay);
    rejectUnsupported(o);
    const defaults = {
      lr,
      momentum: o.momentum ?? 0,
      dampening: o.dampening ?? 0,
      weightDecay: o.weightDecay ?? 0,
      nesterov: o.nesterov ?? false,
      maximize: o.maximize ?? false,
      foreach: o.foreach ?? null,
      differentiable: o.differentiable ?? false,
    };
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    }
    super(params, defaults);
  }

  protected stepGroup(group: SGDParamGroup): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ momentum_buffer: null }));
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
