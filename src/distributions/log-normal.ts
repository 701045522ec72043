// torch.distributions.LogNormal(loc, scale): exp of a Normal. PyTorch builds it as
// TransformedDistribution(Normal(loc, scale), ExpTransform()); this is the same
// distribution written out (samples are exp(Normal draws), so seeded draws are PyTorch's).
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { checkExpand, Distribution } from './distribution.js';
import { Normal } from './normal.js';
import { numberOrTensor } from './utils.js';

const logNormalArgs = signature('LogNormal', [['loc', numberOrTensor], ['scale', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);

export class LogNormal extends Distribution {
  readonly baseDist: Normal;
  constructor(...args: ArgsOf<typeof logNormalArgs>) {
    super();
    const a = logNormalArgs.parse(args);
    this.baseDist = new Normal(a.loc, a.scale, a.validateArgs);
    this.init(this.baseDist.batchShape, [], a.validateArgs);
  }
  get loc(): Tensor {
    return this.baseDist.loc;
  }
  get scale(): Tensor {
    return this.baseDist.scale;
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.positive;
  }
  /** As PyTorch's TransformedDistribution, the repr lists no parameters (they live in the base Normal). */
  protected givenParams(): Record<string, Tensor> {
    return {};
  }
  override expand(batchShape: readonly number[]): LogNormal {
    const s = checkExpand(this, batchShape);
    return new LogNormal(this.loc.expand(s), this.scale.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.loc.add(this.scale.pow(2).div(2)).exp();
  }
  override get mode(): Tensor {
    return this.loc.sub(this.scale.square()).exp();
  }
  override get variance(): Tensor {
    const s2 = this.scale.pow(2);
    return s2.expm1().mul(this.loc.mul(2).add(s2).exp());
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    return this.baseDist.sample(shapeArgs.parse(args).sampleShape).exp();
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    return this.baseDist.rsample(shapeArgs.parse(args).sampleShape).exp();
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    // log p(y) = log p_Normal(log y) - log|d exp(x)/dx| at x = log y.
    const x = value.log();
    return x.neg().add(this.baseDist.logProb(x));
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.baseDist.cdf(value.log());
  }
  override icdf(value: Tensor): Tensor {
    return this.baseDist.icdf(value).exp();
  }
  override entropy(): Tensor {
    return this.baseDist.entropy().add(this.loc);
  }
}
