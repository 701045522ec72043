// torch.distributions.Gamma(concentration, rate), Dirichlet(concentration) and
// Beta(concentration1, concentration0) (a two-class Dirichlet, as in PyTorch). Samples
// come from ATen's own Gamma sampler (gamma-sampler.ts), so seeded draws are PyTorch's.
import { stack } from '../ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, intList, nullable, signature, tensor, type ArgsOf } from '../tensor/args.js';
import { oneHot } from '../ops/indexing.js';
import * as constraints from './constraints.js';
import { batchShapeOf, checkExpand, Distribution } from './distribution.js';
import { DirichletSample } from './dirichlet-grad.js';
import { StandardGamma } from './gamma-sampler.js';
import { broadcastAll, numberOrTensor } from './utils.js';
import { finfo } from '../tensor/type-info.js';
import { noGrad } from '../autograd/grad-mode.js';

const shapeArgs = signature('rsample', [['sampleShape', intList, []]] as const);
const gammaArgs = signature('Gamma', [['concentration', numberOrTensor], ['rate', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);
const dirichletArgs = signature('Dirichlet', [['concentration', tensor], ['validateArgs', nullable(bool), null]] as const);
const betaArgs = signature('Beta', [['concentration1', numberOrTensor], ['concentration0', numberOrTensor], ['validateArgs', nullable(bool), null]] as const);

export class Gamma extends Distribution {
  concentration: Tensor;
  rate: Tensor;
  constructor(...args: ArgsOf<typeof gammaArgs>) {
    super();
    const a = gammaArgs.parse(args);
    [this.concentration, this.rate] = broadcastAll(a.concentration, a.rate);
    this.init(batchShapeOf(this.concentration), [], a.validateArgs);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.positive, rate: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  protected givenParams(): Record<string, Tensor> {
    return { concentration: this.concentration, rate: this.rate };
  }
  override expand(batchShape: readonly number[]): Gamma {
    const s = checkExpand(this, batchShape);
    return new Gamma(this.concentration.expand(s), this.rate.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.concentration.div(this.rate);
  }
  override get mode(): Tensor {
    return this.concentration.sub(1).div(this.rate).clamp({ min: 0 });
  }
  override get variance(): Tensor {
    return this.concentration.div(this.rate.pow(2));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    const value = StandardGamma.apply(this.concentration.expand(shape)).div(this.rate.expand(shape));
    noGrad(() => value.detach().clamp_({ min: finfo(value.dtype).tiny }));
    return value;
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const c = this.concentration;
    return c.xlogy(this.rate).add(c.sub(1).xlogy(value)).sub(this.rate.mul(value)).sub(c.lgamma());
  }
  override entropy(): Tensor {
    const c = this.concentration;
    return c.sub(this.rate.log()).add(c.lgamma()).add(c.neg().add(1).mul(c.digamma()));
  }
}

/** _Dirichlet.apply: the draw, differentiable w.r.t. the concentration (dirichlet_grad). */
function dirichletDraw(concentration: Tensor): Tensor {
  return DirichletSample.apply(concentration);
}

export class Dirichlet extends Distribution {
  concentration: Tensor;
  constructor(...args: ArgsOf<typeof dirichletArgs>) {
    super();
    const a = dirichletArgs.parse(args);
    if (a.concentration.dim() < 1) throw new RangeError('`concentration` parameter must be at least one-dimensional.');
    this.concentration = a.concentration;
    this.init(a.concentration.shape.slice(0, -1), a.concentration.shape.slice(-1), a.validateArgs);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.independent(constraints.positive, 1) };
  }
  override get support(): constraints.Constraint {
    return constraints.simplex;
  }
  protected givenParams(): Record<string, Tensor> {
    return { concentration: this.concentration };
  }
  override expand(batchShape: readonly number[]): Dirichlet {
    const s = checkExpand(this, batchShape);
    return new Dirichlet(this.concentration.expand([...s, ...this.eventShape]), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.concentration.div(this.concentration.sum(-1, { keepdim: true }));
  }
  override get mode(): Tensor {
    const cm1 = this.concentration.sub(1).clamp({ min: 0 });
    const mode = cm1.div(cm1.sum(-1, { keepdim: true }));
    // Where every concentration is below 1 the density peaks at a vertex: the largest entry's.
    const mask = this.concentration.lt(1).all(-1, { keepdim: true });
    const vertex = oneHot(mode.argmax(-1), cm1.shape[cm1.dim() - 1]).to(mode.dtype);
    return vertex.where(mask, mode);
  }
  override get variance(): Tensor {
    const c = this.concentration;
    const con0 = c.sum(-1, { keepdim: true });
    return c.mul(con0.sub(c)).div(con0.pow(2).mul(con0.add(1)));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const shape = this.extendedShape(shapeArgs.parse(args).sampleShape);
    return dirichletDraw(this.concentration.expand(shape));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const c = this.concentration;
    return c.sub(1).xlogy(value).sum(-1).add(c.sum(-1).lgamma()).sub(c.lgamma().sum(-1));
  }
  override entropy(): Tensor {
    const c = this.concentration;
    const k = c.shape[c.dim() - 1];
    const a0 = c.sum(-1);
    return c.lgamma().sum(-1).sub(a0.lgamma()).sub(a0.neg().add(k).mul(a0.digamma())).sub(c.sub(1).mul(c.digamma()).sum(-1));
  }
}

export class Beta extends Distribution {
  readonly dirichlet: Dirichlet;
  constructor(...args: ArgsOf<typeof betaArgs>) {
    super();
    const a = betaArgs.parse(args);
    const [c1, c0] = broadcastAll(a.concentration1, a.concentration0);
    this.dirichlet = new Dirichlet(stack([c1, c0], -1), a.validateArgs);
    this.init(this.dirichlet.batchShape, [], a.validateArgs);
  }
  get concentration1(): Tensor {
    return this.dirichlet.concentration.select(-1, 0);
  }
  get concentration0(): Tensor {
    return this.dirichlet.concentration.select(-1, 1);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration1: constraints.positive, concentration0: constraints.positive };
  }
  override get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  /** PyTorch's Beta keeps its parameters inside the Dirichlet: its repr lists none. */
  protected givenParams(): Record<string, Tensor> {
    return {};
  }
  override expand(batchShape: readonly number[]): Beta {
    const s = checkExpand(this, batchShape);
    return new Beta(this.concentration1.expand(s), this.concentration0.expand(s), { validateArgs: false }).withValidate(this.validateArgs);
  }
  override get mean(): Tensor {
    return this.concentration1.div(this.concentration1.add(this.concentration0));
  }
  override get mode(): Tensor {
    return this.dirichlet.mode.select(-1, 0);
  }
  override get variance(): Tensor {
    const total = this.concentration1.add(this.concentration0);
    return this.concentration1.mul(this.concentration0).div(total.pow(2).mul(total.add(1)));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    return this.dirichlet.rsample(shapeArgs.parse(args).sampleShape).select(-1, 0);
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return this.dirichlet.logProb(stack([value, value.neg().add(1)], -1));
  }
  override entropy(): Tensor {
    return this.dirichlet.entropy();
  }
}
