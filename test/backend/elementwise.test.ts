// Native vs JS: unary, binary, where, copy, fill on random odd shapes, strided,
// offset and broadcast views, every dtype the ops use. Float64 and integer results
// must be identical wherever both backends evaluate the same double expression;
// float32 results computed in float32 arithmetic agree within a few ulps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend, BinaryOp, UnaryOp, View } from '../../src/backend/backend.js';
import type { DType, TypedArray } from '../../src/backend/dtype.js';
import {
  ALL_DTYPES, assertArraysClose, cloneView, describeView, EXACT, int, js, native, numel, outFor, pick,
  randomShape, randomView, rng, scalarView, simdMath, skipNative, type Tol,
} from './helpers.js';

// Ops whose float32 result is one correctly rounded operation of float32 inputs (or
// exact): float32 arithmetic gives the JS backend's double-then-round bits. The rest of
// this list round more than once or fuse a multiply-add, as PyTorch does; the JS backend
// spells those roundings out (its *_F32 tables).
const UNARY_EXACT_F32 = new Set<UnaryOp>([
  'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'sqrt', 'reciprocal', 'square', 'relu',
  'logicalNot', 'isnan', 'isinf', 'isfinite', 'bitwiseNot', 'clamp', 'hardtanh', 'relu6', 'threshold',
  'rsqrt', 'softsign', 'hardsigmoid', 'hardswish',
]);
// Ops the x86 addon vectorizes for float32 (native/unary_impl.h): sqrt, and the rest in double
// with its own exp/log (native/vec_math_d.h) rounded once: the JS backend's bits (Math.exp then
// fround) but where the double result sits within ~1e-16 of a midpoint between floats (none
// in 613M values swept against glibc).
const SIMD_MATH_F32 = ['sqrt', 'exp', 'expm1', 'log', 'log1p', 'tanh', 'sigmoid', 'silu', 'softplus', 'logSigmoid', 'elu', 'geluTanh'] as const;
// Ops whose float64 result is the same double expression as the JS table (no libm call).
const UNARY_EXACT_F64 = new Set<UnaryOp>([
  ...UNARY_EXACT_F32, 'rsqrt', 'leakyRelu', 'hardsigmoid', 'hardswish', 'softsign', 'roundDecimals',
]);
// (After UNARY_EXACT_F64 is built: float64 still calls libm, whose bits V8's Math.* need not share.)
if (simdMath) for (const op of SIMD_MATH_F32) UNARY_EXACT_F32.add(op);
const BINARY_EXACT_F32 = new Set<BinaryOp>([
  'mul', 'div', 'divTrunc', 'divFloor', 'remainder', 'fmod', 'maximum', 'minimum', 'fmax', 'fmin', 'eq', 'ne', 'lt',
  'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor', 'reluBackward',
  'thresholdBackward', 'hardtanhBackward', 'add', 'sub', 'sigmoidBackward', 'tanhBackward', 'hardsigmoidBackward',
  'hardswishBackward', 'smoothL1', 'huber', 'smoothL1Backward', 'huberBackward', 'mse', 'mseBackward',
]);
const BINARY_EXACT_F64 = new Set<BinaryOp>([
  ...BINARY_EXACT_F32, 'add', 'sub', 'sigmoidBackward', 'tanhBackward', 'leakyReluBackward', 'hardsigmoidBackward',
  'hardswishBackward',
]);
// The activations' backward ops the x86 addon computes as SIMD_MATH_F32 (the gradient, then x).
const SIMD_BACKWARD_F32 = ['siluBackward', 'geluTanhBackward', 'eluBackward', 'softplusBackward', 'logSigmoidBackward'] as const;
if (simdMath) for (const op of SIMD_BACKWARD_F32) BINARY_EXACT_F32.add(op);

