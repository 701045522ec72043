// torchlette: `import * as torch from 'torchlette'`.
import './ops/index.js';
import './autograd/backward.js';

export { Tensor, Storage, type NestedList } from './tensor/tensor.js';
export { device, Device, type DeviceLike } from './tensor/device.js';
import type { Device } from './tensor/device.js';
/** torch.device as a type: `const dev: torch.device = torch.device('cpu')`. */
export type device = Device;
export * as cuda from './cuda.js';
export { deepcopy } from './copy.js';
export type { DType } from './tensor/dtype.js';
export { getDefaultDtype, setDefaultDtype, promoteTypes, resultType } from './tensor/dtype.js';
export * from './tensor/create.js';
export { Generator, manualSeed, initialSeed, getDefaultGenerator } from './tensor/random.js';
export { setPrintoptions, getPrintoptions, type PrintOptions } from './tensor/print.js';
export * from './ops/index.js';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode } from './autograd/grad-mode.js';
export * as autograd from './autograd/index.js';
export * as nn from './nn/index.js';
// The torch.* twins of nn.functional ops that PyTorch also offers at the top level.
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from './nn/functional/conv.js';
export { maxPool1d, maxPool2d, avgPool1d, adaptiveAvgPool1d } from './nn/functional/pooling.js';
export { batchNorm, layerNorm, groupNorm } from './nn/functional/normalization.js';
export { torchEmbedding as embedding } from './nn/functional/sparse.js';
export { dropout } from './nn/functional/dropout.js';
export { save, load, saveAsync, loadAsync, saveToBuffer, loadFromBuffer, safetensors, SerializationError, UnsafePickleError } from './serialization/index.js';
export * as optim from './optim/index.js';
export * as utils from './utils/index.js';
export { getNumThreads, setNumThreads, type BackendInfo } from './backend/index.js';

import { backendInfo } from './backend/index.js';
import { cudnn, mps } from './cuda.js';
/**
 * torch.backends: `torch.backends.info()` says which backend runs the ops (native or js) and
 * why; `mps.isAvailable()` and `cudnn.isAvailable()` are false (torchlette runs on the CPU).
 */
export const backends = { info: backendInfo, mps, cudnn };

import type { DType } from './tensor/dtype.js';
import { getDefaultGenerator } from './tensor/random.js';

export const float32: DType = 'float32';
export const float: DType = 'float32';
export const float64: DType = 'float64';
export const double: DType = 'float64';
export const int64: DType = 'int64';
export const long: DType = 'int64';
export const int32: DType = 'int32';
export const int: DType = 'int32';
export const uint8: DType = 'uint8';
export const bool: DType = 'bool';

/** torch.seed(): re-seeds the default generator non-deterministically and returns the seed. */
export function seed(): bigint {
  return getDefaultGenerator().seed();
}
