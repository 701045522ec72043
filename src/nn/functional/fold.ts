// unfold (im2col) and fold (col2im) for 4-D (batched) and 3-D inputs. Both are one native
// kernel over the flattened, zero-padded spatial dims: unfold gathers with indexSelect along
// an index of the kernel_h * kernel_w * L cells it reads, fold adds back with indexAdd along
// the same index. Each is the other's adjoint, so each one's backward is the other.
import { noGrad } from '../../autograd/grad-mode.js';
import { constantPadNd } from '../../ops/pad.js';
import { needsGrad, record } from '../../ops/record.js';
import { intOrList, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { formatShape } from '../../tensor/shape.js';
import { Node } from '../../tensor/graph.js';
import { Tensor } from '../../tensor/tensor.js';
import { pair } from './utils.js';

type Grad = Tensor | null;

const unfoldArgs = signature('unfold', [
  ['input', tensor], ['kernelSize', intOrList], ['dilation', intOrList, 1], ['padding', intOrList, 0], ['stride', intOrList, 1],
] as const);
const foldArgs = signature('fold', [
  ['input', tensor], ['outputSize', intOrList], ['kernelSize', intOrList], ['dilation', intOrList, 1], ['padding', intOrList, 0], ['stride', intOrList, 1],
] as const);

interface Geometry {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

const tuple = (v: readonly number[]) => `(${v.join(', ')})`;

/** im2col / col2im's shape checks (aten/src/ATen/native/im2col_shape_check.h), in their order. */
function checkGeometry(g: Geometry): void {
  const [kh, kw] = g.kernel;
  const [dh, dw] = g.dilation;
  const [ph, pw] = g.padding;
  const [sh, sw] = g.stride;
  if (!(kw > 0 && kh > 0)) throw new RangeError(`kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`);
  if (!(sw > 0 && sh > 0)) throw new RangeError(`stride should be greater than zero, but got stride_height: ${sh} stride_width: ${sw}`);
  if (!(dw > 0 && dh > 0)) throw new RangeError(`dilation should be greater than zero, but got dilation_height: ${dh} dilation_width: ${dw}`);
  if (!(pw >= 0 && ph >= 0)) throw new RangeError(`padding should be non-negative, but got pad_height: ${ph} pad_width: ${pw}`);
}

function blocks(size: readonly number[], g: Geometry): number[] {
  return [0, 1].map((i) => Math.floor((size[i] + 2 * g.padding[i] - (g.dilation[i] * (g.kernel[i] - 1) + 1)) / g.stride[i]) + 1);
}

/**
 * Where each (kernel cell, block) reads in the padded, flattened (H + 2 ph) * (W + 2 pw)
 * plane, in unfold's column order: kernel row, kernel column, then block row, block column.
 */
function cellIndex(size: readonly number[], g: Geometry, nb: readonly number[]): Tensor {
  const wp = size[1] + 2 * g.padding[1];
  const [kh, kw] = g.kernel;
  const l = nb[0] * nb[1];
  const ix = new Float64Array(kh * kw * l);
  let p = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let bi = 0; bi < nb[0]; bi++) {
        const row = (bi * g.stride[0] + i * g.dilation[0]) * wp;
        for (let bj = 0; bj < nb[1]; bj++) ix[p++] = row + bj * g.stride[1] + j * g.dilation[1];
      }
    }
  }
  return Tensor.fromData(ix, 'int64', [ix.length]);
}

class Im2ColBackward0 extends Node {
  readonly name = 'Im2ColBackward0';
  constructor(private readonly size: number[], private readonly g: Geometry) {
    super();
  }
  backward([grad]: Grad[]): Grad[] {
    return [fold(grad as Tensor, this.size, this.g.kernel, this.g.dilation, this.g.padding, this.g.stride)];
  }
}

class Col2ImBackward0 extends Node {
  readonly name = 'Col2ImBackward0';
  constructor(private readonly g: Geometry) {
    super();
  }
  backward([grad]: Grad[]): Grad[] {
    return [unfold(grad as Tensor, this.g.kernel, this.g.dilation, this.g.padding, this.g.stride)];
  }
}

/**
 * unfold(input, kernel_size, dilation=1, padding=0, stride=1): the sliding blocks of an
 * (N, C, H, W) or (C, H, W) input as columns, (N, C * kh * kw, L).
 */
