// Indexing ops beyond gather/scatter: take, takeAlongDim, put, indexFill, indexCopy, indexReduce,
// scatterReduce, maskedScatter and the out-of-place indexPut. Values move through the
// indexSelect / indexPut / gather kernels; scatterReduce's prod/amax/amin/mean, which have
// no kernel, run one JS pass over the index tensor (as the backends' scatter does).
import { backend } from '../backend/index.js';
import { bool, check, checkTensor, either, int, nullable, number as numberArg, numberOrBigint, oneOf, signature, tensor as tensorArg, type ArgsOf } from '../tensor/args.js';
import { asNumbers, castScalar, isFloatingDtype } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes, contiguousStrides, formatShape, normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { tensorOp } from './op-args.js';
import { cat } from './join.js';
import { boolMask, broadcastTo, castRaw } from './kernels.js';
import type { IndexItem } from './indexing.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

class Backward extends Node {
  constructor(readonly name: string, private readonly grads: (g: Tensor, saved: Tensor[]) => Grad[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return this.grads(g as Tensor, this.saved());
  }
}

function checkLong(op: string, index: Tensor): void {
  if (index.dtype !== 'int64') throw new TypeError(`${op}(): Expected a long tensor for index, but got ${index.dtype}`);
}

/** Flat indices of `index` wrapped into [0, numel), with PyTorch's out-of-range message. */
function flatIndex(op: string, index: Tensor, numel: number): Tensor {
  const v = asNumbers(index.toTypedArray());
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const k = v[i];
    if (k < -numel || k >= numel) throw new RangeError(`${op}(): out of range: tried to access index ${k} on a tensor of ${numel} elements.`);
    out[i] = k < 0 ? k + numel : k;
  }
  return Tensor.fromData(out, 'int64', [v.length]);
}

// --- take / take_along_dim ---

/** torch.take: input as 1-D, read at `index` (any shape; negative indices count from the end). */
export function take(input: Tensor, index: Tensor): Tensor {
  checkTensor('take', 'input', 1, input);
  checkTensor('take', 'index', 2, index);
  checkLong('take', index);
  const flat = flatIndex('take', index, input.numel());
  const out = Tensor.empty(index.shape.slice(), input.dtype);
  backend().indexSelect(input.detach().reshape(-1), 0, flat, out.buffer);
  if (needsGrad(input)) {
    const shape = input.shape.slice();
    const numel = input.numel();
    record(new Backward('TakeBackward0', (g, [idx]) => [Tensor.empty([numel], g.dtype).indexAdd(0, idx, g.reshape(-1)).view(shape)]), [input], [out]).save(flat);
  }
  return out;
}

const takeAlongDimOp = tensorOp('take_along_dim', [['indices', tensorArg], ['dim', nullable(int), null]] as const, (input, a) => takeAlongDimImpl(input, a.indices, a.dim));
/** torch.take_along_dim(input, indices, dim=None): gather with indices broadcast against input (all elements when dim is None). */
export const takeAlongDim = takeAlongDimOp.fn;

function takeAlongDimImpl(input: Tensor, indices: Tensor, dim: number | null): Tensor {
  if (indices.dtype !== 'int64') throw new TypeError(`torch.take_along_dim(): dtype of indices should be Long but got ${indices.dtype}`);
  if (dim === null) return input.reshape(-1).gather(0, indices.reshape(-1));
  if (input.dim() !== indices.dim()) {
    throw new RangeError(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${input.dim()} dimensions for input, and ${indices.dim()} dimensions for indices`);
  }
  const d = normalizeDim(dim, input.dim());
  const selfSizes = input.shape.slice();
  selfSizes[d] = indices.shape[d];
  const shape = broadcastShapes(selfSizes, indices.shape);
  const idx = indices.expand(shape);
  const inShape = shape.slice();
  inShape[d] = input.shape[d];
  return input.expand(inShape).gather(d, idx);
}

// --- put ---

const putArgs = signature('put', [['index', tensorArg], ['source', tensorArg], ['accumulate', bool, false]] as const);

function putImpl(input: Tensor, index: Tensor, source: Tensor, accumulate: boolean): Tensor {
  checkLong('put', index);
  if (index.numel() !== source.numel()) {
    throw new RangeError(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`);
  }
  if (source.dtype !== input.dtype) throw new TypeError(`put_(): self and source expected to have the same dtype, but got self.dtype = ${input.dtype} and source.dtype = ${source.dtype}`);
  const flat = flatIndex('put_', index, input.numel());
  const out = castRaw(input, input.dtype);
  backend().indexPut(out.reshape(-1), 0, flat, source.detach().reshape(-1).contiguous(), accumulate);
  if (needsGrad(input, source)) {
    const srcShape = source.shape.slice();
    record(new Backward('PutBackward0', (g, [idx]) => [
      accumulate ? g : putImpl(g, idx, Tensor.empty(srcShape, g.dtype), false),
      take(g, idx).reshape(srcShape),
    ]), [input, source], [out]).save(flat);
  }
  return out;
}

