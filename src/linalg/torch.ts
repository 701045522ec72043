// The torch.* linear algebra functions outside torch.linalg (torch.det, torch.svd,
// torch.lu, torch.triangularSolve, …) and their Tensor-method twins (x.det(), x.svd(), …),
// with PyTorch's older conventions (torch.svd returns V, some=True; torch.cross's dim).
import { bool, either, int, intList, nullable, number, signature, tensor, type ArgsOf } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from '../ops/binary.js';
import { warnOnce } from '../tensor/warnings.js';
import * as Dc from './decompositions.js';
import * as M from './misc.js';
import * as S from './solve.js';
import { mH, named, type Named } from './util.js';
import { matrixNorm, vectorNorm } from './norms.js';

const inputSig = (name: string) => signature(name, [['input', tensor]] as const);

const detSig = inputSig('det');
export function det(...args: ArgsOf<typeof detSig>): Tensor {
  return Dc.det(detSig.parse(args).input);
}

const logdetSig = inputSig('logdet');
/** torch.logdet: log(det A); nan for a negative determinant, -inf for a singular matrix. */
export function logdet(...args: ArgsOf<typeof logdetSig>): Tensor {
  const { sign, logabsdet } = Dc.slogdet(logdetSig.parse(args).input);
  return where(sign.lt(0), NaN, logabsdet);
}

const slogdetSig = inputSig('slogdet');
export function slogdet(...args: ArgsOf<typeof slogdetSig>): Named<{ sign: Tensor; logabsdet: Tensor }> {
  return Dc.slogdet(slogdetSig.parse(args).input);
}

const inverseSig = inputSig('inverse');
export function inverse(...args: ArgsOf<typeof inverseSig>): Tensor {
  return Dc.inv(inverseSig.parse(args).input);
}

const choleskySig = signature('cholesky', [['input', tensor], ['upper', bool, false]] as const);
/** torch.cholesky(input, upper=false) (deprecated in PyTorch for linalg.cholesky). */
export function cholesky(...args: ArgsOf<typeof choleskySig>): Tensor {
  const a = choleskySig.parse(args);
  return Dc.cholesky(a.input, { upper: a.upper });
}

const choleskyInverseSig = signature('cholesky_inverse', [['input', tensor], ['upper', bool, false]] as const);
/** torch.choleskyInverse(L, upper=false): (L L^T)^-1 from the Cholesky factor. */
export function choleskyInverse(...args: ArgsOf<typeof choleskyInverseSig>): Tensor {
  const a = choleskyInverseSig.parse(args);
  const L = a.input;
  const A = a.upper ? mH(L).matmul(L) : L.matmul(mH(L));
  return Dc.inv(A);
}

const choleskySolveSig = signature('cholesky_solve', [['input', tensor], ['input2', tensor], ['upper', bool, false]] as const);
/** torch.choleskySolve(B, L, upper=false): X with (L L^T) X = B. */
export function choleskySolve(...args: ArgsOf<typeof choleskySolveSig>): Tensor {
  const a = choleskySolveSig.parse(args);
  const L = a.input2;
  // Through the product L L^H, so L's gradient is PyTorch's full (not triangular) one.
  return S.solve(a.upper ? mH(L).matmul(L) : L.matmul(mH(L)), a.input);
}

const qrSig = signature('qr', [['input', tensor], ['some', bool, true]] as const);
export function qr(...args: ArgsOf<typeof qrSig>): Named<{ Q: Tensor; R: Tensor }> {
  const a = qrSig.parse(args);
  return Dc.qr(a.input, a.some ? 'reduced' : 'complete');
}

const svdSig = signature('svd', [['input', tensor], ['some', bool, true], ['computeUv', bool, true]] as const);
/** torch.svd(input, some=true, computeUv=true): { U, S, V } (V, not Vh). */
export function svd(...args: ArgsOf<typeof svdSig>): Named<{ U: Tensor; S: Tensor; V: Tensor }> {
  const a = svdSig.parse(args);
  const A = a.input;
  if (!a.computeUv) {
    const [m, n] = A.shape.slice(-2);
    const batch = A.shape.slice(0, -2);
    const Sv = Dc.svdvals(A);
    return named({ U: Tensor.empty([...batch, m, m], A.dtype), S: Sv, V: Tensor.empty([...batch, n, n], A.dtype) });
  }
  const r = Dc.svd(A, !a.some);
  return named({ U: r.U, S: r.S, V: mH(r.Vh) });
}

const pinverseSig = signature('pinverse', [['input', tensor], ['rcond', number, 1e-15], ['hermitian', bool, false]] as const);
export function pinverse(...args: ArgsOf<typeof pinverseSig>): Tensor {
  const a = pinverseSig.parse(args);
  return M.pinv(a.input, { rtol: a.rcond, hermitian: a.hermitian });
}

