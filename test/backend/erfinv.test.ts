// float32 erfinv runs Wichura's AS241 quantile (erfinvFloat) instead of the Newton
// iteration float64 keeps: the two must round to the same float32 everywhere, and the
// native kernel must give the JS kernel's float32 numbers exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erfinv, erfinvFloat } from '../../src/backend/js/math.js';
import { js, native, skipNative } from './helpers.js';

/** float32 values spread over (-1, 1) (every 2039th bit pattern from 2^-31 up), with the edges. */
function sweep(): Float32Array {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  const out: number[] = [0, -0, 1, -1, NaN, 1.5, -1.5, Math.fround(1 - 2 ** -24), Math.fround(-1 + 2 ** -24), 2 ** -149];
  for (let b = 0x30000000; b < 0x3f800000; b += 2039) {
    bits[0] = b;
    out.push(f[0], -f[0]);
  }
  return Float32Array.from(out);
}

test('erfinvFloat rounds to the float32 of the Newton erfinv', () => {
  const xs = sweep();
  for (const y of xs) {
    const want = Math.fround(erfinv(y));
    const got = Math.fround(erfinvFloat(y));
    assert.ok(Object.is(got, want), `erfinv(${y}): ${got}, Newton gives ${want}`);
  }
});

test('float32 erfinv: native = JS', { skip: skipNative }, () => {
  const xs = sweep();
  const view = { buffer: xs, dtype: 'float32' as const, shape: [xs.length], strides: [1], offset: 0 };
  const a = new Float32Array(xs.length);
  const b = new Float32Array(xs.length);
  js.unary('erfinv', view, a);
  native!.unary('erfinv', view, b);
  for (let i = 0; i < xs.length; i++) assert.ok(Object.is(a[i], b[i]), `erfinv(${xs[i]}): native ${b[i]}, JS ${a[i]}`);
});
