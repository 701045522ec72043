// torch.optim
export { Optimizer, required, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type Params } from './optimizer.js';
export { SGD, type SGDOptions, type SGDParamGroup, type SGDState } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamWOptions, type AdamParamGroup, type AdamState } from './adam.js';
export { Adagrad, type AdagradOptions, type AdagradParamGroup, type AdagradState } from './adagrad.js';
export { RMSprop, type RMSpropOptions, type RMSpropParamGroup, type RMSpropState } from './rmsprop.js';
export * as lrScheduler from './lr-scheduler/index.js';
export { Adadelta, type AdadeltaOptions, type AdadeltaParamGroup, type AdadeltaState } from './adadelta.js';
export { Adamax, type AdamaxOptions, type AdamaxParamGroup, type AdamaxState } from './adamax.js';
export { ASGD, type ASGDOptions, type ASGDParamGroup, type ASGDState } from './asgd.js';
export { NAdam, type NAdamOptions, type NAdamParamGroup, type NAdamState } from './nadam.js';
export { RAdam, type RAdamOptions, type RAdamParamGroup, type RAdamState } from './radam.js';
export { Rprop, type RpropOptions, type RpropParamGroup, type RpropState } from './rprop.js';
export { LBFGS, type LBFGSOptions, type LBFGSParamGroup, type LBFGSState } from './lbfgs.js';
export { SparseAdam, type SparseAdamOptions, type SparseAdamParamGroup, type SparseAdamState } from './sparse-adam.js';
export * as swaUtils from './swa-utils.js';
