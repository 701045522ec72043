// torch.special's own functions (those without a torch.* twin), after scipy.special:
// entr, erfcx, ndtr, ndtri, log_ndtr, i0e, i1, i1e, xlog1py, zeta, the Bessel and Airy
// functions and the classical orthogonal polynomials. Forward and backward together;
// PyTorch 1.13 defines no derivative for the Bessel/Airy functions and the polynomials
// (their results never require grad), nor for zeta's first argument.
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from './kernels.js';
import { binaryJs, map1, unaryJs } from './elementwise-js.js';
import { floatResult } from '../tensor/dtype.js';
import { where } from './binary.js';
import * as B from './special-bessel.js';
import * as M from './special-math.js';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

function entrScalar(x: number): number {
  if (x !== x) return x;
  if (x > 0) return -x * Math.log(x);
  return x === 0 ? 0 : -Infinity;
}

const scaled = (f: (v: number) => number) => (x: Tensor) => map1(x, floatResult(x.dtype), f);

export const entr = unaryJs('entr', 'SpecialEntrBackward0', entrScalar, (x) => x.log().add(1).neg());
export const erfcx = unaryJs('erfcx', 'SpecialErfcxBackward0', M.erfcx, (x, r) => x.mul(r).mul(2).sub(2 / Math.sqrt(Math.PI)));
export const ndtri = unaryJs('ndtri', 'SpecialNdtriBackward0', B.ndtri, (_x, r) => r.square().mul(0.5).exp().mul(SQRT_2PI));
export const logNdtr = unaryJs('log_ndtr', 'SpecialLogNdtrBackward0', B.logNdtr, (x, r) => r.add(x.square().div(2)).neg().exp().div(SQRT_2PI));
export const i0e = unaryJs('i0e', 'SpecialI0EBackward0', B.i0e, (x, r) => scaled(B.i1e)(x).sub(x.sgn().mul(r)));
export const i1 = unaryJs('i1', 'SpecialI1Backward0', M.i1, (x, r) => where(x.eq(0), 0.5, scaled(M.i0)(x).sub(r.div(x))));
export const i1e = unaryJs('i1e', 'SpecialI1EBackward0', B.i1e, (x, r) => where(x.eq(0), 0.5, scaled(B.i0e)(x).sub(r.mul(x.sgn().add(x.reciprocal())))));

/** ndtr(x) = (1 + erf(x / √2)) / 2, composed of tensor ops as PyTorch composes it (so its gradient is too). */
export function ndtr(x: Tensor): Tensor {
  const xf = x.to(floatResult(x.dtype));
  return xf.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
}

function xlog1pyScalar(x: number, y: number): number {
  if (y !== y) return y;
  return x === 0 ? 0 : x * Math.log1p(y);
}
export const xlog1py: (input: TensorLike, other: TensorLike) => Tensor = binaryJs('xlog1py', 'SpecialXlog1PyBackward0', xlog1pyScalar, (a, b) => [
  xlog1py(a.ne(0), b),
  a.div(b.add(1)),
]);

// zeta(x, q): Hurwitz's; PyTorch differentiates only with respect to q.
export const zeta: (input: TensorLike, other: TensorLike) => Tensor = binaryJs('zeta', 'SpecialZetaBackward', M.zeta, (x, q) => [
  null,
  zeta(x.add(1), q).mul(x.neg()),
]);

// --- No gradient in PyTorch 1.13: the results never require grad. ---

const noGrad1 = (name: string, f: (v: number) => number) => unaryJs(name, '', f, null);
export const airyAi = noGrad1('airy_ai', B.airyAi);
export const besselJ0 = noGrad1('bessel_j0', B.besselJ0);
export const besselJ1 = noGrad1('bessel_j1', B.besselJ1);
export const besselY0 = noGrad1('bessel_y0', B.besselY0);
export const besselY1 = noGrad1('bessel_y1', B.besselY1);
export const modifiedBesselI0 = noGrad1('modified_bessel_i0', M.i0);
export const modifiedBesselI1 = noGrad1('modified_bessel_i1', M.i1);
export const modifiedBesselK0 = noGrad1('modified_bessel_k0', B.besselK0);
export const modifiedBesselK1 = noGrad1('modified_bessel_k1', B.besselK1);
export const scaledModifiedBesselK0 = noGrad1('scaled_modified_bessel_k0', B.besselK0e);
export const scaledModifiedBesselK1 = noGrad1('scaled_modified_bessel_k1', B.besselK1e);
export const sphericalBesselJ0 = noGrad1('spherical_bessel_j0', B.sphericalJ0);

