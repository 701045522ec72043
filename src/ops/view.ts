// View ops: new shape/strides/offset over the same storage and version counter.
import { allocate, type DType } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import {
  broadcastStrides,
  contiguousStrides,
  formatShape,
  inferShape,
  normalizeDim,
  parseShape,
  viewStrides,
} from '../tensor/shape.js';
import { Storage, Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from './record.js';
import { pairOp, tensorOp } from './op-args.js';
import { int, intList, intOrList, isPlainObject, nullable, signature } from '../tensor/args.js';
import { sumToShape } from './reduce.js';
import { warnOnce } from '../tensor/warnings.js';

export interface Geometry {
  shape: number[];
  strides: number[];
  offset: number;
}

export interface Layout extends Geometry {
  dtype: DType;
  storageSize: number;
}

export function geometryOf(t: Tensor): Geometry {
  return { shape: t.shape.slice(), strides: t.strides.slice(), offset: t.offset };
}

export function layoutOf(t: Tensor): Layout {
  return { ...geometryOf(t), dtype: t.dtype, storageSize: t.buffer.length };
}

/** Zeros with exactly `layout`'s strides and offset (over a fresh buffer of its storage's size). */
export function zerosLaidOut(layout: Layout): Tensor {
  return new Tensor(new Storage(allocate(layout.dtype, layout.storageSize)), layout.dtype, layout.shape.slice(), layout.strides.slice(), layout.offset);
}

/** A tensor sharing src's memory and version counter; it remembers its base (in grad mode as a differentiable view). */
export function makeView(src: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  const v = new Tensor(src._storage, src._dtype, shape, strides, offset, src._versionCounter);
  if (isGradEnabled()) {
    const base = src._base ?? src;
    v._base = base;
    v._viewEpoch = base._historyEpoch;
  } else {
    v._noGradViewOf = src._base ?? src._noGradViewOf ?? src;
  }
  return v;
}

type ShapeInput = readonly (number | readonly number[])[];

// --- as_strided (also the regenerated history of views, see inplace.ts) ---

export class AsStridedBackward0 extends Node {
  readonly name = 'AsStridedBackward0';
  private readonly base: Layout;
  private readonly view: Geometry;
  constructor(base: Tensor, view: Geometry) {
    super();
    this.base = layoutOf(base);
    this.view = view;
  }
  backward([grad]: (Tensor | null)[]): (Tensor | null)[] {
    const laid = zerosLaidOut(this.base);
    asStrided(laid, this.view.shape, this.view.strides, this.view.offset).copy_(grad as Tensor);
    return [laid];
  }
}

/** A view with explicit shape, strides and storage offset; internal (its backward assumes no overlap). */
export function asStrided(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const out = makeView(x, shape.slice(), strides.slice(), offset);
  if (needsGrad(x)) record(new AsStridedBackward0(x, geometryOf(out)), [x], [out]);
  return out;
}

// --- view / reshape ---

class ReshapeBackward extends Node {
  constructor(readonly name: string, private readonly shape: number[]) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [(g as Tensor).reshape(this.shape)];
  }
}

function viewAs(x: Tensor, target: number[], nodeName: string): Tensor | null {
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) return null;
  const out = makeView(x, target, strides, x.offset);
  if (needsGrad(x)) record(new ReshapeBackward(nodeName, x.shape.slice()), [x], [out]);
  return out;
}

