// Native vs JS for the direct few-channel convolutions (native/conv_small_avx2.cc: unit
// stride, one group, <= 16 channels in and out, float32): wide rows (8 pixels per
// vector) and narrow ones (8 channels per vector), padding up to k-1, strided inputs,
// and NaN inputs, whose NaNs must reach exactly the outputs and weight taps that PyTorch's
// (and the JS backend's) windows give them. On other CPUs the GEMM path answers.
import { describe, test } from 'node:test';
import type { Conv2dParams, View } from '../../src/backend/backend.js';
import { assertArraysClose, describeView, int, js, native, outFor, randomView, rng, skipNative, type Tol } from './helpers.js';

/** Sums of k products of values of magnitude <= 1. */
const tol = (k: number): Tol => ({ rtol: 0, atol: 4 * 6e-8 * Math.max(k, 1) });

function check(x: View, w: View, bias: View | null, p: Conv2dParams, g: (shape: number[]) => View): void {
  const [N, C, H, W] = x.shape, [O, , kH, kW] = w.shape;
  const oH = H + 2 * p.padding[0] - kH + 1, oW = W + 2 * p.padding[1] - kW + 1;
  const outShape = [N, O, oH, oW];
  const what = `${describeView(x)} * ${describeView(w)} padding ${p.padding}`;
  const a = outFor('float32', outShape), b = outFor('float32', outShape);
  native!.conv2d(x, w, bias, p, a, outShape);
  js.conv2d(x, w, bias, p, b, outShape);
  assertArraysClose(a, b, tol(C * kH * kW + 1), `conv ${what}`);
  const gy = g(outShape);
  const i1 = outFor('float32', x.shape), i2 = outFor('float32', x.shape);
  native!.conv2dBackwardInput(gy, w, p, i1, x.shape);
  js.conv2dBackwardInput(gy, w, p, i2, x.shape);
  assertArraysClose(i1, i2, tol(O * kH * kW), `input grad of ${what}`);
  const w1 = outFor('float32', w.shape), w2 = outFor('float32', w.shape);
  native!.conv2dBackwardWeight(gy, x, p, w1, w.shape);
  js.conv2dBackwardWeight(gy, x, p, w2, w.shape);
  assertArraysClose(w1, w2, tol(N * oH * oW), `weight grad of ${what}`);
}

describe('few-channel convolutions: native vs JS', { skip: skipNative }, () => {
  test('LeNet-5 layers and random small geometries', () => {
    const r = rng(57);
    const unit = (pH: number, pW: number): Conv2dParams => ({ stride: [1, 1], padding: [pH, pW], dilation: [1, 1], groups: 1 });
    const cases: [number[], number[], Conv2dParams][] = [
      [[5, 1, 28, 28], [6, 1, 5, 5], unit(2, 2)],
      [[5, 6, 14, 14], [16, 6, 5, 5], unit(0, 0)],
    ];
    while (cases.length < 40) {
      const kH = int(r, 1, 8), kW = int(r, 1, 8);
      const H = int(r, 1, 20), W = int(r, 1, 34);
      const pH = int(r, 0, kH), pW = int(r, 0, kW);
      if (H + 2 * pH < kH || W + 2 * pW < kW) continue;
      cases.push([[int(r, 1, 4), int(r, 1, 17), H, W], [int(r, 1, 17), 0, kH, kW], unit(pH, pW)]);
      cases[cases.length - 1][1][1] = cases[cases.length - 1][0][1];
    }
    for (const [xs, ws, p] of cases) {
      const x = randomView(r, 'float32', xs, { strided: 0.5, range: 1 });
      const w = randomView(r, 'float32', ws, { strided: 0.3, range: 1 });
      const bias = r() < 0.5 ? randomView(r, 'float32', [ws[0]]) : null;
      check(x, w, bias, p, (shape) => randomView(r, 'float32', shape, { strided: 0.4, range: 1 }));
    }
  });

  test('a NaN input reaches exactly the outputs and weight taps whose windows hold it', () => {
    const r = rng(58);
    for (const [xs, ws, pad] of [
      [[2, 1, 12, 12], [6, 1, 5, 5], 2], // wide rows: 8 pixels per vector, a masked last vector
      [[2, 6, 14, 14], [16, 6, 5, 5], 0], // narrow rows: 8 channels per vector
    ] as [number[], number[], number][]) {
      for (const at of [0, 11, 40, 77]) {
        const x = randomView(r, 'float32', xs, { strided: 0, range: 1 });
        (x.buffer as Float32Array)[at] = NaN;
        const w = randomView(r, 'float32', ws, { strided: 0, range: 1 });
        const p: Conv2dParams = { stride: [1, 1], padding: [pad, pad], dilation: [1, 1], groups: 1 };
        check(x, w, null, p, (shape) => randomView(r, 'float32', shape, { strided: 0, range: 1 }));
      }
    }
  });
});
