// Losses that PyTorch implements as ops with their own backward node: nll_loss
// (NllLossBackward0, NllLoss2DBackward0), mse_loss, smooth_l1_loss, huber_loss,
// binary_cross_entropy, binary_cross_entropy_with_logits. Composite losses
// (cross_entropy, l1_loss, kl_div) live in nn/functional/loss.ts.
import { backend, type View } from '../backend/index.js';
import type { LossReduction } from '../backend/backend.js';
import { castScalar, isFloatingDtype, isIntegralDtype, resultType, scalarTypeName } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { where, xlogy } from './binary.js';
import { binaryKernel, castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';
import { applyUnary, fused } from './unary.js';

type Grad = Tensor | null;

export type Reduction = LossReduction;

/** _Reduction.get_enum: only 'none', 'mean' and 'sum' are reductions. */
export function checkReduction(reduction: string): asserts reduction is Reduction {
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new RangeError(`${reduction} is not a valid value for reduction`);
  }
}

/** apply_loss_reduction: the elementwise loss itself, its mean or its sum. */
export function applyReduction(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

/** PyTorch refuses a requires-grad weight for losses that do not differentiate it. */
function checkNotDifferentiable(fn: string, arg: string, t: Tensor | null): void {
  if (t !== null && isGradEnabled() && t.requiresGrad) {
    throw new Error(`The function '${fn}' is not differentiable with respect to argument '${arg}'. This input cannot have requires_grad True.`);
  }
}

/** `t` laid out contiguously (t itself when it already is), without autograd. */
function raw(t: Tensor): Tensor {
  return t.isContiguous() ? t : castRaw(t, t.dtype);
}

function viewOf(t: Tensor, shape: number[], strides: number[]): View {
  return { buffer: t.buffer, dtype: t.dtype, shape, strides, offset: t.offset };
}

// --- nll_loss ---

export interface NllLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * One nll_loss / nll_loss2d call: input viewed as [N, C, S] (`layout`), target as
 * [N, S]; the result has `outShape` for 'none' and is 0-d otherwise.
 */
interface NllCall {
  name: 'NllLossBackward0' | 'NllLoss2DBackward0';
  layout: [number, number, number];
  outShape: number[];
  weight: Tensor | null;
  ignoreIndex: number;
  reduction: Reduction;
}

class NllLossBackward extends Node {
  readonly name: string;
  constructor(private readonly call: NllCall, private readonly inputShape: number[], private readonly totalWeight: number) {
    super();
    this.name = call.name;
  }
  backward([g]: Grad[]): Grad[] {
    const [target, weight] = this.saved();
    const grad = g as Tensor;
    if (isGradEnabled()) {
      // Recording the backward (createGraph): the gradient is linear in grad, so it is
      // grad times the kernel's gradient for a grad of ones (a constant).
      const ones = Tensor.empty(grad.shape.slice(), grad.dtype).fill_(1);
      const coef = nllBackwardKernel(ones, target, weight ?? null, this.call, this.inputShape, this.totalWeight);
      const perSample = this.call.reduction === 'none' && this.inputShape.length >= 2;
      return [coef.mul(perSample ? grad.unsqueeze(1) : grad)];
    }
    return [nllBackwardKernel(grad, target, weight ?? null, this.call, this.inputShape, this.totalWeight)];
  }
}

function nllBackwardKernel(grad: Tensor, target: Tensor, weight: Tensor | null, call: NllCall, inputShape: number[], totalWeight: number): Tensor {
  const [N, , S] = call.layout;
  const out = Tensor.empty(inputShape.slice(), grad.dtype);
  const g = raw(grad);
  const gView = call.reduction === 'none' ? viewOf(g, [N, S], [S, 1]) : viewOf(g, [], []);
  const t = raw(target);
  backend().nllLossBackward(gView, viewOf(t, [N, S], [S, 1]), weight, call.ignoreIndex, call.reduction, totalWeight, out.buffer);
  return out;
}

function nllForward(input: Tensor, target: Tensor, call: NllCall): Tensor {
  const { weight, ignoreIndex, reduction } = call;
  const [N, C, S] = call.layout;
  const fn = call.name === 'NllLossBackward0' ? 'nll_loss_forward' : 'nll_loss2d_forward';
  checkNotDifferentiable(fn, 'weight', weight);
  if (!isFloatingDtype(input.dtype)) {
    throw new TypeError(`"nll_loss_out_frame" not implemented for '${scalarTypeName(input.dtype)}'`);
  }
  if (target.dtype !== 'int64' && target.dtype !== 'uint8') {
    throw new TypeError(`expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
  }
  if (weight !== null && weight.dtype !== input.dtype) {
    throw new TypeError(`expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(weight.dtype)}`);
  }
  const t = raw(target);
  // 1-D and 2-D inputs are read through their strides; 4-D ones contiguously.
  let xView: View;
  if (input.dim() <= 2) {
    const s = input.strides;
    xView = viewOf(input, [N, C, S], input.dim() === 1 ? [0, s[0], 0] : [s[0], s[1], 0]);
  } else {
    xView = viewOf(raw(input), [N, C, S], [C * S, S, 1]);
  }
  const out = Tensor.empty(reduction === 'none' ? call.outShape.slice() : [], input.dtype);
  const total = new Float64Array(1);
  // The kernel checks that every target is a class index or ignoreIndex.
  backend().nllLoss(xView, viewOf(t, [N, S], [S, 1]), weight, ignoreIndex, reduction, out.buffer, total);
  if (needsGrad(input)) {
    record(new NllLossBackward(call, input.shape.slice(), total[0]), [input], [out]).save(...(weight ? [target, weight] : [target]));
  }
  return out;
}

/** nll_loss for 1-D ([C], 0-d target) and 2-D ([N, C], [N] target) inputs. */
function nllLoss1d2d(input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  if (target.dim() > 1) throw new RangeError('0D or 1D target tensor expected, multi-target not supported');
  const noBatchDim = input.dim() === 1 && target.dim() === 0;
  if (!noBatchDim && input.shape[0] !== target.shape[0]) {
    throw new RangeError(`size mismatch (got input: ${formatShape(input.shape)}, target: ${formatShape(target.shape)})`);
  }
  const C = input.shape[input.dim() - 1];
  if (weight !== null && !(weight.dim() === 1 && weight.numel() === C)) {
    throw new RangeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${formatShape(weight.shape)}`);
  }
  const N = input.dim() === 1 ? 1 : input.shape[0];
  const outShape = input.dim() === 1 ? [] : [N];
  return nllForward(input, target, { name: 'NllLossBackward0', layout: [N, C, 1], outShape, weight, ignoreIndex, reduction });
}

