// PyTorch's alternative names (arccos = acos, multiply = mul, greater = gt …), the
// in-place twins (`x.eq_(y)`, `torch.sin_(x)`) of out-of-place ops, and the special
// functions of special.ts as Tensor methods. Nothing here computes: every name calls
// the one definition of its op.
import { any, isPlainObject, number, signature, tensor as tensorArg, type Spec } from '../tensor/args.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { hardshrink, prelu } from './activation.js';
import { xlogy } from './binary.js';
import { cat } from './join.js';
import { inplace } from './inplace.js';
import type { TensorLike } from './kernels.js';
import * as S from './special.js';

type Method = (this: Tensor, ...args: never[]) => unknown;
const P = Tensor.prototype as unknown as Record<string, Method>;

// alias -> the method it names.
const METHOD_ALIASES: Record<string, string> = {
  absolute: 'abs', arccos: 'acos', arcsin: 'asin', arctan: 'atan', arctan2: 'atan2', arccosh: 'acosh', arcsinh: 'asinh',
  arctanh: 'atanh', clip: 'clamp', divide: 'div', multiply: 'mul', subtract: 'sub', trueDivide: 'div', greater: 'gt',
  greaterEqual: 'ge', less: 'lt', lessEqual: 'le', notEqual: 'ne', negative: 'neg', fix: 'trunc', sgn: 'sign',
};

// The special functions as methods: x.lgamma(), x.hypot(y), x.polygamma(n) …
const SPECIAL_METHODS: Record<string, (self: Tensor, ...args: never[]) => unknown> = {
  acosh: S.acosh, asinh: S.asinh, atanh: S.atanh, lgamma: S.lgamma, digamma: S.digamma, i0: S.i0, erfc: S.erfc, exp2: S.exp2,
  sinc: S.sinc, signbit: S.signbit, deg2rad: S.deg2rad, rad2deg: S.rad2deg, isposinf: S.isposinf, isneginf: S.isneginf,
  isreal: S.isreal, frexp: S.frexp, hypot: S.hypot, logaddexp: S.logaddexp, logaddexp2: S.logaddexp2, copysign: S.copysign,
  nextafter: S.nextafter, ldexp: S.ldexp, heaviside: S.heaviside, gcd: S.gcd, lcm: S.lcm, igamma: S.igamma, igammac: S.igammac,
  bitwiseLeftShift: S.bitwiseLeftShift, bitwiseRightShift: S.bitwiseRightShift, floatPower: S.floatPower, fmax: S.fmax, fmin: S.fmin,
  logit: (self: Tensor, eps?: number | null) => S.logit(self, eps ?? null),
  nanToNum: (self: Tensor, nan?: number | null, posinf?: number | null, neginf?: number | null) => S.nanToNum(self, nan, posinf, neginf),
  mvlgamma: (self: Tensor, p: number) => S.mvlgamma(self, p),
  polygamma: (self: Tensor, n: number) => S.polygamma(n, self),
  xlogy: (self: Tensor, other: Tensor) => xlogy(self, other),
  hardshrink: (self: Tensor, lambd?: number) => hardshrink(self, lambd),
  prelu: (self: Tensor, weight: Tensor) => prelu(self, weight),
};

// Their parameters after self, as PyTorch names them: a trailing options object binds
// them by name (x.hypot({ other: y }), x.polygamma({ n: 1 })) or throws naming the key;
// the functions check the values. [name, required] in PyTorch's order.
const SPECIAL_PARAMS: Record<string, readonly (readonly [string, boolean])[]> = {
  hypot: [['other', true]], logaddexp: [['other', true]], logaddexp2: [['other', true]], copysign: [['other', true]],
  nextafter: [['other', true]], ldexp: [['other', true]], heaviside: [['values', true]], gcd: [['other', true]], lcm: [['other', true]],
  igamma: [['other', true]], igammac: [['other', true]], bitwiseLeftShift: [['other', true]], bitwiseRightShift: [['other', true]],
  floatPower: [['exponent', true]], fmax: [['other', true]], fmin: [['other', true]], xlogy: [['other', true]], prelu: [['weight', true]],
  polygamma: [['n', true]], mvlgamma: [['p', true]], logit: [['eps', false]], hardshrink: [['lambd', false]],
  nanToNum: [['nan', false], ['posinf', false], ['neginf', false]],
};

