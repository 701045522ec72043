// Distributions PyTorch defines as TransformedDistributions: HalfNormal and HalfCauchy
// (|x| of a centered Normal/Cauchy), Pareto (scale * exp(Exponential(alpha))), Weibull
// (scale * Exponential(1) ** (1 / concentration)) and Kumaraswamy (powers of a Uniform).
// Samples go through the same steps, so seeded draws are PyTorch's.
import { full, onesLike, zerosLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { checkExpand, Distribution } from './distribution.js';
import { Normal } from './normal.js';
import { Cauchy, Exponential } from './scalar-family.js';
import { Uniform } from './uniform.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { AbsTransform, AffineTransform, ExpTransform, PowerTransform } from './transforms.js';
import { broadcastAll, numberOrTensor } from './utils.js';

const EULER = 0.57721566490153286060;
const vArg = ['validateArgs', nullable(bool), null] as const;
const scaleArgs = (name: string) => signature(name, [['scale', numberOrTensor], vArg] as const);
const halfNormalArgs = scaleArgs('HalfNormal');
const halfCauchyArgs = scaleArgs('HalfCauchy');
const paretoArgs = signature('Pareto', [['scale', numberOrTensor], ['alpha', numberOrTensor], vArg] as const);
const weibullArgs = signature('Weibull', [['scale', numberOrTensor], ['concentration', numberOrTensor], vArg] as const);

/** |x| of a zero-centered base: log_prob/cdf/icdf/entropy folded over 0. */
abstract class HalfFamily extends TransformedDistribution {
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { scale: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  get scale(): Tensor {
    return (this.baseDist as Normal | Cauchy).scale;
  }
  override get mode(): Tensor {
    return zerosLike(this.scale);
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const lp = this.baseDist.logProb(value).add(Math.log(2));
    return lp.where(value.ge(0), full([], -Infinity, { dtype: lp.dtype }));
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.baseDist.cdf(value).mul(2).sub(1);
  }
  override icdf(prob: Tensor): Tensor {
    return this.baseDist.icdf(prob.add(1).div(2));
  }
  override entropy(): Tensor {
    return this.baseDist.entropy().sub(Math.log(2));
  }
  /** Validation after the base is built: scale is the base's (PyTorch's repr lists no parameter). */
  protected recheck(v: boolean | null): void {
    this.validateArgs = v ?? Distribution.defaultValidateArgs;
    if (this.validateArgs) this.checkParams({ scale: this.scale });
  }
}

export class HalfNormal extends HalfFamily {
  constructor(...args: ArgsOf<typeof halfNormalArgs>) {
    const a = halfNormalArgs.parse(args);
    super(new Normal(0, a.scale, { validateArgs: false }), new AbsTransform(), { validateArgs: false });
    this.recheck(a.validateArgs);
  }
  override expand(batchShape: readonly number[]): HalfNormal {
    return new HalfNormal(this.scale.expand(checkExpand(this, batchShape)), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.scale.mul(Math.sqrt(2 / Math.PI));
  }
  override get variance(): Tensor {
    return this.scale.pow(2).mul(1 - 2 / Math.PI);
  }
}

export class HalfCauchy extends HalfFamily {
  constructor(...args: ArgsOf<typeof halfCauchyArgs>) {
    const a = halfCauchyArgs.parse(args);
    super(new Cauchy(0, a.scale, { validateArgs: false }), new AbsTransform(), { validateArgs: false });
    this.recheck(a.validateArgs);
  }
  override expand(batchShape: readonly number[]): HalfCauchy {
    return new HalfCauchy(this.scale.expand(checkExpand(this, batchShape)), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return full(this.extendedShape(), Infinity, { dtype: this.scale.dtype });
  }
  override get variance(): Tensor {
    return this.baseDist.variance;
  }
}

export class Pareto extends TransformedDistribution {
  scale!: Tensor;
  alpha!: Tensor;
  constructor(...args: ArgsOf<typeof paretoArgs>) {
    const a = paretoArgs.parse(args);
    const [scale, alpha] = broadcastAll(a.scale, a.alpha);
    super(new Exponential(alpha, { validateArgs: a.validateArgs }), [new ExpTransform(), new AffineTransform(0, scale)], { validateArgs: false });
    this.scale = scale;
    this.alpha = alpha;
    this.validateArgs = a.validateArgs ?? Distribution.defaultValidateArgs;
    if (this.validateArgs) this.checkParams();
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { alpha: constraints.positive, scale: constraints.positive };
  }
  protected override givenParams(): Record<string, Tensor> {
    return this.scale ? { alpha: this.alpha, scale: this.scale } : {};
  }
  override get support(): constraints.Constraint {
    return constraints.greaterThanEq(this.scale);
  }
  override expand(batchShape: readonly number[]): Pareto {
    const s = checkExpand(this, batchShape);
    return new Pareto(this.scale.expand(s), this.alpha.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    const a = this.alpha.clamp({ min: 1 });
    return a.mul(this.scale).div(a.sub(1));
  }
  override get mode(): Tensor {
    return this.scale;
  }
  override get variance(): Tensor {
    const a = this.alpha.clamp({ min: 2 });
    return this.scale.pow(2).mul(a).div(a.sub(1).pow(2).mul(a.sub(2)));
  }
  override entropy(): Tensor {
    return this.scale.div(this.alpha).log().add(this.alpha.reciprocal().add(1));
  }
}

export class Weibull extends TransformedDistribution {
  scale!: Tensor;
  concentration!: Tensor;
  constructor(...args: ArgsOf<typeof weibullArgs>) {
    const a = weibullArgs.parse(args);
    const [scale, concentration] = broadcastAll(a.scale, a.concentration);
    const rec = concentration.reciprocal();
    super(new Exponential(onesLike(scale), { validateArgs: a.validateArgs }), [new PowerTransform(rec), new AffineTransform(0, scale)], { validateArgs: false });
    this.scale = scale;
    this.concentration = concentration;
    this.validateArgs = a.validateArgs ?? Distribution.defaultValidateArgs;
    if (this.validateArgs) this.checkParams();
  }
  get concentrationReciprocal(): Tensor {
    return this.concentration.reciprocal();
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { scale: constraints.positive, concentration: constraints.positive };
  }
  protected override givenParams(): Record<string, Tensor> {
    return this.scale ? { scale: this.scale, concentration: this.concentration } : {};
  }
  override get support(): constraints.Constraint {
    return constraints.positive;
  }
  override expand(batchShape: readonly number[]): Weibull {
    const s = checkExpand(this, batchShape);
    return new Weibull(this.scale.expand(s), this.concentration.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.scale.mul(this.concentrationReciprocal.add(1).lgamma().exp());
  }
  override get mode(): Tensor {
    const c = this.concentration;
    return this.scale.mul(c.sub(1).div(c).pow(c.reciprocal()));
  }
  override get variance(): Tensor {
    const r = this.concentrationReciprocal;
    return this.scale.pow(2).mul(r.mul(2).add(1).lgamma().exp().sub(r.add(1).lgamma().mul(2).exp()));
  }
  override entropy(): Tensor {
    const r = this.concentrationReciprocal;
    return r.neg().add(1).mul(EULER).add(this.scale.mul(r).log()).add(1);
  }
}

const kumaraswamyArgs = signature('Kumaraswamy', [['concentration1', numberOrTensor], ['concentration0', numberOrTensor], vArg] as const);

/** E[X^n] of Kumaraswamy(a, b): b * B(1 + n / a, b). */
function moments(a: Tensor, b: Tensor, n: number): Tensor {
  const arg1 = a.reciprocal().mul(n).add(1);
  return b.mul(arg1.lgamma().add(b.lgamma()).sub(arg1.add(b).lgamma()).exp());
}

/** Kumaraswamy(c1, c0) = (1 - U^(1/c0))^(1/c1) for U ~ Uniform(0, 1), PyTorch's three transforms. */
export class Kumaraswamy extends TransformedDistribution {
  concentration1!: Tensor;
  concentration0!: Tensor;
  constructor(...args: ArgsOf<typeof kumaraswamyArgs>) {
    const a = kumaraswamyArgs.parse(args);
    const [c1, c0] = broadcastAll(a.concentration1, a.concentration0);
    const base = new Uniform(zerosLike(c0), onesLike(c0), { validateArgs: a.validateArgs });
    super(base, [new PowerTransform(c0.reciprocal()), new AffineTransform(1, -1), new PowerTransform(c1.reciprocal())], { validateArgs: false });
    this.concentration1 = c1;
    this.concentration0 = c0;
    this.validateArgs = a.validateArgs ?? Distribution.defaultValidateArgs;
    if (this.validateArgs) this.checkParams();
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration1: constraints.positive, concentration0: constraints.positive };
  }
  protected override givenParams(): Record<string, Tensor> {
    return this.concentration1 ? { concentration1: this.concentration1, concentration0: this.concentration0 } : {};
  }
  override get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  override expand(batchShape: readonly number[]): Kumaraswamy {
    const s = checkExpand(this, batchShape);
    return new Kumaraswamy(this.concentration1.expand(s), this.concentration0.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return moments(this.concentration1, this.concentration0, 1);
  }
  override get mode(): Tensor {
    // PyTorch's expression, kept as is (NaN where a concentration is below 1).
    const c0 = this.concentration0;
    const c1 = this.concentration1;
    const logMode = c0.reciprocal().mul(c0.neg().log1p()).sub(c0.neg().mul(c1).log1p());
    return logMode.maskedFill(c0.lt(1).logicalOr(c1.lt(1)), NaN).exp();
  }
  override get variance(): Tensor {
    return moments(this.concentration1, this.concentration0, 2).sub(this.mean.pow(2));
  }
  override entropy(): Tensor {
    const t1 = this.concentration1.reciprocal().neg().add(1);
    const t0 = this.concentration0.reciprocal().neg().add(1);
    const H0 = this.concentration0.add(1).digamma().add(EULER);
    return t0.add(t1.mul(H0)).sub(this.concentration1.log()).sub(this.concentration0.log());
  }
}
