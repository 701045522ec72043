// torch.linalg: `torch.linalg.det(A)`, `torch.linalg.qr(A, 'complete')`,
// `torch.linalg.solve(A, B, { left: false })`. PyTorch's positional parameters in its
// order plus a trailing options object, parsed by the shared signature helper.
import {
  bool, check, dtype, either, int, intOrList, nullable, number, oneOf, signature, string, tensor, type ArgsOf, type Check,
} from '../tensor/args.js';
import type { Tensor } from '../tensor/tensor.js';
import { matmul as opsMatmul } from '../ops/matmul.js';
import * as Dc from './decompositions.js';
import * as M from './misc.js';
import * as N from './norms.js';
import * as S from './solve.js';
import type { Named } from './util.js';

export { LinAlgError, type Named } from './util.js';
import './torch.js';

const ord: Check<N.Ord> = check("a number, 'fro' or 'nuc'", (v) => typeof v === 'number' || v === 'fro' || v === 'nuc');
const tol = nullable(either(number, tensor));
const tensorList: Check<readonly Tensor[]> = check('a list of Tensors', (v) => Array.isArray(v) && v.every((t) => tensor.test(t)));
const twoInts: Check<readonly number[]> = check('a list of 2 ints', (v) => Array.isArray(v) && v.length === 2 && v.every((e) => Number.isInteger(e)));

const normSig = signature('linalg.norm', [['A', tensor], ['ord', nullable(ord), null], ['dim', nullable(intOrList), null], ['keepdim', bool, false], '*', ['dtype', nullable(dtype), null]] as const);
/** linalg.norm(A, ord=null, dim=null, keepdim=false, { dtype }). */
export function norm(...args: ArgsOf<typeof normSig>): Tensor {
  const a = normSig.parse(args);
  return N.norm(a.A, a.ord, a.dim, a.keepdim, { dtype: a.dtype });
}

const vectorNormSig = signature('linalg.vector_norm', [['x', tensor], ['ord', number, 2], ['dim', nullable(intOrList), null], ['keepdim', bool, false], '*', ['dtype', nullable(dtype), null]] as const);
/** linalg.vectorNorm(x, ord=2, dim=null, keepdim=false, { dtype }). */
export function vectorNorm(...args: ArgsOf<typeof vectorNormSig>): Tensor {
  const a = vectorNormSig.parse(args);
  return N.vectorNorm(a.x, a.ord, a.dim, a.keepdim, { dtype: a.dtype });
}

const matrixNormSig = signature('linalg.matrix_norm', [['A', tensor], ['ord', ord, 'fro'], ['dim', twoInts, [-2, -1]], ['keepdim', bool, false], '*', ['dtype', nullable(dtype), null]] as const);
/** linalg.matrixNorm(A, ord='fro', dim=[-2, -1], keepdim=false, { dtype }). */
export function matrixNorm(...args: ArgsOf<typeof matrixNormSig>): Tensor {
  const a = matrixNormSig.parse(args);
  return N.matrixNorm(a.A, a.ord, a.dim, a.keepdim, { dtype: a.dtype });
}

const condSig = signature('linalg.cond', [['A', tensor], ['p', nullable(ord), null]] as const);
export function cond(...args: ArgsOf<typeof condSig>): Tensor {
  const a = condSig.parse(args);
  return N.cond(a.A, a.p);
}

const aSig = (name: string) => signature(name, [['A', tensor]] as const);
const detSig = aSig('linalg.det');
export function det(...args: ArgsOf<typeof detSig>): Tensor {
  return Dc.det(detSig.parse(args).A);
}
const slogdetSig = aSig('linalg.slogdet');
export function slogdet(...args: ArgsOf<typeof slogdetSig>): Named<{ sign: Tensor; logabsdet: Tensor }> {
  return Dc.slogdet(slogdetSig.parse(args).A);
}
const invSig = aSig('linalg.inv');
export function inv(...args: ArgsOf<typeof invSig>): Tensor {
  return Dc.inv(invSig.parse(args).A);
}
const invExSig = signature('linalg.inv_ex', [['A', tensor], '*', ['checkErrors', bool, false]] as const);
export function invEx(...args: ArgsOf<typeof invExSig>): Named<{ inverse: Tensor; info: Tensor }> {
  const a = invExSig.parse(args);
  return Dc.invEx(a.A, { checkErrors: a.checkErrors });
}
const matrixExpSig = aSig('linalg.matrix_exp');
export function matrixExp(...args: ArgsOf<typeof matrixExpSig>): Tensor {
  return Dc.matrixExp(matrixExpSig.parse(args).A);
}

