// nn.functional convolutions, as torch.nn.functional calls them: int arguments broadcast
// to every spatial dim, unbatched inputs gain a batch dim, padding 'same'/'valid'.
import { convolution } from '../../ops/conv.js';
import { constantPadNd } from '../../ops/pad.js';
import { either, int, intOrList, nullable, signature, string, tensor, type ArgsOf, type Check, type OptionsObjectOf, type ParsedOf } from '../../tensor/args.js';
import { cppTypeName } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { ntuple } from './utils.js';

const head = [['input', tensor], ['weight', tensor], ['bias', nullable(tensor), null], ['stride', intOrList, 1]] as const;
/** Zero padding per side, or 'valid' (none) / 'same' (output size = input size, stride 1); another string gets PyTorch's message. */
const padding = ['padding', either(intOrList, string as Check<'same' | 'valid'>), 0] as const;

// conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)
const convSpec = [...head, padding, ['dilation', intOrList, 1], ['groups', int, 1]] as const;
const conv1dArgs = signature('conv1d', convSpec);
const conv2dArgs = signature('conv2d', convSpec);
const conv3dArgs = signature('conv3d', convSpec);
// conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)
const convTransposeSpec = [...head, ['padding', intOrList, 0], ['outputPadding', intOrList, 0], ['groups', int, 1], ['dilation', intOrList, 1]] as const;
const convTranspose1dArgs = signature('conv_transpose1d', convTransposeSpec);
const convTranspose2dArgs = signature('conv_transpose2d', convTransposeSpec);
const convTranspose3dArgs = signature('conv_transpose3d', convTransposeSpec);

export type ConvOptions = OptionsObjectOf<typeof conv2dArgs>;
export type ConvTransposeOptions = OptionsObjectOf<typeof convTranspose2dArgs>;

/** batchify: an unbatched input gets a batch dim of 1 (removed again from the output). */
function batchify(x: Tensor, spatial: number, name: string): [Tensor, boolean] {
  const batched = x.dim() === spatial + 2;
  if (x.dim() !== spatial + 1 && !batched) {
    throw new RangeError(`Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: ${formatShape(x.shape)}`);
  }
  return [batched ? x : x.unsqueeze(0), batched];
}

type ConvArgs = ParsedOf<typeof conv2dArgs>;

function convNd(spatial: number, name: string, a: ConvArgs): Tensor {
  const { input, weight, bias, groups, padding } = a;
  if (bias !== null && bias.dtype !== input.dtype) {
    throw new TypeError(`Input type (${cppTypeName(input.dtype)}) and bias type (${cppTypeName(bias.dtype)}) should be the same`);
  }
  const [x, batched] = batchify(input, spatial, name);
  const stride = ntuple(a.stride, spatial);
  const dilation = ntuple(a.dilation, spatial);
  let out: Tensor;
  if (typeof padding === 'string') out = convolutionMode(x, weight, bias, stride, padding, dilation, groups);
  else out = convolution(x, weight, bias, { stride, padding: ntuple(padding, spatial), dilation, transposed: false, outputPadding: [0], groups });
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
  if (!symmetric) warnOnce("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of the input be created");
  const input = symmetric ? x : constantPadNd(x, extra, 0);
  return convolution(input, weight, bias, { stride, padding: left, dilation, transposed: false, outputPadding: [0], groups });
}

/** Defaults of the plain call conv2d(x, w) / conv2d(x, w, b), which skips parsing. */
function plainCall(input: Tensor, weight: Tensor, bias: Tensor | null): ConvArgs {
  return { input, weight, bias, stride: 1, padding: 0, dilation: 1, groups: 1 };
}

/** conv(x, w) and conv(x, w, b): the tensors checked, nothing else to parse. */
function isPlain(args: readonly unknown[]): boolean {
  const b = args[2];
  return args.length <= 3 && args[0] instanceof Tensor && args[1] instanceof Tensor && (b === undefined || b === null || b instanceof Tensor);
}

/** conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) over [N, C, L] or [C, L]. */
export function conv1d(...args: ArgsOf<typeof conv1dArgs>): Tensor {
  const a = isPlain(args) ? plainCall(args[0] as Tensor, args[1] as Tensor, (args[2] as Tensor | undefined) ?? null) : conv1dArgs.parse(args);
  return convNd(1, 'conv1d', a);
}

/** conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) over [N, C, H, W] or [C, H, W]. */
export function conv2d(...args: ArgsOf<typeof conv2dArgs>): Tensor {
  const a = isPlain(args) ? plainCall(args[0] as Tensor, args[1] as Tensor, (args[2] as Tensor | undefined) ?? null) : conv2dArgs.parse(args);
  return convNd(2, 'conv2d', a);
}

/** conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) over [N, C, D, H, W] or [C, D, H, W]. */
export function conv3d(...args: ArgsOf<typeof conv3dArgs>): Tensor {
  const a = isPlain(args) ? plainCall(args[0] as Tensor, args[1] as Tensor, (args[2] as Tensor | undefined) ?? null) : conv3dArgs.parse(args);
  return convNd(3, 'conv3d', a);
}

function convTransposeNd(spatial: number, name: string, a: ParsedOf<typeof convTranspose2dArgs>): Tensor {
  const [x, batched] = batchify(a.input, spatial, name);
  const out = convolution(x, a.weight, a.bias, {
    stride: ntuple(a.stride, spatial),
    padding: ntuple(a.padding, spatial),
    dilation: ntuple(a.dilation, spatial),
    transposed: true,
    outputPadding: ntuple(a.outputPadding, spatial),
    groups: a.groups,
  });
  return batched ? out : out.squeeze(0);
}

/** conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose1d(...args: ArgsOf<typeof convTranspose1dArgs>): Tensor {
  return convTransposeNd(1, 'conv_transpose1d', convTranspose1dArgs.parse(args));
}

/** conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose2d(...args: ArgsOf<typeof convTranspose2dArgs>): Tensor {
  return convTransposeNd(2, 'conv_transpose2d', convTranspose2dArgs.parse(args));
}

/** conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose3d(...args: ArgsOf<typeof convTranspose3dArgs>): Tensor {
  return convTransposeNd(3, 'conv_transpose3d', convTranspose3dArgs.parse(args));
}
