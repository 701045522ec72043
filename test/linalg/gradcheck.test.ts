// gradcheck (float64 finite differences) for every differentiable torch.linalg function,
// and gradgradcheck for the ones whose backward is itself differentiable ops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/index.js';

type T = torch.Tensor;
const L = torch.linalg;
const { gradcheck, gradgradcheck } = torch.autograd;

function mat(shape: number[], seed: number, diag = 0): T {
  const g = new torch.Generator().manualSeed(seed);
  let x = torch.randn(shape, { dtype: 'float64', generator: g });
  if (diag !== 0) x = x.add(torch.eye(shape[shape.length - 1], { dtype: 'float64' }).mul(diag));
  return x.requiresGrad_(true);
}
const sym = (x: T) => x.add(x.mT);
const spd = (x: T) => x.matmul(x.mT).add(torch.eye(x.shape[x.dim() - 1], { dtype: 'float64' }).mul(2));
const svdInv = (r: { U: T; S: T; Vh: T }) => [r.S, r.U.mul(r.U), r.Vh.mul(r.Vh)];

const cases: [string, (...xs: T[]) => T | T[], () => T[]][] = [
  ['det', (a) => L.det(a), () => [mat([2, 3, 3], 1, 2)]],
  ['slogdet', (a) => L.slogdet(a).logabsdet, () => [mat([3, 3], 2, 2)]],
  ['inv', (a) => L.inv(a), () => [mat([2, 3, 3], 3, 2)]],
  ['solve', (a, b) => L.solve(a, b), () => [mat([2, 3, 3], 4, 2), mat([3, 2], 5)]],
  ['solve vector left=false', (a, b) => L.solve(a, b, { left: false }), () => [mat([3, 3], 6, 2), mat([3], 7)]],
  ['solveTriangular', (a, b) => L.solveTriangular(a, b, { upper: true }), () => [mat([3, 3], 8, 3), mat([3, 2], 9)]],
  ['solveTriangular right unit', (a, b) => L.solveTriangular(a, b, { upper: false, left: false, unitriangular: true }), () => [mat([3, 3], 10), mat([2, 3], 11)]],
  ['cholesky', (a) => L.cholesky(spd(a)), () => [mat([2, 3, 3], 12)]],
  ['cholesky upper', (a) => L.cholesky(spd(a), { upper: true }), () => [mat([3, 3], 13)]],
  ['qr tall', (a) => [...L.qr(a)], () => [mat([4, 3], 14)]],
  ['qr wide', (a) => [...L.qr(a)], () => [mat([2, 4], 15)]],
  ['svd tall', (a) => svdInv(L.svd(a, false)), () => [mat([4, 3], 16)]],
  ['svd wide full', (a) => svdInv(L.svd(a, false)), () => [mat([2, 3], 17)]],
  ['svdvals', (a) => L.svdvals(a), () => [mat([3, 3], 18)]],
  ['eigh', (a) => {
    const r = L.eigh(sym(a));
    return [r.eigenvalues, r.eigenvectors.mul(r.eigenvectors)];
  }, () => [mat([3, 3], 19)]],
  ['eigvalsh', (a) => L.eigvalsh(sym(a)), () => [mat([2, 3, 3], 20)]],
  ['matrixExp', (a) => L.matrixExp(a), () => [mat([3, 3], 21)]],
  ['pinv', (a) => L.pinv(a), () => [mat([4, 3], 22)]],
  ['pinv wide', (a) => L.pinv(a), () => [mat([2, 4], 23)]],
  ['lstsq', (a, b) => L.lstsq(a, b).solution, () => [mat([4, 3], 24), mat([4, 2], 25)]],
  ['luFactor', (a) => L.luFactor(a).LU, () => [mat([3, 3], 26)]],
  ['lu', (a) => {
    const r = L.lu(a);
    return [r.L, r.U];
  }, () => [mat([3, 3], 27)]],
  ['lu wide', (a) => {
    const r = L.lu(a);
    return [r.L, r.U];
  }, () => [mat([2, 3], 28)]],
  ['lu tall', (a) => {
    const r = L.lu(a);
    return [r.L, r.U];
  }, () => [mat([3, 2], 29)]],
  ['luSolve', (lu, b) => L.luSolve(lu, L.luFactor(torch.eye(3, { dtype: 'float64' }).add(lu.detach().mul(0))).pivots, b), () => [mat([3, 3], 30, 3), mat([3, 2], 31)]],
  ['luSolve adjoint (through luFactor)', (a, b) => {
    const { LU, pivots } = L.luFactor(a);
    return L.luSolve(LU, pivots, b, { adjoint: true });
  }, () => [mat([3, 3], 32, 1), mat([3, 2], 33)]],
  ['householderProduct', (a, tau) => L.householderProduct(a, tau), () => [mat([4, 3], 34), mat([2], 35)]],
  ['matrixNorm nuc', (a) => L.matrixNorm(a, 'nuc'), () => [mat([3, 3], 36)]],
  ['matrixNorm 2 / inf', (a) => [L.matrixNorm(a, 2), L.matrixNorm(a, Infinity)], () => [mat([3, 4], 37)]],
  ['vectorNorm', (a) => [L.vectorNorm(a, 3), L.norm(a)], () => [mat([3, 4], 38)]],
  ['cond', (a) => L.cond(a), () => [mat([3, 3], 39, 2)]],
  ['matrixPower', (a) => [L.matrixPower(a, 4), L.matrixPower(a, -1)], () => [mat([3, 3], 40, 2)]],
  ['multiDot', (a, b, c) => L.multiDot([a, b, c]), () => [mat([3], 41), mat([3, 4], 42), mat([4, 2], 43)]],
  ['cross / vecdot', (a, b) => [L.cross(a, b), L.vecdot(a, b)], () => [mat([2, 3], 44), mat([2, 3], 45)]],
  ['tensorinv / tensorsolve', (a, b) => [L.tensorinv(a.reshape(2, 3, 6), { ind: 2 }), L.tensorsolve(a.reshape(6, 2, 3), b)], () => [mat([6, 6], 46, 3), mat([6], 47)]],
  ['vander / diagonal', (a) => [L.vander(a.flatten()), L.diagonal(a, { offset: -1 })], () => [mat([2, 2], 48)]],
  ['torch.choleskySolve / choleskyInverse', (b, l) => [torch.choleskySolve(b, l.tril().add(torch.eye(3, { dtype: 'float64' }).mul(3))), torch.choleskyInverse(l.tril().add(torch.eye(3, { dtype: 'float64' }).mul(3)))], () => [mat([3, 2], 49), mat([3, 3], 50)]],
  ['torch.svd / logdet / triangularSolve', (a, b) => {
    const r = torch.svd(a);
    return [r.S, r.V.mul(r.V), torch.logdet(spd(a)), torch.triangularSolve(b, a.add(torch.eye(3, { dtype: 'float64' }).mul(3)), { transpose: true }).solution];
  }, () => [mat([3, 3], 51), mat([3, 2], 52)]],
  ['torch.ormqr', (a, tau, c) => torch.ormqr(a, tau, c, { transpose: true }), () => [mat([4, 3], 53), mat([3], 54), mat([4, 2], 55)]],
];

