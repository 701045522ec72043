// torch.distributions.Bernoulli(probs | logits): 0/1 outcomes. sample draws
// torch.bernoulli(probs), so seeded draws are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { bernoulli } from '../ops/random.js';
import { arange } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { binaryCrossEntropyWithLogits } from '../nn/functional/torch-losses.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { givenOf, ProbsLogits } from './probs-logits.js';
import { broadcastAll, numberOrTensor } from './utils.js';

const bernoulliArgs = signature('Bernoulli', [['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

export class Bernoulli extends Distribution {
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  private readonly pl: ProbsLogits;

  constructor(...args: ArgsOf<typeof bernoulliArgs>) {
    super();
    const { probs, logits, validateArgs } = bernoulliArgs.parse(args);
    const given = givenOf(probs, logits);
    const [value] = broadcastAll((probs ?? logits) as number | Tensor);
    this.pl = new ProbsLogits(given, value);
    this.init(batchShapeOf(value), [], validateArgs);
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
  get paramShape(): number[] {
    return this.param.shape.slice();
  }

  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.boolean;
  }
  protected givenParams(): Record<string, Tensor> {
    return this.pl.entries();
  }

  override expand(batchShape: readonly number[]): Bernoulli {
    const p = this.param.expand(checkExpand(this, batchShape));
    return new Bernoulli({ ...this.pl.option(p), validateArgs: false }).withValidate(this.validateArgs);
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
