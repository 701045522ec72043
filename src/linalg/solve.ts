// Linear systems: linalg.solve / solveEx, solveTriangular, and the LU family
// (luFactor, luFactorEx, lu, luUnpack, luSolve), batched with broadcast leading dims.
import { checkTensor } from '../tensor/args.js';
import { Node } from '../tensor/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { cat } from '../ops/join.js';
import { needsGrad, record } from '../ops/record.js';
import { sumToShape } from '../ops/reduce.js';
import * as D from './dense.js';
import {
  LinAlgError, batchPrefix, broadcastBatch, checkFloat, checkMatrix, checkSameDtype, checkSquare, expandBatch, eyeOf, fromF64,
  intTensor, mH, mats, named, sameShape, tril, triu, type Named,
} from './util.js';

type Grad = Tensor | null;

/** PyTorch's rule: B is a (batch of) vector(s) when 1-D, or when its shape is A's without the last dim. */
export function isVectorRhs(A: Tensor, B: Tensor): boolean {
  if (B.dim() === 1) return true;
  return A.dim() - 1 === B.dim() && sameShape(B.shape, A.shape.slice(0, -1));
}

// --- solve ---

class LinalgSolveExBackward0 extends Node {
  readonly name = 'LinalgSolveExBackward0';
  constructor(private readonly aShape: number[], private readonly bShape: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null, null];
    const [A, X] = this.saved();
    const gB = solve(mH(A), g);
    const gA = this.next[0] ? sumToShape(gB.matmul(mH(X)).neg(), this.aShape) : null;
    return [gA, this.next[1] ? sumToShape(gB, this.bShape) : null];
  }
}

/** A X = B for matrix B with broadcast batch dims; returns X and info. */
function solveCore(where: string, A: Tensor, B: Tensor, checkErrors: boolean): { result: Tensor; info: Tensor } {
  const n = A.shape[A.dim() - 1];
  if (B.shape[B.dim() - 2] !== n) {
    throw new RangeError(`linalg.solve: Incompatible shapes of A and B for the equation AX = B (${A.shape.slice(-2).join('x')} and ${B.shape.slice(-2).join('x')})`);
  }
  const batch = broadcastBatch(A, B);
  const a = mats(expandBatch(A, batch));
  const b = mats(expandBatch(B, batch));
  const k = b.n;
  const info = new Int32Array(a.count);
  const x = b.data;
  const piv = new Int32Array(n);
  for (let i = 0; i < a.count; i++) {
    const lu = a.data.subarray(i * n * n, (i + 1) * n * n);
    info[i] = D.getrf(lu, n, n, piv);
    if (info[i] > 0 && checkErrors) {
      throw new LinAlgError(`${where}: ${batchPrefix(a, i)}The solver failed because the input matrix is singular.`);
    }
    D.getrs(lu, piv, n, x.subarray(i * n * k, (i + 1) * n * k), k);
  }
  const result = fromF64(x, A.dtype, [...batch, n, k]);
  const infoT = intTensor(info, batch);
  if (needsGrad(A, B)) record(new LinalgSolveExBackward0(A.shape.slice(), B.shape.slice()), [A, B], [result, infoT]).save(A, result);
  return { result, info: infoT };
}

function solveAny(where: string, A: Tensor, B: Tensor, left: boolean, checkErrors: boolean): { result: Tensor; info: Tensor } {
  checkFloat(where.replace('torch.', ''), A);
  checkSquare(where.replace('torch.', ''), A);
  checkSameDtype(where.replace('torch.', ''), A, B);
  const vector = isVectorRhs(A, B);
  if (!left) {
    // X A = B  <=>  A^T X^T = B^T.
    const r = solveAny(where, A.mT, vector ? B : B.mT, true, checkErrors);
    return { result: vector ? r.result : r.result.mT, info: r.info };
  }
  if (vector) {
    const r = solveCore(where, A, B.unsqueeze(-1), checkErrors);
    return { result: r.result.squeeze(-1), info: r.info };
  }
  return solveCore(where, A, B, checkErrors);
}

/** linalg.solve(A, B, { left }): X with A X = B (X A = B when left is false). */
export function solve(A: Tensor, B: Tensor, opts: { left?: boolean } = {}): Tensor {
  checkTensor('linalg.solve', 'A', 1, A);
  checkTensor('linalg.solve', 'B', 2, B);
  return solveAny('torch.linalg.solve', A, B, opts.left ?? true, true).result;
}