/** nll_loss2d: input [N, C, H, W], target [N, H, W]. */
function nllLoss2d(input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  if (target.dim() !== 3) {
    throw new RangeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.dim()}`);
  }
  const [N, C, H, W] = input.shape;
  if (weight !== null && weight.numel() !== C) throw new RangeError('weight tensor should be defined either for all or no classes');
  if (target.shape[0] !== N || target.shape[1] !== H || target.shape[2] !== W) {
    throw new RangeError(`size mismatch (got input: ${formatShape(input.shape)} , target: ${formatShape(target.shape)}`);
  }
  return nllForward(input, target, { name: 'NllLoss2DBackward0', layout: [N, C, H * W], outShape: [N, H, W], weight, ignoreIndex, reduction });
}

/**
 * Negative log-likelihood with class indices on dim 1 (PyTorch's nll_loss_nd): 1-D and
 * 2-D inputs go to nll_loss, 4-D ones to nll_loss2d, other ranks through a 4-D view.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  const weight = opts.weight ?? null;
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const reduction = opts.reduction ?? 'mean';
  checkReduction(reduction);
  if (input.dim() < 1) throw new RangeError(`Expected 1 or more dimensions (got ${input.dim()})`);
  if (input.dim() !== 1 && input.shape[0] !== (target.shape[0] ?? 0)) {
    throw new RangeError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0] ?? 0}).`);
  }
  if (input.dim() <= 2) return nllLoss1d2d(input, target, weight, ignoreIndex, reduction);
  if (input.dim() === 4) return nllLoss2d(input, target, weight, ignoreIndex, reduction);
  const [n, c] = input.shape;
  const outSize = [n, ...input.shape.slice(2)];
  if (!sameShape(target.shape.slice(1), input.shape.slice(2))) {
    throw new RangeError(`Expected target size ${formatShape(outSize)}, got ${formatShape(target.shape)}`);
  }
  const x = input.contiguous().view(input.numel() > 0 ? [n, c, 1, -1] : [n, c, 0, 0]);
  const t = target.contiguous().view(target.numel() > 0 ? [n, 1, -1] : [n, 0, 0]);
  const out = nllLoss2d(x, t, weight, ignoreIndex, reduction);
  return reduction === 'none' ? out.view(outSize) : out;
}

