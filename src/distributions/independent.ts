// torch.distributions.Independent(base, n): the base's n rightmost batch dims become event
// dims (log_prob sums over them), e.g. a diagonal Gaussian from Normal(loc, scale).
import { Tensor } from '../tensor/tensor.js';
import { bool, instance, int, intList, nullable, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { checkExpand, Distribution, NotImplementedError } from './distribution.js';

const independentArgs = signature('Independent', [
  ['baseDistribution', instance(Distribution, 'Distribution')], ['reinterpretedBatchNdims', int], ['validateArgs', nullable(bool), null],
] as const);
const shapeArgs = signature('sample', [['sampleShape', intList, []]] as const);

/** Sums the n rightmost dims (_sum_rightmost). */
export function sumRightmost(t: Tensor, n: number): Tensor {
  if (n === 0) return t;
  return t.reshape([...t.shape.slice(0, t.dim() - n), -1]).sum(-1);
}

export class Independent extends Distribution {
  readonly baseDist: Distribution;
  readonly reinterpretedBatchNdims: number;

  constructor(...args: ArgsOf<typeof independentArgs>) {
    super();
    const a = independentArgs.parse(args);
    const base = a.baseDistribution;
    if (a.reinterpretedBatchNdims > base.batchShape.length) {
      throw new RangeError(
        `Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${a.reinterpretedBatchNdims} vs ${base.batchShape.length}`,
      );
    }
    this.baseDist = base;
    this.reinterpretedBatchNdims = a.reinterpretedBatchNdims;
    const shape = [...base.batchShape, ...base.eventShape];
    const eventDim = a.reinterpretedBatchNdims + base.eventShape.length;
    this.init(shape.slice(0, shape.length - eventDim), shape.slice(shape.length - eventDim), a.validateArgs);
  }

  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  override get hasEnumerateSupport(): boolean {
    return this.reinterpretedBatchNdims > 0 ? false : this.baseDist.hasEnumerateSupport;
  }
  override get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  override get support(): constraints.Constraint {
    const s = this.baseDist.support;
    return this.reinterpretedBatchNdims ? constraints.independent(s, this.reinterpretedBatchNdims) : s;
  }
  protected givenParams(): Record<string, Tensor> {
    return {};
  }

  override expand(batchShape: readonly number[]): Independent {
    const shape = checkExpand(this, batchShape);
    const base = this.baseDist.expand([...shape, ...this.eventShape.slice(0, this.reinterpretedBatchNdims)]);
    return new Independent(base, this.reinterpretedBatchNdims, { validateArgs: false }).withValidate(this.validateArgs);
  }

  override get mean(): Tensor {
    return this.baseDist.mean;
  }
  override get mode(): Tensor {
    return this.baseDist.mode;
  }
  override get variance(): Tensor {
    return this.baseDist.variance;
  }
  override sample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    return this.baseDist.sample(shapeArgs.parse(args).sampleShape);
  }
  override rsample(...args: ArgsOf<typeof shapeArgs>): Tensor {
    return this.baseDist.rsample(shapeArgs.parse(args).sampleShape);
  }
  override logProb(value: Tensor): Tensor {
    return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims);
  }
  override entropy(): Tensor {
    return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims);
  }
  override enumerateSupport(expand = true): Tensor {
    if (this.reinterpretedBatchNdims > 0) throw new NotImplementedError('Enumeration over cartesian product is not implemented');
    return this.baseDist.enumerateSupport(expand);
  }
  override toString(): string {
    return `Independent(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}
