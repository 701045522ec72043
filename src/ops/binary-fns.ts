// torch.add(input, other, *, alpha), torch.eq(input, other), … as the torch namespace
// exports them: PyTorch's parameters positionally or by name ({ other }, { alpha },
// { roundingMode }, { rtol, atol, equalNan }). ops/index.ts exports these over
// binary.ts's functions of the same names, which the ops call internally unparsed.
// The plain call (two operands, no options) skips the parser: these run millions of times.
import { alphaSecond } from './deprecated.js';
import { bool, check, nullable, number, oneOf, signature, type Args, type Check } from '../tensor/args.js';
import type { Tensor } from '../tensor/tensor.js';
import * as raw from './binary.js';
import { outArg, writeOut } from './out.js';
import { isOperand } from './binary.js';
import { pairOp } from './op-args.js';
import type { TensorLike } from './kernels.js';

const operand: Check<TensorLike> = check('Tensor', isOperand);
const tensorOperand: Check<Tensor> = check('Tensor', (v) => isOperand(v) && typeof v === 'object');

type TwoSpec<N extends string, T> = readonly [readonly ['input', Check<T>], readonly [N, Check<T>], '*', readonly ['out', Check<Tensor | null>, null]];

/** torch.op(input, <second>) with no other parameters (mul, eq, logical_and, …). */
function twoOperands<const N extends string, T extends TensorLike = TensorLike>(name: string, second: N, fn: (a: T, b: T) => Tensor, c: Check<T> = operand as Check<T>) {
  const sig = signature(name, [['input', c], [second, c], '*', ['out', outArg, null]] as const);
  return function (a: unknown, b?: unknown, extra?: unknown): Tensor {
    if (extra === undefined && c.test(a) && c.test(b)) return fn(a as T, b as T);
    const p = sig.parse([a, b, extra]) as Record<string, T>;
    return writeOut(name, p.out as Tensor | null, [p.input, p[second]], () => fn(p.input, p[second]));
  } as (...args: Args<TwoSpec<N, T>>) => Tensor;
}

const alphaArgs = (name: string) => signature(name, [['input', operand], ['other', operand], '*', ['alpha', number, 1], ['out', outArg, null]] as const);
const addArgs = alphaArgs('add');
const subArgs = alphaArgs('sub');
const divArgs = signature('div', [['input', operand], ['other', operand], '*', ['roundingMode', nullable(oneOf('trunc', 'floor')), null], ['out', outArg, null]] as const);
const closeSpec = [['input', tensorOperand], ['other', operand], ['rtol', number, 1e-5], ['atol', number, 1e-8], ['equalNan', bool, false]] as const;
const iscloseArgs = signature('isclose', closeSpec);
const allcloseArgs = signature('allclose', closeSpec);

export function add(...args: Args<typeof addArgs.spec>): Tensor {
  if (args.length === 2 && isOperand(args[0]) && isOperand(args[1])) return raw.add(args[0], args[1]);
  const old = alphaSecond('add', args);
  if (old) return raw.add(old[0], old[1], { alpha: old[2] });
  const p = addArgs.parse(args);
  return writeOut('add', p.out, [p.input, p.other], () => raw.add(p.input, p.other, p));
}
export function sub(...args: Args<typeof subArgs.spec>): Tensor {
  if (args.length === 2 && isOperand(args[0]) && isOperand(args[1])) return raw.sub(args[0], args[1]);
  const old = alphaSecond('sub', args);
  if (old) return raw.sub(old[0], old[1], { alpha: old[2] });
  const p = subArgs.parse(args);
  return writeOut('sub', p.out, [p.input, p.other], () => raw.sub(p.input, p.other, p));
}
export function div(...args: Args<typeof divArgs.spec>): Tensor {
  if (args.length === 2 && isOperand(args[0]) && isOperand(args[1])) return raw.div(args[0], args[1]);
  const p = divArgs.parse(args);
  return writeOut('div', p.out, [p.input, p.other], () => raw.div(p.input, p.other, p));
}
export function isclose(...args: Args<typeof iscloseArgs.spec>): Tensor {
  const p = iscloseArgs.parse(args);
  return raw.isclose(p.input, p.other, p);
}
export function allclose(...args: Args<typeof allcloseArgs.spec>): boolean {
  const p = allcloseArgs.parse(args);
  return raw.allclose(p.input, p.other, p);
}

export const mul = twoOperands('mul', 'other', raw.mul);
export const floorDivide = twoOperands('floorDivide', 'other', raw.floorDivide);
export const remainder = twoOperands('remainder', 'other', raw.remainder);
export const fmod = twoOperands('fmod', 'other', raw.fmod);
export const pow = twoOperands('pow', 'exponent', raw.pow);
export const atan2 = twoOperands('atan2', 'other', raw.atan2);
export const maximum = twoOperands('maximum', 'other', raw.maximum, tensorOperand);
export const minimum = twoOperands('minimum', 'other', raw.minimum, tensorOperand);
export const eq = twoOperands('eq', 'other', raw.eq);
export const ne = twoOperands('ne', 'other', raw.ne);
export const lt = twoOperands('lt', 'other', raw.lt);
export const le = twoOperands('le', 'other', raw.le);
export const gt = twoOperands('gt', 'other', raw.gt);
export const ge = twoOperands('ge', 'other', raw.ge);
export const logicalAnd = twoOperands('logicalAnd', 'other', raw.logicalAnd);
export const logicalOr = twoOperands('logicalOr', 'other', raw.logicalOr);
export const logicalXor = twoOperands('logicalXor', 'other', raw.logicalXor);
export const bitwiseAnd = twoOperands('bitwiseAnd', 'other', raw.bitwiseAnd);
export const bitwiseOr = twoOperands('bitwiseOr', 'other', raw.bitwiseOr);
export const bitwiseXor = twoOperands('bitwiseXor', 'other', raw.bitwiseXor);
export const equal = pairOp('equal', 'other', raw.equal).fn;