/** linalg.solveEx(A, B, { left, checkErrors }): { result, info }. */
export function solveEx(A: Tensor, B: Tensor, opts: { left?: boolean; checkErrors?: boolean } = {}): Named<{ result: Tensor; info: Tensor }> {
  checkTensor('linalg.solve_ex', 'A', 1, A);
  checkTensor('linalg.solve_ex', 'B', 2, B);
  return named(solveAny('torch.linalg.solve_ex', A, B, opts.left ?? true, opts.checkErrors ?? false));
}

// --- solve_triangular ---

class LinalgSolveTriangularBackward0 extends Node {
  readonly name = 'LinalgSolveTriangularBackward0';
  constructor(private readonly upper: boolean, private readonly unit: boolean, private readonly aShape: number[], private readonly bShape: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null, null];
    const [A, X] = this.saved();
    const gB = solveTriangular(mH(A), g, { upper: !this.upper, unitriangular: this.unit });
    let gA: Tensor | null = null;
    if (this.next[0]) {
      gA = gB.matmul(mH(X)).neg();
      gA = this.upper ? triu(gA, this.unit ? 1 : 0) : tril(gA, this.unit ? -1 : 0);
      gA = sumToShape(gA, this.aShape);
    }
    return [gA, this.next[1] ? sumToShape(gB, this.bShape) : null];
  }
}

export interface SolveTriangularOptions {
  upper: boolean;
  left?: boolean;
  unitriangular?: boolean;
}

/** linalg.solveTriangular(A, B, { upper, left, unitriangular }): X with A X = B for triangular A (only its triangle is read). */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  checkTensor('linalg.solve_triangular', 'A', 1, A);
  checkTensor('linalg.solve_triangular', 'B', 2, B);
  if (opts === undefined || typeof opts.upper !== 'boolean') {
    throw new TypeError('linalg_solve_triangular() missing 1 required positional arguments: "upper"');
  }
  const where = 'linalg.solve_triangular';
  checkFloat(where, A);
  checkSquare(where, A);
  checkMatrix(where, B, 'B');
  checkSameDtype(where, A, B);
  const upper = opts.upper;
  const unit = opts.unitriangular ?? false;
  if (!(opts.left ?? true)) return solveTriangular(A.mT, B.mT, { upper: !upper, unitriangular: unit }).mT;
  const n = A.shape[A.dim() - 1];
  if (B.shape[B.dim() - 2] !== n) {
    throw new RangeError(`${where}: Incompatible shapes of A and B for the equation AX = B (${A.shape.slice(-2).join('x')} and ${B.shape.slice(-2).join('x')})`);
  }
  const batch = broadcastBatch(A, B);
  const a = mats(expandBatch(A, batch));
  const b = mats(expandBatch(B, batch));
  const k = b.n;
  for (let i = 0; i < a.count; i++) {
    D.trsm(a.data.subarray(i * n * n, (i + 1) * n * n), n, b.data.subarray(i * n * k, (i + 1) * n * k), k, upper, unit);
  }
  const X = fromF64(b.data, A.dtype, [...batch, n, k]);
  if (needsGrad(A, B)) record(new LinalgSolveTriangularBackward0(upper, unit, A.shape.slice(), B.shape.slice()), [A, B], [X]).save(A, X);
  return X;
}

// --- LU ---

/** A = P L U from the factors (PyTorch's linalg_lu_backward), for the packed or the unpacked form. */
function luBackward(gL: Grad, gU: Grad, P: Tensor, L: Tensor, U: Tensor): Grad {
  if (gL === null && gU === null) return null;
  const m = L.shape[L.dim() - 2];
  const n = U.shape[U.dim() - 1];
  const k = Math.min(m, n);
  let gA: Tensor | null = null;
  const plus = (a: Tensor | null, b: Tensor) => (a === null ? b : a.add(b));
  if (m === n) {
    if (gL !== null) gA = tril(mH(L).matmul(gL), -1);
    if (gU !== null) gA = plus(gA, triu(gU.matmul(mH(U))));
    gA = solveTriangular(mH(U), gA as Tensor, { upper: false, left: false });
    gA = solveTriangular(mH(L), gA, { upper: true, left: true, unitriangular: true });
  } else if (m < n) {
    const U1 = U.narrow(-1, 0, k);
    if (gL !== null) gA = mH(L).matmul(gL);
    if (gU !== null) gA = plus(gA, triu(gU).matmul(mH(U)).neg());
    gA = solveTriangular(mH(U1), tril(gA as Tensor, -1), { upper: false, left: false });
    if (gU !== null) gA = cat([gA.add(triu(gU.narrow(-1, 0, k))), gU.narrow(-1, k, n - k)], -1);
    gA = solveTriangular(mH(L), gA, { upper: true, left: true, unitriangular: true });
    if (gU === null) gA = cat([gA, U.narrow(-1, k, n - k).mul(0)], -1);
  } else {
    const L1 = L.narrow(-2, 0, k);
    if (gU !== null) gA = gU.matmul(mH(U));
    if (gL !== null) gA = plus(gA, mH(L).matmul(tril(gL, -1)).neg());
    gA = solveTriangular(mH(L1), triu(gA as Tensor), { upper: true, left: true, unitriangular: true });
    if (gL !== null) gA = cat([gA.add(tril(gL.narrow(-2, 0, k), -1)), gL.narrow(-2, k, m - k)], -2);
    gA = solveTriangular(mH(U), gA, { upper: false, left: false });
    if (gL === null) gA = cat([gA, L.narrow(-2, k, m - k).mul(0)], -2);
  }
  return P.matmul(gA);
}

