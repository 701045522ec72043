// torch.embedding (rows of a weight picked by integer indices, node EmbeddingBackward0) and
// torch.embedding_renorm_ (the looked-up rows scaled in place to a maximum norm), as ATen
// defines them; nn.functional.embedding handles the Python arguments on top.
import { backend, type View } from '../backend/index.js';
import { full, zeros } from '../tensor/create.js';
import { indexReader } from '../tensor/dtype.js';
import { legacyTypeName, Node } from '../tensor/graph.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

/** ATen's checkScalarTypes(…, {kLong, kInt}) for the indices (argument `arg` of `op`). */
function checkIndices(indices: Tensor, op: string, arg: number): void {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new TypeError(
      `Expected tensor for argument #${arg} 'indices' to have one of the following scalar types: Long, Int; but got ${legacyTypeName(indices.dtype)} instead (while checking arguments for ${op})`,
    );
  }
}

/**
 * Whether any index lies outside [lo, hi): one pass over the index storage read as numbers
 * (int64 through its words, no BigInt per element; a value past 2^53 is outside either way).
 */
function outside(indices: Tensor, lo: number, hi: number): boolean {
  const n = indices.numel();
  if (n === 0) return false;
  const c = indices.isContiguous() ? indices : castRaw(indices, indices.dtype);
  const at = indexReader(c.buffer);
  for (let i = c.offset, end = c.offset + n; i < end; i++) {
    const v = at(i);
    if (!(v >= lo && v < hi)) return true;
  }
  return false;
}

class EmbeddingBackward0 extends Node {
  readonly name = 'EmbeddingBackward0';
  constructor(private readonly numWeights: number, private readonly paddingIdx: number, private readonly scaleGradByFreq: boolean) {
    super();
  }
  /**
   * embedding_dense_backward: each looked-up row's gradient adds into its weight row, scaled by
   * 1 / (its index's count) with scaleGradByFreq; the padding row gets none. Made of
   * differentiable ops (index_add is linear in its source), so createGraph works through it.
   */
  backward([g]: Grad[]): Grad[] {
    const [indices] = this.saved();
    const grad = g as Tensor;
    const dim = grad.shape[grad.dim() - 1];
    const idx = indices.reshape(-1);
    let rows = grad.reshape(-1, dim);
    if (this.scaleGradByFreq) {
      const counts = zeros([this.numWeights], { dtype: grad.dtype }).indexAdd(0, idx, full([idx.numel()], 1, { dtype: grad.dtype }));
      rows = rows.mul(counts.indexSelect(0, idx).reciprocal().unsqueeze(1));
    }
    if (this.paddingIdx >= 0) rows = rows.maskedFill(idx.eq(this.paddingIdx).unsqueeze(1), 0);
    return [zeros([this.numWeights, dim], { dtype: grad.dtype }).indexAdd(0, idx, rows)];
  }
}

/**
 * torch.embedding(weight, indices, paddingIdx, scaleGradByFreq): the rows of weight
 * [num, dim] named by indices (int64 or int32, any shape), shaped [...indices.shape, dim].
 * paddingIdx (-1: none) is the row that receives no gradient.
 */
export function embedding(weight: Tensor, indices: Tensor, paddingIdx = -1, scaleGradByFreq = false): Tensor {
  if (weight.dim() !== 2) throw new RangeError("'weight' must be 2-D");
  checkIndices(indices, 'embedding', 1);
  const [num, dim] = weight.shape;
  // index_select's check, before anything is read.
  if (outside(indices, 0, num)) throw new RangeError('index out of range in self');
  const flat = indices.reshape(-1);
  const out = Tensor.empty([...indices.shape, dim], weight.dtype);
  backend().indexSelect(weight, 0, flat, out.buffer);
  if (needsGrad(weight)) record(new EmbeddingBackward0(num, paddingIdx, scaleGradByFreq), [weight], [out]).save(indices);
  return out;
}

/**
 * torch.embedding_renorm_(weight, indices, maxNorm, normType): every distinct row that indices
 * name (negative ones counting from the end, as select does) whose normType-norm, computed in
 * weight's dtype as ATen's, exceeds maxNorm is scaled in place by maxNorm / (norm + 1e-7).
 * Not recorded: call it without grad, as F.embedding does.
 */
export function embeddingRenorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): Tensor {
  checkIndices(indices, 'embedding_renorm_', 2);
  if (weight.dim() !== 2) {
    throw new RangeError(`Expected 2-dimensional tensor, but got ${weight.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for embedding_renorm_)`);
  }
  const num = weight.shape[0];
  // ATen selects the sorted rows one by one; every index is checked here before any is renormalised.
  if (outside(indices, -num, num)) {
    const first = indices.maskedSelect(indices.lt(-num).logicalOr(indices.ge(num))).min().item();
    throw new RangeError(`select(): index ${first} out of range for tensor of size ${formatShape(weight.shape)} at dimension 0`);
  }
  const wrapped = indices.lt(0).any().item() !== 0 ? indices.where(indices.ge(0), indices.add(num)) : indices;
  const idx: View = wrapped.isContiguous() ? wrapped : castRaw(wrapped, wrapped.dtype);
  backend().embeddingRenorm(weight, idx, maxNorm, normType);
  weight._versionCounter.value++;
  return weight;
}

class EmbeddingBagRowsBackward extends Node {
  readonly name = 'EmbeddingBagBackward0';
  constructor(private readonly numWeights: number) {
    super();
  }
  /** Each row's gradient, times its entry's scale when there is one, adds into its weight row. */
  backward([g]: Grad[]): Grad[] {
    const [indices, scale] = this.saved();
    let rows = g as Tensor;
    if (scale.numel() === indices.numel() && indices.numel() > 0) rows = rows.mul(scale.unsqueeze(1));
    return [zeros([this.numWeights, rows.shape[1]], { dtype: rows.dtype }).indexAdd(0, indices, rows)];
  }
}

/**
 * The rows of weight [num, dim] named by the 1-D indices, for embedding_bag: the gradient of
 * entry i is multiplied by gradScale[i] when given (embedding_bag's scale_grad_by_freq, whose
 * per-entry factors the caller computes as ATen 1.13 does).
 */
export function embeddingBagRows(weight: Tensor, indices: Tensor, gradScale: Tensor | null = null): Tensor {
  if (weight.dim() !== 2) throw new RangeError("'weight' must be 2-D");
  checkIndices(indices, 'embedding_bag', 1);
  const [num, dim] = weight.shape;
  if (outside(indices, 0, num)) throw new RangeError('index out of range in self');
  const out = Tensor.empty([indices.numel(), dim], weight.dtype);
  backend().indexSelect(weight, 0, indices.reshape(-1), out.buffer);
  if (needsGrad(weight)) {
    record(new EmbeddingBagRowsBackward(num), [weight], [out]).save(indices.reshape(-1), gradScale ?? zeros([0], { dtype: weight.dtype }));
  }
  return out;
}
