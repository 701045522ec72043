import type { BinaryOp, UnaryOp, View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { floatToInt64, int64Of, int64ToFloat32, int64Words } from '../dtype.js';
import { BINARY_I64, I64_HELPERS, UNARY_I64 } from './int64.js';
import { fmaf } from './avx-mathfun.js';
import { erff, expf, logf, tanhf } from './sleef.js';
import { erf, erfinv, erfinvFloat, floorDivide, remainder, rint } from './math.js';
import { contiguousStrides, forEachRow } from './strided.js';

// Each op is a JavaScript expression over `a` (and `b`), the scalar args p0..p3 and
// `alpha`; `H` holds the helpers of math.ts. One row loop is compiled per op so the
// expression is inlined in a monomorphic loop with no per-element call.
const UNARY: Record<UnaryOp, string> = {
  neg: '-a',
  abs: 'Math.abs(a)',
  sign: '(a > 0 ? 1 : 0) - (a < 0 ? 1 : 0)',
  floor: 'Math.floor(a)',
  ceil: 'Math.ceil(a)',
  round: 'H.rint(a)',
  trunc: 'Math.trunc(a)',
  frac: 'a - Math.trunc(a)',
  exp: 'Math.exp(a)',
  expm1: 'Math.expm1(a)',
  log: 'Math.log(a)',
  log1p: 'Math.log1p(a)',
  log2: 'Math.log2(a)',
  log10: 'Math.log10(a)',
  sqrt: 'Math.sqrt(a)',
  rsqrt: '1 / Math.sqrt(a)',
  reciprocal: '1 / a',
  square: 'a * a',
  sin: 'Math.sin(a)',
  cos: 'Math.cos(a)',
  tan: 'Math.tan(a)',
  asin: 'Math.asin(a)',
  acos: 'Math.acos(a)',
  atan: 'Math.atan(a)',
  sinh: 'Math.sinh(a)',
  cosh: 'Math.cosh(a)',
  tanh: 'Math.tanh(a)',
  erf: 'H.erf(a)',
  erfinv: 'H.erfinv(a)',
  sigmoid: '1 / (1 + Math.exp(-a))',
  relu: 'a > 0 || a !== a ? a : 0',
  silu: 'a / (1 + Math.exp(-a))',
  gelu: '0.5 * a * (1 + H.erf(a * Math.SQRT1_2))',
  geluTanh: '0.5 * a * (1 + Math.tanh(0.7978845608028654 * (a + 0.044715 * a * a * a)))',
  logSigmoid: 'a < 0 ? a - Math.log1p(Math.exp(a)) : -Math.log1p(Math.exp(-a))',
  softsign: 'a / (1 + Math.abs(a))',
  logicalNot: 'a === 0 ? 1 : 0',
  isnan: 'a !== a ? 1 : 0',
  isinf: 'a === Infinity || a === -Infinity ? 1 : 0',
  isfinite: 'a - a === 0 ? 1 : 0',
  bitwiseNot: '-a - 1',
  clamp: 'a !== a ? a : Math.min(Math.max(a, p0), p1)',
  // PyTorch's exponents with a formula of their own (its sqrt, rsqrt and reciprocal kernels,
  // then x * x, x * x * x, 1 / (x * x)); Math.pow for the rest.
  powScalar: 'p0 === 2 ? a * a : p0 === 3 ? a * a * a : p0 === -2 ? 1 / (a * a) : p0 === 0.5 ? Math.sqrt(a) : p0 === -0.5 ? 1 / Math.sqrt(a) : p0 === -1 ? 1 / a : Math.pow(a, p0)',
  rpowScalar: 'Math.pow(p0, a)',
  leakyRelu: 'a > 0 ? a : a * p0',
  elu: 'a > 0 ? a * p1 : Math.expm1(a * p2) * p0 * p1',
  softplus: 'a * p0 > p1 ? a : Math.log1p(Math.exp(a * p0)) / p0',
  hardtanh: 'a !== a ? a : Math.min(Math.max(a, p0), p1)',
  // PyTorch's min(max(x + 3, 0), 6) / 6 and x * min(max(x + 3, 0), 6) / 6 (NaN passes).
  hardsigmoid: 'H.relu6(a + 3) / 6',
  hardswish: 'a * H.relu6(a + 3) / 6',
  relu6: 'a !== a ? a : Math.min(Math.max(a, 0), 6)',
  threshold: 'a <= p0 ? p1 : a',
  roundDecimals: 'H.rint(a * p0) / p0',
};

const BINARY: Record<BinaryOp, string> = {
  add: 'a + alpha * b',
  sub: 'a - alpha * b',
  mul: 'a * b',
  div: 'a / b',
  divTrunc: 'Math.trunc(a / b)',
  divFloor: 'H.floorDivide(a, b)',
  remainder: 'H.remainder(a, b)',
  fmod: 'a % b',
  pow: 'b === 2 ? a * a : Math.pow(a, b)',
  atan2: 'Math.atan2(a, b)',
  maximum: 'a > b || a !== a ? a : b',
  minimum: 'a < b || a !== a ? a : b',
  fmax: 'a > b || b !== b ? a : b',
  fmin: 'a < b || b !== b ? a : b',
  eq: 'a === b ? 1 : 0',
  ne: 'a !== b ? 1 : 0',
  lt: 'a < b ? 1 : 0',
  le: 'a <= b ? 1 : 0',
  gt: 'a > b ? 1 : 0',
  ge: 'a >= b ? 1 : 0',
  logicalAnd: 'a !== 0 && b !== 0 ? 1 : 0',
  logicalOr: 'a !== 0 || b !== 0 ? 1 : 0',
  logicalXor: '(a !== 0) !== (b !== 0) ? 1 : 0',
  bitwiseAnd: 'a & b',
  bitwiseOr: 'a | b',
  bitwiseXor: 'a ^ b',
  reluBackward: 'b <= 0 ? 0 : a',
  thresholdBackward: 'b <= p0 ? 0 : a',
  sigmoidBackward: 'a * (1 - b) * b',
  tanhBackward: 'a * (1 - b * b)',
  siluBackward: '(a / (1 + Math.exp(-b))) * (1 + b * (1 - 1 / (1 + Math.exp(-b))))',
  geluBackward: 'a * (0.5 * (1 + H.erf(b * Math.SQRT1_2)) + b * Math.exp(-0.5 * b * b) * 0.3989422804014327)',
  geluTanhBackward:
    'a * (0.5 * (1 + Math.tanh(0.7978845608028654 * (b + 0.044715 * b * b * b))) + 0.5 * b * (1 - Math.tanh(0.7978845608028654 * (b + 0.044715 * b * b * b)) ** 2) * 0.7978845608028654 * (1 + 3 * 0.044715 * b * b))',
  eluBackward: 'p3 ? (b <= 0 ? a * p2 * (b + p0 * p1) : a * p1) : (b <= 0 ? a * p2 * p0 * p1 * Math.exp(b * p2) : a * p1)',
  leakyReluBackward: 'b > 0 ? a : a * p0',
  softplusBackward: 'b * p0 > p1 ? a : a * (1 - 1 / (1 + Math.exp(b * p0)))',
  hardtanhBackward: 'b <= p0 || b >= p1 ? 0 : a',
  hardsigmoidBackward: 'b > -3 && b < 3 ? a * H.SIXTH_F32 : 0', // PyTorch's 1.0f / 6.0f, float64 too
  hardswishBackward: 'b < -3 ? 0 : b >= 3 ? a : a * (b / 3 + 0.5)', // PyTorch's vectorized kernel: NaN gives NaN
  logSigmoidBackward: 'a / (1 + Math.exp(b))',
  smoothL1: 'H.smoothL1(Math.abs(a - b), p0)',
  huber: 'H.huber(Math.abs(a - b), p0)',
  mse: '(a - b) * (a - b)',
  mseBackward: 'p0 * b * a',
  // PyTorch's vectorized kernels: norm * (|d| >= beta ? sign(d) : d / beta) * grad (huber: d, or sign(d) delta).
  smoothL1Backward: 'p1 * (Math.abs(b) >= p0 ? (b > 0 ? 1 : -1) : b / p0) * a',
  huberBackward: 'p1 * (Math.abs(b) >= p0 ? (b > 0 ? p0 : -p0) : b) * a',
};

// The ops above compute in doubles, rounded once when stored. On float32 operands and
// results (where the native backend computes in float, as PyTorch) these ops take
// several float roundings or a fused multiply-add instead (native/fma_f32.h).
// exp, log, tanh and erf are SLEEF's (sleef.ts), as PyTorch's vectorized kernels; sigmoid,
// silu and gelu (tanh) also, except the last (row length % 16) elements of a row, which
// PyTorch's cpu_kernel_vec runs through its scalar op (libm's exp and tanh; here Math.exp and
// Math.tanh rounded to float).
const UNARY_F32: Partial<Record<UnaryOp, string>> = {
  exp: 'H.expf(a)',
  log: 'H.logf(a)',
  tanh: 'H.tanhf(a)',
  erf: 'H.erff(a)',
  geluTanh: 'k < n - n % 16 ? H.geluTanhF(a, H.tanhf) : H.geluTanhF(a, H.tanhTail)',
  sigmoid: 'k < n - n % 16 ? 1 / F(1 + H.expf(-a)) : 1 / F(1 + F(Math.exp(-a)))',
  silu: 'k < n - n % 16 ? a / F(1 + H.expf(-a)) : a / F(1 + F(Math.exp(-a)))',
  rsqrt: '1 / F(Math.sqrt(a))',
  softsign: 'a / F(1 + Math.abs(a))',
  powScalar: 'p0 === 2 ? a * a : p0 === 3 ? F(a * a) * a : p0 === -2 ? 1 / F(a * a) : p0 === 0.5 ? Math.sqrt(a) : p0 === -0.5 ? 1 / F(Math.sqrt(a)) : p0 === -1 ? 1 / a : Math.pow(a, p0)',
  hardsigmoid: 'H.relu6(F(a + 3)) / 6',
  hardswish: 'F(a * H.relu6(F(a + 3))) / 6',
};
const BINARY_F32: Partial<Record<BinaryOp, string>> = {
  add: 'alpha === 1 ? a + b : H.fmaf(F(alpha), b, a)', // alpha in float, as the native kernels take it
  sub: 'alpha === 1 ? a - b : H.fmaf(-F(alpha), b, a)',
  sigmoidBackward: 'F(a * F(1 - b)) * b',
  tanhBackward: 'a * H.fmaf(-b, b, 1)',
  hardswishBackward: 'b < -3 ? 0 : b >= 3 ? a : a * F(F(b / 3) + 0.5)',
  smoothL1: 'H.smoothL1F(F(Math.abs(a - b)), p0)',
  huber: 'H.huberF(F(Math.abs(a - b)), p0)',
  mse: 'F(a - b) * F(a - b)',
  mseBackward: 'F(p0 * b) * a',
  smoothL1Backward: 'F(p1 * (Math.abs(b) >= p0 ? (b > 0 ? 1 : -1) : F(b / p0))) * a',
  huberBackward: 'F(p1 * (Math.abs(b) >= p0 ? (b > 0 ? p0 : -p0) : b)) * a',
};

/** GELU (tanh) as PyTorch's float kernel: 0.5 x (1 + tanh(beta * fma(kappa, x^3, x))). */
const GELU_BETA = Math.fround(Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5);
const GELU_KAPPA = Math.fround(0.044715);
function geluTanhF(x: number, tanh: (v: number) => number): number {
  const f = Math.fround;
  const inner = f(GELU_BETA * fmaf(GELU_KAPPA, f(f(x * x) * x), x));
  return f(0.5 * x) * f(1 + tanh(inner));
}
const tanhTail = (v: number): number => Math.fround(Math.tanh(v));
const relu6 = (x: number): number => (x !== x ? x : x < 0 ? 0 : x > 6 ? 6 : x);
// The losses on z = |x - y|; the float32 forms round (0.5 z) z (exact in doubles) and
// z - 0.5 delta to float before the next step, as the float kernels do.
const smoothL1 = (z: number, beta: number): number => (z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta);
const smoothL1F = (z: number, beta: number): number => (z < beta ? Math.fround(0.5 * z * z) / beta : z - 0.5 * beta);
const huber = (z: number, delta: number): number => (z < delta ? 0.5 * z * z : (z - 0.5 * delta) * delta);
const huberF = (z: number, delta: number): number => (z < delta ? 0.5 * z * z : Math.fround(z - 0.5 * delta) * delta);
const HELPERS: Record<string, unknown> = {
  erf, erfinv, erfinvFloat, rint, remainder, floorDivide, fmaf, expf, logf, tanhf, erff, geluTanhF, tanhTail, relu6, smoothL1, smoothL1F, huber, huberF, SIXTH_F32: Math.fround(1 / 6),
  f2i: floatToInt64, i64ToF32: int64ToFloat32, ...I64_HELPERS,
};

type Row = (
  out: TypedArray, o: number, so: number, n: number,
  A: TypedArray, ia: number, sa: number,
  B: TypedArray, ib: number, sb: number,
  C: TypedArray, ic: number, sc: number,
  p0: number, p1: number, p2: number, p3: number, alpha: number | bigint,
) => void;

function compileRow(body: string): Row {
  const src = `return function row(out, o, so, n, A, ia, sa, B, ib, sb, C, ic, sc, p0, p1, p2, p3, alpha) {
    for (let k = 0; k < n; k++) {
      ${body}
      o += so; ia += sa; ib += sb; ic += sc;
    }
  };`;
  return new Function('H', 'F', src)(HELPERS, Math.fround) as Row;
}

const cache = new Map<string, Row>();
function rowFor(key: string, body: () => string): Row {
  let row = cache.get(key);
  if (!row) {
    row = compileRow(body());
    cache.set(key, row);
  }
  return row;
}

const isBig = (b: TypedArray): b is BigInt64Array => b instanceof BigInt64Array;
const isFloat = (b: TypedArray): boolean => b instanceof Float32Array || b instanceof Float64Array;

/**
 * How a row reads element `i` of operand `X`: as a bigint in int64 mode (ints widened,
 * floats cast as C++ does), as a number otherwise (int64 through Number()).
 */
function read(buf: TypedArray, X: string, i: string, big: boolean): string {
  if (big) return isBig(buf) ? `${X}[${i}]` : isFloat(buf) ? `H.f2i(${X}[${i}])` : `BigInt(${X}[${i}])`;
  return isBig(buf) ? `Number(${X}[${i}])` : `${X}[${i}]`;
}

/** A kind letter per operand for cache keys: b(igint), f(loat), i(nt). */
function kinds(...bufs: TypedArray[]): string {
  return bufs.map((b) => (isBig(b) ? 'b' : isFloat(b) ? 'f' : 'i')).join('');
}

/** An operand's kind as a digit (0 int, 1 float, 2 bigint): unary/binary rows are looked up by number, no key string per call. */
function kindOf(b: TypedArray): number {
  return b instanceof BigInt64Array ? 2 : b instanceof Float32Array || b instanceof Float64Array ? 1 : 0;
}

/**
 * Rows per op, indexed by the operands' kinds and the int64 mode (see the callers): one
 * table for unary and one for binary ops, looked up by the op's own name, so a call on
 * the hot path builds no key string and no closure (tiny-op loops, B6 regression).
 */
const UNARY_ROWS = new Map<string, (Row | undefined)[]>();
const BINARY_ROWS = new Map<string, (Row | undefined)[]>();

function rowsOf(table: Map<string, (Row | undefined)[]>, op: string): (Row | undefined)[] {
  let rows = table.get(op);
  if (rows === undefined) table.set(op, (rows = []));
  return rows;
}

const NONE = new Uint8Array(0);
const CONTIG_1D = [1];
const NO_ARGS: readonly number[] = [];

function isContiguous(v: View): boolean {
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    if (v.shape[d] !== 1 && v.strides[d] !== expected) return false;
    expected *= v.shape[d];
  }
  return true;
}