const matrixPowerSig = signature('matrix_power', [['input', tensor], ['n', int]] as const);
export function matrixPower(...args: ArgsOf<typeof matrixPowerSig>): Tensor {
  const a = matrixPowerSig.parse(args);
  return M.matrixPower(a.input, a.n);
}

const matrixExpSig = inputSig('matrix_exp');
export function matrixExp(...args: ArgsOf<typeof matrixExpSig>): Tensor {
  return Dc.matrixExp(matrixExpSig.parse(args).input);
}

const luSig = signature('lu', [['A', tensor], ['pivot', bool, true], ['getInfos', bool, false]] as const);
/** torch.lu(A, pivot=true, getInfos=false): [LU, pivots] or [LU, pivots, infos]. */
export function lu(...args: ArgsOf<typeof luSig>): Tensor[] {
  const a = luSig.parse(args);
  const r = S.luFactorEx(a.A, { pivot: a.pivot });
  return a.getInfos ? [r.LU, r.pivots, r.info] : [r.LU, r.pivots];
}

const luSolveSig = signature('lu_solve', [['input', tensor], ['LU_data', tensor], ['LU_pivots', tensor]] as const);
/** torch.luSolve(b, LU_data, LU_pivots). */
export function luSolve(...args: ArgsOf<typeof luSolveSig>): Tensor {
  const a = luSolveSig.parse(args);
  return S.luSolve(a.LU_data, a.LU_pivots, a.input);
}

const luUnpackSig = signature('lu_unpack', [['LU_data', tensor], ['LU_pivots', tensor], ['unpackData', bool, true], ['unpackPivots', bool, true]] as const);
export function luUnpack(...args: ArgsOf<typeof luUnpackSig>): Named<{ P: Tensor; L: Tensor; U: Tensor }> {
  const a = luUnpackSig.parse(args);
  return S.luUnpack(a.LU_data, a.LU_pivots, a.unpackData, a.unpackPivots);
}

const triangularSolveSig = signature('triangular_solve', [['input', tensor], ['A', tensor], ['upper', bool, true], ['transpose', bool, false], ['unitriangular', bool, false]] as const);
/** torch.triangularSolve(b, A, upper=true, transpose=false, unitriangular=false): { solution, clonedCoefficient }. */
export function triangularSolve(...args: ArgsOf<typeof triangularSolveSig>): Named<{ solution: Tensor; clonedCoefficient: Tensor }> {
  const a = triangularSolveSig.parse(args);
  const A = a.transpose ? mH(a.A) : a.A;
  const upper = a.transpose ? !a.upper : a.upper;
  const solution = S.solveTriangular(A, a.input, { upper, unitriangular: a.unitriangular });
  return named({ solution, clonedCoefficient: a.A.clone() });
}

const geqrfSig = inputSig('geqrf');
export function geqrf(...args: ArgsOf<typeof geqrfSig>): Named<{ a: Tensor; tau: Tensor }> {
  return M.geqrf(geqrfSig.parse(args).input);
}

const orgqrSig = signature('orgqr', [['input', tensor], ['tau', tensor]] as const);
export function orgqr(...args: ArgsOf<typeof orgqrSig>): Tensor {
  const a = orgqrSig.parse(args);
  return M.householderProduct(a.input, a.tau);
}

const ormqrSig = signature('ormqr', [['input', tensor], ['input2', tensor], ['input3', tensor], ['left', bool, true], ['transpose', bool, false]] as const);
export function ormqr(...args: ArgsOf<typeof ormqrSig>): Tensor {
  const a = ormqrSig.parse(args);
  return M.ormqr(a.input, a.input2, a.input3, a.left, a.transpose);
}

const crossSig = signature('cross', [['input', tensor], ['other', tensor], ['dim', nullable(int), null]] as const);
/** torch.cross(input, other, dim=null): without dim, the first dim of size 3 (PyTorch's deprecated default). */
export function cross(...args: ArgsOf<typeof crossSig>): Tensor {
  const a = crossSig.parse(args);
  let dim = a.dim;
  if (dim === null) {
    warnOnce('Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross in a future release.');
    const shape = a.input.shape.length >= a.other.shape.length ? a.input.shape : a.other.shape;
    dim = shape.indexOf(3);
    if (dim < 0) throw new RangeError(`no dimension of size 3 in input`);
  }
  return M.cross(a.input, a.other, { dim });
}

// --- Tensor methods ---

