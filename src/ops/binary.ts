// Elementwise ops of two operands with broadcasting and PyTorch's type promotion:
// arithmetic, pow, maximum/minimum, comparisons, logical and bitwise ops, where, clamp.
import { backend, type BinaryOp } from '../backend/index.js';
import { castScalar, floatResult, isFloatingDtype, isIntegralDtype, resultType, type DType } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace, type DirectWrite } from './inplace.js';
import { any, checkTensor, isPlainObject, signature, type ArgsOf, type Check } from '../tensor/args.js';
import { asCompute, badOperand, binaryKernel, broadcastTo, checkOther, unaryKernel, type TensorLike } from './kernels.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

/** A binary node whose derivative closes over what the op saved. */
class BinaryBackward extends Node {
  constructor(readonly name: string, private readonly derivative: (g: Tensor, saved: Tensor[]) => Grad[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return this.derivative(g as Tensor, this.saved());
  }
}

const asTensor = (x: TensorLike | null | undefined): Tensor | null => (x instanceof Tensor ? x : null);

/** Records `out = op(a, b)`: `saves` lists tensors the derivative reads (scalars never are). */
function recordBinary(out: Tensor, a: TensorLike, b: TensorLike, name: string, saves: Tensor[], derivative: (g: Tensor, saved: Tensor[]) => Grad[]): Tensor {
  const ta = asTensor(a);
  const tb = asTensor(b);
  if (needsGrad(ta, tb)) record(new BinaryBackward(name, derivative), [ta, tb], [out]).save(...saves);
  return out;
}

/**
 * The operand check of every binary op (torch.add(input, other), …): each is a tensor or a
 * number, at least one a tensor; otherwise PyTorch's "add(): argument 'other' (position 2)
 * must be Tensor, not str". One typeof / instanceof per operand.
 */
function requireTensor(a: TensorLike, b: TensorLike, op: string, second = 'other'): void {
  if (a instanceof Tensor) {
    if (typeof b !== 'number' && !(b instanceof Tensor) && typeof b !== 'boolean' && typeof b !== 'bigint') badOperand(op, second, 2, b);
    return;
  }
  if (typeof a !== 'number' && typeof a !== 'boolean' && typeof a !== 'bigint') badOperand(op, 'input', 1, a);
  if (b instanceof Tensor) return;
  if (typeof b !== 'number' && typeof b !== 'boolean' && typeof b !== 'bigint') badOperand(op, second, 2, b);
  throw new TypeError(`${op}(): expected at least one Tensor argument`);
}

export interface AlphaOptions {
  alpha?: number;
}

function checkAlpha(dtype: DType, alpha: number): void {
  if (!isFloatingDtype(dtype) && !Number.isInteger(alpha)) {
    throw new TypeError('For integral input tensors, argument alpha must not be a floating point number.');
  }
}

export function add(a: TensorLike, b: TensorLike, opts: AlphaOptions = {}): Tensor {
  requireTensor(a, b, 'add');
  const alpha = opts.alpha ?? 1;
  const dtype = resultType(a, b);
  checkAlpha(dtype, alpha);
  const out = dtype === 'bool' ? binaryKernel('logicalOr', a, b, 'bool') : binaryKernel('add', a, b, dtype, dtype, castScalar(alpha, dtype));
  return recordBinary(out, a, b, 'AddBackward0', [], (g) => [g, alpha === 1 ? g : g.mul(alpha)]);
}

export function sub(a: TensorLike, b: TensorLike, opts: AlphaOptions = {}): Tensor {
  requireTensor(a, b, 'sub');
  const alpha = opts.alpha ?? 1;
  const dtype = resultType(a, b);
  if (dtype === 'bool') {
    throw new TypeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  }
  checkAlpha(dtype, alpha);
  const out = binaryKernel('sub', a, b, dtype, dtype, castScalar(alpha, dtype));
  const name = a instanceof Tensor ? 'SubBackward0' : 'RsubBackward1';
  return recordBinary(out, a, b, name, [], (g) => [g, alpha === 1 ? g.neg() : g.mul(-alpha)]);
}

/** A JS scalar as the 0-d tensor PyTorch saves for backward (a "wrapped number"). */
function wrapped(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'bigint') return Tensor.scalar(x, 'int64');
  const v = Number(x);
  return Tensor.scalar(v, Number.isInteger(v) && typeof x !== 'boolean' ? 'int64' : 'float64');
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, 'mul');
  const dtype = resultType(a, b);
  const out = binaryKernel(dtype === 'bool' ? 'logicalAnd' : 'mul', a, b, dtype);
  const ta = asTensor(a);
  const tb = asTensor(b);
  if (!needsGrad(ta, tb)) return out;
  // PyTorch saves other for self's gradient and self for other's (scalars as 0-d tensors).
  const needA = ta?.requiresGrad ?? false;
  const needB = tb?.requiresGrad ?? false;
  const saves = [...(needA ? [wrapped(b)] : []), ...(needB ? [wrapped(a)] : [])];
  return recordBinary(out, a, b, 'MulBackward0', saves, (g, s) => [needA ? g.mul(s[0]) : null, needB ? g.mul(s[needA ? 1 : 0]) : null]);
}

