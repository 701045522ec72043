// nn.SyncBatchNorm: batch normalisation whose training-mode statistics are those of the whole
// batch across the processes of a group (torch.nn.SyncBatchNorm and torch/nn/modules/_functions.py's
// SyncBatchNorm function): each process computes its per-channel mean and inverse std, all-gathers
// them with its sample count, combines them into the global mean and variance (updating the running
// statistics with the unbiased global variance), and in backward all-reduces the per-channel sums of
// grad and grad * (x - mean). Eval mode, or a group of one process, is plain batch norm. PyTorch
// 1.13 accepts only CUDA inputs here; this is the CPU path later PyTorch releases added.
import { Function, type FunctionCtx } from '../../autograd/function.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { allGather, allReduce, getWorldSize, ProcessGroup } from '../../distributed/index.js';
import { bool, check, checkTensor, deviceArg, dtype, int, nullable, number, signature, type ArgsOf } from '../../tensor/args.js';
import { full } from '../../tensor/create.js';
import { cat } from '../../ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from '../modules/batchnorm.js';
import { batchNormStep, NormBase } from '../modules/norm-base.js';

const groupArg = check<ProcessGroup>('a ProcessGroup', (v) => v instanceof ProcessGroup);
const syncBatchNormArgs = signature('SyncBatchNorm', [
  ['numFeatures', int],
  ['eps', number, 1e-5],
  ['momentum', nullable(number), 0.1],
  ['affine', bool, true],
  ['trackRunningStats', bool, true],
  ['processGroup', nullable(groupArg), null],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtype), null],
] as const);
const convertArgs = signature('convert_sync_batchnorm', [['module', check<Module>('a Module', (v) => v instanceof Module)], ['processGroup', nullable(groupArg), null]] as const);

/** [N, C, *] as [C, N * prod(*)]: one row of samples per channel. */
const perChannel = (x: Tensor): Tensor => x.transpose(0, 1).reshape([x.shape[1], -1]);
/** A per-channel [C] vector shaped to broadcast against [N, C, *]. */
const channelShape = (v: Tensor, x: Tensor): Tensor => v.reshape([1, -1, ...Array(x.dim() - 2).fill(1)]);