describe('linalg gradcheck (float64)', () => {
  for (const [name, fn, make] of cases) {
    it(name, () => {
      assert.ok(gradcheck(fn, make(), { eps: 1e-6, atol: 1e-5, rtol: 1e-4 }));
    });
  }

  it('det at a singular matrix (the SVD path) and in a mixed batch', () => {
    const singular = torch.tensor([[1, 2, 3], [2, 4, 6], [1, 0, 1]], { dtype: 'float64' });
    const a = torch.stack([singular, torch.eye(3, { dtype: 'float64' }).mul(2)]).requiresGrad_(true);
    const g = torch.autograd.grad(L.det(a).sum(), [a])[0] as T;
    // The cofactor matrix of each: adj(A)^T.
    const cof = (m: number[][]) => m.map((_, i) => m.map((__, j) => {
      const minor = m.filter((___, r) => r !== i).map((row) => row.filter((____, c) => c !== j));
      return ((i + j) % 2 === 0 ? 1 : -1) * (minor[0][0] * minor[1][1] - minor[0][1] * minor[1][0]);
    }));
    const want = [cof(singular.tolist() as number[][]), cof([[2, 0, 0], [0, 2, 0], [0, 0, 2]])].flat(2);
    const got = Array.from(g.toTypedArray() as Float64Array);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-9, `element ${i}: ${v} vs ${want[i]}`));
  });
});

describe('linalg gradgradcheck (float64)', () => {
  const second: [string, (...xs: T[]) => T | T[], () => T[]][] = [
    ['det', (a) => L.det(a), () => [mat([3, 3], 60, 2)]],
    ['inv', (a) => L.inv(a), () => [mat([2, 2], 61, 2)]],
    ['solve', (a, b) => L.solve(a, b), () => [mat([2, 2], 62, 2), mat([2, 1], 63)]],
    ['cholesky', (a) => L.cholesky(spd(a)), () => [mat([2, 2], 64)]],
    ['eigvalsh', (a) => L.eigvalsh(sym(a)), () => [mat([2, 2], 65)]],
    ['matrixExp', (a) => L.matrixExp(a), () => [mat([2, 2], 66)]],
  ];
  for (const [name, fn, make] of second) {
    it(name, () => {
      assert.ok(gradgradcheck(fn, make(), { eps: 1e-6, atol: 1e-4, rtol: 1e-3 }));
    });
  }
});
