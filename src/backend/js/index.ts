import type { Backend } from '../backend.js';
import { binary, copy, fill, unary, where } from './elementwise.js';
import { gather, indexPut, indexSelect, scatter } from './indexing.js';
import { matmul } from './matmul.js';
import { cumulative, reduce, softmax, softmaxBackward, variance } from './reduce.js';

/** The reference backend: plain TypeScript over typed arrays, runs anywhere. */
export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  where,
  copy,
  fill,
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
};
