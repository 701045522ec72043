// nn.functional pooling, as torch.nn.functional calls the ATen ops: the 1-D forms run the
// 2-D ops on x.unsqueeze(-2) and squeeze the result (as PyTorch's graphs show), stride
// defaults to the kernel size, adaptive output sizes accept null for "keep this size".
import { adaptiveAvgPool2d as adaptiveAvgPool2dOp, adaptiveMaxPool2d as adaptiveMaxPool2dOp, avgPool2d as avgPool2dOp, maxPool2dWithIndices } from '../../ops/pool.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { listWithDefault, ntuple, pair, single, type IntOrList, type OutputSize } from './utils.js';

export type { OutputSize };

export interface MaxPoolOptions {
  /** Default (null): the kernel size. */
  stride?: IntOrList | null;
  padding?: IntOrList;
  dilation?: IntOrList;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: IntOrList | null;
  padding?: IntOrList;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

export interface AvgPool2dOptions extends AvgPoolOptions {
  divisorOverride?: number | null;
}

/** stride=None (the kernel size) as an empty list, which the ops read as such. */
const strideList = (stride: IntOrList | null | undefined, n: number): number[] => (stride === undefined || stride === null ? [] : ntuple(stride, n));

/** checkDimRange(2, 4) of PyTorch's 1-D pooling functions. */
function checkDims1d(x: Tensor, op: string): void {
  if (x.dim() < 2 || x.dim() > 3) {
    throw new RangeError(`Expected 2 to 3 dimensions, but got ${x.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`);
  }
}

function check1d(list: readonly number[], op: string, name: string): void {
  if (list.length !== 1) throw new RangeError(`${op}() argument '${name}' should contain one int (got ${list.length})`);
}

// --- max ---

export function maxPool2d(input: Tensor, kernelSize: IntOrList, opts: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrList, opts?: MaxPoolOptions): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrList, opts: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const res = maxPool2dWithIndices(input, {
    kernelSize: pair(kernelSize),
    stride: strideList(opts.stride, 2),
    padding: pair(opts.padding ?? 0),
    dilation: pair(opts.dilation ?? 1),
    ceilMode: opts.ceilMode ?? false,
  });
  return opts.returnIndices ? res : res[0];
}

/** torch.max_pool1d's own argument checks (the path without indices). */
function checkMaxPool1d(x: Tensor, k: number[], s: number[], p: number[], d: number[]): void {
  if (x.dim() !== 2 && x.dim() !== 3) {
    throw new RangeError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${formatShape(x.shape)}`);
  }
  if (k.length !== 1) throw new RangeError(`max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ${k.length}`);
  if (s.length > 1) throw new RangeError(`max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${s.length}`);
  if (p.length !== 1) throw new RangeError(`max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size ${p.length}`);
  if (d.length !== 1) throw new RangeError(`max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got size ${d.length}`);
  const stride = s.length === 0 ? k[0] : s[0];
  if (k[0] <= 0) throw new RangeError(`max_pool1d() kernel_size must be greater than zero, but got ${k[0]}`);
  if (stride <= 0) throw new RangeError(`max_pool1d() stride must be greater than zero, but got ${stride}`);
  if (p[0] < 0) throw new RangeError(`max_pool1d() padding must be non-negative, but got ${p[0]}`);
  if (p[0] > Math.floor(k[0] / 2)) throw new RangeError(`max_pool1d() padding should be at most half of kernel size, but got padding=${p[0]} and kernel_size=${k[0]}`);
  if (d[0] <= 0) throw new RangeError(`max_pool1d() dilation must be greater than zero, but got ${d[0]}`);
}

export function maxPool1d(input: Tensor, kernelSize: IntOrList, opts: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrList, opts?: MaxPoolOptions): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrList, opts: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const k = single(kernelSize);
  const s = strideList(opts.stride, 1);
  const p = single(opts.padding ?? 0);
  const d = single(opts.dilation ?? 1);
  if (opts.returnIndices) {
    checkDims1d(input, 'max_pool1d');
    check1d(k, 'max_pool1d', 'kernel_size');
    if (s.length !== 0) check1d(s, 'max_pool1d', 'stride');
    check1d(p, 'max_pool1d', 'padding');
    check1d(d, 'max_pool1d', 'dilation');
  } else {
    checkMaxPool1d(input, k, s, p, d);
  }
  const [out, indices] = maxPool2dWithIndices(input.unsqueeze(-2), {
    kernelSize: [1, k[0]],
    stride: [1, s.length === 0 ? k[0] : s[0]],
    padding: [0, p[0]],
    dilation: [1, d[0]],
    ceilMode: opts.ceilMode ?? false,
  });
  return opts.returnIndices ? [out.squeeze(-2), indices.squeeze(-2)] : out.squeeze(-2);
}

// --- average ---

export function avgPool2d(input: Tensor, kernelSize: IntOrList, opts: AvgPool2dOptions = {}): Tensor {
  return avgPool2dOp(input, {
    kernelSize: pair(kernelSize),
    stride: strideList(opts.stride, 2),
    padding: pair(opts.padding ?? 0),
    ceilMode: opts.ceilMode ?? false,
    countIncludePad: opts.countIncludePad ?? true,
    divisorOverride: opts.divisorOverride ?? null,
  });
}

export function avgPool1d(input: Tensor, kernelSize: IntOrList, opts: AvgPoolOptions = {}): Tensor {
  const k = single(kernelSize);
  let s = strideList(opts.stride, 1);
  if (s.length === 0) s = k;
  const p = single(opts.padding ?? 0);
  checkDims1d(input, 'avg_pool1d');
  check1d(k, 'avg_pool1d', 'kernel_size');
  check1d(s, 'avg_pool1d', 'stride');
  check1d(p, 'avg_pool1d', 'padding');
  const out = avgPool2dOp(input.unsqueeze(-2), {
    kernelSize: [1, k[0]],
    stride: [1, s[0]],
    padding: [0, p[0]],
    ceilMode: opts.ceilMode ?? false,
    countIncludePad: opts.countIncludePad ?? true,
    divisorOverride: null,
  });
  return out.squeeze(-2);
}

// --- adaptive ---

export function adaptiveAvgPool2d(input: Tensor, outputSize: OutputSize): Tensor {
  return adaptiveAvgPool2dOp(input, listWithDefault(outputSize, input, 2));
}

export function adaptiveAvgPool1d(input: Tensor, outputSize: IntOrList): Tensor {
  const size = single(outputSize);
  checkDims1d(input, 'adaptive_avg_pool1d');
  check1d(size, 'adaptive_avg_pool1d', 'output_size');
  return adaptiveAvgPool2dOp(input.unsqueeze(-2), [1, size[0]]).squeeze(-2);
}

export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, opts: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, opts?: { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, opts: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const res = adaptiveMaxPool2dOp(input, listWithDefault(outputSize, input, 2));
  return opts.returnIndices ? res : res[0];
}

export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrList, opts: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrList, opts?: { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrList, opts: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const size = single(outputSize);
  checkDims1d(input, 'adaptive_max_pool1d');
  check1d(size, 'adaptive_max_pool1d', 'output_size');
  for (let i = 1; i < input.dim(); i++) {
    if (input.shape[i] <= 0) {
      throw new RangeError(
        `adaptive_max_pool1d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatShape(input.shape)} with dimension ${i} being empty`,
      );
    }
  }
  const [out, indices] = adaptiveMaxPool2dOp(input.unsqueeze(-2), [1, size[0]]);
  return opts.returnIndices ? [out.squeeze(-2), indices.squeeze(-2)] : out.squeeze(-2);
}
