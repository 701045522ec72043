// int64 elementwise arithmetic with BigInt, wrapping as PyTorch's two's complement:
// the expressions of elementwise.ts for the ops that are defined on integers. `a` and `b`
// are bigints; BigInt64Array stores wrap mod 2^64 themselves, so results are stored as
// computed (a comparison gives the number 0 or 1 for a bool output).
import type { BinaryOp, UnaryOp } from '../backend.js';

export const UNARY_I64: Partial<Record<UnaryOp, string>> = {
  neg: '-a',
  abs: 'a < 0n ? -a : a',
  sign: 'a > 0n ? 1n : a < 0n ? -1n : 0n',
  floor: 'a',
  ceil: 'a',
  round: 'a',
  trunc: 'a',
  frac: '0n',
  square: 'a * a',
  relu: 'a > 0n ? a : 0n',
  logicalNot: 'a === 0n ? 1 : 0',
  isnan: '0',
  isinf: '0',
  isfinite: '1',
  bitwiseNot: '~a',
  clamp: 'H.clampI64(a, p0, p1)',
  powScalar: 'H.powI64(a, BigInt(p0))',
};

export const BINARY_I64: Partial<Record<BinaryOp, string>> = {
  add: 'a + alpha * b',
  sub: 'a - alpha * b',
  mul: 'a * b',
  divTrunc: 'H.divTruncI64(a, b)',
  divFloor: 'H.divFloorI64(a, b)',
  remainder: 'H.remainderI64(a, b)',
  fmod: 'H.fmodI64(a, b)',
  pow: 'H.powI64(a, b)',
  maximum: 'a > b ? a : b',
  minimum: 'a < b ? a : b',
  fmax: 'a > b ? a : b',
  fmin: 'a < b ? a : b',
  eq: 'a === b ? 1 : 0',
  ne: 'a !== b ? 1 : 0',
  lt: 'a < b ? 1 : 0',
  le: 'a <= b ? 1 : 0',
  gt: 'a > b ? 1 : 0',
  ge: 'a >= b ? 1 : 0',
  logicalAnd: 'a !== 0n && b !== 0n ? 1 : 0',
  logicalOr: 'a !== 0n || b !== 0n ? 1 : 0',
  logicalXor: '(a !== 0n) !== (b !== 0n) ? 1 : 0',
  bitwiseAnd: 'a & b',
  bitwiseOr: 'a | b',
  bitwiseXor: 'a ^ b',
};

const MIN = -(2n ** 63n);

// Integer division by zero is an error in PyTorch ("ZeroDivisionError"), not a value.
function zeroDivision(): never {
  throw new RangeError('ZeroDivisionError');
}

export function divTruncI64(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision();
  return a / b;
}

export function divFloorI64(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision();
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

export function remainderI64(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision();
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

export function fmodI64(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision();
  return a % b;
}

/** a ** b wrapped to 64 bits by squaring (so a huge exponent costs 64 steps, not a huge BigInt). */
export function powI64(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    // PyTorch raises for a negative integer exponent; its kernel computes 1/a truncated where reached.
    if (a === 1n) return 1n;
    if (a === -1n) return b % 2n === 0n ? 1n : -1n;
    throw new RangeError('Integers to negative integer powers are not allowed.');
  }
  let result = 1n;
  let base = BigInt.asIntN(64, a);
  let e = b;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asIntN(64, result * base);
    base = BigInt.asIntN(64, base * base);
    e >>= 1n;
  }
  return result;
}

/** clamp of an int64 by number bounds (NaN: no bound), compared exactly. */
export function clampI64(a: bigint, lo: number, hi: number): bigint {
  if (lo === lo && a < lo) a = BigInt(Math.ceil(lo));
  if (hi === hi && a > hi) a = BigInt(Math.floor(hi));
  return a;
}

export const I64_HELPERS = { divTruncI64, divFloorI64, remainderI64, fmodI64, powI64, clampI64, MIN };