class SyncBatchNormFunction extends Function {
  static forward(
    ctx: FunctionCtx, input: Tensor, weight: Tensor | null, bias: Tensor | null, runningMean: Tensor | null, runningVar: Tensor | null,
    eps: number, momentum: number, group: ProcessGroup | null, worldSize: number,
  ): Tensor {
    const c = input.shape[1];
    const xc = perChannel(input);
    const local = xc.shape[1];
    // batch_norm_stats: the local mean and biased inverse std (zeros for an empty local batch)
    const mean = local > 0 ? xc.mean(1) : xc.newZeros([c]);
    const invstd = local > 0 ? xc.sub(mean.unsqueeze(1)).pow(2).mean(1).add(eps).rsqrt() : xc.newZeros([c]);
    const combined = cat([mean, invstd, full([1], local, { dtype: mean.dtype })]);
    const gathered = Array.from({ length: worldSize }, () => combined.newEmpty(combined.shape));
    allGather(gathered, combined, group);
    // batch_norm_gather_stats_with_counts: the global mean and biased variance from each process's share
    const all = cat(gathered.map((g) => g.unsqueeze(0)));
    const counts = all.narrow(1, 2 * c, 1);
    const total = counts.sum().item() as number;
    if (total <= 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size ${total}`);
    const means = all.narrow(1, 0, c);
    const vars = all.narrow(1, c, c).pow(-2).sub(eps).mul(counts.gt(0));
    const globalMean = means.mul(counts).sum(0).div(total);
    const globalVar = vars.add(means.sub(globalMean).pow(2)).mul(counts).sum(0).div(total);
    if (runningMean !== null) runningMean.mul_(1 - momentum).add_(globalMean, { alpha: momentum });
    if (runningVar !== null) runningVar.mul_(1 - momentum).add_(globalVar.mul(total / (total - 1)), { alpha: momentum });
    const globalInvstd = globalVar.add(eps).rsqrt();
    ctx.saveForBackward(input, globalMean, globalInvstd);
    ctx.values.weight = weight;
    ctx.values.total = total;
    ctx.values.group = group;
    // batch_norm_elemt
    let out = input.sub(channelShape(globalMean, input)).mul(channelShape(globalInvstd, input));
    if (weight !== null) out = out.mul(channelShape(weight, input));
    if (bias !== null) out = out.add(channelShape(bias, input));
    return out;
  }

  static backward(ctx: FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    const [input, mean, invstd] = ctx.savedTensors;
    const weight = ctx.values.weight as Tensor | null;
    const total = ctx.values.total as number;
    const [needInput, needWeight, needBias] = ctx.needsInputGrad;
    // batch_norm_backward_reduce: per-channel sums over the local batch
    const dy = perChannel(gradOutput);
    const xmu = perChannel(input).sub(mean.unsqueeze(1));
    let sumDy = dy.sum(1);
    let sumDyXmu = dy.mul(xmu).sum(1);
    const gradWeight = needWeight ? sumDyXmu.mul(invstd) : null;
    const gradBias = needBias ? sumDy.clone() : null;
    let gradInput: Tensor | null = null;
    if (needInput) {
      const c = mean.shape[0];
      const sums = cat([sumDy, sumDyXmu]);
      allReduce(sums, undefined, ctx.values.group as ProcessGroup | null);
      sumDy = sums.narrow(0, 0, c);
      sumDyXmu = sums.narrow(0, c, c);
      // batch_norm_backward_elemt
      const meanDy = channelShape(sumDy.div(total), input);
      const meanDyXmu = channelShape(sumDyXmu.div(total), input);
      const inv = channelShape(invstd, input);
      const centred = input.sub(channelShape(mean, input));
      gradInput = gradOutput.sub(meanDy).sub(centred.mul(inv.pow(2)).mul(meanDyXmu)).mul(inv);
      if (weight !== null) gradInput = gradInput.mul(channelShape(weight, input));
    }
    return [gradInput, gradWeight, gradBias, null, null, null, null, null, null];
  }
}

/** torch.nn.SyncBatchNorm(num_features, eps, momentum, affine, track_running_stats, process_group, device, dtype). */
export class SyncBatchNorm extends NormBase {
  processGroup: ProcessGroup | null;

  constructor(...args: ArgsOf<typeof syncBatchNormArgs>) {
    const a = syncBatchNormArgs.parse(args);
    super(a);
    this.processGroup = a.processGroup;
  }

  override forward(input: Tensor): Tensor {
    checkTensor('SyncBatchNorm.forward', 'input', 1, input);
    if (input.dim() < 2) throw new RangeError(`expected at least 2D input (got ${input.dim()}D input)`);
    if (input.shape[1] === 0) throw new RangeError('SyncBatchNorm number of input channels should be non-zero');
    const { runningMean, runningVar, useBatchStats, factor } = batchNormStep(this);
    const worldSize = useBatchStats && this.training ? getWorldSize(this.processGroup) : 1;
    if (worldSize <= 1) return F.batchNorm(input, runningMean, runningVar, this.weight, this.bias, useBatchStats, factor, this.eps);
    return SyncBatchNormFunction.apply(input, this.weight, this.bias, runningMean, runningVar, this.eps, factor, this.processGroup, worldSize);
  }

  /**
   * convert_sync_batchnorm(module, process_group=None): every BatchNorm1d/2d/3d in `module`
   * replaced by a SyncBatchNorm sharing its parameters and running statistics (the module itself
   * when it is one); returns the converted module.
   */
  static convertSyncBatchnorm(...args: ArgsOf<typeof convertArgs>): Module {
    const { module, processGroup } = convertArgs.parse(args);
    return convert(module, processGroup);
  }
}

function convert(module: Module, processGroup: ProcessGroup | null): Module {
  let out = module;
  if (module instanceof BatchNorm1d || module instanceof BatchNorm2d || module instanceof BatchNorm3d) {
    const sync = new SyncBatchNorm(module.numFeatures, module.eps, module.momentum, module.affine, module.trackRunningStats, processGroup);
    noGrad(() => {
      if (module.affine) {
        sync.weight = module.weight;
        sync.bias = module.bias;
      }
    });
    sync.running_mean = module.running_mean;
    sync.running_var = module.running_var;
    sync.num_batches_tracked = module.num_batches_tracked;
    sync.training = module.training;
    out = sync;
  }
  for (const [name, child] of [...module.namedChildren()]) out.addModule(name, convert(child, processGroup));
  return out;
}
