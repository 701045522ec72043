// float32 softmax / log-softmax lines and their gradient with PyTorch 1.13's float32
// arithmetic (ATen/native/cpu/SoftMaxKernel.cpp as its AVX2 build runs it), so results carry
// its bits; native/softmax_impl.h is the C++ twin (its header says how each mode computes).
// A line is read as A[xi + k * xs] and written to out[oi + k * os].
import type { NumberArray } from '../dtype.js';
import { fmaf } from './avx-mathfun.js';
import { expf, logf } from './sleef.js';

const f = Math.fround;

/**
 * Where a line lies, which sets PyTorch's arithmetic (native/simd_math.h's SoftmaxMode): the
 * last dim (LAST), or a position of the dims after the softmax dim that ATen runs vectorized
 * (INNER_VEC) or in its scalar tail (INNER_TAIL).
 */
export type SoftmaxMode = 0 | 1 | 2;
const LAST = 0, INNER_VEC = 1, INNER_TAIL = 2;

/** The mode of the line at inner position p (0 <= p < inner) of a softmax over a dim. */
export function softmaxMode(last: boolean, p: number, inner: number): SoftmaxMode {
  return last ? LAST : p < inner - (inner % 8) ? INNER_VEC : INNER_TAIL;
}

// The scalar tail's exp: libm's, here Math.exp rounded to float (the native backend's too).
const expTail = (x: number): number => f(Math.exp(x));

const lanes = new Float64Array(8);
const laneTree = (): number => f(f(f(lanes[0] + lanes[4]) + f(lanes[2] + lanes[6])) + f(f(lanes[1] + lanes[5]) + f(lanes[3] + lanes[7])));

/** ATen's vec::reduce_all(+) of v(0..n): eight lanes then a tree, or in order below eight. */
function laneSum(n: number, v: (k: number) => number): number {
  if (n < 8) {
    let acc = v(0);
    for (let k = 1; k < n; k++) acc = f(acc + v(k));
    return acc;
  }
  for (let j = 0; j < 8; j++) lanes[j] = v(j);
  let d = 8;
  for (; d < n - (n % 8); d += 8) for (let j = 0; j < 8; j++) lanes[j] = f(lanes[j] + v(d + j));
  for (let j = 0; d + j < n; j++) lanes[j] = f(lanes[j] + v(d + j));
  return laneTree();
}

/** map2_reduce_all(g * y, +): the products after the first eight fused into the lanes. */
function laneDot(n: number, g: (k: number) => number, y: (k: number) => number): number {
  if (n < 8) {
    let acc = f(g(0) * y(0));
    for (let k = 1; k < n; k++) acc = f(acc + f(g(k) * y(k)));
    return acc;
  }
  for (let j = 0; j < 8; j++) lanes[j] = f(g(j) * y(j));
  let d = 8;
  for (; d < n - (n % 8); d += 8) for (let j = 0; j < 8; j++) lanes[j] = fmaf(g(d + j), y(d + j), lanes[j]);
  for (let j = 0; d + j < n; j++) lanes[j] = fmaf(g(d + j), y(d + j), lanes[j]);
  return laneTree();
}

export function softmaxLineF32(
  A: NumberArray, xi: number, xs: number, out: Float32Array, oi: number, os: number, n: number, log: boolean, mode: SoftmaxMode,
): void {
  if (n <= 0) return;
  let max = A[xi];
  for (let k = 1; k < n; k++) {
    const v = A[xi + k * xs];
    if (v > max || v !== v) max = v;
  }
  const exp = mode === INNER_TAIL ? expTail : expf;
  // e^(x - max) into out (log-softmax overwrites it below).
  for (let k = 0; k < n; k++) out[oi + k * os] = exp(f(A[xi + k * xs] - max));
  let sum = 0;
  if (mode === LAST) sum = laneSum(n, (k) => out[oi + k * os]);
  else for (let k = 0; k < n; k++) sum = f(sum + out[oi + k * os]);
  if (log) {
    const lse = logf(sum);
    for (let k = 0; k < n; k++) out[oi + k * os] = f(A[xi + k * xs] - max) - lse;
  } else if (mode === LAST) {
    const r = f(1 / sum);
    for (let k = 0; k < n; k++) out[oi + k * os] *= r;
  } else {
    for (let k = 0; k < n; k++) out[oi + k * os] /= sum;
  }
}

export function softmaxBackwardLineF32(
  G: NumberArray, gi: number, gs: number, Y: NumberArray, yi: number, ys: number,
  out: Float32Array, oi: number, os: number, n: number, log: boolean, mode: SoftmaxMode,
): void {
  if (n <= 0) return;
  const g = (k: number): number => G[gi + k * gs];
  const y = (k: number): number => Y[yi + k * ys];
  if (log) {
    let sum = 0;
    if (mode === LAST) sum = laneSum(n, g);
    else for (let k = 0; k < n; k++) sum = f(sum + g(k));
    const exp = mode === INNER_TAIL ? expTail : expf;
    for (let k = 0; k < n; k++) out[oi + k * os] = fmaf(-exp(y(k)), sum, g(k));
  } else {
    let dot = 0;
    if (mode === LAST) dot = laneDot(n, g, y);
    else for (let k = 0; k < n; k++) dot = fmaf(g(k), y(k), dot);
    for (let k = 0; k < n; k++) out[oi + k * os] = f(g(k) - dot) * y(k);
  }
}
