// torch.*_window, torch.logspace and the deprecated inclusive torch.range, computed with
// the same operations, in the same order and dtype, as PyTorch's TensorFactories.cpp.
import { signature, bool, int, number, nullable, dtype as dtypeCheck, deviceArg, type ArgsOf } from '../tensor/args.js';
import { arange, ones, tensor, empty } from '../tensor/create.js';
import { getDefaultDtype, isFloatingDtype, type DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';
import { i0 } from './special-math.js';

const factory = ['*', ['dtype', nullable(dtypeCheck), null], ['device', deviceArg, null], ['requiresGrad', bool, false]] as const;
const windowArgs = (name: string) => signature(name, [['windowLength', int], ['periodic', bool, true], ...factory] as const);
const hannArgs = windowArgs('hannWindow');
const bartlettArgs = windowArgs('bartlettWindow');
const blackmanArgs = windowArgs('blackmanWindow');
const hammingArgs = signature('hammingWindow', [['windowLength', int], ['periodic', bool, true], ['alpha', number, 0.54], ['beta', number, 0.46], ...factory] as const);
const kaiserArgs = signature('kaiserWindow', [['windowLength', int], ['periodic', bool, true], ['beta', number, 12.0], ...factory] as const);

function floatDtype(name: string, d: DType | null): DType {
  const dt = d ?? getDefaultDtype();
  if (!isFloatingDtype(dt)) throw new TypeError(`${name} expects floating point dtypes, got: ${dt}`);
  return dt;
}

/** Builds a window of `n` points (n + 1 then the last dropped when periodic), as PyTorch's window_function_checks + body. */
function window(name: string, n: number, periodic: boolean, d: DType | null, requiresGrad: boolean, body: (n: number, dt: DType) => Tensor): Tensor {
  if (n < 0) throw new RangeError(`${name} requires non-negative window_length, got window_length=${n}`);
  const dt = floatDtype(name, d);
  let w: Tensor;
  if (n === 0) w = empty([0], { dtype: dt });
  else if (n === 1) w = ones([1], { dtype: dt });
  else {
    const full = body(periodic ? n + 1 : n, dt);
    w = periodic ? full.narrow(0, 0, n).contiguous() : full;
  }
  return requiresGrad ? w.requiresGrad_(true) : w;
}

function hamming(n: number, dt: DType, alpha: number, beta: number): Tensor {
  return arange(n, { dtype: dt }).mul_((Math.PI * 2) / (n - 1)).cos_().mul_(-beta).add_(alpha);
}

export function hammingWindow(...args: ArgsOf<typeof hammingArgs>): Tensor {
  const a = hammingArgs.parse(args);
  return window('hamming_window', a.windowLength, a.periodic, a.dtype, a.requiresGrad, (n, dt) => hamming(n, dt, a.alpha, a.beta));
}

export function hannWindow(...args: ArgsOf<typeof hannArgs>): Tensor {
  const a = hannArgs.parse(args);
  return window('hann_window', a.windowLength, a.periodic, a.dtype, a.requiresGrad, (n, dt) => hamming(n, dt, 0.5, 0.5));
}

export function blackmanWindow(...args: ArgsOf<typeof blackmanArgs>): Tensor {
  const a = blackmanArgs.parse(args);
  return window('blackman_window', a.windowLength, a.periodic, a.dtype, a.requiresGrad, (n, dt) => {
    const w = arange(n, { dtype: dt }).mul_(Math.PI / (n - 1));
    return w.mul(4).cos_().mul_(0.08).sub(w.mul(2).cos_().mul_(0.5)).add(0.42);
  });
}

export function bartlettWindow(...args: ArgsOf<typeof bartlettArgs>): Tensor {
  const a = bartlettArgs.parse(args);
  return window('bartlett_window', a.windowLength, a.periodic, a.dtype, a.requiresGrad, (n, dt) => {
    const w = arange(n, { dtype: dt }).mul_(2 / (n - 1));
    const firstHalf = ((n - 1) >> 1) + 1;
    w.narrow(0, firstHalf, n - firstHalf).mul_(-1).add_(2);
    return w;
  });
}

export function kaiserWindow(...args: ArgsOf<typeof kaiserArgs>): Tensor {
  const a = kaiserArgs.parse(args);
  return window('kaiser_window', a.windowLength, a.periodic, a.dtype, a.requiresGrad, (n, dt) => {
    const alpha = (n - 1) / 2;
    const values = Array.from({ length: n }, (_, i) => i0(a.beta * Math.sqrt(1 - ((i - alpha) / alpha) ** 2)) / i0(a.beta));
    return tensor(values, { dtype: dt });
  });
}

const logspaceArgs = signature('logspace', [['start', number], ['end', number], ['steps', int], ['base', number, 10.0], ...factory] as const);

/** torch.logspace: base ** linspace(start, end, steps), each half computed from its own end as PyTorch's kernel. */
export function logspace(...args: ArgsOf<typeof logspaceArgs>): Tensor {
  const a = logspaceArgs.parse(args);
  if (a.steps < 0) throw new RangeError('number of steps must be non-negative');
  const dt = a.dtype ?? getDefaultDtype();
  const step = a.steps > 1 ? (a.end - a.start) / (a.steps - 1) : 0;
  const half = Math.floor(a.steps / 2);
  const values = Array.from({ length: a.steps }, (_, i) =>
    a.steps === 1 ? Math.pow(a.base, a.start) : i < half ? Math.pow(a.base, a.start + step * i) : Math.pow(a.base, a.end - step * (a.steps - i - 1)));
  const out = values.length === 0 ? empty([0], { dtype: dt }) : tensor(values, { dtype: dt });
  return a.requiresGrad ? out.requiresGrad_(true) : out;
}

const rangeArgs = signature('range', [['start', number], ['end', number], ['step', number, 1], ...factory] as const);

/** torch.range (deprecated): like arange but including `end`. */
export function range(...args: ArgsOf<typeof rangeArgs>): Tensor {
  const a = rangeArgs.parse(args);
  warnOnce("torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).");
  if (a.step === 0) throw new RangeError('step must be nonzero');
  if (!Number.isFinite(a.start) || !Number.isFinite(a.end)) throw new RangeError(`unsupported range: ${a.start} -> ${a.end}`);
  if ((a.step > 0 && a.end < a.start) || (a.step < 0 && a.end > a.start)) throw new RangeError('upper bound and larger bound inconsistent with step sign');
  const size = Math.floor((a.end - a.start) / a.step) + 1;
  const dt = a.dtype ?? getDefaultDtype();
  const out = tensor(Array.from({ length: size }, (_, i) => a.start + i * a.step), { dtype: dt });
  return a.requiresGrad ? out.requiresGrad_(true) : out;
}
