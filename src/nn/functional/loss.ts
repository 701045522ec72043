// nn.functional losses with PyTorch's parameters, positional in PyTorch's order or by name:
// F.crossEntropy(input, target, weight, sizeAverage, ignoreIndex, reduce, reduction,
// labelSmoothing) or F.crossEntropy(input, target, { labelSmoothing: 0.1 }). Composed as
// PyTorch 1.13 composes them so that values and grad_fn names match: cross_entropy =
// log_softmax + nll_loss (+ label smoothing or class-probability terms), l1_loss and kl_div
// from elementwise ops; the rest call the ops of src/ops/loss.ts.
import { noGrad } from '../../autograd/grad-mode.js';
import { isGradEnabled } from '../../tensor/graph.js';
import { addScalar, divScalar, mulScalar, where, xlogy } from '../../ops/binary.js';
import * as ops from '../../ops/loss.js';
import { applyReduction, checkReduction, type Reduction } from '../../ops/loss.js';
import { applyUnary } from '../../ops/unary.js';
import { arange, zeros, zerosLike } from '../../tensor/create.js';
import { isFloatingDtype, isIntegralDtype, scalarTypeName } from '../../tensor/dtype.js';
import { broadcastShapes, formatShape, sameShape, sizeRepr } from '../../tensor/shape.js';
import { bool, check, int, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { pairwiseDistance } from './distance.js';

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


/**
 * torch.broadcast_tensors of (input, target) for the pointwise regression losses (l1, mse,
 * smooth_l1, huber), with their warning: a [N, 1] output against a [N] target broadcasts
 * to [N, N] and trains on the wrong loss, and the warning is how PyTorch users find out.
 */
function broadcastPair(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (sameShape(a.shape, b.shape)) return [a, b];
  warnOnce(
    `Using a target size (${sizeRepr(b.shape)}) that is different to the input size (${sizeRepr(a.shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
  );
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
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  if (reduction !== 'batchmean') checkReduction(reduction);
  if (reduction === 'mean' && a.sizeAverage === null && a.reduce === null) {
    warnOnce(
      "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  return ops.klDiv(a.input, a.target, reduction, a.logTarget);
}

/** Binary cross entropy of probabilities `input` (in [0, 1]) against `target` of the same shape. */
export function binaryCrossEntropy(...args: ArgsOf<typeof binaryCrossEntropyArgs>): Tensor {
  const a = binaryCrossEntropyArgs.parse(args);
  const { input, target } = a;
  const reduction = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkReduction(reduction);
  if (!sameShape(target.shape, input.shape)) {
    throw new RangeError(
      `Using a target size (${sizeRepr(target.shape)}) that is different to the input size (${sizeRepr(input.shape)}) is deprecated. Please ensure they have the same size.`,
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
    throw new RangeError(`Target size (${sizeRepr(target.shape)}) must be the same as input size (${sizeRepr(input.shape)})`);
  }
  return ops.binaryCrossEntropyWithLogits(input, target, a.weight, a.posWeight, reduction);
}

// --- margin, embedding, soft-margin, Poisson and Gaussian losses (composed as PyTorch 1.13 composes them) ---

const margin0 = ['margin', number, 0] as const;
const margin1 = ['margin', number, 1] as const;
const input1 = ['input1', tensor] as const;
const input2 = ['input2', tensor] as const;

const cosineEmbeddingLossArgs = signature('cosineEmbeddingLoss', [input1, input2, target, margin0, sizeAverage, reduce, reduction] as const);
const marginRankingLossArgs = signature('marginRankingLoss', [input1, input2, target, margin0, sizeAverage, reduce, reduction] as const);
const hingeEmbeddingLossArgs = signature('hingeEmbeddingLoss', [input, target, margin1, sizeAverage, reduce, reduction] as const);
const multilabelMarginLossArgs = signature('multilabelMarginLoss', [input, target, sizeAverage, reduce, reduction] as const);
const softMarginLossArgs = signature('softMarginLoss', [input, target, sizeAverage, reduce, reduction] as const);
const multilabelSoftMarginLossArgs = signature('multilabelSoftMarginLoss', [input, target, weight, sizeAverage, reduce, reduction] as const);
const multiMarginLossArgs = signature('multiMarginLoss', [input, target, ['p', int, 1], margin1, weight, sizeAverage, reduce, reduction] as const);
const poissonNllLossArgs = signature('poissonNllLoss', [
  input, target, ['logInput', bool, true], ['full', bool, false], sizeAverage, ['eps', number, 1e-8], reduce, reduction,
] as const);
const gaussianNllLossArgs = signature('gaussianNllLoss', [
  input, target, ['var', tensor], ['full', bool, false], ['eps', number, 1e-6], reduction,
] as const);
const tripletMarginLossArgs = signature('tripletMarginLoss', [
  ['anchor', tensor], ['positive', tensor], ['negative', tensor], margin1, ['p', number, 2], ['eps', number, 1e-6], ['swap', bool, false],
  sizeAverage, reduce, reduction,
] as const);
/** A distance: a function of two tensors, or a module (e.g. nn.PairwiseDistance) whose forward is one. */
export type DistanceFunction = ((x1: Tensor, x2: Tensor) => Tensor) | { forward(x1: Tensor, x2: Tensor): Tensor };
const distanceFunctionCheck = check<DistanceFunction>(
  'a function or a module',
  (v) => typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as { forward?: unknown }).forward === 'function'),
);
const tripletMarginWithDistanceLossArgs = signature('tripletMarginWithDistanceLoss', [
  ['anchor', tensor], ['positive', tensor], ['negative', tensor], '*',
  ['distanceFunction', nullable(distanceFunctionCheck), null], margin1, ['swap', bool, false], reduction,
] as const);

/** Calls a distance function or module (through call() when it is a module, so hooks run). */
export function applyDistance(fn: DistanceFunction, x1: Tensor, x2: Tensor): Tensor {
  if (typeof fn === 'function') return fn(x1, x2);
  const m = fn as { call?: (...a: unknown[]) => unknown; forward(x1: Tensor, x2: Tensor): Tensor };
  return (typeof m.call === 'function' ? m.call(x1, x2) : m.forward(x1, x2)) as Tensor;
}

/** The enum path (_Reduction.get_enum / legacy_get_enum) with PyTorch's message for a bad name. */
function enumReduction(sizeAverage: boolean | null, reduce: boolean | null, r: string): Reduction {
  const out = reductionOf(sizeAverage, reduce, r);
  checkReduction(out);
  return out;
}

/** Python's ValueError(reduction + " is not valid") of the losses composed in Python. */
function checkValid(r: string): asserts r is Reduction {
  if (r !== 'none' && r !== 'mean' && r !== 'sum') throw new RangeError(`${r} is not valid`);
}

/** 1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1 (over the last dim). */
export function cosineEmbeddingLoss(...args: ArgsOf<typeof cosineEmbeddingLossArgs>): Tensor {
  const a = cosineEmbeddingLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  const { input1: x1, input2: x2, target: y } = a;
  const d = y.dim();
  if (d !== 0 && d !== 1) throw new RangeError('0D or 1D target tensor expected, multi-target not supported');
  if (x1.dim() !== (d === 1 ? 2 : 1)) {
    throw new RangeError(
      `${d}D target tensor expects ${d + 1}D input tensors, but found inputs with sizes ${formatShape(x1.shape)} and ${formatShape(x2.shape)}.`,
    );
  }
  const prodSum = x1.mul(x2).sum(d);
  const mag1 = x1.mul(x1).sum(d).add(EPSILON);
  const mag2 = x2.mul(x2).sum(d).add(EPSILON);
  const cos = prodSum.div(mag1.mul(mag2).sqrt());
  const zero = zerosLike(cos);
  const pos = cos.rsub(1);
  const neg = cos.sub(a.margin).clampMin(0);
  return applyReduction(where(y.eq(1), pos, zero).add(where(y.eq(-1), neg, zero)), red);
}

const EPSILON = Math.fround(1e-12);

/** max(0, -target (input1 - input2) + margin); the three have the same number of dims and broadcast (as in 1.13). */
export function marginRankingLoss(...args: ArgsOf<typeof marginRankingLossArgs>): Tensor {
  const a = marginRankingLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  const { input1: x1, input2: x2, target: y } = a;
  if (x1.dim() !== x2.dim() || x1.dim() !== y.dim()) {
    throw new RangeError(
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${sizeRepr(x1.shape)}, input2: ${sizeRepr(x2.shape)}, target: ${sizeRepr(y.shape)} `,
    );
  }
  return applyReduction(y.mul(x1.sub(x2)).neg().add(a.margin).clampMin(0), red);
}

