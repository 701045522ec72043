// torch.linalg's factorizations and the quantities read off them: det, slogdet, inv,
// cholesky, qr, svd, eigh, lu. Forward: the dense routines of dense.ts on each matrix of
// the batch (float64 accumulation, results in the input's dtype). Backward: PyTorch's
// formulas (FunctionsManual.cpp) written with differentiable ops, so createGraph works.
import { checkTensor } from '../tensor/args.js';
import { Node } from '../tensor/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from '../ops/binary.js';
import { cat, stack } from '../ops/join.js';
import { needsGrad, record } from '../ops/record.js';
import * as D from './dense.js';
import {
  LinAlgError, batchPrefix, checkFloat, checkMatrix, checkSquare, diagEmbed, diagOf, eyeOf, fromF64, intTensor, mH, matAt, mats,
  named, tril, triu, type Named,
} from './util.js';
import { solve, solveTriangular } from './solve.js';
import { asNumbers } from '../tensor/dtype.js';

type Grad = Tensor | null;

const EPS = { float32: 1.1920928955078125e-7, float64: 2.220446049250313e-16 } as Record<string, number>;
export const epsOf = (x: Tensor): number => EPS[x.dtype] ?? EPS.float32;

// --- det / slogdet ---

interface LuResult {
  lu: Float64Array;
  piv: Int32Array;
  info: Int32Array;
}

function luAll(A: Tensor): LuResult & { count: number; m: number; n: number; batch: number[] } {
  const ms = mats(A);
  const { m, n, count } = ms;
  const k = Math.min(m, n);
  const lu = ms.data;
  const piv = new Int32Array(count * k);
  const info = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    const a = lu.subarray(b * m * n, (b + 1) * m * n);
    info[b] = D.getrf(a, m, n, piv.subarray(b * k, (b + 1) * k));
  }
  return { lu, piv, info, count, m, n, batch: ms.batch };
}

function detValues(A: Tensor): { det: Float64Array; count: number; batch: number[] } {
  const r = luAll(A);
  const n = r.n;
  const det = new Float64Array(r.count);
  for (let b = 0; b < r.count; b++) {
    let d = 1;
    for (let i = 0; i < n; i++) {
      d *= r.lu[b * n * n + i * n + i];
      if (r.piv[b * n + i] !== i + 1) d = -d;
    }
    det[b] = d;
  }
  return { det, count: r.count, batch: r.batch };
}

/** The products of all entries of S but the i-th, along the last dim (gradient of prod, safe with zeros). */
function prodExcept(S: Tensor): Tensor {
  const k = S.shape[S.dim() - 1];
  const parts: Tensor[] = [];
  for (let i = 0; i < k; i++) {
    const rest = [S.narrow(-1, 0, i), S.narrow(-1, i + 1, k - i - 1)].filter((t) => t.shape[t.dim() - 1] > 0);
    parts.push(rest.length === 0 ? S.narrow(-1, 0, 1).mul(0).add(1).squeeze(-1) : cat(rest, -1).prod(-1));
  }
  return stack(parts, -1);
}

function detBackward(grad: Tensor, d: Tensor, A: Tensor): Tensor {
  const n = A.shape[A.dim() - 1];
  if (A.numel() === 0) return A.mul(0);
  if (n === 1) return grad.unsqueeze(-1).unsqueeze(-1).expand(A.shape);
  const nonsingular = (M: Tensor) => solve(mH(M), diagOf(grad.mul(d), n));
  const singular = (M: Tensor) => {
    const { U, S, Vh } = svd(M, false);
    const alpha = det(U).mul(det(Vh)).mul(grad);
    const Dg = prodExcept(S).mul(alpha.unsqueeze(-1));
    return U.mul(Dg.unsqueeze(-2)).matmul(Vh);
  };
  const isSingular = d.detach().abs().lt(100 * epsOf(A));
  const flags = Array.from(asNumbers(isSingular.toTypedArray()));
  if (!flags.some((f) => f)) return nonsingular(A);
  if (flags.every((f) => f)) return singular(A);
  const mask = isSingular.unsqueeze(-1).unsqueeze(-1);
  const ones = diagOnes(A);
  const identity = diagEmbed(ones);
  const distinct = diagEmbed(ones.cumsum(-1));
  return where(mask, singular(where(mask, A, distinct)), nonsingular(where(mask, identity, A)));
}

