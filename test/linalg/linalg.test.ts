// torch.linalg against PyTorch 1.13 (scripts/fixtures/linalg.py): forward values and the
// gradients of a weighted sum of the outputs, float64 and float32. Singular vectors and
// eigenvectors have implementation-defined signs, so those cases compare sign-invariant
// quantities (S, U*U, Vh*Vh, V*V, U diag(c) Vh), as the fixture script does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type T = torch.Tensor;
const L = torch.linalg;

interface Run {
  outputs: TensorJson[];
  grads?: (TensorJson | null)[];
}
interface Case {
  inputs: TensorJson[];
  weights: (TensorJson | null)[];
  float64: Run;
  float32: Run;
}
const fixture = loadFixture<{ cases: Record<string, Case>; errors: Record<string, string | null> }>('linalg.json');

const svdParts = (a: T, r: { U: T; S: T; Vh: T }) => {
  const k = r.S.shape[r.S.dim() - 1];
  const c = torch.arange(1, k + 1, { dtype: a.dtype });
  return [r.S, r.U.mul(r.U), r.Vh.mul(r.Vh), r.U.mul(c).matmul(r.Vh)];
};

const FNS: Record<string, (...xs: T[]) => T[]> = {
  det: (a) => [L.det(a)],
  slogdet: (a) => [...L.slogdet(a)],
  logdet: (a) => [torch.logdet(a)],
  inv: (a) => [L.inv(a)],
  solve: (a, b) => [L.solve(a, b)],
  solve_right: (a, b) => [L.solve(a, b, { left: false })],
  solve_triangular_upper: (a, b) => [L.solveTriangular(a, b, { upper: true })],
  solve_triangular_lower_right: (a, b) => [L.solveTriangular(a, b, { upper: false, left: false })],
  solve_triangular_unit: (a, b) => [L.solveTriangular(a, b, { upper: true, unitriangular: true })],
  cholesky: (a) => [L.cholesky(a)],
  cholesky_upper: (a) => [L.cholesky(a, { upper: true })],
  qr: (a) => [...L.qr(a)],
  qr_complete: (a) => [...L.qr(a, 'complete')],
  qr_r: (a) => [L.qr(a, { mode: 'r' }).R],
  svd: (a) => svdParts(a, L.svd(a, false)),
  svdvals: (a) => [L.svdvals(a)],
  eigh: (a) => {
    const r = L.eigh(a);
    return [r.eigenvalues, r.eigenvectors.mul(r.eigenvectors)];
  },
  eigh_upper: (a) => {
    const r = L.eigh(a, 'U');
    return [r.eigenvalues, r.eigenvectors.mul(r.eigenvectors)];
  },
  eigvalsh: (a) => [L.eigvalsh(a)],
  pinv: (a) => [L.pinv(a)],
  pinv_hermitian: (a) => [L.pinv(a, { hermitian: true })],
  lstsq: (a, b) => {
    const r = L.lstsq(a, b);
    return [r.solution, r.rank];
  },
  lstsq_gelsd: (a, b) => {
    const r = L.lstsq(a, b, { driver: 'gelsd' });
    return [r.solution, r.residuals, r.rank, r.singularValues];
  },
  matrix_rank: (a) => [L.matrixRank(a)],
  matrix_rank_hermitian_atol: (a) => [L.matrixRank(a, { atol: 1.0, hermitian: true })],
  matrix_power_3: (a) => [L.matrixPower(a, 3)],
  matrix_power_5: (a) => [L.matrixPower(a, 5)],
  matrix_power_neg2: (a) => [L.matrixPower(a, -2)],
  matrix_power_0: (a) => [L.matrixPower(a, 0)],
  matrix_exp: (a) => [L.matrixExp(a)],
  multi_dot: (a, b, c) => [L.multiDot([a, b, c])],
  cross: (a, b) => [L.cross(a, b)],
  vecdot: (a, b) => [L.vecdot(a, b, { dim: 0 })],
  cond: (a) => [L.cond(a)],
  cond_fro: (a) => [L.cond(a, 'fro')],
  cond_inf: (a) => [L.cond(a, Infinity)],
  vector_norm: (a) => [L.vectorNorm(a)],
  vector_norm_1_dim: (a) => [L.vectorNorm(a, 1, { dim: -1 })],
  vector_norm_inf: (a) => [L.vectorNorm(a, Infinity, [0, 1], true)],
  vector_norm_3_5: (a) => [L.vectorNorm(a, 3.5, 0)],
  vector_norm_0: (a) => [L.vectorNorm(a, 0)],
  matrix_norm_fro: (a) => [L.matrixNorm(a)],
  matrix_norm_nuc: (a) => [L.matrixNorm(a, 'nuc')],
  matrix_norm_2: (a) => [L.matrixNorm(a, 2)],
  'matrix_norm_-2': (a) => [L.matrixNorm(a, -2)],
  matrix_norm_1: (a) => [L.matrixNorm(a, 1)],
  'matrix_norm_-1': (a) => [L.matrixNorm(a, -1, { keepdim: true })],
  matrix_norm_inf: (a) => [L.matrixNorm(a, Infinity, [0, 2])],
  'matrix_norm_-inf': (a) => [L.matrixNorm(a, -Infinity)],
  norm_default: (a) => [L.norm(a)],
  norm_ord2_2d: (a) => [L.norm(a, 2)],
  norm_dim: (a) => [L.norm(a, { dim: 1 })],
  norm_nuc_dims: (a) => [L.norm(a, 'nuc', [1, 2], true)],
  lu_factor: (a) => [...L.luFactor(a)],
  lu: (a) => [...L.lu(a)],
  lu_solve: (a, b) => {
    const { LU, pivots } = L.luFactor(a);
    return [L.luSolve(LU, pivots, b)];
  },
  lu_solve_adjoint: (a, b) => {
    const { LU, pivots } = L.luFactor(a);
    return [L.luSolve(LU, pivots, b, { adjoint: true })];
  },
  lu_solve_right: (a, b) => {
    const { LU, pivots } = L.luFactor(a);
    return [L.luSolve(LU, pivots, b, { left: false })];
  },
  householder_product: (a, tau) => [L.householderProduct(a, tau)],
  tensorinv: (a) => [L.tensorinv(a, { ind: 1 })],
  tensorsolve: (a, b) => [L.tensorsolve(a, b)],
  vander: (x) => [L.vander(x, { N: 4 })],
  diagonal: (a) => [L.diagonal(a, { offset: 1 })],
  torch_svd: (a) => {
    const r = torch.svd(a);
    return [r.S, r.U.mul(r.U), r.V.mul(r.V)];
  },
  cholesky_solve: (b, l) => [torch.choleskySolve(b, l)],
  cholesky_inverse: (l) => [torch.choleskyInverse(l)],
  triangular_solve: (b, a) => [torch.triangularSolve(b, a, { upper: false, transpose: true }).solution],
  geqrf: (a) => [...torch.geqrf(a)],
  ormqr: (a, tau, c) => [torch.ormqr(a, tau, c, { transpose: true })],
  ormqr_right: (a, tau, c) => [torch.ormqr(a, tau, c, { left: false })],
  pinverse: (a) => [torch.pinverse(a)],
  ldl_factor: (a) => [...L.ldlFactor(a)],
  ldl_solve: (a, b) => {
    const { LD, pivots } = L.ldlFactor(a);
    return [L.ldlSolve(LD, pivots, b)];
  },
};

