// Joining and splitting: cat, stack, split, chunk, unbind, and the copies flip and repeat.
import { backend } from '../backend/index.js';
import { check, int, intOrList, isPlainObject, pyTypeName, signature, type ArgsOf } from '../tensor/args.js';
import { resultType } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { formatShape, normalizeDim, parseShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from './record.js';
import { makeView } from './view.js';
import { tensorOp } from './op-args.js';
import { outArg, writeOut } from './out.js';

type Grad = Tensor | null;

class CatBackward extends Node {
  constructor(readonly name: string, private readonly dim: number, private readonly sizes: number[], private readonly shapes: number[][]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    let start = 0;
    return this.sizes.map((size, i) => {
      if (this.shapes[i].length === 1 && this.shapes[i][0] === 0 && grad.dim() !== 1) return null;
      const piece = grad.narrow(this.dim, start, size);
      start += size;
      return piece;
    });
  }
}

/** PyTorch's checks of a TensorList argument: a list (or other iterable) whose every element is a Tensor. */
function tensorList(op: string, tensors: unknown): readonly Tensor[] {
  if (!Array.isArray(tensors)) {
    if (tensors instanceof Tensor || tensors === null || typeof tensors !== 'object' || typeof (tensors as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`${op}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${pyTypeName(tensors)}`);
    }
    tensors = [...(tensors as Iterable<unknown>)];
  }
  const list = tensors as unknown[];
  for (let i = 0; i < list.length; i++) {
    if (!(list[i] instanceof Tensor)) throw new TypeError(`expected Tensor as element ${i} in argument 0, but got ${pyTypeName(list[i])}`);
  }
  return list as Tensor[];
}

/** torch.cat: joins along an existing dim (1-D empty tensors are skipped, as PyTorch does). */
export function cat(list: readonly Tensor[], dim = 0): Tensor {
  const tensors = tensorList('cat', list);
  if (tensors.length === 0) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
  const used = tensors.filter((t) => !(t.dim() === 1 && t.shape[0] === 0));
  const ref = used[0] ?? tensors[0];
  if (ref.dim() === 0) throw new RangeError('zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normalizeDim(dim, ref.dim());
  const dtype = resultType(...tensors);
  for (const t of used) {
    if (t.dim() !== ref.dim()) {
      throw new RangeError(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    }
    for (let k = 0; k < ref.dim(); k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RangeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${t.shape[k]} for tensor number ${tensors.indexOf(t)} in the list.`,
        );
      }
    }
  }
  const shape = ref.shape.slice();
  shape[d] = used.reduce((n, t) => n + t.shape[d], 0);
  const out = Tensor.empty(shape, dtype);
  let offset = 0;
  for (const t of used) {
    const dstShape = shape.slice();
    dstShape[d] = t.shape[d];
    backend().copy(t, { buffer: out.buffer, dtype, shape: dstShape, strides: out.strides, offset: offset * out.strides[d] });
    offset += t.shape[d];
  }
  if (needsGrad(...tensors)) {
    record(new CatBackward('CatBackward0', d, tensors.map((t) => (t.dim() === 1 && t.shape[0] === 0 ? 0 : t.shape[d])), tensors.map((t) => t.shape.slice())), tensors, [out]);
  }
  return out;
}

class StackBackward0 extends Node {
  readonly name = 'StackBackward0';
  constructor(private readonly dim: number, private readonly count: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return Array.from({ length: this.count }, (_, i) => (g as Tensor).select(this.dim, i));
  }
}

/** torch.stack: joins along a new dim. */
export function stack(list: readonly Tensor[], dim = 0): Tensor {
  const tensors = tensorList('stack', list);
  if (tensors.length === 0) throw new RangeError('stack expects a non-empty TensorList');
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t.shape.length !== ref.shape.length || t.shape.some((s, k) => s !== ref.shape[k])) {
      throw new RangeError(`stack expects each tensor to be equal size, but got ${formatShape(ref.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dim, ref.dim() + 1);
  const dtype = resultType(...tensors);
  const shape = ref.shape.slice();
  shape.splice(d, 0, tensors.length);
  const out = Tensor.empty(shape, dtype);
  const dstShape = shape.slice();
  dstShape.splice(d, 1);
  const dstStrides = out.strides.slice();
  dstStrides.splice(d, 1);
  tensors.forEach((t, i) => {
    backend().copy(t, { buffer: out.buffer, dtype, shape: dstShape, strides: dstStrides, offset: i * out.strides[d] });
  });
  if (needsGrad(...tensors)) record(new StackBackward0(d, tensors.length), tensors, [out]);
  return out;
}

class SplitBackward extends Node {
  constructor(readonly name: string, private readonly dim: number, private readonly shape: number[], private readonly sizes: number[]) {
    super();
  }
  backward(grads: Grad[]): Grad[] {
    const dtype = grads.find((g) => g !== null)?.dtype ?? 'float32';
    const pieces = this.sizes.map((size, i) => {
      const g = grads[i];
      if (g !== null) return g;
      const shape = this.shape.slice();
      shape[this.dim] = size;
      return Tensor.empty(shape, dtype);
    });
    return [cat(pieces, this.dim)];
  }
}

function splitInto(x: Tensor, sizes: number[], d: number, nodeName: string): Tensor[] {
  let start = 0;
  const outs = sizes.map((size) => {
    const shape = x.shape.slice();
    shape[d] = size;
    const v = makeView(x, shape, x.strides.slice(), x.offset + start * x.strides[d]);
    start += size;
    return v;
  });
  if (needsGrad(x)) record(new SplitBackward(nodeName, d, x.shape.slice(), sizes), [x], outs);
  return outs;
}

/** Pieces of the listed sizes along dim, recorded under `nodeName` (unsafe_split's UnsafeSplitBackward0). */
export function splitWithSizesAs(x: Tensor, sizes: readonly number[], dim: number, nodeName: string): Tensor[] {
  return splitInto(x, sizes.slice(), normalizeDim(dim, x.dim()), nodeName);
}

/** torch.split: pieces of `splitSize` along dim (the last may be smaller), or of the listed sizes. */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.dim());
  const n = x.shape[d];
  if (typeof splitSize === 'number') {
    if (!(splitSize > 0) && !(splitSize === 0 && n === 0)) throw new RangeError(`split expects split_size be non-negative, but got split_size=${splitSize}`);
    const sizes: number[] = [];
    for (let s = 0; s < n; s += splitSize) sizes.push(Math.min(splitSize, n - s));
    if (sizes.length === 0) sizes.push(0);
    return splitInto(x, sizes, d, 'SplitBackward0');
  }
  const total = splitSize.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new RangeError(`split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${splitSize.join(', ')}]`);
  }
  return splitInto(x, splitSize.slice(), d, 'SplitWithSizesBackward0');
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!(chunks > 0)) throw new RangeError('chunk expects `chunks` to be greater than 0, got: ' + chunks);
  const d = normalizeDim(dim, x.dim());
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, x.shape[d] === 0 ? 0 : 1), d);
}

