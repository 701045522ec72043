// Negative log-likelihood kernels (PyTorch's nll_loss / nll_loss2d on the CPU).
// The forward checks the targets (each a class index or ignoreIndex) before writing.
import type { LossReduction, View } from '../backend.js';
import { indexReader, numeric, type TypedArray } from '../dtype.js';

const identity = (v: number) => v;

/** Rounds every intermediate to the input's precision, as PyTorch accumulates in scalar_t. */
function rounder(v: View): (x: number) => number {
  return v.dtype === 'float32' ? Math.fround : identity;
}

/** ceil(log2(n)) as c10::utils::CeilLog2 (1 for n <= 2). */
function ceilLog2(n: number): number {
  return n <= 2 ? 1 : Math.ceil(Math.log2(n));
}

export function nllLoss(
  input: View, target: View, weight: View | null, ignoreIndex: number, reduction: LossReduction,
  outBuf: TypedArray, totalWeightBuf: TypedArray,
): void {
  const [N, C, S] = input.shape;
  const X = numeric(input.buffer), T = indexReader(target.buffer);
  const out = numeric(outBuf), totalWeight = numeric(totalWeightBuf);
  const [xn, xc, xs] = input.strides;
  const [tn, ts] = target.strides;
  const W = weight ? numeric(weight.buffer) : undefined;
  const wOff = weight?.offset ?? 0;
  const wStride = weight?.strides[0] ?? 0;
  const weightOf = (t: number) => (W === undefined ? 1 : W[wOff + t * wStride]);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const t = T(target.offset + n * tn + s * ts);
      if (t !== ignoreIndex && !(t >= 0 && t < C)) throw new RangeError(`Target ${String(target.buffer[target.offset + n * tn + s * ts])} is out of bounds.`);
    }
  }

  if (reduction === 'none') {
    let total = 0;
    for (let n = 0; n < N; n++) {
      for (let s = 0; s < S; s++) {
        const t = T(target.offset + n * tn + s * ts);
        if (t === ignoreIndex) {
          out[n * S + s] = 0;
          continue;
        }
        const w = weightOf(t);
        total += w;
        out[n * S + s] = -(X[input.offset + n * xn + t * xc + s * xs] * w);
      }
    }
    totalWeight[0] = total;
    return;
  }

  // PyTorch's cascade summation: partial sums at 8 levels, level j+1 absorbing level j
  // every 16^(j+1) elements, so the result matches its float32 rounding exactly.
  const r = rounder(input);
  const numiter = N * S;
  const levels = 8;
  const power = Math.max(4, Math.floor(ceilLog2(numiter) / levels));
  const mask = (1 << power) - 1;
  const loss = new Array<number>(levels).fill(0);
  const wsum = new Array<number>(levels).fill(0);
  let ignored = 0;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const b = n * S + s;
      const t = T(target.offset + n * tn + s * ts);
      if (t === ignoreIndex) {
        ignored++;
        continue;
      }
      const x = X[input.offset + n * xn + t * xc + s * xs];
      if (W !== undefined) {
        const w = W[wOff + t * wStride];
        loss[0] = r(loss[0] - r(x * w));
        wsum[0] = r(wsum[0] + w);
      } else {
        loss[0] = r(loss[0] - x);
      }
      for (let j = 0; j + 1 < levels; j++) {
        if (Math.floor(b / 2 ** (j * power)) % (mask + 1) !== 0) break;
        loss[j + 1] = r(loss[j + 1] + loss[j]);
        wsum[j + 1] = r(wsum[j + 1] + wsum[j]);
        loss[j] = 0;
        wsum[j] = 0;
      }
    }
  }
  let total = numiter - ignored;
  if (W !== undefined) {
    total = 0;
    for (const v of wsum) total = r(total + v);
  }
  let value = 0;
  for (const v of loss) value = r(value + v);
  // Mean over no (or zero-weight) targets is 0/0 = NaN, as in PyTorch.
  out[0] = reduction === 'mean' ? value / total : value;
  totalWeight[0] = total;
}

export function nllLossBackward(
  grad: View, target: View, weight: View | null, ignoreIndex: number, reduction: LossReduction,
  totalWeight: number, outBuf: TypedArray,
): void {
  const out = numeric(outBuf);
  const [N, S] = target.shape;
  const C = out.length / Math.max(1, N * S);
  const T = indexReader(target.buffer), G = numeric(grad.buffer);
  const [tn, ts] = target.strides;
  const W = weight ? numeric(weight.buffer) : undefined;
  const wOff = weight?.offset ?? 0;
  const wStride = weight?.strides[0] ?? 0;
  const r = rounder(grad);
  out.fill(0);
  // Reduced: one scalar -(grad / total_weight) (mean) or -grad, times the target's weight.
  const scalar = reduction === 'none' ? 0 : -(reduction === 'mean' ? r(G[grad.offset] / totalWeight) : G[grad.offset]);
  const [gn, gs] = reduction === 'none' ? grad.strides : [0, 0];
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const t = T(target.offset + n * tn + s * ts);
      if (t === ignoreIndex) continue;
      const w = W === undefined ? 1 : W[wOff + t * wStride];
      const g = reduction === 'none' ? -G[grad.offset + n * gn + s * gs] : scalar;
      out[(n * C + t) * S + s] = w * g;
    }
  }
}

