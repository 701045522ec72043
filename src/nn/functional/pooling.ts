// nn.functional pooling, as torch.nn.functional calls the ATen ops: the 1-D forms run the
// 2-D ops on x.unsqueeze(-2) and squeeze the result (as PyTorch's graphs show), stride
// defaults to the kernel size, adaptive output sizes accept null for "keep this size".
import { adaptiveAvgPool2d as adaptiveAvgPool2dOp, adaptiveMaxPool2d as adaptiveMaxPool2dOp, avgPool2d as avgPool2dOp, maxPool2dWithIndices as maxPool2dOp } from '../../ops/pool.js';
import { adaptiveAvgPool3d as adaptiveAvgPool3dOp, adaptiveMaxPool3d as adaptiveMaxPool3dOp, avgPool3d as avgPool3dOp, maxPool3dWithIndices as maxPool3dOp } from '../../ops/pool3d.js';
import { fractionalMaxPool, maxUnpool } from '../../ops/pool-extra.js';
import { rand } from '../../tensor/create.js';
import { bool, int, intOrList, nullable, number, numberOrList, signature, tensor, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
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
  const res = maxPool2dOp(a.input, {
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
  const [out, indices] = maxPool2dOp(input.unsqueeze(-2), {
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

// --- 3-D ---

const maxPool3dArgs = signature('max_pool3d', maxPoolSpec);
const avgPool3dArgs = signature('avg_pool3d', [...avgPoolSpec, ['divisorOverride', nullable(int), null]] as const);
const adaptiveAvgPool3dArgs = signature('adaptive_avg_pool3d', [input, ['outputSize', outputSize]] as const);
const adaptiveMaxPool3dArgs = signature('adaptive_max_pool3d', [input, ['outputSize', outputSize], ['returnIndices', bool, false]] as const);

export function maxPool3d<WithIndices extends boolean = false>(...args: ArgsWith<typeof maxPool3dArgs, 'returnIndices', WithIndices>): PoolResult<WithIndices>;
export function maxPool3d(...args: ArgsOf<typeof maxPool3dArgs>): Tensor | [Tensor, Tensor] {
  const a = maxPool3dArgs.parse(args);
  const res = maxPool3dOp(a.input, {
    kernelSize: ntuple(a.kernelSize, 3),
    stride: strideList(a.stride, 3),
    padding: ntuple(a.padding, 3),
    dilation: ntuple(a.dilation, 3),
    ceilMode: a.ceilMode,
  });
  return a.returnIndices ? res : res[0];
}

export function avgPool3d(...args: ArgsOf<typeof avgPool3dArgs>): Tensor {
  const a = avgPool3dArgs.parse(args);
  return avgPool3dOp(a.input, {
    kernelSize: ntuple(a.kernelSize, 3),
    stride: strideList(a.stride, 3),
    padding: ntuple(a.padding, 3),
    ceilMode: a.ceilMode,
    countIncludePad: a.countIncludePad,
    divisorOverride: a.divisorOverride,
  });
}

export function adaptiveAvgPool3d(...args: ArgsOf<typeof adaptiveAvgPool3dArgs>): Tensor {
  const { input, outputSize } = adaptiveAvgPool3dArgs.parse(args);
  return adaptiveAvgPool3dOp(input, listWithDefault(outputSize, input, 3));
}

export function adaptiveMaxPool3d<WithIndices extends boolean = false>(
  ...args: ArgsWith<typeof adaptiveMaxPool3dArgs, 'returnIndices', WithIndices>
): PoolResult<WithIndices>;
export function adaptiveMaxPool3d(...args: ArgsOf<typeof adaptiveMaxPool3dArgs>): Tensor | [Tensor, Tensor] {
  const { input, outputSize, returnIndices } = adaptiveMaxPool3dArgs.parse(args);
  const res = adaptiveMaxPool3dOp(input, listWithDefault(outputSize, input, 3));
  return returnIndices ? res : res[0];
}

// --- the *_with_indices forms (return_indices is accepted and ignored, as in PyTorch) ---

const maxPool1dWithIndicesArgs = signature('max_pool1d_with_indices', maxPoolSpec);
const maxPool2dWithIndicesArgs = signature('max_pool2d_with_indices', maxPoolSpec);
const maxPool3dWithIndicesArgs = signature('max_pool3d_with_indices', maxPoolSpec);
const adaptiveMaxPool1dWithIndicesArgs = signature('adaptive_max_pool1d_with_indices', [input, ['outputSize', intOrList], ['returnIndices', bool, false]] as const);
const adaptiveMaxPool2dWithIndicesArgs = signature('adaptive_max_pool2d_with_indices', [input, ['outputSize', outputSize], ['returnIndices', bool, false]] as const);
const adaptiveMaxPool3dWithIndicesArgs = signature('adaptive_max_pool3d_with_indices', [input, ['outputSize', outputSize], ['returnIndices', bool, false]] as const);

/** max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False): [values, indices]. */
export function maxPool1dWithIndices(...args: ArgsOf<typeof maxPool1dWithIndicesArgs>): [Tensor, Tensor] {
  const a = maxPool1dWithIndicesArgs.parse(args);
  return maxPool1d(a.input, a.kernelSize, a.stride, a.padding, a.dilation, a.ceilMode, true);
}

/** max_pool2d_with_indices(...): [values, indices]. */
export function maxPool2dWithIndices(...args: ArgsOf<typeof maxPool2dWithIndicesArgs>): [Tensor, Tensor] {
  const a = maxPool2dWithIndicesArgs.parse(args);
  return maxPool2d(a.input, a.kernelSize, a.stride, a.padding, a.dilation, a.ceilMode, true);
}

/** max_pool3d_with_indices(...): [values, indices]. */
export function maxPool3dWithIndices(...args: ArgsOf<typeof maxPool3dWithIndicesArgs>): [Tensor, Tensor] {
  const a = maxPool3dWithIndicesArgs.parse(args);
  return maxPool3d(a.input, a.kernelSize, a.stride, a.padding, a.dilation, a.ceilMode, true);
}

/** adaptive_max_pool1d_with_indices(input, output_size, return_indices=False): [values, indices]. */
export function adaptiveMaxPool1dWithIndices(...args: ArgsOf<typeof adaptiveMaxPool1dWithIndicesArgs>): [Tensor, Tensor] {
  const a = adaptiveMaxPool1dWithIndicesArgs.parse(args);
  return adaptiveMaxPool1d(a.input, a.outputSize, true);
}

/** adaptive_max_pool2d_with_indices(input, output_size, return_indices=False): [values, indices]. */
export function adaptiveMaxPool2dWithIndices(...args: ArgsOf<typeof adaptiveMaxPool2dWithIndicesArgs>): [Tensor, Tensor] {
  const a = adaptiveMaxPool2dWithIndicesArgs.parse(args);
  return adaptiveMaxPool2d(a.input, a.outputSize, true);
}

/** adaptive_max_pool3d_with_indices(input, output_size, return_indices=False): [values, indices]. */
export function adaptiveMaxPool3dWithIndices(...args: ArgsOf<typeof adaptiveMaxPool3dWithIndicesArgs>): [Tensor, Tensor] {
  const a = adaptiveMaxPool3dWithIndicesArgs.parse(args);
  return adaptiveMaxPool3d(a.input, a.outputSize, true);
}

// --- max unpooling ---

// max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None)
const unpoolSpec = [input, ['indices', tensor], kernelSize, stride, padding, ['outputSize', intOrListOrNull, null]] as const;
const maxUnpool1dArgs = signature('max_unpool1d', unpoolSpec);
const maxUnpool2dArgs = signature('max_unpool2d', unpoolSpec);
const maxUnpool3dArgs = signature('max_unpool3d', unpoolSpec);

/** PyTorch's _unpool_output_size: the pooled input's size, or a checked requested one. */
function unpoolOutputSize(x: Tensor, k: number[], s: number[], p: number[], requested: IntOrList | null): number[] {
  const n = k.length;
  const sizes = x.shape.slice(-n);
  const defaults = k.map((kk, d) => (sizes[d] - 1) * s[d] + kk - 2 * p[d]);
  if (requested === null) return defaults;
  let size = typeof requested === 'number' ? [requested] : requested.slice();
  if (size.length === n + 2) size = size.slice(2);
  if (size.length !== n) {
    throw new RangeError(`output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${size.length}'`);
  }
  for (let d = 0; d < n; d++) {
    const lo = defaults[d] - s[d];
    const hi = defaults[d] + s[d];
    if (!(lo < size[d] && size[d] < hi)) {
      const shown = typeof requested === 'number' ? String(requested) : `[${requested.join(', ')}]`;
      throw new RangeError(`invalid output_size "${shown}" (dim ${d} must be between ${lo} and ${hi})`);
    }
  }
  return size;
}

function unpoolNd(n: 1 | 2 | 3, a: ReturnType<typeof maxUnpool2dArgs.parse>): Tensor {
  const k = ntuple(a.kernelSize, n);
  const s = a.stride === null ? k : ntuple(a.stride, n);
  const p = ntuple(a.padding, n);
  const size = unpoolOutputSize(a.input, k, s, p, a.outputSize);
  if (n === 1) return maxUnpool(a.input.unsqueeze(-1), a.indices.unsqueeze(-1), [...size, 1], 2).squeeze(-1);
  return maxUnpool(a.input, a.indices, size, n);
}

/** max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None): MaxPool1d's partial inverse. */
export function maxUnpool1d(...args: ArgsOf<typeof maxUnpool1dArgs>): Tensor {
  return unpoolNd(1, maxUnpool1dArgs.parse(args));
}

/** max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None): MaxPool2d's partial inverse. */
export function maxUnpool2d(...args: ArgsOf<typeof maxUnpool2dArgs>): Tensor {
  return unpoolNd(2, maxUnpool2dArgs.parse(args));
}

/** max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None): MaxPool3d's partial inverse. */
export function maxUnpool3d(...args: ArgsOf<typeof maxUnpool3dArgs>): Tensor {
  return unpoolNd(3, maxUnpool3dArgs.parse(args));
}

// --- power-average pooling ---

// lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False)
const lpPoolSpec = [input, ['normType', number], kernelSize, stride, ['ceilMode', bool, false]] as const;
const lpPool1dArgs = signature('lp_pool1d', lpPoolSpec);
const lpPool2dArgs = signature('lp_pool2d', lpPoolSpec);

/** (sign(out) * relu(|out|) * kernel volume) ^ (1 / p): PyTorch's ending of lp_pool. */
function lpFinish(out: Tensor, volume: number, normType: number): Tensor {
  return out.sign().mul(out.abs().relu()).mul(volume).pow(1 / normType);
}

/** lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False): (sum over windows of x^p)^(1/p). */
export function lpPool1d(...args: ArgsOf<typeof lpPool1dArgs>): Tensor {
  const a = lpPool1dArgs.parse(args);
  const out = avgPool1d(a.input.pow(a.normType), a.kernelSize, a.stride ?? undefined, 0, a.ceilMode);
  return lpFinish(out, single(a.kernelSize)[0], a.normType);
}

/** lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export function lpPool2d(...args: ArgsOf<typeof lpPool2dArgs>): Tensor {
  const a = lpPool2dArgs.parse(args);
  const [kw, kh] = pair(a.kernelSize);
  const out = avgPool2d(a.input.pow(a.normType), a.kernelSize, a.stride ?? undefined, 0, a.ceilMode);
  return lpFinish(out, kw * kh, a.normType);
}

// --- fractional max pooling ---

// fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)
const fractionalSpec = [
  input, kernelSize, ['outputSize', intOrListOrNull, null], ['outputRatio', nullable(numberOrList), null],
  ['returnIndices', bool, false], ['_randomSamples', nullable(tensor), null],
] as const;
const fractionalMaxPool2dArgs = signature('fractional_max_pool2d', fractionalSpec);
const fractionalMaxPool3dArgs = signature('fractional_max_pool3d', fractionalSpec);
const fractionalMaxPool2dWithIndicesArgs = signature('fractional_max_pool2d_with_indices', fractionalSpec);
const fractionalMaxPool3dWithIndicesArgs = signature('fractional_max_pool3d_with_indices', fractionalSpec);

function fractionalNd(n: 2 | 3, a: ReturnType<typeof fractionalMaxPool2dArgs.parse>): [Tensor, Tensor] {
  const op = `fractional_max_pool${n}d`;
  const x = a.input;
  let size: number[];
  if (a.outputSize === null) {
    if (a.outputRatio === null) throw new RangeError(`${op} requires specifying either an output_size or an output_ratio`);
    const ratio = typeof a.outputRatio === 'number' ? new Array<number>(n).fill(a.outputRatio) : a.outputRatio.slice();
    size = ratio.map((r, i) => Math.trunc(x.size(i - n) * r));
  } else {
    size = ntuple(a.outputSize, n);
  }
  const k = ntuple(a.kernelSize, n);
  if (k.length !== n) throw new RangeError(`${op}: kernel_size must either be a single Int or tuple of Ints`);
  if (size.length !== n) throw new RangeError(`${op}: output_size must either be a single Int or tuple of Ints`);
  const nd = x.dim();
  if (nd !== n + 1 && nd !== n + 2) throw new RangeError(`${op}(): Expected ${n + 1}D or ${n + 2}D tensor, but got: ${formatShape(x.shape)}`);
  const names = n === 2 ? ['height', 'width'] : ['time', 'height', 'width'];
  for (let i = 0; i < n; i++) {
    const inSize = x.size(i - n);
    if (size[i] + k[i] - 1 > inSize) {
      const where = n === 2 ? `${op}()` : `${op}_out()`;
      throw new RangeError(`${where}: pool ${names[i]} ${k[i]} too large relative to input ${names[i]} ${inSize}`);
    }
  }
  const samples = a._randomSamples ?? rand([nd === n + 1 ? 1 : x.size(0), x.size(-n - 1), n], { dtype: x.dtype });
  const batched = nd === n + 2 ? x : x.unsqueeze(0);
  const [values, indices] = fractionalMaxPool(batched, k, size, samples);
  return nd === n + 2 ? [values, indices] : [values.squeeze(0), indices.squeeze(0)];
}

export function fractionalMaxPool2d<WithIndices extends boolean = false>(...args: ArgsWith<typeof fractionalMaxPool2dArgs, 'returnIndices', WithIndices>): PoolResult<WithIndices>;
export function fractionalMaxPool2d(...args: ArgsOf<typeof fractionalMaxPool2dArgs>): Tensor | [Tensor, Tensor] {
  const a = fractionalMaxPool2dArgs.parse(args);
  const res = fractionalNd(2, a);
  return a.returnIndices ? res : res[0];
}

export function fractionalMaxPool3d<WithIndices extends boolean = false>(...args: ArgsWith<typeof fractionalMaxPool3dArgs, 'returnIndices', WithIndices>): PoolResult<WithIndices>;
export function fractionalMaxPool3d(...args: ArgsOf<typeof fractionalMaxPool3dArgs>): Tensor | [Tensor, Tensor] {
  const a = fractionalMaxPool3dArgs.parse(args);
  const res = fractionalNd(3, a);
  return a.returnIndices ? res : res[0];
}

/** fractional_max_pool2d_with_indices(...): [values, indices]. */
export function fractionalMaxPool2dWithIndices(...args: ArgsOf<typeof fractionalMaxPool2dWithIndicesArgs>): [Tensor, Tensor] {
  return fractionalNd(2, fractionalMaxPool2dWithIndicesArgs.parse(args));
}

/** fractional_max_pool3d_with_indices(...): [values, indices]. */
export function fractionalMaxPool3dWithIndices(...args: ArgsOf<typeof fractionalMaxPool3dWithIndicesArgs>): [Tensor, Tensor] {
  return fractionalNd(3, fractionalMaxPool3dWithIndicesArgs.parse(args));
}
