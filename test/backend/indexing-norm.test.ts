// Native vs JS: gather / scatter / indexSelect / indexPut (including duplicate and
// negative indices and PyTorch's out-of-range error), the NLL loss, batch norm and
// group norm kernels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LossReduction, View } from '../../src/backend/backend.js';
import { allocate, type DType, type TypedArray } from '../../src/backend/dtype.js';
import {
  ALL_DTYPES, assertArraysClose, cloneView, contiguousStrides, describeView, EXACT, FLOATS, int, js, native, numel,
  outFor, pick, randomShape, randomView, rng, simdMath, skipNative, type Rand, type Tol,
} from './helpers.js';

/** An int64 index view of `shape` with values in [-size, size) (some negative, some repeated). */
function indexView(r: Rand, shape: readonly number[], size: number): View {
  const v = randomView(r, 'int64', shape, { strided: 0.4 });
  const b = v.buffer as BigInt64Array;
  for (let i = 0; i < b.length; i++) b[i] = BigInt(int(r, -size, size - 1));
  return v;
}

describe('indexing kernels: native vs JS', { skip: skipNative }, () => {
  test('gather and scatter (copy and accumulate, duplicates) on every dtype', () => {
    const r = rng(51);
    for (const dtype of ALL_DTYPES) {
      for (let trial = 0; trial < 25; trial++) {
        const shape = [int(r, 1, 6), ...randomShape(r, 3, 6)];
        const dim = int(r, 0, shape.length - 1);
        const x = randomView(r, dtype, shape);
        const ishape = shape.map((s, d) => (d === dim ? int(r, 1, 7) : int(r, 1, s)));
        const index = indexView(r, ishape, shape[dim]);
        const a = outFor(dtype, ishape), b = outFor(dtype, ishape);
        native!.gather(x, dim, index, a);
        js.gather(x, dim, index, b);
        assertArraysClose(a, b, EXACT, `gather dim ${dim} of ${describeView(x)} by ${describeView(index)}`);
        const src = randomView(r, dtype, ishape);
        for (const accumulate of [false, true]) {
          const d1 = cloneView(x), d2 = cloneView(x);
          native!.scatter(d1, dim, index, src, accumulate);
          js.scatter(d2, dim, index, src, accumulate);
          assertArraysClose(d1.buffer, d2.buffer, EXACT, `scatter(accumulate ${accumulate}) dim ${dim} into ${describeView(x)}`);
        }
      }
    }
  });

  test('indexSelect and indexPut (copy and accumulate) on every dtype', () => {
    const r = rng(52);
    for (const dtype of ALL_DTYPES) {
      for (let trial = 0; trial < 25; trial++) {
        const shape = [int(r, 1, 6), ...randomShape(r, 3, 6)];
        const dim = int(r, 0, shape.length - 1);
        const x = randomView(r, dtype, shape);
        const count = int(r, 1, 8);
        const index = trial % 6 === 0 ? { ...indexView(r, [], shape[dim]) } : indexView(r, [count], shape[dim]);
        const n = index.shape.length === 0 ? 1 : count;
        const oshape = shape.slice();
        oshape[dim] = n;
        const a = outFor(dtype, oshape), b = outFor(dtype, oshape);
        native!.indexSelect(x, dim, index, a);
        js.indexSelect(x, dim, index, b);
        assertArraysClose(a, b, EXACT, `indexSelect dim ${dim} of ${describeView(x)}`);
        const src = randomView(r, dtype, oshape);
        for (const accumulate of [false, true]) {
          const d1 = cloneView(x), d2 = cloneView(x);
          native!.indexPut(d1, dim, index, src, accumulate);
          js.indexPut(d2, dim, index, src, accumulate);
          assertArraysClose(d1.buffer, d2.buffer, EXACT, `indexPut(accumulate ${accumulate}) dim ${dim}`);
        }
      }
    }
    // 1-D indexSelect with many indices (advanced indexing's flat gather).
    const flat = randomView(r, 'float32', [1000]);
    const idx = indexView(r, [5000], 1000);
    const a = outFor('float32', [5000]), b = outFor('float32', [5000]);
    native!.indexSelect(flat, 0, idx, a);
    js.indexSelect(flat, 0, idx, b);
    assertArraysClose(a, b, EXACT, 'flat indexSelect');
  });

  test('out-of-range indices raise PyTorch\'s error and write nothing', () => {
    const r = rng(53);
    const x = randomView(r, 'float32', [4, 5], { strided: 0 });
    const index: View = { buffer: new Float64Array([0, 7, 1]), dtype: 'int64', shape: [3], strides: [1], offset: 0 };
    const before = x.buffer.slice();
    for (const backend of [native!, js]) {
      assert.throws(() => backend.indexSelect(x, 1, index, new Float32Array(12)), { message: 'index 7 is out of bounds for dimension 1 with size 5' });
      assert.throws(() => backend.indexPut(x, 1, index, randomView(r, 'float32', [4, 3]), true), RangeError);
      const g: View = { buffer: new Float64Array([0, -6]), dtype: 'int64', shape: [1, 2], strides: [2, 1], offset: 0 };
      assert.throws(() => backend.scatter(x, 1, g, randomView(r, 'float32', [1, 2]), false), { message: 'index -6 is out of bounds for dimension 1 with size 5' });
      assert.deepEqual(x.buffer, before);
    }
  });
});

