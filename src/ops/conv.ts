// Convolution as PyTorch's at::convolution: 1-D or 2-D, plain or transposed, grouped, one
// node (ConvolutionBackward0). Its backward is itself an op (convolutionBackward, node
// ConvolutionBackwardBackward0) whose own backward is made of these two ops, so createGraph
// gives derivatives of any order. 1-D convolutions run on the 2-D kernels with height 1;
// 3-D ones are composed from 2-D convolutions (conv3d.ts) and differentiated by autograd.
import type { Conv2dParams } from '../backend/backend.js';
import { backend, type DType, type View } from '../backend/index.js';
import { cppTypeName, scalarTypeName } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { conv3dForward, convTranspose3dForward } from './conv3d.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

/** at::convolution's arguments; each list has one entry per spatial dim (or one for all). */
export interface ConvParams {
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  transposed: boolean;
  outputPadding: readonly number[];
  groups: number;
}

/** ConvParams checked and with every list expanded to the number of spatial dims (what the nodes keep). */
interface Geometry extends ConvParams {
  spatial: number;
}

/** ATen's expand_param_if_needed: one value stands for every spatial dim, else one per dim. */
function expand(list: readonly number[], name: string, dims: number): number[] {
  if (list.length === 1) return new Array<number>(dims).fill(list[0]);
  if (list.length !== dims) {
    throw new RangeError(
      `expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=${formatShape(list)}`,
    );
  }
  return list.slice();
}

/** _convolution's parameter checks and check_shape_forward, in PyTorch's order. */
function geometry(x: Tensor, weight: Tensor, bias: Tensor | null, p: ConvParams): Geometry {
  const dims = weight.dim() - 2;
  if (dims <= 0) throw new RangeError('weight should have at least three dimensions');
  if (p.groups <= 0) throw new RangeError('non-positive groups is not supported');
  const g: Geometry = {
    spatial: dims,
    stride: expand(p.stride, 'stride', dims),
    padding: expand(p.padding, 'padding', dims),
    dilation: expand(p.dilation, 'dilation', dims),
    transposed: p.transposed,
    outputPadding: expand(p.outputPadding, 'output_padding', dims),
    groups: p.groups,
  };
  if (dims > 3) throw new RangeError(`${dims}-d convolution is not supported (conv1d, conv2d and conv3d are)`);
  if (g.padding.some((v) => v < 0)) throw new RangeError('negative padding is not supported');
  if (g.outputPadding.some((v) => v < 0)) throw new RangeError('negative output_padding is not supported');
  if (g.stride.some((v) => v <= 0)) throw new RangeError('non-positive stride is not supported');
  if (g.dilation.some((v) => v <= 0)) throw new RangeError(`dilation should be greater than zero, but got ${formatShape(g.dilation)}`);
  const ws = weight.shape;
  if (ws.length !== x.dim()) {
    throw new RangeError(
      `Expected ${ws.length}-dimensional input for ${ws.length}-dimensional weight ${formatShape(ws)}, but got ${x.dim()}-dimensional input of size ${formatShape(x.shape)} instead`,
    );
  }
  const groups = g.groups;
  if (ws[0] < groups) {
    throw new RangeError(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${formatShape(ws)} instead`);
  }
  if (ws[0] % groups !== 0) {
    // (PyTorch prints these sizes in double brackets.)
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${formatShape(ws)}] instead`);
  }
  if (!g.transposed) {
    if (x.shape[1] !== ws[1] * groups) {
      throw new RangeError(
        `Given groups=${groups}, weight of size ${formatShape(ws)}, expected input${formatShape(x.shape)} to have ${ws[1] * groups} channels, but got ${x.shape[1]} channels instead`,
      );
    }
    if (bias !== null && (bias.dim() !== 1 || bias.shape[0] !== ws[0])) {
      throw new RangeError(
        `Given weight of size ${formatShape(ws)}, expected bias to be 1-dimensional with ${ws[0]} elements, but got bias of size ${formatShape(bias.shape)} instead`,
      );
    }
    const padded = x.shape.slice(2).map((n, i) => n + 2 * g.padding[i]);
    const kernel = ws.slice(2).map((k, i) => g.dilation[i] * (k - 1) + 1);
    if (padded.some((n, i) => n < kernel[i])) {
      throw new RangeError(
        `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`,
      );
    }
  } else {
    if (x.shape[1] !== ws[0]) {
      throw new RangeError(
        `Given transposed=1, weight of size ${formatShape(ws)}, expected input${formatShape(x.shape)} to have ${ws[0]} channels, but got ${x.shape[1]} channels instead`,
      );
    }
    if (bias !== null && (bias.dim() !== 1 || bias.shape[0] !== ws[1] * groups)) {
      throw new RangeError(
        `Given transposed=1, weight of size ${formatShape(ws)}, expected bias to be 1-dimensional with ${ws[1] * groups} elements, but got bias of size ${formatShape(bias.shape)} instead`,
      );
    }
  }
  if (x.dtype !== weight.dtype) throw new TypeError(`expected scalar type ${scalarTypeName(x.dtype)} but found ${scalarTypeName(weight.dtype)}`);
  if (bias !== null && bias.dtype !== x.dtype) {
    throw new TypeError(`Input type (${cppTypeName(x.dtype)}) and bias type (${cppTypeName(bias.dtype)}) should be the same`);
  }
  if (g.transposed && dims === 3) checkTransposed3d(x, weight, g);
  else if (g.transposed) checkTransposed(x, weight, g);
  return g;
}

