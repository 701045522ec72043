// torch.distributions.Chi2(df) (a Gamma(df / 2, 1 / 2)), StudentT(df, loc, scale) and FisherSnedecor(df1, df2):
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
import { finfo } from '../tensor/type-info.js';
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

const fisherArgs = signature('FisherSnedecor', [['df1', numberOrTensor], ['df2', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);

/** FisherSnedecor(df1, df2): X1 / X2 with Xi ~ Gamma(dfi / 2, dfi), drawn X1 first, each clamped to tiny, as PyTorch. */
export class FisherSnedecor extends Distribution {
  df1: Tensor;
  df2: Tensor;
  private readonly gamma1: Gamma;
  private readonly gamma2: Gamma;
  constructor(...args: ArgsOf<typeof fisherArgs>) {
    super();
    const a = fisherArgs.parse(args);
    [this.df1, this.df2] = broadcastAll(a.df1, a.df2);
    this.gamma1 = new Gamma(this.df1.mul(0.5), this.df1);
    this.gamma2 = new Gamma(this.df2.mul(0.5), this.df2);
    this.init(batchShapeOf(this.df1), [], a.validateArgs);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { df1: constraints.positive, df2: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.positive;
  }
  protected givenParams(): Record<string, Tensor> {
    return { df1: this.df1, df2: this.df2 };
  }
  override expand(batchShape: readonly number[]): FisherSnedecor {
    const s = checkExpand(this, batchShape);
    return new FisherSnedecor(this.df1.expand(s), this.df2.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    const df2 = full(this.df2.shape, NaN, { dtype: this.df2.dtype }).where(this.df2.le(2), this.df2);
    return df2.div(df2.sub(2));
  }
  override get mode(): Tensor {
    const mode = this.df1.sub(2).div(this.df1).mul(this.df2).div(this.df2.add(2));
    return full(mode.shape, NaN, { dtype: mode.dtype }).where(this.df1.le(2), mode);
  }
  override get variance(): Tensor {
    const df2 = full(this.df2.shape, NaN, { dtype: this.df2.dtype }).where(this.df2.le(4), this.df2);
    return df2.pow(2).mul(2).mul(this.df1.add(df2).sub(2)).div(this.df1.mul(df2.sub(2).pow(2)).mul(df2.sub(4)));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    const shape = this.extendedShape(sampleShape);
    const { tiny } = finfo(this.df1.dtype);
    const X1 = this.gamma1.rsample(sampleShape).view(shape);
    const X2 = this.gamma2.rsample(sampleShape).view(shape).clamp({ min: tiny });
    return X1.div(X2).clamp({ min: tiny });
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const ct1 = this.df1.mul(0.5);
    const ct2 = this.df2.mul(0.5);
    const ct3 = this.df1.div(this.df2);
    const t1 = ct1.add(ct2).lgamma().sub(ct1.lgamma()).sub(ct2.lgamma());
    const t2 = ct1.mul(ct3.log()).add(ct1.sub(1).mul(value.log()));
    const t3 = ct1.add(ct2).mul(ct3.mul(value).log1p());
    return t1.add(t2).sub(t3);
  }
}
