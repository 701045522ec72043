// 3-D pooling (max_pool3d_with_indices, avg_pool3d, adaptive_avg_pool3d,
// adaptive_max_pool3d) composed from the native 2-D pooling ops: one pass pools (H, W) of
// every depth slice, a second pools the depth with a (kD, 1) window over [N, C, D, oH*oW].
// Max and average over a box are separable this way (PyTorch's divisors are products of
// per-dim counts too); argmax indices combine the two passes' indices into d*H*W + h*W + w.
// Gradients come from the 2-D ops' own backward nodes.
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { adaptiveAvgPool2d, adaptiveAvgPool2dRaw, adaptiveMaxPool2d, avgPool2d, maxPool2dWithIndices, poolingOutputShape } from './pool.js';

type Triple = [number, number, number];

/** A 1- or 3-element list as (D, H, W); `fallback` when empty (stride defaults to the kernel). */
function triple(list: readonly number[], op: string, name: string, fallback?: Triple): Triple {
  if (list.length === 0 && fallback) return fallback;
  if (list.length === 1) return [list[0], list[0], list[0]];
  if (list.length === 3) return [list[0], list[1], list[2]];
  if (name === 'stride') throw new RangeError(`${op}: stride must either be omitted, a single int, or a tuple of three ints`);
  if (name === 'dilation') throw new RangeError(`${op}: dilation must be either a single int, or a tuple of three ints`);
  throw new RangeError(`${op}: ${name} must either be a single int, or a tuple of three ints`);
}

/** An unbatched [C, D, H, W] input as [1, C, D, H, W]; `undo` drops that dim again. */
function batched(x: Tensor): [Tensor, (t: Tensor) => Tensor] {
  if (x.dim() !== 4 && x.dim() !== 5) throw new RangeError(`non-empty 4D or 5D (batch mode) tensor expected for input`);
  if (x.dim() === 5) return [x, (t) => t];
  return [x.unsqueeze(0), (t) => t.squeeze(0)];
}

/** pool3d_shape_check's checks after the output size (PyTorch's order). */
function shapeCheck(x: Tensor, k: Triple, s: Triple, p: Triple, d: Triple, out: Triple, checkInputSize: boolean): void {
  if (!(k[0] > 0 && k[1] > 0 && k[2] > 0)) throw new RangeError(`kernel size should be greater than zero, but got kT: ${k[0]} kH: ${k[1]} kW: ${k[2]}`);
  if (!(s[0] > 0 && s[1] > 0 && s[2] > 0)) throw new RangeError(`stride should be greater than zero, but got dT: ${s[0]} dH: ${s[1]} dW: ${s[2]}`);
  if (!(d[0] > 0 && d[1] > 0 && d[2] > 0)) {
    throw new RangeError(`dilation should be greater than zero, but got dilationT: ${d[0]} dilationH: ${d[1]} dilationW: ${d[2]}`);
  }
  const [C, T, H, W] = x.shape.slice(-4);
  if (checkInputSize && !(T >= k[0] && H >= k[1] && W >= k[2])) {
    throw new RangeError(`input image (T: ${T} H: ${H} W: ${W}) smaller than kernel size (kT: ${k[0]} kH: ${k[1]} kW: ${k[2]})`);
  }
  if (!(Math.floor(k[0] / 2) >= p[0] && Math.floor(k[2] / 2) >= p[2] && Math.floor(k[1] / 2) >= p[1])) {
    throw new RangeError(
      `pad should be smaller than or equal to half of kernel size, but got kT: ${k[0]} kW: ${k[2]} kH: ${k[1]} padT: ${p[0]} padW: ${p[2]} padH: ${p[1]}`,
    );
  }
  if (out[0] < 1 || out[1] < 1 || out[2] < 1) {
    throw new RangeError(`Given input size: (${C}x${T}x${H}x${W}). Calculated output size: (${C}x${out[0]}x${out[1]}x${out[2]}). Output size is too small`);
  }
}

/** Argmax indices of the two passes as flat (d, h, w) indices into each input volume. */
function combineIndices(planeIdx: Tensor, depthIdx: Tensor, x: Tensor, oH: number, oW: number): Tensor {
  const [N, C, D, H, W] = x.shape;
  const oD = depthIdx.shape[2];
  const d = depthIdx.div(oH * oW, { roundingMode: 'floor' });
  const hw = planeIdx.view(N, C, D, oH * oW).gather(2, d);
  return d.mul(H * W).add(hw).view(N, C, oD, oH, oW);
}

export interface MaxPool3dArgs {
  kernelSize: readonly number[];
  /** Empty: the kernel size. */
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  ceilMode: boolean;
}

