// torch.nn
export { Module, KeyError, type StateDict, type IncompatibleKeys, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './module.js';
export { Parameter } from './parameter.js';
export * from './modules/activation.js';
export * from './modules/batchnorm.js';
export * from './modules/container.js';
export * from './modules/conv.js';
export * from './modules/dropout.js';
export * from './modules/flatten.js';
export * from './modules/linear.js';
export * from './modules/normalization.js';
export * from './modules/pooling.js';
export * from './modules/rnn.js';
export * from './modules/sparse.js';
export * from './modules/loss.js';
export * as functional from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