function diagOnes(A: Tensor): Tensor {
  const n = A.shape[A.dim() - 1];
  return fromF64(new Float64Array(n).fill(1), A.dtype, [n]).expand([...A.shape.slice(0, -2), n]);
}

class LinalgDetBackward0 extends Node {
  readonly name = 'LinalgDetBackward0';
  backward([g]: Grad[]): Grad[] {
    const [A, d] = this.saved();
    return [detBackward(g as Tensor, d, A)];
  }
}

/** linalg.det(A): the determinant of each square matrix (LU with partial pivoting). */
export function det(A: Tensor): Tensor {
  checkTensor('linalg.det', 'A', 1, A);
  checkFloat('linalg.det', A);
  checkSquare('linalg.det', A);
  const { det: values, batch } = detValues(A);
  const out = fromF64(values, A.dtype, batch);
  if (needsGrad(A)) record(new LinalgDetBackward0(), [A], [out]).save(A, out);
  return out;
}

class LinalgSlogdetBackward0 extends Node {
  readonly name = 'LinalgSlogdetBackward0';
  backward([, g]: Grad[]): Grad[] {
    if (g === null || g === undefined) return [null];
    const [A] = this.saved();
    return [solve(mH(A), diagOf(g, A.shape[A.dim() - 1]))];
  }
}

/** linalg.slogdet(A): { sign, logabsdet } of the determinant. */
export function slogdet(A: Tensor): Named<{ sign: Tensor; logabsdet: Tensor }> {
  checkTensor('linalg.slogdet', 'A', 1, A);
  checkFloat('linalg.slogdet', A);
  checkSquare('linalg.slogdet', A);
  const r = luAll(A);
  const n = r.n;
  const sign = new Float64Array(r.count);
  const logabs = new Float64Array(r.count);
  for (let b = 0; b < r.count; b++) {
    let s = 1;
    let l = 0;
    for (let i = 0; i < n; i++) {
      const u = r.lu[b * n * n + i * n + i];
      if (u < 0) s = -s;
      if (r.piv[b * n + i] !== i + 1) s = -s;
      l += Math.log(Math.abs(u));
    }
    if (l === -Infinity) s = 0;
    sign[b] = s;
    logabs[b] = l;
  }
  const signT = fromF64(sign, A.dtype, r.batch);
  const logT = fromF64(logabs, A.dtype, r.batch);
  if (needsGrad(A)) record(new LinalgSlogdetBackward0(), [A], [signT, logT]).save(A);
  return named({ sign: signT, logabsdet: logT });
}

// --- inv ---

class LinalgInvExBackward0 extends Node {
  readonly name = 'LinalgInvExBackward0';
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null];
    const [inverse] = this.saved();
    const invH = mH(inverse);
    return [invH.matmul(g.matmul(invH)).neg()];
  }
}

function invCore(where: string, A: Tensor, checkErrors: boolean): { inverse: Tensor; info: Tensor } {
  checkFloat(where, A);
  checkSquare(where, A);
  const r = luAll(A);
  const n = r.n;
  const out = new Float64Array(r.count * n * n);
  for (let b = 0; b < r.count; b++) {
    if (r.info[b] > 0 && checkErrors) {
      const ms = { batch: r.batch } as Parameters<typeof batchPrefix>[0];
      throw new LinAlgError(`${where}: ${batchPrefix(ms, b)}The diagonal element ${r.info[b]} is zero, the inversion could not be completed because the input matrix is singular.`);
    }
    const x = out.subarray(b * n * n, (b + 1) * n * n);
    for (let i = 0; i < n; i++) x[i * n + i] = 1;
    D.getrs(r.lu.subarray(b * n * n, (b + 1) * n * n), r.piv.subarray(b * n, (b + 1) * n), n, x, n);
  }
  const inverse = fromF64(out, A.dtype, A.shape.slice());
  const info = intTensor(r.info, r.batch);
  if (needsGrad(A)) record(new LinalgInvExBackward0(), [A], [inverse, info]).save(inverse);
  return { inverse, info };
}

