// F.ctcLoss(logProbs, targets, inputLengths, targetLengths, blank = 0, reduction = 'mean',
// zeroInfinity = false), composed as PyTorch's at::ctc_loss: the per-sample losses of
// _ctc_loss (src/ops/ctc.ts), infinite ones zeroed with zeroInfinity, then 'mean' divides
// each by its target length (at least 1) and averages over the batch.
import { where } from '../../ops/binary.js';
import { ctcLossRaw } from '../../ops/ctc.js';
import { checkReduction, type Reduction } from '../../ops/loss.js';
import { bool, check, int, intList, signature, string, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import { tensor as fromData } from '../../tensor/create.js';
import { isFloatingDtype } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

/** Lengths: an integer tensor or a list of ints (PyTorch takes both). */
export type Lengths = Tensor | readonly number[];
const lengths = check<Lengths>('Tensor or a list of ints', (v) => v instanceof Tensor || intList.test(v));

const ctcLossArgs = signature('ctcLoss', [
  ['logProbs', tensor], ['targets', tensor], ['inputLengths', lengths], ['targetLengths', lengths],
  ['blank', int, 0], ['reduction', string as Check<Reduction>, 'mean'], ['zeroInfinity', bool, false],
] as const);

function lengthList(v: Lengths, name: string): number[] {
  if (!(v instanceof Tensor)) return [...v];
  if (isFloatingDtype(v.dtype) || v.dtype === 'bool') throw new TypeError(`${name} must be integral`);
  return Array.from(v.reshape([-1]).toTypedArray() as ArrayLike<number | bigint>, Number);
}

/** at::ctc_loss with the reduction as a string. */
export function ctcLossImpl(
  logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, blank: number, reduction: Reduction, zeroInfinity: boolean,
): Tensor {
  const il = lengthList(inputLengths, 'input_lengths');
  const tl = lengthList(targetLengths, 'target_lengths');
  const batched = logProbs.dim() === 3;
  const lp = batched ? logProbs : logProbs.unsqueeze(1);
  let res = ctcLossRaw(lp, targets, il, tl, blank, zeroInfinity);
  if (zeroInfinity) res = where(res.eq(Infinity), 0, res);
  if (reduction === 'mean') return res.div(fromData(tl, { dtype: res.dtype }).clampMin(1)).mean();
  if (reduction === 'sum') return res.sum();
  return batched ? res : res.squeeze(0);
}

/**
 * Connectionist temporal classification loss of log-probabilities logProbs ([T, N, C], or
 * [T, C] unbatched) against targets (padded [N, S], or the target sequences concatenated
 * 1-D), with the input and target length of each sample.
 */
export function ctcLoss(...args: ArgsOf<typeof ctcLossArgs>): Tensor {
  const a = ctcLossArgs.parse(args);
  checkReduction(a.reduction);
  return ctcLossImpl(a.logProbs, a.targets, a.inputLengths, a.targetLengths, a.blank, a.reduction, a.zeroInfinity);
}
