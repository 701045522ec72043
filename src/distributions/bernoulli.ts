// torch.distributions.Bernoulli(probs | logits): 0/1 outcomes. sample draws
// torch.bernoulli(probs), so seeded draws are PyTorch's.
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { bernoulli } from '../ops/random.js';
import { arange } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { binaryCrossEntropyWithLogits } from '../nn/functional/torch-losses.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { broadcastAll, logitsToProbs, numberOrTensor, probsToLogits } from './utils.js';

const bernoulliArgs = signature('Bernoulli', [['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

export class Bernoulli extends Distribution {
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;
  private readonly given: 'probs' | 'logits';

  constructor(...args: ArgsOf<typeof bernoulliArgs>) {
    super();
    const { probs, logits, validateArgs } = bernoulliArgs.parse(args);
    if ((probs === null) === (logits === null)) throw new RangeError('Either `probs` or `logits` must be specified, but not both.');
    if (probs !== null) {
      [this.probsValue] = broadcastAll(probs);
      this.given = 'probs';
    } else {
      [this.logitsValue] = broadcastAll(logits as number | Tensor);
      this.given = 'logits';
    }
    this.init(batchShapeOf(this.param), [], validateArgs);
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
  get paramShape(): number[] {
    return this.param.shape.slice();
  }

  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.boolean;
  }
  /** As PyTorch's __dict__: the given parameter and the other once computed (lazy_property). */
  protected givenParams(): Record<string, Tensor> {
    const p: Record<string, Tensor> = {};
    if (this.probsValue !== null) p.probs = this.probsValue;
    if (this.logitsValue !== null) p.logits = this.logitsValue;
    return p;
  }

  override expand(batchShape: readonly number[]): Bernoulli {
    const shape = checkExpand(this, batchShape);
    const p = this.param.expand(shape);
    return new Bernoulli(this.given === 'probs' ? { probs: p, validateArgs: false } : { logits: p, validateArgs: false }).withValidate(this.validateArgs);
  }

  override get mean(): Tensor {
    return this.probs;
  }
  override get mode(): Tensor {
    const p = this.probs;
    const mode = p.ge(0.5).to(p.dtype);
    return mode.maskedFill(p.eq(0.5), NaN);
  }
  override get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1));
  }

  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return noGrad(() => bernoulli(this.probs.expand(shape)));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    return binaryCrossEntropyWithLogits(logits, v, { reduction: 'none' }).neg();
  }
  override entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' });
  }
  override enumerateSupport(expand = true): Tensor {
    let values = arange(2, { dtype: this.param.dtype }).view([-1, ...this.batchShape.map(() => 1)]);
    if (expand) values = values.expand([-1, ...this.batchShape]);
    return values;
  }
}
