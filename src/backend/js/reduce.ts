import type { ReduceOp, View } from '../backend.js';
import { asNumbers, int64Words, type NumberArray, type TypedArray } from '../dtype.js';
import { cascadeSum } from './cascade-sum.js';
import { softmaxBackwardLineF32, softmaxLineF32, softmaxMode, type SoftmaxMode } from './softmax.js';
import { collapse, moveDimsLast, numelOf } from './strided.js';

/**
 * Calls visit(outIndex, offset, rowSpans) for every output element: `offset` is the
 * start of its reduced region in x, and the region is walked by walkRegion.
 */
interface Region {
  shape: number[]; // collapsed reduced shape
  strides: number[];
}

function forEachOutput(x: View, dims: readonly number[], visit: (o: number, offset: number, region: Region) => void): void {
  const { keptShape, keptStrides, redShape, redStrides } = moveDimsLast(x, dims);
  const c = collapse(redShape, [redStrides]);
  const region: Region = { shape: c.shape, strides: c.strides[0] };
  const outCount = numelOf(keptShape);
  const idx = new Array<number>(keptShape.length).fill(0);
  let offset = x.offset;
  for (let o = 0; o < outCount; o++) {
    visit(o, offset, region);
    for (let d = keptShape.length - 1; d >= 0; d--) {
      idx[d]++;
      offset += keptStrides[d];
      if (idx[d] < keptShape[d]) break;
      offset -= keptStrides[d] * keptShape[d];
      idx[d] = 0;
    }
  }
}

/** Walks a reduced region row by row: row(offset, n, stride). */
function walkRegion(region: Region, start: number, row: (offset: number, n: number, stride: number) => void): void {
  const nd = region.shape.length;
  if (nd === 0) {
    row(start, 1, 0);
    return;
  }
  const n = region.shape[nd - 1];
  const s = region.strides[nd - 1];
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= region.shape[d];
  const idx = new Array<number>(nd).fill(0);
  let offset = start;
  for (let r = 0; r < rows; r++) {
    row(offset, n, s);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      offset += region.strides[d];
      if (idx[d] < region.shape[d]) break;
      offset -= region.strides[d] * region.shape[d];
      idx[d] = 0;
    }
  }
}

type Fold = (A: NumberArray, i: number, s: number, n: number, acc: number) => number;

const FOLDS: Record<Exclude<ReduceOp, 'argmax' | 'argmin'>, { init: number; fold: Fold }> = {
  sum: { init: 0, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) acc += A[i]; return acc; } },
  prod: { init: 1, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) acc *= A[i]; return acc; } },
  max: { init: -Infinity, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) { const v = A[i]; if (v > acc || v !== v) acc = v; } return acc; } },
  min: { init: Infinity, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) { const v = A[i]; if (v < acc || v !== v) acc = v; } return acc; } },
  all: { init: 1, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) if (A[i] === 0) acc = 0; return acc; } },
  any: { init: 0, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) if (A[i] !== 0) acc = 1; return acc; } },
};

// int64 inputs reduce in BigInt (sum and prod wrap as int64 does); all/any compare with 0n.
type BigFold = (A: BigInt64Array, i: number, s: number, n: number, acc: bigint) => bigint;
const BIG_FOLDS: Record<Exclude<ReduceOp, 'argmax' | 'argmin'>, { init: bigint | null; fold: BigFold }> = {
  sum: { init: 0n, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) acc += A[i]; return BigInt.asIntN(64, acc); } },
  prod: { init: 1n, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) acc = BigInt.asIntN(64, acc * A[i]); return acc; } },
  max: { init: null, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) if (A[i] > acc) acc = A[i]; return acc; } },
  min: { init: null, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) if (A[i] < acc) acc = A[i]; return acc; } },
  all: { init: 1n, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) if (A[i] === 0n) acc = 0n; return acc; } },
  any: { init: 0n, fold: (A, i, s, n, acc) => { for (let k = 0; k < n; k++, i += s) if (A[i] !== 0n) acc = 1n; return acc; } },
};