/**
 * The stride of one row walking all of `v`'s elements in row-major order, when there is
 * one: 1 when it is contiguous, 0 when every element is the same one (a broadcast
 * scalar), s for a column or any view whose dims nest as one stride-s run (a slice that
 * cat copies into); -1 otherwise. A row with that stride visits the elements in the
 * order forEachRow would.
 */
function flatStride(v: View): number {
  const shape = v.shape, strides = v.strides;
  let stride = 1;
  let expected = 0;
  let first = true; // the innermost dim of size > 1 sets the stride
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    if (size === 1) continue;
    if (first) {
      first = false;
      stride = strides[d];
      expected = stride * size;
    } else {
      if (strides[d] !== expected) return -1;
      expected *= size;
    }
  }
  return stride < 0 ? -1 : stride;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let d = 0; d < shape.length; d++) n *= shape[d];
  return n;
}

/**
 * Runs `row` over the output shape for up to three inputs (b, c null when absent),
 * writing `out`: a contiguous buffer from offset 0, or (copy, fill) a strided view.
 * When every operand walks as one strided row (contiguous, a broadcast scalar, a column:
 * see flatStride), that is one row call and nothing is allocated; otherwise forEachRow
 * walks the rows.
 */
function run(
  row: Row, shape: readonly number[], out: TypedArray | View, a: View, b: View | null, c: View | null,
  args: readonly number[], alpha: number | bigint,
): void {
  const p0 = args.length > 0 ? args[0] : 0, p1 = args.length > 1 ? args[1] : 0;
  const p2 = args.length > 2 ? args[2] : 0, p3 = args.length > 3 ? args[3] : 0;
  const outView = ArrayBuffer.isView(out) ? null : (out as View);
  const outBuffer = outView === null ? (out as TypedArray) : outView.buffer;
  const so = outView === null ? 1 : flatStride(outView);
  if (so >= 0) {
    const sa = flatStride(a);
    const sb = b === null ? 1 : flatStride(b);
    const sc = c === null ? 1 : flatStride(c);
    if (sa >= 0 && sb >= 0 && sc >= 0) {
      row(outBuffer, outView === null ? 0 : outView.offset, so, numel(shape), a.buffer, a.offset, sa,
        b === null ? NONE : b.buffer, b === null ? 0 : b.offset, sb, c === null ? NONE : c.buffer, c === null ? 0 : c.offset, sc,
        p0, p1, p2, p3, alpha);
      return;
    }
  }
  const outStrides = outView === null ? (shape.length === 1 ? CONTIG_1D : contiguousStrides(shape)) : outView.strides;
  const strideSets = [outStrides, a.strides];
  const offsets = [outView === null ? 0 : outView.offset, a.offset];
  if (b !== null) {
    strideSets.push(b.strides);
    offsets.push(b.offset);
  }
  if (c !== null) {
    strideSets.push(c.strides);
    offsets.push(c.offset);
  }
  const bBuf = b === null ? NONE : b.buffer;
  const cBuf = c === null ? NONE : c.buffer;
  forEachRow(shape, strideSets, offsets, (off, n, inner) => {
    row(outBuffer, off[0], inner[0], n, a.buffer, off[1], inner[1], bBuf, off[2] ?? 0, inner[2] ?? 0,
      cBuf, off[3] ?? 0, inner[3] ?? 0, p0, p1, p2, p3, alpha);
  });
}

