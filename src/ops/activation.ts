// Activations with parameters (leaky_relu, elu, softplus, hardtanh, threshold, gelu
// with tanh approximation): one kernel forward, PyTorch's *_backward formula back.
import type { BinaryOp, UnaryOp } from '../backend/index.js';
import { castScalar, floatResult } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { getDefaultGenerator, uniformSample } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from './binary.js';
import { unaryKernel } from './kernels.js';
import { needsGrad, record } from './record.js';
import { fused, piecewiseLinearBackward } from './unary.js';

type Grad = Tensor | null;

class ActivationBackward extends Node {
  constructor(
    readonly name: string,
    private readonly op: BinaryOp,
    private readonly args: number[],
    /** The derivative as differentiable ops, or the name of the node a piecewise-linear one records. */
    private readonly composed: ((g: Tensor, s: Tensor) => Tensor) | string,
  ) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [s] = this.saved();
    const composed = this.composed;
    if (typeof composed === 'string') return [piecewiseLinearBackward(this.op, g as Tensor, s, composed, this.args)];
    return [fused(this.op, g as Tensor, s, () => composed(g as Tensor, s), this.args)];
  }
}

function activation(
  x: Tensor,
  op: UnaryOp,
  args: number[],
  node: string,
  backwardOp: BinaryOp,
  composed: ((g: Tensor, s: Tensor) => Tensor) | string,
  saveResult = false,
): Tensor {
  const dtype = floatResult(x.dtype);
  const cast = args.map((a) => castScalar(a, dtype));
  const out = unaryKernel(op, x, dtype, cast);
  if (needsGrad(x)) record(new ActivationBackward(node, backwardOp, cast, composed), [x], [out]).save(saveResult ? out : x);
  return out;
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return activation(x, 'leakyRelu', [negativeSlope], 'LeakyReluBackward0', 'leakyReluBackward', 'LeakyReluBackwardBackward0');
}

/** ELU with PyTorch's (alpha, scale, input_scale) parametrisation (SELU and CELU reuse it). */
export function elu(x: Tensor, alpha = 1, scale = 1, inputScale = 1): Tensor {
  return activation(x, 'elu', [alpha, scale, inputScale], 'EluBackward0', 'eluBackward', (g, s) =>
    g.mul(where(s.gt(0), scale, s.mul(inputScale).exp().mul(alpha * scale * inputScale))),
  );
}

export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return activation(x, 'softplus', [beta, threshold], 'SoftplusBackward0', 'softplusBackward', (g, s) =>
    g.mul(where(s.mul(beta).gt(threshold), 1, s.mul(beta).sigmoid())),
  );
}

export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return activation(x, 'hardtanh', [minVal, maxVal], 'HardtanhBackward0', 'hardtanhBackward', 'HardtanhBackwardBackward0');
}

/** y = x where x > threshold, else value. */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  return activation(x, 'threshold', [thresholdValue, value], 'ThresholdBackward0', 'thresholdBackward', 'ThresholdBackwardBackward0');
}

export function geluTanh(x: Tensor): Tensor {
  const k = Math.sqrt(2 / Math.PI);
  return activation(x, 'geluTanh', [], 'GeluBackward0', 'geluTanhBackward', (g, s) => {
    const inner = s.add(s.pow(3).mul(0.044715)).mul(k);
    const t = inner.tanh();
    const dInner = s.mul(s).mul(3 * 0.044715).add(1).mul(k);
    return g.mul(t.add(1).mul(0.5).add(s.mul(0.5).mul(t.mul(t).rsub(1)).mul(dInner)));
  });
}

/** hardshrink: x where |x| > lambd, else 0. */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return where(x.abs().gt(lambd), x, 0);
}

/** softshrink: x - lambd above lambd, x + lambd below -lambd, else 0. */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  if (!(lambd >= 0)) throw new RangeError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return where(x.gt(lambd), x.sub(lambd), where(x.lt(-lambd), x.add(lambd), 0));
}

/** prelu: x where x > 0, else weight * x, weight broadcast along dim 1 (one value or one per channel). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  if (x.dim() === 0) throw new RangeError('Not allow zero-dim input tensor.');
  if (weight.dim() > 1) throw new RangeError(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${weight.dim()}`);
  const n = weight.numel();
  const channels = x.dim() > 1 ? x.shape[1] : 1;
  if (n !== 1 && n !== channels) {
    throw new RangeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels}.`);
  }
  const w = n === 1 ? weight.reshape([]) : weight.reshape([channels, ...new Array<number>(x.dim() - 2).fill(1)]);
  return where(x.gt(0), x, x.mul(w));
}

class RreluWithNoiseBackward0 extends Node {
  readonly name = 'RreluWithNoiseBackward0';
  backward([g]: Grad[]): Grad[] {
    const [noise] = this.saved();
    return [(g as Tensor).mul(noise)];
  }
}

/** rrelu in training mode: each non-positive element scaled by its own uniform(lower, upper) draw, in element order as PyTorch. */
export function rreluTrain(x: Tensor, lower: number, upper: number): Tensor {
  const dtype = floatResult(x.dtype);
  const lo = castScalar(lower, dtype);
  const hi = castScalar(upper, dtype);
  const gen = getDefaultGenerator();
  const values = x.toTypedArray();
  const noise = Tensor.empty(x.shape.slice(), dtype);
  const n = noise.buffer;
  for (let i = 0; i < values.length; i++) n[i] = values[i] <= 0 ? uniformSample(gen, 'float64', lo, hi) : 1;
  const out = x.detach().to(dtype).mul(noise);
  if (needsGrad(x)) record(new RreluWithNoiseBackward0(), [x], [out]).save(noise);
  return out;
}