/** Tensor.put: a copy of input with input.flatten()[index] = source (+= with accumulate). */
export function put(input: Tensor, ...args: ArgsOf<typeof putArgs>): Tensor {
  checkTensor('put', 'input', 1, input);
  const a = putArgs.parse(args);
  return putImpl(input, a.index, a.source, a.accumulate);
}

// --- index_fill ---

const indexFillArgs = signature('index_fill', [['dim', int], ['index', tensorArg], ['value', either(numberOrBigint, tensorArg)]] as const);

function indexFillImpl(input: Tensor, dim: number, index: Tensor, value: number | bigint | Tensor): Tensor {
  checkLong('index_fill', index);
  if (index.dim() > 1) throw new RangeError('index_fill_(): Index is supposed to be a vector');
  if (value instanceof Tensor && value.dim() !== 0) {
    throw new RangeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  }
  const d = normalizeDim(dim, input.dim());
  const out = castRaw(input, input.dtype);
  const v = value instanceof Tensor ? castRaw(value, input.dtype) : Tensor.scalar(value, input.dtype);
  if (input.dim() === 0) {
    if (index.numel() > 0) backend().copy(v, out);
  } else {
    const shape = input.shape.slice();
    shape[d] = index.numel();
    backend().indexPut(out, d, index.reshape(-1), broadcastTo(v, shape), false);
  }
  const tv = value instanceof Tensor ? value : null;
  if (needsGrad(input, tv)) {
    const name = tv ? 'IndexFillBackward1' : 'IndexFillBackward0';
    record(new Backward(name, (g, [idx]) => [indexFillImpl(g, d, idx, 0), tv ? (g.dim() === 0 ? g : g.indexSelect(d, idx.reshape(-1))).sum() : null]), [input, tv], [out]).save(index);
  }
  return out;
}

/** Tensor.index_fill: a copy of input with the slices at `index` along dim set to value. */
export function indexFill(input: Tensor, ...args: ArgsOf<typeof indexFillArgs>): Tensor {
  checkTensor('index_fill', 'input', 1, input);
  const a = indexFillArgs.parse(args);
  return indexFillImpl(input, a.dim, a.index, a.value);
}

// --- index_copy ---

const indexCopyArgs = signature('index_copy', [['dim', int], ['index', tensorArg], ['source', tensorArg]] as const);

function indexCopyImpl(input: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkLong('index_copy', index);
  if (index.dim() > 1) throw new RangeError('index_copy_(): Index should have dimension 1 or 0 (got ' + index.dim() + ')');
  if (source.dtype !== input.dtype) throw new TypeError(`index_copy_(): self and source expected to have the same dtype, but got (self) ${input.dtype} and (source) ${source.dtype}`);
  const d = normalizeDim(dim, input.dim());
  const src = source.dim() === 0 ? source.reshape(1) : source;
  if ((src.shape[d] ?? 1) !== index.numel()) {
    throw new RangeError(`index_copy_(): Number of indices (${index.numel()}) should be equal to source.size(dim) (${src.shape[d] ?? 1})`);
  }
  const out = castRaw(input, input.dtype);
  const target = input.dim() === 0 ? out.reshape(1) : out;
  backend().indexPut(target, d, index.reshape(-1), src.detach(), false);
  if (needsGrad(input, source)) {
    const srcShape = source.shape.slice();
    record(new Backward('IndexCopyBackward0', (g, [idx]) => [
      indexFillImpl(g, d, idx, 0),
      (g.dim() === 0 ? g.reshape(1) : g).indexSelect(d, idx.reshape(-1)).reshape(srcShape),
    ]), [input, source], [out]).save(index);
  }
  return out;
}

/** Tensor.index_copy: a copy of input whose slices index[i] along dim are source's slices i. */
export function indexCopy(input: Tensor, ...args: ArgsOf<typeof indexCopyArgs>): Tensor {
  checkTensor('index_copy', 'input', 1, input);
  const a = indexCopyArgs.parse(args);
  return indexCopyImpl(input, a.dim, a.index, a.source);
}

