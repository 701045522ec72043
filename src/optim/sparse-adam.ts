// torch.optim.SparseAdam (PyTorch 1.13): Adam for sparse gradients (nn.Embedding with
// sparse=True). torchlette has no sparse tensors, so every gradient is dense and step()
// raises PyTorch's error for a dense gradient; construction, param groups, state dicts
// and repr behave as PyTorch's.
import { bool, number, signature, type ArgsOf, type OptionsObjectOf } from '../tensor/args.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup } from './optimizer.js';
import { betasArg, checkBetas, paramsArg } from './options.js';

/** SparseAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False): all positional in PyTorch 1.13. */
const sparseAdamArgs = signature('SparseAdam', [
  ['params', paramsArg], ['lr', number, 1e-3], ['betas', betasArg, [0.9, 0.999]], ['eps', number, 1e-8], ['maximize', bool, false],
] as const);

export type SparseAdamOptions = OptionsObjectOf<typeof sparseAdamArgs>;

export interface SparseAdamParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  maximize: boolean;
}

/** PyTorch's layout (step a Python int); never filled here, as no step can run. */
export type SparseAdamState = {
  step: number;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
};

export class SparseAdam extends Optimizer<SparseAdamParamGroup, SparseAdamState> {
  static override readonly args = sparseAdamArgs;
  protected override readonly paramShapedState = ['exp_avg', 'exp_avg_sq'];

  constructor(...args: ArgsOf<typeof sparseAdamArgs>) {
    const { params, lr, betas, eps, maximize } = sparseAdamArgs.parse(args);
    if (!(lr > 0)) throw new RangeError(`Invalid learning rate: ${lr}`);
    if (!(eps > 0)) throw new RangeError(`Invalid epsilon value: ${eps}`);
    checkBetas(betas);
    super(params, { lr, betas: [...betas], eps, maximize });
  }

  protected stepGroup(group: SparseAdamParamGroup): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      throw new Error(
        'SparseAdam does not support dense gradients, please consider Adam instead (torchlette has no sparse gradients: every gradient is dense)',
      );
    }
  }
}
