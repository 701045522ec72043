// The rest of torch.linalg: pinv, matrixRank, lstsq, matrixPower, multiDot, cross,
// vecdot, diagonal, tensorinv, tensorsolve, vander, householderProduct, and the LAPACK
// twins geqrf / ormqr. Most are compositions of differentiable ops, as in PyTorch.
import { checkTensor } from '../tensor/args.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes, normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from '../ops/binary.js';
import { cat } from '../ops/join.js';
import { matmul } from '../ops/matmul.js';
import { needsGrad, record } from '../ops/record.js';
import { noGrad } from '../autograd/grad-mode.js';
import * as D from './dense.js';
import { eigh, epsOf, inv, svd } from './decompositions.js';
import { isVectorRhs, solve } from './solve.js';
import { checkFloat, checkMatrix, checkSquare, eyeOf, fromF64, mH, matAt, mats, named, tril, type Named } from './util.js';
import { asNumbers } from '../tensor/dtype.js';

type Grad = Tensor | null;
type Tol = number | Tensor | null | undefined;

function tolTensor(t: Tol): Tensor | null {
  if (t === null || t === undefined) return null;
  return t instanceof Tensor ? t : null;
}

/** max(atol, rtol * smax) per matrix, PyTorch's rule: rtol defaults to eps * max(m, n) unless atol > 0 is given. */
function tolerance(A: Tensor, smax: Tensor, atol: Tol, rtol: Tol): Tensor {
  const [m, n] = A.shape.slice(-2);
  const atolGiven = atol !== null && atol !== undefined;
  const atolPositive = atolGiven && (typeof atol === 'number' ? atol > 0 : true);
  const r = rtol ?? (atolPositive ? 0 : epsOf(A) * Math.max(m, n));
  const rt = tolTensor(r);
  let tol = rt !== null ? smax.mul(rt.unsqueeze(-1)) : smax.mul(r as number);
  if (atolGiven) {
    const at = tolTensor(atol);
    tol = at !== null ? tol.maximum(at.unsqueeze(-1).to(tol.dtype).expand(tol.shape)) : tol.clamp(atol as number);
  }
  return tol;
}

function pinvBackward(grad: Tensor, pinvA: Tensor, A: Tensor): Tensor {
  const [m, n] = A.shape.slice(-2);
  const pinvAh = mH(pinvA);
  const gradh = mH(grad);
  if (m <= n) {
    const K = gradh.matmul(pinvA);
    const KpinvAh = K.matmul(pinvAh);
    return mH(pinvA.matmul(K)).neg().add(KpinvAh).sub(A.matmul(pinvA).matmul(KpinvAh))
      .add(pinvAh.matmul(pinvA).matmul(gradh.sub(K.matmul(A))));
  }
  const K = pinvA.matmul(gradh);
  const pinvAhK = pinvAh.matmul(K);
  return mH(K.matmul(pinvA)).neg().add(gradh.sub(A.matmul(K)).matmul(pinvA).matmul(pinvAh)).add(pinvAhK)
    .sub(pinvAhK.matmul(pinvA).matmul(A));
}

class LinalgPinvBackward0 extends Node {
  readonly name = 'LinalgPinvBackward0';
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null];
    const [A, P] = this.saved();
    return [pinvBackward(g, P, A)];
  }
}

export interface PinvOptions {
  atol?: number | Tensor | null;
  rtol?: number | Tensor | null;
  hermitian?: boolean;
}

/** linalg.pinv(A, { atol, rtol, hermitian }): the Moore-Penrose pseudo-inverse through the SVD (or eigh). */
export function pinv(A: Tensor, opts: PinvOptions = {}): Tensor {
  checkTensor('linalg.pinv', 'A', 1, A);
  checkFloat('linalg.pinv', A);
  checkMatrix('linalg.pinv', A);
  const out = noGrad(() => {
    const x = A.detach();
    if (opts.hermitian) {
      const { eigenvalues: L, eigenvectors: V } = eigh(x);
      const absL = L.abs();
      const tol = tolerance(x, absL.amax(-1, true), opts.atol, opts.rtol);
      const Linv = where(absL.gt(tol), L.reciprocal(), 0);
      return V.mul(Linv.unsqueeze(-2)).matmul(mH(V));
    }
    const { U, S, Vh } = svd(x, false);
    const k = S.shape[S.dim() - 1];
    const smax = k === 0 ? S.sum(-1, true) : S.narrow(-1, 0, 1);
    const tol = tolerance(x, smax, opts.atol, opts.rtol);
    const Sinv = where(S.gt(tol), S.reciprocal(), 0);
    return mH(Vh).mul(Sinv.unsqueeze(-2)).matmul(mH(U));
  });
  const res = new Tensor(out._storage, out.dtype, out.shape.slice(), out.strides.slice(), out.offset);
  if (needsGrad(A)) record(new LinalgPinvBackward0(), [A], [res]).save(A, res);
  return res;
}

