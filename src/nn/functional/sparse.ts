// nn.functional.embedding: rows of `weight` picked by integer indices, with
// PyTorch's padding_idx (no gradient to that row), max_norm (rows renormalised in
// place before the lookup) and scale_grad_by_freq. Node: EmbeddingBackward0.
import { backend } from '../../backend/index.js';
import { record, needsGrad } from '../../ops/record.js';
import { legacyTypeName, Node } from '../../tensor/graph.js';
import { Tensor } from '../../tensor/tensor.js';

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

class EmbeddingBackward0 extends Node {
  readonly name = 'EmbeddingBackward0';
  constructor(private readonly numWeights: number, private readonly paddingIdx: number, private readonly scaleGradByFreq: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [indices] = this.saved();
    const grad = g as Tensor;
    const dim = grad.shape[grad.dim() - 1];
    const idx = indices.reshape(-1);
    let rows = grad.reshape(-1, dim);
    if (this.paddingIdx >= 0 || this.scaleGradByFreq) rows = rows.mul(rowFactors(idx, this.paddingIdx, this.scaleGradByFreq, grad));
    // index_add is differentiable in its source, so createGraph works through this.
    return [Tensor.empty([this.numWeights, dim], grad.dtype).indexAdd(0, idx, rows)];
  }
}

/** Per looked-up row: 0 for the padding row, else 1 (or 1 / its count with scaleGradByFreq), as [n, 1]. */
function rowFactors(idx: Tensor, paddingIdx: number, scale: boolean, like: Tensor): Tensor {
  const values = Array.from(idx.toTypedArray() as ArrayLike<number>);
  const counts = new Map<number, number>();
  if (scale) for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const out = Tensor.empty([values.length, 1], like.dtype);
  values.forEach((v, i) => {
    out.buffer[i] = v === paddingIdx ? 0 : scale ? 1 / (counts.get(v) as number) : 1;
  });
  return out;
}

/** PyTorch's embedding_renorm_: each distinct looked-up row whose p-norm exceeds maxNorm is scaled to maxNorm. */
function renorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  const rows = [...new Set(Array.from(indices.toTypedArray() as ArrayLike<number>))].sort((a, b) => a - b);
  const [, dim] = weight.shape;
  const [rs, cs] = weight.strides;
  const W = weight.buffer;
  const round = weight.dtype === 'float32' ? Math.fround : (v: number) => v;
  for (const r of rows) {
    const base = weight.offset + r * rs;
    let norm = 0;
    if (normType === Infinity) for (let j = 0; j < dim; j++) norm = Math.max(norm, Math.abs(W[base + j * cs]));
    else {
      for (let j = 0; j < dim; j++) norm += Math.abs(W[base + j * cs]) ** normType;
      norm = norm ** (1 / normType);
    }
    if (norm > maxNorm) {
      const scale = round(maxNorm / (norm + 1e-7));
      for (let j = 0; j < dim; j++) W[base + j * cs] *= scale;
    }
  }
  weight._versionCounter.value++;
}

/** Looks up rows of weight [numEmbeddings, dim]: the result has shape [...input.shape, dim]. */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== 'int64' && input.dtype !== 'int32') {
    throw new TypeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${legacyTypeName(input.dtype)} instead (while checking arguments for embedding)`,
    );
  }
  if (weight.dim() !== 2) throw new RangeError("'weight' must be 2-D");
  if (opts.sparse) throw new Error('embedding: sparse gradients are not supported in torchlette');
  const [num, dim] = weight.shape;
  const paddingIdx = normalizePaddingIdx(opts.paddingIdx, num);
  const flat = input.reshape(-1);
  for (const v of Array.from(flat.toTypedArray() as ArrayLike<number>)) {
    if (!(v >= 0 && v < num)) throw new RangeError('index out of range in self');
  }
  if (opts.maxNorm !== null && opts.maxNorm !== undefined) renorm_(weight, flat, opts.maxNorm, opts.normType ?? 2);
  const out = Tensor.empty([...input.shape, dim], weight.dtype);
  backend().indexSelect(weight, 0, flat, out.buffer);
  if (needsGrad(weight)) record(new EmbeddingBackward0(num, paddingIdx, opts.scaleGradByFreq ?? false), [weight], [out]).save(input);
  return out;
}
