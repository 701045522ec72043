// torch.distributions.Distribution: batch/event shapes, argument and sample validation
// (on by default, as PyTorch 1.13), and the sampling/scoring methods each distribution
// overrides. Methods a distribution lacks throw NotImplementedError, as in PyTorch.
import { noGrad } from '../autograd/grad-mode.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { int, intList, signature, type ArgsOf } from '../tensor/args.js';
import { isDependent, type Constraint } from './constraints.js';
import { paramRepr, snakeName } from './utils.js';
import { sizeRepr, tupleRepr } from '../tensor/shape.js';

/** Python's NotImplementedError (a method a distribution does not define). */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}

const sampleArgs = signature('sample', [['sampleShape', intList, []]] as const);
const sampleNArgs = signature('sample_n', [['n', int]] as const);

let defaultValidateArgs = true;

export abstract class Distribution {
  batchShape!: number[];
  eventShape!: number[];
  /** Whether constructor arguments and logProb/cdf values are checked against the constraints. */
  validateArgs!: boolean;
  /** Whether rsample (reparameterized, differentiable sampling) is implemented. */
  get hasRsample(): boolean {
    return false;
  }
  /** Whether enumerateSupport is implemented. */
  get hasEnumerateSupport(): boolean {
    return false;
  }

  /** Whether new instances validate when their validateArgs is not given. */
  static get defaultValidateArgs(): boolean {
    return defaultValidateArgs;
  }

  /** Distribution.set_default_validate_args: validation on (the default) or off for new instances. */
  static setDefaultValidateArgs(value: boolean): void {
    if (typeof value !== 'boolean') throw new RangeError('Expected a bool for set_default_validate_args');
    defaultValidateArgs = value;
  }

  /** The parameters' constraints, by name (checked at construction when validating). */
  get argConstraints(): Record<string, Constraint> {
    throw new NotImplementedError(`${this.constructor.name} does not define arg_constraints`);
  }

  get support(): Constraint {
    throw new NotImplementedError(`${this.constructor.name} does not define support`);
  }

  /**
   * The parameters given (set) on this instance by name. Lazily derived ones (logits when
   * probs were given) are not listed, so they are neither validated nor printed, as PyTorch.
   */
  protected abstract givenParams(): Record<string, Tensor>;

  /** Subclasses call this at the end of their constructor, after their parameters are set. */
  protected init(batchShape: readonly number[], eventShape: readonly number[], validateArgs: boolean | null | undefined): void {
    this.batchShape = batchShape.slice();
    this.eventShape = eventShape.slice();
    this.validateArgs = validateArgs ?? defaultValidateArgs;
    if (this.validateArgs) this.checkParams();
  }

  /**
   * Checks the given parameters against argConstraints (PyTorch's __init__ validation). Classes
   * that set their own parameters after a parent constructor ran call it again themselves.
   */
  protected checkParams(given: Record<string, Tensor> = this.givenParams()): void {
    for (const [param, constraint] of Object.entries(this.argConstraints)) {
      if (isDependent(constraint) || !(param in given)) continue;
      const value = given[param];
      if (!constraint.check(value).all().item()) {
        throw new RangeError(
          `Expected parameter ${snakeName(param)} (Tensor of shape ${tupleRepr(value.shape)}) of distribution ${this.toString()} ` +
            `to satisfy the constraint ${constraint.toString()}, but found invalid values:\n${value.toString()}`,
        );
      }
    }
  }

  /** expand() keeps the instance's validate flag without re-validating, as PyTorch's _get_checked_instance. */
  protected withValidate(v: boolean): this {
    this.validateArgs = v;
    return this;
  }

