// torch.distributions.TransformedDistribution(base, transforms): samples are the base's
// samples pushed through the transforms (so seeded draws are PyTorch's); logProb pulls a
// value back through the inverses, subtracting each log|det J|, as PyTorch.
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { bool, check, instance, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { checkExpand, Distribution } from './distribution.js';
import { Independent } from './independent.js';
import { ComposeTransform, mulSign, sumRightmost, Transform } from './transforms.js';

const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);
const transformsCheck = check<Transform | Transform[]>('a Transform or a list of Transforms', (v) => v instanceof Transform || (Array.isArray(v) && v.every((t) => t instanceof Transform)));
const tdArgs = signature('TransformedDistribution', [
  ['baseDistribution', instance(Distribution, 'Distribution')], ['transforms', transformsCheck], ['validateArgs', nullable(bool), null],
] as const);

export class TransformedDistribution extends Distribution {
  readonly baseDist: Distribution;
  readonly transforms: Transform[];

  constructor(...args: ArgsOf<typeof tdArgs>) {
    super();
    const a = tdArgs.parse(args);
    this.transforms = a.transforms instanceof Transform ? [a.transforms] : a.transforms.slice();
    const base = a.baseDistribution;
    const baseShape = [...base.batchShape, ...base.eventShape];
    const baseEventDim = base.eventShape.length;
    const t = new ComposeTransform(this.transforms);
    if (baseShape.length < t.domain.eventDim) {
      throw new RangeError(`base_distribution needs to have shape with size at least ${t.domain.eventDim}, but got ${baseShape.length}.`);
    }
    // The transforms here keep shapes (elementwise), so forward_shape = base_shape.
    const reinterpreted = t.domain.eventDim - baseEventDim;
    this.baseDist = reinterpreted > 0 ? new Independent(base, reinterpreted) : base;
    const change = t.codomain.eventDim - t.domain.eventDim;
    const eventDim = Math.max(t.codomain.eventDim, baseEventDim + change);
    this.init(baseShape.slice(0, baseShape.length - eventDim), baseShape.slice(baseShape.length - eventDim), a.validateArgs);
  }

  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  override get support(): constraints.Constraint {
    if (this.transforms.length === 0) return this.baseDist.support;
    const s = this.transforms[this.transforms.length - 1].codomain;
    return this.eventShape.length > s.eventDim ? constraints.independent(s, this.eventShape.length - s.eventDim) : s;
  }
  protected givenParams(): Record<string, Tensor> {
    return {};
  }
  override expand(batchShape: readonly number[]): TransformedDistribution {
    const shape = checkExpand(this, batchShape);
    return new TransformedDistribution(this.baseDist.expand(shape), this.transforms, { validateArgs: false }).withValidate(this.validateArgs);
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    return noGrad(() => this.transforms.reduce((x, t) => t.forward(x), this.baseDist.sample(sampleShape)));
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    const { sampleShape } = shapeArgs.parse(args);
    return this.transforms.reduce((x, t) => t.forward(x), this.baseDist.rsample(sampleShape));
  }
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    let eventDim = this.eventShape.length;
    let logProb: Tensor | number = 0;
    let y = value;
    for (const t of this.transforms.slice().reverse()) {
      const x = t.inv(y);
      eventDim += t.domain.eventDim - t.codomain.eventDim;
      const ladj = sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.codomain.eventDim);
      logProb = typeof logProb === 'number' ? ladj.neg().add(logProb) : logProb.sub(ladj);
      y = x;
    }
    const base = sumRightmost(this.baseDist.logProb(y), eventDim - this.baseDist.eventShape.length);
    return typeof logProb === 'number' ? base.add(logProb) : logProb.add(base);
  }
  /** 1 - cdf where the composed map is decreasing (PyTorch's _monotonize_cdf). */
  private monotonize(value: Tensor): Tensor {
    const sign = this.transforms.reduce<number | Tensor>((s, t) => mulSign(s, t.sign), 1);
    if (sign === 1) return value;
    return typeof sign === 'number' ? value.sub(0.5).mul(sign).add(0.5) : sign.mul(value.sub(0.5)).add(0.5);
  }
  override cdf(value: Tensor): Tensor {
    let v = value;
    for (const t of this.transforms.slice().reverse()) v = t.inv(v);
    return this.monotonize(this.baseDist.cdf(v));
  }
  override icdf(value: Tensor): Tensor {
    let v = this.baseDist.icdf(this.monotonize(value));
    for (const t of this.transforms) v = t.forward(v);
    return v;
  }
}