/** The native backend's T = float case: a float32 result of operands holding float32 values. */
function floatRow(out: TypedArray, ...inputs: View[]): boolean {
  return out instanceof Float32Array && inputs.every((v) => v.buffer instanceof Float32Array || v.dtype === 'float32');
}

function compileUnaryRow(op: UnaryOp, x: TypedArray, out: TypedArray, big: boolean, f32: boolean): Row {
  const i64 = UNARY_I64[op];
  if (big && i64 !== undefined) return compileRow(`const a = ${read(x, 'A', 'ia', true)}; out[o] = ${i64};`);
  // Ops without an integer form (rare on int64) compute in doubles and are cast back.
  const v = (f32 && UNARY_F32[op]) || UNARY[op];
  return compileRow(`const a = ${read(x, 'A', 'ia', false)}; out[o] = ${isBig(out) ? `H.f2i(${v})` : v};`);
}

export function unary(op: UnaryOp, x: View, out: TypedArray, args: readonly number[] = NO_ARGS): void {
  // float32 erfinv: the direct AS241 quantile (same float32 results as the Newton iteration, much faster).
  if (op === 'erfinv' && x.dtype === 'float32' && out instanceof Float32Array) {
    run(rowFor('u:erfinv:f32', () => 'out[o] = H.erfinvFloat(A[ia]);'), x.shape, out, x, null, null, args, 1);
    return;
  }
  const big = isBig(out) || (out instanceof Uint8Array && isBig(x.buffer));
  const f32 = floatRow(out, x);
  const code = ((kindOf(out) * 3 + kindOf(x.buffer)) * 2 + (big ? 1 : 0)) * 2 + (f32 ? 1 : 0);
  const rows = rowsOf(UNARY_ROWS, op);
  const row = rows[code] ?? (rows[code] = compileUnaryRow(op, x.buffer, out, big, f32));
  run(row, x.shape, out, x, null, null, args, 1);
}

