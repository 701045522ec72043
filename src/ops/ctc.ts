// The connectionist temporal classification loss (PyTorch's _ctc_loss / CtcLossBackward0):
// the negative log-likelihood of each target sequence under all its alignments, computed
// with the alpha recursion in log space, and PyTorch's gradient from the alpha-beta
// recursion. Both are loops over time of whole-tensor ops, vectorised over the batch
// and the extended label positions (blank, l1, blank, l2, ..., blank).
import { full, tensor as fromData } from '../tensor/create.js';
import { Node } from '../tensor/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from './binary.js';
import { cat, stack } from './join.js';
import { needsGrad, record } from './record.js';

/** One batch's layout: lengths and the extended labels, as small index tensors built once. */
interface CtcLayout {
  T: number;
  N: number;
  C: number;
  /** 2 * max target length + 1 */
  L: number;
  inputLengths: number[];
  targetLengths: number[];
  /** [N, L] int64: the extended label at each position (blank beyond 2 * target length). */
  labels: Tensor;
  /** [N, L] bool: the alpha recursion may skip from s - 2 (a label that differs from the one two back). */
  skip: Tensor;
  /** [N, L] bool: s <= 2 * target length. */
  valid: Tensor;
  blank: number;
}

/** log(exp(a) + exp(b) + exp(c)) elementwise, shifted by the max as PyTorch's kernel (0 when all are -inf). */
function logAddExp3(a: Tensor, b: Tensor, c: Tensor): Tensor {
  const m0 = a.maximum(b).maximum(c);
  const m = where(m0.eq(-Infinity), 0, m0);
  return a.sub(m).exp().add(b.sub(m).exp()).add(c.sub(m).exp()).log().add(m);
}

/** x [N, L] shifted right (k > 0) or left (k < 0) by |k| along dim 1, filled with -inf. */
function shift(x: Tensor, k: number): Tensor {
  const [N, L] = x.shape;
  const n = Math.min(Math.abs(k), L);
  const fill = full([N, n], -Infinity, { dtype: x.dtype });
  if (n === L) return fill;
  return k > 0 ? cat([fill, x.narrow(1, 0, L - n)], 1) : cat([x.narrow(1, n, L - n), fill], 1);
}

/** The layout of a call; `targets` is padded [N, S] or concatenated 1-D. */
export function ctcLayout(logProbs: Tensor, targets: Tensor, inputLengths: number[], targetLengths: number[], blank: number): CtcLayout {
  const [T, N, C] = logProbs.shape;
  if (blank < 0 || blank >= C) throw new RangeError('blank must be in label range');
  if (inputLengths.length !== N) throw new RangeError('input_lengths must be of size batch_size');
  if (targetLengths.length !== N) throw new RangeError('target_lengths must be of size batch_size');
  const where_ = '(while checking arguments for ctc_loss_cpu)';
  const maxS = Math.max(0, ...targetLengths);
  const offsets: number[] = [];
  let stride: number;
  if (targets.dim() === 1) {
    let pos = 0;
    for (const l of targetLengths) {
      offsets.push(pos);
      pos += l;
    }
    if (targets.shape[0] !== pos) {
      throw new RangeError(`Expected tensor to have size ${pos} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${where_}`);
    }
    stride = 1;
  } else {
    if (targets.shape[0] !== N) {
      throw new RangeError(`Expected tensor to have size ${N} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${where_}`);
    }
    if (targets.shape[1] < maxS) {
      throw new RangeError(`Expected tensor to have size at least ${maxS} at dimension 1, but got size ${targets.shape[1]} for argument #2 'targets' ${where_}`);
    }
    for (let n = 0; n < N; n++) offsets.push(n * targets.shape[1]);
    stride = 1;
  }
  for (const l of inputLengths) {
    if (l > T) throw new RangeError(`Expected input_lengths to have value at most ${T}, but got value ${l} ${where_}`);
  }
  // The targets are small (N x S integers): the extended labels are built in JS.
  const flat = targets.contiguous().toTypedArray() as ArrayLike<number | bigint>;
  const L = 2 * maxS + 1;
  const labels = new Array<number>(N * L).fill(blank);
  const skip = new Array<boolean>(N * L).fill(false);
  const valid = new Array<boolean>(N * L).fill(false);
  for (let n = 0; n < N; n++) {
    const tl = targetLengths[n];
    for (let s = 0; s <= 2 * tl; s++) valid[n * L + s] = true;
    for (let i = 0; i < tl; i++) {
      const c = Number(flat[offsets[n] + i * stride]);
      labels[n * L + 2 * i + 1] = c;
      if (i > 0 && Number(flat[offsets[n] + (i - 1) * stride]) !== c) skip[n * L + 2 * i + 1] = true;
    }
  }
  return {
    T, N, C, L, inputLengths, targetLengths, blank,
    labels: fromData(labels, { dtype: 'int64' }).view([N, L]),
    skip: fromData(skip, { dtype: 'bool' }).view([N, L]),
    valid: fromData(valid, { dtype: 'bool' }).view([N, L]),
  };
}

