import { castScalar, DTYPES, isFloatingDtype, type DType } from '../backend/index.js';

export { allocate, allocateExclusive, allocateForOverwrite, asNumbers, castScalar, elementSize, floatToInt64, indexReader, int64Of, int64ToFloat32, isFloatingDtype, isIntegralDtype, int64ArrayFrom, numberAt, numeric, slots, DTYPES } from '../backend/index.js';
export type { DType, IndexReader, NumberArray, Slots, TypedArray } from '../backend/index.js';

let defaultDtype: DType = 'float32';

export function getDefaultDtype(): DType {
  return defaultDtype;
}

/** torch.set_default_dtype: the dtype of float data and of float results of integer inputs. */
export function setDefaultDtype(dtype: DType): void {
  if (!isFloatingDtype(dtype)) throw new TypeError(`only floating-point types are supported as the default type (got ${dtype})`);
  defaultDtype = dtype;
}

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float32: 4, float64: 5 };

/** torch.promote_types for the dtypes torchlette has (where the lattice is a chain). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** An operand of a type-promoting op: a tensor (only its dtype and rank matter) or a JS scalar. */
export type Operand = { readonly dtype: DType; readonly shape: readonly number[] } | number | boolean | bigint;

/** The dtype a JS scalar has when wrapped as a 0-d tensor (Python's rules; integral numbers are ints). */
export function scalarDtype(value: number | boolean | bigint): DType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  return Number.isInteger(value) ? 'int64' : defaultDtype;
}

function promoteNullable(a: DType | null, b: DType | null): DType | null {
  if (a === null) return b;
  if (b === null) return a;
  return promoteTypes(a, b);
}

// PyTorch's combine_categories: a lower-priority group only raises the result's
// category (bool < integral < floating), never its width within one.
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher !== null && isFloatingDtype(higher)) return higher;
  if (higher === 'bool' || (lower !== null && isFloatingDtype(lower))) return promoteNullable(higher, lower);
  return higher ?? lower;
}

/**
 * torch.result_type: dimensioned tensors outrank 0-d tensors, which outrank
 * scalars; each lower group can only raise the category of the result.
 */
export function resultType(...operands: Operand[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let wrapped: DType | null = null;
  for (let i = 0; i < operands.length; i++) {
    const op = operands[i];
    if (typeof op === 'number' || typeof op === 'boolean' || typeof op === 'bigint') wrapped = promoteNullable(wrapped, scalarDtype(op));
    else if (op.shape.length === 0) zero = promoteNullable(zero, op.dtype);
    else dim = promoteNullable(dim, op.dtype);
  }
  return combine(dim, combine(zero, wrapped)) ?? defaultDtype;
}

/** The dtype of a float-valued op on `dtype` (integers promote to the default float). */
export function floatResult(dtype: DType): DType {
  return isFloatingDtype(dtype) ? dtype : defaultDtype;
}

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

const NAMES: Record<DType, [scalar: string, cpp: string, legacy: string]> = {
  float32: ['Float', 'float', 'torch.FloatTensor'],
  float64: ['Double', 'double', 'torch.DoubleTensor'],
  int64: ['Long', 'long int', 'torch.LongTensor'],
  int32: ['Int', 'int', 'torch.IntTensor'],
  uint8: ['Byte', 'unsigned char', 'torch.ByteTensor'],
  bool: ['Bool', 'bool', 'torch.BoolTensor'],
};

/** PyTorch's ScalarType name, as its messages print it ('Float', 'Long'). */
export function scalarTypeName(dtype: DType): string {
  return NAMES[dtype][0];
}

/** The C++ type name of a dtype, as PyTorch's TypeMeta messages print it ('float', 'long int'). */
export function cppTypeName(dtype: DType): string {
  return NAMES[dtype][1];
}

/** PyTorch's legacy tensor type name ('torch.FloatTensor'), used by type() and autograd messages. */
export function legacyTypeName(dtype: DType): string {
  return NAMES[dtype][2];
}

/** PyTorch's canCast: no float -> integral, no non-bool -> bool. */
export function canCast(from: DType, to: DType): boolean {
  if (isFloatingDtype(from) && !isFloatingDtype(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

const INT_RANGES: Partial<Record<DType, [min: number, max: number]>> = {
  int64: [-(2 ** 63), 2 ** 63], // max exclusive: 2**63 itself overflows
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [0, 255],
};

/**
 * A scalar the user gives (torch.tensor's data, full's fill value, fill_) converted to
 * `dtype` with PyTorch's overflow check: NaN, infinities and out-of-range values raise
 * "value cannot be converted to type int64 without overflow" instead of being stored
 * wrapped or as NaN. As in PyTorch an integer-valued negative number wraps into uint8
 * (-1 -> 255, as a Python int does) and a fractional one does not. `typeName` is how
 * PyTorch names the type in the message (torch.tensor says int64, full and fill_ int64_t).
 */
export function checkedScalar(value: number, dtype: DType, typeName: string = dtype, checkFloat32 = false): number {
  const range = INT_RANGES[dtype];
  let ok = true;
  if (range !== undefined) {
    const [min, max] = range;
    const wrapsIntoUint8 = dtype === 'uint8' && Number.isInteger(value) && value < 0 && value >= -255;
    ok = Number.isFinite(value) && (wrapsIntoUint8 || (value >= min && (dtype === 'int64' ? value < max : value <= max)));
  } else if (dtype === 'float32' && checkFloat32) {
    ok = !Number.isFinite(value) || Math.abs(value) <= 3.4028234663852886e38; // FLT_MAX; infinities are allowed
  }
  if (!ok) throw new RangeError(`value cannot be converted to type ${typeName} without overflow`);
  return dtype === 'int64' ? Math.trunc(value) : castScalar(value, dtype);
}

const INT64_LIMIT = 2n ** 63n;

/**
 * checkedScalar for any JS scalar, giving the element a store into `dtype` keeps: a bigint
 * for int64 (exact past 2^53), a number otherwise. bigints are checked against the dtype's
 * range as PyTorch checks a Python int ("value cannot be converted to type int64 without
 * overflow"); into float dtypes they round to nearest.
 */
export function checkedElement(value: number | bigint, dtype: DType, typeName: string = dtype, checkFloat32 = false): number | bigint {
  if (typeof value === 'bigint') {
    if (dtype === 'int64') {
      if (value < -INT64_LIMIT || value >= INT64_LIMIT) throw new RangeError(`value cannot be converted to type ${typeName} without overflow`);
      return value;
    }
    // Other integer dtypes: the range check on the exact value (a number past 2^53 is out of range anyway).
    return checkedScalar(isFloatingDtype(dtype) ? Number(value) : Number(value), dtype, typeName, checkFloat32);
  }
  const v = checkedScalar(value, dtype, typeName, checkFloat32);
  return dtype === 'int64' ? BigInt(v) : v;
}

/** How the overflow messages of full and fill_ name a dtype ("int64_t", "uint8_t", "int", "float"), as PyTorch's. */
export function overflowTypeName(dtype: DType): string {
  return { float32: 'float', float64: 'double', int64: 'int64_t', int32: 'int', uint8: 'uint8_t', bool: 'bool' }[dtype];
}

/** An int64 element as item() gives it: a number where exact (|v| <= 2^53 - 1), else the bigint. */
export function int64Value(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * PyTorch's dtypes no torchlette tensor has (torch.float16 … exist for autocast and scripts'
 * dtype tables), each with the kind of dtype to use instead.
 */
export const MISSING_DTYPES: Readonly<Record<string, 'float' | 'int'>> = { float16: 'float', bfloat16: 'float', int16: 'int', int8: 'int' };
