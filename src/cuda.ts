// torch.cuda, torch.backends.mps / cudnn: torchlette computes on the CPU only, so these
// answer as PyTorch built without CUDA does, and scripts' first lines
// (`torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu')`) run unchanged.

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

/** torch.backends.mps: not built. */
export const mps = {
  isAvailable: (): boolean => false,
  isBuilt: (): boolean => false,
};

/** torch.backends.cudnn: not available; `benchmark` and `deterministic` may be set, as scripts do, and change nothing. */
export const cudnn = {
  isAvailable: (): boolean => false,
  enabled: true,
  benchmark: false,
  deterministic: false,
};
