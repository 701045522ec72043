import type { DType, TypedArray } from './dtype.js';

/**
 * A strided window on a buffer: element (i0, i1, …) lives at
 * buffer[offset + i0*strides[0] + i1*strides[1] + …]. Broadcast dimensions have
 * stride 0. Every kernel reads Views and writes either a View or a fresh
 * contiguous buffer that the caller allocated.
 */
export interface View {
  readonly buffer: TypedArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise ops of one input. Parametric ones read `args` (see each comment). */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'floor' | 'ceil' | 'round' | 'trunc' | 'frac'
  | 'exp' | 'expm1' | 'log' | 'log1p' | 'log2' | 'log10' | 'sqrt' | 'rsqrt' | 'reciprocal' | 'square'
  | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'tanh' | 'erf' | 'erfinv'
  | 'sigmoid' | 'relu' | 'silu' | 'gelu' | 'geluTanh' | 'logSigmoid' | 'softsign'
  | 'logicalNot' | 'isnan' | 'isinf' | 'isfinite' | 'bitwiseNot'
  | 'clamp' // args: [min, max] (NaN for "no bound")
  | 'powScalar' // args: [exponent]
  | 'rpowScalar' // args: [base]: base ** x
  | 'leakyRelu' // args: [negativeSlope]
  | 'elu' // args: [alpha, scale, inputScale]
  | 'softplus' // args: [beta, threshold]
  | 'hardtanh' // args: [min, max]
  | 'hardsigmoid' | 'hardswish' | 'relu6'
  | 'threshold' // args: [threshold, value]
  | 'roundDecimals'; // args: [10**decimals]

/** Elementwise ops of two broadcast inputs. `alpha` scales b for add/sub. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'divTrunc' | 'divFloor' | 'remainder' | 'fmod' | 'pow' | 'atan2'
  | 'maximum' | 'minimum' | 'fmax' | 'fmin'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'logicalAnd' | 'logicalOr' | 'logicalXor' | 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor'
  // gradient helpers (each is the body of a PyTorch *_backward kernel)
  | 'reluBackward' // grad * (x > 0)
  | 'thresholdBackward' // args: [threshold]: x <= threshold ? 0 : grad
  | 'sigmoidBackward' // grad * y * (1 - y), b = y
  | 'tanhBackward' // grad * (1 - y*y), b = y
  | 'siluBackward' // grad for silu, b = x
  | 'geluBackward' // b = x
  | 'geluTanhBackward' // b = x
  | 'eluBackward' // args: [alpha, scale, inputScale, isResult]
  | 'leakyReluBackward' // args: [negativeSlope]
  | 'softplusBackward' // args: [beta, threshold], b = x
  | 'hardtanhBackward' // args: [min, max]
  | 'hardsigmoidBackward' | 'hardswishBackward'
  | 'logSigmoidBackward' // b = x
  // the elementwise regression losses (PyTorch's smooth_l1 and huber kernels): a = input, b = target
  | 'smoothL1' // args: [beta]
  | 'huber' // args: [delta]
  | 'mse'
  // and their backward kernels: a = grad, b = input - target, args: [beta or delta, norm] ([norm] for mse)
  | 'smoothL1Backward' | 'huberBackward' | 'mseBackward';

/** How a loss reduces over its elements. */
export type LossReduction = 'none' | 'mean' | 'sum';

/** Elementwise ops of three operands with a scalar (addcmul, addcdiv: value; lerpScalar: the weight). */
export type TernaryOp = 'addcmul' | 'addcdiv' | 'lerp' | 'lerpScalar';

/** Backend.adamStep's scalars: [beta1, 1 - beta1, beta2, 1 - beta2, bias_correction2_sqrt, eps, -step_size]. */
export type AdamScalars = readonly [number, number, number, number, number, number, number];

/**
 * Backend.sgdStep's scalars: [weight_decay, momentum, 1 - dampening, -lr] (float32 values),
 * then maximize and nesterov as 1 or 0.
 */
export type SgdScalars = readonly [number, number, number, number, number, number];

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'all' | 'any';

/** 2-D convolution geometry (1-D convolutions use height 1). */
export interface Conv2dParams {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** 2-D pooling geometry; output sizes are given by the output buffer's shape. */
export interface Pool2dParams {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  /** Output height and width (ceil_mode is resolved by the caller). */
  outSize: [number, number];
  /** avg pool: count padded cells in the divisor (PyTorch's count_include_pad). */
  countIncludePad?: boolean;
  /** avg pool: divide by this instead of the window size. */
  divisorOverride?: number | null;
}

/** mt19937's state as the random fills advance it: its 624 words and the index of the next one (624: twist first). */
export interface MtState {
  readonly words: Uint32Array;
  index: number;
}

/**
 * What Backend.randomFill draws (PyTorch's CPU streams, src/backend/js/random.ts):
 * 'uniform' [from, to] (uniform_), 'normal' [mean, std] (normal_ on 16 or more contiguous
 * elements), 'bernoulli' [p] (bernoulli_ with a scalar p).
 */
export type RandomFillKind = 'uniform' | 'normal' | 'bernoulli';

export interface Backend {
  readonly name: string;