export type RoundingMode = 'trunc' | 'floor';

export function div(a: TensorLike, b: TensorLike, opts: { roundingMode?: RoundingMode | null } = {}): Tensor {
  requireTensor(a, b, 'div');
  const mode = opts.roundingMode ?? null;
  if (mode !== null) {
    const dtype = resultType(a, b);
    if (isIntegralDtype(dtype, true)) checkIntegerDivisor(b);
    const out = binaryKernel(mode === 'trunc' ? 'divTrunc' : 'divFloor', a, b, dtype);
    return recordBinary(out, a, b, 'DivBackward2', [], (g) => [g.mul(0), g.mul(0)]);
  }
  const dtype = floatResult(resultType(a, b));
  const out = binaryKernel('div', a, b, dtype);
  const ta = asTensor(a);
  const tb = asTensor(b);
  if (!needsGrad(ta, tb)) return out;
  const needB = tb?.requiresGrad ?? false;
  const saves = needB ? [wrapped(a), wrapped(b)] : [wrapped(b)];
  return recordBinary(out, a, b, 'DivBackward0', saves, (g, s) => {
    const vb = s[s.length - 1];
    return [ta?.requiresGrad ? g.div(vb) : null, needB ? g.neg().mul(div(div(s[0], vb), vb)) : null];
  });
}

function checkIntegerDivisor(b: TensorLike): void {
  const zero = b instanceof Tensor ? b.eq(0).any().item() !== 0 : Number(b) === 0;
  if (zero) throw new RangeError('ZeroDivisionError');
}

export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return div(a, b, { roundingMode: 'floor' });
}

export function remainder(a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, 'remainder');
  const dtype = resultType(a, b);
  if (isIntegralDtype(dtype, true)) checkIntegerDivisor(b);
  const out = binaryKernel('remainder', a, b, dtype);
  const saves = [asTensor(a), asTensor(b)].filter((t): t is Tensor => t !== null);
  return recordBinary(out, a, b, b instanceof Tensor ? 'RemainderBackward1' : 'RemainderBackward0', saves, (g) => [g, asTensor(b)?.requiresGrad ? g.neg().mul(floorDivide(a, b)) : null]);
}

