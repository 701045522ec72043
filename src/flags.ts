// Process-wide switches of torch.*: deterministic algorithms, float32 matmul precision,
// inter-op threads, warn-always. torchlette's kernels are all deterministic and compute
// float32 matmuls in full float32, so each switch is recorded and reported as PyTorch
// reports it, and none can make a result differ from PyTorch's meaning of the setting.
import { signature, bool, oneOf, int, either, type ArgsOf } from './tensor/args.js';

let deterministic = false;
let warnOnly = false;
let matmulPrecision: 'highest' | 'high' | 'medium' = 'highest';
let interopThreads = 1;

const deterministicArgs = signature('useDeterministicAlgorithms', [['mode', bool], '*', ['warnOnly', bool, false]] as const);

/** torch.use_deterministic_algorithms: every torchlette kernel already is deterministic. */
export function useDeterministicAlgorithms(...args: ArgsOf<typeof deterministicArgs>): void {
  const a = deterministicArgs.parse(args);
  deterministic = a.mode;
  warnOnly = a.warnOnly;
}
export const areDeterministicAlgorithmsEnabled = (): boolean => deterministic;
export const isDeterministicAlgorithmsWarnOnlyEnabled = (): boolean => warnOnly;

const debugModeArgs = signature('setDeterministicDebugMode', [['debugMode', either(oneOf('default', 'warn', 'error'), int)]] as const);
const DEBUG_MODES = ['default', 'warn', 'error'] as const;

/** torch.set_deterministic_debug_mode('default' | 'warn' | 'error' | 0 | 1 | 2). */
export function setDeterministicDebugMode(...args: ArgsOf<typeof debugModeArgs>): void {
  const { debugMode } = debugModeArgs.parse(args);
  const level = typeof debugMode === 'number' ? debugMode : DEBUG_MODES.indexOf(debugMode);
  if (!(level >= 0 && level <= 2)) throw new RangeError(`invalid value of debug_mode, expected 0, 1, or 2, but got ${debugMode}`);
  useDeterministicAlgorithms(level > 0, { warnOnly: level === 1 });
}
export const getDeterministicDebugMode = (): number => (deterministic ? (warnOnly ? 1 : 2) : 0);

const precisionArgs = signature('setFloat32MatmulPrecision', [['precision', oneOf('highest', 'high', 'medium')]] as const);

/**
 * torch.set_float32_matmul_precision: 'high' and 'medium' allow PyTorch to use faster,
 * less precise internal formats; torchlette always computes in float32 ('highest' quality).
 */
export function setFloat32MatmulPrecision(...args: ArgsOf<typeof precisionArgs>): void {
  matmulPrecision = precisionArgs.parse(args).precision;
}
export const getFloat32MatmulPrecision = (): string => matmulPrecision;

/** torch.get/set_num_interop_threads: torchlette runs ops one at a time, so this is a recorded setting only. */
export const getNumInteropThreads = (): number => interopThreads;
const interopArgs = signature('setNumInteropThreads', [['nthreads', int]] as const);
export function setNumInteropThreads(...args: ArgsOf<typeof interopArgs>): void {
  const { nthreads } = interopArgs.parse(args);
  if (nthreads <= 0) throw new RangeError('Expected positive number of threads');
  interopThreads = nthreads;
}
/** torch.init_num_threads: the thread pool starts with the backend; nothing to do. */
export function initNumThreads(): void {}

export { setWarnAlways, isWarnAlwaysEnabled } from './tensor/warnings.js';
