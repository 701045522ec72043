// Pointwise ops of three operands: addcmul, addcdiv and lerp (with in-place forms),
// rounded as PyTorch 1.13's CPU kernels round them.
//
// The rounding was measured against torch 1.13 (Debian, GCC 12, AVX2 kernels) on
// 100k random float32 values and on 3000 short tensors each of 4, 12 and 15 elements
// (PyTorch's scalar tail loop is contracted the same way): GCC turns `a * b + c` into
// an FMA, so
//   addcmul: self + (value * t1) * t2    = fma(round(value * t1), t2, self)
//   addcdiv: self + (value * t1) / t2    three roundings (a division cannot fuse)
//   lerp:    |w| < 0.5 ? fma(w, end - self, self) : fma(-(end - self), 1 - w, end)
// The backend's ternary kernel does the rounding (src/backend/js/ternary.ts).
import { valueFirst, valueSecond } from './deprecated.js';
import { backend, type TernaryOp } from '../backend/index.js';
import { check, number, tensor as tensorArg } from '../tensor/args.js';
import { tensorOp } from './op-args.js';
import { contiguousStrides } from '../backend/js/strided.js';
import { castScalar, cppTypeName, isFloatingDtype, isIntegralDtype, resultType, scalarTypeName, type DType } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { div } from './binary.js';
import { checkNoInternalOverlap, inplace } from './inplace.js';
import { asCompute, broadcastTo, scalarView } from './kernels.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

/** Runs the kernel into a fresh contiguous tensor of the broadcast shape. */
function compute(op: TernaryOp, dtype: DType, x: Tensor, a: Tensor, b: Tensor | null, v: number): Tensor {
  let shape = broadcastShapes(x.shape, a.shape);
  if (b !== null) shape = broadcastShapes(shape, b.shape);
  const out = Tensor.empty(shape, dtype);
  const view = (t: Tensor) => broadcastTo(asCompute(t, dtype), shape);
  const vb = b === null ? view(a) : view(b);
  backend().ternary(op, view(x), view(a), vb, v, { buffer: out.buffer, dtype, shape, strides: contiguousStrides(shape), offset: 0 });
  return out;
}

/**
 * The in-place fast path: writes the result straight into self's memory, with no
 * temporary, when nothing is recorded, dtypes agree, self need not broadcast and
 * no operand overlaps self's memory in another layout. Returns false otherwise.
 */
function tryDirect(op: TernaryOp, self: Tensor, a: Tensor, b: Tensor | null, v: number, dtype: DType): boolean {
  if (dtype !== self.dtype) return false;
  if (isGradEnabled() && (self.requiresGrad || self._base?.requiresGrad || a.requiresGrad || b?.requiresGrad)) return false;
  for (const t of b === null ? [a] : [a, b]) {
    if (!sameShape(broadcastShapes(self.shape, t.shape), self.shape)) return false;
    if (t._storage === self._storage && !(t.offset === self.offset && sameShape(t.strides, self.strides) && sameShape(t.shape, self.shape))) return false;
  }
  checkNoInternalOverlap(self);
  const view = (t: Tensor) => broadcastTo(asCompute(t, dtype), self.shape);
  backend().ternary(op, self, view(a), b === null ? view(a) : view(b), v, self);
  self._versionCounter.value++;
  return true;
}

// --- addcmul / addcdiv ---

export interface ValueOptions {
  /** The scalar multiplier of tensor1 * tensor2 (or tensor1 / tensor2); default 1. */
  value?: number;
}

const ADDCDIV_INTEGER_ERROR =
  'Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. ' +
  'The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as ' +
  '(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.';


function addcDtype(op: 'addcmul' | 'addcdiv', self: Tensor, t1: Tensor, t2: Tensor): DType {
  if (op === 'addcdiv' && isIntegralDtype(t1.dtype, true) && isIntegralDtype(t2.dtype, true)) throw new TypeError(ADDCDIV_INTEGER_ERROR);
  const dtype = resultType(self, t1, t2);
  if (dtype === 'bool') throw new TypeError(`"${op}_cpu_out" not implemented for 'Bool'`);
  return dtype;
}

/** grad of self is grad; of tensor1 grad * (tensor2 * value); of tensor2 grad * (tensor1 * value). */
class AddcmulBackward0 extends Node {
  readonly name = 'AddcmulBackward0';
  constructor(private readonly value: number, private readonly need1: boolean, private readonly need2: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const saved = this.saved();
    const t2 = this.need1 ? saved[0] : null;
    const t1 = this.need2 ? saved[this.need1 ? 1 : 0] : null;
    return [grad, t2 ? grad.mul(t2.mul(this.value)) : null, t1 ? grad.mul(t1.mul(this.value)) : null];
  }
}

