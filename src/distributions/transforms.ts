// torch.distributions.transforms: invertible maps with log|det J|, for
// TransformedDistribution (e.g. a tanh-squashed Gaussian policy). Elementwise transforms
// (Exp, Affine, Sigmoid, Tanh, Power) and their composition; `cacheSize: 1` keeps
// the last (x, y) pair so inv(y) of a fresh sample returns x exactly, as PyTorch.
import { Tensor } from '../tensor/tensor.js';
import { fullLike } from '../tensor/create.js';
import { softplus } from '../nn/functional/activation.js';
import { check, int, signature, type ArgsOf } from '../tensor/args.js';
import * as constraints from './constraints.js';
import { finfo } from '../tensor/type-info.js';
import { NotImplementedError } from './distribution.js';

const cacheArgs = signature('Transform', [['cacheSize', check<0 | 1>('0 or 1', (v) => v === 0 || v === 1), 0]] as const);

/** _sum_rightmost: sums the n rightmost dims. */
export function sumRightmost(t: Tensor, n: number): Tensor {
  if (n <= 0) return t;
  return t.reshape([...t.shape.slice(0, t.dim() - n), -1]).sum(-1);
}

/** The product of two signs, numbers or tensors. */
export function mulSign(a: number | Tensor, b: number | Tensor): number | Tensor {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  return a instanceof Tensor ? a.mul(b) : (b as Tensor).mul(a);
}

export abstract class Transform {
  readonly cacheSize: 0 | 1;
  private cached: [Tensor, Tensor] | null = null;
  constructor(cacheSize: 0 | 1 = 0) {
    this.cacheSize = cacheSize;
  }
  abstract get domain(): constraints.Constraint;
  abstract get codomain(): constraints.Constraint;
  get bijective(): boolean {
    return true;
  }
  /** +1 for increasing maps, -1 for decreasing ones (a tensor for elementwise tensor parameters). */
  get sign(): number | Tensor {
    return 1;
  }
  get eventDim(): number {
    return this.domain.eventDim;
  }
  protected abstract call(x: Tensor): Tensor;
  protected abstract inverse(y: Tensor): Tensor;
  abstract logAbsDetJacobian(x: Tensor, y: Tensor): Tensor;

  /** y = t(x) (PyTorch's __call__). */
  forward(x: Tensor): Tensor {
    if (this.cacheSize === 1 && this.cached && this.cached[0] === x) return this.cached[1];
    const y = this.call(x);
    if (this.cacheSize === 1) this.cached = [x, y];
    return y;
  }
  /** x = t⁻¹(y) (PyTorch's t.inv(y)). */
  inv(y: Tensor): Tensor {
    if (this.cacheSize === 1 && this.cached && this.cached[1] === y) return this.cached[0];
    const x = this.inverse(y);
    if (this.cacheSize === 1) this.cached = [x, y];
    return x;
  }
  toString(): string {
    return `${this.constructor.name}()`;
  }
  /** PyTorch's __eq__: the same class (parameterized transforms also compare their parameters). */
  equals(other: Transform): boolean {
    return other.constructor === this.constructor;
  }
}

/** Equal numbers, or equal tensors elementwise (PyTorch's transform __eq__ on loc/scale/exponent). */
function sameParam(a: number | Tensor, b: number | Tensor): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const ta = a instanceof Tensor ? a : null;
  const tb = b instanceof Tensor ? b : null;
  if (ta && tb) return Boolean(ta.eq(tb).all().item());
  return Boolean((ta ?? (tb as Tensor)).eq((ta ? b : a) as number).all().item());
}

export class ExpTransform extends Transform {
  constructor(...args: ArgsOf<typeof cacheArgs>) {
    super(cacheArgs.parse(args).cacheSize);
  }
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  protected call(x: Tensor): Tensor {
    return x.exp();
  }
  protected inverse(y: Tensor): Tensor {
    return y.log();
  }
  logAbsDetJacobian(x: Tensor): Tensor {
    return x;
  }
}

