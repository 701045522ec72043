// Normalization kernels (batch norm, group norm; layer norm is group norm with one
// group over [M, D, 1]). They mirror ATen's CPU kernels: one statistics pass and one
// fused normalise pass forward, one reduction pass and one fused pass backward.
// x and grad are contiguous (the caller ensures it); per-channel vectors are 1-D
// Views. Batch-norm statistics and the embedding renorm follow ATen's arithmetic exactly;
// the other kernels accumulate in double and store in the output's dtype.
import type { View } from '../backend.js';
import { indexReader, numeric, type NumberArray } from '../dtype.js';

// Float kernels: their outputs are float storages (NumberArray); inputs pass through numeric().

/** A 1-D view as n doubles, or n copies of `fallback` when absent (weight 1, bias 0). */
function vec(v: View | null, n: number, fallback: number): Float64Array {
  const out = new Float64Array(n);
  if (v === null) return out.fill(fallback);
  const s = v.strides[0] ?? 0;
  const V = numeric(v.buffer);
  for (let i = 0; i < n; i++) out[i] = V[v.offset + i * s];
  return out;
}

/** N, C and the product of the trailing dims of an [N, C, *] shape. */
function ncl(shape: readonly number[]): [number, number, number] {
  let l = 1;
  for (let d = 2; d < shape.length; d++) l *= shape[d];
  return [shape[0], shape[1], l];
}

// --- exact fused multiply-add ---
// ATen's compiled CPU loops fuse some multiply-adds (its AVX2 build contracts a * b + c into
// an FMA), so matching it bit for bit needs fma(a, b, c) = a * b + c rounded once.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the low 32 bits of F64[0] in U32. */
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
/** Veltkamp's splitter for doubles, 2^27 + 1. */
const SPLIT = 134217729;

/** a + b rounded to odd: exact when representable, else the neighbour whose last bit is odd. */
function addRoundOdd(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  if (e === 0 || !Number.isFinite(s)) return s;
  F64[0] = s;
  if ((U32[LO] & 1) === 1) return s;
  // s is even and the exact sum lies strictly between s and its neighbour on e's side.
  if (e > 0 === s > 0) {
    U32[LO] += 1; // away from zero; an even low word cannot carry
  } else if (U32[LO] === 0) {
    U32[LO] = 0xffffffff;
    U32[1 - LO] -= 1;
  } else {
    U32[LO] -= 1;
  }
  return F64[0];
}

/** fma(a, b, c) in double (Boldo and Melquiond's emulation through rounding to odd). */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl;
  const sh = c + p;
  const bb = sh - c;
  const sl = c - (sh - bb) + (p - bb);
  return sh + addRoundOdd(sl, pe);
}

/**
 * fma(a, b, c) of float32 values in float32. a * b is exact in double, so a * b + c is rounded
 * once to double; rounding that to float32 is wrong only when it lands on a float32 midpoint,
 * where the sum rounded to odd decides instead.
 */
export function fma32(a: number, b: number, c: number): number {
  const s = a * b + c;
  const f = Math.fround(s);
  // s is a midpoint exactly when 2s - f (computed exactly then) is the other neighbour.
  if (f === s || Math.fround(2 * s - f) !== 2 * s - f) return f;
  return Math.fround(addRoundOdd(a * b, c));
}

const identity = (v: number) => v;

/** Rounding to x's dtype and its fma. */
function arithmetic(v: View): { r: (v: number) => number; fma: (a: number, b: number, c: number) => number } {
  return v.dtype === 'float32' ? { r: Math.fround, fma: fma32 } : { r: identity, fma: fma64 };
}

// --- batch norm ---

/** Index of channel c of a per-channel vector. */
function at(v: View, c: number): number {
  return v.offset + c * (v.strides[0] ?? 0);
}

/**
 * batch_norm_cpu_collect_stats_contiguous_impl: the mean summed in double, the squared
 * deviations (x - mean)^2 in x's dtype summed in double. In float64 the compiled loop takes
 * the products two at a time and fuses the odd last one of each (n, c) row into the sum.
 */
function contiguousStats(x: View, mean: NumberArray, varSum: Float64Array): void {
  const [N, C, L] = ncl(x.shape);
  const X = numeric(x.buffer);
  const count = N * L;
  const f32 = x.dtype === 'float32';
  const pairs = f32 || L % 2 === 0 ? L : L - 1;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const base = x.offset + (n * C + c) * L;
      for (let l = 0; l < L; l++) sum += X[base + l];
    }
    mean[c] = sum / count;
    const m = mean[c];
    let acc = 0;
    for (let n = 0; n < N; n++) {
      const base = x.offset + (n * C + c) * L;
      if (f32) {
        for (let l = 0; l < L; l++) {
          const d = Math.fround(X[base + l] - m);
          acc += Math.fround(d * d);
        }
      } else {
        for (let l = 0; l < pairs; l++) {
          const d = X[base + l] - m;
          acc += d * d;
        }
        if (pairs < L) {
          const d = X[base + pairs] - m;
          acc = fma64(d, d, acc);
        }
      }
    }
    varSum[c] = f32 ? Math.fround(acc) : acc;
  }
}