// --- elementwise regression losses: mse_loss, smooth_l1_loss, huber_loss ---

/** grad * d loss(x, y) / dx, with the reduction's 1/numel folded in as `norm`. */
type PointwiseGrad = (x: Tensor, y: Tensor, g: Tensor, norm: number) => Tensor;

class PointwiseLossBackward extends Node {
  constructor(readonly name: string, private readonly grad: PointwiseGrad, private readonly norm: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [x, y] = this.saved();
    const [nx, ny] = this.next;
    // The target's gradient is the same backward with input and target swapped, as PyTorch's.
    return [nx ? this.grad(x, y, g as Tensor, this.norm) : null, ny ? this.grad(y, x, g as Tensor, this.norm) : null];
  }
}

/** Records an elementwise loss computed by `forward` on same-shape input and target. */
function pointwiseLoss(
  name: string, op: string, input: Tensor, target: Tensor, reduction: Reduction,
  forward: (x: Tensor, y: Tensor) => Tensor, grad: PointwiseGrad, gradNorm: number,
): Tensor {
  checkReduction(reduction);
  if (!isFloatingDtype(resultType(input, target))) {
    throw new TypeError(`"${op}" not implemented for '${scalarTypeName(resultType(input, target))}'`);
  }
  const loss = applyReduction(forward(input.detach(), target.detach()), reduction);
  const norm = reduction === 'mean' ? gradNorm / input.numel() : gradNorm;
  if (needsGrad(input, target)) record(new PointwiseLossBackward(name, grad, norm), [input, target], [loss]).save(input, target);
  return loss;
}

/** (input - target)^2, reduced (MseLossBackward0). input and target have the same shape. */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return pointwiseLoss(
    'MseLossBackward0', 'mse_cpu', input, target, reduction,
    (x, y) => lossKernel('mse', x, y),
    // PyTorch: norm * (input - target) * grad with norm = 2 (/ numel for mean).
    (x, y, g, norm) => {
      const d = x.sub(y);
      return lossGrad('mseBackward', g, d, [norm], () => d.mul(norm).mul(g));
    },
    2,
  );
}

/** One loss kernel on (x, y), its scalars in their dtype (as the composite's scalar operands). */
function lossKernel(op: 'mse' | 'smoothL1' | 'huber', x: Tensor, y: Tensor, param = 0): Tensor {
  const dtype = resultType(x, y);
  return binaryKernel(op, x, y, dtype, dtype, 1, [castScalar(param, dtype)]);
}

/**
 * One backward kernel on (g, d = x - y), its scalars in g's dtype, or the composite when the
 * backward is recorded: norm * slope * g with PyTorch's vectorized slope (its scalar kernel,
 * rounding otherwise, takes only the last n mod 16 elements).
 */
function lossGrad(op: 'mseBackward' | 'smoothL1Backward' | 'huberBackward', g: Tensor, d: Tensor, scalars: readonly number[], composed: () => Tensor): Tensor {
  return fused(op, g, d, composed, scalars.map((v) => castScalar(v, g.dtype)));
}

/**
 * 0.5 (x - y)^2 / beta where |x - y| < beta, else |x - y| - 0.5 beta (SmoothL1LossBackward0).
 * beta = 0 is the L1 loss. One kernel each way, as PyTorch's (same roundings as its steps).
 */
export function smoothL1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1): Tensor {
  if (beta < 0) throw new RangeError('smooth_l1_loss does not support negative values for beta.');
  return pointwiseLoss(
    'SmoothL1LossBackward0', 'smooth_l1_cpu', input, target, reduction,
    (x, y) => lossKernel('smoothL1', x, y, beta),
    (x, y, g, norm) => {
      const d = x.sub(y);
      return lossGrad('smoothL1Backward', g, d, [beta, norm], () => {
        const sign = where(d.gt(0), 1, -1);
        // beta = 0 has no quadratic zone (and x / 0 must not enter the graph).
        return (beta === 0 ? sign : where(d.abs().ge(beta), sign, d.div(beta))).mul(norm).mul(g);
      });
    },
    1,
  );
}