class LinalgLuFactorExBackward0 extends Node {
  readonly name = 'LinalgLuFactorExBackward0';
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null];
    const [LU, pivots] = this.saved();
    const { P, L, U } = luUnpack(LU, pivots);
    const k = Math.min(LU.shape[LU.dim() - 2], LU.shape[LU.dim() - 1]);
    return [luBackward(g.narrow(-1, 0, k), g.narrow(-2, 0, k), P, L, U)];
  }
}

function luFactorCore(where: string, A: Tensor, pivot: boolean): { LU: Tensor; pivots: Tensor; info: Tensor } {
  checkFloat(where, A);
  checkMatrix(where, A);
  if (!pivot) throw new Error(`${where}: LU without pivoting is not implemented on the CPU`);
  const ms = mats(A);
  const { m, n, count } = ms;
  const k = Math.min(m, n);
  const piv = new Int32Array(count * k);
  const info = new Int32Array(count);
  for (let b = 0; b < count; b++) info[b] = D.getrf(ms.data.subarray(b * m * n, (b + 1) * m * n), m, n, piv.subarray(b * k, (b + 1) * k));
  const LU = fromF64(ms.data, A.dtype, A.shape.slice());
  const pivots = intTensor(piv, [...ms.batch, k]);
  const infoT = intTensor(info, ms.batch);
  if (needsGrad(A)) record(new LinalgLuFactorExBackward0(), [A], [LU, pivots, infoT]).save(LU, pivots);
  return { LU, pivots, info: infoT };
}

/** linalg.luFactorEx(A, { pivot, checkErrors }): { LU, pivots, info } (LAPACK getrf; pivots 1-based int32). */
export function luFactorEx(A: Tensor, opts: { pivot?: boolean; checkErrors?: boolean } = {}): Named<{ LU: Tensor; pivots: Tensor; info: Tensor }> {
  checkTensor('linalg.lu_factor_ex', 'A', 1, A);
  const r = luFactorCore('linalg.lu_factor_ex', A, opts.pivot ?? true);
  if (opts.checkErrors) throwLuInfo('linalg.lu_factor_ex', r.info);
  return named(r);
}

function throwLuInfo(where: string, info: Tensor): void {
  const values = info.toTypedArray();
  for (let b = 0; b < values.length; b++) {
    const i = values[b] as number;
    if (i > 0) {
      throw new LinAlgError(`torch.${where}: ${info.dim() > 0 ? `(Batch element ${b}): ` : ''}U[${i},${i}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)`);
    }
  }
}

/** linalg.luFactor(A, { pivot }): { LU, pivots }; an exactly singular U throws as PyTorch does. */
export function luFactor(A: Tensor, opts: { pivot?: boolean } = {}): Named<{ LU: Tensor; pivots: Tensor }> {
  checkTensor('linalg.lu_factor', 'A', 1, A);
  const r = luFactorCore('linalg.lu_factor', A, opts.pivot ?? true);
  throwLuInfo('linalg.lu_factor', r.info);
  return named({ LU: r.LU, pivots: r.pivots });
}

/** The permutation matrices P of a batch of 1-based LAPACK pivots (A = P L U). */
function permutationOf(pivots: Tensor, m: number, dtype: Tensor['dtype']): Tensor {
  const k = pivots.shape[pivots.dim() - 1];
  const batch = pivots.shape.slice(0, -1);
  const count = batch.reduce((a, b) => a * b, 1);
  const piv = pivots.toTypedArray();
  const out = new Float64Array(count * m * m);
  const perm = new Int32Array(m);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let i = 0; i < k; i++) {
      const p = (piv[b * k + i] as number) - 1;
      if (p < 0 || p >= m) throw new RangeError(`lu_unpack: pivots must be between 1 and ${m}, but got ${p + 1}`);
      const t = perm[i];
      perm[i] = perm[p];
      perm[p] = t;
    }
    for (let i = 0; i < m; i++) out[b * m * m + perm[i] * m + i] = 1;
  }
  return fromF64(out, dtype, [...batch, m, m]);
}