// --- scatter_reduce / index_reduce ---

type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

const scatterReduceArgs = signature('scatter_reduce', [
  ['dim', int], ['index', tensorArg], ['src', tensorArg], ['reduce', oneOf('sum', 'prod', 'mean', 'amax', 'amin')], '*', ['includeSelf', bool, true],
] as const);

/** out[... index[i][j] ...] = reduce(out, src[i][j]) over index's shape, in place in a contiguous `out`. */
function scatterReduceInto(out: Tensor, d: number, index: Tensor, src: Tensor, reduce: ScatterReduction, includeSelf: boolean): void {
  const shape = index.shape;
  const nd = shape.length;
  const idx = asNumbers(index.toTypedArray());
  // src restricted to index's shape, row-major.
  let s = src;
  for (let k = 0; k < nd; k++) if (s.shape[k] !== shape[k]) s = s.narrow(k, 0, shape[k]);
  const ostr = out.dim() === 0 ? [] : contiguousStrides(out.shape);
  const size = out.dim() === 0 ? 1 : out.shape[d];
  const sv = asNumbers(castRaw(s.detach(), out.dtype).buffer);
  const o = asNumbers(out.buffer);
  const count = reduce === 'mean' ? new Float64Array(o.length).fill(includeSelf ? 1 : 0) : null;
  const offsets = new Float64Array(idx.length);
  const coord = new Array<number>(nd).fill(0);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (k < -size || k >= size) throw new RangeError(`index ${k} is out of bounds for dimension ${d} with size ${size}`);
    let off = 0;
    for (let j = 0; j < nd; j++) off += (j === d ? (k < 0 ? k + size : k) : coord[j]) * ostr[j];
    offsets[i] = off;
    for (let j = nd - 1; j >= 0; j--) {
      if (++coord[j] < shape[j]) break;
      coord[j] = 0;
    }
  }
  if (out.buffer instanceof BigInt64Array) {
    reduceInt64(out.buffer, castRaw(s.detach(), 'int64').buffer as BigInt64Array, offsets, reduce, includeSelf);
    return;
  }
  if (!includeSelf) {
    const init = reduce === 'prod' ? 1 : reduce === 'amax' ? -Infinity : reduce === 'amin' ? Infinity : 0;
    const fill = isFloatingDtype(out.dtype) ? init : init === -Infinity ? -Number.MAX_VALUE : init === Infinity ? Number.MAX_VALUE : init;
    for (let i = 0; i < offsets.length; i++) o[offsets[i]] = fill;
  }
  for (let i = 0; i < offsets.length; i++) {
    const at = offsets[i];
    const x = sv[i];
    const cur = o[at];
    switch (reduce) {
      case 'sum':
      case 'mean':
        o[at] = cur + x;
        if (count) count[at]++;
        break;
      case 'prod':
        o[at] = cur * x;
        break;
      case 'amax':
        o[at] = x !== x ? x : cur < x ? x : cur;
        break;
      case 'amin':
        o[at] = x !== x ? x : x < cur ? x : cur;
        break;
    }
  }
  if (count) {
    const floor = !isFloatingDtype(out.dtype);
    for (let i = 0; i < o.length; i++) {
      const c = count[i] === 0 ? 1 : count[i];
      o[i] = floor ? Math.floor(o[i] / c) : o[i] / c;
    }
  }
}

/** scatterReduceInto's reduction on int64, exact: BigInt arithmetic wrapping as the store does. */
function reduceInt64(o: BigInt64Array, sv: BigInt64Array, offsets: Float64Array, reduce: ScatterReduction, includeSelf: boolean): void {
  const count = reduce === 'mean' ? new Float64Array(o.length).fill(includeSelf ? 1 : 0) : null;
  if (!includeSelf) {
    // The identity of each reduction; amax/amin start from int64's lowest/highest, as ATen's.
    const init = reduce === 'prod' ? 1n : reduce === 'amax' ? -(2n ** 63n) : reduce === 'amin' ? 2n ** 63n - 1n : 0n;
    for (let i = 0; i < offsets.length; i++) o[offsets[i]] = init;
  }
  for (let i = 0; i < offsets.length; i++) {
    const at = offsets[i];
    const x = sv[i];
    const cur = o[at];
    if (reduce === 'sum' || reduce === 'mean') {
      o[at] = BigInt.asIntN(64, cur + x);
      if (count) count[at]++;
    } else if (reduce === 'prod') o[at] = BigInt.asIntN(64, cur * x);
    else if (reduce === 'amax') o[at] = cur < x ? x : cur;
    else o[at] = x < cur ? x : cur;
  }
  if (count) {
    for (let i = 0; i < o.length; i++) {
      const c = BigInt(count[i] === 0 ? 1 : count[i]);
      const q = o[i] / c;
      o[i] = o[i] % c !== 0n && o[i] < 0n ? q - 1n : q; // floor division, as ATen's integer mean
    }
  }
}

