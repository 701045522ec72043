// Indexing: Python's x[...] (basic views plus advanced tensor/mask indexing) as
// index(...) and indexPut_(...), and gather, scatter, indexSelect, indexAdd,
// maskedFill, maskedSelect, nonzero, oneHot.
import { backend } from '../backend/index.js';
import { any, bool, check, checkTensor, int, nullable, number, oneOf, signature, tensor as tensorArg, type ArgsOf, type Check } from '../tensor/args.js';
import { asNumbers, castScalar, indexReader, isFloatingDtype, type DType } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes, formatShape, normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { badOperand, boolMask, broadcastTo, castRaw, type TensorLike } from './kernels.js';
import { needsGrad, record } from './record.js';
import { pairOp, tensorOp } from './op-args.js';
import { select, slice, unsqueeze } from './view.js';
import { tensor as fromData } from '../tensor/create.js';
import { warnOnce } from '../tensor/warnings.js';

type Grad = Tensor | null;

/** A Python slice start:stop:step (any part may be null). */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}
}

/**
 * One entry of an index: a number (select), a slice ('1:3', '::2', ':' or a Slice),
 * '...' (ellipsis), null (a new axis), or advanced indices: an integer tensor, a
 * bool mask tensor, an array of numbers, or an array of booleans (a mask, as Python's x[[True, False]]).
 */
export type IndexItem = number | string | null | Slice | Tensor | readonly number[] | readonly boolean[];

function parseSlice(text: string): Slice {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) throw new SyntaxError(`invalid index '${text}': expected a slice like '1:3', '::2' or '...'`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === '') return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new SyntaxError(`invalid index '${text}': slice bounds must be integers`);
    return v;
  };
  return new Slice(num(parts[0]), num(parts[1]), num(parts[2]));
}

interface Advanced {
  dim: number;
  index: Tensor;
}

/** A uint8 tensor indexes as a mask, deprecated as in PyTorch. */
function isMask(item: IndexItem): item is Tensor {
  return item instanceof Tensor && (item.dtype === 'bool' || item.dtype === 'uint8');
}

/** Python's list of bools is a bool mask; a uint8 mask warns (PyTorch's deprecation). */
function maskOf(item: IndexItem): IndexItem {
  if (Array.isArray(item) && item.length > 0 && item.every((v) => typeof v === 'boolean')) return fromData(item, { dtype: 'bool' });
  if (item instanceof Tensor && item.dtype === 'uint8') warnOnce('indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.');
  return item;
}

function toIndexTensor(item: Tensor | readonly number[] | readonly boolean[]): Tensor {
  if (item instanceof Tensor) return item;
  const values = item as readonly unknown[];
  for (const v of values) if (!Number.isInteger(v)) throw new TypeError('index arrays must hold integers (or only booleans, a mask)');
  return Tensor.fromData(Float64Array.from(values as number[]), 'int64', [item.length]);
}

/** A 0-dim int64/int32 tensor, which indexes as its value does (not uint8/bool: those are masks). */
function isIntegerScalar(item: unknown): item is Tensor {
  return item instanceof Tensor && item.dim() === 0 && (item.dtype === 'int64' || item.dtype === 'int32');
}

/** nonzero(mask) as one int64 index tensor per mask dim. */
function maskIndices(mask: Tensor): Tensor[] {
  const nz = nonzero(mask);
  return Array.from({ length: mask.dim() }, (_, j) => nz.select(1, j));
}