function compileBinaryRow(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray, big: boolean, f32: boolean): Row {
  const i64 = BINARY_I64[op];
  if (big && i64 !== undefined) {
    return compileRow(`const a = ${read(a, 'A', 'ia', true)}, b = ${read(b, 'B', 'ib', true)}; out[o] = ${i64};`);
  }
  const v = (f32 && BINARY_F32[op]) || BINARY[op];
  return compileRow(`const a = ${read(a, 'A', 'ia', false)}, b = ${read(b, 'B', 'ib', false)}; out[o] = ${isBig(out) ? `H.f2i(${v})` : v};`);
}

export function binary(op: BinaryOp, a: View, b: View, out: TypedArray, alpha = 1, args: readonly number[] = NO_ARGS): void {
  const big = isBig(out) || (out instanceof Uint8Array && (isBig(a.buffer) || isBig(b.buffer)) && !isFloat(a.buffer) && !isFloat(b.buffer));
  const f32 = floatRow(out, a, b);
  const code = ((kindOf(out) * 9 + kindOf(a.buffer) * 3 + kindOf(b.buffer)) * 2 + (big ? 1 : 0)) * 2 + (f32 ? 1 : 0);
  const rows = rowsOf(BINARY_ROWS, op);
  const row = rows[code] ?? (rows[code] = compileBinaryRow(op, a.buffer, b.buffer, out, big, f32));
  const bigAlpha = big && BINARY_I64[op] !== undefined;
  run(row, a.shape, out, a, b, null, args, bigAlpha ? floatToInt64(alpha) : alpha);
}

