// torch.distributions.Uniform(low, high): rsample is low + rand(shape) * (high - low), the
// draws of torch.rand, so seeded samples are PyTorch's.
import { rand } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { broadcastAll, numberOrTensor } from './utils.js';

const uniformArgs = signature('Uniform', [['low', numberOrTensor], ['high', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);

export class Uniform extends Distribution {
  override get hasRsample(): boolean {
    return true;
  }
  low: Tensor;
  high: Tensor;

  constructor(...args: ArgsOf<typeof uniformArgs>) {
    super();
    const a = uniformArgs.parse(args);
    [this.low, this.high] = broadcastAll(a.low, a.high);
    this.init(batchShapeOf(this.low), [], a.validateArgs);
    if (this.validateArgs && !this.low.lt(this.high).all().item()) throw new RangeError('Uniform is not defined when low>= high');
  }

  override get argConstraints(): Record<string, constraints.Constraint> {
    // low and high constrain each other (low < high is checked in the constructor).
    return { low: constraints.dependent, high: constraints.dependent };
  }
  override get support(): constraints.Constraint {
    return constraints.interval(this.low, this.high);
  }
  protected givenParams(): Record<string, Tensor> {
    return { low: this.low, high: this.high };
  }

  override expand(batchShape: readonly number[]): Uniform {
    const shape = checkExpand(this, batchShape);
    return new Uniform(this.low.expand(shape), this.high.expand(shape), { validateArgs: false }).withValidate(this.validateArgs);
  }

  override get mean(): Tensor {
    return this.high.add(this.low).div(2);
  }
  override get mode(): Tensor {
    return this.high.mul(NaN);
  }
  override get stddev(): Tensor {
    return this.high.sub(this.low).div(12 ** 0.5);
  }
  override get variance(): Tensor {
    return this.high.sub(this.low).pow(2).div(12);
  }

  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const r = rand(shape, { dtype: this.low.dtype });
    return this.low.add(r.mul(this.high.sub(this.low)));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const lb = this.low.le(value).to(this.low.dtype);
    const ub = this.high.gt(value).to(this.low.dtype);
    return lb.mul(ub).log().sub(this.high.sub(this.low).log());
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1);
  }
  override icdf(value: Tensor): Tensor {
    return value.mul(this.high.sub(this.low)).add(this.low);
  }
  override entropy(): Tensor {
    return this.high.sub(this.low).log();
  }
}