/** Stores a computed value into any storage (bigint into int64, numbers elsewhere). */
export function storeAt(out: TypedArray, o: number, v: number | bigint): void {
  if (out instanceof BigInt64Array) out[o] = typeof v === 'bigint' ? v : BigInt(v);
  else out[o] = Number(v);
}

/**
 * int64 sums over 32-bit words: the low words (unsigned) and high words summed in doubles,
 * exact for up to 2^20 elements per row, then combined in BigInt and wrapped. No BigInt is
 * made per element.
 */
function sumInt64(x: View, A: BigInt64Array, dims: readonly number[], out: TypedArray): void {
  const W = int64Words(A);
  forEachOutput(x, dims, (o, offset, region) => {
    let acc = 0n;
    walkRegion(region, offset, (i, n, s) => {
      acc += wordSum(W, i, n, s);
    });
    storeAt(out, o, BigInt.asIntN(64, acc));
  });
}

/** The exact sum of n int64 elements (words W) from element i with stride s, in chunks of 2^20. */
function wordSum(W: Int32Array, i: number, n: number, s: number): bigint {
  let acc = 0n;
  for (let k0 = 0; k0 < n; k0 += 1048576) {
    const k1 = Math.min(n, k0 + 1048576);
    let lo = 0, hi = 0;
    if (s === 1) {
      // Contiguous: two independent accumulator pairs, so the adds pipeline.
      let lo2 = 0, hi2 = 0;
      let j = 2 * (i + k0);
      const end = 2 * (i + k1);
      for (; j + 3 < end; j += 4) {
        lo += W[j] >>> 0;
        hi += W[j + 1];
        lo2 += W[j + 2] >>> 0;
        hi2 += W[j + 3];
      }
      if (j < end) {
        lo += W[j] >>> 0;
        hi += W[j + 1];
      }
      lo += lo2;
      hi += hi2;
    } else {
      for (let k = k0, j = 2 * (i + k0 * s); k < k1; k++, j += 2 * s) {
        lo += W[j] >>> 0;
        hi += W[j + 1];
      }
    }
    acc += (BigInt(hi) << 32n) + BigInt(lo);
  }
  return acc;
}

function reduceInt64(op: Exclude<ReduceOp, 'argmax' | 'argmin'>, x: View, A: BigInt64Array, dims: readonly number[], out: TypedArray): void {
  if (op === 'sum') return sumInt64(x, A, dims, out);
  const { init, fold } = BIG_FOLDS[op];
  forEachOutput(x, dims, (o, offset, region) => {
    // max/min start from the first element (the ops refuse empty inputs before this).
    let acc = init ?? A[offset];
    walkRegion(region, offset, (i, n, s) => {
      acc = fold(A, i, s, n, acc);
    });
    storeAt(out, o, acc);
  });
}

export function reduce(op: ReduceOp, x: View, dims: readonly number[], out: TypedArray): void {
  if (op === 'argmax' || op === 'argmin') {
    argReduce(op === 'argmax', x, dims, out);
    return;
  }
  if (x.buffer instanceof BigInt64Array) {
    reduceInt64(op, x, x.buffer, dims, out);
    return;
  }
  if (op === 'prod' && out instanceof BigInt64Array) {
    // An integer product (int32, uint8, bool into int64) overflows doubles fast: multiply in int64.
    const X = x.buffer;
    forEachOutput(x, dims, (o, offset, region) => {
      let acc = 1n;
      walkRegion(region, offset, (i, n, s) => {
        for (let k = 0; k < n; k++, i += s) acc = BigInt.asIntN(64, acc * BigInt(X[i]));
      });
      out[o] = acc;
    });
    return;
  }
  // Float sums whose layout PyTorch's cascade_sum follows simply get its bits (cascade-sum.ts).
  if (op === 'sum' && out.constructor === x.buffer.constructor && cascadeSum(x, dims, out as Float32Array | Float64Array)) return;
  const X = x.buffer;
  const { init, fold } = FOLDS[op];
  forEachOutput(x, dims, (o, offset, region) => {
    let acc = init;
    walkRegion(region, offset, (i, n, s) => {
      acc = fold(X, i, s, n, acc);
    });
    storeAt(out, o, acc);
  });
}

