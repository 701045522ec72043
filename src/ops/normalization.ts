// Normalization ops: batch norm, layer norm and group norm, as PyTorch's native_*
// ops with their backward nodes (NativeBatchNormBackward0, NativeLayerNormBackward0,
// NativeGroupNormBackward0). Forward and backward each run one statistics/reduction
// kernel pass and one fused elementwise pass; when the backward itself is being
// recorded (createGraph), it is composed from differentiable ops instead.
import { backend, type View } from '../backend/index.js';
import { tensor } from '../tensor/create.js';
import { isFloatingDtype } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

/** t itself when contiguous, else a contiguous copy (outside autograd: kernels read it). */
function dense(t: Tensor): Tensor {
  return t.isContiguous() ? t : castRaw(t, t.dtype);
}

/** A contiguous tensor as a flat 1-D View (per-channel vectors, layer-norm weights). */
function flat(t: Tensor | null): View | null {
  if (t === null) return null;
  const d = dense(t);
  return { buffer: d.buffer, dtype: d.dtype, shape: [d.numel()], strides: [1], offset: d.offset };
}

/** x viewed as contiguous [N, C, L]. */
function asNcl(x: Tensor, n: number, c: number, l: number): View {
  return { buffer: x.buffer, dtype: x.dtype, shape: [n, c, l], strides: [c * l, l, 1], offset: x.offset };
}

function checkFloating(op: string, input: Tensor, others: Record<string, Tensor | null | undefined>): void {
  if (!isFloatingDtype(input.dtype)) throw new TypeError(`${op}: expected a floating point input, but got ${input.dtype}`);
  for (const [name, t] of Object.entries(others)) {
    if (t && t.dtype !== input.dtype) {
      throw new TypeError(`${op}: expected ${name} to have the input's dtype ${input.dtype}, but got ${t.dtype}`);
    }
  }
}

/** g summed over `dims` and shaped as a parameter (`shape`). */
function sumTo(g: Tensor, dims: number[], shape: number[]): Tensor {
  const s = dims.length > 0 ? g.sum(dims) : g;
  return sameShape(s.shape, shape) ? s : s.reshape(shape);
}

/**
 * The gradients of a normalisation y = xhat * w + b, composed from differentiable ops
 * (for createGraph). Statistics are recomputed from x over `statDims` of x viewed as
 * `statShape`, so that second derivatives flow through them; `w` is the weight
 * broadcastable to x; parameter gradients sum over `paramDims` into `paramShape`.
 */
function composedGrads(
  x: Tensor,
  g: Tensor,
  statShape: number[],
  statDims: number[],
  w: Tensor | null,
  eps: number,
  paramDims: number[],
  paramShape: number[],
  need: readonly boolean[],
): Grad[] {
  const xs = x.reshape(statShape);
  const xc = xs.sub(xs.mean(statDims, true));
  const rstd = xc.square().mean(statDims, true).add(eps).rsqrt();
  const xhat = xc.mul(rstd).reshape(x.shape);
  let gx: Grad = null;
  if (need[0]) {
    const dyw = (w === null ? g : g.mul(w)).reshape(statShape);
    const xh = xhat.reshape(statShape);
    gx = dyw.sub(dyw.mean(statDims, true)).sub(xh.mul(dyw.mul(xh).mean(statDims, true))).mul(rstd).reshape(x.shape);
  }
  return [gx, need[1] ? sumTo(g.mul(xhat), paramDims, paramShape) : null, need[2] ? sumTo(g, paramDims, paramShape) : null];
}

/** Dims of an [N, C, *] tensor other than the channel dim. */
function nonChannelDims(ndim: number): number[] {
  return Array.from({ length: ndim }, (_, i) => i).filter((d) => d !== 1);
}

/** Shape [C, 1, ...] that broadcasts a per-channel vector against [N, C, *]. */
function channelShape(c: number, ndim: number): number[] {
  return [c, ...new Array<number>(ndim - 2).fill(1)];
}

// --- batch norm ---

