// nn.functional activations, in PyTorch's parameter order (input first, then the
// activation's parameters, then `inplace`, which writes the result into the input as
// PyTorch's inplace flag does). A call with just a tensor skips argument parsing.
import * as act from '../../ops/activation.js';
import { inplace as inplaceOp } from '../../ops/inplace.js';
import { logSoftmax as logSoftmaxOp, softmax as softmaxOp } from '../../ops/softmax.js';
import { applyUnary } from '../../ops/unary.js';
import { bool, dtype, int, nullable, number, signature, string, tensor, type ArgsOf } from '../../tensor/args.js';
import type { DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

const input = ['input', tensor] as const;
const inplace = ['inplace', bool, false] as const;

const apply = (x: Tensor, inplaceFlag: boolean, fn: (t: Tensor) => Tensor): Tensor => (inplaceFlag ? inplaceOp(x, [], fn) : fn(x));

/** An activation without parameters: f(input). */
function unary(name: string, fn: (t: Tensor) => Tensor) {
  const sig = signature(name, [input] as const);
  return (...args: ArgsOf<typeof sig>): Tensor => {
    const x = args[0];
    return args.length === 1 && x instanceof Tensor ? fn(x) : fn(sig.parse(args).input);
  };
}

/**
 * An activation whose only parameter is inplace: f(input, inplace=False). `inplaceFn` computes
 * the value to write when fn's graph would save the input the write overwrites.
 */
function unaryInplace(name: string, fn: (t: Tensor) => Tensor, inplaceFn = fn) {
  const sig = signature(name, [input, inplace] as const);
  return (...args: ArgsOf<typeof sig>): Tensor => {
    const x = args[0];
    if (x instanceof Tensor) {
      if (args.length === 1) return fn(x);
      if (args.length === 2 && typeof args[1] === 'boolean') return args[1] ? inplaceOp(x, [], inplaceFn) : fn(x);
    }
    const a = sig.parse(args);
    return a.inplace ? inplaceOp(a.input, [], inplaceFn) : fn(a.input);
  };
}

/** mish(x) = x tanh(softplus(x)), composed: in place, it reads a copy of x that the write leaves intact. */
const mishOf = (t: Tensor) => t.mul(act.softplus(t, 1, 20).tanh());

export const relu = unaryInplace('relu', (t) => applyUnary('relu', t));
export const relu6 = unaryInplace('relu6', (t) => act.hardtanh(t, 0, 6));
export const selu = unaryInplace('selu', (t) => act.elu(t, 1.6732632423543772, 1.0507009873554805));
export const silu = unaryInplace('silu', (t) => applyUnary('silu', t));
export const mish = unaryInplace('mish', mishOf, (t) => mishOf(t.clone()));
export const hardsigmoid = unaryInplace('hardsigmoid', (t) => applyUnary('hardsigmoid', t));
export const hardswish = unaryInplace('hardswish', (t) => applyUnary('hardswish', t));
export const sigmoid = unary('sigmoid', (t) => applyUnary('sigmoid', t));
export const tanh = unary('tanh', (t) => applyUnary('tanh', t));
export const logsigmoid = unary('log_sigmoid', (t) => applyUnary('logSigmoid', t));
export const softsign = unary('softsign', (t) => applyUnary('softsign', t));

const leakyReluArgs = signature('leaky_relu', [input, ['negativeSlope', number, 0.01], inplace] as const);
export function leakyRelu(...args: ArgsOf<typeof leakyReluArgs>): Tensor {
  const a = leakyReluArgs.parse(args);
  return apply(a.input, a.inplace, (t) => act.leakyRelu(t, a.negativeSlope));
}

const eluArgs = signature('elu', [input, ['alpha', number, 1], inplace] as const);
export function elu(...args: ArgsOf<typeof eluArgs>): Tensor {
  const a = eluArgs.parse(args);
  return apply(a.input, a.inplace, (t) => act.elu(t, a.alpha));
}

const celuArgs = signature('celu', [input, ['alpha', number, 1], inplace] as const);
export function celu(...args: ArgsOf<typeof celuArgs>): Tensor {
  const a = celuArgs.parse(args);
  if (a.alpha === 0) throw new RangeError('ZeroDivisionError: alpha cannot be 0 for CELU');
  return apply(a.input, a.inplace, (t) => act.elu(t, a.alpha, 1, 1 / a.alpha));
}

const geluArgs = signature('gelu', [input, '*', ['approximate', string, 'none']] as const);
export function gelu(...args: ArgsOf<typeof geluArgs>): Tensor {
  const x = args[0];
  if (args.length === 1 && x instanceof Tensor) return applyUnary('gelu', x);
  const a = geluArgs.parse(args);
  if (a.approximate === 'tanh') return act.geluTanh(a.input);
  if (a.approximate !== 'none') throw new RangeError('approximate argument must be either none or tanh.');
  return applyUnary('gelu', a.input);
}

const hardtanhArgs = signature('hardtanh', [input, ['minVal', number, -1], ['maxVal', number, 1], inplace] as const);
export function hardtanh(...args: ArgsOf<typeof hardtanhArgs>): Tensor {
  const a = hardtanhArgs.parse(args);
  return apply(a.input, a.inplace, (t) => act.hardtanh(t, a.minVal, a.maxVal));
}

const softplusArgs = signature('softplus', [input, ['beta', number, 1], ['threshold', number, 20]] as const);
export function softplus(...args: ArgsOf<typeof softplusArgs>): Tensor {
  const a = softplusArgs.parse(args);
  return act.softplus(a.input, a.beta, a.threshold);
}

const thresholdArgs = signature('threshold', [input, ['threshold', number], ['value', number], inplace] as const);
export function threshold(...args: ArgsOf<typeof thresholdArgs>): Tensor {
  const a = thresholdArgs.parse(args);
  return apply(a.input, a.inplace, (t) => act.threshold(t, a.threshold, a.value));
}

/** PyTorch's _get_softmax_dim for dim=None (deprecated there, kept for parity). */
export function _getSoftmaxDim(x: Tensor): number {
  return x.dim() === 0 || x.dim() === 1 || x.dim() === 3 ? 0 : 1;
}

/** softmax(input, dim=None, _stacklevel=3, dtype=None): dtype casts the input first. */
function softmaxSignature(name: string) {
  return signature(name, [input, ['dim', nullable(int), null], ['_stacklevel', int, 3], ['dtype', nullable(dtype), null]] as const);
}
const softmaxArgs = softmaxSignature('softmax');
const logSoftmaxArgs = softmaxSignature('log_softmax');
const softminArgs = softmaxSignature('softmin');

type SoftmaxArgs = ArgsOf<typeof softmaxArgs>;
const NO_DTYPE: { dtype?: DType } = {};

function softmaxLike(sig: typeof softmaxArgs, args: SoftmaxArgs, op: typeof softmaxOp, negate: boolean): Tensor {
  const x = args[0];
  const d = args[1];
  if (args.length === 2 && x instanceof Tensor && Number.isInteger(d)) return op(negate ? x.neg() : x, d as number, NO_DTYPE);
  const a = sig.parse(args);
  const opts = a.dtype === null ? NO_DTYPE : { dtype: a.dtype };
  return op(negate ? a.input.neg() : a.input, a.dim ?? _getSoftmaxDim(a.input), opts);
}

export function softmax(...args: SoftmaxArgs): Tensor {
  return softmaxLike(softmaxArgs, args, softmaxOp, false);
}

export function logSoftmax(...args: SoftmaxArgs): Tensor {
  return softmaxLike(logSoftmaxArgs, args, logSoftmaxOp, false);
}

export function softmin(...args: SoftmaxArgs): Tensor {
  return softmaxLike(softminArgs, args, softmaxOp, true);
}
