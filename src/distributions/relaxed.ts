// The Gumbel-softmax family: LogitRelaxedBernoulli / RelaxedBernoulli (its sigmoid) and
// ExpRelaxedCategorical / RelaxedOneHotCategorical (its exp), as PyTorch defines them.
// rsample draws torch.rand(shape) as PyTorch, so seeded draws are PyTorch's.
import { rand } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { Categorical } from './categorical.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { ExpTransform, SigmoidTransform } from './transforms.js';
import { givenOf, ProbsLogits } from './probs-logits.js';
import { broadcastAll, clampProbs, numberOrTensor } from './utils.js';

const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);
const spec = (name: string) =>
  signature(name, [['temperature', numberOrTensor], ['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['validateArgs', nullable(bool), null]] as const);
const logitRelaxedBernoulliArgs = spec('LogitRelaxedBernoulli');
const relaxedBernoulliArgs = spec('RelaxedBernoulli');
const expRelaxedCategoricalArgs = spec('ExpRelaxedCategorical');
const relaxedOneHotArgs = spec('RelaxedOneHotCategorical');

const logOf = (t: number | Tensor): number | Tensor => (typeof t === 'number' ? Math.log(t) : t.log());

export class LogitRelaxedBernoulli extends Distribution {
  readonly temperature: number | Tensor;
  private readonly pl: ProbsLogits;
  constructor(...args: ArgsOf<typeof logitRelaxedBernoulliArgs>) {
    super();
    const a = logitRelaxedBernoulliArgs.parse(args);
    this.temperature = a.temperature;
    const given = givenOf(a.probs, a.logits);
    const [p] = broadcastAll((a.probs ?? a.logits) as number | Tensor);
    this.pl = new ProbsLogits(given, p);
    this.init(batchShapeOf(p), [], a.validateArgs);
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
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  override get support(): constraints.Constraint {
    return constraints.real;
  }
  protected givenParams(): Record<string, Tensor> {
    return this.pl.entries();
  }
  override expand(batchShape: readonly number[]): LogitRelaxedBernoulli {
    const p = this.param.expand(checkExpand(this, batchShape));
    const opts = this.pl.option(p);
    return new LogitRelaxedBernoulli(this.temperature, { ...opts, validateArgs: false }).withValidate(this.validateArgs);
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const probs = clampProbs(this.probs.expand(shape));
    const u = clampProbs(rand(shape, { dtype: probs.dtype }));
    return u.log().sub(u.neg().log1p()).add(probs.log()).sub(probs.neg().log1p()).div(this.temperature);
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    const diff = logits.sub(v.mul(this.temperature));
    return diff.add(logOf(this.temperature)).sub(diff.exp().log1p().mul(2));
  }
}

export class RelaxedBernoulli extends TransformedDistribution {
  constructor(...args: ArgsOf<typeof relaxedBernoulliArgs>) {
    const a = relaxedBernoulliArgs.parse(args);
    super(new LogitRelaxedBernoulli(a.temperature, a.probs, a.logits), new SigmoidTransform(), { validateArgs: a.validateArgs });
  }
  private get base(): LogitRelaxedBernoulli {
    return this.baseDist as LogitRelaxedBernoulli;
  }
  get temperature(): number | Tensor {
    return this.base.temperature;
  }
  get probs(): Tensor {
    return this.base.probs;
  }
  get logits(): Tensor {
    return this.base.logits;
  }
  override get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  override expand(batchShape: readonly number[]): RelaxedBernoulli {
    const d = Object.create(RelaxedBernoulli.prototype) as RelaxedBernoulli;
    const shape = checkExpand(this, batchShape);
    Object.assign(d, { baseDist: this.baseDist.expand(shape), transforms: this.transforms, batchShape: shape, eventShape: [], validateArgs: this.validateArgs });
    return d;
  }
}

export class ExpRelaxedCategorical extends Distribution {
  readonly temperature: number | Tensor;
  readonly categorical: Categorical;
  constructor(...args: ArgsOf<typeof expRelaxedCategoricalArgs>) {
    super();
    const a = expRelaxedCategoricalArgs.parse(args);
    const asTensor = (v: number | Tensor | null): Tensor | null => (v === null ? null : v instanceof Tensor ? v : broadcastAll(v)[0]);
    this.categorical = new Categorical(asTensor(a.probs), asTensor(a.logits));
    this.temperature = a.temperature;
    this.init(this.categorical.batchShape, this.categorical.paramShape.slice(-1), a.validateArgs);
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  override get support(): constraints.Constraint {
    return constraints.realVector;
  }
  protected givenParams(): Record<string, Tensor> {
    return {};
  }
  override expand(batchShape: readonly number[]): ExpRelaxedCategorical {
    const shape = checkExpand(this, batchShape);
    const d = Object.create(ExpRelaxedCategorical.prototype) as ExpRelaxedCategorical;
    Object.assign(d, { temperature: this.temperature, categorical: this.categorical.expand(shape), batchShape: shape, eventShape: this.eventShape.slice(), validateArgs: this.validateArgs });
    return d;
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const u = clampProbs(rand(shape, { dtype: this.logits.dtype }));
    const gumbels = u.log().neg().log().neg();
    const scores = this.logits.add(gumbels).div(this.temperature);
    return scores.sub(scores.logsumexp(-1, { keepdim: true }));
  }
  override logProb(value: Tensor): Tensor {
    const K = this.eventShape[0];
    if (this.validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    const t = this.temperature;
    const logScale =
      t instanceof Tensor ? t.mul(0).add(K).lgamma().sub(t.log().mul(-(K - 1))) : broadcastAll(K)[0].lgamma().sub(Math.log(t) * -(K - 1));
    let score = logits.sub(v.mul(t));
    score = score.sub(score.logsumexp(-1, { keepdim: true })).sum(-1);
    return score.add(logScale);
  }
}

export class RelaxedOneHotCategorical extends TransformedDistribution {
  constructor(...args: ArgsOf<typeof relaxedOneHotArgs>) {
    const a = relaxedOneHotArgs.parse(args);
    super(new ExpRelaxedCategorical(a.temperature, a.probs, a.logits, a.validateArgs), new ExpTransform(), { validateArgs: a.validateArgs });
  }
  private get base(): ExpRelaxedCategorical {
    return this.baseDist as ExpRelaxedCategorical;
  }
  get temperature(): number | Tensor {
    return this.base.temperature;
  }
  get probs(): Tensor {
    return this.base.probs;
  }
  get logits(): Tensor {
    return this.base.logits;
  }
  override get support(): constraints.Constraint {
    return constraints.simplex;
  }
  override expand(batchShape: readonly number[]): RelaxedOneHotCategorical {
    const d = Object.create(RelaxedOneHotCategorical.prototype) as RelaxedOneHotCategorical;
    const shape = checkExpand(this, batchShape);
    Object.assign(d, { baseDist: this.baseDist.expand(shape), transforms: this.transforms, batchShape: shape, eventShape: this.eventShape.slice(), validateArgs: this.validateArgs });
    return d;
  }
}