/** slow_conv_transpose2d's checks, which see 1-D problems as 2-D with height 1. */
function checkTransposed(x: Tensor, weight: Tensor, g: Geometry): void {
  const two = (v: readonly number[], fill: number) => (g.spatial === 1 ? [fill, v[0]] : v.slice());
  const [adjH, adjW] = two(g.outputPadding, 0);
  const [sH, sW] = two(g.stride, 1);
  const [dH, dW] = two(g.dilation, 1);
  if (!((adjW < sW || adjW < dW) && (adjH < sH || adjH < dH))) {
    throw new RangeError(
      `output padding must be smaller than either stride or dilation, but got output_padding_height: ${adjH} output_padding_width: ${adjW} stride_height: ${sH} stride_width: ${sW} dilation_height: ${dH} dilation_width: ${dW}`,
    );
  }
  const out = outputSpatial(x.shape, weight.shape, g);
  if (out.some((n) => n < 1)) {
    const inSizes = two(x.shape.slice(2), 1);
    throw new RangeError(
      `Given input size per channel: (${inSizes.join(' x ')}). Calculated output size per channel: (${two(out, 1).join(' x ')}). Output size is too small`,
    );
  }
}

/** slow_conv_transpose3d's checks. */
function checkTransposed3d(x: Tensor, weight: Tensor, g: Geometry): void {
  const [adjT, adjH, adjW] = g.outputPadding;
  const [sT, sH, sW] = g.stride;
  const [dT, dH, dW] = g.dilation;
  if (!((adjT < sT || adjT < dT) && (adjW < sW || adjW < dW) && (adjH < sH || adjH < dH))) {
    throw new RangeError(
      `output padding must be smaller than either stride or dilation, but got output_padding_depth: ${adjT} output_padding_height: ${adjH} output_padding_width: ${adjW} stride_depth: ${sT} stride_height: ${sH} stride_width: ${sW} dilation_depth: ${dT} dilation_height: ${dH} dilation_width: ${dW}`,
    );
  }
  const out = outputSpatial(x.shape, weight.shape, g);
  if (out.some((n) => n < 1)) {
    throw new RangeError(
      `Given input size per channel: (${x.shape.slice(2).join(' x ')}). Calculated output size per channel: (${out.join(' x ')}). Output size is too small`,
    );
  }
}

function outputSpatial(xShape: readonly number[], wShape: readonly number[], g: Geometry): number[] {
  return xShape.slice(2).map((n, i) => {
    const span = g.dilation[i] * (wShape[i + 2] - 1);
    if (g.transposed) return (n - 1) * g.stride[i] - 2 * g.padding[i] + span + g.outputPadding[i] + 1;
    return Math.floor((n + 2 * g.padding[i] - span - 1) / g.stride[i]) + 1;
  });
}

// --- kernel calls (1-D problems are 2-D with a unit height dim) ---

function kernelParams(g: Geometry): Conv2dParams {
  if (g.spatial === 2) {
    return { stride: [g.stride[0], g.stride[1]], padding: [g.padding[0], g.padding[1]], dilation: [g.dilation[0], g.dilation[1]], groups: g.groups };
  }
  return { stride: [1, g.stride[0]], padding: [0, g.padding[0]], dilation: [1, g.dilation[0]], groups: g.groups };
}

