// The torch.* twins and Tensor methods of the linear algebra functions, against torch.linalg
// (whose values the fixture tests check against PyTorch), and their node names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/index.js';

type T = torch.Tensor;
const L = torch.linalg;
const f64 = { dtype: 'float64' } as const;

function close(a: T, b: T, tol = 1e-10): void {
  assert.deepEqual(a.shape, b.shape);
  const x = Array.from(a.toTypedArray() as Float64Array);
  const y = Array.from(b.toTypedArray() as Float64Array);
  x.forEach((v, i) => assert.ok(Math.abs(v - y[i]) <= tol * (1 + Math.abs(y[i])), `element ${i}: ${v} vs ${y[i]}`));
}

const A = torch.tensor([[4, 1, 2], [1, 3, 0.5], [2, 0.5, 5]], f64);
const W = torch.tensor([[1, 2, 3, 4], [0, 1, -1, 2], [3, 0, 1, 1]], f64);

describe('Tensor methods and torch.* twins', () => {
  it('det, logdet, slogdet, inverse, matrixPower, matrixExp', () => {
    close(A.det(), L.det(A));
    close(torch.det(A), L.det(A));
    close(A.logdet(), L.det(A).log());
    assert.ok(Number.isNaN(torch.logdet(A.neg()).item()));
    const [sign, logabsdet] = A.slogdet();
    close(sign, L.slogdet(A).sign);
    close(logabsdet, L.slogdet(A).logabsdet);
    close(A.inverse(), L.inv(A));
    close(A.matrixPower(3), A.matmul(A).matmul(A));
    close(torch.matrixExp(A.mul(0.1)), L.matrixExp(A.mul(0.1)));
    close(A.matrixExp(), L.matrixExp(A));
  });

  it('cholesky, choleskySolve, choleskyInverse', () => {
    const l = A.cholesky();
    close(l, L.cholesky(A));
    close(A.cholesky(true), L.cholesky(A, { upper: true }));
    const b = torch.tensor([[1, 2], [3, 4], [5, 6]], f64);
    close(b.choleskySolve(l), L.solve(A, b));
    close(torch.choleskySolve(b, l.mT, { upper: true }), L.solve(A, b));
    close(l.choleskyInverse(), L.inv(A));
  });

  it('qr (some), svd (V, some, computeUv), pinverse', () => {
    const { Q, R } = W.mT.qr();
    close(Q.matmul(R), W.mT);
    assert.deepEqual(torch.qr(W.mT, false).Q.shape, [4, 4]);
    const { U, S, V } = W.svd();
    close(U.mul(S).matmul(V.mT), W);
    const full = torch.svd(W, { some: false });
    assert.deepEqual([full.U.shape, full.V.shape], [[3, 3], [4, 4]]);
    const noUv = W.svd(true, false);
    close(noUv.S, L.svdvals(W));
    assert.equal(noUv.U.abs().sum().item(), 0);
    close(W.pinverse(), L.pinv(W));
  });

  it('lu, luSolve, luUnpack, triangularSolve', () => {
    const [LU, pivots] = A.lu();
    assert.equal(pivots.dtype, 'int32');
    const { P, L: Lf, U } = torch.luUnpack(LU, pivots);
    close(P.matmul(Lf).matmul(U), A);
    const b = torch.tensor([[1], [2], [3]], f64);
    close(b.luSolve(LU, pivots), L.solve(A, b));
    assert.equal(torch.lu(A, { getInfos: true }).length, 3);
    const t = A.triu();
    const r = b.triangularSolve(t);
    close(t.matmul(r.solution), b);
    close(r.clonedCoefficient, t);
    const rt = torch.triangularSolve(b, t, { transpose: true });
    close(t.mT.matmul(rt.solution), b);
  });

  it('geqrf, orgqr, ormqr', () => {
    const M = W.mT.contiguous();
    const { a, tau } = M.geqrf();
    const Q = a.orgqr(tau);
    close(Q, L.qr(M).Q);
    const c = torch.tensor([[1, 0], [0, 1], [1, 1], [2, -1]], f64);
    const full = L.qr(M, 'complete').Q;
    close(a.ormqr(tau, c), full.matmul(c));
    close(torch.ormqr(a, tau, c, true, true), full.mT.matmul(c));
    close(torch.ormqr(a, tau, c.mT, { left: false }), c.mT.matmul(full));
  });

  it('cross: torch.cross picks the first dim of size 3, linalg.cross the last', () => {
    const x = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]], f64);
    const y = torch.tensor([[0, 1, 0], [0, 0, 1], [1, 0, 0]], f64);
    close(x.cross(y, 1), L.cross(x, y));
    close(torch.cross(x, y), L.cross(x, y, { dim: 0 }));
  });

  it('named tuples destructure and backward nodes carry PyTorch names', () => {
    const x = A.clone().requiresGrad_(true);
    const [Q, R] = L.qr(x);
    assert.equal(Q.gradFn?.name, 'LinalgQrBackward0');
    assert.equal(R.gradFn?.name, 'LinalgQrBackward0');
    assert.equal(L.det(x).gradFn?.name, 'LinalgDetBackward0');
    assert.equal(L.inv(x).gradFn?.name, 'LinalgInvExBackward0');
    assert.equal(L.svd(x).S.gradFn?.name, 'LinalgSvdBackward0');
    assert.equal(L.eigh(x).eigenvalues.gradFn?.name, 'LinalgEighBackward0');
    assert.equal(L.cholesky(x).gradFn?.name, 'LinalgCholeskyExBackward0');
    assert.equal(L.matrixExp(x).gradFn?.name, 'LinalgMatrixExpBackward0');
    const { U, S, Vh } = L.svd(x);
    close(U.mul(S).matmul(Vh).detach(), A);
  });
});