/** Applies the basic part of an index (views) and collects the advanced part. */
function basicIndex(x: Tensor, given: readonly IndexItem[]): { view: Tensor; advanced: Advanced[] } {
  const items = given.map(maskOf);
  const consumed = items.reduce<number>((n, it) => {
    if (it === null || it === '...') return n;
    if (isMask(it)) return n + it.dim();
    return n + 1;
  }, 0);
  const ellipses = items.filter((it) => it === '...').length;
  if (ellipses > 1) throw new SyntaxError('an index can only have a single ellipsis (...)');
  if (consumed > x.dim()) {
    if (x.dim() === 0 && typeof items[0] === 'number') {
      throw new RangeError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
    }
    if (x.dim() === 0 && (typeof items[0] === 'string' || items[0] instanceof Slice)) throw new RangeError('slice() cannot be applied to a 0-dim tensor.');
    throw new RangeError(`too many indices for tensor of dimension ${x.dim()}`);
  }
  let view = x;
  let dim = 0;
  const advanced: Advanced[] = [];
  for (const item of items) {
    if (item === '...') {
      dim += x.dim() - consumed;
    } else if (item === null) {
      view = unsqueeze(view, dim);
      dim++;
    } else if (typeof item === 'number') {
      if (!Number.isInteger(item)) throw new TypeError(`index ${item} is not an integer`);
      view = select(view, dim, item);
    } else if (isIntegerScalar(item)) {
      // PyTorch indexes with a 0-dim integer tensor as with its int: a view (x[i] += v writes x)
      view = select(view, dim, Number(item.item()));
    } else if (typeof item === 'string' || item instanceof Slice) {
      const s = typeof item === 'string' ? parseSlice(item) : item;
      view = slice(view, dim, s.start, s.stop, s.step ?? 1);
      dim++;
    } else if (isMask(item) && item.dim() === 0) {
      // A 0-d mask adds a dim of size 1 (true) or 0 (false), as numpy and PyTorch do.
      view = unsqueeze(view, dim);
      const keep = item.item() !== 0;
      advanced.push({ dim, index: Tensor.fromData(new Float64Array(keep ? [0] : []), 'int64', [keep ? 1 : 0]) });
      dim++;
    } else if (isMask(item)) {
      for (let j = 0; j < item.dim(); j++) {
        if (item.shape[j] !== view.shape[dim + j]) {
          throw new RangeError(
            `The shape of the mask ${formatShape(item.shape)} at index ${j} does not match the shape of the indexed tensor ${formatShape(view.shape)} at index ${dim + j}`,
          );
        }
      }
      maskIndices(item).forEach((index, j) => advanced.push({ dim: dim + j, index }));
      dim += item.dim();
    } else {
      const index = toIndexTensor(item);
      if (isFloatingDtype(index.dtype)) throw new TypeError('tensors used as indices must be long, int, byte or bool tensors');
      advanced.push({ dim, index });
      dim++;
    }
  }
  return { view, advanced };
}

/** Where advanced indexing puts its broadcast dims and how values are laid out. */
interface Plan {
  broadcast: number[];
  /** Dims of the view not indexed, in order. */
  rest: number[];
  /** Position of the broadcast dims in the result (PyTorch: at the first advanced dim if they are adjacent, else first). */
  at: number;
  /** Linear index into the indexed dims (row-major over their sizes), int64 of shape `broadcast`. */
  linear: Tensor;
}

