// torch.distributions.Geometric(probs | logits): the number of failures before the first
// success. sample is floor(log(u) / log1p(-p)) with u = uniform_() clamped to tiny, as PyTorch.
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { zerosLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { binaryCrossEntropyWithLogits } from '../nn/functional/torch-losses.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { broadcastAll, finfo, logitsToProbs, numberOrTensor, probsToLogits, tupleRepr } from './utils.js';

const geometricArgs = signature('Geometric', [['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

export class Geometric extends Distribution {
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;
  private readonly given: 'probs' | 'logits';

  constructor(...args: ArgsOf<typeof geometricArgs>) {
    super();
    const { probs, logits, validateArgs } = geometricArgs.parse(args);
    if ((probs === null) === (logits === null)) throw new RangeError('Either `probs` or `logits` must be specified, but not both.');
    if (probs !== null) [this.probsValue] = broadcastAll(probs);
    else [this.logitsValue] = broadcastAll(logits as number | Tensor);
    this.given = probs !== null ? 'probs' : 'logits';
    this.init(batchShapeOf(this.param), [], validateArgs);
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
    return (this.given === 'probs' ? this.probsValue : this.logitsValue) as Tensor;
  }
  get probs(): Tensor {
    // Computed with grad enabled, as PyTorch's lazy_property (so a draw under noGrad does not cache a detached value).
    this.probsValue ??= enableGrad(() => logitsToProbs(this.logitsValue as Tensor, true));
    return this.probsValue;
  }
  get logits(): Tensor {
    // Computed with grad enabled, as PyTorch's lazy_property (so a draw under noGrad does not cache a detached value).
    this.logitsValue ??= enableGrad(() => probsToLogits(this.probsValue as Tensor, true));
    return this.logitsValue;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  /** As PyTorch's __dict__: the given parameter and the other once computed (lazy_property). */
  protected givenParams(): Record<string, Tensor> {
    const p: Record<string, Tensor> = {};
    if (this.probsValue !== null) p.probs = this.probsValue;
    if (this.logitsValue !== null) p.logits = this.logitsValue;
    return p;
  }
  override expand(batchShape: readonly number[]): Geometric {
    const p = this.param.expand(checkExpand(this, batchShape));
    return new Geometric(this.given === 'probs' ? { probs: p, validateArgs: false } : { logits: p, validateArgs: false }).withValidate(this.validateArgs);
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
