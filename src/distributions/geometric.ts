// torch.distributions.Geometric(probs | logits): the number of failures before the first
// success. sample is floor(log(u) / log1p(-p)) with u = uniform_() clamped to tiny, as PyTorch.
import { noGrad } from '../autograd/grad-mode.js';
import { zerosLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { binaryCrossEntropyWithLogits } from '../nn/functional/torch-losses.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { givenOf, ProbsLogits } from './probs-logits.js';
import { broadcastAll, numberOrTensor } from './utils.js';
import { tupleRepr } from '../tensor/shape.js';
import { finfo } from '../tensor/type-info.js';

const geometricArgs = signature('Geometric', [['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

export class Geometric extends Distribution {
  private readonly pl: ProbsLogits;

  constructor(...args: ArgsOf<typeof geometricArgs>) {
    super();
    const { probs, logits, validateArgs } = geometricArgs.parse(args);
    const given = givenOf(probs, logits);
    const [value] = broadcastAll((probs ?? logits) as number | Tensor);
    this.pl = new ProbsLogits(given, value);
    this.init(batchShapeOf(value), [], validateArgs);
    // Beyond unit_interval: p = 0 never succeeds.
    if (this.validateArgs && probs !== null) {
      const valid = this.probs.gt(0);
      if (!valid.all().item()) {
        throw new RangeError(
          `Expected parameter probs (Tensor of shape ${tupleRepr(this.probs.shape)}) of distribution ${this.toString()} to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n${this.probs.detach().maskedSelect(valid.logicalNot()).toString()}`,
        );
      }
    }
  }
  private get param(): Tensor {
    return this.pl.param;
  }
  get probs(): Tensor {
    return this.pl.probs;
  }
  get logits(): Tensor {
    return this.pl.logits;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  protected givenParams(): Record<string, Tensor> {
    return this.pl.entries();
  }
  override expand(batchShape: readonly number[]): Geometric {
    const p = this.param.expand(checkExpand(this, batchShape));
    return new Geometric({ ...this.pl.option(p), validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.probs.reciprocal().sub(1);
  }
  override get mode(): Tensor {
    return zerosLike(this.probs);
  }
  override get variance(): Tensor {
    return this.probs.reciprocal().sub(1).div(this.probs);
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return noGrad(() => {
      const u = Tensor.empty(shape, this.probs.dtype).uniform_().clamp({ min: finfo(this.probs.dtype).tiny });
      return u.log().div(this.probs.neg().log1p()).floor();
    });
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [v, p] = broadcastAll(value, this.probs);
    // p = 1 with value 0 has probability 1: 0 * log1p(-1) would be NaN.
    const probs = p.maskedFill(p.eq(1).logicalAnd(v.eq(0)), 0);
    return v.mul(probs.neg().log1p()).add(this.probs.log());
  }
  override entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' }).div(this.probs);
  }
}
