// Native vs JS: batched matmul (every GEMM kernel this CPU can run, plus the AVX-512
// tile shapes in portable code), conv2d and its gradients, pooling.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Conv2dParams, Pool2dParams, View } from '../../src/backend/backend.js';
import type { DType } from '../../src/backend/dtype.js';
import { getNumThreads, setNumThreads } from '../../src/backend/index.js';
import {
  addon, assertArraysClose, contiguousStrides, describeView, EXACT, FLOATS, int, js, native, numel, outFor, pick, randomView, rng,
  skipNative, type Rand, type Tol,
} from './helpers.js';


/** Kernel sets to test: everything this CPU runs, and the 6x32/6x16 tiles emulated. */
function isas(): string[] {
  if (!addon) return [];
  const best = addon.cpuIsa();
  const list = ['generic', 'emulated512'];
  if (best === 'avx2' || best === 'avx512') list.push('avx2');
  if (best === 'avx512') list.push('avx512');
  return list;
}

/** Tolerance for sums of k products of values of magnitude <= m. */
function dotTol(dtype: DType, k: number, m = 3): Tol {
  const eps = dtype === 'float32' ? 6e-8 : 1.2e-16;
  return { rtol: 0, atol: 4 * eps * Math.max(k, 1) * m * m };
}

/** A view of `shape` whose last two dims may be stored transposed. */
function matrixView(r: Rand, dtype: DType, shape: number[], batchBroadcast: boolean): View {
  const v = randomView(r, dtype, shape, { strided: 0.5, range: 2 });
  if (batchBroadcast) {
    const strides = v.strides.slice();
    for (let d = 0; d < shape.length - 2; d++) if (r() < 0.4) strides[d] = 0;
    return { ...v, strides };
  }
  return v;
}

describe('matmul: native vs JS', { skip: skipNative }, () => {
  after(() => addon?.setIsa(addon.cpuIsa()));

  for (const isa of isas()) {
    test(`batched, transposed and broadcast operands (${isa} kernels)`, () => {
      assert.ok(addon!.setIsa(isa));
      const r = rng(21);
      for (const dtype of FLOATS) {
        for (let trial = 0; trial < 60; trial++) {
          const M = int(r, 1, 40), K = int(r, 1, 70), N = int(r, 1, 45);
          const batch = Array.from({ length: int(r, 0, 2) }, () => int(r, 1, 3));
          const a = matrixView(r, dtype, [...batch, M, K], true);
          const b = matrixView(r, dtype, [...batch, K, N], true);
          const x = outFor(dtype, [...batch, M, N]), y = outFor(dtype, [...batch, M, N]);
          native!.matmul(a, b, x);
          js.matmul(a, b, y);
          assertArraysClose(x, y, dotTol(dtype, K, 2), `${isa}: ${describeView(a)} @ ${describeView(b)}`);
        }
      }
    });

    test(`large products: blocking edges, thread splits (${isa} kernels)`, () => {
      assert.ok(addon!.setIsa(isa));
      const r = rng(22);
      for (const [M, K, N] of [[150, 300, 170], [7, 513, 300], [300, 260, 5], [64, 784, 128], [2, 1000, 4100], [97, 61, 33]]) {
        for (const dtype of FLOATS) {
          const a = matrixView(r, dtype, [M, K], false);
          const b = matrixView(r, dtype, [K, N], false);
          const x = outFor(dtype, [M, N]), y = outFor(dtype, [M, N]);
          native!.matmul(a, b, x);
          js.matmul(a, b, y);
          assertArraysClose(x, y, dotTol(dtype, K, 2), `${isa}: ${describeView(a)} @ ${describeView(b)}`);
        }
      }
      // A shared right operand (zero batch strides) merges the batch into the rows.
      const a = randomView(r, 'float32', [4, 33, 50], { strided: 0 });
      const w = randomView(r, 'float32', [50, 20], { strided: 0 });
      const b: View = { ...w, shape: [4, 50, 20], strides: [0, ...w.strides] };
      const x = outFor('float32', [4, 33, 20]), y = outFor('float32', [4, 33, 20]);
      native!.matmul(a, b, x);
      js.matmul(a, b, y);
      assertArraysClose(x, y, dotTol('float32', 50), 'merged batch');
    });
  }

  test('int64 matmul (exact integers)', () => {
    const r = rng(23);
    const a = randomView(r, 'int64', [9, 13]);
    const b = randomView(r, 'int64', [13, 11]);
    const x = outFor('int64', [9, 11]), y = outFor('int64', [9, 11]);
    native!.matmul(a, b, x);
    js.matmul(a, b, y);
    assertArraysClose(x, y, EXACT, 'int64 matmul');
  });
});

