// Shape manipulation beyond the views of view.ts: roll, fliplr/flipud, rot90, repeatInterleave,
// meshgrid, tile, atleast*d, h/v/d/column/row stacks, tensorSplit and h/v/dsplit, the
// unsafe splits, broadcastTensors/Shapes/To, cartesianProd, combinations, blockDiag,
// swapdims/swapaxes (+ in place), moveaxis, ravel, unfold, sumToSize.
import { bool, checkOptions, either, int, intList, intOrList, isPlainObject, nullable, oneOf, pyTypeName, signature, tensor as tensorArg, type ArgsOf } from '../tensor/args.js';
import { arange, zeros } from '../tensor/create.js';
import { resultType, asNumbers } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { broadcastShapes as broadcastTwo, checkNonNegativeShape, formatShape, normalizeDim, parseShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';
import { indexSelect } from './indexing.js';
import { cat, flip, repeat, split, splitWithSizesAs, stack } from './join.js';
import { unviewed } from './kernels.js';
import { tensorOp } from './op-args.js';
import { needsGrad, record } from './record.js';
import { sumToShape } from './reduce.js';
import { expand, makeView, permute, reshape, slice, transpose, unsqueeze } from './view.js';

type Grad = Tensor | null;
type ShapeInput = readonly (number | readonly number[])[];

/** A list argument of tensors, given as one array or as varargs (PyTorch's *tensors). */
function tensorsOf(name: string, args: readonly unknown[]): Tensor[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${name}(): expected Tensor as element ${i} in argument 0, but got ${pyTypeName(t)}`);
  });
  return list as Tensor[];
}

// --- roll ---

class RollBackward0 extends Node {
  readonly name = 'RollBackward0';
  constructor(private readonly shifts: number[], private readonly dims: number[] | null) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [rollImpl(g as Tensor, this.shifts.map((s) => -s), this.dims)];
  }
}

/** Each shift as two slices joined by cat (copy kernels, no element loop). */
function rollImpl(x: Tensor, shifts: readonly number[], dims: readonly number[] | null): Tensor {
  if (shifts.length === 0) throw new RangeError('`shifts` required');
  let out: Tensor;
  const src = x.detach();
  if (dims === null || dims.length === 0) {
    if (dims !== null && shifts.length !== 1) throw new RangeError(`shifts and dimensions must align. shifts: ${shifts.length}, dims:0`);
    out = rollImpl(src.flatten(), [shifts[0]], [0]).view(x.shape);
  } else {
    if (shifts.length !== dims.length) throw new RangeError(`shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
    out = src;
    dims.forEach((dim, i) => {
      const d = normalizeDim(dim, x.dim());
      const n = x.shape[d];
      if (n === 0) return;
      const s = ((shifts[i] % n) + n) % n;
      if (s !== 0) out = cat([out.narrow(d, n - s, s), out.narrow(d, 0, n - s)], d);
    });
    if (out === src) out = src.clone();
  }
  out = unviewed(out);
  if (needsGrad(x)) record(new RollBackward0(shifts.slice(), dims === null ? null : dims.slice()), [x], [out]);
  return out;
}

const rollOp = tensorOp('roll', [['shifts', intOrList], ['dims', nullable(intOrList), null]] as const, (x, a) =>
  rollImpl(x, typeof a.shifts === 'number' ? [a.shifts] : a.shifts, a.dims === null ? null : typeof a.dims === 'number' ? [a.dims] : a.dims),
);
/** torch.roll(input, shifts, dims=None): elements shifted along dims, wrapping around (flattened when dims is None). */
export const roll = rollOp.fn;

// --- flips and rotations ---

const fliplrOp = tensorOp('fliplr', [] as const, (x) => {
  if (x.dim() < 2) throw new RangeError('Input must be >= 2-d.');
  return flip(x, [1]);
});
const flipudOp = tensorOp('flipud', [] as const, (x) => {
  if (x.dim() < 1) throw new RangeError('Input must be >= 1-d.');
  return flip(x, [0]);
});
/** torch.fliplr(input): columns reversed (dim 1). */
export const fliplr = fliplrOp.fn;
/** torch.flipud(input): rows reversed (dim 0). */
export const flipud = flipudOp.fn;

class Rot90Backward0 extends Node {
  readonly name = 'Rot90Backward0';
  constructor(private readonly k: number, private readonly dims: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [rot90Impl(g as Tensor, -this.k, this.dims)];
  }
}