function planAdvanced(view: Tensor, advanced: Advanced[]): Plan {
  let broadcast: number[] = [];
  try {
    for (const a of advanced) broadcast = broadcastShapes(broadcast, a.index.shape);
  } catch {
    throw new RangeError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${advanced.map((a) => formatShape(a.index.shape)).join(', ')}`);
  }
  const dims = advanced.map((a) => a.dim);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  const rest = view.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const count = broadcast.reduce((a, b) => a * b, 1);
  const linear = new Float64Array(count);
  let scale = 1;
  for (let k = advanced.length - 1; k >= 0; k--) {
    const { dim, index } = advanced[k];
    const size = view.shape[dim];
    const values = Tensor.empty(broadcast.slice(), 'int64');
    backend().copy(broadcastTo(index, broadcast), values);
    const v = indexReader(values.buffer);
    for (let i = 0; i < count; i++) {
      const idx = v(i);
      if (idx < -size || idx >= size) throw new RangeError(`index ${String(values.buffer[i])} is out of bounds for dimension ${dim} with size ${size}`);
      linear[i] += (idx < 0 ? idx + size : idx) * scale;
    }
    scale *= size;
  }
  return { broadcast, rest, at: adjacent ? dims[0] : 0, linear: Tensor.fromData(linear, 'int64', [count]) };
}

/** The view with indexed dims first, flattened to one: [prod(indexed sizes), ...rest sizes]. */
function flattenIndexed(view: Tensor, advanced: Advanced[], rest: number[]): Tensor {
  const order = [...advanced.map((a) => a.dim), ...rest];
  const indexedSize = advanced.reduce((n, a) => n * view.shape[a.dim], 1);
  return view.permute(order).reshape([indexedSize, ...rest.map((d) => view.shape[d])]);
}

/** Moves the broadcast block of a [...broadcast, ...rest] tensor to position `at`. */
function placeBroadcast(t: Tensor, nb: number, at: number): Tensor {
  if (at === 0) return t;
  const n = t.dim();
  const order = [...Array.from({ length: at }, (_, i) => nb + i), ...Array.from({ length: nb }, (_, i) => i), ...Array.from({ length: n - nb - at }, (_, i) => nb + at + i)];
  return t.permute(order);
}

/** The inverse of placeBroadcast. */
function unplaceBroadcast(t: Tensor, nb: number, at: number): Tensor {
  if (at === 0) return t;
  const n = t.dim();
  const order = [...Array.from({ length: nb }, (_, i) => at + i), ...Array.from({ length: at }, (_, i) => i), ...Array.from({ length: n - nb - at }, (_, i) => nb + at + i)];
  return t.permute(order);
}

/** view[advanced] without autograd. */
function gatherAdvanced(view: Tensor, advanced: Advanced[], plan: Plan): Tensor {
  const flat = flattenIndexed(view, advanced, plan.rest);
  const restShape = plan.rest.map((d) => view.shape[d]);
  const out = Tensor.empty([plan.linear.numel(), ...restShape], view.dtype);
  backend().indexSelect(flat, 0, plan.linear, out.buffer);
  const shaped = new Tensor(out._storage, view.dtype, [...plan.broadcast, ...restShape]);
  return placeBroadcast(shaped, plan.broadcast.length, plan.at).contiguous();
}

/** target[advanced] (+)= values, in target's own memory, without autograd. */
function putAdvanced(target: Tensor, advanced: Advanced[], plan: Plan, values: Tensor, accumulate: boolean): void {
  const restShape = plan.rest.map((d) => target.shape[d]);
  const resultShape = placeBroadcast(Tensor.empty([...plan.broadcast, ...restShape], 'bool'), plan.broadcast.length, plan.at).shape;
  let vals: Tensor;
  try {
    vals = Tensor.empty(resultShape.slice(), target.dtype);
    backend().copy(broadcastTo(values.dtype === target.dtype ? values : castRaw(values, target.dtype), resultShape), vals);
  } catch {
    throw new RangeError(`shape mismatch: value tensor of shape ${formatShape(values.shape)} cannot be broadcast to indexing result of shape ${formatShape(resultShape)}`);
  }
  const src = unplaceBroadcast(vals, plan.broadcast.length, plan.at).reshape([plan.linear.numel(), ...restShape]);
  const order = [...advanced.map((a) => a.dim), ...plan.rest];
  const permuted = target.permute(order);
  const indexedSize = advanced.reduce((n, a) => n * target.shape[a.dim], 1);
  const flatShape = [indexedSize, ...restShape];
  const direct = permuted.isContiguous() || advanced.length === 1;
  if (direct) {
    // One indexed dim, or a contiguous permuted view: index it in place.
    const strides = advanced.length === 1 ? permuted.strides.slice() : flatStrides(permuted, flatShape);
    backend().indexPut({ buffer: target.buffer, dtype: target.dtype, shape: flatShape, strides, offset: target.offset }, 0, plan.linear, src, accumulate);
    return;
  }
  const tmp = permuted.contiguous().reshape(flatShape);
  backend().indexPut(tmp, 0, plan.linear, src, accumulate);
  backend().copy({ buffer: tmp.buffer, dtype: tmp.dtype, shape: permuted.shape, strides: contiguousLike(permuted.shape), offset: 0 }, permuted);
}

function flatStrides(permuted: Tensor, flatShape: number[]): number[] {
  const restStrides = permuted.strides.slice(permuted.dim() - (flatShape.length - 1));
  const last = permuted.dim() - flatShape.length; // index of the last indexed dim
  return [permuted.strides[last], ...restStrides];
}

function contiguousLike(shape: readonly number[]): number[] {
  return Tensor.empty(shape.slice(), 'bool').strides;
}

class IndexBackward0 extends Node {
  readonly name = 'IndexBackward0';
  constructor(private readonly shape: number[], private readonly advanced: Advanced[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const zeros = Tensor.empty(this.shape, (g as Tensor).dtype);
    return [indexPutAdvanced(zeros, this.advanced, g as Tensor, true)];
  }
}

class IndexPutBackward0 extends Node {
  readonly name = 'IndexPutBackward0';
  constructor(private readonly advanced: Advanced[], private readonly accumulate: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const gradSelf = this.accumulate ? grad : indexPutAdvanced(grad, this.advanced, Tensor.empty([], grad.dtype), false);
    return [gradSelf, indexAdvanced(grad, this.advanced)];
  }
}

function indexAdvanced(view: Tensor, advanced: Advanced[]): Tensor {
  const out = gatherAdvanced(view, advanced, planAdvanced(view, advanced));
  if (needsGrad(view)) record(new IndexBackward0(view.shape.slice(), advanced), [view], [out]);
  return out;
}

/** Out of place: a copy of x with x[advanced] (+)= values. */
function indexPutAdvanced(x: Tensor, advanced: Advanced[], values: Tensor, accumulate: boolean): Tensor {
  const out = castRaw(x, x.dtype);
  putAdvanced(out, advanced, planAdvanced(x, advanced), values, accumulate);
  if (needsGrad(x, values)) record(new IndexPutBackward0(advanced, accumulate), [x, values], [out]);
  return out;
}

/** Python's x[items]: basic items give a view, advanced ones a copy. */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  const { view, advanced } = basicIndex(x, items);
  return advanced.length === 0 ? view : indexAdvanced(view, advanced);
}

function valueTensor(value: TensorLike, dtype: DType): Tensor {
  if (typeof value !== 'number' && !(value instanceof Tensor) && typeof value !== 'boolean' && typeof value !== 'bigint') badOperand('indexPut_', 'values', 2, value);
  if (value instanceof Tensor) return value;
  return Tensor.scalar(typeof value === 'bigint' ? value : Number(value), isFloatingDtype(dtype) ? 'float64' : 'int64');
}

/** Python's x[items] = value (accumulate adds instead, as index_put_(..., accumulate=True)). */
export function indexPut_(x: Tensor, items: readonly IndexItem[], value: TensorLike, opts: { accumulate?: boolean } = {}): Tensor {
  const { view, advanced } = basicIndex(x, items);
  let values = valueTensor(value, x.dtype);
  // PyTorch's __setitem__ strips the value's leading size-1 dims before it copies or
  // index_puts (numpy's rule, slicePrefix1sSize): x[i] = v.unsqueeze(0) writes a row
  if (!opts.accumulate && values.dim() > 0 && values.shape[0] === 1) {
    const first = values.shape.findIndex((n) => n !== 1);
    values = values.reshape(first === -1 ? [] : values.shape.slice(first));
  }
  if (advanced.length === 0) {
    if (opts.accumulate) view.add_(values);
    else view.copy_(values.expand(view.shape)); // __setitem__'s expand_inplace, with expand's errors
    return x;
  }
  inplace(view, [values], (s) => indexPutAdvanced(s, advanced, values, opts.accumulate ?? false));
  return x;
}

// --- gather / scatter ---

function checkIndexTensor(index: Tensor, op: string): void {
  if (index.dtype !== 'int64') throw new TypeError(`${op}(): Expected dtype int64 for index`);
}

function checkGatherShapes(x: Tensor, dim: number, index: Tensor, op: string): void {
  if (index.dim() !== x.dim() && !(index.dim() <= 1 && x.dim() <= 1)) {
    throw new RangeError(`Index tensor must have the same number of dimensions as ${op === 'gather' ? 'input' : 'self'} tensor`);
  }
  for (let d = 0; d < index.dim(); d++) {
    if (d !== dim && index.shape[d] > x.shape[d]) {
      throw new RangeError(`Size does not match at dimension ${d} expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${dim}`);
    }
  }
}

class GatherBackward0 extends Node {
  readonly name = 'GatherBackward0';
  constructor(private readonly shape: number[], private readonly dim: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [index] = this.saved();
    return [Tensor.empty(this.shape, (g as Tensor).dtype).scatterAdd(this.dim, index, g as Tensor)];
  }
}

function gatherImpl(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor(index, 'gather');
  const d = normalizeDim(dim, x.dim());
  checkGatherShapes(x, d, index, 'gather');
  const out = Tensor.empty(index.shape.slice(), x.dtype);
  backend().gather(x, d, index, out.buffer);
  if (needsGrad(x)) record(new GatherBackward0(x.shape.slice(), d), [x], [out]).save(index);
  return out;
}

const gatherOp = tensorOp('gather', [['dim', int], ['index', tensorArg], '*', ['sparseGrad', bool, false]] as const, (x, a) => {
  if (a.sparseGrad) throw new TypeError('gather(): sparseGrad=true is not supported: torchlette has no sparse tensors');
  return gatherImpl(x, a.dim, a.index);
});
/** torch.gather(input, dim, index, *, sparse_grad=False). */
export const gather = gatherOp.fn;

class ScatterBackward extends Node {
  constructor(readonly name: string, private readonly dim: number, private readonly add: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [index] = this.saved();
    const grad = g as Tensor;
    return [this.add ? grad : grad.scatter(this.dim, index, 0), grad.gather(this.dim, index)];
  }
}

/** Out of place: a copy of x with src (or a value) scattered along dim at index. */
function scatterImpl(x: Tensor, dim: number, index: Tensor, src: Tensor | number, opts: { reduce?: 'add' } = {}): Tensor {
  checkIndexTensor(index, 'scatter');
  const d = normalizeDim(dim, x.dim());
  checkGatherShapes(x, d, index, 'scatter');
  const accumulate = opts.reduce === 'add';
  const out = castRaw(x, x.dtype);
  const source: Tensor = src instanceof Tensor ? src : Tensor.scalar(src, x.dtype);
  if (src instanceof Tensor) {
    for (let k = 0; k < index.dim(); k++) {
      if (index.shape[k] > src.shape[k]) {
        throw new RangeError(`Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d} and to be smaller size than src ${formatShape(src.shape)}`);
      }
    }
  }
  const srcView = src instanceof Tensor ? { ...viewOf(castIfNeeded(source, x.dtype)), shape: index.shape } : broadcastTo(source, index.shape);
  backend().scatter(out, d, index, srcView, accumulate);
  const ts = src instanceof Tensor ? src : null;
  if (needsGrad(x, ts)) {
    const name = accumulate ? 'ScatterReduceBackward0' : ts ? 'ScatterBackward0' : 'ScatterBackward1';
    record(new ScatterBackward(name, d, accumulate), [x, ts], [out]).save(index);
  }
  return out;
}

function castIfNeeded(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : castRaw(t, dtype);
}

function viewOf(t: Tensor) {
  return { buffer: t.buffer, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

function scatterAddImpl(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndexTensor(index, 'scatter_add');
  const d = normalizeDim(dim, x.dim());
  checkGatherShapes(x, d, index, 'scatter_add');
  const out = castRaw(x, x.dtype);
  backend().scatter(out, d, index, { ...viewOf(castIfNeeded(src, x.dtype)), shape: index.shape }, true);
  if (needsGrad(x, src)) record(new ScatterBackward('ScatterAddBackward0', d, true), [x, src], [out]).save(index);
  return out;
}

// --- index_select / index_add ---

function checkIndexVector(index: Tensor, op: string): void {
  if (index.dim() > 1) throw new RangeError(`${op}(): Index is supposed to be a vector`);
  if (index.dtype !== 'int64' && index.dtype !== 'int32') throw new TypeError(`${op}(): Expected dtype int32/int64 for index`);
}

class IndexSelectBackward0 extends Node {
  readonly name = 'IndexSelectBackward0';
  constructor(private readonly shape: number[], private readonly dim: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [index] = this.saved();
    return [Tensor.empty(this.shape, (g as Tensor).dtype).indexAdd(this.dim, index, g as Tensor)];
  }
}

function indexSelectImpl(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexVector(index, 'index_select');
  const d = normalizeDim(dim, x.dim());
  const shape = x.shape.slice();
  if (shape.length > 0) shape[d] = index.numel();
  const out = Tensor.empty(shape, x.dtype);
  backend().indexSelect(x, d, index, out.buffer);
  if (needsGrad(x)) record(new IndexSelectBackward0(x.shape.slice(), d), [x], [out]).save(index);
  return out;
}

class IndexAddBackward0 extends Node {
  readonly name = 'IndexAddBackward0';
  constructor(private readonly dim: number, private readonly alpha: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [index] = this.saved();
    const grad = g as Tensor;
    const gs = grad.indexSelect(this.dim, index);
    return [grad, this.alpha === 1 ? gs : gs.mul(this.alpha)];
  }
}

function indexAddImpl(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: { alpha?: number } = {}): Tensor {
  checkIndexVector(index, 'index_add');
  const d = normalizeDim(dim, x.dim());
  const alpha = opts.alpha ?? 1;
  const out = castRaw(x, x.dtype);
  const src = alpha === 1 ? castIfNeeded(source, x.dtype) : castIfNeeded(source.detach().mul(alpha), x.dtype);
  backend().indexPut(out, d, index, src, true);
  if (needsGrad(x, source)) record(new IndexAddBackward0(d, alpha), [x, source], [out]).save(index);
  return out;
}

// --- masks ---

class MaskedFillBackward0 extends Node {
  readonly name = 'MaskedFillBackward0';
  backward([g]: Grad[]): Grad[] {
    const [mask] = this.saved();
    const grad = g as Tensor;
    return [grad.maskedFill(mask, 0), grad.where(mask, 0).sum()];
  }
}

function maskedFillImpl(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  checkTensor('maskedFill', 'input', 1, x);
  checkTensor('maskedFill', 'mask', 2, mask);
  if (typeof value !== 'number' && !(value instanceof Tensor) && typeof value !== 'boolean' && typeof value !== 'bigint') badOperand('maskedFill', 'value', 3, value);
  if (value instanceof Tensor && value.dim() !== 0) {
    throw new RangeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  }
  mask = boolMask('masked_fill_', mask, `masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const shape = broadcastShapes(x.shape, mask.shape);
  const v = value instanceof Tensor ? castIfNeeded(value, x.dtype) : Tensor.scalar(typeof value === 'bigint' ? value : Number(value), x.dtype);
  const out = Tensor.empty(shape, x.dtype);
  backend().where(broadcastTo(mask, shape), broadcastTo(v, shape), broadcastTo(x, shape), out.buffer);
  const tv = value instanceof Tensor ? value : null;
  if (needsGrad(x, tv)) record(new MaskedFillBackward0(), [x, tv], [out]).save(mask);
  return out;
}

