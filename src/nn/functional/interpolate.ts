// nn.functional.interpolate as PyTorch 1.13 dispatches it (nearest, nearest-exact, linear,
// bilinear, bicubic, trilinear, area; align_corners, recompute_scale_factor, antialias),
// and its deprecated twins upsample, upsample_nearest, upsample_bilinear.
//
// Every mode is separable: the output is the input resampled along the last spatial dim,
// then the one before, … (the order of PyTorch's nested loops, so float32 rounds the same).
// Resampling one dim of size `in` to `out` is a few "taps": index vectors (length out) and
// weights, out = Σ_k indexSelect(x, dim, index_k) * weight_k. The indices and weights are
// computed in JS from the sizes alone (PyTorch's formulas, in float32 where its kernels
// compute in float), the work over the image runs in native indexSelect / mul / add
// kernels, and the backward is the adjoint, Σ_k indexAdd(g * weight_k) per dim.
import { noGrad } from '../../autograd/grad-mode.js';
import { needsGrad, record } from '../../ops/record.js';
import { bool, check, nullable, numberOrList, string, tensor, signature, type ArgsOf, type Check } from '../../tensor/args.js';
import { Node } from '../../tensor/graph.js';
import { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { pyFloat } from '../repr.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './pooling.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

type Grad = Tensor | null;

/** Resampling of one dim: out = Σ_k x.indexSelect(dim, index[k]) * weight[k] (no weights: one plain gather). */
export interface Taps {
  readonly dim: number;
  readonly inSize: number;
  readonly index: readonly Tensor[];
  /** Shaped [out, 1, …, 1] to broadcast along `dim`; null for a gather. */
  readonly weight: readonly Tensor[] | null;
}

/** Builds taps from per-tap JS arrays (indices and weights, each of length out). */
export function makeTaps(x: Tensor, dim: number, index: readonly (readonly number[])[], weight: readonly (readonly number[])[] | null): Taps {
  const out = index[0].length;
  const wShape = [out, ...new Array<number>(x.dim() - 1 - dim).fill(1)];
  const wArray = x.dtype === 'float64' ? Float64Array : Float32Array;
  return {
    dim,
    inSize: x.shape[dim],
    index: index.map((ix) => Tensor.fromData(Float64Array.from(ix), 'int64', [out])),
    weight: weight === null ? null : weight.map((w) => Tensor.fromData(wArray.from(w), x.dtype, wShape)),
  };
}

/** One dim's resampling, with differentiable ops (used for the forward under noGrad and by double backward). */
export function applyTaps(x: Tensor, t: Taps): Tensor {
  if (t.weight === null) return x.indexSelect(t.dim, t.index[0]);
  let acc = x.indexSelect(t.dim, t.index[0]).mul(t.weight[0]);
  for (let k = 1; k < t.index.length; k++) acc = acc.add(x.indexSelect(t.dim, t.index[k]).mul(t.weight[k]));
  return acc;
}

/** The adjoint of applyTaps: each output cell's gradient, weighted, adds into the cells it read. */
export function applyTapsAdjoint(g: Tensor, t: Taps): Tensor {
  const shape = g.shape.slice();
  shape[t.dim] = t.inSize;
  let acc = Tensor.empty(shape, g.dtype);
  t.index.forEach((ix, k) => {
    acc = acc.indexAdd(t.dim, ix, t.weight === null ? g : g.mul(t.weight[k]));
  });
  return acc;
}

class ResampleBackward extends Node {
  constructor(
    readonly name: string,
    private readonly taps: readonly Taps[],
    private readonly post: readonly Tensor[],
  ) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    let cur = g as Tensor;
    for (let k = this.post.length - 1; k >= 0; k--) cur = cur.div(this.post[k]);
    for (let k = this.taps.length - 1; k >= 0; k--) cur = applyTapsAdjoint(cur, this.taps[k]);
    return [cur];
  }
}

/**
 * Applies the taps in order (then divides by each of `post`), outside autograd, and records
 * one node named as PyTorch's (its backward is the adjoint, itself differentiable).
 */
