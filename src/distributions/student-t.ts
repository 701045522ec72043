// torch.distributions.Chi2(df) (a Gamma(df / 2, 1 / 2)) and StudentT(df, loc, scale):
// rsample is loc + scale * X / sqrt(Z / df), X standard normal drawn first, then Z ~ Chi2,
// as PyTorch, so seeded draws are PyTorch's.
import { full } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { Gamma } from './gamma.js';
import { standardNormal } from './normal.js';
import { broadcastAll, numberOrTensor } from './utils.js';
import { lgamma } from '../ops/special-math.js';

const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);
const chi2Args = signature('Chi2', [['df', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);
const studentTArgs = signature('StudentT', [['df', numberOrTensor], ['loc', numberOrTensor, 0.0], ['scale', numberOrTensor, 1.0], ['validateArgs', nullable(bool), null]] as const);

export class Chi2 extends Gamma {
  constructor(...args: ArgsOf<typeof chi2Args>) {
    const a = chi2Args.parse(args);
    super(typeof a.df === 'number' ? 0.5 * a.df : a.df.mul(0.5), 0.5, { validateArgs: a.validateArgs });
  }
  get df(): Tensor {
    return this.concentration.mul(2);
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { df: constraints.positive };
  }
  /** df is derived from the Gamma's concentration: PyTorch's repr lists no parameter. */
  protected override givenParams(): Record<string, Tensor> {
    return {};
  }
  override expand(batchShape: readonly number[]): Chi2 {
    return new Chi2(this.df.expand(checkExpand(this, batchShape)), { validateArgs: false }).withValidate(this.validateArgs);
  }
}

export class StudentT extends Distribution {
  df: Tensor;
  loc: Tensor;
  scale: Tensor;
  private readonly chi2: Chi2;
  constructor(...args: ArgsOf<typeof studentTArgs>) {
    super();
    const a = studentTArgs.parse(args);
    [this.df, this.loc, this.scale] = broadcastAll(a.df, a.loc, a.scale);
    this.chi2 = new Chi2(this.df);
    this.init(batchShapeOf(this.df), [], a.validateArgs);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { df: constraints.positive, loc: constraints.real, scale: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.real;
  }
  protected givenParams(): Record<string, Tensor> {
    return { df: this.df, loc: this.loc, scale: this.scale };
  }
  override expand(batchShape: readonly number[]): StudentT {
    const s = checkExpand(this, batchShape);
    return new StudentT(this.df.expand(s), this.loc.expand(s), this.scale.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return full(this.loc.shape, NaN, { dtype: this.loc.dtype }).where(this.df.le(1), this.loc);
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    const finite = this.scale.pow(2).mul(this.df).div(this.df.sub(2));
    const nan = full(this.df.shape, NaN, { dtype: this.df.dtype });
    const inf = full(this.df.shape, Infinity, { dtype: this.df.dtype });
    return nan.where(this.df.le(1), inf.where(this.df.le(2), finite));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    const X = standardNormal(this.extendedShape(sampleShape), this.df);
    const Z = this.chi2.rsample(sampleShape);
    const Y = X.mul(Z.div(this.df).rsqrt());
    return this.loc.add(this.scale.mul(Y));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const y = value.sub(this.loc).div(this.scale);
    const Z = this.scale.log().add(this.df.log().mul(0.5)).add(0.5 * Math.log(Math.PI)).add(this.df.mul(0.5).lgamma()).sub(this.df.add(1).mul(0.5).lgamma());
    return this.df.add(1).mul(-0.5).mul(y.pow(2).div(this.df).log1p()).sub(Z);
  }
  override entropy(): Tensor {
    const lbeta = this.df.mul(0.5).lgamma().add(lgamma(0.5)).sub(this.df.add(1).mul(0.5).lgamma());
    const d = this.df.add(1).mul(0.5).digamma().sub(this.df.mul(0.5).digamma());
    return this.scale.log().add(this.df.add(1).mul(0.5).mul(d)).add(this.df.log().mul(0.5)).add(lbeta);
  }
}
