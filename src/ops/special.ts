// Special and less common elementwise functions: lgamma, digamma, polygamma, mvlgamma,
// i0, erfc, igamma/igammac, acosh/asinh/atanh, exp2, sinc, logit, hypot, logaddexp(2),
// copysign, nextafter, ldexp, frexp, heaviside, gcd/lcm, signbit, nanToNum, floatPower,
// fmax/fmin, bit shifts. Each entry is forward + backward in one place; functions with no fast
// path in PyTorch either are evaluated per element in JS (special-math.ts), the rest
// are composed of kernel-backed ops.
import { backend } from '../backend/index.js';
import { checkTensor } from '../tensor/args.js';
import { onesLike } from '../tensor/create.js';
import { floatResult, isFloatingDtype, resultType, type DType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { pow, where } from './binary.js';
import type { TensorLike } from './kernels.js';
import { needsGrad, record } from './record.js';
import { namedTuple, sumToShape } from './reduce.js';
import { asTensor, binaryJs, ElementwiseBackward, map1, map2, unaryJs } from './elementwise-js.js';
import * as M from './special-math.js';

export const lgamma = unaryJs('lgamma', 'LgammaBackward0', M.lgamma, (x) => digamma(x));
export const digamma = unaryJs('digamma', 'DigammaBackward0', M.digamma, (x) => polygamma(1, x));
export const i0 = unaryJs('i0', 'I0Backward0', M.i0, (x) => map1(x, floatResult(x.dtype), M.i1));
export const erfc = unaryJs('erfc', 'ErfcBackward0', M.erfc, (x) => x.mul(x).neg().exp().mul(-2 / Math.sqrt(Math.PI)));
export const acosh = unaryJs('acosh', 'AcoshBackward0', Math.acosh, (x) => x.mul(x).sub(1).rsqrt());
export const asinh = unaryJs('asinh', 'AsinhBackward0', Math.asinh, (x) => x.mul(x).add(1).rsqrt());
export const atanh = unaryJs('atanh', 'AtanhBackward0', Math.atanh, (x) => x.mul(x).neg().add(1).reciprocal());

export function polygamma(n: number, x: Tensor): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`polygamma(n, x) does not support negative n.`);
  checkTensor('polygamma', 'input', 2, x);
  const out = map1(x, floatResult(x.dtype), (v) => M.polygamma(n, v));
  if (needsGrad(x)) record(new ElementwiseBackward('PolygammaBackward0', (g, [xs]) => [g.mul(polygamma(n + 1, xs))]), [x], [out]).save(x);
  return out;
}

/** torch.mvlgamma: the multivariate log-gamma of dimension p, Σ_i lgamma(x - i/2) + p(p-1)/4 log π. */
export function mvlgamma(x: Tensor, p: number): Tensor {
  if (!Number.isInteger(p) || p < 1) throw new RangeError('p has to be greater than or equal to 1');
  if (!isFloatingDtype(x.dtype)) throw new TypeError('mvlgamma is not implemented for integer inputs; convert with .float()');
  if (x.le((p - 1) / 2).any().item()) throw new RangeError(`All elements must be greater than (p-1)/2`);
  let sum = lgamma(x);
  for (let i = 1; i < p; i++) sum = sum.add(lgamma(x.sub(i / 2)));
  return sum.add(((p * (p - 1)) / 4) * Math.log(Math.PI));
}

/** torch.exp2: 2 ** x. */
export function exp2(x: Tensor): Tensor {
  checkTensor('exp2', 'input', 1, x);
  return pow(2, isFloatingDtype(x.dtype) ? x : x.to(floatResult(x.dtype)));
}

/** torch.sinc: sin(πx)/(πx), 1 at 0 (with gradient 0 there). */
export function sinc(x: Tensor): Tensor {
  checkTensor('sinc', 'input', 1, x);
  const xf = isFloatingDtype(x.dtype) ? x : x.to(floatResult(x.dtype));
  const zero = xf.eq(0);
  const safe = where(zero, 1, xf).mul(Math.PI);
  return where(zero, 1, safe.sin().div(safe));
}

/** torch.logit: log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given. */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  checkTensor('logit', 'input', 1, x);
  const xf = isFloatingDtype(x.dtype) ? x : x.to(floatResult(x.dtype));
  // x < eps ? eps : x > 1 - eps ? 1 - eps : x, as ATen (clamp would prefer 1 - eps when eps > 0.5).
  const z = eps === null ? xf : where(xf.lt(eps), eps, where(xf.gt(1 - eps), 1 - eps, xf));
  return z.div(z.neg().add(1)).log();
}

export const hypot = binaryJs('hypot', 'HypotBackward0', Math.hypot, (a, b, r) => [a.div(r), b.div(r)]);

