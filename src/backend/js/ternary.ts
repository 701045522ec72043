// addcmul, addcdiv and lerp, rounded as PyTorch 1.13's CPU kernels round them: GCC
// fuses `a * b + c` into an FMA, so addcmul is fma(round(value * t1), t2, self) and
// lerp fma(w, end - self, self) (or its mirror for |w| >= 0.5), while addcdiv rounds
// three times. float64 fuses with an error-free fma, float32 with fmaf below.
import type { AdamScalars, SgdScalars, TernaryOp, View } from '../backend.js';
import { asNumbers, floatToInt64, numeric, type DType, type NumberArray } from '../dtype.js';
import { fma } from './math.js';
import { forEachRow } from './strided.js';

/**
 * fma(a, b, c) rounded once to float32, for float32 a, b, c. a * b is exact in a
 * double, so the double sum s is within half a double ulp of the exact result, and
 * rounding s to float32 is right unless s sits exactly halfway between two float32s;
 * then the sign of the sum's rounding error picks the side. A halfway s has at most
 * 25 significant bits, which a Veltkamp split (by 2^28 + 1) tests without a second
 * fround; the full check runs only for such s.
 */
function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  const h = s * 268435457;
  if (h - (h - s) !== s) return r; // more than 25 significant bits: not halfway
  const d = s - r;
  const other = r + 2 * d;
  if (Math.fround(other) !== other) return r; // not halfway after all (or not finite)
  const bv = s - p;
  const e = p - (s - bv) + (c - bv); // exact error of s = p + c (TwoSum)
  return e === 0 || e > 0 !== d > 0 ? r : other;
}

/** One row: n elements of out, self (x), a and b at their offsets and strides; v is the scalar. */
type Row = (
  n: number, v: number,
  O: NumberArray, o: number, so: number,
  X: NumberArray, ix: number, sx: number,
  A: NumberArray, ia: number, sa: number,
  B: NumberArray, ib: number, sb: number,
) => void;

const f = Math.fround;

const FLOAT32_ROWS: Record<TernaryOp, Row> = {
  addcmul(n, v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) O[o] = fmaf(f(v * A[ia]), B[ib], X[ix]);
  },
  addcdiv(n, v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) O[o] = f(f(f(v * A[ia]) / B[ib]) + X[ix]);
  },
  lerp(n, _v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) {
      const x = X[ix], e = A[ia], w = B[ib];
      const d = f(e - x);
      O[o] = Math.abs(w) < 0.5 ? fmaf(w, d, x) : fmaf(-d, f(1 - w), e);
    }
  },
  lerpScalar(n, w, O, o, so, X, ix, sx, A, ia, sa) {
    const small = Math.abs(w) < 0.5;
    const omw = f(1 - w);
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa) {
      const x = X[ix], e = A[ia];
      const d = f(e - x);
      O[o] = small ? fmaf(w, d, x) : fmaf(-d, omw, e);
    }
  },
};

const FLOAT64_ROWS: Record<TernaryOp, Row> = {
  addcmul(n, v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) O[o] = fma(v * A[ia], B[ib], X[ix]);
  },
  addcdiv(n, v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) O[o] = (v * A[ia]) / B[ib] + X[ix];
  },
  lerp(n, _v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) {
      const x = X[ix], e = A[ia], w = B[ib];
      const d = e - x;
      O[o] = Math.abs(w) < 0.5 ? fma(w, d, x) : fma(-d, 1 - w, e);
    }
  },
  lerpScalar(n, w, O, o, so, X, ix, sx, A, ia, sa) {
    const small = Math.abs(w) < 0.5;
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa) {
      const x = X[ix], e = A[ia];
      O[o] = small ? fma(w, e - x, x) : fma(-(e - x), 1 - w, e);
    }
  },
};

// Integer addcmul (the only integral op here): exact in doubles, wrapped by the typed-array store.
const INTEGER_ROWS: Partial<Record<TernaryOp, Row>> = {
  addcmul(n, v, O, o, so, X, ix, sx, A, ia, sa, B, ib, sb) {
    for (let k = 0; k < n; k++, o += so, ix += sx, ia += sa, ib += sb) O[o] = X[ix] + v * A[ia] * B[ib];
  },
};

function rowFor(op: TernaryOp, dtype: DType): Row {
  const row = dtype === 'float32' ? FLOAT32_ROWS[op] : dtype === 'float64' ? FLOAT64_ROWS[op] : INTEGER_ROWS[op];
  if (!row) throw new Error(`no ${op} kernel for ${dtype}`);
  return row;
}

/**
 * out = op(x, a, b; v) elementwise in out's dtype. x, a and b are already in that dtype
 * and out's shape (broadcast with zero strides); out may be a strided view, even x.
 */