/** linalg.matrixRank(A, { atol, rtol, hermitian }): the number of singular values above the tolerance (int64). */
export function matrixRank(A: Tensor, opts: PinvOptions = {}): Tensor {
  checkTensor('linalg.matrix_rank', 'A', 1, A);
  checkFloat('linalg.matrix_rank', A);
  checkMatrix('linalg.matrix_rank', A);
  return noGrad(() => {
    const x = A.detach();
    const S = opts.hermitian ? eigh(x).eigenvalues.abs() : svd(x, false).S;
    const k = S.shape[S.dim() - 1];
    const smax = k === 0 ? S.sum(-1, true) : S.amax(-1, true);
    const tol = tolerance(x, smax, opts.atol, opts.rtol);
    return S.gt(tol).sum(-1);
  });
}

// --- lstsq ---

class LinalgLstsqBackward0 extends Node {
  readonly name = 'LinalgLstsqBackward0';
  constructor(private readonly vector: boolean) {
    super();
  }
  backward([gX]: Grad[]): Grad[] {
    if (gX === null) return [null, null];
    const [A, B0] = this.saved();
    const B = this.vector ? B0.unsqueeze(-1) : B0;
    const g = this.vector ? gX.unsqueeze(-1) : gX;
    const P = pinv(A);
    const gA = this.next[0] ? pinvBackward(g.matmul(mH(B)), P, A) : null;
    let gB = this.next[1] ? mH(P).matmul(g) : null;
    if (gB !== null && this.vector) gB = gB.squeeze(-1);
    return [gA, gB];
  }
}

export type LstsqDriver = 'gels' | 'gelsy' | 'gelsd' | 'gelss';

/**
 * linalg.lstsq(A, B, rcond=null, { driver }): { solution, residuals, rank, singularValues } with
 * PyTorch's CPU rules per driver (default 'gelsy': rank, no residuals or singular values).
 * The solution is the minimum-norm least-squares one, computed through the SVD.
 */
