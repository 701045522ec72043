// nn.functional.embedding: PyTorch's argument handling (padding_idx normalised, max_norm
// renormalising the looked-up rows in place without grad) on top of torch.embedding and
// torch.embedding_renorm_ (src/ops/embedding.ts).
import { noGrad } from '../../autograd/grad-mode.js';
import { embedding as embeddingOp, embeddingBagRows, embeddingRenorm_ } from '../../ops/embedding.js';
import { unique } from '../../ops/searching.js';
import { bool, int, nullable, number, signature, string, tensor, type ArgsOf } from '../../tensor/args.js';
import { arange, ones, zeros } from '../../tensor/create.js';
import { sameShape, sizeRepr } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Python's padding_idx handling: negative counts from the end; -1 internally means none. */
export function normalizePaddingIdx(paddingIdx: number | null, numEmbeddings: number): number {
  if (paddingIdx === null) return -1;
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) throw new RangeError('Padding_idx must be within num_embeddings');
  return paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
}

const embeddingArgs = signature('embedding', [
  ['input', tensor],
  ['weight', tensor],
  ['paddingIdx', nullable(int), null],
  ['maxNorm', nullable(number), null],
  ['normType', number, 2],
  ['scaleGradByFreq', bool, false],
  ['sparse', bool, false],
] as const);

/**
 * embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
 * sparse=False): looks up rows of weight [numEmbeddings, dim]; the result has shape [...input.shape, dim].
 */
export function embedding(...args: ArgsOf<typeof embeddingArgs>): Tensor {
  const { input, weight, maxNorm, normType, scaleGradByFreq, sparse, ...a } = embeddingArgs.parse(args);
  if (sparse) throw new Error('embedding: sparse gradients are not supported in torchlette');
  const paddingIdx = normalizePaddingIdx(a.paddingIdx, weight.shape[0]);
  if (maxNorm !== null) {
    // torch.embedding rejects negative indices, but only after embedding_renorm_ has renormalised
    // the rows they wrap to: reject them first, leaving the weight untouched.
    const num = weight.shape[0];
    const integral = input.dtype === 'int64' || input.dtype === 'int32';
    if (integral && input.numel() > 0 && input.lt(0).logicalAnd(input.ge(-num)).any().item() !== 0) throw new RangeError('index out of range in self');
    noGrad(() => embeddingRenorm_(weight, input, maxNorm, normType));
  }
  return embeddingOp(weight, input, paddingIdx, scaleGradByFreq);
}

const torchEmbeddingArgs = signature('embedding', [
  ['weight', tensor],
  ['indices', tensor],
  ['paddingIdx', int, -1],
  ['scaleGradByFreq', bool, false],
  ['sparse', bool, false],
] as const);

/**
 * torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
 * the op under F.embedding, with PyTorch's argument order (weight first, -1 for no padding).
 */
export function torchEmbedding(...args: ArgsOf<typeof torchEmbeddingArgs>): Tensor {
  const { weight, indices, paddingIdx, scaleGradByFreq, sparse } = torchEmbeddingArgs.parse(args);
  if (sparse) throw new Error('embedding: sparse gradients are not supported in torchlette');
  return embeddingOp(weight, indices, paddingIdx, scaleGradByFreq);
}

const embeddingBagArgs = signature('embedding_bag', [
  ['input', tensor],
  ['weight', tensor],
  ['offsets', nullable(tensor), null],
  ['maxNorm', nullable(number), null],
  ['normType', number, 2],
  ['scaleGradByFreq', bool, false],
  ['mode', string, 'mean'],
  ['sparse', bool, false],
  ['perSampleWeights', nullable(tensor), null],
  ['includeLastOffset', bool, false],
  ['paddingIdx', nullable(int), null],
] as const);


/**
 * embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
 * mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
 * the sums, means or maxima of bags of weight rows, [numBags, dim]. A 2-D input [B, N] is B bags
 * of N indices; a 1-D input is cut into bags at offsets (empty bags give zeros). Entries equal to
 * padding_idx are left out of their bags. Composed of embedding (the rows, with PyTorch's
 * scale_grad_by_freq gradient), index_add (sum, mean) and scatter_reduce amax (max).
 */
