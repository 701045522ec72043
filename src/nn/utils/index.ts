export { clipGradNorm_, clipGradValue_ } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export { weightNorm, removeWeightNorm } from './weight-norm.js';
export { spectralNorm, removeSpectralNorm } from './spectral-norm.js';