/** input where target is 1, max(0, margin - input) where it is -1 (both for other values). */
export function hingeEmbeddingLoss(...args: ArgsOf<typeof hingeEmbeddingLossArgs>): Tensor {
  const a = hingeEmbeddingLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  const { input: x, target: y } = a;
  const zero = zerosLike(x);
  const marginClamp = x.neg().add(a.margin).clampMin(0);
  const out = where(y.ne(1), marginClamp, zero).add(where(y.ne(-1), x, zero));
  return applyReduction(out, red);
}

/** Rows of a 0-d / 1-d / 2-d input as PyTorch's multi-margin kernels see them: [nframe, dim]. */
function marginFrames(x: Tensor): Tensor {
  const valid = (x.dim() === 2 && x.shape[1] !== 0) || (x.dim() === 1 && x.shape[0] !== 0) || x.dim() === 0;
  if (!valid) throw new RangeError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${formatShape(x.shape)}`);
  return x.dim() === 2 ? x : x.reshape([1, -1]);
}

function checkLongTarget(t: Tensor): void {
  if (t.dtype !== 'int64') throw new TypeError(`expected scalar type Long but found ${scalarTypeName(t.dtype)}`);
}

/**
 * Multi-class multi-label hinge loss: for each sample, sum over its target classes j (the
 * target row up to the first -1) and the non-target classes d of max(0, 1 - x[j] + x[d]), / C.
 */
export function multilabelMarginLoss(...args: ArgsOf<typeof multilabelMarginLossArgs>): Tensor {
  const a = multilabelMarginLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  const { input: x, target: y } = a;
  const rows = marginFrames(x);
  const [nframe, dim] = rows.shape;
  const targetArg = "argument #2 'target'";
  if (x.dim() <= 1 ? !(y.dim() <= 1 && y.numel() === dim) : !(y.dim() === 2 && y.shape[0] === nframe && y.shape[1] === dim)) {
    throw new RangeError(`inconsistent size ${formatShape(y.shape)} for ${targetArg}`);
  }
  checkLongTarget(y);
  if (!isFloatingDtype(x.dtype)) throw new TypeError(`"multilabel_margin_loss_forward_out_frame" not implemented for '${scalarTypeName(x.dtype)}'`);
  const scalarOut = red !== 'none' || y.dim() <= 1;
  if (x.numel() > 0) {
    if ((y.min().item() as number) < -1 || (y.max().item() as number) >= dim) throw new RangeError(`${targetArg} is out of range`);
  }
  const t = y.reshape([nframe, dim]);
  // The targets of a row are the entries before its first -1.
  const valid = t.lt(0).cumsum(1).eq(0);
  const idx = where(valid, t, zerosLike(t));
  const validF = valid.to(x.dtype);
  const isTarget = zeros([nframe, dim], { dtype: x.dtype }).scatterAdd(1, idx, validF).gt(0);
  const xt = rows.gather(1, idx); // [n, j]
  const z = rows.unsqueeze(1).sub(xt.unsqueeze(2)).add(1).clampMin(0); // [n, j, d]
  const mask = valid.unsqueeze(2).logicalAnd(isTarget.logicalNot().unsqueeze(1));
  const perSample = where(mask, z, zerosLike(z)).sum([1, 2]).div(dim);
  if (scalarOut) return red === 'mean' ? perSample.mean() : perSample.sum();
  return perSample;
}

/** log(1 + exp(-target * input)), elementwise, reduced. */
export function softMarginLoss(...args: ArgsOf<typeof softMarginLossArgs>): Tensor {
  const a = softMarginLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  if (isGradEnabled() && a.target.requiresGrad) {
    throw new Error("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True.");
  }
  return applyReduction(a.input.neg().mul(a.target).exp().add(1).log(), red);
}

/** Binary cross entropy of sigmoid(input) per class, (weighted,) averaged over the last (class) dim. */
export function multilabelSoftMarginLoss(...args: ArgsOf<typeof multilabelSoftMarginLossArgs>): Tensor {
  const a = multilabelSoftMarginLossArgs.parse(args);
  const red = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  const { input: x, target: y } = a;
  let loss = y.mul(applyUnary('logSigmoid', x)).add(y.rsub(1).mul(applyUnary('logSigmoid', x.neg()))).neg();
  if (a.weight !== null) loss = loss.mul(a.weight);
  const classDim = x.dim() - 1;
  loss = loss.sum(classDim).div(x.shape[classDim]);
  checkValid(red);
  return applyReduction(loss, red);
}

/**
 * Multi-class hinge loss: per sample, sum over classes d != y of
 * max(0, margin - x[y] + x[d])^p (times weight[y]), / C. p is 1 or 2.
 */
export function multiMarginLoss(...args: ArgsOf<typeof multiMarginLossArgs>): Tensor {
  const a = multiMarginLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  const { input: x, target: y, p, weight: w } = a;
  if (p !== 1 && p !== 2) throw new RangeError('only p == 1 and p == 2 supported');
  if (w !== null && w.dim() !== 1) throw new RangeError('weight must be one-dimensional');
  const rows = marginFrames(x);
  const [nframe, dim] = rows.shape;
  if (!(y.dim() <= 1 && y.numel() === nframe)) throw new RangeError(`inconsistent target size, got: ${formatShape(y.shape)}`);
  checkLongTarget(y);
  if (!isFloatingDtype(x.dtype)) throw new TypeError(`"multi_margin_loss_cpu_kernel" not implemented for '${scalarTypeName(x.dtype)}'`);
  const t = y.reshape([nframe, 1]);
  if (nframe > 0 && ((t.min().item() as number) < 0 || (t.max().item() as number) >= dim)) throw new RangeError('target out of range');
  const xt = rows.gather(1, t);
  let h = rows.sub(xt).add(a.margin).clampMin(0);
  if (p === 2) h = h.square();
  if (w !== null) h = h.mul(w.gather(0, t.flatten()).view([nframe, 1]));
  const notTarget = arange(dim).view([1, dim]).ne(t);
  const perSample = where(notTarget, h, zerosLike(h)).sum(1).div(dim);
  if (red === 'none' && y.dim() > 0) return perSample;
  return red === 'mean' ? perSample.mean() : perSample.sum();
}

/**
 * Poisson negative log-likelihood: exp(input) - target input (logInput), else
 * input - target log(input + eps); `full` adds Stirling's term where target > 1.
 */
export function poissonNllLoss(...args: ArgsOf<typeof poissonNllLossArgs>): Tensor {
  const a = poissonNllLossArgs.parse(args);
  const red = reductionOf(a.sizeAverage, a.reduce, a.reduction);
  checkValid(red);
  const { input: x, target: y } = a;
  let loss = a.logInput ? x.exp().sub(y.mul(x)) : x.sub(y.mul(x.add(a.eps).log()));
  if (a.full) {
    const stirling = y.mul(y.log()).sub(y).add(y.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(stirling.maskedFill(y.le(1), 0));
  }
  return applyReduction(loss, red);
}

/**
 * Gaussian negative log-likelihood 0.5 (log(var) + (input - target)^2 / var) (+ 0.5 log(2 pi)
 * when full). var has input's shape, or input's shape without (or with 1 as) the last dim;
 * it is clamped at eps without letting the clamp into the gradient, as PyTorch does.
 */
export function gaussianNllLoss(...args: ArgsOf<typeof gaussianNllLossArgs>): Tensor {
  const a = gaussianNllLossArgs.parse(args);
  const { input: x, target: y } = a;
  let v = a.var;
  if (!sameShape(v.shape, x.shape)) {
    if (sameShape(x.shape.slice(0, -1), v.shape)) v = v.unsqueeze(-1);
    else if (!(sameShape(x.shape.slice(0, -1), v.shape.slice(0, -1)) && v.dim() > 0 && v.shape[v.dim() - 1] === 1)) {
      throw new RangeError('var is of incorrect size');
    }
  }
  checkValid(a.reduction);
  if (v.lt(0).any().item()) throw new RangeError('var has negative entry/entries');
  v = v.clone();
  noGrad(() => v.clamp_(a.eps, null));
  let loss = v.log().add(x.sub(y).pow(2).div(v)).mul(0.5);
  if (a.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return applyReduction(loss, a.reduction);
}

/** max(0, margin + d(a, p) - d(a, n)) with the p-norm pairwise distance (swap: d(a, n) = min(d(a, n), d(p, n))). */
export function tripletMarginLoss(...args: ArgsOf<typeof tripletMarginLossArgs>): Tensor {
  const a = tripletMarginLossArgs.parse(args);
  const red = enumReduction(a.sizeAverage, a.reduce, a.reduction);
  const { anchor, positive, negative } = a;
  if (!(anchor.dim() === positive.dim() && positive.dim() === negative.dim())) {
    throw new RangeError(`All inputs should have same dimension but got ${anchor.dim()}D, ${positive.dim()}D and ${negative.dim()}D inputs.`);
  }
  const distPos = pairwiseDistance(anchor, positive, a.p, a.eps);
  let distNeg = pairwiseDistance(anchor, negative, a.p, a.eps);
  if (a.swap) distNeg = distNeg.minimum(pairwiseDistance(positive, negative, a.p, a.eps));
  return applyReduction(distPos.add(a.margin).sub(distNeg).clampMin(0), red);
}

/** max(0, d(a, p) - d(a, n) + margin) with any distance (pairwise_distance by default). */
export function tripletMarginWithDistanceLoss(...args: ArgsOf<typeof tripletMarginWithDistanceLossArgs>): Tensor {
  const a = tripletMarginWithDistanceLossArgs.parse(args);
  const { anchor, positive, negative } = a;
  const dist = (x1: Tensor, x2: Tensor) => (a.distanceFunction === null ? pairwiseDistance(x1, x2) : applyDistance(a.distanceFunction, x1, x2));
  const positiveDist = dist(anchor, positive);
  let negativeDist = dist(anchor, negative);
  if (a.swap) negativeDist = negativeDist.minimum(dist(positive, negative));
  const output = positiveDist.sub(negativeDist).add(a.margin).clampMin(0);
  checkReduction(a.reduction);
  return applyReduction(output, a.reduction);
}
