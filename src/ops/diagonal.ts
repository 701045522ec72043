// Diagonals: diagonal (a view), diag, diagEmbed, diagflat, trace, fillDiagonal_, and the
// scatter twins of views (diagonalScatter, selectScatter, sliceScatter, asStridedScatter)
// with the public asStrided.
import { bool, int, intList, nullable, number as numberArg, signature, tensor as tensorArg, type ArgsOf } from '../tensor/args.js';
import { zeros } from '../tensor/create.js';
import { Node } from '../tensor/graph.js';
import { formatShape, normalizeDim, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { unviewed } from './kernels.js';
import { tensorOp } from './op-args.js';
import { needsGrad, record } from './record.js';
import { asStrided as asStridedView, makeView, select, slice } from './view.js';

type Grad = Tensor | null;

const zerosOf = (shape: readonly number[], like: Tensor) => zeros(shape.slice(), { dtype: like.dtype });

// --- diagonal ---

class DiagonalBackward0 extends Node {
  readonly name = 'DiagonalBackward0';
  constructor(private readonly shape: number[], private readonly offset: number, private readonly dim1: number, private readonly dim2: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [diagonalScatterImpl(zerosOf(this.shape, g as Tensor), g as Tensor, this.offset, this.dim1, this.dim2)];
  }
}

/** The view of x's offset-th diagonal over (dim1, dim2): those dims removed, the diagonal appended last. */
function diagonalView(x: Tensor, offset: number, dim1: number, dim2: number): Tensor {
  const n = x.dim();
  const d1 = normalizeDim(dim1, n);
  const d2 = normalizeDim(dim2, n);
  if (d1 === d2) throw new RangeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  let start = x.offset;
  let size: number;
  if (offset >= 0) size = Math.max(Math.min(x.shape[d1], x.shape[d2] - offset), 0);
  else size = Math.max(Math.min(x.shape[d1] + offset, x.shape[d2]), 0);
  if (size > 0) start += offset >= 0 ? offset * x.strides[d2] : -offset * x.strides[d1];
  const shape: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < n; d++) {
    if (d === d1 || d === d2) continue;
    shape.push(x.shape[d]);
    strides.push(x.strides[d]);
  }
  shape.push(size);
  strides.push(x.strides[d1] + x.strides[d2]);
  const out = makeView(x, shape, strides, start);
  if (needsGrad(x)) record(new DiagonalBackward0(x.shape.slice(), offset, d1, d2), [x], [out]);
  return out;
}

const diagonalOp = tensorOp('diagonal', [['offset', int, 0], ['dim1', int, 0], ['dim2', int, 1]] as const, (x, a) => diagonalView(x, a.offset, a.dim1, a.dim2));
/** torch.diagonal(input, offset=0, dim1=0, dim2=1): a view of the diagonal, appended as the last dim. */
export const diagonal = diagonalOp.fn;

// --- the scatter twins: a copy of input with a view's region replaced by src ---

class ScatterTwinBackward extends Node {
  constructor(
    readonly name: string,
    private readonly region: (t: Tensor) => Tensor,
    private readonly scatter: (t: Tensor, src: Tensor) => Tensor,
    private readonly srcShape: number[],
  ) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    return [this.next[0] ? this.scatter(grad, zerosOf(this.srcShape, grad)) : null, this.next[1] ? this.region(grad).clone() : null];
  }
}

function scatterInto(name: string, input: Tensor, src: Tensor, region: (t: Tensor) => Tensor, scatter: (t: Tensor, src: Tensor) => Tensor): Tensor {
  const out = input.detach().clone();
  const target = region(out.detach());
  if (!sameShape(target.shape, src.shape)) {
    throw new RangeError(`expected src to have a size equal to the slice of self. src size = ${formatShape(src.shape)}, slice size = ${formatShape(target.shape)}`);
  }
  target.copy_(src.detach());
  const result = unviewed(out);
  if (needsGrad(input, src)) record(new ScatterTwinBackward(name, region, scatter, src.shape.slice()), [input, src], [result]);
  return result;
}

function diagonalScatterImpl(input: Tensor, src: Tensor, offset: number, dim1: number, dim2: number): Tensor {
  const region = (t: Tensor) => diagonalView(t, offset, dim1, dim2);
  return scatterInto('DiagonalScatterBackward0', input, src, region, (t, s) => diagonalScatterImpl(t, s, offset, dim1, dim2));
}

function selectScatterImpl(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  return scatterInto('SelectScatterBackward0', input, src, (t) => select(t, dim, index), (t, s) => selectScatterImpl(t, s, dim, index));
}

function sliceScatterImpl(input: Tensor, src: Tensor, dim: number, start: number | null, end: number | null, step: number): Tensor {
  return scatterInto('SliceScatterBackward0', input, src, (t) => slice(t, dim, start, end, step), (t, s) => sliceScatterImpl(t, s, dim, start, end, step));
}