function rot90Impl(x: Tensor, k: number, dims: readonly number[]): Tensor {
  if (dims.length !== 2) throw new RangeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (x.dim() < 2) throw new RangeError(`expected total dims >= 2, but got total dims = ${x.dim()}`);
  const n = x.dim();
  if (dims[0] === dims[1] || (((dims[0] % n) + n) % n === ((dims[1] % n) + n) % n && dims[0] >= -n && dims[0] < n)) {
    throw new RangeError(`expected rotation dims to be different, but got dim0 = ${dims[0]} and dim1 = ${dims[1]}`);
  }
  if (dims[0] < -n || dims[0] >= n) throw new RangeError(`Rotation dim0 out of range, dim0 = ${dims[0]}`);
  if (dims[1] < -n || dims[1] >= n) throw new RangeError(`Rotation dim1 out of range, dim1 = ${dims[1]}`);
  const [d0, d1] = dims.map((d) => normalizeDim(d, n));
  const src = x.detach();
  const r = ((k % 4) + 4) % 4;
  let out: Tensor;
  if (r === 1) out = transpose(flip(src, [d1]), d0, d1);
  else if (r === 2) out = flip(src, [d0, d1]);
  else if (r === 3) out = transpose(flip(src, [d0]), d0, d1);
  else out = src.clone();
  out = unviewed(out);
  if (needsGrad(x)) record(new Rot90Backward0(k, [d0, d1]), [x], [out]);
  return out;
}

const rot90Op = tensorOp('rot90', [['k', int, 1], ['dims', intList, [0, 1]]] as const, (x, a) => rot90Impl(x, a.k, a.dims));
/** torch.rot90(input, k=1, dims=[0, 1]): rotated by 90 degrees k times, from the first dim towards the second. */
export const rot90 = rot90Op.fn;

// --- repeat_interleave ---

/** The index that repeats position i of a dim repeats[i] times (its length is the output's dim size). */
function repeatIndex(repeats: ArrayLike<number>, n: number, outputSize: number | null): Tensor {
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (repeats[i] < 0) throw new RangeError('repeats can not be negative');
    total += repeats[i];
  }
  if (outputSize !== null && outputSize !== total) throw new RangeError('allocated size does not match required size');
  const idx = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) idx.fill(i, at, (at += repeats[i]));
  return Tensor.fromData(idx, 'int64', [total]);
}

function repeatsValues(repeats: Tensor): ArrayLike<number> {
  if (repeats.dtype !== 'int64' && repeats.dtype !== 'int32') {
    throw new TypeError(`"repeat_interleave_cpu" not implemented for '${repeats.dtype === 'float32' ? 'Float' : repeats.dtype === 'float64' ? 'Double' : repeats.dtype}'`);
  }
  if (repeats.dim() > 1) throw new RangeError('repeats must be 0-dim or 1-dim tensor');
  return asNumbers(repeats.toTypedArray());
}

function repeatInterleaveImpl(x: Tensor, repeats: number | Tensor, dim: number | null, outputSize: number | null): Tensor {
  const input = dim === null ? x.flatten() : x;
  const d = dim === null ? 0 : normalizeDim(dim, x.dim());
  const n = input.dim() === 0 ? 1 : input.shape[d];
  let counts: ArrayLike<number>;
  if (typeof repeats === 'number') {
    if (repeats < 0) throw new RangeError('repeats can not be negative');
    counts = new Float64Array(n).fill(repeats);
  } else {
    counts = repeatsValues(repeats);
    if (counts.length === 1 && n !== 1) counts = new Float64Array(n).fill(counts[0]);
    else if (counts.length !== n) throw new RangeError('repeats must have the same size as input along dim');
  }
  return indexSelect(input, d, repeatIndex(counts, n, outputSize));
}

const repeatInterleaveMethod = tensorOp('repeatInterleave', [['repeats', either(int, tensorArg)], ['dim', nullable(int), null], '*', ['outputSize', nullable(int), null]] as const, (x, a) =>
  repeatInterleaveImpl(x, a.repeats, a.dim, a.outputSize),
);
const repeatInterleaveArgs = signature('repeatInterleave', [
  ['input', tensorArg], ['repeats', nullable(either(int, tensorArg)), null], ['dim', nullable(int), null], '*', ['outputSize', nullable(int), null],
] as const);

/**
 * torch.repeat_interleave(input, repeats, dim=None, *, output_size=None): each element (or
 * slice along dim) repeated; repeat_interleave(repeats) alone gives the index 0..n-1
 * repeated as the int64 tensor repeats says.
 */
export function repeatInterleave(...args: ArgsOf<typeof repeatInterleaveArgs>): Tensor {
  const a = repeatInterleaveArgs.parse(args);
  if (a.repeats === null) {
    const counts = repeatsValues(a.input);
    return repeatIndex(counts, counts.length, a.outputSize);
  }
  return repeatInterleaveImpl(a.input, a.repeats, a.dim, a.outputSize);
}

// --- meshgrid ---

const meshgridOptions = signature('meshgrid', ['*', ['indexing', nullable(oneOf('ij', 'xy')), null]] as const);