/** y = |x| (not bijective: no log|det J|; HalfNormal and HalfCauchy score values themselves). */
export class AbsTransform extends Transform {
  constructor(...args: ArgsOf<typeof cacheArgs>) {
    super(cacheArgs.parse(args).cacheSize);
  }
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  override get bijective(): boolean {
    return false;
  }
  protected call(x: Tensor): Tensor {
    return x.abs();
  }
  protected inverse(y: Tensor): Tensor {
    return y;
  }
  logAbsDetJacobian(): Tensor {
    throw new NotImplementedError('AbsTransform has no log_abs_det_jacobian (it is not bijective)');
  }
}

const numberOrTensor = check<number | Tensor>('a number or Tensor', (v) => typeof v === 'number' || v instanceof Tensor);
const affineArgs = signature('AffineTransform', [['loc', numberOrTensor], ['scale', numberOrTensor], ['eventDim', int, 0], ['cacheSize', check<0 | 1>('0 or 1', (v) => v === 0 || v === 1), 0]] as const);

/** y = loc + scale * x; eventDim > 0 sums the log-scale over that many rightmost dims. */
export class AffineTransform extends Transform {
  readonly loc: number | Tensor;
  readonly scale: number | Tensor;
  private readonly evDim: number;
  constructor(...args: ArgsOf<typeof affineArgs>) {
    const a = affineArgs.parse(args);
    super(a.cacheSize);
    this.loc = a.loc;
    this.scale = a.scale;
    this.evDim = a.eventDim;
  }
  get domain(): constraints.Constraint {
    return this.evDim === 0 ? constraints.real : constraints.independent(constraints.real, this.evDim);
  }
  get codomain(): constraints.Constraint {
    return this.domain;
  }
  override get sign(): number | Tensor {
    return typeof this.scale === 'number' ? Math.sign(this.scale) : this.scale.sign();
  }
  protected call(x: Tensor): Tensor {
    return typeof this.scale === 'number' ? x.mul(this.scale).add(this.loc) : this.scale.mul(x).add(this.loc);
  }
  protected inverse(y: Tensor): Tensor {
    return y.sub(this.loc).div(this.scale);
  }
  override equals(other: Transform): boolean {
    return other instanceof AffineTransform && sameParam(this.loc, other.loc) && sameParam(this.scale, other.scale);
  }
  logAbsDetJacobian(x: Tensor): Tensor {
    let shape = x.shape;
    let result = typeof this.scale === 'number' ? fullLike(x, Math.log(Math.abs(this.scale))) : this.scale.abs().log();
    if (this.evDim) {
      result = result.reshape([...result.shape.slice(0, result.dim() - this.evDim), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this.evDim);
    }
    return result.expand(shape);
  }
}

export class SigmoidTransform extends Transform {
  constructor(...args: ArgsOf<typeof cacheArgs>) {
    super(cacheArgs.parse(args).cacheSize);
  }
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.unitInterval;
  }
  protected call(x: Tensor): Tensor {
    const { tiny, eps } = finfo(x.dtype);
    return x.sigmoid().clamp(tiny, 1 - eps);
  }
  protected inverse(y: Tensor): Tensor {
    const { tiny, eps } = finfo(y.dtype);
    const c = y.clamp(tiny, 1 - eps);
    return c.log().sub(c.neg().log1p());
  }
  logAbsDetJacobian(x: Tensor): Tensor {
    return softplus(x.neg()).neg().sub(softplus(x));
  }
}

export class TanhTransform extends Transform {
  constructor(...args: ArgsOf<typeof cacheArgs>) {
    super(cacheArgs.parse(args).cacheSize);
  }
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.interval(-1.0, 1.0);
  }
  protected call(x: Tensor): Tensor {
    return x.tanh();
  }
  protected inverse(y: Tensor): Tensor {
    // Not clamped (PyTorch: use cacheSize 1 for samples at ±1).
    return y.atanh();
  }
  logAbsDetJacobian(x: Tensor): Tensor {
    return softplus(x.mul(-2)).add(x).neg().add(Math.log(2)).mul(2);
  }
}