function asStridedScatterImpl(input: Tensor, src: Tensor, size: readonly number[], stride: readonly number[], storageOffset: number): Tensor {
  const region = (t: Tensor) => asStridedImpl(t.contiguous(), size, stride, storageOffset);
  return scatterInto('AsStridedScatterBackward0', input, src, region, (t, s) => asStridedScatterImpl(t, s, size, stride, storageOffset));
}

const src = ['src', tensorArg] as const;
const diagonalScatterOp = tensorOp('diagonalScatter', [src, ['offset', int, 0], ['dim1', int, 0], ['dim2', int, 1]] as const, (x, a) =>
  diagonalScatterImpl(x, a.src, a.offset, a.dim1, a.dim2),
);
const selectScatterOp = tensorOp('selectScatter', [src, ['dim', int], ['index', int]] as const, (x, a) => selectScatterImpl(x, a.src, a.dim, a.index));
const sliceScatterOp = tensorOp('sliceScatter', [src, ['dim', int, 0], ['start', nullable(int), null], ['end', nullable(int), null], ['step', int, 1]] as const, (x, a) =>
  sliceScatterImpl(x, a.src, a.dim, a.start, a.end, a.step),
);
const asStridedScatterOp = tensorOp('asStridedScatter', [src, ['size', intList], ['stride', intList], ['storageOffset', nullable(int), null]] as const, (x, a) =>
  asStridedScatterImpl(x, a.src, a.size, a.stride, a.storageOffset ?? 0),
);

/** torch.diagonal_scatter(input, src, offset=0, dim1=0, dim2=1): input with its diagonal replaced by src. */
export const diagonalScatter = diagonalScatterOp.fn;
/** torch.select_scatter(input, src, dim, index). */
export const selectScatter = selectScatterOp.fn;
/** torch.slice_scatter(input, src, dim=0, start=None, end=None, step=1). */
export const sliceScatter = sliceScatterOp.fn;
/** torch.as_strided_scatter(input, src, size, stride, storage_offset=None). */
export const asStridedScatter = asStridedScatterOp.fn;

// --- as_strided ---

function asStridedImpl(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset: number | null): Tensor {
  if (size.length !== stride.length) throw new RangeError(`mismatch in length of strides and shape`);
  for (const s of stride) if (s < 0) throw new RangeError(`as_strided: Negative strides are not supported at the moment, got strides: ${formatShape(stride)}`);
  for (const s of size) if (s < 0) throw new RangeError(`Trying to create tensor with negative dimension ${s}: ${formatShape(size)}`);
  const offset = storageOffset ?? x.offset;
  let last = offset;
  for (let d = 0; d < size.length; d++) last += size[d] === 0 ? 0 : (size[d] - 1) * stride[d];
  if (size.every((s) => s > 0) && last >= x.buffer.length) {
    throw new RangeError(
      `setStorage: sizes ${formatShape(size)}, strides ${formatShape(stride)}, storage offset ${offset}, and itemsize ${x.elementSize()} requiring a storage size of ${(last + 1) * x.elementSize()} are out of bounds for storage of size ${x.buffer.length * x.elementSize()}`,
    );
  }
  return asStridedView(x, size, stride, offset);
}

const asStridedOp = tensorOp('asStrided', [['size', intList], ['stride', intList], ['storageOffset', nullable(int), null]] as const, (x, a) =>
  asStridedImpl(x, a.size, a.stride, a.storageOffset),
);
/** torch.as_strided(input, size, stride, storage_offset=None): a view with explicit geometry over input's storage. */
export const asStrided = asStridedOp.fn;

// --- diag / diagEmbed / diagflat ---

class DiagBackward0 extends Node {
  readonly name = 'DiagBackward0';
  constructor(private readonly shape: number[], private readonly k: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    if (this.shape.length === 1) return [diagonalView(grad, this.k, 0, 1)];
    return [diagonalScatterImpl(zerosOf(this.shape, grad), grad, this.k, 0, 1)];
  }
}

function diagImpl(x: Tensor, k: number): Tensor {
  let out: Tensor;
  if (x.dim() === 1) {
    const n = x.shape[0] + Math.abs(k);
    out = diagonalScatterImpl(zerosOf([n, n], x), x.detach(), k, 0, 1);
  } else if (x.dim() === 2) {
    out = diagonalView(x.detach(), k, 0, 1).clone();
  } else {
    throw new RangeError('matrix or a vector expected');
  }
  if (needsGrad(x)) record(new DiagBackward0(x.shape.slice(), k), [x], [out]);
  return out;
}

const diagOp = tensorOp('diag', [['diagonal', int, 0]] as const, (x, a) => diagImpl(x, a.diagonal));
/** torch.diag(input, diagonal=0): a vector's diagonal matrix, or a matrix's diagonal as a vector. */
export const diag = diagOp.fn;

const diagflatOp = tensorOp('diagflat', [['offset', int, 0]] as const, (x, a) => diagImpl(x.contiguous().view(-1), a.offset));
/** torch.diagflat(input, offset=0): the diagonal matrix of the flattened input. */
export const diagflat = diagflatOp.fn;