class UnbindBackward0 extends Node {
  readonly name = 'UnbindBackward0';
  constructor(private readonly dim: number, private readonly shape: number[]) {
    super();
  }
  backward(grads: Grad[]): Grad[] {
    const dtype = grads.find((g) => g !== null)?.dtype ?? 'float32';
    const pieceShape = this.shape.slice();
    pieceShape.splice(this.dim, 1);
    return [stack(grads.map((g) => g ?? Tensor.empty(pieceShape.slice(), dtype)), this.dim)];
  }
}

export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.dim());
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 1);
  strides.splice(d, 1);
  const outs = Array.from({ length: x.shape[d] }, (_, i) => makeView(x, shape.slice(), strides.slice(), x.offset + i * x.strides[d]));
  if (needsGrad(x)) record(new UnbindBackward0(d, x.shape.slice()), [x], outs);
  return outs;
}

class FlipBackward0 extends Node {
  readonly name = 'FlipBackward0';
  constructor(private readonly dims: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [(g as Tensor).flip(this.dims)];
  }
}

/** A copy with the order of elements reversed along `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const list = (typeof dims === 'number' ? [dims] : dims).map((d) => normalizeDim(d, x.dim()));
  let offset = x.offset;
  const strides = x.strides.slice();
  for (const d of list) {
    if (x.shape[d] > 0) offset += (x.shape[d] - 1) * x.strides[d];
    strides[d] = -x.strides[d];
  }
  const out = Tensor.empty(x.shape.slice(), x.dtype);
  backend().copy({ buffer: x.buffer, dtype: x.dtype, shape: x.shape, strides, offset }, out);
  if (needsGrad(x)) record(new FlipBackward0(list), [x], [out]);
  return out;
}

class RepeatBackward0 extends Node {
  readonly name = 'RepeatBackward0';
  constructor(private readonly shape: number[], private readonly repeats: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const lead = this.repeats.length - this.shape.length;
    const padded = [...new Array<number>(lead).fill(1), ...this.shape];
    // View each dim as (repeat, size) and sum the repeat axes away.
    const split: number[] = [];
    padded.forEach((s, i) => split.push(this.repeats[i], s));
    const sumDims = padded.map((_, i) => 2 * i);
    return [grad.reshape(split).sum(sumDims).reshape(this.shape)];
  }
}

/** Tiles the tensor: each dim repeated `repeats[i]` times (leading dims added as needed). */
export function repeat(x: Tensor, ...repeats: (number | readonly number[])[]): Tensor {
  const reps = parseShape(repeats);
  if (reps.length < x.dim()) {
    throw new RangeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  const lead = reps.length - x.dim();
  const padded = [...new Array<number>(lead).fill(1), ...x.shape];
  // Expand a (1, size) pair per dim to (repeat, size), then copy into the tiled shape.
  const expandedShape: number[] = [];
  const expandedStrides: number[] = [];
  const srcStrides = [...new Array<number>(lead).fill(0), ...x.strides];
  padded.forEach((s, i) => {
    expandedShape.push(reps[i], s);
    expandedStrides.push(0, srcStrides[i]);
  });
  const tiled = Tensor.empty(expandedShape, x.dtype);
  backend().copy({ buffer: x.buffer, dtype: x.dtype, shape: expandedShape, strides: expandedStrides, offset: x.offset }, tiled);
  const out = new Tensor(tiled._storage, x.dtype, padded.map((s, i) => s * reps[i]));
  if (needsGrad(x)) record(new RepeatBackward0(x.shape.slice(), reps), [x], [out]);
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    repeat(...repeats: number[]): Tensor;
    repeat(repeats: readonly number[]): Tensor;
    repeat(options: { repeats: readonly number[] }): Tensor;
  }
}