function scatterReduceImpl(name: string, input: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, includeSelf: boolean): Tensor {
  checkLong('scatter_reduce', index);
  const d = normalizeDim(dim, input.dim());
  if (index.dim() !== input.dim() && !(index.dim() <= 1 && input.dim() <= 1)) throw new RangeError('Index tensor must have the same number of dimensions as self tensor');
  for (let k = 0; k < index.dim(); k++) {
    if ((k !== d && index.shape[k] > input.shape[k]) || index.shape[k] > src.shape[k]) {
      throw new RangeError(`Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(input.shape)} apart from dimension ${d} and to be smaller size than src ${formatShape(src.shape)}`);
    }
  }
  if (src.dtype !== input.dtype) throw new TypeError(`scatter_reduce(): Expected self.dtype to be equal to src.dtype`);
  const out = castRaw(input, input.dtype);
  scatterReduceInto(out, d, index, src, reduce, includeSelf);
  if (needsGrad(input, src)) {
    record(new Backward(name, (g, [self, s, idx, result]) => scatterReduceBackward(g, self, s, idx, result, d, reduce, includeSelf)), [input, src], [out])
      .save(input, src, index, out);
  }
  return out;
}

/** PyTorch's scatter_reduce_backward, written with differentiable ops. */
function scatterReduceBackward(grad: Tensor, self: Tensor, src: Tensor, index: Tensor, result: Tensor, d: number, reduce: ScatterReduction, includeSelf: boolean): Grad[] {
  let gradSelf: Tensor;
  let gradSrc: Tensor;
  if (reduce === 'sum') {
    gradSelf = grad;
    gradSrc = grad.gather(d, index);
  } else if (reduce === 'prod') {
    const maskedSelf = self.maskedFill(self.eq(0), 1);
    const maskedSelfResult = scatterReduceImpl('ScatterReduceBackward0', maskedSelf, d, index, src, 'prod', includeSelf);
    gradSelf = grad.mul(maskedSelfResult).div(maskedSelf);
    const srcZero = src.eq(0);
    const srcNumZeros = Tensor.empty(self.shape.slice(), self.dtype).scatterAdd(d, index, srcZero.to(self.dtype)).gather(d, index);
    const srcSingleZero = srcZero.logicalAnd(srcNumZeros.eq(1));
    const maskedSrc = src.maskedFill(srcSingleZero, 1);
    const maskedSrcResult = scatterReduceImpl('ScatterReduceBackward0', self, d, index, maskedSrc, 'prod', includeSelf);
    gradSrc = grad.mul(maskedSrcResult).gather(d, index).where(srcSingleZero, grad.mul(result).gather(d, index).div(src.maskedFill(srcZero, 1)));
  } else if (reduce === 'mean') {
    let n = Tensor.empty(grad.shape.slice(), grad.dtype);
    if (includeSelf) n = n.add(1);
    n = n.scatterAdd(d, index, Tensor.empty(index.shape.slice(), grad.dtype).add(1));
    n = n.maskedFill(n.eq(0), 1);
    gradSelf = grad.div(n);
    gradSrc = grad.gather(d, index).div(n.gather(d, index));
  } else {
    const value = result.gather(d, index);
    const selfIs = self.eq(result);
    const srcIs = src.eq(value);
    const spread = selfIs.to(self.dtype).scatterAdd(d, index, srcIs.to(self.dtype));
    const distributed = grad.div(spread);
    gradSelf = distributed.mul(selfIs);
    gradSrc = distributed.gather(d, index).mul(srcIs);
  }
  if (!includeSelf) gradSelf = gradSelf.scatter(d, index, 0);
  return [gradSelf, gradSrc];
}