export function fmod(a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, 'fmod');
  const dtype = resultType(a, b);
  if (isIntegralDtype(dtype, true)) checkIntegerDivisor(b);
  const out = binaryKernel('fmod', a, b, dtype);
  return recordBinary(out, a, b, b instanceof Tensor ? 'FmodBackward1' : 'FmodBackward0', [], (g) => [g, asTensor(b)?.requiresGrad ? g.neg().mul(div(a, b, { roundingMode: 'trunc' })) : null]);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, 'pow', 'exponent');
  const dtype = resultType(a, b);
  if (isIntegralDtype(dtype, false)) {
    const negative = b instanceof Tensor ? b.lt(0).any().item() !== 0 : Number(b) < 0;
    if (negative) throw new RangeError('Integers to negative integer powers are not allowed.');
  }
  if (a instanceof Tensor && !(b instanceof Tensor)) {
    const e = Number(b);
    const out = unaryKernel('powScalar', a, dtype, [castScalar(e, dtype)]);
    if (needsGrad(a)) {
      record(new BinaryBackward('PowBackward0', (g, [x]) => [e === 0 ? g.mul(0) : g.mul(x.pow(e - 1).mul(e))]), [a], [out]).save(a);
    }
    return out;
  }
  if (!(a instanceof Tensor)) {
    const base = Number(a);
    const t = b as Tensor;
    const out = unaryKernel('rpowScalar', t, dtype, [castScalar(base, dtype)]);
    if (needsGrad(t)) {
      record(
        new BinaryBackward('PowBackward1', (g, [r]) => [base === 0 ? g.mul(r).mul(0) : g.mul(r).mul(Math.log(base))]),
        [t],
        [out],
      ).save(out);
    }
    return out;
  }
  const out = binaryKernel('pow', a, b, dtype);
  return recordBinary(out, a, b, 'PowBackward1', [a, b as Tensor, out], (g, [x, y, r]) => [
    x.requiresGrad ? g.mul(y).mul(x.pow(y.sub(1))).maskedFill(y.eq(0), 0) : null,
    y.requiresGrad ? g.mul(r).mul(x.log()).maskedFill(x.eq(0).logicalAnd(y.ge(0)), 0) : null,
  ]);
}

function extremum(op: 'maximum' | 'minimum', a: Tensor, b: Tensor): Tensor {
  // As PyTorch: both operands are tensors (no scalar overload).
  checkTensor(op, 'input', 1, a);
  checkTensor(op, 'other', 2, b);
  const out = binaryKernel(op, a, b, resultType(a, b));
  const saves = [asTensor(a), asTensor(b)].filter((t): t is Tensor => t !== null);
  const losing = op === 'maximum' ? (x: TensorLike, y: TensorLike) => lt(x, y) : (x: TensorLike, y: TensorLike) => gt(x, y);
  const share = (g: Tensor, self: TensorLike, other: TensorLike) => where(eq(self, other), g.div(2), g).maskedFill(losing(self, other), 0);
  return recordBinary(out, a, b, op === 'maximum' ? 'MaximumBackward0' : 'MinimumBackward0', saves, (g) => [
    asTensor(a)?.requiresGrad ? share(g, a, b) : null,
    asTensor(b)?.requiresGrad ? share(g, b, a) : null,
  ]);
}

export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum('maximum', a, b);
}

export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum('minimum', a, b);
}

export function atan2(a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, 'atan2');
  const out = binaryKernel('atan2', a, b, floatResult(resultType(a, b)));
  return recordBinary(out, a, b, 'Atan2Backward0', [], (g) => {
    const denom = mul(a, a).add(mul(b, b));
    return [g.mul(b).div(denom), g.mul(a).neg().div(denom)];
  });
}

// --- tensor-scalar arithmetic under C++ node names ---
// PyTorch's C++ composites (cross_entropy, …) call at::mul(Tensor, Scalar) and friends,
// which record MulBackward1 / DivBackward1 / AddBackward1 (Python's `x * 2` is MulBackward0).

class ScalarBackward extends Node {
  constructor(readonly name: string, private readonly grad: (g: Tensor) => Tensor) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [this.grad(g as Tensor)];
  }
}

function scalarOp(x: Tensor, op: 'mul' | 'div' | 'add', s: number, name: string, grad: (g: Tensor) => Tensor): Tensor {
  const dtype = op === 'div' ? floatResult(resultType(x, s)) : resultType(x, s);
  const out = binaryKernel(op, x, s, dtype);
  if (needsGrad(x)) record(new ScalarBackward(name, grad), [x], [out]);
  return out;
}

