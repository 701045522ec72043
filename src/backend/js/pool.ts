import type { Pool2dParams, View } from '../backend.js';
import { indexReader, numeric, type NumberArray, type TypedArray } from '../dtype.js';

/** Calls plane(inOffset, outIndexBase, planeIndex) for each of the N*C planes of a 4-D view. */
function forEachPlane(x: View, outPlaneSize: number, plane: (offset: number, outBase: number, index: number) => void): void {
  const [N, C] = x.shape;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) plane(x.offset + n * x.strides[0] + c * x.strides[1], (n * C + c) * outPlaneSize, n * C + c);
  }
}

/** Writes an argmax position into an index storage (int64 as PyTorch's indices, or int32). */
function storeIndex(indices: TypedArray, i: number, v: number): void {
  if (indices instanceof BigInt64Array) indices[i] = BigInt(v);
  else indices[i] = v;
}

export function maxPool2d(x: View, p: Pool2dParams, out: NumberArray, indices: TypedArray): void {
  const X = numeric(x.buffer);
  const [H, W] = x.shape.slice(2);
  const [sh, sw] = x.strides.slice(2);
  const [oH, oW] = p.outSize;
  const [kH, kW] = p.kernel;
  const [dH, dW] = p.dilation;
  forEachPlane(x, oH * oW, (base, o) => {
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * p.stride[0] - p.padding[0];
      for (let ow = 0; ow < oW; ow++) {
        const w0 = ow * p.stride[1] - p.padding[1];
        // PyTorch's cpu_max_pool: start at the first in-window cell; NaN always takes over.
        let h1 = h0;
        while (h1 < 0) h1 += dH;
        let w1 = w0;
        while (w1 < 0) w1 += dW;
        let best = -Infinity;
        let at = h1 * W + w1;
        for (let h = h1; h < Math.min(h0 + (kH - 1) * dH + 1, H); h += dH) {
          for (let w = w1; w < Math.min(w0 + (kW - 1) * dW + 1, W); w += dW) {
            const v = X[base + h * sh + w * sw];
            if (v > best || v !== v) {
              best = v;
              at = h * W + w;
            }
          }
        }
        out[o + oh * oW + ow] = best;
        storeIndex(indices, o + oh * oW + ow, at);
      }
    }
  });
}

export function maxPool2dBackward(gradOut: View, indices: View, out: NumberArray, inputShape: readonly number[]): void {
  const G = numeric(gradOut.buffer);
  const I = indexReader(indices.buffer);
  const [N, C, H, W] = inputShape;
  const [oH, oW] = gradOut.shape.slice(2);
  out.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g0 = gradOut.offset + n * gradOut.strides[0] + c * gradOut.strides[1];
      const i0 = indices.offset + n * indices.strides[0] + c * indices.strides[1];
      const base = (n * C + c) * H * W;
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          const idx = I(i0 + oh * indices.strides[2] + ow * indices.strides[3]);
          out[base + idx] += G[g0 + oh * gradOut.strides[2] + ow * gradOut.strides[3]];
        }
      }
    }
  }
}

/** PyTorch's avg-pool window: clipped bounds and the divisor. */
function window(o: number, stride: number, pad: number, k: number, size: number): [number, number, number] {
  let start = o * stride - pad;
  let end = Math.min(start + k, size + pad);
  const padded = end - start;
  start = Math.max(start, 0);
  end = Math.min(end, size);
  return [start, end, padded];
}

function divisor(p: Pool2dParams, hs: number, he: number, ws: number, we: number, padded: number): number {
  if (p.divisorOverride) return p.divisorOverride;
  return p.countIncludePad ?? true ? padded : (he - hs) * (we - ws);
}

export function avgPool2d(x: View, p: Pool2dParams, out: NumberArray): void {
  const X = numeric(x.buffer);
  const [H, W] = x.shape.slice(2);
  const [sh, sw] = x.strides.slice(2);
  const [oH, oW] = p.outSize;
  forEachPlane(x, oH * oW, (base, o) => {
    for (let oh = 0; oh < oH; oh++) {
      const [hs, he, hp] = window(oh, p.stride[0], p.padding[0], p.kernel[0], H);
      for (let ow = 0; ow < oW; ow++) {
        const [ws, we, wp] = window(ow, p.stride[1], p.padding[1], p.kernel[1], W);
        // A window entirely in the padding averages nothing: PyTorch writes 0 (not 0/0).
        if (hs >= he || ws >= we) {
          out[o + oh * oW + ow] = 0;
          continue;
        }
        let sum = 0;
        for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) sum += X[base + h * sh + w * sw];
        out[o + oh * oW + ow] = sum / divisor(p, hs, he, ws, we, hp * wp);
      }
    }
  });
}