/** torch.meshgrid(*tensors, indexing=None): coordinate grids (expanded views) of 0-d or 1-d inputs. */
export function meshgrid(...args: (Tensor | readonly Tensor[] | { indexing?: 'ij' | 'xy' | null })[]): Tensor[] {
  const rest = args.slice();
  const opts = rest.length > 0 && isPlainObject(rest[rest.length - 1]) ? checkOptions(meshgridOptions, rest.pop()) : checkOptions(meshgridOptions, undefined);
  const tensors = tensorsOf('meshgrid', rest);
  if (tensors.length === 0) throw new RangeError('meshgrid expects a non-empty TensorList');
  if (opts.indexing === null) {
    warnOnce('torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.');
  }
  tensors.forEach((t) => {
    if (t.dim() > 1) throw new RangeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t.describe()}`);
    if (t.dtype !== tensors[0].dtype) throw new TypeError('meshgrid expects all tensors to have the same dtype');
  });
  const list = tensors.slice();
  const swap = opts.indexing === 'xy' && list.length >= 2;
  if (swap) [list[0], list[1]] = [list[1], list[0]];
  const shape = list.map((t) => t.numel());
  const grids = list.map((t, i) => {
    const viewShape = shape.map((_, j) => (j === i ? -1 : 1));
    return expand(t.view(viewShape), shape);
  });
  if (swap) [grids[0], grids[1]] = [grids[1], grids[0]];
  return grids;
}

// --- tile ---

function tileImpl(x: Tensor, dims: readonly number[]): Tensor {
  const reps = dims.length < x.dim() ? [...new Array<number>(x.dim() - dims.length).fill(1), ...dims] : dims.slice();
  checkNonNegativeShape(reps.map((r, i) => r * (x.shape[i - (reps.length - x.dim())] ?? 1)));
  return repeat(x, reps);
}

const tileArgs = signature('tile', [['input', tensorArg], ['dims', intList]] as const);
/** torch.tile(input, dims): repeats of input along each dim (dims padded with leading 1s). */
export function tile(...args: ArgsOf<typeof tileArgs>): Tensor {
  const a = tileArgs.parse(args);
  return tileImpl(a.input, a.dims);
}

// --- atleast_Nd ---

function atleast(name: string, args: readonly unknown[], fix: (t: Tensor) => Tensor): Tensor | Tensor[] {
  const single = args.length === 1 && args[0] instanceof Tensor;
  const tensors = tensorsOf(name, args);
  const out = tensors.map(fix);
  return single ? out[0] : out;
}

const fix1 = (t: Tensor) => (t.dim() === 0 ? reshape(t, [1]) : t);
const fix2 = (t: Tensor) => (t.dim() === 0 ? reshape(t, [1, 1]) : t.dim() === 1 ? unsqueeze(t, 0) : t);
const fix3 = (t: Tensor) => (t.dim() === 0 ? reshape(t, [1, 1, 1]) : t.dim() === 1 ? unsqueeze(unsqueeze(t, 0), -1) : t.dim() === 2 ? unsqueeze(t, -1) : t);

type Atleast = { (tensor: Tensor): Tensor; (...tensors: Tensor[]): Tensor[]; (tensors: readonly Tensor[]): Tensor[] };
/** torch.atleast_1d: 0-d inputs as 1-d views; one tensor gives a tensor, several (or a list) a list. */
export const atleast1d = ((...args: unknown[]) => atleast('atleast_1d', args, fix1)) as Atleast;
/** torch.atleast_2d: 0-d and 1-d inputs as [1, 1] / [1, n] views. */
export const atleast2d = ((...args: unknown[]) => atleast('atleast_2d', args, fix2)) as Atleast;
/** torch.atleast_3d: inputs as [1, 1, 1] / [1, n, 1] / [m, n, 1] views. */
export const atleast3d = ((...args: unknown[]) => atleast('atleast_3d', args, fix3)) as Atleast;

// --- stacks ---

function nonEmpty(name: string, tensors: readonly unknown[]): Tensor[] {
  const list = tensorsOf(name, [tensors]);
  if (list.length === 0) throw new RangeError(`${name} expects a non-empty TensorList`);
  return list;
}

/** torch.hstack(tensors): cat along dim 1 (dim 0 for 1-d inputs). */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const list = nonEmpty('hstack', tensors).map(fix1);
  return cat(list, list[0].dim() === 1 ? 0 : 1);
}
/** torch.vstack(tensors): cat along dim 0 of the inputs made at least 2-d. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(nonEmpty('vstack', tensors).map(fix2), 0);
}
/** torch.row_stack: vstack's alias. */
export const rowStack = vstack;
/** torch.dstack(tensors): cat along dim 2 of the inputs made at least 3-d. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return cat(nonEmpty('dstack', tensors).map(fix3), 2);
}
/** torch.column_stack(tensors): 0-d and 1-d inputs as columns, then hstack. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return cat(nonEmpty('column_stack', tensors).map((t) => (t.dim() <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}

// --- splits ---

/** Slices between split points (clamped to the dim), as tensor_split does with indices. */
function splitAt(x: Tensor, indices: readonly number[], d: number): Tensor[] {
  const n = x.shape[d];
  const out: Tensor[] = [];
  let start = 0;
  for (const i of indices) {
    const stop = Math.min(Math.max(i < 0 ? i + n : i, 0), n);
    out.push(slice(x, d, Math.min(start, n), Math.max(stop, Math.min(start, n)), 1));
    start = stop;
  }
  out.push(slice(x, d, Math.min(start, n), n, 1));
  return out;
}

function tensorSplitImpl(x: Tensor, spec: number | readonly number[] | Tensor, dim: number): Tensor[] {
  if (x.dim() === 0) throw new RangeError(`tensor_split expected at least a 1-dimensional tensor, but got a tensor with ${x.dim()} dims`);
  const d = normalizeDim(dim, x.dim());
  let s = spec;
  if (s instanceof Tensor) {
    if (s.dtype !== 'int64') throw new TypeError(`tensor_split expected tensor_indices_or_sections to have dtype of long, but got ${s.dtype === 'float32' ? 'Float' : s.dtype === 'float64' ? 'Double' : s.dtype}`);
    if (s.dim() > 1) throw new RangeError(`tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${s.dim()} dims`);
    s = s.dim() === 0 ? Number(s.item()) : Array.from(asNumbers(s.toTypedArray()));
  }
  if (typeof s === 'number') {
    if (s <= 0) throw new RangeError(`number of sections must be larger than 0, got ${s}`);
    const n = x.shape[d];
    const base = Math.floor(n / s);
    const extra = n % s;
    const sizes = Array.from({ length: s }, (_, i) => base + (i < extra ? 1 : 0));
    let start = 0;
    return sizes.map((size) => {
      const piece = slice(x, d, start, start + size, 1);
      start += size;
      return piece;
    });
  }
  return splitAt(x, s, d);
}

// PyTorch's three overloads take the split by name as `sections` (an int), `indices` (a list)
// or `tensor_indices_or_sections`; positionally (and as its docs name it) it is one
// `indicesOrSections` of any of the three kinds.
const tensorSplitOp = tensorOp('tensorSplit', [
  ['indicesOrSections', nullable(either(intOrList, tensorArg)), null], ['dim', int, 0],
  '*', ['sections', nullable(int), null], ['indices', nullable(intList), null], ['tensorIndicesOrSections', nullable(tensorArg), null],
] as const, (x, a) => {
  const given = [a.indicesOrSections, a.sections, a.indices, a.tensorIndicesOrSections].filter((v) => v !== null);
  if (given.length !== 1) {
    throw new TypeError(`tensor_split() takes exactly one of indicesOrSections, sections, indices or tensorIndicesOrSections (got ${given.length})`);
  }
  return tensorSplitImpl(x, given[0]!, a.dim);
});
/** torch.tensor_split(input, indices_or_sections, dim=0): views split into n near-equal sections or at indices. */
export const tensorSplit = tensorSplitOp.fn;

function directionalSplit(name: string, minDims: number, dim: (x: Tensor) => number) {
  return tensorOp(name, [['indicesOrSections', intOrList]] as const, (x, a) => {
    if (x.dim() < minDims) {
      throw new RangeError(`torch.${name} requires a tensor with at least ${minDims} dimension, but got a tensor with ${x.dim()} dimensions!`);
    }
    const d = dim(x);
    const s = a.indicesOrSections;
    if (typeof s === 'number' && (s === 0 || x.shape[d] % s !== 0)) {
      throw new RangeError(`torch.${name} attempted to split along dimension ${d}, but the size of the dimension ${x.shape[d]} is not divisible by the split_size ${s}!`);
    }
    return tensorSplitImpl(x, s, d);
  });
}
const hsplitOp = directionalSplit('hsplit', 1, (x) => (x.dim() === 1 ? 0 : 1));
const vsplitOp = directionalSplit('vsplit', 2, () => 0);
const dsplitOp = directionalSplit('dsplit', 3, () => 2);
/** torch.hsplit(input, indices_or_sections): tensor_split along dim 1 (dim 0 for 1-d input); sections must divide evenly. */
export const hsplit = hsplitOp.fn;
/** torch.vsplit(input, indices_or_sections): tensor_split along dim 0 of an at least 2-d input. */
export const vsplit = vsplitOp.fn;
/** torch.dsplit(input, indices_or_sections): tensor_split along dim 2 of an at least 3-d input. */
export const dsplit = dsplitOp.fn;

const splitWithSizesOp = tensorOp('splitWithSizes', [['splitSizes', intList], ['dim', int, 0]] as const, (x, a) => split(x, a.splitSizes, a.dim));
/** torch.split_with_sizes(input, split_sizes, dim=0). */
export const splitWithSizes = splitWithSizesOp.fn;

function unsafeSizes(x: Tensor, size: number | readonly number[], dim: number): readonly number[] {
  if (typeof size !== 'number') return size;
  return split(x.detach(), size, dim).map((t) => t.shape[normalizeDim(dim, x.dim())]);
}
const unsafeSplitOp = tensorOp('unsafeSplit', [['splitSize', intOrList], ['dim', int, 0]] as const, (x, a) =>
  splitWithSizesAs(x, unsafeSizes(x, a.splitSize, a.dim), a.dim, 'UnsafeSplitBackward0'),
);
const unsafeSplitWithSizesOp = tensorOp('unsafeSplitWithSizes', [['splitSizes', intList], ['dim', int, 0]] as const, (x, a) => {
  split(x.detach(), a.splitSizes, a.dim); // PyTorch's size checks
  return splitWithSizesAs(x, a.splitSizes, a.dim, 'UnsafeSplitWithSizesBackward0');
});
const unsafeChunkOp = tensorOp('unsafeChunk', [['chunks', int], ['dim', int, 0]] as const, (x, a) =>
  splitWithSizesAs(x, x.detach().chunk(a.chunks, a.dim).map((t) => t.shape[normalizeDim(a.dim, x.dim())]), a.dim, 'UnsafeSplitBackward0'),
);
/** torch.unsafe_split: split whose pieces are not tracked as views of the input. */
export const unsafeSplit = unsafeSplitOp.fn;
/** torch.unsafe_split_with_sizes. */
export const unsafeSplitWithSizes = unsafeSplitWithSizesOp.fn;
/** torch.unsafe_chunk. */
export const unsafeChunk = unsafeChunkOp.fn;

// --- broadcasting ---

/** torch.broadcast_shapes(*shapes): the shape all of them broadcast to (ints count as 1-d shapes). */
export function broadcastShapes(...shapes: (number | readonly number[])[]): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const shape = typeof s === 'number' ? [s] : s;
    if (!intList.test(shape)) throw new TypeError(`broadcast_shapes(): expected an int or a list of ints, got ${pyTypeName(s)}`);
    try {
      out = broadcastTwo(out, shape);
    } catch {
      throw new RangeError('Shape mismatch: objects cannot be broadcast to a single shape');
    }
  }
  return out;
}

/** torch.broadcast_tensors(*tensors): expanded views of the inputs to their common shape. */
export function broadcastTensors(...tensors: Tensor[] | [readonly Tensor[]]): Tensor[] {
  const list = tensorsOf('broadcast_tensors', tensors);
  const shape = list.reduce<number[]>((s, t) => broadcastTwo(s, t.shape), []);
  return list.map((t) => (sameShape(t.shape, shape) ? t : expand(t, shape)));
}

const broadcastToOp = tensorOp('broadcastTo', [['size', intList]] as const, (x, a) => expand(x, a.size));
/** torch.broadcast_to(input, shape): expand. */
export const broadcastTo = broadcastToOp.fn;

// --- cartesian_prod / combinations / block_diag ---

function check1d(t: Tensor): void {
  if (t.dim() !== 1) throw new RangeError(`Expect a 1D vector, but got shape ${formatShape(t.shape)}`);
}

/** torch.cartesian_prod(*tensors): all tuples of elements, one column per input (the input itself for one). */
export function cartesianProd(...tensors: Tensor[] | [readonly Tensor[]]): Tensor {
  const list = tensorsOf('cartesian_prod', tensors);
  list.forEach(check1d);
  if (list.length === 1) return list[0];
  return stack(meshgrid(list, { indexing: 'ij' }).map((g) => g.flatten()), 1);
}

const combinationsOp = tensorOp('combinations', [['r', int, 2], ['withReplacement', bool, false]] as const, (x, a) => {
  check1d(x);
  if (a.r < 0) throw new RangeError(`Expect a non-negative number, but got ${a.r}`);
  if (a.r === 0) return zeros([0], { dtype: x.dtype });
  const n = x.shape[0];
  const columns: number[][] = Array.from({ length: a.r }, () => []);
  const pick: number[] = [];
  const visit = (from: number) => {
    if (pick.length === a.r) {
      pick.forEach((v, j) => columns[j].push(v));
      return;
    }
    for (let i = from; i < n; i++) {
      pick.push(i);
      visit(a.withReplacement ? i : i + 1);
      pick.pop();
    }
  };
  visit(0);
  return stack(columns.map((c) => indexSelect(x, 0, Tensor.fromData(Float64Array.from(c), 'int64', [c.length]))), 1);
});
/** torch.combinations(input, r=2, with_replacement=False): itertools.combinations of a 1-d tensor's elements, as rows. */
export const combinations = combinationsOp.fn;

class BlockDiagBackward0 extends Node {
  readonly name = 'BlockDiagBackward0';
  constructor(private readonly shapes: number[][]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    let r = 0;
    let c = 0;
    return this.shapes.map((shape, i) => {
      const [rows, cols] = shape.length === 2 ? shape : shape.length === 1 ? [1, shape[0]] : [1, 1];
      const piece = grad.narrow(0, r, rows).narrow(1, c, cols);
      r += rows;
      c += cols;
      return this.next[i] ? piece.reshape(shape) : null;
    });
  }
}

/** torch.block_diag(*tensors): the inputs (as matrices) along the diagonal of a zero matrix. */
export function blockDiag(...tensors: Tensor[] | [readonly Tensor[]]): Tensor {
  const list = tensorsOf('block_diag', tensors);
  const mats = list.map((t, i) => {
    if (t.dim() > 2) throw new RangeError(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.dim()} dimensions`);
    return t.dim() === 2 ? t.detach() : t.detach().reshape(1, -1);
  });
  const dtype = list.length === 0 ? 'float32' : resultType(...list);
  const rows = mats.reduce((n, m) => n + m.shape[0], 0);
  const cols = mats.reduce((n, m) => n + m.shape[1], 0);
  const out = zeros([list.length === 0 ? 1 : rows, cols], { dtype });
  let r = 0;
  let c = 0;
  for (const m of mats) {
    out.narrow(0, r, m.shape[0]).narrow(1, c, m.shape[1]).copy_(m);
    r += m.shape[0];
    c += m.shape[1];
  }
  if (needsGrad(...list)) record(new BlockDiagBackward0(list.map((t) => t.shape.slice())), list, [out]);
  return out;
}

