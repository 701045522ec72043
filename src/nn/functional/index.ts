// torch.nn.functional
export * from './activation.js';
export * from './dropout.js';
export * from './linear.js';
export { oneHot } from '../../ops/indexing.js';
