// torch.nn.utils.parametrizations: spectral_norm as a parametrization (PyTorch 1.13's
// _SpectralNorm): the weight divided by its largest singular value, estimated by power
// iteration on buffers _u / _v (15 iterations at registration, nPowerIterations per
// forward in training mode). State dict: parametrizations.weight.original, …0._u, …0._v.
import { noGrad } from '../../autograd/grad-mode.js';
import { instance, int, nullable, number, signature, string, type Args, type Spec } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { normalize } from '../functional/distance.js';
import { Module } from '../module.js';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from '../modules/conv.js';
import { registerParametrization } from './parametrize.js';

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
  const isTranspose = module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d;
  const dim = a.dim ?? (isTranspose ? 1 : 0);
  return registerParametrization(module, a.name, new _SpectralNorm(weight, a.nPowerIterations, dim, a.eps));
}