/** torch.luUnpack(LU, pivots, unpackData, unpackPivots): { P, L, U } (differentiable in LU). */
export function luUnpack(LU: Tensor, pivots: Tensor, unpackData = true, unpackPivots = true): Named<{ P: Tensor; L: Tensor; U: Tensor }> {
  checkTensor('lu_unpack', 'LU_data', 1, LU);
  checkTensor('lu_unpack', 'LU_pivots', 2, pivots);
  const [m, n] = LU.shape.slice(-2);
  const k = Math.min(m, n);
  const empty = Tensor.empty([0], LU.dtype);
  let L = empty;
  let U = empty;
  if (unpackData) {
    L = tril(LU.narrow(-1, 0, k), -1).add(eyeOf(m, LU.dtype, k));
    U = triu(LU.narrow(-2, 0, k));
  }
  const P = unpackPivots ? permutationOf(pivots, m, LU.dtype) : empty;
  return named({ P, L, U });
}

/** linalg.lu(A, { pivot }): { P, L, U } with A = P L U. */
export function lu(A: Tensor, opts: { pivot?: boolean } = {}): Named<{ P: Tensor; L: Tensor; U: Tensor }> {
  checkTensor('linalg.lu', 'A', 1, A);
  const r = luFactorCore('linalg.lu', A, opts.pivot ?? true);
  return luUnpack(r.LU, r.pivots);
}

class LinalgLuSolveBackward0 extends Node {
  readonly name = 'LinalgLuSolveBackward0';
  constructor(private readonly adjoint: boolean, private readonly bShape: number[], private readonly luShape: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null, null];
    const [LU, pivots, X] = this.saved();
    const gB = this.next[2] ? sumToShape(luSolve(LU, pivots, g, { adjoint: !this.adjoint }), this.bShape) : null;
    let gLU: Tensor | null = null;
    if (this.next[0]) {
      const { P, L, U } = luUnpack(LU, pivots);
      if (!this.adjoint) {
        const gR = solveTriangular(mH(U), g.matmul(mH(X)).neg(), { upper: false });
        const gL = tril(solveTriangular(mH(L), gR.matmul(mH(U)), { upper: true, unitriangular: true }), -1);
        gLU = gL.add(triu(gR));
      } else {
        let gR = P.mT.matmul(X).matmul(mH(g)).matmul(P).neg();
        gR = solveTriangular(mH(L), gR, { upper: true, left: false, unitriangular: true });
        const gU = triu(solveTriangular(mH(U), mH(L).matmul(gR), { upper: false, left: false }));
        gLU = tril(gR, -1).add(gU);
      }
      gLU = sumToShape(gLU, this.luShape);
    }
    return [gLU, null, gB];
  }
}

/** linalg.luSolve(LU, pivots, B, { left, adjoint }): X with A X = B from A's LU factorization. */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, opts: { left?: boolean; adjoint?: boolean } = {}): Tensor {
  checkTensor('linalg.lu_solve', 'LU', 1, LU);
  checkTensor('linalg.lu_solve', 'pivots', 2, pivots);
  checkTensor('linalg.lu_solve', 'B', 3, B);
  const where = 'linalg.lu_solve';
  checkFloat(where, LU);
  checkSquare(where, LU, 'LU');
  checkMatrix(where, B, 'B');
  checkSameDtype(where, LU, B, 'LU', 'B');
  const adjoint = opts.adjoint ?? false;
  if (!(opts.left ?? true)) return luSolve(LU, pivots, B.mT, { adjoint: !adjoint }).mT;
  const n = LU.shape[LU.dim() - 1];
  if (B.shape[B.dim() - 2] !== n) {
    throw new RangeError(`${where}: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${B.shape.slice(-2).join('x')})`);
  }
  const batch = broadcastBatch(LU, B);
  const a = mats(expandBatch(LU, batch));
  const b = mats(expandBatch(B, batch));
  const pv = pivots.expand([...batch, n]).toTypedArray();
  const k = b.n;
  const piv = new Int32Array(n);
  for (let i = 0; i < a.count; i++) {
    for (let j = 0; j < n; j++) piv[j] = pv[i * n + j] as number;
    D.getrs(a.data.subarray(i * n * n, (i + 1) * n * n), piv, n, b.data.subarray(i * n * k, (i + 1) * n * k), k, adjoint);
  }
  const X = fromF64(b.data, LU.dtype, [...batch, n, k]);
  if (needsGrad(LU, B)) {
    record(new LinalgLuSolveBackward0(adjoint, B.shape.slice(), LU.shape.slice()), [LU, null, B], [X]).save(LU, pivots, X);
  }
  return X;
}