class NativeBatchNormBackward0 extends Node {
  readonly name = 'NativeBatchNormBackward0';
  constructor(private readonly train: boolean, private readonly eps: number, private readonly hasWeight: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const saved = this.saved();
    const [x, mean, invstd] = saved;
    const weight = this.hasWeight ? saved[3] : null;
    const grad = g as Tensor;
    const need = [this.next[0] !== null, this.next[1] !== null, this.next[2] !== null];
    const C = x.shape[1];
    const dims = nonChannelDims(x.dim());
    if (isGradEnabled()) {
      const cshape = channelShape(C, x.dim());
      const w = weight === null ? null : weight.reshape(cshape);
      if (this.train) return composedGrads(x, grad, x.shape, dims, w, this.eps, dims, [C], need);
      // Eval: the running statistics are constants.
      const scale = invstd.reshape(cshape);
      const xhat = x.sub(mean.reshape(cshape)).mul(scale);
      return [
        need[0] ? grad.mul(w === null ? scale : scale.mul(w)) : null,
        need[1] ? grad.mul(xhat).sum(dims) : null,
        need[2] ? grad.sum(dims) : null,
      ];
    }
    const xd = dense(x);
    const gd = dense(grad);
    // The kernel writes every element of gx (no zero fill needed).
    const gx = need[0] ? Tensor.emptyForOverwrite(x.shape.slice(), x.dtype) : null;
    const gw = need[1] ? Tensor.empty([C], x.dtype) : null;
    const gb = need[2] ? Tensor.empty([C], x.dtype) : null;
    const L = x.numel() / Math.max(1, x.shape[0] * C);
    backend().batchNormBackward(
      asNcl(gd, x.shape[0], C, L), asNcl(xd, x.shape[0], C, L), flat(mean) as View, flat(invstd) as View, flat(weight),
      this.train, gx?.buffer ?? null, gw?.buffer ?? null, gb?.buffer ?? null,
    );
    return [gx, gw, gb];
  }
}

function checkFeatures(name: string, expected: number, t: Tensor | null): void {
  if (t !== null && t.numel() !== expected) throw new RangeError(`${name} should contain ${expected} elements not ${t.numel()}`);
}

