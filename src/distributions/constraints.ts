// torch.distributions.constraints: the region a parameter or a sample lives in. `check(value)`
// returns a bool tensor, one entry per event (event dims reduced), as PyTorch's constraints do;
// the names print as PyTorch's reprs ("Real()", "GreaterThan(lower_bound=0.0)") because the
// validation errors quote them.
import type { Tensor } from '../tensor/tensor.js';
import * as linalg from '../linalg/index.js';
import { pyFloat } from '../tensor/py-float.js';

export abstract class Constraint {
  /** True for discrete supports (ints, booleans, one-hot vectors). */
  readonly isDiscrete: boolean = false;
  /** How many rightmost dims make one event. */
  readonly eventDim: number = 0;
  abstract check(value: Tensor): Tensor;
  /** PyTorch's repr: the class name and its bounds. */
  toString(): string {
    return `${this.constructor.name.replace(/^_/, '')}()`;
  }
}

/** Dims past the event are reduced with all(): the check is per event. */
function allLast(t: Tensor, dims: number): Tensor {
  let r = t;
  for (let i = 0; i < dims; i++) r = r.all(-1);
  return r;
}

/** A parameter whose constraint follows from others (Categorical's logits given probs …): never checked. */
export class _Dependent extends Constraint {
  override readonly isDiscrete: boolean;
  override readonly eventDim: number;
  constructor(isDiscrete = false, eventDim = 0) {
    super();
    this.isDiscrete = isDiscrete;
    this.eventDim = eventDim;
  }
  check(): Tensor {
    throw new Error('Cannot determine validity of dependent constraint');
  }
}

export function isDependent(c: Constraint): boolean {
  return c instanceof _Dependent;
}

export class _Real extends Constraint {
  check(value: Tensor): Tensor {
    return value.eq(value); // false for NaN only, as PyTorch
  }
}

export class _Boolean extends Constraint {
  override readonly isDiscrete = true;
  check(value: Tensor): Tensor {
    return value.eq(0).logicalOr(value.eq(1));
  }
}

export class _GreaterThan extends Constraint {
  constructor(readonly lowerBound: number) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.gt(this.lowerBound);
  }
  override toString(): string {
    return `GreaterThan(lower_bound=${pyFloat(this.lowerBound)})`;
  }
}

export class _GreaterThanEq extends Constraint {
  constructor(readonly lowerBound: number | Tensor) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.ge(this.lowerBound);
  }
  override toString(): string {
    return `GreaterThanEq(lower_bound=${boundRepr(this.lowerBound)})`;
  }
}

/** A bound as Python formats it: a float with ".0", a 0-d tensor as its value, other tensors printed. */
function boundRepr(b: number | Tensor): string {
  if (typeof b === 'number') return pyFloat(b);
  if (b.dim() === 0) return pyFloat(b.item() as number);
  return b.toString();
}

/** [lower, upper]; bounds are numbers or tensors (Uniform's support is interval(low, high)). */
export class _Interval extends Constraint {
  constructor(
    readonly lowerBound: number | Tensor,
    readonly upperBound: number | Tensor,
  ) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound));
  }
  override toString(): string {
    return `Interval(lower_bound=${boundRepr(this.lowerBound)}, upper_bound=${boundRepr(this.upperBound)})`;
  }
}

export class _HalfOpenInterval extends _Interval {
  override check(value: Tensor): Tensor {
    return value.ge(this.lowerBound).logicalAnd(value.lt(this.upperBound));
  }
  override toString(): string {
    return `HalfOpenInterval(lower_bound=${boundRepr(this.lowerBound)}, upper_bound=${boundRepr(this.upperBound)})`;
  }
}

export class _IntegerInterval extends Constraint {
  override readonly isDiscrete = true;
  constructor(
    readonly lowerBound: number | Tensor,
    readonly upperBound: number | Tensor,
  ) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.remainder(1).eq(0).logicalAnd(value.ge(this.lowerBound)).logicalAnd(value.le(this.upperBound));
  }
  override toString(): string {
    const b = (x: number | Tensor): string => (typeof x === 'number' ? String(x) : boundRepr(x));
    return `IntegerInterval(lower_bound=${b(this.lowerBound)}, upper_bound=${b(this.upperBound)})`;
  }
}