/** Tensor.scatter_reduce: src reduced into a copy of input at index along dim ('sum', 'prod', 'mean', 'amax', 'amin'). */
export function scatterReduce(input: Tensor, ...args: ArgsOf<typeof scatterReduceArgs>): Tensor {
  checkTensor('scatter_reduce', 'input', 1, input);
  const a = scatterReduceArgs.parse(args);
  return scatterReduceImpl('ScatterReduceBackward0', input, a.dim, a.index, a.src, a.reduce, a.includeSelf);
}

const indexReduceArgs = signature('index_reduce', [
  ['dim', int], ['index', tensorArg], ['source', tensorArg], ['reduce', oneOf('prod', 'mean', 'amax', 'amin')], '*', ['includeSelf', bool, true],
] as const);

/** Tensor.index_reduce: the slices of source reduced into a copy of input at the slices index[i] along dim. */
export function indexReduce(input: Tensor, ...args: ArgsOf<typeof indexReduceArgs>): Tensor {
  checkTensor('index_reduce', 'input', 1, input);
  const a = indexReduceArgs.parse(args);
  if (a.index.dim() > 1) throw new RangeError('index_reduce_(): Index is supposed to be a vector');
  checkLong('index_reduce', a.index);
  const d = normalizeDim(a.dim, input.dim());
  const src = a.source.dim() === 0 ? a.source.reshape(1) : a.source;
  if ((src.shape[d] ?? 1) !== a.index.numel()) {
    throw new RangeError('index_reduce_(): Number of indices should be equal to source.size(dim)');
  }
  const view = src.shape.map((_, k) => (k === d ? a.index.numel() : 1));
  const index = a.index.reshape(view).expand(src.shape).contiguous();
  const self = input.dim() === 0 ? input.reshape(1) : input;
  const out = scatterReduceImpl('IndexReduceBackward0', self, d, index, src, a.reduce, a.includeSelf);
  return input.dim() === 0 ? out.reshape([]) : out;
}

// --- masked_scatter ---