/** x * s as at::mul(Tensor, Scalar) from C++ (MulBackward1). */
export function mulScalar(x: Tensor, s: number): Tensor {
  return scalarOp(x, 'mul', s, 'MulBackward1', (g) => g.mul(s));
}

/** x / s as at::div(Tensor, Scalar) from C++ (DivBackward1). */
export function divScalar(x: Tensor, s: number): Tensor {
  return scalarOp(x, 'div', s, 'DivBackward1', (g) => g.div(s));
}

/** x + s as at::add(Tensor, Scalar) from C++ (AddBackward1). */
export function addScalar(x: Tensor, s: number): Tensor {
  return scalarOp(x, 'add', s, 'AddBackward1', (g) => g);
}

// --- xlogy ---

class XlogyBackward0 extends Node {
  readonly name = 'XlogyBackward0';
  backward([g]: Grad[]): Grad[] {
    const [x, y] = this.saved();
    const grad = g as Tensor;
    const [nx, ny] = this.next;
    // PyTorch: self: xlogy(grad, other).masked_fill((self == 0) & (other <= 0), 0); other: grad * self / other.
    return [
      nx ? xlogy(grad, y).maskedFill(x.eq(0).logicalAnd(y.le(0)), 0) : null,
      ny ? grad.mul(x).div(y) : null,
    ];
  }
}

/** torch.xlogy: x * log(y), and 0 where x == 0 (unless y is NaN); x and y broadcast. */
export function xlogy(x: Tensor, y: Tensor): Tensor {
  const xd = x.detach();
  const yd = y.detach();
  const dtype = floatResult(resultType(x, y));
  const product = xd.to(dtype).mul(yd.to(dtype).log());
  const out = product.maskedFill(xd.eq(0).logicalAnd(yd.isnan().logicalNot()), 0);
  if (needsGrad(x, y)) record(new XlogyBackward0(), [x, y], [out]).save(x, y);
  return out;
}

// --- comparisons, logical and bitwise ops (no gradient) ---

function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, op);
  return binaryKernel(op, a, b, resultType(a, b), 'bool');
}

export const eq = (a: TensorLike, b: TensorLike) => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike) => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike) => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike) => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike) => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike) => compare('ge', a, b);
function logical(op: 'logicalAnd' | 'logicalOr' | 'logicalXor', a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, op);
  return binaryKernel(op, a, b, resultType(a, b), 'bool');
}

export const logicalAnd = (a: TensorLike, b: TensorLike) => logical('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => logical('logicalOr', a, b);
export const logicalXor = (a: TensorLike, b: TensorLike) => logical('logicalXor', a, b);

function bitwise(op: 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor', a: TensorLike, b: TensorLike): Tensor {
  requireTensor(a, b, op);
  const dtype = resultType(a, b);
  if (isFloatingDtype(dtype)) throw new TypeError(`${op} is only supported for integer and boolean tensors (got ${dtype})`);
  return binaryKernel(op, a, b, dtype);
}

export const bitwiseAnd = (a: TensorLike, b: TensorLike) => bitwise('bitwiseAnd', a, b);
export const bitwiseOr = (a: TensorLike, b: TensorLike) => bitwise('bitwiseOr', a, b);
export const bitwiseXor = (a: TensorLike, b: TensorLike) => bitwise('bitwiseXor', a, b);

/** True where |a - b| <= atol + rtol * |b| (NaNs equal only with equalNan). */
export function isclose(a: Tensor, b: TensorLike, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
  checkTensor('isclose', 'input', 1, a);
  requireTensor(a, b, 'isclose');
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const tolerance = b instanceof Tensor ? b.abs().mul(rtol).add(atol) : Math.abs(Number(b)) * rtol + atol;
  const close = a.sub(b).abs().le(tolerance).logicalOr(a.eq(b));
  if (!opts.equalNan) return close;
  return close.logicalOr(a.isnan().logicalAnd(b instanceof Tensor ? b.isnan() : Number.isNaN(Number(b))));
}

export function allclose(a: Tensor, b: TensorLike, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  return isclose(a, b, opts).all().item() !== 0;
}

export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor('equal', 'input', 1, a);
  checkTensor('equal', 'other', 2, b);
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  return a.eq(b).all().item() !== 0;
}

