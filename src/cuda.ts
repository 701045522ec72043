// torch.cuda, torch.backends.mps / cudnn: torchlette computes on the CPU only, so these
// answer as PyTorch built without CUDA does, and scripts' first lines
// (`torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu')`) run unchanged.
import { cudaAutocast, GradScaler } from './amp.js';

/** torch.cuda.is_available(): false. */
export function isAvailable(): boolean {
  return false;
}

/** torch.cuda.device_count(): 0. */
export function deviceCount(): number {
  return 0;
}

/** torch.cuda.is_initialized(): false. */
export function isInitialized(): boolean {
  return false;
}

/** torch.cuda.manual_seed(seed): silently ignored without CUDA, as in PyTorch. */
export function manualSeed(_seed: number | bigint): void {}

/** torch.cuda.manual_seed_all(seed): silently ignored without CUDA, as in PyTorch. */
export function manualSeedAll(_seed: number | bigint): void {}

/** torch.cuda.empty_cache(): nothing to free without CUDA (PyTorch returns at once too). */
export function emptyCache(): void {}

/** What PyTorch built without CUDA raises on first use of the device; says what to write instead. */
function notCompiled(name: string): () => never {
  return () => {
    throw new Error(
      `Torch not compiled with CUDA enabled (torch.cuda.${name}): torchlette runs on the CPU only; guard the call with torch.cuda.isAvailable()`,
    );
  };
}

export const synchronize = notCompiled('synchronize');
export const currentDevice = notCompiled('currentDevice');
export const setDevice = notCompiled('setDevice');
export const getDeviceName = notCompiled('getDeviceName');
export const getDeviceProperties = notCompiled('getDeviceProperties');
export const getDeviceCapability = notCompiled('getDeviceCapability');
export const resetPeakMemoryStats = notCompiled('resetPeakMemoryStats');
export const isBf16Supported = notCompiled('isBf16Supported');

/** torch.cuda.memory_allocated() and friends: 0 bytes without CUDA, as PyTorch's (their stats are empty). */
export const memoryAllocated = (_device?: unknown): number => 0;
export const maxMemoryAllocated = (_device?: unknown): number => 0;
export const memoryReserved = (_device?: unknown): number => 0;
export const maxMemoryReserved = (_device?: unknown): number => 0;

/** torch.cuda.amp: GradScaler and autocast, both off without CUDA (src/amp.ts). */
export const amp = { GradScaler, autocast: cudaAutocast };

/** torch.backends.mps: not built. */
export const mps = {
  isAvailable: (): boolean => false,
  isBuilt: (): boolean => false,
};

/**
 * torch.backends.cudnn: not available; `benchmark`, `deterministic` and `allowTf32` may be
 * set, as scripts do, and change nothing (as in PyTorch on the CPU).
 */
export const cudnn = {
  isAvailable: (): boolean => false,
  enabled: true,
  benchmark: false,
  deterministic: false,
  allowTf32: true,
};

/** torch.backends.cuda: not built; its matmul flags may be set (`allowTf32 = true`, as nanoGPT does) and change nothing on the CPU, as in PyTorch. */
export const backendsCuda = {
  isBuilt: (): boolean => false,
  matmul: { allowTf32: false, allowFp16ReducedPrecisionReduction: true },
};
