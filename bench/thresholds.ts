// Where a native call starts to beat the JS kernel: times both backends on growing
// float32 tensors (`node --import tsx bench/thresholds.ts`). The sizes below which
// src/backend/native sends kernels to JS (DEFAULT_MIN_SIZES) come from this table.
import type { Backend, View } from '../src/backend/backend.js';
import { jsBackend, nativeAddon } from '../src/backend/index.js';
import { createNativeBackend, NO_MIN_SIZES } from '../src/backend/native/index.js';

const addon = nativeAddon();
if (!addon) throw new Error('the native addon is not loaded');
const native = createNativeBackend(addon, NO_MIN_SIZES);

function view(n: number, shape = [n]): View {
  const buffer = new Float32Array(n).map(() => Math.random() - 0.5);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { buffer, dtype: 'float32', shape, strides, offset: 0 };
}

/** Median ns per call of f over enough calls to take ~20 ms. */
function time(f: () => void): number {
  for (let i = 0; i < 50; i++) f();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    const ms = performance.now() - t0;
    if (ms > 5) break;
    reps *= 2;
  }
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    runs.push(((performance.now() - t0) * 1e6) / reps);
  }
  return runs.sort((a, b) => a - b)[2];
}

const cases: [string, (b: Backend, n: number) => () => void][] = [
  ['binary add', (b, n) => { const x = view(n), y = view(n), o = new Float32Array(n); return () => b.binary('add', x, y, o); }],
  ['unary relu', (b, n) => { const x = view(n), o = new Float32Array(n); return () => b.unary('relu', x, o); }],
  ['unary exp', (b, n) => { const x = view(n), o = new Float32Array(n); return () => b.unary('exp', x, o); }],
  ['reduce sum', (b, n) => { const x = view(n), o = new Float32Array(1); return () => b.reduce('sum', x, [0], o); }],
  ['softmax rows of 10', (b, n) => { const x = view(n, [n / 8, 8]), o = new Float32Array(n); return () => b.softmax(x, 1, false, o); }],
  ['matmul (n = m*k*n)', (b, n) => {
    const s = Math.round(Math.cbrt(n));
    const x = view(s * s, [s, s]), y = view(s * s, [s, s]), o = new Float32Array(s * s);
    return () => b.matmul(x, y, o);
  }],
];

console.log('ns per call: js / native (ratio > 1: native faster)');
for (const [name, make] of cases) {
  const row: string[] = [];
  for (const n of [64, 256, 1024, 4096, 16384, 65536]) {
    const tj = time(make(jsBackend, n));
    const tn = time(make(native, n));
    row.push(`${n}: ${tj.toFixed(0)}/${tn.toFixed(0)} (${(tj / tn).toFixed(1)})`);
  }
  console.log(`${name.padEnd(20)} ${row.join('  ')}`);
}
