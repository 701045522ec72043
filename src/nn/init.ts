// nn.init: in-place initialisers drawing from PyTorch's generator in PyTorch's order,
// so a model built after manualSeed(s) has PyTorch's exact initial weights. Parameters as
// PyTorch's, positional or by name (`kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' })`);
// `generator` is an extra keyword-only option.
import { noGrad } from '../autograd/grad-mode.js';
import { erf } from '../backend/js/math.js';
import { instance, int, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../tensor/args.js';
import { empty, eye, randperm, tensor as fromData } from '../tensor/create.js';
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
const orthogonalArgs = signature('orthogonal_', [tensorArg, ['gain', number, 1], '*', generator] as const);
const eyeArgs = signature('eye_', [tensorArg] as const);
const diracArgs = signature('dirac_', [tensorArg, ['groups', int, 1]] as const);
const sparseArgs = signature('sparse_', [tensorArg, ['sparsity', number], ['std', number, 0.01], '*', generator] as const);
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

/**
 * Householder QR of a row-major m x n matrix (m >= n) in float64: the reduced Q (m x n,
 * row-major) and R's diagonal. Any QR gives the same Q once columns are signed by R's
 * diagonal, as orthogonal_ does, so this matches PyTorch's LAPACK result to rounding.
 */
function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
    norm = Math.sqrt(norm);
    const x0 = a[k * n + k];
    // alpha = -sign(x0) * |x| (LAPACK's choice, which avoids cancellation in v = x - alpha e1)
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv > 0) {
      // A[k:, k:] -= 2 v (v^T A[k:, k:]) / (v^T v)
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
        const f = (2 * dot) / vv;
        for (let i = k; i < m; i++) a[i * n + j] -= f * v[i - k];
      }
    }
    rDiag[k] = a[k * n + k];
    vs.push(vv > 0 ? v.map((x) => x / Math.sqrt(vv)) : v.fill(0));
  }
  // Q = H_0 H_1 ... H_{n-1} I[:, :n], applied from the last reflector.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i - k];
    }
  }
  return { q, rDiag };
}

/**
 * orthogonal_(tensor, gain=1): a (semi-)orthogonal matrix (trailing dims flattened) from
 * the QR of a standard normal matrix drawn as PyTorch draws it, columns of Q signed by R's
 * diagonal (Saxe et al. 2013). The QR runs in float64 in JS (init only, not a hot path).
 */
export function orthogonal_(...args: ArgsOf<typeof orthogonalArgs>): Tensor {
  const { tensor: t, gain, generator: g } = orthogonalArgs.parse(args);
  if (t.dim() < 2) throw new RangeError('Only tensors with 2 or more dimensions are supported');
  if (t.numel() === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  return noGrad(() => {
    const flattened = empty([rows, cols], { dtype: t.dtype }).normal_(0, 1, gen(g));
    const wide = rows < cols;
    const [m, n] = wide ? [cols, rows] : [rows, cols];
    const a = Float64Array.from((wide ? flattened.t().contiguous() : flattened).toTypedArray() as ArrayLike<number>);
    const { q, rDiag } = householderQr(a, m, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= Math.sign(rDiag[j]);
    let qt = fromData(q, { dtype: t.dtype }).reshape([m, n]);
    if (wide) qt = qt.t();
    t.copy_(qt.reshape(t.shape));
    return t.mul_(gain);
  });
}

/** eye_(tensor): the identity matrix (a 2-d tensor; the leading square is 1 on its diagonal). */
export function eye_(...args: ArgsOf<typeof eyeArgs>): Tensor {
  const t = eyeArgs.parse(args).tensor;
  if (t.dim() !== 2) throw new RangeError('Only tensors with 2 dimensions are supported');
  return noGrad(() => t.copy_(eye(t.shape[0], t.shape[1], { dtype: t.dtype })));
}

/**
 * dirac_(tensor, groups=1): the Dirac delta of a {3, 4, 5}-d conv weight, so the conv
 * preserves as many input channels as possible (per group with groups > 1).
 */
export function dirac_(...args: ArgsOf<typeof diracArgs>): Tensor {
  const { tensor: t, groups } = diracArgs.parse(args);
  const dims = t.dim();
  if (dims < 3 || dims > 5) throw new RangeError('Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = t.shape;
  if (sizes[0] % groups !== 0) throw new RangeError('dim 0 must be divisible by groups');
  const outPerGroup = sizes[0] / groups;
  const minDim = Math.min(outPerGroup, sizes[1]);
  return noGrad(() => {
    t.zero_();
    const out: number[] = [];
    const inp: number[] = [];
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < minDim; d++) {
        out.push(g * outPerGroup + d);
        inp.push(d);
      }
    }
    if (out.length === 0) return t;
    const centre = sizes.slice(2).map((s) => new Array<number>(out.length).fill(Math.floor(s / 2)));
    return t.indexPut_([out, inp, ...centre].map((ix) => fromData(ix, { dtype: 'int64' })), 1);
  });
}

/**
 * sparse_(tensor, sparsity, std=0.01): N(0, std^2) values with ceil(sparsity * rows) zeros
 * per column, at the first rows of a randperm drawn per column (PyTorch's RNG order).
 */
export function sparse_(...args: ArgsOf<typeof sparseArgs>): Tensor {
  const { tensor: t, sparsity, std, generator: g } = sparseArgs.parse(args);
  if (t.dim() !== 2) throw new RangeError('Only tensors with 2 dimensions are supported');
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(sparsity * rows);
  return noGrad(() => {
    t.normal_(0, std, gen(g));
    for (let col = 0; col < cols; col++) {
      const zeroIdx = randperm(rows, gen(g)).narrow(0, 0, Math.min(numZeros, rows));
      t.indexPut_([zeroIdx, fromData([col], { dtype: 'int64' })], 0);
    }
    return t;
  });
}