export function avgPool2dBackward(gradOut: View, p: Pool2dParams, out: NumberArray, inputShape: readonly number[]): void {
  const G = numeric(gradOut.buffer);
  const [N, C, H, W] = inputShape;
  const [oH, oW] = p.outSize;
  out.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g0 = gradOut.offset + n * gradOut.strides[0] + c * gradOut.strides[1];
      const base = (n * C + c) * H * W;
      for (let oh = 0; oh < oH; oh++) {
        const [hs, he, hp] = window(oh, p.stride[0], p.padding[0], p.kernel[0], H);
        for (let ow = 0; ow < oW; ow++) {
          const [ws, we, wp] = window(ow, p.stride[1], p.padding[1], p.kernel[1], W);
          if (hs >= he || ws >= we) continue;
          const g = G[g0 + oh * gradOut.strides[2] + ow * gradOut.strides[3]] / divisor(p, hs, he, ws, we, hp * wp);
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) out[base + h * W + w] += g;
        }
      }
    }
  }
}

const binStart = (o: number, size: number, outSize: number) => Math.floor((o * size) / outSize);
const binEnd = (o: number, size: number, outSize: number) => Math.ceil(((o + 1) * size) / outSize);

export function adaptiveAvgPool2d(x: View, out: NumberArray, outSize: [number, number]): void {
  const X = numeric(x.buffer);
  const [H, W] = x.shape.slice(2);
  const [sh, sw] = x.strides.slice(2);
  const [oH, oW] = outSize;
  forEachPlane(x, oH * oW, (base, o) => {
    for (let oh = 0; oh < oH; oh++) {
      const hs = binStart(oh, H, oH);
      const he = binEnd(oh, H, oH);
      for (let ow = 0; ow < oW; ow++) {
        const ws = binStart(ow, W, oW);
        const we = binEnd(ow, W, oW);
        let sum = 0;
        for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) sum += X[base + h * sh + w * sw];
        out[o + oh * oW + ow] = sum / ((he - hs) * (we - ws));
      }
    }
  });
}

export function adaptiveAvgPool2dBackward(gradOut: View, out: NumberArray, inputShape: readonly number[]): void {
  const G = numeric(gradOut.buffer);
  const [N, C, H, W] = inputShape;
  const [oH, oW] = gradOut.shape.slice(2);
  out.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g0 = gradOut.offset + n * gradOut.strides[0] + c * gradOut.strides[1];
      const base = (n * C + c) * H * W;
      for (let oh = 0; oh < oH; oh++) {
        const hs = binStart(oh, H, oH);
        const he = binEnd(oh, H, oH);
        for (let ow = 0; ow < oW; ow++) {
          const ws = binStart(ow, W, oW);
          const we = binEnd(ow, W, oW);
          const g = G[g0 + oh * gradOut.strides[2] + ow * gradOut.strides[3]] / ((he - hs) * (we - ws));
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) out[base + h * W + w] += g;
        }
      }
    }
  }
}

export function adaptiveMaxPool2d(x: View, out: NumberArray, indices: TypedArray, outSize: [number, number]): void {
  const X = numeric(x.buffer);
  const [H, W] = x.shape.slice(2);
  const [sh, sw] = x.strides.slice(2);
  const [oH, oW] = outSize;
  forEachPlane(x, oH * oW, (base, o) => {
    for (let oh = 0; oh < oH; oh++) {
      const hs = binStart(oh, H, oH);
      const he = binEnd(oh, H, oH);
      for (let ow = 0; ow < oW; ow++) {
        const ws = binStart(ow, W, oW);
        const we = binEnd(ow, W, oW);
        // PyTorch's adaptive_max_pool2d: first maximum wins; NaN always takes over.
        let best = -Infinity;
        let at = hs * W + ws;
        for (let h = hs; h < he; h++) {
          for (let w = ws; w < we; w++) {
            const v = X[base + h * sh + w * sw];
            if (v > best || v !== v) {
              best = v;
              at = h * W + w;
            }
          }
        }
        out[o + oh * oW + ow] = best;
        storeIndex(indices, o + oh * oW + ow, at);
      }
    }
  });
}
