// torch.nn.utils.parametrizations, as PyTorch 1.13: spectral_norm (_SpectralNorm: the
// weight divided by its largest singular value, estimated by power iteration on buffers
// _u / _v, 15 iterations at registration, nPowerIterations per forward in training mode;
// state dict parametrizations.weight.original, …0._u, …0._v) and orthogonal (_Orthogonal:
// matrix_exp, cayley or householder maps of the original onto orthogonal matrices, times
// the `base` buffer set at registration when useTrivialization).
import { noGrad } from '../../autograd/grad-mode.js';
import { bool, instance, int, nullable, number, oneOf, signature, string, type Args, type Spec } from '../../tensor/args.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { eye, randn, zerosLike } from '../../tensor/create.js';
import { cat } from '../../ops/join.js';
import { allclose } from '../../ops/index.js';
import { householderProduct, matrixExp, solve } from '../../linalg/index.js';
import { geqrf } from '../../linalg/misc.js';
import { normalize } from '../functional/distance.js';
import { Module } from '../module.js';
import { registerParametrization } from './parametrize.js';
import { defaultDim } from './spectral-norm.js';

class _SpectralNorm extends Module {
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number;
  declare _u: Tensor;
  declare _v: Tensor;

  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.dim();
    if (dim >= ndim || dim < -ndim) throw new RangeError(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (nPowerIterations <= 0) throw new RangeError(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (ndim > 1) {
      const mat = this.matrix(weight);
      const [h, w] = mat.shape;
      const u = mat.newEmpty(h).normal_(0, 1);
      const v = mat.newEmpty(w).normal_(0, 1);
      this.registerBuffer('_u', normalize(u, { dim: 0, eps }));
      this.registerBuffer('_v', normalize(v, { dim: 0, eps }));
      this.powerMethod(mat, 15);
    }
  }

  private matrix(weight: Tensor): Tensor {
    const w = this.dim === 0 ? weight : weight.permute(this.dim, ...[...Array(weight.dim()).keys()].filter((d) => d !== this.dim));
    return w.flatten(1);
  }

  /** In place into the buffers, as PyTorch's out=. */
  private powerMethod(mat: Tensor, iterations: number): void {
    noGrad(() => {
      for (let i = 0; i < iterations; i++) {
        this._u.copy_(normalize(mat.mv(this._v), { dim: 0, eps: this.eps }));
        this._v.copy_(normalize(mat.t().mv(this._u), { dim: 0, eps: this.eps }));
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.dim() === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const mat = this.matrix(weight);
    if (this.training) this.powerMethod(mat, this.nPowerIterations);
    const sigma = this._u.clone().dot(mat.mv(this._v.clone()));
    return weight.div(sigma);
  }

  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

const spectralNormSpec = [
  ['module', instance(Module, 'Module')], ['name', string, 'weight'], ['nPowerIterations', int, 1], ['eps', number, 1e-12], ['dim', nullable(int), null],
] as const;
const spectralNormArgs = signature('spectral_norm', spectralNormSpec);
type After<S> = S extends readonly [unknown, ...infer R extends Spec] ? Args<R> : never;

/**
 * parametrizations.spectral_norm(module, name='weight', nPowerIterations=1, eps=1e-12, dim=null):
 * registers the spectral-norm parametrization on module[name] (dim 1 for ConvTranspose, else 0).
 */
export function spectralNorm<M extends Module>(module: M, ...rest: After<typeof spectralNormSpec>): M {
  const a = spectralNormArgs.parse([module, ...rest]);
  const weight = (module as unknown as Record<string, unknown>)[a.name];
  if (!(weight instanceof Tensor)) throw new RangeError(`Module '${String(module)}' has no parameter or buffer with name '${a.name}'`);
  return registerParametrization(module, a.name, new _SpectralNorm(weight, a.nPowerIterations, a.dim ?? defaultDim(module), a.eps));
}

type OrthMap = 'matrix_exp' | 'cayley' | 'householder';

/** Q from A's QR decomposition, with R's diagonal made positive (PyTorch's _make_orthogonal). */
function makeOrthogonal(A: Tensor): Tensor {
  const { a, tau } = geqrf(A);
  const Q = householderProduct(a, tau);
  return Q.mul(a.diagonal(0, -2, -1).sgn().unsqueeze(-2));
}

function isOrthogonal(Q: Tensor): boolean {
  const [n, k] = Q.shape.slice(-2);
  const eps = 10 * n * (Q.dtype === 'float64' ? 2 ** -52 : 2 ** -23);
  return allclose(Q.mT.matmul(Q), eye(k, { dtype: Q.dtype }), { atol: eps });
}

class _Orthogonal extends Module {
  readonly orthogonalMap: OrthMap;
  private readonly weightShape: number[];
  private readonly trivialization: boolean;
  declare base: Tensor | null;

  constructor(weight: Tensor, orthogonalMap: OrthMap, useTrivialization = true) {
    super();
    this.weightShape = weight.shape.slice();
    this.orthogonalMap = orthogonalMap;
    this.trivialization = useTrivialization;
    if (useTrivialization) this.registerBuffer('base', null);
  }

  override forward(X: Tensor): Tensor {
    let [n, k] = X.shape.slice(-2);
    const transposed = n < k;
    if (transposed) {
      X = X.mT;
      [n, k] = [k, n];
    }
    let Q: Tensor;
    if (this.orthogonalMap === 'householder') {
      const A = X.tril(-1);
      const tau = A.mul(A).sum(-2).add(1).rdiv(2);
      Q = householderProduct(A, tau).mul(X.diagonal(0, -2, -1).int().unsqueeze(-2));
    } else {
      X = X.tril();
      if (n !== k) X = cat([X, X.newZeros([n, n - k]).expand(...X.shape.slice(0, -2), -1, -1)], -1);
      const A = X.sub(X.mT); // mH: real tensors only here
      if (this.orthogonalMap === 'matrix_exp') Q = matrixExp(A);
      else {
        const id = eye(n, { dtype: A.dtype });
        Q = solve(id.add(A, { alpha: -0.5 }), id.add(A, { alpha: 0.5 }));
      }
      if (n !== k) Q = Q.narrow(-1, 0, k);
    }
    if (this.trivialization) Q = (this.base as Tensor).matmul(Q);
    return transposed ? Q.mT : Q;
  }

  rightInverse(Qin: Tensor): Tensor {
    return noGrad(() => {
      if (!sameShape(Qin.shape, this.weightShape)) {
        throw new RangeError(`Expected a matrix or batch of matrices of shape torch.Size(${formatShape(this.weightShape)}). Got a tensor of shape torch.Size(${formatShape(Qin.shape)}).`);
      }
      let Q = Qin;
      let [n, k] = Q.shape.slice(-2);
      const transpose = n < k;
      if (transpose) {
        Q = Q.mT;
        [n, k] = [k, n];
      }
      if (!this.trivialization) {
        if (this.orthogonalMap !== 'householder') {
          // Python's NotImplementedError: registration skips it (the original stays), assignment throws it.
          const e = new Error('It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.');
          e.name = 'NotImplementedError';
          throw e;
        }
        const { a, tau } = geqrf(Q);
        const diag = a.diagonal(0, -2, -1);
        diag.sign_();
        diag.copy_(diag.where(tau.ne(0), diag.neg()));
        return transpose ? a.mT : a;
      }
      if (n === k) Q = isOrthogonal(Q) ? Q.clone() : makeOrthogonal(Q);
      else Q = makeOrthogonal(cat([Q, randn([...Q.shape.slice(0, -2), n, n - k], { dtype: Q.dtype })], -1));
      this.base = Q;
      const negId = zerosLike(Qin);
      negId.diagonal(0, -2, -1).fill_(-1);
      return negId;
    });
  }
}


const orthogonalSpec = [
  ['module', instance(Module, 'Module')], ['name', string, 'weight'], ['orthogonalMap', nullable(oneOf('matrix_exp', 'cayley', 'householder')), null],
  '*', ['useTrivialization', bool, true],
] as const;
const orthogonalArgs = signature('orthogonal', orthogonalSpec);

/**
 * parametrizations.orthogonal(module, name='weight', orthogonalMap=null, { useTrivialization = true }):
 * module[name] becomes an orthogonal matrix (or batch), by default matrix_exp for square
 * weights and householder otherwise; at registration it starts as the orthogonalized weight.
 */
export function orthogonal<M extends Module>(module: M, ...rest: After<typeof orthogonalSpec>): M {
  const a = orthogonalArgs.parse([module, ...rest]);
  const weight = (module as unknown as Record<string, unknown>)[a.name];
  if (!(weight instanceof Tensor)) throw new RangeError(`Module '${String(module)}' has no parameter or buffer with name '${a.name}'`);
  if (weight.dim() < 2) throw new RangeError(`Expected a matrix or batch of matrices. Got a tensor of ${weight.dim()} dimensions.`);
  const map = a.orthogonalMap ?? (weight.shape[weight.dim() - 2] === weight.shape[weight.dim() - 1] ? 'matrix_exp' : 'householder');
  return registerParametrization(module, a.name, new _Orthogonal(weight, map, a.useTrivialization), { unsafe: true });
}