export function resample(x: Tensor, taps: readonly Taps[], name: string, post: readonly Tensor[] = []): Tensor {
  let out = noGrad(() => {
    let cur = x;
    for (const t of taps) cur = applyTaps(cur, t);
    for (const p of post) cur = cur.div(p);
    return cur;
  });
  // An identity resampling still returns a new tensor, as PyTorch's kernels do.
  if (out === x) out = x.clone().detach();
  if (needsGrad(x)) record(new ResampleBackward(name, taps, post), [x], [out]);
  return out;
}

// --- PyTorch's index and weight formulas (aten/src/ATen/native/UpSample.h) ---

/** Rounds as the kernel's scalar type does: float32 kernels compute indices and weights in float. */
type Round = (v: number) => number;
const roundFor = (x: Tensor): Round => (x.dtype === 'float64' ? (v) => v : Math.fround);

/** compute_scales_value: 1 / scale when a scale was given, else in / out (in float). */
function scalesValue(R: Round, scale: number | null, inSize: number, outSize: number): number {
  return scale !== null && scale > 0 ? R(1 / scale) : R(inSize / outSize);
}

/** area_pixel_compute_scale. */
function pixelScale(R: Round, inSize: number, outSize: number, alignCorners: boolean, scale: number | null): number {
  if (alignCorners) return outSize > 1 ? R((inSize - 1) / (outSize - 1)) : 0;
  return scalesValue(R, scale, inSize, outSize);
}

/**
 * area_pixel_compute_source_index. The scale is in the kernel's precision but PyTorch's CPU
 * kernels keep the source index itself in double (only its fraction, the weight, is rounded).
 */