  /** out[i] = op(x[i]) over x's shape in row-major order; out has x's element count. */
  unary(op: UnaryOp, x: View, out: TypedArray, args?: readonly number[]): void;
  /** out[i] = op(a[i], b[i]); a and b already have the output's shape (broadcast via zero strides). */
  binary(op: BinaryOp, a: View, b: View, out: TypedArray, alpha?: number, args?: readonly number[]): void;
  /** out[i] = cond[i] ? a[i] : b[i]; all three already have the output's shape. */
  where(cond: View, a: View, b: View, out: TypedArray): void;
  /**
   * out = op(x, a, b; value) in out's dtype, rounded as PyTorch's CPU kernels (addcmul and
   * lerp fuse their multiply-add). Inputs are in out's dtype and shape; out may alias x.
   */
  ternary(op: TernaryOp, x: View, a: View, b: View, value: number, out: View): void;
  /**
   * torch.optim.Adadelta's update of one parameter, with the results of PyTorch 1.13's
   * _single_tensor_adadelta op sequence on this backend's kernels: squareAvg, accDelta
   * and param are updated in place from grad. All four are contiguous, of one float dtype
   * and shape, in distinct buffers.
   */
  adadelta(param: View, grad: View, squareAvg: View, accDelta: View, lr: number, rho: number, eps: number): void;

  /**
   * Optional: one fused Adam step (PyTorch 1.13's _single_tensor_adam, no amsgrad) updating
   * param, expAvg and expAvgSq in place, every element rounded exactly as this backend's
   * mul_/add_/addcmul_/sqrt/div_/add_/addcdiv_ sequence rounds it; the scalars are already
   * rounded to the operands' dtype as those ops round theirs. Returns false, writing nothing,
   * where it does not apply (dtype, layout, size): the caller then runs the op sequence.
   */
  adamStep?(param: View, grad: View, expAvg: View, expAvgSq: View, scalars: AdamScalars): boolean;
  /**
   * Optional: one fused SGD step with momentum once the momentum buffer exists (PyTorch
   * 1.13's _single_tensor_sgd) updating param and buf in place, every element rounded as
   * this backend's neg/add/mul_/add_/add/add_ sequence rounds it. False, writing nothing,
   * where it does not apply (dtype, layout): the caller then runs the op sequence.
   */
  sgdStep?(param: View, grad: View, buf: View, scalars: SgdScalars): boolean;
  /** Strided copy with a dtype cast (C++ cast semantics): dst[i] = src[i]. Shapes are equal. */
  copy(src: View, dst: View): void;
  /** dst[i] = value (already cast to dst's dtype; an int64 dst takes a bigint for values past 2^53). */
  fill(dst: View, value: number | bigint): void;
  /**
   * Fills `out` (contiguous, of `dtype`) with draws of `kind` (params: see RandomFillKind) from
   * the generator `gen`, advancing it exactly as PyTorch's CPU kernels advance theirs.
   */
  randomFill(kind: RandomFillKind, out: TypedArray, dtype: DType, gen: MtState, params: readonly number[]): void;
  /**
   * Reduces `x` over `dims` (sorted, unique) into `out`, a contiguous buffer of x's shape
   * with those dims removed. arg* write the index along the single reduced dim.
   */
  reduce(op: ReduceOp, x: View, dims: readonly number[], out: TypedArray): void;
  /** Unbiased-or-not variance over `dims` (Welford), written like reduce. */
  variance(x: View, dims: readonly number[], correction: number, out: TypedArray): void;
  /** cumsum / cumprod along `dim`; out is contiguous of x's shape. */
  cumulative(op: 'cumsum' | 'cumprod', x: View, dim: number, out: TypedArray): void;
  /**
   * Batched matrix product: a is [...batch, M, K], b is [...batch, K, N] (same batch
   * shape, broadcast via zero strides), out is contiguous [...batch, M, N].
   */
  matmul(a: View, b: View, out: TypedArray): void;
  /** softmax or log-softmax of x along `dim`; out is contiguous of x's shape. */
  softmax(x: View, dim: number, log: boolean, out: TypedArray): void;
  /** Gradient of (log-)softmax: y is the forward output, grad the incoming gradient; contiguous out. */
  softmaxBackward(grad: View, y: View, dim: number, log: boolean, out: TypedArray): void;
  /** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (and likewise); out has index's shape. */
  gather(x: View, dim: number, index: View, out: TypedArray): void;
  /** dst[i][index[i][j][k]][k] (=|+=) src[i][j][k] over index's shape, dst written in place. */
  scatter(dst: View, dim: number, index: View, src: View, accumulate: boolean): void;
  /** out = x.index_select(dim, index) (contiguous). */
  indexSelect(x: View, dim: number, index: View, out: TypedArray): void;
  /** dst.select(dim, index[j]) (+)= src.select(dim, j) for every j, in place (index_add_ / index_copy_). */
  indexPut(dst: View, dim: number, index: View, src: View, accumulate: boolean): void;

