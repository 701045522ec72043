export { backward, grad, type BackwardOptions, type GradOptions } from './backward.js';
export { Function, FunctionCtx, onceDifferentiable } from './function.js';
export { gradcheck, gradgradcheck, type GradcheckOptions } from './gradcheck.js';
export { enableGrad, inferenceMode, isGradEnabled, noGrad, setGradEnabled } from './grad-mode.js';
export { detectAnomaly, setDetectAnomaly } from './anomaly.js';
export { Node } from '../tensor/graph.js';
export * as functional from './functional.js';
export { Variable } from './variable.js';
