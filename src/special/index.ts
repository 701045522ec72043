// torch.special: `torch.special.expit(x)`, `torch.special.logit(x, { eps: 1e-6 })`,
// `torch.special.xlog1py(x, y)`. Functions with a torch.* twin are that function (the
// same numbers and gradients); the others live in ops/special-scipy.ts. Every function
// takes PyTorch's parameters positionally or by name in a trailing options object.
// PyTorch's `out=` is not offered (torchlette has no out= arguments): passing it throws.
import * as O from '../ops/index.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import * as S from '../ops/special-scipy.js';
import { named } from '../ops/special-fns.js';

type Params = readonly (readonly [string, boolean])[];
const INPUT: Params = [['input', true]];
const PAIR: Params = [['input', true], ['other', true]];
const POLY: Params = [['input', true], ['n', true]];
const DIM_DTYPE: Params = [['input', true], ['dim', true], ['dtype', false]];

// Twins of torch.* functions.
export const digamma = named('digamma', INPUT, O.digamma);
export const psi = named('psi', INPUT, O.digamma);
export const erf = named('erf', INPUT, O.erf);
export const erfc = named('erfc', INPUT, O.erfc);
export const erfinv = named('erfinv', INPUT, O.erfinv);
export const exp2 = named('exp2', INPUT, O.exp2);
export const expit = named('expit', INPUT, O.sigmoid);
export const expm1 = named('expm1', INPUT, O.expm1);
export const gammaln = named('gammaln', INPUT, O.lgamma);
export const gammainc = named('gammainc', PAIR, O.igamma);
export const gammaincc = named('gammaincc', PAIR, O.igammac);
export const i0 = named('i0', INPUT, O.i0);
export const log1p = named('log1p', INPUT, O.log1p);
export const logit = named('logit', [['input', true], ['eps', false]], O.logit);
export const logsumexp = named('logsumexp', [['input', true], ['dim', true], ['keepdim', false]], O.logsumexp);
export const multigammaln = named('multigammaln', [['input', true], ['p', true]], O.mvlgamma);
export const polygamma = named('polygamma', [['n', true], ['input', true]], O.polygamma);
export const sinc = named('sinc', INPUT, O.sinc);
export const xlogy = named('xlogy', PAIR, O.xlogy);
export const softmax = named('softmax', DIM_DTYPE, (input: Tensor, dim: number, dtype?: DType) => O.softmax(input, dim, dtype === undefined ? {} : { dtype }));
export const logSoftmax = named('log_softmax', DIM_DTYPE, (input: Tensor, dim: number, dtype?: DType) => O.logSoftmax(input, dim, dtype === undefined ? {} : { dtype }));
export const round = named('round', [['input', true], ['decimals', false]], (input: Tensor, decimals?: number) => O.round(input, { decimals: decimals ?? 0 }));

// torch.special's own.
export const entr = named('entr', INPUT, S.entr);
export const erfcx = named('erfcx', INPUT, S.erfcx);
export const ndtr = named('ndtr', INPUT, S.ndtr);
export const ndtri = named('ndtri', INPUT, S.ndtri);
export const logNdtr = named('log_ndtr', INPUT, S.logNdtr);
export const i0e = named('i0e', INPUT, S.i0e);
export const i1 = named('i1', INPUT, S.i1);
export const i1e = named('i1e', INPUT, S.i1e);
export const xlog1py = named('xlog1py', PAIR, S.xlog1py);
export const zeta = named('zeta', PAIR, S.zeta);
export const airyAi = named('airy_ai', INPUT, S.airyAi);
export const besselJ0 = named('bessel_j0', INPUT, S.besselJ0);
export const besselJ1 = named('bessel_j1', INPUT, S.besselJ1);
export const besselY0 = named('bessel_y0', INPUT, S.besselY0);
export const besselY1 = named('bessel_y1', INPUT, S.besselY1);
export const modifiedBesselI0 = named('modified_bessel_i0', INPUT, S.modifiedBesselI0);
export const modifiedBesselI1 = named('modified_bessel_i1', INPUT, S.modifiedBesselI1);
export const modifiedBesselK0 = named('modified_bessel_k0', INPUT, S.modifiedBesselK0);
export const modifiedBesselK1 = named('modified_bessel_k1', INPUT, S.modifiedBesselK1);
export const scaledModifiedBesselK0 = named('scaled_modified_bessel_k0', INPUT, S.scaledModifiedBesselK0);
export const scaledModifiedBesselK1 = named('scaled_modified_bessel_k1', INPUT, S.scaledModifiedBesselK1);
export const sphericalBesselJ0 = named('spherical_bessel_j0', INPUT, S.sphericalBesselJ0);
export const chebyshevPolynomialT = named('chebyshev_polynomial_t', POLY, S.chebyshevPolynomialT);
export const chebyshevPolynomialU = named('chebyshev_polynomial_u', POLY, S.chebyshevPolynomialU);
export const chebyshevPolynomialV = named('chebyshev_polynomial_v', POLY, S.chebyshevPolynomialV);
export const chebyshevPolynomialW = named('chebyshev_polynomial_w', POLY, S.chebyshevPolynomialW);
export const shiftedChebyshevPolynomialT = named('shifted_chebyshev_polynomial_t', POLY, S.shiftedChebyshevPolynomialT);
export const shiftedChebyshevPolynomialU = named('shifted_chebyshev_polynomial_u', POLY, S.shiftedChebyshevPolynomialU);
export const shiftedChebyshevPolynomialV = named('shifted_chebyshev_polynomial_v', POLY, S.shiftedChebyshevPolynomialV);
export const shiftedChebyshevPolynomialW = named('shifted_chebyshev_polynomial_w', POLY, S.shiftedChebyshevPolynomialW);
export const hermitePolynomialH = named('hermite_polynomial_h', POLY, S.hermitePolynomialH);
export const hermitePolynomialHe = named('hermite_polynomial_he', POLY, S.hermitePolynomialHe);
export const laguerrePolynomialL = named('laguerre_polynomial_l', POLY, S.laguerrePolynomialL);
export const legendrePolynomialP = named('legendre_polynomial_p', POLY, S.legendrePolynomialP);