export function view(x: Tensor, ...shape: ShapeInput): Tensor {
  const target = inferShape(parseShape(shape), x.numel());
  const out = viewAs(x, target, 'ViewBackward0');
  if (out === null) {
    throw new Error(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.`,
    );
  }
  return out;
}

export function reshape(x: Tensor, ...shape: ShapeInput): Tensor {
  const target = inferShape(parseShape(shape), x.numel());
  const out = viewAs(x, target, 'ReshapeAliasBackward0');
  if (out !== null) return out;
  const copy = x.contiguous();
  const result = new Tensor(copy._storage, copy.dtype, target, contiguousStrides(target), 0, copy._versionCounter);
  if (needsGrad(copy)) record(new ReshapeBackward('UnsafeViewBackward0', x.shape.slice()), [copy], [result]);
  return result;
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.dim());
  const e = normalizeDim(endDim, x.dim());
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.dim());
  const inner = inferShape(sizes, x.shape[d]);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

// --- squeeze / unsqueeze ---

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim() + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  const stride = d < x.dim() ? x.shape[d] * x.strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  const out = makeView(x, shape, strides, x.offset);
  if (needsGrad(x)) record(new UnsqueezeBackward0(d), [x], [out]);
  return out;
}

class UnsqueezeBackward0 extends Node {
  readonly name = 'UnsqueezeBackward0';
  constructor(private readonly dim: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [(g as Tensor).squeeze(this.dim)];
  }
}

/** Puts back the size-1 dims a squeeze removed (PyTorch's unsqueeze_to). */
class SqueezeBackward extends Node {
  constructor(readonly name: string, private readonly removed: number[]) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    let grad = g as Tensor;
    for (const d of this.removed) grad = grad.unsqueeze(d);
    return [grad];
  }
}

export function squeeze(x: Tensor, dim?: number, nodeName?: string): Tensor {
  const keep = (i: number) => (dim === undefined ? x.shape[i] !== 1 : i !== normalizeDim(dim, x.dim()) || x.shape[i] !== 1);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < x.dim(); i++) {
    if (keep(i)) {
      shape.push(x.shape[i]);
      strides.push(x.strides[i]);
    }
  }
  const out = makeView(x, shape, strides, x.offset);
  if (needsGrad(x)) {
    const removed = x.shape.map((_, i) => i).filter((i) => !keep(i));
    record(new SqueezeBackward(nodeName ?? (dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1'), removed), [x], [out]);
  }
  return out;
}

// --- permute / transpose ---

class PermuteBackward extends Node {
  constructor(readonly name: string, private readonly inverse: number[]) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [(g as Tensor).permute(this.inverse)];
  }
}

function permuteWith(x: Tensor, dims: number[], nodeName: string): Tensor {
  const n = x.dim();
  if (dims.length !== n) {
    throw new RangeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${n} is not equal to len(dims) = ${dims.length}`);
  }
  const d = dims.map((v) => normalizeDim(v, n));
  if (new Set(d).size !== n) throw new RangeError('permute(): duplicate dims are not allowed.');
  const out = makeView(x, d.map((i) => x.shape[i]), d.map((i) => x.strides[i]), x.offset);
  if (needsGrad(x)) {
    const inverse = new Array<number>(n);
    d.forEach((v, i) => (inverse[v] = i));
    record(new PermuteBackward(nodeName, inverse), [x], [out]);
  }
  return out;
}

export function permute(x: Tensor, ...dims: ShapeInput): Tensor {
  return permuteWith(x, parseShape(dims), 'PermuteBackward0');
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const n = x.dim();
  const order = Array.from({ length: n }, (_, i) => i);
  if (n > 0) {
    const a = normalizeDim(dim0, n);
    const b = normalizeDim(dim1, n);
    [order[a], order[b]] = [order[b], order[a]];
  }
  return permuteWith(x, order, 'TransposeBackward0');
}

export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  return permuteWith(x, x.dim() === 2 ? [1, 0] : x.dim() === 1 ? [0] : [], 'TBackward0');
}

export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const n = x.dim();
  const s = normalizeDim(source, n);
  const d = normalizeDim(destination, n);
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permuteWith(x, order, 'PermuteBackward0');
}

// --- expand ---

class ExpandBackward0 extends Node {
  readonly name = 'ExpandBackward0';
  constructor(private readonly shape: number[]) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [sumToShape(g as Tensor, this.shape)];
  }
}

