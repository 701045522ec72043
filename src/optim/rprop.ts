// torch.optim.Rprop: the op sequence of PyTorch 1.13's _single_tensor_rprop.
import { bool, nullable, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import { fullLike, zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup } from './optimizer.js';
import { betasArg, checkNonNegative, paramsArg } from './options.js';

/**
 * Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), foreach=None, maximize=False):
 * all positional in PyTorch 1.13. foreach is accepted for PyTorch compatibility.
 */
const rpropArgs = signature('Rprop', [
  ['params', paramsArg], ['lr', number, 1e-2], ['etas', betasArg, [0.5, 1.2]], ['stepSizes', betasArg, [1e-6, 50]],
  ['foreach', nullable(bool), null], ['maximize', bool, false],
] as const);

export type RpropOptions = OptionsObjectOf<typeof rpropArgs>;

export interface RpropParamGroup extends ParamGroup {
  etas: [number, number];
  stepSizes: [number, number];
  maximize: boolean;
}

/** step is a plain number (PyTorch 1.13's Rprop keeps a Python int). */
export type RpropState = {
  step: number;
  prev: Tensor;
  step_size: Tensor;
};

export class Rprop extends Optimizer<RpropParamGroup, RpropState> {
  static override readonly args = rpropArgs;
  protected override readonly paramShapedState = ['prev', 'step_size'];

  /** `new Rprop(params, 0.01, [0.5, 1.2])` = `new Rprop(params, { lr: 0.01, etas: [0.5, 1.2] })`, as in PyTorch. */
  constructor(...args: ArgsOf<typeof rpropArgs>) {
    const { params, lr, etas, stepSizes, foreach, maximize } = rpropArgs.parse(args);
    checkNonNegative('learning rate', lr);
    if (!(etas[0] > 0 && etas[0] < 1 && etas[1] > 1)) throw new RangeError(`Invalid eta values: ${etas[0]}, ${etas[1]}`);
    super(params, { lr, etas: [...etas], stepSizes: [...stepSizes], foreach, maximize });
  }

  protected stepGroup(group: RpropParamGroup): void {
    const [etaminus, etaplus] = group.etas;
    const [stepSizeMin, stepSizeMax] = group.stepSizes;
    for (const param of group.params) {
      if (param.grad === null) continue;
      const state = this.stateOf(param, () => ({ step: 0, prev: zerosLike(param), step_size: fullLike(param, group.lr) }));
      state.step += 1;
      let grad = group.maximize ? param.grad.neg() : param.grad;
      const { prev, step_size: stepSize } = state;
      // sign of grad * prev -> etaplus (> 0), etaminus (< 0) or 1 (= 0), in the parameter's dtype
      const sign = grad.mul(prev).sign();
      const factor = sign.maskedFill(sign.gt(0), etaplus).maskedFill(sign.lt(0), etaminus).maskedFill(sign.eq(0), 1);
      stepSize.mul_(factor).clamp_(stepSizeMin, stepSizeMax);
      // where the gradient changed sign (PyTorch's sign.eq(etaminus)) it counts as zero: no step, no sign memory
      grad = grad.maskedFill(sign.lt(0), 0);
      param.addcmul_(grad.sign(), stepSize, { value: -1 });
      prev.copy_(grad);
    }
  }
}