// --- dims ---

const swapdimsOp = tensorOp('swapdims', [['dim0', int], ['dim1', int]] as const, (x, a) => transpose(x, a.dim0, a.dim1));
const swapaxesOp = tensorOp('swapaxes', [['axis0', int], ['axis1', int]] as const, (x, a) => transpose(x, a.axis0, a.axis1));
/** torch.swapdims(input, dim0, dim1): transpose. */
export const swapdims = swapdimsOp.fn;
/** torch.swapaxes(input, axis0, axis1): transpose. */
export const swapaxes = swapaxesOp.fn;

class TransposeBackward1 extends Node {
  readonly name = 'TransposeBackward1';
  constructor(private readonly d0: number, private readonly d1: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [transpose(g as Tensor, this.d0, this.d1)];
  }
}

/** transpose_: swaps two dims of self's metadata in place (as PyTorch's transpose_). */
function transposeInPlace(self: Tensor, dim0: number, dim1: number): Tensor {
  if (self.dim() === 0) return self;
  const d0 = normalizeDim(dim0, self.dim());
  const d1 = normalizeDim(dim1, self.dim());
  const recording = isGradEnabled() && self.requiresGrad;
  if (recording && self.isLeaf) throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  const shape = self.shape.slice();
  const strides = self.strides.slice();
  [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
  [strides[d0], strides[d1]] = [strides[d1], strides[d0]];
  if (recording) record(new TransposeBackward1(d0, d1), [self], [self]);
  self._shape = shape;
  self._strides = strides;
  return self;
}
const swapdimsInplaceOp = tensorOp('swapdims_', [['dim0', int], ['dim1', int]] as const, (x, a) => transposeInPlace(x, a.dim0, a.dim1));
const swapaxesInplaceOp = tensorOp('swapaxes_', [['axis0', int], ['axis1', int]] as const, (x, a) => transposeInPlace(x, a.axis0, a.axis1));

/** An in-place view op (squeeze_, unsqueeze_, t_, asStrided_): self takes the view's geometry and history. */
function viewInPlace(self: Tensor, view: (t: Tensor) => Tensor): Tensor {
  const recording = isGradEnabled() && self.requiresGrad;
  if (recording && self.isLeaf) throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  const v = view(self);
  self._shape = v.shape.slice();
  self._strides = v.strides.slice();
  self._offset = v.offset;
  if (recording && v.gradFn !== null) {
    self._gradFn = v.gradFn;
    self._outputNr = v._outputNr;
  }
  return self;
}
const squeezeInplaceOp = tensorOp('squeeze_', [['dim', nullable(int), null]] as const, (x, a) => viewInPlace(x, (t) => (a.dim === null ? t.squeeze() : t.squeeze(a.dim))));
const unsqueezeInplaceOp = tensorOp('unsqueeze_', [['dim', int]] as const, (x, a) => viewInPlace(x, (t) => unsqueeze(t, a.dim)));
const tInplaceOp = tensorOp('t_', [] as const, (x) => viewInPlace(x, (t) => t.t()));
const asStridedInplaceOp = tensorOp('asStrided_', [['size', intList], ['stride', intList], ['storageOffset', nullable(int), null]] as const, (x, a) =>
  viewInPlace(x, (t) => t.asStrided(a.size, a.stride, a.storageOffset)),
);
/** torch.as_strided_(input, size, stride, storage_offset=None): as_strided in place. */
export const asStrided_ = asStridedInplaceOp.fn;

const narrowCopyOp = tensorOp('narrowCopy', [['dim', int], ['start', int], ['length', int]] as const, (x, a) => x.narrow(a.dim, a.start, a.length).clone());
/** torch.narrow_copy(input, dim, start, length): narrow, copied. */
export const narrowCopy = narrowCopyOp.fn;

function movedimImpl(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = typeof source === 'number' ? [source] : source;
  const dst = typeof destination === 'number' ? [destination] : destination;
  const n = x.dim();
  if (src.length !== dst.length) {
    throw new RangeError(
      `movedim: Invalid source or destination dims: source (${formatShape(src)} dims) should contain the same number of dims as destination (${formatShape(dst)} dims)`,
    );
  }
  const s = src.map((d) => normalizeDim(d, n));
  const t = dst.map((d) => normalizeDim(d, n));
  if (new Set(s).size !== s.length) throw new RangeError(`movedim: repeated dim in \`source\` (${formatShape(src)})`);
  if (new Set(t).size !== t.length) throw new RangeError(`movedim: repeated dim in \`destination\` (${formatShape(dst)})`);
  const order = new Array<number>(n).fill(-1);
  s.forEach((d, i) => (order[t[i]] = d));
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !s.includes(i));
  let k = 0;
  for (let i = 0; i < n; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}
const moveaxisOp = tensorOp('moveaxis', [['source', intOrList], ['destination', intOrList]] as const, (x, a) => movedimImpl(x, a.source, a.destination));
/** torch.moveaxis(input, source, destination): movedim with one dim or lists of dims. */
export const moveaxis = moveaxisOp.fn;

const ravelOp = tensorOp('ravel', [] as const, (x) => x.contiguous().view(-1));
/** torch.ravel(input): a flattened (contiguous) tensor, a view when input is contiguous. */
export const ravel = ravelOp.fn;

// --- unfold ---

class UnfoldBackward0 extends Node {
  readonly name = 'UnfoldBackward0';
  constructor(private readonly shape: number[], private readonly dim: number, private readonly size: number, private readonly step: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    if (this.shape.length === 0) return [grad.reshape([])];
    const d = this.dim;
    const windows = grad.shape[d];
    // Window w's element j came from position w*step + j: gather those positions back with index_add.
    const index = arange(windows).mul(this.step).unsqueeze(1).add(arange(this.size)).reshape(-1);
    const pieces = grad.movedim(grad.dim() - 1, d + 1).reshape([...this.shape.slice(0, d), windows * this.size, ...this.shape.slice(d + 1)]);
    return [zeros(this.shape, { dtype: grad.dtype }).indexAdd(d, index, pieces)];
  }
}

const unfoldArgs = signature('unfold', [['dimension', int], ['size', int], ['step', int]] as const);
/** Tensor.unfold(dimension, size, step): a view of all windows of `size` along dimension, `step` apart (windows last). */
function unfold(this: Tensor, ...args: ArgsOf<typeof unfoldArgs>): Tensor {
  const a = unfoldArgs.parse(args);
  const x = this;
  const d = normalizeDim(a.dimension, x.dim());
  const length = x.dim() === 0 ? 1 : x.shape[d];
  if (a.size > length) throw new RangeError(`maximum size for tensor at dimension ${d} is ${length} but size is ${a.size}`);
  if (a.step <= 0) throw new RangeError(`step is ${a.step} but must be > 0`);
  if (a.size < 0) throw new RangeError(`size is ${a.size} but must be >= 0`);
  let shape: number[];
  let strides: number[];
  if (x.dim() === 0) {
    shape = [a.size];
    strides = [1];
  } else {
    shape = x.shape.slice();
    strides = x.strides.slice();
    shape[d] = Math.floor((length - a.size) / a.step) + 1;
    strides[d] = x.strides[d] * a.step;
    shape.push(a.size);
    strides.push(x.strides[d]);
  }
  const out = makeView(x, shape, strides, x.offset);
  if (needsGrad(x)) record(new UnfoldBackward0(x.shape.slice(), d, a.size, a.step), [x], [out]);
  return out;
}

// --- sum_to_size ---

/** Tensor.sum_to_size(*size): summed down to a shape it broadcasts from. */
function sumToSize(this: Tensor, ...size: ShapeInput): Tensor {
  const shape = parseShape(size);
  const lead = this.dim() - shape.length;
  const ok = lead >= 0 && shape.every((s, i) => s === 1 || s === this.shape[lead + i]);
  if (!ok) throw new RangeError(`size {${formatShape(shape)}} is not expandable to size {${formatShape(this.shape)}}.`);
  return sumToShape(this, shape);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    roll(...args: Parameters<typeof rollOp.method>): Tensor;
    fliplr(): Tensor;
    flipud(): Tensor;
    rot90(...args: Parameters<typeof rot90Op.method>): Tensor;
    repeatInterleave(...args: Parameters<typeof repeatInterleaveMethod.method>): Tensor;
    tile(...dims: number[]): Tensor;
    tile(dims: readonly number[]): Tensor;
    tensorSplit(...args: Parameters<typeof tensorSplitOp.method>): Tensor[];
    hsplit(...args: Parameters<typeof hsplitOp.method>): Tensor[];
    vsplit(...args: Parameters<typeof vsplitOp.method>): Tensor[];
    dsplit(...args: Parameters<typeof dsplitOp.method>): Tensor[];
    splitWithSizes(...args: Parameters<typeof splitWithSizesOp.method>): Tensor[];
    unsafeSplit(...args: Parameters<typeof unsafeSplitOp.method>): Tensor[];
    unsafeSplitWithSizes(...args: Parameters<typeof unsafeSplitWithSizesOp.method>): Tensor[];
    unsafeChunk(...args: Parameters<typeof unsafeChunkOp.method>): Tensor[];
    broadcastTo(...args: Parameters<typeof broadcastToOp.method>): Tensor;
    swapdims(...args: Parameters<typeof swapdimsOp.method>): Tensor;
    swapdims_(...args: Parameters<typeof swapdimsInplaceOp.method>): Tensor;
    swapaxes(...args: Parameters<typeof swapaxesOp.method>): Tensor;
    swapaxes_(...args: Parameters<typeof swapaxesInplaceOp.method>): Tensor;
    transpose_(dim0: number, dim1: number): Tensor;
    squeeze_(...args: Parameters<typeof squeezeInplaceOp.method>): Tensor;
    unsqueeze_(...args: Parameters<typeof unsqueezeInplaceOp.method>): Tensor;
    t_(): Tensor;
    asStrided_(...args: Parameters<typeof asStridedInplaceOp.method>): Tensor;
    narrowCopy(...args: Parameters<typeof narrowCopyOp.method>): Tensor;
    moveaxis(...args: Parameters<typeof moveaxisOp.method>): Tensor;
    ravel(): Tensor;
    unfold(...args: ArgsOf<typeof unfoldArgs>): Tensor;
    sumToSize(...size: number[]): Tensor;
    sumToSize(size: readonly number[]): Tensor;
  }
}

