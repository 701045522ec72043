// torch.hypot(input, other), torch.polygamma(n, input), … as the torch namespace exports
// them: PyTorch's parameters positionally or by name. ops/index.ts exports these over
// special.ts's (and binary.ts's xlogy) functions of the same names, which the ops call
// internally. A call without a trailing options object goes straight through.
import { any, isPlainObject, signature, type Spec } from '../tensor/args.js';
import { xlogy as xlogyRaw } from './binary.js';
import * as S from './special.js';

/** Each function's parameters in PyTorch's order: [name, required]. */
type Params = readonly (readonly [string, boolean])[];
const TWO = (second: string): Params => [['input', true], [second, true]];

export function named<F extends (...args: never[]) => unknown>(name: string, params: Params, fn: F): F {
  const sig = signature(name, params.map(([n, required]) => (required ? [n, any] : [n, any, undefined])) as Spec);
  const call = fn as unknown as (...args: unknown[]) => unknown;
  return function (...args: unknown[]) {
    if (args.length > 0 && args.length <= params.length && !isPlainObject(args[args.length - 1])) return call(...args);
    const parsed = sig.parse(args) as Record<string, unknown>;
    return call(...params.map(([n]) => parsed[n]));
  } as unknown as F;
}

export const hypot = named('hypot', TWO('other'), S.hypot);
export const logaddexp = named('logaddexp', TWO('other'), S.logaddexp);
export const logaddexp2 = named('logaddexp2', TWO('other'), S.logaddexp2);
export const copysign = named('copysign', TWO('other'), S.copysign);
export const nextafter = named('nextafter', TWO('other'), S.nextafter);
export const ldexp = named('ldexp', TWO('other'), S.ldexp);
export const heaviside = named('heaviside', TWO('values'), S.heaviside);
export const gcd = named('gcd', TWO('other'), S.gcd);
export const lcm = named('lcm', TWO('other'), S.lcm);
export const igamma = named('igamma', TWO('other'), S.igamma);
export const igammac = named('igammac', TWO('other'), S.igammac);
export const bitwiseLeftShift = named('bitwiseLeftShift', TWO('other'), S.bitwiseLeftShift);
export const bitwiseRightShift = named('bitwiseRightShift', TWO('other'), S.bitwiseRightShift);
export const floatPower = named('floatPower', TWO('exponent'), S.floatPower);
export const fmax = named('fmax', TWO('other'), S.fmax);
export const fmin = named('fmin', TWO('other'), S.fmin);
export const xlogy = named('xlogy', TWO('other'), xlogyRaw);
export const polygamma = named('polygamma', [['n', true], ['input', true]], S.polygamma);
export const mvlgamma = named('mvlgamma', [['input', true], ['p', true]], S.mvlgamma);
export const logit = named('logit', [['input', true], ['eps', false]], S.logit);
export const nanToNum = named('nanToNum', [['input', true], ['nan', false], ['posinf', false], ['neginf', false]], S.nanToNum);

// One tensor, nothing else (torch.acosh(x, 2) throws instead of ignoring the 2).
const ONE: Params = [['input', true]];
export const lgamma = named('lgamma', ONE, S.lgamma);
export const digamma = named('digamma', ONE, S.digamma);
export const i0 = named('i0', ONE, S.i0);
export const erfc = named('erfc', ONE, S.erfc);
export const acosh = named('acosh', ONE, S.acosh);
export const asinh = named('asinh', ONE, S.asinh);
export const atanh = named('atanh', ONE, S.atanh);
export const exp2 = named('exp2', ONE, S.exp2);
export const sinc = named('sinc', ONE, S.sinc);
export const signbit = named('signbit', ONE, S.signbit);
export const deg2rad = named('deg2rad', ONE, S.deg2rad);
export const rad2deg = named('rad2deg', ONE, S.rad2deg);
export const isposinf = named('isposinf', ONE, S.isposinf);
export const isneginf = named('isneginf', ONE, S.isneginf);
export const isreal = named('isreal', ONE, S.isreal);
export const frexp = named('frexp', ONE, S.frexp);
