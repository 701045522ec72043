// The native backend: the Backend interface on the C++ addon. A call costs ~1 us
// however small the tensor (FACTS.md), so kernels on small tensors stay in the JS
// backend, as do the few dtype combinations the addon leaves to it (int32 matmul,
// integer convolution) and writes into memory that overlaps an input differently.
import type { Backend, BinaryOp, Conv2dParams, LossReduction, Pool2dParams, RandomFillKind, ReduceOp, TernaryOp, UnaryOp, View } from '../backend.js';
import { numeric, type TypedArray } from '../dtype.js';
import { jsBackend } from '../js/index.js';
import { finishBatchNormStats } from '../js/norm.js';
import { adadeltaWith } from '../js/optim.js';
import { begin, DTYPE_CODE, put, putOut, putView, type Addon, type AddonOps, type AddonOrigin, type LoadResult } from './addon.js';

/**
 * Below these sizes (elements; multiply-adds for matmul) a kernel runs in the JS
 * backend, where it is faster than a native call (measured with bench/thresholds.ts).
 */
export interface MinSizes {
  elementwise: number;
  reduce: number;
  matmulMacs: number;
  index: number;
  softmax: number;
  loss: number;
}

// Measured (bench/thresholds.ts, float32): a native call costs ~0.6-0.9 us; the JS
// kernels cost about as much at 64-256 elements and fall behind fast after that.
export const DEFAULT_MIN_SIZES: MinSizes = { elementwise: 256, reduce: 256, matmulMacs: 512, index: 256, softmax: 128, loss: 256 };

/** Every kernel native whatever the size (tests). */
export const NO_MIN_SIZES: MinSizes = { elementwise: 0, reduce: 0, matmulMacs: 0, index: 0, softmax: 0, loss: 0 };

const TERNARY: Record<TernaryOp, number> = { addcmul: 0, addcdiv: 1, lerp: 2, lerpScalar: 3 };
const REDUCTION: Record<LossReduction, number> = { none: 0, mean: 1, sum: 2 };
const RANDOM_FILL: Record<RandomFillKind, number> = { uniform: 0, normal: 1, bernoulli: 2 };

const UNARY_NAMES = [
  'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10',
  'sqrt', 'rsqrt', 'reciprocal', 'square', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'erf',
  'erfinv', 'sigmoid', 'relu', 'silu', 'gelu', 'geluTanh', 'logSigmoid', 'softsign', 'logicalNot', 'isnan', 'isinf',
  'isfinite', 'bitwiseNot', 'clamp', 'powScalar', 'rpowScalar', 'leakyRelu', 'elu', 'softplus', 'hardtanh',
  'hardsigmoid', 'hardswish', 'relu6', 'threshold', 'roundDecimals',
] as const satisfies readonly UnaryOp[];

const BINARY_NAMES = [
  'add', 'sub', 'mul', 'div', 'divTrunc', 'divFloor', 'remainder', 'fmod', 'pow', 'atan2', 'maximum', 'minimum',
  'fmax', 'fmin', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd',
  'bitwiseOr', 'bitwiseXor', 'reluBackward', 'thresholdBackward', 'sigmoidBackward', 'tanhBackward', 'siluBackward',
  'geluBackward', 'geluTanhBackward', 'eluBackward', 'leakyReluBackward', 'softplusBackward', 'hardtanhBackward',
  'hardsigmoidBackward', 'hardswishBackward', 'logSigmoidBackward', 'smoothL1', 'smoothL1Backward', 'huber', 'huberBackward',
  'mse', 'mseBackward',
] as const satisfies readonly BinaryOp[];

const REDUCE_NAMES = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin', 'all', 'any'] as const satisfies readonly ReduceOp[];

// Compile-time checks that the lists name every op of the interface.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const everyUnary: Missing<UnaryOp, (typeof UNARY_NAMES)[number]> = true;
const everyBinary: Missing<BinaryOp, (typeof BINARY_NAMES)[number]> = true;
const everyReduce: Missing<ReduceOp, (typeof REDUCE_NAMES)[number]> = true;
void [everyUnary, everyBinary, everyReduce];

const codes = <T extends string>(names: readonly T[]) => new Map<string, number>(names.map((n, i) => [n, i]));
const UNARY = codes(UNARY_NAMES);
const BINARY = codes(BINARY_NAMES);
const REDUCE = codes(REDUCE_NAMES);

