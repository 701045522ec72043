// Scalar functions JavaScript's Math lacks, accurate to double precision so that
// float64 gradchecks of the ops built on them hold.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)).
 * Every term is positive, so the series has no cancellation; past |x| = 6 erf is 1
 * to double precision.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 400; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

/** Inverse of erf on (-1, 1): Newton steps kept inside a shrinking bracket. */
export function erfinv(y: number): number {
  if (y !== y || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  const ay = Math.abs(y);
  let lo = 0;
  let hi = 6;
  let x = ay < 0.7 ? (ay * Math.sqrt(Math.PI)) / 2 : Math.sqrt(-Math.log((1 - ay) * (1 + ay)));
  for (let i = 0; i < 200; i++) {
    const err = erf(x) - ay;
    if (err === 0) break;
    if (err < 0) lo = x;
    else hi = x;
    let next = x - err / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= x * 1e-16) {
      x = next;
      break;
    }
    x = next;
  }
  return y < 0 ? -x : x;
}

/** Round half to even, as C's nearbyint in the default rounding mode (torch.round). */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python-style modulus (sign of the divisor), as torch.remainder. */
export function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && b < 0 !== m < 0 ? m + b : m;
}

/** torch.div(rounding_mode='floor'): floor of the true quotient. */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  let d = (a - m) / b;
  if (m !== 0 && b < 0 !== m < 0) d -= 1;
  const f = Math.floor(d);
  return d - f > 0.5 ? f + 1 : f;
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/** a * b + c with one rounding (error-free product and sum, then compensation). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || p === 0 || c === 0) return p + c;
  // Exact error of the product (Dekker's TwoProduct).
  const ta = SPLIT * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLIT * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  const pe = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
  // Exact error of the sum (Knuth's TwoSum).
  const s = p + c;
  const bv = s - p;
  const se = (p - (s - bv)) + (c - bv);
  return s + (pe + se);
}
