// The native float32 softmax lines (native/softmax_impl.h: eight lanes + a scalar tail, exp_f)
// against the JS kernels on contiguous lines of every length up to 37 (every tail), with
// NaN, +-inf, all -inf and large-magnitude lines, forward and backward; and the addon's
// AVX2 / AVX-512 build of them against the wasm (baseline) build, bit for bit.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { View } from '../../src/backend/backend.js';
import { loadWasm, nativeAddon, wasmAddon } from '../../src/backend/index.js';
import { createNativeBackend, NO_MIN_SIZES } from '../../src/backend/native/index.js';
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

// The single-threaded wasm build (scripts/build-wasm.mjs), beside the native addon.
const WASM_FILE = 'prebuilds/wasm/torchlette.wasm';
if (nativeAddon() && existsSync(WASM_FILE)) await loadWasm(readFileSync(WASM_FILE));
const x86 = nativeAddon(), baseline = wasmAddon();
const skipIsa = !x86 || !baseline ? 'needs the native addon and the wasm build both loaded'
  : x86.isa() !== 'avx2' && x86.isa() !== 'avx512' ? `the addon runs its baseline build (${x86.isa()})` : false;

test('softmax lines: the AVX2 / AVX-512 build gives the baseline build\'s bits', { skip: skipIsa }, () => {
  const wide = createNativeBackend(x86!, NO_MIN_SIZES), base = createNativeBackend(baseline!, NO_MIN_SIZES);
  const r = rng(9);
  for (const n of [1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 2000]) {
    const rows = 5;
    const x = new Float32Array(rows * n).map(() => (r() - 0.5) * 30);
    const g = new Float32Array(rows * n).map(() => r() - 0.5);
    for (const log of [false, true]) {
      const a = new Float32Array(rows * n), b = new Float32Array(rows * n);
      wide.softmax(view(x, rows, n), 1, log, a);
      base.softmax(view(x, rows, n), 1, log, b);
      assert.deepEqual(a, b, `softmax(log ${log}) lines of ${n}`);
      const c = new Float32Array(rows * n), d = new Float32Array(rows * n);
      wide.softmaxBackward(view(g, rows, n), view(a, rows, n), 1, log, c);
      base.softmaxBackward(view(g, rows, n), view(a, rows, n), 1, log, d);
      assert.deepEqual(c, d, `softmaxBackward(log ${log}) lines of ${n}`);
    }
  }
});
