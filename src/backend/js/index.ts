import type { Backend } from '../backend.js';
import { binary, copy, fill, unary, where } from './elementwise.js';
import { gather, indexPut, indexSelect, scatter } from './indexing.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { binaryCrossEntropy, binaryCrossEntropyBackward, nllLoss, nllLossBackward } from './loss.js';
import { matmul } from './matmul.js';
import { randomFill } from './random.js';
import { adamStep, sgdStep, ternary } from './ternary.js';
import { adadelta } from './optim.js';
import { batchNorm, batchNormBackward, batchNormStats, embeddingRenorm, groupNorm, groupNormBackward } from './norm.js';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, adaptiveMaxPool2d, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { cumulative, reduce, softmax, softmaxBackward, variance } from './reduce.js';

/** The reference backend: plain TypeScript over typed arrays, runs anywhere. */
export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  where,
  ternary,
  adadelta,
  adamStep,
  sgdStep,
  copy,
  fill,
  randomFill,
  reduce,
  variance,
  cumulative,
  matmul,
  softmax,
  softmaxBackward,
  gather,
  scatter,
  indexSelect,
  indexPut,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  adaptiveMaxPool2d,
  nllLoss,
  nllLossBackward,
  binaryCrossEntropy,
  binaryCrossEntropyBackward,
  batchNormStats,
  batchNorm,
  batchNormBackward,
  groupNorm,
  groupNormBackward,
  embeddingRenorm,
};
