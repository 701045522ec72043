// The two-parameter location/scale and one-parameter rate families whose samplers are
// Tensor's in-place random fills (exponential_, uniform_, cauchy_): Exponential, Laplace,
// Cauchy, Gumbel. Each draws as PyTorch's class does, so seeded samples are PyTorch's.
import { noGrad } from '../autograd/grad-mode.js';
import { full, onesLike, zerosLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { broadcastAll, numberOrTensor } from './utils.js';
import { finfo } from '../tensor/type-info.js';

const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);
const EULER = 0.57721566490153286060;

/** An uninitialized tensor of the parameter's dtype (PyTorch's param.new(shape)). */
const newEmpty = (like: Tensor, shape: number[]): Tensor => Tensor.empty(shape, like.dtype);

const exponentialArgs = signature('Exponential', [['rate', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);

export class Exponential extends Distribution {
  rate: Tensor;
  constructor(...args: ArgsOf<typeof exponentialArgs>) {
    super();
    const a = exponentialArgs.parse(args);
    [this.rate] = broadcastAll(a.rate);
    this.init(batchShapeOf(this.rate), [], a.validateArgs);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { rate: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  protected givenParams(): Record<string, Tensor> {
    return { rate: this.rate };
  }
  override expand(batchShape: readonly number[]): Exponential {
    return new Exponential(this.rate.expand(checkExpand(this, batchShape)), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.rate.reciprocal();
  }
  override get mode(): Tensor {
    return zerosLike(this.rate);
  }
  override get stddev(): Tensor {
    return this.rate.reciprocal();
  }
  override get variance(): Tensor {
    return this.rate.pow(-2);
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const e = noGrad(() => newEmpty(this.rate, shape).exponential_());
    return e.div(this.rate);
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.rate.log().sub(this.rate.mul(value));
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.rate.neg().mul(value).exp().neg().add(1);
  }
  override icdf(value: Tensor): Tensor {
    return value.neg().log1p().neg().div(this.rate);
  }
  override entropy(): Tensor {
    return this.rate.log().neg().add(1);
  }
}

const locScaleSpec = [['loc', numberOrTensor], ['scale', numberOrTensor], ['validateArgs', nullable(bool), null]] as const;
const laplaceArgs = signature('Laplace', locScaleSpec);
const cauchyArgs = signature('Cauchy', locScaleSpec);
const gumbelArgs = signature('Gumbel', locScaleSpec);

/** loc (real) and scale (positive), broadcast together. */
abstract class LocScale extends Distribution {
  loc!: Tensor;
  scale!: Tensor;
  protected setLocScale(loc: number | Tensor, scale: number | Tensor, validateArgs: boolean | null): void {
    [this.loc, this.scale] = broadcastAll(loc, scale);
    this.init(batchShapeOf(this.loc), [], validateArgs);
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.real;
  }
  protected givenParams(): Record<string, Tensor> {
    return { loc: this.loc, scale: this.scale };
  }
  override get hasRsample(): boolean {
    return true;
  }
}

export class Laplace extends LocScale {
  constructor(...args: ArgsOf<typeof laplaceArgs>) {
    super();
    const a = laplaceArgs.parse(args);
    this.setLocScale(a.loc, a.scale, a.validateArgs);
  }
  override expand(batchShape: readonly number[]): Laplace {
    const s = checkExpand(this, batchShape);
    return new Laplace(this.loc.expand(s), this.scale.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return this.scale.pow(2).mul(2);
  }
  override get stddev(): Tensor {
    return this.scale.mul(2 ** 0.5);
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    // u ~ U(eps - 1, 1) (not -1: log1p(-|u|) stays finite), as PyTorch.
    const u = noGrad(() => newEmpty(this.loc, shape).uniform_(finfo(this.loc.dtype).eps - 1, 1));
    return this.loc.sub(this.scale.mul(u.sign()).mul(u.abs().neg().log1p()));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.scale.mul(2).log().neg().sub(value.sub(this.loc).abs().div(this.scale));
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const d = value.sub(this.loc);
    return d.sign().mul(0.5).mul(d.abs().neg().div(this.scale).expm1()).neg().add(0.5);
  }
  override icdf(value: Tensor): Tensor {
    const term = value.sub(0.5);
    return this.loc.sub(this.scale.mul(term.sign()).mul(term.abs().mul(-2).log1p()));
  }
  override entropy(): Tensor {
    return this.scale.mul(2).log().add(1);
  }
}

export class Cauchy extends LocScale {
  constructor(...args: ArgsOf<typeof cauchyArgs>) {
    super();
    const a = cauchyArgs.parse(args);
    this.setLocScale(a.loc, a.scale, a.validateArgs);
  }
  override expand(batchShape: readonly number[]): Cauchy {
    const s = checkExpand(this, batchShape);
    return new Cauchy(this.loc.expand(s), this.scale.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.loc.dtype });
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return full(this.extendedShape(), Infinity, { dtype: this.loc.dtype });
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const eps = noGrad(() => newEmpty(this.loc, shape).cauchy_());
    return this.loc.add(eps.mul(this.scale));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const z = value.sub(this.loc).div(this.scale).pow(2).log1p();
    return this.scale.log().neg().sub(Math.log(Math.PI)).sub(z);
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return value.sub(this.loc).div(this.scale).atan().div(Math.PI).add(0.5);
  }
  override icdf(value: Tensor): Tensor {
    return value.sub(0.5).mul(Math.PI).tan().mul(this.scale).add(this.loc);
  }
  override entropy(): Tensor {
    return this.scale.log().add(Math.log(4 * Math.PI));
  }
}

/**
 * Gumbel(loc, scale). PyTorch builds it as a TransformedDistribution of
 * Uniform(tiny, 1 - eps) through log, negate, log, loc - scale * x; rsample applies the
 * same steps in the same order so draws are PyTorch's.
 */
export class Gumbel extends LocScale {
  constructor(...args: ArgsOf<typeof gumbelArgs>) {
    super();
    const a = gumbelArgs.parse(args);
    this.setLocScale(a.loc, a.scale, a.validateArgs);
  }
  override expand(batchShape: readonly number[]): Gumbel {
    const s = checkExpand(this, batchShape);
    return new Gumbel(this.loc.expand(s), this.scale.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.loc.add(this.scale.mul(EULER));
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get stddev(): Tensor {
    return this.scale.mul(Math.PI / Math.sqrt(6));
  }
  override get variance(): Tensor {
    return this.stddev.pow(2);
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const { eps, tiny } = finfo(this.loc.dtype);
    const low = full(this.loc.shape, tiny, { dtype: this.loc.dtype }).expand(shape);
    const high = full(this.loc.shape, 1 - eps, { dtype: this.loc.dtype }).expand(shape);
    const r = noGrad(() => newEmpty(this.loc, shape).uniform_());
    const u = low.add(r.mul(high.sub(low)));
    const x = onesLike(this.loc).neg().mul(u.log()).add(0).log();
    return this.loc.add(this.scale.neg().mul(x));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const y = this.loc.sub(value).div(this.scale);
    return y.sub(y.exp()).sub(this.scale.log());
  }
  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return value.sub(this.loc).div(this.scale).neg().exp().neg().exp();
  }
  override icdf(value: Tensor): Tensor {
    return this.loc.sub(this.scale.mul(value.log().neg().log()));
  }
  override entropy(): Tensor {
    return this.scale.log().add(1 + EULER);
  }
}
