// nn.functional convolutions, as torch.nn.functional calls them: int arguments broadcast
// to every spatial dim, unbatched inputs gain a batch dim, padding 'same'/'valid'.
import { convolution } from '../../ops/conv.js';
import { constantPadNd } from '../../ops/pad.js';
import { cppTypeName } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ntuple, type IntOrList } from './utils.js';

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
  const stride = ntuple(opts.stride ?? 1, spatial);
  const dilation = ntuple(opts.dilation ?? 1, spatial);
  const groups = opts.groups ?? 1;
  const padding = opts.padding ?? 0;
  let out: Tensor;
  if (typeof padding === 'string') out = convolutionMode(x, weight, b, stride, padding, dilation, groups);
  else out = convolution(x, weight, b, { stride, padding: ntuple(padding, spatial), dilation, transposed: false, outputPadding: [0], groups });
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
    stride: ntuple(opts.stride ?? 1, spatial),
    padding: ntuple(opts.padding ?? 0, spatial),
    dilation: ntuple(opts.dilation ?? 1, spatial),
    transposed: true,
    outputPadding: ntuple(opts.outputPadding ?? 0, spatial),
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

// F.pad lives in ./padding.ts; re-exported for src/vision/transforms, which imports it from here.
export { pad } from './padding.js';