export function where(cond: View, a: View, b: View, out: TypedArray): void {
  const big = isBig(out);
  const key = `where:${kinds(out, a.buffer, b.buffer, cond.buffer)}`;
  // `!= 0` (loose) is false for 0 and 0n alike.
  const row = rowFor(key, () => `out[o] = C[ic] != 0 ? ${read(a.buffer, 'A', 'ia', big)} : ${read(b.buffer, 'B', 'ib', big)};`);
  run(row, a.shape, out, a, b, cond, NO_ARGS, 1);
}

/** The store expression for a computed value `v` into a buffer of `dtype`. */
function storeInto(dtype: DType, v: string): string {
  if (dtype === 'bool') return `(${v}) !== 0 ? 1 : 0`;
  return v;
}

// A float converted to an integer dtype as PyTorch's CPU cast does on x86 (cvttsd2si): in
// range it truncates; NaN, infinities and out-of-range values give the type's minimum, and
// uint8 takes the low byte of the int32 conversion (the typed-array store takes it).
// (int64 destinations: H.f2i.)
const FLOAT_TO_INT: Partial<Record<DType, string>> = {
  int32: 'const v = A[ia]; out[o] = v > -2147483649 && v < 2147483648 ? v : -2147483648;',
  uint8: 'const v = A[ia]; out[o] = v > -2147483649 && v < 2147483648 ? v : 0;',
};