class MaskedSelectBackward0 extends Node {
  readonly name = 'MaskedSelectBackward0';
  constructor(private readonly shape: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [mask] = this.saved();
    const zeros = Tensor.empty(this.shape, (g as Tensor).dtype);
    return [indexPutAdvanced(zeros, maskAdvanced(mask.expand(this.shape)), g as Tensor, true)];
  }
}

function maskAdvanced(mask: Tensor): Advanced[] {
  return maskIndices(mask).map((index, dim) => ({ dim, index }));
}

/** The elements of x where mask (broadcast together) is true, as a 1-D tensor. */
function maskedSelectOf(x: Tensor, mask: Tensor): Tensor {
  mask = boolMask('masked_select', mask, 'masked_select: expected BoolTensor for mask');
  const shape = broadcastShapes(x.shape, mask.shape);
  if (shape.length === 0) return maskedSelectOf(x.reshape(1), mask.reshape(1));
  const xb = new Tensor(x._storage, x.dtype, shape, broadcastTo(x, shape).strides.slice(), x.offset);
  const advanced = maskAdvanced(mask.expand(shape));
  const out = gatherAdvanced(xb, advanced, planAdvanced(xb, advanced));
  if (needsGrad(x)) record(new MaskedSelectBackward0(shape), [x], [out]).save(mask);
  return out;
}