const solveSig = signature('linalg.solve', [['A', tensor], ['B', tensor], '*', ['left', bool, true]] as const);
export function solve(...args: ArgsOf<typeof solveSig>): Tensor {
  const a = solveSig.parse(args);
  return S.solve(a.A, a.B, { left: a.left });
}
const solveExSig = signature('linalg.solve_ex', [['A', tensor], ['B', tensor], '*', ['left', bool, true], ['checkErrors', bool, false]] as const);
export function solveEx(...args: ArgsOf<typeof solveExSig>): Named<{ result: Tensor; info: Tensor }> {
  const a = solveExSig.parse(args);
  return S.solveEx(a.A, a.B, { left: a.left, checkErrors: a.checkErrors });
}
const solveTriangularSig = signature('linalg.solve_triangular', [['A', tensor], ['B', tensor], '*', ['upper', bool], ['left', bool, true], ['unitriangular', bool, false]] as const);
export function solveTriangular(...args: ArgsOf<typeof solveTriangularSig>): Tensor {
  const a = solveTriangularSig.parse(args);
  return S.solveTriangular(a.A, a.B, { upper: a.upper, left: a.left, unitriangular: a.unitriangular });
}

const choleskySig = signature('linalg.cholesky', [['A', tensor], '*', ['upper', bool, false]] as const);
export function cholesky(...args: ArgsOf<typeof choleskySig>): Tensor {
  const a = choleskySig.parse(args);
  return Dc.cholesky(a.A, { upper: a.upper });
}
const choleskyExSig = signature('linalg.cholesky_ex', [['A', tensor], '*', ['upper', bool, false], ['checkErrors', bool, false]] as const);
export function choleskyEx(...args: ArgsOf<typeof choleskyExSig>): Named<{ L: Tensor; info: Tensor }> {
  const a = choleskyExSig.parse(args);
  return Dc.choleskyEx(a.A, { upper: a.upper, checkErrors: a.checkErrors });
}

const qrSig = signature('linalg.qr', [['A', tensor], ['mode', string, 'reduced']] as const);
export function qr(...args: ArgsOf<typeof qrSig>): Named<{ Q: Tensor; R: Tensor }> {
  const a = qrSig.parse(args);
  return Dc.qr(a.A, a.mode as Dc.QrMode);
}

const driver = nullable(string);
const svdSig = signature('linalg.svd', [['A', tensor], ['fullMatrices', bool, true], '*', ['driver', driver, null]] as const);
/** linalg.svd(A, fullMatrices=true): { U, S, Vh }; the signs of singular vectors are implementation-defined. */
export function svd(...args: ArgsOf<typeof svdSig>): Named<{ U: Tensor; S: Tensor; Vh: Tensor }> {
  const a = svdSig.parse(args);
  return Dc.svd(a.A, a.fullMatrices);
}
const svdvalsSig = signature('linalg.svdvals', [['A', tensor], '*', ['driver', driver, null]] as const);
export function svdvals(...args: ArgsOf<typeof svdvalsSig>): Tensor {
  return Dc.svdvals(svdvalsSig.parse(args).A);
}

const uplo = oneOf('L', 'U');
const eighSig = signature('linalg.eigh', [['A', tensor], ['UPLO', uplo, 'L']] as const);
export function eigh(...args: ArgsOf<typeof eighSig>): Named<{ eigenvalues: Tensor; eigenvectors: Tensor }> {
  const a = eighSig.parse(args);
  return Dc.eigh(a.A, a.UPLO);
}
const eigvalshSig = signature('linalg.eigvalsh', [['A', tensor], ['UPLO', uplo, 'L']] as const);
export function eigvalsh(...args: ArgsOf<typeof eigvalshSig>): Tensor {
  const a = eigvalshSig.parse(args);
  return Dc.eigvalsh(a.A, a.UPLO);
}