// The index of the first extreme value, NaN counting as the extreme (as PyTorch). int64
// values compare exactly: JS orders bigints against numbers (and the -Infinity start).
function argReduce(isMax: boolean, x: View, dims: readonly number[], out: TypedArray): void {
  forEachOutput(x, dims, (o, offset, region) => {
    let best: number | bigint = isMax ? -Infinity : Infinity;
    let bestIndex = 0;
    let k = 0;
    let found = false;
    walkRegion(region, offset, (i, n, s) => {
      for (let j = 0; j < n; j++, i += s, k++) {
        if (found) continue;
        const v = x.buffer[i];
        if (v !== v) {
          bestIndex = k;
          found = true;
        } else if (isMax ? v > best : v < best) {
          best = v;
          bestIndex = k;
        } else if (k === 0) {
          best = v;
        }
      }
    });
    storeAt(out, o, bestIndex);
  });
}

export function variance(x: View, dims: readonly number[], correction: number, out: TypedArray): void {
  const X = asNumbers(x.buffer);
  forEachOutput(x, dims, (o, offset, region) => {
    let count = 0;
    let mean = 0;
    let m2 = 0;
    walkRegion(region, offset, (i, n, s) => {
      for (let j = 0; j < n; j++, i += s) {
        const v = X[i];
        count++;
        const delta = v - mean;
        mean += delta / count;
        m2 += delta * (v - mean);
      }
    });
    storeAt(out, o, m2 / Math.max(0, count - correction));
  });
}

/** Calls line(inOffset, inStride, outOffset, outStride, n) for every line along `dim`. */
function forEachLine(
  x: View,
  dim: number,
  line: (xi: number, xs: number, oi: number, os: number, n: number) => void,
): void {
  const n = x.shape[dim];
  let os = 1;
  for (let d = dim + 1; d < x.shape.length; d++) os *= x.shape[d];
  const outer = numelOf(x.shape.slice(0, dim));
  const innerShape = x.shape.slice(dim + 1);
  const innerStrides = x.strides.slice(dim + 1);
  const inner = numelOf(innerShape);
  const outerShape = x.shape.slice(0, dim);
  const outerStrides = x.strides.slice(0, dim);
  const oIdx = new Array<number>(outerShape.length).fill(0);
  let xo = x.offset;
  for (let a = 0; a < outer; a++) {
    const iIdx = new Array<number>(innerShape.length).fill(0);
    let xi = xo;
    for (let b = 0; b < inner; b++) {
      line(xi, x.strides[dim], a * n * os + b, os, n);
      for (let d = innerShape.length - 1; d >= 0; d--) {
        iIdx[d]++;
        xi += innerStrides[d];
        if (iIdx[d] < innerShape[d]) break;
        xi -= innerStrides[d] * innerShape[d];
        iIdx[d] = 0;
      }
    }
    for (let d = outerShape.length - 1; d >= 0; d--) {
      oIdx[d]++;
      xo += outerStrides[d];
      if (oIdx[d] < outerShape[d]) break;
      xo -= outerStrides[d] * outerShape[d];
      oIdx[d] = 0;
    }
  }
}