// --- binary cross entropy (PyTorch's binary_cross_entropy CPU kernels) ---

const BCE_RANGE = 'all elements of input should be between 0 and 1';

function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * at::sum of n contiguous values from A[offset] as a single thread of an AVX2 build adds
 * them (Vectorized<T> of 32 bytes: 8 float32 or 4 float64 lanes): 4 vector accumulators
 * over 4 cascade levels, then the scalar tail, then the lanes in order. Accumulators
 * live in an array of the input's type, so each store rounds as PyTorch's adds do.
 */
function torchCascadeSum(A: ArrayLike<number>, offset: number, n: number, float32: boolean): number {
  const W = float32 ? 8 : 4;
  const ilp = 4, levels = 4, row = ilp * W;
  const vecs = Math.floor(n / W), rows = Math.floor(vecs / ilp);
  const power = Math.max(4, Math.floor(ceilLog2(rows) / levels));
  const step = 2 ** power;
  const acc = float32 ? new Float32Array(levels * row) : new Float64Array(levels * row);
  let i = 0;
  const addRow = (r: number) => {
    const base = offset + r * row;
    for (let k = 0; k < row; k++) acc[k] += A[base + k];
  };
  while (i + step <= rows) {
    for (let j = 0; j < step; j++, i++) addRow(i);
    for (let j = 1; j < levels; j++) {
      for (let k = 0; k < row; k++) {
        acc[j * row + k] += acc[(j - 1) * row + k];
        acc[(j - 1) * row + k] = 0;
      }
      // (i & (mask << j power)) != 0: i is not a multiple of step^(j+1).
      if (Math.floor(i / 2 ** (j * power)) % step !== 0) break;
    }
  }
  for (; i < rows; i++) addRow(i);
  for (let j = 1; j < levels; j++) for (let k = 0; k < row; k++) acc[k] += acc[j * row + k];
  for (let v = rows * ilp; v < vecs; v++) for (let l = 0; l < W; l++) acc[l] += A[offset + v * W + l];
  for (let k = 1; k < ilp; k++) for (let l = 0; l < W; l++) acc[l] += acc[k * W + l];
  const total = float32 ? new Float32Array(1) : new Float64Array(1);
  for (let k = vecs * W; k < n; k++) total[0] += A[offset + k];
  for (let l = 0; l < W; l++) total[0] += acc[l];
  return total[0];
}

export function binaryCrossEntropy(input: View, target: View, weight: View | null, reduction: LossReduction, outBuf: TypedArray): void {
  const n = numelOf(input.shape);
  const X = numeric(input.buffer), Y = numeric(target.buffer), out = numeric(outBuf);
  const xo = input.offset, yo = target.offset;
  const W = weight ? numeric(weight.buffer) : undefined;
  const wo = weight?.offset ?? 0;
  const float32 = input.dtype === 'float32';
  const r = rounder(input);
  const L = reduction === 'none' ? out : float32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = X[xo + i], y = Y[yo + i];
    if (!(x >= 0 && x <= 1)) throw new RangeError(BCE_RANGE);
    // PyTorch: (y - 1) * max(log1p(-x), -100) - y * max(log(x), -100), in the input's
    // precision. A target of 0 or 1 multiplies one log by 0, where only its sign class
    // matters (both logs are <= 0): that log is not computed, as in native/loss.cc.
    const log1m = y === 1 ? -1 : Math.max(r(Math.log1p(-x)), -100);
    const logx = y !== 0 ? Math.max(r(Math.log(x)), -100) : x === 1 ? 0 : -1;
    const l = r(r(r(y - 1) * log1m) - r(y * logx));
    // loss.mul_(weight): a float64 weight multiplies in double, rounded back.
    L[i] = W === undefined ? l : r(l * W[wo + i]);
  }
  if (reduction === 'none') return;
  const sum = torchCascadeSum(L, 0, n, float32);
  // mean: at::sum(...).div_(numel) in the input's precision.
  out[0] = reduction === 'mean' ? r(sum / r(n)) : sum;
}

export function binaryCrossEntropyBackward(
  grad: View, input: View, target: View, weight: View | null, reduction: LossReduction, outBuf: TypedArray,
): void {
  const n = numelOf(input.shape);
  const G = numeric(grad.buffer), X = numeric(input.buffer), Y = numeric(target.buffer), out = numeric(outBuf);
  const go = grad.offset, xo = input.offset, yo = target.offset;
  const W = weight ? numeric(weight.buffer) : undefined;
  const wo = weight?.offset ?? 0;
  const r = rounder(input);
  const eps = r(1e-12);
  const count = r(n);
  const reduced = reduction !== 'none';
  for (let i = 0; i < n; i++) {
    const x = X[xo + i], y = Y[yo + i];
    const g = reduced ? G[go] : G[go + i];
    // PyTorch: grad * (x - y) / max((1 - x) x, EPSILON = 1e-12), then * weight, then / numel.
    let v = r(r(g * r(x - y)) / Math.max(r(r(1 - x) * x), eps));
    if (W !== undefined) v = r(v * W[wo + i]);
    if (reduction === 'mean') v = r(v / count);
    out[i] = v;
  }
}