/** 0.5 (x - y)^2 where |x - y| < delta, else delta (|x - y| - 0.5 delta) (HuberLossBackward0). */
export function huberLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', delta = 1): Tensor {
  if (!(delta > 0)) throw new RangeError('huber_loss does not support non-positive values for delta.');
  return pointwiseLoss(
    'HuberLossBackward0', 'huber_cpu', input, target, reduction,
    (x, y) => lossKernel('huber', x, y, delta),
    (x, y, g, norm) => {
      const d = x.sub(y);
      return lossGrad('huberBackward', g, d, [delta, norm], () =>
        where(d.abs().ge(delta), where(d.gt(0), delta, -delta), d).mul(norm).mul(g));
    },
    1,
  );
}

// --- binary cross entropy ---

/** PyTorch's TensorIterator check that a loss's operands share the input's dtype. */
function checkSameDtype(input: Tensor, other: Tensor): void {
  if (other.dtype !== input.dtype) {
    throw new TypeError(`Found dtype ${scalarTypeName(other.dtype)} but expected ${scalarTypeName(input.dtype)}`);
  }
}

/** A contiguous tensor's elements as a 1-D view (kernels that only walk numel elements). */
function flatView(t: Tensor): View {
  return viewOf(t, [t.numel()], [1]);
}

/**
 * A weight for the fused kernels: contiguous and floating (PyTorch's loss.mul_(weight)
 * takes an integer weight in the loss's dtype).
 */
function kernelWeight(weight: Tensor, dtype: Tensor['dtype']): Tensor {
  return isFloatingDtype(weight.dtype) ? raw(weight) : castRaw(weight, dtype);
}

class BinaryCrossEntropyBackward0 extends Node {
  readonly name = 'BinaryCrossEntropyBackward0';
  constructor(private readonly reduction: Reduction, private readonly hasWeight: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [x, y, w] = this.saved();
    const grad = g as Tensor;
    const [nx, ny] = this.next;
    const finish = (t: Tensor) => {
      const weighted = this.hasWeight ? t.mul(w) : t;
      return this.reduction === 'mean' ? weighted.div(x.numel()) : weighted;
    };
    // The input's gradient: the fused kernel (PyTorch's binary_cross_entropy_backward)
    // unless the backward is being recorded (createGraph), where the same formula written
    // with ops gives higher-order gradients.
    let gx: Tensor | null = null;
    if (nx && !isGradEnabled() && grad.dtype === x.dtype) {
      const out = Tensor.empty(x.shape.slice(), x.dtype);
      const weight = this.hasWeight ? flatView(kernelWeight(w, x.dtype)) : null;
      backend().binaryCrossEntropyBackward(flatView(raw(grad)), flatView(raw(x)), flatView(raw(y)), weight, this.reduction, out.buffer);
      gx = out;
    } else if (nx) {
      // d/dx = (x - y) / max((1 - x) x, 1e-12)
      gx = finish(grad.mul(x.sub(y)).div(x.rsub(1).mul(x).clampMin(1e-12)));
    }
    // d/dy = -logit(x)
    const gy = ny ? finish(x.div(x.rsub(1)).log().neg().mul(grad)) : null;
    return [gx, gy];
  }
}