export class SoftplusTransform extends Transform {
  constructor(...args: ArgsOf<typeof cacheArgs>) {
    super(cacheArgs.parse(args).cacheSize);
  }
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  protected call(x: Tensor): Tensor {
    return softplus(x);
  }
  protected inverse(y: Tensor): Tensor {
    return y.neg().expm1().neg().log().add(y);
  }
  logAbsDetJacobian(x: Tensor): Tensor {
    return softplus(x.neg()).neg();
  }
}

const powerArgs = signature('PowerTransform', [['exponent', numberOrTensor], ['cacheSize', check<0 | 1>('0 or 1', (v) => v === 0 || v === 1), 0]] as const);

/** y = x ** exponent on the positive reals. */
export class PowerTransform extends Transform {
  readonly exponent: number | Tensor;
  constructor(...args: ArgsOf<typeof powerArgs>) {
    const a = powerArgs.parse(args);
    super(a.cacheSize);
    this.exponent = a.exponent;
  }
  get domain(): constraints.Constraint {
    return constraints.positive;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  override get sign(): number | Tensor {
    return typeof this.exponent === 'number' ? Math.sign(this.exponent) : this.exponent.sign();
  }
  override equals(other: Transform): boolean {
    return other instanceof PowerTransform && sameParam(this.exponent, other.exponent);
  }
  protected call(x: Tensor): Tensor {
    return x.pow(this.exponent);
  }
  protected inverse(y: Tensor): Tensor {
    return y.pow(typeof this.exponent === 'number' ? 1 / this.exponent : this.exponent.reciprocal());
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const e = this.exponent;
    return (typeof e === 'number' ? y.mul(e) : y.mul(e)).div(x).abs().log();
  }
}

const composeArgs = signature('ComposeTransform', [['parts', check<Transform[]>('a list of Transforms', (v) => Array.isArray(v) && v.every((t) => t instanceof Transform))], ['cacheSize', check<0 | 1>('0 or 1', (v) => v === 0 || v === 1), 0]] as const);

/** parts applied in order; log|det J| summed with PyTorch's event-dim bookkeeping. */
export class ComposeTransform extends Transform {
  readonly parts: Transform[];
  constructor(...args: ArgsOf<typeof composeArgs>) {
    const a = composeArgs.parse(args);
    super(a.cacheSize);
    this.parts = a.parts.slice();
  }
  get domain(): constraints.Constraint {
    if (this.parts.length === 0) return constraints.real;
    const domain = this.parts[0].domain;
    let ev = this.parts[this.parts.length - 1].codomain.eventDim;
    for (const p of this.parts.slice().reverse()) ev = Math.max(ev + p.domain.eventDim - p.codomain.eventDim, p.domain.eventDim);
    return ev > domain.eventDim ? constraints.independent(domain, ev - domain.eventDim) : domain;
  }
  get codomain(): constraints.Constraint {
    if (this.parts.length === 0) return constraints.real;
    const codomain = this.parts[this.parts.length - 1].codomain;
    let ev = this.parts[0].domain.eventDim;
    for (const p of this.parts) ev = Math.max(ev + p.codomain.eventDim - p.domain.eventDim, p.codomain.eventDim);
    return ev > codomain.eventDim ? constraints.independent(codomain, ev - codomain.eventDim) : codomain;
  }
  override get bijective(): boolean {
    return this.parts.every((p) => p.bijective);
  }
  override get sign(): number | Tensor {
    return this.parts.reduce<number | Tensor>((s, p) => mulSign(s, p.sign), 1);
  }
  protected call(x: Tensor): Tensor {
    return this.parts.reduce((v, p) => p.forward(v), x);
  }
  protected inverse(y: Tensor): Tensor {
    return this.parts.reduceRight((v, p) => p.inv(v), y);
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return x.mul(0);
    const xs = [x];
    for (const p of this.parts.slice(0, -1)) xs.push(p.forward(xs[xs.length - 1]));
    xs.push(y);
    let ev = this.domain.eventDim;
    let total: Tensor | null = null;
    this.parts.forEach((p, i) => {
      const term = sumRightmost(p.logAbsDetJacobian(xs[i], xs[i + 1]), ev - p.domain.eventDim);
      total = total === null ? term : total.add(term);
      ev += p.codomain.eventDim - p.domain.eventDim;
    });
    return total as unknown as Tensor;
  }
}