/** Tensor.masked_scatter: a copy of input where mask is true takes source's elements in order. */
export function maskedScatter(input: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkTensor('masked_scatter', 'input', 1, input);
  checkTensor('masked_scatter', 'mask', 2, mask);
  checkTensor('masked_scatter', 'source', 3, source);
  mask = boolMask('masked_scatter_', mask, `masked_scatter_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  if (source.dtype !== input.dtype) throw new TypeError(`masked_scatter: expected self and source to have same dtypes but got ${input.dtype} and ${source.dtype}`);
  const shape = broadcastShapes(input.shape, mask.shape);
  const m = asNumbers(mask.expand(shape).toTypedArray());
  const positions: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) positions.push(i);
  if (positions.length > source.numel()) throw new RangeError('masked_scatter: expected source to have at least as many elements as ones in mask');
  const out = Tensor.empty(shape, input.dtype);
  backend().copy(broadcastTo(input, shape), out);
  const take = source.detach().reshape(-1).narrow(0, 0, positions.length).contiguous();
  backend().indexPut(out.reshape(-1), 0, Tensor.fromData(Float64Array.from(positions), 'int64', [positions.length]), take, false);
  if (needsGrad(input, source)) {
    const srcShape = source.shape.slice();
    const inShape = input.shape.slice();
    record(new Backward('MaskedScatterBackward0', (g, [mk]) => {
      const selected = g.maskedSelect(mk);
      const missing = srcShape.reduce((a, b) => a * b, 1) - selected.numel();
      const flat = missing > 0 ? cat([selected, Tensor.empty([missing], g.dtype)]) : selected;
      return [sumTo(g.maskedFill(mk, 0), inShape), flat.view(srcShape)];
    }), [input, source], [out]).save(mask);
  }
  return out;
}

function sumTo(g: Tensor, shape: number[]): Tensor {
  const lead = g.dim() - shape.length;
  const dims: number[] = [];
  for (let k = 0; k < g.dim(); k++) if (k < lead || (shape[k - lead] === 1 && g.shape[k] !== 1)) dims.push(k);
  return dims.length === 0 ? g : g.sum(dims, true).reshape(shape);
}

// --- index_put (out of place) ---

const indexList = check<readonly (Tensor | null)[]>('a list of index tensors (or null)', (v) => Array.isArray(v) && v.every((t) => t === null || t instanceof Tensor));
const indexPutArgs = signature('index_put', [['indices', indexList], ['values', either(numberArg, tensorArg)], ['accumulate', bool, false]] as const);

/** torch.index_put: a copy of input with input[indices] = values (+= with accumulate). */
export function indexPut(input: Tensor, ...args: ArgsOf<typeof indexPutArgs>): Tensor {
  checkTensor('index_put', 'input', 1, input);
  const a = indexPutArgs.parse(args);
  const items: IndexItem[] = a.indices.map((t) => (t === null ? ':' : t));
  return input.clone().indexPut_(items, a.values, { accumulate: a.accumulate });
}

// --- methods ---

declare module '../tensor/tensor.js' {
  interface Tensor {
    take(index: Tensor): Tensor;
    takeAlongDim(...args: Parameters<typeof takeAlongDimOp.method>): Tensor;
    put(...args: ArgsOf<typeof putArgs>): Tensor;
    put_(...args: ArgsOf<typeof putArgs>): Tensor;
    indexFill(...args: ArgsOf<typeof indexFillArgs>): Tensor;
    indexFill_(...args: ArgsOf<typeof indexFillArgs>): Tensor;
    indexCopy(...args: ArgsOf<typeof indexCopyArgs>): Tensor;
    indexCopy_(...args: ArgsOf<typeof indexCopyArgs>): Tensor;
    scatterReduce(...args: ArgsOf<typeof scatterReduceArgs>): Tensor;
    scatterReduce_(...args: ArgsOf<typeof scatterReduceArgs>): Tensor;
    indexReduce(...args: ArgsOf<typeof indexReduceArgs>): Tensor;
    indexReduce_(...args: ArgsOf<typeof indexReduceArgs>): Tensor;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): Tensor;
    indexPut(...args: ArgsOf<typeof indexPutArgs>): Tensor;
  }
}

const P = Tensor.prototype;
P.take = function (this: Tensor, index: Tensor) {
  return take(this, index);
};
P.takeAlongDim = takeAlongDimOp.method;
P.put = function (this: Tensor, ...args: ArgsOf<typeof putArgs>) {
  return put(this, ...args);
};
P.put_ = function (this: Tensor, ...args: ArgsOf<typeof putArgs>) {
  const a = putArgs.parse(args);
  return inplace(this, [a.source], (s) => putImpl(s, a.index, a.source, a.accumulate));
};
P.indexFill = function (this: Tensor, ...args: ArgsOf<typeof indexFillArgs>) {
  return indexFill(this, ...args);
};
P.indexFill_ = function (this: Tensor, ...args: ArgsOf<typeof indexFillArgs>) {
  const a = indexFillArgs.parse(args);
  return inplace(this, [a.value instanceof Tensor ? a.value : null], (s) => indexFillImpl(s, a.dim, a.index, a.value));
};
P.indexCopy = function (this: Tensor, ...args: ArgsOf<typeof indexCopyArgs>) {
  return indexCopy(this, ...args);
};
P.indexCopy_ = function (this: Tensor, ...args: ArgsOf<typeof indexCopyArgs>) {
  const a = indexCopyArgs.parse(args);
  return inplace(this, [a.source], (s) => indexCopyImpl(s, a.dim, a.index, a.source));
};
P.scatterReduce = function (this: Tensor, ...args: ArgsOf<typeof scatterReduceArgs>) {
  return scatterReduce(this, ...args);
};
P.scatterReduce_ = function (this: Tensor, ...args: ArgsOf<typeof scatterReduceArgs>) {
  const a = scatterReduceArgs.parse(args);
  return inplace(this, [a.src], (s) => scatterReduce(s, a.dim, a.index, a.src, a.reduce, { includeSelf: a.includeSelf }));
};
P.indexReduce = function (this: Tensor, ...args: ArgsOf<typeof indexReduceArgs>) {
  return indexReduce(this, ...args);
};
P.indexReduce_ = function (this: Tensor, ...args: ArgsOf<typeof indexReduceArgs>) {
  const a = indexReduceArgs.parse(args);
  return inplace(this, [a.source], (s) => indexReduce(s, a.dim, a.index, a.source, a.reduce, { includeSelf: a.includeSelf }));
};
P.maskedScatter = function (this: Tensor, mask: Tensor, source: Tensor) {
  return maskedScatter(this, mask, source);
};
P.maskedScatter_ = function (this: Tensor, mask: Tensor, source: Tensor) {
  return inplace(this, [source], (s) => maskedScatter(s, mask, source));
};
P.indexPut = function (this: Tensor, ...args: ArgsOf<typeof indexPutArgs>) {
  return indexPut(this, ...args);
};
