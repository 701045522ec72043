// torch.distributions.ContinuousBernoulli(probs | logits, lims = [0.499, 0.501]): the
// [0, 1] density proportional to p^x (1-p)^(1-x). Near p = 1/2 the closed forms are 0/0, so
// PyTorch switches to Taylor expansions inside `lims`; this follows the same expressions.
// sample/rsample are icdf(torch.rand(shape)), so seeded draws are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { onesLike, rand, zerosLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, check, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { binaryCrossEntropyWithLogits } from '../nn/functional/torch-losses.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { givenOf, ProbsLogits } from './probs-logits.js';
import { broadcastAll, clampProbs, numberOrTensor } from './utils.js';

const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);
const lims = check<readonly [number, number]>('a pair of numbers', (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'));
const cbArgs = signature('ContinuousBernoulli', [
  ['probs', nullable(numberOrTensor), null], ['logits', nullable(numberOrTensor), null], ['lims', lims, [0.499, 0.501]], ['validateArgs', nullable(bool), null],
] as const);

export class ContinuousBernoulli extends Distribution {
  private readonly pl: ProbsLogits;
  readonly lims: readonly [number, number];

  constructor(...args: ArgsOf<typeof cbArgs>) {
    super();
    const a = cbArgs.parse(args);
    const given = givenOf(a.probs, a.logits);
    let [value] = broadcastAll((a.probs ?? a.logits) as number | Tensor);
    if (given === 'probs') {
      // PyTorch checks probs here only when validateArgs was passed: they are clamped next.
      if (a.validateArgs !== null && !constraints.unitInterval.check(value).all().item()) throw new RangeError('The parameter probs has invalid values');
      value = clampProbs(value);
    }
    this.pl = new ProbsLogits(given, value, true);
    this.lims = a.lims;
    this.init(batchShapeOf(this.param), [], a.validateArgs);
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
    return constraints.unitInterval;
  }
  protected givenParams(): Record<string, Tensor> {
    return this.pl.entries();
  }
  override expand(batchShape: readonly number[]): ContinuousBernoulli {
    const p = this.param.expand(checkExpand(this, batchShape));
    const opts = this.pl.option(p);
    return new ContinuousBernoulli({ ...opts, lims: this.lims, validateArgs: false }).withValidate(this.validateArgs);
  }

  private outsideUnstableRegion(): Tensor {
    return this.probs.le(this.lims[0]).logicalOr(this.probs.gt(this.lims[1]));
  }
  private cutProbs(): Tensor {
    return this.probs.where(this.outsideUnstableRegion(), onesLike(this.probs).mul(this.lims[0]));
  }
  private contBernLogNorm(): Tensor {
    const cut = this.cutProbs();
    const below = cut.where(cut.le(0.5), zerosLike(cut));
    const above = cut.where(cut.ge(0.5), onesLike(cut));
    const logNorm = cut.neg().log1p().sub(cut.log()).abs().log().sub(below.mul(-2).log1p().where(cut.le(0.5), above.mul(2).sub(1).log()));
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(104 / 45).add(4 / 3).mul(x).add(Math.log(2));
    return logNorm.where(this.outsideUnstableRegion(), taylor);
  }
  override get mean(): Tensor {
    const cut = this.cutProbs();
    const mus = cut.div(cut.mul(2).sub(1)).add(cut.neg().log1p().sub(cut.log()).reciprocal());
    const x = this.probs.sub(0.5);
    const taylor = x.pow(2).mul(16 / 45).add(1 / 3).mul(x).add(0.5);
    return mus.where(this.outsideUnstableRegion(), taylor);
  }
  override get variance(): Tensor {
    const cut = this.cutProbs();
    const vars = cut.mul(cut.sub(1)).div(cut.mul(-2).add(1).pow(2)).add(cut.neg().log1p().sub(cut.log()).pow(2).reciprocal());
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(128 / 945).neg().add(1 / 15).mul(x).neg().add(1 / 12);
    return vars.where(this.outsideUnstableRegion(), taylor);
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const u = rand(shape, { dtype: this.probs.dtype });
    return noGrad(() => this.icdf(u));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return this.icdf(rand(shape, { dtype: this.probs.dtype }));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    return binaryCrossEntropyWithLogits(logits, v, { reduction: 'none' }).neg().add(this.contBernLogNorm());
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const cut = this.cutProbs();
    const cdfs = cut.pow(value).mul(cut.neg().add(1).pow(value.neg().add(1))).add(cut).sub(1).div(cut.mul(2).sub(1));
    const unbounded = cdfs.where(this.outsideUnstableRegion(), value);
    return zerosLike(value).where(value.le(0), onesLike(value).where(value.ge(1), unbounded));
  }
  override icdf(value: Tensor): Tensor {
    const cut = this.cutProbs();
    const inner = cut.neg().add(value.mul(cut.mul(2).sub(1))).log1p().sub(cut.neg().log1p()).div(cut.log().sub(cut.neg().log1p()));
    return inner.where(this.outsideUnstableRegion(), value);
  }
  override entropy(): Tensor {
    const logProbs0 = this.probs.neg().log1p();
    const logProbs1 = this.probs.log();
    return this.mean.mul(logProbs0.sub(logProbs1)).sub(this.contBernLogNorm()).sub(logProbs0);
  }
}
