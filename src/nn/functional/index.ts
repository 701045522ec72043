// torch.nn.functional
export * from './activation.js';
export * from './dropout.js';
export * from './linear.js';
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, type ConvOptions, type ConvTransposeOptions } from './conv.js';
export { pad, type PadMode } from './padding.js';
export { interpolate, upsample, upsampleNearest, upsampleBilinear, type InterpolateMode } from './interpolate.js';
export { pixelShuffle, pixelUnshuffle, channelShuffle } from './shuffle.js';
export { fold, unfold } from './fold.js';
export { affineGrid, gridSample } from './grid.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, type MaxPoolOptions, type AvgPoolOptions, type AvgPool2dOptions, type OutputSize } from './pooling.js';
export {
  maxPool3d, avgPool3d, adaptiveAvgPool3d, adaptiveMaxPool3d, maxPool1dWithIndices, maxPool2dWithIndices, maxPool3dWithIndices,
  adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices, adaptiveMaxPool3dWithIndices, maxUnpool1d, maxUnpool2d, maxUnpool3d,
  lpPool1d, lpPool2d, fractionalMaxPool2d, fractionalMaxPool3d, fractionalMaxPool2dWithIndices, fractionalMaxPool3dWithIndices,
} from './pooling.js';
export * from './normalization.js';
export * from './sparse.js';
export { cosineSimilarity, pairwiseDistance, normalize, pdist } from './distance.js';
export * from './loss.js';
export { scaledDotProductAttention, multiHeadAttentionForward } from './attention.js';
export { oneHot } from '../../ops/indexing.js';
export { ctcLoss, type Lengths } from './ctc.js';