/** at::max_pool3d_with_indices: values and flat argmax indices (d * H * W + h * W + w). */
export function maxPool3dWithIndices(input: Tensor, args: MaxPool3dArgs): [Tensor, Tensor] {
  const op = 'max_pool3d';
  const k = triple(args.kernelSize, op, 'kernel_size');
  const s = triple(args.stride, op, 'stride', k);
  const p = triple(args.padding, op, 'padding');
  const d = triple(args.dilation, op, 'dilation');
  const [x, undo] = batched(input);
  const [N, C, D, H, W] = x.shape;
  const out = [D, H, W].map((n, i) => poolingOutputShape(n, k[i], p[i], s[i], d[i], args.ceilMode)) as Triple;
  shapeCheck(x, k, s, p, d, out, false);
  const [y, planeIdx] = maxPool2dWithIndices(x.reshape([N, C * D, H, W]), {
    kernelSize: [k[1], k[2]], stride: [s[1], s[2]], padding: [p[1], p[2]], dilation: [d[1], d[2]], ceilMode: args.ceilMode,
  });
  const [oH, oW] = y.shape.slice(2);
  const [z, depthIdx] = maxPool2dWithIndices(y.view(N, C, D, oH * oW), {
    kernelSize: [k[0], 1], stride: [s[0], 1], padding: [p[0], 0], dilation: [d[0], 1], ceilMode: args.ceilMode,
  });
  const values = z.view(N, C, out[0], oH, oW);
  return [undo(values), undo(combineIndices(planeIdx, depthIdx, x, oH, oW))];
}

export interface AvgPool3dArgs {
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/** at::avg_pool3d: an average over (H, W) then over depth (a divisor override divides the plain sum once). */
export function avgPool3d(input: Tensor, args: AvgPool3dArgs): Tensor {
  const op = 'avg_pool3d';
  const k = triple(args.kernelSize, op, 'kernel_size');
  const s = triple(args.stride, op, 'stride', k);
  const p = triple(args.padding, op, 'padding');
  if (args.divisorOverride !== null && args.divisorOverride === 0) throw new RangeError('divisor must be not zero');
  const [x, undo] = batched(input);
  const [N, C, D, H, W] = x.shape;
  const out = [D, H, W].map((n, i) => poolingOutputShape(n, k[i], p[i], s[i], 1, args.ceilMode)) as Triple;
  shapeCheck(x, k, s, p, [1, 1, 1], out, true);
  const override = args.divisorOverride;
  const y = avgPool2d(x.reshape([N, C * D, H, W]), {
    kernelSize: [k[1], k[2]], stride: [s[1], s[2]], padding: [p[1], p[2]],
    ceilMode: args.ceilMode, countIncludePad: args.countIncludePad, divisorOverride: override === null ? null : 1,
  });
  const [oH, oW] = y.shape.slice(2);
  const z = avgPool2d(y.view(N, C, D, oH * oW), {
    kernelSize: [k[0], 1], stride: [s[0], 1], padding: [p[0], 0],
    ceilMode: args.ceilMode, countIncludePad: args.countIncludePad, divisorOverride: override,
  });
  return undo(z.view(N, C, out[0], oH, oW));
}

function adaptiveInput(input: Tensor, op: string, colon: string): [Tensor, (t: Tensor) => Tensor] {
  const nd = input.dim();
  if (nd !== 4 && nd !== 5) throw new RangeError(`${op}(): Expected 4D or 5D tensor, but got${colon} ${formatShape(input.shape)}`);
  for (let i = 1; i < nd; i++) {
    if (input.shape[i] <= 0) {
      throw new RangeError(
        `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatShape(input.shape)} with dimension ${i} being empty`,
      );
    }
  }
  return nd === 5 ? [input, (t) => t] : [input.unsqueeze(0), (t) => t.squeeze(0)];
}

/** at::adaptive_avg_pool3d: a 1x1x1 output is a mean over (D, H, W), as PyTorch computes it. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: readonly number[]): Tensor {
  if (outputSize.length !== 3) throw new RangeError('adaptive_avg_pool3d: output_size must be 3');
  if (outputSize.every((n) => n === 1)) return input.mean([-1, -2, -3], true);
  const [x, undo] = adaptiveInput(input, 'adaptive_avg_pool3d', '');
  const [N, C, D, H, W] = x.shape;
  const [oD, oH, oW] = outputSize;
  const y = adaptiveAvgPool2d(x.reshape([N, C * D, H, W]), [oH, oW]);
  const z = adaptiveAvgPool2dRaw(y.view(N, C, D, oH * oW), [oD, oH * oW]);
  return undo(z.view(N, C, oD, oH, oW));
}

/** at::adaptive_max_pool3d: values and flat argmax indices over adaptive bins. */
export function adaptiveMaxPool3d(input: Tensor, outputSize: readonly number[]): [Tensor, Tensor] {
  const [x, undo] = adaptiveInput(input, 'adaptive_max_pool3d', ':');
  if (outputSize.length !== 3) throw new RangeError('adaptive_max_pool3d(): internal error: output_size.size() must be 3');
  const [N, C, D, H, W] = x.shape;
  const [oD, oH, oW] = outputSize;
  const [y, planeIdx] = adaptiveMaxPool2d(x.reshape([N, C * D, H, W]), [oH, oW]);
  const [z, depthIdx] = adaptiveMaxPool2d(y.view(N, C, D, oH * oW), [oD, oH * oW]);
  return [undo(z.view(N, C, oD, oH, oW)), undo(combineIndices(planeIdx, depthIdx, x, oH, oW))];
}
