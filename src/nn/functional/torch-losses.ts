// The torch.* twins of nn.functional losses that PyTorch also offers at the top level
// (torch.cosine_embedding_loss, torch.ctc_loss, ...), with PyTorch's torch-level
// signatures: no size_average / reduce, and `reduction` as PyTorch's int enum
// (0 = 'none', 1 = 'mean', 2 = 'sum', default 1) — the name ('none' | 'mean' | 'sum')
// is accepted as well. Each equals its F twin.
import * as ops from '../../ops/loss.js';
import { bool, check, int, intList, nullable, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ctcLossImpl, type Lengths } from './ctc.js';
import { Tensor as TensorClass } from '../../tensor/tensor.js';
import * as F from './loss.js';

type Reduction = F.Reduction;
/** PyTorch's at::Reduction enum (0 none, 1 mean, 2 sum) or its name. */
export type ReductionEnum = 0 | 1 | 2 | Reduction;
const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];
const reductionEnum = check<ReductionEnum>(
  "0, 1 or 2 (at::Reduction) or 'none', 'mean' or 'sum'",
  (v) => v === 0 || v === 1 || v === 2 || v === 'none' || v === 'mean' || v === 'sum',
);
// The schema says reduction=Mean, but PyTorch 1.13's Python binding reads that default as 0:
// torch.kl_div(a, b) and the other torch.* losses here return the unreduced loss when
// reduction is left out (F.* and nn.* default to 'mean').
const reduction = ['reduction', reductionEnum, 0] as const;
const toName = (r: ReductionEnum): Reduction => (typeof r === 'number' ? REDUCTIONS[r] : r);
const lengths = check<Lengths>('Tensor or a list of ints', (v) => v instanceof TensorClass || intList.test(v));

const cosineEmbeddingLossArgs = signature('cosine_embedding_loss', [['input1', tensor], ['input2', tensor], ['target', tensor], ['margin', number, 0], reduction] as const);
const hingeEmbeddingLossArgs = signature('hinge_embedding_loss', [['input', tensor], ['target', tensor], ['margin', number, 1], reduction] as const);
const marginRankingLossArgs = signature('margin_ranking_loss', [['input1', tensor], ['input2', tensor], ['target', tensor], ['margin', number, 0], reduction] as const);
const poissonNllLossArgs = signature('poisson_nll_loss', [
  ['input', tensor], ['target', tensor], ['logInput', bool], ['full', bool], ['eps', number], ['reduction', reductionEnum],
] as const);
const tripletMarginLossArgs = signature('triplet_margin_loss', [
  ['anchor', tensor], ['positive', tensor], ['negative', tensor], ['margin', number, 1], ['p', number, 2], ['eps', number, 1e-6], ['swap', bool, false], reduction,
] as const);
const klDivArgs = signature('kl_div', [['input', tensor], ['target', tensor], reduction, '*', ['logTarget', bool, false]] as const);
const ctcLossArgs = signature('ctc_loss', [
  ['logProbs', tensor], ['targets', tensor], ['inputLengths', lengths], ['targetLengths', lengths], ['blank', int, 0], reduction, ['zeroInfinity', bool, false],
] as const);
const bceWithLogitsArgs = signature('binary_cross_entropy_with_logits', [
  ['input', tensor], ['target', tensor], ['weight', nullable(tensor), null], ['posWeight', nullable(tensor), null], reduction,
] as const);

/** torch.cosine_embedding_loss(input1, input2, target, margin=0, reduction=0). */
export function cosineEmbeddingLoss(...args: ArgsOf<typeof cosineEmbeddingLossArgs>): Tensor {
  const a = cosineEmbeddingLossArgs.parse(args);
  return F.cosineEmbeddingLoss(a.input1, a.input2, a.target, a.margin, { reduction: toName(a.reduction) });
}

/** torch.hinge_embedding_loss(input, target, margin=1, reduction=0). */
export function hingeEmbeddingLoss(...args: ArgsOf<typeof hingeEmbeddingLossArgs>): Tensor {
  const a = hingeEmbeddingLossArgs.parse(args);
  return F.hingeEmbeddingLoss(a.input, a.target, a.margin, { reduction: toName(a.reduction) });
}

/** torch.margin_ranking_loss(input1, input2, target, margin=0, reduction=0). */
export function marginRankingLoss(...args: ArgsOf<typeof marginRankingLossArgs>): Tensor {
  const a = marginRankingLossArgs.parse(args);
  return F.marginRankingLoss(a.input1, a.input2, a.target, a.margin, { reduction: toName(a.reduction) });
}

/** torch.poisson_nll_loss(input, target, log_input, full, eps, reduction): every argument required, as in PyTorch. */
export function poissonNllLoss(...args: ArgsOf<typeof poissonNllLossArgs>): Tensor {
  const a = poissonNllLossArgs.parse(args);
  return F.poissonNllLoss(a.input, a.target, { logInput: a.logInput, full: a.full, eps: a.eps, reduction: toName(a.reduction) });
}

/** torch.triplet_margin_loss(anchor, positive, negative, margin=1, p=2, eps=1e-6, swap=False, reduction=0). */
export function tripletMarginLoss(...args: ArgsOf<typeof tripletMarginLossArgs>): Tensor {
  const a = tripletMarginLossArgs.parse(args);
  return F.tripletMarginLoss(a.anchor, a.positive, a.negative, a.margin, a.p, a.eps, a.swap, { reduction: toName(a.reduction) });
}

/** torch.kl_div(input, target, reduction=0, *, log_target=False) (no 'batchmean' at this level, as in PyTorch). */
export function klDiv(...args: ArgsOf<typeof klDivArgs>): Tensor {
  const a = klDivArgs.parse(args);
  return ops.klDiv(a.input, a.target, toName(a.reduction), a.logTarget);
}

/** torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False). */
export function ctcLoss(...args: ArgsOf<typeof ctcLossArgs>): Tensor {
  const a = ctcLossArgs.parse(args);
  return ctcLossImpl(a.logProbs, a.targets, a.inputLengths, a.targetLengths, a.blank, toName(a.reduction), a.zeroInfinity);
}

/** torch.binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0). */
export function binaryCrossEntropyWithLogits(...args: ArgsOf<typeof bceWithLogitsArgs>): Tensor {
  const a = bceWithLogitsArgs.parse(args);
  return ops.binaryCrossEntropyWithLogits(a.input, a.target, a.weight, a.posWeight, toName(a.reduction));
}