export function unfold(...args: ArgsOf<typeof unfoldArgs>): Tensor {
  const a = unfoldArgs.parse(args);
  const x = a.input;
  const g: Geometry = { kernel: pair(a.kernelSize), dilation: pair(a.dilation), padding: pair(a.padding), stride: pair(a.stride) };
  if (x.dim() < 3) throw new RangeError(`Dimension out of range (expected to be in range of [${-x.dim()}, ${x.dim() - 1}], but got 2)`);
  checkGeometry(g);
  const batched = x.dim() === 4;
  if (!((x.dim() === 3 || batched) && x.shape.slice(1).every((n) => n > 0))) {
    throw new RangeError(`Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${formatShape(x.shape)}`);
  }
  const size = x.shape.slice(-2);
  const nb = blocks(size, g);
  if (nb[0] < 1 || nb[1] < 1) {
    throw new RangeError(
      `Given input with spatial size ${tuple(size)}, kernel_size=${tuple(g.kernel)}, dilation=${tuple(g.dilation)}, padding=${tuple(g.padding)}, calculated shape of the array of sliding blocks as ${tuple(nb)}, but its components must be at least one.`,
    );
  }
  const out = noGrad(() => {
    const x4 = batched ? x : x.unsqueeze(0);
    const [n, c] = x4.shape;
    const padded = g.padding[0] > 0 || g.padding[1] > 0 ? constantPadNd(x4, [g.padding[1], g.padding[1], g.padding[0], g.padding[0]]) : x4;
    const cols = padded.reshape([n, c, -1]).indexSelect(2, cellIndex(size, g, nb));
    const res = cols.reshape([n, c * g.kernel[0] * g.kernel[1], nb[0] * nb[1]]);
    return batched ? res : res.squeeze(0);
  });
  if (needsGrad(x)) record(new Im2ColBackward0(size, g), [x], [out]);
  return out;
}

/**
 * fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1): sums columns
 * (N, C * kh * kw, L) or (C * kh * kw, L) back into an (N, C, H, W) / (C, H, W) image.
 */
export function fold(...args: ArgsOf<typeof foldArgs>): Tensor {
  const a = foldArgs.parse(args);
  const x = a.input;
  const size = pair(a.outputSize);
  const g: Geometry = { kernel: pair(a.kernelSize), dilation: pair(a.dilation), padding: pair(a.padding), stride: pair(a.stride) };
  checkGeometry(g);
  const batched = x.dim() === 3;
  if (!((x.dim() === 2 || batched) && x.shape.slice(1).every((n) => n > 0))) {
    throw new RangeError(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${formatShape(x.shape)}`);
  }
  const x3 = batched ? x : x.unsqueeze(0);
  const [n, ck, l] = x3.shape;
  const kk = g.kernel[0] * g.kernel[1];
  if (ck % kk !== 0) {
    throw new RangeError(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${ck} and kernel_size=${tuple(g.kernel)}.`);
  }
  const nb = blocks(size, g);
  if (nb[0] < 1 || nb[1] < 1 || nb[0] * nb[1] !== l) {
    throw new RangeError(
      `Given output_size=${tuple(size)}, kernel_size=${tuple(g.kernel)}, dilation=${tuple(g.dilation)}, padding=${tuple(g.padding)}, stride=${tuple(g.stride)}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${nb[0]} * ${nb[1]} = ${nb[0] * nb[1]}, but got input.size(2)=${l}.`,
    );
  }
  const out = noGrad(() => {
    const c = ck / kk;
    const [hp, wp] = [size[0] + 2 * g.padding[0], size[1] + 2 * g.padding[1]];
    const plane = Tensor.empty([n, c, hp * wp], x.dtype).indexAdd(2, cellIndex(size, g, nb), x3.reshape([n, c, kk * l]));
    let img = plane.reshape([n, c, hp, wp]);
    if (g.padding[0] > 0 || g.padding[1] > 0) img = constantPadNd(img, [-g.padding[1], -g.padding[1], -g.padding[0], -g.padding[0]]);
    return batched ? img : img.squeeze(0);
  });
  if (needsGrad(x)) record(new Col2ImBackward0(g), [x], [out]);
  return out;
}
