// torch.optim.swa_utils as in PyTorch 1.13: AveragedModel (a running average of a model's
// weights), SWALR (anneals each group's lr to a fixed swa_lr) and update_bn (recomputes
// BatchNorm statistics for the averaged weights). As in PyTorch, this one optim file builds
// on nn: AveragedModel is a Module and update_bn runs one.
import { noGrad } from '../autograd/grad-mode.js';
import { deepcopy } from '../nn/copy.js';
import { Module } from '../nn/module.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from '../nn/modules/batchnorm.js';
import type { NormBase } from '../nn/modules/norm-base.js';
import { SyncBatchNorm } from '../nn/parallel/sync-batchnorm.js';
import { any, bool, check, deviceArg, either, func, instance, int, nullable, number, numberList, signature, type ArgsOf } from '../tensor/args.js';
import { onesLike, tensor, zerosLike } from '../tensor/create.js';
import type { DeviceLike } from '../tensor/device.js';
import type { Tensor } from '../tensor/tensor.js';
import { LRScheduler, optimizerArg, type StateField } from './lr-scheduler/scheduler.js';
import type { Optimizer } from './optimizer.js';

/** avg_fn(averaged_model_parameter, model_parameter, num_averaged) -> the new average. */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: Tensor) => Tensor;

/** AveragedModel(model, device=None, avg_fn=None, use_buffers=False) */
const averagedModelArgs = signature('AveragedModel', [
  ['model', instance(Module, 'Module')],
  ['device', nullable(deviceArg), null],
  ['avgFn', nullable(func), null],
  ['useBuffers', bool, false],
] as const);

/** The equally weighted average: averaged + (current - averaged) / (num_averaged + 1). */
const equalAverage: AvgFn = (averaged, current, numAveraged) => averaged.add(current.sub(averaged).div(numAveraged.add(1)));

/**
 * A copy of `model` whose parameters (and with `useBuffers` its buffers) hold the average of
 * the models passed to updateParameters: the first call copies them, later ones apply avgFn.
 */
export class AveragedModel extends Module {
  module: Module;
  declare n_averaged: Tensor;
  avgFn: AvgFn;
  useBuffers: boolean;

  constructor(...args: ArgsOf<typeof averagedModelArgs>) {
    super();
    const a = averagedModelArgs.parse(args);
    this.module = deepcopy(a.model);
    if (a.device !== null) this.module = this.module.to(a.device as DeviceLike);
    this.registerBuffer('n_averaged', tensor(0, { dtype: 'int64' }));
    this.avgFn = (a.avgFn as AvgFn | null) ?? equalAverage;
    this.useBuffers = a.useBuffers;
  }

  override forward(...args: unknown[]): unknown {
    return (this.module.forward as (...a: unknown[]) => unknown)(...args);
  }

  /** update_parameters(model): folds model's current weights into the average. */
  updateParameters(model: Module): void {
    if (!(model instanceof Module)) throw new TypeError(`updateParameters(): argument 'model' must be a Module, not ${typeof model}`);
    const mine = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : [...this.parameters()];
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : [...model.parameters()];
    // zip: as many pairs as the shorter list
    for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
      const current = theirs[i].detach();
      if (Number(this.n_averaged.item()) === 0) mine[i].detach().copy_(current);
      else mine[i].detach().copy_(this.avgFn(mine[i].detach(), current, this.n_averaged));
    }
    this.n_averaged.add_(1);
  }
}

// PyTorch's _BatchNorm: the BatchNorm layers and SyncBatchNorm (not the instance norms).
const isBatchNorm = (m: Module): m is NormBase =>
  m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof BatchNorm3d || m instanceof SyncBatchNorm;

/** update_bn(loader, model, device=None) */
const updateBnArgs = signature('updateBn', [
  ['loader', check<Iterable<unknown>>('an iterable of batches', (v) => v !== null && typeof v === 'object' && Symbol.iterator in v)],
  ['model', instance(Module, 'Module')],
  ['device', nullable(deviceArg), null],
] as const);

