// torch.optim
export { Optimizer, required, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type Params } from './optimizer.js';
export { SGD, type SGDOptions, type SGDParamGroup, type SGDState } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamWOptions, type AdamParamGroup, type AdamState } from './adam.js';
export { Adagrad, type AdagradOptions, type AdagradParamGroup, type AdagradState } from './adagrad.js';
export { RMSprop, type RMSpropOptions, type RMSpropParamGroup, type RMSpropState } from './rmsprop.js';
export * as lrScheduler from './lr-scheduler/index.js';