for (const [name, fn] of Object.entries(SPECIAL_METHODS)) {
  const params = SPECIAL_PARAMS[name] ?? [];
  const sig = signature(name, params.map(([n, required]) => (required ? [n, any] : [n, any, undefined])) as Spec);
  const call = fn as (self: Tensor, ...args: unknown[]) => unknown;
  P[name] = function (this: Tensor, ...args: unknown[]) {
    if (args.length <= params.length && (args.length === 0 || !isPlainObject(args[args.length - 1]))) return call(this, ...args);
    const parsed = sig.parse(args) as Record<string, unknown>;
    return call(this, ...params.map(([n]) => parsed[n]));
  } as Method;
}
for (const [alias, target] of Object.entries(METHOD_ALIASES)) {
  P[alias] = function (this: Tensor, ...args: never[]) {
    return (P[target] as Method).apply(this, args);
  };
}

// In-place twins computed by the op and written into self (cast to self's dtype, as PyTorch's out=self).
const INPLACE = [
  'absolute', 'acosh', 'arccos', 'arccosh', 'arcsin', 'arcsinh', 'arctan', 'arctan2', 'arctanh', 'asinh', 'atan2', 'atanh',
  'bitwiseAnd', 'bitwiseLeftShift', 'bitwiseNot', 'bitwiseOr', 'bitwiseRightShift', 'bitwiseXor', 'clampMax', 'clampMin',
  'clip', 'copysign', 'cumprod', 'cumsum', 'deg2rad', 'digamma', 'divide', 'eq', 'erfc', 'exp2', 'fix', 'floatPower',
  'floorDivide', 'fmod', 'gcd', 'ge', 'greater', 'greaterEqual', 'gt', 'heaviside', 'hypot', 'i0', 'igamma', 'igammac',
  'lcm', 'ldexp', 'le', 'less', 'lessEqual', 'lgamma', 'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'logit', 'lt',
  'multiply', 'mvlgamma', 'nanToNum', 'ne', 'negative', 'nextafter', 'notEqual', 'polygamma', 'rad2deg', 'sgn', 'sinc',
  'subtract', 'trueDivide', 'xlogy',
] as const;

for (const name of INPLACE) {
  if (P[`${name}_`] !== undefined) continue;
  P[`${name}_`] = function (this: Tensor, ...args: never[]) {
    if (name === 'floatPower' && this.dtype !== 'float64') {
      throw new TypeError(`the base given to float_power_ has dtype ${this.dtype === 'float32' ? 'Float' : this.dtype} but the operation's result requires dtype Double`);
    }
    const operands = (args as unknown[]).filter((a): a is Tensor => a instanceof Tensor);
    return inplace(this, operands, (self) => (P[name] as Method).apply(self, args) as Tensor);
  };
}

/** torch.<name>_(x, …args): the in-place method as a function. */
const inplaceFn = (name: string) => (input: Tensor, ...args: unknown[]): Tensor => (P[`${name}_`] as Method).apply(input, args as never[]) as Tensor;
/** torch.<alias>(x, …args): the method as a function. */
const methodFn = (name: string) => (input: Tensor, ...args: unknown[]): Tensor => (P[name] as Method).apply(input, args as never[]) as Tensor;

