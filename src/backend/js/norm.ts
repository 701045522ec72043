// Normalization kernels (batch norm, group norm; layer norm is group norm with one
// group over [M, D, 1]). They mirror ATen's CPU kernels: one statistics pass and one
// fused normalise pass forward, one reduction pass and one fused pass backward.
// x and grad are contiguous (the caller ensures it); per-channel vectors are 1-D
// Views; statistics are accumulated in double and stored in the output's dtype.
import type { View } from '../backend.js';
import type { TypedArray } from '../dtype.js';

/** A 1-D view as n doubles, or n copies of `fallback` when absent (weight 1, bias 0). */
function vec(v: View | null, n: number, fallback: number): Float64Array {
  const out = new Float64Array(n);
  if (v === null) return out.fill(fallback);
  const s = v.strides[0] ?? 0;
  for (let i = 0; i < n; i++) out[i] = v.buffer[v.offset + i * s];
  return out;
}

/** N, C and the product of the trailing dims of an [N, C, *] shape. */
function ncl(shape: readonly number[]): [number, number, number] {
  let l = 1;
  for (let d = 2; d < shape.length; d++) l *= shape[d];
  return [shape[0], shape[1], l];
}

/**
 * Per-channel mean and biased variance of x [N, C, *] over N and the trailing dims.
 * Two passes like ATen: the mean (rounded to the output dtype) first, then the
 * squared deviations from it.
 */
export function batchNormStats(x: View, mean: TypedArray, variance: TypedArray): void {
  const [N, C, L] = ncl(x.shape);
  const X = x.buffer;
  const count = N * L;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const base = x.offset + (n * C + c) * L;
      for (let l = 0; l < L; l++) sum += X[base + l];
    }
    mean[c] = sum / count;
    const m = mean[c];
    let sq = 0;
    for (let n = 0; n < N; n++) {
      const base = x.offset + (n * C + c) * L;
      for (let l = 0; l < L; l++) {
        const d = X[base + l] - m;
        sq += d * d;
      }
    }
    variance[c] = sq / count;
  }
}

/** out = (x - mean[c]) * invstd[c] * weight[c] + bias[c], computed as x * a[c] + b[c]. */
export function batchNorm(x: View, mean: View, invstd: View, weight: View | null, bias: View | null, out: TypedArray): void {
  const [N, C, L] = ncl(x.shape);
  const X = x.buffer;
  const a = vec(invstd, C, 1);
  const b = vec(bias, C, 0);
  const w = vec(weight, C, 1);
  const m = vec(mean, C, 0);
  for (let c = 0; c < C; c++) {
    a[c] *= w[c];
    b[c] -= m[c] * a[c];
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const o = (n * C + c) * L;
      const i = x.offset + o;
      const ac = a[c];
      const bc = b[c];
      for (let l = 0; l < L; l++) out[o + l] = X[i + l] * ac + bc;
    }
  }
}

/**
 * Gradients of batchNorm for the incoming gradient `grad` (x's shape). In training
 * mean/invstd are the batch statistics, through which x's gradient also flows;
 * otherwise they are constants (running statistics). Null outputs are skipped.
 */
export function batchNormBackward(
  grad: View,
  x: View,
  mean: View,
  invstd: View,
  weight: View | null,
  train: boolean,
  gradInput: TypedArray | null,
  gradWeight: TypedArray | null,
  gradBias: TypedArray | null,
): void {
  const [N, C, L] = ncl(x.shape);
  const X = x.buffer;
  const G = grad.buffer;
  const count = N * L;
  const means = vec(mean, C, 0);
  const invstds = vec(invstd, C, 1);
  const weights = vec(weight, C, 1);
  for (let c = 0; c < C; c++) {
    const m = means[c];
    const s = invstds[c];
    // sum(dy) and sum(dy * (x - mean)) over the channel.
    let sum = 0;
    let dot = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * L;
      const xi = x.offset + base;
      const gi = grad.offset + base;
      for (let l = 0; l < L; l++) {
        const dy = G[gi + l];
        sum += dy;
        dot += dy * (X[xi + l] - m);
      }
    }
    if (gradInput !== null) {
      const scale = s * weights[c];
      // Training: dx = (dy - mean(dy) - (x - mean) * dot * invstd^2 / count) * invstd * w.
      const k = train ? (dot * s * s) / count : 0;
      const gm = train ? sum / count : 0;
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * L;
        const xi = x.offset + base;
        const gi = grad.offset + base;
        for (let l = 0; l < L; l++) gradInput[base + l] = (G[gi + l] - gm - (X[xi + l] - m) * k) * scale;
      }
    }
    if (gradWeight !== null) gradWeight[c] = dot * s;
    if (gradBias !== null) gradBias[c] = sum;
  }
}