export function expand(x: Tensor, ...sizes: ShapeInput): Tensor {
  const requested = parseShape(sizes);
  if (requested.length < x.dim()) {
    throw new RangeError(
      `expand(torch.FloatTensor{${formatShape(x.shape)}}, size=${formatShape(requested)}): the number of sizes provided (${requested.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`,
    );
  }
  const lead = requested.length - x.dim();
  const target = requested.map((s, i) => (s === -1 ? (i < lead ? -1 : x.shape[i - lead]) : s));
  if (target.some((s) => s < 0)) throw new RangeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${target.indexOf(-1)}`);
  const out = makeView(x, target, broadcastStrides(x.shape, x.strides, target), x.offset);
  if (needsGrad(x)) record(new ExpandBackward0(x.shape.slice()), [x], [out]);
  return out;
}

// --- slicing ---

class SliceBackward0 extends Node {
  readonly name = 'SliceBackward0';
  constructor(private readonly shape: number[], private readonly dim: number, private readonly start: number, private readonly end: number, private readonly step: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const grad = g as Tensor;
    const out = Tensor.empty(this.shape, grad.dtype);
    slice(out, this.dim, this.start, this.end, this.step).copy_(grad);
    return [out];
  }
}

/** x[..., start:end:step, ...] along `dim`, with Python's clamping of out-of-range bounds. */
export function slice(x: Tensor, dim: number, start: number | null = 0, end: number | null = null, step = 1): Tensor {
  const d = normalizeDim(dim, x.dim());
  if (step <= 0) throw new RangeError('slice step must be positive');
  const size = x.shape[d];
  let s = start ?? 0;
  let e = end ?? size;
  if (s < 0) s += size;
  if (e < 0) e += size;
  s = Math.min(Math.max(s, 0), size);
  e = Math.min(Math.max(e, s), size);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]);
  if (needsGrad(x)) record(new SliceBackward0(x.shape.slice(), d, s, e, step), [x], [out]);
  return out;
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new RangeError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (length < 0 || s + length > size) throw new RangeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(x, d, s, s + length, 1);
}

class SelectBackward0 extends Node {
  readonly name = 'SelectBackward0';
  constructor(private readonly shape: number[], private readonly dim: number, private readonly index: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const grad = g as Tensor;
    const out = Tensor.empty(this.shape, grad.dtype);
    select(out, this.dim, this.index).copy_(grad);
    return [out];
  }
}

/** x[..., index, ...] along `dim` (removes the dim). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new RangeError('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select(): index ${index} out of range for tensor of size ${formatShape(x.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 1);
  strides.splice(d, 1);
  const out = makeView(x, shape, strides, x.offset + i * x.strides[d]);
  if (needsGrad(x)) record(new SelectBackward0(x.shape.slice(), d, i), [x], [out]);
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    view(...shape: number[]): Tensor;
    view(shape: readonly number[]): Tensor;
    view(options: { size: readonly number[] }): Tensor;
    viewAs(other: Tensor): Tensor;
    viewAs(options: { other: Tensor }): Tensor;
    reshape(...shape: number[]): Tensor;
    reshape(shape: readonly number[]): Tensor;
    reshape(options: { shape: readonly number[] }): Tensor;
    reshapeAs(other: Tensor): Tensor;
    reshapeAs(options: { other: Tensor }): Tensor;
    permute(...dims: number[]): Tensor;
    permute(dims: readonly number[]): Tensor;
    permute(options: { dims: readonly number[] }): Tensor;
    t(): Tensor;
    /** PyTorch's .T: all dims reversed. */
    readonly T: Tensor;
    /** PyTorch's .mT: the last two dims swapped. */
    readonly mT: Tensor;
    expand(...sizes: number[]): Tensor;
    expand(sizes: readonly number[]): Tensor;
    expand(options: { size: readonly number[] }): Tensor;
    expandAs(other: Tensor): Tensor;
    expandAs(options: { other: Tensor }): Tensor;
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
  }
}

// x.view({ size }), reshape({ shape }), permute({ dims }), expand({ size }): the list by
// PyTorch's name, as one options object; sizes as arguments or one list skip this.
const LIST_OPTION = {
  view: signature('view', [['size', intList]] as const),
  reshape: signature('reshape', [['shape', intList]] as const),
  permute: signature('permute', [['dims', intList]] as const),
  expand: signature('expand', [['size', intList]] as const),
};
function listArgs(name: keyof typeof LIST_OPTION, args: ShapeInput): ShapeInput {
  if (args.length !== 1 || !isPlainObject(args[0])) return args;
  return [Object.values(LIST_OPTION[name].parse(args))[0] as readonly number[]];
}

const P = Tensor.prototype;
P.view = function (this: Tensor, ...shape: ShapeInput) {
  return view(this, ...listArgs('view', shape));
} as Tensor['view'];
// x.viewAs(other) / reshapeAs / expandAs, other by name too.
P.viewAs = pairOp('viewAs', 'other', (x, other) => view(x, other.shape)).method;
P.reshape = function (this: Tensor, ...shape: ShapeInput) {
  return reshape(this, ...listArgs('reshape', shape));
} as Tensor['reshape'];
P.reshapeAs = pairOp('reshapeAs', 'other', (x, other) => reshape(x, other.shape)).method;
P.permute = function (this: Tensor, ...dims: ShapeInput) {
  return permute(this, ...listArgs('permute', dims));
} as Tensor['permute'];
P.t = function (this: Tensor) {
  return t(this);
};
Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    const n = this.dim();
    if (n !== 2 && n !== 0) {
      warnOnce('The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.');
    }
    return permuteWith(this, Array.from({ length: this.dim() }, (_, i) => this.dim() - 1 - i), 'PermuteBackward0');
  },
});
Object.defineProperty(P, 'mT', {
  get(this: Tensor) {
    if (this.dim() < 2) throw new RangeError('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.');
    return transpose(this, -2, -1);
  },
});
P.expand = function (this: Tensor, ...sizes: ShapeInput) {
  return expand(this, ...listArgs('expand', sizes));
} as Tensor['expand'];
P.expandAs = pairOp('expandAs', 'other', (x, other) => expand(x, other.shape)).method;
P.slice = function (this: Tensor, dim: number, start?: number | null, end?: number | null, step?: number) {
  return slice(this, dim, start, end, step);
};

// --- the public spellings: PyTorch's parameters, positional or as options (x.flatten({ startDim: 1 })) ---
// The functions above stay positional for the ops that call them internally.

const flattenOp = tensorOp('flatten', [['startDim', int, 0], ['endDim', int, -1]] as const, (x, a) => flatten(x, a.startDim, a.endDim));
const unflattenOp = tensorOp('unflatten', [['dim', int], ['sizes', intList]] as const, (x, a) => unflatten(x, a.dim, a.sizes));
const squeezeOp = tensorOp('squeeze', [['dim', nullable(int), null]] as const, (x, a) => squeeze(x, a.dim ?? undefined));
const unsqueezeOp = tensorOp('unsqueeze', [['dim', int]] as const, (x, a) => unsqueeze(x, a.dim));
const transposeOp = tensorOp('transpose', [['dim0', int], ['dim1', int]] as const, (x, a) => transpose(x, a.dim0, a.dim1));
const narrowOp = tensorOp('narrow', [['dim', int], ['start', int], ['length', int]] as const, (x, a) => narrow(x, a.dim, a.start, a.length));
const selectOp = tensorOp('select', [['dim', int], ['index', int]] as const, (x, a) => select(x, a.dim, a.index));
// movedim takes an int or a list of ints for both (moveaxis is the same op under numpy's name).
const movedimOp = tensorOp('movedim', [['source', intOrList], ['destination', intOrList]] as const, (x, a) => x.moveaxis(a.source, a.destination));

/** torch.flatten, torch.squeeze, …: the parsing twins of the positional functions above (ops/index.ts exports them). */
export const viewFunctions = {
  flatten: flattenOp.fn, unflatten: unflattenOp.fn, squeeze: squeezeOp.fn, unsqueeze: unsqueezeOp.fn,
  transpose: transposeOp.fn, narrow: narrowOp.fn, select: selectOp.fn, movedim: movedimOp.fn,
};

declare module '../tensor/tensor.js' {
  interface Tensor {
    flatten(...args: Parameters<typeof flattenOp.method>): Tensor;
    unflatten(...args: Parameters<typeof unflattenOp.method>): Tensor;
    squeeze(...args: Parameters<typeof squeezeOp.method>): Tensor;
    unsqueeze(...args: Parameters<typeof unsqueezeOp.method>): Tensor;
    transpose(...args: Parameters<typeof transposeOp.method>): Tensor;
    narrow(...args: Parameters<typeof narrowOp.method>): Tensor;
    select(...args: Parameters<typeof selectOp.method>): Tensor;
    movedim(...args: Parameters<typeof movedimOp.method>): Tensor;
  }
}

P.flatten = flattenOp.method;
P.unflatten = unflattenOp.method;
P.squeeze = squeezeOp.method;
P.unsqueeze = unsqueezeOp.method;
P.transpose = transposeOp.method;
P.narrow = narrowOp.method;
P.select = selectOp.method;
P.movedim = movedimOp.method;