// int64 copies move 32-bit words instead of BigInts (a BigInt64Array read allocates one):
// a view of an int64 storage as its Int32Array words, element i's low word at 2i (little
// endian, as every platform Node runs on) and its high word at 2i + 1.
function words(v: View): View {
  return { buffer: int64Words(v.buffer as BigInt64Array), dtype: 'int32', shape: v.shape, strides: v.strides.map((s) => 2 * s), offset: 2 * v.offset };
}

/** The same elements as pairs of words: a trailing dim of 2 keeps a contiguous view contiguous. */
function wordPairs(v: View): View {
  return { buffer: int64Words(v.buffer as BigInt64Array), dtype: 'int32', shape: [...v.shape, 2], strides: [...v.strides.map((s) => 2 * s), 1], offset: 2 * v.offset };
}

/** int64 -> float32 from words: one rounding of the exact integer (the BigInt path past 2^53). */
function float32FromWords(hi: number, lo: number): number {
  if (hi >= -2097152 && hi < 2097152) return Math.fround(hi * 4294967296 + (lo >>> 0));
  return int64ToFloat32(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)));
}
HELPERS.f32w = float32FromWords;

/** An int64 element (words A[ia], A[ia + 1]) stored into a buffer of `dtype` (C++ cast semantics). */
const FROM_INT64_WORDS: Record<Exclude<DType, 'int64'>, string> = {
  // hi * 2^32 and lo are exact doubles: their sum is the integer rounded once, as C++ converts.
  float64: 'out[o] = A[ia + 1] * 4294967296 + (A[ia] >>> 0);',
  // Below 2^53 the double is exact and the Float32Array store rounds it once; past it, H.f32w.
  float32: 'const hi = A[ia + 1]; out[o] = hi >= -2097152 && hi < 2097152 ? hi * 4294967296 + (A[ia] >>> 0) : H.f32w(hi, A[ia]);',
  int32: 'out[o] = A[ia];',
  uint8: 'out[o] = A[ia];',
  bool: 'out[o] = (A[ia] | A[ia + 1]) !== 0 ? 1 : 0;',
};