type F1 = (input: Tensor) => Tensor;
type F2 = (input: Tensor, other: TensorLike) => Tensor;
export const abs_ = inplaceFn('abs') as F1;
export const acos_ = inplaceFn('acos') as F1;
export const acosh_ = inplaceFn('acosh') as F1;
export const arccos_ = inplaceFn('arccos') as F1;
export const arccosh_ = inplaceFn('arccosh') as F1;
export const arcsin_ = inplaceFn('arcsin') as F1;
export const arcsinh_ = inplaceFn('arcsinh') as F1;
export const arctan_ = inplaceFn('arctan') as F1;
export const arctanh_ = inplaceFn('arctanh') as F1;
export const asin_ = inplaceFn('asin') as F1;
export const asinh_ = inplaceFn('asinh') as F1;
export const atan_ = inplaceFn('atan') as F1;
export const atanh_ = inplaceFn('atanh') as F1;
export const ceil_ = inplaceFn('ceil') as F1;
export const cos_ = inplaceFn('cos') as F1;
export const cosh_ = inplaceFn('cosh') as F1;
export const deg2rad_ = inplaceFn('deg2rad') as F1;
export const erf_ = inplaceFn('erf') as F1;
export const erfc_ = inplaceFn('erfc') as F1;
export const exp_ = inplaceFn('exp') as F1;
export const exp2_ = inplaceFn('exp2') as F1;
export const expm1_ = inplaceFn('expm1') as F1;
export const fix_ = inplaceFn('fix') as F1;
export const floor_ = inplaceFn('floor') as F1;
export const frac_ = inplaceFn('frac') as F1;
export const i0_ = inplaceFn('i0') as F1;
export const log_ = inplaceFn('log') as F1;
export const log10_ = inplaceFn('log10') as F1;
export const log1p_ = inplaceFn('log1p') as F1;
export const log2_ = inplaceFn('log2') as F1;
export const neg_ = inplaceFn('neg') as F1;
export const negative_ = inplaceFn('negative') as F1;
export const rad2deg_ = inplaceFn('rad2deg') as F1;
export const reciprocal_ = inplaceFn('reciprocal') as F1;
export const relu_ = inplaceFn('relu') as F1;
export const round_ = inplaceFn('round') as F1;
export const rsqrt_ = inplaceFn('rsqrt') as F1;
export const sigmoid_ = inplaceFn('sigmoid') as F1;
export const sin_ = inplaceFn('sin') as F1;
export const sinc_ = inplaceFn('sinc') as F1;
export const sinh_ = inplaceFn('sinh') as F1;
export const sqrt_ = inplaceFn('sqrt') as F1;
export const square_ = inplaceFn('square') as F1;
export const tan_ = inplaceFn('tan') as F1;
export const tanh_ = inplaceFn('tanh') as F1;
export const trunc_ = inplaceFn('trunc') as F1;
export const zero_ = inplaceFn('zero') as F1;
export const gcd_ = inplaceFn('gcd') as F2;
export const lcm_ = inplaceFn('lcm') as F2;
export const ldexp_ = inplaceFn('ldexp') as F2;
export const xlogy_ = inplaceFn('xlogy') as F2;
export const logit_ = inplaceFn('logit') as (input: Tensor, eps?: number | null) => Tensor;
export const nanToNum_ = inplaceFn('nanToNum') as (input: Tensor, nan?: number | null, posinf?: number | null, neginf?: number | null) => Tensor;
export const clamp_ = inplaceFn('clamp') as (input: Tensor, min?: TensorLike | null, max?: TensorLike | null) => Tensor;
export const clip_ = clamp_;
export const clampMin_ = inplaceFn('clampMin') as (input: Tensor, min: TensorLike) => Tensor;
export const clampMax_ = inplaceFn('clampMax') as (input: Tensor, max: TensorLike) => Tensor;
export const clampMin = methodFn('clampMin') as (input: Tensor, min: TensorLike) => Tensor;
export const clampMax = methodFn('clampMax') as (input: Tensor, max: TensorLike) => Tensor;
export const clip = methodFn('clamp') as (input: Tensor, min?: TensorLike | null, max?: TensorLike | null) => Tensor;
export const detach = methodFn('detach') as F1;
export const detach_ = inplaceFn('detach') as F1;
export const absolute = methodFn('abs') as F1;
export const arccos = methodFn('acos') as F1;
export const arcsin = methodFn('asin') as F1;
export const arctan = methodFn('atan') as F1;
export const arctan2 = methodFn('atan2') as F2;
export const arccosh = S.acosh;
export const arcsinh = S.asinh;
export const arctanh = S.atanh;
export const negative = methodFn('neg') as F1;
/** torch.positive: input itself (PyTorch returns the same tensor), refused for bool as `+x` is. */
export const positive = (input: Tensor): Tensor => {
  if (input.dtype === 'bool') throw new TypeError('The `+` operator, on a bool tensor is not supported.');
  return input;
};
P.positive = function (this: Tensor) {
  return positive(this);
};
/** torch.adjoint: the conjugate transpose of the last two dims; for real tensors the view mT. */
P.adjoint = function (this: Tensor) {
  return this.mT;
};
export const adjoint = methodFn('adjoint') as F1;
export const resolveNeg = methodFn('resolveNeg') as F1;
export const fix = methodFn('trunc') as F1;
export const sgn = methodFn('sign') as F1;
export const multiply = methodFn('mul') as F2;
export const subtract = methodFn('sub') as (input: Tensor, other: TensorLike, opts?: { alpha?: number }) => Tensor;
export const divide = methodFn('div') as (input: Tensor, other: TensorLike, opts?: { roundingMode?: 'trunc' | 'floor' | null }) => Tensor;
export const trueDivide = methodFn('div') as F2;
export const greater = methodFn('gt') as F2;
export const greaterEqual = methodFn('ge') as F2;
export const less = methodFn('lt') as F2;
export const lessEqual = methodFn('le') as F2;
export const notEqual = methodFn('ne') as F2;
/** torch.rsub(input, other, alpha=1) = other - alpha * input. */
const rsubArgs = signature('rsub', [['input', tensorArg], ['other', any], '*', ['alpha', number, 1]] as const);
/** torch.rsub(input, other, *, alpha=1): other - alpha * input. */
export const rsub = (...args: [Tensor, TensorLike, { alpha?: number }?]): Tensor => {
  const a = rsubArgs.parse(args);
  return a.input.mul(-a.alpha).add(a.other as TensorLike);
};
/** torch.fill(input, value): a filled copy. */
export const fill = (input: Tensor, value: number | boolean | Tensor): Tensor => input.clone().fill_(value);
export const concat = cat;
export const concatenate = cat;