  /**
   * Cross-correlation: x [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] or null;
   * out is contiguous [N, O, oH, oW].
   */
  conv2d(x: View, weight: View, bias: View | null, p: Conv2dParams, out: TypedArray, outShape: readonly number[]): void;
  /** Gradient of conv2d with respect to x: gradOut [N, O, oH, oW] -> out contiguous [N, C, H, W]. */
  conv2dBackwardInput(gradOut: View, weight: View, p: Conv2dParams, out: TypedArray, inputShape: readonly number[]): void;
  /** Gradient of conv2d with respect to weight: out contiguous [O, C/groups, kH, kW]. */
  conv2dBackwardWeight(gradOut: View, x: View, p: Conv2dParams, out: TypedArray, weightShape: readonly number[]): void;
  /** Max pooling over [N, C, H, W]: values into out, argmax (flat h*W+w in the input plane) into indices. */
  maxPool2d(x: View, p: Pool2dParams, out: TypedArray, indices: TypedArray): void;
  /** Scatters gradOut [N, C, oH, oW] to the saved argmax positions: out contiguous [N, C, H, W] (zero-filled). */
  maxPool2dBackward(gradOut: View, indices: View, out: TypedArray, inputShape: readonly number[]): void;
  avgPool2d(x: View, p: Pool2dParams, out: TypedArray): void;
  /** out contiguous [N, C, H, W] (zero-filled). */
  avgPool2dBackward(gradOut: View, p: Pool2dParams, out: TypedArray, inputShape: readonly number[]): void;
  /** Adaptive average pooling of [N, C, H, W] to [N, C, oH, oW] (bins floor(i*H/oH) .. ceil((i+1)*H/oH)). */
  adaptiveAvgPool2d(x: View, out: TypedArray, outSize: [number, number]): void;
  adaptiveAvgPool2dBackward(gradOut: View, out: TypedArray, inputShape: readonly number[]): void;
  /**
   * Adaptive max pooling of [N, C, H, W] to [N, C, oH, oW] (adaptiveAvgPool2d's bins): values into
   * out, argmax (flat h*W+w in the input plane) into indices; its gradient is maxPool2dBackward.
   */
  adaptiveMaxPool2d(x: View, out: TypedArray, indices: TypedArray, outSize: [number, number]): void;