// torch.maskedSelect(input, mask) / input.maskedSelect(mask), mask by name too.
const maskedSelectOp = pairOp('maskedSelect', 'mask', maskedSelectOf);
export const maskedSelect = maskedSelectOp.fn;

const nonzeroSig = signature('nonzero', [['input', tensorArg], '*', ['asTuple', bool, false]] as const);
/** Indices of non-zero elements: int64 [count, ndim] (or one 1-D tensor per dim with asTuple). */
export function nonzero(x: Tensor): Tensor;
export function nonzero(x: Tensor, opts: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, opts: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  if (arguments.length > 1) opts = { asTuple: nonzeroSig.parse([x, opts]).asTuple };
  const values = castRaw(x, x.dtype).buffer;
  const nd = x.dim();
  const nonZero = values instanceof BigInt64Array ? (v: bigint | number) => v !== 0n : (v: bigint | number) => v !== 0;
  const strides = contiguousLike(x.shape);
  const hits: number[] = [];
  for (let i = 0; i < values.length; i++) if (nonZero(values[i])) hits.push(i);
  const out = new Float64Array(hits.length * nd);
  hits.forEach((flat, r) => {
    let rem = flat;
    for (let d = 0; d < nd; d++) {
      out[r * nd + d] = Math.floor(rem / strides[d]);
      rem %= strides[d];
    }
  });
  const result = Tensor.fromData(out, 'int64', [hits.length, nd]);
  if (opts.asTuple) return Array.from({ length: nd }, (_, d) => result.select(1, d).contiguous());
  return result;
}