function logaddexpScalar(base: number) {
  const ln = Math.log(base);
  return (x: number, y: number): number => {
    if (x === y && !Number.isFinite(x)) return x;
    const m = Math.max(x, y);
    return m + Math.log1p(Math.pow(base, -Math.abs(x - y))) / ln;
  };
}
export const logaddexp = binaryJs('logaddexp', 'LogaddexpBackward0', logaddexpScalar(Math.E), (a, b) => [
  b.sub(a).exp().add(1).reciprocal(), a.sub(b).exp().add(1).reciprocal(),
]);
export const logaddexp2 = binaryJs('logaddexp2', 'Logaddexp2Backward0', logaddexpScalar(2), (a, b) => [
  pow(2, b.sub(a)).add(1).reciprocal(), pow(2, a.sub(b)).add(1).reciprocal(),
]);

const signBit = (v: number) => v < 0 || Object.is(v, -0);
export const copysign = binaryJs('copysign', 'CopysignBackward0', (x, y) => (signBit(y) ? -Math.abs(x) : Math.abs(x)), (a, b, r) => [
  a.sign().mul(r.sign()), b.mul(0),
]);

/** torch.igamma / igammac: the regularized incomplete gamma functions (gradient with respect to x only, as PyTorch). */
export const igamma = binaryJs('igamma', 'IgammaBackward0', M.igamma, (a, x) => [null, x.neg().exp().mul(x.pow(a.sub(1))).div(lgamma(a).exp())]);
export const igammac = binaryJs('igammac', 'IgammacBackward0', M.igammac, (a, x) => [null, x.neg().exp().mul(x.pow(a.sub(1))).div(lgamma(a).exp()).neg()]);

/**
 * torch.fmax / fmin: the elementwise max / min where a NaN loses to a number (NaN only when
 * both are NaN). The gradient goes to the input that was taken, as PyTorch's derivatives.yaml.
 */
function nanIgnoringExtremum(name: string, node: string, prefer: 'ge' | 'le') {
  return (input: Tensor, other: Tensor): Tensor => {
    checkTensor(name, 'input', 1, input);
    checkTensor(name, 'other', 2, other);
    const takeInput = input[prefer](other).logicalOr(other.isnan());
    const out = where(takeInput, input.detach(), other.detach());
    if (needsGrad(input, other)) {
      record(new ElementwiseBackward(node, (g) => [
        sumToShape(where(takeInput, g, 0), input.shape), sumToShape(where(takeInput, 0, g), other.shape),
      ]), [input, other], [out]);
    }
    return out;
  };
}
export const fmax = nanIgnoringExtremum('fmax', 'FmaxBackward0', 'ge');
export const fmin = nanIgnoringExtremum('fmin', 'FminBackward0', 'le');

/** torch.nextafter: the next float after each input toward other (no gradient). */
export function nextafter(input: Tensor, other: Tensor): Tensor {
  checkTensor('nextafter', 'input', 1, input);
  checkTensor('nextafter', 'other', 2, other);
  if (input.dtype !== other.dtype || !isFloatingDtype(input.dtype)) throw new TypeError('nextafter: both inputs must be floating point tensors of the same dtype');
  return map2(input, other, input.dtype, (x, y) => M.nextafter(x, y, input.dtype === 'float32'));
}

/** torch.ldexp: input * 2**other (a float result). */
export function ldexp(input: Tensor, other: Tensor): Tensor {
  checkTensor('ldexp', 'input', 1, input);
  checkTensor('ldexp', 'other', 2, other);
  const dtype = floatResult(resultType(input, other));
  return input.to(dtype).mul(pow(2, other.to(dtype)));
}

/** torch.frexp: [mantissa, exponent] with input = mantissa * 2**exponent (exponent int32). */
export function frexp(input: Tensor): { mantissa: Tensor; exponent: Tensor } & [Tensor, Tensor] {
  checkTensor('frexp', 'input', 1, input);
  if (!isFloatingDtype(input.dtype)) throw new TypeError('torch.frexp() only supports floating-point dtypes');
  const mantissa = map1(input, input.dtype, (v) => M.frexp(v)[0]);
  const exponent = map1(input, 'int32', (v) => M.frexp(v)[1]);
  if (needsGrad(input)) {
    // PyTorch's derivatives.yaml: mantissa's gradient is grad / 2**exponent; exponent is not differentiable.
    const scale = pow(2, exponent.to(input.dtype)).reciprocal();
    record(new ElementwiseBackward('FrexpBackward0', (g) => [g.mul(scale)]), [input], [mantissa]);
  }
  return namedTuple('frexp', { mantissa, exponent }) as { mantissa: Tensor; exponent: Tensor } & [Tensor, Tensor];
}