const UNARY_ARGS: Partial<Record<UnaryOp, number[][]>> = {
  clamp: [[-1, 1.5], [-Infinity, 0.5], [0.25, Infinity]],
  powScalar: [[2], [0.5], [-1], [3], [1.7], [-2.5]],
  rpowScalar: [[2.5], [0.5]],
  leakyRelu: [[0.01], [0.3]],
  elu: [[1, 1, 1], [0.5, 1.05, 1.2]],
  softplus: [[1, 20], [2, 1]],
  hardtanh: [[-1, 1], [-0.5, 2]],
  threshold: [[0.1, 20], [-1, -3]],
  roundDecimals: [[100], [10]],
};

const BINARY_ARGS: Partial<Record<BinaryOp, number[][]>> = {
  thresholdBackward: [[0.5]],
  eluBackward: [[1, 1, 1, 0], [0.5, 1.05, 1.2, 1]],
  leakyReluBackward: [[0.2]],
  softplusBackward: [[1, 20], [2, 1]],
  hardtanhBackward: [[-1, 1]],
  smoothL1: [[1], [0.375], [0]], // scalars as the loss passes them: already in the dtype
  huber: [[1], [0.375]],
  smoothL1Backward: [[1, 0.25], [0.375, 0.125], [0, 1]],
  huberBackward: [[1, 0.25], [0.375, 0.125]],
  mseBackward: [[2], [0.125]],
};

const UNARY_OPS = Object.keys({
  neg: 0, abs: 0, sign: 0, floor: 0, ceil: 0, round: 0, trunc: 0, frac: 0, exp: 0, expm1: 0, log: 0, log1p: 0, log2: 0,
  log10: 0, sqrt: 0, rsqrt: 0, reciprocal: 0, square: 0, sin: 0, cos: 0, tan: 0, asin: 0, acos: 0, atan: 0, sinh: 0,
  cosh: 0, tanh: 0, erf: 0, erfinv: 0, sigmoid: 0, relu: 0, silu: 0, gelu: 0, geluTanh: 0, logSigmoid: 0, softsign: 0,
  logicalNot: 0, isnan: 0, isinf: 0, isfinite: 0, bitwiseNot: 0, clamp: 0, powScalar: 0, rpowScalar: 0, leakyRelu: 0,
  elu: 0, softplus: 0, hardtanh: 0, hardsigmoid: 0, hardswish: 0, relu6: 0, threshold: 0, roundDecimals: 0,
} satisfies Record<UnaryOp, 0>) as UnaryOp[];

const BINARY_OPS = Object.keys({
  add: 0, sub: 0, mul: 0, div: 0, divTrunc: 0, divFloor: 0, remainder: 0, fmod: 0, pow: 0, atan2: 0, maximum: 0,
  minimum: 0, fmax: 0, fmin: 0, eq: 0, ne: 0, lt: 0, le: 0, gt: 0, ge: 0, logicalAnd: 0, logicalOr: 0, logicalXor: 0,
  bitwiseAnd: 0, bitwiseOr: 0, bitwiseXor: 0, reluBackward: 0, thresholdBackward: 0, sigmoidBackward: 0,
  tanhBackward: 0, siluBackward: 0, geluBackward: 0, geluTanhBackward: 0, eluBackward: 0, leakyReluBackward: 0,
  softplusBackward: 0, hardtanhBackward: 0, hardsigmoidBackward: 0, hardswishBackward: 0, logSigmoidBackward: 0,
  smoothL1: 0, huber: 0, smoothL1Backward: 0, huberBackward: 0, mse: 0, mseBackward: 0,
} satisfies Record<BinaryOp, 0>) as BinaryOp[];

