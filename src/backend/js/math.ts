// Scalar functions JavaScript's Math lacks, accurate to double precision so that
// float64 gradchecks of the ops built on them hold.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)).
 * Every term is positive, so the series has no cancellation; past |x| = 6 erf is 1
 * to double precision.
 */
export function erf(x: number): number {
  if (x !== x || x === 0) return x; // NaN, and +-0 as they are (erf(-0) = -0, as C's and PyTorch's)
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

const AS241_A = [3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3];
const AS241_B = [1, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3, 2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3];
const AS241_C = [1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4];
const AS241_D = [1, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9];
const AS241_E = [6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const AS241_F = [1, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15];

/** p[7] r^7 + ... + p[0] (Horner, highest degree first). */
function poly7(p: readonly number[], r: number): number {
  return ((((((p[7] * r + p[6]) * r + p[5]) * r + p[4]) * r + p[3]) * r + p[2]) * r + p[1]) * r + p[0];
}

/**
 * erfinv for float32 results: Wichura's AS241 normal quantile (relative error ~1e-16, no
 * iteration), erfinv(y) = ndtri((1 + y) / 2) / sqrt(2), with q = y / 2 and the tail's
 * (1 - |y|) / 2 computed exactly. Rounded to float32 it equals erfinv's Newton result on every
 * float tested, at a fraction of the cost (trunc_normal_ init of large models). native/elementwise.cc
 * has the same function.
 */
export function erfinvFloat(y: number): number {
  if (y !== y || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  const q = 0.5 * y;
  let x: number;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    x = (q * poly7(AS241_A, r)) / poly7(AS241_B, r);
  } else {
    let r = Math.sqrt(-Math.log(0.5 * (1 - Math.abs(y))));
    if (r <= 5) {
      r -= 1.6;
      x = poly7(AS241_C, r) / poly7(AS241_D, r);
    } else {
      r -= 5;
      x = poly7(AS241_E, r) / poly7(AS241_F, r);
    }
    if (q < 0) x = -x;
  }
  return x * 0.7071067811865476;
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