/**
 * Group norm of x [N, C, *]: each sample's channels split into `groups` groups, each
 * normalised over its channels and trailing dims, then scaled by weight[c] and
 * shifted by bias[c]. mean and rstd ([N * groups]) receive the statistics.
 */
export function groupNorm(
  x: View,
  groups: number,
  eps: number,
  weight: View | null,
  bias: View | null,
  out: TypedArray,
  mean: TypedArray,
  rstd: TypedArray,
): void {
  const [N, C, L] = ncl(x.shape);
  const D = C / groups;
  const size = D * L;
  const X = x.buffer;
  const w = vec(weight, C, 1);
  const b = vec(bias, C, 0);
  for (let r = 0; r < N * groups; r++) {
    const start = r * size;
    const xi = x.offset + start;
    let sum = 0;
    for (let j = 0; j < size; j++) sum += X[xi + j];
    const m = sum / size;
    let sq = 0;
    for (let j = 0; j < size; j++) {
      const d = X[xi + j] - m;
      sq += d * d;
    }
    mean[r] = m;
    rstd[r] = 1 / Math.sqrt(sq / size + eps);
    const mr = mean[r];
    const sr = rstd[r];
    const g = r % groups;
    for (let k = 0; k < D; k++) {
      const c = g * D + k;
      const scale = sr * w[c];
      const shift = b[c] - scale * mr;
      const o = start + k * L;
      for (let l = 0; l < L; l++) out[o + l] = X[xi + k * L + l] * scale + shift;
    }
  }
}

/**
 * Gradients of groupNorm: with xhat = (x - mean) * rstd and dyw = dy * weight[c],
 * dx = rstd * (dyw - mean(dyw) - xhat * mean(dyw * xhat)) over each group;
 * dweight[c] = sum(dy * xhat), dbias[c] = sum(dy) over samples and trailing dims.
 */
export function groupNormBackward(
  grad: View,
  x: View,
  groups: number,
  mean: View,
  rstd: View,
  weight: View | null,
  gradInput: TypedArray | null,
  gradWeight: TypedArray | null,
  gradBias: TypedArray | null,
): void {
  const [N, C, L] = ncl(x.shape);
  const D = C / groups;
  const size = D * L;
  const X = x.buffer;
  const G = grad.buffer;
  const w = vec(weight, C, 1);
  const means = vec(mean, N * groups, 0);
  const rstds = vec(rstd, N * groups, 1);
  // Accumulated in double across samples, stored at the end.
  const dw = new Float64Array(C);
  const dbias = new Float64Array(C);
  // Per channel of one sample: sum(dy) and sum(dy * (x - mean)).
  const db = new Float64Array(D);
  const ds = new Float64Array(D);
  for (let r = 0; r < N * groups; r++) {
    const m = means[r];
    const s = rstds[r];
    const g = r % groups;
    const start = r * size;
    let dbw = 0;
    let dsw = 0;
    for (let k = 0; k < D; k++) {
      const xi = x.offset + start + k * L;
      const gi = grad.offset + start + k * L;
      let b = 0;
      let d = 0;
      for (let l = 0; l < L; l++) {
        const dy = G[gi + l];
        b += dy;
        d += dy * (X[xi + l] - m);
      }
      db[k] = b;
      ds[k] = d;
      dbw += b * w[g * D + k];
      dsw += d * w[g * D + k];
    }
    if (gradInput !== null) {
      // dx = c1[c] * dy + c2 * (x - mean) + c3.
      const c2 = (-s * s * s * dsw) / size;
      const c3 = (-s * dbw) / size;
      for (let k = 0; k < D; k++) {
        const c1 = s * w[g * D + k];
        const o = start + k * L;
        const xi = x.offset + o;
        const gi = grad.offset + o;
        for (let l = 0; l < L; l++) gradInput[o + l] = c1 * G[gi + l] + c2 * (X[xi + l] - m) + c3;
      }
    }
    for (let k = 0; k < D; k++) {
      dw[g * D + k] += ds[k] * s;
      dbias[g * D + k] += db[k];
    }
  }
  if (gradWeight !== null) gradWeight.set(dw);
  if (gradBias !== null) gradBias.set(dbias);
}
