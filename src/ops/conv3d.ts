// 3-D convolutions (plain and transposed, grouped, strided, dilated) composed from the
// native 2-D convolution: the depth windows are gathered into the channel dim, so that one
// conv2d over (H, W) with kD times the input channels does the whole 3-D sum; a transposed
// one runs one conv_transpose2d with kD times the output channels and adds the kD depth
// taps into place with one index_add along depth. Every step is a differentiable op, so the
// gradients (and higher-order ones) come from autograd.
import { tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { constantPadNd } from './pad.js';

/** What the 3-D convolution needs: every list expanded to three entries. */
export interface Conv3dGeometry {
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  outputPadding: readonly number[];
  groups: number;
}

type Conv2dFn = (x: Tensor, weight: Tensor, bias: Tensor | null, p: {
  stride: number[]; padding: number[]; dilation: number[]; transposed: boolean; outputPadding: number[]; groups: number;
}) => Tensor;

/**
 * x [N, C, D, H, W] * weight [O, C/G, kD, kH, kW]: the kD depth taps of each output depth
 * stacked per group as channels (G, kD, C/G), the weight laid out to match, one conv2d.
 */
export function conv3dForward(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv3dGeometry, conv2d: Conv2dFn): Tensor {
  const [N, C, D, H, W] = x.shape;
  const [O, Cg, kD, kH, kW] = weight.shape;
  const G = g.groups;
  const [sD, pD, dD] = [g.stride[0], g.padding[0], g.dilation[0]];
  const oD = Math.floor((D + 2 * pD - dD * (kD - 1) - 1) / sD) + 1;
  const xp = pD > 0 ? constantPadNd(x, [0, 0, 0, 0, pD, pD], 0) : x;
  // Depth of tap kd for output depth od: od * sD + kd * dD (a small index, oD * kD long).
  const taps: number[] = [];
  for (let od = 0; od < oD; od++) for (let kd = 0; kd < kD; kd++) taps.push(od * sD + kd * dD);
  const cols = xp
    .indexSelect(2, tensor(taps, { dtype: 'int64' }))
    .view(N, G, Cg, oD, kD, H, W)
    .permute(0, 3, 1, 4, 2, 5, 6)
    .reshape([N * oD, G * kD * Cg, H, W]);
  const w2 = weight.permute(0, 2, 1, 3, 4).reshape([O, kD * Cg, kH, kW]);
  const y = conv2d(cols, w2, bias, {
    stride: [g.stride[1], g.stride[2]],
    padding: [g.padding[1], g.padding[2]],
    dilation: [g.dilation[1], g.dilation[2]],
    transposed: false,
    outputPadding: [0],
    groups: G,
  });
  const [oH, oW] = y.shape.slice(2);
  return y.view(N, oD, O, oH, oW).permute(0, 2, 1, 3, 4).contiguous();
}

/**
 * The transposed 3-D convolution: x [N, C, D, H, W], weight [C, O/G, kD, kH, kW]. One
 * conv_transpose2d per input depth slice (batched) gives every depth tap as channels
 * (G, kD, O/G); tap kd of input depth d lands on output depth d * sD + kd * dD - pD.
 */
export function convTranspose3dForward(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv3dGeometry, conv2d: Conv2dFn): Tensor {
  const [N, C, D, H, W] = x.shape;
  const [, Og, kD, kH, kW] = weight.shape;
  const G = g.groups;
  const O = Og * G;
  const [sD, pD, dD, opD] = [g.stride[0], g.padding[0], g.dilation[0], g.outputPadding[0]];
  const oD = (D - 1) * sD - 2 * pD + dD * (kD - 1) + opD + 1;
  const xs = x.permute(0, 2, 1, 3, 4).reshape([N * D, C, H, W]);
  const w2 = weight.permute(0, 2, 1, 3, 4).reshape([C, kD * Og, kH, kW]);
  const y = conv2d(xs, w2, null, {
    stride: [g.stride[1], g.stride[2]],
    padding: [g.padding[1], g.padding[2]],
    dilation: [g.dilation[1], g.dilation[2]],
    transposed: true,
    outputPadding: [g.outputPadding[1], g.outputPadding[2]],
    groups: G,
  });
  const [oH, oW] = y.shape.slice(2);
  // y's channels are (G, kD, O/G): as [N, D * kD, O, oH * oW] (d, kd) pairs, then each pair
  // added at output depth d * sD + kd * dD of a buffer that still has the padding's depth.
  let taps = y.view(N, D, G, kD, Og, oH * oW);
  taps = (G > 1 ? taps.permute(0, 1, 3, 2, 4, 5) : taps).reshape([N, D * kD, O, oH * oW]);
  const at: number[] = [];
  for (let d = 0; d < D; d++) for (let kd = 0; kd < kD; kd++) at.push(d * sD + kd * dD);
  const full = zeros([N, oD + 2 * pD, O, oH * oW], { dtype: x.dtype }).indexAdd(1, tensor(at, { dtype: 'int64' }), taps);
  let out = (pD > 0 ? full.narrow(1, pD, oD) : full).reshape([N, oD, O, oH, oW]).permute(0, 2, 1, 3, 4);
  out = bias !== null ? out.add(bias.view(1, O, 1, 1, 1)) : out.contiguous();
  return out;
}