describe('loss and normalization kernels: native vs JS', { skip: skipNative }, () => {
  test('nllLoss and its gradient: weights, ignoreIndex, every reduction (exact)', () => {
    const r = rng(61);
    for (const dtype of FLOATS) {
      for (let trial = 0; trial < 30; trial++) {
        const N = int(r, 1, 70), C = int(r, 2, 12), S = pick(r, [1, 1, int(r, 1, 40)]);
        const input = randomView(r, dtype, [N, C, S]);
        const ignoreIndex = pick(r, [-100, 1]);
        const target = randomView(r, 'int64', [N, S]);
        for (let i = 0; i < target.buffer.length; i++) target.buffer[i] = BigInt(r() < 0.1 ? ignoreIndex : int(r, 0, C - 1));
        const weight = r() < 0.5 ? randomView(r, dtype, [C], { range: 1 }) : null;
        for (const reduction of ['none', 'mean', 'sum'] as LossReduction[]) {
          const size = reduction === 'none' ? N * S : 1;
          const o1 = allocate(dtype, size), o2 = allocate(dtype, size);
          const t1 = allocate(dtype, 1), t2 = allocate(dtype, 1);
          native!.nllLoss(input, target, weight, ignoreIndex, reduction, o1, t1);
          js.nllLoss(input, target, weight, ignoreIndex, reduction, o2, t2);
          const what = `nllLoss ${reduction} ${describeView(input)} weight ${weight !== null}`;
          // 'none' with weights sums the total weight in double in both; the cascade is exact.
          assertArraysClose(o1, o2, EXACT, what);
          assertArraysClose(t1, t2, EXACT, `${what} total weight`);
          const gshape = reduction === 'none' ? [N, S] : [];
          const grad = randomView(r, dtype, gshape);
          const g1 = outFor(dtype, [N, C, S]), g2 = outFor(dtype, [N, C, S]);
          native!.nllLossBackward(grad, target, weight, ignoreIndex, reduction, Number(t2[0]), g1);
          js.nllLossBackward(grad, target, weight, ignoreIndex, reduction, Number(t2[0]), g2);
          assertArraysClose(g1, g2, EXACT, `${what} backward`);
        }
      }
    }
  });

  test('binaryCrossEntropy and its gradient: weights of either float dtype, 0 and 1, every reduction', () => {
    const r = rng(67);
    for (const dtype of FLOATS) {
      for (let trial = 0; trial < 12; trial++) {
        // Sizes across the sum's cascade levels (its 16-row steps of 32 lanes and beyond).
        const n = pick(r, [1, 7, 33, int(r, 1, 600), int(r, 2000, 20000), 128 * 784]);
        const flat = (buf: TypedArray, d: DType): View => ({ buffer: buf, dtype: d, shape: [n], strides: [1], offset: 0 });
        const x = allocate(dtype, n), y = allocate(dtype, n);
        for (let i = 0; i < n; i++) {
          const u = r();
          x[i] = u < 0.05 ? 0 : u < 0.1 ? 1 : r();
          y[i] = r() < 0.3 ? Math.round(r()) : r();
        }
        const wd = pick(r, FLOATS);
        let weight: View | null = null;
        if (r() < 0.5) {
          const w = allocate(wd, n);
          for (let i = 0; i < n; i++) w[i] = 0.25 + 2 * r();
          weight = flat(w, wd);
        }
        for (const reduction of ['none', 'mean', 'sum'] as LossReduction[]) {
          const size = reduction === 'none' ? n : 1;
          const o1 = allocate(dtype, size), o2 = allocate(dtype, size);
          native!.binaryCrossEntropy(flat(x, dtype), flat(y, dtype), weight, reduction, o1);
          js.binaryCrossEntropy(flat(x, dtype), flat(y, dtype), weight, reduction, o2);
          const what = `binaryCrossEntropy ${reduction} ${dtype}[${n}] weight ${weight?.dtype ?? 'none'}`;
          // C's logf / log1pf and JS's Math.log / Math.log1p rounded to float32 may differ in
          // the last bit, which y (log x) - (1 - y) log(1 - x) can magnify to a few ulps (the
          // x86 addon's float32 logs are the JS backend's bits).
          const tol = dtype === 'float32' ? (simdMath ? EXACT : { rtol: 1e-6, atol: 1e-6 }) : { rtol: 1e-14, atol: 1e-14 };
          assertArraysClose(o1, o2, tol, what);
          const grad = allocate(dtype, size);
          for (let i = 0; i < size; i++) grad[i] = 2 * r() - 1;
          const g1 = allocate(dtype, n), g2 = allocate(dtype, n);
          const gView: View = { buffer: grad, dtype, shape: [size], strides: [1], offset: 0 };
          native!.binaryCrossEntropyBackward(gView, flat(x, dtype), flat(y, dtype), weight, reduction, g1);
          js.binaryCrossEntropyBackward(gView, flat(x, dtype), flat(y, dtype), weight, reduction, g2);
          assertArraysClose(g1, g2, EXACT, `${what} backward`);
        }
      }
    }
  });

  test('binaryCrossEntropy rejects an input outside [0, 1] (NaN included)', () => {
    for (const backend of [native!, js]) {
      for (const bad of [1.5, -0.25, NaN]) {
        const x = new Float32Array(1000).fill(0.5);
        x[700] = bad;
        const v = (buf: Float32Array): View => ({ buffer: buf, dtype: 'float32', shape: [1000], strides: [1], offset: 0 });
        assert.throws(() => backend.binaryCrossEntropy(v(x), v(new Float32Array(1000)), null, 'mean', new Float32Array(1)), {
          name: 'RangeError', message: 'all elements of input should be between 0 and 1',
        });
      }
    }
  });

  test('nllLoss rejects a target out of range before writing', () => {
    const r = rng(64);
    for (const backend of [native!, js]) {
      const input = randomView(r, 'float32', [300, 5, 1]);
      const target: View = { buffer: new Float64Array(300).fill(1), dtype: 'int64', shape: [300, 1], strides: [1, 1], offset: 0 };
      target.buffer[200] = 5;
      const out = new Float32Array(300).fill(7);
      assert.throws(() => backend.nllLoss(input, target, null, -100, 'none', out, new Float32Array(1)), { message: 'Target 5 is out of bounds.' });
      assert.ok(out.every((v) => v === 7));
    }
  });

  test('batch norm: statistics, forward, backward (train and eval)', () => {
    const r = rng(62);
    for (const dtype of FLOATS) {
      const tol: Tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-11, atol: 1e-12 };
      for (let trial = 0; trial < 20; trial++) {
        const shape = [int(r, 1, 6), int(r, 1, 7), ...randomShape(r, 2, 9)];
        const C = shape[1];
        const x = { ...randomView(r, dtype, shape, { strided: 0 }), offset: 0 };
        const vec = (b: TypedArray): View => ({ buffer: (allocate(dtype, C) as Float64Array).map((_, i) => Number(b[i])), dtype, shape: [C], strides: [1], offset: 0 });
        const running = randomView(r, dtype, [C]);
        const rm1 = cloneView(running), rm2 = cloneView(running), rv1 = cloneView(running), rv2 = cloneView(running);
        const m1 = allocate(dtype, C), m2 = allocate(dtype, C), i1 = allocate(dtype, C), i2 = allocate(dtype, C);
        native!.batchNormStats(x, true, 0.1, 1e-5, rm1, rv1, m1, i1);
        js.batchNormStats(x, true, 0.1, 1e-5, rm2, rv2, m2, i2);
        assertArraysClose(m1, m2, tol, `batchNormStats mean ${describeView(x)}`);
        assertArraysClose(i1, i2, tol, 'batchNormStats invstd');
        assertArraysClose(rm1.buffer, rm2.buffer, tol, 'batchNormStats running mean');
        assertArraysClose(rv1.buffer, rv2.buffer, tol, 'batchNormStats running variance');
        const mean = vec(m2);
        const invstd = vec(i2);
        const weight = r() < 0.7 ? randomView(r, dtype, [C]) : null;
        const bias = r() < 0.7 ? randomView(r, dtype, [C]) : null;
        const o1 = outFor(dtype, shape), o2 = outFor(dtype, shape);
        native!.batchNorm(x, mean, invstd, weight, bias, o1);
        js.batchNorm(x, mean, invstd, weight, bias, o2);
        assertArraysClose(o1, o2, tol, 'batchNorm');
        const grad = { ...randomView(r, dtype, shape, { strided: 0 }), offset: 0 };
        for (const train of [true, false]) {
          const outs = () => [outFor(dtype, shape), r() < 0.8 ? allocate(dtype, C) : null, allocate(dtype, C)] as const;
          const [a1, b1, c1] = outs();
          const a2 = outFor(dtype, shape), b2 = b1 ? allocate(dtype, C) : null, c2 = allocate(dtype, C);
          native!.batchNormBackward(grad, x, mean, invstd, weight, train, a1, b1, c1);
          js.batchNormBackward(grad, x, mean, invstd, weight, train, a2, b2, c2);
          assertArraysClose(a1, a2, { rtol: tol.rtol * 10, atol: tol.atol * 10 }, `batchNormBackward(train ${train}) input`);
          if (b1 && b2) assertArraysClose(b1, b2, tol, 'batchNormBackward weight');
          assertArraysClose(c1, c2, tol, 'batchNormBackward bias');
        }
      }
    }
  });

  test('embedding renorm: distinct rows over maxNorm scaled, every norm type, strided weights', () => {
    const r = rng(63);
    for (const dtype of FLOATS) {
      for (const normType of [2, 1, 3.5, Infinity, 0]) {
        for (let trial = 0; trial < 8; trial++) {
          const V = int(r, 1, 12), D = int(r, 1, 40);
          const weight = randomView(r, dtype, [V, D]);
          const index = indexView(r, [int(r, 1, 20)], V);
          const ib = index.buffer as BigInt64Array;
          for (let i = 0; i < ib.length; i++) ib[i] = BigInt(Math.abs(Number(ib[i])) % V);
          const maxNorm = normType === 0 ? int(r, 0, D) : r() * 2;
          const w1 = cloneView(weight), w2 = cloneView(weight);
          native!.embeddingRenorm(w1, index, maxNorm, normType);
          js.embeddingRenorm(w2, index, maxNorm, normType);
          const tol: Tol = dtype === 'float32' ? { rtol: 2e-6, atol: 1e-7 } : { rtol: 1e-13, atol: 1e-14 };
          assertArraysClose(w1.buffer, w2.buffer, normType === 2 ? EXACT : tol, `embeddingRenorm p=${normType} ${describeView(weight)}`);
        }
      }
    }
  });

  test('group norm (and layer norm as one group): forward and backward', () => {
    const r = rng(63);
    for (const dtype of FLOATS) {
      const tol: Tol = dtype === 'float32' ? { rtol: 1e-5, atol: 2e-6 } : { rtol: 1e-11, atol: 1e-12 };
      for (let trial = 0; trial < 20; trial++) {
        const groups = int(r, 1, 3);
        const shape = [int(r, 1, 5), groups * int(r, 1, 4), ...randomShape(r, 2, 8)];
        const C = shape[1], N = shape[0];
        const x = { ...randomView(r, dtype, shape, { strided: 0 }), offset: 0 };
        const weight = r() < 0.7 ? randomView(r, dtype, [C]) : null;
        const bias = r() < 0.7 ? randomView(r, dtype, [C]) : null;
        const o1 = outFor(dtype, shape), o2 = outFor(dtype, shape);
        const m1 = allocate(dtype, N * groups), m2 = allocate(dtype, N * groups);
        const s1 = allocate(dtype, N * groups), s2 = allocate(dtype, N * groups);
        native!.groupNorm(x, groups, 1e-5, weight, bias, o1, m1, s1);
        js.groupNorm(x, groups, 1e-5, weight, bias, o2, m2, s2);
        assertArraysClose(o1, o2, tol, `groupNorm(${groups}) ${describeView(x)}`);
        assertArraysClose(m1, m2, tol, 'groupNorm mean');
        assertArraysClose(s1, s2, tol, 'groupNorm rstd');
        const grad = { ...randomView(r, dtype, shape, { strided: 0 }), offset: 0 };
        const mean: View = { buffer: m2, dtype, shape: [N * groups], strides: [1], offset: 0 };
        const rstd: View = { buffer: s2, dtype, shape: [N * groups], strides: [1], offset: 0 };
        const a1 = outFor(dtype, shape), a2 = outFor(dtype, shape);
        const b1 = allocate(dtype, C), b2 = allocate(dtype, C), c1 = allocate(dtype, C), c2 = allocate(dtype, C);
        native!.groupNormBackward(grad, x, groups, mean, rstd, weight, a1, b1, c1);
        js.groupNormBackward(grad, x, groups, mean, rstd, weight, a2, b2, c2);
        assertArraysClose(a1, a2, { rtol: tol.rtol * 10, atol: tol.atol * 10 }, 'groupNormBackward input');
        assertArraysClose(b1, b2, tol, 'groupNormBackward weight');
        assertArraysClose(c1, c2, tol, 'groupNormBackward bias');
      }
    }
    void numel;
    void contiguousStrides;
    void ({} as DType);
  });
});
