// Scalar twins of log256_ps and sincos256_ps (ATen/native/cpu/avx_mathfun.h, after
// Cephes), which PyTorch's AVX2 normal_() uses: float32 arithmetic step by step,
// with the multiply-adds GCC fuses into FMA instructions fused here too (GCC fuses, in
// program order, each product whose only use is an add).
const f = Math.fround;

// A double and its two 32-bit halves (little-endian: [0] is the low word).
const D64 = new Float64Array(1);
const D32 = new Uint32Array(D64.buffer);

/**
 * fmaf(a, b, c) for float32 a, b, c: a * b + c rounded once to float32, as the FMA
 * instruction computes it. a * b is exact in a double; p + c rounded to a double, then to
 * float32, is the single rounding except when that double lands exactly halfway between
 * two floats while the exact sum does not (a double rounding): then the exact sum lies on
 * the side of the TwoSum error, and the double is nudged one ulp that way before rounding.
 * (Subnormal float32 results are not corrected; nothing here produces them.)
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  D64[0] = s;
  // Unless the 29 bits a float32 drops are exactly 1000...0 (a float32 midpoint), s rounds right.
  if ((D32[0] & 0x1fffffff) !== 0x10000000) return f(s);
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  if (err === 0 || err !== err) return f(s);
  if (err > 0 === s > 0) D32[0] += 1;
  else D32[0] -= 1;
  return f(D64[0]);
}
const fma = fmaf;

const SQRTHF = f(0.707106781186547524);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = 1.1754943508222875e-38;

// One float32 seen as its bits (typed arrays are much faster than a DataView here).
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
function bits(x: number): number {
  F32[0] = x;
  return U32[0];
}
function fromBits(b: number): number {
  U32[0] = b >>> 0;
  return F32[0];
}
const HALF_BITS = bits(0.5);
const [P0, P1, P2, P3, P4, P5, P6, P7, P8] = [7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);

export function log256(x0: number): number {
  if (x0 <= 0) return NaN;
  let x = Math.max(x0, MIN_NORM_POS);
  const b = bits(x);
  const exponent = (b >>> 23) - 0x7f;
  x = fromBits((b & ~0x7f800000) | HALF_BITS);
  let e = f(exponent + 1);
  const small = x < SQRTHF;
  const tmp = small ? x : 0;
  x = f(x - 1);
  if (small) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = fma(P0, x, P1);
  y = fma(y, x, P2);
  y = fma(y, x, P3);
  y = fma(y, x, P4);
  y = fma(y, x, P5);
  y = fma(y, x, P6);
  y = fma(y, x, P7);
  y = fma(y, x, P8);
  y = f(y * x);
  // GCC fuses the first of two products feeding one add: y*z + f(e*q1).
  y = fma(y, z, f(e * LOG_Q1));
  y = fma(-z, 0.5, y);
  x = f(x + y);
  x = fma(e, LOG_Q2, x);
  return x;
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** sincos256's results: [sin, cos] of the last call (written here, not allocated per call: it runs per element). */
export const SINCOS = new Float64Array(2);

/** sin(x) and cos(x) as sincos256_ps computes them, into SINCOS. */
export function sincos256(x0: number): void {
  let signSin = x0 < 0 || Object.is(x0, -0);
  let x = Math.abs(x0);
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  if (j & 4) signSin = !signSin;
  const sinPolyFirst = (j & 2) === 0;
  const signCos = (~(j - 2) & 4) !== 0;
  x = fma(y, DP1, x);
  x = fma(y, DP2, x);
  x = fma(y, DP3, x);
  const z = f(x * x);
  let c = COS_P[0];
  c = fma(c, z, COS_P[1]);
  c = fma(c, z, COS_P[2]);
  c = f(c * z);
  // c*z - z*0.5 fused (z*0.5 is exact).
  c = fma(c, z, -z * 0.5);
  c = f(c + 1);
  let s = SIN_P[0];
  s = fma(s, z, SIN_P[1]);
  s = fma(s, z, SIN_P[2]);
  s = f(s * z);
  s = fma(s, x, x);
  let sin = sinPolyFirst ? s : c;
  let cos = sinPolyFirst ? c : s;
  if (signSin) sin = -sin;
  if (signCos) cos = -cos;
  SINCOS[0] = sin;
  SINCOS[1] = cos;
}