/**
 * batch_norm_cpu_collect_stats_channels_last_impl (ATen's path for one value per (n, c)):
 * vectorised over channels, one thread: per-channel sums in x's dtype, then the deviations'
 * squares fused into their sum.
 */
function channelsLastStats(x: View, mean: NumberArray, varSum: Float64Array): void {
  const [N, C] = ncl(x.shape);
  const X = numeric(x.buffer);
  const f32 = x.dtype === 'float32';
  const buf = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const base = x.offset + n * C;
    if (f32) for (let c = 0; c < C; c++) buf[c] = Math.fround(buf[c] + X[base + c]);
    else for (let c = 0; c < C; c++) buf[c] += X[base + c];
  }
  for (let c = 0; c < C; c++) mean[c] = buf[c] / N;
  buf.fill(0);
  for (let n = 0; n < N; n++) {
    const base = x.offset + n * C;
    for (let c = 0; c < C; c++) {
      if (f32) {
        const d = Math.fround(X[base + c] - mean[c]);
        buf[c] = fma32(d, d, buf[c]);
      } else {
        const d = X[base + c] - mean[c];
        buf[c] = fma64(d, d, buf[c]);
      }
    }
  }
  varSum.set(buf);
}

/**
 * The statistics batchNorm normalises x [N, C, *] with, as ATen's CPU batch_norm computes
 * them (batch_norm_cpu_update_stats_template; the eval branch of
 * batch_norm_cpu_collect_linear_and_constant_terms), in x's dtype.
 * train: mean[c] and invstd[c] = 1 / sqrt(var_sum / n + eps) of the batch, and the running
 * statistics (when given) updated in place: running = m * batch + (1 - m) * running with
 * m = momentum in x's dtype and the unbiased variance var_sum / (n - 1).
 * eval: mean = runningMean, invstd = 1 / sqrt(runningVar + eps) (x is not read).
 */
export function batchNormStats(
  x: View,
  train: boolean,
  momentum: number,
  eps: number,
  runningMean: View | null,
  runningVar: View | null,
  mean: NumberArray,
  invstd: NumberArray,
): void {
  const C = x.shape[1];
  const { r } = arithmetic(x);
  const rm = runningMean;
  const rv = runningVar;
  if (!train) {
    const e = r(eps);
    for (let c = 0; c < C; c++) {
      mean[c] = numeric((rm as View).buffer)[at(rm as View, c)];
      invstd[c] = r(1 / r(Math.sqrt(r(numeric((rv as View).buffer)[at(rv as View, c)] + e))));
    }
    return;
  }
  const varSum = new Float64Array(C);
  if (ncl(x.shape)[2] === 1) channelsLastStats(x, mean, varSum);
  else contiguousStats(x, mean, varSum);
  finishBatchNormStats(x, momentum, eps, runningMean, runningVar, mean, varSum, invstd);
}

/**
 * The train branch of batchNormStats after the per-channel pass (shared with the native
 * backend, whose addon computes mean and varSum = sum of (x - mean)^2): invstd and the
 * running statistics' update.
 */
export function finishBatchNormStats(
  x: View,
  momentum: number,
  eps: number,
  runningMean: View | null,
  runningVar: View | null,
  mean: NumberArray,
  varSum: Float64Array,
  invstd: NumberArray,
): void {
  const [N, C, L] = ncl(x.shape);
  const n = N * L;
  const { r } = arithmetic(x);
  const rm = runningMean;
  const rv = runningVar;
  const m = r(momentum);
  const keep = r(1 - m);
  for (let c = 0; c < C; c++) {
    // InvStd in double of the biased variance computed in x's dtype.
    const v = r(varSum[c] / r(n));
    invstd[c] = v !== 0 || eps !== 0 ? 1 / Math.sqrt(v + eps) : 0;
    if (rm !== null) {
      const i = at(rm, c);
      const RM = numeric(rm.buffer);
      RM[i] = r(r(m * mean[c]) + r(keep * RM[i]));
    }
    if (rv !== null) {
      const i = at(rv, c);
      const unbiased = r(varSum[c] / r(n - 1));
      const RV = numeric(rv.buffer);
      RV[i] = r(m * unbiased + r(keep * RV[i]));
    }
  }
}

/**
 * out = (x - mean[c]) * invstd[c] * weight[c] + bias[c], in ATen's arithmetic (as compiled:
 * contracted to FMAs): a = invstd * w and b = fma(-mean, a, bias), each rounded to x's dtype,
 * then out = fma(x, a, b). The textbook form is more accurate where |mean| >> std but differs
 * from PyTorch there by up to ~1e-4 relative, which a few training steps amplify.
 */
