// Searching and counting: unique, uniqueConsecutive, bincount, histc, histogram, histogramdd,
// searchsorted, bucketize, argwhere, countNonzero, isin. Their results are integer
// indices or counts (no gradient), computed by a JS pass over a typed array as PyTorch's
// CPU kernels do; values move through indexSelect.
import { backend } from '../backend/index.js';
import {
  bool, check, checkTensor, either, int, intOrList, nullable, number as numberArg, numberList, oneOf, pyTypeName, signature, tensor as tensorArg, type ArgsOf,
} from '../tensor/args.js';
import { linspace } from '../tensor/create.js';
import { asNumbers, int64ArrayFrom, type NumberArray, isFloatingDtype, numeric, promoteTypes, scalarTypeName, type DType } from '../tensor/dtype.js';
import { normalizeDim, normalizeDims } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { castRaw } from './kernels.js';
import { namedTuple } from './reduce.js';
import { nonzero } from './indexing.js';
import { orderKeys, orderKeysOf } from './order-keys.js';

const isNan = (v: number) => v !== v;

function int64(data: Float64Array | number[], shape: number[]): Tensor {
  return Tensor.fromData(data instanceof Float64Array ? data : Float64Array.from(data), 'int64', shape);
}

/** The values of x as float64 (a copy in row-major order). */
function valuesOf(x: Tensor): Float64Array {
  const t = asNumbers(x.toTypedArray());
  return t instanceof Float64Array ? t : Float64Array.from(t);
}

// --- unique / unique_consecutive ---

const uniqueArgs = signature('unique', [['sorted', bool, true], ['returnInverse', bool, false], ['returnCounts', bool, false], ['dim', nullable(int), null]] as const);
const uniqueConsecutiveArgs = signature('unique_consecutive', [['returnInverse', bool, false], ['returnCounts', bool, false], ['dim', nullable(int), null]] as const);

/** What unique returns: the tensor alone, or PyTorch's tuple (output, inverse?, counts?) when either is asked for. */
export type UniqueResult = Tensor | Tensor[];

interface Groups {
  /** Representative (first) position of each group, in output order. */
  reps: number[];
  /** Group of every position. */
  inverse: Float64Array;
  counts: number[];
}

/** Orders `n` items by `cmp` (stable), then groups equal neighbours. */
function groupSorted(n: number, cmp: (i: number, j: number) => number, equal: (i: number, j: number) => boolean): Groups {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => cmp(i, j) || i - j);
  return groupRuns(order, equal);
}

/** Groups equal neighbours of `order`. */
function groupRuns(order: number[], equal: (i: number, j: number) => boolean): Groups {
  const reps: number[] = [];
  const counts: number[] = [];
  const inverse = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (k === 0 || !equal(order[k - 1], i)) {
      reps.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = reps.length - 1;
  }
  return { reps, inverse, counts };
}

function uniqueResult(output: Tensor, g: Groups, inverseShape: number[], returnInverse: boolean, returnCounts: boolean): UniqueResult {
  if (!returnInverse && !returnCounts) return output;
  const out = [output];
  if (returnInverse) out.push(int64(g.inverse, inverseShape));
  if (returnCounts) out.push(int64(g.counts, [g.counts.length]));
  return out;
}

/** Slices of x along d as rows of a [size, rest] matrix of exact order keys. */
function slicesOf(x: Tensor, d: number): { data: NumberArray; n: number; width: number } {
  const moved = x.detach().movedim(d, 0).contiguous();
  const n = x.shape[d];
  const data = orderKeysOf(moved.toTypedArray());
  return { data, n, width: n === 0 ? 0 : data.length / n };
}

