// Scalar functions behind torch.special's Bessel, Airy and normal-distribution entries
// (double precision). PyTorch evaluates them with Cephes' rational approximations; these
// are other methods for the same functions, accurate to ~1e-15 relative (Bessel J/Y
// near their zeros and Airy near -8: ~1e-13 to 1e-10 absolute), so results agree with
// PyTorch's to a few ulps, not bit for bit.
//   - J0, J1, Y0, Y1: power series for x < 2; Miller's backward recurrence normalised by
//     J0 + 2(J2 + J4 + …) = 1, with Neumann series for Y, up to x = 25; Hankel's
//     asymptotic expansion beyond (its error there is below e^-50).
//   - K0, K1 (and K_1/3 for Airy): K_ν(x) = ∫_0^∞ e^(-x cosh t) cosh(νt) dt by the
//     trapezoidal rule, which converges exponentially for this analytic, even,
//     double-exponentially decaying integrand; the step is chosen from x.
//   - I0e, I1e: e^-|x| times the power series up to 30, the asymptotic expansion beyond.
import { erfc, erfcx } from './special-math.js';

const EULER_GAMMA = 0.5772156649015329;
const TWO_OVER_PI = 2 / Math.PI;

/** Hankel's coefficients a_k(ν) = Π_{j=1..k} (4ν² - (2j-1)²) / (k! 8^k), as a series in 1/x (signs per use). */
function hankelTerms(nu: number, x: number, alternate: boolean): number[] {
  const mu = 4 * nu * nu;
  const terms = [1];
  let a = 1;
  for (let k = 1; k < 60; k++) {
    const next = (a * (mu - (2 * k - 1) ** 2)) / (k * 8 * x);
    if (Math.abs(next) >= Math.abs(a) || next === 0) break; // the asymptotic series' smallest term
    a = next;
    terms.push(alternate && k % 2 ? -a : a);
    if (Math.abs(a) < 1e-17) break;
  }
  return terms;
}

/** J_ν and Y_ν (ν = 0, 1) for x > 25 by Hankel's expansion. */
function hankelJY(nu: 0 | 1, x: number): [number, number] {
  const mu = 4 * nu * nu;
  let p = 0, q = 0, a = 1;
  for (let k = 0; k < 60; k++) {
    if (k > 0) a *= (mu - (2 * k - 1) ** 2) / (k * 8 * x);
    const term = k % 4 < 2 ? a : -a; // P = a0 - a2 + a4 …, Q = a1 - a3 + …
    if (k % 2 === 0) p += term;
    else q += term;
    if (Math.abs(a) < 1e-17) break;
  }
  // χ = x - (ν/2 + 1/4)π, from cos x and sin x (no rounding of x - χ0).
  const c = Math.cos(x), s = Math.sin(x);
  const cosChi = nu === 0 ? (c + s) * Math.SQRT1_2 : (s - c) * Math.SQRT1_2;
  const sinChi = nu === 0 ? (s - c) * Math.SQRT1_2 : -(s + c) * Math.SQRT1_2;
  const f = Math.sqrt(TWO_OVER_PI / x);
  return [f * (p * cosChi - q * sinChi), f * (p * sinChi + q * cosChi)];
}

/** J_n and Y_n (n = 0, 1) for 0 < x < 2 by their power series (A&S 9.1.10, 9.1.11). */
function seriesJY(n: 0 | 1, x: number): [number, number] {
  const q = (x * x) / 4;
  const half = n === 0 ? 1 : x / 2;
  let term = 1; // (−q)^k / (k! (n+k)!)
  let j = 0, ySum = 0;
  let psiK = -EULER_GAMMA, psiNK = n === 0 ? -EULER_GAMMA : 1 - EULER_GAMMA; // ψ(k+1), ψ(n+k+1)
  for (let k = 0; k < 60; k++) {
    if (k > 0) {
      term *= -q / (k * (n + k));
      psiK += 1 / k;
      psiNK += 1 / (n + k);
    }
    j += term;
    ySum += (psiK + psiNK) * term;
    if (Math.abs(term) < 1e-18) break;
  }
  j *= half;
  const y = TWO_OVER_PI * Math.log(x / 2) * j - (half * ySum) / Math.PI - (n === 1 ? TWO_OVER_PI / x : 0);
  return [j, y];
}