/** log_probs at the extended labels: [T, N, L]. */
function extended(lp: Tensor, k: CtcLayout): Tensor {
  return lp.gather(2, k.labels.unsqueeze(0).expand([k.T, k.N, k.L]));
}

/** The alpha recursion: log_alpha [T, N, L] (rows past an input length are not used). */
function logAlpha(lpExt: Tensor, k: CtcLayout): Tensor {
  const { N, L, T } = k;
  const s = fromData(Array.from({ length: L }, (_, i) => i), { dtype: 'int64' }).view([1, L]);
  const hasTarget = fromData(k.targetLengths.map((l) => l > 0), { dtype: 'bool' }).view([N, 1]);
  const first = s.eq(0).logicalOr(s.eq(1).logicalAnd(hasTarget));
  let alpha = where(first, lpExt.select(0, 0), -Infinity);
  const alphas = [alpha];
  const noSkip = full([N, L], -Infinity, { dtype: lpExt.dtype });
  for (let t = 1; t < T; t++) {
    alpha = logAddExp3(alpha, shift(alpha, 1), where(k.skip, shift(alpha, 2), noSkip)).add(lpExt.select(0, t));
    alphas.push(alpha);
  }
  return stack(alphas, 0);
}

/** Per-sample negative log-likelihoods [N] from log_alpha, as PyTorch's kernel reads them. */
function negLogLikelihood(alpha: Tensor, k: CtcLayout): Tensor {
  const { N, L } = k;
  const flat = alpha.reshape([-1]);
  const last: number[] = [];
  const prev: number[] = [];
  for (let n = 0; n < N; n++) {
    const t = Math.max(k.inputLengths[n] - 1, 0);
    const tl = k.targetLengths[n];
    last.push((t * N + n) * L + 2 * tl);
    prev.push((t * N + n) * L + Math.max(2 * tl - 1, 0));
  }
  const l1 = flat.indexSelect(0, fromData(last, { dtype: 'int64' }));
  const hasTarget = fromData(k.targetLengths.map((l) => l > 0), { dtype: 'bool' });
  const l2 = where(hasTarget, flat.indexSelect(0, fromData(prev, { dtype: 'int64' })), -Infinity);
  const m0 = l1.maximum(l2);
  const m = where(m0.eq(-Infinity), 0, m0);
  // An empty target reads alpha at s = 0 alone (l2 is -inf, so the sum is exact).
  let ll = where(hasTarget, l1.sub(m).exp().add(l2.sub(m).exp()).log().add(m), l1);
  // No input frames: likelihood 1 for an empty target, 0 otherwise.
  const noInput = fromData(k.inputLengths.map((l) => l === 0), { dtype: 'bool' });
  ll = where(noInput, where(hasTarget, -Infinity, 0), ll);
  return ll.neg();
}