/** linalg.inv(A): the inverse of each square matrix; a singular one throws LinAlgError. */
export function inv(A: Tensor): Tensor {
  checkTensor('linalg.inv', 'A', 1, A);
  return invCore('linalg.inv', A, true).inverse;
}

/** linalg.invEx(A, { checkErrors }): { inverse, info } without throwing unless checkErrors. */
export function invEx(A: Tensor, opts: { checkErrors?: boolean } = {}): Named<{ inverse: Tensor; info: Tensor }> {
  checkTensor('linalg.inv_ex', 'A', 1, A);
  return named(invCore('linalg.inv_ex', A, opts.checkErrors ?? false));
}

// --- cholesky ---

class LinalgCholeskyExBackward0 extends Node {
  readonly name = 'LinalgCholeskyExBackward0';
  constructor(private readonly upper: boolean) {
    super();
  }
  backward([gL]: Grad[]): Grad[] {
    if (gL === null) return [null];
    const [L0] = this.saved();
    const L = this.upper ? mH(L0) : L0;
    const g = this.upper ? mH(gL) : gL;
    let gA = tril(mH(L).matmul(g));
    gA = gA.add(mH(tril(gA, -1))).mul(0.5);
    gA = solveTriangular(mH(L), gA, { upper: true, left: true });
    return [solveTriangular(L, gA, { upper: false, left: false })];
  }
}

function choleskyCore(where: string, A: Tensor, upper: boolean, checkErrors: boolean): { L: Tensor; info: Tensor } {
  checkFloat(where, A);
  checkSquare(where, A);
  const ms = mats(A);
  const n = ms.n;
  const out = new Float64Array(ms.count * n * n);
  const info = new Int32Array(ms.count);
  for (let b = 0; b < ms.count; b++) {
    let a = matAt(ms, b);
    // The upper factor reads the upper triangle: factor its transpose.
    if (upper) a = D.transpose(a, n, n);
    info[b] = D.potrf(a, n);
    if (info[b] > 0 && checkErrors) {
      throw new LinAlgError(`${where}: ${batchPrefix(ms, b)}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${info[b]} is not positive-definite).`);
    }
    out.set(upper ? D.transpose(a, n, n) : a, b * n * n);
  }
  const L = fromF64(out, A.dtype, A.shape.slice());
  const infoT = intTensor(info, ms.batch);
  if (needsGrad(A)) record(new LinalgCholeskyExBackward0(upper), [A], [L, infoT]).save(L);
  return { L, info: infoT };
}

/** linalg.cholesky(A, { upper }): L with A = L L^H (or U with A = U^H U). */
export function cholesky(A: Tensor, opts: { upper?: boolean } = {}): Tensor {
  checkTensor('linalg.cholesky', 'A', 1, A);
  return choleskyCore('linalg.cholesky', A, opts.upper ?? false, true).L;
}

export function choleskyEx(A: Tensor, opts: { upper?: boolean; checkErrors?: boolean } = {}): Named<{ L: Tensor; info: Tensor }> {
  checkTensor('linalg.cholesky_ex', 'A', 1, A);
  return named(choleskyCore('linalg.cholesky_ex', A, opts.upper ?? false, opts.checkErrors ?? false));
}

// --- qr ---

export type QrMode = 'reduced' | 'complete' | 'r';