// --- where / clamp ---

class WhereBackward0 extends Node {
  readonly name = 'WhereBackward0';
  backward([g]: Grad[]): Grad[] {
    const [cond] = this.saved();
    const grad = g as Tensor;
    return [null, grad.maskedFill(cond.logicalNot(), 0), grad.maskedFill(cond, 0)];
  }
}

const whereArgs = signature('where', [['condition', any as Check<Tensor>], ['input', any as Check<TensorLike>], ['other', any as Check<TensorLike>]] as const);

/** torch.where(condition, input, other): input where condition is true, else other (broadcasting all three). */
export function where(...args: ArgsOf<typeof whereArgs>): Tensor {
  // Positional calls (every internal one) skip the parse; the operands are checked below either way.
  if (args.length === 3 && !isPlainObject(args[2])) return whereImpl(args[0] as Tensor, args[1] as TensorLike, args[2] as TensorLike);
  const a = whereArgs.parse(args);
  return whereImpl(a.condition, a.input, a.other);
}

function whereImpl(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'condition', 1, cond);
  if (typeof a !== 'number' && !(a instanceof Tensor) && typeof a !== 'boolean' && typeof a !== 'bigint') badOperand('where', 'input', 2, a);
  if (typeof b !== 'number' && !(b instanceof Tensor) && typeof b !== 'boolean' && typeof b !== 'bigint') badOperand('where', 'other', 3, b);
  const dtype = resultType(a, b);
  const out = whereKernel(cond, a, b, dtype);
  const ga = asTensor(a);
  const gb = asTensor(b);
  if (needsGrad(ga, gb)) record(new WhereBackward0(), [null, ga, gb], [out]).save(cond);
  return out;
}

function whereKernel(cond: Tensor, a: TensorLike, b: TensorLike, dtype: DType): Tensor {
  const va = asCompute(a, dtype);
  const vb = asCompute(b, dtype);
  const shape = broadcastShapes(broadcastShapes(cond.shape, va.shape), vb.shape);
  const out = Tensor.empty(shape, dtype);
  backend().where(broadcastTo(cond, shape), broadcastTo(va, shape), broadcastTo(vb, shape), out.buffer);
  return out;
}

export interface ClampBounds {
  min?: TensorLike | null;
  max?: TensorLike | null;
}

/** clamp(min, max) or clamp({ min, max }); either bound may be omitted (null), scalars or tensors. */
export function clamp(x: Tensor, minOrBounds?: TensorLike | ClampBounds | null, maxBound?: TensorLike | null): Tensor {
  checkTensor('clamp', 'input', 1, x);
  const [min, max] = clampArgs(minOrBounds, maxBound);
  if (min != null && typeof min !== 'number' && !(min instanceof Tensor) && typeof min !== 'boolean' && typeof min !== 'bigint') badOperand('clamp', 'min', 2, min);
  if (max != null && typeof max !== 'number' && !(max instanceof Tensor) && typeof max !== 'boolean' && typeof max !== 'bigint') badOperand('clamp', 'max', 3, max);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  if (min instanceof Tensor || max instanceof Tensor) return clampTensor(x, min, max);
  // An int64 result compares the exact integers (maximum/minimum kernels): a bigint bound, or
  // any bound on values past 2^53, which a double-valued clamp kernel would round.
  if (resultType(x, ...(min == null ? [] : [min]), ...(max == null ? [] : [max])) === 'int64') {
    const bound = (b: TensorLike | null | undefined) => (b == null ? null : Tensor.scalar(b as number | bigint, 'int64'));
    return clampTensor(x, bound(min), bound(max));
  }
  const lo = min === undefined || min === null ? null : Number(min);
  const hi = max === undefined || max === null ? null : Number(max);
  const dtype = resultType(x, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi]));
  const out = unaryKernel('clamp', x, dtype, [lo === null ? -Infinity : castScalar(lo, dtype), hi === null ? Infinity : castScalar(hi, dtype)]);
  if (needsGrad(x)) {
    record(
      new BinaryBackward('ClampBackward1', (g, [input]) => {
        let mask: Tensor | null = null;
        if (lo !== null) mask = input.ge(lo);
        if (hi !== null) mask = mask === null ? input.le(hi) : mask.logicalAnd(input.le(hi));
        return [g.mul(mask as Tensor)];
      }),
      [x],
      [out],
    ).save(x);
  }
  return out;
}