function compareNumbers(a: number, b: number): number {
  if (isNan(a) || isNan(b)) return isNan(a) ? (isNan(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** unique over all elements: a numeric typed-array sort, then binary search for the inverse. */
function uniqueFlat(x: Tensor, returnInverse: boolean, returnCounts: boolean): UniqueResult {
  const { keys, distinct: ranked } = orderKeys([x.toTypedArray()]);
  const v = keys[0];
  const sortedValues = Float64Array.from(v).sort();
  // Distinct values (every NaN is its own value, as NaN != NaN; NaNs sort last).
  let m = 0;
  for (let i = 0; i < sortedValues.length; i++) {
    const e = sortedValues[i];
    if (m === 0 || e !== sortedValues[m - 1] || e !== e) sortedValues[m++] = e;
  }
  const distinct = sortedValues.subarray(0, m);
  const output = Tensor.empty([m], x.dtype);
  // Ranked int64 keys are 0..m-1: the values are the ranked distinct values themselves.
  if (ranked !== null) (output.buffer as BigInt64Array).set(ranked);
  else backend().copy(Tensor.fromData(Float64Array.from(distinct), 'float64', [m]), output);
  if (!returnInverse && !returnCounts) return output;
  const inverse = new Float64Array(v.length);
  const counts = new Float64Array(m);
  let firstNan = m;
  while (firstNan > 0 && isNan(distinct[firstNan - 1])) firstNan--;
  let nextNan = firstNan;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    let k: number;
    if (e !== e) k = nextNan++;
    else {
      let lo = 0;
      let hi = firstNan;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (distinct[mid] < e) lo = mid + 1;
        else hi = mid;
      }
      k = lo;
    }
    inverse[i] = k;
    counts[k]++;
  }
  const out = [output];
  if (returnInverse) out.push(int64(inverse, x.shape.slice()));
  if (returnCounts) out.push(int64(counts, [m]));
  return out;
}

function uniqueImpl(x: Tensor, sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: number | null, consecutive: boolean): UniqueResult {
  if (dim === null && !consecutive) {
    // sorted=False: PyTorch's order is its hash set's; torchlette returns the sorted order.
    void sorted;
    return uniqueFlat(x, returnInverse, returnCounts);
  }
  if (dim === null) {
    const v = orderKeysOf(x.toTypedArray());
    const order = Array.from({ length: v.length }, (_, i) => i);
    const g = groupRuns(order, (i, j) => v[i] === v[j]);
    const output = Tensor.empty([g.reps.length], x.dtype);
    backend().indexSelect(x.reshape(-1), 0, int64(g.reps, [g.reps.length]), output.buffer);
    return uniqueResult(output, g, x.shape.slice(), returnInverse, returnCounts);
  }
  const d = normalizeDim(dim, x.dim());
  if (x.dim() === 0) throw new RangeError('unique(): Dimension out of range');
  const { data, n, width } = slicesOf(x, d);
  const cmp = (i: number, j: number) => {
    for (let k = 0; k < width; k++) {
      const c = compareNumbers(data[i * width + k], data[j * width + k]);
      if (c !== 0) return c;
    }
    return 0;
  };
  const equal = (i: number, j: number) => {
    for (let k = 0; k < width; k++) if (data[i * width + k] !== data[j * width + k]) return false;
    return true;
  };
  const g = consecutive ? groupRuns(Array.from({ length: n }, (_, i) => i), equal) : groupSorted(n, cmp, equal);
  const shape = x.shape.slice();
  shape[d] = g.reps.length;
  const output = Tensor.empty(shape, x.dtype);
  backend().indexSelect(x, d, int64(g.reps, [g.reps.length]), output.buffer);
  return uniqueResult(output, g, [n], returnInverse, returnCounts);
}

/** Options of unique that ask for the values alone. */
export interface UniqueValuesOptions {
  sorted?: boolean;
  returnInverse?: false;
  returnCounts?: false;
  dim?: number | null;
}

/**
 * torch.unique: the distinct values (sorted), with inverse indices and counts on request
 * ([output, inverse?, counts?] as PyTorch's tuple). sorted=false gives the sorted order too
 * (PyTorch's order there is its hash set's iteration order, which the docs leave unspecified).
 */
export function unique(input: Tensor, opts?: UniqueValuesOptions): Tensor;
export function unique(input: Tensor, ...args: ArgsOf<typeof uniqueArgs>): UniqueResult;
export function unique(input: Tensor, ...args: ArgsOf<typeof uniqueArgs>): UniqueResult {
  checkTensor('unique', 'input', 1, input);
  const a = uniqueArgs.parse(args);
  return uniqueImpl(input, a.sorted, a.returnInverse, a.returnCounts, a.dim, false);
}

/** torch.unique_consecutive: collapses runs of equal values (or slices along dim). */
export function uniqueConsecutive(input: Tensor, opts?: Omit<UniqueValuesOptions, 'sorted'>): Tensor;
export function uniqueConsecutive(input: Tensor, ...args: ArgsOf<typeof uniqueConsecutiveArgs>): UniqueResult;
export function uniqueConsecutive(input: Tensor, ...args: ArgsOf<typeof uniqueConsecutiveArgs>): UniqueResult {
  checkTensor('unique_consecutive', 'input', 1, input);
  const a = uniqueConsecutiveArgs.parse(args);
  return uniqueImpl(input, true, a.returnInverse, a.returnCounts, a.dim, true);
}

// --- bincount ---

const bincountArgs = signature('bincount', [['weights', nullable(tensorArg), null], ['minlength', int, 0]] as const);

export function bincount(input: Tensor, ...args: ArgsOf<typeof bincountArgs>): Tensor {
  checkTensor('bincount', 'input', 1, input);
  const a = bincountArgs.parse(args);
  if (isFloatingDtype(input.dtype) || input.dtype === 'bool') throw new TypeError(`"bincount_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  if (a.minlength < 0) throw new RangeError('minlength should be >= 0');
  const v = valuesOf(input);
  if (input.dim() !== 1 || v.some((e) => e < 0)) throw new RangeError('bincount only supports 1-d non-negative integral inputs.');
  const w = a.weights;
  if (w !== null && (w.dim() !== 1 || w.shape[0] !== v.length)) throw new RangeError('weights should be 1-d and have the same length as input');
  let max = -1;
  for (const e of v) if (e > max) max = e;
  const size = Math.max(a.minlength, max + 1);
  const dtype: DType = w === null ? 'int64' : w.dtype === 'float32' ? 'float32' : 'float64';
  const out = Tensor.empty([size], dtype);
  if (w === null) {
    const counts = new Float64Array(size);
    for (const e of v) counts[e]++;
    (out.buffer as BigInt64Array).set(int64ArrayFrom(counts));
  } else {
    const o = numeric(out.buffer);
    const wv = valuesOf(w);
    const round = dtype === 'float32' ? Math.fround : (x: number) => x;
    for (let i = 0; i < v.length; i++) o[v[i]] = round(o[v[i]] + wv[i]);
  }
  return out;
}

// --- histc / histogram ---

/**
 * PyTorch's histogramdd kernel: `v` holds N points of D coordinates (row-major); a point
 * outside [edges[0], edges[last]] in any dim is skipped; each coordinate's bin comes from
 * the linear formula corrected against the edges (int bins) or a binary search (tensor
 * bins); the last bin is closed on the right.
 */
function histogramddKernel(v: Float64Array, D: number, edgesList: Float64Array[], weight: Float64Array | null, linear: boolean, dtype: DType): Tensor {
  const bins = edgesList.map((e) => e.length - 1);
  const out = Tensor.empty(bins.slice(), dtype);
  const o = numeric(out.buffer);
  const round = dtype === 'float32' ? Math.fround : (t: number) => t;
  const strides = bins.map((_, d) => bins.slice(d + 1).reduce((a, b) => a * b, 1));
  const upperBound = (edges: Float64Array, lo: number, hi: number, e: number) => {
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      if (!(e < edges[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const points = D === 0 ? 0 : v.length / D;
  for (let i = 0; i < points; i++) {
    let at = 0;
    let skip = false;
    for (let d = 0; d < D && !skip; d++) {
      const edges = edgesList[d];
      const nb = bins[d];
      const e = v[i * D + d];
      const left = edges[0];
      const right = edges[nb];
      if (!(e >= left && e <= right)) {
        skip = true;
        break;
      }
      let pos: number;
      if (linear) {
        pos = Math.trunc(round(round(round(e - left) * nb) / round(right - left)));
        pos = upperBound(edges, Math.max(0, pos - 1), Math.min(pos + 2, nb + 1), e) - 1;
      } else {
        pos = upperBound(edges, 0, nb + 1, e) - 1;
      }
      if (pos === nb) pos--;
      at += pos * strides[d];
    }
    if (!skip) o[at] = round(o[at] + (weight === null ? 1 : weight[i]));
  }
  return out;
}

function histogramKernel(x: Tensor, edges: Float64Array, weight: Float64Array | null, linear: boolean, dtype: DType): Tensor {
  return histogramddKernel(valuesOf(x), 1, [edges], weight, linear, dtype);
}

function checkHistogramInput(op: string, x: Tensor): void {
  if (!isFloatingDtype(x.dtype)) throw new TypeError(`"${op}" not implemented for '${scalarTypeName(x.dtype)}'`);
}

function dataRange(x: Tensor): [number, number] {
  if (x.numel() === 0) return [0, 0];
  return [Number(x.min().item()), Number(x.max().item())];
}

const histcArgs = signature('histc', [['bins', int, 100], ['min', numberArg, 0], ['max', numberArg, 0]] as const);

/** torch.histc: counts of input in `bins` equal bins over [min, max] (the data's range when both are 0). */
export function histc(input: Tensor, ...args: ArgsOf<typeof histcArgs>): Tensor {
  checkTensor('histc', 'input', 1, input);
  const a = histcArgs.parse(args);
  checkHistogramInput('histogram_cpu', input);
  if (a.bins <= 0) throw new RangeError('torch.histogram(): bins must be > 0, but got ' + a.bins + ' for dimension 0');
  let [lo, hi] = a.min === a.max ? dataRange(input) : [a.min, a.max];
  if (a.min === a.max && input.numel() === 0) [lo, hi] = [a.min, a.max];
  if (lo > hi) throw new RangeError(`torch.histc: max must be larger than min`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`torch.histc: range of [${lo}, ${hi}] is not finite`);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const edges = valuesOf(linspace(lo, hi, a.bins + 1, { dtype: input.dtype }));
  return histogramKernel(input, edges, null, true, input.dtype);
}

const histogramArgs = signature('histogram', [
  ['bins', either(int, tensorArg), 100], '*', ['range', nullable(numberList), null], ['weight', nullable(tensorArg), null], ['density', bool, false],
] as const);

/** (hist, bin_edges), PyTorch's torch.return_types.histogram: by name, by position or unpacked. */
export type HistogramResult = { hist: Tensor; binEdges: Tensor } & [Tensor, Tensor];

/** torch.histogram: (hist, bin_edges) of input over int bins (equal widths) or the given edges. */
export function histogram(input: Tensor, ...args: ArgsOf<typeof histogramArgs>): HistogramResult {
  checkTensor('histogram', 'input', 1, input);
  const a = histogramArgs.parse(args);
  checkHistogramInput('histogram_cpu', input);
  const w = a.weight;
  if (w !== null && (w.dtype !== input.dtype || w.numel() !== input.numel())) {
    throw new RangeError('torch.histogram: if weight tensor is provided it should have the same shape as the input tensor and the same dtype');
  }
  let binEdges: Tensor;
  const linear = typeof a.bins === 'number';
  if (typeof a.bins === 'number') {
    if (a.bins <= 0) throw new RangeError(`torch.histogram(): bins must be > 0, but got ${a.bins} for dimension 0`);
    let [lo, hi] = a.range !== null ? [a.range[0], a.range[1]] : dataRange(input);
    if (lo > hi) throw new RangeError(`torch.histogram: min should not exceed max, but got min ${lo} max ${hi}`);
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    binEdges = linspace(lo, hi, a.bins + 1, { dtype: input.dtype });
  } else {
    if (a.bins.dtype !== input.dtype) throw new TypeError('torch.histogram: input tensor and bins tensors should have the same dtype');
    binEdges = a.bins.contiguous();
  }
  const edges = valuesOf(binEdges);
  let hist = histogramKernel(input, edges, w === null ? null : valuesOf(w), linear, input.dtype);
  if (a.density) {
    const widths = binEdges.narrow(0, 1, edges.length - 1).sub(binEdges.narrow(0, 0, edges.length - 1));
    hist = hist.div(hist.sum()).div(widths);
  }
  return namedTuple('histogram', { hist, binEdges: castRaw(binEdges, input.dtype) }) as HistogramResult;
}

const histogramddArgs = signature('histogramdd', [
  ['bins', either(intOrList, check<readonly Tensor[]>('a list of tensors', (v) => Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof Tensor)))], '*',
  ['range', nullable(numberList), null], ['weight', nullable(tensorArg), null], ['density', bool, false],
] as const);

/** (hist, bin_edges), PyTorch's torch.return_types.histogramdd: by name, by position or unpacked. */
export type HistogramddResult = { hist: Tensor; binEdges: Tensor[] } & [Tensor, Tensor[]];

/** torch.histogramdd: the D-dimensional histogram of the points in input's last dim, and the edges of every dim. */
export function histogramdd(input: Tensor, ...args: ArgsOf<typeof histogramddArgs>): HistogramddResult {
  checkTensor('histogramdd', 'input', 1, input);
  const a = histogramddArgs.parse(args);
  checkHistogramInput('histogramdd', input);
  if (input.dim() < 1) throw new RangeError('torch.histogramdd: input tensor should have at least 1 dimension, but got 0');
  const D = input.shape[input.dim() - 1];
  const points = input.reshape([-1, D]);
  const w = a.weight;
  if (w !== null && (w.dtype !== input.dtype || w.numel() !== points.shape[0])) {
    throw new RangeError('torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension');
  }
  const linear = !Array.isArray(a.bins) || typeof a.bins[0] === 'number';
  let binEdges: Tensor[];
  if (!linear) {
    binEdges = (a.bins as readonly Tensor[]).map((t) => t.contiguous());
    if (binEdges.length !== D) throw new RangeError(`torch.histogramdd: expected ${D} sequences of bin edges for each of the ${D} dimensions of the input, but got ${binEdges.length}`);
  } else {
    const counts = typeof a.bins === 'number' ? new Array<number>(D).fill(a.bins) : (a.bins as readonly number[]);
    if (counts.length !== D) throw new RangeError(`torch.histogramdd: expected ${D} bin counts for each of the ${D} dimensions of the input, but got ${counts.length}`);
    if (a.range !== null && a.range.length !== 2 * D) throw new RangeError(`torch.histogramdd: for a ${D}-dimensional histogram range should have ${2 * D} elements, but got ${a.range.length}`);
    binEdges = counts.map((nb, d) => {
      if (nb <= 0) throw new RangeError(`torch.histogramdd(): bins must be > 0, but got ${nb} for dimension ${d}`);
      let [lo, hi] = a.range !== null ? [a.range[2 * d], a.range[2 * d + 1]] : points.shape[0] === 0 ? [0, 0] : [Number(points.select(1, d).min().item()), Number(points.select(1, d).max().item())];
      if (lo > hi) throw new RangeError(`torch.histogramdd: min should not exceed max, but got min ${lo} max ${hi} for dimension ${d}`);
      if (lo === hi) {
        lo -= 0.5;
        hi += 0.5;
      }
      return linspace(lo, hi, nb + 1, { dtype: input.dtype });
    });
  }
  let hist = histogramddKernel(valuesOf(points), D, binEdges.map(valuesOf), w === null ? null : valuesOf(w), linear, input.dtype);
  if (a.density) {
    hist = hist.div(hist.sum());
    binEdges.forEach((e, d) => {
      const n = e.numel();
      const widths = e.narrow(0, 1, n - 1).sub(e.narrow(0, 0, n - 1));
      hist = hist.div(widths.reshape(binEdges.map((_, k) => (k === d ? n - 1 : 1))));
    });
  }
  return namedTuple('histogramdd', { hist, binEdges: binEdges.map((e) => castRaw(e, input.dtype)) }) as HistogramddResult;
}

// --- searchsorted / bucketize ---

const searchsortedArgs = signature('searchsorted', [
  '*', ['outInt32', bool, false], ['right', bool, false], ['side', nullable(oneOf('left', 'right')), null], ['sorter', nullable(tensorArg), null],
] as const);

function searchImpl(boundaries: Tensor, values: Tensor | number, outInt32: boolean, right: boolean, sorter: Tensor | null): Tensor {
  const v = values instanceof Tensor ? values : Tensor.fromData(new Float64Array([values]), 'float64', []);
  const bd = boundaries.dim() === 0 ? null : boundaries;
  if (bd === null) throw new RangeError('torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension');
  const oneD = bd.dim() === 1;
  if (!oneD) {
    const lead = bd.shape.slice(0, -1);
    const vlead = v.shape.slice(0, -1);
    if (v.dim() !== bd.dim() || lead.some((s, i) => s !== vlead[i])) {
      throw new RangeError(
        `torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${bd.shape.join(', ')}] and input value tensor [${v.shape.join(', ')}]`,
      );
    }
  }
  if (sorter !== null) {
    if (sorter.dtype !== 'int64') throw new TypeError('torch.searchsorted(): sorter must be a tensor of long dtype but got dtype ' + scalarTypeName(sorter.dtype));
    if (sorter.shape.length !== bd.shape.length || sorter.shape.some((s, i) => s !== bd.shape[i])) {
      throw new RangeError('torch.searchsorted(): boundary and sorter must have the same size');
    }
  }
  // Exact keys of boundaries and values together (int64 past 2^53 compares by rank).
  const [B, V] = orderKeys([bd.toTypedArray(), v.toTypedArray()]).keys;
  const S = sorter === null ? null : valuesOf(sorter);
  const n = bd.shape[bd.dim() - 1];
  const perRow = oneD ? V.length : v.dim() === 0 ? 1 : v.shape[v.dim() - 1];
  const out = new Float64Array(V.length);
  for (let i = 0; i < V.length; i++) {
    const row = oneD ? 0 : Math.floor(i / perRow);
    const start = row * n;
    const val = V[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      const m = S === null ? B[start + mid] : B[start + S[start + mid]];
      const goRight = right ? !(m > val) : !(m >= val);
      if (goRight) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  const result = Tensor.fromData(out, 'int64', v.shape.slice());
  return outInt32 ? castRaw(result, 'int32') : result;
}

/** torch.searchsorted: where `values` would be inserted into the last dim of `sortedSequence`. */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, ...args: ArgsOf<typeof searchsortedArgs>): Tensor {
  checkTensor('searchsorted', 'sorted_sequence', 1, sortedSequence);
  if (!(values instanceof Tensor) && typeof values !== 'number') checkTensor('searchsorted', 'input', 2, values);
  const a = searchsortedArgs.parse(args);
  if (a.side === 'left' && a.right) {
    throw new RangeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  }
  return searchImpl(sortedSequence, values, a.outInt32, a.right || a.side === 'right', a.sorter);
}

const bucketizeArgs = signature('bucketize', [['boundaries', tensorArg], '*', ['outInt32', bool, false], ['right', bool, false]] as const);

/** torch.bucketize: the bucket of every element of input among 1-D `boundaries`. */
export function bucketize(input: Tensor | number, ...args: ArgsOf<typeof bucketizeArgs>): Tensor {
  const a = bucketizeArgs.parse(args);
  if (a.boundaries.dim() !== 1) throw new RangeError(`boundaries tensor must be 1 dimension, but got dim(${a.boundaries.dim()})`);
  return searchImpl(a.boundaries, input, a.outInt32, a.right, null);
}

// --- argwhere / count_nonzero / isin ---

/** torch.argwhere: the indices of the non-zero elements, [count, ndim]. */
export function argwhere(input: Tensor): Tensor {
  checkTensor('argwhere', 'input', 1, input);
  return nonzero(input);
}

const countNonzeroArgs = signature('count_nonzero', [['dim', nullable(intOrList), null]] as const);

/** torch.count_nonzero: the number of non-zero elements (over dim). */
export function countNonzero(input: Tensor, ...args: ArgsOf<typeof countNonzeroArgs>): Tensor {
  checkTensor('count_nonzero', 'input', 1, input);
  const a = countNonzeroArgs.parse(args);
  const dims = a.dim === null ? [] : normalizeDims(typeof a.dim === 'number' ? [a.dim] : a.dim, input.dim());
  const nz = input.detach().ne(0);
  return nz.sum(dims.length === 0 ? null : dims);
}

const isinArgs = signature('isin', ['*', ['assumeUnique', bool, false], ['invert', bool, false]] as const);

/** torch.isin: whether each element of `elements` is in `testElements`. */
export function isin(elements: Tensor | number, testElements: Tensor | number, ...args: ArgsOf<typeof isinArgs>): Tensor {
  const a = isinArgs.parse(args);
  if (!(elements instanceof Tensor) && !(testElements instanceof Tensor)) checkTensor('isin', 'elements', 1, elements);
  for (const [v, name, pos] of [[elements, 'elements', 1], [testElements, 'test_elements', 2]] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new TypeError(`isin(): argument '${name}' (position ${pos}) must be Tensor or Number, not ${pyTypeName(v)}`);
  }
  const el = elements instanceof Tensor ? elements : null;
  const te = testElements instanceof Tensor ? testElements : null;
  // Compare in the promoted dtype, as PyTorch does (a number takes the tensor's dtype, or the default float against integers).
  const scalarDtype = (v: number, t: Tensor): DType => (Number.isInteger(v) || isFloatingDtype(t.dtype) ? t.dtype : 'float32');
  const common: DType = el && te ? promoteTypes(el.dtype, te.dtype) : el ? scalarDtype(testElements as number, el) : scalarDtype(elements as number, te as Tensor);
  const asTensor = (t: Tensor | null, v: Tensor | number) => (t ?? Tensor.fromData(new Float64Array([v as number]), 'float64', []));
  const elT = asTensor(el, elements);
  const teT = asTensor(te, testElements);
  const [tk, v] = orderKeys([castRaw(teT, common).toTypedArray(), castRaw(elT, common).toTypedArray()]).keys;
  const set = new Set<number>(tk);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (!isNan(v[i]) && set.has(v[i])) !== a.invert ? 1 : 0;
  return Tensor.fromData(out, 'bool', elT.shape.slice());
}

// --- methods ---

declare module '../tensor/tensor.js' {
  interface Tensor {
    unique(opts?: UniqueValuesOptions): Tensor;
    unique(...args: ArgsOf<typeof uniqueArgs>): UniqueResult;
    uniqueConsecutive(opts?: Omit<UniqueValuesOptions, 'sorted'>): Tensor;
    uniqueConsecutive(...args: ArgsOf<typeof uniqueConsecutiveArgs>): UniqueResult;
    bincount(...args: ArgsOf<typeof bincountArgs>): Tensor;
    histc(...args: ArgsOf<typeof histcArgs>): Tensor;
    histogram(...args: ArgsOf<typeof histogramArgs>): HistogramResult;
    argwhere(): Tensor;
    countNonzero(...args: ArgsOf<typeof countNonzeroArgs>): Tensor;
  }
}

const P = Tensor.prototype;
P.unique = function (this: Tensor, ...args: ArgsOf<typeof uniqueArgs>) {
  return unique(this, ...args);
} as Tensor['unique'];
P.uniqueConsecutive = function (this: Tensor, ...args: ArgsOf<typeof uniqueConsecutiveArgs>) {
  return uniqueConsecutive(this, ...args);
} as Tensor['uniqueConsecutive'];
P.bincount = function (this: Tensor, ...args: ArgsOf<typeof bincountArgs>) {
  return bincount(this, ...args);
};
P.histc = function (this: Tensor, ...args: ArgsOf<typeof histcArgs>) {
  return histc(this, ...args);
};
P.histogram = function (this: Tensor, ...args: ArgsOf<typeof histogramArgs>) {
  return histogram(this, ...args);
};
P.argwhere = function (this: Tensor) {
  return argwhere(this);
};
P.countNonzero = function (this: Tensor, ...args: ArgsOf<typeof countNonzeroArgs>) {
  return countNonzero(this, ...args);
};
