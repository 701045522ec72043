// 2-D pooling as PyTorch's ATen ops (max_pool2d_with_indices, avg_pool2d,
// _adaptive_avg_pool2d, adaptive_max_pool2d) on [N, C, H, W] or unbatched [C, H, W]
// inputs. Each backward is an op of its own whose backward is the forward pooling (avg,
// adaptive avg: see LinearPool) or a gather at the saved argmax (max), so createGraph
// gives second derivatives.
import type { Pool2dParams } from '../backend/backend.js';
import { backend, type View } from '../backend/index.js';
import { Node } from '../tensor/graph.js';
import { formatShape } from '../tensor/shape.js';
import { scalarTypeName } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;
type Pair = [number, number];

/** An unbatched [C, H, W] view as [1, C, H, W] (the kernels take 4-D views). */
function withBatchDim(v: View): View {
  if (v.shape.length === 4) return v;
  return { buffer: v.buffer, dtype: v.dtype, shape: [1, ...v.shape], strides: [v.shape[0] * v.strides[0], ...v.strides], offset: v.offset };
}

/** An unbatched [C, H, W] shape as [1, C, H, W]. */
const batchedShape = (shape: readonly number[]): number[] => (shape.length === 4 ? shape.slice() : [1, ...shape]);

/** Same leading dims as x, new (H, W). */
const pooledShape = (x: Tensor, size: readonly number[]): number[] => [...x.shape.slice(0, -2), size[0], size[1]];