/** torch.heaviside: 0 below zero, 1 above, `values` at zero (no gradient; same dtypes as PyTorch requires). */
export function heaviside(input: Tensor, values: Tensor): Tensor {
  checkTensor('heaviside', 'input', 1, input);
  checkTensor('heaviside', 'values', 2, values);
  if (input.dtype !== values.dtype) throw new TypeError('heaviside is not yet implemented for tensors with different dtypes.');
  return where(input.eq(0), values, input.gt(0).to(input.dtype));
}

/**
 * An integer op of two operands computed exactly in BigInt (every integer dtype fits in
 * int64), wrapped to the result dtype as C++ integer arithmetic wraps. `bits` is the width
 * C++ computes in (int for uint8 and int32, int64 for int64).
 */
function integerPair(name: string, a: TensorLike, b: TensorLike, f: (x: bigint, y: bigint, bits: number) => bigint): Tensor {
  const dtype = resultType(a, b);
  if (isFloatingDtype(dtype) || dtype === 'bool') throw new TypeError(`"${name}_cpu" not implemented for '${dtype === 'bool' ? 'Bool' : dtype === 'float32' ? 'Float' : 'Double'}'`);
  const shape = broadcastShapes(asTensor(a, dtype).shape, asTensor(b, dtype).shape);
  const x = asTensor(a, dtype).to('int64').expand(shape).contiguous().buffer as BigInt64Array;
  const y = asTensor(b, dtype).to('int64').expand(shape).contiguous().buffer as BigInt64Array;
  const bits = dtype === 'int64' ? 64 : 32;
  const out = Tensor.empty(shape, 'int64');
  const o = out.buffer as BigInt64Array;
  for (let i = 0; i < o.length; i++) o[i] = f(x[i], y[i], bits);
  if (dtype === 'int64') return out;
  const cast = Tensor.empty(shape, dtype);
  backend().copy(out, cast);
  return cast;
}

function gcdBig(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

// x86 shifts take the count modulo the operand width (PyTorch's CPU kernel shifts as C++ does).
const shiftCount = (y: bigint, bits: number): bigint => BigInt.asUintN(bits === 64 ? 6 : 5, y);
export const gcd = (a: Tensor, b: TensorLike) => integerPair('gcd', a, b, gcdBig);
export const lcm = (a: Tensor, b: TensorLike) => integerPair('lcm', a, b, (x, y) => {
  const g = gcdBig(x, y);
  const v = g === 0n ? 0n : BigInt.asIntN(64, (x / g) * y);
  return v < 0n ? -v : v;
});
export const bitwiseLeftShift = (a: TensorLike, b: TensorLike) => integerPair('lshift', a, b, (x, y, bits) => BigInt.asIntN(bits, x << shiftCount(y, bits)));
export const bitwiseRightShift = (a: TensorLike, b: TensorLike) => integerPair('rshift', a, b, (x, y, bits) => x >> shiftCount(y, bits));

/** torch.signbit: true where the sign bit is set (-0.0 included). */
export function signbit(input: Tensor): Tensor {
  checkTensor('signbit', 'input', 1, input);
  return map1(input, 'bool', (v) => (signBit(v) ? 1 : 0));
}

const FLOAT_MAX: Partial<Record<DType, number>> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/** torch.nan_to_num: NaN -> nan, +inf -> posinf, -inf -> neginf (defaults: 0 and the dtype's largest finite values). */
export function nanToNum(input: Tensor, nan: number | null = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  checkTensor('nanToNum', 'input', 1, input);
  if (!isFloatingDtype(input.dtype)) return input.clone();
  const big = FLOAT_MAX[input.dtype] as number;
  return input
    .maskedFill(input.isnan(), nan ?? 0)
    .maskedFill(input.eq(Infinity), posinf ?? big)
    .maskedFill(input.eq(-Infinity), neginf ?? -big);
}

/** torch.float_power: pow computed in float64. */
export function floatPower(input: TensorLike, exponent: TensorLike): Tensor {
  const a = input instanceof Tensor ? input.to('float64') : input;
  const b = exponent instanceof Tensor ? exponent.to('float64') : exponent;
  return pow(a, b);
}

/** torch.deg2rad / rad2deg (float results). */
export function deg2rad(input: Tensor): Tensor {
  checkTensor('deg2rad', 'input', 1, input);
  return input.to(floatResult(input.dtype)).mul(Math.PI / 180);
}
export function rad2deg(input: Tensor): Tensor {
  checkTensor('rad2deg', 'input', 1, input);
  return input.to(floatResult(input.dtype)).mul(180 / Math.PI);
}

export const isposinf = (input: Tensor) => input.eq(Infinity);
export const isneginf = (input: Tensor) => input.eq(-Infinity);
/** torch.isreal: every element of a real tensor is real. */
export const isreal = (input: Tensor) => onesLike(input, { dtype: 'bool' });
