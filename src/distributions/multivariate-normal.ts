// torch.distributions.MultivariateNormal(loc, covarianceMatrix | precisionMatrix | scaleTril):
// everything goes through the lower Cholesky factor L (cov = L Lᵀ); rsample is
// loc + L @ eps with eps = empty(shape).normal_(), so seeded draws are PyTorch's.
import { eye } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, nullable, signature, tensor, intList, type ArgsOf } from '../tensor/args.js';
import { choleskyInverse } from '../linalg/torch.js';
import * as linalg from '../linalg/index.js';
import { broadcastShapes } from '../tensor/shape.js';
import * as constraints from './constraints.js';
import { checkExpand, Distribution } from './distribution.js';
import { standardNormal } from './normal.js';

const mvnArgs = signature('MultivariateNormal', [
  ['loc', tensor], ['covarianceMatrix', nullable(tensor), null], ['precisionMatrix', nullable(tensor), null], ['scaleTril', nullable(tensor), null],
  ['validateArgs', nullable(bool), null],
] as const);
const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);

/** L with L Lᵀ = P⁻¹, from the Cholesky factor of P with its rows and columns reversed (as PyTorch). */
function precisionToScaleTril(P: Tensor): Tensor {
  const Lf = linalg.cholesky(P.flip([-2, -1]));
  const Linv = Lf.flip([-2, -1]).transpose(-2, -1);
  const id = eye(P.shape[P.dim() - 1], { dtype: P.dtype });
  return linalg.solveTriangular(Linv, id, { upper: false });
}

export class MultivariateNormal extends Distribution {
  loc: Tensor;
  /** The factor at the parameters' own batch shape (not broadcast to loc's). */
  readonly unbroadcastedScaleTril: Tensor;
  private given: Record<string, Tensor> = {};

  constructor(...args: ArgsOf<typeof mvnArgs>) {
    super();
    const { loc, covarianceMatrix, precisionMatrix, scaleTril, validateArgs } = mvnArgs.parse(args);
    if (loc.dim() < 1) throw new RangeError('loc must be at least one-dimensional.');
    if ((covarianceMatrix !== null ? 1 : 0) + (scaleTril !== null ? 1 : 0) + (precisionMatrix !== null ? 1 : 0) !== 1) {
      throw new RangeError('Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.');
    }
    const [name, m] = scaleTril !== null ? ['scale_tril', scaleTril] : covarianceMatrix !== null ? ['covariance_matrix', covarianceMatrix] : ['precision_matrix', precisionMatrix as Tensor];
    if (m.dim() < 2) throw new RangeError(`${name} must be at least two-dimensional, with optional leading batch dimensions`);
    const batchShape = broadcastShapes(m.shape.slice(0, -2), loc.shape.slice(0, -1));
    const key = name === 'scale_tril' ? 'scaleTril' : name === 'covariance_matrix' ? 'covarianceMatrix' : 'precisionMatrix';
    this.given[key] = m.expand([...batchShape, -1, -1]);
    this.loc = loc.expand([...batchShape, -1]);
    this.init(batchShape, loc.shape.slice(-1), validateArgs);
    if (scaleTril !== null) this.unbroadcastedScaleTril = scaleTril;
    else if (covarianceMatrix !== null) this.unbroadcastedScaleTril = linalg.cholesky(covarianceMatrix);
    else this.unbroadcastedScaleTril = precisionToScaleTril(precisionMatrix as Tensor);
  }

  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return {
      loc: constraints.realVector,
      covarianceMatrix: constraints.positiveDefinite,
      precisionMatrix: constraints.positiveDefinite,
      scaleTril: constraints.lowerCholesky,
    };
  }
  override get support(): constraints.Constraint {
    return constraints.realVector;
  }
  protected givenParams(): Record<string, Tensor> {
    return { loc: this.loc, ...this.given };
  }
  private matShape(): number[] {
    return [...this.batchShape, ...this.eventShape, ...this.eventShape];
  }
  get scaleTril(): Tensor {
    return this.unbroadcastedScaleTril.expand(this.matShape());
  }
  get covarianceMatrix(): Tensor {
    return this.unbroadcastedScaleTril.matmul(this.unbroadcastedScaleTril.mT).expand(this.matShape());
  }
  get precisionMatrix(): Tensor {
    return choleskyInverse(this.unbroadcastedScaleTril).expand(this.matShape());
  }

  override expand(batchShape: readonly number[]): MultivariateNormal {
    const shape = checkExpand(this, batchShape);
    const n = this.eventShape[0];
    return new MultivariateNormal(this.loc.expand([...shape, n]), { scaleTril: this.unbroadcastedScaleTril.expand([...shape, n, n]), validateArgs: false }).withValidate(
      this.validateArgs,
    );
  }

  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return this.unbroadcastedScaleTril.pow(2).sum(-1).expand([...this.batchShape, ...this.eventShape]);
  }

  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const eps = standardNormal(shape, this.loc);
    return this.loc.add(this.unbroadcastedScaleTril.matmul(eps.unsqueeze(-1)).squeeze(-1));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const diff = value.sub(this.loc);
    const M = batchMahalanobis(this.unbroadcastedScaleTril, diff);
    const halfLogDet = this.unbroadcastedScaleTril.diagonal(0, -2, -1).log().sum(-1);
    return M.add(this.eventShape[0] * Math.log(2 * Math.PI)).mul(-0.5).sub(halfLogDet);
  }
  override entropy(): Tensor {
    const halfLogDet = this.unbroadcastedScaleTril.diagonal(0, -2, -1).log().sum(-1);
    const H = halfLogDet.add(0.5 * this.eventShape[0] * (1 + Math.log(2 * Math.PI)));
    return this.batchShape.length === 0 ? H : H.expand(this.batchShape);
  }
}

/** xᵀ (L Lᵀ)⁻¹ x for a batch of x and factors L that broadcast to it: |L⁻¹ x|². */
export function batchMahalanobis(L: Tensor, x: Tensor): Tensor {
  const n = x.shape[x.dim() - 1];
  const batch = broadcastShapes(L.shape.slice(0, -2), x.shape.slice(0, -1));
  const Lb = L.expand([...batch, n, n]);
  const xb = x.expand([...batch, n]).unsqueeze(-1);
  return linalg.solveTriangular(Lb, xb, { upper: false }).pow(2).sum([-2, -1]);
}