declare module '../tensor/tensor.js' {
  interface Tensor {
    acosh(): Tensor; asinh(): Tensor; atanh(): Tensor; lgamma(): Tensor; digamma(): Tensor; i0(): Tensor; erfc(): Tensor;
    exp2(): Tensor; sinc(): Tensor; signbit(): Tensor; deg2rad(): Tensor; rad2deg(): Tensor; isposinf(): Tensor;
    isneginf(): Tensor; isreal(): Tensor; frexp(): ReturnType<typeof S.frexp>;
    hypot(other: Tensor): Tensor; logaddexp(other: Tensor): Tensor; logaddexp2(other: Tensor): Tensor;
    copysign(other: TensorLike): Tensor; nextafter(other: Tensor): Tensor; ldexp(other: Tensor): Tensor;
    heaviside(values: Tensor): Tensor; gcd(other: TensorLike): Tensor; lcm(other: TensorLike): Tensor;
    igamma(other: Tensor): Tensor; igammac(other: Tensor): Tensor; bitwiseLeftShift(other: TensorLike): Tensor;
    bitwiseRightShift(other: TensorLike): Tensor; floatPower(exponent: TensorLike): Tensor; logit(eps?: number | null): Tensor;
    nanToNum(nan?: number | null, posinf?: number | null, neginf?: number | null): Tensor; mvlgamma(p: number): Tensor;
    polygamma(n: number): Tensor; xlogy(other: Tensor): Tensor; hardshrink(lambd?: number): Tensor; prelu(weight: Tensor): Tensor;
    absolute(): Tensor; arccos(): Tensor; arcsin(): Tensor; arctan(): Tensor; arctan2(other: TensorLike): Tensor;
    arccosh(): Tensor; arcsinh(): Tensor; arctanh(): Tensor; clip(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    divide(other: TensorLike, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor; multiply(other: TensorLike): Tensor;
    subtract(other: TensorLike, opts?: { alpha?: number }): Tensor; trueDivide(other: TensorLike): Tensor;
    greater(other: TensorLike): Tensor; greaterEqual(other: TensorLike): Tensor; less(other: TensorLike): Tensor;
    lessEqual(other: TensorLike): Tensor; notEqual(other: TensorLike): Tensor; negative(): Tensor; fix(): Tensor; sgn(): Tensor;
    absolute_(): Tensor; acosh_(): Tensor; arccos_(): Tensor; arccosh_(): Tensor; arcsin_(): Tensor; arcsinh_(): Tensor;
    arctan_(): Tensor; arctan2_(other: TensorLike): Tensor; arctanh_(): Tensor; asinh_(): Tensor; atan2_(other: TensorLike): Tensor;
    atanh_(): Tensor; bitwiseAnd_(other: TensorLike): Tensor; bitwiseLeftShift_(other: TensorLike): Tensor; bitwiseNot_(): Tensor;
    bitwiseOr_(other: TensorLike): Tensor; bitwiseRightShift_(other: TensorLike): Tensor; bitwiseXor_(other: TensorLike): Tensor;
    clampMax_(max: TensorLike): Tensor; clampMin_(min: TensorLike): Tensor; clip_(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    copysign_(other: TensorLike): Tensor; cumprod_(dim: number, opts?: { dtype?: DType }): Tensor; cumsum_(dim: number, opts?: { dtype?: DType }): Tensor;
    deg2rad_(): Tensor; digamma_(): Tensor; divide_(other: TensorLike, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor;
    eq_(other: TensorLike): Tensor; erfc_(): Tensor; exp2_(): Tensor; fix_(): Tensor; floatPower_(exponent: TensorLike): Tensor;
    floorDivide_(other: TensorLike): Tensor; fmod_(other: TensorLike): Tensor; gcd_(other: TensorLike): Tensor; ge_(other: TensorLike): Tensor;
    greater_(other: TensorLike): Tensor; greaterEqual_(other: TensorLike): Tensor; gt_(other: TensorLike): Tensor;
    heaviside_(values: Tensor): Tensor; hypot_(other: Tensor): Tensor; i0_(): Tensor; igamma_(other: Tensor): Tensor;
    igammac_(other: Tensor): Tensor; lcm_(other: TensorLike): Tensor; ldexp_(other: Tensor): Tensor; le_(other: TensorLike): Tensor;
    less_(other: TensorLike): Tensor; lessEqual_(other: TensorLike): Tensor; lgamma_(): Tensor; logicalAnd_(other: TensorLike): Tensor;
    logicalNot_(): Tensor; logicalOr_(other: TensorLike): Tensor; logicalXor_(other: TensorLike): Tensor; logit_(eps?: number | null): Tensor;
    lt_(other: TensorLike): Tensor; multiply_(other: TensorLike): Tensor; mvlgamma_(p: number): Tensor;
    nanToNum_(nan?: number | null, posinf?: number | null, neginf?: number | null): Tensor; ne_(other: TensorLike): Tensor;
    negative_(): Tensor; nextafter_(other: Tensor): Tensor; notEqual_(other: TensorLike): Tensor; polygamma_(n: number): Tensor;
    rad2deg_(): Tensor; sgn_(): Tensor; sinc_(): Tensor; subtract_(other: TensorLike, opts?: { alpha?: number }): Tensor;
    trueDivide_(other: TensorLike): Tensor; xlogy_(other: Tensor): Tensor; fmax(other: Tensor): Tensor; fmin(other: Tensor): Tensor;
    /** Self (PyTorch's `+x`); bool tensors are refused. */
    positive(): Tensor;
    /** The conjugate transpose of the last two dims (for real tensors, the view mT). */
    adjoint(): Tensor;
  }
}