/** v as the 4-D view the kernels take: a unit height inserted for 1-D. */
function withUnitHeight(v: View, spatial: number): View {
  if (spatial === 2) return v;
  const shape = v.shape.slice();
  const strides = v.strides.slice();
  shape.splice(2, 0, 1);
  strides.splice(2, 0, v.shape[2] * v.strides[2]);
  return { buffer: v.buffer, dtype: v.dtype, shape, strides, offset: v.offset };
}

/** A shape as the kernels see it: a unit height inserted for 1-D. */
const unitHeightShape = (shape: readonly number[], spatial: number): number[] => (spatial === 2 ? shape.slice() : [shape[0], shape[1], 1, shape[2]]);

/** out[n, c, ...] += bias[c], in place (the transposed forward's bias). */
function addChannelBias(out: Tensor, bias: Tensor): void {
  const strides = out.shape.map((_, d) => (d === 1 ? bias.strides[0] : 0));
  backend().binary('add', out, { buffer: bias.buffer, dtype: bias.dtype, shape: out.shape, strides, offset: bias.offset }, out.buffer);
}

// The kernels write every output element once they have any input to read (col2im paths
// zero their output first), so the outputs skip the allocator's zero fill then; an empty
// input or weight leaves them as allocated, zero.
const overwritten = (shape: number[], dtype: DType, ...inputs: Tensor[]): Tensor =>
  inputs.every((t) => t.numel() > 0) ? Tensor.emptyForOverwrite(shape, dtype) : Tensor.empty(shape, dtype);

function forwardKernel(x: Tensor, weight: Tensor, bias: Tensor | null, g: Geometry, outShape: number[]): Tensor {
  const out = overwritten(outShape, x.dtype, x, weight);
  if (out.numel() === 0) return out;
  const k = kernelParams(g);
  const s = g.spatial;
  if (!g.transposed) {
    backend().conv2d(withUnitHeight(x, s), withUnitHeight(weight, s), bias, k, out.buffer, unitHeightShape(outShape, s));
  } else {
    // A transposed convolution is the input gradient of the convolution it transposes.
    backend().conv2dBackwardInput(withUnitHeight(x, s), withUnitHeight(weight, s), k, out.buffer, unitHeightShape(outShape, s));
    if (bias !== null) addChannelBias(out, bias);
  }
  return out;
}

function inputGradKernel(gradOut: Tensor, weight: Tensor, g: Geometry, inputShape: readonly number[]): Tensor {
  const out = overwritten(inputShape.slice(), gradOut.dtype, gradOut, weight);
  if (out.numel() === 0 || gradOut.numel() === 0) return out;
  const k = kernelParams(g);
  const s = g.spatial;
  if (!g.transposed) backend().conv2dBackwardInput(withUnitHeight(gradOut, s), withUnitHeight(weight, s), k, out.buffer, unitHeightShape(inputShape, s));
  else backend().conv2d(withUnitHeight(gradOut, s), withUnitHeight(weight, s), null, k, out.buffer, unitHeightShape(inputShape, s));
  return out;
}

function weightGradKernel(gradOut: Tensor, x: Tensor, g: Geometry, weightShape: readonly number[]): Tensor {
  const out = Tensor.empty(weightShape.slice(), gradOut.dtype);
  if (out.numel() === 0 || gradOut.numel() === 0) return out;
  const k = kernelParams(g);
  const s = g.spatial;
  // Transposed: the roles of input and output swap (x is the "gradient" of the output).
  if (!g.transposed) backend().conv2dBackwardWeight(withUnitHeight(gradOut, s), withUnitHeight(x, s), k, out.buffer, unitHeightShape(weightShape, s));
  else backend().conv2dBackwardWeight(withUnitHeight(x, s), withUnitHeight(gradOut, s), k, out.buffer, unitHeightShape(weightShape, s));
  return out;
}

function biasGradKernel(gradOut: Tensor): Tensor {
  const out = Tensor.empty([gradOut.shape[1]], gradOut.dtype);
  const dims = gradOut.shape.map((_, d) => d).filter((d) => d !== 1);
  backend().reduce('sum', gradOut, dims, out.buffer);
  return out;
}

// --- the ops ---