/**
 * -w (y log x + (1 - y) log(1 - x)) with each log clamped at -100 as PyTorch does,
 * so that x = 0 or 1 gives a finite loss. `weight` already has the target's shape.
 * One fused kernel computes the loss and its reduction (the backend checks that every
 * input is in [0, 1]).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, weight: Tensor | null = null, reduction: Reduction = 'mean'): Tensor {
  checkReduction(reduction);
  checkNotDifferentiable('binary_cross_entropy', 'weight', weight);
  if (!isFloatingDtype(input.dtype)) throw new TypeError(`"binary_cross_entropy" not implemented for '${scalarTypeName(input.dtype)}'`);
  checkSameDtype(input, target);
  const out = Tensor.empty(reduction === 'none' ? input.shape.slice() : [], input.dtype);
  const w = weight === null ? null : flatView(kernelWeight(weight, input.dtype));
  backend().binaryCrossEntropy(flatView(raw(input)), flatView(raw(target)), w, reduction, out.buffer);
  if (needsGrad(input, target)) {
    record(new BinaryCrossEntropyBackward0(reduction, weight !== null), [input, target], [out]).save(...(weight ? [input, target, weight] : [input, target]));
  }
  return out;
}

class BinaryCrossEntropyWithLogitsBackward0 extends Node {
  readonly name = 'BinaryCrossEntropyWithLogitsBackward0';
  constructor(private readonly reduction: Reduction, private readonly hasWeight: boolean, private readonly hasPosWeight: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const saved = this.saved();
    const [x, y] = saved;
    const w = this.hasWeight ? saved[2] : null;
    const pw = this.hasPosWeight ? saved[this.hasWeight ? 3 : 2] : null;
    const grad = g as Tensor;
    const [nx, ny] = this.next;
    const finish = (t: Tensor) => {
      const weighted = w !== null ? t.mul(w) : t;
      return this.reduction === 'mean' ? weighted.div(x.numel()) : weighted;
    };
    let gx: Tensor | null = null;
    if (nx) {
      if (pw !== null) {
        const t = pw.mul(y);
        gx = finish(t.add(1).sub(y).mul(x.sigmoid()).sub(t).mul(grad));
      } else {
        gx = finish(x.sigmoid().sub(y).mul(grad));
      }
    }
    let gy: Tensor | null = null;
    if (ny) {
      if (pw !== null) {
        const logSig = applyUnary('logSigmoid', x);
        gy = finish(applyUnary('logSigmoid', x.neg()).sub(logSig.mul(pw)).mul(grad));
      } else {
        gy = finish(x.neg().mul(grad));
      }
    }
    return [gx, gy];
  }
}

/**
 * Binary cross entropy of sigmoid(input), computed in the log domain with PyTorch's
 * max-shift so that huge logits give finite losses and gradients. posWeight scales
 * the positive term and broadcasts against the target (e.g. one value per class).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, weight: Tensor | null = null, posWeight: Tensor | null = null, reduction: Reduction = 'mean',
): Tensor {
  checkReduction(reduction);
  checkNotDifferentiable('binary_cross_entropy_with_logits', 'weight', weight);
  checkNotDifferentiable('binary_cross_entropy_with_logits', 'pos_weight', posWeight);
  if (!isFloatingDtype(target.dtype)) {
    throw new TypeError(`result type ${scalarTypeName(input.dtype)} can't be cast to the desired output type ${scalarTypeName(target.dtype)}`);
  }
  const x = input.detach();
  const y = target.detach();
  // max_val = max(-x, 0); log(exp(-max_val) + exp(-x - max_val)) + max_val = log(1 + exp(-x)).
  const maxVal = x.neg().clampMin(0);
  const softplusNeg = maxVal.neg().exp().add(x.neg().sub(maxVal).exp()).log();
  let loss: Tensor;
  if (posWeight !== null) {
    const logWeight = posWeight.detach().sub(1).mul(y).add(1);
    loss = y.rsub(1).mul(x).add(logWeight.mul(softplusNeg.add(maxVal)));
  } else {
    loss = y.rsub(1).mul(x).add(maxVal).add(softplusNeg);
  }
  // PyTorch accumulates into (1 - target) in place: the loss has the target's dtype.
  loss = loss.to(target.dtype);
  if (weight !== null) {
    const weighted = loss.mul(weight.detach()).to(loss.dtype);
    if (!sameShape(weighted.shape, loss.shape)) {
      throw new RangeError(`output with shape ${formatShape(loss.shape)} doesn't match the broadcast shape ${formatShape(weighted.shape)}`);
    }
    loss = weighted;
  }
  const out = applyReduction(loss, reduction);
  if (needsGrad(input, target)) {
    const saves = [input, target, ...(weight ? [weight] : []), ...(posWeight ? [posWeight] : [])];
    record(new BinaryCrossEntropyWithLogitsBackward0(reduction, weight !== null, posWeight !== null), [input, target], [out]).save(...saves);
  }
  return out;
}

/** kl_div: target (log target - input), reduced ('batchmean': the sum over the batch size). F.kl_div adds its 'mean' warning; torch.kl_div, the ATen op, has none. */
export function klDiv(input: Tensor, target: Tensor, reduction: Reduction | 'batchmean', logTarget: boolean): Tensor {
  if (isIntegralDtype(input.dtype, true) || isIntegralDtype(target.dtype, true)) {
    throw new TypeError('kl_div: Integral inputs not supported.');
  }
  const pointwise = logTarget ? target.exp().mul(target.sub(input)) : xlogy(target, target).sub(target.mul(input));
  const reduced = applyReduction(pointwise, reduction === 'batchmean' ? 'sum' : reduction);
  return reduction === 'batchmean' && input.dim() !== 0 ? reduced.div(input.shape[0]) : reduced;
}