/** An element A[ia] of an integer (float: `float`) source stored as int64 into words out[o], out[o + 1]. */
function toInt64Words(float: boolean): string {
  if (!float) return 'const t = A[ia]; out[o] = t; out[o + 1] = t < 0 ? -1 : 0;';
  // cvttsd2si: truncation in range, the minimum otherwise (NaN included); t is then an exact integer.
  return 'const v = A[ia]; const t = v >= -9223372036854775808 && v < 9223372036854775808 ? Math.trunc(v) : -9223372036854775808; ' +
    'const hi = Math.floor(t / 4294967296); out[o] = t - hi * 4294967296; out[o + 1] = hi;';
}

/** Contiguous int64 (words W) -> float: exact doubles below 2^53 (the store rounds once), H.f32w / BigInt beyond. */
function int64ToFloat(W: Int32Array, from: number, out: Float32Array | Float64Array, to: number, n: number): void {
  const f32 = out instanceof Float32Array;
  for (let i = 0, j = 2 * from; i < n; i++, j += 2) {
    const hi = W[j + 1];
    if (hi >= -2097152 && hi < 2097152) out[to + i] = hi * 4294967296 + (W[j] >>> 0);
    else out[to + i] = f32 ? float32FromWords(hi, W[j]) : hi * 4294967296 + (W[j] >>> 0);
  }
}

