// nn.Parameter is defined next to Tensor (src/tensor/parameter.ts): torch.load, a layer below nn,
// rebuilds saved Parameters as Parameters.
export { Parameter } from '../tensor/parameter.js';
