// Automatic mixed precision as PyTorch built without CUDA runs it, so that scripts written
// for a GPU (`scaler = torch.cuda.amp.GradScaler()`, `with torch.autocast('cuda'):`) run
// unchanged: CUDA autocast and the GradScaler disable themselves with PyTorch's warning and
// pass everything through. CPU autocast computes in bfloat16, which torchlette does not
// have: enabling it throws instead of silently staying in float32.
import { bool, number, nullable, signature, string, type ArgsOf, type ArgsWithBody, type Check } from './tensor/args.js';
import type { DType } from './tensor/dtype.js';
import { warnOnce } from './tensor/warnings.js';

/** What autocast's `dtype` may name: torchlette's dtypes and the half types PyTorch's autocast uses. */
export type AutocastDtype = DType | 'float16' | 'half' | 'bfloat16';

const autocastArgs = signature('autocast', [
  ['deviceType', string],
  ['dtype', nullable(string as Check<AutocastDtype>), null],
  ['enabled', bool, true],
  ['cacheEnabled', nullable(bool), null],
] as const);

const BFLOAT16_MISSING =
  "torchlette has no bfloat16 dtype, so CPU autocast (which runs matmuls and convolutions in bfloat16) cannot run; compute in float32 by removing autocast or passing { enabled: false }";

/** Whether torch.autocast(...) would be on in PyTorch without CUDA; warns as PyTorch when it turns itself off. */
function autocastEnabled(deviceType: string, dtype: AutocastDtype | null, enabled: boolean): boolean {
  if (deviceType !== 'cuda' && deviceType !== 'cpu') throw new RangeError("User specified autocast device_type must be 'cuda' or 'cpu'");
  if (!enabled) return false;
  if (deviceType === 'cuda') {
    warnOnce("User provided device_type of 'cuda', but CUDA is not available. Disabling");
    return false;
  }
  if (dtype !== null && dtype !== 'bfloat16') {
    // PyTorch 1.13 warns that it disables itself, then fails on entering.
    warnOnce('In CPU autocast, but the target dtype is not supported. Disabling autocast.\nCPU Autocast only supports dtype of torch.bfloat16 currently.');
    throw new Error('Currently, AutocastCPU only support Bfloat16 as the autocast_cpu_dtype');
  }
  return true;
}

/** Splits (...args, fn) and checks fn. */
function withBody<T>(name: string, all: unknown[]): [unknown[], () => T] {
  const fn = all[all.length - 1];
  if (typeof fn !== 'function') throw new TypeError(`${name}(): the last argument must be the function to run under autocast, as the body of PyTorch's \`with ${name}(...):\``);
  return [all.slice(0, -1), fn as () => T];
}

/**
 * torch.autocast(deviceType, dtype=null, enabled=true, cacheEnabled=null) around `fn`:
 * `torch.autocast('cuda', () => model.forward(x))`, `torch.autocast('cpu', { enabled: false }, fn)`.
 * 'cuda' turns itself off with PyTorch's warning (no CUDA here) and runs fn as is; 'cpu'
 * with bfloat16 (its default) throws: torchlette has no bfloat16.
 */
export function autocast<T>(...args: ArgsWithBody<typeof autocastArgs, T>): T {
  const [rest, fn] = withBody<T>('autocast', args as unknown[]);
  const a = autocastArgs.parse(rest as ArgsOf<typeof autocastArgs>);
  if (autocastEnabled(a.deviceType, a.dtype, a.enabled)) throw new TypeError(BFLOAT16_MISSING);
  return fn();
}

const deviceAutocastArgs = (name: string) =>
  signature(name, [['enabled', bool, true], ['dtype', nullable(string as Check<AutocastDtype>), null], ['cacheEnabled', bool, true]] as const);
const cudaAutocastArgs = deviceAutocastArgs('torch.cuda.amp.autocast');
const cpuAutocastArgs = deviceAutocastArgs('torch.cpu.amp.autocast');

/** torch.cuda.amp.autocast(enabled=true, dtype=float16, cacheEnabled=true) around fn: off without CUDA (PyTorch's warning), fn runs as is. */
export function cudaAutocast<T>(...args: ArgsWithBody<typeof cudaAutocastArgs, T>): T {
  const [rest, fn] = withBody<T>('torch.cuda.amp.autocast', args as unknown[]);
  const a = cudaAutocastArgs.parse(rest as ArgsOf<typeof cudaAutocastArgs>);
  autocastEnabled('cuda', a.dtype ?? 'float16', a.enabled);
  return fn();
}

/** torch.cpu.amp.autocast(enabled=true, dtype=bfloat16, cacheEnabled=true) around fn: throws unless disabled (no bfloat16 here). */
export function cpuAutocast<T>(...args: ArgsWithBody<typeof cpuAutocastArgs, T>): T {
  const [rest, fn] = withBody<T>('torch.cpu.amp.autocast', args as unknown[]);
  const a = cpuAutocastArgs.parse(rest as ArgsOf<typeof cpuAutocastArgs>);
  if (autocastEnabled('cpu', a.dtype ?? 'bfloat16', a.enabled)) throw new TypeError(BFLOAT16_MISSING);
  return fn();
}

const gradScalerArgs = signature('GradScaler', [
  ['initScale', number, 2 ** 16],
  ['growthFactor', number, 2],
  ['backoffFactor', number, 0.5],
  ['growthInterval', number, 2000],
  ['enabled', bool, true],
] as const);

/**
 * torch.cuda.amp.GradScaler(initScale=65536, growthFactor=2, backoffFactor=0.5,
 * growthInterval=2000, enabled=true). Without CUDA PyTorch disables it (with a warning
 * when asked to enable it), and so does torchlette: scale() returns its argument,
 * step(optimizer) is optimizer.step(), unscale_ and update do nothing, getScale() is 1.
 */
export class GradScaler {
  private growthFactor: number;
  private backoffFactor: number;
  private growthInterval: number;
  private readonly enabled = false;

  constructor(...args: ArgsOf<typeof gradScalerArgs>) {
    const a = gradScalerArgs.parse(args);
    if (a.enabled) warnOnce('torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.');
    this.growthFactor = a.growthFactor;
    this.backoffFactor = a.backoffFactor;
    this.growthInterval = a.growthInterval;
  }

  /** The loss (or outputs) multiplied by the scale: unchanged while disabled. */
  scale<T>(outputs: T): T {
    return outputs;
  }

  unscale_(_optimizer: object): void {}

  /** optimizer.step(...args), returning what it returns. */
  step<A extends unknown[], R>(optimizer: { step(...args: A): R }, ...args: A): R {
    return optimizer.step(...args);
  }

  update(_newScale: number | null = null): void {}

  getScale(): number {
    return 1;
  }

  getGrowthFactor(): number {
    return this.growthFactor;
  }

  setGrowthFactor(v: number): void {
    this.growthFactor = v;
  }

  getBackoffFactor(): number {
    return this.backoffFactor;
  }

  setBackoffFactor(v: number): void {
    this.backoffFactor = v;
  }

  getGrowthInterval(): number {
    return this.growthInterval;
  }

  setGrowthInterval(v: number): void {
    this.growthInterval = v;
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  /** {} while disabled, as PyTorch's. */
  stateDict(): Record<string, never> {
    return {};
  }

  /** Nothing to load while disabled (PyTorch returns before reading it). */
  loadStateDict(_stateDict: Record<string, unknown>): void {}
}

/** torch.cpu: its amp.autocast. */
export const cpu = { amp: { autocast: cpuAutocast } };
