// Thin wrappers that allocate outputs and call the active backend. No autograd here.
import { backend, type BinaryOp, type UnaryOp, type View } from '../backend/index.js';
import { pyTypeName } from '../tensor/args.js';
import { allocate, castScalar, int64Of, type DType } from '../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';

/** A tensor operand or a JS scalar. */
export type TensorLike = Tensor | number | boolean | bigint;

/**
 * PyTorch's TypeError for an operand that is neither a tensor nor a number:
 * "add(): argument 'other' (position 1) must be Tensor, not str".
 */
export function badOperand(op: string, name: string, position: number, value: unknown): never {
  throw new TypeError(`${op}(): argument '${name}' (position ${position}) must be Tensor, not ${pyTypeName(value)}`);
}

/** A 0-d view of a scalar already rounded to `dtype` (PyTorch casts wrapped scalars to the compute dtype). */
export function scalarView(value: number | boolean | bigint, dtype: DType): View {
  // A bigint into a narrower integer dtype wraps from its exact bits, as C++'s cast of the int64.
  if (typeof value === 'bigint' && (dtype === 'int32' || dtype === 'uint8')) value = BigInt.asIntN(32, value);
  // A bare View, not a Tensor: kernels only read it, and every op with a scalar operand
  // makes one (no Storage, version counter or stride array to allocate).
  const buffer = allocate(dtype, 1);
  if (buffer instanceof BigInt64Array) buffer[0] = int64Of(typeof value === 'boolean' ? Number(value) : value);
  else buffer[0] = castScalar(Number(value), dtype);
  return { buffer, dtype, shape: SCALAR_DIMS, strides: SCALAR_DIMS, offset: 0 };
}
const SCALAR_DIMS: readonly number[] = Object.freeze([]);

// Casting keeps values exact when widening; only a narrowing read needs a real cast first.
function castNeeded(from: DType, to: DType): boolean {
  if (from === to) return false;
  if (to === 'float64') return false;
  if (to === 'float32') return from === 'float64' || from === 'int64' || from === 'int32';
  if (to === 'int64') return from === 'float32' || from === 'float64';
  return true;
}

/** Copy of `t` converted to `dtype` (C++ cast semantics), without autograd. */
export function castRaw(t: Tensor, dtype: DType): Tensor {
  const out = Tensor.emptyForOverwrite(t.shape.slice(), dtype);
  backend().copy(t, out);
  return out;
}

/** A View of `x` read in `dtype`: x itself when no precision can be lost. */
export function asCompute(x: TensorLike, dtype: DType): View {
  if (!(x instanceof Tensor)) return scalarView(x, dtype);
  if (!castNeeded(x.dtype, dtype)) return x;
  // A 0-d operand read as a float (the int64 wrapped scalars autograd saves: `x.mul(2)`'s
  // backward multiplies by one) is its value rounded once, as the cast kernel would: no
  // kernel call. Integers past 2^53 would round twice through a double: they take the kernel.
  if (x.shape.length === 0 && (dtype === 'float32' || dtype === 'float64')) {
    const v = x.buffer[x.offset];
    if (typeof v === 'number') return scalarView(v, dtype);
    if (v >= -MAX_SAFE && v <= MAX_SAFE) return scalarView(Number(v), dtype);
  }
  return castRaw(x, dtype);
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function broadcastTo(v: View, shape: readonly number[]): View {
  if (sameShape(v.shape, shape)) return v;
  return { buffer: v.buffer, dtype: v.dtype, shape, strides: broadcastStrides(v.shape, v.strides, shape), offset: v.offset };
}

export function unaryKernel(op: UnaryOp, x: View, dtype: DType, args?: readonly number[]): Tensor {
  const out = Tensor.emptyForOverwrite(x.shape.slice(), dtype); // every element is written
  backend().unary(op, x, out.buffer, args);
  return out;
}

/** op(a, b) with broadcasting: inputs are read in `compute`, the result stored as `dtype`. */
export function binaryKernel(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  compute: DType,
  dtype: DType = compute,
  alpha = 1,
  args?: readonly number[],
): Tensor {
  const va = asCompute(a, compute);
  const vb = asCompute(b, compute);
  const shape = broadcastShapes(va.shape, vb.shape);
  const out = Tensor.emptyForOverwrite(shape, dtype); // every element is written
  backend().binary(op, broadcastTo(va, shape), broadcastTo(vb, shape), out.buffer, alpha, args);
  return out;
}


/** `t` without view tracking: same memory, no base (for results built from temporaries). */
export function unviewed(t: Tensor): Tensor {
  return t._base === null ? t : new Tensor(t._storage, t.dtype, t.shape.slice(), t.strides.slice(), t.offset);
}

/**
 * The mask of masked_fill / masked_select / masked_scatter as a bool tensor. A uint8 mask
 * still works as in PyTorch 1.13, with its deprecation warning and its check that the
 * values are 0 or 1; other dtypes throw `refusal`.
 */
export function boolMask(op: string, mask: Tensor, refusal: string): Tensor {
  if (mask.dtype === 'bool') return mask;
  if (mask.dtype !== 'uint8') throw new TypeError(refusal);
  warnOnce(`${op} received a mask with dtype torch.uint8, this behavior is now deprecated,please use a mask with dtype torch.bool instead.`);
  for (const v of castRaw(mask, 'uint8').buffer) if (v > 1) throw new RangeError('Mask tensor can take 0 and 1 values only');
  return castRaw(mask, 'bool');
}
