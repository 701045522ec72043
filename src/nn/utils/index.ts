export { clipGradNorm_, clipGradValue_ } from './clip-grad.js';
export * as rnn from './rnn.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export { weightNorm, removeWeightNorm } from './weight-norm.js';
export { spectralNorm, removeSpectralNorm } from './spectral-norm.js';
export * as parametrize from './parametrize.js';
export * as parametrizations from './parametrizations.js';
export * as stateless from './stateless.js';
export * as prune from './prune.js';
