// torch.distributions.OneHotCategorical(probs | logits): Categorical with one-hot samples
// (sample = one_hot(Categorical.sample(), K), the same draws).
import { eye } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, tensor, type ArgsOf } from '../tensor/args.js';
import { oneHot } from '../ops/indexing.js';
import * as constraints from './constraints.js';
import { Categorical } from './categorical.js';
import { checkExpand, Distribution } from './distribution.js';

const oneHotArgs = signature('OneHotCategorical', [['probs', nullable(tensor), null], ['logits', nullable(tensor), null], ['validateArgs', nullable(bool), null]] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

export class OneHotCategorical extends Distribution {
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  readonly categorical: Categorical;

  constructor(...args: ArgsOf<typeof oneHotArgs>) {
    super();
    const { probs, logits, validateArgs } = oneHotArgs.parse(args);
    this.categorical = new Categorical(probs, logits, validateArgs);
    const ps = this.categorical.paramShape;
    this.init(this.categorical.batchShape, ps.slice(-1), validateArgs);
  }

  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  get paramShape(): number[] {
    return this.categorical.paramShape;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  override get support(): constraints.Constraint {
    return constraints.oneHot;
  }
  /** The Categorical inside validated the parameters; PyTorch's repr lists none here. */
  protected givenParams(): Record<string, Tensor> {
    return {};
  }

  override expand(batchShape: readonly number[]): OneHotCategorical {
    const shape = checkExpand(this, batchShape);
    const d = Object.create(Object.getPrototypeOf(this) as object) as OneHotCategorical;
    Object.assign(d, { categorical: this.categorical.expand(shape), batchShape: shape, eventShape: this.eventShape.slice(), validateArgs: this.validateArgs });
    return d;
  }

  override get mean(): Tensor {
    return this.probs;
  }
  override get mode(): Tensor {
    const p = this.probs;
    return oneHot(p.argmax(-1), p.shape[p.dim() - 1]).to(p.dtype);
  }
  override get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1));
  }

  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    const indices = this.categorical.sample(sampleShape);
    return oneHot(indices, this.eventShape[0]).to(this.probs.dtype);
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.categorical.logProb(value.max(-1).indices);
  }
  override entropy(): Tensor {
    return this.categorical.entropy();
  }
  override enumerateSupport(expand = true): Tensor {
    const n = this.eventShape[0];
    let values = eye(n, { dtype: this.probs.dtype }).view([n, ...this.batchShape.map(() => 1), n]);
    if (expand) values = values.expand([n, ...this.batchShape, n]);
    return values;
  }
}

/** OneHotCategorical whose rsample passes gradients straight through to probs: sample + (probs - probs.detach()). */
export class OneHotCategoricalStraightThrough extends OneHotCategorical {
  override get hasRsample(): boolean {
    return true;
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const samples = this.sample(shapeArgs.parse(args).sampleShape);
    const probs = this.categorical.probs;
    return samples.add(probs.sub(probs.detach()));
  }
}