function oneHotImpl(t: Tensor, numClasses = -1): Tensor {
  if (t.dtype !== 'int64') throw new TypeError('one_hot is only applicable to index tensor.');
  const values = asNumbers(castRaw(t, 'int64').buffer);
  let max = -1;
  for (const v of values) {
    if (v < 0) throw new RangeError('Class values must be non-negative.');
    if (v > max) max = v;
  }
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (numClasses !== -1 && max >= numClasses) throw new RangeError('Class values must be smaller than num_classes.');
  const out = new Float64Array(values.length * n);
  values.forEach((v, i) => (out[i * n + v] = 1));
  return Tensor.fromData(out, 'int64', [...t.shape, n]);
}

// --- the methods' and functions' PyTorch parameters (positional or options) ---
// Values are checked by the ops themselves (`any` here), whose errors match PyTorch's.

const value = any as Check<TensorLike>;
const scatterSpec = [['dim', int], ['index', tensorArg], ['src', nullable(value), null], '*', ['value', nullable(number), null], ['reduce', nullable(oneOf('add')), null]] as const;
function scatterWith(x: Tensor, a: { dim: number; index: Tensor; src: TensorLike | null; value: number | null; reduce: 'add' | null }): Tensor {
  const src = a.src ?? a.value;
  if (src === null) throw new TypeError("scatter(): missing required argument 'src' (or 'value')");
  if (a.src !== null && a.value !== null) throw new TypeError("scatter(): got both 'src' and 'value'");
  return scatterImpl(x, a.dim, a.index, src as Tensor | number, a.reduce === null ? {} : { reduce: a.reduce });
}
const scatterOp = tensorOp('scatter', scatterSpec, scatterWith);
const scatterInplaceOp = tensorOp('scatter_', scatterSpec, (x, a) => inplace(x, [a.src instanceof Tensor ? a.src : null], (s) => scatterWith(s, a)));
const scatterAddSpec = [['dim', int], ['index', tensorArg], ['src', tensorArg]] as const;
const scatterAddOp = tensorOp('scatterAdd', scatterAddSpec, (x, a) => scatterAddImpl(x, a.dim, a.index, a.src));
const scatterAddInplaceOp = tensorOp('scatterAdd_', scatterAddSpec, (x, a) => inplace(x, [a.src], (s) => scatterAddImpl(s, a.dim, a.index, a.src)));
const indexSelectOp = tensorOp('indexSelect', [['dim', int], ['index', tensorArg]] as const, (x, a) => indexSelectImpl(x, a.dim, a.index));
const indexAddSpec = [['dim', int], ['index', tensorArg], ['source', tensorArg], '*', ['alpha', number, 1]] as const;
const indexAddOp = tensorOp('indexAdd', indexAddSpec, (x, a) => indexAddImpl(x, a.dim, a.index, a.source, { alpha: a.alpha }));
const indexAddInplaceOp = tensorOp('indexAdd_', indexAddSpec, (x, a) => inplace(x, [a.source], (s) => indexAddImpl(s, a.dim, a.index, a.source, { alpha: a.alpha })));
const maskedFillSpec = [['mask', any as Check<Tensor>], ['value', value]] as const;
const maskedFillOp = tensorOp('maskedFill', maskedFillSpec, (x, a) => maskedFillImpl(x, a.mask, a.value));
const maskedFillInplaceOp = tensorOp('maskedFill_', maskedFillSpec, (x, a) => inplace(x, [a.value instanceof Tensor ? a.value : null], (s) => maskedFillImpl(s, a.mask, a.value)));

