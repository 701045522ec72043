// Scalar special functions (double precision) behind torch.lgamma, digamma, polygamma,
// i0, erfc, igamma … PyTorch computes them with Cephes-style code on the CPU too; these
// follow the same mathematics, accurate to a few ulps in float64.
import { erf } from '../backend/js/math.js';

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.9189385332046728;

/** log|Γ(x)|: Lanczos for x ≥ 0.5, the reflection formula below; +inf at the poles (0, -1, -2 …). */
export function lgamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  if (x === 1 || x === 2) return 0;
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// PyTorch's calc_digamma / calc_trigamma (ATen/native/Math.h), step for step, so that
// values agree to the last bits: recurrence up to x ≥ 10 (digamma) or x + 6 (trigamma),
// then a short asymptotic series.
const PSI_10 = 2.25175258906672110764;
const DIGAMMA_A = [
  8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3, -4.16666666666666666667e-3,
  3.96825396825396825397e-3, -8.33333333333333333333e-3, 8.33333333333333333333e-2,
];

/** ψ(x) = Γ'(x)/Γ(x); -inf at +0, NaN at negative integers (PyTorch's values). */
export function digamma(x: number): number {
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x !== x) return x;
  if (x < 0) {
    if (x === Math.trunc(x)) return NaN;
    const r = x - Math.trunc(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x === 10) return result + PSI_10;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    let p = 0;
    for (const a of DIGAMMA_A) p = p * z + a;
    y = z * p;
  }
  return result + Math.log(x) - 0.5 / x - y;
}

/** ψ'(x), as PyTorch's calc_trigamma. */
export function trigamma(x: number): number {
  let sign = 1;
  let result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = Math.sin(Math.PI * x);
    result -= (Math.PI * Math.PI) / (s * s);
    x = 1 - x;
  }
  for (let i = 0; i < 6; i++) {
    result += 1 / (x * x);
    x += 1;
  }
  const ixx = 1 / (x * x);
  result += (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x;
  return sign * result;
}

// (2k)! / B_2k, Cephes' zeta.c table for the Euler–Maclaurin tail.
const ZETA_A = [
  12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10, -2.950130727918164224e12,
  1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18,
];

/** Hurwitz ζ(s, q) = Σ_k (q + k)^-s for s > 1 (Euler–Maclaurin, as Cephes). */
export function zeta(s: number, q: number): number {
  if (s === 1) return Infinity;
  if (s < 1 || q !== q) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (s !== Math.floor(s)) return NaN;
  }
  let sum = Math.pow(q, -s);
  let a = q;
  let b = 0;
  let i = 0;
  while (i < 9 || a <= 9) {
    i++;
    a += 1;
    b = Math.pow(a, -s);
    sum += b;
    if (Math.abs(b / sum) < 1.1102230246251565e-16) return sum;
  }
  const w = a;
  sum += (b * w) / (s - 1);
  sum -= 0.5 * b;
  let fac = 1;
  let k = 0;
  for (let j = 0; j < 12; j++) {
    fac *= s + k;
    b /= w;
    const t = (fac * b) / ZETA_A[j];
    sum += t;
    if (Math.abs(t / sum) < 1.1102230246251565e-16) break;
    k += 1;
    fac *= s + k;
    b /= w;
    k += 1;
  }
  return sum;
}

/** ψ⁽ⁿ⁾(x): digamma, trigamma, else (-1)^(n+1) n! ζ(n+1, x) (n! as exp(lgamma(n+1)), as PyTorch). */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (n === 1) return trigamma(x);
  return (n % 2 === 1 ? 1 : -1) * Math.exp(lgamma(n + 1)) * zeta(n + 1, x);
}

/** Modified Bessel functions I0 and I1: their power series have positive terms (no cancellation). */
export function i0(x: number): number {
  if (x !== x) return x;
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 2000; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export function i1(x: number): number {
  if (x !== x) return x;
  const q = (x * x) / 4;
  let term = x / 2;
  let sum = term;
  for (let k = 1; k < 2000; k++) {
    term *= q / (k * (k + 1));
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
  }
  return sum;
}

/** erfc = 1 - erf, by a continued fraction for x ≥ 2 where 1 - erf(x) would lose its digits. */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (x < 2) return x < -6 ? 2 : 1 - erf(x);
  if (x > 27) return 0;
  return Math.exp(-x * x) * erfcxFraction(x);
}

/** erfcx(x) = e^(x²) erfc(x), the scaled complementary error function (torch.special.erfcx). */
export function erfcx(x: number): number {
  if (x !== x) return x;
  if (x < 2) return x < -26.7 ? Infinity : Math.exp(x * x) * (x < -6 ? 2 : 1 - erf(x));
  if (x > 1e8) return 1 / (x * Math.sqrt(Math.PI)); // the fraction's first term; x² would overflow below
  return erfcxFraction(x);
}

/** e^(x²) erfc(x) for x ≥ 2 by Lentz's method on 1/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcxFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (Math.sqrt(Math.PI) * f);
}

/** Regularized lower incomplete gamma P(a, x) (series) and upper Q(a, x) (continued fraction), as Numerical Recipes. */
export function igamma(a: number, x: number): number {
  if (a !== a || x !== x || x < 0 || a < 0) return NaN;
  if (a === 0) return x > 0 ? 1 : NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaFraction(a, x);
}

export function igammac(a: number, x: number): number {
  if (a !== a || x !== x || x < 0 || a < 0) return NaN;
  if (a === 0) return x > 0 ? 0 : NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * 1e-17) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

function gammaFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** The next representable value after x toward y, in float64 or float32. */
export function nextafter(x: number, y: number, float32: boolean): number {
  if (x !== x || y !== y) return NaN;
  if (x === y) return y;
  if (float32) {
    const f = new Float32Array([x]);
    const bits = new Int32Array(f.buffer);
    if (x === 0) bits[0] = y > 0 ? 1 : 0x80000001;
    else bits[0] += (x < y) === (x > 0) ? 1 : -1;
    return f[0];
  }
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  if (x === 0) bits[0] = y > 0 ? 1n : -0x7fffffffffffffffn;
  else bits[0] += (x < y) === (x > 0) ? 1n : -1n;
  return f[0];
}

/** frexp: x = mantissa · 2^exponent with |mantissa| in [0.5, 1) (0, inf and NaN give exponent 0). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * Math.pow(2, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e -= 1;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e += 1;
  }
  return [m, e];
}

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  const g = gcd(a, b);
  return g === 0 ? 0 : Math.abs((a / g) * b);
}