declare module '../tensor/tensor.js' {
  interface Tensor {
    det(): Tensor;
    logdet(): Tensor;
    slogdet(): Named<{ sign: Tensor; logabsdet: Tensor }>;
    inverse(): Tensor;
    cholesky(upper?: boolean | { upper?: boolean }): Tensor;
    choleskyInverse(upper?: boolean | { upper?: boolean }): Tensor;
    choleskySolve(input2: Tensor, upper?: boolean | { upper?: boolean }): Tensor;
    qr(some?: boolean | { some?: boolean }): Named<{ Q: Tensor; R: Tensor }>;
    svd(some?: boolean | { some?: boolean; computeUv?: boolean }, computeUv?: boolean | { computeUv?: boolean }): Named<{ U: Tensor; S: Tensor; V: Tensor }>;
    pinverse(rcond?: number | { rcond?: number; hermitian?: boolean }, hermitian?: boolean | { hermitian?: boolean }): Tensor;
    matrixPower(n: number): Tensor;
    matrixExp(): Tensor;
    lu(pivot?: boolean | { pivot?: boolean; getInfos?: boolean }, getInfos?: boolean | { getInfos?: boolean }): Tensor[];
    luSolve(LU_data: Tensor, LU_pivots: Tensor): Tensor;
    triangularSolve(A: Tensor, upper?: boolean | object, transpose?: boolean | object, unitriangular?: boolean | object): Named<{ solution: Tensor; clonedCoefficient: Tensor }>;
    geqrf(): Named<{ a: Tensor; tau: Tensor }>;
    orgqr(input2: Tensor): Tensor;
    ormqr(input2: Tensor, input3: Tensor, left?: boolean | object, transpose?: boolean | object): Tensor;
    cross(other: Tensor, dim?: number | null | { dim?: number | null }): Tensor;
  }
}

type Loose = (...args: unknown[]) => unknown;
const method = (fn: Loose) =>
  function (this: Tensor, ...args: unknown[]) {
    return fn(this, ...args);
  };

const P = Tensor.prototype as unknown as Record<string, unknown>;
Object.assign(P, {
  det: method(det as Loose),
  logdet: method(logdet as Loose),
  slogdet: method(slogdet as Loose),
  inverse: method(inverse as Loose),
  cholesky: method(cholesky as Loose),
  choleskyInverse: method(choleskyInverse as Loose),
  choleskySolve: method(choleskySolve as Loose),
  qr: method(qr as Loose),
  svd: method(svd as Loose),
  pinverse: method(pinverse as Loose),
  matrixPower: method(matrixPower as Loose),
  matrixExp: method(matrixExp as Loose),
  lu: method(lu as Loose),
  luSolve: method(luSolve as Loose),
  triangularSolve: method(triangularSolve as Loose),
  geqrf: method(geqrf as Loose),
  orgqr: method(orgqr as Loose),
  ormqr: method(ormqr as Loose),
  cross: method(cross as Loose),
});

const vanderTorchSig = signature('vander', [['x', tensor], ['N', nullable(int), null], ['increasing', bool, false]] as const);
/** torch.vander(x, N=None, increasing=False): powers x^(N-1) … x^0 per row (ascending with increasing). */
export function torchVander(...args: ArgsOf<typeof vanderTorchSig>): Tensor {
  const a = vanderTorchSig.parse(args);
  if (a.x.dim() !== 1) throw new RangeError('x must be a one-dimensional tensor.');
  if (a.N !== null && a.N < 0) throw new RangeError('N must be non-negative.');
  const v = M.vander(a.x, a.N);
  return a.increasing ? v : v.flip([-1]);
}

const frobeniusSig = signature('frobenius_norm', [['input', tensor], ['dim', intList, []], ['keepdim', bool, false]] as const);
/** torch.frobenius_norm(input, dim=(), keepdim=False): sqrt of the sum of squares over dim (all dims when empty). */
export function frobeniusNorm(...args: ArgsOf<typeof frobeniusSig>): Tensor {
  const a = frobeniusSig.parse(args);
  if (a.dim.length > 2) throw new RangeError(`Expected at most 2 dimensions, but got ${a.dim.length} dimensions instead.`);
  return a.dim.length === 0 ? vectorNorm(a.input, 2) : vectorNorm(a.input, 2, a.dim, a.keepdim);
}

const nuclearSig = signature('nuclear_norm', [['input', tensor], ['dim', either(bool, intList), false], ['keepdim', bool, false]] as const);
/** torch.nuclear_norm(input, keepdim=False) or (input, dim, keepdim=False): the sum of singular values. */
export function nuclearNorm(...args: ArgsOf<typeof nuclearSig>): Tensor {
  const a = nuclearSig.parse(args);
  const [dim, keepdim] = typeof a.dim === 'boolean' ? [[0, 1], a.dim] : [a.dim, a.keepdim];
  if (dim.length !== 2) throw new RangeError('nuclear norm requires a 2-D input or two dims');
  return matrixNorm(a.input, 'nuc', dim as [number, number], keepdim);
}