/** A [C] running-statistics buffer as the View the statistics kernel reads (and, training, updates in place). */
function runningView(t: Tensor | null): View | null {
  if (t === null) return null;
  // ATen reads them through a 1-D accessor.
  if (t.dim() !== 1) throw new RangeError(`TensorAccessor expected 1 dims but tensor has ${t.dim()}`);
  return { buffer: t.buffer, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/**
 * torch.batch_norm: normalises each channel (dim 1) of x [N, C, *] with the batch
 * statistics (training, biased variance; running stats, when given, are updated with
 * `momentum` and the unbiased variance) or with the running statistics (eval).
 */
export function batchNorm(
  input: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor {
  const C = input.size(1);
  checkFloating('batch_norm', input, { weight, bias, running_mean: runningMean, running_var: runningVar });
  if (runningMean !== null) checkFeatures('running_mean', C, runningMean);
  else if (!training) throw new Error('running_mean must be defined in evaluation mode');
  if (runningVar !== null) checkFeatures('running_var', C, runningVar);
  else if (!training) throw new Error('running_var must be defined in evaluation mode');
  checkFeatures('weight', C, weight);
  checkFeatures('bias', C, bias);
  const N = input.shape[0];
  const L = input.numel() / Math.max(1, N * C);
  const x = dense(input);
  const xv = asNcl(x, N, C, L);
  const mean = Tensor.empty([C], input.dtype);
  const invstd = Tensor.empty([C], input.dtype);
  const rm = runningView(runningMean);
  const rv = runningView(runningVar);
  backend().batchNormStats(xv, training, momentum, eps, rm, rv, mean.buffer, invstd.buffer);
  if (training) for (const t of [runningMean, runningVar]) if (t !== null) t._versionCounter.value++;
  const out = Tensor.emptyForOverwrite(input.shape.slice(), input.dtype); // batchNorm writes it all
  backend().batchNorm(xv, mean, invstd, flat(weight), flat(bias), out.buffer);
  if (needsGrad(input, weight, bias)) {
    const node = record(new NativeBatchNormBackward0(training, eps, weight !== null), [input, weight, bias], [out]);
    node.save(input, mean, invstd, ...(weight !== null ? [weight] : []));
  }
  return out;
}

// --- layer norm and group norm (one kernel: layer norm is one group over [M, D, 1]) ---

class RowNormBackward extends Node {
  /**
   * `statShape`/`statDims`: x reshaped so the statistics reduce over `statDims`;
   * `wShape`: the weight broadcast against x; `paramDims`: what parameter gradients sum over.
   */
  constructor(
    readonly name: string,
    private readonly groups: number,
    private readonly ncl: [number, number, number],
    private readonly eps: number,
    private readonly hasWeight: boolean,
    private readonly statShape: number[],
    private readonly statDims: number[],
    private readonly wShape: number[],
    private readonly paramDims: number[],
  ) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const saved = this.saved();
    const [x, mean, rstd] = saved;
    const weight = this.hasWeight ? saved[3] : null;
    const grad = g as Tensor;
    const need = [this.next[0] !== null, this.next[1] !== null, this.next[2] !== null];
    // weight and bias share one shape (normalized_shape, or [C]).
    const paramShape = this.inputMeta[this.hasWeight ? 1 : 2].shape.slice();
    if (isGradEnabled()) {
      const w = weight === null ? null : weight.reshape(this.wShape);
      return composedGrads(x, grad, this.statShape, this.statDims, w, this.eps, this.paramDims, paramShape, need);
    }
    const [n, c, l] = this.ncl;
    const xd = dense(x);
    const gd = dense(grad);
    const gx = need[0] ? Tensor.empty(x.shape.slice(), x.dtype) : null;
    const gw = need[1] ? Tensor.empty(paramShape, x.dtype) : null;
    const gb = need[2] ? Tensor.empty(paramShape.slice(), x.dtype) : null;
    backend().groupNormBackward(
      asNcl(gd, n, c, l), asNcl(xd, n, c, l), this.groups, flat(mean) as View, flat(rstd) as View, flat(weight),
      gx?.buffer ?? null, gw?.buffer ?? null, gb?.buffer ?? null,
    );
    return [gx, gw, gb];
  }
}

/** Runs the group-norm kernel on x viewed as [n, c, l] and records `node`. */
function rowNorm(input: Tensor, weight: Tensor | null, bias: Tensor | null, groups: number, ncl: [number, number, number], eps: number, makeNode: () => RowNormBackward): Tensor {
  const [n, c, l] = ncl;
  const x = dense(input);
  const out = Tensor.empty(input.shape.slice(), input.dtype);
  const mean = Tensor.empty([n * groups], input.dtype);
  const rstd = Tensor.empty([n * groups], input.dtype);
  backend().groupNorm(asNcl(x, n, c, l), groups, eps, flat(weight), flat(bias), out.buffer, mean.buffer, rstd.buffer);
  if (needsGrad(input, weight, bias)) {
    record(makeNode(), [input, weight, bias], [out]).save(input, mean, rstd, ...(weight !== null ? [weight] : []));
  }
  return out;
}

/** torch.layer_norm: normalises over the trailing dims given by normalizedShape. */
export function layerNorm(input: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const shape = normalizedShape.slice();
  const k = shape.length;
  if (k < 1) {
    throw new RangeError(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${formatShape(shape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t !== null && !sameShape(t.shape, shape)) {
      throw new RangeError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${formatShape(t.shape)} and normalized_shape = ${formatShape(shape)}`);
    }
  }
  const nd = input.dim();
  if (nd < k || !sameShape(input.shape.slice(nd - k), shape)) {
    throw new RangeError(
      `Given normalized_shape=${formatShape(shape)}, expected input with shape [*${shape.map((s) => `, ${s}`).join('')}], but got input of size${formatShape(input.shape)}`,
    );
  }
  checkFloating('layer_norm', input, { weight, bias });
  const D = shape.reduce((a, b) => a * b, 1);
  const M = input.numel() / Math.max(1, D);
  const lead = Array.from({ length: nd - k }, (_, i) => i);
  const trailing = Array.from({ length: k }, (_, i) => nd - k + i);
  return rowNorm(input, weight, bias, 1, [M, D, 1], eps, () =>
    new RowNormBackward('NativeLayerNormBackward0', 1, [M, D, 1], eps, weight !== null, input.shape.slice(), trailing, shape, lead),
  );
}

/** torch.group_norm: channels (dim 1) of each sample split into numGroups groups, each normalised. */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const N = input.size(0);
  const C = input.size(1);
  if (!(numGroups > 0) || C % numGroups !== 0) {
    throw new RangeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${formatShape(input.shape)} and num_groups=${numGroups}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t !== null && (t.dim() !== 1 || t.numel() !== C)) {
      throw new RangeError(
        `Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${formatShape(t.shape)} and input of shape ${formatShape(input.shape)}`,
      );
    }
  }
  checkFloating('group_norm', input, { weight, bias });
  const L = input.numel() / Math.max(1, N * C);
  const nd = input.dim();
  return rowNorm(input, weight, bias, numGroups, [N, C, L], eps, () =>
    new RowNormBackward('NativeGroupNormBackward0', numGroups, [N, C, L], eps, weight !== null, [N, numGroups, -1], [2], channelShape(C, nd), nonChannelDims(nd)),
  );
}

// --- instance norm (batch norm over [1, N*C, *], as ATen's instance_norm) ---

/**
 * torch.instance_norm: each (sample, channel) plane normalised on its own, computed as ATen
 * does: batch norm of x viewed as [1, N*C, *] with weight, bias and running statistics
 * repeated N times; the running statistics then become the mean over the batch of the
 * N updated copies (also in eval, where that is a copy of themselves).
 */
export function instanceNorm(
  input: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  useInputStats: boolean,
  momentum: number,
  eps: number,
): Tensor {
  if (!useInputStats && (runningMean === null || runningVar === null)) {
    throw new Error('Expected running_mean and running_var to be defined when use_input_stats is false');
  }
  if (input.dim() < 2) throw new RangeError(`instance_norm: expected an input of at least 2 dims, but got input of size ${formatShape(input.shape)}`);
  const b = input.shape[0];
  const c = input.shape[1];
  const repeated = (t: Tensor | null): Tensor | null => (t === null ? null : t.repeat(b));
  const rm = repeated(runningMean?.detach() ?? null);
  const rv = repeated(runningVar?.detach() ?? null);
  const shape = input.shape.slice();
  shape[0] = 1;
  shape[1] = b * c;
  const out = batchNorm(input.contiguous().view(shape), repeated(weight), repeated(bias), rm, rv, useInputStats, momentum, eps);
  if (runningMean !== null && rm !== null) runningMean.detach().copy_(rm.view(b, c).mean(0));
  if (runningVar !== null && rv !== null) runningVar.detach().copy_(rv.view(b, c).mean(0));
  return out.view(input.shape.slice());
}

// --- CrossMapLRN2d (the legacy Lua Torch local response normalisation) ---

/** A [C, C] 0/1 matrix whose row c selects the channels `inWindow(c, j)` sums over. */
function windowMatrix(c: number, dtype: Tensor['dtype'], inWindow: (row: number, j: number) => boolean): Tensor {
  const m = new Array<number>(c * c).fill(0);
  for (let r = 0; r < c; r++) for (let j = 0; j < c; j++) if (inWindow(r, j)) m[r * c + j] = 1;
  return tensor(m, { dtype }).view(c, c);
}

/** Sums over channels (dim 1 of [N, C, H, W]) with a [C, C] window matrix, as one batched GEMM. */
function channelWindowSum(m: Tensor, t: Tensor): Tensor {
  const [n, c, h, w] = t.shape;
  return m.matmul(t.reshape([n, c, h * w])).view(n, c, h, w);
}

class CrossMapLRN2dBackward extends Node {
  readonly name = 'CrossMapLRN2dBackward';
  constructor(private readonly size: number, private readonly alpha: number, private readonly beta: number) {
    super();
  }
  /** PyTorch's hand-written backward (its window is not exactly the forward's; kept as is). */
  backward([g]: Grad[]): Grad[] {
    if (g === null) return [null];
    const [x, scale, out] = this.saved();
    const { size, alpha, beta } = this;
    const c = x.shape[1];
    const inversePrePad = Math.trunc(size - (size - 1) / 2);
    const m = windowMatrix(c, x.dtype, (r, j) => j >= r - inversePrePad && j <= r + size - 1 - inversePrePad);
    const accum = channelWindowSum(m, g.mul(out).div(scale));
    return [scale.pow(-beta).mul(g).sub(x.mul(accum).mul((2 * alpha * beta) / size))];
  }
}

/**
 * torch.nn.CrossMapLRN2d's function: x [N, C, H, W] / (k + alpha/size * sum of squares over
 * the legacy window) ^ beta. The window is Lua Torch's running sum, which never drops
 * channel 0; PyTorch keeps that, and so does this.
 */
export function crossMapLrn2d(x: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  if (x.dim() !== 4) throw new RangeError(`CrossMapLRN2d: expected a 4-D input, but got input of size ${formatShape(x.shape)}`);
  const c = x.shape[1];
  const prePad = Math.trunc((size - 1) / 2 + 1);
  const m = windowMatrix(c, x.dtype, (r, j) => j <= Math.min(r + prePad - 1, c - 1) && (j === 0 || j > r - prePad));
  const xd = x.detach();
  const scale = channelWindowSum(m, xd.mul(xd)).mul(alpha / size).add(k);
  const out = scale.pow(-beta).mul(xd);
  if (needsGrad(x)) record(new CrossMapLRN2dBackward(size, alpha, beta), [x], [out]).save(x, scale, out);
  return out;
}
