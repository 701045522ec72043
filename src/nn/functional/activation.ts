// nn.functional activations, in PyTorch's parameter order (input first, then the
// activation's parameters, then `inplace`, which writes the result into the input as
// PyTorch's inplace flag does). A call with just a tensor skips argument parsing.
import * as act from '../../ops/activation.js';
import { inplace as inplaceOp } from '../../ops/inplace.js';
import { logSoftmax as logSoftmaxOp, softmax as softmaxOp } from '../../ops/softmax.js';
import { applyUnary, applyUnaryInplace } from '../../ops/unary.js';
import { bool, dtype, int, nullable, number, signature, string, tensor, type ArgsOf } from '../../tensor/args.js';
import type { DType } from '../../tensor/dtype.js';
import { emptyLike, zerosLike } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';

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
 * the value to write when fn's graph would save the input the write overwrites;
 * `inplaceCall` replaces the whole in-place call (the unary ops' x.<name>_(), which writes
 * straight into x when nothing is recorded).
 */
function unaryInplace(name: string, fn: (t: Tensor) => Tensor, inplaceFn = fn, inplaceCall = (t: Tensor) => inplaceOp(t, [], inplaceFn)) {
  const sig = signature(name, [input, inplace] as const);
  return (...args: ArgsOf<typeof sig>): Tensor => {
    const x = args[0];
    if (x instanceof Tensor) {
      if (args.length === 1) return fn(x);
      if (args.length === 2 && typeof args[1] === 'boolean') return args[1] ? inplaceCall(x) : fn(x);
    }
    const a = sig.parse(args);
    return a.inplace ? inplaceCall(a.input) : fn(a.input);
  };
}

/** mish(x) = x tanh(softplus(x)), composed: in place, it reads a copy of x that the write leaves intact. */
const mishOf = (t: Tensor) => t.mul(act.softplus(t, 1, 20).tanh());

export const relu = unaryInplace('relu', (t) => applyUnary('relu', t), undefined, (t) => applyUnaryInplace('relu', t));
export const relu6 = unaryInplace('relu6', (t) => act.hardtanh(t, 0, 6));
export const selu = unaryInplace('selu', (t) => act.elu(t, 1.6732632423543772, 1.0507009873554805));
export const silu = unaryInplace('silu', (t) => applyUnary('silu', t), undefined, (t) => applyUnaryInplace('silu', t));
export const mish = unaryInplace('mish', mishOf, (t) => mishOf(t.clone()));
export const hardsigmoid = unaryInplace('hardsigmoid', (t) => applyUnary('hardsigmoid', t), undefined, (t) => applyUnaryInplace('hardsigmoid', t));
export const hardswish = unaryInplace('hardswish', (t) => applyUnary('hardswish', t), undefined, (t) => applyUnaryInplace('hardswish', t));
/** F.sigmoid / F.tanh: deprecated aliases of torch.sigmoid / torch.tanh, with PyTorch's warning. */
function deprecatedAlias<Args extends unknown[]>(name: string, fn: (...args: Args) => Tensor): (...args: Args) => Tensor {
  return (...args: Args) => {
    warnOnce(`nn.functional.${name} is deprecated. Use torch.${name} instead.`);
    return fn(...args);
  };
}
export const sigmoid = deprecatedAlias('sigmoid', unary('sigmoid', (t) => applyUnary('sigmoid', t)));
export const tanh = deprecatedAlias('tanh', unary('tanh', (t) => applyUnary('tanh', t)));
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
  if (a.dim === null) warnOnce(`Implicit dimension choice for ${sig.name} has been deprecated. Change the call to include dim=X as an argument.`);
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

const hardshrinkArgs = signature('hardshrink', [input, ['lambd', number, 0.5]] as const);
export function hardshrink(...args: ArgsOf<typeof hardshrinkArgs>): Tensor {
  const a = hardshrinkArgs.parse(args);
  return act.hardshrink(a.input, a.lambd);
}

const softshrinkArgs = signature('softshrink', [input, ['lambd', number, 0.5]] as const);
export function softshrink(...args: ArgsOf<typeof softshrinkArgs>): Tensor {
  const a = softshrinkArgs.parse(args);
  return act.softshrink(a.input, a.lambd);
}

export const tanhshrink = unary('tanhshrink', (t) => t.sub(t.tanh()));

const gluArgs = signature('glu', [input, ['dim', int, -1]] as const);
/** glu(input, dim=-1): the first half of `dim` gated by the sigmoid of the second. */
export function glu(...args: ArgsOf<typeof gluArgs>): Tensor {
  const a = gluArgs.parse(args);
  if (a.input.dim() === 0) throw new RangeError('glu does not support scalars because halving size must be even');
  const d = a.dim < 0 ? a.dim + a.input.dim() : a.dim;
  if (d < 0 || d >= a.input.dim()) throw new RangeError(`Dimension out of range (expected to be in range of [${-a.input.dim()}, ${a.input.dim() - 1}], but got ${a.dim})`);
  const n = a.input.shape[d];
  if (n % 2 !== 0) throw new RangeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  return a.input.narrow(d, 0, n / 2).mul(a.input.narrow(d, n / 2, n / 2).sigmoid());
}

