// nn.functional convolutions and pad, as torch.nn.functional calls them: int arguments
// broadcast to every spatial dim, unbatched inputs gain a batch dim, padding 'same'/'valid'.
import { constantPadNd, indexPad } from '../../ops/pad.js';
import { convolution } from '../../ops/conv.js';
import { cppTypeName } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

export type IntOrList = number | readonly number[];

export interface ConvOptions {
  stride?: IntOrList;
  /** Zero padding per side, or 'valid' (none) / 'same' (output size = input size, stride 1). */
  padding?: IntOrList | 'same' | 'valid';
  dilation?: IntOrList;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrList;
  padding?: IntOrList;
  outputPadding?: IntOrList;
  groups?: number;
  dilation?: IntOrList;
}

/** Python's int-list arguments: an int stands for all `n` dims, a list is taken as given. */
export function intList(v: IntOrList, n: number): number[] {
  return typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
}

/** batchify: an unbatched input gets a batch dim of 1 (removed again from the output). */
function batchify(x: Tensor, spatial: number, name: string): [Tensor, boolean] {
  const batched = x.dim() === spatial + 2;
  if (x.dim() !== spatial + 1 && !batched) {
    throw new RangeError(`Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: ${formatShape(x.shape)}`);
  }
  return [batched ? x : x.unsqueeze(0), batched];
}

function convNd(spatial: number, name: string, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions): Tensor {
  const b = bias ?? null;
  if (b !== null && b.dtype !== input.dtype) {
    throw new TypeError(`Input type (${cppTypeName(input.dtype)}) and bias type (${cppTypeName(b.dtype)}) should be the same`);
  }
  const [x, batched] = batchify(input, spatial, name);
  const stride = intList(opts.stride ?? 1, spatial);
  const dilation = intList(opts.dilation ?? 1, spatial);
  const groups = opts.groups ?? 1;
  const padding = opts.padding ?? 0;
  let out: Tensor;
  if (typeof padding === 'string') out = convolutionMode(x, weight, b, stride, padding, dilation, groups);
  else out = convolution(x, weight, b, { stride, padding: intList(padding, spatial), dilation, transposed: false, outputPadding: [0], groups });
  return batched ? out : out.squeeze(0);
}

/** at::_convolution_mode: padding given as 'valid' or 'same'. */
function convolutionMode(x: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], mode: string, dilation: number[], groups: number): Tensor {
  if (mode === 'valid') return convolution(x, weight, bias, { stride, padding: [0], dilation, transposed: false, outputPadding: [0], groups });
  if (mode !== 'same') throw new RangeError(`Invalid padding string: '${mode}'`);
  if (stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
  const k = weight.dim();
  if (k <= 2) throw new RangeError('weight should have at least three dimensions');
  const dims = k - 2;
  if (k !== x.dim()) {
    throw new RangeError(
      `Expected ${k}-dimensional input for ${k}-dimensional weight${formatShape(weight.shape)}, but got ${x.dim()}-dimensional input of size ${formatShape(x.shape)} instead`,
    );
  }
  if (dilation.length !== dims && dilation.length !== 1) throw new RangeError(`dilation cannot broadcast to ${dims} dimensions`);
  // Total padding d*(k-1) per dim, split left = floor(total/2); an odd total puts the extra
  // cell on the right, which PyTorch adds with an explicit zero pad of the input.
  const left: number[] = [];
  const extra = new Array<number>(2 * dims).fill(0);
  let symmetric = true;
  for (let i = 0; i < dims; i++) {
    const d = dilation.length === 1 ? dilation[0] : dilation[i];
    const total = d * (weight.shape[i + 2] - 1);
    left.push(Math.floor(total / 2));
    if (total % 2 !== 0) {
      symmetric = false;
      extra[2 * (dims - 1 - i) + 1] = 1;
    }
  }
  const input = symmetric ? x : constantPadNd(x, extra, 0);
  return convolution(input, weight, bias, { stride, padding: left, dilation, transposed: false, outputPadding: [0], groups });
}

export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd(1, 'conv1d', input, weight, bias, opts);
}

export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd(2, 'conv2d', input, weight, bias, opts);
}

function convTransposeNd(spatial: number, name: string, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  const [x, batched] = batchify(input, spatial, name);
  const out = convolution(x, weight, bias ?? null, {
    stride: intList(opts.stride ?? 1, spatial),
    padding: intList(opts.padding ?? 0, spatial),
    dilation: intList(opts.dilation ?? 1, spatial),
    transposed: true,
    outputPadding: intList(opts.outputPadding ?? 0, spatial),
    groups: opts.groups ?? 1,
  });
  return batched ? out : out.squeeze(0);
}

export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(1, 'conv_transpose1d', input, weight, bias, opts);
}

export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(2, 'conv_transpose2d', input, weight, bias, opts);
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * F.pad(input, pad, mode, value): pad lists (left, right) pairs from the last dim backwards.
 * Non-constant modes pad the last 1 or 2 dims of a (batched or unbatched) input.
 */
export function pad(input: Tensor, pad: readonly number[], mode: PadMode = 'constant', value?: number): Tensor {
  const nd = input.dim();
  if (pad.length % 2 !== 0) throw new RangeError('Padding length must be divisible by 2');
  if (pad.length > nd * 2) throw new RangeError('Padding length too large');
  if (mode === 'constant') return constantPadNd(input, pad, value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') throw new Error(`Unrecognised padding mode ${String(mode)}`);
  if (value !== undefined && value !== 0) throw new RangeError(`Padding mode "${mode}" doesn't take in value argument`);
  const pairs = pad.length / 2;
  if (!((pairs === 1 && (nd === 2 || nd === 3)) || (pairs === 2 && (nd === 3 || nd === 4)))) {
    throw new Error('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  }
  return indexPad(input, pad, mode);
}