/** PyTorch's pooling_output_shape, with its checks. */
export function poolingOutputShape(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  if (stride === 0) throw new RangeError('stride should not be zero');
  if (pad < 0) throw new RangeError(`pad must be non-negative, but got pad: ${pad}`);
  if (pad > Math.floor(kernel / 2)) throw new RangeError(`pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${kernel}`);
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // The last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** PyTorch's pool2d_shape_check. */
function pool2dShapeCheck(x: Tensor, k: Pair, s: Pair, p: Pair, d: Pair, out: Pair): void {
  if (!(k[1] > 0 && k[0] > 0)) throw new RangeError(`kernel size should be greater than zero, but got kH: ${k[0]} kW: ${k[1]}`);
  if (!(s[1] > 0 && s[0] > 0)) throw new RangeError(`stride should be greater than zero, but got dH: ${s[0]} dW: ${s[1]}`);
  if (!(d[0] > 0 && d[1] > 0)) throw new RangeError(`dilation should be greater than zero, but got dilationH: ${d[0]} dilationW: ${d[1]}`);
  const nd = x.dim();
  const validDims = x.shape[1] !== 0 && x.shape[2] !== 0;
  if (!((nd === 3 && x.shape[0] !== 0 && validDims) || (nd === 4 && validDims && x.shape[3] !== 0))) {
    throw new RangeError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${formatShape(x.shape)}`);
  }
  if (!(Math.floor(k[1] / 2) >= p[1] && Math.floor(k[0] / 2) >= p[0])) {
    throw new RangeError(`pad should be smaller than or equal to half of kernel size, but got padW = ${p[1]}, padH = ${p[0]}, kW = ${k[1]}, kH = ${k[0]}`);
  }
  if (out[1] < 1 || out[0] < 1) {
    const [H, W] = x.shape.slice(-2);
    const C = x.shape[nd - 3];
    throw new RangeError(`Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${out[0]}x${out[1]}). Output size is too small`);
  }
}

/** A 1- or 2-element int list as (H, W); `fallback` for an empty list (stride defaults to the kernel). */
function pair(list: readonly number[], fallback?: Pair): Pair {
  if (list.length === 0 && fallback) return fallback;
  return list.length === 1 ? [list[0], list[0]] : [list[0], list[1]];
}

function checkFloating(x: Tensor, op: string): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new TypeError(`"${op}" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
}

function argList(list: readonly number[], op: string, name: string, allowEmpty = false): void {
  const ok = list.length === 1 || list.length === 2 || (allowEmpty && list.length === 0);
  if (ok) return;
  if (name === 'stride') throw new RangeError(`${op}: stride must either be omitted, a single int, or a tuple of two ints`);
  if (name === 'dilation') throw new RangeError(`${op}: dilation must be either a single int, or a tuple of two ints`);
  throw new RangeError(`${op}: ${name} must either be a single int, or a tuple of two ints`);
}

// --- max pooling (and the argmax gradient shared with adaptive max pooling) ---

export interface MaxPool2dArgs {
  kernelSize: readonly number[];
  /** Empty: the kernel size. */
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  ceilMode: boolean;
}

/** MaxPool2DWithIndicesBackward0 or AdaptiveMaxPool2DBackward0; `backName` names its backward's node. */
class MaxIndicesBackward extends Node {
  constructor(readonly name: string, private readonly backName: string) {
    super();
  }
  backward([grad]: Grad[]): Grad[] {
    const [x, indices] = this.saved();
    return [maxIndicesBackward(grad as Tensor, x, indices, this.backName)];
  }
}

class MaxIndicesBackwardBackward extends Node {
  constructor(readonly name: string) {
    super();
  }
  backward([gg]: Grad[]): Grad[] {
    const [indices] = this.saved();
    if (gg === null || this.next[0] === null) return [null, null];
    // The gradient routed each output cell to its argmax: read it back from there.
    const flat = gg.flatten(-2);
    const picked = flat.gather(-1, indices.flatten(-2));
    return [picked.view(indices.shape), null];
  }
}

/** Sends each output cell's gradient to its argmax in the input plane (x gives the shape). */
function maxIndicesBackward(gradOut: Tensor, x: Tensor, indices: Tensor, name: string): Tensor {
  const out = Tensor.empty(x.shape.slice(), gradOut.dtype);
  if (gradOut.numel() > 0) backend().maxPool2dBackward(withBatchDim(gradOut), withBatchDim(indices), out.buffer, batchedShape(x.shape));
  if (needsGrad(gradOut, x)) record(new MaxIndicesBackwardBackward(name), [gradOut, x], [out]).save(indices);
  return out;
}

/** at::max_pool2d_with_indices: values and flat argmax indices (h * W + w) per plane. */
export function maxPool2dWithIndices(x: Tensor, args: MaxPool2dArgs): [Tensor, Tensor] {
  const op = 'max_pool2d';
  argList(args.kernelSize, op, 'kernel_size');
  const k = pair(args.kernelSize);
  argList(args.stride, op, 'stride', true);
  const s = pair(args.stride, k);
  argList(args.padding, op, 'padding');
  const p = pair(args.padding);
  argList(args.dilation, op, 'dilation');
  const d = pair(args.dilation);
  if (x.dim() !== 3 && x.dim() !== 4) throw new RangeError('non-empty 3D or 4D (batch mode) tensor expected for input');
  const [H, W] = x.shape.slice(-2);
  const out2: Pair = [poolingOutputShape(H, k[0], p[0], s[0], d[0], args.ceilMode), poolingOutputShape(W, k[1], p[1], s[1], d[1], args.ceilMode)];
  pool2dShapeCheck(x, k, s, p, d, out2);
  checkFloating(x, op);
  const out = Tensor.empty(pooledShape(x, out2), x.dtype);
  const indices = Tensor.empty(out.shape.slice(), 'int64');
  const params: Pool2dParams = { kernel: k, stride: s, padding: p, dilation: d, outSize: out2 };
  if (out.numel() > 0) backend().maxPool2d(withBatchDim(x), params, out.buffer, indices.buffer);
  if (needsGrad(x)) record(new MaxIndicesBackward('MaxPool2DWithIndicesBackward0', 'MaxPool2DWithIndicesBackwardBackward0'), [x], [out]).save(x, indices);
  return [out, indices];
}

/** at::adaptive_max_pool2d: values and flat argmax indices over adaptive bins. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: readonly number[]): [Tensor, Tensor] {
  const nd = x.dim();
  if (nd !== 3 && nd !== 4) throw new RangeError(`adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${formatShape(x.shape)}`);
  for (let i = 1; i < nd; i++) {
    if (x.shape[i] <= 0) {
      throw new RangeError(
        `adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatShape(x.shape)} with dimension ${i} being empty`,
      );
    }
  }
  if (outputSize.length !== 2) throw new RangeError('adaptive_max_pool2d(): internal error: output_size.size() must be 2');
  checkFloating(x, 'adaptive_max_pool2d');
  const size: Pair = [outputSize[0], outputSize[1]];
  const out = Tensor.empty(pooledShape(x, size), x.dtype);
  const indices = Tensor.empty(out.shape.slice(), 'int64');
  if (out.numel() > 0) backend().adaptiveMaxPool2d(withBatchDim(x), out.buffer, indices.buffer, size);
  if (needsGrad(x)) record(new MaxIndicesBackward('AdaptiveMaxPool2DBackward0', 'AdaptiveMaxPool2DBackwardBackward0'), [x], [out]).save(x, indices);
  return [out, indices];
}

// --- poolings linear in their input (avg, adaptive avg) ---
// The backward is linear in the gradient with the forward pooling as its adjoint, so both
// nodes follow one pattern: the backward's own backward runs the forward again.

interface LinearPool {
  /** The forward's node (AvgPool2DBackward0, …) and its backward's (…BackwardBackward0). */
  name: string;
  backName: string;
  /** The forward kernel into out (x's leading dims, outSize). */
  forward(x: Tensor, out: Tensor): void;
  /** The backward kernel: grad (the output's shape) into out (the input's shape). */
  backward(grad: Tensor, out: Tensor): void;
  outSize: Pair;
}

class LinearPoolBackward extends Node {
  readonly name: string;
  constructor(private readonly pool: LinearPool) {
    super();
    this.name = pool.name;
  }
  backward([grad]: Grad[]): Grad[] {
    const [x] = this.saved();
    return [linearPoolBackward(this.pool, grad as Tensor, x)];
  }
}