const lstsqSig = signature('linalg.lstsq', [['A', tensor], ['B', tensor], ['rcond', nullable(number), null], '*', ['driver', nullable(oneOf('gels', 'gelsy', 'gelsd', 'gelss')), null]] as const);
/** linalg.lstsq(A, B, rcond=null, { driver }): { solution, residuals, rank, singularValues }. */
export function lstsq(...args: ArgsOf<typeof lstsqSig>): Named<{ solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor }> {
  const a = lstsqSig.parse(args);
  return M.lstsq(a.A, a.B, a.rcond, { driver: a.driver });
}

const pinvSig = signature('linalg.pinv', [['A', tensor], '*', ['atol', tol, null], ['rtol', tol, null], ['hermitian', bool, false]] as const);
export function pinv(...args: ArgsOf<typeof pinvSig>): Tensor {
  const a = pinvSig.parse(args);
  return M.pinv(a.A, { atol: a.atol, rtol: a.rtol, hermitian: a.hermitian });
}
const matrixRankSig = signature('linalg.matrix_rank', [['A', tensor], '*', ['atol', tol, null], ['rtol', tol, null], ['hermitian', bool, false]] as const);
export function matrixRank(...args: ArgsOf<typeof matrixRankSig>): Tensor {
  const a = matrixRankSig.parse(args);
  return M.matrixRank(a.A, { atol: a.atol, rtol: a.rtol, hermitian: a.hermitian });
}

const matrixPowerSig = signature('linalg.matrix_power', [['A', tensor], ['n', int]] as const);
export function matrixPower(...args: ArgsOf<typeof matrixPowerSig>): Tensor {
  const a = matrixPowerSig.parse(args);
  return M.matrixPower(a.A, a.n);
}
const multiDotSig = signature('linalg.multi_dot', [['tensors', tensorList]] as const);
export function multiDot(...args: ArgsOf<typeof multiDotSig>): Tensor {
  return M.multiDot(multiDotSig.parse(args).tensors);
}
const crossSig = signature('linalg.cross', [['input', tensor], ['other', tensor], '*', ['dim', int, -1]] as const);
export function cross(...args: ArgsOf<typeof crossSig>): Tensor {
  const a = crossSig.parse(args);
  return M.cross(a.input, a.other, { dim: a.dim });
}
const vecdotSig = signature('linalg.vecdot', [['x', tensor], ['y', tensor], '*', ['dim', int, -1]] as const);
export function vecdot(...args: ArgsOf<typeof vecdotSig>): Tensor {
  const a = vecdotSig.parse(args);
  return M.vecdot(a.x, a.y, { dim: a.dim });
}
const diagonalSig = signature('linalg.diagonal', [['A', tensor], '*', ['offset', int, 0], ['dim1', int, -2], ['dim2', int, -1]] as const);
export function diagonal(...args: ArgsOf<typeof diagonalSig>): Tensor {
  const a = diagonalSig.parse(args);
  return M.diagonal(a.A, { offset: a.offset, dim1: a.dim1, dim2: a.dim2 });
}
const matmulSig = signature('linalg.matmul', [['input', tensor], ['other', tensor]] as const);
export function matmul(...args: ArgsOf<typeof matmulSig>): Tensor {
  const a = matmulSig.parse(args);
  return opsMatmul(a.input, a.other);
}
const tensorinvSig = signature('linalg.tensorinv', [['A', tensor], ['ind', int, 2]] as const);
export function tensorinv(...args: ArgsOf<typeof tensorinvSig>): Tensor {
  const a = tensorinvSig.parse(args);
  return M.tensorinv(a.A, a.ind);
}
const tensorsolveSig = signature('linalg.tensorsolve', [['A', tensor], ['B', tensor], ['dims', nullable(intOrList), null]] as const);
export function tensorsolve(...args: ArgsOf<typeof tensorsolveSig>): Tensor {
  const a = tensorsolveSig.parse(args);
  const dims = a.dims === null ? null : typeof a.dims === 'number' ? [a.dims] : a.dims;
  return M.tensorsolve(a.A, a.B, dims);
}
const vanderSig = signature('linalg.vander', [['x', tensor], '*', ['N', nullable(int), null]] as const);
export function vander(...args: ArgsOf<typeof vanderSig>): Tensor {
  const a = vanderSig.parse(args);
  return M.vander(a.x, a.N);
}