  /** sample_shape + batch_shape + event_shape. */
  protected extendedShape(sampleShape: readonly number[] = []): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /** Checks a value scored by logProb/cdf/icdf: shape against batch+event shapes, values in the support. */
  protected validateSample(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new RangeError('The value argument to log_prob must be a Tensor');
    const ev = this.eventShape;
    const tail = value.shape.slice(value.dim() - ev.length);
    if (value.dim() < ev.length || tail.some((s, i) => s !== ev[i])) {
      throw new RangeError(`The right-most size of value must match event_shape: ${sizeRepr(value.shape)} vs ${sizeRepr(ev)}.`);
    }
    const expected = [...this.batchShape, ...ev];
    const a = value.shape;
    for (let i = 1; i <= Math.min(a.length, expected.length); i++) {
      const x = a[a.length - i];
      const y = expected[expected.length - i];
      if (x !== 1 && y !== 1 && x !== y) {
        throw new RangeError(`Value is not broadcastable with batch_shape+event_shape: ${sizeRepr(a)} vs ${sizeRepr(expected)}.`);
      }
    }
    const support = this.support;
    if (!support.check(value).all().item()) {
      throw new RangeError(
        `Expected value argument (Tensor of shape ${tupleRepr(value.shape)}) to be within the support (${support.toString()}) ` +
          `of the distribution ${this.toString()}, but found invalid values:\n${value.toString()}`,
      );
    }
  }

  /** A sample (no gradient) of shape sampleShape + batchShape + eventShape. */
  sample(...args: ArgsOf<typeof sampleArgs>): Tensor {
    const { sampleShape } = sampleArgs.parse(args);
    return noGrad(() => this.rsample(sampleShape));
  }

  /** A reparameterized sample: gradients flow to the parameters (where hasRsample). */
  rsample(...args: ArgsOf<typeof sampleArgs>): Tensor {
    void args;
    throw new NotImplementedError(`${this.constructor.name} does not implement rsample`);
  }

  /** sample_n(n): deprecated in PyTorch, as sample([n]). */
  sampleN(...args: ArgsOf<typeof sampleNArgs>): Tensor {
    const { n } = sampleNArgs.parse(args);
    return this.sample([n]);
  }

  logProb(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError(`${this.constructor.name} does not implement log_prob`);
  }
  cdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError(`${this.constructor.name} does not implement cdf`);
  }
  icdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError(`${this.constructor.name} does not implement icdf`);
  }
  entropy(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement entropy`);
  }
  /** All values of a discrete support, shaped (cardinality,) + batchShape (expand) or (cardinality,) + ones. */
  enumerateSupport(expand = true): Tensor {
    void expand;
    throw new NotImplementedError(`${this.constructor.name} does not implement enumerate_support`);
  }
  /** A new instance with its batch shape expanded (parameters broadcast, no copy). */
  expand(batchShape: readonly number[]): Distribution {
    void batchShape;
    throw new NotImplementedError(`${this.constructor.name} does not implement expand`);
  }
  get mean(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement mean`);
  }
  get mode(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement mode`);
  }
  get variance(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement variance`);
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }
  perplexity(): Tensor {
    return this.entropy().exp();
  }

  /** PyTorch's repr: each given parameter, its value when it has one element, else its size. */
  toString(): string {
    const given = this.givenParams();
    const names = Object.keys(this.argConstraints).filter((k) => k in given);
    const parts = names.map((k) => `${snakeName(k)}: ${paramRepr(given[k])}`);
    return `${this.constructor.name}(${parts.join(', ')})`;
  }
}

/** The batch shape a parameter set broadcasts to. */
export function batchShapeOf(...ts: Tensor[]): number[] {
  return ts.reduce<number[]>((s, t) => broadcastShapes(s, t.shape), []);
}

/** Validates an expand() target: the new batch shape must broadcast from the old one. */
export function checkExpand(d: Distribution, batchShape: readonly number[]): number[] {
  if (!Array.isArray(batchShape) || !batchShape.every((s) => Number.isInteger(s))) throw new TypeError('expand(): batch_shape must be a list of ints');
  const merged = broadcastShapes(d.batchShape, batchShape);
  if (merged.length !== batchShape.length || merged.some((s, i) => s !== batchShape[i])) {
    throw new RangeError(`The expanded size of the tensor (${batchShape.join(', ')}) must match the existing size at non-singleton dimensions (batch shape ${sizeRepr(d.batchShape)})`);
  }
  return batchShape.slice();
}