export function lstsq(A: Tensor, B: Tensor, rcond: number | null = null, opts: { driver?: LstsqDriver | null } = {}): Named<{ solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor }> {
  checkTensor('linalg.lstsq', 'A', 1, A);
  checkTensor('linalg.lstsq', 'B', 2, B);
  checkFloat('torch.linalg.lstsq', A);
  checkMatrix('torch.linalg.lstsq', A);
  const driver = opts.driver ?? 'gelsy';
  if (!['gels', 'gelsy', 'gelsd', 'gelss'].includes(driver)) {
    throw new RangeError(`torch.linalg.lstsq: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  }
  if (A.dtype !== B.dtype) throw new TypeError(`torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype ${A.dtype} and other's dtype ${B.dtype}`);
  const vector = B.dim() === A.dim() - 1;
  if (!vector && B.dim() !== A.dim()) throw new RangeError('torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1');
  const [m, n] = A.shape.slice(-2);
  const Bm = vector ? B.unsqueeze(-1) : B;
  if (Bm.shape[Bm.dim() - 2] !== m) {
    throw new RangeError(`torch.linalg.lstsq: input.size(-2) should match other.size(-2)`);
  }
  const rc = rcond ?? epsOf(A) * Math.max(m, n);
  const r = noGrad(() => {
    const x = A.detach();
    const { U, S, Vh } = svd(x, false);
    const k = S.shape[S.dim() - 1];
    const smax = k === 0 ? S.sum(-1, true) : S.narrow(-1, 0, 1);
    const keep = S.gt(smax.mul(rc));
    const Sinv = where(keep, S.reciprocal(), 0);
    const P = mH(Vh).mul(Sinv.unsqueeze(-2)).matmul(mH(U));
    const X = P.matmul(Bm.detach());
    return { X, rank: keep.sum(-1), S };
  });
  let solution = new Tensor(r.X._storage, r.X.dtype, r.X.shape.slice(), r.X.strides.slice(), r.X.offset);
  if (vector) solution = new Tensor(solution.contiguous()._storage, solution.dtype, solution.shape.slice(0, -1));
  if (needsGrad(A, B)) record(new LinalgLstsqBackward0(vector), [A, B], [solution]).save(A, B);
  const empty = Tensor.empty([0], A.dtype);
  const rank = driver === 'gels' ? Tensor.empty([0], 'int64') : r.rank;
  const singularValues = driver === 'gelsd' || driver === 'gelss' ? r.S : empty;
  let residuals = empty;
  const fullRank = Array.from(asNumbers(r.rank.toTypedArray())).every((v) => v === n);
  if (driver !== 'gelsy' && m > n && fullRank) {
    // Not differentiable in PyTorch 1.13 (only the solution is).
    residuals = noGrad(() => A.detach().matmul(r.X).sub(Bm.detach()).pow(2).sum(-2));
    if (vector) residuals = residuals.squeeze(-1);
  }
  return named({ solution, residuals, rank, singularValues });
}

// --- products ---

/** linalg.matrixPower(A, n): A^n by repeated squaring (n < 0 inverts first). */
export function matrixPower(A: Tensor, n: number): Tensor {
  checkTensor('linalg.matrix_power', 'A', 1, A);
  if (!Number.isInteger(n)) throw new TypeError(`linalg.matrix_power(): argument 'n' must be an int, not ${typeof n}`);
  checkSquare('linalg.matrix_power', A);
  const size = A.shape[A.dim() - 1];
  if (n === 0) return eyeOf(size, A.dtype).expand(A.shape).clone();
  let base = n < 0 ? inv(A) : A;
  let k = Math.abs(n);
  if (k === 1) return n < 0 ? base : A.clone();
  if (k === 2) return base.matmul(base);
  if (k === 3) return base.matmul(base).matmul(base);
  let result: Tensor | null = null;
  while (k > 0) {
    if (k & 1) result = result === null ? base : result.matmul(base);
    k >>= 1;
    if (k > 0) base = base.matmul(base);
  }
  return result as Tensor;
}

/** linalg.multiDot(tensors): the chained product, the first / last may be vectors. */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  if (!Array.isArray(tensors)) throw new TypeError('multi_dot(): argument \'tensors\' must be a list of Tensors');
  const n = tensors.length;
  if (n < 2) throw new RangeError(`multi_dot(): expected at least 2 tensors but got ${n}`);
  tensors.forEach((t, i) => checkTensor('multi_dot', `tensors[${i}]`, 1, t));
  const first = tensors[0];
  const last = tensors[n - 1];
  if (first.dim() !== 1 && first.dim() !== 2) throw new RangeError(`multi_dot(): the first tensor must be 1D or 2D but got ${first.dim()}D`);
  if (last.dim() !== 1 && last.dim() !== 2) throw new RangeError(`multi_dot(): the last tensor must be 1D or 2D but got ${last.dim()}D`);
  for (let i = 1; i < n - 1; i++) {
    if (tensors[i].dim() !== 2) throw new RangeError(`multi_dot(): tensor ${i} must be 2D but got ${tensors[i].dim()}D`);
  }
  if (n === 2) return matmul(first, last);
  const ms = tensors.map((t, i) => (t.dim() === 1 ? (i === 0 ? t.unsqueeze(0) : t.unsqueeze(1)) : t));
  for (let i = 1; i < n; i++) {
    if (ms[i - 1].shape[1] !== ms[i].shape[0]) {
      throw new RangeError(`multi_dot(): tensors ${i - 1} and ${i} with shapes [${ms[i - 1].shape.join(', ')}] and [${ms[i].shape.join(', ')}] cannot be multiplied`);
    }
  }
  let out = ms[0];
  for (let i = 1; i < n; i++) out = out.mm(ms[i]);
  if (first.dim() === 1) out = out.squeeze(0);
  if (last.dim() === 1) out = out.squeeze(-1);
  return out;
}

/** linalg.cross(input, other, { dim = -1 }): the 3-vector cross product along dim (broadcast). */
export function cross(input: Tensor, other: Tensor, opts: { dim?: number } = {}): Tensor {
  checkTensor('linalg.cross', 'input', 1, input);
  checkTensor('linalg.cross', 'other', 2, other);
  const dim = opts.dim ?? -1;
  if (input.dim() !== other.dim()) throw new RangeError(`linalg.cross: inputs must have the same number of dimensions.`);
  const d = normalizeDim(dim, input.dim());
  if (input.shape[d] !== 3 || other.shape[d] !== 3) {
    throw new RangeError(`linalg.cross: inputs dimension ${dim} must have length 3. Got ${input.shape[d]} and ${other.shape[d]}`);
  }
  const a = (i: number) => input.narrow(d, i, 1);
  const b = (i: number) => other.narrow(d, i, 1);
  return cat([
    a(1).mul(b(2)).sub(a(2).mul(b(1))),
    a(2).mul(b(0)).sub(a(0).mul(b(2))),
    a(0).mul(b(1)).sub(a(1).mul(b(0))),
  ], d);
}

/** linalg.vecdot(x, y, { dim = -1 }): sum(x * y) along dim. */
export function vecdot(x: Tensor, y: Tensor, opts: { dim?: number } = {}): Tensor {
  checkTensor('linalg.vecdot', 'x', 1, x);
  checkTensor('linalg.vecdot', 'y', 2, y);
  if (x.dtype !== y.dtype) throw new TypeError(`linalg.vecdot: Expected x and y to have the same dtype, but found x of type ${x.dtype} and y of type ${y.dtype} instead`);
  return x.mul(y).sum(opts.dim ?? -1);
}

/** linalg.diagonal(A, { offset, dim1, dim2 }): the diagonal (a copy; differentiable), moved to the last dim. */
export function diagonal(A: Tensor, opts: { offset?: number; dim1?: number; dim2?: number } = {}): Tensor {
  checkTensor('linalg.diagonal', 'A', 1, A);
  const offset = opts.offset ?? 0;
  const d1 = normalizeDim(opts.dim1 ?? -2, A.dim());
  const d2 = normalizeDim(opts.dim2 ?? -1, A.dim());
  if (d1 === d2) throw new RangeError(`diagonal dimensions cannot be identical ${opts.dim1 ?? -2}, ${opts.dim2 ?? -1}`);
  const rest = Array.from({ length: A.dim() }, (_, i) => i).filter((i) => i !== d1 && i !== d2);
  let x = A.permute([...rest, d1, d2]);
  const [m, n] = x.shape.slice(-2);
  if (offset >= 0) x = x.narrow(-1, Math.min(offset, n), Math.max(0, n - offset));
  else x = x.narrow(-2, Math.min(-offset, m), Math.max(0, m + offset));
  const [p, q] = x.shape.slice(-2);
  const k = Math.min(p, q);
  if (k === 0) return Tensor.empty([...x.shape.slice(0, -2), 0], A.dtype);
  return x.narrow(-2, 0, k).narrow(-1, 0, k).mul(eyeOf(k, A.dtype)).sum(-1);
}

/** linalg.tensorinv(A, ind=2): the inverse with respect to the tensordot over the first ind dims. */
export function tensorinv(A: Tensor, ind = 2): Tensor {
  checkTensor('linalg.tensorinv', 'A', 1, A);
  if (!(ind > 0)) throw new RangeError(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const outer = A.shape.slice(0, ind);
  const inner = A.shape.slice(ind);
  const rows = outer.reduce((a, b) => a * b, 1);
  const cols = inner.reduce((a, b) => a * b, 1);
  if (rows !== cols) {
    throw new RangeError(`Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${cols} != ${rows}`);
  }
  return inv(A.reshape(rows, cols)).reshape([...inner, ...outer]);
}

/** linalg.tensorsolve(A, B, dims=null): X with tensordot(A, X, X.ndim) = B. */
export function tensorsolve(A: Tensor, B: Tensor, dims: readonly number[] | null = null): Tensor {
  checkTensor('linalg.tensorsolve', 'A', 1, A);
  checkTensor('linalg.tensorsolve', 'B', 2, B);
  let a = A;
  if (dims !== null) {
    const moved = dims.map((d) => normalizeDim(d, A.dim()));
    const keep = Array.from({ length: A.dim() }, (_, i) => i).filter((i) => !moved.includes(i));
    a = A.permute([...keep, ...moved]);
  }
  const resultShape = a.shape.slice(B.dim());
  const rows = B.numel();
  const cols = resultShape.reduce((x, y) => x * y, 1);
  if (rows !== cols) {
    throw new RangeError(`Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${cols} != ${rows}`);
  }
  return solve(a.reshape(rows, cols), B.reshape(rows)).reshape(resultShape);
}

/** linalg.vander(x, N=null): [..., n, N] with columns x^0, x^1, …, x^(N-1). */
export function vander(x: Tensor, N: number | null = null): Tensor {
  checkTensor('linalg.vander', 'x', 1, x);
  if (x.dim() === 0) throw new RangeError('x must be at least 1-dimensional.');
  const n = N ?? x.shape[x.dim() - 1];
  if (n < 0) throw new RangeError('N must be non-negative.');
  if (n === 0) return Tensor.empty([...x.shape, 0], x.dtype === 'bool' ? 'int64' : x.dtype);
  const col = x.unsqueeze(-1);
  const ones = col.mul(0).add(1);
  if (n === 1) return ones;
  return cat([ones, col.expand([...x.shape, n - 1])], -1).cumprod(-1);
}

/** Q = H_1 … H_k applied to the first n columns of the identity, as differentiable ops. */
function householderCompose(A: Tensor, tau: Tensor, C: Tensor | null, left = true, transpose = false): Tensor {
  const [m, n] = A.shape.slice(-2);
  const k = tau.shape[tau.dim() - 1];
  // The reflectors: unit lower triangular columns of A.
  const V = tril(A, -1).add(eyeOf(m, A.dtype, n));
  const apply = (X: Tensor, i: number) => {
    const v = V.narrow(-1, i, 1); // [..., m, 1]
    const t = tau.narrow(-1, i, 1).unsqueeze(-1); // [..., 1, 1]
    if (left) return X.sub(v.mul(t).matmul(mH(v).matmul(X)));
    return X.sub(X.matmul(v).mul(t).matmul(mH(v)));
  };
  let X = C ?? eyeOf(m, A.dtype, n).expand([...A.shape.slice(0, -2), m, n]);
  // Left: Q X = H_1 (H_2 (… H_k X)); Q^T X = H_k (… H_1 X). Right: X Q = ((X H_1) H_2) …; X Q^T = ((X H_k) …) H_1.
  const forward = left === transpose;
  for (let j = 0; j < k; j++) X = apply(X, forward ? j : k - 1 - j);
  return X;
}

/** linalg.householderProduct(A, tau): the first n columns of H_1 … H_k (LAPACK orgqr), differentiable. */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  checkTensor('linalg.householder_product', 'input', 1, A);
  checkTensor('linalg.householder_product', 'tau', 2, tau);
  checkFloat('torch.linalg.householder_product', A, 'input');
  if (A.dim() < 2) throw new RangeError('torch.linalg.householder_product: input must have at least 2 dimensions.');
  const [m, n] = A.shape.slice(-2);
  if (m < n) throw new RangeError('torch.linalg.householder_product: input.shape[-2] must be greater than or equal to input.shape[-1]');
  if (tau.shape[tau.dim() - 1] > n) throw new RangeError('torch.linalg.householder_product: input.shape[-1] must be greater than or equal to tau.shape[-1]');
  if (tau.dim() !== A.dim() - 1) throw new RangeError('torch.linalg.householder_product: Expected tau to have one dimension less than input');
  return householderCompose(A, tau, null);
}

/** torch.ormqr(A, tau, C, left, transpose): Q C, Q^T C, C Q or C Q^T with Q from geqrf's reflectors. */
export function ormqr(A: Tensor, tau: Tensor, C: Tensor, left = true, transpose = false): Tensor {
  checkTensor('ormqr', 'input', 1, A);
  checkTensor('ormqr', 'input2', 2, tau);
  checkTensor('ormqr', 'input3', 3, C);
  const m = A.shape[A.dim() - 2];
  const expect = left ? C.shape[C.dim() - 2] : C.shape[C.dim() - 1];
  if (expect !== m) throw new RangeError(`torch.ormqr: input.shape[-2] must be equal to other.shape[${left ? -2 : -1}]`);
  return householderCompose(A, tau, C, left, transpose);
}

/** torch.geqrf(A): { a, tau }, LAPACK's packed QR (not differentiable in PyTorch either). */
export function geqrf(A: Tensor): Named<{ a: Tensor; tau: Tensor }> {
  checkTensor('geqrf', 'input', 1, A);
  checkFloat('torch.geqrf', A);
  checkMatrix('torch.geqrf', A, 'input');
  const ms = mats(A);
  const { m, n, count } = ms;
  const k = Math.min(m, n);
  const out = new Float64Array(count * m * n);
  const taus = new Float64Array(count * k);
  for (let b = 0; b < count; b++) {
    const a = matAt(ms, b);
    D.geqrf(a, m, n, taus.subarray(b * k, (b + 1) * k));
    out.set(a, b * m * n);
  }
  return named({ a: fromF64(out, A.dtype, A.shape.slice()), tau: fromF64(taus, A.dtype, [...ms.batch, k]) });
}

export { isVectorRhs };

function ldlCore(where: string, A: Tensor, checkErrors: boolean): { LD: Tensor; pivots: Tensor; info: Tensor } {
  checkFloat(where, A);
  checkSquare(where, A);
  const ms = mats(A);
  const n = ms.n;
  const piv = new Int32Array(ms.count * n);
  const info = new Int32Array(ms.count);
  for (let b = 0; b < ms.count; b++) {
    info[b] = D.sytrf(ms.data.subarray(b * n * n, (b + 1) * n * n), n, piv.subarray(b * n, (b + 1) * n));
    if (checkErrors && info[b] > 0) {
      throw new Error(`torch.${where}: ${ms.batch.length > 0 ? `(Batch element ${b}): ` : ''}The factorization could not be completed because the input is not invertible (the diagonal element ${info[b]} is zero).`);
    }
  }
  return { LD: fromF64(ms.data, A.dtype, A.shape.slice()), pivots: Tensor.fromData(piv, 'int32', [...ms.batch, n]), info: Tensor.fromData(info, 'int32', ms.batch) };
}

/** linalg.ldlFactorEx(A, { hermitian, checkErrors }): { LD, pivots, info } (LAPACK sytrf, lower; not differentiable, as in PyTorch). */
export function ldlFactorEx(A: Tensor, opts: { hermitian?: boolean; checkErrors?: boolean } = {}): Named<{ LD: Tensor; pivots: Tensor; info: Tensor }> {
  checkTensor('linalg.ldl_factor_ex', 'A', 1, A);
  return named(ldlCore('linalg.ldl_factor_ex', A, opts.checkErrors ?? false));
}

export function ldlFactor(A: Tensor, opts: { hermitian?: boolean } = {}): Named<{ LD: Tensor; pivots: Tensor }> {
  checkTensor('linalg.ldl_factor', 'A', 1, A);
  void opts;
  const r = ldlCore('linalg.ldl_factor', A, true);
  return named({ LD: r.LD, pivots: r.pivots });
}

/** linalg.ldlSolve(LD, pivots, B, { hermitian }): X with A X = B from ldlFactor's output. */
export function ldlSolve(LD: Tensor, pivots: Tensor, B: Tensor, opts: { hermitian?: boolean } = {}): Tensor {
  checkTensor('linalg.ldl_solve', 'LD', 1, LD);
  checkTensor('linalg.ldl_solve', 'pivots', 2, pivots);
  checkTensor('linalg.ldl_solve', 'B', 3, B);
  void opts;
  checkFloat('torch.linalg.ldl_solve', LD);
  checkSquare('torch.linalg.ldl_solve', LD, 'LD');
  checkMatrix('torch.linalg.ldl_solve', B, 'B');
  const n = LD.shape[LD.dim() - 1];
  const batch = broadcastShapes(LD.shape.slice(0, -2), B.shape.slice(0, -2));
  const a = mats(LD.expand([...batch, n, n]));
  const b = mats(B.expand([...batch, ...B.shape.slice(-2)]));
  const pv = pivots.expand([...batch, n]).toTypedArray();
  const m = b.n;
  const piv = new Int32Array(n);
  for (let i = 0; i < a.count; i++) {
    for (let j = 0; j < n; j++) piv[j] = pv[i * n + j] as number;
    D.sytrs(a.data.subarray(i * n * n, (i + 1) * n * n), n, piv, b.data.subarray(i * n * m, (i + 1) * n * m), m);
  }
  return fromF64(b.data, LD.dtype, [...batch, n, m]);
}
