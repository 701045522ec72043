// nn.functional.embedding: PyTorch's argument handling (padding_idx normalised, max_norm
// renormalising the looked-up rows in place without grad) on top of torch.embedding and
// torch.embedding_renorm_ (src/ops/embedding.ts).
import { noGrad } from '../../autograd/grad-mode.js';
import { embedding as embeddingOp, embeddingRenorm_ } from '../../ops/embedding.js';
import { bool, int, nullable, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
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