const BITWISE = new Set<string>(['bitwiseNot', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor']);
const PREDICATES = new Set<string>(['logicalNot', 'isnan', 'isinf', 'isfinite', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);
// Integer dtypes run the ops PyTorch defines on them (the result stays integral).
const INT_UNARY = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square', 'bitwiseNot', 'logicalNot', 'relu', 'clamp']);
const INT_BINARY = new Set<BinaryOp>([
  'add', 'sub', 'mul', 'divTrunc', 'divFloor', 'remainder', 'fmod', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt',
  'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor',
]);

function tolFor(dtype: DType, exact: boolean): Tol {
  if (exact || (dtype !== 'float32' && dtype !== 'float64')) return EXACT;
  return dtype === 'float32' ? { rtol: 4e-6, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-14 };
}

/** The (input dtype, output dtype) pairs an op is used with. */
function unaryCases(op: UnaryOp): [DType, DType][] {
  if (BITWISE.has(op)) return [['int64', 'int64'], ['int32', 'int32'], ['uint8', 'uint8']];
  const floats: [DType, DType][] = PREDICATES.has(op) ? [['float32', 'bool'], ['float64', 'bool']] : [['float32', 'float32'], ['float64', 'float64']];
  if (INT_UNARY.has(op)) return [...floats, ['int64', PREDICATES.has(op) ? 'bool' : 'int64'], ['int32', PREDICATES.has(op) ? 'bool' : 'int32']];
  return floats;
}

function binaryCases(op: BinaryOp): [DType, DType][] {
  if (BITWISE.has(op)) return [['int64', 'int64'], ['int32', 'int32'], ['uint8', 'uint8'], ['bool', 'bool']];
  const out = (d: DType): DType => (PREDICATES.has(op) ? 'bool' : d);
  const cases: [DType, DType][] = [['float32', out('float32')], ['float64', out('float64')]];
  if (INT_BINARY.has(op)) cases.push(['int64', out('int64')], ['int32', out('int32')], ['uint8', out('uint8')]);
  return cases;
}

describe('elementwise kernels: native vs JS', { skip: skipNative }, () => {
  test('unary: every op, dtypes, strided views and special values', () => {
    const r = rng(1);
    for (const op of UNARY_OPS) {
      for (const [inDtype, outDtype] of unaryCases(op)) {
        for (const args of UNARY_ARGS[op] ?? [[]]) {
          for (let trial = 0; trial < 6; trial++) {
            const shape = randomShape(r);
            const x = randomView(r, inDtype, shape, { specials: true, range: op === 'erfinv' || op === 'asin' || op === 'acos' ? 1.2 : 4 });
            const a = outFor(outDtype, shape), b = outFor(outDtype, shape);
            native!.unary(op, x, a, args);
            js.unary(op, x, b, args);
            const exact = inDtype === 'float32' ? UNARY_EXACT_F32.has(op) : UNARY_EXACT_F64.has(op);
            assertArraysClose(a, b, tolFor(outDtype === 'bool' ? 'bool' : inDtype, exact), `${op}(${args}) on ${describeView(x)}`);
          }
        }
      }
    }
  });

  // Only where the addon has these loops (x86 with AVX2); elsewhere (glibc's or musl's expf,
  // logf, ... in float) the test above compares within a few ulp.
  if (simdMath) test('float32 exp, log, tanh, sigmoid, ... and their backward ops on the x86 addon: the JS backend\'s bits over the float range', () => {
    // Every 4099th float32 bit pattern (all exponents, both signs, denormals, NaNs) and the
    // edges where exp overflows or underflows; for the backward ops, gradients of every size.
    const xs: number[] = [];
    const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
    for (let b = 0; b < 2 ** 32; b += 4099) {
      bits[0] = b;
      xs.push(f[0]);
    }
    xs.push(0, -0, Infinity, -Infinity, 88.72283, 88.7228394, 88.72284, -87.33655, -103.97208, -104, 1e-45, -1e-45, 709.5, -745.2);
    const x: View = { buffer: Float32Array.from(xs), dtype: 'float32', shape: [xs.length], strides: [1], offset: 0 };
    const g: View = { ...x, buffer: Float32Array.from(xs, (_, i) => (i % 2 ? -1 : 1) * 10 ** ((i % 13) - 6) * (1 + (i % 7) / 8)) };
    // Bit for bit, or, with `slack`, within 1 ulp (same sign) or slack(i) of the JS backend.
    const compare = (what: string, run: (backend: Backend, out: TypedArray) => void, slack?: (i: number) => number) => {
      const a = outFor('float32', [xs.length]) as Float32Array, b = outFor('float32', [xs.length]) as Float32Array;
      run(native!, a);
      run(js, b);
      const ua = new Int32Array(a.buffer, a.byteOffset, a.length), ub = new Int32Array(b.buffer, b.byteOffset, b.length);
      for (let i = 0; i < xs.length; i++) {
        if (ua[i] === ub[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
        if (slack && Math.abs(ua[i] - ub[i]) <= 1 && Math.sign(a[i]) === Math.sign(b[i])) continue;
        if (slack && Math.abs(a[i] - b[i]) <= slack(i)) continue;
        assert.fail(`${what} at x = ${xs[i]}, gradient ${g.buffer[i]}: native ${a[i]}, js ${b[i]}${slack ? '' : ' (bits differ)'}`);
      }
    };
    for (const op of SIMD_MATH_F32) {
      for (const args of UNARY_ARGS[op] ?? [[]]) compare(`${op}(${args})`, (backend, out) => backend.unary(op, x, out, args));
    }
    for (const op of SIMD_BACKWARD_F32) {
      for (const args of BINARY_ARGS[op] ?? [[]]) compare(`${op}(${args})`, (backend, out) => backend.binary(op, g, x, out, 1, args));
    }
    // erf, gelu and geluBackward: the addon's erf (native/vec_math_d.h) is not the JS series
    // bit for bit: within 1 ulp, or, where 1 + erf(x) cancels (gelu's negative tail, where the
    // JS series' rounding near |x| = 6 reaches ~1e-15), within 1e-14 |x| (|g| (1 + |x|) backward;
    // a sweep of every 61st float in [-10, 10] found at most 1.3e-15 |x| and 1.6e-16).
    compare('erf', (backend, out) => backend.unary('erf', x, out, []), () => 0);
    compare('gelu', (backend, out) => backend.unary('gelu', x, out, []), (i) => 1e-14 * Math.abs(xs[i]));
    compare('geluBackward', (backend, out) => backend.binary('geluBackward', g, x, out, 1, []),
      (i) => 1e-15 * Math.abs(g.buffer[i] as number) * (1 + Math.abs(xs[i])));
  });

  test('binary: every op, dtypes, broadcast (zero-stride) and scalar operands', () => {
    const r = rng(2);
    for (const op of BINARY_OPS) {
      for (const [dtype, outDtype] of binaryCases(op)) {
        for (const args of BINARY_ARGS[op] ?? [[]]) {
          for (const alpha of op === 'add' || op === 'sub' ? [1, 2.5, -0.1] : [1]) {
            for (let trial = 0; trial < 6; trial++) {
              const shape = randomShape(r);
              const a = randomView(r, dtype, shape, { broadcast: 0.3, specials: true });
              const b = trial === 5
                ? scalarView(dtype === 'float32' ? Math.fround(1.75) : 3, dtype, shape) // a wrapped scalar
                : randomView(r, dtype, shape, { broadcast: 0.3, specials: true });
              if ((op.startsWith('div') || op === 'remainder' || op === 'fmod') && !(b.buffer instanceof BigInt64Array)) {
                // Some zero divisors (integer division by zero stores what JS stores; the int64
                // kernels raise ZeroDivisionError, as the ops do before any kernel runs).
                for (let i = 0; i < b.buffer.length; i++) if (r() < 0.05) b.buffer[i] = 0;
              }
              if ((op.startsWith('div') || op === 'remainder' || op === 'fmod') && b.buffer instanceof BigInt64Array) {
                for (let i = 0; i < b.buffer.length; i++) if (b.buffer[i] === 0n) b.buffer[i] = 1n;
              }
              const x = outFor(outDtype, shape), y = outFor(outDtype, shape);
              native!.binary(op, a, b, x, alpha, args);
              js.binary(op, a, b, y, alpha, args);
              const exact = dtype === 'float32' ? BINARY_EXACT_F32.has(op) : BINARY_EXACT_F64.has(op);
              assertArraysClose(x, y, tolFor(outDtype === 'bool' ? 'bool' : dtype, exact), `${op} alpha ${alpha} (${args}) on ${describeView(a)} and ${describeView(b)}`);
            }
          }
        }
      }
    }
  });

  test('binary: mixed buffer types (uint8 with float32, a float64 scalar with int32)', () => {
    const r = rng(3);
    for (let trial = 0; trial < 20; trial++) {
      const shape = randomShape(r);
      const a = randomView(r, 'uint8', shape, { broadcast: 0.2 });
      const b = randomView(r, 'float32', shape, { broadcast: 0.2 });
      const x = outFor('float32', shape), y = outFor('float32', shape);
      for (const op of ['add', 'mul', 'div', 'maximum'] as const) {
        native!.binary(op, a, b, x);
        js.binary(op, a, b, y);
        assertArraysClose(x, y, EXACT, `${op} uint8 x float32`);
      }
      const c = randomView(r, 'int32', shape);
      const s = scalarView(7, 'int64', shape);
      const u = outFor('int64', shape), v = outFor('int64', shape);
      native!.binary('mul', c, s, u);
      js.binary('mul', c, s, v);
      assertArraysClose(u, v, EXACT, 'int32 * int64 scalar');
    }
  });

  test('in-place output (out aliases the first input)', () => {
    const r = rng(4);
    for (const dtype of ['float32', 'float64'] as const) {
      const shape = [37, 41];
      const a = randomView(r, dtype, shape, { strided: 0 });
      const b = randomView(r, dtype, shape, { broadcast: 0.5 });
      const a2 = cloneView(a);
      native!.binary('add', a, b, a.buffer, 0.5);
      js.binary('add', a2, b, a2.buffer, 0.5);
      assertArraysClose(a.buffer, a2.buffer, tolFor(dtype, dtype === 'float64'), `in-place add ${dtype}`);
    }
  });

  test('ternary: addcmul / addcdiv / lerp (PyTorch\'s fused rounding), exact', () => {
    const r = rng(9);
    for (const op of ['addcmul', 'addcdiv', 'lerp', 'lerpScalar'] as const) {
      for (const dtype of ['float32', 'float64', 'int64', 'int32'] as DType[]) {
        if (op !== 'addcmul' && dtype !== 'float32' && dtype !== 'float64') continue;
        for (let trial = 0; trial < 12; trial++) {
          const shape = trial < 2 ? [int(r, 100, 3000)] : randomShape(r);
          const dense = trial < 4;
          const x = randomView(r, dtype, shape, dense ? { strided: 0 } : { broadcast: 0.2 });
          const a = randomView(r, dtype, shape, dense ? { strided: 0 } : { broadcast: 0.2 });
          const b = randomView(r, dtype, shape, dense ? { strided: 0 } : { broadcast: 0.2 });
          const raw = op === 'lerpScalar' ? pick(r, [0.1, 0.75, -0.3]) : dtype === 'int64' || dtype === 'int32' ? 3 : pick(r, [1, -0.001, 0.5, 2.5]);
          const value = dtype === 'float32' ? Math.fround(raw) : raw;
          // Out is a fresh strided view, or x itself (the in-place optimizer path).
          const inPlace = trial % 3 === 0 && x.strides.every((s) => s !== 0);
          const out = inPlace ? x : randomView(r, dtype, shape);
          const o1 = cloneView(out), o2 = cloneView(out);
          const x1 = inPlace ? o1 : x, x2 = inPlace ? o2 : x;
          native!.ternary(op, x1, a, b, value, o1);
          js.ternary(op, x2, a, b, value, o2);
          assertArraysClose(o1.buffer, o2.buffer, EXACT, `${op}(${value}) ${describeView(x)} in place ${inPlace}`);
        }
      }
    }
  });

  test('where: bool condition, broadcast operands, all value dtypes', () => {
    const r = rng(5);
    for (const dtype of ALL_DTYPES) {
      for (let trial = 0; trial < 15; trial++) {
        const shape = randomShape(r);
        const cond = randomView(r, 'bool', shape, { broadcast: 0.3 });
        const a = randomView(r, dtype, shape, { broadcast: 0.3, specials: true });
        const b = trial % 4 === 0 ? scalarView(dtype === 'float32' ? 0.5 : 1, dtype, shape) : randomView(r, dtype, shape, { broadcast: 0.3 });
        const x = outFor(dtype, shape), y = outFor(dtype, shape);
        native!.where(cond, a, b, x);
        js.where(cond, a, b, y);
        assertArraysClose(x, y, EXACT, `where ${dtype}`);
      }
    }
  });

  test('copy: every dtype pair (C++ cast semantics), strided destinations', () => {
    const r = rng(6);
    for (const from of ALL_DTYPES) {
      for (const to of ALL_DTYPES) {
        for (let trial = 0; trial < 8; trial++) {
          const shape = randomShape(r);
          const src = randomView(r, from, shape, { broadcast: 0.3, specials: true, range: 300 });
          const dst = randomView(r, to, shape);
          const d1 = cloneView(dst), d2 = cloneView(dst);
          native!.copy(src, d1);
          js.copy(src, d2);
          assertArraysClose(d1.buffer, d2.buffer, EXACT, `copy ${describeView(src)} -> ${describeView(dst)}`);
        }
      }
    }
  });

  test('fill: strided destinations of every dtype', () => {
    const r = rng(7);
    for (const dtype of ALL_DTYPES) {
      for (let trial = 0; trial < 8; trial++) {
        const dst = randomView(r, dtype, randomShape(r));
        const d1 = cloneView(dst), d2 = cloneView(dst);
        const v = dtype === 'float32' ? Math.fround(-1.25) : dtype === 'bool' ? 1 : 5;
        native!.fill(d1, v);
        js.fill(d2, v);
        assertArraysClose(d1.buffer, d2.buffer, EXACT, `fill ${describeView(dst)}`);
      }
    }
  });

  test('large tensors (thread-split ranges, chunking)', () => {
    const r = rng(8);
    const shape = [3, 257, 301];
    const a = randomView(r, 'float32', shape, { broadcast: 0.2 });
    const b = randomView(r, 'float32', shape, { broadcast: 0.2 });
    for (const op of ['add', 'mul', 'maximum', 'sigmoidBackward'] as const) {
      const x = outFor('float32', shape), y = outFor('float32', shape);
      native!.binary(op, a, b, x);
      js.binary(op, a, b, y);
      assertArraysClose(x, y, tolFor('float32', op !== 'sigmoidBackward'), `large ${op}`);
    }
    for (const op of ['exp', 'tanh', 'relu'] as const) {
      const x = outFor('float32', shape), y = outFor('float32', shape);
      native!.unary(op, a, x);
      js.unary(op, a, y);
      assertArraysClose(x, y, tolFor('float32', op === 'relu'), `large ${op}`);
    }
    const src = randomView(r, 'float64', [513, 97]);
    const dst: View = { buffer: new Float32Array(97 * 513), dtype: 'float32', shape: [513, 97], strides: [1, 513], offset: 0 };
    const d1 = cloneView(dst), d2 = cloneView(dst);
    native!.copy(src, d1);
    js.copy(src, d2);
    assertArraysClose(d1.buffer, d2.buffer, EXACT, 'large transposing copy');
    void int;
    void pick;
    void numel;
  });
});