  // Losses (src/backend/js/loss.ts).
  /**
   * Negative log-likelihood (PyTorch's nll_loss / nll_loss2d): input [N, C, S] (classes on
   * dim 1, S positions), target [N, S] of class indices, weight [C] or null. A target that
   * is neither in [0, C) nor ignoreIndex throws RangeError `Target ${t} is out of bounds.`
   * before anything is written. 'none' writes -input[n, t, s] * weight[t]
   * (0 where ignored) to out[n*S + s]; 'sum'/'mean' write one value summed in PyTorch's
   * cascade order ('mean' divides by the total weight). totalWeight[0] receives the sum of
   * the weights of the non-ignored targets (their count without weights).
   */
  nllLoss(input: View, target: View, weight: View | null, ignoreIndex: number, reduction: LossReduction, out: TypedArray, totalWeight: TypedArray): void;
  /**
   * Gradient of nllLoss with respect to input into out (contiguous [N, C, S], written
   * entirely): grad is [N, S] for 'none', 0-d otherwise; totalWeight as the forward gave it.
   */
  nllLossBackward(grad: View, target: View, weight: View | null, ignoreIndex: number, reduction: LossReduction, totalWeight: number, out: TypedArray): void;
  /**
   * Binary cross entropy (PyTorch's binary_cross_entropy): input and target contiguous
   * floats of one dtype and numel, weight (any float dtype) contiguous with that numel.
   * out (input's dtype) gets -w (y max(log x, -100) + (1 - y) max(log(1 - x), -100))
   * elementwise ('none') or its mean or sum (one element), in the input's precision as
   * PyTorch computes it. Throws a RangeError when an input is outside [0, 1].
   */
  binaryCrossEntropy(input: View, target: View, weight: View | null, reduction: LossReduction, out: TypedArray): void;
  /**
   * Gradient of binaryCrossEntropy with respect to input into out (numel elements):
   * grad (numel elements for 'none', one otherwise) (x - y) / max((1 - x) x, 1e-12), times
   * the weight, divided by numel for 'mean'.
   */
  binaryCrossEntropyBackward(grad: View, input: View, target: View, weight: View | null, reduction: LossReduction, out: TypedArray): void;

  // Normalization (src/backend/js/norm.ts). x and grad are contiguous [N, C, *]; 1-D
  // per-channel inputs are Views; statistics outputs have x's dtype.
  /**
   * The per-channel statistics batchNorm normalises with, bit for bit as ATen's CPU batch_norm
   * (see the JS kernel for its exact arithmetic). train: mean and invstd = 1 / sqrt(biased
   * var + eps) of x over N and the trailing dims, and runningMean / runningVar (each null or a
   * [C] View in x's dtype, written in place) updated as momentum * batch + (1 - momentum) *
   * running, with the unbiased variance. eval: mean = runningMean, invstd = 1 / sqrt(runningVar
   * + eps); x is not read.
   */
  batchNormStats(
    x: View, train: boolean, momentum: number, eps: number, runningMean: View | null, runningVar: View | null,
    mean: TypedArray, invstd: TypedArray,
  ): void;
  /** out = (x - mean[c]) * invstd[c] * weight[c] + bias[c] (weight/bias null: 1/0), computed as ATen does: fma(x, a[c], b[c]) with a = invstd * w, b = fma(-mean, a, bias) rounded to x's dtype. */
  batchNorm(x: View, mean: View, invstd: View, weight: View | null, bias: View | null, out: TypedArray): void;
  /**
   * Gradients of batchNorm; `train`: mean/invstd are batch statistics that x's gradient
   * flows through, else constants (running stats). Null outputs are skipped.
   */
  batchNormBackward(
    grad: View, x: View, mean: View, invstd: View, weight: View | null, train: boolean,
    gradInput: TypedArray | null, gradWeight: TypedArray | null, gradBias: TypedArray | null,
  ): void;
  /**
   * Group norm: per sample, `groups` groups of channels each normalised over its channels and
   * trailing dims, then * weight[c] + bias[c]; mean and rstd ([N * groups]) receive the statistics.
   * Layer norm is this with one group over x viewed as [M, D, 1].
   */
  groupNorm(x: View, groups: number, eps: number, weight: View | null, bias: View | null, out: TypedArray, mean: TypedArray, rstd: TypedArray): void;
  /**
   * embedding_renorm_: every distinct row of weight [num, dim] that `indices` (any shape, each
   * in [0, num)) names, whose p-norm (normType) exceeds maxNorm, is scaled in place by
   * maxNorm / (norm + 1e-7). The norm is computed in weight's dtype as ATen's norm kernel
   * computes it, and the scale is rounded to that dtype.
   */
  embeddingRenorm(weight: View, indices: View, maxNorm: number, normType: number): void;
  /** Gradients of groupNorm given its saved mean and rstd. Null outputs are skipped. */
  groupNormBackward(
    grad: View, x: View, groups: number, mean: View, rstd: View, weight: View | null,
    gradInput: TypedArray | null, gradWeight: TypedArray | null, gradBias: TypedArray | null,
  ): void;
}
