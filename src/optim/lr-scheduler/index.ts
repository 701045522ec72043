// torch.optim.lr_scheduler
export { LRScheduler, type SchedulerOptions } from './scheduler.js';
export {
  StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR,
  type StepLROptions, type MultiStepLROptions, type ExponentialLROptions, type CosineAnnealingLROptions, type LambdaLROptions, type LrLambda,
} from './basic.js';
export { OneCycleLR, type OneCycleLROptions, type SchedulePhase } from './one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export {
  ConstantLR, LinearLR, MultiplicativeLR, PolynomialLR,
  type ConstantLROptions, type LinearLROptions, type MultiplicativeLROptions, type PolynomialLROptions,
} from './warmup.js';
export { CyclicLR, type CyclicLROptions, type ScaleFn } from './cyclic.js';
export { CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from './warm-restarts.js';
export { SequentialLR, ChainedScheduler, type SequentialLROptions } from './composite.js';