/** J0, J1, Y0, Y1 for 2 ≤ x ≤ 25 by Miller's recurrence and Neumann's series. */
function millerJY(x: number): [number, number, number, number] {
  const top = 2 * Math.ceil((x + 40) / 2);
  const j = new Float64Array(top + 2);
  j[top] = 1e-30;
  for (let k = top; k >= 1; k--) {
    j[k - 1] = ((2 * k) / x) * j[k] - j[k + 1];
    if (Math.abs(j[k - 1]) > 1e250) for (let i = k - 1; i <= top; i++) j[i] *= 1e-250;
  }
  let norm = j[0];
  for (let k = 2; k <= top; k += 2) norm += 2 * j[k];
  for (let k = 0; k <= top; k++) j[k] /= norm;
  const log = Math.log(x / 2) + EULER_GAMMA;
  let s0 = 0, s1 = 0;
  for (let k = 1; 2 * k + 1 <= top; k++) {
    const sign = k % 2 ? -1 : 1;
    s0 += (sign * j[2 * k]) / k;
    s1 += (sign * (j[2 * k - 1] - j[2 * k + 1])) / k;
  }
  const y0 = TWO_OVER_PI * log * j[0] - 2 * TWO_OVER_PI * s0;
  const y1 = -TWO_OVER_PI * (j[0] / x) + TWO_OVER_PI * log * j[1] + TWO_OVER_PI * s1;
  return [j[0], j[1], y0, y1];
}

function jy(n: 0 | 1, x: number): [number, number] {
  if (x < 2) return seriesJY(n, x);
  if (x <= 25) {
    const [j0, j1, y0, y1] = millerJY(x);
    return n === 0 ? [j0, y0] : [j1, y1];
  }
  return hankelJY(n, x);
}

export function besselJ0(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  return a === Infinity ? 0 : a === 0 ? 1 : jy(0, a)[0];
}

export function besselJ1(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a === Infinity || a === 0) return 0 * x;
  const v = jy(1, a)[0];
  return x < 0 ? -v : v;
}

function besselY(n: 0 | 1, x: number): number {
  if (x !== x) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  return jy(n, x)[1];
}
export const besselY0 = (x: number) => besselY(0, x);
export const besselY1 = (x: number) => besselY(1, x);

/** e^x K_ν(x) for x > 0 by the trapezoidal rule (see the top of the file). */
function scaledK(nu: number, x: number): number {
  // Strip half-width d where the integrand stays bounded, then the step for ~e^-39 error.
  const d = Math.min(1.41, Math.sqrt(2 / x));
  const h = (2 * Math.PI * d) / (39 + x * (1 - Math.cos(d)));
  let sum = 0.5; // t = 0: e^0 cosh 0, halved
  for (let k = 1; k < 100000; k++) {
    const t = k * h;
    const e = x * (Math.cosh(t) - 1);
    const f = Math.exp(-e) * (nu === 0 ? 1 : Math.cosh(nu * t));
    sum += f;
    if (e > 40 + nu * t && f < sum * 1e-18) break;
  }
  return sum * h;
}

function besselK(nu: number, x: number, scaled: boolean): number {
  if (x !== x) return x;
  if (x < 0) return NaN;
  if (x === 0) return Infinity;
  if (x === Infinity) return 0;
  const s = scaledK(nu, x);
  return scaled ? s : Math.exp(-x) * s;
}
export const besselK0 = (x: number) => besselK(0, x, false);
export const besselK1 = (x: number) => besselK(1, x, false);
export const besselK0e = (x: number) => besselK(0, x, true);
export const besselK1e = (x: number) => besselK(1, x, true);

/** e^-|x| I_n(|x|) (n = 0, 1), without overflow. */
function scaledI(n: 0 | 1, a: number): number {
  if (a === Infinity) return 0;
  if (a > 30) {
    let sum = 0;
    for (const t of hankelTerms(n, a, true)) sum += t;
    return sum / Math.sqrt(2 * Math.PI * a);
  }
  const q = (a * a) / 4;
  let term = n === 0 ? 1 : a / 2;
  let sum = term;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * (k + n));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.exp(-a) * sum;
}

