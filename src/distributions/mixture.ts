// torch.distributions.MixtureSameFamily(mixtureDistribution: Categorical, componentDistribution)
// and Multinomial(totalCount, probs | logits). Both draw through Categorical's sampler (and the
// component's), in PyTorch's order, so seeded draws are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { onesLike, tensor as makeTensor, zeros } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, instance, int, intList, nullable, signature, tensor, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { Categorical } from './categorical.js';
import { checkExpand, Distribution } from './distribution.js';
import { Binomial } from './poisson.js';
import { broadcastAll } from './utils.js';
import { sizeRepr } from '../tensor/shape.js';

const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);
const mixtureArgs = signature('MixtureSameFamily', [['mixtureDistribution', instance(Distribution, 'Distribution')], ['componentDistribution', instance(Distribution, 'Distribution')], ['validateArgs', nullable(bool), null]] as const);
const multinomialArgs = signature('Multinomial', [['totalCount', int, 1], ['probs', nullable(tensor), null], ['logits', nullable(tensor), null], ['validateArgs', nullable(bool), null]] as const);

export class MixtureSameFamily extends Distribution {
  readonly mixtureDistribution: Categorical;
  readonly componentDistribution: Distribution;
  private readonly eventNdims: number;

  constructor(...args: ArgsOf<typeof mixtureArgs>) {
    super();
    const a = mixtureArgs.parse(args);
    if (!(a.mixtureDistribution instanceof Categorical)) throw new RangeError(' The Mixture distribution needs to be an  instance of torch.distribtutions.Categorical');
    this.mixtureDistribution = a.mixtureDistribution;
    this.componentDistribution = a.componentDistribution;
    const mdbs = this.mixtureDistribution.batchShape;
    const cdbs = this.componentDistribution.batchShape.slice(0, -1);
    for (let i = 1; i <= Math.min(mdbs.length, cdbs.length); i++) {
      const s1 = mdbs[mdbs.length - i];
      const s2 = cdbs[cdbs.length - i];
      if (s1 !== 1 && s2 !== 1 && s1 !== s2) {
        throw new RangeError(`\`mixture_distribution.batch_shape\` (${sizeRepr(mdbs)}) is not compatible with \`component_distribution.batch_shape\`(${sizeRepr(cdbs)})`);
      }
    }
    const km = this.mixtureDistribution.logits.shape[this.mixtureDistribution.logits.dim() - 1];
    const kc = this.componentDistribution.batchShape[this.componentDistribution.batchShape.length - 1];
    if (km !== kc) throw new RangeError(`\`mixture_distribution component\` (${km}) does not equal \`component_distribution.batch_shape[-1]\` (${kc})`);
    this.eventNdims = this.componentDistribution.eventShape.length;
    this.init(cdbs, this.componentDistribution.eventShape, a.validateArgs);
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  override get support(): constraints.Constraint {
    return this.componentDistribution.support;
  }
  protected givenParams(): Record<string, Tensor> {
    return {};
  }
  override toString(): string {
    return `MixtureSameFamily(\n  ${this.mixtureDistribution.toString()},\n  ${this.componentDistribution.toString()})`;
  }
  override expand(batchShape: readonly number[]): MixtureSameFamily {
    const shape = checkExpand(this, batchShape);
    const k = this.componentDistribution.batchShape[this.componentDistribution.batchShape.length - 1];
    return new MixtureSameFamily(this.mixtureDistribution.expand(shape), this.componentDistribution.expand([...shape, k]), { validateArgs: false }).withValidate(
      this.validateArgs,
    );
  }
  private pad(x: Tensor): Tensor {
    return x.unsqueeze(-1 - this.eventNdims);
  }
  private padMixtureDimensions(x: Tensor): Tensor {
    const distBatchNdims = this.batchShape.reduce((p, s) => p * s, 1);
    const catBatchNdims = this.mixtureDistribution.batchShape.reduce((p, s) => p * s, 1);
    // PyTorch compares numel()s here (its _pad_mixture_dimensions); kept as written.
    const padNdims = catBatchNdims === 1 ? 0 : distBatchNdims - catBatchNdims;
    const xs = x.shape;
    return x.reshape([...xs.slice(0, -1), ...new Array<number>(padNdims).fill(1), xs[xs.length - 1], ...new Array<number>(this.eventNdims).fill(1)]);
  }
  override get mean(): Tensor {
    const probs = this.padMixtureDimensions(this.mixtureDistribution.probs);
    return probs.mul(this.componentDistribution.mean).sum(-1 - this.eventNdims);
  }
  override get variance(): Tensor {
    const probs = this.padMixtureDimensions(this.mixtureDistribution.probs);
    const meanCondVar = probs.mul(this.componentDistribution.variance).sum(-1 - this.eventNdims);
    const varCondMean = probs.mul(this.componentDistribution.mean.sub(this.pad(this.mean)).pow(2)).sum(-1 - this.eventNdims);
    return meanCondVar.add(varCondMean);
  }
  override cdf(x: Tensor): Tensor {
    const cdfX = this.componentDistribution.cdf(this.pad(x));
    return cdfX.mul(this.mixtureDistribution.probs).sum(-1);
  }
  override logProb(x: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(x);
    const logProbX = this.componentDistribution.logProb(this.pad(x));
    const logMixProb = this.mixtureDistribution.logits.logSoftmax(-1);
    return logProbX.add(logMixProb).logsumexp(-1);
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    return noGrad(() => {
      const gatherDim = sampleShape.length + this.batchShape.length;
      const es = this.eventShape;
      const mixSample = this.mixtureDistribution.sample(sampleShape);
      const mixShape = mixSample.shape;
      const compSamples = this.componentDistribution.sample(sampleShape);
      let idx = mixSample.reshape([...mixShape, ...new Array<number>(es.length + 1).fill(1)]);
      idx = idx.repeat([...mixShape.map(() => 1), 1, ...es]);
      return compSamples.gather(gatherDim, idx).squeeze(gatherDim);
    });
  }
}

export class Multinomial extends Distribution {
  readonly totalCount: number;
  private readonly categorical: Categorical;
  private readonly binomial: Binomial;

