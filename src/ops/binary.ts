// Elementwise ops of two operands with broadcasting and PyTorch's type promotion:
// arithmetic, pow, maximum/minimum, comparisons, logical and bitwise ops, where, clamp.
import { alphaFirst } from './deprecated.js';
import { backend, type BinaryOp } from '../backend/index.js';
import { castScalar, floatResult, isFloatingDtype, isIntegralDtype, resultType, scalarTypeName, type DType, type TypedArray } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace, type DirectWrite } from './inplace.js';
import { any, bool, check, checkTensor, isPlainObject, nullable, number, oneOf, signature, type ArgsOf, type Check } from '../tensor/args.js';
import { asCompute, badOperand, binaryKernel, broadcastTo, unaryKernel, type TensorLike } from './kernels.js';
import { needsGrad, record } from './record.js';
import { pairOp } from './op-args.js';
import { warnOnce } from '../tensor/warnings.js';

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

/** A number, bool, bigint or Tensor: what a binary op takes as its operand (Python's Scalar or Tensor). */
export function isOperand(v: unknown): v is TensorLike {
  return typeof v === 'number' || v instanceof Tensor || typeof v === 'boolean' || typeof v === 'bigint';
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

/**
 * torch.where(condition, input, other): input where condition is true, else other (broadcasting
 * all three). torch.where(condition) alone is torch.nonzero(condition, { asTuple: true }).
 */
export function where(condition: Tensor): Tensor[];
export function where(...args: ArgsOf<typeof whereArgs>): Tensor;
export function where(...args: unknown[]): Tensor | Tensor[] {
  // Positional calls (every internal one) skip the parse; the operands are checked below either way.
  if (args.length === 3 && !isPlainObject(args[2])) return whereImpl(args[0] as Tensor, args[1] as TensorLike, args[2] as TensorLike);
  if (args.length === 1 && args[0] instanceof Tensor) return args[0].nonzero({ asTuple: true });
  const a = whereArgs.parse(args as ArgsOf<typeof whereArgs>);
  return whereImpl(a.condition, a.input, a.other);
}

function whereImpl(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'condition', 1, cond);
  if (cond.dtype === 'uint8') {
    warnOnce('where received a uint8 condition tensor. This behavior is deprecated and will be removed in a future version of PyTorch. Use a boolean condition instead.');
  } else if (cond.dtype !== 'bool') {
    throw new TypeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(cond.dtype)}`);
  }
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
    add(...args: ArgsOf<typeof sigs.add>): Tensor;
    add_(...args: ArgsOf<typeof sigs.add_>): Tensor;
    sub(...args: ArgsOf<typeof sigs.sub>): Tensor;
    sub_(...args: ArgsOf<typeof sigs.sub_>): Tensor;
    /** other - this (Python's `other - tensor`). */
    rsub(...args: ArgsOf<typeof sigs.rsub>): Tensor;
    div(...args: ArgsOf<typeof sigs.div>): Tensor;
    div_(...args: ArgsOf<typeof sigs.div_>): Tensor;
    maximum(...args: ArgsOf<typeof sigs.maximum>): Tensor;
    minimum(...args: ArgsOf<typeof sigs.minimum>): Tensor;
    isclose(...args: ArgsOf<typeof sigs.isclose>): Tensor;
    allclose(...args: ArgsOf<typeof sigs.allclose>): boolean;
    mul(...args: ArgsOf<typeof sigs.mul>): Tensor;
    mul_(...args: ArgsOf<typeof sigs.mul_>): Tensor;
    /** other / this (Python's `other / tensor`). */
    rdiv(...args: ArgsOf<typeof sigs.rdiv>): Tensor;
    floorDivide(...args: ArgsOf<typeof sigs.floorDivide>): Tensor;
    remainder(...args: ArgsOf<typeof sigs.remainder>): Tensor;
    remainder_(...args: ArgsOf<typeof sigs.remainder_>): Tensor;
    fmod(...args: ArgsOf<typeof sigs.fmod>): Tensor;
    pow(...args: ArgsOf<typeof sigs.pow>): Tensor;
    pow_(...args: ArgsOf<typeof sigs.pow_>): Tensor;
    atan2(...args: ArgsOf<typeof sigs.atan2>): Tensor;
    eq(...args: ArgsOf<typeof sigs.eq>): Tensor;
    ne(...args: ArgsOf<typeof sigs.ne>): Tensor;
    lt(...args: ArgsOf<typeof sigs.lt>): Tensor;
    le(...args: ArgsOf<typeof sigs.le>): Tensor;
    gt(...args: ArgsOf<typeof sigs.gt>): Tensor;
    ge(...args: ArgsOf<typeof sigs.ge>): Tensor;
    logicalAnd(...args: ArgsOf<typeof sigs.logicalAnd>): Tensor;
    logicalOr(...args: ArgsOf<typeof sigs.logicalOr>): Tensor;
    logicalXor(...args: ArgsOf<typeof sigs.logicalXor>): Tensor;
    bitwiseAnd(...args: ArgsOf<typeof sigs.bitwiseAnd>): Tensor;
    bitwiseOr(...args: ArgsOf<typeof sigs.bitwiseOr>): Tensor;
    bitwiseXor(...args: ArgsOf<typeof sigs.bitwiseXor>): Tensor;
    equal(other: Tensor): boolean;
    equal(options: { other: Tensor }): boolean;
    where(...args: ArgsOf<typeof whereMethodArgs>): Tensor;
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    clamp(bounds: ClampBounds): Tensor;
    clamp_(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    clamp_(bounds: ClampBounds): Tensor;
    clip(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    clampMin(...args: ArgsOf<typeof sigs.clampMin>): Tensor;
    clampMax(...args: ArgsOf<typeof sigs.clampMax>): Tensor;
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

// Each method keeps a fast path for the plain call (one operand that is a number, bool,
// bigint or Tensor, no options): these run millions of times. Anything else (an options
// object, extra arguments, a wrong type) goes through PyTorch's signature, which binds
// { other } / { alpha } / … by name or throws naming the problem.
const operand: Check<TensorLike> = check('Tensor', isOperand);
const tensorOperand: Check<Tensor> = check('Tensor', (v) => v instanceof Tensor);
const alphaSpec = [['other', operand], '*', ['alpha', number, 1]] as const;
const divSpec = [['other', operand], '*', ['roundingMode', nullable(oneOf('trunc', 'floor')), null]] as const;
const closeSpec = [['other', operand], ['rtol', number, 1e-5], ['atol', number, 1e-8], ['equalNan', bool, false]] as const;
const sigs = {
  add: signature('add', alphaSpec), add_: signature('add_', alphaSpec), sub: signature('sub', alphaSpec), sub_: signature('sub_', alphaSpec),
  rsub: signature('rsub', alphaSpec), div: signature('div', divSpec), div_: signature('div_', divSpec),
  maximum: signature('maximum', [['other', tensorOperand]] as const), minimum: signature('minimum', [['other', tensorOperand]] as const),
  clampMin: signature('clampMin', [['min', operand]] as const), clampMax: signature('clampMax', [['max', operand]] as const),
  isclose: signature('isclose', closeSpec), allclose: signature('allclose', closeSpec),
  mul: signature('mul', [['other', operand]] as const),
  mul_: signature('mul_', [['other', operand]] as const),
  rdiv: signature('rdiv', [['other', operand]] as const),
  floorDivide: signature('floorDivide', [['other', operand]] as const),
  remainder: signature('remainder', [['other', operand]] as const),
  remainder_: signature('remainder_', [['other', operand]] as const),
  fmod: signature('fmod', [['other', operand]] as const),
  pow: signature('pow', [['exponent', operand]] as const),
  pow_: signature('pow_', [['exponent', operand]] as const),
  atan2: signature('atan2', [['other', operand]] as const),
  eq: signature('eq', [['other', operand]] as const),
  ne: signature('ne', [['other', operand]] as const),
  lt: signature('lt', [['other', operand]] as const),
  le: signature('le', [['other', operand]] as const),
  gt: signature('gt', [['other', operand]] as const),
  ge: signature('ge', [['other', operand]] as const),
  logicalAnd: signature('logicalAnd', [['other', operand]] as const),
  logicalOr: signature('logicalOr', [['other', operand]] as const),
  logicalXor: signature('logicalXor', [['other', operand]] as const),
  bitwiseAnd: signature('bitwiseAnd', [['other', operand]] as const),
  bitwiseOr: signature('bitwiseOr', [['other', operand]] as const),
  bitwiseXor: signature('bitwiseXor', [['other', operand]] as const),
};

P.add = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  if (opts === undefined && isOperand(other)) return add(this, other);
  const old = extra === undefined && alphaFirst('add', [other, opts]);
  if (old) return add(this, old[0], { alpha: old[1] });
  const a = sigs.add.parse([other, opts, extra]);
  return add(this, a.other, a);
} as Tensor['add'];
/**
 * The direct in-place write of an arithmetic op (self op= other in self's dtype), or
 * undefined where the out-of-place op must run to apply its checks (bool, integral alpha).
 */
function directArith(self: Tensor, op: 'add' | 'sub' | 'mul' | 'div', other: TensorLike, alpha = 1): DirectWrite | undefined {
  const dtype = op === 'div' ? floatResult(resultType(self, other)) : resultType(self, other);
  if (dtype === 'bool' || (!isFloatingDtype(dtype) && !Number.isInteger(alpha))) return undefined;
  return new ArithWrite(dtype, self, op, other, alpha);
}

// A class rather than an object literal with an arrow: under tsx/esbuild (keepNames) every
// arrow stored in a property is renamed with Object.defineProperty each time it is created,
// on every add_/sub_/mul_/div_ call (1.7% of an SGD step's profile).
class ArithWrite implements DirectWrite {
  constructor(
    readonly dtype: DType,
    private readonly self: Tensor,
    private readonly op: 'add' | 'sub' | 'mul' | 'div',
    private readonly other: TensorLike,
    private readonly alpha: number,
  ) {}
  write(out: TypedArray): void {
    const { dtype, self } = this;
    backend().binary(this.op, self, broadcastTo(asCompute(this.other, dtype), self.shape), out, castScalar(this.alpha, dtype));
  }
}

P.add_ = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  const old = opts !== undefined && extra === undefined && alphaFirst('add_', [other, opts]);
  const a = opts === undefined && isOperand(other) ? { other, alpha: 1 } : old ? { other: old[0], alpha: old[1] } : sigs.add_.parse([other, opts, extra]);
  return inplace(this, [asTensor(a.other)], (s) => add(s, a.other, a), directArith(this, 'add', a.other, a.alpha));
} as Tensor['add_'];
P.sub = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  if (opts === undefined && isOperand(other)) return sub(this, other);
  const old = extra === undefined && alphaFirst('sub', [other, opts]);
  if (old) return sub(this, old[0], { alpha: old[1] });
  const a = sigs.sub.parse([other, opts, extra]);
  return sub(this, a.other, a);
} as Tensor['sub'];
P.sub_ = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  const old = opts !== undefined && extra === undefined && alphaFirst('sub_', [other, opts]);
  const a = opts === undefined && isOperand(other) ? { other, alpha: 1 } : old ? { other: old[0], alpha: old[1] } : sigs.sub_.parse([other, opts, extra]);
  return inplace(this, [asTensor(a.other)], (s) => sub(s, a.other, a), directArith(this, 'sub', a.other, a.alpha));
} as Tensor['sub_'];
P.rsub = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  const a = opts === undefined && isOperand(other) ? { other, alpha: 1 } : sigs.rsub.parse([other, opts, extra]);
  return sub(a.other, this, a);
} as Tensor['rsub'];
P.div = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  if (opts === undefined && isOperand(other)) return div(this, other);
  const a = sigs.div.parse([other, opts, extra]);
  return div(this, a.other, a);
} as Tensor['div'];
P.div_ = function (this: Tensor, other: unknown, opts?: unknown, extra?: unknown) {
  const a = opts === undefined && isOperand(other) ? { other, roundingMode: null } : sigs.div_.parse([other, opts, extra]);
  const direct = a.roundingMode ? undefined : directArith(this, 'div', a.other);
  return inplace(this, [asTensor(a.other)], (s) => div(s, a.other, a), direct);
} as Tensor['div_'];
P.maximum = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && other instanceof Tensor ? other : sigs.maximum.parse([other, extra]).other;
  return maximum(this, v);
} as Tensor['maximum'];
P.minimum = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && other instanceof Tensor ? other : sigs.minimum.parse([other, extra]).other;
  return minimum(this, v);
} as Tensor['minimum'];
P.isclose = function (this: Tensor, ...args: unknown[]) {
  const a = sigs.isclose.parse(args);
  return isclose(this, a.other, a);
} as Tensor['isclose'];
P.allclose = function (this: Tensor, ...args: unknown[]) {
  const a = sigs.allclose.parse(args);
  return allclose(this, a.other, a);
} as Tensor['allclose'];
P.mul = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.mul.parse([other, extra]).other;
  return mul(this, v);
} as Tensor['mul'];
P.mul_ = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.mul_.parse([other, extra]).other;
  return inplace(this, [asTensor(v)], (s) => mul(s, v), directArith(this, 'mul', v));
} as Tensor['mul_'];
P.rdiv = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.rdiv.parse([other, extra]).other;
  return this.reciprocal().mul(v);
} as Tensor['rdiv'];
P.floorDivide = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.floorDivide.parse([other, extra]).other;
  return floorDivide(this, v);
} as Tensor['floorDivide'];
P.remainder = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.remainder.parse([other, extra]).other;
  return remainder(this, v);
} as Tensor['remainder'];
P.remainder_ = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.remainder_.parse([other, extra]).other;
  return inplace(this, [asTensor(v)], (s) => remainder(s, v));
} as Tensor['remainder_'];
P.fmod = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.fmod.parse([other, extra]).other;
  return fmod(this, v);
} as Tensor['fmod'];
P.pow = function (this: Tensor, exponent: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(exponent) ? exponent : sigs.pow.parse([exponent, extra]).exponent;
  return pow(this, v);
} as Tensor['pow'];
P.pow_ = function (this: Tensor, exponent: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(exponent) ? exponent : sigs.pow_.parse([exponent, extra]).exponent;
  return inplace(this, [asTensor(v)], (s) => pow(s, v));
} as Tensor['pow_'];
P.atan2 = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.atan2.parse([other, extra]).other;
  return atan2(this, v);
} as Tensor['atan2'];
P.eq = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.eq.parse([other, extra]).other;
  return eq(this, v);
} as Tensor['eq'];
P.ne = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.ne.parse([other, extra]).other;
  return ne(this, v);
} as Tensor['ne'];
P.lt = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.lt.parse([other, extra]).other;
  return lt(this, v);
} as Tensor['lt'];
P.le = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.le.parse([other, extra]).other;
  return le(this, v);
} as Tensor['le'];
P.gt = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.gt.parse([other, extra]).other;
  return gt(this, v);
} as Tensor['gt'];
P.ge = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.ge.parse([other, extra]).other;
  return ge(this, v);
} as Tensor['ge'];
P.logicalAnd = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.logicalAnd.parse([other, extra]).other;
  return logicalAnd(this, v);
} as Tensor['logicalAnd'];
P.logicalOr = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.logicalOr.parse([other, extra]).other;
  return logicalOr(this, v);
} as Tensor['logicalOr'];
P.logicalXor = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.logicalXor.parse([other, extra]).other;
  return logicalXor(this, v);
} as Tensor['logicalXor'];
P.bitwiseAnd = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.bitwiseAnd.parse([other, extra]).other;
  return bitwiseAnd(this, v);
} as Tensor['bitwiseAnd'];
P.bitwiseOr = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.bitwiseOr.parse([other, extra]).other;
  return bitwiseOr(this, v);
} as Tensor['bitwiseOr'];
P.bitwiseXor = function (this: Tensor, other: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(other) ? other : sigs.bitwiseXor.parse([other, extra]).other;
  return bitwiseXor(this, v);
} as Tensor['bitwiseXor'];
P.equal = pairOp('equal', 'other', equal).method;
const whereMethodArgs = signature('where', [['condition', tensorOperand], ['other', operand]] as const);
P.where = function (this: Tensor, condition: unknown, other?: unknown, extra?: unknown) {
  if (extra === undefined && condition instanceof Tensor && isOperand(other)) return where(condition, this, other);
  const a = whereMethodArgs.parse([condition, other, extra]);
  return where(a.condition, this, a.other);
} as Tensor['where'];
P.clamp = function (this: Tensor, min?: TensorLike | ClampBounds | null, max?: TensorLike | null) {
  return clamp(this, min, max);
} as Tensor['clamp'];
P.clamp_ = function (this: Tensor, min?: TensorLike | ClampBounds | null, max?: TensorLike | null) {
  const [lo, hi] = clampArgs(min, max);
  return inplace(this, [asTensor(lo), asTensor(hi)], (s) => clamp(s, lo, hi));
} as Tensor['clamp_'];
P.clip = P.clamp;
P.clampMin = function (this: Tensor, min: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(min) ? min : sigs.clampMin.parse([min, extra]).min;
  return clamp(this, v, null);
} as Tensor['clampMin'];
P.clampMax = function (this: Tensor, max: unknown, extra?: unknown) {
  const v = extra === undefined && isOperand(max) ? max : sigs.clampMax.parse([max, extra]).max;
  return clamp(this, null, v);
} as Tensor['clampMax'];
