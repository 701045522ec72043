// nn.functional pooling, as torch.nn.functional calls the ATen ops: the 1-D forms run the
// 2-D ops on x.unsqueeze(-2) and squeeze the result (as PyTorch's graphs show), stride
// defaults to the kernel size, adaptive output sizes accept null for "keep this size".
import { adaptiveAvgPool2d as adaptiveAvgPool2dOp, adaptiveMaxPool2d as adaptiveMaxPool2dOp, avgPool2d as avgPool2dOp, maxPool2dWithIndices } from '../../ops/pool.js';
import { bool, int, intOrList, nullable, signature, tensor, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { intOrListOrNull, listWithDefault, ntuple, outputSize, pair, single, type ArgsWith, type IntOrList, type OutputSize } from './utils.js';

export type { OutputSize };

const input = ['input', tensor] as const;
const kernelSize = ['kernelSize', intOrList] as const;
/** Default (null): the kernel size. */
const stride = ['stride', intOrListOrNull, null] as const;
const padding = ['padding', intOrList, 0] as const;

// max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)
// (ceil_mode and return_indices in the other order than nn.MaxPool2d's, as in PyTorch).
const maxPoolSpec = [input, kernelSize, stride, padding, ['dilation', intOrList, 1], ['ceilMode', bool, false], ['returnIndices', bool, false]] as const;
const maxPool1dArgs = signature('max_pool1d', maxPoolSpec);
const maxPool2dArgs = signature('max_pool2d', maxPoolSpec);
// avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)
const avgPoolSpec = [input, kernelSize, stride, padding, ['ceilMode', bool, false], ['countIncludePad', bool, true]] as const;
const avgPool1dArgs = signature('avg_pool1d', avgPoolSpec);
// avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)
const avgPool2dArgs = signature('avg_pool2d', [...avgPoolSpec, ['divisorOverride', nullable(int), null]] as const);
const adaptiveAvgPool1dArgs = signature('adaptive_avg_pool1d', [input, ['outputSize', intOrList]] as const);
const adaptiveAvgPool2dArgs = signature('adaptive_avg_pool2d', [input, ['outputSize', outputSize]] as const);
const adaptiveMaxPool1dArgs = signature('adaptive_max_pool1d', [input, ['outputSize', intOrList], ['returnIndices', bool, false]] as const);
const adaptiveMaxPool2dArgs = signature('adaptive_max_pool2d', [input, ['outputSize', outputSize], ['returnIndices', bool, false]] as const);

export type MaxPoolOptions = OptionsObjectOf<typeof maxPool2dArgs>;
export type AvgPoolOptions = OptionsObjectOf<typeof avgPool1dArgs>;
export type AvgPool2dOptions = OptionsObjectOf<typeof avgPool2dArgs>;

/** What a max pooling returns: the values, or [values, indices] with returnIndices. */
export type PoolResult<WithIndices extends boolean> = WithIndices extends true ? [Tensor, Tensor] : Tensor;

/** stride=None (the kernel size) as an empty list, which the ops read as such. */
const strideList = (stride: IntOrList | null, n: number): number[] => (stride === null ? [] : ntuple(stride, n));

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

export function maxPool2d<WithIndices extends boolean = false>(...args: ArgsWith<typeof maxPool2dArgs, 'returnIndices', WithIndices>): PoolResult<WithIndices>;
export function maxPool2d(...args: ArgsOf<typeof maxPool2dArgs>): Tensor | [Tensor, Tensor] {
  const a = maxPool2dArgs.parse(args);
  const res = maxPool2dWithIndices(a.input, {
    kernelSize: pair(a.kernelSize),
    stride: strideList(a.stride, 2),
    padding: pair(a.padding),
    dilation: pair(a.dilation),
    ceilMode: a.ceilMode,
  });
  return a.returnIndices ? res : res[0];
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

export function maxPool1d<WithIndices extends boolean = false>(...args: ArgsWith<typeof maxPool1dArgs, 'returnIndices', WithIndices>): PoolResult<WithIndices>;
export function maxPool1d(...args: ArgsOf<typeof maxPool1dArgs>): Tensor | [Tensor, Tensor] {
  const { input, returnIndices, ...a } = maxPool1dArgs.parse(args);
  const k = single(a.kernelSize);
  const s = strideList(a.stride, 1);
  const p = single(a.padding);
  const d = single(a.dilation);
  if (returnIndices) {
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
    ceilMode: a.ceilMode,
  });
  return returnIndices ? [out.squeeze(-2), indices.squeeze(-2)] : out.squeeze(-2);
}

// --- average ---

export function avgPool2d(...args: ArgsOf<typeof avgPool2dArgs>): Tensor {
  const a = avgPool2dArgs.parse(args);
  return avgPool2dOp(a.input, {
    kernelSize: pair(a.kernelSize),
    stride: strideList(a.stride, 2),
    padding: pair(a.padding),
    ceilMode: a.ceilMode,
    countIncludePad: a.countIncludePad,
    divisorOverride: a.divisorOverride,
  });
}

export function avgPool1d(...args: ArgsOf<typeof avgPool1dArgs>): Tensor {
  const { input, ...a } = avgPool1dArgs.parse(args);
  const k = single(a.kernelSize);
  let s = strideList(a.stride, 1);
  if (s.length === 0) s = k;
  const p = single(a.padding);
  checkDims1d(input, 'avg_pool1d');
  check1d(k, 'avg_pool1d', 'kernel_size');
  check1d(s, 'avg_pool1d', 'stride');
  check1d(p, 'avg_pool1d', 'padding');
  const out = avgPool2dOp(input.unsqueeze(-2), {
    kernelSize: [1, k[0]],
    stride: [1, s[0]],
    padding: [0, p[0]],
    ceilMode: a.ceilMode,
    countIncludePad: a.countIncludePad,
    divisorOverride: null,
  });
  return out.squeeze(-2);
}

// --- adaptive ---

export function adaptiveAvgPool2d(...args: ArgsOf<typeof adaptiveAvgPool2dArgs>): Tensor {
  const { input, outputSize } = adaptiveAvgPool2dArgs.parse(args);
  return adaptiveAvgPool2dOp(input, listWithDefault(outputSize, input, 2));
}

export function adaptiveAvgPool1d(...args: ArgsOf<typeof adaptiveAvgPool1dArgs>): Tensor {
  const { input, outputSize } = adaptiveAvgPool1dArgs.parse(args);
  const size = single(outputSize);
  checkDims1d(input, 'adaptive_avg_pool1d');
  check1d(size, 'adaptive_avg_pool1d', 'output_size');
  return adaptiveAvgPool2dOp(input.unsqueeze(-2), [1, size[0]]).squeeze(-2);
}

export function adaptiveMaxPool2d<WithIndices extends boolean = false>(
  ...args: ArgsWith<typeof adaptiveMaxPool2dArgs, 'returnIndices', WithIndices>
): PoolResult<WithIndices>;
export function adaptiveMaxPool2d(...args: ArgsOf<typeof adaptiveMaxPool2dArgs>): Tensor | [Tensor, Tensor] {
  const { input, outputSize, returnIndices } = adaptiveMaxPool2dArgs.parse(args);
  const res = adaptiveMaxPool2dOp(input, listWithDefault(outputSize, input, 2));
  return returnIndices ? res : res[0];
}

export function adaptiveMaxPool1d<WithIndices extends boolean = false>(
  ...args: ArgsWith<typeof adaptiveMaxPool1dArgs, 'returnIndices', WithIndices>
): PoolResult<WithIndices>;
export function adaptiveMaxPool1d(...args: ArgsOf<typeof adaptiveMaxPool1dArgs>): Tensor | [Tensor, Tensor] {
  const { input, outputSize, returnIndices } = adaptiveMaxPool1dArgs.parse(args);
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
  return returnIndices ? [out.squeeze(-2), indices.squeeze(-2)] : out.squeeze(-2);
}
