// torch.distributions.Poisson(rate) and Binomial(totalCount, probs | logits); samples
// through ATen's samplers (count-samplers.ts), so seeded draws are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { arange } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { binomialValues, poissonValues } from './count-samplers.js';
import { batchShapeOf, checkExpand, Distribution, NotImplementedError } from './distribution.js';
import { givenOf, ProbsLogits } from './probs-logits.js';
import { broadcastAll, numberOrTensor } from './utils.js';

const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);
const poissonArgs = signature('Poisson', [['rate', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);
const binomialArgs = signature('Binomial', [
  ['totalCount', numberOrTensor, 1], ['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null],
] as const);

export class Poisson extends Distribution {
  rate: Tensor;
  constructor(...args: ArgsOf<typeof poissonArgs>) {
    super();
    const a = poissonArgs.parse(args);
    [this.rate] = broadcastAll(a.rate);
    this.init(batchShapeOf(this.rate), [], a.validateArgs);
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { rate: constraints.nonnegative };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  protected givenParams(): Record<string, Tensor> {
    return { rate: this.rate };
  }
  override expand(batchShape: readonly number[]): Poisson {
    return new Poisson(this.rate.expand(checkExpand(this, batchShape)), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.rate;
  }
  override get mode(): Tensor {
    return this.rate.floor();
  }
  override get variance(): Tensor {
    return this.rate;
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return noGrad(() => poissonValues(this.rate.expand(shape)));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [rate, v] = broadcastAll(this.rate, value);
    return v.xlogy(rate).sub(rate).sub(v.add(1).lgamma());
  }
}

export class Binomial extends Distribution {
  totalCount: Tensor;
  private readonly pl: ProbsLogits;

  constructor(...args: ArgsOf<typeof binomialArgs>) {
    super();
    const { totalCount, probs, logits, validateArgs } = binomialArgs.parse(args);
    const given = givenOf(probs, logits);
    const [n, p] = broadcastAll(totalCount, (probs ?? logits) as number | Tensor);
    this.pl = new ProbsLogits(given, p);
    this.totalCount = n.to(p.dtype);
    this.init(p.shape, [], validateArgs);
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
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { totalCount: constraints.nonnegativeInteger, probs: constraints.unitInterval, logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.integerInterval(0, this.totalCount);
  }
  /** As PyTorch's __dict__: totalCount, the given parameter and the other once computed. */
  protected givenParams(): Record<string, Tensor> {
    return { totalCount: this.totalCount, ...this.pl.entries() };
  }
  override expand(batchShape: readonly number[]): Binomial {
    const s = checkExpand(this, batchShape);
    const p = this.param.expand(s);
    const opts = this.pl.option(p);
    return new Binomial(this.totalCount.expand(s), { ...opts, validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.totalCount.mul(this.probs);
  }
  override get mode(): Tensor {
    return this.totalCount.add(1).mul(this.probs).floor().clamp({ max: this.totalCount });
  }
  override get variance(): Tensor {
    return this.totalCount.mul(this.probs).mul(this.probs.neg().add(1));
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return noGrad(() => binomialValues(this.totalCount.expand(shape), this.probs.expand(shape)));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const n = this.totalCount;
    const logFactorialN = n.add(1).lgamma();
    const logFactorialK = value.add(1).lgamma();
    const logFactorialNmk = n.sub(value).add(1).lgamma();
    // n * max(logits, 0) + n * log1p(exp(-|logits|)) = n * log(1 + exp(logits)), without overflow.
    const l = this.logits;
    // PyTorch's _clamp_by_zero: max(l, 0) with gradient 1/2 at l = 0.
    const clampByZero = l.clamp({ min: 0 }).add(l).sub(l.clamp({ max: 0 })).div(2);
    const normalize = n.mul(clampByZero).add(n.mul(l.abs().neg().exp().log1p())).sub(logFactorialN);
    return value.mul(l).sub(logFactorialK).sub(logFactorialNmk).sub(normalize);
  }
  private homogeneousCount(what: string): number {
    const max = Number(this.totalCount.max().item());
    if (Number(this.totalCount.min().item()) !== max) throw new NotImplementedError(`Inhomogeneous total count not supported by \`${what}\`.`);
    return Math.trunc(max);
  }
  override entropy(): Tensor {
    this.homogeneousCount('entropy');
    const lp = this.logProb(this.enumerateSupport(false));
    return lp.exp().mul(lp).sum(0).neg();
  }
  override enumerateSupport(expand = true): Tensor {
    const n = this.homogeneousCount('enumerate_support');
    let values = arange(1 + n, { dtype: this.param.dtype }).view([-1, ...this.batchShape.map(() => 1)]);
    if (expand) values = values.expand([-1, ...this.batchShape]);
    return values;
  }
}