export class _IntegerGreaterThan extends Constraint {
  override readonly isDiscrete = true;
  constructor(readonly lowerBound: number) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.remainder(1).eq(0).logicalAnd(value.ge(this.lowerBound));
  }
  override toString(): string {
    return `IntegerGreaterThan(lower_bound=${this.lowerBound})`;
  }
}

/** Wraps a constraint so that `n` rightmost dims form one event (constraints.independent). */
export class _IndependentConstraint extends Constraint {
  override readonly isDiscrete: boolean;
  override readonly eventDim: number;
  constructor(
    readonly baseConstraint: Constraint,
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
    this.isDiscrete = baseConstraint.isDiscrete;
    this.eventDim = baseConstraint.eventDim + reinterpretedBatchNdims;
  }
  check(value: Tensor): Tensor {
    const r = this.baseConstraint.check(value);
    if (r.dim() < this.reinterpretedBatchNdims) {
      const expected = this.baseConstraint.eventDim + this.reinterpretedBatchNdims;
      throw new RangeError(`Expected value.dim() >= ${expected} but got ${value.dim()}`);
    }
    return allLast(r, this.reinterpretedBatchNdims);
  }
  override toString(): string {
    return `IndependentConstraint(${this.baseConstraint.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}

export class _Simplex extends Constraint {
  override readonly eventDim = 1;
  check(value: Tensor): Tensor {
    return value.ge(0).all(-1).logicalAnd(value.sum(-1).sub(1).abs().lt(1e-6));
  }
}

export class _OneHot extends Constraint {
  override readonly isDiscrete = true;
  override readonly eventDim = 1;
  check(value: Tensor): Tensor {
    const isBoolean = value.eq(0).logicalOr(value.eq(1));
    return isBoolean.all(-1).logicalAnd(value.sum(-1).eq(1));
  }
}

export class _RealVector extends _IndependentConstraint {
  constructor() {
    super(new _Real(), 1);
  }
  override toString(): string {
    return 'IndependentConstraint(Real(), 1)';
  }
}

/** Lower-triangular with a positive diagonal (MultivariateNormal's scale_tril). */
export class _LowerCholesky extends Constraint {
  override readonly eventDim = 2;
  check(value: Tensor): Tensor {
    const lower = value.tril().eq(value).all(-1).all(-1);
    const posDiag = value.diagonal(0, -2, -1).gt(0).all(-1);
    return lower.logicalAnd(posDiag);
  }
}

/** Symmetric (isclose to its transpose, atol 1e-6) and a Cholesky factorization exists, as PyTorch checks. */
export class _PositiveDefinite extends Constraint {
  override readonly eventDim = 2;
  check(value: Tensor): Tensor {
    const sym = value.isclose(value.mT, { atol: 1e-6 }).all(-2).all(-1);
    if (!sym.all().item()) return sym;
    return linalg.choleskyEx(value).info.eq(0);
  }
}

export const dependent = new _Dependent();
export const real = new _Real();
export const boolean = new _Boolean();
export const positive = new _GreaterThan(0);
export const nonnegative = new _GreaterThanEq(0);
export const unitInterval = new _Interval(0, 1);
export const simplex = new _Simplex();
export const oneHot = new _OneHot();
export const realVector = new _RealVector();
export const lowerCholesky = new _LowerCholesky();
export const positiveDefinite = new _PositiveDefinite();
export const nonnegativeInteger = new _IntegerGreaterThan(0);
export const positiveInteger = new _IntegerGreaterThan(1);
export const greaterThan = (lowerBound: number): Constraint => new _GreaterThan(lowerBound);
export const greaterThanEq = (lowerBound: number | Tensor): Constraint => new _GreaterThanEq(lowerBound);
export const interval = (lowerBound: number | Tensor, upperBound: number | Tensor): Constraint => new _Interval(lowerBound, upperBound);
export const halfOpenInterval = (lowerBound: number | Tensor, upperBound: number | Tensor): Constraint => new _HalfOpenInterval(lowerBound, upperBound);
export const integerInterval = (lowerBound: number | Tensor, upperBound: number | Tensor): Constraint => new _IntegerInterval(lowerBound, upperBound);
export const independent = (base: Constraint, reinterpretedBatchNdims: number): Constraint => new _IndependentConstraint(base, reinterpretedBatchNdims);