const oneHotOp = tensorOp('oneHot', [['numClasses', int, -1]] as const, (x, a) => oneHotImpl(x, a.numClasses));

export const scatter = scatterOp.fn;
export const scatterAdd = scatterAddOp.fn;
export const indexSelect = indexSelectOp.fn;
export const indexAdd = indexAddOp.fn;
export const maskedFill = maskedFillOp.fn;
/** nn.functional.one_hot(tensor, num_classes=-1). */
export const oneHot = oneHotOp.fn;

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Python's x[i, 1:3, ..., None, idx]: index(i, '1:3', '...', null, idx). */
    index(...items: IndexItem[]): Tensor;
    /** Python's x[items] = value. */
    indexPut_(...args: ArgsOf<typeof indexPutArgs>): Tensor;
    gather(...args: Parameters<typeof gatherOp.method>): Tensor;
    scatter(...args: Parameters<typeof scatterOp.method>): Tensor;
    scatter_(...args: Parameters<typeof scatterInplaceOp.method>): Tensor;
    scatterAdd(...args: Parameters<typeof scatterAddOp.method>): Tensor;
    scatterAdd_(...args: Parameters<typeof scatterAddInplaceOp.method>): Tensor;
    indexSelect(...args: Parameters<typeof indexSelectOp.method>): Tensor;
    indexAdd(...args: Parameters<typeof indexAddOp.method>): Tensor;
    indexAdd_(...args: Parameters<typeof indexAddInplaceOp.method>): Tensor;
    maskedFill(...args: Parameters<typeof maskedFillOp.method>): Tensor;
    maskedFill_(...args: Parameters<typeof maskedFillInplaceOp.method>): Tensor;
    maskedSelect(...args: Parameters<typeof maskedSelectOp.method>): Tensor;
    nonzero(): Tensor;
    nonzero(opts: { asTuple: true }): Tensor[];
  }
}

