// nn.functional losses with PyTorch's parameters, positional in PyTorch's order or by name:
// F.crossEntropy(input, target, weight, sizeAverage, ignoreIndex, reduce, reduction,
// labelSmoothing) or F.crossEntropy(input, target, { labelSmoothing: 0.1 }). Composed as
// PyTorch 1.13 composes them so that values and grad_fn names match: cross_entropy =
// log_softmax + nll_loss (+ label smoothing or class-probability terms), l1_loss and kl_div
// from elementwise ops; the rest call the ops of src/ops/loss.ts.
import { addScalar, divScalar, mulScalar, xlogy } from '../../ops/binary.js';
import * as ops from '../../ops/loss.js';
import { applyReduction, checkReduction, type Reduction } from '../../ops/loss.js';
import { isFloatingDtype, isIntegralDtype, scalarTypeName } from '../../tensor/dtype.js';
import { broadcastShapes, sameShape } from '../../tensor/shape.js';
import { bool, int, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';

export type { Reduction };


/**
 * PyTorch's F._Reduction: legacyGetString maps the deprecated size_average / reduce flags to
 * a reduction ('mean', 'sum' or 'none'), with PyTorch's deprecation warning (once).
 */
export const _Reduction = {
  legacyGetString(sizeAverage: boolean | null, reduce: boolean | null, emitWarning = true): Reduction {
    const sum = reduce ?? true;
    const ret = (sizeAverage ?? true) && sum ? 'mean' : sum ? 'sum' : 'none';
    if (emitWarning) warnOnce(`size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`);
    return ret;
  },
};

/** The reduction a loss uses: the legacy flags when either is given (as PyTorch), else `reduction`. */
function reductionOf<R extends string>(sizeAverage: boolean | null, reduce: boolean | null, reduction: R): R | Reduction {
  return sizeAverage === null && reduce === null ? reduction : _Reduction.legacyGetString(sizeAverage, reduce);
}

// The parameters every loss shares, in PyTorch's order. `reduction` is any string here:
// a wrong one gets PyTorch's own message ("avg is not a valid value for reduction").
const input = ['input', tensor] as const;
const target = ['target', tensor] as const;
const weight = ['weight', nullable(tensor), null] as const;
const sizeAverage = ['sizeAverage', nullable(bool), null] as const;
const reduce = ['reduce', nullable(bool), null] as const;
const reduction = ['reduction', string as Check<Reduction>, 'mean'] as const;
const ignoreIndex = ['ignoreIndex', int, -100] as const;

const l1LossArgs = signature('l1Loss', [input, target, sizeAverage, reduce, reduction] as const);
const mseLossArgs = signature('mseLoss', [input, target, sizeAverage, reduce, reduction] as const);
const smoothL1LossArgs = signature('smoothL1Loss', [input, target, sizeAverage, reduce, reduction, ['beta', number, 1]] as const);
const huberLossArgs = signature('huberLoss', [input, target, reduction, ['delta', number, 1]] as const);
const nllLossArgs = signature('nllLoss', [input, target, weight, sizeAverage, ignoreIndex, reduce, reduction] as const);
const crossEntropyArgs = signature('crossEntropy', [input, target, weight, sizeAverage, ignoreIndex, reduce, reduction, ['labelSmoothing', number, 0]] as const);
const klDivArgs = signature('klDiv', [
  input, target, sizeAverage, reduce, ['reduction', string as Check<Reduction | 'batchmean'>, 'mean'], ['logTarget', bool, false],
] as const);
const binaryCrossEntropyArgs = signature('binaryCrossEntropy', [input, target, weight, sizeAverage, reduce, reduction] as const);
const binaryCrossEntropyWithLogitsArgs = signature('binaryCrossEntropyWithLogits', [
  input, target, weight, sizeAverage, reduce, reduction, ['posWeight', nullable(tensor), null],
] as const);

/** Python's repr of a torch.Size, as PyTorch's messages print it. */
function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** torch.broadcast_tensors for two tensors: only a tensor whose shape changes is expanded. */
function broadcastPair(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (sameShape(a.shape, b.shape)) return [a, b];
  const shape = broadcastShapes(a.shape, b.shape);
  return [sameShape(a.shape, shape) ? a : a.expand(shape), sameShape(b.shape, shape) ? b : b.expand(shape)];
}

/** Mean absolute error: |input - target|, reduced. Input and target broadcast. */
export function l1Loss(...args: ArgsOf<typeof l1LossArgs>): Tensor {
  const a = l1LossArgs.parse(args);
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  const [x, y] = broadcastPair(a.input, a.target);
  return applyReduction(x.sub(y).abs(), reduction);
}

/** Mean squared error: (input - target)^2, reduced. Input and target broadcast. */
export function mseLoss(...args: ArgsOf<typeof mseLossArgs>): Tensor {
  const a = mseLossArgs.parse(args);
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  const [x, y] = broadcastPair(a.input, a.target);
  return ops.mseLoss(x, y, reduction);
}

/** Squared error below beta, absolute error above (beta = 1 by default; 0 gives L1). */
export function smoothL1Loss(...args: ArgsOf<typeof smoothL1LossArgs>): Tensor {
  const a = smoothL1LossArgs.parse(args);
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  const [x, y] = broadcastPair(a.input, a.target);
  return ops.smoothL1Loss(x, y, reduction, a.beta);
}

/** Squared error below delta, delta-scaled absolute error above (delta = 1 by default). */
export function huberLoss(...args: ArgsOf<typeof huberLossArgs>): Tensor {
  const a = huberLossArgs.parse(args);
  checkReduction(a.reduction);
  const [x, y] = broadcastPair(a.input, a.target);
  return ops.huberLoss(x, y, a.reduction, a.delta);
}

/**
 * Negative log-likelihood of log-probabilities `input` ([C], [N, C] or [N, C, d1, …])
 * at the int64 class indices `target` ([], [N] or [N, d1, …]).
 */
export function nllLoss(...args: ArgsOf<typeof nllLossArgs>): Tensor {
  const a = nllLossArgs.parse(args);
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  return ops.nllLoss(a.input, a.target, { weight: a.weight, ignoreIndex: a.ignoreIndex, reduction });
}

/**
 * Cross entropy of logits `input` ([C], [N, C] or [N, C, d1, …]; classes on dim 1)
 * against class indices (int64, shaped like input without the class dim) or, when
 * target has input's shape, class probabilities. Computed from log_softmax, so huge
 * logits give finite losses and gradients.
 */
export function crossEntropy(...args: ArgsOf<typeof crossEntropyArgs>): Tensor {
  const a = crossEntropyArgs.parse(args);
  const { input, target, weight, ignoreIndex, labelSmoothing } = a;
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  if (sameShape(input.shape, target.shape)) {
    if (!isFloatingDtype(target.dtype)) {
      throw new TypeError(`Expected floating point type for target with class probabilities, got ${scalarTypeName(target.dtype)}`);
    }
    if (ignoreIndex >= 0) throw new RangeError('ignore_index is not supported for floating point target');
    return crossEntropyProbabilities(input, target, weight, reduction, labelSmoothing);
  }
  if (labelSmoothing > 0) {
    checkLabelSmoothing(labelSmoothing);
    return crossEntropyLabelSmoothing(input, target, weight, reduction, ignoreIndex, labelSmoothing);
  }
  return ops.nllLoss(input.logSoftmax(input.dim() === 1 ? 0 : 1), target, { weight, ignoreIndex, reduction });
}

function checkLabelSmoothing(s: number): void {
  if (s > 1) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${s}`);
}

/** weight [C] viewed to broadcast along the class dim of an input of `ndim` dims. */
function classWeight(weight: Tensor, ndim: number, classDim: number): Tensor {
  if (ndim <= 1) return weight;
  return weight.view(Array.from({ length: ndim }, (_, d) => (d === classDim ? weight.shape[0] : 1)));
}

/** PyTorch's cross_entropy_loss_prob_target: -sum(log_softmax * target [* weight]). */
function crossEntropyProbabilities(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, labelSmoothing: number): Tensor {
  const classDim = input.dim() === 1 ? 0 : 1;
  const nClasses = input.shape[classDim];
  if (weight !== null && !(weight.dim() === 1 && weight.numel() === nClasses)) {
    throw new RangeError(
      `cross_entropy: weight tensor should be defined either for all ${nClasses} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
  const logp = input.logSoftmax(classDim);
  let t = target;
  if (labelSmoothing > 0) {
    checkLabelSmoothing(labelSmoothing);
    t = addScalar(mulScalar(target, 1 - labelSmoothing), labelSmoothing / nClasses);
  }
  let terms = logp.mul(t);
  if (weight !== null) terms = terms.mul(classWeight(weight, logp.dim(), classDim));
  if (reduction === 'none') return terms.sum(classDim).neg();
  const total = terms.sum().neg();
  // Mean over the samples (and positions), not over the classes; no samples gives NaN.
  return reduction === 'mean' ? divScalar(total, logp.numel() / nClasses) : total;
}

/** PyTorch's cross_entropy_loss_label_smoothing: (1 - s) nll + s / C * (-sum of log_softmax). */
function crossEntropyLabelSmoothing(
  input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignoreIndex: number, labelSmoothing: number,
): Tensor {
  const classDim = input.dim() === 1 ? 0 : 1;
  const logp = input.logSoftmax(classDim);
  const nll = ops.nllLoss(logp, target, { weight, ignoreIndex, reduction });
  const nClasses = logp.shape[classDim];
  const ignored = target.eq(ignoreIndex);
  const smooth = (weight !== null ? logp.mul(classWeight(weight, logp.dim(), classDim)) : logp).sum(classDim).neg();
  // ATen's smooth_loss.index_put_({ignore_mask}, 0): a 0-d loss (1-D input) is indexed
  // through a 1-element view, as at::indexing does (its graph shows CopySlices).
  if (smooth.dim() === 0) smooth.view([1]).indexPut_([ignored.view([1])], 0);
  else smooth.indexPut_([ignored], 0);
  let ret: Tensor;
  if (reduction === 'mean') {
    const kept = ignored.logicalNot();
    // Weighted: normalised by the weights of the kept targets, as nll_loss is.
    ret = weight !== null ? smooth.sum().div(weight.gather(0, target.maskedSelect(kept).flatten()).sum()) : smooth.maskedSelect(kept).mean();
  } else {
    ret = reduction === 'sum' ? smooth.sum() : smooth;
  }
  return mulScalar(nll, 1 - labelSmoothing).add(mulScalar(ret, labelSmoothing / nClasses));
}

/**
 * Kullback-Leibler divergence of the log-probabilities `input` from `target`
 * (probabilities, or log-probabilities with logTarget): target (log target - input).
 */
export function klDiv(...args: ArgsOf<typeof klDivArgs>): Tensor {
  const a = klDivArgs.parse(args);
  const { input, target, logTarget } = a;
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  if (reduction !== 'batchmean') checkReduction(reduction);
  if (isIntegralDtype(input.dtype, true) || isIntegralDtype(target.dtype, true)) {
    throw new TypeError('kl_div: Integral inputs not supported.');
  }
  const pointwise = logTarget ? target.exp().mul(target.sub(input)) : xlogy(target, target).sub(target.mul(input));
  const reduced = applyReduction(pointwise, reduction === 'batchmean' ? 'sum' : reduction);
  return reduction === 'batchmean' && input.dim() !== 0 ? reduced.div(input.shape[0]) : reduced;
}

/** Binary cross entropy of probabilities `input` (in [0, 1]) against `target` of the same shape. */
export function binaryCrossEntropy(...args: ArgsOf<typeof binaryCrossEntropyArgs>): Tensor {
  const a = binaryCrossEntropyArgs.parse(args);
  const { input, target } = a;
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  if (!sameShape(target.shape, input.shape)) {
    throw new RangeError(
      `Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  let weight = a.weight;
  if (weight !== null) weight = weight.expand(broadcastShapes(target.shape, weight.shape));
  return ops.binaryCrossEntropy(input, target, weight, reduction);
}

/** Binary cross entropy of sigmoid(input), stable for any logit; target has input's shape. */
export function binaryCrossEntropyWithLogits(...args: ArgsOf<typeof binaryCrossEntropyWithLogitsArgs>): Tensor {
  const a = binaryCrossEntropyWithLogitsArgs.parse(args);
  const { input, target } = a;
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  if (!sameShape(target.shape, input.shape)) {
    throw new RangeError(`Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  return ops.binaryCrossEntropyWithLogits(input, target, a.weight, a.posWeight, reduction);
}