const NO_GRAD = new Set(['ldl_factor', 'ldl_solve', 'lu_factor', 'matrix_power_neg2', 'cond_fro', 'cond_inf', 'ormqr', 'ormqr_right', 'geqrf', 'matrix_rank',
  'matrix_rank_hermitian_atol', 'vector_norm_0', 'qr_r', 'matrix_power_0']);

const TOL = {
  float64: { out: { rtol: 1e-9, atol: 1e-10 }, grad: { rtol: 1e-8, atol: 1e-9 } },
  float32: { out: { rtol: 1e-4, atol: 1e-5 }, grad: { rtol: 1e-3, atol: 1e-4 } },
};

for (const dtype of ['float64', 'float32'] as const) {
  describe(`linalg fixtures (${dtype})`, () => {
    for (const [name, c] of Object.entries(fixture.cases)) {
      it(name, () => {
        const base = name.split('/')[0];
        const fn = FNS[base];
        assert.ok(fn, `no function for ${base}`);
        const grad = !NO_GRAD.has(base);
        const xs = c.inputs.map((j) => {
          const t = fromJson(j);
          return t.isFloatingPoint() ? t.to(dtype).requiresGrad_(grad) : t;
        });
        const run = c[dtype];
        const outs = fn(...xs);
        assert.equal(outs.length, run.outputs.length);
        outs.forEach((o, i) => assertTensor(o, run.outputs[i], TOL[dtype].out, `${name} output ${i}`));
        if (!run.grads) return;
        let loss: T | null = null;
        outs.forEach((o, i) => {
          const w = c.weights[i];
          if (w === null || !o.requiresGrad) return;
          const term = o.mul(fromJson(w).to(dtype)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        const diff = xs.filter((x) => x.requiresGrad);
        const gs = torch.autograd.grad(loss as unknown as T, diff, { allowUnused: true });
        gs.forEach((g, i) => {
          const want = run.grads?.[i] ?? null;
          if (want === null) return;
          assert.ok(g !== null, `${name}: gradient ${i} missing`);
          assertTensor(g, want, TOL[dtype].grad, `${name} grad ${i}`);
        });
      });
    }
  });
}

describe('linalg errors match PyTorch', () => {
  const e = fixture.errors;
  const f32 = { dtype: 'float32' } as const;
  const cases: Record<string, () => unknown> = {
    inv_int: () => L.inv(torch.ones([2, 2], { dtype: 'int64' })),
    inv_1d: () => L.inv(torch.ones([2])),
    inv_rect: () => L.inv(torch.ones([2, 3])),
    inv_singular: () => L.inv(torch.tensor([[1, 2], [2, 4]], f32)),
    inv_singular_batch: () => L.inv(torch.stack([torch.eye(2), torch.tensor([[1, 2], [2, 4]], f32)])),
    det_rect: () => L.det(torch.ones([2, 3])),
    cholesky_not_pd: () => L.cholesky(torch.tensor([[1, 2], [2, 1]], f32)),
    cholesky_not_pd_batch: () => L.cholesky(torch.stack([torch.eye(2), torch.tensor([[1, 2], [2, 1]], f32)])),
    solve_singular: () => L.solve(torch.tensor([[1, 2], [2, 4]], f32), torch.ones([2])),
    solve_shapes: () => L.solve(torch.eye(3), torch.ones([2, 2])),
    solve_dtypes: () => L.solve(torch.eye(3), torch.ones([3], { dtype: 'float64' })),
    qr_mode: () => L.qr(torch.eye(3), 'foo'),
    matrix_norm_ord: () => L.matrixNorm(torch.eye(3), 3),
    vector_norm_int: () => L.vectorNorm(torch.ones([3], { dtype: 'int64' })),
    cross_len: () => L.cross(torch.ones([2]), torch.ones([2])),
    matrix_power_rect: () => L.matrixPower(torch.ones([2, 3]), 2),
    multi_dot_one: () => L.multiDot([torch.ones([2, 2])]),
    lu_factor_singular: () => L.luFactor(torch.zeros([2, 2])),
    norm_3d_ord: () => L.norm(torch.ones([2, 2, 2]), 2),
    qr_r_backward: () => L.qr(torch.ones([3, 2], { requiresGrad: true }), 'r').R.sum().backward(),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(name, () => {
      const want = e[name];
      assert.ok(want, `fixture has no error for ${name}`);
      assert.throws(fn, (err: Error) => {
        assert.equal(err.message, want);
        return true;
      });
    });
  }

  it('singular matrices raise LinAlgError', () => {
    assert.throws(() => L.inv(torch.zeros([2, 2])), L.LinAlgError);
    const { info } = L.invEx(torch.zeros([2, 2]));
    assert.equal(info.item(), 1);
    assert.equal(L.choleskyEx(torch.tensor([[1, 2], [2, 1]], f32)).info.item(), 2);
  });

  it('arguments are checked: unknown, snake_case and mistyped options, missing required', () => {
    const A = torch.eye(3);
    assert.throws(() => L.solve(A, A, { lefty: true } as never), /unexpected option 'lefty'/);
    assert.throws(() => L.cholesky(A, { check_errors: true } as never), /unexpected option 'check_errors'/);
    assert.throws(() => L.choleskyEx(A, { check_errors: true } as never), /did you mean 'checkErrors'/);
    assert.throws(() => L.svd(A, 'yes' as never), /argument 'fullMatrices' \(position 2\) must be a bool, not str/);
    assert.throws(() => L.solveTriangular(A, A, {} as never), /missing required argument 'upper'/);
    assert.throws(() => L.det(3 as never), /argument 'A' \(position 1\) must be Tensor, not int/);
  });
});