/** grad of tensor1 is grad * (value / tensor2); of tensor2 -grad * (value * tensor1 / (tensor2 * tensor2)). */
class AddcdivBackward0 extends Node {
  readonly name = 'AddcdivBackward0';
  constructor(private readonly value: number, private readonly need1: boolean, private readonly need2: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const [t1, t2] = this.saved();
    return [
      grad,
      this.need1 ? grad.mul(div(this.value, t2)) : null, // a true division, rounded as PyTorch's value / tensor2
      this.need2 ? grad.neg().mul(t1.mul(this.value).div(t2.mul(t2))) : null,
    ];
  }
}

function addc(op: 'addcmul' | 'addcdiv', self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  const dtype = addcDtype(op, self, t1, t2);
  const out = compute(op, dtype, self, t1, t2, castScalar(value, dtype));
  if (!needsGrad(self, t1, t2)) return out;
  const need1 = t1.requiresGrad;
  const need2 = t2.requiresGrad;
  if (op === 'addcmul') {
    record(new AddcmulBackward0(value, need1, need2), [self, t1, t2], [out]).save(...(need1 ? [t2] : []), ...(need2 ? [t1] : []));
  } else {
    record(new AddcdivBackward0(value, need1, need2), [self, t1, t2], [out]).save(t1, t2);
  }
  return out;
}

function addc_(op: 'addcmul' | 'addcdiv', self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  const dtype = addcDtype(op, self, t1, t2);
  if (tryDirect(op, self, t1, t2, castScalar(value, dtype), dtype)) return self;
  return inplace(self, [t1, t2], (s) => addc(op, s, t1, t2, value));
}

// addcmul(input, tensor1, tensor2, *, value=1) and addcdiv, by position or by name,
// every call parsed (a short loop; an options object's keys must be checked anyway).
const addcSpec = [['tensor1', tensorArg], ['tensor2', tensorArg], '*', ['value', number, 1]] as const;
const addcmulOp = tensorOp('addcmul', addcSpec, (x, a) => addc('addcmul', x, a.tensor1, a.tensor2, a.value));
const addcdivOp = tensorOp('addcdiv', addcSpec, (x, a) => addc('addcdiv', x, a.tensor1, a.tensor2, a.value));
const addcmulInplaceOp = tensorOp('addcmul_', addcSpec, (x, a) => addc_('addcmul', x, a.tensor1, a.tensor2, a.value));
const addcdivInplaceOp = tensorOp('addcdiv_', addcSpec, (x, a) => addc_('addcdiv', x, a.tensor1, a.tensor2, a.value));
/** The op, also taking PyTorch's deprecated value-first overloads (deprecated.ts). */
function withValueFirst<F extends (...args: never) => Tensor>(name: string, f: F, method: boolean): F {
  return function (this: Tensor, ...args: unknown[]) {
    const old = method ? valueFirst(name, args) : valueSecond(name, args);
    return (f as unknown as (...a: unknown[]) => Tensor).apply(this, old ?? args);
  } as unknown as F;
}
/** torch.addcmul: input + value * tensor1 * tensor2 (broadcasting). */
export const addcmul = withValueFirst('addcmul', addcmulOp.fn, false);
/** torch.addcdiv: input + value * tensor1 / tensor2 (broadcasting). */
export const addcdiv = withValueFirst('addcdiv', addcdivOp.fn, false);

// --- lerp ---


function checkLerp(self: Tensor, end: Tensor, weight: Tensor | number): void {
  const want = cppTypeName(self.dtype);
  if (end.dtype !== self.dtype) throw new TypeError(`expected dtype ${want} for \`end\` but got dtype ${cppTypeName(end.dtype)}`);
  if (weight instanceof Tensor && weight.dtype !== self.dtype) {
    throw new TypeError(`expected dtype ${want} for \`weight\` but got dtype ${cppTypeName(weight.dtype)}`);
  }
  if (!isFloatingDtype(self.dtype)) {
    throw new TypeError(`"lerp_kernel_${weight instanceof Tensor ? 'tensor' : 'scalar'}" not implemented for '${scalarTypeName(self.dtype)}'`);
  }
}

