// nn.init: in-place initialisers drawing from PyTorch's generator in PyTorch's order,
// so a model built after manualSeed(s) has PyTorch's exact initial weights. Parameters as
// PyTorch's, positional or by name (`kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })`);
// `generator` is an extra keyword-only option.
import { noGrad } from '../autograd/grad-mode.js';
import { erf } from '../backend/js/math.js';
import { instance, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../tensor/args.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

const generator = ['generator', nullable(instance(Generator, 'torch.Generator')), null] as const;
const tensorArg = ['tensor', tensor] as const;

const calculateGainArgs = signature('calculateGain', [['nonlinearity', string as Check<Nonlinearity>], ['param', nullable(number), null]] as const);
const fanArgs = signature('calculateFanInAndFanOut', [tensorArg] as const);
const uniformArgs = signature('uniform_', [tensorArg, ['a', number, 0], ['b', number, 1], '*', generator] as const);
const normalArgs = signature('normal_', [tensorArg, ['mean', number, 0], ['std', number, 1], '*', generator] as const);
const truncNormalArgs = signature('truncNormal_', [tensorArg, ['mean', number, 0], ['std', number, 1], ['a', number, -2], ['b', number, 2], '*', generator] as const);
const constantArgs = signature('constant_', [tensorArg, ['val', number]] as const);
const onesArgs = signature('ones_', [tensorArg] as const);
const zerosArgs = signature('zeros_', [tensorArg] as const);
const xavierUniformArgs = signature('xavierUniform_', [tensorArg, ['gain', number, 1], '*', generator] as const);
const xavierNormalArgs = signature('xavierNormal_', [tensorArg, ['gain', number, 1], '*', generator] as const);
const kaimingSpec = [
  tensorArg,
  /** Negative slope of the rectifier after this layer (leaky_relu). */
  ['a', number, 0],
  ['mode', string as Check<'fan_in' | 'fan_out'>, 'fan_in'],
  ['nonlinearity', string as Check<Nonlinearity>, 'leaky_relu'],
  '*',
  generator,
] as const;
const kaimingUniformArgs = signature('kaimingUniform_', kaimingSpec);
const kaimingNormalArgs = signature('kaimingNormal_', kaimingSpec);

/** A generator option for the tensor's random fill (none: the default generator). */
const gen = (g: Generator | null) => (g === null ? {} : { generator: g });

/** torch.nn.init.calculate_gain(nonlinearity, param): the recommended gain for a nonlinearity. */
export function calculateGain(...args: ArgsOf<typeof calculateGainArgs>): number {
  const { nonlinearity, param } = calculateGainArgs.parse(args);
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan_in and fan_out of a weight: dims 0 and 1 times the receptive field (dims 2..). */
export function calculateFanInAndFanOut(...args: ArgsOf<typeof fanArgs>): [number, number] {
  const t = fanArgs.parse(args).tensor;
  if (t.dim() < 2) throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** uniform_(tensor, a, b): fills with U(a, b). */
export function uniform_(...args: ArgsOf<typeof uniformArgs>): Tensor {
  const { tensor: t, a, b, generator: g } = uniformArgs.parse(args);
  return noGrad(() => t.uniform_(a, b, gen(g)));
}

/** normal_(tensor, mean, std): fills with N(mean, std^2). */
export function normal_(...args: ArgsOf<typeof normalArgs>): Tensor {
  const { tensor: t, mean, std, generator: g } = normalArgs.parse(args);
  return noGrad(() => t.normal_(mean, std, gen(g)));
}

/** constant_(tensor, val): fills with val. */
export function constant_(...args: ArgsOf<typeof constantArgs>): Tensor {
  const { tensor: t, val } = constantArgs.parse(args);
  return noGrad(() => t.fill_(val));
}

export function zeros_(...args: ArgsOf<typeof zerosArgs>): Tensor {
  const t = zerosArgs.parse(args).tensor;
  return noGrad(() => t.zero_());
}

export function ones_(...args: ArgsOf<typeof onesArgs>): Tensor {
  const t = onesArgs.parse(args).tensor;
  return noGrad(() => t.fill_(1));
}

/** xavierUniform_(tensor, gain): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(...args: ArgsOf<typeof xavierUniformArgs>): Tensor {
  const { tensor: t, gain, generator: g } = xavierUniformArgs.parse(args);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return noGrad(() => t.uniform_(-a, a, gen(g)));
}

/** xavierNormal_(tensor, gain): N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(...args: ArgsOf<typeof xavierNormalArgs>): Tensor {
  const { tensor: t, gain, generator: g } = xavierNormalArgs.parse(args);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std, gen(g)));
}

/** PyTorch's kaiming std: gain(nonlinearity, a) / sqrt(fan) for mode 'fan_in' or 'fan_out'. */
function kaimingStd(t: Tensor, a: number, mode: string, nonlinearity: Nonlinearity): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new RangeError(`Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(m === 'fan_in' ? fanIn : fanOut);
}

/** kaimingUniform_(tensor, a, mode, nonlinearity): U(-bound, bound) with bound = sqrt(3) * gain / sqrt(fan). */
export function kaimingUniform_(...args: ArgsOf<typeof kaimingUniformArgs>): Tensor {
  const { tensor: t, a, mode, nonlinearity, generator: g } = kaimingUniformArgs.parse(args);
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, a, mode, nonlinearity);
  return noGrad(() => t.uniform_(-bound, bound, gen(g)));
}

/** kaimingNormal_(tensor, a, mode, nonlinearity): N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(...args: ArgsOf<typeof kaimingNormalArgs>): Tensor {
  const { tensor: t, a, mode, nonlinearity, generator: g } = kaimingNormalArgs.parse(args);
  if (t.numel() === 0) return t;
  const std = kaimingStd(t, a, mode, nonlinearity);
  return noGrad(() => t.normal_(0, std, gen(g)));
}

/** truncNormal_(tensor, mean, std, a, b): normal(mean, std) truncated to [a, b] by the inverse-CDF method PyTorch uses. */
export function truncNormal_(...args: ArgsOf<typeof truncNormalArgs>): Tensor {
  const { tensor: t, mean, std, a, b, generator: g } = truncNormalArgs.parse(args);
  const cdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  const l = cdf((a - mean) / std);
  const u = cdf((b - mean) / std);
  return noGrad(() => {
    t.uniform_(2 * l - 1, 2 * u - 1, gen(g));
    t.erfinv_();
    t.mul_(std * Math.SQRT2);
    t.add_(mean);
    t.clamp_(a, b);
    return t;
  });
}