/** Why the addon's op lists cannot be used with this JS side, or null when they agree. */
export function opListMismatch(ops: { unaryOps: string[]; binaryOps: string[]; reduceOps: string[] }): string | null {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(ops.unaryOps, UNARY_NAMES) || !same(ops.binaryOps, BINARY_NAMES) || !same(ops.reduceOps, REDUCE_NAMES)) {
    return 'the addon was built from other sources than this JS (op lists differ); rebuild it';
  }
  return null;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let d = 0; d < shape.length; d++) n *= shape[d];
  return n;
}

// ---- Aliasing: the addon may read an input after writing the output (chunks,
// threads), so an output that shares memory with an input must be the very same
// elements (in-place elementwise); anything else runs in the JS backend. ----

function sameMemory(a: TypedArray, b: TypedArray): boolean {
  // Small buffers share slabs (backend/dtype.ts allocate): the same ArrayBuffer is memory in
  // common only where the byte ranges overlap.
  return a === b || (a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength);
}

function sameLayout(a: View, b: View): boolean {
  if (a.buffer !== b.buffer || a.offset !== b.offset || a.shape.length !== b.shape.length) return false;
  for (let d = 0; d < a.shape.length; d++) if (a.shape[d] > 1 && a.strides[d] !== b.strides[d]) return false;
  return true;
}

const CONTIGUOUS = new Map<string, number[]>();
function contiguous(shape: readonly number[]): readonly number[] {
  const key = shape.join(',');
  let s = CONTIGUOUS.get(key);
  if (!s) {
    s = new Array<number>(shape.length);
    let acc = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= Math.max(shape[d], 1);
    }
    if (CONTIGUOUS.size < 4096) CONTIGUOUS.set(key, s);
  }
  return s;
}

/** True when writing `out` (a contiguous buffer of x's shape) cannot clobber an unread input element. */
function safeOut(out: TypedArray, shape: readonly number[], inputs: readonly View[]): boolean {
  for (const v of inputs) {
    if (!sameMemory(v.buffer, out)) continue;
    const asOut: View = { buffer: out, dtype: v.dtype, shape, strides: contiguous(shape), offset: 0 };
    if (!sameLayout(v, asOut)) return false;
  }
  return true;
}

function safeDst(dst: View, inputs: readonly View[]): boolean {
  for (const v of inputs) if (sameMemory(v.buffer, dst.buffer) && !sameLayout(v, dst)) return false;
  return true;
}

/** Buffers that never alias (outputs and their inputs) for kernels that are not elementwise. */
function disjoint(out: TypedArray, inputs: readonly View[]): boolean {
  for (const v of inputs) if (sameMemory(v.buffer, out)) return false;
  return true;
}

const MAX_DIMS = 16;
function fits(...views: View[]): boolean {
  for (const v of views) if (v.shape.length > MAX_DIMS) return false;
  return true;
}

function putConv(p: Conv2dParams): void {
  put(p.stride[0]);
  put(p.stride[1]);
  put(p.padding[0]);
  put(p.padding[1]);
  put(p.dilation[0]);
  put(p.dilation[1]);
  put(p.groups);
}

function putPool(p: Pool2dParams): void {
  for (const pair of [p.kernel, p.stride, p.padding, p.dilation, p.outSize]) {
    put(pair[0]);
    put(pair[1]);
  }
  put(p.countIncludePad ?? true ? 1 : 0);
  put(p.divisorOverride ? p.divisorOverride : 0);
}

function putDims(dims: readonly number[]): void {
  put(dims.length);
  for (const d of dims) put(d);
}

// int64 data (BigInt64Array) computes in the JS backend's BigInt kernels, exact and
// wrapping; the addon reads int64 only as indices (gather, scatter, losses, pooling) and
// writes it only as indices (argmax, pooling), where int64_t is what it works in.
function hasInt64(...buffers: TypedArray[]): boolean {
  for (const b of buffers) if (b instanceof BigInt64Array) return true;
  return false;
}

function isFloatBuffer(b: TypedArray): boolean {
  return b instanceof Float32Array || b instanceof Float64Array;
}