export function ternary(op: TernaryOp, x: View, a: View, b: View, v: number, out: View): void {
  if (out.buffer instanceof BigInt64Array) return addcmulInt64(op, x, a, b, v, out);
  const row = rowFor(op, out.dtype);
  // Inputs may be int64 in a float op (read as doubles, as the ops pass them uncast).
  const O = numeric(out.buffer), X = asNumbers(x.buffer), A = asNumbers(a.buffer), B = asNumbers(b.buffer);
  forEachRow(out.shape, [out.strides, x.strides, a.strides, b.strides], [out.offset, x.offset, a.offset, b.offset], (off, n, s) => {
    row(n, v, O, off[0], s[0], X, off[1], s[1], A, off[2], s[2], B, off[3], s[3]);
  });
}

/** True for a float32 View laid out row-major from its offset (any size-1 strides). */
function denseFloat32(v: View, n: number): boolean {
  if (!(v.buffer instanceof Float32Array) || v.offset + n > v.buffer.length) return false;
  for (let d = v.shape.length - 1, s = 1; d >= 0; d--) {
    if (v.shape[d] !== 1 && v.strides[d] !== s) return false;
    s *= v.shape[d];
  }
  return true;
}

/**
 * Backend.adamStep for dense float32 operands (false otherwise), rounded as this backend's
 * op sequence: mul_ and div_ once each, add_ with alpha and addcmul as fmaf (PyTorch's
 * fused multiply-adds), addcdiv three times.
 */
export function adamStep(param: View, grad: View, expAvg: View, expAvgSq: View, scalars: AdamScalars): boolean {
  let n = 1;
  for (const size of param.shape) n *= size;
  if (!denseFloat32(param, n) || !denseFloat32(grad, n) || !denseFloat32(expAvg, n) || !denseFloat32(expAvgSq, n)) return false;
  const [beta1, alpha1, beta2, value2, bc2, eps, negStep] = scalars;
  const P = param.buffer as Float32Array, G = grad.buffer as Float32Array, M = expAvg.buffer as Float32Array, V = expAvgSq.buffer as Float32Array;
  for (let i = 0, ip = param.offset, ig = grad.offset, im = expAvg.offset, iv = expAvgSq.offset; i < n; i++, ip++, ig++, im++, iv++) {
    const g = G[ig];
    const m = fmaf(alpha1, g, f(M[im] * beta1));
    const v = fmaf(f(value2 * g), g, f(V[iv] * beta2));
    const d = f(f(f(Math.sqrt(v)) / bc2) + eps);
    P[ip] = f(f(f(negStep * m) / d) + P[ip]);
    M[im] = m;
    V[iv] = v;
  }
  return true;
}

/**
 * Backend.sgdStep for dense float32 operands (false otherwise), rounded as this backend's
 * op sequence: neg exact, every add with alpha as fmaf (an alpha of 1 gives the rounded
 * sum), mul_ once.
 */
export function sgdStep(param: View, grad: View, buf: View, scalars: SgdScalars): boolean {
  let n = 1;
  for (const size of param.shape) n *= size;
  if (!denseFloat32(param, n) || !denseFloat32(grad, n) || !denseFloat32(buf, n)) return false;
  const [weightDecay, momentum, alpha, negLr, maximize, nesterov] = scalars;
  const P = param.buffer as Float32Array, G = grad.buffer as Float32Array, B = buf.buffer as Float32Array;
  for (let i = 0, ip = param.offset, ig = grad.offset, ib = buf.offset; i < n; i++, ip++, ig++, ib++) {
    let d = maximize ? -G[ig] : G[ig];
    if (weightDecay !== 0) d = fmaf(weightDecay, P[ip], d);
    const b = fmaf(alpha, d, f(B[ib] * momentum));
    B[ib] = b;
    P[ip] = fmaf(negLr, nesterov ? fmaf(momentum, b, d) : b, P[ip]);
  }
  return true;
}

/** int64 addcmul in BigInt, wrapping as int64 (PyTorch refuses addcdiv and lerp on integers). */
function addcmulInt64(op: TernaryOp, x: View, a: View, b: View, v: number, out: View): void {
  if (op !== 'addcmul') throw new Error(`no ${op} kernel for int64`);
  const value = floatToInt64(v);
  const O = out.buffer as BigInt64Array;
  const big = (buf: View['buffer'], i: number): bigint => { const e = buf[i]; return typeof e === 'bigint' ? e : BigInt(e); };
  forEachRow(out.shape, [out.strides, x.strides, a.strides, b.strides], [out.offset, x.offset, a.offset, b.offset], (off, n, s) => {
    for (let k = 0, o = off[0], ix = off[1], ia = off[2], ib = off[3]; k < n; k++, o += s[0], ix += s[1], ia += s[2], ib += s[3]) {
      O[o] = big(x.buffer, ix) + value * big(a.buffer, ia) * big(b.buffer, ib);
    }
  });
}