  constructor(...args: ArgsOf<typeof multinomialArgs>) {
    super();
    const a = multinomialArgs.parse(args);
    this.totalCount = a.totalCount;
    this.categorical = new Categorical(a.probs, a.logits);
    this.binomial = new Binomial(a.totalCount, { probs: this.probs });
    this.init(this.categorical.batchShape, this.categorical.paramShape.slice(-1), a.validateArgs);
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  override get support(): constraints.Constraint {
    return new MultinomialConstraint(this.totalCount);
  }
  protected givenParams(): Record<string, Tensor> {
    return {};
  }
  override get mean(): Tensor {
    return this.probs.mul(this.totalCount);
  }
  override get variance(): Tensor {
    return this.probs.mul(this.totalCount).mul(this.probs.neg().add(1));
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    return noGrad(() => {
      const samples = this.categorical.sample([this.totalCount, ...sampleShape]);
      const order = samples.shape.map((_, i) => i);
      order.push(order.shift() as number);
      const s = samples.permute(order);
      const counts = zeros(this.extendedShape(sampleShape), { dtype: 'int64' });
      counts.scatterAdd_(-1, s, onesLike(s));
      return counts.to(this.probs.dtype);
    });
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [logits0, v] = broadcastAll(this.logits, value);
    const logFactorialN = v.sum(-1).add(1).lgamma();
    const logFactorialXs = v.add(1).lgamma().sum(-1);
    const logits = logits0.maskedFill(v.eq(0).logicalAnd(logits0.eq(-Infinity)), 0);
    const logPowers = logits.mul(v).sum(-1);
    return logFactorialN.sub(logFactorialXs).add(logPowers);
  }
  override entropy(): Tensor {
    const n = makeTensor(this.totalCount);
    const catEntropy = this.categorical.entropy();
    const term1 = n.mul(catEntropy).sub(n.add(1).lgamma());
    const support = this.binomial.enumerateSupport(false).narrow(0, 1, this.totalCount);
    const binomialProbs = this.binomial.logProb(support).exp();
    const weights = support.add(1).lgamma();
    return term1.add(binomialProbs.mul(weights).sum([0, -1]));
  }
  override expand(batchShape: readonly number[]): Multinomial {
    const shape = checkExpand(this, batchShape);
    const d = Object.create(Multinomial.prototype) as Multinomial;
    const categorical = this.categorical.expand(shape);
    Object.assign(d, {
      totalCount: this.totalCount, categorical, binomial: this.binomial.expand([...shape, this.eventShape[0]]),
      batchShape: shape, eventShape: this.eventShape.slice(), validateArgs: this.validateArgs,
    });
    return d;
  }
}

/** constraints.multinomial(upper_bound): non-negative counts summing to at most upper_bound. */
class MultinomialConstraint extends constraints.Constraint {
  override readonly isDiscrete = true;
  override readonly eventDim = 1;
  constructor(readonly upperBound: number) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.ge(0).all(-1).logicalAnd(value.sum(-1).le(this.upperBound));
  }
  override toString(): string {
    return 'Multinomial()';
  }
}