const P = Tensor.prototype;
// x.repeat({ repeats }): the list by PyTorch's name too.
const repeatOption = signature('repeat', [['repeats', check<readonly number[]>('a list of ints', (v) => Array.isArray(v) && v.every((e) => Number.isInteger(e)))]] as const);
P.repeat = function (this: Tensor, ...repeats: (number | readonly number[])[]) {
  if (repeats.length === 1 && isPlainObject(repeats[0])) return repeat(this, repeatOption.parse(repeats).repeats);
  return repeat(this, ...repeats);
} as Tensor['repeat'];

// --- the public spellings: PyTorch's parameters, positional or as options (torch.cat(ts, { dim: 1 })) ---
// The functions above stay positional for the ops that call them internally.

// The elements are checked by cat/stack themselves, whose errors name the offending position.
const tensors = check<readonly Tensor[]>('tuple of Tensors', (v) => Array.isArray(v));

const catArgs = signature('cat', [['tensors', tensors], ['dim', int, 0], '*', ['out', outArg, null]] as const);
const stackArgs = signature('stack', [['tensors', tensors], ['dim', int, 0], '*', ['out', outArg, null]] as const);

/** torch.cat(tensors, dim=0, *, out=None). */
function catFn(...args: ArgsOf<typeof catArgs>): Tensor {
  const a = catArgs.parse(args);
  return writeOut('cat', a.out, a.tensors, () => cat(a.tensors, a.dim));
}

/** torch.stack(tensors, dim=0, *, out=None). */
function stackFn(...args: ArgsOf<typeof stackArgs>): Tensor {
  const a = stackArgs.parse(args);
  return writeOut('stack', a.out, a.tensors, () => stack(a.tensors, a.dim));
}

// PyTorch names split's size differently: Tensor.split(split_size, dim=0) but
// torch.split(tensor, split_size_or_sections, dim=0).
const splitMethod = tensorOp('split', [['splitSize', intOrList], ['dim', int, 0]] as const, (x, a) => split(x, a.splitSize, a.dim));
const chunkOp = tensorOp('chunk', [['chunks', int], ['dim', int, 0]] as const, (x, a) => chunk(x, a.chunks, a.dim));
const unbindOp = tensorOp('unbind', [['dim', int, 0]] as const, (x, a) => unbind(x, a.dim));
const flipOp = tensorOp('flip', [['dims', intOrList]] as const, (x, a) => flip(x, a.dims));

const splitArgs = signature('split', [['tensor', check<Tensor>('Tensor', (v) => v instanceof Tensor)], ['splitSizeOrSections', intOrList], ['dim', int, 0]] as const);
/** torch.split(tensor, split_size_or_sections, dim=0). */
function splitFn(...args: ArgsOf<typeof splitArgs>): Tensor[] {
  const a = splitArgs.parse(args);
  return split(a.tensor, a.splitSizeOrSections, a.dim);
}
/** torch.cat, torch.stack, torch.split, …: the parsing twins of the positional functions above (ops/index.ts exports them). */
export const joinFunctions = { cat: catFn, stack: stackFn, split: splitFn, chunk: chunkOp.fn, unbind: unbindOp.fn, flip: flipOp.fn };

declare module '../tensor/tensor.js' {
  interface Tensor {
    split(...args: Parameters<typeof splitMethod.method>): Tensor[];
    chunk(...args: Parameters<typeof chunkOp.method>): Tensor[];
    unbind(...args: Parameters<typeof unbindOp.method>): Tensor[];
    flip(...args: Parameters<typeof flipOp.method>): Tensor;
  }
}

P.split = splitMethod.method;
P.chunk = chunkOp.method;
P.unbind = unbindOp.method;
P.flip = flipOp.method;