export function batchNorm(x: View, mean: View, invstd: View, weight: View | null, bias: View | null, out: NumberArray): void {
  const [N, C, L] = ncl(x.shape);
  const X = numeric(x.buffer);
  const { r, fma } = arithmetic(x);
  const a = vec(invstd, C, 1);
  const b = vec(bias, C, 0);
  const w = vec(weight, C, 1);
  const m = vec(mean, C, 0);
  for (let c = 0; c < C; c++) {
    a[c] = r(a[c] * w[c]);
    b[c] = fma(-m[c], a[c], b[c]);
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const o = (n * C + c) * L;
      const i = x.offset + o;
      const ac = a[c];
      const bc = b[c];
      for (let l = 0; l < L; l++) out[o + l] = fma(X[i + l], ac, bc);
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
  gradInput: NumberArray | null,
  gradWeight: NumberArray | null,
  gradBias: NumberArray | null,
): void {
  const [N, C, L] = ncl(x.shape);
  const X = numeric(x.buffer);
  const G = numeric(grad.buffer);
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
  out: NumberArray,
  mean: NumberArray,
  rstd: NumberArray,
): void {
  const [N, C, L] = ncl(x.shape);
  const D = C / groups;
  const size = D * L;
  const X = numeric(x.buffer);
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
  gradInput: NumberArray | null,
  gradWeight: NumberArray | null,
  gradBias: NumberArray | null,
): void {
  const [N, C, L] = ncl(x.shape);
  const D = C / groups;
  const size = D * L;
  const X = numeric(x.buffer);
  const G = numeric(grad.buffer);
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

// --- embedding renorm ---

/** The values of a View in row-major order. */
function valuesOf(v: View): number[] {
  const out: number[] = [];
  const read = indexReader(v.buffer);
  const nd = v.shape.length;
  const total = v.shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < total; k++) {
    let at = v.offset;
    for (let d = 0; d < nd; d++) at += idx[d] * v.strides[d];
    out.push(read(at));
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The p-norm of `dim` values from W[base] by `stride`, as ATen's CPU norm kernel computes it on
 * its AVX2 build: for p = 2 over contiguous float32, eight fused lanes summed in order, then the
 * tail four at a time unfused and the rest fused; otherwise a sequential sum in the dtype
 * (p = 2 fused), projected by sqrt or pow(·, 1 / p).
 */
function rowNorm(W: NumberArray, base: number, dim: number, stride: number, p: number, f32: boolean): number {
  const r = f32 ? Math.fround : identity;
  const fma = f32 ? fma32 : fma64;
  const at = (j: number) => W[base + j * stride];
  if (p === Infinity || p === -Infinity) {
    let m = p === Infinity ? 0 : Infinity;
    for (let j = 0; j < dim; j++) m = p === Infinity ? Math.max(m, Math.abs(at(j))) : Math.min(m, Math.abs(at(j)));
    return m;
  }
  if (p === 0) {
    let n = 0;
    for (let j = 0; j < dim; j++) if (at(j) !== 0) n++;
    return n;
  }
  if (p === 1) {
    let acc = 0;
    for (let j = 0; j < dim; j++) acc = r(acc + Math.abs(at(j)));
    return acc;
  }
  if (p === 2) {
    let acc = 0;
    let j = 0;
    if (f32 && stride === 1) {
      const lanes = [0, 0, 0, 0, 0, 0, 0, 0];
      for (; j + 8 <= dim; j += 8) for (let k = 0; k < 8; k++) lanes[k] = fma32(at(j + k), at(j + k), lanes[k]);
      acc = lanes[0];
      for (let k = 1; k < 8; k++) acc = r(acc + lanes[k]);
      const unfused = j + Math.floor((dim - j) / 4) * 4;
      for (; j < unfused; j++) acc = r(acc + r(at(j) * at(j)));
    }
    for (; j < dim; j++) acc = fma(at(j), at(j), acc);
    return r(Math.sqrt(acc));
  }
  const q = r(p);
  let acc = 0;
  for (let j = 0; j < dim; j++) acc = r(acc + r(Math.abs(at(j)) ** q));
  return r(acc ** r(1 / q));
}

/** ATen's embedding_renorm_: each distinct looked-up row whose p-norm exceeds maxNorm is scaled down to it. */
export function embeddingRenorm(weight: View, indices: View, maxNorm: number, normType: number): void {
  const [, dim] = weight.shape;
  const [rs, cs] = weight.strides;
  const W = numeric(weight.buffer);
  const f32 = weight.dtype === 'float32';
  const rows = [...new Set(valuesOf(indices))].sort((a, b) => a - b);
  for (const row of rows) {
    const base = weight.offset + row * rs;
    const norm = rowNorm(W, base, dim, cs, normType, f32);
    if (norm > maxNorm) {
      const scale = f32 ? Math.fround(maxNorm / (norm + 1e-7)) : maxNorm / (norm + 1e-7);
      for (let j = 0; j < dim; j++) W[base + j * cs] *= scale;
    }
  }
}