export function i0e(x: number): number {
  return x !== x ? x : scaledI(0, Math.abs(x));
}

export function i1e(x: number): number {
  if (x !== x) return x;
  const v = scaledI(1, Math.abs(x));
  return x < 0 ? -v : v;
}

/** Ai(x): Maclaurin series near 0, K_1/3 for x > 1, the oscillatory asymptotic expansion below -8. */
export function airyAi(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 0;
  if (x > 1) {
    const zeta = (2 / 3) * x * Math.sqrt(x);
    if (zeta > 750) return 0;
    return (Math.sqrt(x / 3) / Math.PI) * Math.exp(-zeta) * scaledK(1 / 3, zeta);
  }
  if (x < -8) {
    const a = -x, zeta = (2 / 3) * a * Math.sqrt(a);
    // u_k = Γ(3k + 1/2) / (54^k k! Γ(k + 1/2)), by u_k = u_{k-1} (6k-5)(6k-3)(6k-1) / (216 k (2k-1)).
    let p = 0, q = 0, u = 1;
    for (let k = 0; k < 40; k++) {
      if (k > 0) u *= ((6 * k - 5) * (6 * k - 3) * (6 * k - 1)) / (216 * k * (2 * k - 1) * zeta);
      const term = k % 4 < 2 ? u : -u; // Σ(-1)^m u_2m ζ^-2m and Σ(-1)^m u_2m+1 ζ^-(2m+1)
      if (k % 2 === 0) p += term;
      else q += term;
      if (u < 1e-17) break;
    }
    const phase = zeta + Math.PI / 4;
    return (Math.sin(phase) * p - Math.cos(phase) * q) / (Math.sqrt(Math.PI) * Math.sqrt(Math.sqrt(a)));
  }
  // Ai(x) = c1 f(x) - c2 g(x), f = Σ 3^k (1/3)_k x^3k / (3k)!, g = Σ 3^k (2/3)_k x^(3k+1) / (3k+1)!.
  const c1 = 0.3550280538878172, c2 = 0.2588194037928068;
  const x3 = x * x * x;
  let f = 1, g = x, tf = 1, tg = x;
  for (let k = 1; k < 200; k++) {
    tf *= x3 / ((3 * k - 1) * (3 * k));
    tg *= x3 / ((3 * k) * (3 * k + 1));
    f += tf;
    g += tg;
    if (Math.abs(tf) < 1e-18 * Math.abs(f) && Math.abs(tg) < 1e-18 * Math.abs(g)) break;
  }
  return c1 * f - c2 * g;
}

/** sin(x)/x, 1 at 0. */
export function sphericalJ0(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return 0;
  if (Math.abs(x) < 1e-4) return 1 - (x * x) / 6;
  return Math.sin(x) / x;
}

/** log Φ(x), the log of the standard normal CDF, accurate in both tails. */
export function logNdtr(x: number): number {
  if (x !== x) return x;
  const t = x * Math.SQRT1_2;
  if (x < -1) return Math.log(erfcx(-t) / 2) - t * t;
  return Math.log1p(-erfc(t) / 2);
}

/** Φ⁻¹(p): an initial guess refined by Newton steps on log Φ (accurate to the last bits in both tails). */
export function ndtri(p: number): number {
  if (p !== p || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -ndtriLower(1 - p); // 1 - p is exact here
  return ndtriLower(p);
}

function ndtriLower(q: number): number {
  // A guess from the tail expansion Φ(x) ≈ φ(x)/|x|, or from the linearisation near 1/2.
  const l = -2 * Math.log(q);
  let x = q < 0.05 ? -Math.sqrt(l - Math.log(l) - Math.log(2 * Math.PI)) : (q - 0.5) * Math.sqrt(2 * Math.PI);
  const target = Math.log(q);
  for (let i = 0; i < 50; i++) {
    const lx = logNdtr(x);
    const step = (lx - target) / Math.exp(-x * x / 2 - lx - 0.5 * Math.log(2 * Math.PI));
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(x)) break;
  }
  return x;
}