class ConvolutionBackward0 extends Node {
  readonly name = 'ConvolutionBackward0';
  constructor(private readonly g: Geometry) {
    super();
  }
  backward([grad]: Grad[]): Grad[] {
    if (grad === null) return [null, null, null];
    const [x, weight] = this.saved();
    return backwardOp(grad, x, weight, this.g, [this.next[0] !== null, this.next[1] !== null, this.next[2] !== null]);
  }
}

/** The convolution on checked geometry, recording ConvolutionBackward0. */
function forwardOp(x: Tensor, weight: Tensor, bias: Tensor | null, g: Geometry): Tensor {
  const outChannels = g.transposed ? weight.shape[1] * g.groups : weight.shape[0];
  const out = forwardKernel(x, weight, bias, g, [x.shape[0], outChannels, ...outputSpatial(x.shape, weight.shape, g)]);
  if (needsGrad(x, weight, bias)) record(new ConvolutionBackward0(g), [x, weight, bias], [out]).save(x, weight);
  return out;
}

/**
 * at::convolution: x [N, C, (H,) W], weight [O, C/groups, (kH,) kW] ([C, O/groups, …] when
 * transposed), bias [O] or null.
 */
export function convolution(x: Tensor, weight: Tensor, bias: Tensor | null, params: ConvParams): Tensor {
  const g = geometry(x, weight, bias, params);
  if (g.spatial === 3) return (g.transposed ? convTranspose3dForward : conv3dForward)(x, weight, bias, g, convolution);
  return forwardOp(x, weight, bias, g);
}

class ConvolutionBackwardBackward0 extends Node {
  readonly name = 'ConvolutionBackwardBackward0';
  constructor(private readonly g: Geometry) {
    super();
  }
  /**
   * The three gradients are linear in (gradOut) and in (x, weight) each, so their
   * derivatives are convolutions again: gradOut receives conv(ggI, w) + conv(x, ggW) + ggB,
   * x receives the input gradient of conv(·, ggW) and w the weight gradient from ggI.
   */
  backward([ggI, ggW, ggB]: Grad[]): Grad[] {
    const [gradOut, x, weight] = this.saved();
    const g = this.g;
    let ggO: Grad = null;
    if (this.next[0] !== null) {
      if (ggI !== null) ggO = forwardOp(ggI, weight, null, g);
      if (ggW !== null) {
        const t = forwardOp(x, ggW, null, g);
        ggO = ggO === null ? t : ggO.add(t);
      }
      if (ggB !== null) {
        const b = ggB.reshape(gradOut.shape.map((n, d) => (d === 1 ? n : 1)));
        ggO = ggO === null ? b.expand(gradOut.shape) : ggO.add(b);
      }
    }
    const gx = this.next[1] !== null && ggW !== null ? backwardOp(gradOut, x, ggW, g, [true, false, false])[0] : null;
    const gw = this.next[2] !== null && ggI !== null ? backwardOp(gradOut, ggI, weight, g, [false, true, false])[1] : null;
    return [ggO, gx, gw];
  }
}

/** The gradients `mask` asks for on checked geometry, recording ConvolutionBackwardBackward0. */
function backwardOp(gradOut: Tensor, x: Tensor, weight: Tensor, g: Geometry, mask: readonly boolean[]): [Grad, Grad, Grad] {
  const gradIn = mask[0] ? inputGradKernel(gradOut, weight, g, x.shape) : null;
  const gradW = mask[1] ? weightGradKernel(gradOut, x, g, weight.shape) : null;
  const gradB = mask[2] ? biasGradKernel(gradOut) : null;
  if (needsGrad(gradOut, x, weight)) {
    record(new ConvolutionBackwardBackward0(g), [gradOut, x, weight], [gradIn, gradW, gradB]).save(gradOut, x, weight);
  }
  return [gradIn, gradW, gradB];
}

/**
 * at::convolution_backward: the gradients of convolution(x, weight, bias) with respect to
 * the inputs `mask` asks for, given the output's gradient.
 */
export function convolutionBackward(gradOut: Tensor, x: Tensor, weight: Tensor, params: ConvParams, mask: readonly boolean[]): [Grad, Grad, Grad] {
  const g = geometry(x, weight, null, params);
  if (g.spatial === 3) throw new RangeError('convolution_backward: 3-d convolutions are differentiated through their composition (use autograd)');
  return backwardOp(gradOut, x, weight, g, mask);
}