const luFactorSig = signature('linalg.lu_factor', [['A', tensor], '*', ['pivot', bool, true]] as const);
export function luFactor(...args: ArgsOf<typeof luFactorSig>): Named<{ LU: Tensor; pivots: Tensor }> {
  const a = luFactorSig.parse(args);
  return S.luFactor(a.A, { pivot: a.pivot });
}
const luFactorExSig = signature('linalg.lu_factor_ex', [['A', tensor], '*', ['pivot', bool, true], ['checkErrors', bool, false]] as const);
export function luFactorEx(...args: ArgsOf<typeof luFactorExSig>): Named<{ LU: Tensor; pivots: Tensor; info: Tensor }> {
  const a = luFactorExSig.parse(args);
  return S.luFactorEx(a.A, { pivot: a.pivot, checkErrors: a.checkErrors });
}
const luSig = signature('linalg.lu', [['A', tensor], '*', ['pivot', bool, true]] as const);
export function lu(...args: ArgsOf<typeof luSig>): Named<{ P: Tensor; L: Tensor; U: Tensor }> {
  const a = luSig.parse(args);
  return S.lu(a.A, { pivot: a.pivot });
}
const luSolveSig = signature('linalg.lu_solve', [['LU', tensor], ['pivots', tensor], ['B', tensor], '*', ['left', bool, true], ['adjoint', bool, false]] as const);
export function luSolve(...args: ArgsOf<typeof luSolveSig>): Tensor {
  const a = luSolveSig.parse(args);
  return S.luSolve(a.LU, a.pivots, a.B, { left: a.left, adjoint: a.adjoint });
}
const householderProductSig = signature('linalg.householder_product', [['A', tensor], ['tau', tensor]] as const);
export function householderProduct(...args: ArgsOf<typeof householderProductSig>): Tensor {
  const a = householderProductSig.parse(args);
  return M.householderProduct(a.A, a.tau);
}

const ldlFactorSig = signature('linalg.ldl_factor', [['A', tensor], '*', ['hermitian', bool, false]] as const);
/** linalg.ldlFactor(A, { hermitian }): { LD, pivots } (Bunch-Kaufman, LAPACK's layout). */
export function ldlFactor(...args: ArgsOf<typeof ldlFactorSig>): Named<{ LD: Tensor; pivots: Tensor }> {
  const a = ldlFactorSig.parse(args);
  return M.ldlFactor(a.A, { hermitian: a.hermitian });
}
const ldlFactorExSig = signature('linalg.ldl_factor_ex', [['A', tensor], '*', ['hermitian', bool, false], ['checkErrors', bool, false]] as const);
export function ldlFactorEx(...args: ArgsOf<typeof ldlFactorExSig>): Named<{ LD: Tensor; pivots: Tensor; info: Tensor }> {
  const a = ldlFactorExSig.parse(args);
  return M.ldlFactorEx(a.A, { hermitian: a.hermitian, checkErrors: a.checkErrors });
}
const ldlSolveSig = signature('linalg.ldl_solve', [['LD', tensor], ['pivots', tensor], ['B', tensor], '*', ['hermitian', bool, false]] as const);
export function ldlSolve(...args: ArgsOf<typeof ldlSolveSig>): Tensor {
  const a = ldlSolveSig.parse(args);
  return M.ldlSolve(a.LD, a.pivots, a.B, { hermitian: a.hermitian });
}
