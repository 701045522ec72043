// torchlette: `import * as torch from 'torchlette'`.
import './ops/index.js';
import './autograd/backward.js';

export { Tensor, Storage, type NestedList } from './tensor/tensor.js';
export { device, Device, type DeviceLike } from './tensor/device.js';
import type { Device } from './tensor/device.js';
/** torch.device as a type: `const dev: torch.device = torch.device('cpu')`. */
export type device = Device;
export * as cuda from './cuda.js';
export { compile, OptimizedModule, type CompileOptions } from './compile.js';
export { autocast, cpu } from './amp.js';
import { autocast as ampAutocast } from './amp.js';
/** torch.amp: autocast (PyTorch 1.13's torch.amp.autocast; GradScaler is torch.cuda.amp's). */
export const amp = { autocast: ampAutocast };
export * as distributed from './distributed/index.js';
export * as multiprocessing from './multiprocessing/index.js';
export { deepcopy } from './nn/copy.js';
export * from './flags.js';
export * from './tensor/predicates.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export { getDefaultDtype, setDefaultDtype, promoteTypes, resultType } from './tensor/dtype.js';
export {
  arange, empty, emptyLike, eye, full, fullLike, linspace, ones, onesLike, rand, randLike, randint, randintLike, randn, randnLike,
  randperm, tensor, zeros, zerosLike, type TensorOptions, type RandomOptions, type TensorData,
} from './tensor/create.js';
export { Generator, manualSeed, initialSeed, getDefaultGenerator, getRngState, setRngState } from './tensor/random.js';
export { MemoryFormat, preserveFormat, contiguousFormat, channelsLast, channelsLast3d } from './tensor/memory-format.js';
export { setPrintoptions, getPrintoptions, type PrintOptions } from './tensor/print.js';
export * from './ops/index.js';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode } from './autograd/grad-mode.js';
export * as autograd from './autograd/index.js';
export { isAnomalyEnabled, isAnomalyCheckNanEnabled, setAnomalyEnabled } from './autograd/anomaly.js';
export * as nn from './nn/index.js';
// The torch.* twins of nn.functional ops that PyTorch also offers at the top level.
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from './nn/functional/conv.js';
export { conv3d, convTranspose3d } from './nn/functional/conv.js';
export { maxPool1d, maxPool2d, avgPool1d, adaptiveAvgPool1d } from './nn/functional/pooling.js';
export { maxPool3d, adaptiveMaxPool1d, maxPool1dWithIndices } from './nn/functional/pooling.js';
export { batchNorm, layerNorm, groupNorm } from './nn/functional/normalization.js';
export { instanceNorm } from './nn/functional/normalization.js';
export { torchEmbedding as embedding } from './nn/functional/sparse.js';
export { cosineSimilarity, pairwiseDistance, pdist, cdist } from './nn/functional/distance.js';
export {
  torchLstm as lstm, torchGru as gru, torchRnnTanh as rnnTanh, torchRnnRelu as rnnRelu, torchLstmCell as lstmCell,
  torchGruCell as gruCell, torchRnnTanhCell as rnnTanhCell, torchRnnReluCell as rnnReluCell,
} from './nn/functional/rnn.js';
export { dropout, dropout_, alphaDropout, alphaDropout_, featureDropout, featureDropout_, featureAlphaDropout, featureAlphaDropout_ } from './nn/functional/dropout.js';
export { pixelShuffle, pixelUnshuffle, channelShuffle } from './nn/functional/shuffle.js';
export { hardshrink, prelu, rrelu, rrelu_, selu, selu_, celu, celu_, threshold, threshold_ } from './nn/functional/activation.js';
export {
  cosineEmbeddingLoss, hingeEmbeddingLoss, marginRankingLoss, poissonNllLoss, tripletMarginLoss, klDiv, ctcLoss, binaryCrossEntropyWithLogits,
} from './nn/functional/torch-losses.js';
export { save, load, saveAsync, loadAsync, saveToBuffer, loadFromBuffer, safetensors, SerializationError, UnsafePickleError } from './serialization/index.js';
export * as optim from './optim/index.js';
export * as linalg from './linalg/index.js';
export * as special from './special/index.js';
export {
  det, logdet, slogdet, inverse, cholesky, choleskyInverse, choleskySolve, qr, svd, pinverse, matrixPower, matrixExp, lu, luSolve,
  luUnpack, triangularSolve, geqrf, orgqr, ormqr, cross,
  torchVander as vander, frobeniusNorm, nuclearNorm,
} from './linalg/torch.js';
export * as utils from './utils/index.js';
export * as hub from './hub/index.js';
export * as distributions from './distributions/index.js';
export { getNumThreads, setNumThreads, type BackendInfo } from './backend/index.js';

import { backendInfo, loadWasm } from './backend/index.js';
import { backendsCuda, cudnn, mps } from './cuda.js';
/**
 * torch.backends: `torch.backends.info()` says which backend runs the ops (native or js) and
 * why; `await torch.backends.loadWasm(source?)` loads the WebAssembly backend (how a web page
 * gets it; see backend/index.ts); `mps.isAvailable()` and `cudnn.isAvailable()` are false (torchlette runs on the CPU);
 * the cuda and cudnn flags scripts set (`cuda.matmul.allowTf32`, `cudnn.benchmark`) change nothing, as on PyTorch's CPU.
 */
export const backends = { info: backendInfo, loadWasm, mps, cudnn, cuda: backendsCuda };

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
/**
 * The half types name what autocast computes in and fill scripts' dtype tables
 * (`{ float16: torch.float16, bfloat16: torch.bfloat16 }[dtype]`); no torchlette tensor has
 * them, and creating one says so.
 */
export const float16 = 'float16' as const;
export const half = 'float16' as const;
export const bfloat16 = 'bfloat16' as const;
/** int16 and int8 likewise name dtypes no torchlette tensor has: creating one says so (int32 and int64 exist). */
export const int16 = 'int16' as const;
export const short = 'int16' as const;
export const int8 = 'int8' as const;
export { finfo, iinfo } from './tensor/type-info.js';

/** torch.pi, torch.e, torch.inf, torch.nan: Python's math constants, as torch re-exports them. */
export const pi = Math.PI;
export const e = Math.E;
export const inf = Infinity;
export const nan = NaN;

/** torch.seed(): re-seeds the default generator non-deterministically and returns the seed. */
export function seed(): bigint {
  return getDefaultGenerator().seed();
}
import './ops/strict-methods.js';