export function embeddingBag(...args: ArgsOf<typeof embeddingBagArgs>): Tensor {
  const a = embeddingBagArgs.parse(args);
  let { input, offsets, perSampleWeights: psw } = a;
  const { weight, mode } = a;
  if (psw !== null && !sameShape(psw.shape, input.shape)) {
    throw new RangeError(
      `embedding_bag: If per_sample_weights (${sizeRepr(psw.shape)}) is not None, then it must have the same shape as the input (${sizeRepr(input.shape)})`,
    );
  }
  let bags: number;
  let bagOf: Tensor; // the bag of each entry of the flattened input
  let end: number; // entries from here on belong to no bag (include_last_offset)
  if (input.dim() === 2) {
    if (offsets !== null) {
      throw new RangeError(
        "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
      );
    }
    const [b, n] = input.shape;
    bags = b;
    bagOf = arange(b).unsqueeze(1).expand(b, n).reshape(-1);
    input = input.reshape(-1);
    if (psw !== null) psw = psw.reshape(-1);
    end = input.numel();
  } else if (input.dim() === 1) {
    if (offsets === null) throw new RangeError('offsets has to be a 1D Tensor but got None');
    if (offsets.dim() !== 1) throw new RangeError('offsets has to be a 1D Tensor');
    const n = input.numel();
    const count = offsets.numel();
    if (count > 0 && offsets.select(0, 0).item() !== 0) {
      throw new RangeError(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${offsets.select(0, 0).item()}`);
    }
    bags = a.includeLastOffset ? Math.max(count - 1, 0) : count;
    end = a.includeLastOffset && count > 0 ? Math.min(Number(offsets.select(0, count - 1).item()), n) : n;
    // Each bag start after the first adds one at its position; the running sum numbers the bags.
    const starts = offsets.narrow(0, Math.min(1, count), Math.max(bags - 1, 0)).to('int64');
    const inside = starts.maskedSelect(starts.lt(n));
    bagOf = zeros([n], { dtype: 'int64' }).indexAdd(0, inside, ones([inside.numel()], { dtype: 'int64' })).cumsum(0);
  } else {
    throw new RangeError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
  }
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new RangeError('mode has to be one of sum, mean or max');
  if (mode === 'max' && a.scaleGradByFreq) throw new RangeError('max mode does not support scaling the gradient by the frequency');
  if (mode === 'max' && a.sparse) throw new RangeError('max mode does not support sparse weights');
  if (a.sparse) throw new Error('embedding_bag: sparse gradients are not supported in torchlette');
  if (a.maxNorm !== null) {
    const maxNorm = a.maxNorm;
    noGrad(() => embeddingRenorm_(weight, input, maxNorm, a.normType));
  }
  if (psw !== null && mode !== 'sum') {
    throw new Error(
      `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
    );
  }
  if (weight.dim() !== 2) throw new RangeError(`weight has to be a 2D Tensor, but got Tensor of dimension ${weight.dim()}`);
  const dim = weight.shape[1];
  const paddingIdx = normalizePaddingIdx(a.paddingIdx, weight.shape[0]);
  let gradScale: Tensor | null = null;
  if (a.scaleGradByFreq && input.numel() > 0) {
    // ATen 1.13 (_embedding_bag_dense_backward_cpu_sum_mean) divides the gradient of the r-th
    // distinct index (ascending) by counts[sorted[r]], not by its own count: reproduced here.
    const idx = input.to('int64');
    const counts = zeros([weight.shape[0]], { dtype: weight.dtype }).indexAdd(0, idx, ones([idx.numel()], { dtype: weight.dtype }));
    const rank = (unique(idx, true, true) as Tensor[])[1];
    const sorted = idx.sort().values;
    gradScale = counts.indexSelect(0, sorted.indexSelect(0, rank)).reciprocal();
  }
  // The entries that count: before the end, and not padding.
  let keep = end < input.numel() ? arange(input.numel()).lt(end) : null;
  if (paddingIdx >= 0) keep = keep === null ? input.ne(paddingIdx) : keep.logicalAnd(input.ne(paddingIdx));
  if (keep !== null && keep.all().item() === 0) {
    const at = keep.nonzero().reshape(-1);
    input = input.indexSelect(0, at);
    bagOf = bagOf.indexSelect(0, at);
    if (psw !== null) psw = psw.indexSelect(0, at);
    if (gradScale !== null) gradScale = gradScale.indexSelect(0, at);
  }
  let rows = embeddingBagRows(weight, input, gradScale);
  if (psw !== null) rows = rows.mul(psw.unsqueeze(1));
  const base = zeros([bags, dim], { dtype: weight.dtype });
  if (mode === 'max') return base.scatterReduce(0, bagOf.unsqueeze(1).expand(bagOf.numel(), dim), rows, 'amax', { includeSelf: false });
  const sums = base.indexAdd(0, bagOf, rows);
  if (mode === 'sum') return sums;
  const sizes = zeros([bags], { dtype: weight.dtype }).indexAdd(0, bagOf, ones([bagOf.numel()], { dtype: weight.dtype }));
  return sums.div(sizes.clampMin(1).unsqueeze(1));
}