function convOutSize(size: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

describe('conv2d and gradients: native vs JS', { skip: skipNative }, () => {
  test('random geometries: stride, padding, dilation, groups, strided inputs', () => {
    const r = rng(31);
    let cases = 0;
    while (cases < 60) {
      const groups = pick(r, [1, 1, 1, 2, 3]);
      const Cg = int(r, 1, 4), Og = int(r, 1, 4);
      const C = Cg * groups, O = Og * groups;
      const N = int(r, 1, 5), H = int(r, 1, 12), W = int(r, 1, 12);
      const kH = int(r, 1, 4), kW = int(r, 1, 4);
      const p: Conv2dParams = {
        stride: [int(r, 1, 3), int(r, 1, 3)],
        padding: [int(r, 0, 2), int(r, 0, 2)],
        dilation: [int(r, 1, 2), int(r, 1, 2)],
        groups,
      };
      if (r() < 0.25) Object.assign(p, { stride: [1, 1], padding: [0, 0], dilation: [1, 1] });
      const oH = convOutSize(H, kH, p.stride[0], p.padding[0], p.dilation[0]);
      const oW = convOutSize(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
      if (oH < 1 || oW < 1) continue;
      cases++;
      for (const dtype of FLOATS) {
        const x = randomView(r, dtype, [N, C, H, W], { strided: 0.5, range: 2 });
        const w = randomView(r, dtype, [O, Cg, kH, kW], { strided: 0.3, range: 2 });
        const bias = r() < 0.5 ? randomView(r, dtype, [O]) : null;
        const outShape = [N, O, oH, oW];
        const K = Cg * kH * kW;
        const a = outFor(dtype, outShape), b = outFor(dtype, outShape);
        native!.conv2d(x, w, bias, p, a, outShape);
        js.conv2d(x, w, bias, p, b, outShape);
        const what = `conv ${describeView(x)} * ${describeView(w)} ${JSON.stringify(p)}`;
        assertArraysClose(a, b, dotTol(dtype, K + 1, 2), what);
        const g = randomView(r, dtype, outShape, { strided: 0.4, range: 2 });
        const gi1 = outFor(dtype, x.shape), gi2 = outFor(dtype, x.shape);
        native!.conv2dBackwardInput(g, w, p, gi1, x.shape);
        js.conv2dBackwardInput(g, w, p, gi2, x.shape);
        assertArraysClose(gi1, gi2, dotTol(dtype, Og * kH * kW, 2), `input grad of ${what}`);
        const gw1 = outFor(dtype, w.shape), gw2 = outFor(dtype, w.shape);
        native!.conv2dBackwardWeight(g, x, p, gw1, w.shape);
        js.conv2dBackwardWeight(g, x, p, gw2, w.shape);
        assertArraysClose(gw1, gw2, dotTol(dtype, N * oH * oW, 2), `weight grad of ${what}`);
      }
    }
  });

  test('LeNet- and ResNet-like shapes (image-parallel and GEMM-parallel paths)', () => {
    const r = rng(32);
    const shapes: [number[], number[], Conv2dParams][] = [
      [[8, 1, 28, 28], [6, 1, 5, 5], { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 }],
      [[3, 16, 20, 20], [32, 16, 3, 3], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 }],
      [[2, 32, 14, 14], [16, 32, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }],
      [[1, 8, 33, 31], [8, 8, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }],
    ];
    for (const [xs, ws, p] of shapes) {
      const x = randomView(r, 'float32', xs, { strided: 0, range: 1 });
      const w = randomView(r, 'float32', ws, { strided: 0, range: 1 });
      const bias = randomView(r, 'float32', [ws[0]]);
      const oH = convOutSize(xs[2], ws[2], p.stride[0], p.padding[0], 1);
      const oW = convOutSize(xs[3], ws[3], p.stride[1], p.padding[1], 1);
      const outShape = [xs[0], ws[0], oH, oW];
      const a = outFor('float32', outShape), b = outFor('float32', outShape);
      native!.conv2d(x, w, bias, p, a, outShape);
      js.conv2d(x, w, bias, p, b, outShape);
      assertArraysClose(a, b, dotTol('float32', ws[1] * ws[2] * ws[3] + 1, 1), `conv ${xs} * ${ws}`);
      const g = randomView(r, 'float32', outShape, { strided: 0, range: 1 });
      const gi1 = outFor('float32', xs), gi2 = outFor('float32', xs);
      native!.conv2dBackwardInput(g, w, p, gi1, xs);
      js.conv2dBackwardInput(g, w, p, gi2, xs);
      assertArraysClose(gi1, gi2, dotTol('float32', ws[0] * ws[2] * ws[3], 1), `input grad ${xs} * ${ws}`);
      const gw1 = outFor('float32', ws), gw2 = outFor('float32', ws);
      native!.conv2dBackwardWeight(g, x, p, gw1, ws);
      js.conv2dBackwardWeight(g, x, p, gw2, ws);
      assertArraysClose(gw1, gw2, dotTol('float32', xs[0] * oH * oW, 1), `weight grad ${xs} * ${ws}`);
    }
  });
});

describe('conv2d 3x3 stride 1 with 16+ channels, planes 7x7+ (native: Winograd F(2x2, 3x3)) vs JS', { skip: skipNative }, () => {
  test('odd and even sizes, padding 0-2, strided views, bias, both gradients', () => {
    const r = rng(33);
    const cases: [number[], number, number][] = [
      [[2, 32, 9, 11], 24, 1], [[1, 16, 9, 10], 16, 0], [[3, 20, 5, 6], 17, 2], [[2, 16, 7, 7], 32, 1], [[1, 48, 14, 14], 40, 1],
    ];
    for (const [xs, O, pad] of cases) {
      for (const strided of [0, 1]) {
        const p: Conv2dParams = { stride: [1, 1], padding: [pad, pad], dilation: [1, 1], groups: 1 };
        const x = randomView(r, 'float32', xs, { strided, range: 1 });
        const ws = [O, xs[1], 3, 3];
        const w = randomView(r, 'float32', ws, { strided, range: 1 });
        const bias = randomView(r, 'float32', [O]);
        const outShape = [xs[0], O, convOutSize(xs[2], 3, 1, pad, 1), convOutSize(xs[3], 3, 1, pad, 1)];
        const a = outFor('float32', outShape), b = outFor('float32', outShape);
        native!.conv2d(x, w, bias, p, a, outShape);
        js.conv2d(x, w, bias, p, b, outShape);
        const what = `${describeView(x)} * ${describeView(w)} padding ${pad}`;
        assertArraysClose(a, b, dotTol('float32', xs[1] * 9 + 1, 1), `conv ${what}`);
        const g = randomView(r, 'float32', outShape, { strided, range: 1 });
        const gi1 = outFor('float32', xs), gi2 = outFor('float32', xs);
        native!.conv2dBackwardInput(g, w, p, gi1, xs);
        js.conv2dBackwardInput(g, w, p, gi2, xs);
        assertArraysClose(gi1, gi2, dotTol('float32', O * 9, 1), `input grad ${what}`);
        const gw1 = outFor('float32', ws), gw2 = outFor('float32', ws);
        native!.conv2dBackwardWeight(g, x, p, gw1, ws);
        js.conv2dBackwardWeight(g, x, p, gw2, ws);
        assertArraysClose(gw1, gw2, dotTol('float32', xs[0] * outShape[2] * outShape[3], 1), `weight grad ${what}`);
      }
    }
  });
});

describe('Winograd weight gradient with threads on their own rows', { skip: skipNative }, () => {
  // Each part's sum used to live in the scratch of the thread running it; when one thread
  // ran two parts (the pool's caller claims parts too), the second overwrote the first's
  // sum. Four parts on this machine's cores make that common; every call must be right.
  test('repeated calls on more threads than cores give the right result', () => {
    const before = getNumThreads();
    setNumThreads(4);
    try {
      const r = rng(57);
      const xs = [64, 32, 26, 26], ws = [64, 32, 3, 3], gs = [64, 64, 24, 24];
      const p: Conv2dParams = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
      const x = randomView(r, 'float32', xs, { range: 1 });
      const g = randomView(r, 'float32', gs, { range: 1 });
      const want = outFor('float32', ws);
      js.conv2dBackwardWeight(g, x, p, want, ws);
      for (let i = 0; i < 30; i++) {
        const got = outFor('float32', ws);
        native!.conv2dBackwardWeight(g, x, p, got, ws);
        assertArraysClose(got, want, dotTol('float32', 64 * 24 * 24, 1), `call ${i}`);
      }
    } finally {
      setNumThreads(before);
    }
  });
});

describe('pooling: native vs JS', { skip: skipNative }, () => {
  test('max / avg pooling, their gradients, adaptive pooling', () => {
    const r = rng(41);
    let cases = 0;
    while (cases < 50) {
      const N = int(r, 1, 3), C = int(r, 1, 4), H = int(r, 1, 13), W = int(r, 1, 13);
      const kernel: [number, number] = [int(r, 1, 4), int(r, 1, 4)];
      const stride: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
      const padding: [number, number] = [int(r, 0, Math.floor(kernel[0] / 2)), int(r, 0, Math.floor(kernel[1] / 2))];
      const dilation: [number, number] = r() < 0.7 ? [1, 1] : [int(r, 1, 2), int(r, 1, 2)];
      const ceil = r() < 0.3;
      const out = (size: number, i: number) => {
        const span = size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1;
        let o = (ceil ? Math.ceil(span / stride[i]) : Math.floor(span / stride[i])) + 1;
        if (ceil && (o - 1) * stride[i] >= size + padding[i]) o--;
        return o;
      };
      const outSize: [number, number] = [out(H, 0), out(W, 1)];
      if (outSize[0] < 1 || outSize[1] < 1) continue;
      cases++;
      const p: Pool2dParams = { kernel, stride, padding, dilation, outSize, countIncludePad: r() < 0.5, divisorOverride: r() < 0.2 ? 3 : null };
      for (const dtype of FLOATS) {
        const x = randomView(r, dtype, [N, C, H, W], { specials: cases % 7 === 0 });
        const oshape = [N, C, ...outSize];
        const v1 = outFor(dtype, oshape), v2 = outFor(dtype, oshape);
        const i1 = outFor('int64', oshape), i2 = outFor('int64', oshape);
        native!.maxPool2d(x, p, v1, i1);
        js.maxPool2d(x, p, v2, i2);
        assertArraysClose(v1, v2, EXACT, `maxPool2d ${describeView(x)} ${JSON.stringify(p)}`);
        assertArraysClose(i1, i2, EXACT, 'maxPool2d indices');
        const g = randomView(r, dtype, oshape);
        const idx: View = { buffer: i2, dtype: 'int64', shape: oshape, strides: contiguousStrides(oshape), offset: 0 };
        const b1 = outFor(dtype, x.shape), b2 = outFor(dtype, x.shape);
        native!.maxPool2dBackward(g, idx, b1, x.shape);
        js.maxPool2dBackward(g, idx, b2, x.shape);
        assertArraysClose(b1, b2, EXACT, 'maxPool2dBackward');
        if (dilation[0] === 1 && dilation[1] === 1) {
          const tol: Tol = dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-14, atol: 1e-15 };
          const a1 = outFor(dtype, oshape), a2 = outFor(dtype, oshape);
          native!.avgPool2d(x, p, a1);
          js.avgPool2d(x, p, a2);
          assertArraysClose(a1, a2, tol, `avgPool2d ${JSON.stringify(p)}`);
          const c1 = outFor(dtype, x.shape), c2 = outFor(dtype, x.shape);
          native!.avgPool2dBackward(g, p, c1, x.shape);
          js.avgPool2dBackward(g, p, c2, x.shape);
          assertArraysClose(c1, c2, tol, 'avgPool2dBackward');
        }
        const adaptive: [number, number] = [int(r, 1, H + 1), int(r, 1, W + 1)];
        const ashape = [N, C, ...adaptive];
        const tol: Tol = dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-14, atol: 1e-15 };
        const d1 = outFor(dtype, ashape), d2 = outFor(dtype, ashape);
        native!.adaptiveAvgPool2d(x, d1, adaptive);
        js.adaptiveAvgPool2d(x, d2, adaptive);
        assertArraysClose(d1, d2, tol, `adaptiveAvgPool2d to ${adaptive}`);
        const ga = randomView(r, dtype, ashape);
        const e1 = outFor(dtype, x.shape), e2 = outFor(dtype, x.shape);
        native!.adaptiveAvgPool2dBackward(ga, e1, x.shape);
        js.adaptiveAvgPool2dBackward(ga, e2, x.shape);
        assertArraysClose(e1, e2, tol, 'adaptiveAvgPool2dBackward');
        const m1 = outFor(dtype, ashape), m2 = outFor(dtype, ashape);
        const j1 = outFor('int64', ashape), j2 = outFor('int64', ashape);
        native!.adaptiveMaxPool2d(x, m1, j1, adaptive);
        js.adaptiveMaxPool2d(x, m2, j2, adaptive);
        assertArraysClose(m1, m2, EXACT, 'adaptiveMaxPool2d');
        assertArraysClose(j1, j2, EXACT, 'adaptiveMaxPool2d indices');
      }
    }
    void numel;
  });
});
