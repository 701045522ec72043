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