export function cumulative(op: 'cumsum' | 'cumprod', x: View, dim: number, out: TypedArray): void {
  const A = x.buffer;
  if (A instanceof BigInt64Array || out instanceof BigInt64Array) {
    // Integer cumsum/cumprod run in int64 (PyTorch's result dtype) and wrap as it does.
    const big = (i: number): bigint => { const v = A[i]; return typeof v === 'bigint' ? v : BigInt(v); };
    forEachLine(x, dim, (xi, xs, oi, os, n) => {
      let acc = op === 'cumsum' ? 0n : 1n;
      for (let k = 0; k < n; k++, xi += xs, oi += os) {
        acc = BigInt.asIntN(64, op === 'cumsum' ? acc + big(xi) : acc * big(xi));
        storeAt(out, oi, acc);
      }
    });
    return;
  }
  forEachLine(x, dim, (xi, xs, oi, os, n) => {
    let acc = op === 'cumsum' ? 0 : 1;
    for (let k = 0; k < n; k++, xi += xs, oi += os) {
      acc = op === 'cumsum' ? acc + A[xi] : acc * A[xi];
      out[oi] = acc;
    }
  });
}

/** Float32 lines take PyTorch's float32 arithmetic (softmax.ts), by where they lie. */
function f32Mode(x: View, dim: number, oi: number, os: number): SoftmaxMode {
  return softmaxMode(dim === x.shape.length - 1, oi % os, os);
}

export function softmax(x: View, dim: number, log: boolean, out: TypedArray): void {
  const A = asNumbers(x.buffer);
  if (out instanceof Float32Array && x.dtype === 'float32') {
    forEachLine(x, dim, (xi, xs, oi, os, n) => softmaxLineF32(A, xi, xs, out, oi, os, n, log, f32Mode(x, dim, oi, os)));
    return;
  }
  forEachLine(x, dim, (xi, xs, oi, os, n) => {
    let max = -Infinity;
    for (let k = 0, i = xi; k < n; k++, i += xs) if (A[i] > max || A[i] !== A[i]) max = A[i];
    if (max === -Infinity) max = 0; // all -inf: exp(-inf - 0) = 0, 0/0 gives NaN as in PyTorch
    let sum = 0;
    for (let k = 0, i = xi; k < n; k++, i += xs) sum += Math.exp(A[i] - max);
    if (log) {
      const lse = Math.log(sum);
      for (let k = 0, i = xi, o = oi; k < n; k++, i += xs, o += os) out[o] = A[i] - max - lse;
    } else {
      for (let k = 0, i = xi, o = oi; k < n; k++, i += xs, o += os) out[o] = Math.exp(A[i] - max) / sum;
    }
  });
}

export function softmaxBackward(grad: View, y: View, dim: number, log: boolean, out: TypedArray): void {
  // Lines of grad and y are walked together: both are read through their own strides.
  const G = asNumbers(grad.buffer);
  const Y = asNumbers(y.buffer);
  const yLines: number[] = [];
  forEachLine(y, dim, (yi) => yLines.push(yi));
  let line = 0;
  const ys = y.strides[dim];
  if (out instanceof Float32Array && grad.dtype === 'float32' && y.dtype === 'float32') {
    forEachLine(grad, dim, (gi, gs, oi, os, n) => {
      softmaxBackwardLineF32(G, gi, gs, Y, yLines[line++], ys, out, oi, os, n, log, f32Mode(y, dim, oi, os));
    });
    return;
  }
  forEachLine(grad, dim, (gi, gs, oi, os, n) => {
    const yi = yLines[line++];
    let dot = 0;
    if (log) {
      for (let k = 0, g = gi; k < n; k++, g += gs) dot += G[g];
      for (let k = 0, g = gi, j = yi, o = oi; k < n; k++, g += gs, j += ys, o += os) out[o] = G[g] - Math.exp(Y[j]) * dot;
    } else {
      for (let k = 0, g = gi, j = yi; k < n; k++, g += gs, j += ys) dot += G[g] * Y[j];
      for (let k = 0, g = gi, j = yi, o = oi; k < n; k++, g += gs, j += ys, o += os) out[o] = Y[j] * (G[g] - dot);
    }
  });
}