class LinearPoolBackwardBackward extends Node {
  readonly name: string;
  constructor(private readonly pool: LinearPool) {
    super();
    this.name = pool.backName;
  }
  backward([gg]: Grad[]): Grad[] {
    return [gg !== null && this.next[0] !== null ? linearPoolForward(this.pool, gg) : null, null];
  }
}

function linearPoolForward(pool: LinearPool, x: Tensor): Tensor {
  const out = Tensor.empty(pooledShape(x, pool.outSize), x.dtype);
  if (out.numel() > 0) pool.forward(x, out);
  if (needsGrad(x)) record(new LinearPoolBackward(pool), [x], [out]).save(x);
  return out;
}

/** The gradient of `pool` with respect to x (saved for its shape) given the output's. */
function linearPoolBackward(pool: LinearPool, grad: Tensor, x: Tensor): Tensor {
  const out = Tensor.empty(x.shape.slice(), grad.dtype);
  if (grad.numel() > 0) pool.backward(grad, out);
  if (needsGrad(grad, x)) record(new LinearPoolBackwardBackward(pool), [grad, x], [out]);
  return out;
}

// --- average pooling ---

export interface AvgPool2dArgs {
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/** avg_pool2d on already-checked geometry. */
function avgPool(params: Pool2dParams): LinearPool {
  return {
    name: 'AvgPool2DBackward0',
    backName: 'AvgPool2DBackwardBackward0',
    forward(x, out) {
      backend().avgPool2d(withBatchDim(x), params, out.buffer);
    },
    backward(grad, out) {
      backend().avgPool2dBackward(withBatchDim(grad), params, out.buffer, batchedShape(out.shape));
    },
    outSize: params.outSize,
  };
}

/** at::avg_pool2d. */
export function avgPool2d(x: Tensor, args: AvgPool2dArgs): Tensor {
  const op = 'avg_pool2d';
  argList(args.kernelSize, op, 'kernel_size');
  const k = pair(args.kernelSize);
  argList(args.stride, op, 'stride', true);
  const s = pair(args.stride, k);
  argList(args.padding, op, 'padding');
  const p = pair(args.padding);
  if (args.divisorOverride !== null && args.divisorOverride === 0) throw new RangeError('divisor must be not zero');
  if (x.dim() < 3) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-Math.max(x.dim(), 1)}, ${Math.max(x.dim(), 1) - 1}], but got -3)`);
  }
  const [H, W] = x.shape.slice(-2);
  const out2: Pair = [poolingOutputShape(H, k[0], p[0], s[0], 1, args.ceilMode), poolingOutputShape(W, k[1], p[1], s[1], 1, args.ceilMode)];
  pool2dShapeCheck(x, k, s, p, [1, 1], out2);
  checkFloating(x, op);
  const params: Pool2dParams = {
    kernel: k,
    stride: s,
    padding: p,
    dilation: [1, 1],
    outSize: out2,
    countIncludePad: args.countIncludePad,
    divisorOverride: args.divisorOverride,
  };
  return linearPoolForward(avgPool(params), x);
}

// --- adaptive average pooling ---

function adaptiveAvgPool(size: Pair): LinearPool {
  return {
    name: 'AdaptiveAvgPool2DBackward0',
    backName: 'AdaptiveAvgPool2DBackwardBackward0',
    forward(x, out) {
      backend().adaptiveAvgPool2d(withBatchDim(x), out.buffer, size);
    },
    backward(grad, out) {
      backend().adaptiveAvgPool2dBackward(withBatchDim(grad), out.buffer, batchedShape(out.shape));
    },
    outSize: size,
  };
}

/** at::_adaptive_avg_pool2d (at::adaptive_avg_pool2d without its mean shortcut for 1x1). */
export function adaptiveAvgPool2dRaw(x: Tensor, outputSize: readonly number[]): Tensor {
  const nd = x.dim();
  if (nd !== 3 && nd !== 4) throw new RangeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${formatShape(x.shape)}`);
  for (const i of [-2, -1]) {
    if (x.shape[nd + i] <= 0) {
      throw new RangeError(
        `adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatShape(x.shape)} with dimension ${nd + i} being empty`,
      );
    }
  }
  checkFloating(x, 'adaptive_avg_pool2d');
  return linearPoolForward(adaptiveAvgPool([outputSize[0], outputSize[1]]), x);
}

/** at::adaptive_avg_pool2d: a 1x1 output is a mean over (H, W), as PyTorch computes it. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: readonly number[]): Tensor {
  if (outputSize.length !== 2) throw new RangeError('adaptive_avg_pool2d: output_size must be 2');
  if (!(outputSize[0] >= 0 && outputSize[1] >= 0)) {
    throw new RangeError(
      `adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${outputSize[0]}, ${outputSize[1]}}`,
    );
  }
  if (outputSize[0] === 1 && outputSize[1] === 1) return x.mean([-1, -2], true);
  return adaptiveAvgPool2dRaw(x, outputSize);
}
