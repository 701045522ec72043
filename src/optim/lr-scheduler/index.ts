// torch.optim.lr_scheduler
export { LRScheduler, type SchedulerOptions } from './scheduler.js';
export { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, type GammaOptions, type CosineAnnealingOptions, type LrLambda } from './basic.js';
export { OneCycleLR, type OneCycleOptions, type SchedulePhase } from './one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