/** lerp with a scalar weight: grad of self is grad * (1 - weight), of end grad * weight. */
class LerpBackward0 extends Node {
  readonly name = 'LerpBackward0';
  constructor(private readonly weight: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    return [grad.mul(1 - this.weight), grad.mul(this.weight)];
  }
}

/** lerp with a tensor weight: adds grad * (end - self) for the weight. */
class LerpBackward1 extends Node {
  readonly name = 'LerpBackward1';
  constructor(private readonly needWeight: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const [weight, self, end] = this.saved();
    return [grad.mul(weight.rsub(1)), grad.mul(weight), this.needWeight ? grad.mul(end.sub(self)) : null];
  }
}

function lerpOut(self: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  checkLerp(self, end, weight);
  const dtype = self.dtype;
  if (!(weight instanceof Tensor)) {
    const out = compute('lerpScalar', dtype, self, end, null, castScalar(weight, dtype));
    if (needsGrad(self, end)) record(new LerpBackward0(weight), [self, end], [out]);
    return out;
  }
  const out = compute('lerp', dtype, self, end, weight, 0);
  if (needsGrad(self, end, weight)) {
    const node = record(new LerpBackward1(weight.requiresGrad), [self, end, weight], [out]);
    node.save(weight, ...(weight.requiresGrad ? [self, end] : []));
  }
  return out;
}

// lerp(input, end, weight) by position or by name. A number weight reads as
// PyTorch's Scalar overload; anything else must be a Tensor, as its message says.
const weightArg = check<Tensor | number>('Tensor', (v) => typeof v === 'number' || v instanceof Tensor);
const lerpSpec = [['end', tensorArg], ['weight', weightArg]] as const;
const lerpOp = tensorOp('lerp', lerpSpec, (x, a) => lerpOut(x, a.end, a.weight));
const lerpInplaceOp = tensorOp('lerp_', lerpSpec, (x, a) => lerp_(x, a.end, a.weight));

/** torch.lerp: input + weight * (end - input), weight a number or a tensor (broadcasting). */
export const lerp = lerpOp.fn;

function lerp_(self: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  checkLerp(self, end, weight);
  const scalar = !(weight instanceof Tensor);
  const v = scalar ? castScalar(weight, self.dtype) : 0;
  if (tryDirect(scalar ? 'lerpScalar' : 'lerp', self, end, scalar ? null : weight, v, self.dtype)) return self;
  return inplace(self, [end, scalar ? null : weight], (s) => lerpOut(s, end, weight));
}

// --- Tensor methods ---

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** this + value * tensor1 * tensor2 */
    addcmul(...args: Parameters<typeof addcmulOp.method>): Tensor;
    addcmul_(...args: Parameters<typeof addcmulInplaceOp.method>): Tensor;
    /** this + value * tensor1 / tensor2 */
    addcdiv(...args: Parameters<typeof addcdivOp.method>): Tensor;
    addcdiv_(...args: Parameters<typeof addcdivInplaceOp.method>): Tensor;
    /** this + weight * (end - this) */
    lerp(...args: Parameters<typeof lerpOp.method>): Tensor;
    lerp_(...args: Parameters<typeof lerpInplaceOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.addcmul = withValueFirst('addcmul', addcmulOp.method, true);
P.addcmul_ = withValueFirst('addcmul_', addcmulInplaceOp.method, true);
P.addcdiv = withValueFirst('addcdiv', addcdivOp.method, true);
P.addcdiv_ = withValueFirst('addcdiv_', addcdivInplaceOp.method, true);
// Optimizers call lerp_ per parameter per step: plain positional calls skip the parser.
P.lerp = function (this: Tensor, end: unknown, weight?: unknown, ...rest: unknown[]) {
  if (rest.length === 0 && end instanceof Tensor && (typeof weight === 'number' || weight instanceof Tensor)) return lerpOut(this, end, weight);
  return lerpOp.method.call(this, ...([end, weight, ...rest] as Parameters<typeof lerpOp.method>));
} as typeof lerpOp.method;
P.lerp_ = function (this: Tensor, end: unknown, weight?: unknown, ...rest: unknown[]) {
  if (rest.length === 0 && end instanceof Tensor && (typeof weight === 'number' || weight instanceof Tensor)) return lerp_(this, end, weight);
  return lerpInplaceOp.method.call(this, ...([end, weight, ...rest] as Parameters<typeof lerpInplaceOp.method>));
} as typeof lerpInplaceOp.method;