/**
 * update_bn(loader, model, device=None): one pass of `loader` (each batch a tensor, or an
 * array whose first element is the input) through `model` in training mode, its BatchNorm
 * layers' running statistics reset and accumulated as a cumulative average (momentum None),
 * without gradients; the layers' momentum and the model's mode are restored after.
 */
export function updateBn(...args: ArgsOf<typeof updateBnArgs>): void {
  const { loader, model, device } = updateBnArgs.parse(args);
  noGrad(() => {
    const momenta = new Map<NormBase, number | null>();
    for (const m of model.modules()) {
      if (!isBatchNorm(m)) continue;
      m.running_mean = zerosLike(m.running_mean as Tensor);
      m.running_var = onesLike(m.running_var as Tensor);
      momenta.set(m, m.momentum);
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const m of momenta.keys()) {
      m.momentum = null;
      (m.num_batches_tracked as Tensor).mul_(0);
    }
    for (let input of loader) {
      if (Array.isArray(input)) input = input[0];
      if (device !== null) input = (input as Tensor).to(device as DeviceLike);
      (model.forward as (x: unknown) => unknown)(input);
    }
    for (const [m, momentum] of momenta) m.momentum = momentum;
    model.train(wasTraining);
  });
}

/** SWALR(optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos', last_epoch=-1) */
const swalrArgs = signature('SWALR', [
  ['optimizer', optimizerArg],
  ['swaLr', either(number, numberList)],
  ['annealEpochs', any, 10],
  ['annealStrategy', any, 'cos'],
  ['lastEpoch', int, -1],
] as const);

/**
 * Anneals each group's lr from its value to swaLr over annealEpochs steps (cosine or linear),
 * then holds it; the group's target is kept in its swaLr entry (PyTorch's 'swa_lr').
 */
export class SWALR extends LRScheduler {
  annealFunc: (t: number) => number;
  annealEpochs: number;

  constructor(...args: ArgsOf<typeof swalrArgs>) {
    const a = swalrArgs.parse(args);
    const groups = (a.optimizer as Optimizer).paramGroups;
    let swaLrs: readonly number[];
    if (Array.isArray(a.swaLr)) {
      if (a.swaLr.length !== groups.length) {
        throw new RangeError(`swa_lr must have the same length as optimizer.param_groups: swa_lr has ${a.swaLr.length}, optimizer.param_groups has ${groups.length}`);
      }
      swaLrs = a.swaLr;
    } else {
      swaLrs = groups.map(() => a.swaLr as number);
    }
    groups.forEach((group, i) => (group.swaLr = swaLrs[i]));
    if (a.annealStrategy !== 'cos' && a.annealStrategy !== 'linear') {
      throw new RangeError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(a.annealStrategy)}`);
    }
    if (!Number.isInteger(a.annealEpochs) || (a.annealEpochs as number) < 0) {
      throw new RangeError(`anneal_epochs must be equal or greater than 0, got ${String(a.annealEpochs)}`);
    }
    super(a.optimizer, a.lastEpoch);
    this.annealFunc = a.annealStrategy === 'cos' ? (t) => (1 - Math.cos(Math.PI * t)) / 2 : (t) => t;
    this.annealEpochs = a.annealEpochs as number;
    this.initialStep();
  }

  // (PyTorch's state_dict also holds anneal_func, a function; the strategy is fixed at construction.)
  protected ownState(): StateField[] {
    return ['anneal_epochs'];
  }

  protected computeLr(): number[] {
    let step = this._stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const clamp = (t: number) => Math.max(0, Math.min(1, t));
    const prevAlpha = this.annealFunc(clamp((step - 1) / Math.max(1, this.annealEpochs)));
    const alpha = this.annealFunc(clamp(step / Math.max(1, this.annealEpochs)));
    return this.optimizer.paramGroups.map((group) => {
      const swaLr = group.swaLr as number;
      const lr = prevAlpha === 1 ? swaLr : (group.lr - prevAlpha * swaLr) / (1 - prevAlpha);
      return swaLr * alpha + lr * (1 - alpha);
    });
  }
}
