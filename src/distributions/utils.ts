// Helpers shared by the distributions (torch.distributions.utils): numbers → tensors with
// broadcasting, probs ↔ logits.
import { tensor as makeTensor } from '../tensor/create.js';
import { broadcastTensors } from '../ops/shape-ops.js';
import { getDefaultDtype, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { check, type Check } from '../tensor/args.js';
import { finfo } from '../tensor/type-info.js';
import { sizeRepr } from '../tensor/shape.js';
import { pyFloat } from '../tensor/py-float.js';

/** A number or a Tensor (a distribution parameter). */
export const numberOrTensor: Check<number | Tensor> = check('a number or Tensor', (v) => typeof v === 'number' || v instanceof Tensor);

/**
 * broadcast_all: numbers become tensors of the first tensor's dtype (the default dtype when
 * all are numbers), then everything broadcasts to one shape.
 */
export function broadcastAll(...values: (number | Tensor)[]): Tensor[] {
  const like = values.find((v): v is Tensor => v instanceof Tensor);
  const dtype: DType = like ? like.dtype : getDefaultDtype();
  const ts = values.map((v) => (v instanceof Tensor ? v : makeTensor(v, { dtype })));
  return broadcastTensors(...ts);
}

/** Probabilities clamped to [eps, 1 - eps] (clamp_probs). */
export function clampProbs(probs: Tensor): Tensor {
  const { eps } = finfo(probs.dtype);
  return probs.clamp(eps, 1 - eps);
}

/** logits_to_probs: sigmoid for binary, softmax over the last dim otherwise. */
export function logitsToProbs(logits: Tensor, isBinary = false): Tensor {
  return isBinary ? logits.sigmoid() : logits.softmax(-1);
}

/** probs_to_logits: log-odds for binary, log(probs) otherwise (probs clamped away from 0 and 1). */
export function probsToLogits(probs: Tensor, isBinary = false): Tensor {
  const ps = clampProbs(probs);
  return isBinary ? ps.log().sub(ps.neg().log1p()) : ps.log();
}




/** PyTorch's snake_case for a parameter named in camelCase (covarianceMatrix → covariance_matrix). */
export const snakeName = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** How a Distribution repr shows a parameter: a 0-d tensor as a Python float, one element as the tensor, else its size. */
export function paramRepr(t: { dim(): number; numel(): number; item(): unknown; toString(): string; shape: number[] }): string {
  if (t.dim() === 0) return pyFloat(Number(t.item()));
  if (t.numel() === 1) return t.toString();
  return sizeRepr(t.shape);
}