export function copy(src: View, dst: View): void {
  if (isBig(src.buffer) && isBig(dst.buffer)) {
    // Contiguous int64 to int64 (clone, cat and stack slices, collation of labels): one
    // BigInt64Array.set, a memory copy that makes no BigInt and no word view.
    if (isContiguous(src) && isContiguous(dst)) {
      const n = numel(src.shape);
      if (n === 1) dst.buffer[dst.offset] = src.buffer[src.offset];
      else (dst.buffer as BigInt64Array).set((src.buffer as BigInt64Array).subarray(src.offset, src.offset + n), dst.offset);
      return;
    }
    run(rowFor('copy', () => 'out[o] = A[ia];'), [...src.shape, 2], wordPairs(dst), wordPairs(src), null, null, NO_ARGS, 1);
    return;
  }
  if (isBig(src.buffer) && (dst.dtype === 'float32' || dst.dtype === 'float64') && isContiguous(src) && isContiguous(dst)) {
    int64ToFloat(int64Words(src.buffer), src.offset, dst.buffer as Float32Array | Float64Array, dst.offset, numel(src.shape));
    return;
  }
  if (isBig(src.buffer)) {
    const body = FROM_INT64_WORDS[dst.dtype as Exclude<DType, 'int64'>];
    run(rowFor(`copy:i64:${dst.dtype}`, () => body), src.shape, dst, words(src), null, null, NO_ARGS, 1);
    return;
  }
  if (isBig(dst.buffer)) {
    const float = isFloat(src.buffer);
    run(rowFor(`copy:to-i64:${float}`, () => toInt64Words(float)), src.shape, words(dst), src, null, null, NO_ARGS, 1);
    return;
  }
  const fromFloat = (src.dtype === 'float32' || src.dtype === 'float64') ? FLOAT_TO_INT[dst.dtype] : undefined;
  if (fromFloat !== undefined) {
    run(rowFor(`copy:float:${dst.dtype}`, () => fromFloat), src.shape, dst, src, null, null, NO_ARGS, 1);
    return;
  }
  // Typed-array stores already cast like C++ for float, int32 and uint8 targets (integer
  // sources wrap); bool must normalise to 0/1.
  const plain = src.dtype === dst.dtype || dst.dtype !== 'bool';
  const key = plain ? 'copy' : `copy:${dst.dtype}`;
  const row = rowFor(key, () => `out[o] = ${plain ? 'A[ia]' : storeInto(dst.dtype, 'A[ia]')};`);
  run(row, src.shape, dst, src, null, null, NO_ARGS, 1);
}

/** dst[i] = value; an int64 destination takes a bigint (a number is cast as C++ casts a double). */
export function fill(dst: View, value: number | bigint): void {
  if (isBig(dst.buffer)) {
    const v = int64Of(value);
    run(rowFor('fill:i64', () => 'out[o] = alpha;'), dst.shape, dst, dst, null, null, NO_ARGS, v);
    return;
  }
  const row = rowFor('fill', () => 'out[o] = p0;');
  run(row, dst.shape, dst, dst, null, null, [Number(value)], 1);
}
