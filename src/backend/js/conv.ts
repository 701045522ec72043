import type { Conv2dParams, View } from '../backend.js';
import { indexReader, numeric, type NumberArray, type TypedArray } from '../dtype.js';
import { matmul } from './matmul.js';

/** A contiguous Float64Array copy of a 4-D view (x or weight). */
function dense4(v: View): Float64Array {
  const [a, b, c, d] = v.shape;
  const [sa, sb, sc, sd] = v.strides;
  const out = new Float64Array(a * b * c * d);
  const V = numeric(v.buffer);
  let i = 0;
  for (let p = 0; p < a; p++)
    for (let q = 0; q < b; q++)
      for (let r = 0; r < c; r++)
        for (let s = 0; s < d; s++) out[i++] = V[v.offset + p * sa + q * sb + r * sc + s * sd];
  return out;
}

function matrix(buffer: Float64Array, rows: number, cols: number, offset = 0, transposed = false): View {
  return {
    buffer,
    dtype: 'float64',
    shape: [rows, cols],
    strides: transposed ? [1, rows] : [cols, 1],
    offset,
  };
}

interface Geometry {
  C: number; H: number; W: number; Cg: number; kH: number; kW: number; oH: number; oW: number; G: number; Og: number;
}

function geometry(xShape: readonly number[], wShape: readonly number[], outHW: readonly number[], groups: number): Geometry {
  const [, C, H, W] = xShape;
  const [O, Cg, kH, kW] = wShape;
  return { C, H, W, Cg, kH, kW, oH: outHW[0], oW: outHW[1], G: groups, Og: O / groups };
}

/** cols[K = Cg*kH*kW][P = oH*oW] for image n, group g (zeros where the window hits padding). */
function im2col(x: Float64Array, n: number, g: number, geo: Geometry, p: Conv2dParams, cols: Float64Array): void {
  const { C, H, W, Cg, kH, kW, oH, oW } = geo;
  const [sH, sW] = p.stride;
  const [pH, pW] = p.padding;
  const [dH, dW] = p.dilation;
  const P = oH * oW;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + g * Cg + c) * H * W;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const row = ((c * kH + ki) * kW + kj) * P;
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - pH + ki * dH;
          const inside = ih >= 0 && ih < H;
          for (let ow = 0; ow < oW; ow++) {
            const iw = ow * sW - pW + kj * dW;
            cols[row + oh * oW + ow] = inside && iw >= 0 && iw < W ? x[plane + ih * W + iw] : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: accumulates cols back into image n, group g of out. */
function col2im(cols: Float64Array, n: number, g: number, geo: Geometry, p: Conv2dParams, out: NumberArray): void {
  const { C, H, W, Cg, kH, kW, oH, oW } = geo;
  const [sH, sW] = p.stride;
  const [pH, pW] = p.padding;
  const [dH, dW] = p.dilation;
  const P = oH * oW;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + g * Cg + c) * H * W;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const row = ((c * kH + ki) * kW + kj) * P;
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - pH + ki * dH;
          if (ih < 0 || ih >= H) continue;
          for (let ow = 0; ow < oW; ow++) {
            const iw = ow * sW - pW + kj * dW;
            if (iw >= 0 && iw < W) out[plane + ih * W + iw] += cols[row + oh * oW + ow];
          }
        }
      }
    }
  }
}

export function conv2d(x: View, weight: View, bias: View | null, p: Conv2dParams, out: NumberArray, outShape: readonly number[]): void {
  const geo = geometry(x.shape, weight.shape, outShape.slice(2), p.groups);
  const { Cg, kH, kW, oH, oW, G, Og } = geo;
  const N = x.shape[0];
  const O = Og * G;
  const K = Cg * kH * kW;
  const P = oH * oW;
  const xs = dense4(x);
  const ws = dense4(weight);
  const cols = new Float64Array(K * P);
  const block = new Float64Array(Og * P);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      im2col(xs, n, g, geo, p, cols);
      matmul(matrix(ws, Og, K, g * Og * K), matrix(cols, K, P), block);
      const base = (n * O + g * Og) * P;
      for (let o = 0; o < Og; o++) {
        const b = bias ? numeric(bias.buffer)[bias.offset + (g * Og + o) * bias.strides[0]] : 0;
        for (let q = 0; q < P; q++) out[base + o * P + q] = block[o * P + q] + b;
      }
    }
  }
}

export function conv2dBackwardInput(gradOut: View, weight: View, p: Conv2dParams, out: NumberArray, inputShape: readonly number[]): void {
  const geo = geometry(inputShape, weight.shape, gradOut.shape.slice(2), p.groups);
  const { Cg, kH, kW, oH, oW, G, Og } = geo;
  const N = inputShape[0];
  const K = Cg * kH * kW;
  const P = oH * oW;
  const gs = dense4(gradOut);
  const ws = dense4(weight);
  const cols = new Float64Array(K * P);
  out.fill(0);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      // cols = W_g^T [K, Og] @ gradOut[n, g] [Og, P]
      matmul(matrix(ws, K, Og, g * Og * K, true), matrix(gs, Og, P, (n * G + g) * Og * P), cols);
      col2im(cols, n, g, geo, p, out);
    }
  }
}

export function conv2dBackwardWeight(gradOut: View, x: View, p: Conv2dParams, out: NumberArray, weightShape: readonly number[]): void {
  const geo = geometry(x.shape, weightShape, gradOut.shape.slice(2), p.groups);
  const { Cg, kH, kW, oH, oW, G, Og } = geo;
  const N = x.shape[0];
  const K = Cg * kH * kW;
  const P = oH * oW;
  const gs = dense4(gradOut);
  const xs = dense4(x);
  const cols = new Float64Array(K * P);
  const block = new Float64Array(Og * K);
  const acc = new Float64Array(G * Og * K);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      im2col(xs, n, g, geo, p, cols);
      // gradW_g [Og, K] += gradOut[n, g] [Og, P] @ cols^T [P, K]
      matmul(matrix(gs, Og, P, (n * G + g) * Og * P), matrix(cols, P, K, 0, true), block);
      const base = g * Og * K;
      for (let i = 0; i < Og * K; i++) acc[base + i] += block[i];
    }
  }
  out.set(acc);
}