class ClampBackward0 extends Node {
  readonly name = 'ClampBackward0';
  constructor(private readonly hasLo: boolean, private readonly hasHi: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [x, lo, hi] = this.saved();
    const grad = g as Tensor;
    const { hasLo, hasHi } = this;
    const keep = (mask: Tensor) => grad.where(mask, 0);
    if (hasLo && hasHi) {
      const inverted = hi.lt(lo);
      return [keep(x.ge(lo).logicalAnd(x.le(hi))), keep(x.lt(lo).logicalAnd(inverted.logicalNot())), keep(x.gt(hi).logicalOr(inverted))];
    }
    if (hasLo) return [keep(x.ge(lo)), keep(x.lt(lo)), null];
    return [keep(x.le(hi)), null, keep(x.gt(hi))];
  }
}

/** clamp with tensor bounds: min(max(x, min), max), PyTorch's ClampBackward0. */
function clampTensor(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  const has = (b: TensorLike | null | undefined): b is TensorLike => b !== undefined && b !== null;
  let out = x.detach();
  if (has(min)) out = binaryKernel('maximum', out, min, resultType(out, min));
  if (has(max)) out = binaryKernel('minimum', out, max, resultType(out, max));
  const lo = asTensor(min);
  const hi = asTensor(max);
  if (needsGrad(x, lo, hi)) {
    const empty = Tensor.empty([0], x.dtype);
    record(new ClampBackward0(has(min), has(max)), [x, lo, hi], [out]).save(x, has(min) ? wrapped(min) : empty, has(max) ? wrapped(max) : empty);
  }
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorLike, opts?: AlphaOptions): Tensor;
    add_(other: TensorLike, opts?: AlphaOptions): Tensor;
    sub(other: TensorLike, opts?: AlphaOptions): Tensor;
    sub_(other: TensorLike, opts?: AlphaOptions): Tensor;
    /** other - this (Python's `other - tensor`). */
    rsub(other: TensorLike, opts?: AlphaOptions): Tensor;
    mul(other: TensorLike): Tensor;
    mul_(other: TensorLike): Tensor;
    div(other: TensorLike, opts?: { roundingMode?: RoundingMode | null }): Tensor;
    div_(other: TensorLike, opts?: { roundingMode?: RoundingMode | null }): Tensor;
    /** other / this (Python's `other / tensor`). */
    rdiv(other: TensorLike): Tensor;
    floorDivide(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    remainder_(other: TensorLike): Tensor;
    fmod(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    pow_(exponent: TensorLike): Tensor;
    maximum(other: Tensor): Tensor;
    minimum(other: Tensor): Tensor;
    atan2(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    bitwiseAnd(other: TensorLike): Tensor;
    bitwiseOr(other: TensorLike): Tensor;
    bitwiseXor(other: TensorLike): Tensor;
    isclose(other: TensorLike, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor;
    allclose(other: TensorLike, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean;
    equal(other: Tensor): boolean;
    where(condition: Tensor, other: TensorLike): Tensor;
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    clamp(bounds: ClampBounds): Tensor;
    clamp_(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    clamp_(bounds: ClampBounds): Tensor;
    clip(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    clampMin(min: TensorLike): Tensor;
    clampMax(max: TensorLike): Tensor;
  }
}

function clampArgs(min?: TensorLike | ClampBounds | null, max?: TensorLike | null): [TensorLike | null | undefined, TensorLike | null | undefined] {
  if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) {
    const unknown = Object.keys(min).find((k) => k !== 'min' && k !== 'max');
    if (unknown !== undefined) throw new TypeError(`clamp() got an unexpected keyword argument '${unknown}' (its options are min and max)`);
    if (max !== undefined) throw new TypeError('clamp(): give the bounds either as (min, max) or as { min, max }, not both');
    return [min.min, min.max];
  }
  return [min as TensorLike | null | undefined, max];
}

const P = Tensor.prototype;
P.add = function (this: Tensor, other: TensorLike, opts?: AlphaOptions) {
  checkOther('add', other);
  return add(this, other, opts);
};
/**
 * The direct in-place write of an arithmetic op (self op= other in self's dtype), or
 * undefined where the out-of-place op must run to apply its checks (bool, integral alpha).
 */
function directArith(self: Tensor, op: 'add' | 'sub' | 'mul' | 'div', other: TensorLike, alpha = 1): DirectWrite | undefined {
  const dtype = op === 'div' ? floatResult(resultType(self, other)) : resultType(self, other);
  if (dtype === 'bool' || (!isFloatingDtype(dtype) && !Number.isInteger(alpha))) return undefined;
  return {
    dtype,
    write: (out) => backend().binary(op, self, broadcastTo(asCompute(other, dtype), self.shape), out, castScalar(alpha, dtype)),
  };
}

P.add_ = function (this: Tensor, other: TensorLike, opts?: AlphaOptions) {
  checkOther('add_', other);
  return inplace(this, [asTensor(other)], (s) => add(s, other, opts), directArith(this, 'add', other, opts?.alpha));
};
P.sub = function (this: Tensor, other: TensorLike, opts?: AlphaOptions) {
  checkOther('sub', other);
  return sub(this, other, opts);
};
P.sub_ = function (this: Tensor, other: TensorLike, opts?: AlphaOptions) {
  checkOther('sub_', other);
  return inplace(this, [asTensor(other)], (s) => sub(s, other, opts), directArith(this, 'sub', other, opts?.alpha));
};
P.rsub = function (this: Tensor, other: TensorLike, opts?: AlphaOptions) {
  checkOther('rsub', other);
  return sub(other, this, opts);
};
P.mul = function (this: Tensor, other: TensorLike) {
  checkOther('mul', other);
  return mul(this, other);
};
P.mul_ = function (this: Tensor, other: TensorLike) {
  checkOther('mul_', other);
  return inplace(this, [asTensor(other)], (s) => mul(s, other), directArith(this, 'mul', other));
};
P.div = function (this: Tensor, other: TensorLike, opts?: { roundingMode?: RoundingMode | null }) {
  checkOther('div', other);
  return div(this, other, opts);
};
P.div_ = function (this: Tensor, other: TensorLike, opts?: { roundingMode?: RoundingMode | null }) {
  checkOther('div_', other);
  const direct = opts?.roundingMode ? undefined : directArith(this, 'div', other);
  return inplace(this, [asTensor(other)], (s) => div(s, other, opts), direct);
};
P.rdiv = function (this: Tensor, other: TensorLike) {
  checkOther('rdiv', other);
  // Python's `other / tensor` is tensor.reciprocal() * other.
  return this.reciprocal().mul(other);
};
P.floorDivide = function (this: Tensor, other: TensorLike) {
  checkOther('floorDivide', other);
  return floorDivide(this, other);
};
P.remainder = function (this: Tensor, other: TensorLike) {
  checkOther('remainder', other);
  return remainder(this, other);
};
P.remainder_ = function (this: Tensor, other: TensorLike) {
  checkOther('remainder_', other);
  return inplace(this, [asTensor(other)], (s) => remainder(s, other));
};
P.fmod = function (this: Tensor, other: TensorLike) {
  checkOther('fmod', other);
  return fmod(this, other);
};
P.pow = function (this: Tensor, exponent: TensorLike) {
  checkOther('pow', exponent, 'exponent');
  return pow(this, exponent);
};
P.pow_ = function (this: Tensor, exponent: TensorLike) {
  checkOther('pow_', exponent, 'exponent');
  return inplace(this, [asTensor(exponent)], (s) => pow(s, exponent));
};
P.maximum = function (this: Tensor, other: Tensor) {
  checkTensor('maximum', 'other', 1, other);
  return maximum(this, other);
};
P.minimum = function (this: Tensor, other: Tensor) {
  checkTensor('minimum', 'other', 1, other);
  return minimum(this, other);
};
P.atan2 = function (this: Tensor, other: TensorLike) {
  checkOther('atan2', other);
  return atan2(this, other);
};
P.eq = function (this: Tensor, other: TensorLike) {
  checkOther('eq', other);
  return eq(this, other);
};
P.ne = function (this: Tensor, other: TensorLike) {
  checkOther('ne', other);
  return ne(this, other);
};
P.lt = function (this: Tensor, other: TensorLike) {
  checkOther('lt', other);
  return lt(this, other);
};
P.le = function (this: Tensor, other: TensorLike) {
  checkOther('le', other);
  return le(this, other);
};
P.gt = function (this: Tensor, other: TensorLike) {
  checkOther('gt', other);
  return gt(this, other);
};
P.ge = function (this: Tensor, other: TensorLike) {
  checkOther('ge', other);
  return ge(this, other);
};
P.logicalAnd = function (this: Tensor, other: TensorLike) {
  checkOther('logicalAnd', other);
  return logicalAnd(this, other);
};
P.logicalOr = function (this: Tensor, other: TensorLike) {
  checkOther('logicalOr', other);
  return logicalOr(this, other);
};
P.logicalXor = function (this: Tensor, other: TensorLike) {
  checkOther('logicalXor', other);
  return logicalXor(this, other);
};
P.bitwiseAnd = function (this: Tensor, other: TensorLike) {
  checkOther('bitwiseAnd', other);
  return bitwiseAnd(this, other);
};
P.bitwiseOr = function (this: Tensor, other: TensorLike) {
  checkOther('bitwiseOr', other);
  return bitwiseOr(this, other);
};
P.bitwiseXor = function (this: Tensor, other: TensorLike) {
  checkOther('bitwiseXor', other);
  return bitwiseXor(this, other);
};
P.isclose = function (this: Tensor, other: TensorLike, opts?: { rtol?: number; atol?: number; equalNan?: boolean }) {
  checkOther('isclose', other);
  return isclose(this, other, opts);
};
P.allclose = function (this: Tensor, other: TensorLike, opts?: { rtol?: number; atol?: number; equalNan?: boolean }) {
  checkOther('allclose', other);
  return allclose(this, other, opts);
};
P.equal = function (this: Tensor, other: Tensor) {
  checkTensor('equal', 'other', 1, other);
  return equal(this, other);
};
P.where = function (this: Tensor, condition: Tensor, other: TensorLike) {
  checkTensor('where', 'condition', 1, condition);
  if (typeof other !== 'number' && !(other instanceof Tensor) && typeof other !== 'boolean' && typeof other !== 'bigint') badOperand('where', 'other', 2, other);
  return where(condition, this, other);
};
P.clamp = function (this: Tensor, min?: TensorLike | ClampBounds | null, max?: TensorLike | null) {
  return clamp(this, min, max);
} as Tensor['clamp'];
P.clamp_ = function (this: Tensor, min?: TensorLike | ClampBounds | null, max?: TensorLike | null) {
  const [lo, hi] = clampArgs(min, max);
  return inplace(this, [asTensor(lo), asTensor(hi)], (s) => clamp(s, lo, hi));
} as Tensor['clamp_'];
P.clip = P.clamp;
P.clampMin = function (this: Tensor, min: TensorLike) {
  return clamp(this, min, null);
};
P.clampMax = function (this: Tensor, max: TensorLike) {
  return clamp(this, null, max);
};
