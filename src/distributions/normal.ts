// torch.distributions.Normal(loc, scale): sample draws torch.normal(loc, scale) and rsample
// loc + eps * scale with eps = empty(shape).normal_(), so seeded draws are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { normal } from '../ops/random.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, nullable, signature, intList, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { broadcastAll, numberOrTensor } from './utils.js';

const normalArgs = signature('Normal', [['loc', numberOrTensor], ['scale', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);

const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

/** A standard-normal tensor drawn as PyTorch's _standard_normal: empty(shape).normal_(). */
export function standardNormal(shape: readonly number[], like: Tensor): Tensor {
  return noGrad(() => Tensor.empty(shape.slice(), like.dtype).normal_());
}

export class Normal extends Distribution {
  override get hasRsample(): boolean {
    return true;
  }
  loc: Tensor;
  scale: Tensor;

  constructor(...args: ArgsOf<typeof normalArgs>) {
    super();
    const a = normalArgs.parse(args);
    [this.loc, this.scale] = broadcastAll(a.loc, a.scale);
    this.init(batchShapeOf(this.loc), [], a.validateArgs);
  }

  override get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.real;
  }
  protected givenParams(): Record<string, Tensor> {
    return { loc: this.loc, scale: this.scale };
  }

  override expand(batchShape: readonly number[]): Normal {
    const shape = checkExpand(this, batchShape);
    return new Normal(this.loc.expand(shape), this.scale.expand(shape), { validateArgs: false }).withValidate(this.validateArgs);
  }

  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get stddev(): Tensor {
    return this.scale;
  }
  override get variance(): Tensor {
    return this.stddev.pow(2);
  }

  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return noGrad(() => normal(this.loc.expand(shape), this.scale.expand(shape)));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const eps = standardNormal(shape, this.loc);
    return this.loc.add(eps.mul(this.scale));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const variance = this.scale.pow(2);
    return value.sub(this.loc).pow(2).neg().div(variance.mul(2)).sub(this.scale.log()).sub(LOG_SQRT_2PI);
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return value.sub(this.loc).mul(this.scale.reciprocal()).div(Math.SQRT2).erf().add(1).mul(0.5);
  }
  override icdf(value: Tensor): Tensor {
    return this.loc.add(this.scale.mul(value.mul(2).sub(1).erfinv()).mul(Math.SQRT2));
  }
  override entropy(): Tensor {
    return this.scale.log().add(0.5 + 0.5 * Math.log(2 * Math.PI));
  }
}
