// torch.nn.functional
export * from './activation.js';
export * from './dropout.js';
export * from './linear.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions } from './conv.js';
export { pad, type PadMode } from './padding.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, type MaxPoolOptions, type AvgPoolOptions, type AvgPool2dOptions, type OutputSize } from './pooling.js';
export * from './normalization.js';
export * from './sparse.js';
export * from './loss.js';
export { oneHot } from '../../ops/indexing.js';