function badIndex(v: number, dim: number, size: number): RangeError {
  return new RangeError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

export function createNativeBackend(addon: Addon, min: MinSizes = DEFAULT_MIN_SIZES): Backend {
  const js = jsBackend;
  const MIN_ELEMENTWISE = min.elementwise, MIN_REDUCE = min.reduce, MIN_MATMUL_MACS = min.matmulMacs;
  const MIN_INDEX = min.index, MIN_SOFTMAX = min.softmax, MIN_LOSS = min.loss;
  return {
    name: 'native',

    unary(op, x, out, args = []) {
      const n = numel(x.shape);
      if (n < MIN_ELEMENTWISE || !fits(x) || !safeOut(out, x.shape, [x]) || hasInt64(x.buffer, out)) return js.unary(op, x, out, args);
      begin();
      put(UNARY.get(op)!);
      put(args[0] ?? 0);
      put(args[1] ?? 0);
      put(args[2] ?? 0);
      put(args[3] ?? 0);
      put(1);
      putView(x);
      putOut(out, x.shape);
      addon.unary(x.buffer, out);
    },

    ternary(op, x, a, b, value, out) {
      if (numel(out.shape) < MIN_ELEMENTWISE || !fits(out) || !safeDst(out, [x, a, b]) || hasInt64(out.buffer, x.buffer, a.buffer, b.buffer)) {
        return js.ternary(op, x, a, b, value, out);
      }
      begin();
      put(TERNARY[op]);
      put(value);
      putView(x);
      putView(a);
      putView(b);
      putView(out);
      if (!addon.ternary(x.buffer, a.buffer, b.buffer, out.buffer)) js.ternary(op, x, a, b, value, out);
    },

    // The op sequence runs each op here natively only from MIN_ELEMENTWISE elements on, and
    // exp_avg.add_(grad, alpha) only when exp_avg is a whole buffer (else its in-place write
    // goes through a subarray the aliasing check sends to JS): elsewhere the JS kernel rounds
    // as the sequence does (the JS add_ with alpha rounds once, the addon's twice).
    adamStep(param, grad, expAvg, expAvgSq, scalars) {
      const n = numel(param.shape);
      const bufs = [param.buffer, grad.buffer, expAvg.buffer, expAvgSq.buffer];
      for (let i = 0; i < 4; i++) {
        if (!(bufs[i] instanceof Float32Array)) return false;
        for (let j = 0; j < i; j++) if (sameMemory(bufs[i], bufs[j])) return false;
      }
      if (n < MIN_ELEMENTWISE || expAvg.offset !== 0 || expAvg.buffer.length !== n) return js.adamStep!(param, grad, expAvg, expAvgSq, scalars);
      if (addon.adamStep === undefined || !fits(param, grad, expAvg, expAvgSq)) return false;
      begin();
      for (const s of scalars) put(s);
      putView(param);
      putView(grad);
      putView(expAvg);
      putView(expAvgSq);
      return addon.adamStep(param.buffer, grad.buffer, expAvg.buffer, expAvgSq.buffer);
    },

    // Bits equal to the JS twin's (both exact), so small steps stay in JS as the op
    // sequence's kernels would.
    sgdStep(param, grad, buf, scalars) {
      const bufs = [param.buffer, grad.buffer, buf.buffer];
      for (let i = 0; i < 3; i++) {
        if (!(bufs[i] instanceof Float32Array)) return false;
        for (let j = 0; j < i; j++) if (sameMemory(bufs[i], bufs[j])) return false;
      }
      if (numel(param.shape) < MIN_ELEMENTWISE) return js.sgdStep!(param, grad, buf, scalars);
      if (addon.sgdStep === undefined || !fits(param, grad, buf)) return false;
      begin();
      for (const s of scalars) put(s);
      putView(param);
      putView(grad);
      putView(buf);
      return addon.sgdStep(param.buffer, grad.buffer, buf.buffer);
    },

    binary(op, a, b, out, alpha = 1, args = []) {
      const n = numel(a.shape);
      if (n < MIN_ELEMENTWISE || !fits(a) || !safeOut(out, a.shape, [a, b]) || hasInt64(a.buffer, b.buffer, out)) return js.binary(op, a, b, out, alpha, args);
      begin();
      put(BINARY.get(op)!);
      put(args[0] ?? 0);
      put(args[1] ?? 0);
      put(args[2] ?? 0);
      put(args[3] ?? 0);
      put(alpha);
      putView(a);
      putView(b);
      putOut(out, a.shape);
      addon.binary(a.buffer, b.buffer, out);
    },

    adadelta(param, grad, squareAvg, accDelta, lr, rho, eps) {
      const views = [param, grad, squareAvg, accDelta];
      const distinct = views.every((v, i) => views.every((w, j) => j <= i || !sameMemory(v.buffer, w.buffer)));
      if (numel(param.shape) < MIN_ELEMENTWISE || !fits(...views) || !distinct) return js.adadelta(param, grad, squareAvg, accDelta, lr, rho, eps);
      // An addon without the fused kernel: the op sequence on this backend's kernels.
      if (addon.adadelta === undefined) return adadeltaWith(this, param, grad, squareAvg, accDelta, lr, rho, eps);
      begin();
      put(lr);
      put(rho);
      put(eps);
      for (const v of views) putView(v);
      if (!addon.adadelta(param.buffer, grad.buffer, squareAvg.buffer, accDelta.buffer)) adadeltaWith(this, param, grad, squareAvg, accDelta, lr, rho, eps);
    },

    where(cond, a, b, out) {
      const n = numel(a.shape);
      if (n < MIN_ELEMENTWISE || !fits(a) || !safeOut(out, a.shape, [cond, a, b]) || hasInt64(cond.buffer, a.buffer, b.buffer, out)) return js.where(cond, a, b, out);
      begin();
      putView(cond);
      putView(a);
      putView(b);
      putOut(out, a.shape);
      addon.where(cond.buffer, a.buffer, b.buffer, out);
    },

    copy(src, dst) {
      const n = numel(src.shape);
      if (n < MIN_ELEMENTWISE || !fits(src) || !safeDst(dst, [src]) || hasInt64(src.buffer, dst.buffer)) return js.copy(src, dst);
      begin();
      putView(src);
      putView(dst);
      addon.copy(src.buffer, dst.buffer);
    },

    fill(dst, value) {
      if (numel(dst.shape) < MIN_ELEMENTWISE || !fits(dst) || typeof value === 'bigint' || hasInt64(dst.buffer)) return js.fill(dst, value);
      begin();
      put(value);
      putView(dst);
      addon.fill(dst.buffer);
    },

    randomFill(kind, out, dtype, gen, params) {
      // Normals cost ~150 ns an element in JS (PyTorch's float32 Box-Muller, emulated), more than the addon call from 16 on.
      if (out.length < (kind === 'normal' ? 16 : MIN_ELEMENTWISE)) return js.randomFill(kind, out, dtype, gen, params);
      begin();
      put(RANDOM_FILL[kind]);
      put(DTYPE_CODE[dtype]);
      put(gen.index);
      put(params[0] ?? 0);
      put(params[1] ?? 0);
      // The next index, or -1 where the addon leaves the fill to the JS kernel (float64 normals:
      // V8's Math.log/sin/cos, which libm's may differ from in the last bit).
      const index = addon.randomFill(out, gen.words);
      if (index < 0) return js.randomFill(kind, out, dtype, gen, params);
      gen.index = index;
    },

    reduce(op, x, dims, out) {
      // (sums of uint8, bool and int32 into int64 are exact in the addon's doubles; products are not.)
      if (numel(x.shape) < MIN_REDUCE || !fits(x) || !disjoint(out, [x]) || hasInt64(x.buffer) || (op === 'prod' && hasInt64(out))) {
        return js.reduce(op, x, dims, out);
      }
      begin();
      put(REDUCE.get(op)!);
      putDims(dims);
      putView(x);
      putOut(out, [out.length]);
      addon.reduce(x.buffer, out);
    },

    variance(x, dims, correction, out) {
      if (numel(x.shape) < MIN_REDUCE || !fits(x) || !disjoint(out, [x]) || hasInt64(x.buffer)) return js.variance(x, dims, correction, out);
      begin();
      put(correction);
      putDims(dims);
      putView(x);
      putOut(out, [out.length]);
      addon.variance(x.buffer, out);
    },

    cumulative(op, x, dim, out) {
      if (numel(x.shape) < MIN_REDUCE || !fits(x) || !disjoint(out, [x]) || hasInt64(x.buffer, out)) return js.cumulative(op, x, dim, out);
      begin();
      put(op === 'cumprod' ? 1 : 0);
      put(dim);
      putView(x);
      putOut(out, x.shape);
      addon.cumulative(x.buffer, out);
    },

    matmul(a, b, out) {
      const nd = a.shape.length;
      const macs = numel(a.shape) * b.shape[nd - 1];
      if (macs < MIN_MATMUL_MACS || !fits(a, b) || !disjoint(out, [a, b]) || hasInt64(a.buffer, b.buffer, out)) return js.matmul(a, b, out);
      begin();
      putView(a);
      putView(b);
      putOut(out, [...a.shape.slice(0, nd - 1), b.shape[nd - 1]]);
      if (!addon.matmul(a.buffer, b.buffer, out)) js.matmul(a, b, out);
    },

    softmax(x, dim, log, out) {
      if (numel(x.shape) < MIN_SOFTMAX || !fits(x) || !disjoint(out, [x])) return js.softmax(x, dim, log, out);
      begin();
      put(dim);
      put(log ? 1 : 0);
      putView(x);
      putOut(out, x.shape);
      addon.softmax(x.buffer, out);
    },

    softmaxBackward(grad, y, dim, log, out) {
      if (numel(y.shape) < MIN_SOFTMAX || !fits(y, grad) || !disjoint(out, [grad, y])) {
        return js.softmaxBackward(grad, y, dim, log, out);
      }
      begin();
      put(dim);
      put(log ? 1 : 0);
      putView(grad);
      putView(y);
      putOut(out, y.shape);
      addon.softmaxBackward(grad.buffer, y.buffer, out);
    },

    gather(x, dim, index, out) {
      if (numel(index.shape) < MIN_INDEX || !fits(x, index) || !disjoint(out, [x, index]) || x.buffer.constructor !== out.constructor) {
        return js.gather(x, dim, index, out);
      }
      begin();
      put(dim);
      putView(x);
      putView(index);
      putOut(out, index.shape);
      const bad = addon.gather(x.buffer, index.buffer, out);
      if (bad !== null) js.gather(x, dim, index, out); // raises the exact message (badIndex as a fallback)
      if (bad !== null) throw badIndex(bad, dim, x.shape[dim]);
    },

    scatter(dst, dim, index, src, accumulate) {
      if (numel(index.shape) < MIN_INDEX || !fits(dst, index, src) || !disjoint(dst.buffer, [index, src]) || dst.buffer.constructor !== src.buffer.constructor) {
        return js.scatter(dst, dim, index, src, accumulate);
      }
      begin();
      put(dim);
      put(accumulate ? 1 : 0);
      putView(dst);
      putView(index);
      putView(src);
      const bad = addon.scatter(dst.buffer, index.buffer, src.buffer);
      if (bad !== null) js.scatter(dst, dim, index, src, accumulate); // checks every index before writing: raises
      if (bad !== null) throw badIndex(bad, dim, dst.shape[dim]);
    },

    indexSelect(x, dim, index, out) {
      const count = index.shape.length === 0 ? 1 : index.shape[0];
      if ((count * numel(x.shape)) / Math.max(x.shape[dim], 1) < MIN_INDEX || !fits(x) || !disjoint(out, [x, index]) || x.buffer.constructor !== out.constructor) {
        return js.indexSelect(x, dim, index, out);
      }
      begin();
      put(dim);
      putView(x);
      putView(index);
      const outShape = x.shape.slice();
      outShape[dim] = count;
      putOut(out, outShape);
      const bad = addon.indexSelect(x.buffer, index.buffer, out);
      if (bad !== null) js.indexSelect(x, dim, index, out);
      if (bad !== null) throw badIndex(bad, dim, x.shape[dim]);
    },

    indexPut(dst, dim, index, src, accumulate) {
      if (numel(src.shape) < MIN_INDEX || !fits(dst, src) || !disjoint(dst.buffer, [index, src]) || dst.buffer.constructor !== src.buffer.constructor) {
        return js.indexPut(dst, dim, index, src, accumulate);
      }
      begin();
      put(dim);
      put(accumulate ? 1 : 0);
      putView(dst);
      putView(index);
      putView(src);
      const bad = addon.indexPut(dst.buffer, index.buffer, src.buffer);
      if (bad !== null) js.indexPut(dst, dim, index, src, accumulate);
      if (bad !== null) throw badIndex(bad, dim, dst.shape[dim]);
    },

    conv2d(x, weight, bias, p, out, outShape) {
      if (!isFloatBuffer(out) || !disjoint(out, bias ? [x, weight, bias] : [x, weight])) return js.conv2d(x, weight, bias, p, out, outShape);
      begin();
      putConv(p);
      put(bias ? 1 : 0);
      putView(x);
      putView(weight);
      if (bias) putView(bias);
      putOut(out, outShape);
      if (!addon.conv2d(x.buffer, weight.buffer, bias?.buffer, out)) js.conv2d(x, weight, bias, p, out, outShape);
    },

    conv2dBackwardInput(gradOut, weight, p, out, inputShape) {
      if (!isFloatBuffer(out) || !disjoint(out, [gradOut, weight])) return js.conv2dBackwardInput(gradOut, weight, p, out, inputShape);
      begin();
      putConv(p);
      putView(gradOut);
      putView(weight);
      putOut(out, inputShape);
      if (!addon.conv2dBackwardInput(gradOut.buffer, weight.buffer, out)) js.conv2dBackwardInput(gradOut, weight, p, out, inputShape);
    },

    conv2dBackwardWeight(gradOut, x, p, out, weightShape) {
      if (!isFloatBuffer(out) || !disjoint(out, [gradOut, x])) return js.conv2dBackwardWeight(gradOut, x, p, out, weightShape);
      begin();
      putConv(p);
      putView(gradOut);
      putView(x);
      putOut(out, weightShape);
      if (!addon.conv2dBackwardWeight(gradOut.buffer, x.buffer, out)) js.conv2dBackwardWeight(gradOut, x, p, out, weightShape);
    },

    maxPool2d(x, p, out, indices) {
      const intIndices = indices instanceof BigInt64Array || indices instanceof Int32Array;
      if (!intIndices || !disjoint(out, [x]) || !disjoint(indices, [x])) return js.maxPool2d(x, p, out, indices);
      begin();
      putPool(p);
      putView(x);
      const outShape = [x.shape[0], x.shape[1], p.outSize[0], p.outSize[1]];
      putOut(out, outShape);
      putOut(indices, outShape);
      if (!addon.maxPool2d(x.buffer, out, indices)) js.maxPool2d(x, p, out, indices);
    },

    maxPool2dBackward(gradOut, indices, out, inputShape) {
      if (!disjoint(out, [gradOut, indices])) return js.maxPool2dBackward(gradOut, indices, out, inputShape);
      begin();
      putView(gradOut);
      putView(indices);
      putOut(out, inputShape);
      if (!addon.maxPool2dBackward(gradOut.buffer, indices.buffer, out)) js.maxPool2dBackward(gradOut, indices, out, inputShape);
    },

    avgPool2d(x, p, out) {
      if (!disjoint(out, [x])) return js.avgPool2d(x, p, out);
      begin();
      putPool(p);
      putView(x);
      putOut(out, [x.shape[0], x.shape[1], p.outSize[0], p.outSize[1]]);
      if (!addon.avgPool2d(x.buffer, out)) js.avgPool2d(x, p, out);
    },

    avgPool2dBackward(gradOut, p, out, inputShape) {
      if (!disjoint(out, [gradOut])) return js.avgPool2dBackward(gradOut, p, out, inputShape);
      begin();
      putPool(p);
      putView(gradOut);
      putOut(out, inputShape);
      if (!addon.avgPool2dBackward(gradOut.buffer, out)) js.avgPool2dBackward(gradOut, p, out, inputShape);
    },

    adaptiveAvgPool2d(x, out, outSize) {
      if (!disjoint(out, [x])) return js.adaptiveAvgPool2d(x, out, outSize);
      begin();
      putView(x);
      putOut(out, [x.shape[0], x.shape[1], outSize[0], outSize[1]]);
      if (!addon.adaptiveAvgPool2d(x.buffer, out)) js.adaptiveAvgPool2d(x, out, outSize);
    },

    adaptiveAvgPool2dBackward(gradOut, out, inputShape) {
      if (!disjoint(out, [gradOut])) return js.adaptiveAvgPool2dBackward(gradOut, out, inputShape);
      begin();
      putView(gradOut);
      putOut(out, inputShape);
      if (!addon.adaptiveAvgPool2dBackward(gradOut.buffer, out)) js.adaptiveAvgPool2dBackward(gradOut, out, inputShape);
    },

    adaptiveMaxPool2d(x, out, indices, outSize) {
      if (!disjoint(out, [x]) || !disjoint(indices, [x])) return js.adaptiveMaxPool2d(x, out, indices, outSize);
      begin();
      putView(x);
      const outShape = [x.shape[0], x.shape[1], outSize[0], outSize[1]];
      putOut(out, outShape);
      putOut(indices, outShape);
      if (!addon.adaptiveMaxPool2d(x.buffer, out, indices)) js.adaptiveMaxPool2d(x, out, indices, outSize);
    },

    nllLoss(input, target, weight, ignoreIndex, reduction, out, totalWeight) {
      if (numel(target.shape) < MIN_LOSS) return js.nllLoss(input, target, weight, ignoreIndex, reduction, out, totalWeight);
      begin();
      put(ignoreIndex);
      put(REDUCTION[reduction]);
      put(weight ? 1 : 0);
      putView(input);
      putView(target);
      if (weight) putView(weight);
      putOut(out, [out.length]);
      putOut(totalWeight, [1]);
      const r = addon.nllLoss(input.buffer, target.buffer, weight?.buffer, out, totalWeight);
      if (typeof r === 'number') js.nllLoss(input, target, weight, ignoreIndex, reduction, out, totalWeight); // raises the exact message
      if (typeof r === 'number') throw new RangeError(`Target ${r} is out of bounds.`);
      if (!r) js.nllLoss(input, target, weight, ignoreIndex, reduction, out, totalWeight);
    },

    nllLossBackward(grad, target, weight, ignoreIndex, reduction, totalWeight, out) {
      if (numel(target.shape) < MIN_LOSS || !disjoint(out, [grad, target])) {
        return js.nllLossBackward(grad, target, weight, ignoreIndex, reduction, totalWeight, out);
      }
      begin();
      put(ignoreIndex);
      put(REDUCTION[reduction]);
      put(totalWeight);
      put(weight ? 1 : 0);
      putView(grad);
      putView(target);
      if (weight) putView(weight);
      putOut(out, [out.length]);
      if (!addon.nllLossBackward(grad.buffer, target.buffer, weight?.buffer, out)) {
        js.nllLossBackward(grad, target, weight, ignoreIndex, reduction, totalWeight, out);
      }
    },

    binaryCrossEntropy(input, target, weight, reduction, out) {
      const n = numel(input.shape);
      const fused = addon.binaryCrossEntropy;
      const views = weight ? [input, target, weight] : [input, target];
      if (fused === undefined || n < MIN_LOSS || !fits(...views) || !disjoint(out, views)) {
        return js.binaryCrossEntropy(input, target, weight, reduction, out);
      }
      begin();
      put(REDUCTION[reduction]);
      put(weight ? 1 : 0);
      putView(input);
      putView(target);
      if (weight) putView(weight);
      putOut(out, [out.length]);
      const r = fused.call(addon, input.buffer, target.buffer, weight?.buffer, out);
      if (r === 2) throw new RangeError('all elements of input should be between 0 and 1');
      if (!r) js.binaryCrossEntropy(input, target, weight, reduction, out);
    },

    binaryCrossEntropyBackward(grad, input, target, weight, reduction, out) {
      const n = numel(input.shape);
      const fused = addon.binaryCrossEntropyBackward;
      const views = weight ? [grad, input, target, weight] : [grad, input, target];
      if (fused === undefined || n < MIN_LOSS || !fits(...views) || !disjoint(out, views)) {
        return js.binaryCrossEntropyBackward(grad, input, target, weight, reduction, out);
      }
      begin();
      put(REDUCTION[reduction]);
      put(weight ? 1 : 0);
      putView(grad);
      putView(input);
      putView(target);
      if (weight) putView(weight);
      putOut(out, [out.length]);
      if (!fused.call(addon, grad.buffer, input.buffer, target.buffer, weight?.buffer, out)) {
        js.binaryCrossEntropyBackward(grad, input, target, weight, reduction, out);
      }
    },

    batchNormStats(x, train, momentum, eps, runningMean, runningVar, mean, invstd) {
      // Eval reads C running values: nothing for the addon to do.
      if (!train || numel(x.shape) < MIN_REDUCE || !fits(x)) {
        return js.batchNormStats(x, train, momentum, eps, runningMean, runningVar, mean, invstd);
      }
      const varSum = new Float64Array(x.shape[1]);
      begin();
      putView(x);
      putOut(mean, [mean.length]);
      putOut(varSum, [varSum.length]);
      if (!addon.batchNormStats(x.buffer, mean, varSum)) {
        return js.batchNormStats(x, train, momentum, eps, runningMean, runningVar, mean, invstd);
      }
      finishBatchNormStats(x, momentum, eps, runningMean, runningVar, numeric(mean), varSum, numeric(invstd));
    },

    embeddingRenorm(weight, indices, maxNorm, normType) {
      if (!fits(indices) || sameMemory(weight.buffer, indices.buffer)) return js.embeddingRenorm(weight, indices, maxNorm, normType);
      begin();
      put(maxNorm);
      put(normType);
      putView(weight);
      putView(indices);
      if (!addon.embeddingRenorm(weight.buffer, indices.buffer)) js.embeddingRenorm(weight, indices, maxNorm, normType);
    },

    batchNorm(x, mean, invstd, weight, bias, out) {
      if (numel(x.shape) < MIN_ELEMENTWISE || !fits(x) || !disjoint(out, [x])) return js.batchNorm(x, mean, invstd, weight, bias, out);
      begin();
      put(weight ? 1 : 0);
      put(bias ? 1 : 0);
      putView(x);
      putView(mean);
      putView(invstd);
      if (weight) putView(weight);
      if (bias) putView(bias);
      putOut(out, x.shape);
      if (!addon.batchNorm(x.buffer, mean.buffer, invstd.buffer, weight?.buffer, bias?.buffer, out)) {
        js.batchNorm(x, mean, invstd, weight, bias, out);
      }
    },

    batchNormBackward(grad, x, mean, invstd, weight, train, gradInput, gradWeight, gradBias) {
      const outs = [gradInput, gradWeight, gradBias].filter((o): o is TypedArray => o !== null);
      if (numel(x.shape) < MIN_REDUCE || !fits(x) || outs.some((o) => !disjoint(o, [grad, x]))) {
        return js.batchNormBackward(grad, x, mean, invstd, weight, train, gradInput, gradWeight, gradBias);
      }
      begin();
      put(train ? 1 : 0);
      put(weight ? 1 : 0);
      put(gradInput ? 1 : 0);
      put(gradWeight ? 1 : 0);
      put(gradBias ? 1 : 0);
      putView(grad);
      putView(x);
      putView(mean);
      putView(invstd);
      if (weight) putView(weight);
      if (gradInput) putOut(gradInput, x.shape);
      if (gradWeight) putOut(gradWeight, [gradWeight.length]);
      if (gradBias) putOut(gradBias, [gradBias.length]);
      const ok = addon.batchNormBackward(grad.buffer, x.buffer, mean.buffer, invstd.buffer, weight?.buffer,
        gradInput ?? undefined, gradWeight ?? undefined, gradBias ?? undefined);
      if (!ok) js.batchNormBackward(grad, x, mean, invstd, weight, train, gradInput, gradWeight, gradBias);
    },

    groupNorm(x, groups, eps, weight, bias, out, mean, rstd) {
      if (numel(x.shape) < MIN_REDUCE || !fits(x) || !disjoint(out, [x])) return js.groupNorm(x, groups, eps, weight, bias, out, mean, rstd);
      begin();
      put(groups);
      put(eps);
      put(weight ? 1 : 0);
      put(bias ? 1 : 0);
      putView(x);
      if (weight) putView(weight);
      if (bias) putView(bias);
      putOut(out, x.shape);
      putOut(mean, [mean.length]);
      putOut(rstd, [rstd.length]);
      if (!addon.groupNorm(x.buffer, weight?.buffer, bias?.buffer, out, mean, rstd)) {
        js.groupNorm(x, groups, eps, weight, bias, out, mean, rstd);
      }
    },

    groupNormBackward(grad, x, groups, mean, rstd, weight, gradInput, gradWeight, gradBias) {
      const outs = [gradInput, gradWeight, gradBias].filter((o): o is TypedArray => o !== null);
      if (numel(x.shape) < MIN_REDUCE || !fits(x) || outs.some((o) => !disjoint(o, [grad, x]))) {
        return js.groupNormBackward(grad, x, groups, mean, rstd, weight, gradInput, gradWeight, gradBias);
      }
      begin();
      put(groups);
      put(weight ? 1 : 0);
      put(gradInput ? 1 : 0);
      put(gradWeight ? 1 : 0);
      put(gradBias ? 1 : 0);
      putView(grad);
      putView(x);
      putView(mean);
      putView(rstd);
      if (weight) putView(weight);
      if (gradInput) putOut(gradInput, x.shape);
      if (gradWeight) putOut(gradWeight, [gradWeight.length]);
      if (gradBias) putOut(gradBias, [gradBias.length]);
      const ok = addon.groupNormBackward(grad.buffer, x.buffer, mean.buffer, rstd.buffer, weight?.buffer,
        gradInput ?? undefined, gradWeight ?? undefined, gradBias ?? undefined);
      if (!ok) js.groupNormBackward(grad, x, groups, mean, rstd, weight, gradInput, gradWeight, gradBias);
    },
  };
}

export type NativeLoad = { ok: true; addon: Addon; backend: Backend; origin: AddonOrigin } | { ok: false; reason: string };

/** The native backend, or why it is unavailable (an addon whose op lists differ from this code is not used). */
export function loadNativeBackend(load: (check: (ops: AddonOps) => string | null) => LoadResult): NativeLoad {
  const r = load(opListMismatch);
  if (!r.ok) return r;
  return { ok: true, addon: r.addon, backend: createNativeBackend(r.addon), origin: r.origin };
}
