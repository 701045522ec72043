// The native float32 softmax lines (native/reduce.cc: eight lanes + a scalar tail, exp_f)
// against the JS kernels on contiguous lines of every length up to 37 (every tail), with
// NaN, +-inf, all -inf and large-magnitude lines, forward and backward.
import { test } from 'node:test';
import type { View } from '../../src/backend/backend.js';
import { assertArraysClose, js, native, rng, skipNative } from './helpers.js';

const view = (data: Float32Array, rows: number, n: number): View => ({ buffer: data, dtype: 'float32', shape: [rows, n], strides: [n, 1], offset: 0 });

test('softmax / log-softmax lines of every tail length and special values: native vs JS', { skip: skipNative }, () => {
  const r = rng(5);
  for (let n = 1; n <= 37; n++) {
    const rows = 6;
    const x = new Float32Array(rows * n);
    for (let i = 0; i < x.length; i++) x[i] = (r() - 0.5) * 20;
    x[0] = NaN; // row 0: a NaN
    for (let j = 0; j < n; j++) x[n + j] = -Infinity; // row 1: all -inf (NaN out, as PyTorch)
    x[2 * n + (n - 1)] = Infinity; // row 2: +inf
    for (let j = 0; j < n; j++) x[3 * n + j] = 80 + j; // row 3: large values
    x[4 * n] = -Infinity; // row 4: one -inf
    const g = new Float32Array(rows * n).map(() => r() - 0.5);
    for (const log of [false, true]) {
      const a = new Float32Array(rows * n), b = new Float32Array(rows * n);
      native!.softmax(view(x, rows, n), 1, log, a);
      js.softmax(view(x, rows, n), 1, log, b);
      assertArraysClose(a, b, { rtol: 1e-5, atol: 1e-6 }, `softmax(log ${log}) lines of ${n}`);
      const c = new Float32Array(rows * n), d = new Float32Array(rows * n);
      // The gradient on finite rows (rows 0-2 carry NaN / inf through y).
      const y = view(b.slice(3 * n), rows - 3, n);
      native!.softmaxBackward(view(g.slice(3 * n), rows - 3, n), y, 1, log, c.subarray(0, (rows - 3) * n));
      js.softmaxBackward(view(g.slice(3 * n), rows - 3, n), y, 1, log, d.subarray(0, (rows - 3) * n));
      assertArraysClose(c, d, { rtol: 1e-5, atol: 2e-6 }, `softmaxBackward(log ${log}) lines of ${n}`);
    }
  }
});