const P = Tensor.prototype;
P.roll = rollOp.method;
P.fliplr = fliplrOp.method;
P.flipud = flipudOp.method;
P.rot90 = rot90Op.method;
P.repeatInterleave = repeatInterleaveMethod.method;
P.tile = function (this: Tensor, ...dims: ShapeInput) {
  return tileImpl(this, parseShape(dims));
} as Tensor['tile'];
P.tensorSplit = tensorSplitOp.method;
P.hsplit = hsplitOp.method;
P.vsplit = vsplitOp.method;
P.dsplit = dsplitOp.method;
P.splitWithSizes = splitWithSizesOp.method;
P.unsafeSplit = unsafeSplitOp.method;
P.unsafeSplitWithSizes = unsafeSplitWithSizesOp.method;
P.unsafeChunk = unsafeChunkOp.method;
P.broadcastTo = broadcastToOp.method;
P.swapdims = swapdimsOp.method;
P.swapdims_ = swapdimsInplaceOp.method;
P.swapaxes = swapaxesOp.method;
P.swapaxes_ = swapaxesInplaceOp.method;
P.transpose_ = function (this: Tensor, dim0: number, dim1: number) {
  return transposeInPlace(this, dim0, dim1);
};
P.squeeze_ = squeezeInplaceOp.method;
P.unsqueeze_ = unsqueezeInplaceOp.method;
P.t_ = tInplaceOp.method;
P.asStrided_ = asStridedInplaceOp.method;
P.narrowCopy = narrowCopyOp.method;
P.moveaxis = moveaxisOp.method;
P.ravel = ravelOp.method;
P.unfold = unfold;
P.sumToSize = sumToSize as Tensor['sumToSize'];