// Orthogonal polynomials p_n(x), n truncated to an integer (as ATen casts it); n < 0 gives 0.
// Three-term recurrences, with ATen's closed forms at x = ±1 and, for |x| < 1 and large n,
// the trigonometric forms of the Chebyshev kinds.
type Poly = (x: number, n: number) => number;

function recur(n: number, p0: number, p1: number, next: (k: number, p: number, q: number) => number): number {
  if (n === 0) return p0;
  let p = p0, q = p1;
  for (let k = 1; k < n; k++) {
    const r = next(k, p, q);
    p = q;
    q = r;
  }
  return q;
}

const chebyshevT: Poly = (x, n) => {
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? 1 : -1;
  if (n > 6 && Math.abs(x) < 1) return Math.cos(n * Math.acos(x));
  return recur(n, 1, x, (_k, p, q) => (x + x) * q - p);
};

const chebyshevU: Poly = (x, n) => {
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? n + 1 : -(n + 1);
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    return Math.sin(t) !== 0 ? Math.sin((n + 1) * t) / Math.sin(t) : (n + 1) * Math.cos((n + 1) * t) * x;
  }
  return recur(n, 1, x + x, (_k, p, q) => (x + x) * q - p);
};

const chebyshevV: Poly = (x, n) => {
  if (Math.abs(x) === 1) return x > 0 ? 1 : n % 2 === 0 ? n + n + 1 : -(n + n + 1);
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    if (Math.sin(t / 2) !== 1) return Math.cos((n + 0.5) * t) / Math.cos(t / 2);
    return n % 2 === 0 ? n + n + 1 : -(n + n + 1);
  }
  return recur(n, 1, x + x - 1, (_k, p, q) => (x + x) * q - p);
};

const chebyshevW: Poly = (x, n) => {
  if (Math.abs(x) === 1) return x > 0 ? n + n + 1 : n % 2 === 0 ? 1 : -1;
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    if (Math.cos(t / 2) !== 1) return Math.sin((n + 0.5) * t) / Math.sin(t / 2);
    return n + n + 1;
  }
  return recur(n, 1, x + x + 1, (_k, p, q) => (x + x) * q - p);
};

const hermiteH: Poly = (x, n) => recur(n, 1, x + x, (k, p, q) => (x + x) * q - 2 * k * p);
const hermiteHe: Poly = (x, n) => recur(n, 1, x, (k, p, q) => x * q - k * p);
const laguerreL: Poly = (x, n) => (x === 0 ? 1 : recur(n, 1, 1 - x, (k, p, q) => ((k + k + 1 - x) * q - k * p) / (k + 1)));
const legendreP: Poly = (x, n) => {
  if (Math.abs(x) === 1) return x > 0 || n === 0 || n % 2 === 0 ? 1 : -1;
  return recur(n, 1, x, (k, p, q) => ((k + k + 1) * x * q - k * p) / (k + 1));
};
const shifted = (f: Poly): Poly => (x, n) => f(x + x - 1, n);

function poly(name: string, f: Poly): (input: TensorLike, n: TensorLike) => Tensor {
  return binaryJs(name, '', (x, nf) => {
    if (x !== x || nf !== nf) return NaN;
    const n = Math.trunc(nf);
    return n < 0 ? 0 : f(x, n);
  }, null);
}

export const chebyshevPolynomialT = poly('chebyshev_polynomial_t', chebyshevT);
export const chebyshevPolynomialU = poly('chebyshev_polynomial_u', chebyshevU);
export const chebyshevPolynomialV = poly('chebyshev_polynomial_v', chebyshevV);
export const chebyshevPolynomialW = poly('chebyshev_polynomial_w', chebyshevW);
export const shiftedChebyshevPolynomialT = poly('shifted_chebyshev_polynomial_t', shifted(chebyshevT));
export const shiftedChebyshevPolynomialU = poly('shifted_chebyshev_polynomial_u', shifted(chebyshevU));
export const shiftedChebyshevPolynomialV = poly('shifted_chebyshev_polynomial_v', shifted(chebyshevV));
export const shiftedChebyshevPolynomialW = poly('shifted_chebyshev_polynomial_w', shifted(chebyshevW));
export const hermitePolynomialH = poly('hermite_polynomial_h', hermiteH);
export const hermitePolynomialHe = poly('hermite_polynomial_he', hermiteHe);
export const laguerrePolynomialL = poly('laguerre_polynomial_l', laguerreL);
export const legendrePolynomialP = poly('legendre_polynomial_p', legendreP);