class DiagEmbedBackward0 extends Node {
  readonly name = 'DiagEmbedBackward0';
  constructor(private readonly offset: number, private readonly dim1: number, private readonly dim2: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [diagonalView(g as Tensor, this.offset, this.dim1, this.dim2)];
  }
}

function diagEmbedImpl(x: Tensor, offset: number, dim1: number, dim2: number): Tensor {
  const n = x.dim() + 1;
  const d1 = normalizeDim(dim1, n);
  const d2 = normalizeDim(dim2, n);
  if (d1 === d2) throw new RangeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const size = (x.dim() === 0 ? 1 : x.shape[x.dim() - 1]) + Math.abs(offset);
  const shape = x.shape.slice(0, -1);
  const [lo, hi] = d1 < d2 ? [d1, d2] : [d2, d1];
  shape.splice(lo, 0, size);
  shape.splice(hi, 0, size);
  const out = diagonalScatterImpl(zerosOf(shape, x), x.detach(), offset, d1, d2);
  if (needsGrad(x)) record(new DiagEmbedBackward0(offset, d1, d2), [x], [out]);
  return out;
}

const diagEmbedOp = tensorOp('diagEmbed', [['offset', int, 0], ['dim1', int, -2], ['dim2', int, -1]] as const, (x, a) => diagEmbedImpl(x, a.offset, a.dim1, a.dim2));
/** torch.diag_embed(input, offset=0, dim1=-2, dim2=-1): the last dim of input placed on diagonals of new (dim1, dim2) planes. */
export const diagEmbed = diagEmbedOp.fn;

// --- trace ---

class TraceBackward0 extends Node {
  readonly name = 'TraceBackward0';
  constructor(private readonly shape: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const n = Math.min(this.shape[0], this.shape[1]);
    return [diagonalScatterImpl(zerosOf(this.shape, grad), grad.expand(n), 0, 0, 1)];
  }
}

const traceOp = tensorOp('trace', [] as const, (x) => {
  if (x.dim() !== 2) throw new RangeError(`trace: expected a matrix, but got tensor with dim ${x.dim()}`);
  const out = diagonalView(x.detach(), 0, 0, 1).sum();
  if (needsGrad(x)) record(new TraceBackward0(x.shape.slice()), [x], [out]);
  return out;
});
/** torch.trace(input): the sum of a matrix's main diagonal (integers sum to int64). */
export const trace = traceOp.fn;

// --- fill_diagonal_ ---

const fillDiagonalArgs = signature('fillDiagonal_', [['fillValue', numberArg], ['wrap', bool, false]] as const);

function fillDiagonal_(this: Tensor, ...args: ArgsOf<typeof fillDiagonalArgs>): Tensor {
  const a = fillDiagonalArgs.parse(args);
  const n = this.dim();
  if (n < 2) throw new RangeError('dimensions must larger than 1');
  const [height, width] = this.shape;
  if (n > 2 && this.shape.some((s) => s !== height)) throw new RangeError('all dimensions of input must be of equal length');
  const size = Math.min(height, width);
  const stride = this.strides.reduce((s, v) => s + v, 0);
  if (a.wrap && n === 2 && height > width + 1) {
    const step = width + 1;
    const wrapSize = Math.ceil(this.numel() / step) - size;
    asStridedView(this, [wrapSize], [stride], this.offset + this.strides[0] * (width + 1)).fill_(a.fillValue);
  }
  asStridedView(this, [size], [stride], this.offset).fill_(a.fillValue);
  return this;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    diagonal(...args: Parameters<typeof diagonalOp.method>): Tensor;
    diag(...args: Parameters<typeof diagOp.method>): Tensor;
    diagflat(...args: Parameters<typeof diagflatOp.method>): Tensor;
    diagEmbed(...args: Parameters<typeof diagEmbedOp.method>): Tensor;
    trace(): Tensor;
    diagonalScatter(...args: Parameters<typeof diagonalScatterOp.method>): Tensor;
    selectScatter(...args: Parameters<typeof selectScatterOp.method>): Tensor;
    sliceScatter(...args: Parameters<typeof sliceScatterOp.method>): Tensor;
    asStrided(...args: Parameters<typeof asStridedOp.method>): Tensor;
    asStridedScatter(...args: Parameters<typeof asStridedScatterOp.method>): Tensor;
    /** Fills the main diagonal in place (all dims equal for more than 2 dims; wrap continues below a tall matrix's square). */
    fillDiagonal_(...args: ArgsOf<typeof fillDiagonalArgs>): Tensor;
  }
}

const P = Tensor.prototype;
P.diagonal = diagonalOp.method;
P.diag = diagOp.method;
P.diagflat = diagflatOp.method;
P.diagEmbed = diagEmbedOp.method;
P.trace = traceOp.method;
P.diagonalScatter = diagonalScatterOp.method;
P.selectScatter = selectScatterOp.method;
P.sliceScatter = sliceScatterOp.method;
P.asStrided = asStridedOp.method;
P.asStridedScatter = asStridedScatterOp.method;
P.fillDiagonal_ = fillDiagonal_;