class CtcLossBackward0 extends Node {
  readonly name = 'CtcLossBackward0';
  constructor(private readonly layout: CtcLayout, private readonly zeroInfinity: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [lp, alpha, nll] = this.saved();
    return [ctcGrad(g as Tensor, lp, alpha, nll, this.layout, this.zeroInfinity)];
  }
}

/**
 * PyTorch's ctc_loss_backward_cpu: with lcab[t, n, c] = log sum over positions s labelled c of
 * alpha[t, s] beta[t, s], the gradient is (exp(lp) - exp(lcab + nll - lp)) * grad (the gradient
 * with respect to the logits of a log_softmax, as PyTorch returns it), 0 past the input length
 * and, with zeroInfinity, for samples whose loss is infinite.
 */
function ctcGrad(grad: Tensor, lp: Tensor, alpha: Tensor, nll: Tensor, k: CtcLayout, zeroInfinity: boolean): Tensor {
  const { T, N, L, C } = k;
  const lpExt = extended(lp, k);
  const s = fromData(Array.from({ length: L }, (_, i) => i), { dtype: 'int64' }).view([1, L]);
  const tl = fromData(k.targetLengths, { dtype: 'int64' }).view([N, 1]);
  const endMask = s.eq(tl.mul(2)).logicalOr(s.eq(tl.mul(2).sub(1)).logicalAnd(tl.gt(0)));
  // beta may step to s + 1 below 2 * target length, and skip to s + 2 where the label two ahead differs.
  const stepOk = s.lt(tl.mul(2));
  const skipOk = shift(k.skip.to(lp.dtype), -2).gt(0);
  const noPath = full([N, L], -Infinity, { dtype: lp.dtype });
  const labels = k.labels;
  const lcabs: Tensor[] = new Array(T);
  let beta = noPath;
  for (let t = T - 1; t >= 0; t--) {
    const isLast = fromData(k.inputLengths.map((l) => l - 1 === t), { dtype: 'bool' }).view([N, 1]);
    const lpt = lpExt.select(0, t);
    const rec = logAddExp3(beta, where(stepOk, shift(beta, -1), noPath), where(skipOk, shift(beta, -2), noPath)).add(lpt);
    beta = where(k.valid, where(isLast, where(endMask, lpt, noPath), rec), noPath);
    // log-sum of alpha + beta over the positions of each label, shifted by the row max.
    const ab = alpha.select(0, t).add(beta);
    const m0 = ab.amax(1, true);
    const m = where(m0.eq(-Infinity), 0, m0);
    const sum = full([N, C], 0, { dtype: lp.dtype }).scatterAdd(1, labels, ab.sub(m).exp());
    lcabs[t] = sum.log().add(m);
  }
  const lcab = stack(lcabs, 0);
  const nllB = nll.view([1, N, 1]);
  let out = lp.exp().sub(lcab.add(nllB).sub(lp).exp()).mul(grad.view([1, N, 1]));
  const tIdx = fromData(Array.from({ length: T }, (_, i) => i), { dtype: 'int64' }).view([T, 1, 1]);
  const inLen = fromData(k.inputLengths, { dtype: 'int64' }).view([1, N, 1]);
  let keep = tIdx.lt(inLen);
  if (zeroInfinity) keep = keep.logicalAnd(nllB.ne(Infinity));
  out = where(keep, out, 0);
  return out;
}

/**
 * _ctc_loss: per-sample negative log-likelihoods [N] of log_probs [T, N, C] (int targets
 * padded [N, S] or concatenated 1-D), recorded as CtcLossBackward0.
 */
export function ctcLossRaw(logProbs: Tensor, targets: Tensor, inputLengths: number[], targetLengths: number[], blank: number, zeroInfinity: boolean): Tensor {
  const k = ctcLayout(logProbs, targets, inputLengths, targetLengths, blank);
  const lp = logProbs.detach();
  const alpha = logAlpha(extended(lp, k), k);
  const nll = negLogLikelihood(alpha, k);
  if (needsGrad(logProbs)) record(new CtcLossBackward0(k, zeroInfinity), [logProbs], [nll]).save(lp, alpha, nll);
  return nll;
}