function sourceIndex(scale: number, i: number, alignCorners: boolean, cubic: boolean): number {
  if (alignCorners) return scale * i;
  const src = scale * (i + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

function nearestTaps(x: Tensor, dim: number, outSize: number, scale: number | null, exact: boolean): Taps {
  const inSize = x.shape[dim];
  const ix = new Array<number>(outSize);
  // The kernels compute nearest indices in float whatever the dtype.
  const s = scalesValue(Math.fround, scale, inSize, outSize);
  for (let i = 0; i < outSize; i++) {
    if (exact) ix[i] = Math.min(Math.floor(Math.fround((i + 0.5) * s)), inSize - 1);
    else if (outSize === inSize) ix[i] = i;
    else if (outSize === 2 * inSize) ix[i] = i >> 1;
    else ix[i] = Math.min(Math.floor(Math.fround(i * s)), inSize - 1);
  }
  return makeTaps(x, dim, [ix], null);
}

function linearTaps(x: Tensor, dim: number, outSize: number, alignCorners: boolean, scale: number | null): Taps | null {
  const inSize = x.shape[dim];
  // compute_source_index_and_lambda copies when the sizes agree.
  if (outSize === inSize) return null;
  const R = roundFor(x);
  const ratio = pixelScale(R, inSize, outSize, alignCorners, scale);
  const [i0, i1, l0, l1] = [0, 1, 2, 3].map(() => new Array<number>(outSize));
  for (let i = 0; i < outSize; i++) {
    const real = sourceIndex(ratio, i, alignCorners, false);
    const lo = Math.trunc(real);
    i0[i] = lo;
    i1[i] = lo + (lo < inSize - 1 ? 1 : 0);
    l1[i] = Math.min(Math.max(R(real - lo), 0), 1);
    l0[i] = R(1 - l1[i]);
  }
  return makeTaps(x, dim, [i0, i1], [l0, l1]);
}

/** get_cubic_upsample_coefficients (A = -0.75), in the kernel's precision. */
function cubicCoefficients(R: Round, t: number): number[] {
  const A = -0.75;
  const conv1 = (v: number) => R(R(R(R(R(R(A + 2) * v) - R(A + 3)) * v) * v) + 1);
  const conv2 = (v: number) => R(R(R(R(R(R(A * v) - R(5 * A)) * v) + R(8 * A)) * v) - R(4 * A));
  const x2 = R(1 - t);
  return [conv2(R(t + 1)), conv1(t), conv1(x2), conv2(R(x2 + 1))];
}

function cubicTaps(x: Tensor, dim: number, outSize: number, alignCorners: boolean, scale: number | null): Taps {
  const inSize = x.shape[dim];
  const R = roundFor(x);
  const ratio = pixelScale(R, inSize, outSize, alignCorners, scale);
  const index = [0, 1, 2, 3].map(() => new Array<number>(outSize));
  const weight = [0, 1, 2, 3].map(() => new Array<number>(outSize));
  for (let i = 0; i < outSize; i++) {
    const real = sourceIndex(ratio, i, alignCorners, true);
    const lo = Math.floor(real);
    const c = cubicCoefficients(R, R(real - lo));
    for (let k = 0; k < 4; k++) {
      index[k][i] = Math.min(Math.max(lo - 1 + k, 0), inSize - 1);
      weight[k][i] = c[k];
    }
  }
  return makeTaps(x, dim, index, weight);
}

/** The antialiasing filters of _upsample_{bilinear,bicubic}2d_aa (bicubic uses a = -0.5, as PIL). */
function aaFilter(mode: 'bilinear' | 'bicubic', v: number): number {
  const x = Math.abs(v);
  if (mode === 'bilinear') return x < 1 ? 1 - x : 0;
  const a = -0.5;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function antialiasTaps(x: Tensor, dim: number, outSize: number, mode: 'bilinear' | 'bicubic', alignCorners: boolean, scale: number | null): Taps | null {
  const inSize = x.shape[dim];
  if (outSize === inSize) return null;
  const R = roundFor(x);
  const interpSize = mode === 'bilinear' ? 2 : 4;
  const s = pixelScale(R, inSize, outSize, alignCorners, scale);
  const support = R(s >= 1 ? interpSize * 0.5 * s : interpSize * 0.5);
  const invscale = s >= 1 ? R(1 / s) : 1;
  const rows: { xmin: number; w: number[] }[] = [];
  let taps = 1;
  for (let i = 0; i < outSize; i++) {
    const center = R(s * (i + 0.5));
    const xmin = Math.max(Math.trunc(R(center - support) + 0.5), 0);
    const xsize = Math.min(Math.trunc(R(center + support) + 0.5), inSize) - xmin;
    const w: number[] = [];
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const v = R(aaFilter(mode, R((R(j + xmin - center) + 0.5) * invscale)));
      w.push(v);
      total = R(total + v);
    }
    if (total !== 0) for (let j = 0; j < xsize; j++) w[j] = R(w[j] / total);
    rows.push({ xmin, w });
    taps = Math.max(taps, xsize);
  }
  const index = Array.from({ length: taps }, (_, k) => rows.map(({ xmin, w }) => (k < w.length ? xmin + k : xmin)));
  const weight = Array.from({ length: taps }, (_, k) => rows.map(({ w }) => (k < w.length ? w[k] : 0)));
  return makeTaps(x, dim, index, weight);
}

/** Area mode for 3-D inputs: adaptive average pooling as separable window sums, then / kT / kH / kW. */
function adaptiveAvgPool3d(x: Tensor, size: readonly number[]): Tensor {
  const taps: Taps[] = [];
  const counts: Tensor[] = [];
  for (let k = 2; k >= 0; k--) {
    const dim = x.dim() - 3 + k;
    const inSize = x.shape[dim];
    const out = size[k];
    const starts = Array.from({ length: out }, (_, i) => Math.floor((i * inSize) / out));
    const ends = Array.from({ length: out }, (_, i) => Math.ceil(((i + 1) * inSize) / out));
    const lens = starts.map((s, i) => ends[i] - s);
    const n = Math.max(...lens);
    const index = Array.from({ length: n }, (_, j) => starts.map((s, i) => (j < lens[i] ? s + j : s)));
    const weight = Array.from({ length: n }, (_, j) => lens.map((l) => (j < l ? 1 : 0)));
    const t = makeTaps(x, dim, index, weight);
    taps.push(t);
    counts.unshift(Tensor.fromData((x.dtype === 'float64' ? Float64Array : Float32Array).from(lens), x.dtype, (t.weight as Tensor[])[0].shape));
  }
  return resample(x, taps, 'AdaptiveAvgPool3DBackward0', counts);
}

// --- F.interpolate ---

export const sizeCheck: Check<number | readonly number[] | null> = check('an int or a list of ints or null', (v) => v === null || Number.isInteger(v) || (Array.isArray(v) && v.every((e) => Number.isInteger(e))));

const inputParam = ['input', tensor] as const;
const sizeParam = ['size', sizeCheck, null] as const;
const scaleParam = ['scaleFactor', nullable(numberOrList), null] as const;
const modeParam = ['mode', string as Check<InterpolateMode>, 'nearest'] as const;
const alignParam = ['alignCorners', nullable(bool), null] as const;
const interpolateArgs = signature('interpolate', [
  inputParam, sizeParam, scaleParam, modeParam, alignParam, ['recomputeScaleFactor', nullable(bool), null], ['antialias', bool, false],
] as const);
const upsampleArgs = signature('upsample', [inputParam, sizeParam, scaleParam, modeParam, alignParam] as const);
const upsampleNearestArgs = signature('upsample_nearest', [inputParam, sizeParam, scaleParam] as const);
const upsampleBilinearArgs = signature('upsample_bilinear', [inputParam, sizeParam, scaleParam] as const);

const pyList = (v: readonly number[], floats = false): string => `[${v.map((e) => (floats ? pyFloat(e) : String(e))).join(', ')}]`;

/** upsample_{1,2,3}d_common_check's message. */
function checkSizes(inSizes: readonly number[], outSizes: readonly number[]): void {
  if (inSizes.every((n) => n > 0) && outSizes.every((n) => n > 0)) return;
  const axes = ['D', 'H', 'W'].slice(3 - inSizes.length);
  const show = (s: readonly number[]) => `(${s.map((n, i) => `${axes[i]}: ${n}`).join(', ')})`;
  const and = inSizes.length === 1 ? ' and' : '';
  throw new RangeError(`Input and output sizes should be greater than 0, but got input ${show(inSizes)}${and} output ${show(outSizes)}`);
}

function interpolateImpl(
  input: Tensor,
  size: number | readonly number[] | null,
  scaleFactor: number | readonly number[] | null,
  mode: InterpolateMode,
  alignCornersArg: boolean | null,
  recomputeScaleFactor: boolean | null,
  antialias: boolean,
): Tensor {
  let alignCorners = false;
  if (mode === 'nearest' || mode === 'area' || mode === 'nearest-exact') {
    if (alignCornersArg !== null) {
      throw new Error('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
    }
  } else {
    alignCorners = alignCornersArg ?? false;
  }
  const dim = input.dim() - 2;
  const spatial = input.shape.slice(2);
  let outputSize: number[] | null = null;
  let scales: (number | null)[] = new Array<number | null>(Math.max(dim, 0)).fill(null);
  if (size !== null && scaleFactor !== null) throw new Error('only one of size or scale_factor should be defined');
  if (size !== null) {
    if (typeof size !== 'number') {
      if (size.length !== dim) {
        throw new Error(
          `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${pyList(spatial)} and output size of ${pyList(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
        );
      }
      outputSize = size.slice();
    } else {
      outputSize = new Array<number>(Math.max(dim, 0)).fill(size);
    }
  } else if (scaleFactor !== null) {
    if (typeof scaleFactor !== 'number') {
      if (scaleFactor.length !== dim) {
        throw new Error(
          `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${pyList(spatial)} and scale_factor of shape ${pyList(scaleFactor, true)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
        );
      }
      scales = scaleFactor.slice();
    } else {
      scales = new Array<number>(Math.max(dim, 0)).fill(scaleFactor);
    }
  } else {
    throw new Error('either size or scale_factor should be defined');
  }
  if (recomputeScaleFactor === true && size !== null) throw new Error('recompute_scale_factor is not meaningful with an explicit size.');
  let recompute = recomputeScaleFactor === true;
  if (mode === 'area' && outputSize === null) recompute = true;
  if (recompute) {
    outputSize = spatial.map((n, i) => Math.floor(n * (scales[i] as number)));
    scales = scales.map(() => null);
  }
  if (antialias && !((mode === 'bilinear' || mode === 'bicubic') && input.dim() === 4)) {
    throw new Error('Anti-alias option is only supported for bilinear and bicubic modes');
  }
  const nd = input.dim();
  const supported =
    (nd >= 3 && nd <= 5 && (mode === 'nearest' || mode === 'nearest-exact' || mode === 'area')) ||
    (nd === 3 && mode === 'linear') ||
    (nd === 4 && (mode === 'bilinear' || mode === 'bicubic')) ||
    (nd === 5 && mode === 'trilinear');
  if (!supported) {
    const needs: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, trilinear: 5 };
    const need = needs[mode];
    if (need !== undefined && nd >= 3 && nd <= 5) throw new Error(`Got ${nd}D input, but ${mode} mode needs ${need}D input`);
    throw new Error(
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    );
  }
  // The C++ ops compute the output size from the scales (floor of a double product).
  const out = outputSize ?? spatial.map((n, i) => Math.floor(n * (scales[i] as number)));
  if (mode === 'area') {
    if (nd === 3) return adaptiveAvgPool1d(input, out[0]);
    if (nd === 4) return adaptiveAvgPool2d(input, out);
    return adaptiveAvgPool3d(input, out);
  }
  checkSizes(spatial, out);
  const taps: Taps[] = [];
  for (let k = dim - 1; k >= 0; k--) {
    const d = k + 2;
    let t: Taps | null;
    if (mode === 'nearest' || mode === 'nearest-exact') t = nearestTaps(input, d, out[k], scales[k], mode === 'nearest-exact');
    else if (antialias) t = antialiasTaps(input, d, out[k], mode as 'bilinear' | 'bicubic', alignCorners, scales[k]);
    else if (mode === 'bicubic') t = cubicTaps(input, d, out[k], alignCorners, scales[k]);
    else t = linearTaps(input, d, out[k], alignCorners, scales[k]);
    if (t !== null) taps.push(t);
  }
  const names: Record<string, string> = {
    nearest: 'UpsampleNearest',
    'nearest-exact': 'UpsampleNearestExact',
    linear: 'UpsampleLinear',
    bilinear: 'UpsampleBilinear',
    bicubic: 'UpsampleBicubic',
    trilinear: 'UpsampleTrilinear',
  };
  const name = `${names[mode]}${dim}D${antialias ? 'Aa' : ''}Backward1`;
  return resample(input, taps, name);
}

/**
 * interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None, antialias=False): resizes the spatial dims of an (N, C, …)
 * input of 3, 4 or 5 dims.
 */
export function interpolate(...args: ArgsOf<typeof interpolateArgs>): Tensor {
  const a = interpolateArgs.parse(args);
  return interpolateImpl(a.input, a.size, a.scaleFactor, a.mode, a.alignCorners, a.recomputeScaleFactor, a.antialias);
}

/** upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None): deprecated, interpolate. */
export function upsample(...args: ArgsOf<typeof upsampleArgs>): Tensor {
  const a = upsampleArgs.parse(args);
  warnOnce('nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.');
  return interpolateImpl(a.input, a.size, a.scaleFactor, a.mode, a.alignCorners, null, false);
}

/** upsample_nearest(input, size=None, scale_factor=None): deprecated, interpolate(mode='nearest'). */
export function upsampleNearest(...args: ArgsOf<typeof upsampleNearestArgs>): Tensor {
  const a = upsampleNearestArgs.parse(args);
  warnOnce('nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.');
  return interpolateImpl(a.input, a.size, a.scaleFactor, 'nearest', null, null, false);
}

/** upsample_bilinear(input, size=None, scale_factor=None): deprecated, interpolate(mode='bilinear', align_corners=True). */
export function upsampleBilinear(...args: ArgsOf<typeof upsampleBilinearArgs>): Tensor {
  const a = upsampleBilinearArgs.parse(args);
  warnOnce('nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.');
  return interpolateImpl(a.input, a.size, a.scaleFactor, 'bilinear', true, null, false);
}
