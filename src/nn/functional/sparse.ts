// nn.functional.embedding: PyTorch's argument handling (padding_idx normalised, max_norm
// renormalising the looked-up rows in place without grad) on top of torch.embedding and
// torch.embedding_renorm_ (src/ops/embedding.ts).
import { noGrad } from '../../autograd/grad-mode.js';
import { embedding as embeddingOp, embeddingRenorm_ } from '../../ops/embedding.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

/** Python's padding_idx handling: negative counts from the end; -1 internally means none. */
export function normalizePaddingIdx(paddingIdx: number | null | undefined, numEmbeddings: number): number {
  if (paddingIdx === null || paddingIdx === undefined) return -1;
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) throw new RangeError('Padding_idx must be within num_embeddings');
  return paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
}

/** Looks up rows of weight [numEmbeddings, dim]: the result has shape [...input.shape, dim]. */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  if (opts.sparse) throw new Error('embedding: sparse gradients are not supported in torchlette');
  const paddingIdx = normalizePaddingIdx(opts.paddingIdx, weight.shape[0]);
  if (opts.maxNorm !== null && opts.maxNorm !== undefined) {
    const maxNorm = opts.maxNorm;
    // torch.embedding rejects negative indices, but only after embedding_renorm_ has renormalised
    // the rows they wrap to: reject them first, leaving the weight untouched.
    const num = weight.shape[0];
    const integral = input.dtype === 'int64' || input.dtype === 'int32';
    if (integral && input.numel() > 0 && input.lt(0).logicalAnd(input.ge(-num)).any().item() !== 0) throw new RangeError('index out of range in self');
    noGrad(() => embeddingRenorm_(weight, input, maxNorm, opts.normType ?? 2));
  }
  return embeddingOp(weight, input, paddingIdx, opts.scaleGradByFreq ?? false);
}