class LinalgQrBackward0 extends Node {
  readonly name = 'LinalgQrBackward0';
  constructor(private readonly mode: QrMode) {
    super();
  }
  backward([gQ, gR]: Grad[]): Grad[] {
    if (this.mode === 'r') {
      throw new Error("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
    }
    const [Q, R] = this.saved();
    const m = Q.shape[Q.dim() - 2];
    const n = R.shape[R.dim() - 1];
    if (this.mode === 'complete' && m > n) throw new Error("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
    if (gQ === null && gR === null) return [null];
    let gA: Tensor;
    if (gQ !== null) gA = gR !== null ? gR.matmul(mH(R)).sub(mH(Q).matmul(gQ)) : mH(Q).matmul(gQ).neg();
    else gA = (gR as Tensor).matmul(mH(R));
    if (m >= n) {
      let sym = triu(gA);
      sym = sym.add(mH(sym));
      sym = sym.sub(diagEmbed(diagOfMatrix(sym).mul(0.5)));
      gA = Q.matmul(sym);
      if (gQ !== null) gA = gA.add(gQ);
      return [solveTriangular(mH(R), gA, { upper: false, left: false })];
    }
    const X = gA.neg();
    const skew = tril(X.sub(mH(X)));
    gA = Q.matmul(skew);
    gA = solveTriangular(mH(R.narrow(-1, 0, m)), gA, { upper: false, left: false });
    gA = cat([gA, Tensor.empty([...R.shape.slice(0, -1), n - m], gA.dtype)], -1);
    if (gR !== null) gA = gA.add(Q.matmul(gR));
    return [gA];
  }
}

function diagOfMatrix(x: Tensor): Tensor {
  const n = x.shape[x.dim() - 1];
  return x.mul(eyeOf(n, x.dtype)).sum(-1);
}

/** linalg.qr(A, mode): { Q, R } by Householder reflections (LAPACK geqrf + orgqr: same signs as PyTorch). */
export function qr(A: Tensor, mode: QrMode = 'reduced'): Named<{ Q: Tensor; R: Tensor }> {
  checkTensor('linalg.qr', 'A', 1, A);
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new RangeError(`qr received unrecognized mode '${String(mode)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  checkFloat('linalg.qr', A);
  checkMatrix('linalg.qr', A);
  const ms = mats(A);
  const { m, n, count } = ms;
  const k = Math.min(m, n);
  const qCols = mode === 'complete' ? m : k;
  const rRows = mode === 'complete' ? m : k;
  const qOut = new Float64Array(mode === 'r' ? 0 : count * m * qCols);
  const rOut = new Float64Array(count * rRows * n);
  for (let b = 0; b < count; b++) {
    const a = matAt(ms, b);
    const tau = new Float64Array(k);
    D.geqrf(a, m, n, tau);
    for (let i = 0; i < Math.min(rRows, m); i++) for (let j = i; j < n; j++) rOut[b * rRows * n + i * n + j] = a[i * n + j];
    if (mode !== 'r') qOut.set(D.orgqr(a, m, n, k, tau, qCols), b * m * qCols);
  }
  const Q = fromF64(qOut, A.dtype, mode === 'r' ? [0] : [...ms.batch, m, qCols]);
  const R = fromF64(rOut, A.dtype, [...ms.batch, rRows, n]);
  if (needsGrad(A)) record(new LinalgQrBackward0(mode), [A], [Q, R]).save(Q, R);
  return named({ Q, R });
}

// --- svd ---

function svdBackward(gU: Grad, gS: Grad, gVh: Grad, U: Tensor, S: Tensor, Vh: Tensor): Grad {
  if (gS === null && gU === null && gVh === null) return null;
  const m = U.shape[U.dim() - 2];
  const n = Vh.shape[Vh.dim() - 1];
  if (gU === null && gVh === null) {
    const g = gS as Tensor;
    return m >= n ? U.matmul(g.unsqueeze(-1).mul(Vh)) : U.mul(g.unsqueeze(-2)).matmul(Vh);
  }
  const skew = (X: Tensor) => X.sub(mH(X));
  const UhgU = gU !== null ? skew(mH(U).matmul(gU)) : null;
  const VhgV = gVh !== null ? skew(Vh.matmul(mH(gVh))) : null;
  const S2 = S.mul(S);
  const E = S2.unsqueeze(-2).sub(S2.unsqueeze(-1)).add(eyeOf(S.shape[S.dim() - 1], S.dtype));
  let gA: Tensor;
  if (UhgU !== null && VhgV !== null) gA = UhgU.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(VhgV)).div(E);
  else if (UhgU !== null) gA = UhgU.div(E).mul(S.unsqueeze(-2));
  else gA = S.unsqueeze(-1).mul((VhgV as Tensor).div(E));
  if (gS !== null) gA = gA.add(diagEmbed(gS));
  if (m > n && gU !== null) {
    gA = U.matmul(gA);
    const gUSinv = gU.div(S.unsqueeze(-2));
    gA = gA.add(gUSinv).sub(U.matmul(mH(U).matmul(gUSinv)));
    return gA.matmul(Vh);
  }
  if (m < n && gVh !== null) {
    gA = gA.matmul(Vh);
    const SinvgVh = gVh.div(S.unsqueeze(-1));
    gA = gA.add(SinvgVh).sub(SinvgVh.matmul(mH(Vh)).matmul(Vh));
    return U.matmul(gA);
  }
  return m >= n ? U.matmul(gA.matmul(Vh)) : U.matmul(gA).matmul(Vh);
}

class LinalgSvdBackward0 extends Node {
  readonly name = 'LinalgSvdBackward0';
  constructor(private readonly full: boolean) {
    super();
  }
  backward([gU0, gS, gVh0]: Grad[]): Grad[] {
    let [U, S, Vh] = this.saved();
    let gU = gU0 ?? null;
    let gVh = gVh0 ?? null;
    if (this.full) {
      const k = S.shape[S.dim() - 1];
      U = U.narrow(-1, 0, k);
      Vh = Vh.narrow(-2, 0, k);
      if (gU !== null) gU = gU.narrow(-1, 0, k);
      if (gVh !== null) gVh = gVh.narrow(-2, 0, k);
    }
    return [svdBackward(gU, gS ?? null, gVh, U, S, Vh)];
  }
}

/** linalg.svd(A, fullMatrices): { U, S, Vh }, S descending. Singular vectors' signs are implementation-defined. */
export function svd(A: Tensor, fullMatrices = true): Named<{ U: Tensor; S: Tensor; Vh: Tensor }> {
  checkTensor('linalg.svd', 'A', 1, A);
  checkFloat('linalg.svd', A);
  checkMatrix('linalg.svd', A);
  const ms = mats(A);
  const { m, n, count } = ms;
  const k = Math.min(m, n);
  const uc = fullMatrices ? m : k;
  const vr = fullMatrices ? n : k;
  const u = new Float64Array(count * m * uc);
  const s = new Float64Array(count * k);
  const vh = new Float64Array(count * vr * n);
  for (let b = 0; b < count; b++) {
    const r = D.svd(matAt(ms, b), m, n, fullMatrices);
    u.set(r.u, b * m * uc);
    s.set(r.s, b * k);
    vh.set(r.vh.subarray(0, vr * n), b * vr * n);
  }
  const U = fromF64(u, A.dtype, [...ms.batch, m, uc]);
  const S = fromF64(s, A.dtype, [...ms.batch, k]);
  const Vh = fromF64(vh, A.dtype, [...ms.batch, vr, n]);
  if (needsGrad(A)) record(new LinalgSvdBackward0(fullMatrices), [A], [U, S, Vh]).save(U, S, Vh);
  return named({ U, S, Vh });
}

/** linalg.svdvals(A): the singular values, descending (differentiable through the full SVD). */
export function svdvals(A: Tensor): Tensor {
  checkTensor('linalg.svdvals', 'A', 1, A);
  return svd(A, false).S;
}

// --- eigh ---

class LinalgEighBackward0 extends Node {
  readonly name = 'LinalgEighBackward0';
  backward([gL0, gV0]: Grad[]): Grad[] {
    const gL = gL0 ?? null;
    const gV = gV0 ?? null;
    if (gL === null && gV === null) return [null];
    const [L, V] = this.saved();
    const Vh = mH(V);
    if (gV === null) return [V.mul((gL as Tensor).unsqueeze(-2)).matmul(Vh)];
    let VhgV = Vh.matmul(gV);
    VhgV = VhgV.sub(mH(VhgV)).mul(0.5);
    const n = L.shape[L.dim() - 1];
    const E = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(eyeOf(n, L.dtype));
    let gA = VhgV.div(E);
    if (gL !== null) gA = gA.sub(diagEmbed(diagOfMatrix(gA))).add(diagEmbed(gL));
    return [V.matmul(gA.matmul(Vh))];
  }
}

/** linalg.eigh(A, UPLO): { eigenvalues (ascending), eigenvectors } of a symmetric matrix read from one triangle. */
export function eigh(A: Tensor, UPLO: 'L' | 'U' = 'L'): Named<{ eigenvalues: Tensor; eigenvectors: Tensor }> {
  checkTensor('linalg.eigh', 'A', 1, A);
  if (UPLO !== 'L' && UPLO !== 'U') throw new RangeError(`Expected UPLO argument to be 'L' or 'U', but got ${String(UPLO)}`);
  checkFloat('linalg.eigh', A);
  checkSquare('linalg.eigh', A);
  const ms = mats(A);
  const n = ms.n;
  const w = new Float64Array(ms.count * n);
  const v = new Float64Array(ms.count * n * n);
  for (let b = 0; b < ms.count; b++) {
    const a = matAt(ms, b);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      if (UPLO === 'L') a[i * n + j] = a[j * n + i];
      else a[j * n + i] = a[i * n + j];
    }
    const r = D.eigh(a, n);
    w.set(r.w, b * n);
    v.set(r.v, b * n * n);
  }
  const L = fromF64(w, A.dtype, [...ms.batch, n]);
  const V = fromF64(v, A.dtype, A.shape.slice());
  if (needsGrad(A)) record(new LinalgEighBackward0(), [A], [L, V]).save(L, V);
  return named({ eigenvalues: L, eigenvectors: V });
}

/** linalg.eigvalsh(A, UPLO): the eigenvalues of a symmetric matrix, ascending. */
export function eigvalsh(A: Tensor, UPLO: 'L' | 'U' = 'L'): Tensor {
  checkTensor('linalg.eigvalsh', 'A', 1, A);
  return eigh(A, UPLO).eigenvalues;
}

// --- matrix_exp ---

class LinalgMatrixExpBackward0 extends Node {
  readonly name = 'LinalgMatrixExpBackward0';
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null];
    const [A] = this.saved();
    const n = A.shape[A.dim() - 1];
    const Ah = mH(A);
    const top = cat([Ah, g], -1);
    const bottom = cat([Ah.mul(0), Ah], -1);
    const big = matrixExp(cat([top, bottom], -2));
    return [big.narrow(-2, 0, n).narrow(-1, n, n)];
  }
}

/** linalg.matrix_exp(A): exp of each square matrix (scaling and squaring, Padé 13). */
export function matrixExp(A: Tensor): Tensor {
  checkTensor('linalg.matrix_exp', 'A', 1, A);
  checkFloat('linalg.matrix_exp', A);
  checkSquare('linalg.matrix_exp', A);
  const ms = mats(A);
  const n = ms.n;
  const out = new Float64Array(ms.count * n * n);
  for (let b = 0; b < ms.count; b++) out.set(D.expm(matAt(ms, b), n), b * n * n);
  const res = fromF64(out, A.dtype, A.shape.slice());
  if (needsGrad(A)) record(new LinalgMatrixExpBackward0(), [A], [res]).save(A);
  return res;
}