const preluArgs = signature('prelu', [input, ['weight', tensor]] as const);
/** prelu(input, weight): weight has one value or one per channel (dim 1). */
export function prelu(...args: ArgsOf<typeof preluArgs>): Tensor {
  const a = preluArgs.parse(args);
  return act.prelu(a.input, a.weight);
}

const rreluArgs = signature('rrelu', [input, ['lower', number, 1 / 8], ['upper', number, 1 / 3], ['training', bool, false], inplace] as const);
/**
 * rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False): in training each
 * non-positive element gets a slope drawn from uniform(lower, upper) (PyTorch's draws for
 * a seed); in evaluation the slope is (lower + upper) / 2.
 */
export function rrelu(...args: ArgsOf<typeof rreluArgs>): Tensor {
  const a = rreluArgs.parse(args);
  return apply(a.input, a.inplace, (t) => (a.training ? act.rreluTrain(t, a.lower, a.upper) : act.leakyRelu(t, (a.lower + a.upper) / 2)));
}

const rrelu_Args = signature('rrelu_', [input, ['lower', number, 1 / 8], ['upper', number, 1 / 3], ['training', bool, false]] as const);
export function rrelu_(...args: ArgsOf<typeof rrelu_Args>): Tensor {
  const a = rrelu_Args.parse(args);
  return rrelu(a.input, a.lower, a.upper, a.training, true);
}

// The in-place functional twins: relu_(input), elu_(input, alpha=1.) …
const relu_Args = signature('relu_', [input] as const);
const selu_Args = signature('selu_', [input] as const);
export const relu_ = (...args: ArgsOf<typeof relu_Args>): Tensor => relu(args.length === 1 && args[0] instanceof Tensor ? args[0] : relu_Args.parse(args).input, true);
export const selu_ = (...args: ArgsOf<typeof selu_Args>): Tensor => selu(args.length === 1 && args[0] instanceof Tensor ? args[0] : selu_Args.parse(args).input, true);

const elu_Args = signature('elu_', [input, ['alpha', number, 1]] as const);
export function elu_(...args: ArgsOf<typeof elu_Args>): Tensor {
  const a = elu_Args.parse(args);
  return elu(a.input, a.alpha, true);
}

const celu_Args = signature('celu_', [input, ['alpha', number, 1]] as const);
export function celu_(...args: ArgsOf<typeof celu_Args>): Tensor {
  const a = celu_Args.parse(args);
  return celu(a.input, a.alpha, true);
}

const leakyRelu_Args = signature('leaky_relu_', [input, ['negativeSlope', number, 0.01]] as const);
export function leakyRelu_(...args: ArgsOf<typeof leakyRelu_Args>): Tensor {
  const a = leakyRelu_Args.parse(args);
  return leakyRelu(a.input, a.negativeSlope, true);
}

const hardtanh_Args = signature('hardtanh_', [input, ['minVal', number, -1], ['maxVal', number, 1]] as const);
export function hardtanh_(...args: ArgsOf<typeof hardtanh_Args>): Tensor {
  const a = hardtanh_Args.parse(args);
  return hardtanh(a.input, a.minVal, a.maxVal, true);
}

const threshold_Args = signature('threshold_', [input, ['threshold', number], ['value', number]] as const);
export function threshold_(...args: ArgsOf<typeof threshold_Args>): Tensor {
  const a = threshold_Args.parse(args);
  return threshold(a.input, a.threshold, a.value, true);
}

const gumbelArgs = signature('gumbel_softmax', [['logits', tensor], ['tau', number, 1], ['hard', bool, false], ['eps', number, 1e-10], ['dim', int, -1]] as const);
/**
 * gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1): softmax((logits + g) / tau)
 * with g = -log(Exponential(1)) noise drawn as PyTorch draws it; `hard` returns the one-hot
 * argmax with the soft sample's gradient (straight-through).
 */
export function gumbelSoftmax(...args: ArgsOf<typeof gumbelArgs>): Tensor {
  const a = gumbelArgs.parse(args);
  if (a.eps !== 1e-10) warnOnce('`eps` parameter is deprecated and has no effect.');
  const gumbels = emptyLike(a.logits).exponential_().log().neg();
  const ySoft = softmaxOp(a.logits.add(gumbels).div(a.tau), a.dim, NO_DTYPE);
  if (!a.hard) return ySoft;
  const index = ySoft.max(a.dim, true).indices;
  const yHard = zerosLike(a.logits).scatter_(a.dim, index, 1.0);
  return yHard.sub(ySoft.detach()).add(ySoft);
}