const P = Tensor.prototype;
P.index = function (this: Tensor, ...items: IndexItem[]) {
  return index(this, ...items);
};
// index_put_(indices, values, accumulate=False), by position or by name.
const indexPutArgs = signature('indexPut_', [
  ['indices', check<readonly IndexItem[]>('a list of indices', (v) => Array.isArray(v))],
  ['values', check<TensorLike>('Tensor', (v) => v instanceof Tensor || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')],
  ['accumulate', bool, false],
] as const);
P.indexPut_ = function (this: Tensor, ...args: ArgsOf<typeof indexPutArgs>) {
  const a = indexPutArgs.parse(args);
  return indexPut_(this, a.indices, a.values, a);
};
P.gather = gatherOp.method;
P.scatter = scatterOp.method;
P.scatter_ = scatterInplaceOp.method;
P.scatterAdd = scatterAddOp.method;
P.scatterAdd_ = scatterAddInplaceOp.method;
P.indexSelect = indexSelectOp.method;
P.indexAdd = indexAddOp.method;
P.indexAdd_ = indexAddInplaceOp.method;
P.maskedFill = maskedFillOp.method;
P.maskedFill_ = maskedFillInplaceOp.method;
P.maskedSelect = maskedSelectOp.method;
P.nonzero = function (this: Tensor, opts?: { asTuple?: boolean }) {
  return nonzero(this, opts as { asTuple: true });
} as Tensor['nonzero'];
